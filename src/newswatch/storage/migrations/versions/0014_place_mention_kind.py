"""How a place mention refers to its place: ``place_mention.kind``.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

The geocode stage (version 10) also records nationality adjectives ("Russian diplomats"),
demonyms ("Canadians") and country names inside organisations' names ("Air Zimbabwe") as
mentions of their country, word classes of GeoWebNews' toponym scheme (Gritta, Pilehvar &
Collier 2019). ``kind`` is ``"name"``, ``"adjective"``, ``"demonym"`` or ``"in_name"``
(:class:`newswatch.model.PlaceMention`); every row stored before is a name, which
the server default gives it. The write-time place aggregates count names only, so they need no
rebuild: every existing row is a name.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``place_mention.kind`` (not null, default ``"name"``)."""
    with op.batch_alter_table("place_mention") as batch:
        batch.add_column(sa.Column("kind", sa.Text, nullable=False, server_default="name"))


def downgrade() -> None:
    """Drop ``place_mention.kind`` (the adjective and demonym rows stay, as mentions)."""
    with op.batch_alter_table("place_mention") as batch:
        batch.drop_column("kind")
