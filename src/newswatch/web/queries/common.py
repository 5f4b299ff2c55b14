"""What every page of the dashboard shares: the filter, the scope, evidence references.

The filter and the scope are the read layer's (:mod:`newswatch.read.scope`): the same articles
as ``newswatch report``. This module parses them from query parameters and builds the
evidence reference every listed item carries.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...read.scope import (
    Filters,
    event_items,
    items_with_article,
    make_filters,
    scope,
    sentence_expr,
)
from ...report import trim_sentence
from ..errors import InvalidInput
from ..security import http_url

__all__ = [
    "SNIPPET_CHARS", "Filters", "count_events", "count_items", "event_items", "event_ref",
    "evidence_ref", "has_table", "iso", "items_with_article", "parse_date", "parse_filters",
    "parse_span", "scope", "sentence_expr", "snippet",
]

#: Longest sentence shown with an item, in characters (cut around the item with "…"); about
#: three lines of the side panel.
SNIPPET_CHARS = 240


def parse_date(value: str | None, field: str) -> dt.date | None:
    """An ISO date from a query parameter (None when empty).

    Raises:
        InvalidInput: not ``YYYY-MM-DD``.
    """
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{field} must be a date YYYY-MM-DD", params={"field": field}) from None


def parse_span(start: str | None, end: str | None) -> tuple[dt.date, dt.date]:
    """The two days of a timeline bar.

    Raises:
        InvalidInput: a day is missing or malformed, or ``start`` is after ``end``.
    """
    first, last = parse_date(start, "start"), parse_date(end, "end")
    if first is None or last is None:
        raise InvalidInput("start and end are both needed", params={"field": "start"})
    if first > last:
        raise InvalidInput("start is after end", params={"field": "start"})
    return first, last


def parse_filters(
    since: str | None = None,
    until: str | None = None,
    country: str | None = None,
    language: str | None = None,
) -> Filters:
    """Build :class:`Filters` from query parameters.

    Args:
        since, until: ``YYYY-MM-DD`` or empty.
        country: ISO 3166-1 alpha-2 or alpha-3 code or English name (pycountry lookup).
        language: ISO 639-1 code.

    Raises:
        InvalidInput: a malformed date or language, or ``since`` after ``until``.
        UnknownCountry: the country is not known.
    """
    first, last = parse_date(since, "since"), parse_date(until, "until")
    if first and last and first > last:
        raise InvalidInput("since is after until", params={"field": "since"})
    lang = (language or "").strip().lower() or None
    if lang is not None and not re.fullmatch(r"[a-z]{2,3}", lang):
        raise InvalidInput("language must be an ISO 639-1 code", params={"field": "language"})
    return make_filters(first, last, country, lang)


def count_events(conn: Connection, sc: sa.CTE) -> int:
    """Distinct events with a mention in scope."""
    items = event_items()
    return int(conn.scalar(
        sa.select(sa.func.count(sa.distinct(items.c.event_id))).select_from(items)
        .join(sc, sc.c.revision_id == items.c.revision_id)
    ) or 0)


def snippet(sentence: str | None, start: int, end: int, limit: int = SNIPPET_CHARS) -> str:
    """A sentence for display: cut around ``[start, end)`` (sentence-relative) to ``limit``
    characters with "…" where cut, whitespace collapsed ("" for no sentence); the same window
    as the situation report's (:func:`newswatch.report.trim_sentence`)."""
    if not sentence:
        return ""
    return trim_sentence(sentence, start, end, limit)


def iso(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def evidence_ref(row: Any) -> dict[str, Any]:
    """The evidence reference of a row with article and span columns: ``article_id``,
    ``revision_id``, ``title``, ``source`` (the outlet), ``url`` (the article's address when it
    is an http(s) URL, else None), ``published``, ``language``, ``start``, ``end`` and the
    ``sentence`` cut around the item (:func:`snippet`)."""
    sentence = getattr(row, "sentence", None)
    s_start = getattr(row, "sentence_start", None) or 0
    return {
        "article_id": row.article_id,
        "revision_id": int(row.revision_id),
        "title": row.title,
        "source": getattr(row, "source", None),
        "url": http_url(getattr(row, "url", None)),
        "published": iso(row.published),
        "language": getattr(row, "language", None),
        "start": row.start,
        "end": row.end,
        "sentence": snippet(sentence, row.start - s_start, row.end - s_start) if sentence else None,
    }


def has_table(conn: Connection, name: str) -> bool:
    """Whether the database has a table (or SQLite virtual table) called ``name``."""
    return sa.inspect(conn).has_table(name)


def count_items(conn: Connection, sc: sa.CTE, table: sa.Table) -> int:
    """Rows of ``table`` (an item table with ``revision_id``) in scope."""
    return int(conn.scalar(
        sa.select(sa.func.count()).select_from(table).join(sc, sc.c.revision_id == table.c.revision_id)
    ) or 0)


def event_ref(r: Any) -> dict[str, Any]:
    """An event row (id, type, mode, actor, recipient, place, date and the evidence columns)
    as listed on the overview, the timeline and the dossier."""
    return {"id": int(r.id), "type": r.type, "mode": r.mode, "actor": r.actor,
            "recipient": r.recipient, "place": r.place, "date": r.date, **evidence_ref(r)}
