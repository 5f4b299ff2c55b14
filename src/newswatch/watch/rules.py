"""Saved rules and their evaluation against stored articles.

A rule (``watch_rule``) is a query (:mod:`newswatch.watch.query`) plus structured filters:

* ``event_type``: a PLOVER event type the article must hold (``event_mention.type``,
  e.g. ``ASSAULT``); ``event_mode``: its PLOVER mode (``aerial``, ``drone``...);
  ``min_confidence``: the coder's confidence in it, ``[0, 1]``. An event the text negates, or
  states as future or hypothetical, never passes an event filter;
* ``country``: ISO 3166-1 alpha-2 of a place the article mentions (``place.country_code``);
* ``near`` ``[lat, lon]`` and ``radius_km``: a geocoded place of the article within the
  radius (great-circle distance, WGS84 degrees, kilometres); with ``radius_by_type``
  (``{TYPE: km}``, a radius that differs per event type) or an event filter, the geofence
  holds the event's own place instead: an event passing the event filters, placed within
  the radius of its type (``radius_km`` for the types not listed);
* ``language``: the article's ISO 639-1 language;
* ``entity``: a name the article mentions, matched by identity (Lavrov = Лавров);
* ``source``: the article's source (outlet);
* ``cooldown_seconds``: after an alert, the rule's matches within this time do not alert;
* ``min_count`` and ``window_seconds``: the *count* trigger (:func:`count_trigger`): alert
  once the window holds that many matching articles, at most once per window;
* ``surge``: the *surge* trigger (:func:`surge_evidence`, :mod:`newswatch.watch.surge`).

:func:`match_revisions` runs a rule over given revisions (the watch loop: the one just
stored) or over everything stored (``rule test``): the query through the full-text index
(SQLite FTS5 ``article_fts`` over title and text; PostgreSQL the stored ``tsvector`` of
``revision_tsv``),
then the filters. :func:`fire` records an alert once per (rule, article): the table's unique
constraint is the deduplication, so a revised article or the same story met again later
does not alert twice; nor does a near-duplicate (a syndicated copy in the same
``article_cluster``) of an article the rule alerted on, nor a match within the rule's
cool-down (``cooldown_seconds``) after its last alert.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import AlreadyExists, BadQuery, NotFound, StorageError
from ..storage import Store
from ..storage import schema as t
from ..storage.engine import write_transaction
from ..storage.reader_schema import FTS_TABLE
from ..storage.watch_schema import watch_alert, watch_delivery, watch_rule, watch_seen
from .query import Node, expand_forms, parse_query, stored_document, term_pattern, to_fts5, to_tsquery
from .sources import utc, utcnow

#: Earth's mean radius, in kilometres (IUGG).
EARTH_RADIUS_KM = 6371.0088
#: Longest evidence sentence kept in an alert, in characters.
EVIDENCE_CHARS = 400
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\s*\n\s*")


@dataclass
class Rule:
    """A saved rule. ``filters`` keys: ``event_type``, ``country``, ``near`` ``[lat, lon]``,
    ``radius_km``, ``language``, ``entity``, ``source``, ``cooldown_seconds`` (each
    optional)."""

    id: int
    name: str
    query: str
    filters: dict[str, Any] = field(default_factory=dict)
    paused: bool = False
    created_at: dt.datetime | None = None

    @property
    def tree(self) -> Node:
        """The parsed query (raises :class:`~newswatch.errors.BadQuery`)."""
        return parse_query(self.query)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: id, name, query, filters, paused, created_at (ISO 8601)."""
        return {"id": self.id, "name": self.name, "query": self.query, "filters": self.filters,
                "paused": self.paused,
                "created_at": self.created_at.isoformat() if self.created_at else None}


def check_filters(event_type: str | None = None, country: str | None = None,
                  near: str | None = None, radius_km: float | None = None,
                  language: str | None = None, cooldown: str | None = None,
                  entity: str | None = None, source: str | None = None,
                  min_count: int | None = None, window: str | None = None,
                  surge: bool = False, claim_revised: bool = False, *,
                  event_mode: str | None = None, min_confidence: float | None = None,
                  radius_for: list[str] | None = None) -> dict[str, Any]:
    """Validate and normalise rule filters from their CLI spelling.

    Args:
        event_mode: a PLOVER mode the event must have (``aerial``, ``drone``...).
        min_confidence: the lowest confidence of a passing event, in ``[0, 1]``.
        radius_for: per-type geofence radii as ``TYPE=KM`` (``ASSAULT=50``); needs ``near``
            (stored as ``radius_by_type``).
        near: ``"LAT,LON"`` in WGS84 degrees; needs ``radius_km`` (> 0, at most 20,000).
        cooldown: the rule's cool-down (``30m``, ``2h``...): after an alert, matches within it
            do not alert (stored as ``cooldown_seconds``).
        entity: a name the article must mention, matched by identity (``Lavrov`` finds
            ``Лавров``; see :func:`_entity_passes`).
        source: the article's source (outlet name), compared case-insensitively.
        min_count, window: the *count* trigger: alert when at least ``min_count`` (2..10,000)
            matching articles arrived within ``window`` (``6h``, ``1d``...), at most once per
            window.
        surge: the *surge* trigger (:mod:`newswatch.watch.surge`): alert when a region's
            violent events of the last week reach twice its weekly mean of the four weeks
            before (with ``country``: that region only); such a rule needs no query.
        claim_revised: the *claim revised* trigger (:func:`claim_revisions`): alert when a new
            article gives a tracked figure a value other than earlier reports (with
            ``entity``: only figures about that subject); such a rule needs no query.

    Returns:
        The ``filters`` dict (absent filters left out).

    Raises:
        BadQuery: a malformed filter (the message names it).
        UnknownCountry: ``country`` is not an ISO 3166-1 code or name.
    """
    out: dict[str, Any] = {}
    if event_type:
        if not re.fullmatch(r"[A-Za-z_]{2,32}", event_type):
            raise BadQuery(f"--event-type {event_type!r} is not a PLOVER event type name")
        out["event_type"] = event_type.upper()
    if event_mode:
        if not re.fullmatch(r"[a-z][a-z_-]{1,31}", event_mode.strip().lower()):
            raise BadQuery(f"--event-mode {event_mode!r} is not a PLOVER mode name")
        out["event_mode"] = event_mode.strip().lower()
    if min_confidence is not None:
        if not 0 <= min_confidence <= 1:
            raise BadQuery("--min-confidence must be between 0 and 1")
        out["min_confidence"] = float(min_confidence)
    if radius_for:
        by_type: dict[str, float] = {}
        for item in radius_for:
            for part in (x.strip() for x in item.split(",")):
                if not part:
                    continue
                kind, _, km = part.partition("=")
                try:
                    value = float(km)
                except ValueError:
                    raise BadQuery(f"--radius-for {part!r} is not TYPE=KM") from None
                if not re.fullmatch(r"[A-Za-z_]{2,32}", kind.strip()) or not 0 < value <= 20000:
                    raise BadQuery(f"--radius-for {part!r} is not TYPE=KM (0 < KM <= 20000)")
                by_type[kind.strip().upper()] = value
        if by_type:
            if near is None:
                raise BadQuery("--radius-for needs --near (and --radius-km for the other types)")
            out["radius_by_type"] = by_type
    if country:
        from ..read.scope import lookup_country

        out["country"] = lookup_country(country, "--country").alpha_2
    if near is not None or radius_km is not None:
        if near is None or (radius_km is None and not out.get("radius_by_type")):
            raise BadQuery("--near and --radius-km (or --radius-for) go together")
        try:
            lat_s, lon_s = near.split(",")
            lat, lon = float(lat_s), float(lon_s)
        except ValueError:
            raise BadQuery(f"--near {near!r} is not LAT,LON in degrees") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise BadQuery(f"--near {near!r} is outside -90..90, -180..180")
        if radius_km is not None and not 0 < radius_km <= 20000:
            raise BadQuery("--radius-km must be above 0 and at most 20000")
        out["near"] = [lat, lon]
        if radius_km is not None:
            out["radius_km"] = float(radius_km)
    if language:
        if not re.fullmatch(r"[a-z]{2}", language.strip().lower()):
            raise BadQuery(f"--language {language!r} is not an ISO 639-1 code")
        out["language"] = language.strip().lower()
    if entity is not None:
        if not re.search(r"\w", entity):
            raise BadQuery("--entity is empty")
        out["entity"] = " ".join(entity.split())
    if source is not None:
        if not source.strip():
            raise BadQuery("--source is empty")
        out["source"] = " ".join(source.split())
    events = bool(event_mode or min_confidence is not None or out.get("radius_by_type"))
    if claim_revised:
        if surge or min_count is not None or near is not None or event_type or country or events:
            raise BadQuery("--claim-revised takes no other filter than --entity, --source, "
                           "--language (and --cooldown)")
        out["claim_revised"] = True
    if surge:
        if (min_count is not None or near is not None or event_type or entity or source or language
                or events):
            raise BadQuery("--surge takes no other filter than --country (and --cooldown)")
        out["surge"] = True
    if (min_count is None) != (window is None):
        raise BadQuery("--min-count and --window go together")
    if min_count is not None and window is not None:
        from .urls import parse_every

        if not 2 <= min_count <= 10000:
            raise BadQuery("--min-count must be between 2 and 10000")
        try:
            out["window_seconds"] = parse_every(window)
        except ValueError as exc:
            raise BadQuery(f"--window: {exc}") from None
        out["min_count"] = int(min_count)
    if cooldown:
        from .urls import parse_every

        try:
            out["cooldown_seconds"] = parse_every(cooldown)
        except ValueError as exc:
            raise BadQuery(f"--cooldown: {exc}") from None
    return out


def _rule(row: Any) -> Rule:
    return Rule(row.id, row.name, row.query, dict(row.filters or {}), bool(row.paused),
                utc(row.created_at))


def add_rule(store: Store, name: str, query: str, filters: dict[str, Any],
             now: dt.datetime | None = None) -> Rule:
    """Save a rule after checking its query.

    Raises:
        BadQuery: the query cannot be used (nothing saved).
        AlreadyExists: a rule has this name.
    """
    name = name.strip()
    if not name:
        raise BadQuery("a rule needs a name")
    if filters.get("surge") or filters.get("claim_revised"):
        query = query.strip()  # these triggers read events or claims; a query is not used
    else:
        parse_query(query)
    with write_transaction(store.engine) as conn:
        if conn.execute(sa.select(watch_rule.c.id).where(watch_rule.c.name == name)).first():
            raise AlreadyExists("a rule has this name", subject=name)
        conn.execute(sa.insert(watch_rule).values(name=name, query=query, filters=filters,
                                                  paused=False, created_at=now or utcnow()))
        return _rule(conn.execute(sa.select(watch_rule).where(watch_rule.c.name == name)).one())


def list_rules(store: Store, *, active_only: bool = False) -> list[Rule]:
    """Saved rules by id (``active_only``: not paused)."""
    q = sa.select(watch_rule).order_by(watch_rule.c.id)
    if active_only:
        q = q.where(watch_rule.c.paused == sa.false())
    with store.read() as conn:
        return [_rule(r) for r in conn.execute(q)]


def find_rule(store: Store, key: str) -> Rule:
    """The rule whose name (or id) is ``key``.

    Raises:
        NotFound: none.
    """
    cond = [watch_rule.c.name == key]
    if key.isdigit():
        cond.append(watch_rule.c.id == int(key))
    with store.read() as conn:
        row = conn.execute(sa.select(watch_rule).where(sa.or_(*cond))).first()
    if row is None:
        raise NotFound("no rule has this name or id (see `newswatch rule list`)", subject=key)
    return _rule(row)


def remove_rule(store: Store, key: str) -> Rule:
    """Delete a rule and its alerts.

    Raises:
        NotFound: no such rule.
    """
    rule = find_rule(store, key)
    alerts = sa.select(watch_alert.c.id).where(watch_alert.c.rule_id == rule.id)
    with write_transaction(store.engine) as conn:
        conn.execute(sa.delete(watch_delivery).where(watch_delivery.c.alert_id.in_(alerts)))
        conn.execute(sa.delete(watch_alert).where(watch_alert.c.rule_id == rule.id))
        conn.execute(sa.delete(watch_rule).where(watch_rule.c.id == rule.id))
    return rule


def _text_matches(conn: Connection, tree: Node, revision_ids: list[int] | None,
                  limit: int) -> list[int]:
    """Revision ids whose title or text match the query (newest first)."""
    r = t.revision
    if conn.dialect.name == "sqlite":
        has_fts = conn.execute(sa.text(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name=:n"), {"n": FTS_TABLE}).first()
        if not has_fts:
            raise StorageError("this SQLite build has no FTS5 full-text index "
                               f"({FTS_TABLE}); rules cannot be evaluated")
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q"
        params: dict[str, Any] = {"q": to_fts5(tree)}
        if revision_ids is not None:
            sql += " AND rowid IN (" + ", ".join(str(int(i)) for i in revision_ids) + ")"
        sql += " ORDER BY rowid DESC LIMIT :n"
        params["n"] = limit
        return [int(x) for x in conn.execute(sa.text(sql), params).scalars()]
    a = t.article
    doc, stored = stored_document(conn, a.c.title, r.c.text)
    q = (sa.select(r.c.id).join(stored, stored.c.revision_id == r.c.id) if stored is not None
         else sa.select(r.c.id).join(a, a.c.id == r.c.article_id))
    q = (q.where(doc.bool_op("@@")(sa.func.to_tsquery("simple", to_tsquery(tree))))
         .order_by(r.c.id.desc()).limit(limit))
    if revision_ids is not None:
        q = q.where(r.c.id.in_(revision_ids))
    return [int(x) for x in conn.execute(q).scalars()]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two WGS84 points given in degrees, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _entity_passes(conn: Connection, name: str, revision_id: int) -> str | None:
    """The canonical name of an entity of the revision that is ``name`` by identity, or None.

    An entity matches when it, or any member of the identity it is merged into
    (``entity.identity_id``), has the same transliterated name skeleton as ``name``
    (``name_key`` for a first and last name, ``surname_key`` for one word: "Лавров" =
    "Lavrov"), or a canonical name or per-language label equal to it once folded. Entities
    analysts merged with a mentioned one count as mentioned (:mod:`newswatch.read.merges`).
    """
    from ..read.merges import EntityEdits
    from ..situation.identity import folded_label, name_keys

    nk, sk = name_keys(name)
    folded = folded_label(name)
    e, em = t.entity.c, t.entity_mention.c
    mentioned: Any = sa.select(em.entity_id).where(em.revision_id == revision_id)
    edits = EntityEdits(conn)
    if edits:  # analysts' merges: the entities merged with a mentioned one count too
        mentioned = sorted(edits.expand(conn.scalars(mentioned)))
    roots = sa.select(sa.func.coalesce(e.identity_id, e.id)).where(e.id.in_(mentioned))
    rows = conn.execute(sa.select(e.canonical, e.labels, e.name_key, e.surname_key).where(
        sa.or_(e.id.in_(mentioned), e.id.in_(roots), e.identity_id.in_(roots)))).all()
    for row in rows:
        labels = [row.canonical, *dict(row.labels or {}).values()]
        if ((nk and row.name_key == nk) or (not nk and sk and row.surname_key == sk)
                or any(folded_label(str(x)) == folded for x in labels if x)):
            return str(row.canonical)
    return None


def _filters_pass(conn: Connection, rule: Rule, revision_id: int, language: str | None,
                  source: str | None = None) -> dict[str, Any] | None:
    """None when a filter fails; else what the filters found (entity, place, distance)."""
    f = rule.filters
    found: dict[str, Any] = {}
    if f.get("language") and language != f["language"]:
        return None
    if f.get("source") and (source or "").casefold() != f["source"].casefold():
        return None
    if f.get("entity"):
        who = _entity_passes(conn, f["entity"], revision_id)
        if who is None:
            return None
        found["entity"] = who
    by_event = bool(f.get("event_type") or f.get("event_mode") or f.get("min_confidence") is not None
                    or f.get("radius_by_type"))
    if by_event:
        hit = _event_passes(conn, f, revision_id)
        if hit is None:
            return None
        found.update(hit)
    if f.get("country") or (f.get("near") and not by_event):
        pm, p = t.place_mention, t.place
        rows = conn.execute(sa.select(p.c.name, p.c.lat, p.c.lon, p.c.country_code, pm.c.kind)
                            .join(pm, pm.c.place_id == p.c.id)
                            .where(pm.c.revision_id == revision_id).distinct()).all()
        if f.get("country"):
            rows = [x for x in rows if x.country_code == f["country"]]
            if not rows:
                return None
            found["place"] = rows[0].name
        if f.get("near"):
            lat, lon = f["near"]
            # a geofence holds the places the article names, not "Russian diplomats"
            near = sorted((haversine_km(lat, lon, x.lat, x.lon), x.name) for x in rows
                          if x.lat is not None and x.lon is not None and x.kind == "name")
            if not near or near[0][0] > float(f["radius_km"]):
                return None
            found["place"], found["distance_km"] = near[0][1], round(near[0][0], 1)
    return found


def _event_passes(conn: Connection, f: dict[str, Any], revision_id: int) -> dict[str, Any] | None:
    """The first event of the revision that passes the rule's event filters (type, mode,
    confidence, and with ``near`` the geofence of its type around its own place), as what the
    filters found (``event_type``, ``event_mode``, and ``place``, ``distance_km`` with a
    geofence); None when no event passes. Negated, future and hypothetical events never pass."""
    em, ev, pl = t.situation_schema.event_mention, t.event, t.place
    stmt = (sa.select(em.c.type, em.c.mode, em.c.confidence, pl.c.name, pl.c.lat, pl.c.lon)
            .join(ev, ev.c.id == em.c.event_id)
            .outerjoin(pl, pl.c.key == ev.c.place_key)
            .where(em.c.revision_id == revision_id, ev.c.negated.is_(sa.false()),
                   ev.c.future.is_(sa.false()), ev.c.hypothetical.is_(sa.false()))
            .order_by(em.c.start))
    if f.get("event_type"):
        stmt = stmt.where(em.c.type == f["event_type"])
    if f.get("event_mode"):
        stmt = stmt.where(em.c.mode == f["event_mode"])
    if f.get("min_confidence") is not None:
        stmt = stmt.where(em.c.confidence >= float(f["min_confidence"]))
    for row in conn.execute(stmt):
        hit: dict[str, Any] = {"event_type": row.type}
        if row.mode:
            hit["event_mode"] = row.mode
        if f.get("near"):
            radius = (f.get("radius_by_type") or {}).get(row.type, f.get("radius_km"))
            if radius is None or row.lat is None or row.lon is None:
                continue  # a type with no radius, or an event with no place, is outside
            lat, lon = f["near"]
            distance = haversine_km(lat, lon, row.lat, row.lon)
            if distance > float(radius):
                continue
            hit["place"], hit["distance_km"] = row.name, round(distance, 1)
        return hit
    return None


def _sentence(text: str, spans: Any, tree: Node) -> str | None:
    pattern = term_pattern(tree)
    if pattern is None:
        return None
    bounds = [(int(s[0]), int(s[1])) for s in (spans or []) if len(s) >= 2]
    if not bounds:
        bounds, at = [], 0
        for part in _SENTENCE_END.split(text):
            start = text.find(part, at)
            bounds.append((start, start + len(part)))
            at = start + len(part)
    for start, end in bounds:
        sentence = text[start:end]
        if pattern.search(sentence):
            return " ".join(sentence.split())[:EVIDENCE_CHARS]
    return None


def match_revisions(conn: Connection, rule: Rule, revision_ids: list[int] | None = None,
                    limit: int = 1000) -> list[dict[str, Any]]:
    """What ``rule`` matches among ``revision_ids`` (None: every stored revision, newest
    first, at most ``limit`` text matches looked at).

    Returns:
        One evidence dict per matching revision: ``rule``, ``article_id``, ``revision_id``,
        ``title``, ``url``, ``source``, ``published`` (ISO date), ``language``, ``sentence``
        (the first sentence holding a positive query term) and what the filters found
        (``event_type``, ``place``, ``distance_km``).

    Raises:
        BadQuery: the stored query no longer parses.
        StorageError: no full-text index (SQLite built without FTS5).
    """
    tree = expand_forms(rule.tree)
    if revision_ids is not None and not revision_ids:
        return []
    ids = _text_matches(conn, tree, revision_ids, limit)
    if not ids:
        return []
    a, r, s = t.article, t.revision, t.source
    rows = conn.execute(
        sa.select(r.c.id, r.c.article_id, r.c.text, r.c.sentences, a.c.title, a.c.url,
                  a.c.published, a.c.language, s.c.name.label("source"))
        .join(a, a.c.id == r.c.article_id).outerjoin(s, s.c.id == a.c.source_id)
        .where(r.c.id.in_(ids)).order_by(r.c.id.desc())).all()
    out, seen_articles = [], set()
    for row in rows:
        if row.article_id in seen_articles:  # an older revision of an article already listed
            continue
        found = _filters_pass(conn, rule, row.id, row.language, row.source)
        if found is None:
            continue
        seen_articles.add(row.article_id)
        out.append({"rule": rule.name, "rule_id": rule.id, "article_id": row.article_id,
                    "revision_id": row.id, "title": row.title, "url": row.url,
                    "source": row.source,
                    "published": row.published.isoformat() if row.published else None,
                    "language": row.language,
                    "sentence": _sentence(row.text, row.sentences, tree), **found})
    return out


def count_trigger(conn: Connection, rule: Rule, evidence: dict[str, Any],
                  since: dt.datetime) -> list[dict[str, Any]]:
    """The *count* trigger: ``rule`` fires when at least ``min_count`` articles the watch loop
    first saw since ``since`` (``watch_seen.first_seen``, the loop's clock) match it.

    Args:
        evidence: the match just found (the article that may complete the count).

    Returns:
        ``[evidence]`` with ``count``, ``window_seconds`` and ``articles`` (the matching article
        ids, newest first, at most 50) added when the count is reached; else ``[]``.
    """
    r, seen = t.revision.c, watch_seen.c
    latest = conn.execute(sa.select(sa.func.max(r.id)).join(
        watch_seen, seen.article_id == r.article_id).where(seen.first_seen >= since)
        .group_by(r.article_id)).scalars().all()
    window = match_revisions(conn, rule, [int(x) for x in latest])
    ids = [m["article_id"] for m in window]
    if evidence["article_id"] not in ids:
        ids.insert(0, evidence["article_id"])
    if len(ids) < int(rule.filters["min_count"]):
        return []
    return [{**evidence, "count": len(ids), "articles": ids[:50],
             "window_seconds": rule.filters["window_seconds"]}]


def claim_revisions(conn: Connection, rule: Rule, revision_id: int) -> list[dict[str, Any]]:
    """The *claim revised* trigger on one stored revision: its claims whose group (the same
    subject, property and unit across articles: ``claim_group``) already holds a claim of
    another article with another value.

    Returns:
        ``[evidence]`` for the revision (one alert per article), or ``[]``: the claim's sentence,
        ``subject``, ``property``, ``unit``, ``value`` and ``figure``, the earlier report it
        revises (``previous``: value, figure, article id, outlet, as-of date) and how many
        claims of the revision revise one (``revised_claims``). The rule's ``entity``,
        ``source`` and ``language`` filters apply.
    """
    c, r, a = t.situation_schema.claim.c, t.revision.c, t.article.c
    mine = conn.execute(sa.select(c.id, c.group_id, c.value, c.figure_text, c.subject, c.property,
                                  c.unit, c.sentence_start, c.sentence_end)
                        .where(c.revision_id == revision_id).order_by(c.start)).all()
    if not mine:
        return []
    head = conn.execute(sa.select(r.article_id, r.text, a.title, a.url, a.published, a.language,
                                  t.source.c.name.label("source"))
                        .join(t.article, a.id == r.article_id)
                        .outerjoin(t.source, t.source.c.id == a.source_id)
                        .where(r.id == revision_id)).one()
    found = _filters_pass(conn, rule, revision_id, head.language, head.source)
    if found is None:
        return []
    revised = []
    for claim in mine:
        if rule.filters.get("entity"):
            from ..situation.identity import folded_label, name_keys

            want, got = name_keys(rule.filters["entity"]), name_keys(claim.subject or "")
            if not ((want[0] and want[0] == got[0]) or (want[1] and want[1] == got[1])
                    or folded_label(claim.subject or "") == folded_label(rule.filters["entity"])):
                continue
        earlier = conn.execute(
            sa.select(c.value, c.figure_text, c.outlet, c.as_of, r.article_id)
            .join(t.revision, r.id == c.revision_id)
            .where(c.group_id == claim.group_id, r.article_id != head.article_id,
                   c.revision_id < revision_id)
            .order_by(c.revision_id.desc())).all()
        if earlier and earlier[0].value != claim.value:  # the latest earlier report differs
            revised.append((claim, earlier[0]))
    if not revised:
        return []
    claim, prev = revised[0]
    sentence = " ".join(head.text[claim.sentence_start:claim.sentence_end].split())
    return [{"rule": rule.name, "rule_id": rule.id, "trigger": "claim-revised",
             "article_id": head.article_id, "revision_id": revision_id, "title": head.title,
             "url": head.url, "source": head.source, "language": head.language,
             "published": head.published.isoformat() if head.published else None,
             "sentence": sentence[:EVIDENCE_CHARS], "subject": claim.subject,
             "property": claim.property, "unit": claim.unit, "value": claim.value,
             "figure": claim.figure_text, "revised_claims": len(revised),
             "previous": {"value": prev.value, "figure": prev.figure_text,
                          "article_id": prev.article_id, "outlet": prev.outlet,
                          "as_of": prev.as_of}, **found}]


def revisions_with_claims(conn: Connection, limit: int = 5000) -> list[int]:
    """Ids of the latest revisions holding claims, newest first (for ``rule test``)."""
    c, r = t.situation_schema.claim.c, t.revision.c
    latest = sa.select(sa.func.max(r.id)).group_by(r.article_id)
    return [int(x) for x in conn.execute(
        sa.select(c.revision_id).where(c.revision_id.in_(latest)).distinct()
        .order_by(c.revision_id.desc()).limit(limit)).scalars()]


def surge_evidence(conn: Connection, rule: Rule, today: dt.date,
                   since: dt.datetime) -> list[dict[str, Any]]:
    """The surges (:func:`newswatch.watch.surge.surges`) a surge rule has not alerted on since
    ``since`` (one alert per region and week), as alert evidence: the newest report of the
    surge's events as the article, the counts, and a sentence saying what surged."""
    from .surge import surges

    recent = {(dict(r.evidence) or {}).get("region") for r in conn.execute(
        sa.select(watch_alert.c.evidence).where(watch_alert.c.rule_id == rule.id,
                                                watch_alert.c.created_at >= since))}
    out = []
    for s in surges(conn, today, rule.filters.get("country")):
        if s["region"] in recent:
            continue
        a = t.article.c
        art = conn.execute(sa.select(a.title, a.url, a.published, a.language)
                           .where(a.id == s["article_id"])).one()
        sentence = (f"{s['last_week']} violent events in {s['region']} in the 7 days to "
                    f"{today.isoformat()}: {s['ratio']} times the weekly mean of "
                    f"{s['weekly_mean']:g} over the 4 weeks before")
        out.append({"rule": rule.name, "rule_id": rule.id, "trigger": "surge",
                    "article_id": s["article_id"], "revision_id": s["revision_id"],
                    "title": art.title, "url": art.url, "language": art.language,
                    "published": art.published.isoformat() if art.published else None,
                    "source": None, "sentence": sentence, "region": s["region"],
                    "last_week": s["last_week"], "weekly_mean": s["weekly_mean"],
                    "ratio": s["ratio"], "event_ids": s["event_ids"][:50]})
    return out


def _suppressed(conn: Connection, rule_id: int, revision_id: int, cooldown_seconds: float,
                when: dt.datetime) -> bool:
    """Whether the rule already alerted on a near-duplicate of this revision (a member of its
    cluster, ``article_cluster_member``), or alerted less than ``cooldown_seconds`` ago."""
    a = watch_alert.c
    m = t.situation_schema.article_cluster_member.c
    cluster = conn.scalar(sa.select(m.cluster_id).where(m.revision_id == revision_id))
    if cluster is not None:
        copies = sa.select(m.article_id).where(m.cluster_id == cluster)
        if conn.execute(sa.select(a.id).where(a.rule_id == rule_id, a.article_id.in_(copies))
                        .limit(1)).first() is not None:
            return True
    if cooldown_seconds > 0:
        last = utc(conn.scalar(sa.select(sa.func.max(a.created_at)).where(a.rule_id == rule_id)))
        if last is not None and (when - last).total_seconds() < cooldown_seconds:
            return True
    return False


def insert_ignoring_conflicts(conn: Connection, table: sa.Table) -> Any:
    """An ``INSERT ... ON CONFLICT DO NOTHING`` into ``table`` for the connection's dialect
    (SQLite or PostgreSQL); its result's ``rowcount`` is 0 when the row existed."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()


def fire(store: Store, evidence: dict[str, Any], now: dt.datetime | None = None,
         cooldown_seconds: float = 0) -> dict[str, Any] | None:
    """Record an alert for one match, unless it repeats one: this rule already alerted on this
    article or on a near-duplicate of it (a syndicated copy in the same cluster), or alerted
    less than ``cooldown_seconds`` ago (the rule's cool-down).

    Returns:
        The alert (``evidence`` plus ``alert_id`` and ``created_at``), or None when it was a
        repeat or fell in the cool-down.
    """
    when = now or utcnow()
    row = {"rule_id": evidence["rule_id"], "article_id": evidence["article_id"],
           "revision_id": evidence["revision_id"], "created_at": when, "evidence": evidence}
    with write_transaction(store.engine) as conn:
        if _suppressed(conn, row["rule_id"], row["revision_id"], cooldown_seconds, when):
            return None
        result = conn.execute(insert_ignoring_conflicts(conn, watch_alert).values(**row))
        if not result.rowcount:
            return None
        alert_id = conn.execute(sa.select(watch_alert.c.id).where(
            watch_alert.c.rule_id == row["rule_id"],
            watch_alert.c.article_id == row["article_id"])).scalar_one()
    return {**evidence, "alert_id": int(alert_id), "created_at": when.isoformat()}


def recent_alerts(store: Store, limit: int = 100) -> list[dict[str, Any]]:
    """The latest alerts, newest first, as :func:`fire` returned them."""
    with store.read() as conn:
        rows = conn.execute(sa.select(watch_alert).order_by(watch_alert.c.id.desc())
                            .limit(limit)).all()
    return [{**dict(r.evidence), "alert_id": int(r.id),
             "created_at": (utc(r.created_at) or utcnow()).isoformat()} for r in rows]


def set_rule_paused(store: Store, key: str, paused: bool) -> Rule:
    """Pause a rule (the watch loop no longer evaluates it) or resume it.

    Args:
        key: the rule's name or id.

    Raises:
        NotFound: no such rule.
    """
    rule = find_rule(store, key)
    with write_transaction(store.engine) as conn:
        conn.execute(sa.update(watch_rule).where(watch_rule.c.id == rule.id)
                     .values(paused=paused))
    rule.paused = paused
    return rule


def try_rule(conn: Connection, rule: Rule, limit: int = 20,
              now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """What ``rule`` would have fired on what is stored, nothing recorded (``newswatch rule
    test`` and the dashboard's rule test): for a surge rule the regions surging now, for a
    claim-revised rule the stored articles revising a tracked figure, else the latest stored
    articles the query and filters match.

    Returns:
        At most ``limit`` evidence dicts, as :func:`match_revisions` (or
        :func:`surge_evidence`, :func:`claim_revisions`) build them.

    Raises:
        BadQuery: the query does not parse.
        StorageError: no full-text index.
    """
    if rule.filters.get("surge"):
        when = now or utcnow()
        return surge_evidence(conn, rule, when.date(), when)[:limit]
    if rule.filters.get("claim_revised"):
        matches: list[dict[str, Any]] = []
        for rid in revisions_with_claims(conn):
            matches += claim_revisions(conn, rule, rid)
            if len(matches) >= limit:
                break
        return matches[:limit]
    return match_revisions(conn, rule, None, limit=max(limit * 5, 100))[:limit]


def update_rule(store: Store, key: str, name: str, query: str, filters: dict[str, Any]) -> Rule:
    """Change a saved rule's name, query and filters (checked as :func:`add_rule` checks
    them); its alerts stay, so articles it already alerted on do not alert again.

    Raises:
        NotFound: no rule has this name or id.
        BadQuery: the query cannot be used, or the name is empty (nothing changed).
        AlreadyExists: another rule has the new name.
    """
    rule = find_rule(store, key)
    name = name.strip()
    if not name:
        raise BadQuery("a rule needs a name")
    if filters.get("surge") or filters.get("claim_revised"):
        query = query.strip()
    else:
        parse_query(query)
    with write_transaction(store.engine) as conn:
        if conn.execute(sa.select(watch_rule.c.id).where(watch_rule.c.name == name,
                                                         watch_rule.c.id != rule.id)).first():
            raise AlreadyExists("a rule has this name", subject=name)
        conn.execute(sa.update(watch_rule).where(watch_rule.c.id == rule.id)
                     .values(name=name, query=query, filters=filters))
    return Rule(rule.id, name, query, filters, rule.paused, rule.created_at)
