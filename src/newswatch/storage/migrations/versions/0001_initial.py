"""Initial schema: documents, revisions, mentions, entities, places, failures.

Revision ID: 0001
Revises:
Create Date: 2026-05-01

A frozen copy of the tables as first released; later changes go into new revisions and
``newswatch.storage.schema`` follows them (a test checks the two agree).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
_TS = sa.DateTime(timezone=True)


def _pk() -> sa.Column[Any]:
    return sa.Column("id", _ID, primary_key=True, autoincrement=True)


def _revision_fk(table: str) -> sa.Column[Any]:
    return sa.Column(
        "revision_id",
        _ID,
        sa.ForeignKey("revision.id", name=f"fk_{table}_revision_id_revision"),
        nullable=False,
    )


def _span() -> list[sa.Column[Any]]:
    return [
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
    ]


def _prov() -> list[sa.Column[Any]]:
    return [
        sa.Column("sentence_start", sa.Integer, nullable=False),
        sa.Column("sentence_end", sa.Integer, nullable=False),
        sa.Column("stage", sa.Text, nullable=False),
        sa.Column("stage_version", sa.Text, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
    ]


def _index(table: str, *columns: str, unique: bool = False) -> None:
    op.create_index(f"ix_{table}_{'_'.join(columns)}", table, list(columns), unique=unique)


def upgrade() -> None:
    """Create every table of the first release."""
    op.create_table(
        "source",
        _pk(),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("home_url", sa.Text),
        sa.Column("language", sa.Text),
        sa.Column("country", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_source"),
        sa.UniqueConstraint("name", name="uq_source_name"),
    )
    op.create_table(
        "article",
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("source_id", _ID, sa.ForeignKey("source.id", name="fk_article_source_id_source")),
        sa.Column("title", sa.Text),
        sa.Column("published", sa.Date),
        sa.Column("published_source", sa.Text),
        sa.Column("language", sa.Text),
        sa.Column("language_confidence", sa.Float),
        sa.Column("site", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("first_seen", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_article"),
    )
    for column in ("url", "source_id", "published", "language"):
        _index("article", column)

    op.create_table(
        "revision",
        _pk(),
        sa.Column(
            "article_id",
            sa.Text,
            sa.ForeignKey("article.id", name="fk_revision_article_id_article"),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("extractor", sa.Text, nullable=False, server_default=""),
        sa.Column("read_at", _TS, nullable=False),
        sa.Column("origin", sa.Text, nullable=False, server_default=""),
        sa.Column("input_format", sa.Text, nullable=False, server_default="text"),
        sa.Column("meta", _JSON, nullable=False),
        sa.Column("stages_run", _JSON, nullable=False),
        sa.Column("sentences", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_revision"),
        sa.UniqueConstraint("article_id", "seq", name="uq_revision_article_id_seq"),
    )
    _index("revision", "content_hash")

    op.create_table(
        "stage_error",
        _pk(),
        _revision_fk("stage_error"),
        sa.Column("stage", sa.Text, nullable=False),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_stage_error"),
    )
    _index("stage_error", "revision_id")

    op.create_table(
        "entity",
        _pk(),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("canonical", sa.Text, nullable=False),
        sa.Column("country", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_entity"),
        sa.UniqueConstraint("key", name="uq_entity_key"),
    )
    _index("entity", "label", "canonical")

    op.create_table(
        "entity_mention",
        _pk(),
        _revision_fk("entity_mention"),
        sa.Column(
            "entity_id",
            _ID,
            sa.ForeignKey("entity.id", name="fk_entity_mention_entity_id_entity"),
            nullable=False,
        ),
        *_span(),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("canonical", sa.Text, nullable=False),
        sa.Column("entity_key", sa.Text, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("country", sa.Text),
        *_prov(),
        sa.PrimaryKeyConstraint("id", name="pk_entity_mention"),
    )
    _index("entity_mention", "revision_id")
    _index("entity_mention", "entity_id")

    op.create_table(
        "quote",
        _pk(),
        _revision_fk("quote"),
        *_span(),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("speaker", sa.Text),
        sa.Column(
            "speaker_entity_id",
            _ID,
            sa.ForeignKey("entity.id", name="fk_quote_speaker_entity_id_entity"),
        ),
        sa.Column("speaker_start", sa.Integer),
        sa.Column("speaker_end", sa.Integer),
        sa.Column("cue", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        *_prov(),
        sa.PrimaryKeyConstraint("id", name="pk_quote"),
    )
    _index("quote", "revision_id")
    _index("quote", "speaker_entity_id")

    op.create_table(
        "figure",
        _pk(),
        _revision_fk("figure"),
        *_span(),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("lower", sa.Float),
        sa.Column("upper", sa.Float),
        sa.Column("unit", sa.Text),
        sa.Column("counted", sa.Text),
        sa.Column("qualifier", sa.Text, nullable=False),
        sa.Column("counted_start", sa.Integer),
        sa.Column("counted_end", sa.Integer),
        *_prov(),
        sa.PrimaryKeyConstraint("id", name="pk_figure"),
    )
    _index("figure", "revision_id")

    op.create_table(
        "timex",
        _pk(),
        _revision_fk("timex"),
        *_span(),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("mod", sa.Text),
        sa.Column("begin", sa.Text),
        sa.Column("end_date", sa.Text),
        sa.Column("anchor", sa.Text),
        sa.Column("precision", sa.Text, nullable=False),
        *_prov(),
        sa.PrimaryKeyConstraint("id", name="pk_timex"),
    )
    _index("timex", "revision_id")
    _index("timex", "begin")

    op.create_table(
        "place",
        _pk(),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("geonameid", sa.Integer),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("country_code", sa.Text),
        sa.Column("feature_class", sa.Text),
        sa.Column("feature_code", sa.Text),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("resolved", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_place"),
        sa.UniqueConstraint("key", name="uq_place_key"),
    )
    _index("place", "geonameid")
    _index("place", "country_code")

    op.create_table(
        "place_resolution",
        _pk(),
        _revision_fk("place_resolution"),
        sa.Column(
            "place_id",
            _ID,
            sa.ForeignKey("place.id", name="fk_place_resolution_place_id_place"),
            nullable=False,
        ),
        sa.Column("candidates", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        *_prov(),
        sa.PrimaryKeyConstraint("id", name="pk_place_resolution"),
    )
    _index("place_resolution", "revision_id")
    _index("place_resolution", "place_id")

    op.create_table(
        "place_mention",
        _pk(),
        _revision_fk("place_mention"),
        sa.Column(
            "place_id",
            _ID,
            sa.ForeignKey("place.id", name="fk_place_mention_place_id_place"),
            nullable=False,
        ),
        sa.Column(
            "resolution_id",
            _ID,
            sa.ForeignKey(
                "place_resolution.id", name="fk_place_mention_resolution_id_place_resolution"
            ),
            nullable=False,
        ),
        *_span(),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("place_key", sa.Text),
        *_prov(),
        sa.PrimaryKeyConstraint("id", name="pk_place_mention"),
    )
    _index("place_mention", "revision_id")
    _index("place_mention", "place_id")
    _index("place_mention", "resolution_id")

    op.create_table(
        "event",
        _pk(),
        _revision_fk("event"),
        *_span(),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("mode", sa.Text),
        sa.Column("actor", sa.Text),
        sa.Column("recipient", sa.Text),
        sa.Column("place", sa.Text),
        sa.Column("date", sa.Text),
        *_prov(),
        sa.PrimaryKeyConstraint("id", name="pk_event"),
    )
    _index("event", "revision_id")

    op.create_table(
        "ingest_failure",
        _pk(),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ingest_failure"),
    )
    _index("ingest_failure", "code")
    _index("ingest_failure", "at")


def downgrade() -> None:
    """Not supported: dropping the initial schema would drop every stored article."""
    raise NotImplementedError("newswatch migrations are forward-only")
