"""E-mail digest subscriptions: each recipient's own frequency and rules, and its owner.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

Adds to ``watch_digest`` (``newswatch.storage.watch_schema``) the columns ``every_seconds``
(the recipient's own interval; NULL: the ``watch_email_every_seconds`` setting), ``rules``
(the names of the rules whose alerts it receives; NULL: every rule), ``user_id`` (the
dashboard user who subscribed it; NULL: set from the command line or the settings) and
``active`` (false: unsubscribed, which also silences an address listed in
``watch_email_to``). Existing rows keep today's behaviour (active, every rule, the setting's
interval). Nothing is dropped or rewritten.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("watch_digest") as batch:
        batch.add_column(sa.Column("every_seconds", sa.Integer))
        batch.add_column(sa.Column("rules", _JSON))
        batch.add_column(sa.Column("user_id", _ID))
        batch.add_column(sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()))
        batch.create_foreign_key("fk_watch_digest_user_id_app_user", "app_user", ["user_id"], ["id"],
                                 ondelete="SET NULL")
        batch.create_index("ix_watch_digest_user_id", ["user_id"])


def downgrade() -> None:
    with op.batch_alter_table("watch_digest") as batch:
        batch.drop_index("ix_watch_digest_user_id")
        batch.drop_constraint("fk_watch_digest_user_id_app_user", type_="foreignkey")
        batch.drop_column("active")
        batch.drop_column("user_id")
        batch.drop_column("rules")
        batch.drop_column("every_seconds")
