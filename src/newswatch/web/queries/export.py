"""The exports: every dataset in scope as rows (CSV or JSON Lines), and the map as GeoJSON."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...storage import schema as t
from ..errors import NotFound
from .common import Filters, event_items, evidence_ref, items_with_article, scope
from .overview import article_rows

__all__ = ["EXPORT_COLUMNS", "EXPORT_MAX_ROWS", "export_rows"]

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
    stmt = items_with_article(table, sc, *extra).order_by(
        t.article.c.published, table.c.revision_id, table.c.start).limit(EXPORT_MAX_ROWS)
    if dataset == "events":
        ec = t.event.c
        stmt = stmt.join(t.event, ec.id == table.c.event_id).add_columns(ec.negated, ec.future, ec.hypothetical)
    for item in conn.execute(stmt):
        ref = evidence_ref(item)
        row = {k: getattr(item, k, None) for k in columns}
        row.update({k: ref[k] for k in ("published", "sentence")})
        yield row
