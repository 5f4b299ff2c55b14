"""Database engines for the store: SQLite (default) and PostgreSQL, configured alike.

SQLite is set up the way a single-writer, many-reader store needs it (see the SQLite
documentation on WAL, https://www.sqlite.org/wal.html, and SQLAlchemy's "Enabling
Non-Legacy SQLite Transactional Modes"): the ``sqlite3`` driver's own transaction handling
is switched off and SQLAlchemy emits ``BEGIN`` itself, so DDL and DML run inside real
transactions; writers start with ``BEGIN IMMEDIATE`` so that two writers queue on the busy
timeout instead of failing when a read lock cannot be upgraded.

PostgreSQL goes through psycopg 3; writers serialise on transaction-scoped advisory locks.
"""

from __future__ import annotations

import functools
import json
import operator
import re
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, CursorResult, Engine
from sqlalchemy.engine.url import URL, make_url

from ..errors import StorageError

#: How long a SQLite writer waits for another writer's lock before failing, in seconds.
#: Chosen well above the measured time of one save (a few ms for a 200-mention article, see
#: the storage report) so that parallel ingest processes queue instead of failing.
#: The default of the ``db_busy_timeout_seconds`` setting (:func:`busy_timeout_seconds`).
SQLITE_BUSY_TIMEOUT_S = 30.0


def busy_timeout_seconds() -> float:
    """The ``db_busy_timeout_seconds`` setting (``$NEWSWATCH_DB_BUSY_TIMEOUT_SECONDS``), else
    :data:`SQLITE_BUSY_TIMEOUT_S`; never negative."""
    from ..settings import SettingsError, value

    try:
        return max(0.0, float(value("db_busy_timeout_seconds")))
    except (SettingsError, TypeError, ValueError):
        return SQLITE_BUSY_TIMEOUT_S
#: ``PRAGMA synchronous`` for SQLite. FULL syncs the WAL on every commit, so a committed
#: article survives a power cut, at ~1 ms per save on local disks.
SQLITE_SYNCHRONOUS = "FULL"
#: Pooled read-only SQLite connections kept, and how many more a burst may open (the web
#: server runs its routes on up to 40 worker threads).
READ_POOL_SIZE = 16
READ_POOL_OVERFLOW = 32
#: Execution option naming the SQLite ``BEGIN`` mode for a connection.
SQLITE_BEGIN_OPTION = "newswatch_sqlite_begin"


def normalise_url(url: str | URL) -> URL:
    """Parse a database URL; a bare ``postgresql://`` URL is given the psycopg 3 driver.

    Args:
        url: e.g. ``sqlite:///newswatch.sqlite``, ``sqlite://`` (in memory) or
            ``postgresql+psycopg://user@host:5432/db``.

    Returns:
        The parsed URL.

    Raises:
        sqlalchemy.exc.ArgumentError: the string is not a database URL.
    """
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _json_dumps(value: Any) -> str:
    # ``default=str`` keeps a stray date or Path in Article.meta from aborting a save; such
    # values come back as strings.
    return json.dumps(value, ensure_ascii=False, default=str)


def make_engine(url: str | URL, *, echo: bool = False, read_only: bool = False,
                busy_timeout_s: float | None = None) -> Engine:
    """Create an engine for ``url`` with the store's connection settings.

    SQLite connections get ``journal_mode=WAL`` (files only), ``foreign_keys=ON``,
    ``busy_timeout`` (:func:`busy_timeout_seconds`) and ``synchronous``
    (:data:`SQLITE_SYNCHRONOUS`).

    Args:
        url: database URL (see :func:`normalise_url`).
        echo: log SQL statements (SQLAlchemy's ``echo``).
        read_only: connections refuse every write: a SQLite file is opened with
            ``mode=ro`` and ``PRAGMA query_only``; PostgreSQL sessions get
            ``default_transaction_read_only``. An in-memory SQLite database cannot be shared
            with a second engine and is refused (``ValueError``).
        busy_timeout_s: SQLite's busy timeout in seconds instead of the setting (what is
            left of the setting's wait when ``Store.open`` tries again).

    Returns:
        A SQLAlchemy engine. Nothing is connected yet.
    """
    parsed = normalise_url(url)
    busy_s = busy_timeout_seconds() if busy_timeout_s is None else max(0.0, busy_timeout_s)
    if parsed.get_backend_name() == "sqlite":
        in_memory = parsed.database in (None, "", ":memory:")
        if read_only:
            if in_memory:
                raise ValueError("an in-memory SQLite database has no read-only twin")
            path = Path(str(parsed.database)).expanduser().resolve()
            parsed = parsed.set(database=f"file:{path}", query={"mode": "ro", "uri": "true"})
        # Readers of a file are cheap: enough pooled connections for a server's worker
        # threads, so a burst of requests does not queue on the pool.
        pool = {"pool_size": READ_POOL_SIZE, "max_overflow": READ_POOL_OVERFLOW} if read_only else {}
        engine = sa.create_engine(
            parsed,
            echo=echo,
            json_serializer=_json_dumps,
            connect_args={"timeout": busy_s},
            **pool,
        )
        _configure_sqlite(engine, in_memory=in_memory, read_only=read_only,
                          busy_ms=int(busy_s * 1000))
        return engine
    connect_args = {}
    if read_only:
        # Added to the URL's own ``options`` (a search_path, say), which this would replace.
        given = parsed.query.get("options")
        given = " ".join(given) if isinstance(given, tuple) else given
        connect_args["options"] = " ".join(filter(None, (given, "-c default_transaction_read_only=on")))
    return sa.create_engine(parsed, echo=echo, json_serializer=_json_dumps, pool_pre_ping=True,
                            connect_args=connect_args)


def _configure_sqlite(engine: Engine, *, in_memory: bool, read_only: bool, busy_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" hook below emit BEGIN instead of the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        if read_only:
            # The journal mode is the file's (set by writers); a reader only refuses writes.
            cursor.execute("PRAGMA query_only = ON")
        elif not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {SQLITE_SYNCHRONOUS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def inserted_id(result: CursorResult[Any]) -> int:
    """The primary key of the row a single-row ``INSERT`` added.

    Raises:
        StorageError: the statement reported no inserted primary key.
    """
    key = result.inserted_primary_key
    if key is None:
        raise StorageError("the insert reported no primary key")
    return int(key[0])


#: Most bound parameters per ``IN (...)`` list; below SQLite's default limit of 32766 host
#: parameters and PostgreSQL's 65535.
IN_CHUNK = 500


#: ``Connection.info`` key of a dict that a batch of saves on SQLite (``Store.save_many``) puts
#: there for the length of its write transaction: table name -> the largest id in the table, as
#: :func:`insert_returning_ids` last left it, so that each later call skips its ``max(id)``
#: query (the transaction holds the database's write lock: no other writer adds rows). The
#: batch empties the dict whenever a savepoint is rolled back (the rows it took back lower the
#: largest id) and removes it at the end of the transaction.
BATCH_TOPS = "newswatch_batch_tops"


@functools.cache
def _max_id(table: sa.Table) -> sa.Select[tuple[Any]]:
    return sa.select(sa.func.max(table.c.id))


@functools.cache
def insert_ignore_statement(backend: str, table: sa.Table) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` into ``table`` for ``backend`` (``sqlite`` or
    ``postgresql``), built once per backend and table (see :func:`insert_statement`)."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert = postgresql.insert(table) if backend == "postgresql" else sqlite.insert(table)
    return insert.on_conflict_do_nothing()


@functools.cache
def insert_statement(table: sa.Table) -> sa.Insert:
    """``INSERT INTO table``, built once per table: a statement object keeps its cache key, so
    executing the same object again skips building and keying it."""
    return sa.insert(table)


#: What :func:`execute_many` needs to send a statement again without SQLAlchemy: per statement
#: object (weakly held: a statement built per call is forgotten with it), per dialect (name and
#: JSON serializer) and per set of parameter names, the SQL text and each parameter's name, constant value and
#: conversion; ``None`` when the statement needs SQLAlchemy's own per-row handling.
_MANY_PLANS: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], _ManyPlan | None]] = (
    weakref.WeakKeyDictionary())


#: Rows from which :func:`execute_many` sends a plain INSERT to PostgreSQL as ``COPY ... FROM
#: STDIN`` instead of a pipelined ``executemany`` (one round trip and no per-row statement
#: either way; COPY skips psycopg's per-row query work).
COPY_MIN_ROWS = 16

#: One value of a compiled psycopg INSERT: a named parameter with psycopg's optional type
#: cast (``%(end)s::INTEGER``, ``%(at)s::TIMESTAMP WITH TIME ZONE``).
_PG_VALUE = re.compile(r"%\((\w+)\)s(?:::[A-Z][A-Z ]*)?")
_PG_INSERT = re.compile(r"INSERT INTO (\S+) \(([^()]*)\) VALUES \((.*)\)", re.S)


def _copy_form(sql: str) -> tuple[str, tuple[str, ...]] | None:
    """For a compiled psycopg ``INSERT INTO t (a, b) VALUES (%(a)s::T, %(b)s)``: the statement
    ``COPY t (a, b) FROM STDIN`` and the parameter names in column order; None for any other
    shape (an expression or a literal among the values, RETURNING, ON CONFLICT, several rows)."""
    m = _PG_INSERT.fullmatch(sql)
    if m is None:
        return None
    columns = m.group(2).split(", ")
    names = []
    for part in m.group(3).split(", "):
        v = _PG_VALUE.fullmatch(part)
        if v is None:
            return None
        names.append(v.group(1))
    if len(names) != len(columns):
        return None
    return f"COPY {m.group(1)} ({m.group(2)}) FROM STDIN", tuple(names)


class _ManyPlan:
    """One compiled statement ready for the DBAPI's ``executemany`` (see :func:`execute_many`)."""

    __slots__ = ("sql", "pairs", "fixed", "positional", "plain", "copy")

    def __init__(self, sql: str, pairs: list[tuple[str, Callable[[Any], Any] | None]],
                 fixed: dict[str, Any], positional: bool,
                 copy: tuple[str, tuple[str, ...]] | None = None) -> None:
        self.sql = sql
        #: the DBAPI's parameter names in the statement's order, each with SQLAlchemy's bind
        #: processor for it (JSON text, SQLite's datetime strings) or None
        self.pairs = pairs
        self.fixed = fixed  # parameters bound in the statement itself, by name
        self.positional = positional
        #: a row's tuple when no parameter is converted and there are two or more
        self.plain = (operator.itemgetter(*[n for n, _ in pairs])
                      if len(pairs) > 1 and not any(f for _, f in pairs) else None)
        #: PostgreSQL: (``COPY`` statement, parameter names in column order) when the
        #: statement is a plain INSERT (:func:`_copy_form`), else None
        self.copy = copy


def _many_plan(conn: Connection, statement: Any, keys: tuple[str, ...]) -> _ManyPlan | None:
    """Compile ``statement`` once for ``conn``'s dialect and the row keys ``keys``, as SQLAlchemy
    compiles it for an ``executemany``; None when a row would need more than its keys' values
    (a Python-side column default, an expanding or post-compile parameter, RETURNING)."""
    dialect = conn.dialect
    compiled: Any = statement.compile(dialect=dialect, column_keys=list(keys), for_executemany=True)
    if (compiled.insert_prefetch or compiled.update_prefetch or compiled.returning
            or compiled.literal_execute_params or compiled.post_compile_params
            or compiled.escaped_bind_names):
        return None
    names = list(compiled.positiontup) if compiled.positional else list(compiled.binds)
    fixed: dict[str, Any] = {}
    for name in names:
        bind = compiled.binds[name]
        if name in keys:
            continue
        if bind.callable is not None or bind.value is None and bind.required:
            return None
        fixed[name] = bind.value
    convert = compiled._bind_processors
    positional = bool(compiled.positional)
    copy = (_copy_form(compiled.string)
            if dialect.name == "postgresql" and isinstance(statement, sa.Insert) and not positional else None)
    return _ManyPlan(compiled.string, [(n, convert.get(n)) for n in names], fixed, positional, copy)


def _copy_rows(conn: Connection, copy: tuple[str, tuple[str, ...]], params: list[dict[str, Any]]) -> None:
    """Send ``params`` (psycopg's named parameters, converted) to PostgreSQL with ``COPY ...
    FROM STDIN`` (psycopg 3's ``Cursor.copy``, text format: each value in its column's input
    form, so a JSON text goes into a JSONB column as the INSERT would put it) on ``conn``'s
    connection, inside its transaction.

    Raises:
        sqlalchemy.exc.DBAPIError: the database refused a row (wrapping psycopg's error, as
            SQLAlchemy wraps an INSERT's); the transaction (or savepoint) is then to be rolled
            back, as after a refused INSERT.
    """
    sql, names = copy
    dbapi = conn.dialect.loaded_dbapi
    driver = conn.connection.driver_connection
    assert driver is not None  # a live connection inside a transaction
    try:
        with driver.cursor() as cur, cur.copy(sql) as cp:
            for p in params:
                cp.write_row([p[n] for n in names])
    except dbapi.Error as exc:
        raise sa.exc.DBAPIError.instance(sql, None, exc, dbapi.Error, dialect=conn.dialect) from exc


def execute_many(conn: Connection, statement: Any, rows: Sequence[dict[str, Any]]) -> None:
    """``conn.execute(statement, rows)`` for a many-row INSERT or UPDATE without SQLAlchemy's
    work per row: the statement is compiled once (per statement object, dialect and set of row
    keys) and the rows go to the DBAPI's ``executemany`` as plain tuples (SQLite) or dicts
    (psycopg), each value converted by the same bind processor SQLAlchemy would apply (JSON
    text, SQLite's datetime strings). Events, error wrapping (``SQLAlchemyError``) and the
    transaction are SQLAlchemy's as before (``exec_driver_sql``). As in SQLAlchemy, the first
    row's keys decide the statement's columns and a later row's other keys are ignored. Falls
    back to ``conn.execute`` when the statement needs per-row handling (:func:`_many_plan`) or
    a row lacks one of the first row's keys. Nothing is returned (no ids, no row count). On
    PostgreSQL a plain INSERT of :data:`COPY_MIN_ROWS` rows or more goes as ``COPY ... FROM
    STDIN`` (:func:`_copy_rows`); SQLAlchemy's cursor events do not see it.

    Args:
        conn: a connection inside a transaction.
        statement: a Core ``Insert`` or ``Update`` (reuse one object: its compiled form is kept
            while it lives).
        rows: the parameter sets, all with the same keys; empty does nothing.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database refused the statement.
    """
    if not rows:
        return
    keys = tuple(rows[0])
    plans = _MANY_PLANS.get(statement)
    if plans is None:
        plans = _MANY_PLANS[statement] = {}
    dialect = conn.dialect
    slot = (dialect.name, getattr(dialect, "_json_serializer", None), keys)
    if slot in plans:
        plan = plans[slot]
    else:
        plan = plans[slot] = _many_plan(conn, statement, keys)
    if plan is None:
        conn.execute(statement, list(rows))
        return
    if plan.fixed:
        rows = [{**plan.fixed, **row} for row in rows]
    pairs = plan.pairs
    try:
        if plan.positional and plan.plain is not None:
            params: list[Any] = list(map(plan.plain, rows))
        elif plan.positional:
            params = [tuple([f(row[n]) if f else row[n] for n, f in pairs]) for row in rows]
        else:
            params = [{n: f(row[n]) if f else row[n] for n, f in pairs} for row in rows]
    except KeyError:  # a row without one of the first row's keys: SQLAlchemy's own message
        conn.execute(statement, list(rows))
        return
    if plan.copy is not None and len(params) >= COPY_MIN_ROWS:
        _copy_rows(conn, plan.copy, params)
        return
    conn.exec_driver_sql(plan.sql, params)


def insert_returning_ids(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` in order and return their new ``id`` values, in the same order: one
    statement where the backend returns ids from a many-row insert in parameter order (SQLite
    3.35+, PostgreSQL), else one statement per row. The ids are those one insert per row
    would have given.

    On SQLite the caller's write transaction holds the database's write lock, and a row
    inserted without an id takes the largest id in the table plus one (the ``INTEGER PRIMARY
    KEY`` is the rowid; https://www.sqlite.org/autoinc.html): the rows are given those ids
    explicitly, in one ``executemany`` after one ``max(id)``, since SQLite does not promise
    the order of ``RETURNING`` rows. Inside a batch of saves the largest id comes from the
    batch's record (:data:`BATCH_TOPS`) after the table's first insert.
    """
    if not rows:
        return []
    if conn.dialect.name == "sqlite":
        known: dict[str, int] | None = conn.info.get(BATCH_TOPS)
        top = known.get(table.name) if known is not None else None
        if top is None:
            top = int(conn.scalar(_max_id(table)) or 0)
        ids = list(range(top + 1, top + 1 + len(rows)))
        execute_many(conn, insert_statement(table), [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
        if known is not None:
            known[table.name] = top + len(rows)
        return ids
    if conn.dialect.insert_executemany_returning_sort_by_parameter_order:
        stmt = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return [int(i) for i in conn.execute(stmt, rows).scalars()]
    return [inserted_id(conn.execute(sa.insert(table), row)) for row in rows]


def in_chunks(items: list[Any], size: int = IN_CHUNK) -> Iterator[list[Any]]:
    """``items`` in consecutive slices of at most ``size`` (default :data:`IN_CHUNK`), for
    ``column.in_(chunk)`` queries whose lists must stay under the backends' parameter limits."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection inside a write transaction: committed on success, rolled back on error.

    On SQLite the transaction starts with ``BEGIN IMMEDIATE`` (the write lock is taken at
    once, waiting up to the busy timeout for another writer).

    Yields:
        The connection, already in its transaction.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        with conn.begin():
            yield conn


def advisory_lock(conn: Connection, key: int | str) -> None:
    """Take a PostgreSQL transaction-scoped advisory lock; a no-op on SQLite.

    On SQLite a write transaction already holds the database-wide write lock.

    Args:
        conn: a connection inside a transaction (the lock is released at its end).
        key: a 64-bit integer, or a string hashed with ``hashtextextended``.
    """
    if conn.dialect.name != "postgresql":
        return
    if isinstance(key, int):
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
    else:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": key})
