"""Language identification scorer on the parallel UNER PUD sentences (English and Russian).

The same 1,000 PUD sentences exist in both languages (dev half: 500 each, in 199 documents),
so each language is tested on identical content. Two granularities: single sentences (short
text, the hard case: headlines, captions, feed titles) and whole documents (sentences joined).

newswatch = the ``language`` stage (lingua 2.1.1 over the ``language_candidates`` setting,
with its minimum-letters and minimum-confidence rules: it may abstain). baseline = lingua
alone over the same candidate languages, ``detect_language_of`` with no thresholds.
Accuracy counts an abstention (None) as wrong; the abstention rate is reported beside it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .common import first, new_result, probe, row
from .datasets import load_uner
from .report import EvalResult
from .systems import Systems, Timer

if TYPE_CHECKING:
    from ..stages.language import LanguageStage

LANGS = ("en", "ru")


def _baseline_detector(candidates: tuple[str, ...]) -> Any:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    langs = [Language.from_iso_code_639_1(IsoCode639_1.from_str(c)) for c in candidates]
    return LanguageDetectorBuilder.from_languages(*langs).with_preloaded_language_models().build()


def evaluate_language(data: Path, systems: Systems, limit: int | None = None,
                      which: tuple[str, ...] = ("newswatch", "baseline")) -> EvalResult:
    """Score language identification on UNER PUD sentences and documents (en, ru).

    ``limit`` applies to the documents of each language file.

    Raises:
        DatasetError: missing or malformed dataset files.
    """
    t0 = time.perf_counter()
    data = Path(data)
    per_lang = {lang: load_uner(data, lang, keep_sentences=True) for lang in LANGS}
    total = sum(len(ds) for ds in per_lang.values())
    res = new_result("language-id", data, total, limit, "newswatch language stage (lingua, thresholds)",
                     "lingua 2.1.1 detect_language_of, same candidates, no thresholds", which)
    items: dict[str, list[tuple[str, str]]] = {"sentence": [], "document": []}  # (gold, text)
    skipped = 0
    for lang, ds in per_lang.items():
        docs, skip = first(ds.records, limit)
        skipped += skip
        for d in docs:
            items["document"].append((lang, d.text))
            items["sentence"] += [(lang, s) for s in d.meta["sentences"]]
    n_docs = sum(1 for g, _ in items["document"])
    predictions: dict[str, dict[str, list[str | None]]] = {}
    stage: LanguageStage | None = None
    if probe(res, "newswatch", lambda: systems.stage("language")):
        # The registry hands out the base Stage type; "language" is always a LanguageStage.
        stage = cast("LanguageStage", systems.stage("language"))
        run, timer = res.systems["newswatch"], Timer()
        with timer:
            stage.initialize()
            predictions["newswatch"] = {k: [stage.detect(t)[0] for _, t in v] for k, v in items.items()}
        run.scored, run.seconds = n_docs, timer.seconds
    if res.systems["baseline"].available:
        candidates = tuple(getattr(stage, "candidates", None) or ("en", "ru", "uk", "kk", "be", "bg"))
        run, timer = res.systems["baseline"], Timer()
        with timer:
            det = _baseline_detector(candidates)
            predictions["baseline"] = {
                k: [_code(det.detect_language_of(t)) for _, t in v] for k, v in items.items()}
        run.scored, run.seconds = n_docs, timer.seconds
    for unit in ("sentence", "document"):
        golds = [g for g, _ in items[unit]]
        for lang in LANGS:
            idx = [i for i, g in enumerate(golds) if g == lang]
            acc = {s: sum(p[unit][i] == lang for i in idx) / len(idx) if idx else None
                   for s, p in predictions.items()}
            res.rows.append(row(f"language-id/{lang} ({unit}s)", "accuracy", acc, n_docs, skipped, len(idx)))
            abst = {s: sum(p[unit][i] is None for i in idx) / len(idx) if idx else None
                    for s, p in predictions.items()}
            res.rows.append(row(f"language-id/{lang} ({unit}s)", "abstention rate", abst, n_docs, skipped,
                                len(idx), higher_is_better=False))
    res.notes.append("Sentences are the PUD sentences one by one (median 106 characters in English, "
                     "111 in Russian); an abstention counts as wrong in 'accuracy'. docs = documents "
                     "of both languages.")
    res.seconds = time.perf_counter() - t0
    return res


def _code(language: Any) -> str | None:
    return language.iso_code_639_1.name.lower() if language is not None else None
