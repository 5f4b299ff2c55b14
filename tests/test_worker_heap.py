"""The analysis worker keeps what it loaded out of the garbage collector's full collections
(issue 11, "one core first"): once its pipeline is built, and again after a model a stage loads
on its first article, every object alive is frozen (:func:`newswatch.ingest.budget.settle_heap`),
so the collections that analysing articles triggers no longer walk the models and lexicons.

The worker runs a stand-in pipeline defined here that reports, on each article, how many
objects the collector had frozen when the article arrived; the articles are real White House
statements from the shared corpus."""

from __future__ import annotations

import gc
import json
from pathlib import Path

from newswatch.ingest.budget import AnalysisWorker
from newswatch.model import Article
from newswatch.pipeline import model_loading


def frozen_probe():
    """Stand-in analysis: the first article loads a "model" (100,000 small lists, kept by the
    pipeline like a real model) inside ``model_loading``; every article is stamped with
    ``gc.get_freeze_count()`` before and after that load."""
    model: list[list[int]] = []

    def run(article: Article) -> Article:
        article.meta["frozen_on_arrival"] = gc.get_freeze_count()
        article.meta["gc_threshold"] = list(gc.get_threshold())
        if not model:
            with model_loading("test model"):
                article.meta["collecting_while_loading"] = gc.isenabled()
                model.extend([i] for i in range(100_000))
        article.meta["collecting"] = gc.isenabled()
        article.meta["frozen_after_load"] = gc.get_freeze_count()
        article.meta["model_size"] = len(model)
        return article

    return run


FACTORY = f"{frozen_probe.__module__}:frozen_probe"


def _statements(shared_dir: Path, n: int) -> list[Article]:
    path = shared_dir / "corpus" / "wh_statements_2021" / "articles.jsonl"
    with path.open(encoding="utf-8") as f:
        rows = [json.loads(next(f)) for _ in range(n)]
    return [Article(text=r["text"], origin=r["id"], language="en") for r in rows]


def _analysed(*articles: Article) -> list[Article]:
    """The articles analysed in order by one worker with the stand-in pipeline (then closed)."""
    worker = AnalysisWorker(timeout_seconds=60, memory_bytes=0, factory=FACTORY)
    try:
        out = [worker(a) for a in articles]
    finally:
        worker.close()
    assert all(isinstance(a, Article) for a in out)
    return out


def test_the_worker_freezes_its_pipeline_and_each_lazily_loaded_model(shared_dir: Path) -> None:
    first, second = _statements(shared_dir, 2)
    assert first.text.startswith("Effectively and equitably vaccinating the U.S. population")
    a, b = _analysed(first, second)
    # frozen once the pipeline was built (the worker's imports and the stand-in pipeline) ...
    assert a.meta["frozen_on_arrival"] > 0
    # ... and again after the lazy load: the 100,000 lists the "model" keeps are frozen too
    assert a.meta["frozen_after_load"] >= a.meta["frozen_on_arrival"] + 100_000
    # nothing is loaded for the second article, which finds the "model" still frozen
    assert b.meta["model_size"] == 100_000
    assert b.meta["frozen_on_arrival"] >= a.meta["frozen_on_arrival"] + 100_000


def test_the_worker_collects_its_youngest_generation_less_often(shared_dir: Path) -> None:
    """Young collections every 10,000 net container allocations, not CPython's 700; the older
    generations keep their defaults."""
    (article,) = _statements(shared_dir, 1)
    (a,) = _analysed(article)
    assert a.meta["gc_threshold"] == [10_000, 10, 10]


def test_the_worker_does_not_collect_while_a_model_loads(shared_dir: Path) -> None:
    """Everything a lazy load allocates is kept, so the collector waits for the load's end
    (where settle_heap collects once and freezes) and runs again for the articles."""
    first, second = _statements(shared_dir, 2)
    a, b = _analysed(first, second)
    assert a.meta["collecting_while_loading"] is False
    assert a.meta["collecting"] is True and b.meta["collecting"] is True
    assert gc.isenabled()  # the parent's collector is untouched
    assert gc.get_threshold()[0] != 10_000  # the parent's own collector is the parent's


def test_the_parent_process_heap_is_left_alone(shared_dir: Path) -> None:
    """Freezing is the worker's own business: the process that stores (and runs the tests)
    keeps collecting its garbage as usual."""
    (article,) = _statements(shared_dir, 1)
    _analysed(article)
    assert gc.get_freeze_count() == 0
