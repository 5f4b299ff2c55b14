"""``newswatch report``: the situation report (actors, places, figures by significance, who said
what, what happened, claims, timeline) of a database.

Read-only: the database is opened without migrating (:func:`.common.open_store_readonly`), so
running a report never changes the file. Exit codes: 0 printed; 2 usage error (a bad date or
an unknown country: every bad option value); 3 no database here, an older schema, or the
database could not be read.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ..errors import NewswatchError
from .common import (
    DbOpt,
    Format,
    FormatOpt,
    check_country_option,
    db_url,
    fail,
    open_store_readonly,
    parse_date_range,
)


def report(
    db: DbOpt = None,
    fmt: FormatOpt = Format.text,
    since: Annotated[str | None, typer.Option(help="Only articles published on or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Only articles published on or before YYYY-MM-DD.")] = None,
    country: Annotated[str | None, typer.Option(
        help="Only articles and places of this country (ISO 3166-1 alpha-2, alpha-3 or name).")] = None,
    limit: Annotated[int, typer.Option(help="Rows per section in text output.", min=1)] = 15,
) -> None:
    """Print the situation report: actors, places, figures by significance, quotes, events, claims,
    timeline."""
    from rich.console import Console

    from ..report import build_report, render_report

    first, last = parse_date_range(since, until)
    check_country_option(country, "--country")
    store = open_store_readonly(db_url(db))
    try:
        data = build_report(store, since=first, until=last, country=country)
    except NewswatchError as exc:
        fail(exc.line())
    finally:
        store.close()
    if fmt is Format.json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1, default=str))
    else:
        render_report(data, Console(), limit=limit)
