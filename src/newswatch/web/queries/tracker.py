"""The casualty tracker page, its API twin and its export: the read layer's tracker
(:func:`newswatch.read.tracker.tracker`) made JSON-ready for the dashboard, with only http(s)
article addresses kept and the places the tracked articles mention (links to each place's
tracker)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...read.tracker import CATEGORIES, ROW_COLUMNS, tracker, tracker_rows
from ...storage import schema as t
from ...storage.engine import in_chunks
from ..security import http_url
from .common import Filters, has_table

__all__ = ["CHART_HEIGHT", "CHART_PAD", "CHART_WIDTH", "PAGE_SOURCES", "PAGE_UNATTRIBUTED",
           "TRACKER_COLUMNS", "TRACKER_PLACES",
           "chart", "tracker_export_rows", "tracker_view"]

#: Places the tracker page offers as links (the most mentioned by the tracked articles).
TRACKER_PLACES = 12
#: Sources the tracker page lists under one value (the earliest published first), and
#: figures with no side it lists (the newest first); the API and the exports keep them all.
PAGE_SOURCES, PAGE_UNATTRIBUTED = 5, 50
#: Columns of the tracker export (CSV header order): one row per source of each point.
TRACKER_COLUMNS: tuple[str, ...] = ROW_COLUMNS
#: Size of a series' chart on the page (SVG user units = CSS pixels) and its inner margin.
CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 260, 70, 8


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def chart(points: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Where a series' points go on its chart (changes the points: adds ``chart_x``,
    ``chart_y``, and ``chart_low``/``chart_high`` for a bounded range).

    x: the as-of day, to scale (by order when a date is not a day, e.g. ``2026-W38``); y: the
    value from 0 (the baseline, a count of people) up to the largest finite value or bound.
    The line joins each as-of date's point stated by most sources.

    Returns:
        ``{"width", "height", "top" (the value at the top edge), "line" (SVG polyline
        points)}``; None for a series without points or whose values are all 0.
    """
    if not points:
        return None
    days = [_day(p["as_of"]) for p in points]
    order = sorted({p["as_of"] or "" for p in points})
    if all(days):
        first = min(d for d in days if d)
        xs = [float((d - first).days) if d else 0.0 for d in days]
    else:
        xs = [float(order.index(p["as_of"] or "")) for p in points]
    tops = [v for p in points for v in (p["value"], p["lower"], p["upper"])
            if isinstance(v, int | float) and math.isfinite(v)]
    top = max(tops) if tops else 0
    if top <= 0:
        return None
    span = max(xs) or 1.0
    inner_w, inner_h = CHART_WIDTH - 2 * CHART_PAD, CHART_HEIGHT - 2 * CHART_PAD

    def at_x(x: float) -> float:
        return round(CHART_PAD + (x / span * inner_w if max(xs) else inner_w / 2), 1)

    def at_y(v: float) -> float:
        return round(CHART_PAD + inner_h - v / top * inner_h, 1)

    best: dict[str, dict[str, Any]] = {}
    for p, x in zip(points, xs, strict=True):
        p["chart_x"], p["chart_y"] = at_x(x), at_y(p["value"])
        low, high = p["lower"], p["upper"]
        if low is not None and high is not None and low != high:
            p["chart_low"], p["chart_high"] = at_y(low), at_y(high)
        key = p["as_of"] or ""
        if key not in best or len(p["sources"]) > len(best[key]["sources"]):
            best[key] = p
    line = " ".join(f"{best[k]['chart_x']},{best[k]['chart_y']}" for k in order)
    return {"width": CHART_WIDTH, "height": CHART_HEIGHT, "top": top, "line": line}


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
                 entity: str | None = None, side: str | None = None, story: str | None = None,
                 verifiers: int = 1) -> dict[str, Any]:
    """The tracker of a scope, JSON-ready: :meth:`newswatch.read.tracker.Tracker.to_dict`
    (``scope``, ``sides`` with their ``series`` of ``points`` and ``revisions``,
    ``unattributed``), every source's ``url`` kept only when http(s), each series with its
    ``chart`` (:func:`chart`), plus ``categories``
    (:data:`~newswatch.read.tracker.CATEGORIES`, the column order) and ``places``: the
    resolved places the tracked articles mention most (``{"key", "name", "country_code",
    "articles"}``, at most :data:`TRACKER_PLACES`). Every point and source carries its
    ``verification`` status (``verifiers``: different analysts needed for "verified").

    Raises:
        UnknownCountry: ``side`` is not a country.
    """
    if not has_table(conn, "claim"):
        return {"scope": {"filters": f.to_dict(), "place": place, "places": None,
                          "entity": entity, "entities": None, "side": None, "story": story},
                "sides": [], "unattributed": [], "categories": list(CATEGORIES), "places": []}
    tr = tracker(conn, f, place=place, entity=entity, side=side, story=story, verifiers=verifiers)
    data = tr.to_dict()
    _clean_urls(data)
    data["categories"] = list(CATEGORIES)
    for side_ in data["sides"]:
        for series in side_["series"]:
            series["chart"] = chart(series["points"])
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
    for chunk in in_chunks(revisions):
        for r in conn.execute(sa.select(p.id, p.key, p.name, p.country_code, pm.revision_id)
                              .join(t.place_mention, pm.place_id == p.id)
                              .where(p.resolved.is_(True), pm.kind == "name",
                                     pm.revision_id.in_(chunk))):
            counts.setdefault(r.id, set()).add(r.revision_id)
            rows[r.id] = r
    top = sorted(counts, key=lambda k: (-len(counts[k]), rows[k].name or "", k))[:TRACKER_PLACES]
    return [{"key": rows[k].key, "name": rows[k].name, "country_code": rows[k].country_code,
             "articles": len(counts[k])} for k in top]


def tracker_export_rows(conn: Connection, f: Filters, *, place: str | None = None,
                        entity: str | None = None, side: str | None = None, story: str | None = None,
                        verifiers: int = 1) -> Iterator[dict[str, Any]]:
    """The tracker flat for the exports: one row per source of each point
    (:data:`TRACKER_COLUMNS`; :func:`newswatch.read.tracker.tracker_rows`), ``url`` kept only
    when http(s); ``verification`` is the claim's status (``verifiers``: different analysts
    needed for "verified"). Rejected figures are never in the tracker.

    Raises:
        UnknownCountry: ``side`` is not a country.
    """
    if not has_table(conn, "claim"):
        return
    for row in tracker_rows(tracker(conn, f, place=place, entity=entity, side=side, story=story,
                                    verifiers=verifiers)):
        row["url"] = http_url(row["url"])
        yield row
