"""Country aggregates: each latest revision's countries and the timeline counted per country.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

A country filter selected its revisions from the mention tables at every read
(``newswatch.read.scope.in_country``) and the timeline then summed their per-revision rows:
24,000 revisions and 110,000 rows for Afghanistan at 100,000 articles (a country's timeline
185-207 ms). This adds ``agg_revision_country`` (the countries of each latest revision),
``agg_timeline_country`` (the timeline's counts per country) and
``agg_timeline_country_month`` (the same per month of the scope day), defined in
``newswatch.storage.aggregate_schema`` (a frozen copy here) and filled by
``newswatch.storage.aggregates.rebuild_countries`` from the item tables and
``agg_timeline_revision``, which this migration does not change. Nothing is dropped or
rewritten.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create and fill ``agg_revision_country``, ``agg_timeline_country`` and ``agg_timeline_country_month``."""
    op.create_table(
        "agg_revision_country",
        sa.Column("country", sa.Text, nullable=False),
        sa.Column("revision_id", _ID,
                  sa.ForeignKey("revision.id", name="fk_agg_revision_country_revision_id_revision"),
                  nullable=False),
        sa.PrimaryKeyConstraint("country", "revision_id", name="pk_agg_revision_country"),
    )
    op.create_index("ix_agg_revision_country_revision_id", "agg_revision_country", ["revision_id"])
    op.create_table(
        "agg_timeline_country",
        sa.Column("country", sa.Text, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("item_day", sa.Date, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("country", "day", "language", "item_day", "type",
                                name="pk_agg_timeline_country"),
    )
    op.create_table(
        "agg_timeline_country_month",
        sa.Column("country", sa.Text, nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("item_day", sa.Date, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("country", "month", "language", "item_day", "type",
                                name="pk_agg_timeline_country_month"),
    )
    from newswatch.storage.aggregates import rebuild_countries

    rebuild_countries(op.get_bind())


def downgrade() -> None:
    """Not supported: newswatch migrations are forward-only."""
    raise NotImplementedError("newswatch migrations are forward-only")
