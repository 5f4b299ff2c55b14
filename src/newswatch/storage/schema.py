"""Relational schema of the newswatch store (SQLAlchemy 2 Core tables).

The tables follow the design note ``DATA-MODEL.md``: documents (``source``, ``article``,
``revision``), what was found in a revision (``entity_mention``, ``quote``, ``figure``,
``timex``, ``place_mention``, ``event``, ``stage_error``), identities shared across articles
(``entity``, ``place``) and the log of inputs that could not be read (``ingest_failure``).

Conventions:

* Every mention row carries ``revision_id``, ``start``, ``end`` (Python ``str`` code-point
  offsets into that revision's ``text``, end exclusive), the containing sentence's
  ``sentence_start``/``sentence_end``, the producing ``stage`` and ``stage_version``, and a
  ``confidence`` in ``[0, 1]``.
* Revisions are append-only: a changed text makes a new ``revision`` row and its own mention
  rows; nothing of an older revision is updated or deleted.
* Free-form strings are ``TEXT`` on both backends so that a value accepted by SQLite is never
  rejected by PostgreSQL for its length.
* Timestamps are UTC. PostgreSQL stores them as ``timestamptz``; SQLite stores naive ISO text
  which the repository reads back as UTC.

Each table is defined here whole, once: ``entity`` includes its identity columns and ``event``
(one real-world event, its first mention's columns plus what identifies it across articles)
the columns migration ``0003`` added; the situation tables are in
:mod:`~newswatch.storage.situation_schema`, reader activity in
:mod:`~newswatch.storage.reader_schema`, analysts' corrections and verification in
:mod:`~newswatch.storage.review_schema`, the dashboard's write-time aggregates in
:mod:`~newswatch.storage.aggregate_schema`, the shared types in
:mod:`~newswatch.storage.schema_base`.

This module is the *current* shape. The database reaches it only through the versioned
migrations in ``migrations/versions``; a test compares the two so they cannot drift apart.
"""

from __future__ import annotations

import sqlalchemy as sa

# The two other table modules register their tables on the same ``metadata``; importing them
# here makes ``schema.metadata`` complete. They import only ``schema_base``, never this module.
from . import aggregate_schema, reader_schema, review_schema, situation_schema, watch_schema
from .schema_base import NAMING_CONVENTION, Id, Json, Timestamp, metadata
from .schema_base import provenance_columns as _provenance_columns
from .schema_base import revision_fk as _revision_fk
from .schema_base import span_columns as _span_columns

source = sa.Table(
    "source",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("home_url", sa.Text),
    sa.Column("language", sa.Text),
    sa.Column("country", sa.Text),  # ISO 3166-1 alpha-3
)

article = sa.Table(
    "article",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),  # model.Article.id
    sa.Column("url", sa.Text, index=True),
    sa.Column("source_id", Id, sa.ForeignKey("source.id"), index=True),
    sa.Column("title", sa.Text),
    sa.Column("published", sa.Date, index=True),
    sa.Column("published_source", sa.Text),  # input | option | htmldate | microdata | text
    sa.Column("language", sa.Text, index=True),  # ISO 639-1
    sa.Column("language_confidence", sa.Float),
    sa.Column("site", sa.Text),
    sa.Column("author", sa.Text),
    sa.Column("first_seen", Timestamp, nullable=False),
)

revision = sa.Table(
    "revision",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.Text, sa.ForeignKey("article.id"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),  # 1 for the first text read, then 2, 3...
    sa.Column("content_hash", sa.Text, nullable=False, index=True),  # SHA-256 hex of text
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("extractor", sa.Text, nullable=False, server_default=""),
    sa.Column("read_at", Timestamp, nullable=False),
    sa.Column("origin", sa.Text, nullable=False, server_default=""),
    sa.Column("input_format", sa.Text, nullable=False, server_default="text"),
    sa.Column("meta", Json, nullable=False),
    sa.Column("stages_run", Json, nullable=False),  # ["nlp@1", "figures@2", ...]
    sa.Column("sentences", Json, nullable=False),  # [[start, end, token_start, token_end]...]
    sa.UniqueConstraint("article_id", "seq"),
)

stage_error = sa.Table(
    "stage_error",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _revision_fk(),
    sa.Column("stage", sa.Text, nullable=False),
    sa.Column("code", sa.Text, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
)

entity = sa.Table(
    "entity",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("key", sa.Text, nullable=False, unique=True),  # EntityMention.entity_key
    sa.Column("label", sa.Text, nullable=False),  # OntoNotes label
    sa.Column("canonical", sa.Text, nullable=False),
    sa.Column("country", sa.Text),  # ISO 3166-1 alpha-3
    # identity across articles and languages (migration 0003; all nullable)
    sa.Column("labels", Json),  # {"en": "Sergei Lavrov", "ru": "Сергей Лавров"}
    sa.Column("aliases", Json),  # {"en": ["Lavrov", ...], "ru": ["Лаврова", ...]}
    sa.Column("sector", sa.Text),  # PLOVER sector
    sa.Column("name_key", sa.Text, index=True),  # transliterated name skeleton
    sa.Column("surname_key", sa.Text, index=True),
    sa.Column("identity_id", Id, sa.ForeignKey("entity.id"), index=True),  # NULL: its own root
    sa.Index(None, "label", "canonical"),
)

entity_mention = sa.Table(
    "entity_mention",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _revision_fk(),
    sa.Column("entity_id", Id, sa.ForeignKey("entity.id"), nullable=False),
    *_span_columns(),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("canonical", sa.Text, nullable=False),
    sa.Column("entity_key", sa.Text, nullable=False),  # as the stage gave it ("" allowed)
    sa.Column("method", sa.Text, nullable=False),
    sa.Column("country", sa.Text),
    *_provenance_columns(),
    # the revisions mentioning an entity, read from the index alone (migration 0012)
    sa.Index("ix_entity_mention_entity_id_revision_id", "entity_id", "revision_id"),
)

quote = sa.Table(
    "quote",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _revision_fk(),
    *_span_columns(),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("speaker", sa.Text),
    sa.Column("speaker_entity_id", Id, sa.ForeignKey("entity.id"), index=True),
    sa.Column("speaker_start", sa.Integer),
    sa.Column("speaker_end", sa.Integer),
    sa.Column("cue", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),  # direct | reported
    *_provenance_columns(),
)

figure = sa.Table(
    "figure",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _revision_fk(),
    *_span_columns(),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("lower", sa.Float),
    sa.Column("upper", sa.Float),
    sa.Column("unit", sa.Text),  # ISO 4217 code, "percent" or NULL
    sa.Column("counted", sa.Text),
    sa.Column("qualifier", sa.Text, nullable=False),
    sa.Column("counted_start", sa.Integer),
    sa.Column("counted_end", sa.Integer),
    *_provenance_columns(),
)

timex = sa.Table(
    "timex",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _revision_fk(),
    *_span_columns(),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("value", sa.Text, nullable=False, index=True),  # TIMEX3 value (index: migration 0010)
    sa.Column("type", sa.Text, nullable=False),  # DATE | TIME | DURATION | SET
    sa.Column("mod", sa.Text),
    sa.Column("begin", sa.Text, index=True),  # ISO date
    sa.Column("end_date", sa.Text),  # ISO date
    sa.Column("anchor", sa.Text),
    sa.Column("precision", sa.Text, nullable=False),
    *_provenance_columns(),
)

place = sa.Table(
    "place",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    # "geonames:<id>" | "newswatch:<slug>" | "unresolved:<name>"
    sa.Column("key", sa.Text, nullable=False, unique=True),
    sa.Column("geonameid", sa.Integer, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("lat", sa.Float),  # WGS84 degrees
    sa.Column("lon", sa.Float),
    sa.Column("country_code", sa.Text, index=True),  # ISO 3166-1 alpha-2
    sa.Column("feature_class", sa.Text),  # GeoNames feature class
    sa.Column("feature_code", sa.Text),  # GeoNames feature code
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("resolved", sa.Boolean, nullable=False),
)

#: One row per place resolved in a revision: the decision (stage, confidence, how many
#: candidates, why this one won). Its mentions point back at it.
place_resolution = sa.Table(
    "place_resolution",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _revision_fk(),
    sa.Column("place_id", Id, sa.ForeignKey("place.id"), nullable=False, index=True),
    sa.Column("candidates", sa.Integer, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    *_provenance_columns(),
)

place_mention = sa.Table(
    "place_mention",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _revision_fk(),
    sa.Column("place_id", Id, sa.ForeignKey("place.id"), nullable=False),
    sa.Column(
        "resolution_id", Id, sa.ForeignKey("place_resolution.id"), nullable=False, index=True
    ),
    *_span_columns(),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("place_key", sa.Text),  # as the stage gave it (None = unresolved)
    # name | adjective | demonym | in_name (PlaceMention.kind; migration 0014)
    sa.Column("kind", sa.Text, nullable=False, server_default="name"),
    *_provenance_columns(),
    # the revisions mentioning a place, read from the index alone (migration 0012)
    sa.Index("ix_place_mention_place_id_revision_id", "place_id", "revision_id"),
)

event = sa.Table(
    "event",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _revision_fk(),
    *_span_columns(),
    sa.Column("type", sa.Text, nullable=False),  # PLOVER event type
    sa.Column("mode", sa.Text),
    sa.Column("actor", sa.Text),
    sa.Column("recipient", sa.Text),
    sa.Column("place", sa.Text),
    sa.Column("date", sa.Text),  # TIMEX3 value
    *_provenance_columns(),
    # what identifies the event across articles (migration 0003)
    sa.Column("event_key", sa.Text, index=True),
    sa.Column("actor_entity_id", Id, sa.ForeignKey("entity.id"), index=True),
    sa.Column("recipient_entity_id", Id, sa.ForeignKey("entity.id"), index=True),
    sa.Column("actor_country", sa.Text),
    sa.Column("actor_sector", sa.Text),
    sa.Column("recipient_country", sa.Text),
    sa.Column("recipient_sector", sa.Text),
    sa.Column("place_key", sa.Text),
    sa.Column("date_precision", sa.Text),
    sa.Column("negated", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("future", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("hypothetical", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("intended", sa.Text),
    sa.Column("mention_count", sa.Integer, nullable=False, server_default="1"),
)

ingest_failure = sa.Table(
    "ingest_failure",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("code", sa.Text, nullable=False, index=True),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("at", Timestamp, nullable=False, index=True),
)

#: Tables holding the rows of one revision, in insertion order (parents first).
REVISION_TABLES = (
    stage_error,
    entity_mention,
    quote,
    figure,
    timex,
    place_resolution,
    place_mention,
    event,
)

__all__ = [
    # re-exported: the shared metadata and types, the two other table modules
    "NAMING_CONVENTION",
    "REVISION_TABLES",
    "aggregate_schema",
    "Id",
    "Json",
    "Timestamp",
    "article",
    "entity",
    "entity_mention",
    "event",
    "figure",
    "ingest_failure",
    "metadata",
    "place",
    "place_mention",
    "place_resolution",
    "quote",
    "reader_schema",
    "review_schema",
    "revision",
    "situation_schema",
    "source",
    "stage_error",
    "timex",
    "watch_schema",
]
