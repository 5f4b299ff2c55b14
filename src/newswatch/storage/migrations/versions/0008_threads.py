"""Threads: happenings (event reports of one real-world event) and story threads.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

Adds the tables of ``newswatch.storage.situation_schema`` filled by the cross-article pass
``newswatch.storage.threads.rebuild_threads``: ``happening_member`` (each event mention's
happening key), ``story`` (one row per story thread: first article's title, first and last
day, article count, languages) and ``story_member`` (each article's story and the similarity
that joined it). Nothing existing changes; the tables fill on the next ingest or load.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "happening_member",
        sa.Column("mention_id", _ID, sa.ForeignKey("event_mention.id",
                                                   name="fk_happening_member_mention_id_event_mention"),
                  nullable=False),
        sa.Column("happening", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("mention_id", name="pk_happening_member"),
    )
    op.create_index("ix_happening_member_happening", "happening_member", ["happening"])
    op.create_table(
        "story",
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("first_day", sa.Date),
        sa.Column("last_day", sa.Date),
        sa.Column("article_count", sa.Integer, nullable=False),
        sa.Column("languages", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_story"),
    )
    op.create_index("ix_story_first_day", "story", ["first_day"])
    op.create_index("ix_story_last_day", "story", ["last_day"])
    op.create_table(
        "story_member",
        sa.Column("article_id", sa.Text, sa.ForeignKey("article.id", name="fk_story_member_article_id_article"),
                  nullable=False),
        sa.Column("story_id", sa.Text, sa.ForeignKey("story.id", name="fk_story_member_story_id_story"),
                  nullable=False),
        sa.Column("similarity", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("article_id", name="pk_story_member"),
    )
    op.create_index("ix_story_member_story_id", "story_member", ["story_id"])


def downgrade() -> None:
    op.drop_index("ix_story_member_story_id", "story_member")
    op.drop_table("story_member")
    op.drop_index("ix_story_last_day", "story")
    op.drop_index("ix_story_first_day", "story")
    op.drop_table("story")
    op.drop_index("ix_happening_member_happening", "happening_member")
    op.drop_table("happening_member")
