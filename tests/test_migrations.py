"""Upgrading a database that already holds data, migration by migration, loses nothing.

Regression (issue 2): on SQLite, Alembic's batch mode rebuilds a table by copying it and
dropping the original; with foreign keys enforced, dropping ``entity`` (referenced by
``entity_mention``) failed and an existing database could no longer be opened.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from newswatch.storage import Store
from newswatch.storage.engine import make_engine
from newswatch.storage.migrate import alembic_config, script_directory

#: Tables filled before the upgrade, parents first.
FILLED = ("source", "article", "revision", "entity", "entity_mention")


def _value(col: tuple, parent_ids: dict[str, int]) -> object:
    _cid, name, ctype, _notnull, _default, _pk = col
    ctype = (ctype or "").upper()
    if name.endswith("_id") and name[:-3] in parent_ids:
        return parent_ids[name[:-3]]
    if "INT" in ctype:
        return 0 if name not in ("start", "end", "sentence_end") else {"start": 0, "end": 6, "sentence_end": 20}[name]
    if "FLOAT" in ctype or "REAL" in ctype or "NUMERIC" in ctype:
        return 0.5
    if "BOOL" in ctype:
        return 0
    if "JSON" in ctype:
        return "{}"
    if "DATE" in ctype or "TIME" in ctype:
        return "2021-07-08 00:00:00"
    return f"{name}-1"


def _fill_at_first_revision(path: Path) -> dict[str, int]:
    """Create the schema of the first migration only and put one row in each FILLED table."""
    engine = make_engine(f"sqlite:///{path}")
    first = script_directory().get_base()
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, first)
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys = ON")
    ids: dict[str, int] = {}
    for table in FILLED:
        cols = [c for c in con.execute(f"PRAGMA table_info({table})") if c[1] != "id" or c[2].upper() != "INTEGER"]
        names = [c[1] for c in cols]
        vals = [_value(c, ids) for c in cols]
        cur = con.execute(
            f"INSERT INTO {table} ({', '.join(chr(34) + n + chr(34) for n in names)}) "
            f"VALUES ({', '.join('?' for _ in names)})", vals)
        row_id = cur.lastrowid
        if "id" in names:  # a text primary key
            row_id = con.execute(f"SELECT rowid FROM {table} WHERE rowid = ?", (row_id,)).fetchone()[0]
            ids[table] = vals[names.index("id")]  # type: ignore[assignment]
        else:
            ids[table] = row_id
    con.commit()
    con.close()
    return ids


def test_existing_rows_survive_every_migration(tmp_path):
    db = tmp_path / "old.sqlite"
    _fill_at_first_revision(db)
    before = {t: sqlite3.connect(db).execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in FILLED}
    assert all(n == 1 for n in before.values())
    with Store.open(f"sqlite:///{db}") as store:  # migrates to head
        assert store is not None
    con = sqlite3.connect(db)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == script_directory().get_current_head()
    for t in FILLED:
        assert con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == 1, t
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()
    # enforcement is back on for normal work after the migration
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_open_retries_a_locked_fresh_file(tmp_path, monkeypatch):
    # CI saw "database is locked" when three threads opened one new SQLite file at once: the
    # WAL switch answers SQLITE_BUSY immediately. Store.open retries that answer.
    from sqlalchemy.exc import OperationalError

    from newswatch.storage import store as store_mod

    real = store_mod.upgrade_to_head
    calls = {"n": 0}

    def flaky(engine):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("PRAGMA journal_mode = WAL", {}, Exception("database is locked"))
        return real(engine)

    monkeypatch.setattr(store_mod, "upgrade_to_head", flaky)
    monkeypatch.setattr(store_mod, "OPEN_RETRY_DELAY_S", 0.01)
    with Store.open(f"sqlite:///{tmp_path / 'new.sqlite'}") as s:
        assert s.counts()["article"] == 0
    assert calls["n"] == 2


def test_packaged_heads_are_alembics_heads() -> None:
    from newswatch.storage.migrate import head_revisions, packaged_heads

    assert packaged_heads() == frozenset(head_revisions())
    assert packaged_heads() == frozenset({script_directory().get_current_head()})


def test_recorded_revisions_read_what_alembic_reads(tmp_path: Path) -> None:
    from newswatch.storage.migrate import current_revisions, recorded_revisions

    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    with engine.connect() as conn:
        assert recorded_revisions(conn) == () == current_revisions(conn)
    engine.dispose()
    Store.open(f"sqlite:///{tmp_path / 'fresh.sqlite'}").close()
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    with engine.connect() as conn:
        assert recorded_revisions(conn) == current_revisions(conn) == tuple(script_directory().get_heads())
    engine.dispose()


def test_opening_a_store_at_head_does_not_import_alembic(tmp_path: Path) -> None:
    """Alembic (with Mako and Pygments) is imported only when a migration may be due: a fresh
    file is migrated with it, a file at head is opened without it."""
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    probe = ("import sys; from newswatch.storage import Store; Store.open(sys.argv[1]).close(); "
             "print(sorted(m for m in ('alembic', 'mako', 'pygments') if m in sys.modules))")
    src = str(Path(__file__).resolve().parent.parent / "src")
    env = {**__import__("os").environ, "PYTHONPATH": src}
    first = subprocess.run([sys.executable, "-c", probe, url], capture_output=True, text=True, env=env, check=True)
    assert first.stdout.split("\n")[0] == "['alembic', 'mako', 'pygments']"  # the fresh file was migrated
    again = subprocess.run([sys.executable, "-c", probe, url], capture_output=True, text=True, env=env, check=True)
    assert again.stdout.split("\n")[0] == "[]"
    with sqlite3.connect(tmp_path / "store.sqlite") as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (script_directory().get_current_head(),)]
