"""``newswatch batch``: the per-article map step on a Dask cluster, one task per input file.

How a run goes (:func:`run_batch`):

1. The inputs (files; folders are walked with the same guards as ``ingest``: no link leaves
   the folder, no special file is opened) become one task each: a WARC archive, a JSON Lines
   shard, an HTML page... Each task's part name is :func:`~newswatch.scale.parquet.part_key`
   (path, size, modification time) and its Dask key ``newswatch-<part>``.
2. Every Dask worker holds the analysis pipeline in a :class:`PipelinePlugin` (a
   ``distributed.WorkerPlugin``) built once in ``setup``: the models load once per worker
   process, not per task. With ``analysis_worker`` on (the default) that pipeline is the same
   :class:`~newswatch.ingest.budget.AnalysisWorker` ``ingest`` uses, a child process under the
   ``analysis_timeout_seconds`` / ``analysis_memory_bytes`` budgets, so an article over a budget
   is quarantined (``over-budget``) and the Dask worker lives on. Child processes need
   non-daemonic Dask workers (``distributed.worker.daemon: False``, set here for
   ``--scheduler local``; set ``DASK_DISTRIBUTED__WORKER__DAEMON=False`` on a cluster's
   workers); on a daemonic worker the plugin analyses in-process, without budgets, and says so
   in the manifest (``budgets: false``).
3. A task (:func:`map_input`) reads its input, analyses the articles in batches and writes its
   part with :class:`~newswatch.scale.parquet.PartWriter` (a retried task overwrites its own
   files). Records that gave no article (unreadable, not a page, over a size or time limit)
   go to ``quarantine/part-<key>.jsonl`` with their reason code and, for an article that went
   over budget, the article itself (to retry alone). The task returns only a small
   *manifest row* (:class:`ManifestRow`): input, part, files, row counts, failures, seconds.
4. The client appends each row to ``manifest.jsonl`` as tasks finish (a progress bar counts
   tasks); ``--resume`` skips the inputs whose part (same path, size, modification time) has a
   ``finished`` row.

The cross-article steps (entity identity, near-duplicate clusters, event merging, claim groups)
do not run here: ``newswatch load`` runs them over the parts in input order
(:mod:`newswatch.scale.load`), so the result does not depend on how inputs were split.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin

from ..errors import InputError, SchedulerUnreachable, TaskFailed, UnsupportedFormat, WorkerSetupFailed
from ..model import Article
from ..settings import Settings
from .parquet import PartWriter, part_key

#: Name the pipeline plugin is registered under on every worker.
PLUGIN_NAME = "newswatch-pipeline"
#: The manifest file in the output folder (one JSON object a line, appended).
MANIFEST = "manifest.jsonl"
#: Folder of the quarantine files in the output folder.
QUARANTINE = "quarantine"
#: Most characters of a quarantined article's text kept in its quarantine line.
QUARANTINE_TEXT_CHARS = 1_000_000
#: Failure lines kept in a manifest row (the quarantine file has them all).
MANIFEST_FAILURES = 20

#: ``distributed.scheduler.worker-saturation`` of the local cluster: tasks sent to a worker per
#: thread once the scheduler queues (the rest wait there, largest input first; Dask queues only
#: a run's tasks beyond twice the worker threads). docs/scale.md gives it for a scheduler
#: started by hand.
WORKER_SATURATION = 1.0

STATUS_FINISHED = "finished"
STATUS_FAILED = "failed"


@dataclass
class ManifestRow:
    """What one task reports back (one line of ``manifest.jsonl``).

    Attributes:
        input: the input as shown (escaped path).
        path: its absolute path.
        key: the part name (:func:`~newswatch.scale.parquet.part_key`).
        status: ``"finished"`` or ``"failed"`` (the task raised, or its worker died).
        run: when the run that wrote the row started (ISO 8601, UTC).
        index: the input's position in that run (the order ``load`` follows).
        files: the part's files, relative to the output folder.
        counts: rows written per dataset (``articles``, ``mentions``, ``events``...).
        failed: records that gave no article (in ``quarantine/part-<key>.jsonl``).
        warnings: stage failures recorded on stored articles.
        failures: the first :data:`MANIFEST_FAILURES` failure lines.
        seconds: wall time of the task, in seconds.
        started: when the task started (UNIX time, seconds).
        cpu_s: CPU seconds (user + system) the task cost the worker process and its analysis
            child (from ``/proc``; 0 where it is absent): the rate per core, free of waiting
            on a busy machine.
        peak_rss_mib: peak resident memory so far (Linux ``VmHWM``, MiB) of the worker process
            (``"worker"``) and of its analysis child process (``"analysis"``), when known.
        worker: the Dask worker's address.
        budgets: whether analysis ran under the time and memory budgets.
        error: why a failed task failed.
    """

    input: str
    path: str
    key: str
    status: str
    run: str = ""
    index: int = 0
    files: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    failed: int = 0
    warnings: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    started: float = 0.0
    cpu_s: float = 0.0
    peak_rss_mib: dict[str, float] = field(default_factory=dict)
    worker: str = ""
    budgets: bool = False
    error: str = ""


#: The C library's (glibc) setting of how much free memory at the top of the heap it keeps
#: before giving it back to the system, read from the environment when a process starts.
MALLOC_TRIM_VARIABLE = "MALLOC_TRIM_THRESHOLD_"


def drop_nanny_malloc_trim() -> bool:
    """Remove ``MALLOC_TRIM_THRESHOLD_`` from this process's environment when it holds the value
    Dask's nanny puts there (``distributed.nanny.pre-spawn-environ``, 65536 bytes in
    distributed 2026.8), so that processes started from here on (the analysis worker and its
    restarts) use the C library's default; returns True when removed.

    The nanny sets the variable for the worker process it starts, to give memory back to the
    system eagerly. The worker keeps that behaviour (the C library read the variable when it
    started). The analysis child would inherit it, and there it cost about a fifth of the CPU:
    allocating and freeing spaCy's arrays again and again. Over 40 White House statements, the
    child spent 2.96 CPU s without it and 3.48 s with it; under a Dask worker, 3.62 s.
    A value that differs from the nanny's (one the operator chose) is left alone.
    """
    import dask

    value = os.environ.get(MALLOC_TRIM_VARIABLE)
    preset = dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {}
    if value is None or MALLOC_TRIM_VARIABLE not in preset or str(preset[MALLOC_TRIM_VARIABLE]) != value:
        return False
    del os.environ[MALLOC_TRIM_VARIABLE]
    return True


def preload_languages(settings: Settings) -> tuple[str, ...]:
    """The languages of ``settings.batch_preload_languages`` (comma-separated, case and
    spaces ignored), in order, without repeats.

    Raises:
        SettingsError: a code with no analysis models (:func:`newswatch.stages.nlp.refuse_unsupported`).
    """
    from ..errors import PipelineConfigError
    from ..settings import SettingsError
    from ..stages.nlp import refuse_unsupported

    codes = tuple(dict.fromkeys(
        c.strip().lower() for c in str(settings.batch_preload_languages).split(",") if c.strip()))
    try:
        refuse_unsupported(codes)
    except PipelineConfigError as exc:
        raise SettingsError(f"batch_preload_languages: {exc.message}",
                            subject="NEWSWATCH_BATCH_PRELOAD_LANGUAGES") from None
    return codes


class PipelinePlugin(WorkerPlugin):
    """A ``distributed.WorkerPlugin``: the analysis pipeline, built once per worker in ``setup``.

    Args:
        settings: the client's resolved settings (budgets, caps, language candidates); the
            workers use these, not their own environment.
        factory: ``module:function`` building another analysis function (tests, benchmarks);
            default: the recording pipeline (:data:`newswatch.ingest.budget.DEFAULT_FACTORY`).

    Attributes:
        analyse: what :func:`newswatch.ingest.budget.analyser` returns for ``settings`` (the
            budgeted worker process when the Dask worker may have children, else the
            in-process pipeline).
        budgets: whether ``analyse`` runs under the budgets.
        error: why ``setup`` failed (``analyse`` is then None), else None.
    """

    name = PLUGIN_NAME

    def __init__(self, settings: Settings, factory: str | None = None) -> None:
        self.settings = settings
        self.factory = factory
        self.analyse: Any = None
        self.budgets = False
        self.error: str | None = None

    def setup(self, worker: Any = None) -> None:
        """Build the pipeline and load its models (on the worker, once): the models of
        ``batch_preload_languages`` load here, before the first task, so that a task's time is
        its own. First :func:`drop_nanny_malloc_trim`, so that the analysis process starts
        with the C library's default memory trimming.

        Raises:
            WorkerSetupFailed: the pipeline could not be built or its models loaded (also kept
                in :attr:`error`, for the tasks of a worker whose failure Dask only logs).
        """
        try:
            self._setup()
        except Exception as exc:  # noqa: BLE001 - one clear error, whatever the cause
            self.analyse = None
            self.error = f"{type(exc).__name__}: {str(exc)[:500]}"
            where = getattr(worker, "address", None) or "worker"
            raise WorkerSetupFailed("the worker could not load the analysis pipeline: "
                                    f"{self.error}", subject=where) from None

    def _setup(self) -> None:
        from ..ingest import budget

        drop_nanny_malloc_trim()
        settings = self.settings
        languages = preload_languages(settings)
        if settings.analysis_worker and multiprocessing.current_process().daemon:
            settings = Settings({**settings, "analysis_worker": False})
        if self.factory is None:
            self.analyse = budget.analyser(settings, preload=languages)
        elif settings.analysis_worker:
            self.analyse = budget.AnalysisWorker(settings.analysis_timeout_seconds,
                                                 settings.analysis_memory_bytes, self.factory,
                                                 preload=languages)
        else:
            module, _, name = self.factory.partition(":")
            self.analyse = getattr(importlib.import_module(module), name)()
            budget.preload_models(self.analyse, languages)
        self.budgets = isinstance(self.analyse, budget.AnalysisWorker)
        if isinstance(self.analyse, budget.AnalysisWorker):
            self.analyse.start()

    def teardown(self, worker: Any = None) -> None:
        """Stop the analysis worker process, if any."""
        close = getattr(self.analyse, "close", None)
        if callable(close):
            close()


def _quarantine_line(input_name: str, err: InputError, article: Article | None) -> dict[str, Any]:
    line: dict[str, Any] = {"input": input_name, "origin": err.subject or input_name,
                            "code": err.code, "message": err.message}
    if article is not None:
        line["article"] = {
            "id": article.id, "url": article.url, "title": article.title, "source": article.source,
            "published": article.published.isoformat() if article.published else None,
            "language": article.language, "text": article.text[:QUARANTINE_TEXT_CHARS],
            "meta": article.meta,
        }
    return line


def map_input(path: str, input_name: str, out: str, settings: Settings,
              analyse: Callable[[Article], Any] | None = None) -> dict[str, Any]:
    """The map task: read one input, analyse its articles, write its part; return its row.

    Runs on a Dask worker (the pipeline comes from its :class:`PipelinePlugin`) or, with
    ``analyse`` given, anywhere (the benchmark's one-process baseline).

    Args:
        path: the input file.
        input_name: the input as shown.
        out: the output folder.
        settings: resolved settings.
        analyse: an analysis function (default: the worker plugin's).

    Returns:
        A :class:`ManifestRow` as a dict (status ``finished``); a crash of the reader or the
        writer propagates (the client records the task as ``failed``).
    """
    started, started_at, cpu_before = time.perf_counter(), time.time(), tree_cpu_seconds()
    worker_address, budgets = "", False
    if analyse is None:
        from distributed import get_worker

        worker = get_worker()
        plugin: Any = worker.plugins[PLUGIN_NAME]  # our PipelinePlugin
        analyse, budgets, worker_address = plugin.analyse, plugin.budgets, worker.address
        if analyse is None:  # its setup failed (Dask logs that for a worker that joins late)
            raise WorkerSetupFailed("the worker could not load the analysis pipeline: "
                                    f"{plugin.error or 'its plugin did not set up'}",
                                    subject=worker_address)
    key = part_key(path)
    outdir = Path(out)
    row = ManifestRow(input=input_name, path=os.path.abspath(path), key=key, status=STATUS_FINISHED,
                      worker=worker_address, budgets=budgets)
    qdir = outdir / QUARANTINE
    qdir.mkdir(parents=True, exist_ok=True)
    qtmp = qdir / f".part-{key}.jsonl.tmp"
    try:
        _map(path, input_name, settings, analyse, outdir, key, row, qtmp)
    finally:
        qtmp.unlink(missing_ok=True)  # a crash leaves neither half a part nor half a quarantine
    row.seconds = round(time.perf_counter() - started, 3)
    row.started = round(started_at, 3)
    row.cpu_s = round(tree_cpu_seconds() - cpu_before, 3)
    row.peak_rss_mib = peak_rss_mib()
    return asdict(row)


def _map(path: str, input_name: str, settings: Settings, analyse: Callable[[Article], Any],
         outdir: Path, key: str, row: ManifestRow, qtmp: Path) -> None:
    """The body of :func:`map_input`: fills ``row`` and writes the part and the quarantine."""
    from ..ingest.budget import analyse_stream
    from ..ingest.readers import read_inputs

    waiting: dict[str, Article] = {}  # articles in analysis by origin (quarantined with their text)

    def remembered(items: Iterable[Article | InputError]) -> Iterator[Article | InputError]:
        for item in items:
            if isinstance(item, Article):
                waiting[item.origin] = item
            yield item

    with PartWriter(outdir, key, input_name) as writer, qtmp.open("w", encoding="utf-8") as qfile:
        items = read_inputs([path], settings=settings)
        for result in analyse_stream(analyse, remembered(items)):
            if isinstance(result, InputError):
                source = waiting.pop(result.subject or "", None)
                writer.add_failure(result.subject or input_name, result.code, result.message)
                qfile.write(json.dumps(_quarantine_line(input_name, result, source),
                                       ensure_ascii=False, default=str) + "\n")
                row.failed += 1
                if len(row.failures) < MANIFEST_FAILURES:
                    row.failures.append(result.line())
                continue
            waiting.pop(result.origin, None)
            row.warnings += len(result.errors)
            writer.add(result)
        row.files = writer.close()
        row.counts = {k: v for k, v in writer.counts.items() if v}
    os.replace(qtmp, qtmp.with_name(f"part-{key}.jsonl"))


def _vm_hwm_mib(pid: int | str) -> float | None:
    """Peak resident set size of a process (``VmHWM`` of ``/proc/<pid>/status``), MiB."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError):
        return None
    return None


def _children() -> list[int]:
    """Process ids of this process's live children (from ``/proc/<pid>/stat``)."""
    me, kids = os.getpid(), []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 1 and fields[1] == str(me):
            kids.append(int(entry))
    return kids


def tree_cpu_seconds() -> float:
    """User + system CPU seconds of this process and its live children (``/proc/<pid>/stat``
    fields 14 and 15); 0.0 where ``/proc`` is absent."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    for pid in ["self", *map(str, _children())]:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / tick


def peak_rss_mib() -> dict[str, float]:
    """Peak RSS (MiB) of this process (``"worker"``) and the largest of its live child processes
    (``"analysis"``: the budgeted analysis worker); empty where ``/proc`` is absent."""
    out: dict[str, float] = {}
    own = _vm_hwm_mib("self")
    if own is not None:
        out["worker"] = own
    peaks = [k for k in map(_vm_hwm_mib, _children()) if k is not None]
    if peaks:
        out["analysis"] = max(peaks)
    return out


# ------------------------------------------------------------------------------ the client


@dataclass
class BatchInput:
    """One task's input: the file to open, the name shown, its part key, its size in bytes
    (on disk: compressed for a ``.gz``), by which :func:`dispatch_order` ranks it."""

    path: str
    name: str
    key: str
    size: int = 0


def expand_inputs(paths: Iterable[str], settings: Settings) -> Iterator[BatchInput | InputError]:
    """The files of ``paths`` (folders walked as ``ingest`` walks them), in order; an error
    for each path that cannot be a task (a URL, ``-``, a missing file, a skipped link...)."""
    from ..errors import InputNotFound
    from ..ingest.readers import shown, walk

    for p in paths:
        p = str(p)
        if p == "-" or "://" in p:
            yield UnsupportedFormat("batch reads files and folders only (ingest reads URLs and "
                                    "standard input)", subject=shown(p))
            continue
        found = walk(p, settings) if os.path.isdir(p) else [(p, shown(p), False)]
        for f in found:
            if isinstance(f, InputError):
                yield f
                continue
            path, name, _ = f
            try:
                yield BatchInput(path, name, part_key(path), os.path.getsize(path))
            except OSError as exc:
                yield InputNotFound(f"cannot open: {exc.strerror}", subject=name)


def dispatch_order(items: list[BatchInput]) -> list[int]:
    """Indices of ``items`` in the order their tasks are handed to the cluster: largest input
    first, ties in input order.

    The run ends when its last task does, and a large input dispatched last would leave every
    other worker idle while it runs. Longest first is Graham's LPT rule (1969), here a
    heuristic: size on disk stands in for the time, which grows with the text analysed but
    not evenly (a ``.gz`` is compressed, an HTML page carries markup).
    """
    return sorted(range(len(items)), key=lambda i: (-items[i].size, i))


def read_manifest(out: Path) -> list[dict[str, Any]]:
    """The rows of ``out/manifest.jsonl`` in file order (a torn last line is ignored)."""
    path = Path(out) / MANIFEST
    if not path.is_file():
        return []
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            with contextlib.suppress(json.JSONDecodeError):
                rows.append(json.loads(line))
    return rows


def finished_parts(out: Path) -> dict[str, dict[str, Any]]:
    """The latest ``finished`` manifest row of every part key, in load order (run, index)."""
    latest: dict[str, dict[str, Any]] = {}
    for row in read_manifest(out):
        latest[row["key"]] = row
    done = [r for r in latest.values() if r.get("status") == STATUS_FINISHED]
    done.sort(key=lambda r: (r.get("run", ""), r.get("index", 0)))
    return {r["key"]: r for r in done}


@dataclass
class BatchSummary:
    """What a batch run did: inputs finished, skipped (``--resume``), failed (tasks), records
    failed (quarantined), rows written per dataset, seconds."""

    finished: int = 0
    skipped: int = 0
    failed: int = 0
    records_failed: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


@contextlib.contextmanager
def dask_client(scheduler: str, workers: int) -> Iterator[Any]:
    """A Dask client: on a new ``LocalCluster`` of ``workers`` single-threaded, non-daemonic
    worker processes for ``"local"``, else connected to the scheduler at ``scheduler``.

    Raises:
        SchedulerUnreachable: no scheduler answered at ``scheduler``.
    """
    import dask
    from distributed import Client, LocalCluster

    if scheduler != "local":
        try:
            client = Client(scheduler)  # type: ignore[no-untyped-call]  # distributed: untyped
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerUnreachable(f"no Dask scheduler answered: {str(exc)[:200]}",
                                       subject=scheduler) from exc
        with client:
            yield client
        return
    # Queued tasks go out one per worker at a time: with Dask's default (1.1) each
    # single-threaded worker holds a second task behind the one it runs, and at the end of a
    # run that task waits there while another worker is idle; tasks here run for minutes, so
    # handing the next one out when a worker is free costs nothing. (The first two tasks per
    # worker thread are given out at once, before the scheduler queues.)
    with dask.config.set({"distributed.worker.daemon": False,
                          "distributed.scheduler.worker-saturation": WORKER_SATURATION}), \
            LocalCluster(  # type: ignore[no-untyped-call]  # distributed: untyped
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                silence_logs=40) as cluster, \
            Client(cluster) as client:  # type: ignore[no-untyped-call]  # distributed: untyped
        yield client


def run_batch(paths: list[str], *, scheduler: str, workers: int, out: Path, resume: bool,
              settings: Settings, progress: bool = False,
              on_error: Callable[[str], None] | None = None,
              factory: str | None = None) -> BatchSummary:
    """Run the map step over ``paths`` on Dask and write parts and the manifest under ``out``.

    Args:
        paths: files and folders.
        scheduler: ``"local"`` or a scheduler address (``tcp://host:8786``).
        workers: worker processes of the local cluster (ignored with an address).
        out: the output folder (created).
        resume: skip inputs whose part has a ``finished`` manifest row.
        settings: resolved settings (sent to the workers).
        progress: show a progress bar over tasks (stderr).
        on_error: called with each failure line (record or task) as it comes.
        factory: another analysis pipeline factory (see :class:`PipelinePlugin`).

    Returns:
        A :class:`BatchSummary`.

    Raises:
        SettingsError: ``batch_preload_languages`` names a language without models (before
            anything is started or written).
        SchedulerUnreachable: the scheduler at ``scheduler`` did not answer.
        WorkerSetupFailed: a worker could not load the analysis pipeline (nothing was run).
    """
    from distributed import as_completed
    from tqdm import tqdm

    preload_languages(settings)  # a bad setting stops the run here, not on every worker
    say = on_error or (lambda line: None)
    started = time.perf_counter()
    run = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    summary = BatchSummary()
    done = finished_parts(out) if resume else {}
    todo: list[BatchInput] = []
    queued: set[str] = set()
    for item in expand_inputs(paths, settings):
        if isinstance(item, InputError):
            summary.failed += 1
            summary.errors.append(item.line())
            say(item.line())
        elif item.key in done:
            summary.skipped += 1
        elif item.key not in queued:  # the same file named twice is one task
            queued.add(item.key)
            todo.append(item)
    if todo:
        with dask_client(scheduler, workers) as client, \
                (out / MANIFEST).open("a", encoding="utf-8") as manifest:
            try:
                client.register_plugin(PipelinePlugin(settings, factory), name=PLUGIN_NAME)
            except WorkerSetupFailed:
                raise
            except Exception as exc:  # noqa: BLE001 - e.g. the plugin could not reach a worker
                raise WorkerSetupFailed(f"the pipeline plugin could not be registered: "
                                        f"{type(exc).__name__}: {str(exc)[:300]}",
                                        subject=scheduler) from None
            # every task is submitted now (an adaptive cluster scales on what is pending), the
            # largest input with the highest priority: the scheduler hands them out in that order
            order = dispatch_order(todo)
            futures = {
                client.submit(map_input, todo[index].path, todo[index].name, str(out), settings,
                              key=f"newswatch-{todo[index].key}", pure=False,
                              priority=len(order) - rank): (index, todo[index])
                for rank, index in enumerate(order)
            }
            bar = tqdm(total=len(futures), desc="inputs", unit="input", disable=not progress,
                       file=sys.stderr, dynamic_ncols=True)
            try:
                for future in as_completed(futures):  # type: ignore[no-untyped-call]  # untyped
                    index, item = futures[future]
                    try:
                        row = future.result()
                    except Exception as exc:  # noqa: BLE001 - a task's crash is reported as its row
                        row = asdict(ManifestRow(input=item.name, path=os.path.abspath(item.path),
                                                 key=item.key, status=STATUS_FAILED,
                                                 error=f"{type(exc).__name__}: {str(exc)[:300]}"))
                    row["run"], row["index"] = run, index
                    manifest.write(json.dumps(row, ensure_ascii=False) + "\n")
                    manifest.flush()
                    bar.update(1)
                    if row["status"] == STATUS_FINISHED:
                        summary.finished += 1
                        summary.records_failed += row["failed"]
                        for k, v in row["counts"].items():
                            summary.rows[k] = summary.rows.get(k, 0) + v
                        for line in row["failures"]:
                            bar.clear()
                            say(line)
                        if row["failed"] > len(row["failures"]):
                            say(f"{item.name}: {row['failed'] - len(row['failures'])} more failed "
                                f"records in {QUARANTINE}/part-{item.key}.jsonl")
                    else:
                        summary.failed += 1
                        line = TaskFailed(row["error"], subject=item.name).line()
                        summary.errors.append(line)
                        bar.clear()
                        say(line)
            finally:
                bar.close()
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary
