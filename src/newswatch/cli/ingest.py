"""``newswatch extract`` and ``newswatch ingest``: read inputs, analyse them, print or store them.

Exit codes (:mod:`.common`): 0 every input processed; 1 some failed (one line each on stderr);
2 usage error; 3 nothing processed (every input failed, none found, or the database could not
be opened).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import typer

from ..errors import DatabaseUnavailable, InputError, NewswatchError, StorageError
from ..model import Article
from .common import (
    DbOpt,
    Format,
    FormatOpt,
    db_url,
    err,
    exit_code,
    fail,
    open_store,
    parse_date,
)


def _check_language(value: str | None) -> str | None:
    from ..stages.nlp import SUPPORTED

    if value is not None and value not in SUPPORTED:
        raise typer.BadParameter(f"{value!r} is not supported; use one of: {', '.join(SUPPORTED)}",
                                 param_hint="--language")
    return value


PathsArg = Annotated[
    list[str],
    typer.Argument(help="Files, directories (recursive), JSON Lines, RSS/Atom feeds, URLs, or - for stdin."),
]
PublishedOpt = Annotated[
    str | None,
    typer.Option("--published", help="Publication date YYYY-MM-DD; supplies or overrides the page's own."),
]
SourceOpt = Annotated[str | None, typer.Option("--source", help="Outlet name to record as the source.")]
LanguageOpt = Annotated[
    str | None, typer.Option("--language", help="Force the language (ISO 639-1: en, ru) instead of detecting it."),
]
ProgressOpt = Annotated[
    bool | None,
    typer.Option("--progress/--no-progress", help="Show a progress bar (default: when stderr is a terminal)."),
]


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input recognised as already stored (same article id, same text); not analysed."""

    article: Article


def _articles(paths: list[str], published: str | None, source: str | None, language: str | None,
              progress: bool | None, counts: dict[str, int],
              skip: Callable[[Article], bool] | None = None,
              problems: list[dict[str, str]] | None = None) -> Iterator[Article | InputError | Skipped]:
    """Read and analyse inputs; yields analysed Articles and InputErrors (printed as one line).

    ``skip(article)`` is asked after extraction and before analysis; a True answer yields a
    :class:`Skipped` instead — ingest uses it for content already stored. ``problems``, when
    given, receives each failure and warning line as a dict too (see :func:`_problem`).
    """
    from tqdm import tqdm

    from ..ingest.budget import analyse_stream, analyser
    from ..ingest.readers import read_inputs
    from ..settings import load as load_settings

    settings = load_settings()
    analyse = analyser(settings)  # a worker under the time/memory budget (ingest/budget.py)
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(desc="articles", unit="art", disable=not show, file=sys.stderr, dynamic_ncols=True)

    def to_analyse() -> Iterator[Article | InputError | Skipped]:
        """Inputs as read; Articles (not already stored) go on to analysis."""
        items = read_inputs(paths, published=parse_date(published), source=source,
                            language=_check_language(language), settings=settings)
        for item in items:
            if isinstance(item, Article) and skip is not None and skip(item):
                yield Skipped(item)
            else:
                yield item

    try:
        # analysis streams ahead in the worker while the caller stores what came back
        for article in analyse_stream(analyse, to_analyse()):
            bar.update(1)
            if isinstance(article, Skipped):
                yield article
                continue
            if isinstance(article, InputError):  # unreadable, or over budget: not stored
                counts["failed"] += 1
                bar.clear()
                err(article.line())
                if problems is not None:
                    problems.append(_problem("failure", article.subject or "?", article.code,
                                             article.message))
                yield article
                continue
            for e in article.errors:
                bar.clear()
                if e.stage == "ingest":  # a reader's warning (bad-date, text-cut): one line
                    err(f"{article.origin}: warning: {e.code}: {e.message}")
                else:
                    err(f"{article.origin}: warning: stage {e.stage} failed ({e.code}): "
                        f"{e.message}")
                if problems is not None:
                    problems.append(_problem("warning", article.origin, e.code, e.message,
                                             None if e.stage == "ingest" else e.stage))
            yield article
    finally:
        bar.close()


def _problem(kind: str, subject: str, code: str, message: str,
             stage: str | None = None) -> dict[str, str]:
    """One failure or warning line as ``ingest --format json`` reports it: ``kind``
    ("failure": not stored; "warning": stored), ``subject`` (the input as the stderr line names
    it: a path or URL, ``file.jsonl:LINE`` for a JSON Lines line, ``feed.xml#N`` or
    ``archive.warc#N`` for a feed entry or WARC record), ``code`` (a reason code), ``message``,
    and ``stage`` for a warning from an analysis stage."""
    out = {"kind": kind, "subject": subject, "code": code, "message": message}
    if stage is not None:
        out["stage"] = stage
    return out


def extract(
    paths: PathsArg,
    published: PublishedOpt = None,
    source: SourceOpt = None,
    language: LanguageOpt = None,
    fmt: FormatOpt = Format.json,
    progress: ProgressOpt = False,
) -> None:
    """Analyse inputs without a database; print one JSON object per article (JSON Lines)."""
    from ..serialize import dumps

    counts = {"ok": 0, "failed": 0}
    for item in _articles(paths, published, source, language, progress, counts):
        if not isinstance(item, Article):
            continue
        counts["ok"] += 1
        if fmt is Format.json:
            sys.stdout.write(dumps(item) + "\n")
        else:
            typer.echo(
                f"{item.id}\t{item.language}\t{item.published or '-'}\t{item.title or '-'}\t"
                f"{len(item.entities)} entities, {len(item.quotes)} quotes, {len(item.figures)} figures, "
                f"{len(item.timexes)} timexes, {len(item.places)} places"
            )
        sys.stdout.flush()
    raise typer.Exit(exit_code(counts["ok"], counts["failed"]))


def ingest(
    paths: PathsArg,
    db: DbOpt = None,
    published: PublishedOpt = None,
    source: SourceOpt = None,
    language: LanguageOpt = None,
    fmt: FormatOpt = Format.text,
    progress: ProgressOpt = None,
) -> None:
    """Analyse inputs and store them; ends with a summary (new / revised / unchanged / failed).

    Content already stored with the same text is recognised before analysis and skipped
    (re-ingesting is idempotent and cheap); changed text for the same article id or URL is
    stored as a new revision. Analysed articles are written in batches of ``save_batch_count``
    (one transaction each, every article in its own savepoint: ``Store.save_many``).
    """
    import gc

    from ..ingest.budget import heap_settled
    from ..settings import load as load_settings

    settings = load_settings()
    batch_count = max(1, int(settings["save_batch_count"]))
    batch_seconds = float(settings["save_batch_seconds"])
    # What opening the store imports and builds (the storage modules, SQLAlchemy's metadata,
    # a fresh file's migrations) lives as long as the loop: collecting while it loads would
    # only walk it again (two full collections, about 0.07 CPU s over a fresh file), so the
    # collector waits for heap_settled, whose collection frees the load's own garbage cycles.
    collecting = gc.isenabled()
    gc.disable()
    try:
        store = open_store(db_url(db))
    finally:
        if collecting:
            gc.enable()
    counts = {"ok": 0, "failed": 0}
    summary: dict[str, Any] = {"new": 0, "revised": 0, "unchanged": 0, "failed": 0,
                               "warnings": 0, "replaced": 0}
    problems: list[dict[str, str]] | None = [] if fmt is Format.json else None
    try:
        with heap_settled():  # what is loaded by now lives as long as the loop (ingest/budget.py)
            _ingest_items(paths, published, source, language, progress, counts, summary, store,
                          batch_count, batch_seconds, problems)
    except StorageError as exc:  # the database refuses writes (locked, read-only...): stop
        fail(f"{_hidden(db_url(db))}: {exc.code}: {exc.message} (nothing more is stored; "
             "run again when the database is free)")
    finally:
        store.close()
    if problems is not None:
        summary["problems"] = problems
    _summary(summary, fmt, db)
    raise typer.Exit(exit_code(counts["ok"], counts["failed"]))


def _hidden(url: str) -> str:
    """``url`` with any password hidden."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL SQLAlchemy cannot parse is shown as given
        return url


def _ingest_items(paths: list[str], published: str | None, source: str | None,
                  language: str | None, progress: bool | None, counts: dict[str, int],
                  summary: dict[str, Any], store: Any, batch_count: int,
                  batch_seconds: float, problems: list[dict[str, str]] | None = None) -> None:
    """The ingest loop: analyse, store in batches, count; raises StorageError when the
    database refuses writes as a whole (:class:`~newswatch.errors.DatabaseUnavailable`, or
    a failure that cannot even be logged)."""
    import time

    pending: list[Article] = []
    oldest = 0.0

    def unchanged(article: Article) -> bool:
        return store.find_unchanged(article) is not None

    def flush() -> None:
        """Write the analysed articles waiting in ``pending`` (one transaction, see
        :meth:`Store.save_many`) and count what happened to each."""
        for item, result in zip(pending, store.save_many(pending), strict=True):
            if isinstance(result, DatabaseUnavailable):
                raise result
            if isinstance(result, NewswatchError):
                summary["failed"] += 1
                counts["failed"] += 1
                err(f"{item.origin}: {result.code}: {result.message}")
                if problems is not None:
                    problems.append(_problem("failure", item.origin, result.code, result.message))
                with contextlib.suppress(NewswatchError):  # logged where the database allows
                    store.record_failure(item.origin or item.id, result.code, result.message)
                continue
            counts["ok"] += 1
            summary[result.status] += 1
            summary["warnings"] += len(item.errors)
        pending.clear()

    for item in _articles(paths, published, source, language, progress, counts, skip=unchanged,
                          problems=problems):
        if isinstance(item, InputError):
            summary["failed"] += 1
            store.record_failure(item.subject or "?", item.code, item.message)
        elif isinstance(item, Skipped):
            counts["ok"] += 1
            summary["unchanged"] += 1
            summary["replaced"] += len(item.article.meta.get("replaces_lines", ()))
        else:
            summary["replaced"] += len(item.meta.get("replaces_lines", ()))
            if not pending:
                oldest = time.monotonic()
            pending.append(item)
        if pending and (len(pending) >= batch_count or time.monotonic() - oldest >= batch_seconds):
            flush()
    flush()
    if summary["new"] or summary["revised"]:
        try:  # the cross-article threads pass, after every article is saved
            store.rebuild_threads()
        except NewswatchError as exc:
            err(f"threads: {exc.code}: {exc.message}")


def _summary(summary: dict[str, Any], fmt: Format, db: str | None) -> None:
    if fmt is Format.json:
        typer.echo(json.dumps(summary))
    else:
        typer.echo(
            f"ingested {summary['new']} new, {summary['revised']} revised, "
            f"{summary['unchanged']} unchanged, {summary['failed']} failed"
            + (f" ({summary['warnings']} stage warnings)" if summary["warnings"] else "")
            + (f" ({summary['replaced']} earlier records replaced by a later one with the same id "
               "or URL)" if summary["replaced"] else "")
            + f" -> {db_url(db)}"
        )
