"""One read layer: the CLI report and the dashboard rank the same actors; read-only commands
do not write.

The database is built from the bundled ``samples/`` with the CLI, in a temporary folder.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient
from typer.testing import CliRunner

from newswatch.cli import EXIT_FAILED, EXIT_OK, app
from newswatch.read import ACTOR_LABELS
from newswatch.storage.migrate import alembic_config, head_revisions
from newswatch.web import create_app, load_config

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
runner = CliRunner()


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("read") / "samples.sqlite"
    res = runner.invoke(app, ["ingest", "--db", str(db), "--no-progress", "--format", "json", str(SAMPLES)])
    assert res.exit_code == EXIT_OK, res.stderr
    assert json.loads(res.stdout.splitlines()[-1])["new"] == 43
    return db


def _fingerprint(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mtime_ns, st.st_size


def _api_actors(db: Path, **params: str) -> list[dict]:
    config = load_config(f"sqlite:///{db}", {"allowed_hosts": "testserver"}, env={})
    with TestClient(create_app(config)) as client:
        res = client.get("/api/overview", params=params)
        assert res.status_code == 200, res.text
        return res.json()["busiest_actors"]


@pytest.mark.parametrize("country", [None, "TJ"])
def test_report_and_dashboard_rank_the_same_actors(samples_db: Path, country: str | None) -> None:
    args = ["report", "--db", str(samples_db), "--format", "json"] + (["--country", country] if country else [])
    res = runner.invoke(app, args)
    assert res.exit_code == EXIT_OK, res.stderr
    report = json.loads(res.stdout)["actors"]
    api = _api_actors(samples_db, **({"country": country} if country else {}))
    assert len(api) == 10
    pick = ("key", "name", "label", "articles", "mentions")
    assert [{k: a[k] for k in pick} for a in report[:10]] == [{k: a[k] for k in pick} for a in api]
    assert {a["label"] for a in report} <= set(ACTOR_LABELS)
    if country is None:
        # facts of the samples: Afghanistan is named in 28 of the 43 texts, the United States in 24
        assert [(a["name"], a["articles"]) for a in report[:2]] == [("Afghanistan", 28), ("United States", 24)]


def test_norp_demonyms_are_not_actors(samples_db: Path) -> None:
    con = sqlite3.connect(samples_db)
    norp = {name for (name,) in con.execute("select canonical from entity where label = 'NORP'")}
    con.close()
    assert {"Afghan", "American"} <= norp  # demonyms the entities stage found...
    names = {a["name"] for a in _api_actors(samples_db)}
    res = runner.invoke(app, ["report", "--db", str(samples_db), "--format", "json"])
    names |= {a["name"] for a in json.loads(res.stdout)["actors"]}
    assert not names & norp  # ...and neither reader ranks them as actors


def test_read_only_commands_leave_the_database_unchanged(samples_db: Path) -> None:
    before = _fingerprint(samples_db)
    for args in (["report"], ["report", "--format", "json", "--country", "AF"], ["claims"],
                 ["claims", "--format", "json", "--conflicting"]):
        res = runner.invoke(app, [*args, "--db", str(samples_db)])
        assert res.exit_code == EXIT_OK, (args, res.stderr)
        assert _fingerprint(samples_db) == before, args


def _database_at(path: Path, revision: str) -> None:
    from alembic import command

    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    engine.dispose()


def test_an_older_schema_is_refused_by_readers_and_upgraded_by_migrate(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    _database_at(db, "0002")
    before = _fingerprint(db)
    for command in ("report", "claims"):
        res = runner.invoke(app, [command, "--db", str(db)])
        assert res.exit_code == EXIT_FAILED
        assert "outdated-schema" in res.stderr and "newswatch migrate --db" in res.stderr
        assert _fingerprint(db) == before, command
    res = runner.invoke(app, ["migrate", "--db", str(db)])
    assert res.exit_code == EXIT_OK, res.stderr
    assert "migrated" in res.stdout
    con = sqlite3.connect(db)
    assert {v for (v,) in con.execute("select version_num from alembic_version")} == set(head_revisions())
    con.close()
    again = runner.invoke(app, ["migrate", "--db", str(db)])
    assert again.exit_code == EXIT_OK and "already at schema" in again.stdout
    res = runner.invoke(app, ["report", "--db", str(db), "--format", "json"])
    assert res.exit_code == EXIT_OK, res.stderr
    assert json.loads(res.stdout)["summary"]["articles"] == 0


@pytest.mark.parametrize("command", ["report", "claims", "migrate", "serve"])
def test_no_database_here(tmp_path: Path, command: str) -> None:
    res = runner.invoke(app, [command, "--db", str(tmp_path / "none.sqlite")])
    assert res.exit_code == EXIT_FAILED
    assert "none.sqlite" in res.stderr and "no database here" in res.stderr
    assert not (tmp_path / "none.sqlite").exists()
