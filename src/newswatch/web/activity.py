"""Reader activity on articles: ratings with Admiralty grades, threaded comments, error reports.

Framework-free functions over the store's engine; the web routes call them after checking
who may do what. Texts written by users are stored as given (they are escaped on output).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..errors import ArticleNotFound
from ..read.corrections import anchor
from ..storage import schema as t
from ..storage.engine import inserted_id, write_transaction
from ..storage.reader_schema import (
    CREDIBILITY_GRADES,
    RELIABILITY_GRADES,
    REPORT_KINDS,
    REPORT_STATUSES,
    app_user,
    comment,
    error_report,
    rating,
)
from .errors import (
    CommentTooLong,
    InvalidInput,
    NoteTooLong,
    NotFound,
    SelectionNotFound,
    SelectionTooLong,
)
from .users import User

#: Characters of context kept on each side of a selection (the W3C TextQuoteSelector's
#: prefix and suffix); 32 is what the Hypothesis annotator keeps, enough to re-anchor a
#: short quote after the text shifts.
QUOTE_CONTEXT_CHARS = 32
#: Deepest reply nesting rendered; deeper replies are shown at this depth.
MAX_THREAD_DEPTH = 6


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()


def require_article(conn: Connection, article_id: str) -> None:
    """Raise :class:`ArticleNotFound` unless the article is stored."""
    found = conn.scalar(sa.select(t.article.c.id).where(t.article.c.id == article_id))
    if found is None:
        raise ArticleNotFound(f"no stored article {article_id!r}", article_id)


# -- ratings ------------------------------------------------------------------------------


def rate(
    engine: Engine,
    article_id: str,
    user: User,
    *,
    stars: int | None = None,
    reliability: str | None = None,
    credibility: int | None = None,
) -> dict[str, Any]:
    """Record (or change) a user's rating and grades of an article.

    Only the parts given are changed; the others keep their stored values.

    Args:
        engine: the store's engine.
        article_id: the article.
        user: the signed-in user (the caller checks that an analyst gives grades).
        stars: 1–5.
        reliability: Admiralty source reliability ``A``–``F``.
        credibility: Admiralty information credibility 1–6.

    Returns:
        :func:`rating_summary` for the article and this user.

    Raises:
        ArticleNotFound: no such article.
        InvalidInput: a value out of range, or nothing given.
    """
    if stars is None and reliability is None and credibility is None:
        raise InvalidInput("give stars, reliability or credibility", params={"field": "stars"})
    if stars is not None and not 1 <= stars <= 5:
        raise InvalidInput("stars must be 1 to 5", params={"field": "stars"})
    if reliability is not None:
        reliability = reliability.upper()
        if reliability not in RELIABILITY_GRADES:
            raise InvalidInput("reliability must be A to F", params={"field": "reliability"})
    if credibility is not None and credibility not in CREDIBILITY_GRADES:
        raise InvalidInput("credibility must be 1 to 6", params={"field": "credibility"})
    given = {
        k: v
        for k, v in (("stars", stars), ("reliability", reliability), ("credibility", credibility))
        if v is not None
    }
    with write_transaction(engine) as conn:
        require_article(conn, article_id)
        mine = rating.c.article_id == article_id, rating.c.user_id == user.id
        existing = conn.scalar(sa.select(rating.c.id).where(*mine))
        if existing is None:
            conn.execute(
                sa.insert(rating),
                {"article_id": article_id, "user_id": user.id, "updated_at": _now(), **given},
            )
        else:
            conn.execute(sa.update(rating).where(rating.c.id == existing).values(
                updated_at=_now(), **given))
        return rating_summary(conn, article_id, user.id)


def rating_summary(conn: Connection, article_id: str, user_id: int | None = None) -> dict[str, Any]:
    """Ratings of an article.

    Returns:
        ``{"average": float|None (1–5, two decimals), "count": n, "stars": {"1".."5": n},
        "reliability": {"A".."F": n}, "credibility": {"1".."6": n},
        "admiralty": "B2"|None (the most frequent grades), "mine": {"stars", "reliability",
        "credibility"}|None}``.
    """
    rows = conn.execute(
        sa.select(rating.c.user_id, rating.c.stars, rating.c.reliability, rating.c.credibility)
        .where(rating.c.article_id == article_id)
    ).all()
    stars = [r.stars for r in rows if r.stars is not None]
    rel = Counter(r.reliability for r in rows if r.reliability)
    cred = Counter(r.credibility for r in rows if r.credibility)
    mine = next((r for r in rows if user_id is not None and r.user_id == user_id), None)
    top_rel = min(rel, key=lambda g: (-rel[g], g)) if rel else None
    top_cred = min(cred, key=lambda g: (-cred[g], g)) if cred else None
    return {
        "average": round(sum(stars) / len(stars), 2) if stars else None,
        "count": len(stars),
        "stars": {str(n): stars.count(n) for n in range(1, 6)},
        "reliability": {g: rel.get(g, 0) for g in RELIABILITY_GRADES},
        "credibility": {str(g): cred.get(g, 0) for g in CREDIBILITY_GRADES},
        "admiralty": f"{top_rel or '?'}{top_cred or '?'}" if (top_rel or top_cred) else None,
        "mine": (
            {"stars": mine.stars, "reliability": mine.reliability, "credibility": mine.credibility}
            if mine is not None
            else None
        ),
    }


# -- comments -----------------------------------------------------------------------------


def add_comment(
    engine: Engine,
    article_id: str,
    user: User,
    body: str,
    *,
    parent_id: int | None = None,
    max_chars: int,
) -> dict[str, Any]:
    """Add a comment (a reply when ``parent_id`` is given).

    Returns:
        The comment as :func:`comments` lists it (without replies).

    Raises:
        ArticleNotFound: no such article.
        InvalidInput: an empty body, or one of invisible characters only
            (:func:`~newswatch.web.security.visible`).
        CommentTooLong: more than ``max_chars`` characters.
        NotFound: the parent is not a comment on this article.
    """
    from .security import clean_comment, visible

    body = clean_comment(body).strip()  # no NUL or control characters are stored
    if not visible(body):  # nothing, or only zero-width spaces, joiners, direction controls
        raise InvalidInput("a comment cannot be empty", params={"field": "body"})
    if len(body) > max_chars:
        raise CommentTooLong(
            f"a comment has at most {max_chars} characters", params={"limit": max_chars}
        )
    with write_transaction(engine) as conn:
        require_article(conn, article_id)
        if parent_id is not None:
            parent = conn.scalar(
                sa.select(comment.c.id).where(
                    comment.c.id == parent_id, comment.c.article_id == article_id
                )
            )
            if parent is None:
                raise NotFound(f"no comment {parent_id} on this article")
        now = _now()
        new_id = inserted_id(conn.execute(
            sa.insert(comment),
            {"article_id": article_id, "user_id": user.id, "parent_id": parent_id,
             "body": body, "created_at": now},
        ))
    return {"id": int(new_id), "parent_id": parent_id, "author": user.name, "body": body,
            "created_at": _iso(now), "replies": []}


def comments(conn: Connection, article_id: str) -> list[dict[str, Any]]:
    """Comment threads of an article, oldest first.

    Returns:
        Top-level comments ``{"id", "parent_id", "author", "body", "created_at", "depth",
        "replies": [...]}`` with replies nested (``depth`` 0 at the top).
    """
    rows = conn.execute(
        sa.select(comment.c.id, comment.c.parent_id, comment.c.body, comment.c.created_at,
                  app_user.c.name.label("author"))
        .join(app_user, app_user.c.id == comment.c.user_id)
        .where(comment.c.article_id == article_id)
        .order_by(comment.c.created_at, comment.c.id)
    ).all()
    nodes = {
        int(r.id): {"id": int(r.id), "parent_id": r.parent_id, "author": r.author,
                    "body": r.body, "created_at": _iso(r.created_at), "replies": []}
        for r in rows
    }
    roots: list[dict[str, Any]] = []
    for node in nodes.values():
        parent = nodes.get(node["parent_id"]) if node["parent_id"] is not None else None
        (parent["replies"] if parent is not None else roots).append(node)

    def depth(items: list[dict[str, Any]], level: int) -> None:
        for item in items:
            item["depth"] = min(level, MAX_THREAD_DEPTH)
            depth(item["replies"], level + 1)

    depth(roots, 0)
    return roots


def flatten_threads(threads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Threads as a flat list in reading order (each item keeps its ``depth``)."""
    out: list[dict[str, Any]] = []
    for item in threads:
        out.append(item)
        out.extend(flatten_threads(item["replies"]))
    return out


# -- error reports ------------------------------------------------------------------------


def _sentence_bounds(sentences: list[list[int]], text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the sentence(s) covering ``[start, end)``; paragraph bounds when unknown."""
    first = next((s for s in sentences if s[0] <= start < s[1]), None)
    last = next((s for s in sentences if s[0] < end <= s[1]), None)
    if first is not None and last is not None:
        return first[0], last[1]
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    return left, len(text) if right < 0 else right


def report_error(
    engine: Engine,
    article_id: str,
    user: User,
    *,
    revision_id: int,
    exact: str,
    start: int,
    end: int,
    kind: str,
    note: str = "",
    prefix: str = "",
    suffix: str = "",
    max_selection_chars: int,
    max_note_chars: int,
) -> dict[str, Any]:
    """Store a reader's error report on a passage of one revision.

    The selection is checked against the revision text: the position selector when
    ``text[start:end] == exact``, else the quote selector (``exact`` with its ``prefix`` and
    ``suffix``) re-anchors it. The stored prefix, suffix and sentence come from the text.

    Args:
        engine: the store's engine.
        article_id: the article.
        user: the reporting user.
        revision_id: the revision the reader saw.
        exact: the selected text.
        start, end: its code-point offsets in the revision text (end exclusive).
        kind: one of :data:`~newswatch.storage.reader_schema.REPORT_KINDS`.
        note: the reader's explanation.
        prefix, suffix: text just before and after the selection, as the reader saw it.
        max_selection_chars: longest selection accepted.
        max_note_chars: longest note accepted.

    Returns:
        The report as :func:`reports` lists it.

    Raises:
        SelectionTooLong: ``exact`` is longer than ``max_selection_chars`` (checked first).
        InvalidInput: empty selection or unknown kind.
        NoteTooLong: the note is longer than ``max_note_chars``.
        ArticleNotFound: no such article; NotFound: the revision is not this article's.
        SelectionNotFound: the selection is not in the revision text.
    """
    if len(exact) > max_selection_chars:
        raise SelectionTooLong(
            f"the selection has {len(exact)} characters; at most {max_selection_chars}",
            params={"limit": max_selection_chars, "length": len(exact)},
        )
    if not exact.strip():
        raise InvalidInput("select the text to report", params={"field": "exact"})
    if kind not in REPORT_KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(REPORT_KINDS)}", params={"field": "kind"})
    from .security import clean_comment

    note = clean_comment(note).strip()  # no NUL or control characters are stored
    if len(note) > max_note_chars:
        raise NoteTooLong(f"a note has at most {max_note_chars} characters",
                          params={"limit": max_note_chars})
    with write_transaction(engine) as conn:
        require_article(conn, article_id)
        rev = conn.execute(
            sa.select(t.revision.c.text, t.revision.c.sentences).where(
                t.revision.c.id == revision_id, t.revision.c.article_id == article_id
            )
        ).first()
        if rev is None:
            raise NotFound(f"no revision {revision_id} of article {article_id!r}")
        text = rev.text
        at = anchor(text, exact, prefix, suffix, start, end)
        if at is None:
            raise SelectionNotFound("the selected text is not in this revision")
        start, end = at, at + len(exact)
        sentences = rev.sentences if isinstance(rev.sentences, list) else json.loads(rev.sentences)
        s_start, s_end = _sentence_bounds(sentences, text, start, end)
        now = _now()
        row = {
            "article_id": article_id,
            "revision_id": revision_id,
            "user_id": user.id,
            "exact": exact,
            "prefix": text[max(0, start - QUOTE_CONTEXT_CHARS):start],
            "suffix": text[end:end + QUOTE_CONTEXT_CHARS],
            "start": start,
            "end": end,
            "sentence": text[s_start:s_end],
            "sentence_start": s_start,
            "sentence_end": s_end,
            "kind": kind,
            "note": note,
            "status": "open",
            "created_at": now,
        }
        new_id = inserted_id(conn.execute(sa.insert(error_report), row))
        return _reports_query(conn, report_id=int(new_id))[0]


def _reports_query(
    conn: Connection,
    *,
    report_id: int | None = None,
    status: str | None = None,
    article_id: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    resolver = app_user.alias("resolver")
    r = error_report.c
    stmt = (
        sa.select(
            error_report,
            app_user.c.name.label("author"),
            resolver.c.name.label("resolver"),
            t.article.c.title,
        )
        .join(app_user, app_user.c.id == r.user_id)
        .outerjoin(resolver, resolver.c.id == r.resolved_by)
        .join(t.article, t.article.c.id == r.article_id)
        .order_by(r.created_at.desc(), r.id.desc())
    )
    if report_id is not None:
        stmt = stmt.where(r.id == report_id)
    if status is not None:
        stmt = stmt.where(r.status == status)
    if article_id is not None:
        stmt = stmt.where(r.article_id == article_id)
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    return [
        {
            "id": int(x.id),
            "article_id": x.article_id,
            "article_title": x.title,
            "revision_id": int(x.revision_id),
            "author": x.author,
            "selector": {
                "quote": {"type": "TextQuoteSelector", "exact": x.exact, "prefix": x.prefix,
                          "suffix": x.suffix},
                "position": {"type": "TextPositionSelector", "start": x.start, "end": x.end},
            },
            "sentence": x.sentence,
            "kind": x.kind,
            "note": x.note,
            "status": x.status,
            "created_at": _iso(x.created_at),
            "resolved_at": _iso(x.resolved_at),
            "resolved_by": x.resolver,
            "resolution": x.resolution,
        }
        for x in conn.execute(stmt).all()
    ]


def reports(
    conn: Connection,
    *,
    report_id: int | None = None,
    status: str | None = None,
    article_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Error reports, newest first.

    Returns:
        ``[{"id", "article_id", "article_title", "revision_id", "author", "selector":
        {"quote": {TextQuoteSelector}, "position": {TextPositionSelector}}, "sentence",
        "kind", "note", "status", "created_at", "resolved_at", "resolved_by",
        "resolution"}]``.

    Raises:
        InvalidInput: unknown status.
    """
    if status is not None and status not in REPORT_STATUSES:
        raise InvalidInput("status must be open or resolved", params={"field": "status"})
    return _reports_query(conn, report_id=report_id, status=status, article_id=article_id,
                          limit=limit, offset=offset)


def count_reports(conn: Connection, status: str = "open") -> int:
    """Number of reports with ``status``."""
    return int(conn.scalar(
        sa.select(sa.func.count()).select_from(error_report).where(error_report.c.status == status)
    ) or 0)


def resolve_report(
    engine: Engine, report_id: int, user: User, *, resolution: str = "", max_note_chars: int
) -> dict[str, Any]:
    """Mark a report resolved by ``user`` (resolving twice keeps the first resolution).

    Raises:
        NotFound: no such report.
        NoteTooLong: the resolution note is too long.
    """
    from .security import clean_comment

    resolution = clean_comment(resolution).strip()  # as comments: no NUL or controls stored
    if len(resolution) > max_note_chars:
        raise NoteTooLong(f"a note has at most {max_note_chars} characters",
                          params={"limit": max_note_chars})
    with write_transaction(engine) as conn:
        status = conn.scalar(sa.select(error_report.c.status).where(error_report.c.id == report_id))
        if status is None:
            raise NotFound(f"no error report {report_id}")
        if status == "open":
            conn.execute(
                sa.update(error_report).where(error_report.c.id == report_id).values(
                    status="resolved", resolved_at=_now(), resolved_by=user.id,
                    resolution=resolution)
            )
        return _reports_query(conn, report_id=report_id)[0]
