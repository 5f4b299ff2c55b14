"""Tables of the situation picture: events and their mentions, claims and claim groups, entity
identities with merge evidence, and near-duplicate article clusters.

They follow "Entities across articles and languages" and "The situation" in the design note
``DATA-MODEL.md``, are defined on the store's one :data:`~newswatch.storage.schema_base.metadata`
(this module imports only :mod:`~newswatch.storage.schema_base`; ``schema.py`` imports this
module so that its ``metadata`` is complete) and are created by migration ``0003``.

* ``event`` (defined whole in ``schema.py``) is **one real-world event**. Its first columns
  hold the first mention (revision, offsets, sentence, type, actor text ...); the columns
  migration ``0003`` added hold what identifies it across articles: ``event_key`` (type, mode,
  actor and recipient identities, negation, day), the actor and recipient entities (their
  identity roots), codes, sectors, place key, date precision, flags and ``mention_count``.
* ``event_mention``: one row per article (revision) reporting an event, with the evidence
  sentence, offsets, provenance and everything the stage coded there (so a revision's events
  load back exactly).
* ``claim``: one row per figure stated in a revision (subject, property, value and bounds,
  unit, as-of date, outlet, cited sources, offsets), linked to its ``claim_group``.
* ``claim_group``: claims about the same quantity (subject identity, property, unit),
  across articles, languages and time.
* ``entity`` (defined whole in ``schema.py``): the columns migration ``0003`` added are ``labels`` (preferred label per
  language), ``aliases`` (surface forms per language), ``sector``, ``name_key`` and
  ``surname_key`` (transliterated name skeletons, :mod:`newswatch.situation.identity`) and
  ``identity_id``: the entity this one was merged into (NULL: it is its own identity).
* ``entity_merge``: the evidence of each merge (method, keys, where it was seen) so that a
  wrong merge can be undone (``undone_at``) without losing the record.
* ``revision_minhash`` and ``minhash_band``: each revision's MinHash signature and its LSH
  band buckets (:mod:`newswatch.situation.dedup`).
* ``article_cluster`` and ``article_cluster_member``: near-duplicate revisions (reprints,
  wire copies) with the estimated Jaccard similarity that grouped them.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from .schema_base import Id, Json, Timestamp, metadata
from .schema_base import provenance_columns as _provenance_columns
from .schema_base import revision_fk as _revision_fk
from .schema_base import span_columns as _span_columns


def _span_and_provenance() -> list[sa.Column[Any]]:
    return [*_span_columns(), *_provenance_columns()]


event_mention = sa.Table(
    "event_mention",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _revision_fk(),
    sa.Column("event_id", Id, sa.ForeignKey("event.id"), nullable=False, index=True),
    *_span_and_provenance(),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("mode", sa.Text),
    sa.Column("actor", sa.Text),
    sa.Column("recipient", sa.Text),
    sa.Column("place", sa.Text),
    sa.Column("date", sa.Text, index=True),  # index: migration 0010
    sa.Column("detail", Json, nullable=False),  # every other Event field (parties, flags ...)
)

claim_group = sa.Table(
    "claim_group",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("key", sa.Text, nullable=False, unique=True),
    sa.Column("subject", sa.Text),
    sa.Column("subject_entity_id", Id, sa.ForeignKey("entity.id"), index=True),
    sa.Column("subject_country", sa.Text),
    sa.Column("property", sa.Text, nullable=False),
    sa.Column("unit", sa.Text),
    sa.Column("created_at", Timestamp, nullable=False),
)

claim = sa.Table(
    "claim",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _revision_fk(),
    sa.Column("group_id", Id, sa.ForeignKey("claim_group.id"), nullable=False, index=True),
    *_span_and_provenance(),
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
    sa.Column("subject_entity_id", Id, sa.ForeignKey("entity.id"), index=True),
    sa.Column("subject_country", sa.Text),
    sa.Column("as_of", sa.Text, index=True),
    sa.Column("as_of_precision", sa.Text),
    sa.Column("as_of_source", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("cited", Json, nullable=False),
    sa.Column("cited_how", sa.Text),
    sa.Column("group_key", sa.Text, nullable=False),
)

entity_merge = sa.Table(
    "entity_merge",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("entity_id", Id, sa.ForeignKey("entity.id"), nullable=False, index=True),
    sa.Column("identity_id", Id, sa.ForeignKey("entity.id"), nullable=False, index=True),
    sa.Column("method", sa.Text, nullable=False),  # alias | transliteration | name | surname
    sa.Column("evidence", Json, nullable=False),
    sa.Column("revision_id", Id, sa.ForeignKey("revision.id"), index=True),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("undone_at", Timestamp),
)

revision_minhash = sa.Table(
    "revision_minhash",
    metadata,
    sa.Column("revision_id", Id, sa.ForeignKey("revision.id"), primary_key=True),
    sa.Column("num_perm", sa.Integer, nullable=False),
    sa.Column("shingle_words", sa.Integer, nullable=False),
    sa.Column("seed", sa.Integer, nullable=False),
    sa.Column("signature", sa.LargeBinary, nullable=False),  # num_perm little-endian uint32
)

minhash_band = sa.Table(
    "minhash_band",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _revision_fk(),
    sa.Column("band", sa.Integer, nullable=False),
    sa.Column("bucket", sa.Text, nullable=False),
    sa.Index(None, "band", "bucket"),
)

article_cluster = sa.Table(
    "article_cluster",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("method", sa.Text, nullable=False),  # "minhash"
    sa.Column("threshold", sa.Float, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
)

article_cluster_member = sa.Table(
    "article_cluster_member",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("cluster_id", Id, sa.ForeignKey("article_cluster.id"), nullable=False, index=True),
    sa.Column("revision_id", Id, sa.ForeignKey("revision.id"), nullable=False, unique=True),
    sa.Column("article_id", sa.Text, sa.ForeignKey("article.id"), nullable=False, index=True),
    sa.Column("similarity", sa.Float, nullable=False),  # estimated Jaccard to the closest member
    sa.Column("added_at", Timestamp, nullable=False),
)

# -- threads (migration 0008): happenings and stories, rebuilt by one cross-article pass ---------

happening_member = sa.Table(
    "happening_member",
    metadata,
    sa.Column("mention_id", Id, sa.ForeignKey("event_mention.id"), primary_key=True),
    sa.Column("happening", sa.Text, nullable=False, index=True),  # "h:<first report ref>"
)

story = sa.Table(
    "story",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),  # 12 hex digits (newswatch.situation.stories)
    sa.Column("title", sa.Text),  # the first article's title
    sa.Column("first_day", sa.Date, index=True),
    sa.Column("last_day", sa.Date, index=True),
    sa.Column("article_count", sa.Integer, nullable=False),
    sa.Column("languages", Json, nullable=False),  # ["en", "ru"]
)

story_member = sa.Table(
    "story_member",
    metadata,
    sa.Column("article_id", sa.Text, sa.ForeignKey("article.id"), primary_key=True),
    sa.Column("story_id", sa.Text, sa.ForeignKey("story.id"), nullable=False, index=True),
    sa.Column("similarity", sa.Float, nullable=False),  # to the story when it joined (1: founder)
)
