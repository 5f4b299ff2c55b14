"""Situation picture: events with mentions, claims ledger, entity identity, near-duplicates.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Adds the tables of ``newswatch.storage.situation_schema`` (a frozen copy here):
``event_mention``, ``claim_group``, ``claim``, ``entity_merge``, ``revision_minhash``,
``minhash_band``, ``article_cluster``, ``article_cluster_member``; and adds nullable (or
defaulted) columns to ``entity`` (labels and aliases per language, sector, name keys, the
identity it is merged into) and ``event`` (the cross-article event key, actor/recipient
entities, codes, sectors, place key, date precision, flags, mention count). Existing ``event``
rows (written before events were merged across articles) each get one ``event_mention`` row
copied from them, so every event keeps its evidence. Nothing is dropped or rewritten.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
_TS = sa.DateTime(timezone=True)


def _pk() -> sa.Column[Any]:
    return sa.Column("id", _ID, primary_key=True, autoincrement=True)


def _fk(
    table: str,
    column: str,
    target: str,
    *,
    nullable: bool = False,
    kind: sa.types.TypeEngine[Any] | None = None,
) -> sa.Column[Any]:
    ref = target.split(".")[0]
    return sa.Column(column, kind if kind is not None else _ID,
                     sa.ForeignKey(target, name=f"fk_{table}_{column}_{ref}"), nullable=nullable)


def _span_prov() -> list[sa.Column[Any]]:
    return [
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("sentence_start", sa.Integer, nullable=False),
        sa.Column("sentence_end", sa.Integer, nullable=False),
        sa.Column("stage", sa.Text, nullable=False),
        sa.Column("stage_version", sa.Text, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
    ]


def _index(table: str, *columns: str, unique: bool = False) -> None:
    op.create_index(f"ix_{table}_{'_'.join(columns)}", table, list(columns), unique=unique)


def upgrade() -> None:
    """Add the situation tables and columns; copy existing events into mentions."""
    with op.batch_alter_table("entity") as batch:
        batch.add_column(sa.Column("labels", _JSON))
        batch.add_column(sa.Column("aliases", _JSON))
        batch.add_column(sa.Column("sector", sa.Text))
        batch.add_column(sa.Column("name_key", sa.Text))
        batch.add_column(sa.Column("surname_key", sa.Text))
        batch.add_column(sa.Column("identity_id", _ID))
        batch.create_foreign_key("fk_entity_identity_id_entity", "entity", ["identity_id"], ["id"])
    _index("entity", "name_key")
    _index("entity", "surname_key")
    _index("entity", "identity_id")

    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("event_key", sa.Text))
        batch.add_column(sa.Column("actor_entity_id", _ID))
        batch.add_column(sa.Column("recipient_entity_id", _ID))
        batch.add_column(sa.Column("actor_country", sa.Text))
        batch.add_column(sa.Column("actor_sector", sa.Text))
        batch.add_column(sa.Column("recipient_country", sa.Text))
        batch.add_column(sa.Column("recipient_sector", sa.Text))
        batch.add_column(sa.Column("place_key", sa.Text))
        batch.add_column(sa.Column("date_precision", sa.Text))
        batch.add_column(sa.Column("negated", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("future", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("hypothetical", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("intended", sa.Text))
        batch.add_column(sa.Column("mention_count", sa.Integer, nullable=False, server_default="1"))
        batch.create_foreign_key("fk_event_actor_entity_id_entity", "entity", ["actor_entity_id"], ["id"])
        batch.create_foreign_key("fk_event_recipient_entity_id_entity", "entity", ["recipient_entity_id"], ["id"])
    _index("event", "event_key")
    _index("event", "actor_entity_id")
    _index("event", "recipient_entity_id")

    op.create_table(
        "event_mention",
        _pk(),
        _fk("event_mention", "revision_id", "revision.id"),
        _fk("event_mention", "event_id", "event.id"),
        *_span_prov(),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("mode", sa.Text),
        sa.Column("actor", sa.Text),
        sa.Column("recipient", sa.Text),
        sa.Column("place", sa.Text),
        sa.Column("date", sa.Text),
        sa.Column("detail", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_event_mention"),
    )
    _index("event_mention", "revision_id")
    _index("event_mention", "event_id")

    op.create_table(
        "claim_group",
        _pk(),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("subject", sa.Text),
        _fk("claim_group", "subject_entity_id", "entity.id", nullable=True),
        sa.Column("subject_country", sa.Text),
        sa.Column("property", sa.Text, nullable=False),
        sa.Column("unit", sa.Text),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_claim_group"),
        sa.UniqueConstraint("key", name="uq_claim_group_key"),
    )
    _index("claim_group", "subject_entity_id")

    op.create_table(
        "claim",
        _pk(),
        _fk("claim", "revision_id", "revision.id"),
        _fk("claim", "group_id", "claim_group.id"),
        *_span_prov(),
        sa.Column("figure_text", sa.Text, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("lower", sa.Float),
        sa.Column("upper", sa.Float),
        sa.Column("unit", sa.Text),
        sa.Column("qualifier", sa.Text, nullable=False),
        sa.Column("counted", sa.Text),
        sa.Column("property", sa.Text, nullable=False),
        sa.Column("subject", sa.Text),
        sa.Column("subject_key", sa.Text),
        _fk("claim", "subject_entity_id", "entity.id", nullable=True),
        sa.Column("subject_country", sa.Text),
        sa.Column("as_of", sa.Text),
        sa.Column("as_of_precision", sa.Text),
        sa.Column("as_of_source", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("cited", _JSON, nullable=False),
        sa.Column("cited_how", sa.Text),
        sa.Column("group_key", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_claim"),
    )
    _index("claim", "revision_id")
    _index("claim", "group_id")
    _index("claim", "subject_entity_id")
    _index("claim", "as_of")

    op.create_table(
        "entity_merge",
        _pk(),
        _fk("entity_merge", "entity_id", "entity.id"),
        _fk("entity_merge", "identity_id", "entity.id"),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("evidence", _JSON, nullable=False),
        _fk("entity_merge", "revision_id", "revision.id", nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("undone_at", _TS),
        sa.PrimaryKeyConstraint("id", name="pk_entity_merge"),
    )
    _index("entity_merge", "entity_id")
    _index("entity_merge", "identity_id")
    _index("entity_merge", "revision_id")

    op.create_table(
        "revision_minhash",
        sa.Column("revision_id", _ID, sa.ForeignKey("revision.id", name="fk_revision_minhash_revision_id_revision"),
                  nullable=False),
        sa.Column("num_perm", sa.Integer, nullable=False),
        sa.Column("shingle_words", sa.Integer, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("signature", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("revision_id", name="pk_revision_minhash"),
    )
    op.create_table(
        "minhash_band",
        _pk(),
        _fk("minhash_band", "revision_id", "revision.id"),
        sa.Column("band", sa.Integer, nullable=False),
        sa.Column("bucket", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_minhash_band"),
    )
    _index("minhash_band", "revision_id")
    _index("minhash_band", "band", "bucket")

    op.create_table(
        "article_cluster",
        _pk(),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("threshold", sa.Float, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_article_cluster"),
    )
    op.create_table(
        "article_cluster_member",
        _pk(),
        _fk("article_cluster_member", "cluster_id", "article_cluster.id"),
        _fk("article_cluster_member", "revision_id", "revision.id"),
        _fk("article_cluster_member", "article_id", "article.id", kind=sa.Text()),
        sa.Column("similarity", sa.Float, nullable=False),
        sa.Column("added_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_article_cluster_member"),
        sa.UniqueConstraint("revision_id", name="uq_article_cluster_member_revision_id"),
    )
    _index("article_cluster_member", "cluster_id")
    _index("article_cluster_member", "article_id")

    # Events stored before this revision: one mention each, copied from the event row.
    op.execute(
        'INSERT INTO event_mention (revision_id, event_id, start, "end", sentence_start, sentence_end, '
        "stage, stage_version, confidence, type, mode, actor, recipient, place, date, detail) "
        'SELECT revision_id, id, start, "end", sentence_start, sentence_end, stage, stage_version, '
        "confidence, type, mode, actor, recipient, place, date, '{}' FROM event"
    )


def downgrade() -> None:
    """Not supported: newswatch migrations are forward-only."""
    raise NotImplementedError("newswatch migrations are forward-only")
