"""Command line: a thin edge over the library (parse, call, choose the exit code).

Exit codes (also in ``newswatch --help`` and the README):

* 0 — everything given was processed;
* 1 — some inputs failed (each failure was printed as one line on stderr), the rest went on;
* 2 — usage error (bad option or argument; printed by the argument parser);
* 3 — nothing could be processed: every input failed, no input was found, or the database
  could not be opened.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from dataclasses import dataclass
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError, NewswatchError
from ..model import Article

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3
DEFAULT_DB = "newswatch.sqlite"

app = typer.Typer(
    help=(
        "newswatch: read news into a sourced, dated, geocoded situation record.\n\n"
        "Exit codes: 0 ok; 1 some inputs failed (one line each on stderr); 2 usage error; "
        "3 nothing processed (all inputs failed, none found, or the database could not be opened)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"newswatch {version('newswatch')}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """newswatch: read news into a sourced, dated, geocoded situation record."""


class Format(str, Enum):
    """Output formats shared by every command."""

    text = "text"
    json = "json"


def _check_language(value: str | None) -> str | None:
    from ..stages.nlp import SUPPORTED

    if value is not None and value not in SUPPORTED:
        raise typer.BadParameter(f"{value!r} is not supported; use one of: {', '.join(SUPPORTED)}",
                                 param_hint="--language")
    return value


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


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
FormatOpt = Annotated[Format, typer.Option("--format", help="Output format.")]
DbOpt = Annotated[
    str | None,
    typer.Option("--db", help=f"Database: a SQLite file path or an SQLAlchemy URL (env NEWSWATCH_DB; default ./{DEFAULT_DB})."),
]
ProgressOpt = Annotated[
    bool | None, typer.Option("--progress/--no-progress", help="Show a progress bar (default: when stderr is a terminal)."),
]


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input recognised as already stored (same article id, same text); not analysed."""

    article: Article


def db_url(db: str | None) -> str:
    """Turn ``--db`` (a path or a URL) or ``$NEWSWATCH_DB`` into an SQLAlchemy URL."""
    value = db or os.environ.get("NEWSWATCH_DB") or DEFAULT_DB
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def _err(line: str) -> None:
    typer.echo(line, err=True)


def _articles(paths: list[str], published: str | None, source: str | None, language: str | None,
              progress: bool | None, counts: dict[str, int],
              skip: Callable[[Article], bool] | None = None) -> Iterator[Article | InputError | Skipped]:
    """Read and analyse inputs; yields analysed Articles and InputErrors (printed as one line).

    ``skip(article)`` is asked after extraction and before analysis; a True answer yields a
    :class:`Skipped` instead — ingest uses it for content already stored. Articles go through
    :meth:`~newswatch.pipeline.Pipeline.pipe` (spaCy analyses them in batches); everything
    is yielded in input order, so an error or a skip waits for the batch before it. A
    duplicate inside one batch is analysed twice and stored once (the store sees it unchanged).
    """
    from collections import deque

    from tqdm import tqdm

    from ..pipeline import default_pipeline
    from ..ingest.readers import read_inputs

    pipeline = default_pipeline(on_error="record")
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(desc="articles", unit="art", disable=not show, file=sys.stderr, dynamic_ncols=True)
    pending: deque[Article | InputError | Skipped] = deque()  # input order, not yet yielded

    def to_analyse() -> Iterator[Article]:
        items = read_inputs(paths, published=_parse_date(published), source=source,
                            language=_check_language(language))
        for item in items:
            bar.update(1)
            if isinstance(item, InputError):
                pending.append(item)
            elif skip is not None and skip(item):
                pending.append(Skipped(item))
            else:
                pending.append(item)
                yield item

    def release(upto: Article | None) -> Iterator[Article | InputError | Skipped]:
        """Yield the pending items up to and including ``upto`` (all of them for None)."""
        while pending:
            x = pending.popleft()
            if isinstance(x, InputError):
                counts["failed"] += 1
                bar.clear()
                _err(x.line())
            elif isinstance(x, Article):
                for e in x.errors:
                    bar.clear()
                    _err(f"{x.origin}: warning: stage {e.stage} failed ({e.code}): {e.message}")
            yield x
            if x is upto:
                return

    try:
        for article in pipeline.pipe(to_analyse()):
            yield from release(article)
        yield from release(None)
    finally:
        bar.close()


@app.command()
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
    raise typer.Exit(_exit_code(counts["ok"], counts["failed"]))


def _exit_code(ok: int, failed: int) -> int:
    if not ok and not failed:
        _err("no inputs found: the paths given hold no readable files (hidden files are skipped)")
        return EXIT_FAILED
    if failed and not ok:
        return EXIT_FAILED
    return EXIT_PARTIAL if failed else EXIT_OK


@app.command()
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
    stored as a new revision.
    """
    from ..storage import Store

    try:
        store = Store.open(db_url(db))
    except NewswatchError as exc:
        _err(exc.line())
        raise typer.Exit(EXIT_FAILED) from None
    counts = {"ok": 0, "failed": 0}
    summary = {"new": 0, "revised": 0, "unchanged": 0, "failed": 0, "warnings": 0}
    try:
        unchanged = lambda a: store.find_unchanged(a) is not None  # noqa: E731
        for item in _articles(paths, published, source, language, progress, counts, skip=unchanged):
            if isinstance(item, InputError):
                summary["failed"] += 1
                store.record_failure(item.subject or "?", item.code, item.message)
                continue
            if isinstance(item, Skipped):
                counts["ok"] += 1
                summary["unchanged"] += 1
                continue
            try:
                result = store.save(item)
            except NewswatchError as exc:
                summary["failed"] += 1
                counts["failed"] += 1
                _err(f"{item.origin}: {exc.code}: {exc.message}")
                continue
            counts["ok"] += 1
            summary[result.status] += 1
            summary["warnings"] += len(item.errors)
    finally:
        store.close()
    if fmt is Format.json:
        typer.echo(json.dumps(summary))
    else:
        typer.echo(
            f"ingested {summary['new']} new, {summary['revised']} revised, "
            f"{summary['unchanged']} unchanged, {summary['failed']} failed"
            + (f" ({summary['warnings']} stage warnings)" if summary["warnings"] else "")
            + f" -> {db_url(db)}"
        )
    raise typer.Exit(_exit_code(counts["ok"], counts["failed"]))


@app.command()
def report(
    db: DbOpt = None,
    fmt: FormatOpt = Format.text,
    since: Annotated[str | None, typer.Option(help="Only articles published on or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Only articles published on or before YYYY-MM-DD.")] = None,
    country: Annotated[str | None, typer.Option(help="Only articles and places of this country (ISO 3166-1 alpha-2, alpha-3 or name).")] = None,
    limit: Annotated[int, typer.Option(help="Rows per section in text output.", min=1)] = 15,
) -> None:
    """Print the situation report: actors, places by country, figures with sources, timeline."""
    from rich.console import Console

    from ..report import build_report, render_report
    from ..storage import Store

    url = db_url(db)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        _err(f"{url}: not-found: no database here; run `newswatch ingest PATH` first or pass --db")
        raise typer.Exit(EXIT_FAILED)
    try:
        store = Store.open(url)
    except NewswatchError as exc:
        _err(exc.line())
        raise typer.Exit(EXIT_FAILED) from None
    try:
        data = build_report(store, since=_parse_date(since), until=_parse_date(until), country=country)
    except NewswatchError as exc:
        _err(exc.line())
        raise typer.Exit(EXIT_FAILED) from None
    finally:
        store.close()
    if fmt is Format.json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1, default=str))
    else:
        render_report(data, Console(), limit=limit)


def _register_edges() -> None:
    """Commands whose modules live at the other edges (evaluation, web, situation model).

    Each module imports its heavy dependencies inside the command body, so ``--help`` stays fast.
    """
    from .claims import claims
    from .evaluate import eval_command
    from .web import register as register_web

    app.command("claims")(claims)
    app.command("eval")(eval_command)
    register_web(app)


_register_edges()


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
