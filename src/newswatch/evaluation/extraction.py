"""Main-text extraction scorers: scrapinghub-aeb and trafilatura-eval.

newswatch = ``stages.extract.extract_html(data, origin, url)`` (trafilatura + own chrome
filter); its ``Article.text`` is compared (the title is not part of it by contract).
baseline = ``trafilatura.extract(data)`` with default settings. A page on which a system
raises (``not-an-article``) is scored as an empty extraction and counted under "errors".
"""

from __future__ import annotations

import time
from pathlib import Path

from .common import first, new_result, probe, row
from .datasets import HtmlPage, load_aeb, load_trafilatura_eval
from .metrics import PRF, SnippetCounts, aeb_scores, same_words, shingle_counts, snippet_counts
from .report import EvalResult
from .systems import Systems, Timer


def _trafilatura_label() -> str:
    import trafilatura

    return f"trafilatura.extract {trafilatura.__version__} (default settings)"


def _newswatch_texts(pages: list[HtmlPage], systems: Systems, result: EvalResult) -> dict[str, str]:
    run = result.systems["newswatch"]
    timer = Timer()
    out: dict[str, str] = {}
    for page in pages:
        article, err = systems.extracted(str(page.html_path), page.read_html, page.url, timer)
        out[page.key] = article.text if article is not None else ""
        run.errors += err is not None
        run.scored += 1
    run.seconds = timer.seconds
    return out


def _baseline_texts(pages: list[HtmlPage], result: EvalResult) -> dict[str, str]:
    import trafilatura

    run = result.systems["baseline"]
    timer = Timer()
    out: dict[str, str] = {}
    for page in pages:
        data = page.read_html()
        with timer:
            try:
                text = trafilatura.extract(data)
            except Exception:  # noqa: BLE001 - a crash is scored as an empty extraction
                text = None
        out[page.key] = text or ""
        run.errors += text is None
        run.scored += 1
    run.seconds = timer.seconds
    return out


def _outputs(pages: list[HtmlPage], systems: Systems, result: EvalResult) -> dict[str, dict[str, str]]:
    outputs: dict[str, dict[str, str]] = {}
    if probe(result, "newswatch", systems.extract_html):
        outputs["newswatch"] = _newswatch_texts(pages, systems, result)
    if result.systems["baseline"].available:
        outputs["baseline"] = _baseline_texts(pages, result)
    return outputs


def evaluate_aeb(data: Path, systems: Systems, limit: int | None = None,
                 which: tuple[str, ...] = ("newswatch", "baseline")) -> EvalResult:
    """Score article-body extraction on scrapinghub-aeb.

    Metrics: shingle precision/recall/F1 (upstream AEB method, :func:`metrics.aeb_scores`) and
    exact-match accuracy (identical ``\\w+`` token sequences).

    Raises:
        DatasetError: missing or malformed dataset files.
    """
    t0 = time.perf_counter()
    ds = load_aeb(data)
    pages, skipped = first(ds.records, limit)
    res = new_result("scrapinghub-aeb", Path(data), len(ds), limit,
                     "newswatch extract_html (trafilatura + chrome filter)", _trafilatura_label(), which)
    outputs = _outputs(pages, systems, res)
    scores: dict[str, dict[str, float]] = {}
    for sysname, texts in outputs.items():
        per_doc: list[PRF] = [shingle_counts(p.body, texts[p.key]) for p in pages]
        prec, rec, f1 = aeb_scores(per_doc)
        exact = sum(same_words(p.body, texts[p.key]) for p in pages) / len(pages) if pages else 0.0
        scores[sysname] = {"shingle F1": f1, "shingle precision": prec, "shingle recall": rec,
                           "exact-match accuracy": exact}
    for metric in ("shingle F1", "shingle precision", "shingle recall", "exact-match accuracy"):
        res.rows.append(row("scrapinghub-aeb", metric,
                            {k: v[metric] for k, v in scores.items()}, len(pages), skipped, len(pages)))
    res.notes.append("Shingles = word 4-grams of \\w+ tokens; counts normalised per page; "
                     "P and R averaged over pages, F1 = harmonic mean (upstream evaluate.py). "
                     "No bootstrap interval is computed.")
    res.seconds = time.perf_counter() - t0
    return res


def evaluate_trafilatura_eval(data: Path, systems: Systems, limit: int | None = None,
                              which: tuple[str, ...] = ("newswatch", "baseline")) -> EvalResult:
    """Score main-text extraction on trafilatura-eval with the snippet method.

    Metrics: snippet precision, recall, F1 and accuracy summed over pages
    (:func:`metrics.snippet_counts`), plus the share of pages with every ``with`` snippet
    found and no ``without`` snippet found ("page exact").

    Raises:
        DatasetError: missing or malformed dataset files.
    """
    t0 = time.perf_counter()
    ds = load_trafilatura_eval(data)
    pages, skipped = first(ds.records, limit)
    res = new_result("trafilatura-eval", Path(data), len(ds), limit,
                     "newswatch extract_html (trafilatura + chrome filter)", _trafilatura_label(), which)
    outputs = _outputs(pages, systems, res)
    scores: dict[str, dict[str, float]] = {}
    for sysname, texts in outputs.items():
        total = SnippetCounts()
        perfect = 0
        for p in pages:
            c = snippet_counts(texts[p.key], p.with_snippets, p.without_snippets)
            total += c
            perfect += c.fn == 0 and c.fp == 0
        scores[sysname] = {"snippet F1": total.f1, "snippet precision": total.precision,
                           "snippet recall": total.recall, "snippet accuracy": total.accuracy,
                           "page exact (all snippets right)": perfect / len(pages) if pages else 0.0}
    n_with = sum(len(p.with_snippets) for p in pages)
    n_all = n_with + sum(len(p.without_snippets) for p in pages)
    for metric, support in (("snippet F1", n_all), ("snippet precision", n_all), ("snippet recall", n_with),
                            ("snippet accuracy", n_all), ("page exact (all snippets right)", len(pages))):
        res.rows.append(row("trafilatura-eval", metric, {k: v[metric] for k, v in scores.items()},
                            len(pages), skipped, support))
    res.notes.append("Whitespace collapsed in output and snippets; TP/FN over 'with' snippets, "
                     "FP/TN over 'without' snippets, summed over pages (trafilatura's method).")
    res.seconds = time.perf_counter() - t0
    return res
