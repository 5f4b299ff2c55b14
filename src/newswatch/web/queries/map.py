"""The map page: places and events in scope as GeoJSON, and the evidence of one place."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...model import AREA_FEATURE_CODES
from ...read.corrections import ReviewIndex
from ...read.scope import aggregate_conditions, aggregate_rows, in_country_latest
from ...read.workbench import happened_conditions, happened_in
from ...storage import aggregate_schema as ag
from ...storage import schema as t
from ...storage.aggregates import month_end
from ...storage.engine import in_chunks
from ..cache import cached
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
#: Zoom levels the server clusters for (Leaflet's 0 = whole world .. 18 = a street).
MAX_ZOOM = 18
#: GeoNames feature codes of countries and territories: the map draws such a place (and the
#: events placed there) as the country's area, not a pin (``area`` property).
COUNTRY_FEATURE_CODES = frozenset({"PCL", "PCLI", "PCLIX", "PCLD", "PCLF", "PCLS", "TERR"})
#: Grid cells per map tile side when clustering: at zoom z a cell is 360 / 2**z / CELLS_PER_TILE
#: degrees of longitude (and as many of latitude), about 64 screen pixels.
CELLS_PER_TILE = 4

__all__ = ["CELLS_PER_TILE", "COUNTRY_FEATURE_CODES", "EVIDENCE_ROWS", "FEATURE_CLASS_CATEGORY",
           "MAX_ZOOM", "Happened", "area_code", "cluster_features", "map_event_days",
           "map_features", "place_evidence"]

#: A range of days an event happened in (first, last; both inclusive, either None: open).
Happened = tuple[dt.date | None, dt.date | None]

def map_features(conn: Connection, f: Filters, *, limit: int, zoom: int | None = None,
                 direct: bool = False, happened: Happened = (None, None)) -> dict[str, Any]:
    """Places and events in scope as a GeoJSON FeatureCollection (RFC 7946, lon/lat WGS84).

    One feature per resolved place with coordinates (``kind`` "place", ``category`` from its
    GeoNames feature class) and one per (place, event type) where events name a stored place
    (``kind`` "event", ``category`` the PLOVER type). Busiest first, at most ``limit``.
    Properties: ``kind``, ``category``, ``key``, ``name``, ``country_code``, ``feature_code``
    (the place's GeoNames feature code), ``mentions``, ``articles``, ``evidence``: the first
    mention (an evidence reference), and ``area``: for a country or territory
    (:data:`COUNTRY_FEATURE_CODES`, or a ``country:`` key) its ISO 3166-1 numeric code, the id
    of its outline in world-atlas, so the page draws the country's area instead of a pin
    (:func:`area_code`); None for every other place. The geometry stays the GeoNames point.

    ``happened`` keeps only the events whose own date (the mention's, else the event's; an
    analyst's corrected date holds) overlaps those days
    (:func:`newswatch.read.workbench.happened_conditions`); places are not filtered by it.

    The analysts' corrections hold: a place mention matched to another place counts there, an
    event mention retyped counts under its new type, rejected mentions count nowhere (a
    corrected mention adds one to ``mentions``; ``articles`` is not recounted for it).

    Counts come from the write-time aggregates (``agg_place_day``, ``agg_event_place``), which
    answer every filter of the map; ``direct=True`` (or a database without them) scans the
    item tables instead: the same answer, slower. With ``zoom`` (0..:data:`MAX_ZOOM`) features
    are clustered on the server (:func:`cluster_features`). Answers are cached per filter
    until the next write (:mod:`newswatch.web.cache`); do not mutate them.
    """
    def compute() -> dict[str, Any]:
        # The aggregates count machine output; once an analyst has corrected or rejected a
        # place or event mention, the item tables are scanned so the correction holds.
        # The aggregates have no event date: a range of days scans the item tables.
        if (direct or happened != (None, None) or not _has_aggregates(conn)
                or _has_map_corrections(conn)):
            data = _map_features_direct(conn, f, limit=limit, happened=happened)
        else:
            data = _map_features_aggregated(conn, f, limit=limit)
        for feature in data["features"]:
            props = feature["properties"]
            props["area"] = area_code(props["key"], props["feature_code"], props["country_code"])
        return data

    if direct:
        data = compute()
        return data if zoom is None else cluster_features(data, zoom)
    data = cached(conn, ("map", f, limit, None, happened), compute)
    if zoom is None:
        return data
    # every zoom level clusters the one cached answer of its filter
    return cached(conn, ("map", f, limit, zoom, happened), lambda: cluster_features(data, zoom))


_COUNTRY_KEY = re.compile(r"country:([A-Z]{2,3})")


def area_code(key: str | None, feature_code: str | None, country_code: str | None) -> str | None:
    """The ISO 3166-1 numeric code ("004") of a place that is a whole country or territory:
    one with a country feature code (:data:`COUNTRY_FEATURE_CODES`) and an ISO alpha-2
    ``country_code``, or a country-level match keyed ``country:<alpha-2 or alpha-3>`` (the
    events stage's). world-atlas (Natural Earth) names its country outlines by this code.
    None for any other place and for a country pycountry gives no numeric code (Kosovo)."""
    match = _COUNTRY_KEY.fullmatch(key or "")
    if match:
        return _numeric(match.group(1))
    if feature_code in COUNTRY_FEATURE_CODES and country_code:
        return _numeric(country_code)
    return None


@functools.lru_cache(maxsize=512)
def _numeric(code: str) -> str | None:
    import pycountry

    code = code.upper()
    country = (pycountry.countries.get(alpha_2=code) if len(code) == 2
               else pycountry.countries.get(alpha_3=code))
    return getattr(country, "numeric", None) if country is not None else None


def _has_point(p: Any) -> sa.ColumnElement[bool]:
    """SQL condition: the place is drawn as a point: it has coordinates and its feature is not
    an area. Continents, world regions, oceans and seas (:data:`~newswatch.model.AREA_FEATURE_CODES`)
    have a representative point in GeoNames but a dot there would tell an analyst something
    false, so the map leaves them out (they stay in the article view and the exports)."""
    return sa.and_(p.lat.is_not(None), p.lon.is_not(None),
                   sa.or_(p.feature_code.is_(None), p.feature_code.not_in(sorted(AREA_FEATURE_CODES))))


def _marker_place(p: Any) -> tuple[Any, ...]:
    """The place columns a map marker is selected and grouped by."""
    return (p.key, p.name, p.lat, p.lon, p.country_code, p.feature_code)


def _has_map_corrections(conn: Connection) -> bool:
    corrections = ReviewIndex(conn, "correction")
    return bool(corrections.positions("place", lambda r: True) or corrections.positions("event", lambda r: True))


def _has_aggregates(conn: Connection) -> bool:
    return sa.inspect(conn).has_table(ag.agg_place_month.name)


def _map_features_aggregated(conn: Connection, f: Filters, *, limit: int) -> dict[str, Any]:
    p = t.place.c
    # whole months from agg_place_month, the days of a month the range cuts from agg_place_day
    rows = aggregate_rows(ag.agg_place_day, ag.agg_place_month,
                          ["place_id", "mentions", "articles", "first_mention"], f)
    g = rows.c
    stmt = (
        sa.select(p.id, p.key, p.name, p.lat, p.lon, p.country_code, p.feature_class,
                  p.feature_code, sa.func.sum(g.mentions).label("mentions"),
                  sa.func.sum(g.articles).label("articles"),
                  sa.func.min(g.first_mention).label("first_mention"))
        .select_from(rows)
        .join(t.place, p.id == g.place_id)
        .where(p.resolved.is_(True), _has_point(p))
        .group_by(p.id, p.key, p.name, p.lat, p.lon, p.country_code, p.feature_class,
                  p.feature_code)
        .order_by(sa.desc("mentions"), p.key)
        .limit(limit)
    )
    # Every article with a mention of a place in the country is in the country's scope, so
    # the place rows need no scope of their own.
    if f.country:
        stmt = stmt.where(p.country_code == f.country)
    places = conn.execute(stmt).all()
    features = _place_features(conn, places)
    remaining = limit - len(features)
    if remaining > 0:
        located = (_event_places_in_country(conn, f, remaining) if f.country
                   else _event_places(conn, f, remaining))
        features.extend(_event_rows_to_features(conn, located))
    return {"type": "FeatureCollection", "features": features}


def _at_place(p: Any, place: Any, place_key: Any) -> sa.ColumnElement[bool]:
    """SQL condition: a located event's place text names the place (as its key or its name),
    or its place key is the place's. Read at query time, so places stored later match."""
    return sa.or_(p.key == place, p.name == place, p.key == place_key)


def _event_places(conn: Connection, f: Filters, limit: int) -> list[Any]:
    """Event markers per (place, PLOVER type) in the date and language scope, busiest first.

    ``agg_event_place`` holds one row per latest revision, place text, place key and type. Its
    rows are first summed per (place text, place key, type), a few hundred groups however many
    articles there are, and only the groups are matched to places: within a group every row
    is another article, so its row count is its number of articles. Where several groups
    name one place and type ("Kabul" and a key), the articles are counted again without
    duplicates from their rows.
    """
    p, e = t.place.c, ag.agg_event_place.c
    dated = aggregate_conditions(e.day, e.language, f)
    groups = (sa.select(e.place, e.place_key, e.type, sa.func.sum(e.mentions).label("mentions"),
                        sa.func.count().label("articles"), sa.func.min(e.first_event).label("first_event"))
              .where(*dated).group_by(e.place, e.place_key, e.type).cte("event_groups"))
    g = groups.c
    rows = conn.execute(
        sa.select(*_marker_place(p), g.type,
                  sa.func.sum(g.mentions).label("mentions"), sa.func.sum(g.articles).label("articles"),
                  sa.func.count().label("groups"), sa.func.min(g.first_event).label("first_event"))
        .select_from(groups)
        .join(t.place, _at_place(p, g.place, g.place_key))
        .where(_has_point(p))
        .group_by(*_marker_place(p), g.type)
        .order_by(sa.desc("mentions"), p.key, g.type)
        .limit(limit)
    ).all()
    out: list[Any] = []
    for r in rows:
        if r.groups > 1:  # one article may be in several groups of this place and type
            articles = conn.scalar(
                sa.select(sa.func.count(sa.distinct(e.article_id))).select_from(ag.agg_event_place)
                .join(t.place, _at_place(p, e.place, e.place_key))
                .where(p.key == r.key, e.type == r.type, *dated))
            out.append(SimpleNamespace(**{**r._asdict(), "articles": articles}))  # the exact count
            continue
        out.append(r)
    return out


def _event_places_in_country(conn: Connection, f: Filters, limit: int) -> list[Any]:
    """:func:`_event_places` in a country: the places of the country, and the rows of the
    revisions the country selects now (:func:`newswatch.read.scope.in_country_latest`)."""
    p, e = t.place.c, ag.agg_event_place.c
    return list(conn.execute(
        sa.select(*_marker_place(p), e.type,
                  sa.func.sum(e.mentions).label("mentions"),
                  sa.func.count(sa.distinct(e.article_id)).label("articles"),
                  sa.func.min(e.first_event).label("first_event"))
        .select_from(ag.agg_event_place)
        .join(t.place, _at_place(p, e.place, e.place_key))
        .where(_has_point(p),
               *aggregate_conditions(e.day, e.language, f),
               p.country_code == f.country, in_country_latest(e.revision_id, f))
        .group_by(*_marker_place(p), e.type)
        .order_by(sa.desc("mentions"), p.key, e.type)
        .limit(limit)
    ).all())


def _place_features(conn: Connection, places: Sequence[Any]) -> list[dict[str, Any]]:
    evidence = _evidence_by_id(conn, t.place_mention, [int(r.first_mention) for r in places])
    return [
        _feature(r.lon, r.lat, {
            "kind": "place",
            "category": FEATURE_CLASS_CATEGORY.get(r.feature_class or "", "other"),
            "key": r.key, "name": r.name, "country_code": r.country_code,
            "feature_code": r.feature_code, "mentions": int(r.mentions),
            "articles": int(r.articles), "evidence": evidence.get(int(r.first_mention)),
        })
        for r in places
    ]


def cluster_features(data: dict[str, Any], zoom: int) -> dict[str, Any]:
    """Features merged per grid cell for a map at ``zoom``: a cell is
    ``360 / 2**zoom / CELLS_PER_TILE`` degrees wide and high. A cell holding one feature keeps
    it as it is; a cell holding more becomes one feature of ``kind`` "cluster" at the
    mentions-weighted mean of its members, with ``count`` (features merged), ``mentions``
    (their sum), ``categories`` (mentions per kind/category, e.g. ``place:populated-place``)
    and ``top``: the busiest member's ``key`` and ``name``. Busiest first.

    Args:
        data: a FeatureCollection from :func:`map_features`.
        zoom: 0..:data:`MAX_ZOOM` (clamped).
    """
    zoom = max(0, min(MAX_ZOOM, zoom))
    size = 360.0 / (2 ** zoom) / CELLS_PER_TILE
    cells: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for feat in data["features"]:
        lon, lat = feat["geometry"]["coordinates"]
        cells.setdefault((int((lon + 180.0) // size), int((lat + 90.0) // size)), []).append(feat)
    out: list[dict[str, Any]] = []
    for members in cells.values():
        if len(members) == 1:
            out.append(members[0])
            continue
        weight = sum(max(1, m["properties"]["mentions"]) for m in members)
        lon = sum(m["geometry"]["coordinates"][0] * max(1, m["properties"]["mentions"]) for m in members) / weight
        lat = sum(m["geometry"]["coordinates"][1] * max(1, m["properties"]["mentions"]) for m in members) / weight
        top = max(members, key=lambda m: (m["properties"]["mentions"], m["properties"]["key"]))
        categories: dict[str, int] = {}
        for m in members:
            name = f'{m["properties"]["kind"]}:{m["properties"]["category"]}'
            categories[name] = categories.get(name, 0) + m["properties"]["mentions"]
        out.append(_feature(round(lon, 6), round(lat, 6), {
            "kind": "cluster", "category": "cluster", "count": len(members),
            "mentions": sum(m["properties"]["mentions"] for m in members),
            "categories": dict(sorted(categories.items())),
            "top": {"key": top["properties"]["key"], "name": top["properties"]["name"]},
        }))
    out.sort(key=lambda x: -x["properties"]["mentions"])
    return {"type": "FeatureCollection", "features": out, "zoom": zoom}


def _map_features_direct(conn: Connection, f: Filters, *, limit: int,
                         happened: Happened = (None, None)) -> dict[str, Any]:
    """The map scanned from the item tables, with the analysts' corrections (see
    :func:`map_features`)."""
    sc = scope(f)
    p, pm = t.place.c, t.place_mention.c
    stmt = (
        sa.select(p.id, p.key, p.name, p.lat, p.lon, p.country_code, p.feature_class,
                  p.feature_code, sa.func.count().label("mentions"),
                  sa.func.count(sa.distinct(sc.c.article_id)).label("articles"),
                  sa.func.min(pm.id).label("first_mention"))
        .join(t.place_mention, pm.place_id == p.id)
        .join(sc, sc.c.revision_id == pm.revision_id)
        # a place only described by a nationality word ("Russian diplomats") is no place the
        # article happened at: names alone put a place on the map (PlaceMention.kind)
        .where(p.resolved.is_(True), _has_point(p), pm.kind == "name")
        .group_by(p.id, p.key, p.name, p.lat, p.lon, p.country_code, p.feature_class,
                  p.feature_code)
        .order_by(sa.desc("mentions"), p.key)
        .limit(limit)
    )
    corrections = ReviewIndex(conn, "correction")
    reviewed = corrections.positions("place", lambda r: True)
    if reviewed:  # a mention an analyst corrected or rejected counts where the analyst says
        stmt = stmt.where(sa.tuple_(pm.revision_id, pm.start, pm.end).not_in(reviewed))
    if f.country:
        stmt = stmt.where(p.country_code == f.country)
    features = _place_features(conn, conn.execute(stmt).all())
    _corrected_places(conn, sc, f, corrections, features)
    features.extend(_event_features(conn, sc, f, limit - len(features), corrections, happened))
    return {"type": "FeatureCollection", "features": features}


def _merge(features: list[dict[str, Any]], match: tuple[str, str], make: Any) -> None:
    """Count one more mention in the feature of ``match`` (kind or category, key), or add
    the feature ``make()`` builds."""
    for feature in features:
        props = feature["properties"]
        if (props["category"] if props["kind"] == "event" else "place", props["key"]) == match:
            props["mentions"] += 1
            return
    features.append(make())


def _corrected_places(conn: Connection, sc: sa.CTE, f: Filters, corrections: ReviewIndex,
                      features: list[dict[str, Any]]) -> None:
    """Add the place mentions an analyst matched to another place, at that place."""
    moved = corrections.positions("place", ("correct",))
    if not moved:
        return
    pm = t.place_mention.c
    rows = conn.execute(items_with_article(t.place_mention, sc, pm.id).where(
        sa.tuple_(pm.revision_id, pm.start, pm.end).in_(moved))).all()
    for r in rows:
        review = corrections.get("place", r.article_id, r.revision_id, r.start, r.end)
        fields = review.fields if review is not None else {}
        key = fields.get("place_key")
        stored = conn.execute(sa.select(t.place).where(t.place.c.key == key)).first()
        lat = stored.lat if stored is not None else fields.get("lat")
        lon = stored.lon if stored is not None else fields.get("lon")
        country = stored.country_code if stored is not None else fields.get("country_code")
        if key is None or lat is None or lon is None or (f.country and country != f.country):
            continue
        props = {"kind": "place",
                 "category": FEATURE_CLASS_CATEGORY.get(
                     (stored.feature_class if stored is not None else "") or "", "other"),
                 "key": key, "name": stored.name if stored is not None else fields.get("name"),
                 "country_code": country,
                 "feature_code": stored.feature_code if stored is not None else None,
                 "mentions": 1, "articles": 1, "evidence": evidence_ref(r)}
        _merge(features, ("place", key), lambda props=props, lon=lon, lat=lat: _feature(
            lon, lat, props))


def _event_features(conn: Connection, sc: sa.CTE, f: Filters, limit: int,
                    corrections: ReviewIndex, happened: Happened = (None, None)
                    ) -> list[dict[str, Any]]:
    """Event markers: one per (place, PLOVER type); a mention an analyst retyped counts under
    its new type, a rejected one not at all; with ``happened``, only events whose date (an
    analyst's, else the mention's, else the event's) overlaps those days."""
    if limit <= 0:
        return []
    items = event_items()
    p, ev = t.place.c, items.c
    # An event is placed at a stored place named by its place key or name.
    at_place = _at_place(p, ev.place, t.event.c.place_key)
    when = sa.func.coalesce(ev.date, t.event.c.date)
    stmt = (
        sa.select(*_marker_place(p), ev.type,
                  sa.func.count().label("mentions"),
                  sa.func.count(sa.distinct(sc.c.article_id)).label("articles"),
                  sa.func.min(ev.id).label("first_event")).select_from(items)
        .join(t.event, t.event.c.id == ev.event_id)
        # A pin says "this happened here": negated ("was not going to introduce a contingent")
        # and hypothetical events stay in the reader and the exports, with their flags, but
        # put no marker on the map.
        .where(t.event.c.negated.is_(False), t.event.c.hypothetical.is_(False))
        .join(sc, sc.c.revision_id == ev.revision_id)
        .join(t.place, at_place)
        .where(_has_point(p))
        .where(*happened_conditions(conn, when, *happened))
        .group_by(*_marker_place(p), ev.type)
        .order_by(sa.desc("mentions"), p.key, ev.type)
        .limit(limit)
    )
    if f.country:
        stmt = stmt.where(p.country_code == f.country)
    mention = sa.tuple_(ev.revision_id, ev.start, ev.end)
    reviewed = corrections.positions("event", lambda r: True)
    retyped = corrections.positions("event", ("correct",))
    rows = conn.execute(stmt.where(mention.not_in(reviewed)) if reviewed else stmt).all()
    evidence = _evidence_by_id(conn, items, [int(r.first_event) for r in rows])
    out = [
        _feature(r.lon, r.lat, {
            "kind": "event", "category": r.type, "key": r.key, "name": r.name,
            "country_code": r.country_code, "feature_code": r.feature_code,
            "mentions": int(r.mentions), "articles": int(r.articles),
            "evidence": evidence.get(int(r.first_event)),
        })
        for r in rows
    ]
    if retyped:
        single = (sa.select(*_marker_place(p), ev.type,
                            ev.id, ev.revision_id, ev.start, ev.end, sc.c.article_id,
                            when.label("date"))
                  .select_from(items).join(t.event, t.event.c.id == ev.event_id)
                  .where(t.event.c.negated.is_(False), t.event.c.hypothetical.is_(False))
                  .join(sc, sc.c.revision_id == ev.revision_id)
                  .join(t.place, at_place)
                  .where(_has_point(p), mention.in_(retyped)))
        if f.country:
            single = single.where(p.country_code == f.country)
        for r in conn.execute(single).all():
            review = corrections.get("event", r.article_id, r.revision_id, r.start, r.end)
            fields = review.fields if review is not None else {}
            kind = fields.get("type") or r.type
            if not happened_in(fields.get("date") or r.date, *happened):
                continue
            ref = _evidence_by_id(conn, items, [int(r.id)]).get(int(r.id))
            props = {"kind": "event", "category": kind, "key": r.key, "name": r.name,
                     "country_code": r.country_code, "feature_code": r.feature_code,
                     "mentions": 1, "articles": 1, "evidence": ref}
            _merge(out, (kind, r.key), lambda props=props, r=r: _feature(r.lon, r.lat, props))
    return out


def _event_rows_to_features(conn: Connection, rows: Sequence[Any]) -> list[dict[str, Any]]:
    evidence = _evidence_by_id(conn, event_items(), [int(r.first_event) for r in rows])
    return [
        _feature(r.lon, r.lat, {
            "kind": "event", "category": r.type, "key": r.key, "name": r.name,
            "country_code": r.country_code, "feature_code": r.feature_code,
            "mentions": int(r.mentions), "articles": int(r.articles),
            "evidence": evidence.get(int(r.first_event)),
        })
        for r in rows
    ]


def _feature(lon: float, lat: float, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": properties}


def _evidence_by_id(conn: Connection, item: sa.Table, ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for chunk in in_chunks(ids):
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
        .where(pm.place_id == place.id, pm.kind == "name")
        .order_by(t.article.c.published.desc(), pm.id)
        .limit(limit)
    ).all()
    return {"key": place.key, "name": place.name, "country_code": place.country_code,
            "lat": place.lat, "lon": place.lon, "mentions": [evidence_ref(r) for r in rows]}


#: A TIMEX3 value the map's day range can hold: a year, a month or a day (``2021``,
#: ``2021-07``, ``2021-07-07``, and longer values that start with a day).
_CALENDAR = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def _days_of(value: str | None) -> tuple[dt.date, dt.date] | None:
    """The first and last day a TIMEX3 value covers (a day: itself; ``2021-07``: July 1-31;
    ``2021``: the year), or None for anything else (``PRESENT_REF``, ``2021-W27``, ``XXXX-07``)."""
    match = _CALENDAR.match(value or "")
    if match is None or (match.end() < len(value or "") and match.group(3) is None):
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if day is not None and month is not None:
            one = dt.date(year or 1, month, day)
            return one, one
        if month is not None:
            first = dt.date(year or 1, month, 1)
            return first, month_end(first)  # "9999-12" ends on 9999-12-31
        return dt.date(year or 1, 1, 1), dt.date(year or 1, 12, 31)
    except ValueError:  # "2021-13", "2021-02-30": not a day
        return None


def map_event_days(conn: Connection, f: Filters) -> dict[str, Any]:
    """The days the map's events happened on: the bounds of its date range control.

    Counts the events :func:`map_features` can draw in scope (placed at a stored place with
    coordinates, not negated nor hypothetical, not rejected by an analyst; an analyst's
    corrected date holds), by their own date (the mention's, else the event's). A day
    (``2021-07-07``) is itself; a month or a year adds its first and last day, so the range
    can reach it; other values (``PRESENT_REF``, ``2021-W27``) are not counted.

    Returns:
        ``{"days": [ISO day, ...] (sorted, distinct), "first": ISO day or None,
        "last": ISO day or None, "undated": events that have no such date}``.
    """
    sc = scope(f)
    items = event_items()
    p, ev, e = t.place.c, items.c, t.event.c
    at_place = _at_place(p, ev.place, e.place_key)
    placed = (sa.select(ev.revision_id, ev.start, ev.end, sc.c.article_id,
                        sa.func.coalesce(ev.date, e.date).label("date"))
              .select_from(items).join(t.event, e.id == ev.event_id)
              .where(e.negated.is_(False), e.hypothetical.is_(False))
              .join(sc, sc.c.revision_id == ev.revision_id)
              .where(sa.exists().where(at_place, _has_point(p))))
    if f.country:
        placed = placed.where(sa.exists().where(at_place, p.country_code == f.country))
    corrections = ReviewIndex(conn, "correction")
    reviewed = corrections.positions("event", lambda r: True)
    mention = sa.tuple_(ev.revision_id, ev.start, ev.end)
    counts: dict[str | None, int] = {}
    machine = placed.where(mention.not_in(reviewed)) if reviewed else placed
    sub = machine.subquery()
    for r in conn.execute(sa.select(sub.c.date, sa.func.count()).group_by(sub.c.date)):
        counts[r[0]] = counts.get(r[0], 0) + int(r[1])
    if reviewed:
        for r in conn.execute(placed.where(mention.in_(reviewed))):
            review = corrections.get("event", r.article_id, r.revision_id, r.start, r.end)
            if review is not None and review.action == "reject":
                continue
            value = (review.fields if review is not None else {}).get("date") or r.date
            counts[value] = counts.get(value, 0) + 1
    days: set[dt.date] = set()
    undated = 0
    for value, n in counts.items():
        span = _days_of(value)
        if span is None:
            undated += n
        else:
            days.update(span)
    ordered = [d.isoformat() for d in sorted(days)]
    return {"days": ordered, "first": ordered[0] if ordered else None,
            "last": ordered[-1] if ordered else None, "undated": undated}
