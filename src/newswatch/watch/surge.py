"""The *surge* trigger: ACLED's early-warning rule over the stored violent events.

A region surges when its violent events of the last week are at least twice its weekly mean
over the four weeks before; regions whose mean is under one event a week are left out (ACLED's
"Conflict Alert System" sub-national surge definition, as issue 10 quotes it).

How newswatch counts (:func:`surges`):

* a **violent event** is a stored cross-article ``event`` (one real-world event however many
  articles report it) of the PLOVER type ``ASSAULT`` (:data:`VIOLENT_TYPES`: PLOVER's use of
  force; ACLED's battles, explosions and violence against civilians), not negated, announced
  or hypothetical;
* its **region** is the country (ISO 3166-1 alpha-2) of its geocoded place
  (``event.place_key`` -> ``place.country_code``); an event without a geocoded place is not
  counted. Sub-national regions are not stored yet, so the region is the country;
* its **day** is the event's own date when known to the day, else the publication date of the
  article that first reported it;
* **last week** is the 7 days ending with ``today``; the **four weeks before** are the 28 days
  before those.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..storage import schema as t

#: PLOVER event types counted as violent.
VIOLENT_TYPES = ("ASSAULT",)
#: A region must average at least this many violent events a week over the four weeks before.
MIN_WEEKLY_MEAN = 1.0
#: Last week's count must be at least this many times the weekly mean.
SURGE_RATIO = 2.0


def surges(conn: Connection, today: dt.date, country: str | None = None) -> list[dict[str, Any]]:
    """The regions that surge in the week ending ``today``.

    Args:
        country: only this region (ISO alpha-2), or every one.

    Returns:
        One dict per surging region, most events first: ``region`` (alpha-2), ``last_week``
        (count), ``weekly_mean`` (of the four weeks before), ``ratio``, ``event_ids`` (last
        week's), ``revision_id`` and ``article_id`` (the newest report of last week's events).
    """
    e, p, r, a = t.event.c, t.place.c, t.revision.c, t.article.c
    q = (sa.select(e.id, e.date, e.date_precision, e.revision_id, r.article_id, a.published,
                   p.country_code)
         .join(t.place, p.key == e.place_key)
         .join(t.revision, r.id == e.revision_id).join(t.article, a.id == r.article_id)
         .where(e.type.in_(VIOLENT_TYPES), e.negated == sa.false(), e.future == sa.false(),
                e.hypothetical == sa.false(), p.country_code.is_not(None)))
    if country:
        q = q.where(p.country_code == country)
    first = today - dt.timedelta(days=34)
    week_start = today - dt.timedelta(days=6)
    by_region: dict[str, dict[str, Any]] = {}
    for row in conn.execute(q):
        day = _day(row.date, row.date_precision) or row.published
        if day is None or not first <= day <= today:
            continue
        reg = by_region.setdefault(row.country_code, {"last": [], "before": 0})
        if day >= week_start:
            reg["last"].append((day, int(row.id), int(row.revision_id), row.article_id))
        else:
            reg["before"] += 1
    out = []
    for region, counts in by_region.items():
        mean = counts["before"] / 4
        last = sorted(counts["last"])
        if mean < MIN_WEEKLY_MEAN or len(last) < SURGE_RATIO * mean:
            continue
        newest = max(last, key=lambda x: (x[0], x[2]))
        out.append({"region": region, "last_week": len(last), "weekly_mean": mean,
                    "ratio": round(len(last) / mean, 2), "event_ids": [x[1] for x in last],
                    "revision_id": newest[2], "article_id": newest[3]})
    return sorted(out, key=lambda d: (-d["last_week"], d["region"]))


def _day(value: str | None, precision: str | None) -> dt.date | None:
    if not value or precision != "day":
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
