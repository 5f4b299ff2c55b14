"""What every command shares: exit codes, the ``--db`` and ``--format`` options, opening the store.

Command modules (:mod:`.ingest`, :mod:`.report`, :mod:`.claims`, :mod:`.web`, :mod:`.evaluate`,
:mod:`.migrate`) import only this module; :mod:`newswatch.cli` imports them and registers their
commands, so there is no import circle.

Exit codes (also in ``newswatch --help`` and the README):

* :data:`EXIT_OK` 0 — everything given was processed;
* :data:`EXIT_PARTIAL` 1 — some inputs failed (each failure was printed as one line on
  stderr), the rest went on;
* :data:`EXIT_USAGE` 2 — usage error (bad option or argument; printed by the argument parser);
* :data:`EXIT_FAILED` 3 — nothing could be processed: every input failed, no input was found,
  or the database could not be opened (missing, unreachable, or at an older schema for a
  read-only command).

Opening the store: commands that write (``ingest``, ``user add``, ``migrate``) use
:func:`open_store`, which migrates the schema to the newest version. Read-only commands
(``report``, ``claims``, ``search``, ``export``, ``serve``) use :func:`open_store_readonly`, which never creates a
database and never migrates one: a database at an older schema is refused with a message
naming ``newswatch migrate``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from ..errors import NewswatchError

if TYPE_CHECKING:
    from ..read.scope import Filters
    from ..storage import Store

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3
#: The database used when neither ``--db`` nor ``$NEWSWATCH_DB`` names one (the ``db`` setting).
DEFAULT_DB = "newswatch.sqlite"


class Format(StrEnum):
    """Output formats shared by every command."""

    text = "text"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", help="Output format.")]
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=f"Database: a SQLite file path or an SQLAlchemy URL (env NEWSWATCH_DB; default ./{DEFAULT_DB}).",
    ),
]


class Lang(StrEnum):
    """Languages an article filter takes (the pipeline's languages)."""

    en = "en"
    ru = "ru"


#: The article filter of ``search`` and ``export`` (the dashboard's filter bar:
#: :func:`scope_filters`).
SinceOpt = Annotated[str | None, typer.Option(
    "--since", help="Only articles published on or after YYYY-MM-DD.")]
UntilOpt = Annotated[str | None, typer.Option(
    "--until", help="Only articles published on or before YYYY-MM-DD.")]
CountryOpt = Annotated[str | None, typer.Option(
    "--country", help="Only articles about this country (ISO 3166-1 alpha-2, alpha-3 or name).")]
LangOpt = Annotated[Lang | None, typer.Option("--lang", help="Only articles in this language.")]

def _not_blank(value: str | None) -> str | None:
    """A scope option given as an empty or blank text is a usage error (exit 2): silently
    reading it as "no filter" would answer a question that was not asked."""
    if value is not None and not value.strip():
        raise typer.BadParameter("must not be empty")
    return value


#: The casualty tracker's scope (``claims --tracker``, ``export tracker``;
#: :func:`newswatch.read.tracker.tracker`).
PlaceOpt = Annotated[str | None, typer.Option(
    "--place", callback=_not_blank, help="Tracker: only articles mentioning this place (its name in any language or "
                    "spelling, or geonames:ID).")]
EntityOpt = Annotated[str | None, typer.Option(
    "--entity", callback=_not_blank,
    help="Tracker: only articles mentioning this actor or organisation (any language).")]
SideOpt = Annotated[str | None, typer.Option(
    "--side", callback=_not_blank, help="Tracker: only this side's casualties (ISO 3166-1 code or country name).")]
StoryOpt = Annotated[str | None, typer.Option(
    "--story", callback=_not_blank, help="Tracker: only the articles of this story thread (its id).")]


def scope_filters(since: str | None, until: str | None, country: str | None = None,
                  lang: Lang | None = None) -> Filters:
    """The read layer's filter (:func:`newswatch.read.scope.make_filters`) of the shared
    filter options; a bad date, a reversed range or an unknown country ends the command with
    its one line and :data:`EXIT_USAGE`."""
    from ..read.scope import make_filters

    first, last = parse_date_range(since, until)
    check_country_option(country, "--country")
    return make_filters(first, last, country, lang.value if lang is not None else None)


def err(line: str) -> None:
    """Print one line on stderr."""
    typer.echo(line, err=True)


def fail(line: str, code: int = EXIT_FAILED) -> NoReturn:
    """Print one line on stderr and end the command with ``code``."""
    err(line)
    raise typer.Exit(code)


def check_country_option(value: str | None, option: str) -> None:
    """Check a country option (an ISO 3166-1 code or English name; None passes): an unknown
    one ends the command with its one line and :data:`EXIT_USAGE`, as any bad option value."""
    if value is None:
        return
    from ..read.scope import lookup_country

    try:
        lookup_country(value, option)
    except NewswatchError as exc:
        fail(exc.line(), EXIT_USAGE)


def db_url(db: str | None) -> str:
    """Turn ``--db`` (a path or a URL), else the ``db`` setting (``$NEWSWATCH_DB``, default
    ``./newswatch.sqlite``), into an SQLAlchemy URL (a path becomes ``sqlite:///<absolute path>``)."""
    from ..settings import value

    chosen = db or value("db") or DEFAULT_DB
    if "://" in chosen:
        return chosen
    return "sqlite:///" + str(Path(chosen).expanduser().resolve())


def parse_date(value: str | None) -> dt.date | None:
    """An ISO date option (``YYYY-MM-DD``) or None.

    Raises:
        typer.BadParameter: not an ISO date (exit code 2).
    """
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


def parse_date_range(since: str | None, until: str | None) -> tuple[dt.date | None, dt.date | None]:
    """``--since`` / ``--until`` as dates (either may be absent), first not after last.

    Raises:
        typer.BadParameter: not an ISO date, or ``--since`` after ``--until`` (exit code 2).
    """
    first, last = parse_date(since), parse_date(until)
    if first is not None and last is not None and first > last:
        raise typer.BadParameter(f"--since {first} is after --until {last}")
    return first, last


def exit_code(ok: int, failed: int) -> int:
    """The exit code of a batch: 0 all ok, 1 some failed, 3 all failed or nothing found
    (the last case prints why)."""
    if not ok and not failed:
        err("no inputs found: the paths given hold no readable files (hidden files are skipped)")
        return EXIT_FAILED
    if failed and not ok:
        return EXIT_FAILED
    return EXIT_PARTIAL if failed else EXIT_OK


def require_database(url: str) -> None:
    """End with exit 3 and "no database here" when ``url`` is a SQLite file that does not exist."""
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        fail(f"{url}: not-found: no database here; run `newswatch ingest PATH --db FILE` first "
             "or pass --db")


def open_store(url: str) -> Store:
    """Open (creating and migrating as needed) the store of a command that writes.

    Ends the command with exit 3 and the error's one line when it cannot be opened.
    """
    from ..storage import Store

    try:
        return Store.open(url)
    except NewswatchError as exc:
        fail(exc.line())


def _first_line(exc: BaseException) -> str:
    """A driver error as one line: SQLAlchemy appends the statement and a help link on lines
    of their own ("file is not a database", not its ``[SQL: PRAGMA ...]``)."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def open_store_readonly(url: str) -> Store:
    """Open an existing store for a read-only command, without creating or migrating it.

    The schema revision is read first over a plain connection (no connection settings: on
    SQLite the store's engine switches a file to WAL mode, itself a write), and only a
    database at the newest schema is opened as a :class:`~newswatch.storage.Store` — a store
    written by newswatch is in WAL mode already, so opening it changes nothing.

    Ends the command with exit 3 and one line on stderr when the database does not exist
    ("no database here"), cannot be opened, or is not at the newest schema (the line says
    to run ``newswatch migrate --db ...`` or ``newswatch ingest``).
    """
    import sqlalchemy as sa

    from ..storage import Store
    from ..storage.migrate import current_revisions, head_revisions

    require_database(url)
    try:
        probe = sa.create_engine(url, poolclass=sa.pool.NullPool)
    except Exception as exc:  # noqa: BLE001 - a malformed URL or a missing driver, one line
        fail(f"{url}: storage: not a database URL: {_first_line(exc)}")
    try:
        with probe.connect() as conn:
            current = set(current_revisions(conn))
    except Exception as exc:  # noqa: BLE001 - any driver error is "cannot be read", one line
        fail(f"{url}: storage: cannot read the database: {_first_line(exc)}")
    finally:
        probe.dispose()
    heads = set(head_revisions())
    if current != heads:
        shown = ", ".join(sorted(current)) or "none"
        fail(f"{url}: outdated-schema: the database schema is at revision {shown}, this newswatch "
             f"reads {', '.join(sorted(heads))}; run `newswatch migrate --db {url}` (or "
             "`newswatch ingest`, which migrates) first")
    try:
        return Store.open(url, migrate=False)
    except NewswatchError as exc:
        fail(exc.line())
