"""Versioned schema migrations (Alembic), run from code.

The migration scripts live in ``newswatch/storage/migrations/versions`` and are shipped with
the package; no ``alembic.ini`` is read at runtime. Alembic records the applied revision in
the ``alembic_version`` table.

:func:`upgrade_to_head` is safe to call on every start and from several processes at once:

1. it first reads the database's revision without taking any lock, and returns when the
   database is already at head (the common case: a no-op);
2. otherwise it opens a write transaction (``BEGIN IMMEDIATE`` on SQLite, a transaction-scoped
   advisory lock on PostgreSQL), reads the revision again, and runs the missing migrations
   inside that same transaction, so a failed migration leaves the database as it was.

Migrations are forward-only: they never drop stored data.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..errors import StorageError
from .engine import SQLITE_BEGIN_OPTION, advisory_lock

if TYPE_CHECKING:  # Alembic (with Mako and Pygments) is imported only when it is used
    from alembic.config import Config
    from alembic.script import ScriptDirectory

#: PostgreSQL advisory-lock key held while migrating (an arbitrary constant: "nwmigrat" as
#: ASCII bytes, kept positive); per-article locks use text hashes and are taken only after
#: the schema is at head.
MIGRATION_LOCK_KEY = int.from_bytes(b"nwmigrat", "big") & 0x7FFF_FFFF_FFFF_FFFF


def alembic_config() -> Config:
    """An Alembic configuration pointing at the packaged migration scripts.

    Returns:
        A :class:`alembic.config.Config` with ``script_location`` set; no ini file.
    """
    from alembic.config import Config

    location = resources.files("newswatch.storage").joinpath("migrations")
    config = Config()
    config.set_main_option("script_location", str(location))
    return config


def script_directory() -> ScriptDirectory:
    """The packaged migration scripts (for ``history``, ``heads``...)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revisions() -> tuple[str, ...]:
    """Revision ids of the newest migration(s), e.g. ``("0001",)``."""
    return tuple(script_directory().get_heads())


def current_revisions(conn: Connection) -> tuple[str, ...]:
    """Revisions recorded in the database's ``alembic_version`` table (empty when new)."""
    from alembic.runtime.migration import MigrationContext

    return tuple(MigrationContext.configure(conn).get_current_heads())


#: ``revision = "..."`` and ``down_revision = ...`` lines of a migration script (module level).
_REVISION_LINE_RE = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.M)


@cache
def packaged_heads() -> frozenset[str] | None:
    """The newest revision(s) of the packaged migration scripts, read from their
    ``revision`` and ``down_revision`` lines without importing Alembic (what
    :func:`head_revisions` answers, about 0.15 CPU s less); None when a script's lines cannot
    be read that way (then ask Alembic)."""
    folder = resources.files("newswatch.storage").joinpath("migrations").joinpath("versions")
    revisions: set[str] = set()
    downs: set[str] = set()
    for entry in folder.iterdir():
        if not entry.name.endswith(".py") or entry.name.startswith("_"):
            continue
        found: dict[str, object] = {}
        for name, value in _REVISION_LINE_RE.findall(entry.read_text(encoding="utf-8")):
            if name in found:
                return None
            try:
                found[name] = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                return None
        rev, down = found.get("revision"), found.get("down_revision", ...)
        if not isinstance(rev, str) or down is ...:
            return None
        revisions.add(rev)
        if isinstance(down, str):
            downs.add(down)
        elif isinstance(down, tuple | list) and all(isinstance(d, str) for d in down):
            downs.update(down)
        elif down is not None:
            return None
    heads = revisions - downs
    return frozenset(heads) if heads else None


def recorded_revisions(conn: Connection) -> tuple[str, ...]:
    """What :func:`current_revisions` reads (the ``alembic_version`` rows, empty when the
    table is missing), with a plain query instead of Alembic's migration context."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return ()
    return tuple(conn.scalars(sa.text("SELECT version_num FROM alembic_version")))


def _known(script: ScriptDirectory, revision: str) -> bool:
    from alembic.util import CommandError

    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def upgrade_to_head(engine: Engine) -> bool:
    """Bring the database to the newest schema.

    Args:
        engine: an engine from :func:`newswatch.storage.engine.make_engine`.

    Returns:
        True when migrations ran, False when the database was already at head.

    Raises:
        StorageError: the database was migrated by a newer newswatch (an unknown revision).
        sqlalchemy.exc.SQLAlchemyError: the database cannot be reached or a migration failed
            (the transaction is rolled back).
    """
    packaged = packaged_heads()
    if packaged is not None:  # the common case, at head, answered without Alembic
        with engine.connect() as conn:
            if set(recorded_revisions(conn)) == packaged:
                return False
    from alembic import command

    script = script_directory()
    heads = set(script.get_heads())
    with engine.connect() as conn:
        current = current_revisions(conn)
    if set(current) == heads:
        return False
    unknown = [rev for rev in current if not _known(script, rev)]
    if unknown:
        raise StorageError(
            f"the database schema is at revision {', '.join(unknown)}, which this version of "
            f"newswatch does not know (its newest is {', '.join(sorted(heads))}); "
            "upgrade newswatch to use this database"
        )
    with engine.connect() as conn, _foreign_keys_deferred(conn):
        if conn.dialect.name == "sqlite":
            conn.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        with conn.begin():
            advisory_lock(conn, MIGRATION_LOCK_KEY)
            if set(current_revisions(conn)) == heads:
                return False  # another process migrated while this one waited for the lock
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            _check_foreign_keys(conn)
    return True


@contextmanager
def _foreign_keys_deferred(conn: Connection) -> Iterator[None]:
    """On SQLite, switch foreign-key enforcement off on ``conn`` for the migration, then on.

    Alembic's batch mode changes a SQLite table by copying it and dropping the original;
    with ``foreign_keys=ON`` dropping a referenced table fails (SQLite documentation,
    "Making Other Kinds Of Table Schema Changes", step 1). The pragma is a no-op inside a
    transaction, so it is set on the DB-API connection before the transaction begins, and
    :func:`_check_foreign_keys` verifies the result before commit. PostgreSQL: nothing to do.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys = ON")


def _check_foreign_keys(conn: Connection) -> None:
    """Raise StorageError (rolling the migration back) if a foreign key is left dangling."""
    if conn.dialect.name != "sqlite":
        return
    bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if bad:
        raise StorageError(f"migration left {len(bad)} dangling foreign keys, e.g. {tuple(bad[0])}")
