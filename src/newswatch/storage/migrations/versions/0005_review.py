"""Analysts' review: corrections beside the machine output, verification of events and claims.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

Adds the tables of ``newswatch.storage.review_schema`` (a frozen copy here): ``correction``
and ``verification``, append-only logs keyed by an item's stable identity (article, kind,
offsets and quote selector), never by a machine row's id. Nothing is dropped or rewritten.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
_TS = sa.DateTime(timezone=True)


def _anchor(table: str) -> list[Any]:
    return [
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.Text,
                  sa.ForeignKey("article.id", name=f"fk_{table}_article_id_article"),
                  nullable=False),
        sa.Column("revision_id", _ID,
                  sa.ForeignKey("revision.id", name=f"fk_{table}_revision_id_revision"),
                  nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("exact", sa.Text, nullable=False),
        sa.Column("prefix", sa.Text, nullable=False),
        sa.Column("suffix", sa.Text, nullable=False),
    ]


def _user(table: str) -> sa.Column[Any]:
    return sa.Column("user_id", _ID,
                     sa.ForeignKey("app_user.id", name=f"fk_{table}_user_id_app_user"),
                     nullable=False)


def upgrade() -> None:
    """Create the correction and verification tables."""
    op.create_table(
        "correction",
        *_anchor("correction"),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("fields", _JSON),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("report_id", _ID,
                  sa.ForeignKey("error_report.id", name="fk_correction_report_id_error_report")),
        _user("correction"),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_correction"),
        sa.CheckConstraint("kind IN ('entity', 'place', 'figure', 'event')",
                           name="ck_correction_kind"),
        sa.CheckConstraint("action IN ('correct', 'reject')", name="ck_correction_action"),
    )
    op.create_index("ix_correction_article_id", "correction", ["article_id"])
    op.create_index("ix_correction_report_id", "correction", ["report_id"])
    op.create_table(
        "verification",
        *_anchor("verification"),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        _user("verification"),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_verification"),
        sa.CheckConstraint("kind IN ('event', 'claim')", name="ck_verification_kind"),
        sa.CheckConstraint("status IN ('unverified', 'verified', 'disputed')",
                           name="ck_verification_status"),
    )
    op.create_index("ix_verification_article_id", "verification", ["article_id"])


def downgrade() -> None:
    """Not supported: newswatch migrations are forward-only."""
    raise NotImplementedError("newswatch migrations are forward-only")
