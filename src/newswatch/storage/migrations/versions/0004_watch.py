"""Watch loop: followed sources, URLs seen, saved rules, alerts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

Adds the tables of ``newswatch.storage.watch_schema`` (a frozen copy here): ``watch_source``,
``watch_seen``, ``watch_rule``, ``watch_alert``, ``watch_delivery``, ``watch_digest``.
Nothing existing is changed.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
_TS = sa.DateTime(timezone=True)


def _pk() -> sa.Column[Any]:
    return sa.Column("id", _ID, primary_key=True, autoincrement=True)


def _index(table: str, *columns: str, unique: bool = False) -> None:
    op.create_index(f"ix_{table}_{'_'.join(columns)}", table, list(columns), unique=unique)


def upgrade() -> None:
    """Create the six watch tables."""
    op.create_table(
        "watch_source",
        _pk(),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("feed_url", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("language", sa.Text),
        sa.Column("every_seconds", sa.Integer, nullable=False),
        sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("added_at", _TS, nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("body_hash", sa.Text),
        sa.Column("last_fetch_at", _TS),
        sa.Column("last_status", sa.Text),
        sa.Column("last_new_at", _TS),
        sa.Column("errors_in_row", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("next_fetch_at", _TS),
        sa.Column("items_ingested", sa.Integer, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name="pk_watch_source"),
        sa.UniqueConstraint("url", name="uq_watch_source_url"),
    )
    _index("watch_source", "next_fetch_at")

    op.create_table(
        "watch_seen",
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("source_id", _ID, sa.ForeignKey(
            "watch_source.id", name="fk_watch_seen_source_id_watch_source", ondelete="SET NULL")),
        sa.Column("article_id", sa.Text),
        sa.Column("first_seen", _TS, nullable=False),
        sa.PrimaryKeyConstraint("url", name="pk_watch_seen"),
    )
    _index("watch_seen", "source_id")

    op.create_table(
        "watch_rule",
        _pk(),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("filters", _JSON, nullable=False),
        sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_watch_rule"),
        sa.UniqueConstraint("name", name="uq_watch_rule_name"),
    )

    op.create_table(
        "watch_alert",
        _pk(),
        sa.Column("rule_id", _ID, sa.ForeignKey(
            "watch_rule.id", name="fk_watch_alert_rule_id_watch_rule", ondelete="CASCADE"),
            nullable=False),
        sa.Column("article_id", sa.Text, sa.ForeignKey(
            "article.id", name="fk_watch_alert_article_id_article"), nullable=False),
        sa.Column("revision_id", _ID, sa.ForeignKey(
            "revision.id", name="fk_watch_alert_revision_id_revision"), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("evidence", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_watch_alert"),
        sa.UniqueConstraint("rule_id", "article_id", name="uq_watch_alert_rule_id_article_id"),
    )
    _index("watch_alert", "article_id")
    _index("watch_alert", "created_at")

    op.create_table(
        "watch_delivery",
        _pk(),
        sa.Column("alert_id", _ID, sa.ForeignKey(
            "watch_alert.id", name="fk_watch_delivery_alert_id_watch_alert", ondelete="CASCADE"),
            nullable=False),
        sa.Column("sink", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_try_at", _TS),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_watch_delivery"),
        sa.UniqueConstraint("alert_id", "sink", name="uq_watch_delivery_alert_id_sink"),
    )
    _index("watch_delivery", "next_try_at")

    op.create_table(
        "watch_digest",
        sa.Column("recipient", sa.Text, nullable=False),
        sa.Column("last_alert_id", _ID, nullable=False),
        sa.Column("last_sent_at", _TS),
        sa.PrimaryKeyConstraint("recipient", name="pk_watch_digest"),
    )


def downgrade() -> None:
    """Not supported: newswatch migrations are forward-only."""
    raise NotImplementedError("newswatch migrations are forward-only")
