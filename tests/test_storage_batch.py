"""The storing path of a batch (``Store.save_many``): what it reads once per batch or per article
instead of once per item, what it keeps for the batch, and what the storing process imports."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

import newswatch
from newswatch.errors import StorageError
from newswatch.storage import Store

from storage_samples import make_article


@contextmanager
def _statements(store: Store) -> Iterator[list[str]]:
    """Every SQL statement the store's engine sends while the block runs, one line each."""
    seen: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(" ".join(statement.split()))

    sa.event.listen(store.engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", listen)


def test_a_batch_reads_its_stored_texts_in_one_statement(store: Store) -> None:
    batch = [make_article(article_id=f"seed-{n:04d}") for n in range(1, 4)]
    with _statements(store) as seen:
        results = store.save_many(batch)
    assert [r.status for r in results] == ["new", "new", "new"]  # type: ignore[union-attr]
    checks = [s for s in seen if "FROM revision WHERE" in s and "content_hash" in s.split("WHERE", 1)[1]]
    assert len(checks) == 1 and "content_hash IN" in checks[0]
    # and again: all three unchanged, from that one read, without a write transaction
    with _statements(store) as seen:
        again = store.save_many([make_article(article_id=f"seed-{n:04d}") for n in range(1, 4)])
    assert [r.status for r in again] == ["unchanged"] * 3  # type: ignore[union-attr]
    assert [r.revision_id for r in again] == [r.revision_id for r in results]  # type: ignore[union-attr]
    assert sum("FROM revision" in s for s in seen) == 1
    assert not any(s.startswith(("INSERT", "UPDATE", "SAVEPOINT")) for s in seen)


def test_identity_look_ups_of_an_article_are_one_read(store: Store) -> None:
    # the sample names two people new to the store (Sergei Lavrov, Saleumxay Kommasith): each
    # gets a name key and is looked up by it
    with _statements(store) as seen:
        store.save_many([make_article()])
    by_key = [s for s in seen if s.startswith("SELECT entity.id") and "name_key" in s.split("WHERE", 1)[-1]]
    assert len(by_key) == 1 and "name_key IN" in by_key[0]


def test_a_batch_article_refused_late_leaves_later_articles_as_saving_them_alone(store: Store, tmp_path: Path) -> None:
    """An article refused after it wrote its new outlet, places and mentions (its event has no
    stage: a NOT NULL column) takes them back with its savepoint; the batch must not reuse what it learnt from them
    (the outlet's id, the largest place_resolution id): the next article, of the same new
    outlet, is stored as if the refused one had never been there."""

    def batch() -> list:
        first = make_article()
        bad = make_article(article_id="bad-0001")
        bad.source = third_source = "An outlet first seen in this batch"
        assert bad.events and bad.places
        bad.events[0].prov = dataclasses.replace(bad.events[0].prov, stage=None)  # type: ignore[arg-type]
        third = make_article(article_id="seed-0002")
        third.source = third_source
        return [first, bad, third]

    results = store.save_many(batch())
    assert isinstance(results[1], StorageError)
    assert [r.status for r in (results[0], results[2])] == ["new", "new"]  # type: ignore[union-attr]
    assert store.load_article("seed-0002").source == "An outlet first seen in this batch"
    assert store.load_article("seed-0002") == batch()[2]
    if store.backend != "sqlite":  # PostgreSQL sequences do not roll back: ids differ by nature
        return
    alone = Store.open(f"sqlite:///{tmp_path / 'alone.sqlite'}")
    try:
        for article in (batch()[0], batch()[2]):
            alone.save(article)
        queries = (
            "SELECT id, revision_id, place_id FROM place_resolution ORDER BY id",
            "SELECT id, revision_id FROM event ORDER BY id",
            "SELECT a.id, s.id, s.name FROM article a JOIN source s ON s.id = a.source_id ORDER BY a.id",
        )
        with store.read() as ours, alone.read() as theirs:
            for q in queries:
                assert ours.execute(sa.text(q)).all() == theirs.execute(sa.text(q)).all(), q
    finally:
        alone.close()


def test_the_storing_process_imports_no_analysis_stage(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from newswatch.storage import Store\n"
        "from storage_samples import make_article\n"
        f"s = Store.open('sqlite:///{tmp_path / 'probe.sqlite'}')\n"
        "print([r.status for r in s.save_many([make_article()])])\n"
        "s.rebuild_threads()\n"
        "print(sorted(m for m in sys.modules if m.startswith('newswatch.stages.') and\n"
        "             m.split('.')[2] not in ('entities',)))\n"
    )
    src = str(Path(newswatch.__file__).resolve().parent.parent)
    here = str(Path(__file__).resolve().parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, here])}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.splitlines() == ["['new']", "[]"]
