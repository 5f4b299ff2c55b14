"""The article reader's data, shared by the reader page and ``GET /api/articles/{id}``."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..model import Article
from ..read.corrections import Review, ReviewIndex
from ..read.merges import EntityEdits
from ..storage import schema as t
from ..storage.mapping import entity_key, to_jsonable
from . import activity, markup
from .deps import Ctx
from .markup import segments

#: Side-panel groups and the item kind a correction names them by.
PANEL_KINDS = {"entities": "entity", "figures": "figure", "places": "place", "events": "event"}


def _correct_items(article: Article, in_force: dict[tuple[str, int, int], Review]
                   ) -> dict[tuple[str, int, int], dict[str, Any]]:
    """Set the corrected values on a loaded article's entities, figures and events (a copy;
    nothing stored), so the highlights' titles say what the side panel says. Returns the
    machine's values of what was changed, by ``(kind, start, end)``."""
    machine: dict[tuple[str, int, int], dict[str, Any]] = {}
    for kind, items in (("entity", article.entities), ("figure", article.figures),
                        ("event", article.events)):
        for item in items:
            pos = (kind, item.start, item.end)
            review = in_force.get(pos)
            if review is None or review.action != "correct":
                continue
            fields = {k: v for k, v in review.fields.items() if hasattr(item, k)}
            machine[pos] = {k: getattr(item, k) for k in fields}
            for k, v in fields.items():
                setattr(item, k, v)
    return machine


def _hide_rejected(article: Article, rejected: set[tuple[str, int, int]]) -> None:
    """Drop the items an analyst rejected from a loaded article (a copy; nothing stored)."""
    if not rejected:
        return
    article.entities = [m for m in article.entities
                        if ("entity", m.start, m.end) not in rejected]
    article.figures = [f for f in article.figures if ("figure", f.start, f.end) not in rejected]
    article.events = [e for e in article.events if ("event", e.start, e.end) not in rejected]
    for place in article.places:
        place.mentions = [m for m in place.mentions if ("place", m.start, m.end) not in rejected]
    article.places = [p for p in article.places if p.mentions]


def article_view(
    ctx: Ctx, article_id: str, revision_id: int | None = None,
    evidence: tuple[int, int] | None = None, *, with_segments: bool = False,
    show_rejected: bool = False,
) -> dict[str, Any]:
    """Load one article revision with everything the reader shows.

    Args:
        ctx: the request context.
        article_id: the article.
        revision_id: a revision of it (default: the latest).
        evidence: ``(start, end)`` to mark as evidence (a link from the map or a list).
        with_segments: also cut the text into highlighted segments (the page needs them).
        show_rejected: keep the items an analyst rejected (marked) instead of hiding them.

    Returns:
        ``{"article": Article, "revision": RevisionInfo dict, "revisions": [...],
        "entity_ids": {key: id}, "panel": {...}, "segments": [...] (when asked),
        "ratings", "comments", "reports", "corrections": [in force in this revision:
        {"kind", "start", "end", Review.to_dict() keys}]}``. Panel items carry their
        corrected values, ``machine`` (the machine's values) and ``correction`` (who, when;
        :func:`newswatch.read.corrections.apply`).

    Raises:
        ArticleNotFound: no such article or revision.
    """
    store = ctx.store
    article = store.load_article(article_id, revision_id)
    revisions = store.revisions(article_id)
    current = (next(r for r in revisions if r.id == revision_id) if revision_id is not None
               else revisions[-1])
    keys = sorted({entity_key(m) for m in article.entities})
    with store.read() as conn:
        edits = EntityEdits(conn)  # a dossier link goes to the entity a merge kept
        entity_ids = {
            k: edits.root(int(i)) for k, i in conn.execute(
                sa.select(t.entity.c.key, t.entity.c.id).where(t.entity.c.key.in_(keys))
            ).all()
        } if keys else {}
        ratings = activity.rating_summary(conn, article_id, ctx.user.id if ctx.user else None)
        threads = activity.comments(conn, article_id)
        reports = activity.reports(conn, article_id=article_id, limit=ctx.config.page_size_count)
        index = ReviewIndex(conn, "correction", [article_id])
        in_force = index.in_revision(article_id, current.id) if index else {}
    if not show_rejected:
        _hide_rejected(article, {pos for pos, r in in_force.items() if r.action == "reject"})
    machine = _correct_items(article, in_force)
    spans, panel = markup.annotations(article, entity_ids, evidence)
    for group, kind in PANEL_KINDS.items():
        for item in panel[group]:
            pos = (kind, item["start"], item["end"])
            review = in_force.get(pos)
            item["correction"] = review.to_dict() if review is not None else None
            if review is not None and review.action == "correct":
                item["machine"] = machine.get(pos) or {k: item.get(k) for k in review.fields}
                item.update(review.fields)
    view: dict[str, Any] = {
        "article": article,
        "revision": to_jsonable({"id": current.id, "seq": current.seq,
                                 "content_hash": current.content_hash,
                                 "read_at": current.read_at, "extractor": current.extractor}),
        "revisions": [to_jsonable({"id": r.id, "seq": r.seq, "read_at": r.read_at})
                      for r in revisions],
        "entity_ids": entity_ids,
        "panel": panel,
        "ratings": ratings,
        "comments": threads,
        "reports": reports,
        "corrections": [{"kind": k, "start": st, "end": en, **r.to_dict()}
                        for (k, st, en), r in sorted(in_force.items(), key=lambda x: x[0][1:])],
    }
    if with_segments:
        view["segments"] = segments(article.text, spans)
    return view


#: Article-contract lists (``serialize.article_to_dict``) and the item kind of their items.
JSON_KINDS = {"entities": "entity", "figures": "figure", "events": "event"}


def corrected_json(record: dict[str, Any], corrections: list[dict[str, Any]], *,
                   show_rejected: bool = False) -> dict[str, Any]:
    """Lay the corrections in force (``article_view(...)["corrections"]``) over an article
    record of the JSON contract: corrected values replace the machine's in ``entities``,
    ``figures`` and ``events`` (only the fields the contract has: an entity's new identity
    and a place's new match are in ``corrections``), rejected items are left out unless
    ``show_rejected``. Changes ``record`` in place; returns it."""
    by_pos = {(c["kind"], c["start"], c["end"]): c for c in corrections}
    if not by_pos:
        return record
    for group, kind in JSON_KINDS.items():
        kept = []
        for item in record.get(group, []):
            c = by_pos.get((kind, item.get("start"), item.get("end")))
            if c is not None and c["action"] == "reject" and not show_rejected:
                continue
            if c is not None:
                item.update({k: v for k, v in c["fields"].items() if k in item})
            kept.append(item)
        record[group] = kept
    for place in record.get("places", []):
        place["mentions"] = [m for m in place.get("mentions", []) if show_rejected or (
            by_pos.get(("place", m.get("start"), m.get("end"))) or {}).get("action") != "reject"]
    record["places"] = [p for p in record.get("places", []) if p["mentions"]]
    return record
