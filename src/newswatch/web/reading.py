"""The article reader's data, shared by the reader page and ``GET /api/articles/{id}``."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..storage import schema as t
from ..storage.mapping import entity_key, to_jsonable
from . import activity, markup
from .deps import Ctx
from .markup import segments


def article_view(
    ctx: Ctx, article_id: str, revision_id: int | None = None,
    evidence: tuple[int, int] | None = None, *, with_segments: bool = False,
) -> dict[str, Any]:
    """Load one article revision with everything the reader shows.

    Args:
        ctx: the request context.
        article_id: the article.
        revision_id: a revision of it (default: the latest).
        evidence: ``(start, end)`` to mark as evidence (a link from the map or a list).
        with_segments: also cut the text into highlighted segments (the page needs them).

    Returns:
        ``{"article": Article, "revision": RevisionInfo dict, "revisions": [...],
        "entity_ids": {key: id}, "panel": {...}, "segments": [...] (when asked),
        "ratings", "comments", "reports"}``.

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
        entity_ids = {
            k: int(i) for k, i in conn.execute(
                sa.select(t.entity.c.key, t.entity.c.id).where(t.entity.c.key.in_(keys))
            ).all()
        } if keys else {}
        ratings = activity.rating_summary(conn, article_id, ctx.user.id if ctx.user else None)
        threads = activity.comments(conn, article_id)
        reports = activity.reports(conn, article_id=article_id, limit=ctx.config.page_size_count)
    spans, panel = markup.annotations(article, entity_ids, evidence)
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
    }
    if with_segments:
        view["segments"] = segments(article.text, spans)
    return view
