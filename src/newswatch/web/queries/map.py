"""The map page: places and events in scope as GeoJSON, and the evidence of one place."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...storage import schema as t
from ..errors import NotFound
from .common import (
    Filters,
    event_items,
    evidence_ref,
    items_with_article,
    scope,
    sentence_expr,
)

#: Categories of place markers, by GeoNames feature class.
FEATURE_CLASS_CATEGORY = {
    "A": "country-admin",
    "P": "populated-place",
    "H": "water",
    "S": "site",
    "T": "terrain",
    "L": "area",
    "R": "road-rail",
    "V": "vegetation",
    "U": "undersea",
}
#: Evidence items per map marker popup.
EVIDENCE_ROWS = 5

__all__ = ["EVIDENCE_ROWS", "FEATURE_CLASS_CATEGORY", "map_features", "place_evidence"]

def map_features(conn: Connection, f: Filters, *, limit: int) -> dict[str, Any]:
    """Places and events in scope as a GeoJSON FeatureCollection (RFC 7946, lon/lat WGS84).

    One feature per resolved place with coordinates (``kind`` "place", ``category`` from its
    GeoNames feature class) and one per (place, event type) where events name a stored place
    (``kind`` "event", ``category`` the PLOVER type). Busiest first, at most ``limit``.
    Properties: ``kind``, ``category``, ``key``, ``name``, ``country_code``, ``mentions``,
    ``articles`` and ``evidence``: the first mention (an evidence reference).
    """
    sc = scope(f)
    p, pm = t.place.c, t.place_mention.c
    stmt = (
        sa.select(p.id, p.key, p.name, p.lat, p.lon, p.country_code, p.feature_class,
                  p.feature_code, sa.func.count().label("mentions"),
                  sa.func.count(sa.distinct(sc.c.article_id)).label("articles"),
                  sa.func.min(pm.id).label("first_mention"))
        .join(t.place_mention, pm.place_id == p.id)
        .join(sc, sc.c.revision_id == pm.revision_id)
        .where(p.resolved.is_(True), p.lat.is_not(None), p.lon.is_not(None))
        .group_by(p.id, p.key, p.name, p.lat, p.lon, p.country_code, p.feature_class,
                  p.feature_code)
        .order_by(sa.desc("mentions"), p.key)
        .limit(limit)
    )
    if f.country:
        stmt = stmt.where(p.country_code == f.country)
    places = conn.execute(stmt).all()
    evidence = _evidence_by_id(conn, t.place_mention, [int(r.first_mention) for r in places])
    features = [
        _feature(r.lon, r.lat, {
            "kind": "place",
            "category": FEATURE_CLASS_CATEGORY.get(r.feature_class or "", "other"),
            "key": r.key, "name": r.name, "country_code": r.country_code,
            "feature_code": r.feature_code, "mentions": int(r.mentions),
            "articles": int(r.articles), "evidence": evidence.get(int(r.first_mention)),
        })
        for r in places
    ]
    features.extend(_event_features(conn, sc, f, limit - len(features)))
    return {"type": "FeatureCollection", "features": features}


def _event_features(conn: Connection, sc: sa.CTE, f: Filters, limit: int) -> list[dict[str, Any]]:
    if limit <= 0:
        return []
    items = event_items()
    p, ev = t.place.c, items.c
    # An event is placed at a stored place named by its place key or name.
    at_place = [p.key == ev.place, p.name == ev.place, p.key == t.event.c.place_key]
    stmt = (
        sa.select(p.key, p.name, p.lat, p.lon, p.country_code, ev.type,
                  sa.func.count().label("mentions"),
                  sa.func.count(sa.distinct(sc.c.article_id)).label("articles"),
                  sa.func.min(ev.id).label("first_event")).select_from(items)
        .join(t.event, t.event.c.id == ev.event_id)
        # A pin says "this happened here": negated ("was not going to introduce a contingent")
        # and hypothetical events stay in the reader and the exports, with their flags, but
        # put no marker on the map.
        .where(t.event.c.negated.is_(False), t.event.c.hypothetical.is_(False))
        .join(sc, sc.c.revision_id == ev.revision_id)
        .join(t.place, sa.or_(*at_place))
        .where(p.lat.is_not(None), p.lon.is_not(None))
        .group_by(p.key, p.name, p.lat, p.lon, p.country_code, ev.type)
        .order_by(sa.desc("mentions"), p.key, ev.type)
        .limit(limit)
    )
    if f.country:
        stmt = stmt.where(p.country_code == f.country)
    rows = conn.execute(stmt).all()
    evidence = _evidence_by_id(conn, items, [int(r.first_event) for r in rows])
    return [
        _feature(r.lon, r.lat, {
            "kind": "event", "category": r.type, "key": r.key, "name": r.name,
            "country_code": r.country_code, "feature_code": None, "mentions": int(r.mentions),
            "articles": int(r.articles), "evidence": evidence.get(int(r.first_event)),
        })
        for r in rows
    ]


def _feature(lon: float, lat: float, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": properties}


def _evidence_by_id(conn: Connection, item: sa.Table, ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        a = t.article.c
        rows = conn.execute(
            sa.select(item.c.id, item.c.start, item.c.end, item.c.sentence_start,
                      sentence_expr(item).label("sentence"), item.c.revision_id,
                      a.id.label("article_id"), a.title, a.published, a.language, a.url,
                      t.source.c.name.label("source"))
            .select_from(item)
            .join(t.revision, t.revision.c.id == item.c.revision_id)
            .join(t.article, a.id == t.revision.c.article_id)
            .outerjoin(t.source, t.source.c.id == a.source_id)
            .where(item.c.id.in_(chunk))
        ).all()
        out.update({int(r.id): evidence_ref(r) for r in rows})
    return out


def place_evidence(conn: Connection, f: Filters, key: str, *, limit: int = EVIDENCE_ROWS) -> dict[str, Any]:
    """Mentions of one place in scope, latest article first (the map popup's list).

    Raises:
        NotFound: no place with this key.
    """
    place = conn.execute(sa.select(t.place).where(t.place.c.key == key)).first()
    if place is None:
        raise NotFound(f"no place {key!r}")
    sc = scope(f)
    pm = t.place_mention.c
    rows = conn.execute(
        items_with_article(t.place_mention, sc, pm.id)
        .where(pm.place_id == place.id)
        .order_by(t.article.c.published.desc(), pm.id)
        .limit(limit)
    ).all()
    return {"key": place.key, "name": place.name, "country_code": place.country_code,
            "lat": place.lat, "lon": place.lon, "mentions": [evidence_ref(r) for r in rows]}
