"""Tables for reader activity: users and their sessions, ratings, comments, error reports.

They follow the "Reader activity" part of the design note ``DATA-MODEL.md`` and are defined
on the store's own :data:`newswatch.storage.schema_base.metadata` (this module imports only
``schema_base``; ``schema.py`` imports this module so that its ``metadata`` is complete), so
the migration check covers them like every other table. Migration
``0002`` creates them, and on SQLite also the full-text index described below.

* ``app_user``: a user with a role (``reader``, ``analyst``, ``admin``); the password is kept
  only as an Argon2id hash (PHC string). The table is not called ``user``, a reserved word in
  PostgreSQL.
* ``user_session``: a signed-in browser. The cookie carries a random token; only its SHA-256
  digest is stored, with the session's CSRF token and its expiry.
* ``rating``: one row per (article, user): 1–5 stars, and the Admiralty (NATO AJP-2.1
  "source and information evaluation") grades an analyst gives: ``reliability`` of the
  source A–F and ``credibility`` of the information 1–6. Each part may be absent.
* ``comment``: threaded comments (``parent_id``) on an article.
* ``error_report``: a reader's report on a passage of one revision, stored the way the W3C
  Web Annotation Data Model stores a selection: a *TextQuoteSelector* (``exact``, ``prefix``,
  ``suffix``) that survives a re-extraction shifting offsets, and a *TextPositionSelector*
  (``start``, ``end``: code-point offsets into the revision text, end exclusive), plus the
  containing sentence, the reader's note and kind, and the triage status.

Full-text search (SQLite only): :data:`FTS_TABLE` is an FTS5 table without stored content
(``content=''``) whose rowid is ``revision.id`` and whose columns are the article title and the
revision text with ``ё`` folded to ``е``, tokenised by ``unicode61`` with
``remove_diacritics 2`` (Latin and Cyrillic letters are case-folded, Latin diacritics removed).
A trigger indexes every new revision. It is derived data: not in :data:`metadata`, rebuilt by migration ``0002`` from
the revisions. PostgreSQL keeps the same document as a ``tsvector`` per revision in
:data:`PG_TSV_TABLE` under a GIN index (migration ``0010``, also filled by a trigger).
"""

from __future__ import annotations

import sqlalchemy as sa

from .schema_base import Id, Timestamp, metadata

#: Roles, least to most privileged.
ROLES = ("reader", "analyst", "admin")
#: Admiralty source-reliability grades (A completely reliable ... E unreliable, F cannot be
#: judged) and information-credibility grades (1 confirmed ... 5 improbable, 6 cannot be
#: judged), as in NATO AJP-2.1 / US FM 2-22.3 appendix B.
RELIABILITY_GRADES = ("A", "B", "C", "D", "E", "F")
CREDIBILITY_GRADES = (1, 2, 3, 4, 5, 6)
#: What an error report says is wrong.
REPORT_KINDS = ("wrong-entity", "wrong-place", "wrong-figure", "wrong-date", "typo", "other")
REPORT_STATUSES = ("open", "resolved")

#: The FTS5 index of revision texts (SQLite only; not part of :data:`metadata`).
FTS_TABLE = "article_fts"
#: Tables SQLite creates for :data:`FTS_TABLE` (FTS5 shadow tables of a contentless table).
FTS_SHADOW_TABLES = tuple(f"{FTS_TABLE}_{s}" for s in ("data", "idx", "docsize", "config"))
#: The PostgreSQL full-text index (migration ``0010``): ``revision_id``, ``document`` (the
#: ``tsvector`` of :func:`newswatch.watch.query.ts_document`), GIN-indexed, filled by a trigger
#: on every new revision (PostgreSQL only; not part of :data:`metadata`).
PG_TSV_TABLE = "revision_tsv"
#: Tables that are derived indexes, not rows of :data:`metadata` (SQLite's FTS5 tables,
#: PostgreSQL's stored documents).
DERIVED_TABLES = (FTS_TABLE, *FTS_SHADOW_TABLES, PG_TSV_TABLE)


def _in(column: str, values: tuple[object, ...]) -> str:
    listed = ", ".join(repr(v) for v in values)
    return f"{column} IN ({listed})"


app_user = sa.Table(
    "app_user",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.CheckConstraint(_in("role", ROLES), name="role"),
)

user_session = sa.Table(
    "user_session",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.Text, nullable=False, unique=True),  # SHA-256 hex of the token
    sa.Column("user_id", Id, sa.ForeignKey("app_user.id"), nullable=False, index=True),
    sa.Column("csrf_token", sa.Text, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("expires_at", Timestamp, nullable=False, index=True),
)

rating = sa.Table(
    "rating",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.Text, sa.ForeignKey("article.id"), nullable=False, index=True),
    sa.Column("user_id", Id, sa.ForeignKey("app_user.id"), nullable=False, index=True),
    sa.Column("stars", sa.Integer),  # 1..5
    sa.Column("reliability", sa.Text),  # Admiralty A..F (the source)
    sa.Column("credibility", sa.Integer),  # Admiralty 1..6 (the information)
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.UniqueConstraint("article_id", "user_id"),
    sa.CheckConstraint("stars IS NULL OR (stars >= 1 AND stars <= 5)", name="stars"),
    sa.CheckConstraint(
        "reliability IS NULL OR " + _in("reliability", RELIABILITY_GRADES), name="reliability"
    ),
    sa.CheckConstraint(
        "credibility IS NULL OR (credibility >= 1 AND credibility <= 6)", name="credibility"
    ),
)

comment = sa.Table(
    "comment",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.Text, sa.ForeignKey("article.id"), nullable=False, index=True),
    sa.Column("user_id", Id, sa.ForeignKey("app_user.id"), nullable=False, index=True),
    sa.Column("parent_id", Id, sa.ForeignKey("comment.id"), index=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
)

error_report = sa.Table(
    "error_report",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.Text, sa.ForeignKey("article.id"), nullable=False, index=True),
    sa.Column("revision_id", Id, sa.ForeignKey("revision.id"), nullable=False, index=True),
    sa.Column("user_id", Id, sa.ForeignKey("app_user.id"), nullable=False, index=True),
    # W3C Web Annotation TextQuoteSelector
    sa.Column("exact", sa.Text, nullable=False),
    sa.Column("prefix", sa.Text, nullable=False),
    sa.Column("suffix", sa.Text, nullable=False),
    # W3C Web Annotation TextPositionSelector (code points, end exclusive)
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("sentence", sa.Text, nullable=False),
    sa.Column("sentence_start", sa.Integer, nullable=False),
    sa.Column("sentence_end", sa.Integer, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False, index=True),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("resolved_at", Timestamp),
    sa.Column("resolved_by", Id, sa.ForeignKey("app_user.id")),
    sa.Column("resolution", sa.Text),
    sa.CheckConstraint(_in("kind", REPORT_KINDS), name="kind"),
    sa.CheckConstraint(_in("status", REPORT_STATUSES), name="status"),
)

READER_TABLES = (app_user, user_session, rating, comment, error_report)
