"""The ``source``, ``rule`` and ``watch`` commands (issue 10) end to end: CliRunner in-process
against the loopback feed server, and ``newswatch watch`` as a real process stopped by SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner
from watch_server import FeedServer, Route, etag_of, feed_bytes

from newswatch.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, app

ROOT = Path(__file__).resolve().parent.parent
RSS = feed_bytes("wh_afghanistan.rss")
PAGE = (b'<html><head><title>Briefing Room</title><link rel="alternate" '
        b'type="application/rss+xml" href="/feeds/wh.rss"></head><body>News</body></html>')


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("NEWSWATCH_FETCH_ALLOWED_HOSTS", "127.0.0.1")
    monkeypatch.setenv("NEWSWATCH_WATCH_HOST_INTERVAL_SECONDS", "0")
    return CliRunner()


def _json(runner: CliRunner, *args: str) -> object:
    res = runner.invoke(app, [*args, "--format", "json"])
    assert res.exit_code == EXIT_OK, res.stderr
    return json.loads(res.stdout)


def test_source_commands(runner: CliRunner, feed_server: FeedServer, tmp_path: Path) -> None:
    db = str(tmp_path / "w.sqlite")
    feed_server.routes["/briefing/"] = Route(PAGE, content_type="text/html")
    feed_server.routes["/feeds/wh.rss"] = Route(RSS)
    added = _json(runner, "source", "add", feed_server.url("/briefing/"), "--every", "2h",
                  "--language", "en", "--db", db)
    assert isinstance(added, dict)
    assert (added["feed_url"], added["name"], added["every"], added["state"]) == (
        feed_server.url("/feeds/wh.rss"), "Briefing Room", "2h", "new")
    again = runner.invoke(app, ["source", "add", feed_server.url("/feeds/wh.rss"), "--db", db])
    assert again.exit_code == EXIT_FAILED and "already-exists" in again.stderr
    bad = runner.invoke(app, ["source", "add", feed_server.url("/x"), "--every", "5s", "--db", db])
    assert bad.exit_code == EXIT_USAGE

    _json(runner, "source", "pause", "Briefing Room", "--db", db)
    (row,) = _json(runner, "source", "list", "--db", db)  # type: ignore[misc]
    assert row["state"] == "paused"
    _json(runner, "source", "resume", "1", "--db", db)

    opml = runner.invoke(app, ["source", "export", "--db", db])
    assert f'xmlUrl="{feed_server.url("/feeds/wh.rss")}"' in opml.stdout
    other = str(tmp_path / "other.sqlite")
    imported = runner.invoke(app, ["source", "import", "-", "--db", other], input=opml.stdout)
    assert imported.exit_code == EXIT_OK, imported.stderr
    (copy,) = _json(runner, "source", "list", "--db", other)  # type: ignore[misc]
    assert (copy["name"], copy["language"]) == ("Briefing Room", "en")

    _json(runner, "source", "remove", "Briefing Room", "--db", db)
    assert _json(runner, "source", "list", "--db", db) == []
    gone = runner.invoke(app, ["source", "remove", "Briefing Room", "--db", db])
    assert gone.exit_code == EXIT_FAILED and "not-found" in gone.stderr


def test_rule_commands_refuse_bad_queries_with_a_reason(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "w.sqlite")
    res = runner.invoke(app, ["rule", "add", "x", "--query", "border~2", "--db", db])
    assert res.exit_code == EXIT_USAGE
    assert "bad-query: fuzzy terms (word~N) are not supported" in res.stderr
    res = runner.invoke(app, ["rule", "add", "x", "--query", "border", "--near", "1,2",
                              "--db", db])
    assert res.exit_code == EXIT_USAGE and "--near and --radius-km (or --radius-for) go together" in res.stderr
    saved = _json(runner, "rule", "add", "border", "--query",
                  '"border post" AND (shelling OR обстрел) NOT exercise', "--country", "Ukraine",
                  "--near", "48.85,37.6", "--radius-km", "50", "--db", db)
    assert isinstance(saved, dict)
    assert saved["filters"] == {"country": "UA", "near": [48.85, 37.6], "radius_km": 50.0}
    assert [r["name"] for r in _json(runner, "rule", "list", "--db", db)] == ["border"]  # type: ignore[union-attr]
    assert _json(runner, "rule", "test", "border", "--db", db) == []
    _json(runner, "rule", "remove", "border", "--db", db)
    assert _json(runner, "rule", "list", "--db", db) == []
    assert _json(runner, "alert", "list", "--db", db) == []
    assert _json(runner, "alert", "list", "--dead", "--db", db) == []
    res = runner.invoke(app, ["rule", "add", "nothing", "--db", db])
    assert res.exit_code == EXIT_USAGE and "bad-query: the query is empty" in res.stderr
    surge = _json(runner, "rule", "add", "ua-surge", "--surge", "--country", "UA", "--db", db)
    assert isinstance(surge, dict) and surge["filters"] == {"country": "UA", "surge": True}
    assert _json(runner, "rule", "test", "ua-surge", "--db", db) == []
    claims = _json(runner, "rule", "add", "taliban", "--claim-revised", "--entity", "Taliban",
                   "--db", db)
    assert isinstance(claims, dict)
    assert claims["filters"] == {"entity": "Taliban", "claim_revised": True}
    assert _json(runner, "rule", "test", "taliban", "--db", db) == []
    res = runner.invoke(app, ["rule", "add", "x", "--claim-revised", "--surge", "--db", db])
    assert res.exit_code == EXIT_USAGE and "--claim-revised takes no other filter" in res.stderr


def test_watch_once_reports_failures_and_not_modified_sources(runner: CliRunner,
                                                              feed_server: FeedServer,
                                                              tmp_path: Path) -> None:
    db = str(tmp_path / "w.sqlite")
    runner.invoke(app, ["source", "add", feed_server.url("/gone.rss"), "--no-discover",
                        "--db", db])
    res = runner.invoke(app, ["watch", "--once", "--db", db, "--format", "json"])
    assert res.exit_code == EXIT_FAILED
    assert json.loads(res.stdout)["failed"] == 1
    assert "source 127.0.0.1: not-found: HTTP 404" in res.stderr
    (row,) = _json(runner, "source", "list", "--db", db)  # type: ignore[misc]
    assert (row["state"], row["errors_in_row"], row["last_status"]) == ("failing", 1, "not-found")
    # nothing due now: a pass does nothing and succeeds
    res = runner.invoke(app, ["watch", "--once", "--db", db, "--format", "json"])
    assert res.exit_code == EXIT_OK and json.loads(res.stdout)["due"] == 0


def test_watch_stops_cleanly_on_sigterm(feed_server: FeedServer, tmp_path: Path) -> None:
    db = str(tmp_path / "w.sqlite")
    feed_server.routes["/wh.rss"] = Route(RSS, etag=etag_of(RSS))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"),
           "NEWSWATCH_FETCH_ALLOWED_HOSTS": "127.0.0.1"}
    # a source that answers 304: the loop fetches without analysing anything
    runner = CliRunner()
    runner.invoke(app, ["source", "add", feed_server.url("/wh.rss"), "--no-discover",
                        "--db", db])
    proc = subprocess.Popen([sys.executable, "-m", "newswatch.cli", "watch", "--db", db],
                            stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        assert first.startswith("watch: following the sources of")
        proc.send_signal(signal.SIGTERM)
        _, rest = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == EXIT_OK
    assert "SIGTERM received" in rest and rest.rstrip().endswith("watch: stopped")
    assert "Traceback" not in rest
