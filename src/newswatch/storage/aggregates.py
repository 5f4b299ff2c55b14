"""Keeping the dashboard's write-time aggregates (:mod:`newswatch.storage.aggregate_schema`)
equal to what the item tables say.

What a revision contributes (:func:`contributions`) is computed from the item tables with a few
grouped queries; :meth:`newswatch.storage.Store.save` subtracts the previous latest revision's
contribution (computed before the article row takes the new revision's date and language) and
adds the new one's, in the save's transaction (:func:`replace_revision`), and bumps the data
version. :func:`remove_revision` is the same subtraction for a revision that leaves the scope
without a successor (a deletion). :func:`rebuild` recomputes everything from scratch
(migration ``0006`` fills existing databases with it).

The month tables (``agg_place_month``, ``agg_timeline_month``) follow the day tables in the
same statements' transaction: a save adds its rows' sums to their months; taking a revision
out subtracts from the timeline's months and recomputes a place's month from its day rows
(which also gives the month its new first mention); :func:`rebuild_months` recomputes them
all from the day tables (migration ``0011``).

The country tables (``agg_revision_country``, ``agg_timeline_country``) are derived from the
stored per-revision rows (``agg_timeline_revision``) and the revisions' countries: a revision
entering the scope adds its rows to each of its countries, one leaving takes out what its
stored countries had added, and :func:`refresh_countries` moves a revision's rows between
countries when what it mentions changes country (an entity that gets its country, a place
whose gazetteer record changed country).

Days follow the dashboard's timeline (:func:`item_day`): a ``YYYY-MM-DD`` string or a date;
anything else (``2021-W32``, ``PRESENT_REF``, an impossible date) has no day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from . import aggregate_schema as ag
from . import schema as t
from .engine import advisory_lock, execute_many, insert_statement

#: Revisions per ``IN (...)`` list.
CHUNK = 500
#: The one row of ``data_version``.
VERSION_ROW_ID = 1

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

__all__ = [
    "CHUNK", "Contribution", "add_revisions", "bump_version", "contributions", "countries_of", "data_version",
    "item_day", "month_end", "month_of", "rebuild", "rebuild_countries", "rebuild_months", "refresh_countries",
    "remove_revision", "replace_revision", "scope_day",
]


def item_day(value: Any) -> dt.date | None:
    """The day of a stored value: a date, a datetime's date, a valid ``YYYY-MM-DD`` string;
    else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DAY.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def month_of(day: dt.date) -> dt.date:
    """The month of a day as the month tables key it: its first day."""
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month (never beyond 9999-12-31: no date arithmetic)."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def scope_day(published: dt.date | None, first_seen: dt.datetime) -> dt.date:
    """The day ``read.scope`` compares with ``since``/``until``: the publication day, else the
    UTC day the article was first stored (SQLite gives naive UTC timestamps back)."""
    if published is not None:
        return published
    if first_seen.tzinfo is not None:
        first_seen = first_seen.astimezone(dt.UTC)
    return first_seen.date()


@dataclass(slots=True)
class _Rev:
    article_id: str
    day: dt.date
    language: str
    published: dt.date | None


@dataclass(slots=True)
class Contribution:
    """What some revisions add to the aggregates.

    Attributes:
        places: ``(place_id, day, language) -> [mentions, articles, first_mention]``.
        timeline: ``(day, language, item_day, type) -> items``.
        by_revision: ``(revision_id, item_day, type) -> items`` (the same counts per revision).
        events: ``agg_event_place`` rows (dicts without ``id``).
        revision_rows: ``agg_timeline_revision`` rows (dicts without ``id``).
        latest_rows: ``agg_latest`` rows.
        revision_ids: the revisions counted.
    """

    places: dict[tuple[int, dt.date, str], list[int]] = field(default_factory=dict)
    timeline: Counter[tuple[dt.date, str, dt.date, str]] = field(default_factory=Counter)
    by_revision: Counter[tuple[int, dt.date, str]] = field(default_factory=Counter)
    events: list[dict[str, Any]] = field(default_factory=list)
    revision_rows: list[dict[str, Any]] = field(default_factory=list)
    latest_rows: list[dict[str, Any]] = field(default_factory=list)
    revision_ids: list[int] = field(default_factory=list)


def _revisions(conn: Connection, ids: Sequence[int]) -> dict[int, _Rev]:
    a, r = t.article.c, t.revision.c
    # The publication day read as stored (a date on PostgreSQL, ISO text on SQLite), so that
    # a row written by another tool with a time part does not stop a migration.
    published = sa.type_coerce(a.published, sa.String).label("published")
    rows = conn.execute(
        sa.select(r.id, r.article_id, published, a.first_seen, a.language)
        .join(t.article, a.id == r.article_id).where(r.id.in_(list(ids)))
    ).all()
    out = {}
    for x in rows:
        day = item_day(x.published[:10] if isinstance(x.published, str) else x.published)
        out[int(x.id)] = _Rev(x.article_id, scope_day(day, x.first_seen), x.language or "", day)
    return out


def contributions(conn: Connection, revision_ids: Iterable[int],
                  into: Contribution | None = None, *, one_by_one: bool = False,
                  names_only: bool = True) -> Contribution:
    """What ``revision_ids`` (each counted as its article's latest revision, with the article
    row's current date and language) add to the aggregates.

    Args:
        conn: a connection (reads only).
        revision_ids: revision ids.
        into: a contribution to add to (else a new one).
        one_by_one: add the revisions' counts one revision after the other, in the order of
            ``revision_ids``, as successive calls with one revision each would (so rows appear
            in the order successive saves write them); by default each kind of count is added
            for all revisions of a chunk at once. The queries are the same either way.
        names_only: count only the place mentions of kind ``"name"`` (a place only described
            by a nationality word, "Russian diplomats", is no place the article happened at:
            :class:`newswatch.model.PlaceMention`); False for a database from before migration
            ``0014``, which has no ``kind`` column and only names (``0006``'s backfill).

    Returns:
        The contribution.
    """
    out = into or Contribution()
    revisions: dict[int, _Rev] = {}
    ids = list(revision_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        revs = _revisions(conn, chunk)
        rows = _contribution_rows(conn, chunk, names_only)
        if not one_by_one:
            revisions.update(revs)
            _accumulate(out, revs, rows)
            continue
        for rid in chunk:
            if rid in revs:
                one = {rid: revs[rid]}
                revisions.update(one)
                _accumulate(out, one, {kind: [r for r in found if int(r[0]) == rid]
                                       for kind, found in rows.items()})
    out.latest_rows = [
        {"article_id": rev.article_id, "revision_id": rid, "day": rev.day, "language": rev.language}
        for rid, rev in revisions.items()
    ]
    out.revision_rows = [
        {"revision_id": rid, "day": revisions[rid].day, "language": revisions[rid].language,
         "item_day": iday, "type": kind, "n": n}
        for (rid, iday, kind), n in out.by_revision.items()
    ]
    return out


def _contribution_rows(conn: Connection, chunk: list[int], names_only: bool = True) -> dict[str, Sequence[Any]]:
    """The grouped counts of the revisions in ``chunk``, by kind; every row starts with its
    revision id."""
    items = t.metadata.tables.get("event_mention", t.event)
    ev = items.c
    pm = t.place_mention.c
    out: dict[str, Sequence[Any]] = {}
    out["places"] = conn.execute(
        sa.select(pm.revision_id, pm.place_id, sa.func.count(), sa.func.min(pm.id))
        .where(pm.revision_id.in_(chunk), *([pm.kind == "name"] if names_only else []))
        .group_by(pm.revision_id, pm.place_id)
    ).all()
    for name, table in (("quote", t.quote), ("figure", t.figure)):
        out[name] = conn.execute(
            sa.select(table.c.revision_id, sa.func.count())
            .where(table.c.revision_id.in_(chunk)).group_by(table.c.revision_id)
        ).all()
    x = t.timex.c
    out["timex"] = conn.execute(
        sa.select(x.revision_id, x.value, sa.func.count())
        .where(x.revision_id.in_(chunk), x.value.like("____-__-__"))
        .group_by(x.revision_id, x.value)
    ).all()
    out["event"] = conn.execute(
        sa.select(ev.revision_id, ev.type, ev.date, sa.func.count())
        .where(ev.revision_id.in_(chunk)).group_by(ev.revision_id, ev.type, ev.date)
    ).all()
    e = t.event.c
    out["event_place"] = conn.execute(
        sa.select(ev.revision_id, ev.place, e.place_key, ev.type, sa.func.count(),
                  sa.func.min(ev.id))
        .join(t.event, e.id == ev.event_id)
        .where(ev.revision_id.in_(chunk), e.negated.is_(False), e.hypothetical.is_(False),
               sa.or_(ev.place.is_not(None), e.place_key.is_not(None)))
        .group_by(ev.revision_id, ev.place, e.place_key, ev.type)
    ).all()
    return out


def _accumulate(out: Contribution, revs: dict[int, _Rev], rows: dict[str, Sequence[Any]]) -> None:
    """Add the counts of ``rows`` (from :func:`_contribution_rows`) of the revisions ``revs``."""
    out.revision_ids.extend(revs)
    for rid, place_id, n, first in rows["places"]:
        rev = revs[int(rid)]
        slot = out.places.setdefault((int(place_id), rev.day, rev.language), [0, 0, int(first)])
        slot[0] += int(n)
        slot[1] += 1
        slot[2] = min(slot[2], int(first))
    for rid, rev in revs.items():
        if rev.published is not None:
            out.timeline[(rev.day, rev.language, rev.published, "article")] += 1
            out.by_revision[(rid, rev.published, "article")] += 1
    for name in ("quote", "figure"):
        for rid, n in rows[name]:
            rev = revs[int(rid)]
            if rev.published is not None:
                out.timeline[(rev.day, rev.language, rev.published, name)] += int(n)
                out.by_revision[(int(rid), rev.published, name)] += int(n)
    for rid, value, n in rows["timex"]:
        rev, day = revs[int(rid)], item_day(value)
        if day is not None:
            out.timeline[(rev.day, rev.language, day, "timex")] += int(n)
            out.by_revision[(int(rid), day, "timex")] += int(n)
    for rid, etype, date, n in rows["event"]:
        rev = revs[int(rid)]
        day = item_day(date) or rev.published
        if day is not None:
            out.timeline[(rev.day, rev.language, day, f"event:{etype}")] += int(n)
            out.by_revision[(int(rid), day, f"event:{etype}")] += int(n)
    for rid, place, place_key, etype, n, first in rows["event_place"]:
        rev = revs[int(rid)]
        out.events.append({"revision_id": int(rid), "article_id": rev.article_id,
                           "day": rev.day, "language": rev.language, "place": place,
                           "place_key": place_key, "type": etype, "mentions": int(n),
                           "first_event": int(first)})


def _first_place_mention(conn: Connection, place_id: int, day: dt.date, language: str,
                         exclude: int | None) -> int | None:
    """The smallest ``place_mention.id`` of a place among latest revisions (but ``exclude``)
    with this scope day and language (recomputed when the revision that held it leaves the
    scope)."""
    a, r, pm = t.article.c, t.revision.c, t.place_mention.c
    newer = t.revision.alias("newer")
    latest = sa.select(sa.func.max(newer.c.seq)).where(newer.c.article_id == a.id).scalar_subquery()
    start = dt.datetime.combine(day, dt.time(), dt.UTC)
    on_day = sa.or_(a.published == day, sa.and_(
        a.published.is_(None), a.first_seen >= start, a.first_seen < start + dt.timedelta(days=1)))
    value = conn.scalar(
        sa.select(sa.func.min(pm.id)).join(t.revision, r.id == pm.revision_id)
        .join(t.article, a.id == r.article_id)
        .where(pm.place_id == place_id, pm.kind == "name", r.seq == latest,
               sa.func.coalesce(a.language, "") == language, on_day,
               pm.revision_id != (exclude if exclude is not None else -1))
    )
    return None if value is None else int(value)


def _insert_or_add(conn: Connection, table: sa.Table, rows: list[dict[str, Any]], keys: Sequence[str],
                   sums: Sequence[str], mins: Sequence[str] = ()) -> None:
    """Insert ``rows``; where a row with the same ``keys`` exists, add the ``sums`` columns to it
    and keep the smaller of the ``mins`` columns. One atomic statement (``ON CONFLICT DO
    UPDATE``), so concurrent PostgreSQL writers of different articles do not lose counts."""
    if rows:
        execute_many(conn, _insert_or_add_statement(conn.dialect.name, table, tuple(keys), tuple(sums),
                                                    tuple(mins)), rows)


@cache
def _insert_or_add_statement(backend: str, table: sa.Table, keys: tuple[str, ...], sums: tuple[str, ...],
                             mins: tuple[str, ...]) -> Any:
    """The statement of :func:`_insert_or_add`, built once per backend, table and columns."""
    insert = pg_insert(table) if backend == "postgresql" else sqlite_insert(table)
    new = insert.excluded
    values: dict[str, Any] = {c: table.c[c] + new[c] for c in sums}
    values.update({c: sa.case((new[c] < table.c[c], new[c]), else_=table.c[c]) for c in mins})
    return insert.on_conflict_do_update(index_elements=[table.c[k] for k in keys], set_=values)


def _place_months(places: dict[tuple[int, dt.date, str], list[int]]
                  ) -> dict[tuple[int, dt.date, str], list[int]]:
    """Place rows per day summed per month (mentions, articles; the smallest first mention)."""
    out: dict[tuple[int, dt.date, str], list[int]] = {}
    for (place_id, day, lang), (mentions, articles, first) in places.items():
        slot = out.setdefault((place_id, month_of(day), lang), [0, 0, first])
        slot[0] += mentions
        slot[1] += articles
        slot[2] = min(slot[2], first)
    return out


def _place_rows(places: dict[tuple[int, dt.date, str], list[int]], period: str) -> list[dict[str, Any]]:
    return [{"place_id": p, period: d, "language": lang, "mentions": v[0], "articles": v[1],
             "first_mention": v[2]} for (p, d, lang), v in places.items()]


#: ``agg_timeline``'s key columns after its period (``day`` or ``month``).
_TIMELINE_KEY = ("language", "item_day", "type")


def _per_month(counts: Counter[Any], at: int) -> Counter[Any]:
    """Counts keyed by tuples whose element ``at`` is a scope day, summed per month of that day
    (the key of the month tables)."""
    out: Counter[Any] = Counter()
    for key, n in counts.items():
        out[(*key[:at], month_of(key[at]), *key[at + 1:])] += n
    return out


def _count_rows(counts: Counter[Any], columns: Sequence[str]) -> list[dict[str, Any]]:
    """Rows of a count table: each key's values under ``columns``, its count under ``n``."""
    return [{**dict(zip(columns, key, strict=True)), "n": n} for key, n in counts.items()]


def _apply_counts(conn: Connection, table: sa.Table, columns: Sequence[str], counts: Counter[Any],
                  sign: int) -> None:
    """Add (``sign`` > 0) or take out ``counts`` to the ``n`` of ``table``'s rows keyed by
    ``columns`` (the timeline tables); a row taken down to 0 is deleted."""
    if sign > 0:
        _insert_or_add(conn, table, _count_rows(counts, columns), columns, ("n",))
        return
    g = table.c
    for key_values, n in counts.items():
        key = [g[name] == value for name, value in zip(columns, key_values, strict=True)]
        conn.execute(sa.update(table).where(*key).values(n=g.n - n))
        conn.execute(sa.delete(table).where(*key, g.n <= 0))


def _recount_place_months(conn: Connection, keys: Iterable[tuple[int, dt.date, str]]) -> None:
    """Set each ``(place_id, month, language)`` row of ``agg_place_month`` to the sums of its
    day rows (deleted when it has none)."""
    d, m = ag.agg_place_day.c, ag.agg_place_month.c
    for place_id, month, lang in keys:
        in_month = (d.place_id == place_id, d.language == lang, d.day >= month, d.day <= month_end(month))
        total = conn.execute(
            sa.select(sa.func.sum(d.mentions), sa.func.sum(d.articles), sa.func.min(d.first_mention))
            .where(*in_month)).one()
        key = (m.place_id == place_id, m.month == month, m.language == lang)
        if total[0] is None:
            conn.execute(sa.delete(ag.agg_place_month).where(*key))
        else:
            conn.execute(sa.update(ag.agg_place_month).where(*key).values(
                mentions=int(total[0]), articles=int(total[1]), first_mention=int(total[2])))


def _apply_places(conn: Connection, places: dict[tuple[int, dt.date, str], list[int]], sign: int,
                  exclude: int | None = None) -> None:
    table, g = ag.agg_place_day, ag.agg_place_day.c
    if sign > 0:
        _insert_or_add(conn, table, _place_rows(places, "day"), ("place_id", "day", "language"),
                       ("mentions", "articles"), ("first_mention",))
        _insert_or_add(conn, ag.agg_place_month, _place_rows(_place_months(places), "month"),
                       ("place_id", "month", "language"), ("mentions", "articles"), ("first_mention",))
        return
    for (place_id, day, lang), (mentions, articles, first) in places.items():
        key = (g.place_id == place_id, g.day == day, g.language == lang)
        conn.execute(sa.update(table).where(*key).values(
            mentions=g.mentions - mentions, articles=g.articles - articles))
        row = conn.execute(sa.select(g.mentions, g.first_mention).where(*key)).first()
        if row is None:
            continue
        if row.mentions <= 0:
            conn.execute(sa.delete(table).where(*key))
        elif int(row.first_mention) == first:  # the revision leaving held the first mention
            found = _first_place_mention(conn, place_id, day, lang, exclude)
            if found is not None:
                conn.execute(sa.update(table).where(*key).values(first_mention=found))
    _recount_place_months(conn, _place_months(places))


def _apply_timeline(conn: Connection, timeline: Counter[tuple[dt.date, str, dt.date, str]], sign: int) -> None:
    _apply_counts(conn, ag.agg_timeline, ("day", *_TIMELINE_KEY), timeline, sign)
    _apply_counts(conn, ag.agg_timeline_month, ("month", *_TIMELINE_KEY), _per_month(timeline, 0), sign)


@cache
def _alpha2(alpha3: str) -> str | None:
    """ISO 3166-1 alpha-3 -> alpha-2 (pycountry); None when pycountry does not know it (no
    country filter can name such a code: :func:`newswatch.read.scope.make_filters` takes
    pycountry's codes)."""
    import pycountry

    record = pycountry.countries.get(alpha_3=alpha3.upper())
    return record.alpha_2 if record else None


def countries_of(conn: Connection, revision_ids: Sequence[int]) -> dict[int, set[str]]:
    """The countries of each revision, read from the item tables as
    :func:`newswatch.read.scope.in_country` reads them: the ``country_code`` (alpha-2) of the
    places it mentions and the alpha-2 code of its entities' countries (alpha-3 stored).

    Returns:
        ``{revision_id: {alpha-2, ...}}`` with an entry (maybe empty) for every revision asked.
    """
    out: dict[int, set[str]] = {int(r): set() for r in revision_ids}
    pm, p = t.place_mention.c, t.place.c
    em, e = t.entity_mention.c, t.entity.c
    ids = list(out)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        for rid, code in conn.execute(
            sa.select(pm.revision_id, p.country_code).distinct().join(t.place, p.id == pm.place_id)
            .where(pm.revision_id.in_(chunk), p.country_code.is_not(None))
        ).all():
            out[int(rid)].add(str(code))
        for rid, code in conn.execute(
            sa.select(em.revision_id, e.country).distinct().join(t.entity, e.id == em.entity_id)
            .where(em.revision_id.in_(chunk), e.country.is_not(None))
        ).all():
            alpha2 = _alpha2(str(code))
            if alpha2 is not None:
                out[int(rid)].add(alpha2)
    return out


def _stored_countries(conn: Connection, revision_ids: Sequence[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {int(r): set() for r in revision_ids}
    g = ag.agg_revision_country.c
    ids = list(out)
    for start in range(0, len(ids), CHUNK):
        for rid, code in conn.execute(
                sa.select(g.revision_id, g.country).where(g.revision_id.in_(ids[start:start + CHUNK]))).all():
            out[int(rid)].add(code)
    return out


def _move_country_rows(conn: Connection, moves: dict[int, tuple[set[str], set[str]]]) -> None:
    """For each ``revision_id: (added, removed)``, add the revision's ``agg_timeline_revision``
    rows to the ``added`` countries of ``agg_timeline_country`` (and their months to
    ``agg_timeline_country_month``) and take them out of the ``removed`` ones, and record the
    countries in ``agg_revision_country``."""
    moves = {rid: m for rid, m in moves.items() if m[0] or m[1]}
    if not moves:
        return
    g = ag.agg_timeline_revision.c
    plus: Counter[tuple[str, dt.date, str, dt.date, str]] = Counter()
    minus: Counter[tuple[str, dt.date, str, dt.date, str]] = Counter()
    ids = list(moves)
    for start in range(0, len(ids), CHUNK):
        for rid, day, lang, iday, kind, n in conn.execute(
            sa.select(g.revision_id, g.day, g.language, g.item_day, g.type, g.n)
            .where(g.revision_id.in_(ids[start:start + CHUNK]))
        ).all():
            added, removed = moves[int(rid)]
            for country in added:
                plus[(country, day, lang, iday, kind)] += int(n)
            for country in removed:
                minus[(country, day, lang, iday, kind)] += int(n)
    for counts, sign in ((plus, +1), (minus, -1)):
        _apply_counts(conn, ag.agg_timeline_country, ("country", "day", *_TIMELINE_KEY), counts, sign)
        _apply_counts(conn, ag.agg_timeline_country_month, ("country", "month", *_TIMELINE_KEY),
                      _per_month(counts, 1), sign)
    rc = ag.agg_revision_country.c
    gone = [(rid, country) for rid, (_, removed) in moves.items() for country in removed]
    for rid, country in gone:
        conn.execute(sa.delete(ag.agg_revision_country).where(rc.revision_id == rid, rc.country == country))
    new = [{"country": country, "revision_id": rid} for rid, (added, _) in moves.items() for country in added]
    if new:
        execute_many(conn, insert_statement(ag.agg_revision_country), new)


def refresh_countries(conn: Connection, revision_ids: Iterable[int]) -> None:
    """Bring the country tables of ``revision_ids`` (those of them in the scope, i.e. in
    ``agg_latest``) in line with the countries their mentions have now
    (:func:`countries_of`). Call it in the transaction that changed an entity's country or a
    place's country code, with the revisions mentioning it."""
    ids = sorted({int(r) for r in revision_ids})
    if not ids:
        return
    # PostgreSQL writers change the country tables one at a time, as they change identities
    # and clusters (every save takes this lock before it writes its own aggregates): a
    # revision's stored countries are then what its next reader in a write sees
    advisory_lock(conn, "situation")
    latest: list[int] = []
    la = ag.agg_latest.c
    for start in range(0, len(ids), CHUNK):
        latest.extend(int(r) for r in conn.scalars(
            sa.select(la.revision_id).where(la.revision_id.in_(ids[start:start + CHUNK]))))
    if not latest:
        return
    now, stored = countries_of(conn, latest), _stored_countries(conn, latest)
    _move_country_rows(conn, {rid: (now[rid] - stored[rid], stored[rid] - now[rid]) for rid in latest})


def rebuild_countries(conn: Connection) -> None:
    """Empty the country tables (``agg_revision_country``, ``agg_timeline_country`` and its
    months) and fill them again for
    every revision of ``agg_latest`` from the item tables and ``agg_timeline_revision``. Runs
    in the caller's transaction."""
    for table in (ag.agg_timeline_country, ag.agg_timeline_country_month, ag.agg_revision_country):
        conn.execute(sa.delete(table))
    ids = [int(r) for r in conn.scalars(sa.select(ag.agg_latest.c.revision_id).order_by(ag.agg_latest.c.revision_id))]
    for start in range(0, len(ids), CHUNK * 10):
        chunk = ids[start:start + CHUNK * 10]
        _move_country_rows(conn, {rid: (codes, set()) for rid, codes in countries_of(conn, chunk).items()})


def _apply(conn: Connection, c: Contribution, sign: int) -> None:
    _apply_places(conn, c.places, sign)
    _apply_timeline(conn, c.timeline, sign)
    if sign < 0:
        _delete_revisions(conn, c.revision_ids)
        return
    if c.latest_rows:
        execute_many(conn, insert_statement(ag.agg_latest), c.latest_rows)
    if c.events:
        execute_many(conn, insert_statement(ag.agg_event_place), c.events)
    if c.revision_rows:
        execute_many(conn, insert_statement(ag.agg_timeline_revision), c.revision_rows)
    if c.revision_ids:  # after their agg_timeline_revision rows: the country rows sum them
        _move_country_rows(conn, {rid: (codes, set()) for rid, codes in countries_of(conn, c.revision_ids).items()})


def _delete_revisions(conn: Connection, revision_ids: list[int]) -> None:
    # what the stored countries added, before the per-revision rows it was summed from go
    _move_country_rows(conn, {rid: (set(), codes) for rid, codes in _stored_countries(conn, revision_ids).items()})
    for table in (ag.agg_latest, ag.agg_event_place, ag.agg_timeline_revision):
        for start in range(0, len(revision_ids), CHUNK):
            conn.execute(sa.delete(table).where(table.c.revision_id.in_(revision_ids[start:start + CHUNK])))


def replace_revision(conn: Connection, previous: Contribution | None, revision_id: int) -> None:
    """Inside a save's transaction, after the new revision and its items are written: take
    ``previous`` (the former latest revision's contribution, computed by :func:`contributions`
    *before* the article row was updated) out and the new revision in, then bump the data
    version."""
    if previous is not None:
        _apply(conn, previous, -1)
    _apply(conn, contributions(conn, [revision_id]), +1)
    bump_version(conn)


def add_revisions(conn: Connection, revision_ids: Sequence[int]) -> None:
    """Inside a save's transaction: count the new revisions ``revision_ids`` (each its article's
    first, so nothing to take out), in this order, and bump the data version once for each.
    The rows and values are those of :func:`replace_revision` ``(conn, None, id)`` called for
    each in turn; the statements are one set for all (a batch of saves,
    :meth:`newswatch.storage.Store.save_many`)."""
    if not revision_ids:
        return
    _apply(conn, contributions(conn, revision_ids, one_by_one=True), +1)
    bump_version(conn, len(revision_ids))


def remove_revision(conn: Connection, revision_id: int) -> None:
    """Take a latest revision out of the aggregates (call it before its rows or its article
    row are deleted, inside the same transaction), then bump the data version."""
    c = contributions(conn, [revision_id])
    _apply_places(conn, c.places, -1, exclude=revision_id)
    _apply_timeline(conn, c.timeline, -1)
    _delete_revisions(conn, [revision_id])
    bump_version(conn)


def latest_revision_ids(conn: Connection) -> list[int]:
    """The latest revision of every article."""
    r = t.revision.c
    top = sa.select(r.article_id, sa.func.max(r.seq).label("seq")).group_by(r.article_id).subquery()
    return [int(i) for i in conn.scalars(
        sa.select(r.id).join(top, sa.and_(top.c.article_id == r.article_id, top.c.seq == r.seq))
        .order_by(r.id))]


def rebuild(conn: Connection) -> Contribution:
    """Empty the aggregates and recompute them from the item tables (latest revisions); bump
    the data version when anything is stored. Runs in the caller's transaction.

    Returns:
        What was counted.
    """
    for table in (ag.agg_latest, ag.agg_place_day, ag.agg_event_place, ag.agg_timeline,
                  ag.agg_timeline_revision):
        conn.execute(sa.delete(table))
    # place_mention.kind exists from migration 0014 on (0006 rebuilds before it does)
    kinds = any(c["name"] == "kind" for c in sa.inspect(conn).get_columns(t.place_mention.name))
    c = contributions(conn, latest_revision_ids(conn), names_only=kinds)
    for table, rows in ((ag.agg_place_day, _place_rows(c.places, "day")),
                        (ag.agg_timeline, _count_rows(c.timeline, ("day", *_TIMELINE_KEY))),
                        (ag.agg_event_place, c.events), (ag.agg_latest, c.latest_rows),
                        (ag.agg_timeline_revision, c.revision_rows)):
        _insert_chunks(conn, table, rows)
    # the month tables exist from migration 0011 on (0006 rebuilds before they do)
    if sa.inspect(conn).has_table(ag.agg_place_month.name):
        rebuild_months(conn)
    # and the country tables from 0013 on
    if sa.inspect(conn).has_table(ag.agg_timeline_country.name):
        rebuild_countries(conn)
    if c.revision_ids:  # an empty database keeps no version row
        bump_version(conn)
    return c


def rebuild_months(conn: Connection) -> None:
    """Empty ``agg_place_month`` and ``agg_timeline_month`` and sum them again from
    ``agg_place_day`` and ``agg_timeline``. Runs in the caller's transaction."""
    d, tl = ag.agg_place_day.c, ag.agg_timeline.c
    places = {(int(r.place_id), r.day, r.language): [int(r.mentions), int(r.articles), int(r.first_mention)]
              for r in conn.execute(sa.select(d.place_id, d.day, d.language, d.mentions, d.articles,
                                              d.first_mention))}
    timeline = Counter({(r.day, r.language, r.item_day, r.type): int(r.n)
                        for r in conn.execute(sa.select(tl.day, tl.language, tl.item_day, tl.type, tl.n))})
    for table in (ag.agg_place_month, ag.agg_timeline_month):
        conn.execute(sa.delete(table))
    _insert_chunks(conn, ag.agg_place_month, _place_rows(_place_months(places), "month"))
    _insert_chunks(conn, ag.agg_timeline_month, _count_rows(_per_month(timeline, 0), ("month", *_TIMELINE_KEY)))


def _insert_chunks(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        execute_many(conn, insert_statement(table), rows[start:start + CHUNK])


def bump_version(conn: Connection, times: int = 1) -> None:
    """Increment the data version ``times`` times (readers' caches keyed on it are then
    stale)."""
    v = ag.data_version.c
    done = conn.execute(sa.update(ag.data_version).where(v.id == VERSION_ROW_ID)
                        .values(version=v.version + times))
    if not done.rowcount:
        conn.execute(sa.insert(ag.data_version), {"id": VERSION_ROW_ID, "version": times})


def data_version(conn: Connection) -> int:
    """The current data version (0 before the first save)."""
    v = ag.data_version.c
    return int(conn.scalar(sa.select(v.version).where(v.id == VERSION_ROW_ID)) or 0)
