"""The entities list and one entity's dossier (mentions, quotes, figures, events, co-occurring)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...read.corrections import apply_all
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
        ``{"total", "items": [{"id", "name", "label", "country", "articles", "mentions"}]}``.
    """
    sc = scope(dataclasses.replace(f, updated_since=None))
    e, m = t.entity.c, t.entity_mention.c
    stmt = (
        sa.select(e.id, e.canonical, e.label, e.country,
                  sa.func.count(sa.distinct(sc.c.article_id)).label("articles"),
                  sa.func.count().label("mentions"))
        .join(t.entity_mention, m.entity_id == e.id)
        .join(sc, sc.c.revision_id == m.revision_id)
        .group_by(e.id, e.canonical, e.label, e.country)
    )
    if f.updated_since is not None:
        changed = scope(f, name="changed")
        stmt = stmt.where(e.id.in_(
            sa.select(t.entity_mention.c.entity_id)
            .join(changed, changed.c.revision_id == t.entity_mention.c.revision_id)))
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
        items_with_article(t.entity_mention, sc, m.text)
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
            items_with_article(t.quote, sc, q.text, q.kind, q.cue)
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
        {"text": r.text, "value": r.value, "lower": r.lower, "upper": r.upper, "unit": r.unit,
         "counted": r.counted, "qualifier": r.qualifier, **evidence_ref(r)}
        for r in conn.execute(
            items_with_article(t.figure, sc, fg.text, fg.value, fg.lower, fg.upper, fg.unit,
                               fg.counted, fg.qualifier)
            .join(sentences, sa.and_(sentences.c.revision_id == fg.revision_id,
                                     sentences.c.sentence_start == fg.sentence_start))
            .order_by(t.article.c.published.desc(), fg.start).limit(DOSSIER_MENTIONS)
        ).all()
    ]
    items = event_items()
    ev = items.c
    names = [e.canonical, e.key]
    involved: list[sa.ColumnElement[bool]] = [ev.actor.in_(names), ev.recipient.in_(names)]
    stmt = items_with_article(items, sc, ev.id, ev.type, ev.mode, ev.actor, ev.recipient,
                              ev.place, ev.date).join(t.event, t.event.c.id == ev.event_id)
    involved += [t.event.c.actor_entity_id == entity_id, t.event.c.recipient_entity_id == entity_id]
    events = [
        event_ref(r)
        for r in conn.execute(
            stmt.where(sa.or_(*involved))
            .order_by(t.article.c.published.desc(), ev.id).limit(DOSSIER_MENTIONS)
        ).all()
    ]
    # the analysts' corrections: corrected values with who and when, rejected items left out
    mentions = apply_all(conn, "entity", mentions)
    figures = apply_all(conn, "figure", figures)
    events = apply_all(conn, "event", events)
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
