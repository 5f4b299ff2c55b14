"""The entities list and one entity's dossier (mentions, quotes, figures, events, co-occurring)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...read.corrections import apply_all
from ...read.merges import EntityEdits
from ...read.workbench import add_identity_labels
from ...storage import schema as t
from ..errors import NotFound
from .common import (
    Filters,
    event_items,
    event_ref,
    evidence_ref,
    items_with_article,
    scope,
)

#: Mentions (and quotes, figures, events) listed in a dossier.
DOSSIER_MENTIONS = 200
#: Co-occurring entities listed in a dossier.
CO_OCCURRING = 25

__all__ = ["CO_OCCURRING", "DOSSIER_MENTIONS", "dossier", "entity_list"]

def entity_list(
    conn: Connection, f: Filters, *, q: str | None = None, label: str | None = None,
    limit: int = 50, offset: int = 0,
) -> dict[str, Any]:
    """Entities mentioned in scope, most articles first; ``q`` matches the name (substring).

    With ``f.updated_since`` (incremental sync), only the entities mentioned in an article
    that changed since then (:func:`newswatch.read.scope.changed_since`), each still counted
    over the whole scope, so a client replaces its row with the current one.

    Returns:
        ``{"total", "items": [{"id", "name", "label", "country", "articles", "mentions",
        "labels"}]}`` (``labels``: the name per language, :func:`~newswatch.read.workbench.identity_labels`);
        with ``f.updated_since`` also ``"merged_away": [{"id", "name", "merged_into", "edit"}]``,
        the entities merged into another since then (their rows are gone from ``items``).
    """
    sc = scope(dataclasses.replace(f, updated_since=None))
    e, m = t.entity.c, t.entity_mention.c
    edits = EntityEdits(conn)  # analysts' merges and splits: counted under the entity they chose
    stmt = (
        sa.select(e.id, e.canonical, e.label, e.country,
                  sa.func.count(sa.distinct(sc.c.article_id)).label("articles"),
                  sa.func.count().label("mentions"))
        .select_from(t.entity_mention)
        .join(sc, sc.c.revision_id == m.revision_id)
        .join(t.entity, edits.entity_of(m.entity_id, sc.c.article_id, m.text) == e.id)
        .group_by(e.id, e.canonical, e.label, e.country)
    )
    if f.updated_since is not None:
        changed = scope(f, name="changed")
        stmt = stmt.where(e.id.in_(
            sa.select(edits.entity_of(m.entity_id, changed.c.article_id, m.text))
            .join(changed, changed.c.revision_id == m.revision_id)))
    if q:
        stmt = stmt.where(sa.func.lower(e.canonical).contains(q.strip().lower(), autoescape=True))
    if label:
        stmt = stmt.where(e.label == label.upper())
    total = conn.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    rows = conn.execute(
        stmt.order_by(sa.desc("articles"), sa.desc("mentions"), e.canonical).limit(limit).offset(offset)
    ).all()
    out: dict[str, Any] = {
        "total": int(total or 0),
        "items": add_identity_labels(conn, [
            {"id": int(r.id), "name": r.canonical, "label": r.label, "country": r.country,
             "articles": int(r.articles), "mentions": int(r.mentions)} for r in rows]),
    }
    if f.updated_since is not None:
        out["merged_away"] = _merged_away_since(conn, edits, f.updated_since)
    return out


def _merged_away_since(conn: Connection, edits: EntityEdits, since: dt.datetime) -> list[dict[str, Any]]:
    """The entities an analyst merged into another at or after ``since`` (merges in force):
    a syncing client drops their rows and follows ``merged_into`` (the end of the chain)."""
    out = []
    for edit in edits.edits:
        if edit.action != "merge" or not edit.active or edit.at is None:
            continue
        if dt.datetime.fromisoformat(edit.at) < since:
            continue
        into = edits.merged_into(edit.entity_id)
        if into is None:
            continue
        name = conn.scalar(sa.select(t.entity.c.canonical).where(t.entity.c.id == edit.entity_id))
        out.append({"id": edit.entity_id, "name": name, "merged_into": into[0], "edit": edit.to_dict()})
    return out


def dossier(conn: Connection, entity_id: int, f: Filters) -> dict[str, Any]:
    """Everything stored about one entity in scope, with the analysts' merges and splits laid
    over the machine's identity (:mod:`newswatch.read.merges`): the mentions, quotes and
    events of every entity merged into it count here, mentions split off count under the new
    entity.

    Returns:
        ``{"entity": {"id", "key", "name", "label", "country", "labels"}, "filters", "counts":
        {"articles", "mentions", "quotes", "figures", "events"}, "languages": {code: n},
        "surface_forms": [{"text", "n"}], "mentions": [...], "quotes": [...], "figures":
        [...], "events": [...], "co_occurring": [{"id", "name", "label", "articles"}],
        "merged_into": {"id", "name", "edit"} or None, "edits": [edit], "split_choices":
        [{"article_id", "title", "language", "text", "n"}]}``; mentions, quotes, figures and
        events carry evidence references, and a mention moved here by a merge or a split its
        ``entity_edit`` (:meth:`newswatch.read.merges.EntityEdit.to_dict`: who, when, why).
        ``edits`` are the merges and splits naming this entity, newest first, undone ones
        included. Figures are those in a sentence that mentions the entity; events those
        naming it as actor or recipient.

    Raises:
        NotFound: no such entity.
    """
    e = conn.execute(sa.select(t.entity).where(t.entity.c.id == entity_id)).first()
    if e is None:
        raise NotFound(f"no entity {entity_id}")
    edits = EntityEdits(conn)
    sc = scope(f)
    m = t.entity_mention.c
    a = t.article.c
    mine = edits.is_entity(entity_id, m.entity_id, a.id, m.text)
    mention_rows = conn.execute(
        items_with_article(t.entity_mention, sc, m.text, m.entity_id)
        .where(mine)
        .order_by(a.published.desc(), m.revision_id, m.start)
    ).all()
    mentions = []
    for r in mention_rows[:DOSSIER_MENTIONS]:
        moved = edits.via(int(r.entity_id), r.article_id, r.text)
        mentions.append({"text": r.text, **evidence_ref(r),
                         "entity_edit": moved.to_dict() if moved is not None else None})
    languages = Counter(r.language or "und" for r in mention_rows)
    forms = Counter(r.text for r in mention_rows)
    q = t.quote.c
    quotes = [
        {"text": r.text, "kind": r.kind, "cue": r.cue, **evidence_ref(r)}
        for r in conn.execute(
            items_with_article(t.quote, sc, q.text, q.kind, q.cue)
            .where(edits.is_entity(entity_id, q.speaker_entity_id, a.id, q.speaker))
            .order_by(a.published.desc(), q.start).limit(DOSSIER_MENTIONS)
        ).all()
    ]
    fg = t.figure.c
    em = t.entity_mention.c
    # The entity's sentences first, then their figures (a correlated EXISTS per figure made
    # SQLite walk every mention of a frequent entity for each figure: 30 s on 10,000 articles).
    sentences = sa.select(em.revision_id, em.sentence_start)
    if edits:
        sentences = sentences.join(t.revision, t.revision.c.id == em.revision_id).where(
            edits.is_entity(entity_id, em.entity_id, t.revision.c.article_id, em.text))
    else:
        sentences = sentences.where(em.entity_id == entity_id)
    sentence_rows = sentences.distinct().subquery()
    figures = [
        {"text": r.text, "value": r.value, "lower": r.lower, "upper": r.upper, "unit": r.unit,
         "counted": r.counted, "qualifier": r.qualifier, **evidence_ref(r)}
        for r in conn.execute(
            items_with_article(t.figure, sc, fg.text, fg.value, fg.lower, fg.upper, fg.unit,
                               fg.counted, fg.qualifier)
            .join(sentence_rows, sa.and_(sentence_rows.c.revision_id == fg.revision_id,
                                         sentence_rows.c.sentence_start == fg.sentence_start))
            .order_by(a.published.desc(), fg.start).limit(DOSSIER_MENTIONS)
        ).all()
    ]
    items = event_items()
    ev = items.c
    members = sorted(edits.members(entity_id)) if edits else [entity_id]
    names = [e.canonical, e.key]
    if len(members) > 1:  # the names of the entities merged into it name it too
        for merged_in in conn.execute(sa.select(t.entity.c.canonical, t.entity.c.key)
                                      .where(t.entity.c.id.in_(members))):
            names += [merged_in.canonical, merged_in.key]
    if not members or e.key.startswith("analyst:"):
        # merged away (its events are the survivor's now), or split off by an analyst (its
        # name may well be the other entity's: only the events of the mentions moved count)
        names = []
    ec = t.event.c
    involved: list[sa.ColumnElement[bool]] = [
        ev.actor.in_(names), ev.recipient.in_(names),
        edits.is_entity(entity_id, ec.actor_entity_id, a.id, ev.actor),
        edits.is_entity(entity_id, ec.recipient_entity_id, a.id, ev.recipient)]
    stmt = items_with_article(items, sc, ev.id, ev.type, ev.mode, ev.actor, ev.recipient,
                              ev.place, ev.date).join(t.event, ec.id == ev.event_id)
    events = [
        event_ref(r)
        for r in conn.execute(
            stmt.where(sa.or_(*involved))
            .order_by(a.published.desc(), ev.id).limit(DOSSIER_MENTIONS)
        ).all()
    ]
    # the analysts' corrections: corrected values with who and when, rejected items left out
    mentions = apply_all(conn, "entity", mentions)
    figures = apply_all(conn, "figure", figures)
    events = apply_all(conn, "event", events)
    other = t.entity_mention.alias("other")
    oe = t.entity.c
    if edits:
        rv = t.revision.c
        revisions = (sa.select(m.revision_id).join(t.revision, rv.id == m.revision_id)
                     .where(edits.is_entity(entity_id, m.entity_id, rv.article_id, m.text))
                     .distinct())
    else:
        revisions = sa.select(m.revision_id).where(m.entity_id == entity_id).distinct()
    other_entity = edits.entity_of(other.c.entity_id, sc.c.article_id, other.c.text)
    co = conn.execute(
        sa.select(oe.id, oe.canonical, oe.label,
                  sa.func.count(sa.distinct(other.c.revision_id)).label("articles"))
        .select_from(other)
        .join(sc, sc.c.revision_id == other.c.revision_id)
        .join(t.entity, oe.id == other_entity)
        .where(other.c.revision_id.in_(revisions), oe.id != entity_id)
        .group_by(oe.id, oe.canonical, oe.label)
        .order_by(sa.desc("articles"), oe.canonical)
        .limit(CO_OCCURRING)
    ).all()
    merged = edits.merged_into(entity_id)
    merged_into = None
    if merged is not None:
        survivor = conn.execute(sa.select(t.entity.c.canonical)
                                .where(t.entity.c.id == merged[0])).scalar()
        merged_into = {"id": merged[0], "name": survivor, "edit": merged[1].to_dict()}
    choices = Counter((r.article_id, r.title, r.language, r.text) for r in mention_rows)
    return {
        "entity": add_identity_labels(conn, [{"id": int(e.id), "key": e.key, "name": e.canonical,
                                              "label": e.label, "country": e.country}])[0],
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
        "merged_into": merged_into,
        "edits": [x.to_dict() for x in edits.history(entity_id)],
        "split_choices": [{"article_id": k[0], "title": k[1], "language": k[2], "text": k[3],
                           "n": n} for k, n in sorted(choices.items(), key=lambda x: (
                               x[0][0], x[0][3]))][:DOSSIER_MENTIONS],
    }
