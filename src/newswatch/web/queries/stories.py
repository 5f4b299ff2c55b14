"""The story pages: the list of story threads and one story (:mod:`newswatch.read.stories`),
JSON-ready, with addresses kept only when http(s) and the story's casualty tracker charted as
the tracker page charts it (:func:`newswatch.web.queries.tracker.tracker_view`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from ...read.stories import list_stories, story_detail, story_of
from ..security import http_url
from .common import Filters, has_table
from .tracker import tracker_view

__all__ = ["article_story", "story_list", "story_view"]


def story_list(conn: Connection, f: Filters, *, limit: int, offset: int = 0, single: bool = False
               ) -> dict[str, Any]:
    """Stories with an article in scope: :func:`newswatch.read.stories.list_stories` (stories
    of two articles or more unless ``single``), plus ``filters``."""
    if not has_table(conn, "story"):
        return {"total": 0, "items": [], "filters": f.to_dict()}
    data = list_stories(conn, f, min_articles=1 if single else 2, limit=limit, offset=offset)
    return {**data, "filters": f.to_dict()}


def story_view(conn: Connection, story_id: str, *, verifiers: int = 1) -> dict[str, Any] | None:
    """One story: :func:`newswatch.read.stories.story_detail` with article addresses kept only
    when http(s), and ``tracker`` replaced by the tracker page's data for the story (series
    charted). None when there is no such story."""
    if not has_table(conn, "story"):
        return None
    data = story_detail(conn, story_id, verifiers=verifiers)
    if data is None:
        return None
    for a in data["articles"]:
        a["url"] = http_url(a["url"])
    for group in data["claims"]:
        for c in group["claims"]:
            c["url"] = http_url(c.get("url"))
    data["tracker"] = tracker_view(conn, Filters(), story=story_id)
    return data


def article_story(conn: Connection, article_id: str) -> dict[str, Any] | None:
    """The story of an article, for the reader's link (None before the threads pass ran)."""
    if not has_table(conn, "story"):
        return None
    return story_of(conn, article_id)
