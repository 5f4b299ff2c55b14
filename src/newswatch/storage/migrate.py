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

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection, Engine

from ..errors import StorageError
from .engine import advisory_lock, write_transaction

#: PostgreSQL advisory-lock key held while migrating (an arbitrary constant: "nwmigrat" as
#: ASCII bytes, kept positive); per-article locks use text hashes and are taken only after
#: the schema is at head.
MIGRATION_LOCK_KEY = int.from_bytes(b"nwmigrat", "big") & 0x7FFF_FFFF_FFFF_FFFF


def alembic_config() -> Config:
    """An Alembic configuration pointing at the packaged migration scripts.

    Returns:
        A :class:`alembic.config.Config` with ``script_location`` set; no ini file.
    """
    location = resources.files("newswatch.storage").joinpath("migrations")
    config = Config()
    config.set_main_option("script_location", str(location))
    return config


def script_directory() -> ScriptDirectory:
    """The packaged migration scripts (for ``history``, ``heads``...)."""
    return ScriptDirectory.from_config(alembic_config())


def head_revisions() -> tuple[str, ...]:
    """Revision ids of the newest migration(s), e.g. ``("0001",)``."""
    return tuple(script_directory().get_heads())


def current_revisions(conn: Connection) -> tuple[str, ...]:
    """Revisions recorded in the database's ``alembic_version`` table (empty when new)."""
    return tuple(MigrationContext.configure(conn).get_current_heads())


def _known(script: ScriptDirectory, revision: str) -> bool:
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
    with write_transaction(engine) as conn:
        advisory_lock(conn, MIGRATION_LOCK_KEY)
        if set(current_revisions(conn)) == heads:
            return False  # another process migrated while this one waited for the lock
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return True
