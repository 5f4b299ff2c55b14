"""The storing process of ``ingest`` keeps what it had loaded before its loop out of the
garbage collector's full collections while the loop runs, and gives it back afterwards
(issue 11, "one core first"; :func:`newswatch.ingest.budget.heap_settled`)."""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from newswatch.cli import app
from newswatch.ingest import budget
from newswatch.ingest.budget import heap_settled
from newswatch.model import Article
from newswatch.storage import Store

TEXT = "Officials in Kabul said on Monday that the road to Jalalabad was closed."


def test_heap_settled_freezes_for_the_block_and_thaws_after() -> None:
    assert gc.get_freeze_count() == 0
    kept = [[i] for i in range(1000)]  # tracked objects alive on entry
    with heap_settled():
        inside = gc.get_freeze_count()
    assert inside >= len(kept)
    assert gc.get_freeze_count() == 0


def test_heap_settled_keeps_a_freeze_made_before_it() -> None:
    gc.freeze()  # a process that froze its heap itself (``serve``)
    before = gc.get_freeze_count()
    assert before > 0
    with heap_settled():
        pass
    assert gc.get_freeze_count() >= before  # not thawed behind that process's back


def test_ingest_stores_with_its_start_up_heap_frozen_and_thaws_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "a.jsonl"
    data.write_text(json.dumps({"id": "a", "text": TEXT, "language": "en"}) + "\n",
                    encoding="utf-8")
    # no models: the article is stored as read, which is all this test needs
    monkeypatch.setattr(budget, "analyser", lambda settings: (lambda article: article))
    seen: list[int] = []
    thresholds: list[tuple[int, int, int]] = []
    save_many = Store.save_many
    before = gc.get_threshold()

    def spy(self: Store, articles: list[Article]) -> Any:
        seen.append(gc.get_freeze_count())
        thresholds.append(gc.get_threshold())
        return save_many(self, articles)

    monkeypatch.setattr(Store, "save_many", spy)
    res = CliRunner().invoke(app, ["ingest", "--db", str(tmp_path / "n.sqlite"), "--no-progress",
                                   str(data)])
    assert res.exit_code == 0, res.output
    assert "ingested 1 new" in res.stdout
    assert seen and all(n > 0 for n in seen)
    assert thresholds and all(t == (10_000, *before[1:]) for t in thresholds)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before


def test_ingest_opens_its_store_without_collecting_and_collects_again_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening the store (imports, metadata, a fresh file's migrations: all kept) runs with the
    collector off; it is on again for the loop, and when the open fails."""
    import importlib

    cli_ingest = importlib.import_module("newswatch.cli.ingest")  # the module, not the command
    data = tmp_path / "a.jsonl"
    data.write_text(json.dumps({"id": "a", "text": TEXT, "language": "en"}) + "\n", encoding="utf-8")
    monkeypatch.setattr(budget, "analyser", lambda settings: (lambda article: article))
    during: list[bool] = []
    opened = cli_ingest.open_store

    def spy_open(url: str) -> Store:
        during.append(gc.isenabled())
        return opened(url)

    looping: list[bool] = []
    save_many = Store.save_many

    def spy_save(self: Store, articles: list[Article]) -> Any:
        looping.append(gc.isenabled())
        return save_many(self, articles)

    monkeypatch.setattr(cli_ingest, "open_store", spy_open)
    monkeypatch.setattr(Store, "save_many", spy_save)
    assert gc.isenabled()
    res = CliRunner().invoke(app, ["ingest", "--db", str(tmp_path / "n.sqlite"), "--no-progress", str(data)])
    assert res.exit_code == 0, res.output
    assert during == [False] and looping == [True] and gc.isenabled()
    with Store.open(f"sqlite:///{tmp_path / 'n.sqlite'}") as s:
        assert s.article_ids() == ["a"]
    # a database that cannot be opened: exit 3, and the collector is on again
    res = CliRunner().invoke(app, ["ingest", "--db", str(tmp_path / "missing" / "n.sqlite"),
                                   "--no-progress", str(data)])
    assert res.exit_code == 3 and during == [False, False] and gc.isenabled()
