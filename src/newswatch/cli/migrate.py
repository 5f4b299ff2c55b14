"""``newswatch migrate``: bring a database to the newest schema, and nothing else.

The read-only commands (``report``, ``claims``, ``serve``) never migrate; when they find an
older schema they point here. ``ingest`` migrates by itself. Exit codes: 0 migrated or already
current; 3 no database here, or the migration failed (the database is left as it was: each
migration runs in one transaction).
"""

from __future__ import annotations

import typer

from .common import DbOpt, db_url, fail, require_database


def migrate(db: DbOpt = None) -> None:
    """Upgrade the database's schema to the newest migration (a no-op when current)."""
    from ..errors import NewswatchError
    from ..storage.engine import make_engine
    from ..storage.migrate import head_revisions, upgrade_to_head

    url = db_url(db)
    require_database(url)
    try:
        engine = make_engine(url)
    except Exception as exc:  # noqa: BLE001 - an unknown dialect or missing driver, one line
        from ..storage.store import db_reason

        fail(f"{url}: storage: not a database URL newswatch can open: {db_reason(exc)}")
    try:
        ran = upgrade_to_head(engine)
    except NewswatchError as exc:
        fail(exc.line())
    except Exception as exc:  # noqa: BLE001 - a driver or migration error, reported as one line
        from ..storage.store import db_reason

        fail(f"{url}: storage: migration failed: {db_reason(exc)}")
    finally:
        engine.dispose()
    heads = ", ".join(head_revisions())
    typer.echo(f"migrated {url} to schema {heads}" if ran else f"{url} is already at schema {heads}")
