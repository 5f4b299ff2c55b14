"""The threads pass: happenings and story threads over everything stored (tables of migration 0008).

:func:`rebuild_threads` reads the latest revision of every article (``agg_latest``), turns its
event mentions into :class:`~newswatch.situation.happenings.Report` values and the article into
a :class:`~newswatch.situation.stories.Sketch`, groups them by the rules of
:mod:`newswatch.situation.happenings` and :mod:`newswatch.situation.stories`, and replaces the
rows of ``happening_member``, ``story`` and ``story_member`` in one transaction.

It is a pass of its own, run after the articles are saved (``newswatch ingest`` and
``newswatch load`` at their end, the watch loop after each pass; :meth:`Store.rebuild_threads
<newswatch.storage.store.Store.rebuild_threads>`), not inside each save: both groupings read
the whole collection (story weights are rarities over all articles), so they depend only on
what is stored, never on the order articles came in or how a batch was split. Re-running it
writes the same rows (idempotent).

A report's *spot* (:class:`~newswatch.situation.happenings.Spot`) is read here: the event's own
place when it is a facility or a populated place, else the one locality among the place
mentions of its sentence, else among those within ``PASSAGE_CHARS`` of it (mentions inside the
event's actors left out), from ``place_mention``.

Cost: one read of the latest revisions' event mentions, entity mentions, places and place
mentions, then
the grouping in Python (per PLOVER type, per week). Measured by ``benchmarks/bench_threads.py``
on 612 corpus articles (1,270 event reports; the Afghanistan RSS items, the Kremlin and White
House texts) on the 2-core workstation: 0.79 s for the pass, 5.5 % of the 14.3 s their saves
took; the story grouping is most of it (0.67 s) and grows about linearly (2.2x from half the
articles to all). Reading the place mentions for the spots (issue 9) added about 10 % to the
pass on 129 corpus articles (median of 5: 0.22 -> 0.24 s).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..countries import alpha3
from ..situation import happenings as hp
from ..situation import stories as sto
from ..text import fold
from . import aggregate_schema as ag
from . import schema as t
from . import situation_schema as st
from .engine import advisory_lock, execute_many, insert_statement

#: Entity labels that make an article's identities for stories (OntoNotes).
STORY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"})
#: Entity labels whose entity stands for a country as a party (a bare country in the rule).
COUNTRY_LABELS = frozenset({"GPE", "NORP"})
#: Entity labels of a facility or a named area: as a target of an attack, a place, not a party.
PLACE_LABELS = frozenset({"FAC", "LOC"})
#: GeoNames feature classes fine enough to be a happening's spot: S (spot, building, airport)
#: and P (populated place). Countries and regions (A), areas (L) are too coarse.
SPOT_CLASSES = frozenset({"S", "P"})
_WORD = re.compile(r"\w{4,}")

__all__ = ["rebuild_threads"]


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _party(p: dict[str, Any], entities: dict[str, tuple[int, str]]) -> hp.Party:
    country, sector = p.get("country"), p.get("sector")
    if p.get("how") == "unknown":
        return hp.Party("unknown")
    key = p.get("entity_key")
    if key and key in entities:
        root, label = entities[key]
        if label in COUNTRY_LABELS and country:
            return hp.Party(f"c:{country}", country)
        return hp.Party(f"e{root}", country, weak=label in PLACE_LABELS, sector=sector)
    if p.get("how") in ("demonym", "metonymy") and country:
        return hp.Party(f"c:{country}", country, described=p.get("how") == "demonym")
    return hp.Party(fold(str(p.get("canonical") or p.get("text") or "")), country,
                    weak=p.get("how") == "phrase" and not country, described=p.get("how") == "phrase",
                    sector=sector)


def _one_locality(cands: list[tuple[int, int, Any]], source: str) -> hp.Spot | None:
    """The spot of a scope (sentence or article) when its fine places are one locality.

    ``cands`` are ``(start, end, place row)`` of the scope's place mentions of classes
    :data:`SPOT_CLASSES`; ``source`` names the scope (:class:`~newswatch.situation.happenings.Spot`).
    Returns the most specific one (class S before P, then the first in the text) when every
    other lies within :data:`~newswatch.situation.happenings.RADIUS_KM` of it
    (:func:`~newswatch.situation.happenings.near`), else None (two localities: which one the
    event is at is not known).
    """
    fine = [pl for _, _, pl in sorted(cands, key=lambda c: (c[2].feature_class != "S", c[0]))
            if pl.lat is not None and pl.lon is not None]
    if not fine:
        return None
    first = fine[0]
    if all(hp.near(first.key, first.lat, first.lon, pl.key, pl.lat, pl.lon) for pl in fine[1:]):
        return hp.Spot(first.key, first.lat, first.lon, source)
    return None


def _spot(place: Any, start: int, detail: dict[str, Any], sentence: list[tuple[int, int, Any]],
          article: list[tuple[int, int, Any]]) -> hp.Spot | None:
    """A report's spot (see :class:`newswatch.situation.happenings.Spot`): its own place when it is
    a facility or a populated place, else the one locality of its sentence, else the one locality
    named within :data:`~newswatch.situation.happenings.PASSAGE_CHARS` of ``start`` in the
    article; mentions inside the actors' phrases are left out ("Kabul" in "Kabul said" is the
    government). A report placed only as a country or region gets no finer spot."""
    if place is not None:
        if place.feature_class in SPOT_CLASSES and place.lat is not None and place.lon is not None:
            return hp.Spot(place.key, place.lat, place.lon, "event")
        return None
    actors = [(int(p.get("start") or 0), int(p.get("end") or 0)) for p in detail.get("actors") or ()]
    for source, scope in (("sentence", sentence), ("passage", article)):
        mine = [c for c in scope if not any(a0 <= c[0] < a1 for a0, a1 in actors)
                and (source == "sentence" or abs(c[0] - start) <= hp.PASSAGE_CHARS)]
        if mine:
            return _one_locality(mine, source)
    return None


def _reports(conn: Connection, entities: dict[str, tuple[int, str]]
             ) -> tuple[list[hp.Report], dict[str, int]]:
    m, a, lt = st.event_mention.c, t.article.c, ag.agg_latest.c
    pc, pm = t.place.c, t.place_mention.c
    places = {r.key: r for r in conn.execute(
        sa.select(pc.key, pc.lat, pc.lon, pc.country_code, pc.feature_class))}
    # the fine place mentions of every latest revision, by sentence: the spots of point 4
    by_sentence: dict[tuple[str, int], list[tuple[int, int, Any]]] = defaultdict(list)
    by_article: dict[str, list[tuple[int, int, Any]]] = defaultdict(list)
    for art, ss, start, end, key in conn.execute(
            sa.select(lt.article_id, pm.sentence_start, pm.start, pm.end, pm.place_key)
            .join(t.place_mention, pm.revision_id == lt.revision_id)
            .where(pm.place_key.is_not(None))):
        pl = places.get(key)
        if pl is not None and pl.feature_class in SPOT_CLASSES:
            by_sentence[(art, int(ss))].append((int(start), int(end), pl))
            by_article[art].append((int(start), int(end), pl))
    out: list[hp.Report] = []
    ids: dict[str, int] = {}
    rows = conn.execute(
        sa.select(m.id, m.start, m.sentence_start, m.type, m.mode, m.place, m.date, m.detail, lt.article_id,
                  a.published)
        .join(ag.agg_latest, lt.revision_id == m.revision_id)
        .join(t.article, a.id == lt.article_id)
        .order_by(lt.article_id, m.start, m.id))
    for r in rows:
        d = r.detail or {}
        flags = "".join(f for f, k in (("f", "future"), ("h", "hypothetical"), ("n", "negated")) if d.get(k))
        precision, source = d.get("date_precision"), d.get("date_source")
        own_date = None
        day, lag = _day(r.published), hp.PUBLICATION_LAG
        if source == "timex":
            if precision == "day" and _day(r.date):
                day, lag = _day(r.date), 0
            else:
                own_date, day = r.date or "?", None
        place_key = d.get("place_key")
        place = places.get(place_key) if place_key else None
        ref = f"{r.article_id}@{r.start}:{r.type}"
        n = 1
        while ref in ids:  # two events of one type coded at one offset (two modes of a trigger)
            n += 1
            ref = f"{r.article_id}@{r.start}:{r.type}#{n}"
        ids[ref] = int(r.id)
        out.append(hp.Report(
            ref=ref, article=r.article_id, start=int(r.start), type=r.type, mode=r.mode, flags=flags,
            day=day, lag=lag, own_date=own_date,
            actors=tuple(_party(p, entities) for p in d.get("actors") or ()),
            recipients=tuple(_party(p, entities) for p in d.get("recipients") or ()),
            place=place_key if place is not None else None,
            lat=place.lat if place is not None else None, lon=place.lon if place is not None else None,
            place_country=alpha3(place.country_code) if place is not None and place.country_code else None,
            spot=_spot(place, int(r.start), d, by_sentence.get((r.article_id, int(r.sentence_start)), []),
                       by_article.get(r.article_id, []))))
    return out, ids


def _sketches(conn: Connection, happening_of: dict[str, str], reports: list[hp.Report]) -> list[sto.Sketch]:
    lt, a, e = ag.agg_latest.c, t.article.c, t.entity.c
    em, pm = t.entity_mention.c, t.place_mention.c
    idents: dict[str, set[str]] = defaultdict(set)
    for art, eid, root in conn.execute(
            sa.select(lt.article_id, e.id, e.identity_id)
            .join(t.entity_mention, em.revision_id == lt.revision_id)
            .join(t.entity, e.id == em.entity_id)
            .where(e.label.in_(sorted(STORY_LABELS))).distinct()):
        idents[art].add(f"e{root or eid}")
    places: dict[str, set[str]] = defaultdict(set)
    for art, key in conn.execute(
            sa.select(lt.article_id, pm.place_key).join(t.place_mention, pm.revision_id == lt.revision_id)
            .where(pm.place_key.like("geonames:%"), pm.kind == "name").distinct()):
        places[art].add(key)
    cm = st.article_cluster_member.c
    near = {art: int(c) for art, c in conn.execute(
        sa.select(lt.article_id, cm.cluster_id).join(st.article_cluster_member, cm.revision_id == lt.revision_id))}
    # happenings reported by more than one article
    arts_of: dict[str, set[str]] = defaultdict(set)
    for r in reports:
        arts_of[happening_of[r.ref]].add(r.article)
    shared: dict[str, set[str]] = defaultdict(set)
    for key, arts in arts_of.items():
        if len(arts) > 1:
            for art in arts:
                shared[art].add(key)
    out = []
    for art, published, title in conn.execute(
            sa.select(lt.article_id, a.published, a.title).join(t.article, a.id == lt.article_id)):
        out.append(sto.Sketch(
            article=art, published=_day(published),
            identities=frozenset(idents.get(art, ())), places=frozenset(places.get(art, ())),
            words=frozenset(_WORD.findall(fold(title or ""))),
            happenings=frozenset(shared.get(art, ())), near_dup=near.get(art)))
    return out


def rebuild_threads(conn: Connection) -> dict[str, int]:
    """Recompute happenings and stories over the latest revisions (see the module docstring).

    Args:
        conn: a connection inside a write transaction.

    Returns:
        Counts: ``{"reports", "happenings", "articles", "stories"}``.
    """
    advisory_lock(conn, "situation")
    e = t.entity.c
    entities = {r.key: (int(r.identity_id or r.id), r.label)
                for r in conn.execute(sa.select(e.id, e.key, e.identity_id, e.label))}
    reports, ids = _reports(conn, entities)
    happening_of = hp.cluster(reports)
    conn.execute(sa.delete(st.happening_member))
    if happening_of:
        execute_many(conn, insert_statement(st.happening_member),
                     [{"mention_id": ids[ref], "happening": key} for ref, key in sorted(happening_of.items())])
    sketches = _sketches(conn, happening_of, reports)
    assignment = sto.cluster(sketches)
    conn.execute(sa.delete(st.story_member))
    conn.execute(sa.delete(st.story))
    a = t.article.c
    info = {r.id: r for r in conn.execute(sa.select(a.id, a.title, a.published, a.language))}
    for story, arts in sto.members(assignment).items():
        days = sorted(d for x in arts if (d := _day(info[x].published)) is not None)
        founder = min(arts, key=lambda x: (_day(info[x].published) is None,
                                          _day(info[x].published) or dt.date.min, x))
        conn.execute(sa.insert(st.story), {
            "id": story, "title": info[founder].title, "first_day": days[0] if days else None,
            "last_day": days[-1] if days else None, "article_count": len(arts),
            "languages": sorted({info[x].language for x in arts if info[x].language})})
    if assignment:
        execute_many(conn, insert_statement(st.story_member), [
            {"article_id": art, "story_id": story, "similarity": sim}
            for art, (story, sim) in sorted(assignment.items())])
    return {"reports": len(reports), "happenings": len(set(happening_of.values())),
            "articles": len(assignment), "stories": len({s for s, _ in assignment.values()})}
