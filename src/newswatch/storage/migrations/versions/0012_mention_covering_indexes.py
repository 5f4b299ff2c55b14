"""Covering indexes for "the revisions that mention this entity / place".

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

A country filter selects the revisions that mention a place of the country or an entity of
it (``newswatch.read.scope.in_country``). With indexes on ``entity_mention.entity_id`` and
``place_mention.place_id`` alone, each matching mention row was read from the table for its
``revision_id``: about a million random reads for Afghanistan at 100,000 articles (a country's
timeline 388 ms). The indexes become ``(entity_id, revision_id)`` and ``(place_id,
revision_id)``, which answer it from the index alone (172 ms) and still serve every look-up by
entity or place. Nothing else changes.
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Replace the single-column entity and place indexes of the mention tables."""
    op.drop_index("ix_entity_mention_entity_id", table_name="entity_mention")
    op.create_index("ix_entity_mention_entity_id_revision_id", "entity_mention", ["entity_id", "revision_id"])
    op.drop_index("ix_place_mention_place_id", table_name="place_mention")
    op.create_index("ix_place_mention_place_id_revision_id", "place_mention", ["place_id", "revision_id"])


def downgrade() -> None:
    """Not supported: newswatch migrations are forward-only."""
    raise NotImplementedError("newswatch migrations are forward-only")
