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
3. **Date window.** Each report has a span of days its happening may fall on. A report with
   its own day-precise date (a time expression of the sentence: "on Thursday", "on August 26")
   has that one day. A report dated only by its article's publication day *p* tells of
   something that happened on or before *p*, and news reports a happening the day it happens
   or the day after: its span is *p* - :data:`PUBLICATION_LAG` … *p*. Two reports may be one
   happening when their spans overlap: two own dates are the same day (a call "on 8 January"
   and a call "on 9 January" are two calls); an own date falls in the other's span (never
   after the other's publication); two publication days are at most one day apart. When the
   two reports are at one *spot* (point 4), a follow-up told two days on ("the group
   responsible for the attack on our troops ... in Kabul") may still be the same happening:
   the publication span widens to :data:`SPOT_LAG` days (xSub matches events within 1-2 days:
   one day on the date alone, two when the place agrees too). A report whose own date is
   coarser than a day ("in August") merges only inside its article, with a report of the same
   date value.
4. **Parties.** Actors agree and recipients agree. Two party sets agree when one is empty
   (not told), or when every party of one set matches a party of the other — of *both* sets
   when each names two parties or more (a report naming a counterpart the other does not is
   another meeting). Two parties match when they are the same identity (entity identity
   root, so "Sergei Lavrov" and "Сергей Лавров" match), or one of them is a bare country
   ("Russia", a GPE or NORP entity, a demonym) and the other party is of that country
   ("Vladimir Putin") and not of a non-state sector (:data:`NON_STATE_SECTORS`: a country as
   an actor is its state, PLOVER's country code; "Afghanistan" is not ISIS-K, rebels of
   Afghanistan).
   So "Biden spoke with Ghani" and "Biden spoke with Erdogan" on one day stay two events. For
   CONSULT (meetings and calls) the parties are one unordered set: "Putin spoke with Tokayev"
   and "Tokayev spoke with Putin" are one call. Not compared as parties (they are neither
   confirmed nor contradicted): for ASSAULT, the targets told only by a description ("more than
   60 people", "our troops", "13 American service members", "the Afghan civilians": ``how``
   "phrase" or "demonym", no named entity; one attack's victims are of several nationalities
   and told in many ways) and a target that
   is a facility or a named area ("an attack on Hamid Karzai International Airport": the
   place of the attack, not a party) — victims of one attack are described in many ways.
   A report with an unnamed attacker ("unknown") merges with a report of another article only
   at the same *spot*, and with one of its own article only in the same passage — at most
   :data:`PASSAGE_CHARS` apart ("Today in Kabul, a terror attack killed 13 ... we pray for
   the Americans injured in the attack") — and when their spots do not disagree. The *spot*
   of a report is a place finer than a country or a region (a facility or a populated place,
   GeoNames classes S and P): its own place when it is that fine, else the one locality its
   sentence names, else the one locality named within :data:`PASSAGE_CHARS` of it (see :class:`Spot`); two spots agree
   within :data:`RADIUS_KM`. An inherited spot joins two unnamed-attacker reports only: a
   report naming the attacker and one that does not are at one spot only when both events are
   placed there themselves ("a US airstrike in Kabul" and "13 killed in an attack outside Kabul
   airport", published the same day, are two attacks). A country alone never joins two
   unnamed attacks (there are many attacks in one country on one day), nor does one long
   speech or briefing make its mentions of attacks one attack.
5. **Place window.** Both placed: the same place (GeoNames key) or within :data:`RADIUS_KM`
   of each other (xSub uses 1-5 km for point geocodes; our places are GeoNames populated
   places and admin centres, a city and its districts lie within about 10 km). One placed,
   one not: same article; else, when both have a spot (point 4: the unplaced one's from its
   sentence or passage), the spots within the radius; else the place is in the country of one
   of the other's parties. Neither placed: compatible (calls and statements rarely name a
   place; parties and day decide).

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

#: Days a happening may precede the publication day of a report dated by it (point 3).
PUBLICATION_LAG = 1
#: The same when the two reports are at one spot (point 3; xSub's upper bound of 2 days).
SPOT_LAG = 2
#: Characters of text around a report that are its passage: the reach of an unnamed
#: attacker's merge inside one article and of the locality it inherits (point 4); about a
#: paragraph of news prose (three or four sentences).
PASSAGE_CHARS = 500
#: Most kilometres between the places of two reports of one happening (point 5).
RADIUS_KM = 10.0
#: PLOVER types whose parties are one unordered set (point 4).
SYMMETRIC_TYPES = frozenset({"CONSULT"})

#: PLOVER types whose recipients are targets: a described target is not compared (point 4).
TARGET_TYPES = frozenset({"ASSAULT"})
#: Sectors (``data/plover_actors.json``) of parties that are not their country's state: a bare
#: country never matches them (point 4). The state sectors are GOV, MIL, COP, SPY, LEG, JUD.
NON_STATE_SECTORS = frozenset({"REB", "OPP", "CVL", "REF", "JRN", "MED", "LAB", "EDU", "REL", "BUS", "CRM", "SOC"})

__all__ = ["NON_STATE_SECTORS", "PASSAGE_CHARS", "PUBLICATION_LAG", "RADIUS_KM", "SPOT_LAG", "Party", "Report",
           "Spot", "cluster", "compatible", "distance_km", "near"]


@dataclass(frozen=True, slots=True)
class Party:
    """One party of a report: ``token`` is its identity (``"e<root id>"`` for an entity,
    ``"c:<ISO3>"`` for a bare country, a folded phrase otherwise, ``"unknown"`` for an
    unnamed attacker); ``country`` its ISO 3166-1 alpha-3 code (or PLOVER group code), or None."""

    token: str
    country: str | None = None
    #: True for a party told only by a description ("more than 60 people", no entity, no
    #: country) or a facility or named area: as a target of :data:`TARGET_TYPES` it is not compared.
    weak: bool = False
    #: True for people told by a description ("13 American service members", "two Afghan
    #: civilians": a demonym or a common-noun phrase) rather than a named entity or a country
    #: named as such: as a target of :data:`TARGET_TYPES` it is not compared either, since the
    #: victims of one attack are of several nationalities and told in many ways.
    described: bool = False
    #: PLOVER sector ("GOV", "REB" ...), or None.
    sector: str | None = None

    @property
    def bare_country(self) -> bool:
        """True when the party is a country and nothing more ("Russia", "Afghan forces")."""
        return self.token.startswith("c:")


@dataclass(frozen=True, slots=True)
class Spot:
    """Where a report's happening took place, finer than a country or a first-level region.

    Attributes:
        key: the place key (``"geonames:<id>"``, ``"newswatch:<slug>"``).
        lat, lon: WGS84 degrees.
        source: ``"event"`` (the event's own place), ``"sentence"`` (the only locality its
            sentence names: every facility and populated place mentioned in it, outside its
            actors, lies within :data:`RADIUS_KM` of the first) or ``"passage"`` (likewise, the
            only locality named within :data:`PASSAGE_CHARS` of the event).
    """

    key: str
    lat: float
    lon: float
    source: str = "event"


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
        lag: days the happening may precede ``day``: 0 for an own date,
            :data:`PUBLICATION_LAG` for a publication day.
        own_date: the report's own date value when it is coarser than a day ("2021-08"),
            else None.
        actors, recipients: the parties.
        place: the place key (``"geonames:<id>"``), or None.
        lat, lon: the place's WGS84 degrees, or None.
        place_country: the place's ISO 3166-1 alpha-3 code, or None.
        spot: the fine place the unnamed-attacker rule compares (point 4), or None.
    """

    ref: str
    article: str
    start: int
    type: str
    mode: str | None = None
    flags: str = ""
    day: dt.date | None = None
    lag: int = 0
    own_date: str | None = None
    actors: tuple[Party, ...] = ()
    recipients: tuple[Party, ...] = ()
    place: str | None = None
    lat: float | None = None
    lon: float | None = None
    place_country: str | None = None
    spot: Spot | None = None
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
        other = q if p.bare_country else p
        if not other.bare_country and other.sector in NON_STATE_SECTORS:
            return False
        return p.country is not None and p.country == q.country
    return False


def _sets_agree(a: Sequence[Party], b: Sequence[Party], targets: bool = False) -> bool:
    a = [p for p in a if p.token != "unknown" and not (targets and (p.weak or p.described))]
    b = [p for p in b if p.token != "unknown" and not (targets and (p.weak or p.described))]
    if not a or not b:
        return True
    a_in_b = all(any(_match(p, q) for q in b) for p in a)
    b_in_a = all(any(_match(p, q) for q in a) for p in b)
    if len(a) >= 2 and len(b) >= 2:
        return a_in_b and b_in_a
    return a_in_b or b_in_a


def near(key_a: str | None, lat_a: float | None, lon_a: float | None,
         key_b: str | None, lat_b: float | None, lon_b: float | None) -> bool:
    """Two places are one for the rule (point 5): the same place key, or both located within
    :data:`RADIUS_KM` of each other (degrees in, kilometres compared)."""
    if key_a and key_a == key_b:
        return True
    if lat_a is None or lon_a is None or lat_b is None or lon_b is None:
        return False
    return distance_km(lat_a, lon_a, lat_b, lon_b) <= RADIUS_KM


def _same_place(a: Report, b: Report) -> bool:
    return near(a.place, a.lat, a.lon, b.place, b.lat, b.lon)


def _spots_agree(a: Report, b: Report, own_only: bool = False) -> bool:
    if a.spot is None or b.spot is None:
        return False
    if own_only and not (a.spot.source == b.spot.source == "event"):
        return False
    return near(a.spot.key, a.spot.lat, a.spot.lon, b.spot.key, b.spot.lat, b.spot.lon)


def _places_agree(a: Report, b: Report) -> bool:
    if a.place and b.place:
        return _same_place(a, b)
    if not a.place and not b.place:
        return True
    if a.article == b.article:
        return True
    if a.spot is not None and b.spot is not None:
        return _spots_agree(a, b)
    placed, other = (a, b) if a.place else (b, a)
    return placed.place_country is not None and placed.place_country in other.countries


def _days_agree(a: Report, b: Report, one_spot: bool) -> bool:
    if a.day is None or b.day is None:
        return False
    lag_a = SPOT_LAG if a.lag and one_spot else a.lag
    lag_b = SPOT_LAG if b.lag and one_spot else b.lag
    return a.day - dt.timedelta(days=lag_a) <= b.day and b.day - dt.timedelta(days=lag_b) <= a.day


def compatible(a: Report, b: Report) -> bool:
    """True when ``a`` and ``b`` may report the same happening (the rule of the module docstring)."""
    if a.type != b.type or a.flags != b.flags:
        return False
    if a.mode and b.mode and a.mode != b.mode:
        return False
    # an unnamed attacker and a named one: only their own places make one spot (point 4)
    one_spot = _spots_agree(a, b, own_only=a.unknown_actor != b.unknown_actor)
    if a.own_date or b.own_date:
        if a.article != b.article or a.own_date != b.own_date:
            return False
    elif not _days_agree(a, b, one_spot):
        return False
    if not _places_agree(a, b):
        return False
    if a.unknown_actor or b.unknown_actor:
        if a.article == b.article:
            # one article: one passage, and no two different spots
            if abs(a.start - b.start) > PASSAGE_CHARS or (a.spot and b.spot and not one_spot):
                return False
        elif not one_spot:
            return False
    if a.type in SYMMETRIC_TYPES:
        return _sets_agree((*a.actors, *a.recipients), (*b.actors, *b.recipients))
    return _sets_agree(a.actors, b.actors) and _sets_agree(a.recipients, b.recipients, a.type in TARGET_TYPES)


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
                       or (r.day - last).days <= SPOT_LAG]
        chosen = next((i for i in live if all(compatible(r, m) for m in groups[i][1])), None)
        if chosen is None:
            groups.append((f"h:{r.ref}", [r]))
            chosen = len(groups) - 1
            live.append(chosen)
        else:
            groups[chosen][1].append(r)
        out[r.ref] = groups[chosen][0]
    return out
