"""Entity merges and splits: the analysts' record of which entities are one, and which
mentions of an entity belong to another.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

Adds ``entity_edit`` (``newswatch.storage.review_schema``): one row per merge or split an
analyst made from a dossier, with who, when, why, the entities and the mentions involved (the
evidence) and, once undone, who undid it and when. The machine's ``entity`` and
``entity_mention`` rows are never changed; the read layer (``newswatch.read.merges``) resolves
an entity's identity through these rows. Nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the entity_edit table."""
    op.create_table(
        "entity_edit",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("entity_id", _ID, sa.ForeignKey("entity.id", name="fk_entity_edit_entity_id_entity"),
                  nullable=False),
        sa.Column("target_id", _ID, sa.ForeignKey("entity.id", name="fk_entity_edit_target_id_entity"),
                  nullable=False),
        sa.Column("entity_key", sa.Text, nullable=False),
        sa.Column("target_key", sa.Text, nullable=False),
        sa.Column("members", _JSON, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("user_id", _ID, sa.ForeignKey("app_user.id", name="fk_entity_edit_user_id_app_user"),
                  nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("undone_by", _ID, sa.ForeignKey("app_user.id", name="fk_entity_edit_undone_by_app_user")),
        sa.Column("undone_at", _TS),
        sa.Column("undo_note", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_entity_edit"),
        sa.CheckConstraint("action IN ('merge', 'split')", name="ck_entity_edit_action"),
    )
    op.create_index("ix_entity_edit_entity_id", "entity_edit", ["entity_id"])
    op.create_index("ix_entity_edit_target_id", "entity_edit", ["target_id"])


def downgrade() -> None:
    """Not supported: newswatch migrations are forward-only (the analysts' records stay)."""
    raise NotImplementedError("newswatch migrations are forward-only")
