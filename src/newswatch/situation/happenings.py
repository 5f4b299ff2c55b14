"""One happening, one event: which event reports describe the same real-world happening.

An *event report* is one coded PLOVER event in one article (a row of ``event_mention``). A
*happening* is the set of reports that describe one real-world event: one meeting told in
three sentences of an article, or one bombing in five reprints. The rule below decides, for
two reports, whether they may be the same happening; :func:`cluster` groups a whole set.

**The rule** (two reports *a* and *b* are compatible when all hold):

1. **Type and mode.** Same PLOVER type; when both have a mode, the same mode (a phone call
   and a visit between the same leaders are two events, PLOVER codes them apart).
2. **Status.** The same negated / hypothetical / future flags: a denial or a threat of an
   attack never merges with the attack itself (PLOVER codes the realised event only).
3. **Date window.** Each report has a day: its own day-precise date (a time expression of the
   sentence), else the publication day of its article. The days are at most
   :data:`DAY_WINDOW` apart (xSub matches events within 1-2 days; news reports the day of a
   happening or the day after, so one day). A report whose own date is coarser than a day
   ("in August") merges only inside its article, with a report of the same date value.
4. **Parties.** Actors agree and recipients agree. Two party sets agree when one is empty
   (not told), or when every party of one set matches a party of the other — of *both* sets
   when each names two parties or more (a report naming a counterpart the other does not is
   another meeting). Two parties match when they are the same identity (entity identity
   root, so "Sergei Lavrov" and "Сергей Лавров" match), or one of them is a bare country
   ("Russia", a GPE or NORP entity, a demonym) and the other party is of that country
   ("Vladimir Putin").
   So "Biden spoke with Ghani" and "Biden spoke with Erdogan" on one day stay two events. For
   CONSULT (meetings and calls) the parties are one unordered set: "Putin spoke with Tokayev"
   and "Tokayev spoke with Putin" are one call. A report with an unnamed attacker
   ("unknown") merges only on the same day and at the same place — both placed within the
   radius, or both in one article ("a terror attack killed 13 ... the Americans injured in
   the attack"), where the place of the first mention carries to the next.
5. **Place window.** Both placed: the same place (GeoNames key) or within :data:`RADIUS_KM`
   of each other (xSub uses 1-5 km for point geocodes; our places are GeoNames populated
   places and admin centres, a city and its districts lie within about 10 km). One placed,
   one not: same article, or the place is in the country of one of the other's parties. Neither
   placed: compatible (calls and statements rarely name a place; parties and day decide).

**Grouping.** Reports are taken in a fixed order (day, article id, offset); each joins the
first happening (in order of creation) with *every* member of which it is compatible, else
starts one. Complete-link: "Biden called Ghani" and "Biden called Erdogan" never chain
through a report "Biden made a call" that agrees with both. The result depends only on the
set of reports, never on the order in which articles were read or how a batch was split. A
happening's key is ``h:`` and the :attr:`Report.ref` of its first report.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

#: Most days between two reports of one happening (see the module docstring, point 3).
DAY_WINDOW = 1
#: Most kilometres between the places of two reports of one happening (point 5).
RADIUS_KM = 10.0
#: PLOVER types whose parties are one unordered set (point 4).
SYMMETRIC_TYPES = frozenset({"CONSULT"})

__all__ = ["DAY_WINDOW", "RADIUS_KM", "Party", "Report", "cluster", "compatible", "distance_km"]


@dataclass(frozen=True, slots=True)
class Party:
    """One party of a report: ``token`` is its identity (``"e<root id>"`` for an entity,
    ``"c:<ISO3>"`` for a bare country, a folded phrase otherwise, ``"unknown"`` for an
    unnamed attacker); ``country`` its ISO 3166-1 alpha-3 code (or PLOVER group code), or None."""

    token: str
    country: str | None = None

    @property
    def bare_country(self) -> bool:
        """True when the party is a country and nothing more ("Russia", "Afghan forces")."""
        return self.token.startswith("c:")


@dataclass(frozen=True, slots=True)
class Report:
    """One event report, as the rule needs it.

    Attributes:
        ref: stable identity of the report: ``"<article id>@<start>:<type>"`` (``#2``, ``#3`` … after
            it for further events of that type at that offset, in the order they were coded).
        article: the article id.
        start: offset of the event in the article text.
        type, mode: PLOVER type and mode.
        flags: ``"n"`` negated, ``"h"`` hypothetical, ``"f"`` future (sorted, concatenated).
        day: the report's day (own day-precise date, else publication day), or None.
        own_date: the report's own date value when it is coarser than a day ("2021-08"),
            else None.
        actors, recipients: the parties.
        place: the place key (``"geonames:<id>"``), or None.
        lat, lon: the place's WGS84 degrees, or None.
        place_country: the place's ISO 3166-1 alpha-3 code, or None.
    """

    ref: str
    article: str
    start: int
    type: str
    mode: str | None = None
    flags: str = ""
    day: dt.date | None = None
    own_date: str | None = None
    actors: tuple[Party, ...] = ()
    recipients: tuple[Party, ...] = ()
    place: str | None = None
    lat: float | None = None
    lon: float | None = None
    place_country: str | None = None
    countries: frozenset[str] = field(default=frozenset(), init=False)

    def __post_init__(self) -> None:
        codes = {p.country for p in (*self.actors, *self.recipients) if p.country}
        object.__setattr__(self, "countries", frozenset(codes))

    @property
    def unknown_actor(self) -> bool:
        """The report's attacker is not named."""
        return any(p.token == "unknown" for p in self.actors)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine, mean Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _match(p: Party, q: Party) -> bool:
    if p.token == q.token:
        return True
    if p.bare_country or q.bare_country:
        return p.country is not None and p.country == q.country
    return False


def _sets_agree(a: Sequence[Party], b: Sequence[Party]) -> bool:
    a = [p for p in a if p.token != "unknown"]
    b = [p for p in b if p.token != "unknown"]
    if not a or not b:
        return True
    a_in_b = all(any(_match(p, q) for q in b) for p in a)
    b_in_a = all(any(_match(p, q) for q in a) for p in b)
    if len(a) >= 2 and len(b) >= 2:
        return a_in_b and b_in_a
    return a_in_b or b_in_a


def _same_place(a: Report, b: Report) -> bool:
    if a.place and a.place == b.place:
        return True
    if None not in (a.lat, a.lon, b.lat, b.lon):
        return distance_km(a.lat, a.lon, b.lat, b.lon) <= RADIUS_KM  # type: ignore[arg-type]
    return False


def _places_agree(a: Report, b: Report) -> bool:
    if a.place and b.place:
        return _same_place(a, b)
    if not a.place and not b.place:
        return True
    if a.article == b.article:
        return True
    placed, other = (a, b) if a.place else (b, a)
    return placed.place_country is not None and placed.place_country in other.countries


def compatible(a: Report, b: Report) -> bool:
    """True when ``a`` and ``b`` may report the same happening (the rule of the module docstring)."""
    if a.type != b.type or a.flags != b.flags:
        return False
    if a.mode and b.mode and a.mode != b.mode:
        return False
    if a.own_date or b.own_date:
        if a.article != b.article or a.own_date != b.own_date:
            return False
    elif a.day is None or b.day is None or abs((a.day - b.day).days) > DAY_WINDOW:
        return False
    if not _places_agree(a, b):
        return False
    if (a.unknown_actor or b.unknown_actor) and (
            a.day != b.day or not (a.article == b.article or (a.place and _same_place(a, b)))):
        return False
    if a.type in SYMMETRIC_TYPES:
        return _sets_agree((*a.actors, *a.recipients), (*b.actors, *b.recipients))
    return _sets_agree(a.actors, b.actors) and _sets_agree(a.recipients, b.recipients)


def _order(r: Report) -> tuple[str, str, int, str]:
    return (r.day.isoformat() if r.day else "9999", r.article, r.start, r.ref)


def cluster(reports: Iterable[Report]) -> dict[str, str]:
    """Group reports into happenings (complete-link, fixed order; see the module docstring).

    Returns:
        ``{report ref: happening key}`` for every report (a report alone is a happening of one).
    """
    groups: list[tuple[str, list[Report]]] = []
    active: dict[str, list[int]] = {}  # per type, the groups a later report may still join
    out: dict[str, str] = {}
    for r in sorted(reports, key=_order):
        live = active.setdefault(r.type, [])
        if r.day is not None:
            # reports come by day: a group whose latest day is out of reach stays out of reach
            live[:] = [i for i in live if (last := groups[i][1][-1].day) is None
                       or (r.day - last).days <= DAY_WINDOW]
        chosen = next((i for i in live if all(compatible(r, m) for m in groups[i][1])), None)
        if chosen is None:
            groups.append((f"h:{r.ref}", [r]))
            chosen = len(groups) - 1
            live.append(chosen)
        else:
            groups[chosen][1].append(r)
        out[r.ref] = groups[chosen][0]
    return out
