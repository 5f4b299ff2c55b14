"""Story threads as read by the dashboard, the API and the CLI (rows of the threads pass,
:mod:`newswatch.storage.threads`; the rule is :mod:`newswatch.situation.stories`).

* :func:`list_stories` — stories with at least one article in the scope, newest last day first;
* :func:`story_detail` — one story: its articles, its happenings (events grouped, through
  :func:`newswatch.read.workbench.list_events`), its claims (through the claims ledger,
  :func:`newswatch.read.situation.claim_groups`) and its casualty tracker
  (:func:`newswatch.read.tracker.tracker` with ``story``);
* :func:`story_of` — the story of an article (the reader links to it).

Nothing here writes.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..storage import schema as t
from ..storage import situation_schema as st
from .scope import Filters, scope

__all__ = ["list_stories", "story_detail", "story_of"]


def _story_row(r: Any) -> dict[str, Any]:
    return {"id": r.id, "title": r.title, "first_day": r.first_day, "last_day": r.last_day,
            "articles": int(r.article_count), "languages": list(r.languages or [])}


def list_stories(conn: Connection, f: Filters | None = None, *, min_articles: int = 2, limit: int = 50,
                 offset: int = 0) -> dict[str, Any]:
    """Stories with an article in scope.

    Args:
        conn: a read connection.
        f: the scope filter (None: everything).
        min_articles: leave out stories with fewer articles (1: single articles too).
        limit, offset: the page.

    Returns:
        ``{"total": n, "items": [{"id", "title", "first_day", "last_day", "articles" (count),
        "languages", "in_scope" (articles in scope)}]}``.
    """
    sc = scope(f or Filters())
    s, sm = st.story.c, st.story_member.c
    in_scope = (sa.select(sm.story_id, sa.func.count().label("n"))
                .where(sm.article_id.in_(sa.select(sc.c.article_id))).group_by(sm.story_id).subquery())
    stmt = (sa.select(st.story, in_scope.c.n).join(in_scope, in_scope.c.story_id == s.id)
            .where(s.article_count >= min_articles))
    total = conn.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    rows = conn.execute(stmt.order_by(s.last_day.is_(None), s.last_day.desc(), s.article_count.desc(), s.id)
                        .limit(limit).offset(offset)).all()
    return {"total": int(total or 0), "items": [{**_story_row(r), "in_scope": int(r.n)} for r in rows]}


def story_of(conn: Connection, article_id: str) -> dict[str, Any] | None:
    """The story of an article (``{"id", "title", "articles", ...}``), or None when the threads
    pass has not run since it was stored."""
    sm = st.story_member.c
    r = conn.execute(sa.select(st.story).join(st.story_member, sm.story_id == st.story.c.id)
                     .where(sm.article_id == article_id)).first()
    return _story_row(r) if r is not None else None


def story_detail(conn: Connection, story_id: str, *, verifiers: int = 1, event_limit: int = 200
                 ) -> dict[str, Any] | None:
    """One story (see the module docstring), or None when there is no such story.

    Returns:
        ``{"story": {...}, "articles": [{"id", "title", "published", "language", "source",
        "url", "similarity"}], "events": <list_events answer, one row per happening>,
        "claims": [<claim group dict>], "tracker": <Tracker.to_dict()>}``.
    """
    from .situation import claim_groups
    from .tracker import tracker
    from .workbench import EventQuery, list_events

    row = conn.execute(sa.select(st.story).where(st.story.c.id == story_id)).first()
    if row is None:
        return None
    a, sm = t.article.c, st.story_member.c
    articles = [{"id": r.id, "title": r.title, "published": r.published, "language": r.language,
                 "source": r.source, "url": r.url, "similarity": r.similarity}
                for r in conn.execute(
                    sa.select(a.id, a.title, a.published, a.language, a.url, sm.similarity,
                              t.source.c.name.label("source"))
                    .join(st.story_member, sm.article_id == a.id)
                    .outerjoin(t.source, t.source.c.id == a.source_id)
                    .where(sm.story_id == story_id)
                    .order_by(a.published.is_(None), a.published, a.id))]
    events = list_events(conn, Filters(), EventQuery(story=story_id, happenings=True, verifiers=verifiers),
                         limit=event_limit)
    sc = scope(Filters())
    kept = sa.select(sc.c.article_id, sc.c.revision_id).where(
        sc.c.article_id.in_(sa.select(sm.article_id).where(sm.story_id == story_id))).cte("story_scope")
    claims = [{**dataclasses.asdict(g), "conflicting": g.conflicting} for g in claim_groups(conn, scope=kept)]
    return {"story": _story_row(row), "articles": articles, "events": events, "claims": claims,
            "tracker": tracker(conn, story=story_id).to_dict()}
