"""Alembic environment for the newswatch store.

Two ways in:

* ``newswatch.storage.migrate`` (what ``Store.open`` uses) passes an open connection, already
  inside a locked transaction, in ``config.attributes["connection"]``; the migrations run in
  that transaction.
* Alembic's command line with ``storage/alembic.ini``: the URL comes from ``-x url=...`` or the
  ini file's ``sqlalchemy.url``, and the engine is built with the store's own settings.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from newswatch.errors import StorageError
from newswatch.storage.engine import make_engine
from newswatch.storage.schema import metadata

config = context.config


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_offline() -> None:
    """Emit SQL to stdout (``alembic upgrade --sql``) instead of running it."""
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    context.configure(url=url, target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run the migrations on a live connection."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise StorageError("no database URL: pass -x url=... or set sqlalchemy.url")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            _configure(conn)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
