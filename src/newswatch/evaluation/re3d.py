"""re3d scorer: newswatch figures vs gold Quantity/Money, timexes vs gold Temporal.

Gold: re3d entity rows with ``confidence >= 0.5`` (dataset README), untyped spans within each
comparison (a span listed as both Quantity and Money counts once).

newswatch = the ``figures`` and ``timexes`` stages (after nlp; English given; no publication
date, re3d documents carry none): every ``Figure`` span (``start``/``end``, the whole figure
as the stage delimits it) and every ``Timex`` span. Money = figures whose ``unit`` is an ISO
4217 code. baseline = spaCy entity spans (the English pipeline newswatch loads):
CARDINAL/QUANTITY/MONEY/PERCENT as figures, MONEY as money, DATE/TIME as time expressions.

Headline metric: **span-overlap F1** (one-to-one, greedy by overlap; figure boundaries are a
matter of convention — "645 beds" vs "645" — so overlap is the fair test); exact-offset F1
is given beside it.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from ..stages.nlp import english_model_label
from .common import first, new_result, probe, row
from .datasets import Re3dDoc, load_re3d
from .metrics import PRF, match_spans
from .report import EvalResult
from .systems import Systems, Timer, label_maps

_ISO4217 = re.compile(r"^[A-Z]{3}$")
#: The three comparisons, by key of ``data/eval_label_maps.json``.
TASKS = (("re3d (figures vs Quantity+Money)", "re3d_figures"),
         ("re3d (money figures vs Money)", "re3d_money"),
         ("re3d (timexes vs Temporal)", "re3d_temporal"))


def _gold(doc: Re3dDoc, types: set[str]) -> list[tuple[int, int, str]]:
    return sorted({(s.start, s.end, "") for s in doc.spans if s.label in types})


def _newswatch(
    docs: list[Re3dDoc], systems: Systems, res: EvalResult
) -> dict[str, list[list[tuple[int, int, str]]]] | None:
    if not probe(res, "newswatch", lambda: systems.pipeline(("figures", "timexes"))):
        return None
    pipe = systems.pipeline(("figures", "timexes"))
    run, timer = res.systems["newswatch"], Timer()
    out: dict[str, list[list[tuple[int, int, str]]]] = {k: [] for _, k in TASKS}
    for doc in docs:
        with timer:
            art = systems.analyse(pipe, doc.text, "en", f"re3d:{doc.id}")
        run.errors += bool(art.errors)
        run.scored += 1
        out["re3d_figures"].append([(f.start, f.end, "") for f in art.figures])
        out["re3d_money"].append([(f.start, f.end, "") for f in art.figures if f.unit and _ISO4217.match(f.unit)])
        out["re3d_temporal"].append([(t.start, t.end, "") for t in art.timexes])
    run.seconds = timer.seconds
    return out


def _baseline(
    docs: list[Re3dDoc], systems: Systems, res: EvalResult
) -> dict[str, list[list[tuple[int, int, str]]]] | None:
    run = res.systems["baseline"]
    if not run.available:
        return None
    maps = label_maps()
    timer = Timer()
    out: dict[str, list[list[tuple[int, int, str]]]] = {k: [] for _, k in TASKS}
    for doc in docs:
        with timer:
            ents = systems.spacy()(doc.text).ents
        run.scored += 1
        for _, key in TASKS:
            labels = set(maps[key]["spacy"])
            out[key].append([(e.start_char, e.end_char, "") for e in ents if e.label_ in labels])
    run.seconds = timer.seconds
    return out


def evaluate_re3d(data: Path, systems: Systems, limit: int | None = None,
                  which: tuple[str, ...] = ("newswatch", "baseline")) -> EvalResult:
    """Score figures and time expressions on re3d (span-overlap and exact F1).

    Raises:
        DatasetError: missing or malformed dataset files.
    """
    t0 = time.perf_counter()
    ds = load_re3d(data)
    docs, skipped = first(ds.records, limit)
    res = new_result("re3d", Path(data), len(ds), limit, "newswatch nlp+figures+timexes",
                     f"spaCy {english_model_label()} numeric/temporal entity spans", which)
    preds = {k: v for k, v in (("newswatch", _newswatch(docs, systems, res)),
                               ("baseline", _baseline(docs, systems, res))) if v is not None}
    maps = label_maps()
    for label, key in TASKS:
        gold = [_gold(d, set(maps[key]["gold"])) for d in docs]
        scores: dict[str, dict[str, float]] = {}
        for sysname, per_task in preds.items():
            ov, ex = PRF(), PRF()
            for g, p in zip(gold, per_task[key], strict=True):
                ov += match_spans(g, p, "overlap", typed=False)
                ex += match_spans(g, p, "exact", typed=False)
            scores[sysname] = {"F1 (overlap)": ov.f1, "precision (overlap)": ov.precision,
                               "recall (overlap)": ov.recall, "F1 (exact)": ex.f1}
        metrics = ["F1 (overlap)", "precision (overlap)", "recall (overlap)", "F1 (exact)"]
        if key == "re3d_money":
            metrics = ["F1 (overlap)"]
        for metric in metrics:
            res.rows.append(row(label, metric, {k: v[metric] for k, v in scores.items()},
                                len(docs), skipped, sum(len(g) for g in gold)))
    res.notes.append("Gold = re3d rows with confidence >= 0.5. re3d annotates Quantity sparsely "
                     "(e.g. counts inside titles or ordinal '93rd'), so precision is a lower bound.")
    res.seconds = time.perf_counter() - t0
    return res
