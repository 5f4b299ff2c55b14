"""Reader activity (users, sessions, ratings, comments, error reports) and full-text search.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

Adds the tables of ``newswatch.storage.reader_schema`` (a frozen copy here) and, on SQLite
builds with FTS5, the contentless FTS5 index ``article_fts`` over article titles and revision
texts (``ё`` folded to ``е``) with a trigger that indexes each new revision; existing
revisions are indexed here.
Nothing is dropped or rewritten.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)

#: Tokeniser of the full-text index: Unicode 6.1 word rules, case folding for Latin and
#: Cyrillic, Latin diacritics removed. It keeps ``ё`` apart from ``е``, so the indexed text is
#: folded first (:data:`FOLD_YO`) and so are query terms (``newswatch.web.queries``).
FTS_TOKENIZE = "unicode61 remove_diacritics 2"


def _fold_yo(expr: str) -> str:
    """SQL folding ``ё``/``Ё`` to ``е``/``Е`` (Russian texts write both for the same word)."""
    return f"replace(replace({expr}, 'ё', 'е'), 'Ё', 'Е')"


def _pk() -> sa.Column[Any]:
    return sa.Column("id", _ID, primary_key=True, autoincrement=True)


def _fk(table: str, column: str, target: str, *, nullable: bool = False) -> sa.Column[Any]:
    ref_table = target.split(".")[0]
    kind = sa.Text if ref_table == "article" else _ID
    return sa.Column(
        column,
        kind,
        sa.ForeignKey(target, name=f"fk_{table}_{column}_{ref_table}"),
        nullable=nullable,
    )


def _index(table: str, *columns: str, unique: bool = False) -> None:
    op.create_index(f"ix_{table}_{'_'.join(columns)}", table, list(columns), unique=unique)


def upgrade() -> None:
    """Create the reader tables and, on SQLite, the FTS5 index."""
    op.create_table(
        "app_user",
        _pk(),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_app_user"),
        sa.UniqueConstraint("name", name="uq_app_user_name"),
        sa.CheckConstraint("role IN ('reader', 'analyst', 'admin')", name="ck_app_user_role"),
    )
    op.create_table(
        "user_session",
        _pk(),
        sa.Column("token_hash", sa.Text, nullable=False),
        _fk("user_session", "user_id", "app_user.id"),
        sa.Column("csrf_token", sa.Text, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_user_session"),
        sa.UniqueConstraint("token_hash", name="uq_user_session_token_hash"),
    )
    _index("user_session", "user_id")
    _index("user_session", "expires_at")

    op.create_table(
        "rating",
        _pk(),
        _fk("rating", "article_id", "article.id"),
        _fk("rating", "user_id", "app_user.id"),
        sa.Column("stars", sa.Integer),
        sa.Column("reliability", sa.Text),
        sa.Column("credibility", sa.Integer),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rating"),
        sa.UniqueConstraint("article_id", "user_id", name="uq_rating_article_id_user_id"),
        sa.CheckConstraint("stars IS NULL OR (stars >= 1 AND stars <= 5)", name="ck_rating_stars"),
        sa.CheckConstraint(
            "reliability IS NULL OR reliability IN ('A', 'B', 'C', 'D', 'E', 'F')",
            name="ck_rating_reliability",
        ),
        sa.CheckConstraint(
            "credibility IS NULL OR (credibility >= 1 AND credibility <= 6)",
            name="ck_rating_credibility",
        ),
    )
    _index("rating", "article_id")
    _index("rating", "user_id")

    op.create_table(
        "comment",
        _pk(),
        _fk("comment", "article_id", "article.id"),
        _fk("comment", "user_id", "app_user.id"),
        _fk("comment", "parent_id", "comment.id", nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_comment"),
    )
    _index("comment", "article_id")
    _index("comment", "user_id")
    _index("comment", "parent_id")

    op.create_table(
        "error_report",
        _pk(),
        _fk("error_report", "article_id", "article.id"),
        _fk("error_report", "revision_id", "revision.id"),
        _fk("error_report", "user_id", "app_user.id"),
        sa.Column("exact", sa.Text, nullable=False),
        sa.Column("prefix", sa.Text, nullable=False),
        sa.Column("suffix", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("sentence", sa.Text, nullable=False),
        sa.Column("sentence_start", sa.Integer, nullable=False),
        sa.Column("sentence_end", sa.Integer, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("resolved_at", _TS),
        _fk("error_report", "resolved_by", "app_user.id", nullable=True),
        sa.Column("resolution", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_error_report"),
        sa.CheckConstraint(
            "kind IN ('wrong-entity', 'wrong-place', 'wrong-figure', 'wrong-date', 'typo', "
            "'other')",
            name="ck_error_report_kind",
        ),
        sa.CheckConstraint("status IN ('open', 'resolved')", name="ck_error_report_status"),
    )
    _index("error_report", "article_id")
    _index("error_report", "revision_id")
    _index("error_report", "user_id")
    _index("error_report", "status")

    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and _has_fts5(bind):
        _create_sqlite_fts()


def _has_fts5(bind: sa.Connection) -> bool:
    options = {row[0] for row in bind.exec_driver_sql("PRAGMA compile_options")}
    return "ENABLE_FTS5" in options


def _create_sqlite_fts() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE article_fts USING fts5("
        f"title, body, content='', tokenize='{FTS_TOKENIZE}')"
    )
    new_title = _fold_yo("COALESCE((SELECT title FROM article WHERE id = new.article_id), '')")
    op.execute(
        "CREATE TRIGGER article_fts_revision_insert AFTER INSERT ON revision BEGIN "
        f"INSERT INTO article_fts(rowid, title, body) VALUES (new.id, {new_title}, "
        f"{_fold_yo('new.text')}); END"
    )
    title = _fold_yo("COALESCE(article.title, '')")
    op.execute(
        "INSERT INTO article_fts(rowid, title, body) "
        f"SELECT revision.id, {title}, {_fold_yo('revision.text')} "
        "FROM revision JOIN article ON article.id = revision.article_id"
    )


def downgrade() -> None:
    """Not supported: dropping these tables would drop every user, rating and report."""
    raise NotImplementedError("newswatch migrations are forward-only")
