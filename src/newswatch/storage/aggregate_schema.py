"""Tables the dashboard reads instead of scanning items: write-time aggregates and the data
version (migration ``0006``).

They hold only what can be recomputed from the item tables (:mod:`newswatch.storage.aggregates`
keeps them up to date in each save's transaction and rebuilds them from scratch). Every row
counts the **latest revision** of an article, keyed by the two filter columns the scope reads
from the article row: its *scope day* (the publication day, else the UTC day it was first
stored: the day ``read.scope`` compares with ``since``/``until``) and its language (``""`` when
unknown, a value no filter takes).

* ``agg_latest``: every article's latest revision with its scope day and language: the
  scope of a filter (:func:`newswatch.read.scope.scope`) without finding the newest revision
  of every article at each query.
* ``agg_place_day``: per place, scope day and language: place mentions, articles mentioning
  the place (each article counts once: it has one scope day and one language) and the
  smallest ``place_mention.id`` (the map's evidence).
* ``agg_event_place``: per latest revision, one row per (event place text, event place key,
  PLOVER type) of its non-negated, non-hypothetical events that name a place, with the number
  of mentions and the smallest ``event_mention.id``: the map joins it to ``place`` at read time
  (places added later still match) and counts distinct articles.
* ``agg_timeline``: per scope day, language, item day and item type (``article``, ``quote``,
  ``figure``, ``timex``, ``event:<TYPE>``): the number of items (the timeline's bars).
* ``agg_place_month`` and ``agg_timeline_month``: the same rows as ``agg_place_day`` and
  ``agg_timeline`` summed per calendar month of the scope day (``month``: its first day),
  (migration ``0011``): a read over a long range takes its whole months from them and only
  the days of a month cut by ``since`` or ``until`` from the day tables
  (:func:`newswatch.read.scope.aggregate_rows`). They are computed from the day
  tables, never from the items.
* ``agg_timeline_revision``: the same counts per latest revision, for the filters that
  depend on what else a revision mentions (a country, an actor): the reader restricts it to
  the revisions those filters select, computed at read time from the item tables.
* ``agg_revision_country`` (migration ``0013``): the countries each latest revision is in,
  as :func:`newswatch.read.scope.in_country` reads them from the item tables: the
  ``country_code`` of every place it mentions and the alpha-2 code of every entity country it
  mentions (``entity.country`` is alpha-3). Kept when a revision enters or leaves the scope,
  when an entity first gets its country and when a place's country changes.
* ``agg_timeline_country`` (migration ``0013``): ``agg_timeline``'s counts per country of
  ``agg_revision_country`` (a revision in two countries counts in both): a country's timeline
  without summing its revisions' rows at read time; ``agg_timeline_country_month``, the same
  per month of the scope day (as ``agg_timeline_month``).
* ``data_version``: one row whose ``version`` every save increments; readers key their
  caches on it.

This module imports only :mod:`~newswatch.storage.schema_base`.
"""

from __future__ import annotations

import sqlalchemy as sa

from .schema_base import Id, metadata

agg_latest = sa.Table(
    "agg_latest",
    metadata,
    sa.Column("article_id", sa.Text, sa.ForeignKey("article.id"), primary_key=True),
    sa.Column("revision_id", Id, sa.ForeignKey("revision.id"), nullable=False, unique=True),
    sa.Column("day", sa.Date, nullable=False, index=True),
    sa.Column("language", sa.Text, nullable=False),
)

agg_place_day = sa.Table(
    "agg_place_day",
    metadata,
    sa.Column("place_id", Id, sa.ForeignKey("place.id"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("language", sa.Text, primary_key=True),
    sa.Column("mentions", sa.Integer, nullable=False),
    sa.Column("articles", sa.Integer, nullable=False),
    sa.Column("first_mention", Id, nullable=False),
)

agg_place_month = sa.Table(
    "agg_place_month",
    metadata,
    sa.Column("place_id", Id, sa.ForeignKey("place.id"), primary_key=True),
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("language", sa.Text, primary_key=True),
    sa.Column("mentions", sa.Integer, nullable=False),
    sa.Column("articles", sa.Integer, nullable=False),
    sa.Column("first_mention", Id, nullable=False),
)

agg_event_place = sa.Table(
    "agg_event_place",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("revision_id", Id, sa.ForeignKey("revision.id"), nullable=False, index=True),
    sa.Column("article_id", sa.Text, nullable=False),
    sa.Column("day", sa.Date, nullable=False, index=True),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("place", sa.Text, index=True),
    sa.Column("place_key", sa.Text, index=True),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("mentions", sa.Integer, nullable=False),
    sa.Column("first_event", Id, nullable=False),
)

agg_timeline = sa.Table(
    "agg_timeline",
    metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("language", sa.Text, primary_key=True),
    sa.Column("item_day", sa.Date, primary_key=True),
    sa.Column("type", sa.Text, primary_key=True),
    sa.Column("n", sa.Integer, nullable=False),
)

agg_timeline_month = sa.Table(
    "agg_timeline_month",
    metadata,
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("language", sa.Text, primary_key=True),
    sa.Column("item_day", sa.Date, primary_key=True),
    sa.Column("type", sa.Text, primary_key=True),
    sa.Column("n", sa.Integer, nullable=False),
)

agg_timeline_revision = sa.Table(
    "agg_timeline_revision",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("revision_id", Id, sa.ForeignKey("revision.id"), nullable=False, index=True),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("item_day", sa.Date, nullable=False),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("n", sa.Integer, nullable=False),
)

data_version = sa.Table(
    "data_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.BigInteger, nullable=False),
)

agg_revision_country = sa.Table(
    "agg_revision_country",
    metadata,
    sa.Column("country", sa.Text, primary_key=True),  # ISO 3166-1 alpha-2
    sa.Column("revision_id", Id, sa.ForeignKey("revision.id"), primary_key=True, index=True),
)

agg_timeline_country = sa.Table(
    "agg_timeline_country",
    metadata,
    sa.Column("country", sa.Text, primary_key=True),  # ISO 3166-1 alpha-2
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("language", sa.Text, primary_key=True),
    sa.Column("item_day", sa.Date, primary_key=True),
    sa.Column("type", sa.Text, primary_key=True),
    sa.Column("n", sa.Integer, nullable=False),
)

agg_timeline_country_month = sa.Table(
    "agg_timeline_country_month",
    metadata,
    sa.Column("country", sa.Text, primary_key=True),  # ISO 3166-1 alpha-2
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("language", sa.Text, primary_key=True),
    sa.Column("item_day", sa.Date, primary_key=True),
    sa.Column("type", sa.Text, primary_key=True),
    sa.Column("n", sa.Integer, nullable=False),
)
