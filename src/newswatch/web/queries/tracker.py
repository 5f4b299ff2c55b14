"""The casualty tracker page, its API twin and its export: the read layer's tracker
(:func:`newswatch.read.tracker.tracker`) made JSON-ready for the dashboard, with only http(s)
article addresses kept and the places the tracked articles mention (links to each place's
tracker)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...read.tracker import CATEGORIES, ROW_COLUMNS, tracker, tracker_rows
from ...storage import schema as t
from ..security import http_url
from .common import Filters, has_table

__all__ = ["TRACKER_COLUMNS", "TRACKER_PLACES", "tracker_export_rows", "tracker_view"]

#: Places the tracker page offers as links (the most mentioned by the tracked articles).
TRACKER_PLACES = 12
#: Columns of the tracker export (CSV header order): one row per source of each point.
TRACKER_COLUMNS: tuple[str, ...] = ROW_COLUMNS
#: Longest place or entity text the tracker accepts, in characters.
MAX_SCOPE_CHARS = 200


def _clean_urls(data: dict[str, Any]) -> None:
    for side in data["sides"]:
        for series in side["series"]:
            for p in series["points"]:
                for s in p["sources"]:
                    s["url"] = http_url(s["url"])
    for u in data["unattributed"]:
        for s in u["point"]["sources"]:
            s["url"] = http_url(s["url"])


def tracker_view(conn: Connection, f: Filters, *, place: str | None = None,
                 entity: str | None = None, side: str | None = None) -> dict[str, Any]:
    """The tracker of a scope, JSON-ready: :meth:`newswatch.read.tracker.Tracker.to_dict`
    (``scope``, ``sides`` with their ``series`` of ``points`` and ``revisions``,
    ``unattributed``), every source's ``url`` kept only when http(s), plus ``categories``
    (:data:`~newswatch.read.tracker.CATEGORIES`, the column order) and ``places``: the
    resolved places the tracked articles mention most (``{"key", "name", "country_code",
    "articles"}``, at most :data:`TRACKER_PLACES`).

    Raises:
        UnknownCountry: ``side`` is not a country.
    """
    if not has_table(conn, "claim"):
        return {"scope": {"filters": f.to_dict(), "place": place, "places": None,
                          "entity": entity, "entities": None, "side": None},
                "sides": [], "unattributed": [], "categories": list(CATEGORIES), "places": []}
    tr = tracker(conn, f, place=place, entity=entity, side=side)
    data = tr.to_dict()
    _clean_urls(data)
    data["categories"] = list(CATEGORIES)
    revisions = sorted({s.revision_id for side_ in tr.sides for series in side_.series
                        for p in series.points for s in p.sources})
    data["places"] = _places(conn, revisions)
    return data


def _places(conn: Connection, revisions: list[int]) -> list[dict[str, Any]]:
    """The resolved places these revisions mention most (by number of revisions)."""
    if not revisions:
        return []
    p, pm = t.place.c, t.place_mention.c
    counts: dict[int, set[int]] = {}
    rows: dict[int, Any] = {}
    for i in range(0, len(revisions), 500):
        for r in conn.execute(sa.select(p.id, p.key, p.name, p.country_code, pm.revision_id)
                              .join(t.place_mention, pm.place_id == p.id)
                              .where(p.resolved.is_(True), pm.revision_id.in_(revisions[i:i + 500]))):
            counts.setdefault(r.id, set()).add(r.revision_id)
            rows[r.id] = r
    top = sorted(counts, key=lambda k: (-len(counts[k]), rows[k].name or "", k))[:TRACKER_PLACES]
    return [{"key": rows[k].key, "name": rows[k].name, "country_code": rows[k].country_code,
             "articles": len(counts[k])} for k in top]


def tracker_export_rows(conn: Connection, f: Filters, *, place: str | None = None,
                        entity: str | None = None, side: str | None = None
                        ) -> Iterator[dict[str, Any]]:
    """The tracker flat for the exports: one row per source of each point
    (:data:`TRACKER_COLUMNS`; :func:`newswatch.read.tracker.tracker_rows`), ``url`` kept only
    when http(s). Rejected figures are never in the tracker.

    Raises:
        UnknownCountry: ``side`` is not a country.
    """
    if not has_table(conn, "claim"):
        return
    for row in tracker_rows(tracker(conn, f, place=place, entity=entity, side=side)):
        row["url"] = http_url(row["url"])
        yield row
