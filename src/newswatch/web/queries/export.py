"""The exports: every dataset in scope as rows (CSV, JSON Lines or one JSON array), and the
map as GeoJSON. ``plover`` is the events as PLOVER event records, for users of POLECAT data
(:data:`PLOVER_COLUMNS`).

Every row of an item export (mentions, quotes, figures, places, events, claims) keeps its
source: the outlet, the article's URL (only an http(s) address; anything else is left
empty), the article id and revision, the publication date and the whole sentence the item
was read from. CSV is written for spreadsheet programs: UTF-8 with a byte-order mark (so
Cyrillic text opens correctly) and every text cell that a spreadsheet would read as a formula
(one beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return; OWASP "CSV
injection") prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...read.corrections import (
    REVIEW_COLUMNS,
    ReviewIndex,
    apply,
    event_verifications,
    flat_columns,
    iso_date_precision,
)
from ...read.merges import EntityEdits
from ...read.situation import claim_groups
from ...read.workbench import EventParties
from ...storage import schema as t
from ...storage import situation_schema as st
from ...storage.engine import in_chunks
from ...storage.mapping import to_jsonable
from ..errors import NotFound
from ..security import http_url
from .claims import verified
from .common import Filters, event_items, has_table, iso, items_with_article, scope
from .overview import article_rows
from .tracker import TRACKER_COLUMNS, tracker_export_rows

__all__ = ["BOM", "EXPORT_COLUMNS", "EXPORT_MAX_ROWS", "PLOVER_COLUMNS", "ROW_FORMATS",
           "SOURCE_COLUMNS", "csv_chunks", "export_chunks", "export_rows", "flat_features",
           "json_array_chunks", "spreadsheet_safe"]

#: The source of an item, carried by every item export (CSV header order).
SOURCE_COLUMNS: tuple[str, ...] = ("outlet", "url", "article_id", "revision_id", "published",
                                   "sentence")
#: Datasets the export endpoints offer, with their columns (CSV header order).
EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ("id", "title", "source", "published", "language", "url", "revision_id"),
    "mentions": ("start", "end", "text", "label", "canonical", "entity_id", "entity_edit", "title",
                 *SOURCE_COLUMNS, *REVIEW_COLUMNS),
    "quotes": ("start", "end", "text", "speaker", "speaker_entity_id", "cue", "kind", "title",
               *SOURCE_COLUMNS),
    "figures": ("start", "end", "text", "value", "lower", "upper", "qualifier", "unit",
                "counted", "title", *SOURCE_COLUMNS, *REVIEW_COLUMNS),
    "places": ("key", "name", "country_code", "lat", "lon", "feature_class", "feature_code",
               "mentions", "articles", "text", "kind", "start", "end", "title", *SOURCE_COLUMNS,
               *REVIEW_COLUMNS),
    "events": ("event_id", "start", "end", "type", "mode", "actor", "recipient", "place",
               "date", "date_source", "negated", "future", "hypothetical", "title", *SOURCE_COLUMNS,
               *REVIEW_COLUMNS, "verification"),
    "claims": ("group_id", "group_key", "subject", "property", "unit", "claim_id", "value",
               "lower", "upper", "qualifier", "figure_text", "as_of", "cited", "newest",
               "most_cited", "start", "end", "title", *SOURCE_COLUMNS, *REVIEW_COLUMNS,
               "verification"),
    "tracker": TRACKER_COLUMNS,
}
#: The ``plover`` dataset: one PLOVER event record per report (event mention) in scope. Names
#: follow the project's design notes (DATA-MODEL.md: an event's type, mode, actor and
#: recipient with their ISO 3166-1 alpha-3 country and PLOVER sector, place, date with
#: precision, the negated / future / hypothetical / reported flags; a place's GeoNames id,
#: feature code, country, latitude and longitude); docs/web.md says where each comes from.
PLOVER_COLUMNS: tuple[str, ...] = (
    "event_id", "mention_id", "happening", "type", "mode", "date", "date_precision",
    "date_source",
    "actor", "actor_entity_id", "actor_country", "actor_sector",
    "recipient", "recipient_entity_id", "recipient_country", "recipient_sector",
    "place", "geonames_id", "feature_code", "place_country", "latitude", "longitude",
    "negated", "future", "hypothetical", "reported", "speaker", "confidence",
    "start", "end", "title", "language", *SOURCE_COLUMNS, *REVIEW_COLUMNS, "verification",
)
EXPORT_COLUMNS["plover"] = PLOVER_COLUMNS
#: Most rows one export returns.
EXPORT_MAX_ROWS = 200_000
#: Rows an item export reads from the database at a time (:func:`export_rows`).
EXPORT_FETCH_ROWS = 1_000
#: The byte-order mark a CSV export starts with (spreadsheet programs then read UTF-8).
BOM = "\ufeff"
#: First characters that make a spreadsheet read a cell as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula: a text beginning with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return gets a leading apostrophe; numbers and other
    texts are returned unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_chunks(columns: tuple[str, ...], rows: Iterable[dict[str, Any]], *, bom: bool = True,
               chunk_chars: int = 64 * 1024) -> Iterator[str]:
    """CSV text of ``rows`` under a header of ``columns``, in chunks of about ``chunk_chars``
    characters: the byte-order mark first (unless ``bom`` is False), values as JSON-ready
    scalars (lists joined by "; "), every text cell through :func:`spreadsheet_safe`."""
    buffer = io.StringIO()
    if bom:
        buffer.write(BOM)
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        cells = {}
        for key, value in to_jsonable(row).items():
            if isinstance(value, list):
                value = "; ".join(str(v) for v in value)
            cells[key] = spreadsheet_safe(value)
        writer.writerow(cells)
        if buffer.tell() > chunk_chars:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_array_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """One JSON array of ``rows`` (each made JSON-ready by
    :func:`newswatch.storage.mapping.to_jsonable`), written a row at a time: ``[``, the rows
    separated by ``,`` and a line break, ``]`` (``[]`` when there is none). UTF-8 text, not
    ASCII-escaped."""
    yield "["
    first = True
    for row in rows:
        yield ("\n" if first else ",\n") + json.dumps(to_jsonable(row), ensure_ascii=False)
        first = False
    yield "]\n" if first else "\n]\n"


#: Row formats of :func:`export_chunks`.
ROW_FORMATS: tuple[str, ...] = ("csv", "jsonl", "json")


def export_chunks(dataset: str, fmt: str, rows: Iterable[dict[str, Any]], *, bom: bool = True
                  ) -> Iterator[str]:
    """The text of an export of ``rows`` (of :func:`export_rows` for ``dataset``) in
    ``fmt``, a piece at a time, as the dashboard's export endpoint and ``newswatch export``
    write it: ``csv`` (:func:`csv_chunks` under :data:`EXPORT_COLUMNS` ``[dataset]``,
    formula cells guarded, the byte-order mark unless ``bom`` is False), ``jsonl`` (one
    JSON object a line, UTF-8, not ASCII-escaped) or ``json`` (:func:`json_array_chunks`).
    ``rows`` is read lazily, once.

    Raises:
        NotFound: an unknown format or dataset (before any row is read).
    """
    if fmt not in ROW_FORMATS:
        raise NotFound(f"no export format {fmt!r}; use {', '.join(ROW_FORMATS)}")
    if dataset not in EXPORT_COLUMNS:
        raise NotFound(f"no export {dataset!r}; choose one of {', '.join(EXPORT_COLUMNS)}")
    if fmt == "csv":
        return csv_chunks(EXPORT_COLUMNS[dataset], rows, bom=bom)
    if fmt == "json":
        return json_array_chunks(rows)
    return (json.dumps(to_jsonable(r), ensure_ascii=False) + "\n" for r in rows)


def flat_features(collection: dict[str, Any], kind: str | None = None) -> dict[str, Any]:
    """A map FeatureCollection for GIS programs: each feature's ``evidence`` reference (its
    first mention) flattened into the properties as :data:`SOURCE_COLUMNS` (QGIS reads flat
    properties as attribute columns); with ``kind`` ("place" or "event") only the features of
    that kind. Returns a new collection of new features: ``collection`` is left as it was
    (the map's answers are cached and shared between requests, :mod:`newswatch.web.cache`)."""
    features = []
    for feature in collection["features"]:
        props = dict(feature["properties"])
        if kind is not None and props.get("kind") != kind:
            continue
        ev = props.pop("evidence", None) or {}
        props.update({"outlet": ev.get("source"), "url": http_url(ev.get("url")),
                      "article_id": ev.get("article_id"), "revision_id": ev.get("revision_id"),
                      "published": ev.get("published"), "sentence": ev.get("sentence")})
        features.append({**feature, "properties": props})
    return {**collection, "features": features}


def _whole(sentence: str | None) -> str | None:
    return " ".join(sentence.split()) if sentence else sentence


def _source(row: Any) -> dict[str, Any]:
    """The :data:`SOURCE_COLUMNS` of a row of :func:`items_with_article`."""
    return {"outlet": row.source, "url": http_url(row.url), "article_id": row.article_id,
            "revision_id": int(row.revision_id), "published": iso(row.published),
            "sentence": _whole(row.sentence)}


def export_rows(conn: Connection, f: Filters, dataset: str, *, show_rejected: bool = False,
                verifiers: int = 1, tracker_scope: dict[str, str | None] | None = None
                ) -> Iterator[dict[str, Any]]:
    """Rows of one dataset in scope, each a dict with the keys of :data:`EXPORT_COLUMNS`.

    A mention's ``entity_id`` and a quote's ``speaker_entity_id`` are the entity it counts
    under after analysts' merges and splits (:mod:`newswatch.read.merges`); ``entity_edit``
    says which merge or split moved a mention ("merged by ana at …: reason"), empty when none.
    Mentions, figures, places and events carry the analysts' corrections
    (:mod:`newswatch.read.corrections`): the corrected values, and in
    :data:`~newswatch.read.corrections.REVIEW_COLUMNS` whether the row was ``corrected`` (or
    ``rejected``), by whom and when; rejected items are left out unless ``show_rejected``.
    Events and claims carry their ``verification`` status (``verifiers``: different analysts
    needed for "verified").

    ``places`` is one row per place mention, with the place's totals in scope (``mentions``,
    ``articles``) repeated on each; ``claims`` is one row per claim of the claims ledger
    (:func:`newswatch.read.situation.claim_groups`), empty while no claim is stored;
    ``plover`` is one PLOVER event record per event report (:data:`PLOVER_COLUMNS`,
    :func:`_plover_rows`), with the analysts' corrections and the verification status;
    ``tracker`` is the casualty tracker one row per source of each point
    (:func:`.tracker.tracker_export_rows`, scoped further by ``tracker_scope``: ``place``,
    ``entity``, ``side``, ``story``), corrected values in, rejected figures never.

    Raises:
        NotFound: unknown dataset.
        UnknownCountry: the tracker's ``side`` is not a country.
    """
    if dataset not in EXPORT_COLUMNS:
        raise NotFound(f"no export {dataset!r}; choose one of {', '.join(EXPORT_COLUMNS)}")
    columns = EXPORT_COLUMNS[dataset]
    if dataset == "articles":
        for item in article_rows(conn, f, limit=EXPORT_MAX_ROWS)["items"]:
            yield {**{k: item.get(k) for k in columns}, "url": http_url(item.get("url"))}
        return
    if dataset == "tracker":
        yield from tracker_export_rows(conn, f, **(tracker_scope or {}), verifiers=verifiers)
        return
    corrections = ReviewIndex(conn, "correction")
    if dataset == "plover":
        statuses = event_verifications(conn, ReviewIndex(conn, "verification"), verifiers)
        for row in _plover_rows(conn, f):
            status = statuses.get(int(row["event_id"]))
            row["verification"] = status.status if status is not None else "unverified"
            yield from _reviewed(corrections, "event", row, show_rejected)
        return
    if dataset == "claims":  # a claim is read from a figure: the figure's correction holds
        checks = ReviewIndex(conn, "verification")
        for row in _claim_rows(conn, f):
            verified(checks, row, verifiers)
            row.pop("verified_by")
            row.pop("verifiers")
            yield from _reviewed(corrections, "figure", row, show_rejected)
        return
    sc = scope(f)
    kind = {"mentions": "entity", "figures": "figure", "places": "place", "events": "event"}.get(
        dataset)
    if dataset == "places":
        for row in _place_rows(conn, f, sc):
            yield from _reviewed(corrections, "place", row, show_rejected)
        return
    table = {"mentions": t.entity_mention, "quotes": t.quote, "figures": t.figure,
             "events": event_items()}[dataset]
    extra = [table.c[k] for k in columns
             if k in table.c and k not in ("article_id", "revision_id", "start", "end")]
    stmt = items_with_article(table, sc, *extra).order_by(
        t.article.c.published, table.c.revision_id, table.c.start).limit(EXPORT_MAX_ROWS)
    if dataset == "events":
        ec = t.event.c
        if "event_id" not in table.c:  # the first schema's event table: the row is the event
            stmt = stmt.add_columns(table.c.id.label("event_id"))
        stmt = stmt.join(t.event, ec.id == table.c.event_id if "event_id" in table.c
                         else ec.id == table.c.id).add_columns(ec.negated, ec.future,
                                                               ec.hypothetical)
        if "detail" in table.c:  # where the date came from: the report's coding
            stmt = stmt.add_columns(table.c.detail)
    statuses = (event_verifications(conn, ReviewIndex(conn, "verification"), verifiers)
                if dataset == "events" else {})
    edits = EntityEdits(conn)  # the entity a mention or a quote counts under, merges and splits laid over
    # read in batches of EXPORT_FETCH_ROWS (a server-side cursor on PostgreSQL, whose driver
    # otherwise reads a whole result first): a long export's rows are never all in memory
    for item in conn.execute(stmt.execution_options(yield_per=EXPORT_FETCH_ROWS)):
        row = {k: getattr(item, k, None) for k in columns}
        row.update(_source(item))
        if dataset == "mentions":
            machine = int(item.entity_id)
            moved = edits.via(machine, row["article_id"], row["text"])
            row["entity_id"] = edits.resolve(machine, row["article_id"], row["text"])
            row["entity_edit"] = moved.provenance if moved is not None else ""
        elif dataset == "quotes":
            row["speaker_entity_id"] = edits.resolve(row["speaker_entity_id"], row["article_id"],
                                                     row["speaker"])
        if dataset == "events":
            detail = getattr(item, "detail", None) or {}
            row["date_source"] = detail.get("date_source") if row["date"] else None
            status = statuses.get(int(row["event_id"]))
            row["verification"] = status.status if status is not None else "unverified"
        if kind is None:
            yield row
        else:
            yield from _reviewed(corrections, kind, row, show_rejected)


def _reviewed(corrections: ReviewIndex, kind: str, row: dict[str, Any], show_rejected: bool
              ) -> Iterator[dict[str, Any]]:
    """The row with its correction laid over it (none when rejected, unless shown). An
    event's corrected date brings its own precision (:func:`iso_date_precision`) and
    ``date_source`` "corrected"."""
    if kind == "place":  # a place row names its match "key"; a correction "place_key"
        row["place_key"] = row["key"]
    kept = apply(corrections, kind, row)
    if kind == "place":
        row["key"] = row.pop("place_key")
    machine = row.pop("machine", None) or {}
    if kind == "event" and "date" in machine:  # an analyst's date: its own precision
        if "date_precision" in row:
            row["date_precision"] = iso_date_precision(row["date"])
        row["date_source"] = "corrected" if row.get("date") else None
    review = flat_columns(row)
    row.pop("correction", None)
    row.update(review)
    if kept is not None or show_rejected:
        yield row


def _place_rows(conn: Connection, f: Filters, sc: sa.CTE) -> Iterator[dict[str, Any]]:
    p, pm = t.place.c, t.place_mention.c
    stmt = (items_with_article(t.place_mention, sc, p.id.label("place_id"), p.key, p.name,
                               p.country_code, p.lat, p.lon, p.feature_class, p.feature_code,
                               pm.text, pm.kind)
            .join(t.place, p.id == pm.place_id)
            .where(p.resolved.is_(True))
            .order_by(p.key, t.article.c.published, pm.revision_id, pm.start)
            .limit(EXPORT_MAX_ROWS))
    if f.country:
        stmt = stmt.where(p.country_code == f.country)
    rows = conn.execute(stmt).all()
    mentions: dict[int, int] = {}
    articles: dict[int, set[str]] = {}
    for r in rows:
        mentions[r.place_id] = mentions.get(r.place_id, 0) + 1
        articles.setdefault(r.place_id, set()).add(r.article_id)
    for r in rows:
        yield {"key": r.key, "name": r.name, "country_code": r.country_code, "lat": r.lat,
               "lon": r.lon, "feature_class": r.feature_class, "feature_code": r.feature_code,
               "mentions": mentions[r.place_id], "articles": len(articles[r.place_id]),
               "text": r.text, "kind": r.kind, "start": r.start, "end": r.end, "title": r.title,
               **_source(r)}


def _claim_rows(conn: Connection, f: Filters) -> Iterator[dict[str, Any]]:
    if not has_table(conn, st.claim.name):
        return
    groups = claim_groups(conn, scope=scope(f))
    n = 0
    for g in groups:
        for c in g.claims:
            if n >= EXPORT_MAX_ROWS:
                return
            n += 1
            yield {"group_id": g.id, "group_key": g.key, "subject": g.subject,
                   "property": g.property, "unit": c.unit or g.unit, "claim_id": c.id,
                   "value": c.value, "lower": c.lower, "upper": c.upper,
                   "qualifier": c.qualifier, "figure_text": c.figure_text, "as_of": c.as_of,
                   "cited": list(c.cited), "newest": c.newest, "most_cited": c.most_cited,
                   "start": c.start, "end": c.end, "title": c.title, "outlet": c.outlet,
                   "url": http_url(c.url), "article_id": c.article_id,
                   "revision_id": c.revision_id, "published": c.published,
                   "sentence": _whole(c.sentence)}


def _plover_rows(conn: Connection, f: Filters) -> Iterator[dict[str, Any]]:
    """PLOVER event records (:data:`PLOVER_COLUMNS`) of the event reports in scope, oldest
    publication first: a report's own type, mode, parties, place and date (the event's where
    the report has none: a reprint that leaves the date out), the parties' countries and
    sectors and the flags as the report was coded (``event_mention.detail``; the event's
    columns before the situation model), the place resolved to its stored GeoNames record
    (by key, else by name), its country as ISO 3166-1 alpha-3. ``actor_entity_id`` and
    ``recipient_entity_id`` are the entities the parties count under after analysts' merges
    and splits, as in the events list (:class:`newswatch.read.workbench.EventParties`)."""
    from ...stages.events.actors import alpha3

    sc = scope(f)
    items = event_items()
    ev, e = items.c, t.event.c
    mentioned = "event_id" in ev
    event_id = ev.event_id if mentioned else ev.id
    stmt = (items_with_article(items, sc, event_id.label("event_id"), ev.id.label("mention_id"),
                               ev.type, ev.mode, ev.actor, ev.recipient, ev.place, ev.date,
                               ev.confidence, e.place.label("event_place"),
                               e.date.label("event_date"), e.place_key, e.actor_entity_id,
                               e.recipient_entity_id, e.actor_country, e.actor_sector,
                               e.recipient_country, e.recipient_sector, e.date_precision,
                               e.negated, e.future, e.hypothetical)
            .join(t.event, e.id == event_id))
    if mentioned:
        hm = st.happening_member.c
        stmt = stmt.add_columns(ev.detail, hm.happening).outerjoin(
            st.happening_member, hm.mention_id == ev.id)
    rows = conn.execute(stmt.order_by(t.article.c.published, ev.revision_id, ev.start)
                        .limit(EXPORT_MAX_ROWS)).all()
    wanted = {x for r in rows for x in (r.place, r.event_place, r.place_key) if x}
    p = t.place.c
    places: dict[str, Any] = {}
    names = sorted(wanted)
    for chunk in in_chunks(names):
        for stored in conn.execute(sa.select(p.key, p.name, p.geonameid, p.feature_code,
                                             p.country_code, p.lat, p.lon)
                                   .where(sa.or_(p.key.in_(chunk), p.name.in_(chunk)))
                                   .order_by(p.resolved.desc(), p.id)):
            places.setdefault(stored.key, stored)
            places.setdefault(stored.name, stored)
    parties = EventParties(conn, rows)  # the entities as analysts merged and split them
    borrowed = _event_date_sources(conn, {int(r.event_id) for r in rows
                                          if mentioned and not r.date and r.event_date})
    for r in rows:
        detail = (getattr(r, "detail", None) or {}) if mentioned else {}

        def own(name: str, row: Any = r, coded: dict[str, Any] = detail) -> Any:
            # the report's coding, else the event's
            value = coded.get(name)
            return value if value is not None else getattr(row, name)

        place_ref = r.place or r.event_place or r.place_key
        pl = places.get(place_ref or "")
        yield {
            "event_id": int(r.event_id), "mention_id": int(r.mention_id),
            "happening": getattr(r, "happening", None) or f"m{int(r.mention_id)}",
            "type": r.type, "mode": r.mode, "date": r.date or r.event_date,
            "date_precision": own("date_precision"),
            "date_source": (detail.get("date_source") if r.date
                            else borrowed.get(int(r.event_id)) if r.event_date else None),
            "actor": r.actor, "actor_entity_id": parties.resolve(r.actor_entity_id, r.actor),
            "actor_country": own("actor_country"), "actor_sector": own("actor_sector"),
            "recipient": r.recipient,
            "recipient_entity_id": parties.resolve(r.recipient_entity_id, r.recipient),
            "recipient_country": own("recipient_country"),
            "recipient_sector": own("recipient_sector"),
            "place": pl.name if pl is not None else place_ref,
            "geonames_id": pl.geonameid if pl is not None else None,
            "feature_code": pl.feature_code if pl is not None else None,
            "place_country": alpha3(pl.country_code) if pl is not None else None,
            "latitude": pl.lat if pl is not None else None,
            "longitude": pl.lon if pl is not None else None,
            "negated": bool(own("negated")), "future": bool(own("future")),
            "hypothetical": bool(own("hypothetical")), "reported": bool(detail.get("reported")),
            "speaker": detail.get("speaker"), "confidence": r.confidence,
            "start": r.start, "end": r.end, "title": r.title, "language": r.language,
            **_source(r),
        }


def _event_date_sources(conn: Connection, event_ids: set[int]) -> dict[int, str]:
    """Where each event's own date came from ("timex" or "publication"): the coding of its
    first report that has that date (for a report that leaves the date out, a reprint)."""
    if not event_ids:
        return {}
    m, e = st.event_mention.c, t.event.c
    out: dict[int, str] = {}
    ids = sorted(event_ids)
    for chunk in in_chunks(ids):
        for r in conn.execute(sa.select(m.event_id, m.detail).join(t.event, e.id == m.event_id)
                              .where(m.event_id.in_(chunk), m.date == e.date)
                              .order_by(m.event_id, m.id)):
            source = (r.detail or {}).get("date_source")
            if source and int(r.event_id) not in out:
                out[int(r.event_id)] = source
    return out
