"""Publication-date scorer: htmldate-eval.

newswatch = ``Article.published`` from ``extract_html`` (a schema.org microdata
``datePublished`` element, else htmldate metadata-only inside trafilatura with the
declaration, UTC-instant and page-header rules, else a dateline element or one opening the
story, else htmldate's extensive search when it names a day; see
``ingest.extract.page_date``); a page on which extraction raises (``not-an-article``: a bot
wall, a JavaScript shell, a menu taken for the text) counts as "no date returned", as a user
ingesting it gets no article and so no date. baseline = ``htmldate.find_date(html, url=url)`` with default settings
(``extensive_search=True``). Both receive the page's URL.

Scoring at day resolution (dataset README): gold returned → TP, another date → FP, nothing
→ FN; accuracy = TP / pages, precision = TP/(TP+FP), recall = TP/(TP+FN). Pages whose gold
is ``NaN`` ("no reliable date", 3 in the dev half) are **excluded** from these figures; a
note counts how often each system returned a date on them anyway.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from .common import first, new_result, probe, row
from .datasets import HtmlPage, load_htmldate_eval
from .report import EvalResult
from .systems import Systems, Timer

#: Secondary tolerance in days ("±1 day", dataset README).
TOLERANCE_DAYS = 1


def _htmldate_label() -> str:
    import htmldate

    return f"htmldate.find_date {htmldate.__version__} (default settings, url given)"


def _baseline_dates(pages: list[HtmlPage], result: EvalResult) -> dict[str, dt.date | None]:
    from htmldate import find_date

    run = result.systems["baseline"]
    timer = Timer()
    out: dict[str, dt.date | None] = {}
    for p in pages:
        data = p.read_html()
        with timer:
            try:
                found = find_date(data, url=p.url)
            except Exception:  # noqa: BLE001 - a crash is scored as "no date"
                found = None
                run.errors += 1
        out[p.key] = dt.date.fromisoformat(found[:10]) if found else None
        run.scored += 1
    run.seconds = timer.seconds
    return out


def _newswatch_dates(pages: list[HtmlPage], systems: Systems, result: EvalResult) -> dict[str, dt.date | None]:
    run = result.systems["newswatch"]
    timer = Timer()
    out: dict[str, dt.date | None] = {}
    for p in pages:
        article, err = systems.extracted(str(p.html_path), p.read_html, p.url, timer)
        out[p.key] = article.published if article is not None else None
        run.errors += err is not None
        run.scored += 1
    run.seconds = timer.seconds
    return out


def _scores(pages: list[HtmlPage], found: dict[str, dt.date | None]) -> dict[str, float]:
    tp = fp = fn = near = 0
    for p in pages:
        got = found[p.key]
        if got is None:
            fn += 1
        elif got == p.date:
            tp += 1
        else:
            fp += 1
        if got is not None and p.date is not None and abs((got - p.date).days) <= TOLERANCE_DAYS:
            near += 1
    n = len(pages)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return {"exact-day accuracy": tp / n if n else 0.0, "precision": prec, "recall": rec,
            "F1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
            f"accuracy ±{TOLERANCE_DAYS} day": near / n if n else 0.0}


def evaluate_htmldate(data: Path, systems: Systems, limit: int | None = None,
                      which: tuple[str, ...] = ("newswatch", "baseline")) -> EvalResult:
    """Score publication dates on htmldate-eval (two gold files, reported apart and combined).

    ``limit`` applies to each gold file (first N pages of each).

    Raises:
        DatasetError: missing or malformed dataset files.
    """
    t0 = time.perf_counter()
    ds = load_htmldate_eval(data)
    subsets = {name: [p for p in ds.records if p.subset == name] for name in ("default", "mediacloud")}
    chosen: dict[str, list[HtmlPage]] = {}
    skipped: dict[str, int] = {}
    for name, recs in subsets.items():
        chosen[name], skipped[name] = first(recs, limit)
    pages = chosen["default"] + chosen["mediacloud"]
    res = new_result("htmldate-eval", Path(data), len(ds), limit,
                     "newswatch extract_html → Article.published", _htmldate_label(), which)
    found: dict[str, dict[str, dt.date | None]] = {}
    if probe(res, "newswatch", systems.extract_html):
        found["newswatch"] = _newswatch_dates(pages, systems, res)
    if res.systems["baseline"].available:
        found["baseline"] = _baseline_dates(pages, res)
    slices = [(f"htmldate-eval ({name})", chosen[name], skipped[name]) for name in ("default", "mediacloud")]
    slices.append(("htmldate-eval (combined)", pages, skipped["default"] + skipped["mediacloud"]))
    for label, recs, skip in slices:
        dated = [p for p in recs if p.date is not None]
        per = {s: _scores(dated, f) for s, f in found.items()}
        metrics = list(_scores([], {}).keys())
        if label != "htmldate-eval (combined)":
            metrics = ["exact-day accuracy"]
        for metric in metrics:
            res.rows.append(row(label, metric, {s: v[metric] for s, v in per.items()},
                                len(recs), skip, len(dated)))
    nodate = [p for p in pages if p.date is None]
    if nodate:
        said = ", ".join(f"{s} returned a date on {sum(f[p.key] is not None for p in nodate)}"
                         for s, f in found.items())
        res.notes.append(f"{len(nodate)} pages with NaN gold ('no reliable date') are excluded from "
                         f"the scores ({said or 'no system ran'}).")
    res.notes.append("n = pages with a gold date; accuracy = TP/n; a page where the system "
                     "returns nothing is a FN, a wrong day a FP.")
    res.seconds = time.perf_counter() - t0
    return res
