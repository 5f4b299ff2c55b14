"""Writing and reading the situation picture (called by :class:`~newswatch.storage.store.Store`).

:func:`save_situation` runs inside the transaction that saves a new revision, after its entity
mentions, and:

1. **entities** — fills each entity's per-language label and aliases and its name keys, and
   links it to an identity by the rules of :mod:`newswatch.situation.identity`, writing an
   ``entity_merge`` row with the evidence (never re-merging an entity whose merge was undone);
2. **near-duplicates** — stores the revision's MinHash signature and LSH band buckets, looks
   up candidates sharing a bucket, and joins the cluster of the most similar revision of
   another article at or above :data:`~newswatch.situation.dedup.NEAR_DUPLICATE_THRESHOLD`;
3. **events** — each coded event becomes a mention of an existing event or a new one. Events
   share a key (type, mode, actor and recipient identities, negation, and the day when the
   date is a day-precise time expression); a mention joins an event with the same key when
   the key has such a day, or when one of the event's mentions is in a revision of the same
   near-duplicate cluster (or an earlier revision of the same article) with the same trigger
   words; never with an event already mentioned
   in the same revision. So the same event reported by a reprint becomes one event with two
   mentions, while two undated "Taliban offensive" mentions in unrelated articles stay apart;
4. **claims** — each claim joins its ``claim_group`` (subject identity | property | unit).

Correcting: :func:`undo_merge`. Per-revision loading for :meth:`Store.load_article
<newswatch.storage.store.Store.load_article>`: :func:`load_events`, :func:`load_claims`.
Reading across articles (the claims ledger, events, clusters, identities) is in
:mod:`newswatch.read.situation`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model import Article, Claim, Event, EventParty
from ..situation import dedup
from ..situation.identity import name_keys, same_script, script
from ..text import fold
from . import mapping as mp
from . import schema as t
from . import situation_schema as st
from .engine import (
    advisory_lock,
    execute_many,
    in_chunks,
    insert_ignore_statement,
    insert_returning_ids,
    insert_statement,
    inserted_id,
)
from .mapping import StoredRow

#: Most surface forms kept per language in ``entity.aliases``.
MAX_ALIASES_PER_LANGUAGE = 30

if TYPE_CHECKING:
    from ..stages.entities.aliases import AliasEntry

@cache
def _alias_name_index() -> dict[str, str]:
    """``name_key`` of every multi-word PERSON alias in the alias file → alias id."""
    out: dict[str, str] = {}
    for e in _alias_entries().values():
        if e.label != "PERSON":
            continue
        for alias in (*e.aliases, *e.canonical.values()):
            nk, _ = name_keys(alias)
            if nk:
                out.setdefault(nk, e.id)
    return out


def _root(row: StoredRow) -> int:
    return int(row["identity_id"] or row["id"])


# ---------------------------------------------------------------------------------- saving


def save_situation(conn: Connection, revision_id: int, article: Article,
                   entity_ids: Mapping[str, int], now: dt.datetime,
                   entity_rows: Mapping[int, StoredRow] | None = None,
                   article_revisions: set[int] | None = None) -> None:
    """Write the situation rows of one new revision (see the module docstring).

    Args:
        conn: the connection of the saving transaction.
        revision_id: the new revision's id.
        article: the analysed article.
        entity_ids: entity id by entity key for the article's mentions.
        now: the save time (UTC).
        entity_rows: the ``entity`` rows of ``entity_ids`` by id as the caller read them in
            this transaction (labels, aliases and keys as stored before this revision); read
            again when not given.
        article_revisions: every revision of the article, this one included, when the caller
            knows them; read again when not given.
    """
    advisory_lock(conn, "situation")  # identities, clusters and groups span articles
    roots = _update_entities(conn, article, entity_ids, revision_id, now, entity_rows)
    cluster_revisions = _cluster(conn, revision_id, article, now, article_revisions)
    _save_events(conn, revision_id, article, entity_ids, roots, cluster_revisions)
    _save_claims(conn, revision_id, article, entity_ids, roots, now)


# Statements run for every saved revision, built once (a statement object keeps its cache key,
# so executing the same object again skips building and keying it); ``:name`` parameters,
# ``in_`` lists expanding.


@cache
def _q_merged() -> sa.Select[tuple[int]]:
    """Entities of ``:ids`` merged once (``entity_merge`` rows)."""
    return sa.select(st.entity_merge.c.entity_id).where(
        st.entity_merge.c.entity_id.in_(sa.bindparam("ids", expanding=True)))


@cache
def _q_entity_by_key() -> sa.Select[Any]:
    return sa.select(t.entity).where(t.entity.c.key == sa.bindparam("key"))


@cache
def _q_entity_by_id() -> sa.Select[Any]:
    return sa.select(t.entity).where(t.entity.c.id == sa.bindparam("id"))


@cache
def _q_same_name() -> sa.Select[Any]:
    """PERSON entities with the name key ``:nk`` other than ``:self_id``."""
    e = t.entity.c
    return sa.select(t.entity).where(e.label == "PERSON", e.name_key == sa.bindparam("nk"),
                                     e.id != sa.bindparam("self_id"))


@cache
def _q_same_surname() -> sa.Select[Any]:
    """PERSON entities with the surname key ``:sk`` and a name key, other than ``:self_id``."""
    e = t.entity.c
    return sa.select(t.entity).where(e.label == "PERSON", e.surname_key == sa.bindparam("sk"),
                                     e.name_key.is_not(None), e.id != sa.bindparam("self_id"))


@cache
def _q_keyed_people() -> sa.Select[Any]:
    """PERSON entities whose name key is one of ``:nks`` or whose surname key is one of ``:sks``."""
    e = t.entity.c
    return sa.select(t.entity).where(e.label == "PERSON", sa.or_(
        e.name_key.in_(sa.bindparam("nks", expanding=True)),
        e.surname_key.in_(sa.bindparam("sks", expanding=True))))


@cache
def _q_events_by_key() -> sa.Select[Any]:
    """(id, event_key) of the events whose key is one of ``:keys``, by id."""
    ev = t.event.c
    return sa.select(ev.id, ev.event_key).where(
        ev.event_key.in_(sa.bindparam("keys", expanding=True))).order_by(ev.id)


@cache
def _q_event_mentions() -> sa.Select[Any]:
    """(event_id, revision_id, detail) of the mentions of the events ``:ids``, by id."""
    m = st.event_mention.c
    return sa.select(m.event_id, m.revision_id, m.detail).where(
        m.event_id.in_(sa.bindparam("ids", expanding=True))).order_by(m.id)


@cache
def _q_claim_groups() -> sa.Select[Any]:
    """(id, key) of the claim groups whose key is one of ``:keys``."""
    g = st.claim_group.c
    return sa.select(g.id, g.key).where(g.key.in_(sa.bindparam("keys", expanding=True)))


# -- 1. entities ------------------------------------------------------------------------------------


def _update_entities(conn: Connection, article: Article, entity_ids: Mapping[str, int], revision_id: int,
                     now: dt.datetime, known: Mapping[int, StoredRow] | None = None) -> dict[int, int]:
    """Labels, aliases, keys and identity links; returns entity id → identity root id.

    The identity look-ups by name and surname key (:func:`_link_identity`) are answered from
    one read of the PERSON entities with any of the article's keys, made before the first of
    them: the article's own entities are taken as this loop has left them (keys set, merges
    made), every other entity as read (a look-up changes none of the columns they are selected
    by). The entity rows' changes are written in batches (one ``executemany`` per set of
    changed columns), before a merge (it reads and writes labels and aliases) and at the end,
    so every statement sees what it saw when each row was written at once.
    """
    if not entity_ids:
        return {}
    lang = article.language or "en"
    by_key: dict[str, list[Any]] = {}
    for m in article.entities:
        by_key.setdefault(m.entity_key or f"{m.label}:{m.canonical}", []).append(m)
    ids = sorted(set(entity_ids.values()))
    rows: dict[int, StoredRow] = (
        {i: known[i] for i in ids} if known is not None and all(i in known for i in ids)
        else {r["id"]: r for r in conn.execute(
            sa.select(t.entity).where(t.entity.c.id.in_(ids))).mappings()})
    # entities that may be linked to an identity (see _link_identity) and already were once
    linkable = [eid for key, eid in entity_ids.items() if rows[eid]["identity_id"] is None
                and not key.startswith("alias:") and rows[eid]["label"] == "PERSON"]
    merged: set[int] = set()
    for chunk in in_chunks(sorted(linkable)):
        merged.update(conn.scalars(_q_merged(), {"ids": chunk}))
    changes: dict[int, dict[str, Any]] = {}
    for key, eid in sorted(entity_ids.items()):
        row = rows[eid]
        mentions = by_key.get(key, [])
        labels = dict(row["labels"] or {})
        aliases = {k: list(v) for k, v in (row["aliases"] or {}).items()}
        if mentions:
            labels.setdefault(lang, mentions[0].canonical)
        else:
            labels.setdefault(script(row["canonical"]), row["canonical"])
        for m in mentions:
            forms = aliases.setdefault(lang, [])
            if m.text not in forms and len(forms) < MAX_ALIASES_PER_LANGUAGE:
                forms.append(m.text)
        values: dict[str, Any] = {"labels": labels, "aliases": aliases}
        if row["label"] == "PERSON" and row["name_key"] is None and row["surname_key"] is None:
            values["name_key"], values["surname_key"] = name_keys(_english_name(key, row["canonical"]))
        changes[eid] = {k: v for k, v in values.items() if v != row[k]}
    pending = _EntityWrites(conn)
    people = _KeyedPeople(conn, rows, changes)
    roots: dict[int, int] = {}
    for key, eid in sorted(entity_ids.items()):
        values = changes[eid]
        if values:  # an entity seen before under the same forms needs no write
            pending.add(eid, values)
        row = {**rows[eid], **values}
        rows[eid] = row
        roots[eid] = _link_identity(conn, row, key, revision_id, now, eid in merged, pending, people)
        if roots[eid] != row["id"] and row["identity_id"] is None:  # merged just now
            rows[eid] = {**row, "identity_id": roots[eid]}
    pending.flush()
    return roots


class _KeyedPeople:
    """The identity look-ups of one article's entities (:func:`_link_identity`): the PERSON
    entities with a name key or a surname key, read once, on the first look-up, for every key
    the article's entities have (``rows`` with ``changes``). Entities of the article are taken
    from ``rows`` (which the caller keeps as its loop leaves them), the others as read."""

    def __init__(self, conn: Connection, rows: Mapping[int, StoredRow],
                 changes: Mapping[int, Mapping[str, Any]]) -> None:
        self._conn = conn
        self._rows = rows
        self._changes = changes
        self._others: list[StoredRow] | None = None

    def _read(self) -> list[StoredRow]:
        if self._others is None:
            nks: set[str] = set()
            sks: set[str] = set()
            for eid, row in self._rows.items():
                now = {**row, **self._changes.get(eid, {})}
                if now["name_key"]:
                    nks.add(now["name_key"])
                if now["surname_key"]:
                    sks.add(now["surname_key"])
            found: dict[int, StoredRow] = {}
            for nk_chunk in in_chunks(sorted(nks)) if nks else iter([[]]):
                for sk_chunk in in_chunks(sorted(sks)) if sks else iter([[]]):
                    for r in self._conn.execute(_q_keyed_people(), {"nks": nk_chunk, "sks": sk_chunk}).mappings():
                        found[int(r["id"])] = r
            self._others = [r for i, r in sorted(found.items()) if i not in self._rows]
        return self._others

    def candidates(self, self_id: int, *, nk: str | None = None, sk: str | None = None) -> list[StoredRow]:
        """PERSON entities other than ``self_id`` whose name key is ``nk``; or, with ``sk``,
        whose surname key is ``sk`` and that have a name key (what :func:`_q_same_name` and
        :func:`_q_same_surname` select)."""
        out = []
        for r in (*self._read(), *self._rows.values()):
            if r["label"] != "PERSON" or r["id"] == self_id:
                continue
            if (nk is not None and r["name_key"] == nk) or (
                    sk is not None and r["surname_key"] == sk and r["name_key"] is not None):
                out.append(r)
        return out


class _EntityWrites:
    """Changes to ``entity`` rows waiting to be written: one ``executemany`` UPDATE per set of
    changed columns (each row is changed at most once between two flushes)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}

    def add(self, entity_id: int, values: Mapping[str, Any]) -> None:
        cols = tuple(values)
        self._by_columns.setdefault(cols, []).append(
            {"entity_pk": entity_id, **{f"new_{c}": values[c] for c in cols}})

    def flush(self) -> None:
        for cols, params in self._by_columns.items():
            execute_many(self._conn, _entity_update(cols), params)
        self._by_columns.clear()


@cache
def _entity_update(columns: tuple[str, ...]) -> sa.Update:
    """``UPDATE entity SET <columns> WHERE id = :entity_pk`` with parameters ``new_<column>``."""
    e = t.entity.c
    return (sa.update(t.entity).where(e.id == sa.bindparam("entity_pk"))
            .values({c: sa.bindparam(f"new_{c}", type_=e[c].type) for c in columns}))


def _english_name(key: str, canonical: str) -> str:
    """The name used for keys: the alias file's English canonical for alias entities."""
    if key.startswith("alias:"):
        entry = _alias_entries().get(key[6:])
        if entry is not None:
            return entry.canonical_for("en")
    return canonical


@cache
def _alias_entries() -> dict[str, AliasEntry]:
    """The alias file's entries by id, loaded once per process (names only: no matching index,
    so the process that stores does not load pymorphy2 for it), imported on first use."""
    from ..stages.entities.aliases import load_entries

    return load_entries()


def _link_identity(conn: Connection, row: StoredRow, key: str, revision_id: int, now: dt.datetime,
                   had_merge: bool, pending: _EntityWrites, people: _KeyedPeople | None = None) -> int:
    """The identity root of an entity row, merging it by the identity rules when it is new
    (``had_merge``: the entity was merged once, perhaps undone since: it is left alone).
    ``pending`` holds entity changes not written yet (written before a merge, which reads
    labels and aliases); ``people`` answers the look-ups by name and surname key (else they
    are read, after writing ``pending``)."""
    if row["identity_id"] is not None or key.startswith("alias:") or row["label"] != "PERSON":
        return _root(row)
    if had_merge:
        return _root(row)
    nk, sk = row["name_key"], row["surname_key"]
    if not (nk or sk):
        return int(row["id"])  # nothing to look up by
    if people is None:
        pending.flush()
    target: StoredRow | None = None
    method, evidence = "", {}
    if nk and nk in _alias_name_index():
        alias_id = _alias_name_index()[nk]
        target = conn.execute(_q_entity_by_key(), {"key": f"alias:{alias_id}"}).mappings().first()
        method, evidence = "alias", {"name_key": nk, "alias_id": alias_id}
    if target is None and nk:
        cands = (people.candidates(row["id"], nk=nk) if people is not None else
                 list(conn.execute(_q_same_name(), {"nk": nk, "self_id": row["id"]}).mappings()))
        target = _unique_root(conn, cands)
        if target is not None:
            method = "name" if same_script(target["canonical"], row["canonical"]) else "transliteration"
            evidence = {"name_key": nk}
    if target is None and nk is None and sk:
        cands = (people.candidates(row["id"], sk=sk) if people is not None else
                 list(conn.execute(_q_same_surname(), {"sk": sk, "self_id": row["id"]}).mappings()))
        target = _unique_root(conn, cands)
        if target is not None:
            method, evidence = "surname", {"surname_key": sk}
    if target is None:
        return int(row["id"])
    root = _root(target)
    if root == row["id"]:
        return int(row["id"])
    pending.flush()
    _merge(conn, int(row["id"]), root, method, {**evidence, "from": row["canonical"], "to": target["canonical"]},
           revision_id, now)
    return root


def _unique_root(conn: Connection, cands: Sequence[StoredRow]) -> StoredRow | None:
    """The identity root shared by all candidates, or None when they name several identities."""
    roots = {_root(c) for c in cands}
    if len(roots) != 1:
        return None
    root_id = roots.pop()
    return conn.execute(_q_entity_by_id(), {"id": root_id}).mappings().first()


def _merge(conn: Connection, entity_id: int, root_id: int, method: str, evidence: dict[str, Any],
           revision_id: int | None, now: dt.datetime) -> None:
    conn.execute(sa.update(t.entity).where(t.entity.c.id == entity_id).values(identity_id=root_id))
    conn.execute(sa.insert(st.entity_merge), {
        "entity_id": entity_id, "identity_id": root_id, "method": method, "evidence": evidence,
        "revision_id": revision_id, "created_at": now,
    })
    root = conn.execute(sa.select(t.entity).where(t.entity.c.id == root_id)).mappings().one()
    member = conn.execute(sa.select(t.entity).where(t.entity.c.id == entity_id)).mappings().one()
    labels = dict(root["labels"] or {})
    for lang, label in (member["labels"] or {}).items():
        labels.setdefault(lang, label)
    aliases = {k: list(v) for k, v in (root["aliases"] or {}).items()}
    for lang, forms in (member["aliases"] or {}).items():
        have = aliases.setdefault(lang, [])
        have.extend(f for f in forms if f not in have and len(have) < MAX_ALIASES_PER_LANGUAGE)
    conn.execute(sa.update(t.entity).where(t.entity.c.id == root_id).values(labels=labels, aliases=aliases))


# -- 2. near-duplicates --------------------------------------------------------------------------------


#: Most earlier revisions a new one is compared with to find its near-duplicate (those
#: sharing the most MinHash bands with it).
MAX_COMPARED = 32


@cache
def _same_bucket_query(n_bands: int) -> sa.Select[tuple[int]]:
    """Revisions sharing a bucket with a signature of ``n_bands`` bands (band ``i`` equal to
    ``i`` and bucket equal to the parameter ``bucket_<i>``, OR-ed over the bands), those
    sharing the most bands first (the LSH estimate of their similarity), at most
    :data:`MAX_COMPARED`: a story reprinted by hundreds of outlets would otherwise make every
    new reprint read and compare every earlier one. Built once per band count: building and
    cache-keying the 25-way expression anew for every article cost more than running it."""
    b = st.minhash_band.c
    cond = sa.or_(*[sa.and_(b.band == i, b.bucket == sa.bindparam(f"bucket_{i}")) for i in range(n_bands)])
    shared = sa.func.count().label("shared")
    return (sa.select(b.revision_id).where(cond).group_by(b.revision_id)
            .order_by(shared.desc(), b.revision_id.desc()).limit(MAX_COMPARED))


def _cluster(conn: Connection, revision_id: int, article: Article, now: dt.datetime,
             article_revisions: set[int] | None = None) -> set[int]:
    """Store the signature, join a near-duplicate cluster: that of the most similar earlier
    revision at or above ``dedup.NEAR_DUPLICATE_THRESHOLD`` among the :data:`MAX_COMPARED`
    sharing the most LSH bands with it.

    Returns:
        The revisions whose events this revision's events may merge with: the members of its
        cluster and the earlier revisions of the same article (a revised text reports the same
        events; revisions of one article are not clustered, they are one article already).
    """
    sig = article.minhash  # computed by the analysis worker (None on other paths)
    if sig is None or len(sig) != 4 * dedup.NUM_PERM:
        sig = dedup.signature_bytes(article.text)
    buckets = dedup.bands_of(sig)
    cands = set(conn.scalars(_same_bucket_query(len(buckets)),
                             {f"bucket_{i}": bucket for i, bucket in enumerate(buckets)}))
    best: tuple[float, int] | None = None
    if cands:
        rows = conn.execute(
            sa.select(st.revision_minhash.c.revision_id, st.revision_minhash.c.signature, t.revision.c.article_id)
            .join(t.revision, t.revision.c.id == st.revision_minhash.c.revision_id)
            .where(st.revision_minhash.c.revision_id.in_(sorted(cands)))).all()
        for rid, raw, art_id in rows:
            if art_id == article.id:
                continue  # a revision of the same article is not a reprint
            sim = dedup.similarity_of(sig, raw)
            if sim >= dedup.NEAR_DUPLICATE_THRESHOLD and (best is None or sim > best[0]):
                best = (sim, int(rid))
    same_article = set(article_revisions) if article_revisions is not None else set(
        conn.scalars(sa.select(t.revision.c.id).where(t.revision.c.article_id == article.id)))
    execute_many(conn, insert_statement(st.revision_minhash), [{
        "revision_id": revision_id, "num_perm": dedup.NUM_PERM, "shingle_words": dedup.SHINGLE_WORDS,
        "seed": dedup.MINHASH_SEED, "signature": sig}])
    execute_many(conn, insert_statement(st.minhash_band), [{"revision_id": revision_id, "band": i, "bucket": bucket}
                                               for i, bucket in enumerate(buckets)])
    if best is None:
        return {revision_id} | same_article
    sim, other = best
    m = st.article_cluster_member.c
    cluster_id = conn.scalar(sa.select(m.cluster_id).where(m.revision_id == other))
    if cluster_id is None:
        cluster_id = inserted_id(conn.execute(sa.insert(st.article_cluster), {
            "method": "minhash", "threshold": dedup.NEAR_DUPLICATE_THRESHOLD, "created_at": now,
        }))
        other_article = conn.scalar(sa.select(t.revision.c.article_id).where(t.revision.c.id == other))
        conn.execute(sa.insert(st.article_cluster_member), {
            "cluster_id": cluster_id, "revision_id": other, "article_id": other_article,
            "similarity": 1.0, "added_at": now})
    conn.execute(sa.insert(st.article_cluster_member), {
        "cluster_id": cluster_id, "revision_id": revision_id, "article_id": article.id,
        "similarity": sim, "added_at": now})
    return set(conn.scalars(sa.select(m.revision_id).where(m.cluster_id == cluster_id))) | {revision_id} | same_article


# -- 3. events ---------------------------------------------------------------------------------------


def _party_identity(p: EventParty | None, entity_ids: Mapping[str, int], roots: Mapping[int, int]) -> str:
    if p is None:
        return ""
    if p.entity_key and p.entity_key in entity_ids:
        eid = entity_ids[p.entity_key]
        return f"e{roots.get(eid, eid)}"
    if p.country:
        return f"c:{p.country}"
    return fold(p.canonical)


def event_key(ev: Event, entity_ids: Mapping[str, int], roots: Mapping[int, int]) -> str:
    """The cross-article key of an event (see the module docstring, point 3)."""
    actors = sorted({_party_identity(p, entity_ids, roots) for p in ev.actors}) or [fold(ev.actor or "")]
    recips = sorted({_party_identity(p, entity_ids, roots) for p in ev.recipients})
    day = ev.date if ev.date_source == "timex" and ev.date_precision == "day" else ""
    flags = "".join(f for f, on in (("n", ev.negated), ("f", ev.future), ("h", ev.hypothetical)) if on)
    return "|".join([ev.type, ev.mode or "", ",".join(actors), ",".join(recips), flags, day or ""])


def _save_events(conn: Connection, revision_id: int, article: Article, entity_ids: Mapping[str, int],
                 roots: Mapping[int, int], cluster_revisions: set[int]) -> None:
    """Each coded event joins the first earlier event with its key that qualifies (see the
    module docstring, point 3) or becomes a new one.

    An event that gets a mention of this revision (a new one, or an earlier one it joined)
    never takes a second mention of it, so the choice of each event depends only on the events
    stored before this revision: they and their mentions are read in two statements, the
    choices made in memory, and the rows written in three (new events in order, so they get the
    ids one insert each would give; the mentions; the mention counts of earlier events).
    """
    if not article.events:
        return
    ev_t, m_t = t.event, st.event_mention
    keys = [event_key(ev, entity_ids, roots) for ev in article.events]
    candidates: dict[str, list[int]] = {}
    for chunk in in_chunks(sorted(set(keys))):
        for eid, key in conn.execute(_q_events_by_key(), {"keys": chunk}):
            candidates.setdefault(key, []).append(int(eid))
    seen: dict[int, list[tuple[int, Any]]] = {}
    for chunk in in_chunks(sorted({c for cs in candidates.values() for c in cs})):
        for eid, rev, detail in conn.execute(_q_event_mentions(), {"ids": chunk}):
            seen.setdefault(int(eid), []).append((rev, detail))
    taken: set[int] = set()  # earlier events given a mention of this revision
    choices: list[int | None] = []  # the earlier event each event joins, or None (a new one)
    for ev, key in zip(article.events, keys, strict=True):
        day_keyed = bool(key.rsplit("|", 1)[-1])
        found = None
        trigger = fold(ev.trigger)
        for cand in candidates.get(key, []):
            mentions = seen.get(cand, [])
            if cand in taken or any(rev == revision_id for rev, _ in mentions):
                continue  # two mentions in one article are two events unless told otherwise
            if day_keyed or (any(rev in cluster_revisions for rev, _ in mentions)
                             and any(fold((d or {}).get("trigger", "")) == trigger for _, d in mentions)):
                found = cand
                break
        if found is not None:
            taken.add(found)
        choices.append(found)
    new_rows = []
    for ev, key, found in zip(article.events, keys, choices, strict=True):
        if found is None:
            actor_eid = entity_ids.get(ev.actor_key or "")
            recip_eid = entity_ids.get(ev.recipient_key or "")
            new_rows.append({
                "revision_id": revision_id,
                **mp.to_row(ev_t, ev),
                "event_key": key,
                "actor_entity_id": roots.get(actor_eid, actor_eid) if actor_eid else None,
                "recipient_entity_id": roots.get(recip_eid, recip_eid) if recip_eid else None,
                "mention_count": 1,
            })
    new_ids = iter(insert_returning_ids(conn, ev_t, new_rows))
    event_ids = [found if found is not None else next(new_ids) for found in choices]
    execute_many(conn, insert_statement(m_t), [{"revision_id": revision_id, "event_id": eid, **mp.to_row(m_t, ev)}
                                  for ev, eid in zip(article.events, event_ids, strict=True)])
    if taken:
        execute_many(conn, _count_mention, [{"event_pk": eid} for eid in sorted(taken)])


_count_mention = (sa.update(t.event).where(t.event.c.id == sa.bindparam("event_pk"))
                  .values(mention_count=t.event.c.mention_count + 1))


# -- 4. claims ----------------------------------------------------------------------------------------


def claim_group_key(c: Claim, entity_ids: Mapping[str, int], roots: Mapping[int, int],
                    anchor: str | None = None) -> tuple[str, int | None]:
    """The store-wide group key of a claim and its subject's identity root (or None).

    A claim with no subject at all is its own group when ``anchor`` (article id and figure
    offset) is given: figures nobody is identified as the subject of ("6 killed" here, "6
    killed" in another story) are never grouped together, so never "conflicting" (issue 9).
    """
    subject_id: int | None = None
    if c.subject_key and c.subject_key in entity_ids:
        eid = entity_ids[c.subject_key]
        subject_id = roots.get(eid, eid)
        subj = f"e{subject_id}"
    elif c.subject_country:
        subj = f"c:{c.subject_country}"
    elif c.subject:
        subj = fold(c.subject)
    else:
        subj = f"-{anchor}" if anchor else "-"
    return f"{subj}|{c.property}|{c.unit or ''}", subject_id


def _save_claims(conn: Connection, revision_id: int, article: Article,
                 entity_ids: Mapping[str, int], roots: Mapping[int, int], now: dt.datetime) -> None:
    """Each claim joins its group (created by the first claim with its key: the groups are
    inserted in claim order, an existing key left as it is), then the claims are written."""
    if not article.claims:
        return
    keyed = [(c, *claim_group_key(c, entity_ids, roots, f"{article.id or revision_id}@{c.start}"))
             for c in article.claims]
    execute_many(conn, insert_ignore_statement(conn.dialect.name, st.claim_group), [{
        "key": key, "subject": c.subject, "subject_entity_id": subject_id, "subject_country": c.subject_country,
        "property": c.property, "unit": c.unit, "created_at": now} for c, key, subject_id in keyed])
    group_ids: dict[str, int] = {}
    for chunk in in_chunks(sorted({key for _, key, _ in keyed})):
        group_ids.update((k, int(i)) for i, k in conn.execute(_q_claim_groups(), {"keys": chunk}))
    execute_many(conn, insert_statement(st.claim), [{"revision_id": revision_id, "group_id": group_ids[key],
                                        "subject_entity_id": subject_id, **mp.to_row(st.claim, c)}
                                       for c, key, subject_id in keyed])


# ---------------------------------------------------------------------------------- corrections


def undo_merge(conn: Connection, merge_id: int, now: dt.datetime | None = None) -> bool:
    """Undo one identity merge: the entity becomes its own identity again; the record stays.

    Events and claim groups already written keep the identity they were saved with; later
    saves use the corrected identity.

    Returns:
        True when a merge was undone, False when it does not exist or was undone already.
    """
    x = st.entity_merge.c
    row = conn.execute(sa.select(st.entity_merge).where(x.id == merge_id)).mappings().first()
    if row is None or row["undone_at"] is not None:
        return False
    conn.execute(sa.update(t.entity).where(t.entity.c.id == row["entity_id"],
                                           t.entity.c.identity_id == row["identity_id"]).values(identity_id=None))
    conn.execute(sa.update(st.entity_merge).where(x.id == merge_id)
                 .values(undone_at=now or dt.datetime.now(dt.UTC)))
    return True


def load_events(conn: Connection, revision_id: int) -> list[Event]:
    """The events of one revision, as coded in it (from its mentions)."""
    m = st.event_mention.c
    return [mp.from_row(st.event_mention, r) for r in conn.execute(
        sa.select(st.event_mention).where(m.revision_id == revision_id).order_by(m.id)).mappings()]


def load_claims(conn: Connection, revision_id: int) -> list[Claim]:
    """The claims of one revision."""
    c = st.claim.c
    return [mp.from_row(st.claim, r) for r in conn.execute(
        sa.select(st.claim).where(c.revision_id == revision_id).order_by(c.id)).mappings()]
