"""Tables of the watch loop (issue 10): followed sources, URLs already seen, saved rules and
the alerts they fired.

Defined on the store's one :data:`~newswatch.storage.schema_base.metadata` (this module imports
only ``schema_base``; :mod:`~newswatch.storage.schema` imports it so ``schema.metadata`` holds
every table); migration ``0004`` creates them.

* ``watch_source``: a feed the watcher follows. ``url`` is what the user gave (a feed, or a
  page whose feed was discovered), ``feed_url`` what is fetched. The polite-fetch state lives
  on the row: the validators of the last 200 answer (``etag``, ``last_modified``) and the
  SHA-256 of its body (``body_hash``; servers send stale validators), the health counters
  (``errors_in_row``, ``last_error``, ``last_status``), and the schedule (``next_fetch_at``,
  the earliest time the next fetch may run, moved out by backoff and ``Retry-After``).
* ``watch_seen``: one row per canonical item URL (tracking parameters removed,
  :func:`newswatch.watch.urls.canonical_url`), so an item carried by several feeds, or by the
  same feed again later, is ingested once.
* ``watch_rule``: a saved rule: its name, its query as the analyst wrote it (Lucene-like
  syntax; compiled when evaluated, never stored as FTS5 syntax) and its structured filters
  (``filters``: ``event_type``, ``country``, ``near`` ``[lat, lon]``, ``radius_km``,
  ``language``).
* ``watch_alert``: one row per (rule, article): the unique constraint is the deduplication.
  ``evidence`` holds what the alert shows (title, URL, matching sentence, source).
* ``watch_delivery``: a delivery of an alert to a sink that failed: ``pending`` rows are
  retried with backoff (``next_try_at``); after ``watch_delivery_attempts_count`` attempts the
  row is ``dead`` (the dead-letter list, ``newswatch alert list --dead``).
* ``watch_digest``: per e-mail recipient, the newest alert already sent in a digest and when
  the last digest went out, and (migration ``0007``) its subscription: its own interval
  (``every_seconds``, else ``watch_email_every_seconds``), the rules it follows (``rules``,
  names; NULL: all), the dashboard user who set it up (``user_id``) and ``active`` (false:
  unsubscribed, also for an address of ``watch_email_to``).
"""

from __future__ import annotations

import sqlalchemy as sa

from .schema_base import Id, Json, Timestamp, metadata

watch_source = sa.Table(
    "watch_source",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("url", sa.Text, nullable=False, unique=True),
    sa.Column("feed_url", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("language", sa.Text),  # ISO 639-1 forced on its items, or None (detected)
    sa.Column("every_seconds", sa.Integer, nullable=False),
    sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("added_at", Timestamp, nullable=False),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("body_hash", sa.Text),
    sa.Column("last_fetch_at", Timestamp),
    sa.Column("last_status", sa.Text),  # "200", "304", "unchanged-body", an error code
    sa.Column("last_new_at", Timestamp),
    sa.Column("errors_in_row", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    sa.Column("next_fetch_at", Timestamp, index=True),
    sa.Column("items_ingested", sa.Integer, nullable=False, server_default="0"),
)

watch_seen = sa.Table(
    "watch_seen",
    metadata,
    sa.Column("url", sa.Text, primary_key=True),  # canonical item URL
    sa.Column("source_id", Id, sa.ForeignKey("watch_source.id", ondelete="SET NULL"),
              index=True),
    sa.Column("article_id", sa.Text),
    sa.Column("first_seen", Timestamp, nullable=False),
)

watch_rule = sa.Table(
    "watch_rule",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("query", sa.Text, nullable=False),
    sa.Column("filters", Json, nullable=False),
    sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", Timestamp, nullable=False),
)

watch_alert = sa.Table(
    "watch_alert",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("rule_id", Id, sa.ForeignKey("watch_rule.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("article_id", sa.Text, sa.ForeignKey("article.id"), nullable=False, index=True),
    sa.Column("revision_id", Id, sa.ForeignKey("revision.id"), nullable=False),
    sa.Column("created_at", Timestamp, nullable=False, index=True),
    sa.Column("evidence", Json, nullable=False),
    sa.UniqueConstraint("rule_id", "article_id"),
)

watch_delivery = sa.Table(
    "watch_delivery",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("alert_id", Id, sa.ForeignKey("watch_alert.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("sink", sa.Text, nullable=False),  # "webhook", "atom", "jsonl"
    sa.Column("state", sa.Text, nullable=False),  # "pending" (to retry) | "dead"
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_try_at", Timestamp, index=True),
    sa.Column("last_error", sa.Text, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.UniqueConstraint("alert_id", "sink"),
)

watch_digest = sa.Table(
    "watch_digest",
    metadata,
    sa.Column("recipient", sa.Text, primary_key=True),  # an e-mail address
    sa.Column("last_alert_id", Id, nullable=False),  # the newest alert already sent
    sa.Column("last_sent_at", Timestamp),
    # migration 0007: the recipient's own subscription
    sa.Column("every_seconds", sa.Integer),  # None: the watch_email_every_seconds setting
    sa.Column("rules", Json),  # rule names; None: every rule
    sa.Column("user_id", Id, sa.ForeignKey("app_user.id", ondelete="SET NULL"), index=True),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
)

#: The watch tables, parents first.
WATCH_TABLES = (watch_source, watch_seen, watch_rule, watch_alert, watch_delivery, watch_digest)
