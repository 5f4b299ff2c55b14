"""The overview page: counts, the latest articles and events, the busiest places and actors."""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...read.actors import rank_actors
from ...read.corrections import apply_all
from ...read.merges import EntityEdits
from ...read.workbench import add_identity_labels
from ...storage import schema as t
from ...storage.reader_schema import error_report
from .common import (
    Filters,
    count_events,
    count_items,
    event_items,
    event_ref,
    iso,
    items_with_article,
    scope,
)

#: Rows in each list of the overview.
OVERVIEW_ROWS = 10

__all__ = ["OVERVIEW_ROWS", "article_rows", "busiest_actors", "busiest_places", "latest_events", "overview"]

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
            {"id": r.id, "title": r.title, "source": r.source, "published": iso(r.published),
             "language": r.language, "url": r.url, "revision_id": int(r.revision_id),
             "first_seen": iso(r.first_seen)}
            for r in rows
        ],
    }


def busiest_actors(conn: Connection, f: Filters, limit: int = OVERVIEW_ROWS) -> list[dict[str, Any]]:
    """Actors with the most articles in scope (then mentions): the ranking of
    :func:`newswatch.read.actors.rank_actors`, the same as ``newswatch report``'s.

    Returns:
        ``[{"id", "key", "name", "label", "country", "articles", "mentions", "labels"}]``
        (``labels``: the name per language, for the interface language's name).
    """
    return add_identity_labels(conn, rank_actors(conn, scope(f), limit))


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
        .where(p.resolved.is_(True), pm.kind == "name")
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
    """Events in scope, latest article first (empty until event coding fills the table), with
    the analysts' corrections laid over them (rejected ones left out)."""
    sc = scope(f)
    items = event_items()
    ev = items.c
    rows = conn.execute(
        items_with_article(items, sc, ev.id, ev.type, ev.mode, ev.actor, ev.recipient,
                            ev.place, ev.date)
        .order_by(t.article.c.published.desc(), ev.id.desc())
        .limit(limit)
    ).all()
    return apply_all(conn, "event", [event_ref(r) for r in rows])


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
            sa.select(sa.func.count(sa.distinct(EntityEdits(conn).entity_of(
                t.entity_mention.c.entity_id, sc.c.article_id, t.entity_mention.c.text))))
            .select_from(t.entity_mention)
            .join(sc, sc.c.revision_id == t.entity_mention.c.revision_id)
        ) or 0),
        "places": int(conn.scalar(
            sa.select(sa.func.count(sa.distinct(t.place_mention.c.place_id)))
            .join(sc, sc.c.revision_id == t.place_mention.c.revision_id)
        ) or 0),
        "quotes": count_items(conn, sc, t.quote),
        "figures": count_items(conn, sc, t.figure),
        "timexes": count_items(conn, sc, t.timex),
        "events": count_events(conn, sc),
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
