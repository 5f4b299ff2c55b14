"""``newswatch claims``: list the claims ledger (figures grouped by subject and property),
or with ``--tracker`` the casualty tracker.

Registered by :mod:`newswatch.cli`. Output: one table per group (text) or a JSON array of
groups (``--format json``, see :func:`newswatch.read.situation.group_to_dict`); each group
lists its claims oldest
first with value and bounds, as-of date, outlet, cited sources, article and sentence; the
newest claim and the most-cited value are marked.

``--tracker`` (:mod:`newswatch.read.tracker`): per side, the killed, wounded, missing,
detained, displaced and evacuated as series of as-of dates, each value with every source,
newest and most cited marked, revisions shown (12 → 19 → 27), then the figures nobody is
named as the side of. ``--place``, ``--entity``, ``--side``, ``--story`` (a story thread id,
as ``newswatch stories`` and the dashboard's story page show it), ``--since`` and ``--until``
choose the scope. ``--format json`` prints :meth:`Tracker.to_dict`; ``--format csv`` one row per
source (:data:`newswatch.read.tracker.ROW_COLUMNS`) through the dashboard exports' CSV writer
(formula cells guarded; no byte-order mark on standard output).

Read-only: the database is opened without migrating. Exit codes (:mod:`.common`): 0 listed
(possibly nothing); 2 usage error (a bad date or ``--side``, ``--format csv`` without
``--tracker``, a tracker option without ``--tracker``, a ledger option with it); 3 the database does not exist, is at
an older schema, or could not be opened.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer

from ..errors import NewswatchError
from ..model import range_ends
from .common import (
    EXIT_USAGE,
    DbOpt,
    EntityOpt,
    PlaceOpt,
    SideOpt,
    StoryOpt,
    check_country_option,
    db_url,
    fail,
    open_store_readonly,
    parse_date_range,
)


class ClaimsFormat(StrEnum):
    """Output formats of ``claims``: the shared ``text`` (also spelled ``table``) and ``json``,
    and ``csv`` (tracker)."""

    text = "text"
    table = "table"
    json = "json"
    csv = "csv"


def _value(c: Any) -> str:
    """A claim's value as written in the ledger ("≤ 240,000,000 USD", "~9,000"; a range,
    qualifier ``exact`` with two different bounds, as "30–50")."""
    def num(x: float) -> str:
        return f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"

    unit = f" {c.unit}" if c.unit else ""
    ends = range_ends(c.qualifier, c.lower, c.upper)
    if ends is not None:
        return f"{num(ends[0])}–{num(ends[1])}{unit}"
    sign = {"over": "> ", "under": "< ", "about": "~", "up_to": "≤ ", "at_least": "≥ ",
            "at_most": "≤ "}.get(c.qualifier, "")
    return f"{sign}{num(c.value)}{unit}"


def claims(
    db: DbOpt = None,
    subject: Annotated[str | None, typer.Option(
        "--subject", help="Only groups whose subject (any language label) or key contains this text.")] = None,
    fmt: Annotated[ClaimsFormat, typer.Option(
        "--format", help="Output format (csv: the tracker only, one row per source).")] = ClaimsFormat.text,
    min_claims: Annotated[int, typer.Option("--min-claims", min=1, help="Only groups with at least N claims.")] = 1,
    conflicting: Annotated[bool, typer.Option("--conflicting", help="Only groups holding different values.")] = False,
    tracker: Annotated[bool, typer.Option(
        "--tracker", help="The casualty tracker: per side, killed, wounded, missing, detained, displaced, "
                          "evacuated over time, with every source and the revisions.")] = False,
    place: PlaceOpt = None,
    entity: EntityOpt = None,
    side: SideOpt = None,
    story: StoryOpt = None,
    since: Annotated[str | None, typer.Option(help="Tracker: only articles published on or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Tracker: only articles published on or before YYYY-MM-DD.")] = None,
) -> None:
    """List claim groups: values side by side with dates and sources; newest and most cited marked.

    With --tracker: the casualty tracker (per side and property, values over their as-of dates).
    """
    from ..read.situation import claim_groups, group_to_dict

    if tracker:
        if subject is not None or conflicting or min_claims != 1:
            fail("claims: --subject, --min-claims and --conflicting are for the ledger, not --tracker "
                 "(use --entity, --place, --side or --story)", EXIT_USAGE)
        _tracker(db, fmt, place, entity, side, since, until, story)
        return
    if fmt is ClaimsFormat.csv:
        fail("claims: --format csv needs --tracker", EXIT_USAGE)
    if any(x is not None for x in (place, entity, side, since, until, story)):
        fail("claims: --place, --entity, --side, --story, --since and --until need --tracker", EXIT_USAGE)
    store = open_store_readonly(db_url(db))
    try:
        with store.read() as conn:
            groups = claim_groups(conn, subject, min_claims=min_claims)
    finally:
        store.close()
    if conflicting:
        groups = [g for g in groups if g.conflicting]
    if fmt is ClaimsFormat.json:
        typer.echo(json.dumps([group_to_dict(g) for g in groups], ensure_ascii=False, indent=1))
        return
    _render(groups)


def _tracker(db: str | None, fmt: ClaimsFormat, place: str | None, entity: str | None,
             side: str | None, since: str | None, until: str | None, story: str | None = None) -> None:
    """``claims --tracker``: read the tracker and print it in ``fmt``."""
    from ..read.scope import make_filters
    from ..read.tracker import tracker

    f = make_filters(*parse_date_range(since, until))
    check_country_option(side, "--side")
    store = open_store_readonly(db_url(db))
    try:
        with store.read() as conn:
            tr = tracker(conn, f, place=place, entity=entity, side=side, story=story)
    except NewswatchError as exc:
        fail(exc.line())
    finally:
        store.close()
    if fmt is ClaimsFormat.json:
        typer.echo(json.dumps(tr.to_dict(), ensure_ascii=False, indent=1))
    elif fmt is ClaimsFormat.csv:
        from ..read.tracker import ROW_COLUMNS, tracker_rows
        from ..web.queries.export import csv_chunks

        for chunk in csv_chunks(ROW_COLUMNS, tracker_rows(tr), bom=False):
            typer.echo(chunk, nl=False)
    else:
        _render_tracker(tr)


def _render_tracker(tr: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    from ..web.humanize import day, figure

    console = Console()
    if tr.scope.get("place") and not tr.scope.get("places"):
        console.print(f"no stored place is named {tr.scope['place']!r}")
    if not tr.sides and not tr.unattributed:
        console.print("no casualty figures in this scope")
        return
    for s in tr.sides:
        where = s.code or s.country
        table = Table(title=f"{s.label}" + (f" ({where})" if where else ""), title_justify="left")
        for col in ("figure", "as of", "value", "mark", "sources"):
            table.add_column(col)
        for series in s.series:
            name = f"{series.category} · {series.counted if series.counted != 'count' else '(who is not said)'}"
            if series.revisions:
                name += "\n" + " → ".join(figure(v) for v in _chain(series))
            for n, p in enumerate(series.points):
                marks = [m for m, on in (("newest", p.newest), ("most cited", p.most_cited),
                                         ("conflicting", p.conflicting)) if on]
                if p.revises is not None:
                    was = {"value": p.revises, "lower": p.revises, "upper": p.revises_upper, "unit": p.unit}
                    marks.append(f"revised from {figure(was)}")
                table.add_row(name if n == 0 else "", day(p.as_of) or "?", figure(p), ", ".join(marks),
                              "\n".join(_source_line(x) for x in p.sources))
        console.print(table)
    if tr.unattributed:
        table = Table(title="figures with no side named (never grouped)", title_justify="left")
        for col in ("figure", "as of", "value", "source"):
            table.add_column(col)
        for u in tr.unattributed:
            table.add_row(f"{u.category} · {u.counted}", day(u.point.as_of) or "?", figure(u.point),
                          "\n".join(_source_line(x) for x in u.point.sources))
        console.print(table)


def _chain(series: Any) -> list[Any]:
    """The values a series went through: its first as-of date's, then each revision's."""
    first = series.revisions[0]
    out = [{"value": first.from_value, "lower": first.from_value, "upper": first.from_upper,
            "unit": series.unit}]
    for r in series.revisions:
        out.append({"value": r.to_value, "lower": r.to_value, "upper": r.to_upper, "unit": series.unit})
    return out


def _source_line(s: Any) -> str:
    cites = f" citing {', '.join(s.cited)}" if s.cited else ""
    return f"{s.outlet or '?'}{cites}: “{s.figure_text}” ({s.article_id}:{s.start})"


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
