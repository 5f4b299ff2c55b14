"""Command line: a thin edge over the library (parse, call, choose the exit code).

The package, one module per group of commands, each importing only :mod:`.common` (exit
codes, ``--db``, ``--format``, opening the store); this module builds the ``app`` and registers
their commands (no import circle):

* :mod:`.ingest` — ``extract``, ``ingest`` (read, analyse, print or store);
* :mod:`.report` — ``report`` (read-only);
* :mod:`.claims` — ``claims`` (read-only);
* :mod:`.search` — ``search`` (read-only: the dashboard's full-text search);
* :mod:`.export` — ``export`` (read-only: the dashboard's exports, to a file or stdout);
* :mod:`.evaluate` — ``eval``;
* :mod:`.web` — ``serve`` (read-only schema: never migrates), ``user add``;
* :mod:`.migrate` — ``migrate`` (bring a database to the newest schema);
* :mod:`.watch` — ``source``, ``rule``, ``watch`` (follow feeds, alert on saved rules);
* :mod:`.scale` — ``batch`` (the analysis on a Dask cluster, Parquet parts out), ``load``
  (parts into a database, then the cross-article pass).

Exit codes (also in ``newswatch --help`` and the README):

* 0 — everything given was processed;
* 1 — some inputs failed (each failure was printed as one line on stderr), the rest went on;
* 2 — usage error (bad option or argument; printed by the argument parser);
* 3 — nothing could be processed: every input failed, no input was found, or the database
  could not be opened (missing, unreachable, or at an older schema for a read-only command).
"""

from __future__ import annotations

from typing import Annotated

import typer

from .claims import claims
from .common import (
    DEFAULT_DB,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    Format,
    db_url,
)
from .evaluate import eval_command
from .export import export
from .ingest import Skipped, extract, ingest
from .migrate import migrate
from .report import report
from .scale import batch, load
from .search import search
from .stories import stories
from .watch import register as register_watch
from .web import register as register_web

__all__ = [
    "DEFAULT_DB", "EXIT_FAILED", "EXIT_OK", "EXIT_PARTIAL", "EXIT_USAGE", "Format", "Skipped",
    "app", "db_url", "main",
]

app = typer.Typer(
    help=(
        "newswatch: read news into a sourced, dated, geocoded situation record.\n\n"
        "Exit codes: 0 ok (also a search or list that finds nothing); 1 some inputs failed "
        "(one line each on stderr); 2 usage error; "
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


# Each command module imports its heavy dependencies inside the command body, so ``--help``
# stays fast.
app.command("extract")(extract)
app.command("ingest")(ingest)
app.command("report")(report)
app.command("claims")(claims)
app.command("search")(search)
app.command("export")(export)
app.command("stories")(stories)
app.command("eval")(eval_command)
register_web(app)
app.command("migrate")(migrate)
app.command("batch")(batch)
app.command("load")(load)
register_watch(app)


def main() -> None:
    """Console-script entry point.

    Standard output that cannot be written (a full disk, ``> /dev/full``) ends the command
    with one line and exit 3 (reason code ``storage``), never a traceback; a reader that
    stopped early (``| head``) ends it quietly with the command's own exit code.
    """
    import os
    import sys

    failed = False
    try:
        app()
    except SystemExit as done:
        code = done.code
    except BrokenPipeError:
        code, failed = EXIT_OK, True
    except OSError as exc:
        if exc.filename is not None:  # a file's own error is its command's to report
            raise
        code, failed = _output_failed(exc), True
    if not failed:
        try:
            sys.stdout.flush()  # what is still buffered may fail only now
        except BrokenPipeError:
            failed = True
        except OSError as exc:
            code, failed = _output_failed(exc), True
    if failed:
        # nothing more can reach this output: point it at the null device, so the
        # interpreter's own flush at exit has nothing left to fail on
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(code)


def _output_failed(exc: OSError) -> int:
    """Say that standard output could not be written (one line); the exit code for it."""
    from .common import err

    err(f"<stdout>: storage: cannot write the output: {exc.strerror or exc}")
    return EXIT_FAILED


if __name__ == "__main__":
    main()
