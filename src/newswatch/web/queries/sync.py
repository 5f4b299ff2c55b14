"""Incremental sync for API clients (as ACLED's API offers it): ``updated_since`` on the lists,
keyset (cursor) paging over the bulk datasets, and tombstones for superseded revisions.

* :func:`parse_updated_since` reads the ``updated_since`` parameter; the scope
  (:func:`newswatch.read.scope.scope`) then keeps the articles changed at or after it
  (:func:`newswatch.read.scope.changed_since`): a revision stored since then (revisions are
  append-only, so a new revision is the only way the machine's items change), or an analyst's
  correction or verification made since then (which changes what is served). The articles,
  events and quotes lists give those articles' items; the entities and claims lists give the
  entities mentioned, and the claim groups with a claim, in such an article, each counted
  over the whole scope (the current row, to replace the client's copy).
* :func:`bulk_page` pages a dataset by its key, ascending: the item row's id (``mentions``,
  ``quotes``, ``figures``, ``events``: one row per event mention) or the latest revision's id
  (``articles``). A page is ``WHERE key > last key ORDER BY key LIMIT n``, so rows stored
  while a client pages come after its position and every row is returned once. An article
  revised while a client pages comes again with its new revision (an update).
* ``superseded`` is the tombstone dataset: revisions that a newer revision of their article
  replaced (each row: the old ``revision_id``, its ``article_id``, ``superseded_by`` and the
  time the newer one was stored, ``superseded_at``); a client that keeps items by revision
  drops those of a superseded revision. Nothing else is ever deleted from the store (a removed
  watch source keeps its articles), so there are no other tombstones.

The cursor is opaque to clients: URL-safe base64 of ``{"d": dataset, "k": last key}``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...storage import schema as t
from ..errors import InvalidInput
from ..security import SQL_INTEGER_MAX, http_url
from .common import Filters, event_items, iso, items_with_article, scope
from .export import EXPORT_COLUMNS, SOURCE_COLUMNS

__all__ = ["BULK_DATASETS", "BULK_MAX_LIMIT", "bulk_page", "decode_cursor", "encode_cursor",
           "parse_updated_since"]

#: Datasets the bulk endpoint pages through.
BULK_DATASETS = ("articles", "mentions", "quotes", "figures", "events", "superseded")
#: Most rows in one bulk page.
BULK_MAX_LIMIT = 5000
#: Longest cursor accepted, in characters (a cursor this API gives is about 40).
MAX_CURSOR_CHARS = 200


def parse_updated_since(value: str | None) -> dt.datetime | None:
    """The ``updated_since`` parameter: an ISO 8601 date or date and time (``2026-12-05``,
    ``2026-12-05T09:30:00Z``, ``...+03:00``); a time without an offset is UTC.

    Returns:
        An aware UTC datetime, or None when empty.

    Raises:
        InvalidInput: not ISO 8601 (``field`` ``updated_since``).
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            when = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        else:
            when = dt.datetime.fromisoformat(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return when.astimezone(dt.UTC)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved past the range
        raise InvalidInput("updated_since must be an ISO 8601 date or date and time",
                           params={"field": "updated_since"}) from None


def encode_cursor(dataset: str, key: int) -> str:
    """The opaque cursor after the row whose key is ``key``."""
    raw = json.dumps({"d": dataset, "k": int(key)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, dataset: str) -> int:
    """The last key a ``cursor`` of ``dataset`` stands for (0: from the start).

    Raises:
        InvalidInput: not a cursor this API gave for this dataset (``field`` ``cursor``),
            including a key outside 0..2^63-1.
    """
    if not cursor:
        return 0
    bad = InvalidInput("cursor is not one this API gave for this dataset (use next_cursor "
                       "as returned)", params={"field": "cursor"})
    if len(cursor) > MAX_CURSOR_CHARS:
        raise bad
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad from None
    if not isinstance(data, dict) or data.get("d") != dataset:
        raise bad
    key = data.get("k")
    if type(key) is not int or not 0 <= key <= SQL_INTEGER_MAX:
        raise bad
    return key


def _source(row: Any) -> dict[str, Any]:
    return {"outlet": row.source, "url": http_url(row.url), "article_id": row.article_id,
            "revision_id": int(row.revision_id), "published": iso(row.published),
            "sentence": " ".join(row.sentence.split()) if row.sentence else row.sentence}


def _articles(conn: Connection, f: Filters, after: int, limit: int
              ) -> list[tuple[int, dict[str, Any]]]:
    sc = scope(f)
    a, r = t.article.c, t.revision.c
    rows = conn.execute(
        sa.select(sc.c.revision_id, a.id, a.title, a.published, a.language, a.url,
                  t.source.c.name.label("source"), r.read_at)
        .select_from(sc).join(t.article, a.id == sc.c.article_id)
        .join(t.revision, r.id == sc.c.revision_id)
        .outerjoin(t.source, t.source.c.id == a.source_id)
        .where(sc.c.revision_id > after).order_by(sc.c.revision_id).limit(limit)).all()
    return [(int(x.revision_id), {
        "id": x.id, "title": x.title, "source": x.source, "published": iso(x.published),
        "language": x.language, "url": http_url(x.url), "revision_id": int(x.revision_id),
        "updated_at": iso(x.read_at)}) for x in rows]


def _items(dataset: str) -> Callable[[Connection, Filters, int, int],
                                     list[tuple[int, dict[str, Any]]]]:
    def page(conn: Connection, f: Filters, after: int, limit: int
             ) -> list[tuple[int, dict[str, Any]]]:
        table = {"mentions": t.entity_mention, "quotes": t.quote, "figures": t.figure,
                 "events": event_items()}[dataset]
        columns = EXPORT_COLUMNS[dataset]
        extra = [table.c[k] for k in columns if k in table.c and k not in SOURCE_COLUMNS
                 and k not in ("start", "end")]
        key = table.c.id
        stmt = (items_with_article(table, scope(f), key.label("row_key"), *extra)
                .where(key > after).order_by(key).limit(limit))
        if dataset == "events":  # the event's flags, as the export gives them
            ec = t.event.c
            if "event_id" not in table.c:  # the first schema's event table: the row is the event
                stmt = stmt.add_columns(table.c.id.label("event_id"))
            stmt = stmt.join(t.event, ec.id == (table.c.event_id if "event_id" in table.c
                                                else table.c.id)).add_columns(
                ec.negated, ec.future, ec.hypothetical)
        out = []
        for row in conn.execute(stmt):
            item = {k: getattr(row, k, None) for k in columns if k not in SOURCE_COLUMNS}
            item["id"] = int(row.row_key)
            out.append((int(row.row_key), {**item, **_source(row)}))
        return out

    return page


def _superseded(conn: Connection, f: Filters, after: int, limit: int
                ) -> list[tuple[int, dict[str, Any]]]:
    old, new = t.revision.alias("old"), t.revision.alias("new")
    stmt = (sa.select(old.c.id, old.c.article_id, new.c.id.label("by"), new.c.read_at)
            .join(new, sa.and_(new.c.article_id == old.c.article_id, new.c.seq == old.c.seq + 1))
            .where(old.c.id > after).order_by(old.c.id).limit(limit))
    if f.updated_since is not None:
        stmt = stmt.where(new.c.read_at >= f.updated_since)
    return [(int(x.id), {"revision_id": int(x.id), "article_id": x.article_id,
                         "superseded_by": int(x.by), "superseded_at": iso(x.read_at)})
            for x in conn.execute(stmt)]


_PAGERS: dict[str, Callable[[Connection, Filters, int, int], list[tuple[int, dict[str, Any]]]]] = {
    "articles": _articles, "superseded": _superseded,
    **{d: _items(d) for d in ("mentions", "quotes", "figures", "events")},
}


def bulk_page(conn: Connection, f: Filters, dataset: str, cursor: str | None,
              limit: int) -> dict[str, Any]:
    """One page of a bulk dataset in scope, keyset-paged.

    Args:
        f: the filter (``updated_since`` included; ``superseded`` reads only
            ``updated_since``: revisions superseded by one stored since then).
        cursor: None for the first page, else the ``next_cursor`` of the previous page.
        limit: rows per page (1..:data:`BULK_MAX_LIMIT`).

    Returns:
        ``{"dataset", "items", "next_cursor"}``: ``items`` in key order (articles: the
        :data:`~.export.EXPORT_COLUMNS` fields plus ``updated_at``; items: their export
        columns plus ``id``; superseded: see the module docstring); ``next_cursor`` is None on
        the last page.

    Raises:
        InvalidInput: a cursor this API did not give for ``dataset``.
        NotFound: unknown dataset (the caller checks it first).
    """
    from ..errors import NotFound

    if dataset not in _PAGERS:
        raise NotFound(f"no bulk dataset {dataset!r}; choose one of {', '.join(BULK_DATASETS)}")
    after = decode_cursor(cursor, dataset)
    rows = _PAGERS[dataset](conn, f, after, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return {"dataset": dataset, "items": [r for _, r in rows],
            "next_cursor": encode_cursor(dataset, rows[-1][0]) if more else None}
