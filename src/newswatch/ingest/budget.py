"""Analysis under a time and memory budget: one worker process, models loaded once.

:class:`AnalysisWorker` runs the analysis pipeline in a child process (``multiprocessing``,
``spawn`` start method) whose address space is capped with ``resource.setrlimit(RLIMIT_AS)``
at ``analysis_memory_bytes``. The parent sends one article at a time and waits at most
``analysis_timeout_seconds`` for the result. An article that runs over the time budget, or
whose analysis runs out of memory (a ``MemoryError`` in a stage, or the worker dying), comes
back as an :class:`~newswatch.errors.OverBudget` error naming the article; the worker is then
killed and a fresh one started for the next article, so one pathological input never starves
the ones after it. The models load when a worker starts (not per article); a normal run starts
one worker and keeps it.

:func:`analyser` picks what the CLI uses: a worker per process (shared by successive calls
with the same budgets, so tests and long sessions do not reload models) when the
``analysis_worker`` setting is on, else the plain in-process pipeline.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import multiprocessing as mp
import signal
from collections.abc import Callable
from typing import Any

from ..errors import OverBudget, UnexpectedInputError
from ..model import Article
from ..settings import Settings

#: Pipeline factory the worker calls (``module:function`` returning a callable
#: ``Article -> Article``); tests name their own.
DEFAULT_FACTORY = "newswatch.ingest.budget:recording_pipeline"
#: Longest wait for a new worker to load its models, in seconds.
STARTUP_TIMEOUT_SECONDS = 900.0

Analyse = Callable[[Article], "Article | OverBudget | UnexpectedInputError"]


def recording_pipeline() -> Callable[[Article], Article]:
    """The default analysis pipeline, recording stage failures on the article."""
    from ..pipeline import default_pipeline

    pipeline = default_pipeline(on_error="record")
    pipeline.initialize()
    return pipeline


def _load(factory: str) -> Callable[[], Callable[[Article], Article]]:
    module, _, name = factory.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


#: Intermediate fields that nothing after analysis reads (neither the store, the serializer
#: nor the cross-article steps): dropped before the article crosses the process boundary, where
#: pickling thousands of tokens cost about a third of the analysis time (bench_ingest, 250 articles).
TRANSIENT_FIELDS = ("tokens", "ner_spans")


def _for_parent(article: Article) -> Article:
    """``article`` without its :data:`TRANSIENT_FIELDS` (emptied in place; returns it)."""
    for name in TRANSIENT_FIELDS:
        setattr(article, name, [])
    return article


def _worker_main(conn: Any, memory_bytes: int, factory: str) -> None:
    """Body of the worker process: cap memory, build the pipeline, serve articles."""
    import resource

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    if memory_bytes:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        pipeline = _load(factory)()
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            article = conn.recv()
        except (EOFError, OSError):
            return
        if article is None:
            return
        try:
            result = pipeline(article)
            if any(e.code == "MemoryError" for e in result.errors):
                conn.send(("memory", None))
                return  # a worker that ran out of memory is not trusted again
            conn.send(("ok", _for_parent(result)))
        except MemoryError:
            with contextlib.suppress(Exception):
                conn.send(("memory", None))
            return  # a worker that ran out of memory is not trusted again
        except Exception as exc:  # noqa: BLE001 - reported to the parent
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class AnalysisWorker:
    """A worker process that analyses articles under a time and memory budget.

    Args:
        timeout_seconds: time budget per article, in seconds (0: none).
        memory_bytes: address-space limit of the worker, in bytes (0: none).
        factory: ``module:function`` building the pipeline in the worker
            (default :data:`DEFAULT_FACTORY`).

    Call it with an article: it returns the analysed article, or an
    :class:`~newswatch.errors.OverBudget` (over the budget; the worker is replaced) or an
    :class:`~newswatch.errors.UnexpectedInputError` (the pipeline raised) naming
    ``article.origin``. Raises :class:`RuntimeError` when a worker cannot start at all.
    """

    def __init__(self, timeout_seconds: float, memory_bytes: int,
                 factory: str = DEFAULT_FACTORY) -> None:
        self.timeout_seconds = float(timeout_seconds)
        self.memory_bytes = int(memory_bytes)
        self.factory = factory
        self._ctx = mp.get_context("spawn")
        self._proc: Any = None
        self._conn: Any = None
        #: Workers started so far (1 on a run where nothing went over budget).
        self.started = 0

    def _start(self) -> None:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker_main, name="newswatch-analysis",
                                 args=(child, self.memory_bytes, self.factory), daemon=True)
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent
        self.started += 1
        if not parent.poll(STARTUP_TIMEOUT_SECONDS):
            self._kill()
            raise RuntimeError("the analysis worker did not start within "
                               f"{STARTUP_TIMEOUT_SECONDS:.0f} s")
        try:
            kind, detail = parent.recv()
        except EOFError:
            kind, detail = "failed", f"exit code {proc.exitcode}"
        if kind != "ready":
            self._kill()
            raise RuntimeError(f"the analysis worker could not load the pipeline: {detail} "
                               "(is analysis_memory_bytes too small for the models?)")

    def _kill(self) -> None:
        if self._proc is not None:
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None

    def __call__(self, article: Article) -> Article | OverBudget | UnexpectedInputError:
        if self._proc is None or not self._proc.is_alive():
            self._kill()
            self._start()
        conn, subject = self._conn, article.origin
        try:
            conn.send(article)
        except (BrokenPipeError, OSError):
            self._kill()
            self._start()
            conn = self._conn
            conn.send(article)
        if not conn.poll(self.timeout_seconds or None):
            self._kill()
            return OverBudget(f"analysis took longer than analysis_timeout_seconds="
                              f"{self.timeout_seconds:g} s; quarantined (not stored)",
                              subject=subject)
        try:
            kind, value = conn.recv()
        except (EOFError, OSError):
            code = self._proc.exitcode if self._proc is not None else None
            self._kill()
            return OverBudget(f"the analysis worker died (exit code {code}), most likely over "
                              f"analysis_memory_bytes={self.memory_bytes:,}; quarantined "
                              "(not stored)", subject=subject)
        if kind == "memory":
            self._kill()
            return OverBudget(f"analysis ran out of memory (analysis_memory_bytes="
                              f"{self.memory_bytes:,}); quarantined (not stored)", subject=subject)
        if kind == "error":
            return UnexpectedInputError(f"analysis failed: {value}", subject=subject)
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        """Stop the worker (politely, then by force)."""
        if self._conn is not None:
            with contextlib.suppress(BrokenPipeError, OSError):
                self._conn.send(None)
        if self._proc is not None:
            self._proc.join(5)
        self._kill()


_shared: dict[tuple[float, int, str], AnalysisWorker] = {}


def close_workers() -> None:
    """Stop this process's shared analysis worker(s); also run at exit."""
    for worker in _shared.values():
        worker.close()
    _shared.clear()


atexit.register(close_workers)


def analyser(settings: Settings) -> Analyse:
    """The analysis function the CLI uses for ``settings``.

    Returns:
        With ``analysis_worker`` on: this process's shared :class:`AnalysisWorker` for the
        settings' budgets (started on first use, kept for later calls). Otherwise the
        in-process recording pipeline (no budgets).
    """
    if not settings.analysis_worker:
        return recording_pipeline()
    key = (float(settings.analysis_timeout_seconds), int(settings.analysis_memory_bytes),
           DEFAULT_FACTORY)
    worker = _shared.get(key)
    if worker is None:
        for old in list(_shared.values()):  # one worker per process: budgets changed
            old.close()
        _shared.clear()
        worker = _shared[key] = AnalysisWorker(*key)
    return worker
