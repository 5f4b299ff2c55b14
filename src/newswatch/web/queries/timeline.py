"""The timeline page: items per day, week or month by type, and the items of one bar."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter, defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...read.corrections import ReviewIndex, apply_all
from ...read.merges import EntityEdits
from ...read.scope import aggregate_conditions, aggregate_rows, day_after, in_country_latest
from ...storage import aggregate_schema as ag
from ...storage import schema as t
from ...storage.aggregates import item_day, month_end
from ..cache import cached
from ..errors import InvalidInput
from .common import Filters, event_items, evidence_ref, iso, items_with_article, scope

#: Timeline granularity: days when the range spans at most this many days, then weeks up to
#: :data:`WEEKS_UP_TO_DAYS`, months up to :data:`MONTHS_UP_TO_DAYS`, then years (keeps a bar
#: chart under ~150 bars; years keep a stored date far from the others, 9999-12-31 in an old
#: database, to thousands of bars instead of about 96,000 months).
DAYS_UP_TO_DAYS = 120
WEEKS_UP_TO_DAYS = 1000
MONTHS_UP_TO_DAYS = 4600
#: Timeline item types besides the PLOVER event types (``event:<TYPE>``).
BASE_ITEM_TYPES = ("article", "quote", "figure", "timex")


__all__ = ["BASE_ITEM_TYPES", "DAYS_UP_TO_DAYS", "MONTHS_UP_TO_DAYS", "WEEKS_UP_TO_DAYS", "parse_types",
           "timeline", "timeline_items"]

#: The day of a stored value (the same reading the write-time aggregates use).
_day = item_day


def _wanted(item_type: str, types: set[str] | None) -> bool:
    if not types:
        return True
    return item_type in types or (item_type.startswith("event:") and "event" in types)


def _dated_counts(conn: Connection, sc: sa.CTE, types: set[str] | None) -> Counter[tuple[dt.date, str]]:
    """Items per (day, type): articles by publication day, quotes and figures by their
    article's publication day, time expressions by the day they name, events by their own
    day (else their article's)."""
    a = t.article.c
    counts: Counter[tuple[dt.date, str]] = Counter()
    if _wanted("article", types):
        for day, n in conn.execute(
            sa.select(a.published, sa.func.count()).join(sc, sc.c.article_id == a.id)
            .where(a.published.is_not(None)).group_by(a.published)
        ).all():
            counts[(_day(day), "article")] += int(n)  # type: ignore[index]
    for name, table in (("quote", t.quote), ("figure", t.figure)):
        if not _wanted(name, types):
            continue
        for day, n in conn.execute(
            sa.select(a.published, sa.func.count()).select_from(table)
            .join(sc, sc.c.revision_id == table.c.revision_id)
            .join(t.article, a.id == sc.c.article_id)
            .where(a.published.is_not(None)).group_by(a.published)
        ).all():
            counts[(_day(day), name)] += int(n)  # type: ignore[index]
    if _wanted("timex", types):
        x = t.timex.c
        for value, n in conn.execute(
            sa.select(x.value, sa.func.count()).join(sc, sc.c.revision_id == x.revision_id)
            .where(x.value.like("____-__-__")).group_by(x.value)
        ).all():
            day = _day(value)
            if day is not None:
                counts[(day, "timex")] += int(n)
    items = event_items()
    ev = items.c
    # an event mention an analyst corrected counts with its corrected type and date, a
    # rejected one not at all; the others are counted in SQL
    corrections = ReviewIndex(conn, "correction")
    reviewed = corrections.positions("event", lambda r: True)
    mention = sa.tuple_(ev.revision_id, ev.start, ev.end)
    grouped = (sa.select(ev.type, ev.date, a.published, sa.func.count()).select_from(items)
               .join(sc, sc.c.revision_id == ev.revision_id)
               .join(t.article, a.id == sc.c.article_id)
               .group_by(ev.type, ev.date, a.published))
    rows = [tuple(r) for r in conn.execute(
        grouped.where(mention.not_in(reviewed)) if reviewed else grouped).all()]
    corrected = corrections.positions("event", ("correct",))
    if corrected:
        for r in conn.execute(
                sa.select(ev.type, ev.date, a.published, ev.revision_id, ev.start, ev.end,
                          a.id.label("article_id")).select_from(items)
                .join(sc, sc.c.revision_id == ev.revision_id)
                .join(t.article, a.id == sc.c.article_id)
                .where(mention.in_(corrected))).all():
            review = corrections.get("event", r.article_id, r.revision_id, r.start, r.end)
            fields = review.fields if review is not None else {}
            rows.append((fields.get("type") or r.type, fields.get("date") or r.date,
                         r.published, 1))
    for etype, date, published, n in rows:
        name = f"event:{etype}"
        day = _day(date) or _day(published)
        if day is not None and _wanted(name, types):
            counts[(day, name)] += int(n)
    return counts


def _bucket_start(day: dt.date, granularity: str) -> dt.date:
    if granularity == "week":  # 0001-01-01 is a Monday: a week never starts before it
        return day - dt.timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    if granularity == "year":
        return day.replace(month=1, day=1)
    return day


def _bucket_end(start: dt.date, granularity: str) -> dt.date:
    """The last day of the bucket starting at ``start``; the last week of 9999 ends on
    9999-12-31 (:data:`datetime.date.max`), the last day Python dates hold."""
    if granularity == "week":
        return start + dt.timedelta(days=min(6, (dt.date.max - start).days))
    if granularity == "month":
        return month_end(start)
    if granularity == "year":
        return start.replace(month=12, day=31)
    return start


def parse_types(value: str | None) -> set[str] | None:
    """The ``type`` filter: comma-separated item types (``article``, ``quote``, ``figure``,
    ``timex``, ``event`` or ``event:<TYPE>``); None when empty.

    Raises:
        InvalidInput: an unknown type.
    """
    if not value:
        return None
    types = {v.strip() for v in value.split(",") if v.strip()}
    for v in types:
        if v not in BASE_ITEM_TYPES and v != "event" and not re.fullmatch(r"event:[A-Z_]+", v):
            raise InvalidInput(f"unknown item type {v!r}", params={"field": "type"})
    return types or None


def _aggregated_counts(conn: Connection, f: Filters, actor_id: int | None, types: set[str] | None
                       ) -> tuple[Counter[tuple[dt.date, str]], Any, Any]:
    """What :func:`_dated_counts` and the first/last publication day say, from
    ``agg_timeline`` (dates and language only), ``agg_timeline_country`` (a country) or
    ``agg_timeline_revision`` (an actor: the revisions it selects, as analysts merged and split
    entities, read now; with a country, those of its revisions in the country)."""
    table: sa.FromClause
    g: Any
    if actor_id is not None:
        # per revision, restricted to the revisions the actor (and the country) select now
        table = ag.agg_timeline_revision
        g = table.c
        conds = aggregate_conditions(g.day, g.language, f)
        if f.country is not None:
            conds.append(in_country_latest(g.revision_id, f))
        # the actor as analysts merged and split it
        conds.append(g.revision_id.in_(EntityEdits(conn).revisions_mentioning(actor_id)))
    elif f.country is not None:
        # whole months from agg_timeline_country_month, cut months' days from
        # agg_timeline_country
        table = aggregate_rows(ag.agg_timeline_country, ag.agg_timeline_country_month,
                               ["item_day", "type", "n"], f, country=True)
        g = table.c
        conds = []
    else:
        # whole months from agg_timeline_month, the days of a month the range cuts from
        # agg_timeline
        table = aggregate_rows(ag.agg_timeline, ag.agg_timeline_month, ["item_day", "type", "n"], f)
        g = table.c
        conds = []
    counts: Counter[tuple[dt.date, str]] = Counter()
    # an article's item day is its publication day: the first and last come from the same rows
    published: list[dt.date] = []
    for day, kind, n in conn.execute(
        sa.select(g.item_day, g.type, sa.func.sum(g.n)).select_from(table).where(*conds)
        .group_by(g.item_day, g.type)
    ).all():
        if kind == "article" and int(n) > 0:
            published.append(_day(day))  # type: ignore[arg-type]
        if _wanted(kind, types):
            counts[(_day(day), kind)] += int(n)  # type: ignore[index]
    return counts, min(published, default=None), max(published, default=None)


def timeline(
    conn: Connection, f: Filters, *, actor_id: int | None = None, types: set[str] | None = None,
    direct: bool = False,
) -> dict[str, Any]:
    """Items per day (or week, or month) by type.

    Returns:
        ``{"filters", "actor_id", "types": [every type present], "granularity":
        "day"|"week"|"month"|"year", "max": largest bucket total, "outside": items left out,
        "buckets": [{"start", "end", "total", "counts": {type: n}}]}`` with empty buckets
        between the first and the last day. The range is ``[since, until]``, each bound
        defaulting to the first (last) publication day in scope, so a date an article merely
        refers to ("the attacks of 2001-09-11") does not stretch the news period; those items
        are counted in ``outside``.

    Counts come from the write-time aggregates: ``agg_timeline`` for dates and language,
    ``agg_timeline_country`` for a country (kept when a later article gives an entity its
    country), ``agg_timeline_revision`` restricted to the revisions an actor selects (read at
    query time, as analysts merged and split entities).
    ``direct=True`` or a database without them scans the item tables. The answer is the same
    either way, and is cached per filter until the next write (:mod:`newswatch.web.cache`); do
    not mutate it.
    """
    if direct:
        return _timeline(conn, f, actor_id, types, direct=True)
    key = ("timeline", f, actor_id, frozenset(types) if types else None)
    return cached(conn, key, lambda: _timeline(conn, f, actor_id, types, direct=False))


def _timeline(conn: Connection, f: Filters, actor_id: int | None, types: set[str] | None, *,
              direct: bool) -> dict[str, Any]:
    # The aggregates count machine output; once an analyst has corrected or rejected an event
    # mention, the item tables are scanned so the correction holds.
    if (not direct and sa.inspect(conn).has_table(ag.agg_timeline_month.name)
            and not ReviewIndex(conn, "correction").positions("event", lambda r: True)):
        counts, first_pub, last_pub = _aggregated_counts(conn, f, actor_id, types)
    else:
        sc = scope(f, actor_id, actor_revisions=_actor_revisions(conn, actor_id))
        counts = _dated_counts(conn, sc, types)
        a = t.article.c
        first_pub, last_pub = conn.execute(
            sa.select(sa.func.min(a.published), sa.func.max(a.published)).join(sc, sc.c.article_id == a.id)
        ).one()
    lo = f.since or _day(first_pub)
    hi = f.until or _day(last_pub)
    days = sorted({d for d, _ in counts if (lo is None or d >= lo) and (hi is None or d <= hi)})
    outside = sum(n for (d, _), n in counts.items()
                  if (lo is not None and d < lo) or (hi is not None and d > hi))
    result: dict[str, Any] = {"filters": f.to_dict(), "actor_id": actor_id,
                              "types": sorted({k for _, k in counts}), "granularity": "day",
                              "max": 0, "outside": outside, "buckets": []}
    if not days:
        return result
    span = (days[-1] - days[0]).days
    granularity = ("day" if span <= DAYS_UP_TO_DAYS else "week" if span <= WEEKS_UP_TO_DAYS
                   else "month" if span <= MONTHS_UP_TO_DAYS else "year")
    per: dict[dt.date, Counter[str]] = defaultdict(Counter)
    for (day, kind), n in counts.items():
        if days[0] <= day <= days[-1]:
            per[_bucket_start(day, granularity)][kind] += n
    buckets: list[dict[str, Any]] = []
    cursor = _bucket_start(days[0], granularity)
    while cursor <= days[-1]:
        end = _bucket_end(cursor, granularity)
        c = per.get(cursor, Counter())
        buckets.append({"start": cursor.isoformat(), "end": end.isoformat(),
                        "total": sum(c.values()), "counts": dict(sorted(c.items()))})
        following = day_after(end)
        if following is None:  # the bucket ending on 9999-12-31 is the last one
            break
        cursor = following
    result.update(granularity=granularity, buckets=buckets,
                  max=max(b["total"] for b in buckets))
    return result


def timeline_items(
    conn: Connection,
    f: Filters,
    start: dt.date,
    end: dt.date,
    *,
    actor_id: int | None = None,
    types: set[str] | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """The items of one timeline bar: every dated item with a day in ``[start, end]``.

    Returns:
        ``[{"type", "date", "text", <evidence reference>}]`` by date, type, article
        (``start``/``end``/``sentence`` are None for articles); at most ``limit``. Events
        carry the analysts' corrections (corrected type and date, ``correction``: who and
        when); rejected ones are left out. Cached per
        filter and bar until the next write (:mod:`newswatch.web.cache`); do not mutate it.
    """
    key = ("timeline_items", f, start, end, actor_id, frozenset(types) if types else None, limit)
    return cached(conn, key, lambda: _timeline_items(conn, f, start, end, actor_id, types, limit))


def _actor_revisions(conn: Connection, actor_id: int | None) -> sa.Select[Any] | None:
    """The revisions mentioning the actor as analysts merged and split entities."""
    return None if actor_id is None else EntityEdits(conn).revisions_mentioning(actor_id)


def _timeline_items(conn: Connection, f: Filters, start: dt.date, end: dt.date,
                    actor_id: int | None, types: set[str] | None, limit: int) -> list[dict[str, Any]]:
    actor_revisions = _actor_revisions(conn, actor_id)
    # the bar's time expressions and events are few: each is tested against the latest
    # revisions through agg_latest's unique index, not against all of them built first
    sc = scope(f, actor_id, latest_table=True, actor_revisions=actor_revisions, materialized=False)
    # Articles, quotes and figures are dated by their article's publication day, so only
    # articles published in [start, end] can give any: a scope of those days alone is the
    # same answer without materialising every article in the filter.
    lo = max(d for d in (f.since, start) if d is not None)
    hi = min(d for d in (f.until, end) if d is not None)
    by_published = (scope(dataclasses.replace(f, since=lo, until=hi), actor_id, latest_table=True,
                          actor_revisions=actor_revisions)
                    if lo <= hi else None)
    a = t.article.c
    out: list[dict[str, Any]] = []
    if _wanted("article", types) and by_published is not None:
        sp = by_published
        for r in conn.execute(
            sa.select(a.id.label("article_id"), sp.c.revision_id, a.title, a.published,
                      a.language, t.source.c.name.label("source"))
            .join(sp, sp.c.article_id == a.id)
            .outerjoin(t.source, t.source.c.id == a.source_id)
            .where(a.published >= start, a.published <= end)
            .limit(limit)
        ).all():
            out.append({"type": "article", "date": iso(r.published), "text": r.title or "",
                        "article_id": r.article_id, "revision_id": int(r.revision_id),
                        "title": r.title, "source": r.source, "published": iso(r.published),
                        "language": r.language, "start": None, "end": None, "sentence": None})
    for name, table in (("quote", t.quote), ("figure", t.figure)):
        if not _wanted(name, types) or by_published is None:
            continue
        for r in conn.execute(
            items_with_article(table, by_published, table.c.text)
            .where(a.published >= start, a.published <= end).limit(limit)
        ).all():
            out.append({"type": name, "date": iso(r.published), "text": r.text, **evidence_ref(r)})
    # Time expressions and events are first narrowed to the bar's days through their date
    # indexes (migration 0010), then joined to the scope: scanning the scope for them costs
    # time in proportion to the whole database.
    first, last = start.isoformat(), end.isoformat()
    if _wanted("timex", types):
        x = t.timex.c
        dated = (sa.select(t.timex).where(x.value >= first, x.value <= last, x.value.like("____-__-__"))
                 .cte("bar_timex").prefix_with("MATERIALIZED"))
        for r in conn.execute(
            items_with_article(dated, sc, dated.c.text, dated.c.value, few=True).limit(limit)
        ).all():
            out.append({"type": "timex", "date": r.value, "text": r.text, **evidence_ref(r)})
    # An event's day is its own date when that is a calendar day, else its article's
    # publication day; an analyst's correction may move it. The rows that can fall in the bar
    # are found in SQL (a superset: dated in the bar, in a revision of an article published
    # in it, or in an article with an event correction), then tested exactly below.
    ev = event_items().c
    published_in_bar = (sa.select(t.revision.c.id).join(t.article, a.id == t.revision.c.article_id)
                        .where(a.published >= start, a.published <= end))
    may_fall_in = [sa.and_(ev.date >= first, ev.date <= last, ev.date.like("____-__-__")),
                   ev.revision_id.in_(published_in_bar)]
    if "correction" in t.metadata.tables:
        c = t.metadata.tables["correction"].c
        corrected = sa.select(t.revision.c.id).where(t.revision.c.article_id.in_(
            sa.select(c.article_id).where(c.kind == "event")))
        may_fall_in.append(ev.revision_id.in_(corrected))
    # one select per way in, each through its own index: PostgreSQL answered their OR by
    # reading every event mention (210 ms for one day at 100,000 articles, 17 ms as a union);
    # UNION drops a row found twice
    candidates = (sa.union(*(sa.select(event_items()).where(way) for way in may_fall_in))
                  .cte("bar_events").prefix_with("MATERIALIZED"))
    cv = candidates.c
    event_rows = [{"type": r.type, "actor": r.actor, "recipient": r.recipient,
                   "date": r.date, "published_day": r.published, **evidence_ref(r)}
                  for r in conn.execute(
                      items_with_article(candidates, sc, cv.id, cv.type, cv.mode, cv.actor,
                                         cv.recipient, cv.place, cv.date, few=True)
                      .limit(limit * 4)).all()]
    for e in apply_all(conn, "event", event_rows):  # corrected values, rejected ones left out
        day = _day(e["date"]) or _day(e["published_day"])
        name = f"event:{e['type']}"
        if day is None or not start <= day <= end or not _wanted(name, types):
            continue
        text = " → ".join(x for x in (e["actor"], e["recipient"]) if x) or e["type"]
        ref = {k: v for k, v in e.items()
               if k not in ("type", "actor", "recipient", "date", "published_day", "machine")}
        out.append({**ref, "type": name, "date": day.isoformat(), "text": text})
    out.sort(key=lambda i: (i["date"] or "", i["type"], i["article_id"], i["start"] or 0))
    return out[:limit]
