"""The search page: full-text search over titles and texts, with highlighted snippets."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...storage import schema as t
from ...watch.query import Node, all_of, expand_forms, stored_document, term_pattern, to_fts5, to_tsquery
from ..cache import cached
from ..security import http_url
from .common import SNIPPET_CHARS, Filters, has_table, iso, scope

#: Longest search query, in characters, and most terms used from it.
MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 12

_TERM = re.compile(r"\w+\*?")

__all__ = ["MAX_QUERY_CHARS", "MAX_QUERY_TERMS", "fts5_query", "highlight_snippet", "query_terms", "search",
           "search_uncached", "words_left_out"]

def query_terms(q: str) -> list[str]:
    """Words of a search query (Unicode word characters; a trailing ``*`` asks for a prefix
    match), at most :data:`MAX_QUERY_TERMS`."""
    return _TERM.findall(q[:MAX_QUERY_CHARS])[:MAX_QUERY_TERMS]


def words_left_out(q: str) -> int:
    """How many words of the query :func:`query_terms` leaves out (those past
    :data:`MAX_QUERY_CHARS` characters or :data:`MAX_QUERY_TERMS` words); 0 when none."""
    return max(0, len(_TERM.findall(q)) - len(query_terms(q)))


@lru_cache(maxsize=256)
def _tree(terms: tuple[str, ...]) -> Node:
    return expand_forms(all_of(terms))


def search_tree(terms: list[str]) -> Node:
    """The query of the search box: every term required, a Russian word standing for any of
    its inflected forms ("талибы" also finds "талибов"; :func:`newswatch.watch.query.expand_forms`,
    as saved rules do), a trailing ``*`` a prefix; words folded as the index folds them
    (lower case, ``ё`` -> ``е``)."""
    return _tree(tuple(terms))


def fts5_query(terms: list[str]) -> str:
    """The FTS5 MATCH expression of :func:`search_tree` (every term a quoted string, so no
    user input is read as FTS5 syntax)."""
    return to_fts5(search_tree(terms))


def highlight_snippet(text: str, terms: list[str], width: int = SNIPPET_CHARS) -> dict[str, Any]:
    """A window of ``text`` around the first match of the terms (any of their forms,
    :func:`search_tree`), with match offsets.

    Returns:
        ``{"text": window, "highlights": [[start, end], ...]}`` (offsets into the window).
    """
    pattern = term_pattern(search_tree(terms))
    first = pattern.search(text) if pattern else None
    center = first.start() if first else 0
    left = max(0, center - width // 3)
    if left:
        space = text.find(" ", left)
        left = space + 1 if 0 <= space < center else left
    window = text[left:left + width]
    prefix = "…" if left else ""
    suffix = "…" if left + width < len(text) else ""
    shown = prefix + window.replace("\n", " ") + suffix
    marks = [[m.start() + len(prefix), m.end() + len(prefix)] for m in pattern.finditer(window)] if pattern else []
    return {"text": shown, "highlights": marks}


def search(
    conn: Connection, f: Filters, q: str, *, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Full-text search (:func:`search_uncached`), one page of ``limit`` hits from ``offset``,
    cached per query, filter and page until the next write (:mod:`newswatch.web.cache`); do
    not mutate the answer."""
    return cached(conn, ("search", f, q, limit, offset),
                  lambda: search_uncached(conn, f, q, limit=limit, offset=offset))


def _prefer_text_index(conn: Connection) -> str:
    """On PostgreSQL with the stored documents (``revision_tsv``), switch sequential scans off
    for the rest of the transaction and return the former setting.

    The planner estimates an OR of a Russian word's forms, or a frequent word, at a few
    percent of the documents and then reads every document instead of the GIN index: 319 ms
    against 6 ms for a word with no hit, 225 against 22 ms for one in 16,341 of 72,720
    documents (2-core machine). The caller sets the former value back after its queries.
    """
    former = str(conn.scalar(sa.text("SELECT current_setting('enable_seqscan')")))
    conn.execute(sa.text("SELECT set_config('enable_seqscan', 'off', true)"))
    return former


def search_uncached(
    conn: Connection, f: Filters, q: str, *, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Full-text search over article titles and texts (latest revisions in scope).

    The query is :func:`search_tree` (every term required, Russian words in any inflected
    form). SQLite: the FTS5 index ``article_fts`` (BM25 ranking). PostgreSQL: the stored
    ``tsvector`` of each revision (``revision_tsv``, GIN index; computed per row on a database
    without it) ``@@ to_tsquery('simple', ...)``, ranked by ``ts_rank``. A SQLite build
    without FTS5: every term as a case-insensitive substring (``LIKE``; ASCII case folding only), newest first.

    Returns:
        ``{"q", "terms", "engine": "fts5"|"postgresql"|"like", "total", "items": [{"id",
        "title", "source", "published", "language", "url" (an http(s) address, else None),
        "revision_id", "snippet": {"text", "highlights"}}]}``.
    """
    terms = query_terms(q)
    restore: str | None = None  # the planner setting to put back (PostgreSQL's index hint)
    base = {"q": q, "terms": terms, "filters": f.to_dict()}
    if not terms:
        return {**base, "engine": None, "total": 0, "items": []}
    sc = scope(f, latest_table=True, materialized=False)
    a, r = t.article.c, t.revision.c
    if conn.dialect.name == "sqlite" and has_table(conn, "article_fts"):
        engine = "fts5"
        fts = sa.table("article_fts", sa.column("rowid"))
        match = sa.text("article_fts MATCH :fts_q").bindparams(fts_q=fts5_query(terms))
        hits = (
            sa.select(fts.c.rowid.label("revision_id"),
                      sa.literal_column("bm25(article_fts)").label("rank"))
            .where(match)
            .subquery()
        )
        joined = sa.select(sc.c.article_id, sc.c.revision_id, hits.c.rank).join(
            hits, hits.c.revision_id == sc.c.revision_id)
    elif conn.dialect.name == "postgresql":
        engine = "postgresql"
        doc, stored = stored_document(conn, a.title, r.text)
        query = sa.func.to_tsquery("simple", to_tsquery(search_tree(terms)))
        # ts_rank grows with relevance; negated so that ascending order ranks like bm25
        joined = sa.select(sc.c.article_id, sc.c.revision_id, (-sa.func.ts_rank(doc, query)).label("rank"))
        if stored is not None:
            joined = joined.join(stored, stored.c.revision_id == sc.c.revision_id)
            restore = _prefer_text_index(conn)
        else:
            joined = (joined.join(t.revision, r.id == sc.c.revision_id)
                      .join(t.article, a.id == sc.c.article_id))
        joined = joined.where(doc.op("@@")(query))
    else:
        engine = "like"
        conds = [sa.or_(sa.func.lower(r.text).contains(term.rstrip("*").lower(), autoescape=True),
                        sa.func.lower(a.title).contains(term.rstrip("*").lower(), autoescape=True))
                 for term in terms]
        joined = (
            sa.select(sc.c.article_id, sc.c.revision_id, sa.literal(0).label("rank"))
            .join(t.revision, r.id == sc.c.revision_id)
            .join(t.article, a.id == sc.c.article_id)
            .where(*conds)
        )
    matched = joined.subquery()
    total = conn.scalar(sa.select(sa.func.count()).select_from(matched))
    # The page is ranked first, over the matches' ids, rank and publication day only; the
    # texts and titles are read for its rows alone. Sorting every match with its text took
    # 78 of the 90 ms of a word found in 22,500 of 100,000 articles (SQLite, 2 cores).
    page = (
        sa.select(matched.c.article_id, matched.c.revision_id, matched.c.rank,
                  a.published.label("published"))
        .join(t.article, a.id == matched.c.article_id)
        .order_by(matched.c.rank, a.published.desc(), a.id)
        .limit(limit)
        .offset(offset)
        .subquery()
    )
    rows = conn.execute(
        sa.select(a.id, a.title, a.published, a.language, a.url, page.c.revision_id, r.text,
                  t.source.c.name.label("source"))
        .select_from(page)
        .join(t.article, a.id == page.c.article_id)
        .join(t.revision, r.id == page.c.revision_id)
        .outerjoin(t.source, t.source.c.id == a.source_id)
        .order_by(page.c.rank, page.c.published.desc(), page.c.article_id)
    ).all()
    if restore is not None:
        conn.execute(sa.text("SELECT set_config('enable_seqscan', :v, true)"), {"v": restore})
    return {
        **base,
        "engine": engine,
        "total": int(total or 0),
        "items": [
            {"id": x.id, "title": x.title, "source": x.source, "published": iso(x.published),
             "language": x.language, "url": http_url(x.url), "revision_id": int(x.revision_id),
             "snippet": highlight_snippet(x.text, terms)}
            for x in rows
        ],
    }
