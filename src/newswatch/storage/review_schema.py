"""Tables of the analysts' review: corrections of machine output and verification of events.

Both are append-only logs kept *beside* the machine rows (``entity_mention``, ``place_mention``,
``figure``, ``event``...), which are never updated: the newest row for an item is the one in
force, and the older ones are its history. An item is named by its stable identity, not by a
row id (rows are re-created when an article is re-analysed): the article, the item kind, the
code-point offsets in the revision the analyst saw, and the W3C Web Annotation
*TextQuoteSelector* of the item (``exact``, ``prefix``, ``suffix``), so a later revision whose
text shifted still finds it (:mod:`newswatch.read.corrections`). Migration ``0005`` creates
them.

* ``correction``: ``action`` ``correct`` (``fields`` holds the corrected values, e.g.
  ``{"value": 250000000.0, "upper": 250000000.0}`` for a figure) or ``reject`` (the item is
  wrong and is hidden unless asked for); who (``user_id``), when (``created_at``), why
  (``note``) and the error report it resolved (``report_id``, when it came from triage).
* ``verification``: the verification status (``unverified``, ``verified``, ``disputed``) of
  an event or a claim, set by an analyst, anchored to the event mention or the claim judged.
* ``entity_edit`` (migration ``0009``): an analyst's merge of one entity into another, or split
  of some of an entity's mentions into a new entity (``action``). ``entity_id`` is the entity
  merged away (merge) or split from (split); ``target_id`` the surviving entity (merge) or the
  new one (split, a row of ``entity`` the analyst named, its key ``analyst:…``);
  ``entity_key``/``target_key`` their stable keys. ``members`` is the evidence: for a split
  the mentions moved, as ``[{"article_id", "entity_id" (the machine's entity), "text" (the
  surface form, or null: every one in that article)}]`` — article ids and surface forms survive
  re-ingest and re-analysis, row ids do not; for a merge, each entity's name, label and mention
  count when merged. Who (``user_id``), when (``created_at``), why (``note``). An undo sets
  ``undone_by``, ``undone_at`` (and ``undo_note``); the row is kept.
"""

from __future__ import annotations

import sqlalchemy as sa

from .schema_base import Id, Json, Timestamp, metadata

#: Kinds of item a correction can point at (the ``kind`` column).
ITEM_KINDS = ("entity", "place", "figure", "event")
#: What a correction does.
ACTIONS = ("correct", "reject")
#: Verification statuses of an event or a claim.
VERIFICATION_STATUSES = ("unverified", "verified", "disputed")
#: Kinds of item a verification can judge.
VERIFIED_KINDS = ("event", "claim")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _anchor_columns() -> list[sa.Column[object]]:
    """The stable identity of an item: article, revision seen, kind, offsets, quote selector."""
    return [
        sa.Column("article_id", sa.Text, sa.ForeignKey("article.id"), nullable=False,
                  index=True),
        sa.Column("revision_id", Id, sa.ForeignKey("revision.id"), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("exact", sa.Text, nullable=False),
        sa.Column("prefix", sa.Text, nullable=False),
        sa.Column("suffix", sa.Text, nullable=False),
    ]


correction = sa.Table(
    "correction",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    *_anchor_columns(),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("fields", Json),  # the corrected values (action "correct")
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("report_id", Id, sa.ForeignKey("error_report.id"), index=True),
    sa.Column("user_id", Id, sa.ForeignKey("app_user.id"), nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.CheckConstraint(_in("kind", ITEM_KINDS), name="kind"),
    sa.CheckConstraint(_in("action", ACTIONS), name="action"),
)

verification = sa.Table(
    "verification",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    *_anchor_columns(),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("user_id", Id, sa.ForeignKey("app_user.id"), nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.CheckConstraint(_in("kind", VERIFIED_KINDS), name="kind"),
    sa.CheckConstraint(_in("status", VERIFICATION_STATUSES), name="status"),
)

#: What an entity edit does.
ENTITY_EDIT_ACTIONS = ("merge", "split")

entity_edit = sa.Table(
    "entity_edit",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("entity_id", Id, sa.ForeignKey("entity.id"), nullable=False, index=True),
    sa.Column("target_id", Id, sa.ForeignKey("entity.id"), nullable=False, index=True),
    sa.Column("entity_key", sa.Text, nullable=False),
    sa.Column("target_key", sa.Text, nullable=False),
    sa.Column("members", Json, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("user_id", Id, sa.ForeignKey("app_user.id"), nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("undone_by", Id, sa.ForeignKey("app_user.id")),
    sa.Column("undone_at", Timestamp),
    sa.Column("undo_note", sa.Text),
    sa.CheckConstraint(_in("action", ENTITY_EDIT_ACTIONS), name="action"),
)

REVIEW_TABLES = (correction, verification, entity_edit)
