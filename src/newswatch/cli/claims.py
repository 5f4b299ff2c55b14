"""``newswatch claims``: list the claims ledger (figures grouped by subject and property).

Registered by :mod:`newswatch.cli`. Output: one table per group (text) or a JSON array of
groups (``--format json``, see :func:`newswatch.read.situation.group_to_dict`); each group
lists its claims oldest
first with value and bounds, as-of date, outlet, cited sources, article and sentence; the
newest claim and the most-cited value are marked.

Read-only: the database is opened without migrating. Exit codes (:mod:`.common`): 0 listed
(possibly nothing); 3 the database does not exist, is at an older schema, or could not be
opened.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from .common import DbOpt, Format, FormatOpt, db_url, open_store_readonly


def _value(c: Any) -> str:
    """A claim's value as written in the ledger ("≤ 240,000,000 USD", "~9,000")."""
    sign = {"over": "> ", "under": "< ", "about": "~", "up_to": "≤ "}.get(c.qualifier, "")
    v = f"{c.value:,.0f}" if float(c.value).is_integer() else f"{c.value:,}"
    return f"{sign}{v}" + (f" {c.unit}" if c.unit else "")


def claims(
    db: DbOpt = None,
    subject: Annotated[str | None, typer.Option(
        "--subject", help="Only groups whose subject (any language label) or key contains this text.")] = None,
    fmt: FormatOpt = Format.text,
    min_claims: Annotated[int, typer.Option("--min-claims", min=1, help="Only groups with at least N claims.")] = 1,
    conflicting: Annotated[bool, typer.Option("--conflicting", help="Only groups holding different values.")] = False,
) -> None:
    """List claim groups: values side by side with dates and sources; newest and most cited marked."""
    from ..read.situation import claim_groups, group_to_dict

    store = open_store_readonly(db_url(db))
    try:
        with store.read() as conn:
            groups = claim_groups(conn, subject, min_claims=min_claims)
    finally:
        store.close()
    if conflicting:
        groups = [g for g in groups if g.conflicting]
    if fmt is Format.json:
        typer.echo(json.dumps([group_to_dict(g) for g in groups], ensure_ascii=False, indent=1))
        return
    _render(groups)


def _render(groups: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not groups:
        console.print("no claims stored")
        return
    for g in groups:
        labels = " / ".join(dict.fromkeys(g.subject_labels.values())) or g.subject or "(no subject)"
        title = f"{labels} — {g.property}" + (f" [{g.unit}]" if g.unit else "")
        if g.conflicting:
            title += "  (conflicting values)"
        table = Table(title=title, title_justify="left", show_lines=False)
        for col in ("value", "as of", "outlet", "cites", "article", "mark"):
            table.add_column(col)
        for c in g.claims:
            marks = [m for m, on in (("newest", c.newest), ("most cited", c.most_cited)) if on]
            as_of = (c.as_of or "?") + (" (published)" if c.as_of_source == "publication" else "")
            table.add_row(_value(c), as_of, c.outlet or "", ", ".join(c.cited) or "-",
                          f"{c.article_id}:{c.start}", ", ".join(marks))
        console.print(table)
