"""Dashboard aggregates: places per day, located events, timeline counts, data version.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

Adds the tables of ``newswatch.storage.aggregate_schema`` (a frozen copy here):
``agg_latest``, ``agg_place_day``, ``agg_event_place``, ``agg_timeline``, ``agg_timeline_revision`` and
``data_version``, then fills them
from the stored items (``newswatch.storage.aggregates.rebuild``: a computation over the item
tables, which this migration does not change). Nothing is dropped or rewritten.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "agg_latest",
        sa.Column("article_id", sa.Text,
                  sa.ForeignKey("article.id", name="fk_agg_latest_article_id_article"), nullable=False),
        sa.Column("revision_id", _ID,
                  sa.ForeignKey("revision.id", name="fk_agg_latest_revision_id_revision"), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("article_id", name="pk_agg_latest"),
        sa.UniqueConstraint("revision_id", name="uq_agg_latest_revision_id"),
    )
    op.create_index("ix_agg_latest_day", "agg_latest", ["day"])
    op.create_table(
        "agg_place_day",
        sa.Column("place_id", _ID, sa.ForeignKey("place.id", name="fk_agg_place_day_place_id_place"),
                  nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("mentions", sa.Integer, nullable=False),
        sa.Column("articles", sa.Integer, nullable=False),
        sa.Column("first_mention", _ID, nullable=False),
        sa.PrimaryKeyConstraint("place_id", "day", "language", name="pk_agg_place_day"),
    )
    op.create_table(
        "agg_event_place",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("revision_id", _ID,
                  sa.ForeignKey("revision.id", name="fk_agg_event_place_revision_id_revision"),
                  nullable=False),
        sa.Column("article_id", sa.Text, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("place", sa.Text),
        sa.Column("place_key", sa.Text),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("mentions", sa.Integer, nullable=False),
        sa.Column("first_event", _ID, nullable=False),
    )
    for column in ("revision_id", "day", "place", "place_key"):
        op.create_index(f"ix_agg_event_place_{column}", "agg_event_place", [column])
    op.create_table(
        "agg_timeline",
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("item_day", sa.Date, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("day", "language", "item_day", "type", name="pk_agg_timeline"),
    )
    op.create_table(
        "agg_timeline_revision",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("revision_id", _ID,
                  sa.ForeignKey("revision.id", name="fk_agg_timeline_revision_revision_id_revision"),
                  nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("item_day", sa.Date, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
    )
    op.create_index("ix_agg_timeline_revision_revision_id", "agg_timeline_revision", ["revision_id"])
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_data_version"),
    )
    # Backfill from the item tables (imported here: the computation, not a table shape).
    from newswatch.storage.aggregates import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    for name in ("data_version", "agg_timeline_revision", "agg_timeline", "agg_event_place",
                 "agg_place_day", "agg_latest"):
        op.drop_table(name)
