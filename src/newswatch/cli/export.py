"""``newswatch export``: a dataset of the dashboard's exports, to a file or standard output.

The same code path as the dashboard's ``GET /api/export/{dataset}.{fmt}``: the rows of
:func:`newswatch.web.queries.export.export_rows` (every item row with its source: outlet,
http(s) URL, article, revision, publication date, sentence; the analysts' corrections laid
over; rejected rows only with ``--rejected``) written by
:func:`newswatch.web.queries.export.export_chunks` (one CSV writer, every cell a
spreadsheet would run as a formula — beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return — prefixed with an apostrophe; JSON Lines; one JSON array). Datasets: those
of :data:`~newswatch.web.queries.export.EXPORT_COLUMNS` (:data:`DATASETS`). The dashboard's
filter bar is ``--since``, ``--until``, ``--country``, ``--lang``; the tracker's scope
``--place``, ``--entity``, ``--side``, ``--story`` (the tracker only, as on the dashboard).

Streaming: rows are written as they are read, a chunk at a time (never the whole export in
memory as text); a file is written beside its name and renamed into place when complete, so
a failed export leaves no half file. The item datasets (mentions, quotes, figures, events)
are read from the database :data:`~newswatch.web.queries.export.EXPORT_FETCH_ROWS` rows at a
time (a server-side cursor on PostgreSQL); the others (articles, places, plover, claims,
tracker) are read whole first, as the dashboard reads them, at most
:data:`~newswatch.web.queries.export.EXPORT_MAX_ROWS` rows (a warning says when an export
reached that cap). When standard error is a terminal a progress display there counts the
rows written. CSV to a file starts with the UTF-8 byte-order mark spreadsheet programs need
for Cyrillic text (``--no-bom`` leaves it out); CSV to standard output has none unless
``--bom``.

Read-only. Exit codes (:mod:`.common`): 0 written (possibly no rows: an empty export is an
answer); 2 usage error (an unknown dataset, a tracker option for another dataset, a bad
date, an unknown country or side); 3 the database does not exist, is at an older schema or
could not be read, or the output file could not be written.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from ..errors import NewswatchError
from .common import (
    EXIT_FAILED,
    EXIT_USAGE,
    CountryOpt,
    DbOpt,
    EntityOpt,
    LangOpt,
    PlaceOpt,
    SideOpt,
    SinceOpt,
    StoryOpt,
    UntilOpt,
    check_country_option,
    db_url,
    err,
    fail,
    open_store_readonly,
    scope_filters,
)

#: The datasets (the keys of ``web.queries.export.EXPORT_COLUMNS``, named here so that
#: ``--help`` does not import the web layer; a test keeps the two equal).
DATASETS: tuple[str, ...] = ("articles", "mentions", "quotes", "figures", "places", "events",
                             "claims", "tracker", "plover")


class ExportFormat(StrEnum):
    """Row formats of ``export`` (those of the dashboard's exports but GeoJSON)."""

    csv = "csv"
    jsonl = "jsonl"
    json = "json"


def export(
    what: Annotated[str, typer.Argument(
        help=f"The dataset: {', '.join(DATASETS)}.", metavar="WHAT")],
    db: DbOpt = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="Row format.")] = ExportFormat.csv,
    out: Annotated[str, typer.Option(
        "--out", "-o", help="Write to this file (- : standard output).")] = "-",
    since: SinceOpt = None,
    until: UntilOpt = None,
    country: CountryOpt = None,
    lang: LangOpt = None,
    place: PlaceOpt = None,
    entity: EntityOpt = None,
    side: SideOpt = None,
    story: StoryOpt = None,
    rejected: Annotated[bool, typer.Option(
        "--rejected", help="Keep the rows analysts rejected (marked in the correction column).")] = False,
    bom: Annotated[bool | None, typer.Option(
        "--bom/--no-bom", help="CSV: start with the UTF-8 byte-order mark (default: to a file "
                               "yes, to standard output no).")] = None,
) -> None:
    """Export a dataset of the dashboard's exports (CSV, JSON Lines or JSON), with every row's source."""
    if what not in DATASETS:
        fail(f"export: no dataset {what!r}; choose one of {', '.join(DATASETS)}", EXIT_USAGE)
    scoped = {"place": place, "entity": entity, "side": side, "story": story}
    if what != "tracker" and any(v is not None for v in scoped.values()):
        fail("export: --place, --entity, --side and --story are for the tracker export only",
             EXIT_USAGE)
    if not out.strip():
        fail("export: --out needs a file name (or - for standard output)", EXIT_USAGE)
    f = scope_filters(since, until, country, lang)
    check_country_option(side, "--side")
    from ..settings import value
    from ..web.queries.export import EXPORT_MAX_ROWS, export_chunks, export_rows

    to_file = out != "-"
    store = open_store_readonly(db_url(db))
    written = 0
    try:
        with store.read() as conn, _Output(out) as sink, _Progress(what) as progress:
            rows = export_rows(conn, f, what, show_rejected=rejected,
                               verifiers=int(value("web_verify_analysts_count")),
                               tracker_scope=scoped)
            counted = progress.count(rows)
            for chunk in export_chunks(what, fmt.value, counted, bom=to_file if bom is None else bom):
                sink.write(chunk)
            written = progress.rows
    except NewswatchError as exc:
        fail(exc.line())
    except BrokenPipeError:
        # the reader stopped early (`| head`): what it read is what it wanted; leave quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None
    except _OutputError as exc:
        fail(str(exc), EXIT_FAILED)
    finally:
        store.close()
    if written >= EXPORT_MAX_ROWS:
        err(f"export: warning: cut: the export stopped at {EXPORT_MAX_ROWS:,} rows; narrow it "
            "with --since/--until")
    err(f"export: {written:,} rows of {what}" + (f" to {_shown(out)}" if to_file else ""))


def _shown(path: str) -> str:
    """A file name as one printable line (:func:`newswatch.ingest.readers.shown`)."""
    from ..ingest.readers import shown

    return shown(path)


class _OutputError(Exception):
    """The output file could not be written (its message is the one line to print)."""


class _Output:
    """Where the export goes: standard output (bytes, UTF-8) or the file ``out``.

    A regular file (new or existing, also through a symbolic link, which is followed) is
    written to a fresh temporary file in the same folder (``.NAME.*.partial``, never a name
    the user may own) and renamed onto the link's target on success, removed on failure, so a
    failed export never leaves a half-written file. Anything else that already exists there
    (a device such as ``/dev/null``, a FIFO) is written to directly and never replaced; a
    folder is refused (:class:`_OutputError`).
    """

    def __init__(self, out: str) -> None:
        self.out = out
        # a link is followed: the export replaces its target, never the link itself
        self.path = None if out == "-" else Path(os.path.realpath(out))
        self.partial: Path | None = None
        self.stream: IO[bytes] | None = None

    def _fail(self, exc: OSError | str) -> _OutputError:
        why = exc if isinstance(exc, str) else (exc.strerror or str(exc))
        return _OutputError(f"{_shown(self.out)}: storage: cannot write the export: {why}")

    def __enter__(self) -> _Output:
        if self.path is None:
            self.stream = typer.get_binary_stream("stdout")
            return self
        try:
            mode = self.path.stat().st_mode
        except FileNotFoundError:
            mode = None
        except OSError as exc:
            raise self._fail(exc) from None
        if mode is not None and stat.S_ISDIR(mode):
            raise self._fail("it is a folder; give a file name")
        try:
            if mode is not None and not stat.S_ISREG(mode):  # a device or a FIFO: write through
                self.stream = self.path.open("wb")
                return self
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.",
                                       suffix=".partial")
        except OSError as exc:
            raise self._fail(exc) from None
        self.partial = Path(tmp)
        self.stream = os.fdopen(fd, "wb")
        return self

    def write(self, text: str) -> None:
        assert self.stream is not None
        try:
            self.stream.write(text.encode("utf-8"))
        except BrokenPipeError:  # the reader stopped (`| head`): nothing more to write
            raise
        except OSError as exc:
            raise self._fail(exc) from None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        if self.path is None:
            if self.stream is not None:
                with contextlib.suppress(BrokenPipeError):
                    self.stream.flush()
            return
        assert self.stream is not None
        try:
            self.stream.close()  # a full disk may show only now, when the buffer is written
        except OSError as close_exc:
            if self.partial is not None:
                self.partial.unlink(missing_ok=True)
            if kind is None:
                raise self._fail(close_exc) from None
            return
        if self.partial is None:
            return
        if kind is not None:
            self.partial.unlink(missing_ok=True)
            return
        try:
            # mkstemp makes the file private (0600); an export gets the usual permissions
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self.partial, 0o666 & ~umask)
            os.replace(self.partial, self.path)
        except OSError as rename_exc:
            self.partial.unlink(missing_ok=True)
            raise self._fail(rename_exc) from None


class _Progress:
    """Rows written so far; shown on standard error (a rich progress display, cleared at
    the end) only when standard error is a terminal."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.rows = 0
        self._live: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._live = Progress(TextColumn("export {task.description}"), BarColumn(),
                                  TextColumn("{task.completed:,} rows"), TimeElapsedColumn(),
                                  console=Console(stderr=True), transient=True)
            self._live.start()
            self._task = self._live.add_task(self.what, total=None)
        return self

    def count(self, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """``rows`` passed through, counted (and shown)."""
        for row in rows:
            self.rows += 1
            if self._live is not None and self.rows % 100 == 0:
                self._live.update(self._task, completed=self.rows)
            yield row

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.stop()
