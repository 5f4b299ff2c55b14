"""The analyst's lists: events and quotes in scope, filtered and paged (the dashboard's
events and quotes pages and their API read them).

**Who is meant by a name.** A name typed as an actor, a recipient, a speaker or an
organisation means an *identity* (:func:`identity_members`): every stored entity whose
canonical name, label in any language or alias is the typed text, whole (case- and
``ё``-folded; "US" is no part of "Russia" nor of "Susan Rice"), or — for people — whose
transliterated name skeleton
(:func:`newswatch.situation.identity.name_keys`) equals the text's, with every other member
of the identities they belong to. So "Lavrov" finds the quotes of "Сергей Лавров" and
"Лавров" those of "Sergei Lavrov", whether or not the two were merged, and "Лаврова"
(genitive) finds both. A party or speaker as written that has the typed text as whole words
counts too ("soldiers" finds "Afghan soldiers", a phrase that is no entity). Analysts' merges hold
(:mod:`newswatch.read.merges`): an identity includes every entity merged into one of its
members (and the one a member was merged into), and rows name the surviving entity.

**Events.** One row per event mention (``event_mention``, or the ``event`` table of the first
schema) in scope, with the event's flags. Negated and hypothetical events are left out unless
asked for. The country of an events list is the event's own: its place lies in the country,
or its actor or recipient is of that country. Each row names its *happening*
(:mod:`newswatch.situation.happenings`: the reports of one real-world event, across sentences
and articles) and how many reports it has; ``happenings`` lists one row per happening instead,
and ``story`` keeps the events of one story thread.

**Quotes.** One row per quote in scope; ``words`` keeps quotes containing every word
(folded); an organisation keeps quotes whose speaker is that organisation or whose sentence
names it.

Nothing here writes. Cost: resolving a typed name reads the names of every entity once per
call (measured 0.29 s with 40,000 entities on the 2-core workstation; the list itself then
takes milliseconds); lists without a typed name do not read them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..situation.identity import name_keys
from ..storage import schema as t
from ..storage import situation_schema as st
from ..storage.engine import in_chunks
from ..text import fold
from .corrections import ReviewIndex, apply, event_verifications
from .merges import EntityEdits
from .scope import Filters, event_items, items_with_article, scope

#: Most identities one typed name stands for: a name shared by thousands of entities keeps
#: the closest (a whole name, then the transliterated name key; ties by age), so a list's
#: query stays bounded.
MAX_IDENTITIES = 200
#: Most other reports of a happening listed with an event row (``reports`` counts them all).
MAX_OTHER_REPORTS = 20
#: An event date that can be placed in a range of days starts with a four-digit year.
_YEAR_FIRST = re.compile(r"[0-9]{4}")

__all__ = ["MAX_IDENTITIES", "EventParties", "EventQuery", "Identity", "QuoteQuery", "event_modes",
           "add_identity_labels", "happened_conditions", "happened_in", "identity_labels", "identity_members",
           "list_events", "list_quotes"]


@dataclass(frozen=True, slots=True)
class Identity:
    """The entities a typed name stands for.

    Attributes:
        ids: entity ids (every member of each matched identity).
        names: every canonical name, label and alias of those entities (exact strings, to
            compare with the names events and quotes store as text).
    """

    ids: frozenset[int]
    names: frozenset[str]


def _forms(row: Any) -> list[str]:
    out = [row.canonical]
    out += [v for v in (row.labels or {}).values() if isinstance(v, str)]
    for forms in (row.aliases or {}).values():
        out += [v for v in forms if isinstance(v, str)]
    return out


def identity_members(conn: Connection, text: str, labels: Iterable[str] | None = None
                     ) -> Identity:
    """The identities a typed name stands for (see the module docstring).

    Args:
        conn: a read connection.
        text: the typed name (any language).
        labels: keep only entities with these OntoNotes labels (e.g. ``("ORG",)``) when the
            match is made; identity members are added whatever their label.

    Returns:
        An :class:`Identity` (empty sets when nothing matches or ``text`` is blank), of at
        most :data:`MAX_IDENTITIES` identities.
    """
    want = fold(" ".join(text.split()))
    if not want:
        return Identity(frozenset(), frozenset())
    name_key, surname_key = name_keys(text)
    e = t.entity.c
    stmt = sa.select(e.id, e.label, e.canonical, e.labels, e.aliases, e.identity_id, e.name_key,
                     e.surname_key)
    if labels is not None:
        stmt = stmt.where(e.label.in_(list(labels)))
    closeness: dict[int, int] = {}  # identity root -> best closeness (0 is closest)
    for row in conn.execute(stmt):
        forms = [fold(form) for form in _forms(row)]
        if any(form == want for form in forms):
            score = 0
        elif row.label == "PERSON" and (
                (name_key is not None and row.name_key == name_key)
                or (name_key is None and surname_key is not None
                    and row.surname_key == surname_key)):
            score = 1
        else:  # a name is matched whole: "US" is no part of "Russia" nor of "Susan Rice"
            continue
        root = int(row.identity_id or row.id)
        closeness[root] = min(score, closeness.get(root, score))
    if not closeness:
        return Identity(frozenset(), frozenset())
    roots = sorted(closeness, key=lambda r: (closeness[r], r))[:MAX_IDENTITIES]
    ids: set[int] = set()
    names: set[str] = set()
    for chunk in in_chunks(roots):
        for member in conn.execute(
            sa.select(e.id, e.canonical, e.labels, e.aliases)
            .where(sa.or_(e.id.in_(chunk), e.identity_id.in_(chunk)))
        ):
            ids.add(int(member.id))
            names.update(_forms(member))
    return _with_merges(conn, ids, names)


def _with_merges(conn: Connection, ids: set[int], names: set[str]) -> Identity:
    """An identity with the entities analysts merged into (or out of) its members."""
    edits = EntityEdits(conn)
    extra = sorted(edits.expand(ids) - ids) if edits else []
    e = t.entity.c
    for chunk in in_chunks(extra):
        for member in conn.execute(sa.select(e.id, e.canonical, e.labels, e.aliases)
                                   .where(e.id.in_(chunk))):
            ids.add(int(member.id))
            names.update(_forms(member))
    return Identity(frozenset(ids), frozenset(names))


def identity_labels(conn: Connection, entity_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Each entity's name per language across its whole identity (``{"en": "Sergei Lavrov",
    "ru": "Сергей Лавров"}`` for either member of that identity): the identity root's labels
    first, then the members' in id order for languages still missing.

    Returns:
        ``{entity_id: {language: name}}`` for every id given that exists.
    """
    wanted = sorted({int(i) for i in entity_ids})
    if not wanted:
        return {}
    e = t.entity.c
    root_of = {int(r.id): int(r.identity_id or r.id) for r in conn.execute(
        sa.select(e.id, e.identity_id).where(e.id.in_(wanted)))}
    roots = sorted(set(root_of.values()))
    merged: dict[int, dict[str, str]] = {root: {} for root in roots}
    rows = conn.execute(sa.select(e.id, e.identity_id, e.labels)
                        .where(sa.or_(e.id.in_(roots), e.identity_id.in_(roots)))).all()
    # the root's own labels first (identity_id NULL), then its members by id
    for r in sorted(rows, key=lambda r: (r.identity_id is not None, int(r.id))):
        root = int(r.identity_id or r.id)
        for lang, name in (r.labels or {}).items():
            if isinstance(name, str) and name:
                merged[root].setdefault(lang, name)
    return {entity_id: merged[root] for entity_id, root in root_of.items()}



def add_identity_labels(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Set ``row["labels"]`` (:func:`identity_labels`: ``{language: name}``, ``{}`` when none)
    on every row with an entity ``id``, so that a page shows the name in its interface
    language ("Сергей Лавров" in the Russian interface); returns the rows."""
    labels = identity_labels(conn, [int(r["id"]) for r in rows if r.get("id") is not None])
    for r in rows:
        r["labels"] = labels.get(int(r["id"]), {}) if r.get("id") is not None else {}
    return rows


# -- events -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventQuery:
    """What an events list keeps (besides the scope :class:`Filters`).

    Attributes:
        types: PLOVER event types (any of them; empty: all).
        modes: PLOVER modes (any of them; empty: all).
        actor, recipient: a name (an identity, see the module docstring).
        actor_id, recipient_id: an entity id (its whole identity).
        flagged: also list negated and hypothetical events.
        happened_since, happened_until: the event's own date (the mention's, else the
            event's; TIMEX3) overlaps these days: "2021-07" is in a range that touches July
            2021; undated events and non-calendar values ("PRESENT_REF") are left out when
            either is given.
        verification: keep only events with this status (``unverified``, ``verified``,
            ``disputed``; :func:`newswatch.read.corrections.event_verifications`).
        rejected: also list mentions an analyst rejected (marked), instead of hiding them.
        verifiers: different analysts needed before an event counts as verified
            (``web_verify_analysts_count``).
        story: keep events of the articles of this story thread
            (:mod:`newswatch.situation.stories`).
        happening: keep the reports of this happening (its key, ``h:…``).
        happenings: one row per happening (its newest report in scope) instead of one per
            report; each row still says how often it was reported.
    """

    types: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    actor: str | None = None
    recipient: str | None = None
    actor_id: int | None = None
    recipient_id: int | None = None
    flagged: bool = False
    happened_since: dt.date | None = None
    happened_until: dt.date | None = None
    verification: str | None = None
    rejected: bool = False
    verifiers: int = 1
    story: str | None = None
    happening: str | None = None
    happenings: bool = False


def _by_id(conn: Connection, entity_id: int) -> Identity:
    e = t.entity.c
    row = conn.execute(sa.select(e.id, e.identity_id).where(e.id == entity_id)).first()
    if row is None:
        return Identity(frozenset(), frozenset())
    root = int(row.identity_id or row.id)
    ids, names = set(), set()
    for r in conn.execute(sa.select(e.id, e.canonical, e.labels, e.aliases)
                          .where(sa.or_(e.id == root, e.identity_id == root))):
        ids.add(int(r.id))
        names.update(_forms(r))
    return _with_merges(conn, ids, names)


def _party_by_id(conn: Connection, entity_id: int, column: Any, entity_column: Any,
                 article: Any) -> sa.ColumnElement[bool]:
    """Rows whose party counts under entity ``entity_id`` after the analysts' merges and
    splits (:meth:`newswatch.read.merges.EntityEdits.is_entity`, as the dossier reads them):
    its identity's rows, less those a split moved to another entity, plus those a split moved
    to it; a party with no entity link, written as one of the identity's names, counts too
    (never for an entity an analyst made by a split: its name may well be the other's).

    Args:
        column: the party as written; entity_column: its machine entity; article: the row's
            article id column.
    """
    who = _by_id(conn, entity_id)
    edits = EntityEdits(conn)
    if not edits:
        return _party(column, entity_column, who)
    found: list[sa.ColumnElement[bool]] = [edits.is_entity(i, entity_column, article, column)
                                           for i in sorted(who.ids)]
    key = conn.scalar(sa.select(t.entity.c.key).where(t.entity.c.id == entity_id)) or ""
    if who.names and not key.startswith("analyst:"):
        counted = edits.entity_of(entity_column, article, column)
        found.append(sa.and_(column.in_(sorted(who.names)), sa.or_(
            entity_column.is_(None), counted == entity_column, counted.in_(sorted(who.ids)))))
    return sa.or_(*found) if found else sa.false()


def _party(column: Any, entity_column: Any, who: Identity, typed: str | None = None
           ) -> sa.ColumnElement[bool]:
    """Rows whose party is one of ``who``'s entities or names, or — for a typed name — whose
    party as written has it as whole words ("soldiers" finds "Afghan soldiers", a phrase
    that is no entity; "US" does not find "Russia"; as typed, or lower-cased where the
    database folds case)."""
    found: list[sa.ColumnElement[bool]] = []
    if who.ids:
        found.append(entity_column.in_(sorted(who.ids)))
    if who.names:
        found.append(column.in_(sorted(who.names)))
    if typed:
        for col, words in ((column, typed), (sa.func.lower(column), typed.lower())):
            found.append(col == words)
            found.append(col.startswith(words + " ", autoescape=True))
            found.append(col.endswith(" " + words, autoescape=True))
            found.append(col.contains(" " + words + " ", autoescape=True))
    return sa.or_(*found) if found else sa.false()


def happened_conditions(conn: Connection, when: sa.ColumnElement[str], since: dt.date | None,
                        until: dt.date | None) -> list[sa.ColumnElement[bool]]:
    """SQL conditions: the event date ``when`` (a TIMEX3 value: ``2021-07-07``, ``2021-07``,
    ``2021``, ``2021-W27`` ...) overlaps the days ``since``..``until`` (both inclusive; either
    may be None). An empty list when both are None; otherwise undated events and values that
    do not start with a year ("PRESENT_REF") are left out. The one definition of "happened in
    a range": the events list (:func:`list_events`) and the map
    (:func:`newswatch.web.queries.map.map_features`) use it, and :func:`happened_in` says the
    same of one value in Python.

    ISO dates and their prefixes compare as text: a prefix is in the range when it is not after
    the last day and, extended by "~" (which sorts after every digit), not before the first.
    """
    if since is None and until is None:
        return []
    out: list[sa.ColumnElement[bool]] = [when.op("GLOB")("[0-9][0-9][0-9][0-9]*") if conn.dialect.name == "sqlite"
           else when.op("~")("^[0-9]{4}")]
    if until is not None:
        out.append(when <= until.isoformat())
    if since is not None:
        out.append(when + "~" >= since.isoformat())
    return out


def happened_in(value: str | None, since: dt.date | None, until: dt.date | None) -> bool:
    """Whether an event date (TIMEX3) overlaps ``since``..``until``, exactly as
    :func:`happened_conditions` decides in SQL (used for a date an analyst corrected, which
    lives outside the item tables). True for any value when both bounds are None."""
    if since is None and until is None:
        return True
    if not value or not _YEAR_FIRST.match(value):
        return False
    if until is not None and value > until.isoformat():
        return False
    return since is None or value + "~" >= since.isoformat()


def event_modes(conn: Connection) -> list[str]:
    """The PLOVER modes stored on events, sorted (for a filter's choices)."""
    items = event_items()
    return sorted(m for m in conn.scalars(sa.select(items.c.mode).distinct()) if m)


def list_events(conn: Connection, f: Filters, q: EventQuery, *, limit: int, offset: int = 0
                ) -> dict[str, Any]:
    """Event mentions in scope that match ``q``, newest publication first.

    Returns:
        ``{"total": n, "items": [row]}``; a row has ``id`` (the event), ``mention_id``,
        ``type``, ``mode``, ``actor``, ``recipient``, ``actor_id`` and ``recipient_id`` (the
        entity each names, or None), ``actor_labels`` and ``recipient_labels`` (their names per
        language, :func:`identity_labels`), ``place`` (as stored: a place key or name, the event's
        when the mention has none), ``place_name``, ``date`` (TIMEX3, likewise), ``negated``,
        ``future``, ``hypothetical``, ``mentions`` (articles reporting the event), and the
        evidence columns of :func:`newswatch.read.scope.items_with_article` (``sentence``
        whole, ``sentence_start`` its offset); an analyst's correction replaces the machine's
        values (``machine`` keeps those, ``correction`` says who and when:
        :func:`newswatch.read.corrections.apply`), and ``verification``, ``verified_by``,
        ``verified_at``, ``verifiers`` give the event's verification status
        (:func:`newswatch.read.corrections.event_verifications`); ``happening`` (its key,
        ``h:…``, or ``m<mention id>`` before the threads pass ran), ``reports`` (how many
        event reports the happening has, in every article) and ``other_reports`` (up to
        :data:`MAX_OTHER_REPORTS` of the others: ``mention_id``, ``article_id``, ``title``,
        ``published``, ``source``). ``happenings`` in the answer counts the happenings in
        scope (``total`` counts rows: reports, or happenings with ``q.happenings``).
    """
    sc = scope(dataclasses.replace(f, country=None, country_alpha3=None))
    items = event_items()
    ev, e = items.c, t.event.c
    event_id = ev.event_id if "event_id" in ev else ev.id
    stmt = (items_with_article(items, sc, event_id.label("id"), ev.id.label("mention_id"),
                               ev.type, ev.mode, ev.actor, ev.recipient, ev.place, ev.date,
                               e.place.label("event_place"), e.date.label("event_date"),
                               e.place_key, e.actor_entity_id, e.recipient_entity_id,
                               e.negated, e.future, e.hypothetical,
                               e.mention_count.label("mentions"))
            .join(t.event, e.id == event_id))
    threaded = items is st.event_mention
    hm = st.happening_member.c
    happening = (sa.func.coalesce(hm.happening, "m" + sa.cast(ev.id, sa.Text)) if threaded
                 else "m" + sa.cast(ev.id, sa.Text))
    stmt = stmt.add_columns(happening.label("happening"))
    if threaded:
        stmt = stmt.outerjoin(st.happening_member, hm.mention_id == ev.id)
    if q.story:
        sm = st.story_member.c
        stmt = stmt.where(t.article.c.id.in_(sa.select(sm.article_id).where(sm.story_id == q.story)))
    if q.happening:
        stmt = stmt.where(happening == q.happening)
    corrections = ReviewIndex(conn, "correction")
    where = sa.tuple_(ev.revision_id, ev.start, ev.end)
    if q.types:
        # an analyst's type counts instead of the machine's
        def retyped(inside: bool) -> list[tuple[int, int, int]]:
            return corrections.positions("event", lambda r: "type" in r.fields and (
                r.fields["type"] in q.types) == inside)
        into, out_of = retyped(True), retyped(False)
        typed: sa.ColumnElement[bool] = ev.type.in_(q.types)
        if out_of:
            typed = sa.and_(typed, where.not_in(out_of))
        stmt = stmt.where(sa.or_(typed, where.in_(into)) if into else typed)
    if not q.rejected:
        hidden = corrections.positions("event", ("reject",))
        if hidden:
            stmt = stmt.where(where.not_in(hidden))
    statuses = event_verifications(conn, ReviewIndex(conn, "verification"), q.verifiers)
    if q.verification:
        marked = [i for i, r in statuses.items() if r.status != "unverified"]
        if q.verification == "unverified":
            if marked:
                stmt = stmt.where(event_id.not_in(marked))
        else:
            stmt = stmt.where(event_id.in_(
                [i for i, r in statuses.items() if r.status == q.verification] or [-1]))
    if q.modes:
        stmt = stmt.where(ev.mode.in_(q.modes))
    if not q.flagged:
        stmt = stmt.where(e.negated.is_(False), e.hypothetical.is_(False))
    for text, entity_id, column, entity_column in (
            (q.actor, q.actor_id, ev.actor, e.actor_entity_id),
            (q.recipient, q.recipient_id, ev.recipient, e.recipient_entity_id)):
        if entity_id is not None:
            stmt = stmt.where(_party_by_id(conn, entity_id, column, entity_column, t.article.c.id))
        if text and text.strip():
            text = " ".join(text.split())
            stmt = stmt.where(_party(column, entity_column, identity_members(conn, text), text))
    stmt = stmt.where(*happened_conditions(conn, sa.func.coalesce(ev.date, e.date),
                                           q.happened_since, q.happened_until))
    if f.country:
        p = t.place.c
        placed = (sa.select(p.key).where(p.country_code == f.country))
        named = (sa.select(p.name).where(p.country_code == f.country))
        codes = [f.country, f.country_alpha3]
        stmt = stmt.where(sa.or_(
            ev.place.in_(placed), ev.place.in_(named), e.place.in_(placed),
            e.place_key.in_(placed), e.actor_country.in_(codes), e.recipient_country.in_(codes)))
    counted = stmt.subquery()
    total = conn.scalar(sa.select(sa.func.count()).select_from(counted))
    total_happenings = conn.scalar(sa.select(sa.func.count(sa.distinct(counted.c.happening))))
    if q.happenings:
        # the newest report in scope of each happening (the listing's order, first row)
        a0 = t.article.c
        ranked = stmt.add_columns(sa.func.row_number().over(
            partition_by=happening,
            order_by=(a0.published.is_(None), a0.published.desc(), a0.id, ev.start)).label("rank")).subquery()
        stmt = stmt.where(ev.id.in_(sa.select(ranked.c.mention_id).where(ranked.c.rank == 1)))
        total = total_happenings
    a = t.article.c
    rows = conn.execute(stmt.order_by(a.published.is_(None), a.published.desc(), a.id,
                                      ev.start).limit(limit).offset(offset)).all()
    places = _place_names(conn, {x for r in rows for x in (r.place, r.event_place, r.place_key)
                                 if x})
    parties = EventParties(conn, rows)
    party_ids = [x for r in rows for x in (parties.resolve(r.actor_entity_id, r.actor),
                                           parties.resolve(r.recipient_entity_id, r.recipient))
                 if x]
    labels = identity_labels(conn, party_ids)
    reports = _happening_reports(conn, {r.happening for r in rows}) if threaded else {}
    out = []
    for r in rows:
        # A mention without a place or date of its own (a reprint that leaves it out)
        # shows the event's.
        place = r.place or r.event_place or r.place_key
        actor_id = parties.resolve(r.actor_entity_id, r.actor)
        recipient_id = parties.resolve(r.recipient_entity_id, r.recipient)
        out.append({
            **r._asdict(),
            "id": int(r.id), "mention_id": int(r.mention_id), "revision_id": int(r.revision_id),
            "actor_id": actor_id, "recipient_id": recipient_id,
            "actor_labels": labels.get(actor_id or 0, {}),
            "recipient_labels": labels.get(recipient_id or 0, {}),
            "place": place, "place_name": places.get(place or "", place),
            "date": r.date or r.event_date,
            "negated": bool(r.negated), "future": bool(r.future),
            "hypothetical": bool(r.hypothetical), "mentions": int(r.mentions or 1),
            "sentence": r.sentence or "",
            "happening": r.happening,
            "reports": len(reports.get(r.happening, ())) or 1,
            "other_reports": [x for x in reports.get(r.happening, ()) if x["mention_id"] != int(r.mention_id)
                              ][:MAX_OTHER_REPORTS],
        })
        apply(corrections, "event", out[-1])
        status = statuses.get(int(r.id))
        out[-1]["verification"] = status.status if status is not None else "unverified"
        out[-1]["verified_by"] = status.by if status is not None else None
        out[-1]["verified_at"] = status.at if status is not None else None
        out[-1]["verifiers"] = list(status.verifiers) if status is not None else []
        for key in ("actor_entity_id", "recipient_entity_id", "place_key", "event_place",
                    "event_date"):
            out[-1].pop(key, None)
    return {"total": int(total or 0), "happenings": int(total_happenings or 0), "items": out}


def _happening_reports(conn: Connection, keys: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Every report of each happening: mention id, article id and title, publication day,
    outlet (``{key: [report]}``, oldest first)."""
    wanted = sorted(k for k in keys if k and k.startswith("h:"))
    if not wanted:
        return {}
    m, hm, a, r = st.event_mention.c, st.happening_member.c, t.article.c, t.revision.c
    out: dict[str, list[dict[str, Any]]] = {}
    for row in conn.execute(
            sa.select(hm.happening, m.id, a.id.label("article_id"), a.title, a.published,
                      t.source.c.name.label("source"))
            .join(st.event_mention, m.id == hm.mention_id)
            .join(t.revision, r.id == m.revision_id).join(t.article, a.id == r.article_id)
            .outerjoin(t.source, t.source.c.id == a.source_id)
            .where(hm.happening.in_(wanted))
            .order_by(a.published.is_(None), a.published, a.id, m.start)):
        out.setdefault(row.happening, []).append({
            "mention_id": int(row.id), "article_id": row.article_id, "title": row.title,
            "published": row.published, "source": row.source})
    return out


def _place_names(conn: Connection, keys: set[str]) -> dict[str, str]:
    if not keys:
        return {}
    p = t.place.c
    return {r.key: r.name for r in conn.execute(
        sa.select(p.key, p.name).where(p.key.in_(sorted(keys))))}


class EventParties:
    """The entity an event's actor or recipient counts under: the event's entity id (else
    the entity whose canonical name the party's name is), with the analysts' merges and
    splits laid over (:class:`~newswatch.read.merges.EntityEdits`). The one reading of an
    event party's entity, shared by the events list and the PLOVER export.

    Args:
        conn: an open connection.
        rows: the event rows read (each with ``actor`` and ``recipient`` names).
    """

    def __init__(self, conn: Connection, rows: Iterable[Any]) -> None:
        self._ids = _entity_ids(conn, {x for r in rows for x in (r.actor, r.recipient) if x})
        self.edits = EntityEdits(conn)

    def resolve(self, entity_id: int | None, name: str | None) -> int | None:
        """The entity id a party (its stored entity id and its name) counts under, or None."""
        return self.edits.resolve(entity_id or self._ids.get(name or ""))


def _entity_ids(conn: Connection, names: set[str]) -> dict[str, int]:
    """The entity each name is the canonical name of (actor-like labels first)."""
    if not names:
        return {}
    e = t.entity.c
    out: dict[str, int] = {}
    for r in conn.execute(sa.select(e.id, e.canonical, e.label)
                          .where(e.canonical.in_(sorted(names))).order_by(e.id)):
        if r.canonical not in out or r.label in ("PERSON", "ORG", "GPE"):
            out.setdefault(r.canonical, int(r.id))
    return out


# -- quotes -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuoteQuery:
    """What a quotes list keeps (besides the scope :class:`Filters`).

    Attributes:
        speaker: a name (an identity, see the module docstring).
        speaker_id: an entity id (its whole identity).
        org: an organisation's name: its own quotes and quotes whose sentence names it.
        words: words the quote must all contain (folded).
        kind: ``direct``, ``reported`` or ``turn`` (a transcript speaker's words; None: all).
    """

    speaker: str | None = None
    speaker_id: int | None = None
    org: str | None = None
    words: str | None = None
    kind: str | None = None


def list_quotes(conn: Connection, f: Filters, q: QuoteQuery, *, limit: int, offset: int = 0
                ) -> dict[str, Any]:
    """Quotes in scope that match ``q``, newest publication first.

    Returns:
        ``{"total": n, "items": [row]}``; a row has ``id``, ``text``, ``speaker`` (as
        attributed), ``speaker_id`` (the entity, or None), ``speaker_name`` (the entity's
        canonical name), ``speaker_labels`` (the speaker's name per language,
        :func:`identity_labels`), ``cue``, ``kind`` and the evidence columns of
        :func:`newswatch.read.scope.items_with_article` (``sentence`` whole).
    """
    sc = scope(f)
    qt = t.quote.c
    a = t.article.c
    stmt = (sa.select(qt.id, qt.text).select_from(t.quote)
            .join(sc, sc.c.revision_id == qt.revision_id)
            .join(t.article, a.id == sc.c.article_id))
    if q.kind:
        stmt = stmt.where(qt.kind == q.kind)
    if q.speaker_id is not None:
        stmt = stmt.where(_party_by_id(conn, q.speaker_id, qt.speaker, qt.speaker_entity_id, a.id))
    if q.speaker and q.speaker.strip():
        typed = " ".join(q.speaker.split())
        stmt = stmt.where(_party(qt.speaker, qt.speaker_entity_id,
                                 identity_members(conn, typed), typed))
    if q.org and q.org.strip():
        org = identity_members(conn, q.org, labels=("ORG",))
        em = t.entity_mention.c
        in_sentence = (sa.select(em.revision_id).where(
            em.revision_id == qt.revision_id, em.sentence_start == qt.sentence_start,
            em.entity_id.in_(sorted(org.ids))).exists())
        stmt = stmt.where(sa.or_(_party(qt.speaker, qt.speaker_entity_id, org), in_sentence))
    stmt = stmt.order_by(a.published.is_(None), a.published.desc(), a.id, qt.start)
    words = [fold(w) for w in (q.words or "").split()]
    if words:
        # Folded in Python: SQLite's lower() folds ASCII letters only, not Cyrillic.
        ids = [int(r.id) for r in conn.execute(stmt) if all(w in fold(r.text) for w in words)]
        total, page = len(ids), ids[offset:offset + limit]
    else:
        total = int(conn.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0)
        page = [int(r.id) for r in conn.execute(stmt.limit(limit).offset(offset))]
    rows = {int(r.id): r for r in conn.execute(
        items_with_article(t.quote, sc, qt.id, qt.text, qt.speaker, qt.speaker_entity_id,
                           qt.cue, qt.kind).where(qt.id.in_(page)))} if page else {}
    edits = EntityEdits(conn)  # the speaker as analysts merged and split entities
    said_by = {quote_id: edits.resolve(r.speaker_entity_id, r.article_id, r.speaker)
               for quote_id, r in rows.items()}
    speakers = sorted({x for x in said_by.values() if x})
    names = {int(r.id): r.canonical for r in conn.execute(
        sa.select(t.entity.c.id, t.entity.c.canonical).where(t.entity.c.id.in_(speakers)))
             } if speakers else {}
    labels = identity_labels(conn, speakers)
    out = []
    for quote_id in page:
        r = rows[quote_id]
        item = r._asdict()
        item.pop("speaker_entity_id")
        speaker_id = said_by[quote_id]
        item.update(id=quote_id, revision_id=int(r.revision_id), speaker_id=speaker_id,
                    speaker_name=names.get(speaker_id or 0),
                    speaker_labels=labels.get(speaker_id or 0, {}),
                    sentence=r.sentence or "")
        out.append(item)
    return {"total": total, "items": out}
