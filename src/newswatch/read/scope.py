"""The scope every reader of the store honours: which articles (and which of their revisions)
a report, a claims listing or a dashboard page counts.

Scope: the **latest revision** of every stored article whose publication date (or, when the
date is unknown, the day it was first stored) lies in ``[since, until]``, in ``language``
when given; with a country, only articles that mention a place in that country
(``place.country_code``, ISO 3166-1 alpha-2) or an entity of that country
(``entity.country``, alpha-3).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pycountry
import sqlalchemy as sa

from ..errors import UnknownCountry
from ..storage import aggregate_schema as ag
from ..storage import schema as t
from ..storage.aggregates import month_end


@dataclass(frozen=True, slots=True)
class Filters:
    """The filter of a read.

    Attributes:
        since, until: publication days (inclusive); None: unbounded.
        country: ISO 3166-1 alpha-2 code or None.
        country_alpha3: the same country's alpha-3 code (entities carry alpha-3).
        language: ISO 639-1 code of the article or None.
        updated_since: keep articles changed at or after this aware UTC datetime (the API's
            incremental sync; :func:`changed_since`); None: any.
    """

    since: dt.date | None = None
    until: dt.date | None = None
    country: str | None = None
    country_alpha3: str | None = None
    language: str | None = None
    updated_since: dt.datetime | None = None

    def params(self) -> dict[str, str]:
        """The filter as query parameters (empty ones left out)."""
        out = {
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "country": self.country or "",
            "language": self.language or "",
        }
        return {k: v for k, v in out.items() if v}

    def to_dict(self) -> dict[str, Any]:
        """JSON view of the filter."""
        return {
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "country": self.country,
            "language": self.language,
        }


def lookup_country(value: str, subject: str = "country") -> Any:
    """The pycountry record of an ISO 3166-1 alpha-2 or alpha-3 code or English name.

    Raises:
        UnknownCountry: not a known country (``subject`` names the option in the message).
    """
    try:
        return pycountry.countries.lookup(value.strip())
    except LookupError:
        raise UnknownCountry(
            f"{value!r} is not an ISO 3166-1 country code or name", subject=subject
        ) from None


def make_filters(since: dt.date | None = None, until: dt.date | None = None,
                 country: str | None = None, language: str | None = None,
                 *, subject: str = "country") -> Filters:
    """A :class:`Filters` with the country resolved to its alpha-2 and alpha-3 codes.

    Raises:
        UnknownCountry: ``country`` is not a known country.
    """
    alpha2 = alpha3 = None
    if country and country.strip():
        record = lookup_country(country, subject)
        alpha2, alpha3 = record.alpha_2, record.alpha_3
    return Filters(since, until, alpha2, alpha3, language)


def changed_since(when: dt.datetime) -> sa.Select[Any]:
    """The ids of the articles whose served items changed at or after ``when`` (aware UTC):
    a revision stored since then (``revision.read_at``), or an analyst's correction or
    verification made since then (``correction.created_at``, ``verification.created_at``), which
    change what every page, export and the API serve without a new revision; or an entity merge
    or split made or undone since then (``entity_edit``): every article mentioning the entity
    merged away or split from.

    Returns:
        A one-column select of ``article_id`` (may repeat an id), for ``IN`` lists.
    """
    from ..storage.review_schema import correction, entity_edit, verification

    ee, em = entity_edit.c, t.entity_mention.c
    edited = sa.select(ee.entity_id).where(sa.or_(ee.created_at >= when, ee.undone_at >= when))
    return sa.union(
        sa.select(t.revision.c.article_id).where(t.revision.c.read_at >= when),
        sa.select(correction.c.article_id).where(correction.c.created_at >= when),
        sa.select(verification.c.article_id).where(verification.c.created_at >= when),
        sa.select(t.revision.c.article_id).join(t.entity_mention, em.revision_id == t.revision.c.id)
        .where(em.entity_id.in_(edited)),
    ).subquery().select()


def scope(f: Filters, actor_id: int | None = None, *, latest_table: bool = False,
          name: str = "scope", actor_revisions: sa.Select[Any] | None = None,
          materialized: bool = True) -> sa.CTE:
    """The latest revision of every article in scope: columns ``article_id``, ``revision_id``.

    Args:
        f: the filter.
        actor_id: keep only revisions that mention this entity.
        actor_revisions: with ``actor_id``, the revisions that mention it as analysts merged
            and split entities
            (:meth:`newswatch.read.merges.EntityEdits.revisions_mentioning`); without it, the
            machine's mentions of ``actor_id``.
        name: the CTE's name (two scopes in one statement need two names).
        latest_table: read the latest revisions, with their scope day and language, from
            ``agg_latest`` (kept by every save, migration ``0004``): the same rows, about four
            times faster to build (24 against 100 ms for 10,276 articles), used by search and
            a timeline bar's items. Not the default: with a language filter SQLite's planner
            picked worse plans for the overview and the events on the map (measured 72 ms
            against 452 ms), so each caller opts in where it was measured to gain.
        materialized: with ``latest_table``, computed once per statement (the default); False
            lets the database look the rows a query already has up in ``agg_latest`` by
            revision (its unique index) instead of building the whole scope first: search,
            whose full-text hits are few beside the archive, gains (a search of 72,720
            articles at 2 cores: 109 -> 23 ms for two words, 3.9 s -> 0.22 s with a country).
    """
    if latest_table:
        g = ag.agg_latest.c
        stmt = sa.select(g.article_id, g.revision_id).where(*aggregate_conditions(g.day, g.language, f))
        if f.country is not None:
            stmt = stmt.where(in_country_latest(g.revision_id, f))
        if actor_id is not None:
            stmt = stmt.where(g.revision_id.in_(
                actor_revisions if actor_revisions is not None else
                sa.select(t.entity_mention.c.revision_id).where(t.entity_mention.c.entity_id == actor_id)
            ))
        if f.updated_since is not None:
            stmt = stmt.where(g.article_id.in_(changed_since(f.updated_since)))
        return stmt.cte(name).prefix_with("MATERIALIZED") if materialized else stmt.cte(name)
    a, r = t.article.c, t.revision.c
    newer = t.revision.alias("newer")
    latest_seq = (
        sa.select(sa.func.max(newer.c.seq)).where(newer.c.article_id == a.id).scalar_subquery()
    )
    stmt = (
        sa.select(a.id.label("article_id"), r.id.label("revision_id"))
        .select_from(t.article)
        .join(t.revision, sa.and_(r.article_id == a.id, r.seq == latest_seq))
    )
    if f.since is not None:
        start = dt.datetime.combine(f.since, dt.time(), dt.UTC)
        stmt = stmt.where(
            sa.or_(a.published >= f.since, sa.and_(a.published.is_(None), a.first_seen >= start))
        )
    if f.until is not None:
        following = day_after(f.until)
        undated: sa.ColumnElement[bool] = a.published.is_(None)
        if following is not None:  # until=9999-12-31: every undated article is before it
            stop = dt.datetime.combine(following, dt.time(), dt.UTC)
            undated = sa.and_(undated, a.first_seen < stop)
        stmt = stmt.where(sa.or_(a.published <= f.until, undated))
    if f.language is not None:
        stmt = stmt.where(a.language == f.language)
    if f.updated_since is not None:
        stmt = stmt.where(a.id.in_(changed_since(f.updated_since)))
    # Uncorrelated IN lists: each is computed once per statement from the indexes on
    # place.country_code, place_mention.place_id and entity_mention.entity_id.
    if f.country is not None:
        stmt = stmt.where(in_country(r.id, f))
    if actor_id is not None:
        stmt = stmt.where(r.id.in_(
            actor_revisions if actor_revisions is not None else
            sa.select(t.entity_mention.c.revision_id).where(t.entity_mention.c.entity_id == actor_id)
        ))
    # Computed once per statement: inlined, the correlated parts would be re-run for every
    # mention row a query joins to it (measured 30 s for the dashboard overview of 10,000
    # articles).
    return stmt.cte(name).prefix_with("MATERIALIZED")


def in_country(revision_id: sa.ColumnElement[Any], f: Filters) -> sa.ColumnElement[bool]:
    """``revision_id`` names a revision in ``f.country``: it mentions a place there
    (``place.country_code``, alpha-2) or an entity of it (``entity.country``, alpha-3)."""
    in_place = (
        sa.select(t.place_mention.c.revision_id)
        .join(t.place, t.place.c.id == t.place_mention.c.place_id)
        .where(t.place.c.country_code == f.country)
    )
    in_entity = (
        sa.select(t.entity_mention.c.revision_id)
        .join(t.entity, t.entity.c.id == t.entity_mention.c.entity_id)
        .where(t.entity.c.country == f.country_alpha3)
    )
    return sa.or_(revision_id.in_(in_place), revision_id.in_(in_entity))


def in_country_latest(revision_id: sa.ColumnElement[Any], f: Filters) -> sa.ColumnElement[bool]:
    """:func:`in_country` for a latest revision, from the write-time ``agg_revision_country``
    (migration ``0013``): one index range instead of two joins over the mention tables
    (24,000 Afghan revisions of 100,000: 30 ms to list them from the mentions, 3 ms from it)."""
    g = ag.agg_revision_country.c
    return revision_id.in_(sa.select(g.revision_id).where(g.country == f.country))


def aggregate_conditions(day: sa.ColumnElement[Any], language: sa.ColumnElement[Any],
                         f: Filters) -> list[sa.ColumnElement[bool]]:
    """The date and language part of the scope on a write-time aggregate
    (:mod:`newswatch.storage.aggregate_schema`), whose ``day`` is the article's scope day (the
    publication day, else the UTC day it was first stored) and ``language`` its language
    (``""`` when unknown): the same articles as :func:`scope` without country or actor."""
    conds: list[sa.ColumnElement[bool]] = []
    if f.since is not None:
        conds.append(day >= f.since)
    if f.until is not None:
        conds.append(day <= f.until)
    if f.language is not None:
        conds.append(language == f.language)
    return conds


#: A range of days or months, both ends inclusive; None: unbounded.
DayRange = tuple[dt.date | None, dt.date | None]


def month_cover(since: dt.date | None, until: dt.date | None) -> tuple[DayRange | None, list[DayRange]]:
    """Split the days ``[since, until]`` (either None: unbounded) into whole calendar months
    and the days left over.

    Returns:
        ``(months, days)``: ``months`` is ``(first, last)``, the first days of the first and
        the last whole month (either None: unbounded), or None when no whole month lies in the
        range; ``days`` lists the ``(first, last)`` day ranges (inclusive) outside those months:
        none, the part of a month cut by ``since`` and the part cut by ``until``, or the whole
        range when it holds no whole month.
    """
    first = None if since is None else since if since.day == 1 else day_after(month_end(since))
    last: dt.date | None = None
    if until is not None:
        last = until.replace(day=1)
        if month_end(until) != until:  # until cuts its month: the month before is the last
            before = day_before(last)
            last = None if before is None else before.replace(day=1)
    if (since is not None and first is None) or (until is not None and last is None) or (
            first is not None and last is not None and first > last):
        # no whole month: since in December 9999, or until in January of year 1, or both
        # in one month
        return None, [(since, until)]
    days: list[DayRange] = []
    if since is not None and first is not None and since < first:
        days.append((since, first - dt.timedelta(days=1)))
    if until is not None and last is not None and until > month_end(last):
        days.append((month_end(last) + dt.timedelta(days=1), until))
    return (first, last), days


def day_after(day: dt.date) -> dt.date | None:
    """The day after ``day``; None after the last day Python dates hold (9999-12-31), where
    ``day + timedelta(days=1)`` raises OverflowError."""
    return None if day >= dt.date.max else day + dt.timedelta(days=1)


def day_before(day: dt.date) -> dt.date | None:
    """The day before ``day``; None before 0001-01-01 (:data:`datetime.date.min`)."""
    return None if day <= dt.date.min else day - dt.timedelta(days=1)


def aggregate_rows(day_table: sa.Table, month_table: sa.Table, columns: list[str],
                   f: Filters, *, country: bool = False) -> sa.Subquery:
    """The rows of a write-time aggregate in the date and language part of the scope, read
    from its month table for the whole months of ``[f.since, f.until]`` and from its day
    table for the days of a month the range cuts (:func:`month_cover`): the rows to sum for
    the same totals as the day table alone gives, with far fewer rows over a long range.

    Args:
        day_table: an aggregate with ``day`` and ``language`` (``agg_place_day``,
            ``agg_timeline``).
        month_table: its month table (``month`` instead of ``day``: ``agg_place_month``,
            ``agg_timeline_month``).
        columns: the columns to return (both tables have them).
        f: the filter (its country is not applied here, unless ``country``).
        country: both tables have a ``country`` column (``agg_timeline_country`` and its
            months): keep the rows of ``f.country``.

    Returns:
        A subquery with ``columns``, to be grouped and summed by the caller.
    """
    months, days = month_cover(f.since, f.until)
    selects = []
    d = day_table.c
    for lo, hi in days:
        conds = [d.day >= lo] if lo is not None else []
        if hi is not None:
            conds.append(d.day <= hi)
        if f.language is not None:
            conds.append(d.language == f.language)
        if country:
            conds.append(d.country == f.country)
        selects.append(sa.select(*(d[c] for c in columns)).where(*conds))
    if months is not None:
        m = month_table.c
        conds = [m.month >= months[0]] if months[0] is not None else []
        if months[1] is not None:
            conds.append(m.month <= months[1])
        if f.language is not None:
            conds.append(m.language == f.language)
        if country:
            conds.append(m.country == f.country)
        selects.append(sa.select(*(m[c] for c in columns)).where(*conds))
    if len(selects) == 1:
        return selects[0].subquery("agg_rows")
    return sa.union_all(*selects).subquery("agg_rows")


def event_items() -> sa.Table:
    """The rows that put an event in a revision, with its evidence span and sentence.

    ``event_mention`` once the situation model (migration 0003) is installed — one row per
    article reporting an event, so an event reported twice counts in both articles' scope —
    else the ``event`` table of the first schema (one row per coded event). Both have the
    columns ``revision_id``, ``start``, ``end``, sentence offsets, ``type``, ``mode``,
    ``actor``, ``recipient``, ``place``, ``date``.
    """
    return t.metadata.tables.get("event_mention", t.event)


def sentence_expr(item: sa.Table | sa.CTE) -> sa.ColumnElement[str]:
    """The item's sentence cut from the revision text in SQL (``substr`` counts characters
    on both backends, the same code points as Python offsets)."""
    c = item.c
    return sa.func.substr(t.revision.c.text, c.sentence_start + 1, c.sentence_end - c.sentence_start)


def items_with_article(item: sa.Table | sa.CTE, sc: sa.CTE, *columns: Any,
                       few: bool = False) -> sa.Select[*tuple[Any, ...]]:
    """Rows of an item table (one with a span, sentence offsets and ``revision_id``; or a CTE
    of some of its rows) in the scope ``sc``, with ``columns`` first, then ``start``, ``end``,
    ``sentence_start``, ``sentence`` (the whole sentence, :func:`sentence_expr`),
    ``article_id``, ``revision_id``, ``title``, ``published``, ``language``, ``url`` and
    ``source`` (the outlet's name).

    ``few``: ``item`` is a small set (a CTE narrowed by an index): the query starts from its
    rows and tests scope membership per row (a correlated ``EXISTS``), instead of walking the
    whole scope (SQLite would otherwise join every scope row to its revision and article
    first). Same rows either way.
    """
    c, a = item.c, t.article.c
    stmt = sa.select(
        *columns,
        c.start,
        c.end,
        c.sentence_start,
        sentence_expr(item).label("sentence"),
        a.id.label("article_id"),
        c.revision_id,
        a.title,
        a.published,
        a.language,
        a.url,
        t.source.c.name.label("source"),
    ).select_from(item)
    if few:
        return (
            stmt.join(t.revision, t.revision.c.id == c.revision_id)
            .join(t.article, a.id == t.revision.c.article_id)
            .outerjoin(t.source, t.source.c.id == a.source_id)
            .where(sa.exists().where(sc.c.revision_id == c.revision_id))
        )
    return (
        stmt.join(sc, sc.c.revision_id == c.revision_id)
        .join(t.revision, t.revision.c.id == c.revision_id)
        .join(t.article, a.id == sc.c.article_id)
        .outerjoin(t.source, t.source.c.id == a.source_id)
    )
