"""Read side of the dashboard: what every page and its JSON API show, from the store.

All functions take an open connection (``Store.read()``) and a :class:`Filters`, and return
plain JSON-ready dicts and lists. Scope (the same rule as ``newswatch report``): the latest
revision of every article whose publication date (or, when unknown, the day it was first
stored) lies in ``[since, until]``, in ``language`` when given; with ``country``, only
articles that mention a place in that country or an entity of that country.

Every item carries an evidence reference: ``article_id``, ``revision_id``, ``start``,
``end`` (code-point offsets into that revision's text) and its ``sentence``, so any number on
a page leads back to the words that support it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pycountry
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import UnknownCountry
from ..report import trim_sentence
from ..storage import schema as t
from ..storage.reader_schema import error_report
from .errors import InvalidInput, NotFound

#: Entity labels listed as actors (OntoNotes persons, organisations, states, nationalities).
ACTOR_LABELS = ("PERSON", "ORG", "GPE", "NORP")
#: Rows in each list of the overview.
OVERVIEW_ROWS = 10
#: Longest sentence shown with an item, in characters (cut around the item with "…"); about
#: three lines of the side panel.
SNIPPET_CHARS = 240
#: Timeline granularity: days when the range spans at most this many days, then weeks up to
#: :data:`WEEKS_UP_TO_DAYS`, then months (keeps a bar chart under ~150 bars).
DAYS_UP_TO_DAYS = 120
WEEKS_UP_TO_DAYS = 1000
#: Timeline item types besides the PLOVER event types (``event:<TYPE>``).
BASE_ITEM_TYPES = ("article", "quote", "figure", "timex")
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
#: Mentions listed in a dossier and evidence items per map marker popup.
DOSSIER_MENTIONS = 200
EVIDENCE_ROWS = 5
#: Co-occurring entities listed in a dossier.
CO_OCCURRING = 25
#: Longest search query, in characters, and most terms used from it.
MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 12

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TERM = re.compile(r"\w+\*?")


# -- filters and scope --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filters:
    """The filter every page honours.

    Attributes:
        since, until: publication days (inclusive); None: unbounded.
        country: ISO 3166-1 alpha-2 code or None.
        country_alpha3: the same country's alpha-3 code (entities carry alpha-3).
        language: ISO 639-1 code of the article or None.
    """

    since: dt.date | None = None
    until: dt.date | None = None
    country: str | None = None
    country_alpha3: str | None = None
    language: str | None = None

    def params(self) -> dict[str, str]:
        """The filter as query parameters (empty ones left out)."""
        out = {
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "country": self.country or "",
            "language": self.language or "",
        }
        return {k: v for k, v in out.items() if v}

    def to_dict(self) -> dict[str, Any]:
        """JSON view of the filter."""
        return {
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "country": self.country,
            "language": self.language,
        }


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
    alpha2 = alpha3 = None
    if country and country.strip():
        try:
            record = pycountry.countries.lookup(country.strip())
        except LookupError:
            raise UnknownCountry(
                f"{country!r} is not an ISO 3166-1 country code or name", subject="country"
            ) from None
        alpha2, alpha3 = record.alpha_2, record.alpha_3
    lang = (language or "").strip().lower() or None
    if lang is not None and not re.fullmatch(r"[a-z]{2,3}", lang):
        raise InvalidInput("language must be an ISO 639-1 code", params={"field": "language"})
    return Filters(first, last, alpha2, alpha3, lang)


def scope(f: Filters, actor_id: int | None = None) -> sa.CTE:
    """The latest revision of every article in scope: columns ``article_id``, ``revision_id``.

    Args:
        f: the filter.
        actor_id: keep only revisions that mention this entity.
    """
    a, r = t.article.c, t.revision.c
    newer = t.revision.alias("newer")
    latest_seq = (
        sa.select(sa.func.max(newer.c.seq)).where(newer.c.article_id == a.id).scalar_subquery()
    )
    stmt = (
        sa.select(a.id.label("article_id"), r.id.label("revision_id"))
        .select_from(t.article)
        .join(t.revision, sa.and_(r.article_id == a.id, r.seq == latest_seq))
    )
    if f.since is not None:
        start = dt.datetime.combine(f.since, dt.time(), dt.UTC)
        stmt = stmt.where(
            sa.or_(a.published >= f.since, sa.and_(a.published.is_(None), a.first_seen >= start))
        )
    if f.until is not None:
        stop = dt.datetime.combine(f.until + dt.timedelta(days=1), dt.time(), dt.UTC)
        stmt = stmt.where(
            sa.or_(a.published <= f.until, sa.and_(a.published.is_(None), a.first_seen < stop))
        )
    if f.language is not None:
        stmt = stmt.where(a.language == f.language)
    # Uncorrelated IN lists: each is computed once per statement from the indexes on
    # place.country_code, place_mention.place_id and entity_mention.entity_id.
    if f.country is not None:
        in_place = (
            sa.select(t.place_mention.c.revision_id)
            .join(t.place, t.place.c.id == t.place_mention.c.place_id)
            .where(t.place.c.country_code == f.country)
        )
        in_entity = (
            sa.select(t.entity_mention.c.revision_id)
            .join(t.entity, t.entity.c.id == t.entity_mention.c.entity_id)
            .where(t.entity.c.country == f.country_alpha3)
        )
        stmt = stmt.where(sa.or_(r.id.in_(in_place), r.id.in_(in_entity)))
    if actor_id is not None:
        stmt = stmt.where(r.id.in_(
            sa.select(t.entity_mention.c.revision_id).where(t.entity_mention.c.entity_id == actor_id)
        ))
    # Computed once per statement: inlined, the correlated parts would be re-run for every
    # mention row a query joins to it (measured 30 s for the overview of 10,000 articles).
    return stmt.cte("scope").prefix_with("MATERIALIZED")


# -- shared helpers -----------------------------------------------------------------------


def event_items() -> sa.Table:
    """The rows that put an event in a revision, with its evidence span and sentence.

    ``event_mention`` once the situation model (migration 0003) is installed — one row per
    article reporting an event, so an event reported twice counts in both articles' scope —
    else the ``event`` table of the first schema (one row per coded event). Both have the
    columns used here: ``revision_id``, ``start``, ``end``, sentence offsets, ``type``,
    ``mode``, ``actor``, ``recipient``, ``place``, ``date``.
    """
    return t.metadata.tables.get("event_mention", t.event)


def _count_events(conn: Connection, sc: sa.CTE) -> int:
    """Distinct events with a mention in scope."""
    items = event_items()
    what = sa.func.count(sa.distinct(items.c.event_id)) if "event_id" in items.c else sa.func.count()
    return int(conn.scalar(
        sa.select(what).select_from(items).join(sc, sc.c.revision_id == items.c.revision_id)
    ) or 0)



def snippet(sentence: str | None, start: int, end: int, limit: int = SNIPPET_CHARS) -> str:
    """A sentence for display: cut around ``[start, end)`` (sentence-relative) to ``limit``
    characters with "…" where cut, whitespace collapsed ("" for no sentence); the same window
    as the situation report's (:func:`newswatch.report.trim_sentence`)."""
    if not sentence:
        return ""
    return trim_sentence(sentence, start, end, limit)


def _sentence_expr(item: sa.Table) -> sa.ColumnElement[str]:
    """The item's sentence cut from the revision text in SQL (``substr`` counts characters
    on both backends, the same code points as Python offsets)."""
    c = item.c
    return sa.func.substr(t.revision.c.text, c.sentence_start + 1, c.sentence_end - c.sentence_start)


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def evidence_ref(row: Any) -> dict[str, Any]:
    """The evidence reference of a row with article and span columns."""
    sentence = getattr(row, "sentence", None)
    s_start = getattr(row, "sentence_start", None) or 0
    return {
        "article_id": row.article_id,
        "revision_id": int(row.revision_id),
        "title": row.title,
        "source": getattr(row, "source", None),
        "published": _iso(row.published),
        "language": getattr(row, "language", None),
        "start": row.start,
        "end": row.end,
        "sentence": snippet(sentence, row.start - s_start, row.end - s_start) if sentence else None,
    }


def _items_with_article(item: sa.Table, sc: sa.CTE, *columns: Any) -> sa.Select:
    c, a = item.c, t.article.c
    return (
        sa.select(
            *columns,
            c.start,
            c.end,
            c.sentence_start,
            _sentence_expr(item).label("sentence"),
            a.id.label("article_id"),
            c.revision_id,
            a.title,
            a.published,
            a.language,
            t.source.c.name.label("source"),
        )
        .select_from(item)
        .join(sc, sc.c.revision_id == c.revision_id)
        .join(t.revision, t.revision.c.id == c.revision_id)
        .join(t.article, a.id == sc.c.article_id)
        .outerjoin(t.source, t.source.c.id == a.source_id)
    )


def has_table(conn: Connection, name: str) -> bool:
    """Whether the database has a table (or SQLite virtual table) called ``name``."""
    return sa.inspect(conn).has_table(name)


# -- overview -----------------------------------------------------------------------------


def article_rows(
    conn: Connection, f: Filters, *, limit: int, offset: int = 0
) -> dict[str, Any]:
    """Articles in scope, newest publication first (undated last).

    Returns:
        ``{"total": n, "items": [{"id", "title", "source", "published", "language", "url",
        "revision_id", "first_seen"}]}``.
    """
    sc = scope(f)
    a = t.article.c
    total = conn.scalar(sa.select(sa.func.count()).select_from(sc))
    rows = conn.execute(
        sa.select(a.id, a.title, a.published, a.language, a.url, a.first_seen,
                  sc.c.revision_id, t.source.c.name.label("source"))
        .join(sc, sc.c.article_id == a.id)
        .outerjoin(t.source, t.source.c.id == a.source_id)
        .order_by(a.published.is_(None), a.published.desc(), a.first_seen.desc(), a.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return {
        "total": int(total or 0),
        "items": [
            {"id": r.id, "title": r.title, "source": r.source, "published": _iso(r.published),
             "language": r.language, "url": r.url, "revision_id": int(r.revision_id),
             "first_seen": _iso(r.first_seen)}
            for r in rows
        ],
    }


def _count_items(conn: Connection, sc: sa.CTE, table: sa.Table) -> int:
    return int(conn.scalar(
        sa.select(sa.func.count()).select_from(table).join(sc, sc.c.revision_id == table.c.revision_id)
    ) or 0)


def busiest_actors(conn: Connection, f: Filters, limit: int = OVERVIEW_ROWS) -> list[dict[str, Any]]:
    """Entities with the most articles in scope (then mentions)."""
    sc = scope(f)
    e, m = t.entity.c, t.entity_mention.c
    rows = conn.execute(
        sa.select(e.id, e.canonical, e.label, e.country,
                  sa.func.count(sa.distinct(sc.c.article_id)).label("articles"),
                  sa.func.count().label("mentions"))
        .join(t.entity_mention, m.entity_id == e.id)
        .join(sc, sc.c.revision_id == m.revision_id)
        .where(e.label.in_(ACTOR_LABELS))
        .group_by(e.id, e.canonical, e.label, e.country)
        .order_by(sa.desc("articles"), sa.desc("mentions"), e.canonical)
        .limit(limit)
    ).all()
    return [
        {"id": int(r.id), "name": r.canonical, "label": r.label, "country": r.country,
         "articles": int(r.articles), "mentions": int(r.mentions)}
        for r in rows
    ]


def busiest_places(conn: Connection, f: Filters, limit: int = OVERVIEW_ROWS) -> list[dict[str, Any]]:
    """Resolved places with the most mentions in scope (only the filter country's, if any)."""
    sc = scope(f)
    p, pm = t.place.c, t.place_mention.c
    stmt = (
        sa.select(p.id, p.key, p.name, p.country_code, p.lat, p.lon,
                  sa.func.count().label("mentions"),
                  sa.func.count(sa.distinct(sc.c.article_id)).label("articles"))
        .join(t.place_mention, pm.place_id == p.id)
        .join(sc, sc.c.revision_id == pm.revision_id)
        .where(p.resolved.is_(True))
        .group_by(p.id, p.key, p.name, p.country_code, p.lat, p.lon)
        .order_by(sa.desc("mentions"), p.name)
        .limit(limit)
    )
    if f.country:
        stmt = stmt.where(p.country_code == f.country)
    return [
        {"key": r.key, "name": r.name, "country_code": r.country_code, "lat": r.lat,
         "lon": r.lon, "mentions": int(r.mentions), "articles": int(r.articles)}
        for r in conn.execute(stmt).all()
    ]


def latest_events(conn: Connection, f: Filters, limit: int = OVERVIEW_ROWS) -> list[dict[str, Any]]:
    """Events in scope, latest article first (empty until event coding fills the table)."""
    sc = scope(f)
    items = event_items()
    ev = items.c
    rows = conn.execute(
        _items_with_article(items, sc, ev.id, ev.type, ev.mode, ev.actor, ev.recipient,
                            ev.place, ev.date)
        .order_by(t.article.c.published.desc(), ev.id.desc())
        .limit(limit)
    ).all()
    return [_event(r) for r in rows]


def _event(r: Any) -> dict[str, Any]:
    return {"id": int(r.id), "type": r.type, "mode": r.mode, "actor": r.actor,
            "recipient": r.recipient, "place": r.place, "date": r.date, **evidence_ref(r)}


def overview(conn: Connection, f: Filters) -> dict[str, Any]:
    """The overview page.

    Returns:
        ``{"filters", "counts": {"articles", "sources", "entities", "places", "quotes",
        "figures", "timexes", "events", "open_reports"}, "languages": {code: n},
        "latest_articles", "latest_events", "busiest_places", "busiest_actors"}``.
    """
    sc = scope(f)
    a = t.article.c
    langs: Counter[str] = Counter()
    for language, n in conn.execute(
        sa.select(a.language, sa.func.count()).join(sc, sc.c.article_id == a.id).group_by(a.language)
    ).all():
        langs[language or "und"] += int(n)
    counts = {
        "articles": int(sum(langs.values())),
        "sources": int(conn.scalar(
            sa.select(sa.func.count(sa.distinct(a.source_id))).join(sc, sc.c.article_id == a.id)
        ) or 0),
        "entities": int(conn.scalar(
            sa.select(sa.func.count(sa.distinct(t.entity_mention.c.entity_id)))
            .join(sc, sc.c.revision_id == t.entity_mention.c.revision_id)
        ) or 0),
        "places": int(conn.scalar(
            sa.select(sa.func.count(sa.distinct(t.place_mention.c.place_id)))
            .join(sc, sc.c.revision_id == t.place_mention.c.revision_id)
        ) or 0),
        "quotes": _count_items(conn, sc, t.quote),
        "figures": _count_items(conn, sc, t.figure),
        "timexes": _count_items(conn, sc, t.timex),
        "events": _count_events(conn, sc),
        "open_reports": int(conn.scalar(
            sa.select(sa.func.count()).select_from(error_report)
            .join(sc, sc.c.article_id == error_report.c.article_id)
            .where(error_report.c.status == "open")
        ) or 0),
    }
    return {
        "filters": f.to_dict(),
        "counts": counts,
        "languages": {k: int(v) for k, v in sorted(langs.items())},
        "latest_articles": article_rows(conn, f, limit=OVERVIEW_ROWS)["items"],
        "latest_events": latest_events(conn, f),
        "busiest_places": busiest_places(conn, f),
        "busiest_actors": busiest_actors(conn, f),
    }


# -- map ----------------------------------------------------------------------------------


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
    # An event is placed at a stored place named by its place key (situation model) or name.
    at_place = [p.key == ev.place, p.name == ev.place]
    stmt = sa.select(p.key, p.name, p.lat, p.lon, p.country_code, ev.type,
                     sa.func.count().label("mentions"),
                     sa.func.count(sa.distinct(sc.c.article_id)).label("articles"),
                     sa.func.min(ev.id).label("first_event")).select_from(items)
    if "event_id" in ev and "place_key" in t.event.c:
        stmt = stmt.join(t.event, t.event.c.id == ev.event_id)
        at_place.append(p.key == t.event.c.place_key)
        # A pin says "this happened here": negated ("was not going to introduce a contingent")
        # and hypothetical events stay in the reader and the exports, with their flags, but
        # put no marker on the map.
        stmt = stmt.where(t.event.c.negated.is_(False), t.event.c.hypothetical.is_(False))
    stmt = (
        stmt.join(sc, sc.c.revision_id == ev.revision_id)
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
                      _sentence_expr(item).label("sentence"), item.c.revision_id,
                      a.id.label("article_id"), a.title, a.published, a.language,
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
        _items_with_article(t.place_mention, sc, pm.id)
        .where(pm.place_id == place.id)
        .order_by(t.article.c.published.desc(), pm.id)
        .limit(limit)
    ).all()
    return {"key": place.key, "name": place.name, "country_code": place.country_code,
            "lat": place.lat, "lon": place.lon, "mentions": [evidence_ref(r) for r in rows]}


# -- timeline -----------------------------------------------------------------------------


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DAY.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _wanted(item_type: str, types: set[str] | None) -> bool:
    if not types:
        return True
    return item_type in types or (item_type.startswith("event:") and "event" in types)


def _dated_counts(conn: Connection, sc: sa.CTE, types: set[str] | None) -> Counter[tuple[dt.date, str]]:
    """Items per (day, type): articles by publication day, quotes and figures by their
    article's publication day, time expressions by the day they name, events by their own
    day (else their article's)."""
    a = t.article.c
    counts: Counter[tuple[dt.date, str]] = Counter()
    if _wanted("article", types):
        for day, n in conn.execute(
            sa.select(a.published, sa.func.count()).join(sc, sc.c.article_id == a.id)
            .where(a.published.is_not(None)).group_by(a.published)
        ).all():
            counts[(_day(day), "article")] += int(n)  # type: ignore[index]
    for name, table in (("quote", t.quote), ("figure", t.figure)):
        if not _wanted(name, types):
            continue
        for day, n in conn.execute(
            sa.select(a.published, sa.func.count()).select_from(table)
            .join(sc, sc.c.revision_id == table.c.revision_id)
            .join(t.article, a.id == sc.c.article_id)
            .where(a.published.is_not(None)).group_by(a.published)
        ).all():
            counts[(_day(day), name)] += int(n)  # type: ignore[index]
    if _wanted("timex", types):
        x = t.timex.c
        for value, n in conn.execute(
            sa.select(x.value, sa.func.count()).join(sc, sc.c.revision_id == x.revision_id)
            .where(x.value.like("____-__-__")).group_by(x.value)
        ).all():
            day = _day(value)
            if day is not None:
                counts[(day, "timex")] += int(n)
    items = event_items()
    ev = items.c
    for etype, date, published, n in conn.execute(
        sa.select(ev.type, ev.date, a.published, sa.func.count()).select_from(items)
        .join(sc, sc.c.revision_id == ev.revision_id)
        .join(t.article, a.id == sc.c.article_id)
        .group_by(ev.type, ev.date, a.published)
    ).all():
        name = f"event:{etype}"
        day = _day(date) or _day(published)
        if day is not None and _wanted(name, types):
            counts[(day, name)] += int(n)
    return counts


def _bucket_start(day: dt.date, granularity: str) -> dt.date:
    if granularity == "week":
        return day - dt.timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def _bucket_end(start: dt.date, granularity: str) -> dt.date:
    if granularity == "week":
        return start + dt.timedelta(days=6)
    if granularity == "month":
        following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)
    return start


def parse_types(value: str | None) -> set[str] | None:
    """The ``type`` filter: comma-separated item types (``article``, ``quote``, ``figure``,
    ``timex``, ``event`` or ``event:<TYPE>``); None when empty.

    Raises:
        InvalidInput: an unknown type.
    """
    if not value:
        return None
    types = {v.strip() for v in value.split(",") if v.strip()}
    for v in types:
        if v not in BASE_ITEM_TYPES and v != "event" and not re.fullmatch(r"event:[A-Z_]+", v):
            raise InvalidInput(f"unknown item type {v!r}", params={"field": "type"})
    return types or None


def timeline(
    conn: Connection, f: Filters, *, actor_id: int | None = None, types: set[str] | None = None
) -> dict[str, Any]:
    """Items per day (or week, or month) by type.

    Returns:
        ``{"filters", "actor_id", "types": [every type present], "granularity":
        "day"|"week"|"month", "max": largest bucket total, "outside": items left out,
        "buckets": [{"start", "end", "total", "counts": {type: n}}]}`` with empty buckets
        between the first and the last day. The range is ``[since, until]``, each bound
        defaulting to the first (last) publication day in scope, so a date an article merely
        refers to ("the attacks of 2001-09-11") does not stretch the news period; those items
        are counted in ``outside``.
    """
    sc = scope(f, actor_id)
    counts = _dated_counts(conn, sc, types)
    a = t.article.c
    first_pub, last_pub = conn.execute(
        sa.select(sa.func.min(a.published), sa.func.max(a.published)).join(sc, sc.c.article_id == a.id)
    ).one()
    lo = f.since or _day(first_pub)
    hi = f.until or _day(last_pub)
    days = sorted({d for d, _ in counts if (lo is None or d >= lo) and (hi is None or d <= hi)})
    outside = sum(n for (d, _), n in counts.items()
                  if (lo is not None and d < lo) or (hi is not None and d > hi))
    result: dict[str, Any] = {"filters": f.to_dict(), "actor_id": actor_id,
                              "types": sorted({k for _, k in counts}), "granularity": "day",
                              "max": 0, "outside": outside, "buckets": []}
    if not days:
        return result
    span = (days[-1] - days[0]).days
    granularity = "day" if span <= DAYS_UP_TO_DAYS else "week" if span <= WEEKS_UP_TO_DAYS else "month"
    per: dict[dt.date, Counter[str]] = defaultdict(Counter)
    for (day, kind), n in counts.items():
        if days[0] <= day <= days[-1]:
            per[_bucket_start(day, granularity)][kind] += n
    buckets = []
    cursor = _bucket_start(days[0], granularity)
    while cursor <= days[-1]:
        end = _bucket_end(cursor, granularity)
        c = per.get(cursor, Counter())
        buckets.append({"start": cursor.isoformat(), "end": end.isoformat(),
                        "total": sum(c.values()), "counts": dict(sorted(c.items()))})
        cursor = end + dt.timedelta(days=1)
    result.update(granularity=granularity, buckets=buckets,
                  max=max(b["total"] for b in buckets))
    return result


def timeline_items(
    conn: Connection,
    f: Filters,
    start: dt.date,
    end: dt.date,
    *,
    actor_id: int | None = None,
    types: set[str] | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """The items of one timeline bar: every dated item with a day in ``[start, end]``.

    Returns:
        ``[{"type", "date", "text", <evidence reference>}]`` by date, type, article
        (``start``/``end``/``sentence`` are None for articles); at most ``limit``.
    """
    sc = scope(f, actor_id)
    a = t.article.c
    out: list[dict[str, Any]] = []
    if _wanted("article", types):
        for r in conn.execute(
            sa.select(a.id.label("article_id"), sc.c.revision_id, a.title, a.published,
                      a.language, t.source.c.name.label("source"))
            .join(sc, sc.c.article_id == a.id)
            .outerjoin(t.source, t.source.c.id == a.source_id)
            .where(a.published >= start, a.published <= end)
            .limit(limit)
        ).all():
            out.append({"type": "article", "date": _iso(r.published), "text": r.title or "",
                        "article_id": r.article_id, "revision_id": int(r.revision_id),
                        "title": r.title, "source": r.source, "published": _iso(r.published),
                        "language": r.language, "start": None, "end": None, "sentence": None})
    for name, table in (("quote", t.quote), ("figure", t.figure)):
        if not _wanted(name, types):
            continue
        for r in conn.execute(
            _items_with_article(table, sc, table.c.text)
            .where(a.published >= start, a.published <= end).limit(limit)
        ).all():
            out.append({"type": name, "date": _iso(r.published), "text": r.text, **evidence_ref(r)})
    if _wanted("timex", types):
        x = t.timex.c
        for r in conn.execute(
            _items_with_article(t.timex, sc, x.text, x.value)
            .where(x.value >= start.isoformat(), x.value <= end.isoformat(),
                   x.value.like("____-__-__"))
            .limit(limit)
        ).all():
            out.append({"type": "timex", "date": r.value, "text": r.text, **evidence_ref(r)})
    items = event_items()
    ev = items.c
    for r in conn.execute(
        _items_with_article(items, sc, ev.id, ev.type, ev.mode, ev.actor, ev.recipient,
                            ev.place, ev.date).limit(limit * 4)
    ).all():
        day = _day(r.date) or _day(r.published)
        name = f"event:{r.type}"
        if day is None or not start <= day <= end or not _wanted(name, types):
            continue
        text = " → ".join(x for x in (r.actor, r.recipient) if x) or r.type
        out.append({"type": name, "date": day.isoformat(), "text": text, **evidence_ref(r)})
    out.sort(key=lambda i: (i["date"] or "", i["type"], i["article_id"], i["start"] or 0))
    return out[:limit]


# -- entities -----------------------------------------------------------------------------


def entity_list(
    conn: Connection, f: Filters, *, q: str | None = None, label: str | None = None,
    limit: int = 50, offset: int = 0,
) -> dict[str, Any]:
    """Entities mentioned in scope, most articles first; ``q`` matches the name (substring).

    Returns:
        ``{"total", "items": [{"id", "name", "label", "country", "articles", "mentions"}]}``.
    """
    sc = scope(f)
    e, m = t.entity.c, t.entity_mention.c
    stmt = (
        sa.select(e.id, e.canonical, e.label, e.country,
                  sa.func.count(sa.distinct(sc.c.article_id)).label("articles"),
                  sa.func.count().label("mentions"))
        .join(t.entity_mention, m.entity_id == e.id)
        .join(sc, sc.c.revision_id == m.revision_id)
        .group_by(e.id, e.canonical, e.label, e.country)
    )
    if q:
        stmt = stmt.where(sa.func.lower(e.canonical).contains(q.strip().lower(), autoescape=True))
    if label:
        stmt = stmt.where(e.label == label.upper())
    total = conn.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    rows = conn.execute(
        stmt.order_by(sa.desc("articles"), sa.desc("mentions"), e.canonical).limit(limit).offset(offset)
    ).all()
    return {
        "total": int(total or 0),
        "items": [{"id": int(r.id), "name": r.canonical, "label": r.label, "country": r.country,
                   "articles": int(r.articles), "mentions": int(r.mentions)} for r in rows],
    }


def dossier(conn: Connection, entity_id: int, f: Filters) -> dict[str, Any]:
    """Everything stored about one entity in scope.

    Returns:
        ``{"entity": {"id", "key", "name", "label", "country"}, "filters", "counts":
        {"articles", "mentions", "quotes", "figures", "events"}, "languages": {code: n},
        "surface_forms": [{"text", "n"}], "mentions": [...], "quotes": [...], "figures":
        [...], "events": [...], "co_occurring": [{"id", "name", "label", "articles"}]}``;
        mentions, quotes, figures and events carry evidence references. Figures are those in
        a sentence that mentions the entity; events those naming it as actor or recipient.

    Raises:
        NotFound: no such entity.
    """
    e = conn.execute(sa.select(t.entity).where(t.entity.c.id == entity_id)).first()
    if e is None:
        raise NotFound(f"no entity {entity_id}")
    sc = scope(f)
    m = t.entity_mention.c
    mention_rows = conn.execute(
        _items_with_article(t.entity_mention, sc, m.text)
        .where(m.entity_id == entity_id)
        .order_by(t.article.c.published.desc(), m.revision_id, m.start)
    ).all()
    mentions = [{"text": r.text, **evidence_ref(r)} for r in mention_rows[:DOSSIER_MENTIONS]]
    languages = Counter(r.language or "und" for r in mention_rows)
    forms = Counter(r.text for r in mention_rows)
    q = t.quote.c
    quotes = [
        {"text": r.text, "kind": r.kind, "cue": r.cue, **evidence_ref(r)}
        for r in conn.execute(
            _items_with_article(t.quote, sc, q.text, q.kind, q.cue)
            .where(q.speaker_entity_id == entity_id)
            .order_by(t.article.c.published.desc(), q.start).limit(DOSSIER_MENTIONS)
        ).all()
    ]
    fg = t.figure.c
    em = t.entity_mention.c
    # The entity's sentences first, then their figures (a correlated EXISTS per figure made
    # SQLite walk every mention of a frequent entity for each figure: 30 s on 10,000 articles).
    sentences = (
        sa.select(em.revision_id, em.sentence_start).where(em.entity_id == entity_id).distinct()
        .subquery()
    )
    figures = [
        {"text": r.text, "value": r.value, "unit": r.unit, "counted": r.counted,
         "qualifier": r.qualifier, **evidence_ref(r)}
        for r in conn.execute(
            _items_with_article(t.figure, sc, fg.text, fg.value, fg.unit, fg.counted, fg.qualifier)
            .join(sentences, sa.and_(sentences.c.revision_id == fg.revision_id,
                                     sentences.c.sentence_start == fg.sentence_start))
            .order_by(t.article.c.published.desc(), fg.start).limit(DOSSIER_MENTIONS)
        ).all()
    ]
    items = event_items()
    ev = items.c
    names = [e.canonical, e.key]
    involved = [ev.actor.in_(names), ev.recipient.in_(names)]
    stmt = _items_with_article(items, sc, ev.id, ev.type, ev.mode, ev.actor, ev.recipient,
                               ev.place, ev.date)
    if "event_id" in ev and "actor_entity_id" in t.event.c:
        stmt = stmt.join(t.event, t.event.c.id == ev.event_id)
        involved += [t.event.c.actor_entity_id == entity_id,
                     t.event.c.recipient_entity_id == entity_id]
    events = [
        _event(r)
        for r in conn.execute(
            stmt.where(sa.or_(*involved))
            .order_by(t.article.c.published.desc(), ev.id).limit(DOSSIER_MENTIONS)
        ).all()
    ]
    revisions = sa.select(m.revision_id).where(m.entity_id == entity_id).distinct()
    other = t.entity_mention.alias("other")
    oe = t.entity.c
    co = conn.execute(
        sa.select(oe.id, oe.canonical, oe.label,
                  sa.func.count(sa.distinct(other.c.revision_id)).label("articles"))
        .select_from(other)
        .join(t.entity, oe.id == other.c.entity_id)
        .join(sc, sc.c.revision_id == other.c.revision_id)
        .where(other.c.revision_id.in_(revisions), other.c.entity_id != entity_id)
        .group_by(oe.id, oe.canonical, oe.label)
        .order_by(sa.desc("articles"), oe.canonical)
        .limit(CO_OCCURRING)
    ).all()
    return {
        "entity": {"id": int(e.id), "key": e.key, "name": e.canonical, "label": e.label,
                   "country": e.country},
        "filters": f.to_dict(),
        "counts": {"articles": len({r.article_id for r in mention_rows}),
                   "mentions": len(mention_rows), "quotes": len(quotes),
                   "figures": len(figures), "events": len(events)},
        "languages": dict(sorted(languages.items())),
        "surface_forms": [{"text": k, "n": n} for k, n in forms.most_common(20)],
        "mentions": mentions,
        "quotes": quotes,
        "figures": figures,
        "events": events,
        "co_occurring": [{"id": int(r.id), "name": r.canonical, "label": r.label,
                          "articles": int(r.articles)} for r in co],
    }


# -- claims -------------------------------------------------------------------------------

#: Groups and figures per group the claims page lists (a group's ``figures`` counts them all).
CLAIM_GROUPS = 100
CLAIM_GROUP_ITEMS = 50


def _situation_claims(conn: Connection, f: Filters) -> dict[str, Any] | None:
    """The situation model's claims ledger restricted to the filter, or None when that model
    is not installed or has stored no claim yet."""
    claim_table = t.metadata.tables.get("claim")
    if claim_table is None or not conn.scalar(sa.select(sa.func.count()).select_from(claim_table)):
        return None
    from ..storage import situation

    sc = scope(f)
    in_scope = set(conn.scalars(sa.select(sc.c.article_id)))
    groups = []
    for view in situation.claim_groups(conn):
        view.claims = [c for c in view.claims if c.article_id in in_scope]
        if view.claims:
            group = situation.group_to_dict(view)
            group["claims"] = group["claims"][-CLAIM_GROUP_ITEMS:]
            groups.append(group)
    return {"source": "claims", "filters": f.to_dict(), "groups": groups[:CLAIM_GROUPS]}


def claims(conn: Connection, f: Filters) -> dict[str, Any]:
    """The claims page.

    When the situation model has stored claims (``claim`` and ``claim_group`` tables, read with
    :func:`newswatch.storage.situation.claim_groups`), the ledger of claim groups whose claims
    come from articles in scope: ``{"source": "claims", "groups": [{"id", "key", "subject",
    "subject_labels", "subject_country", "property", "unit", "values", "conflicting",
    "claims": [{"value", "lower", "upper", "unit", "qualifier", "figure_text", "as_of",
    "outlet", "cited", "newest", "most_cited", <evidence reference>...}]}]}``.

    Until then the page is the ledger of figures grouped by what they count (``"source":
    "figures"``): ``"groups": [{"counted", "unit", "figures": n, "values": [distinct values],
    "conflicting": bool, "items": [{"text", "value", "lower", "upper", "qualifier", <evidence
    reference>}]}]``, groups with the most figures first (at most :data:`CLAIM_GROUPS`, each
    listing its latest :data:`CLAIM_GROUP_ITEMS` figures); ``conflicting`` when the group holds
    different values from more than one article.
    """
    ledger = _situation_claims(conn, f)
    if ledger is not None:
        return ledger
    sc = scope(f)
    fg = t.figure.c
    rows = conn.execute(
        _items_with_article(t.figure, sc, fg.text, fg.value, fg.lower, fg.upper, fg.qualifier,
                            fg.unit, fg.counted)
        .order_by(fg.counted, fg.unit, t.article.c.published, fg.value)
    ).all()
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for r in rows:
        groups[(r.counted or "", r.unit or "")].append(r)
    out = []
    for (counted, unit), items in groups.items():
        values = sorted({i.value for i in items})
        articles = {i.article_id for i in items}
        out.append({
            "counted": counted or None, "unit": unit or None, "figures": len(items),
            "values": values, "conflicting": len(values) > 1 and len(articles) > 1,
            "items": [{"text": i.text, "value": i.value, "lower": i.lower, "upper": i.upper,
                       "qualifier": i.qualifier, **evidence_ref(i)}
                      for i in items[-CLAIM_GROUP_ITEMS:]],
        })
    out.sort(key=lambda g: (g["counted"] is None, -g["figures"], g["counted"] or "", g["unit"] or ""))
    return {"source": "figures", "filters": f.to_dict(), "groups": out[:CLAIM_GROUPS]}


# -- search -------------------------------------------------------------------------------


def query_terms(q: str) -> list[str]:
    """Words of a search query (Unicode word characters; a trailing ``*`` asks for a prefix
    match), at most :data:`MAX_QUERY_TERMS`."""
    return _TERM.findall(q[:MAX_QUERY_CHARS])[:MAX_QUERY_TERMS]


def fts5_query(terms: list[str]) -> str:
    """An FTS5 MATCH expression requiring every term: each one a quoted string (so no user
    input is read as FTS5 syntax), with ``*`` kept for prefix terms and ``ё`` folded to ``е``
    as in the index."""
    parts = []
    for term in terms:
        word = term.rstrip("*").replace('"', "").replace("ё", "е").replace("Ё", "Е")
        parts.append(f'"{word}"' + ("*" if term.endswith("*") else ""))
    return " ".join(parts)


def _highlight_pattern(terms: list[str]) -> re.Pattern[str] | None:
    alts = []
    for term in terms:
        word = re.escape(term.rstrip("*"))
        word = word.replace("е", "[её]").replace("Е", "[ЕЁ]")
        alts.append(word + (r"\w*" if term.endswith("*") else r"(?!\w)"))
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + ")", re.IGNORECASE) if alts else None


def highlight_snippet(text: str, terms: list[str], width: int = SNIPPET_CHARS) -> dict[str, Any]:
    """A window of ``text`` around the first match of the terms, with match offsets.

    Returns:
        ``{"text": window, "highlights": [[start, end], ...]}`` (offsets into the window).
    """
    pattern = _highlight_pattern(terms)
    first = pattern.search(text) if pattern else None
    center = first.start() if first else 0
    left = max(0, center - width // 3)
    if left:
        space = text.find(" ", left)
        left = space + 1 if 0 <= space < center else left
    window = text[left:left + width]
    prefix = "…" if left else ""
    suffix = "…" if left + width < len(text) else ""
    shown = prefix + window.replace("\n", " ") + suffix
    marks = [[m.start() + len(prefix), m.end() + len(prefix)] for m in pattern.finditer(window)] if pattern else []
    return {"text": shown, "highlights": marks}


def search(
    conn: Connection, f: Filters, q: str, *, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Full-text search over article titles and texts (latest revisions in scope).

    SQLite: the FTS5 index ``article_fts`` (every term required, BM25 ranking). PostgreSQL:
    ``to_tsvector('simple', ...) @@ plainto_tsquery('simple', ...)`` computed at query time,
    ranked by ``ts_rank``. A SQLite build without FTS5: every term as a case-insensitive
    substring (``LIKE``; ASCII case folding only), newest first.

    Returns:
        ``{"q", "terms", "engine": "fts5"|"postgresql"|"like", "total", "items": [{"id",
        "title", "source", "published", "language", "revision_id", "snippet": {"text",
        "highlights"}}]}``.
    """
    terms = query_terms(q)
    base = {"q": q, "terms": terms, "filters": f.to_dict()}
    if not terms:
        return {**base, "engine": None, "total": 0, "items": []}
    sc = scope(f)
    a, r = t.article.c, t.revision.c
    if conn.dialect.name == "sqlite" and has_table(conn, "article_fts"):
        engine = "fts5"
        fts = sa.table("article_fts", sa.column("rowid"))
        match = sa.text("article_fts MATCH :fts_q").bindparams(fts_q=fts5_query(terms))
        hits = (
            sa.select(fts.c.rowid.label("revision_id"),
                      sa.literal_column("bm25(article_fts)").label("rank"))
            .where(match)
            .subquery()
        )
        joined = sa.select(sc.c.article_id, sc.c.revision_id, hits.c.rank).join(
            hits, hits.c.revision_id == sc.c.revision_id)
    elif conn.dialect.name == "postgresql":
        engine = "postgresql"
        words = " ".join(term.rstrip("*") for term in terms)
        doc = sa.func.to_tsvector("simple", sa.func.coalesce(a.title, "") + " " + r.text)
        query = sa.func.plainto_tsquery("simple", words)
        joined = (
            # ts_rank grows with relevance; negated so that ascending order ranks like bm25
            sa.select(sc.c.article_id, sc.c.revision_id, (-sa.func.ts_rank(doc, query)).label("rank"))
            .join(t.revision, r.id == sc.c.revision_id)
            .join(t.article, a.id == sc.c.article_id)
            .where(doc.op("@@")(query))
        )
    else:
        engine = "like"
        conds = [sa.or_(sa.func.lower(r.text).contains(term.rstrip("*").lower(), autoescape=True),
                        sa.func.lower(a.title).contains(term.rstrip("*").lower(), autoescape=True))
                 for term in terms]
        joined = (
            sa.select(sc.c.article_id, sc.c.revision_id, sa.literal(0).label("rank"))
            .join(t.revision, r.id == sc.c.revision_id)
            .join(t.article, a.id == sc.c.article_id)
            .where(*conds)
        )
    matched = joined.subquery()
    total = conn.scalar(sa.select(sa.func.count()).select_from(matched))
    order = [matched.c.rank, a.published.desc(), a.id]
    rows = conn.execute(
        sa.select(a.id, a.title, a.published, a.language, matched.c.revision_id, r.text,
                  t.source.c.name.label("source"))
        .select_from(matched)
        .join(t.article, a.id == matched.c.article_id)
        .join(t.revision, r.id == matched.c.revision_id)
        .outerjoin(t.source, t.source.c.id == a.source_id)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    ).all()
    return {
        **base,
        "engine": engine,
        "total": int(total or 0),
        "items": [
            {"id": x.id, "title": x.title, "source": x.source, "published": _iso(x.published),
             "language": x.language, "revision_id": int(x.revision_id),
             "snippet": highlight_snippet(x.text, terms)}
            for x in rows
        ],
    }


# -- exports ------------------------------------------------------------------------------

#: Datasets the export endpoints offer, with their columns (CSV header order).
EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ("id", "title", "source", "published", "language", "url", "revision_id"),
    "mentions": ("article_id", "revision_id", "start", "end", "text", "label", "canonical",
                 "entity_id", "title", "published", "sentence"),
    "quotes": ("article_id", "revision_id", "start", "end", "text", "speaker", "cue", "kind",
               "title", "published", "sentence"),
    "figures": ("article_id", "revision_id", "start", "end", "text", "value", "lower", "upper",
                "qualifier", "unit", "counted", "title", "published", "sentence"),
    "places": ("key", "name", "country_code", "lat", "lon", "feature_class", "feature_code",
               "mentions", "articles"),
    "events": ("article_id", "revision_id", "start", "end", "type", "mode", "actor",
               "recipient", "place", "date", "negated", "future", "hypothetical", "title",
               "published", "sentence"),
}
#: Most rows one export returns.
EXPORT_MAX_ROWS = 200_000


def export_rows(conn: Connection, f: Filters, dataset: str) -> Iterator[dict[str, Any]]:
    """Rows of one dataset in scope, each a dict with the keys of :data:`EXPORT_COLUMNS`.

    Raises:
        NotFound: unknown dataset.
    """
    if dataset not in EXPORT_COLUMNS:
        raise NotFound(f"no export {dataset!r}; choose one of {', '.join(EXPORT_COLUMNS)}")
    columns = EXPORT_COLUMNS[dataset]
    if dataset == "articles":
        page = article_rows(conn, f, limit=EXPORT_MAX_ROWS)["items"]
        for item in page:
            yield {k: item.get(k) for k in columns}
        return
    if dataset == "places":
        sc = scope(f)
        p, pm = t.place.c, t.place_mention.c
        stmt = (
            sa.select(p.key, p.name, p.country_code, p.lat, p.lon, p.feature_class,
                      p.feature_code, sa.func.count().label("mentions"),
                      sa.func.count(sa.distinct(sc.c.article_id)).label("articles"))
            .join(t.place_mention, pm.place_id == p.id)
            .join(sc, sc.c.revision_id == pm.revision_id)
            .where(p.resolved.is_(True))
            .group_by(p.key, p.name, p.country_code, p.lat, p.lon, p.feature_class, p.feature_code)
            .order_by(sa.desc("mentions"), p.key)
            .limit(EXPORT_MAX_ROWS)
        )
        if f.country:
            stmt = stmt.where(p.country_code == f.country)
        for r in conn.execute(stmt).mappings():
            yield {k: r[k] for k in columns}
        return
    sc = scope(f)
    table = {"mentions": t.entity_mention, "quotes": t.quote, "figures": t.figure,
             "events": event_items()}[dataset]
    extra = [table.c[k] for k in columns
             if k in table.c and k not in ("article_id", "revision_id", "start", "end")]
    stmt = _items_with_article(table, sc, *extra).order_by(
        t.article.c.published, table.c.revision_id, table.c.start).limit(EXPORT_MAX_ROWS)
    if dataset == "events" and "event_id" in table.c and "negated" in t.event.c:
        ec = t.event.c
        stmt = stmt.join(t.event, ec.id == table.c.event_id).add_columns(ec.negated, ec.future, ec.hypothetical)
    for r in conn.execute(stmt):
        ref = evidence_ref(r)
        row = {k: getattr(r, k, None) for k in columns}
        row.update({k: ref[k] for k in ("published", "sentence")})
        yield row
