"""Analysis under a time and memory budget: one worker process, models loaded once.

:class:`AnalysisWorker` runs the analysis pipeline in a child process (``multiprocessing``,
``spawn`` start method) whose address space is capped with ``resource.setrlimit(RLIMIT_AS)``
at ``analysis_memory_bytes``. The parent either sends one article and waits at most
``analysis_timeout_seconds`` for the result (:meth:`AnalysisWorker.__call__`), or streams
chunks of articles that the worker runs through the pipeline's batched ``pipe`` while the
parent stores earlier results (:meth:`AnalysisWorker.stream`, what ``ingest`` uses), each
reply again awaited at most ``analysis_timeout_seconds``. An article that runs over the time budget, or
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
import gc
import importlib
import multiprocessing as mp
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from ..errors import OverBudget, UnexpectedInputError
from ..model import Article
from ..pipeline import Pipeline, set_load_listener
from ..settings import Settings

#: Pipeline factory the worker calls (``module:function`` returning a callable
#: ``Article -> Article``); tests name their own.
DEFAULT_FACTORY = "newswatch.ingest.budget:recording_pipeline"
#: Longest wait for a new worker to load its models, in seconds; also the bound on one model a
#: stage loads lazily on its first article (outside the article's time budget).
STARTUP_TIMEOUT_SECONDS = 900.0
#: Articles per chunk that :meth:`AnalysisWorker.stream` hands the worker at once (the worker
#: runs a chunk through the pipeline's batched ``pipe``), and chunks kept in flight, so the
#: worker analyses the next chunk while the parent stores the last one.
STREAM_CHUNK = 8
STREAM_CHUNKS_AHEAD = 2
#: The collector's youngest-generation threshold (container allocations net of deallocations
#: between two young collections; CPython's default is 700) in the analysis worker and in the
#: storing loop of ``ingest``. Analysing an article allocates and frees tens of thousands of
#: containers (tokens, spans, items); at 700 the survivors of each young collection were
#: promoted and walked again by older ones. Measured on 242 wh_statements articles through the
#: pipeline after its models loaded, one process: 700: 1,009 young, 92 middle and 9 full
#: collections, 0.41 CPU s; 10,000: 18 and 2 and none, 0.05 s; peak RSS and every output
#: byte the same (1,037 and 1,026 MiB; 3,591,753 pickled bytes both).
GC_YOUNG_THRESHOLD = 10_000

T = TypeVar("T")

Analyse = Callable[[Article], "Article | OverBudget | UnexpectedInputError"]


def recording_pipeline() -> Pipeline:
    """The default analysis pipeline, recording stage failures on the article."""
    from ..pipeline import default_pipeline

    pipeline = default_pipeline(on_error="record")
    pipeline.initialize()
    return pipeline


def language_codes(preload: Iterable[str]) -> tuple[str, ...]:
    """``preload`` as a tuple of language codes.

    Raises:
        TypeError: ``preload`` is a string (it would be read letter by letter).
    """
    if isinstance(preload, str):
        raise TypeError("preload takes language codes, e.g. ('en',), not a string")
    return tuple(preload)


def preload_models(pipeline: Any, languages: tuple[str, ...]) -> None:
    """Load the models of ``languages`` now through ``pipeline.preload``
    (:meth:`newswatch.pipeline.Pipeline.preload`); nothing when ``languages`` is empty or the
    pipeline (a stand-in from another factory) has no ``preload``.

    Raises:
        PipelineConfigError: (from the pipeline) no models for one of ``languages``.
    """
    warm = getattr(pipeline, "preload", None)
    if languages and callable(warm):
        warm(languages)


def _load(factory: str) -> Callable[[], Callable[[Article], Article]]:
    module, _, name = factory.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


#: Intermediate fields that nothing after analysis reads (neither the store, the serializer
#: nor the cross-article steps): dropped before the article crosses the process boundary, where
#: pickling thousands of tokens cost about a third of the analysis time (bench_ingest, 250 articles).
TRANSIENT_FIELDS = ("tokens", "ner_spans")


def _for_parent(article: Article) -> Article:
    """``article`` without its :data:`TRANSIENT_FIELDS` (emptied in place) and with its
    ``minhash`` set (:func:`newswatch.situation.dedup.signature_bytes` of its text); returns it.

    The signature is pure text work that needs numpy, which this process holds through spaCy
    already: computed here, it spares the storing process numpy's import (about 0.1 CPU s) and
    the signatures (about 0.5 ms an article); the store computes it itself for an article
    that arrives without one.
    """
    from ..situation.dedup import signature_bytes

    for name in TRANSIENT_FIELDS:
        setattr(article, name, [])
    article.minhash = signature_bytes(article.text)
    return article


def _reader(conn: Any, inbox: queue.SimpleQueue[Any]) -> None:
    """Worker thread: move every message from the parent into ``inbox`` as it arrives.

    Reading in a thread of its own means the parent's ``send`` of the next chunk never waits for
    the worker to finish the current one, so neither side can block the other on a full pipe.
    """
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            msg = None
        inbox.put(msg)
        if msg is None:
            return


def settle_heap() -> None:
    """Move every object alive now out of the garbage collector's sight (``gc.collect`` then
    ``gc.freeze``), for a process that has just loaded what it keeps to its end.

    Two long-lived processes call it: ``serve`` once the dashboard app is built (re-exported as
    ``newswatch.web.app.settle_heap``; at 100,000 articles one timeline request in six or seven
    had taken 100-115 ms instead of 30 while full collections walked the app's start-up
    objects, ``benchmarks/bench_web.py``), and the analysis worker once the pipeline is built
    and again after each lazy model load: the models, lexicons and gazetteer (about 150,000
    tracked objects once spaCy is loaded) live as long as the worker, yet every full collection
    while articles are analysed would walk them again. Frozen, they are skipped (gc time over
    the 250 articles of ``benchmarks/bench_ingest.py``: 0.59 -> 0.30 CPU s). The collection
    first frees the load's own garbage cycles, which a freeze would otherwise keep for good.
    Outputs are unchanged: reference counting still frees everything, and a frozen object is
    only never collected as part of a cycle.
    """
    gc.collect()
    gc.freeze()


@contextlib.contextmanager
def heap_settled() -> Iterator[None]:
    """:func:`settle_heap` for the span of a ``with`` block, in a process that goes on after it.

    ``ingest`` runs its loop inside one: the storing process's modules, the SQLAlchemy metadata
    and the open store (about 95,000 tracked objects) live as long as the loop, yet each full
    collection while results are stored would walk them again (the parent's gc over the 250
    articles of ``benchmarks/bench_ingest.py``: 3 full collections, 0.16 of its 0.32 CPU s). On
    leaving, the heap is given back to the collector (``gc.unfreeze``), so a caller that lives on
    (a test, a script calling the CLI) collects as before; when something was frozen already on
    entry (a serving process), the freeze is that process's choice and is kept. Inside the
    block the youngest generation's threshold is :data:`GC_YOUNG_THRESHOLD`; the caller's
    thresholds are restored on leaving.
    """
    frozen_before = gc.get_freeze_count()
    threshold = gc.get_threshold()
    settle_heap()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if not frozen_before:
            gc.unfreeze()


def _worker_main(conn: Any, memory_bytes: int, factory: str, preload: tuple[str, ...] = ()) -> None:
    """Body of the worker process: cap memory, build the pipeline, load the models of the
    ``preload`` languages (through the pipeline's ``preload``, when it has one), serve articles.

    Messages from the parent: an :class:`Article` (analysed alone, answered with one reply),
    a ``list`` of articles (a chunk, analysed through the pipeline's batched ``pipe`` when it has
    one, answered with one reply per article, in order), or ``None`` (stop). Replies:
    ``("ok", article)``, ``("memory", None)`` (then the worker exits), ``("error", text)``;
    in between, ``("loading", what)`` and ``("loaded", what)`` around a lazy model load.
    """
    import resource

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    if memory_bytes:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    # What loads now (pipeline, later each lazy model) is kept to the worker's end: collecting
    # while it loads would only walk it again, so the collector waits for settle_heap, whose
    # collection frees the load's own garbage cycles.
    gc.disable()
    try:
        pipeline = _load(factory)()
        settle_heap()
        # each model's load garbage goes before the next model loads, as with lazy loads
        set_load_listener(lambda what, starting: None if starting else settle_heap())
        preload_models(pipeline, preload)
        set_load_listener(None)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    gc.enable()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])

    def heard(what: str, starting: bool) -> None:
        if starting:
            gc.disable()
        else:
            settle_heap()  # the model just loaded lives as long as the worker
            gc.enable()
        conn.send(("loading" if starting else "loaded", what))

    # A model a stage loads on its first article (newswatch.pipeline.model_loading) is announced
    # to the parent, which stops that article's clock until the load ends.
    set_load_listener(heard)
    conn.send(("ready", None))
    inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
    threading.Thread(target=_reader, args=(conn, inbox), name="newswatch-inbox", daemon=True).start()
    pipe = getattr(pipeline, "pipe", None)
    while True:
        msg = inbox.get()
        if msg is None:
            return
        try:
            results = (pipe(msg) if pipe is not None else map(pipeline, msg)) \
                if isinstance(msg, list) else iter([pipeline(msg)])
            for result in results:
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
        preload: ISO 639-1 codes whose models every worker process loads when it starts,
            before it says it is ready (:meth:`newswatch.pipeline.Pipeline.preload`), also
            after a restart; default none: each language's models load on its first article.

    Call it with an article: it returns the analysed article, or an
    :class:`~newswatch.errors.OverBudget` (over the budget; the worker is replaced) or an
    :class:`~newswatch.errors.UnexpectedInputError` (the pipeline raised) naming
    ``article.origin``. Raises :class:`RuntimeError` when a worker cannot start at all.
    """

    def __init__(self, timeout_seconds: float, memory_bytes: int,
                 factory: str = DEFAULT_FACTORY, preload: Iterable[str] = ()) -> None:
        self.timeout_seconds = float(timeout_seconds)
        self.memory_bytes = int(memory_bytes)
        self.factory = factory
        self.preload = language_codes(preload)
        self._ctx = mp.get_context("spawn")
        self._proc: Any = None
        self._conn: Any = None
        #: Workers started so far (1 on a run where nothing went over budget).
        self.started = 0

    def _start(self) -> None:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker_main, name="newswatch-analysis",
                                 args=(child, self.memory_bytes, self.factory, self.preload),
                                 daemon=True)
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
            hint = (" (is analysis_memory_bytes too small for the models?)"
                    if str(detail).startswith(("MemoryError", "exit code")) else "")
            raise RuntimeError(f"the analysis worker could not load the pipeline: {detail}{hint}")

    def start(self) -> None:
        """Start the worker now (its models load) unless one is running; else it starts at the
        first article. Raises :class:`RuntimeError` as a start at the first article would."""
        self._ensure()

    def _kill(self) -> None:
        if self._proc is not None:
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None

    def _ensure(self) -> Any:
        """The connection to a live worker (starting one if needed)."""
        if self._proc is None or not self._proc.is_alive():
            self._kill()
            self._start()
        return self._conn

    def _reply(self, subject: str | None) -> Article | OverBudget | UnexpectedInputError:
        """Wait for the worker's next reply (at most ``timeout_seconds``) and interpret it.

        A reply other than an analysed article leaves the worker killed, except an ``"error"``
        (the pipeline raised; the worker is still sound).

        The clock stops while the worker loads a model lazily (its ``"loading"`` and
        ``"loaded"`` notes): a load is bounded by :data:`STARTUP_TIMEOUT_SECONDS` on its own,
        and only the time outside loads counts against ``timeout_seconds``.
        """
        conn = self._conn
        used = 0.0  # seconds of analysis (not loading) waited for this reply so far
        loading: str | None = None
        while True:
            if loading is not None:
                wait: float | None = STARTUP_TIMEOUT_SECONDS
            elif self.timeout_seconds:
                wait = max(0.0, self.timeout_seconds - used)
            else:
                wait = None
            t0 = time.monotonic()
            ready = conn.poll(wait)
            if loading is None:
                used += time.monotonic() - t0
            if not ready:
                self._kill()
                if loading is not None:
                    return OverBudget(f"loading the {loading} took longer than "
                                      f"{STARTUP_TIMEOUT_SECONDS:.0f} s; quarantined (not stored)",
                                      subject=subject)
                return OverBudget(f"analysis took longer than analysis_timeout_seconds="
                                  f"{self.timeout_seconds:g} s; quarantined (not stored)",
                                  subject=subject)
            try:
                kind, value = conn.recv()
            except (EOFError, OSError):
                kind, value = "died", None
            if kind == "loading":
                loading = value
            elif kind == "loaded":
                loading = None
            else:
                break
        if kind == "died":
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

    def __call__(self, article: Article) -> Article | OverBudget | UnexpectedInputError:
        conn = self._ensure()
        try:
            conn.send(article)
        except (BrokenPipeError, OSError):
            self._kill()
            self._start()
            self._conn.send(article)
        return self._reply(article.origin)

    def stream(self, items: Iterable[T]) -> Iterator[T | Article | OverBudget | UnexpectedInputError]:
        """Analyse every :class:`Article` in ``items``; pass anything else through; keep the order.

        Articles go to the worker in chunks of :data:`STREAM_CHUNK` (the worker runs a chunk
        through the pipeline's batched ``pipe``, so spaCy batches), with up to
        :data:`STREAM_CHUNKS_AHEAD` chunks in flight: the worker analyses the next chunk while
        the caller handles (stores) the results of the last one, on the other core.

        Budgets hold per article: each reply is awaited at most ``timeout_seconds``. When a reply
        is late, the worker dies, runs out of memory or the pipeline raises, the worker is
        killed and every article still in flight is analysed again alone (:meth:`__call__`), so
        exactly the culprit comes back as :class:`~newswatch.errors.OverBudget` (or
        :class:`~newswatch.errors.UnexpectedInputError`) and the others are analysed. A culprit
        thus costs up to twice the time budget.

        Yields:
            One value per item, in input order: the analysed article or the failure for an
            Article, the item itself for anything else.
        """
        pending: deque[list[Any]] = deque()   # [done, value], in input order
        inflight: deque[list[Any]] = deque()  # entries sent to the worker, not answered yet
        chunk: list[list[Any]] = []

        def recover() -> None:
            """Kill the worker and analyse what was in flight one article at a time."""
            self._kill()
            while inflight:
                entry = inflight.popleft()
                entry[:] = [True, self(entry[1])]

        def receive() -> None:
            entry = inflight[0]
            result = self._reply(entry[1].origin)
            if not isinstance(result, Article):
                recover()
                return
            inflight.popleft()
            entry[:] = [True, result]

        def send(entries: list[list[Any]]) -> None:
            limit = STREAM_CHUNK * max(1, STREAM_CHUNKS_AHEAD - 1)
            while len(inflight) > limit:  # keep at most STREAM_CHUNKS_AHEAD chunks in flight
                receive()
            conn = self._ensure()
            inflight.extend(entries)
            try:
                conn.send([e[1] for e in entries])
            except (BrokenPipeError, OSError):
                recover()

        try:
            for item in items:
                if isinstance(item, Article):
                    entry = [False, item]
                    pending.append(entry)
                    chunk.append(entry)
                    if len(chunk) >= STREAM_CHUNK:
                        send(chunk)
                        chunk = []
                else:
                    pending.append([True, item])
                while inflight and self._conn is not None and self._conn.poll(0):
                    receive()
                while pending and pending[0][0]:
                    yield pending.popleft()[1]
            if chunk:
                send(chunk)
            while inflight:
                receive()
            while pending:
                yield pending.popleft()[1]
        finally:
            if inflight:  # the caller stopped early: unread replies would desynchronise the worker
                self._kill()

    def close(self) -> None:
        """Stop the worker (politely, then by force)."""
        if self._conn is not None:
            with contextlib.suppress(BrokenPipeError, OSError):
                self._conn.send(None)
        if self._proc is not None:
            self._proc.join(5)
        self._kill()


_shared: dict[tuple[float, int, str, tuple[str, ...]], AnalysisWorker] = {}


def close_workers() -> None:
    """Stop this process's shared analysis worker(s); also run at exit."""
    for worker in _shared.values():
        worker.close()
    _shared.clear()


atexit.register(close_workers)


def analyser(settings: Settings, preload: Iterable[str] = ()) -> Analyse:
    """The analysis function the CLI uses for ``settings``.

    Args:
        settings: resolved settings (budgets, ``analysis_worker``).
        preload: ISO 639-1 codes whose models load now rather than on the first article of
            that language (:meth:`newswatch.pipeline.Pipeline.preload`); ``newswatch batch``
            passes ``batch_preload_languages``, ``ingest`` nothing.

    Returns:
        With ``analysis_worker`` on: this process's shared :class:`AnalysisWorker` for the
        settings' budgets and ``preload`` (started on first use, kept for later calls; its
        process loads the ``preload`` models when it starts). Otherwise the in-process
        recording pipeline (no budgets), with the ``preload`` models loaded.

    Raises:
        PipelineConfigError: (in-process only) no models for a ``preload`` language.
    """
    languages = language_codes(preload)
    if not settings.analysis_worker:
        pipeline = recording_pipeline()
        preload_models(pipeline, languages)
        return pipeline
    key = (float(settings.analysis_timeout_seconds), int(settings.analysis_memory_bytes),
           DEFAULT_FACTORY, languages)
    worker = _shared.get(key)
    if worker is None:
        for old in list(_shared.values()):  # one worker per process: budgets changed
            old.close()
        _shared.clear()
        worker = _shared[key] = AnalysisWorker(*key)
    return worker


def analyse_stream(analyse: Analyse, items: Iterable[T]) -> Iterator[T | Article | OverBudget | UnexpectedInputError]:
    """Analyse the :class:`Article` items of ``items`` with ``analyse``; keep the order.

    ``analyse`` is what :func:`analyser` returned. A worker streams (:meth:`AnalysisWorker.stream`);
    the in-process pipeline runs chunks of :data:`STREAM_CHUNK` articles through its batched
    ``pipe`` (no budgets, as before). Anything that is not an Article passes through.
    """
    if isinstance(analyse, AnalysisWorker):
        yield from analyse.stream(items)
        return
    pipe = getattr(analyse, "pipe", None)
    if pipe is None:
        for item in items:
            yield analyse(item) if isinstance(item, Article) else item
        return
    held: list[Any] = []  # items waiting for the chunk's articles, in order
    articles: list[Article] = []

    def flush() -> Iterator[Any]:
        done = iter(list(pipe(articles)))
        for x in held:
            yield next(done) if isinstance(x, Article) else x
        held.clear()
        articles.clear()

    for item in items:
        held.append(item)
        if isinstance(item, Article):
            articles.append(item)
            if len(articles) >= STREAM_CHUNK:
                yield from flush()
        elif not articles:
            yield from flush()
    yield from flush()
