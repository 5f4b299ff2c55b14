"""A database that cannot be used ends a command with one line and exit 3, never a traceback
(issue 14): a database locked by another process (bounded by ``db_busy_timeout_seconds``) and
a URL naming no installed SQLAlchemy dialect."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from newswatch.cli import app
from newswatch.storage import Store

TEXT = "Officials in Kabul said on Monday that the road to Jalalabad was closed."


def _ingest_while_locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, timeout: str,
                         *lock: str, created: Callable[[], None] = lambda: None) -> tuple[Path, Result]:
    """Ingest one record into a fresh database while another connection runs the ``lock``
    statements and holds them; ``db_busy_timeout_seconds`` is ``timeout``; ``created`` runs
    once the database exists, before the lock."""
    db = tmp_path / "locked.sqlite"
    Store.open(f"sqlite:///{db}").close()
    created()
    data = tmp_path / "a.jsonl"
    data.write_text(json.dumps({"id": "a", "text": TEXT}) + "\n", encoding="utf-8")
    monkeypatch.setenv("NEWSWATCH_DB_BUSY_TIMEOUT_SECONDS", timeout)
    holder = sqlite3.connect(db, isolation_level=None)
    for statement in lock:
        holder.execute(statement)
    try:
        return db, CliRunner().invoke(app, ["ingest", "--db", str(db), "--no-progress", str(data)])
    finally:
        holder.rollback()
        holder.close()


def test_ingest_into_a_locked_database_is_one_line_and_exit_3(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db, res = _ingest_while_locked(tmp_path, monkeypatch, "0.2", "BEGIN EXCLUSIVE")
    assert res.exit_code == 3, res.output
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and str(db) in lines[0] and ": storage: " in lines[0]
    assert "database is locked" in lines[0] and "Traceback" not in res.output


@pytest.mark.parametrize("command", [["ingest", "x.txt"], ["migrate"], ["load", "."],
                                     ["watch", "--once"], ["report"], ["search", "Kabul"],
                                     ["export", "events"]])
def test_a_url_with_no_dialect_is_one_line_and_exit_3(command: list[str]) -> None:
    res = CliRunner().invoke(app, [*command, "--db", "bogus://x"])
    assert res.exit_code == 3, res.output
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("bogus://x: storage: "), res.stderr


def test_opening_a_locked_database_waits_once_for_the_busy_timeout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # issue 14: each of the OPEN_ATTEMPTS attempts waited the full db_busy_timeout_seconds
    # (5 attempts); now they share one deadline, so a lock held past it gets one attempt
    from newswatch.storage import store as store_module

    attempts = []
    upgrade = store_module.upgrade_to_head

    def counted(engine):  # type: ignore[no-untyped-def]
        attempts.append(1)
        return upgrade(engine)

    # an exclusive locking mode with a write keeps even readers of the WAL file out
    _, res = _ingest_while_locked(
        tmp_path, monkeypatch, "0.05", "PRAGMA locking_mode = EXCLUSIVE", "BEGIN EXCLUSIVE",
        "CREATE TABLE held (x)",
        created=lambda: monkeypatch.setattr(store_module, "upgrade_to_head", counted))
    assert res.exit_code == 3, res.output
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and ": storage: " in lines[0] and "database is locked" in lines[0]
    assert len(attempts) == 1
