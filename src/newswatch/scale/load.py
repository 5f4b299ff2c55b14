"""``newswatch load``: bring the Parquet parts of ``newswatch batch`` into a database, then the
cross-article pass.

The parts are loaded one at a time (memory holds one input's articles), in the order of the
manifest (the run, then the input's position on the command line; without a manifest, every
part found, by input name), and inside a part in the input's own order. Each article is
rebuilt from its rows (:func:`newswatch.scale.parquet.read_articles`) and saved, in batches of
``batch_size`` per transaction, through :meth:`newswatch.storage.Store.save_many`, the same
write path as ``ingest``; saving runs the
cross-article steps of :mod:`newswatch.storage.situation` over what is already stored (entity
identity across articles and languages, near-duplicate clusters, events merged across
articles, claim groups), then, once after the last part, the threads pass
(:meth:`newswatch.storage.Store.rebuild_threads`: happenings and story threads). So loading
the parts of a set of inputs gives the database a plain
``ingest`` of the same inputs in the same order gives, however the inputs were split into
tasks or spread over workers (a test compares the two).

Idempotent: an article whose text is stored already is ``unchanged`` (nothing written), and a
failure row already recorded (same origin, code and message) is not recorded again, so
loading the same folder twice leaves the database as the first load left it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from ..errors import NewswatchError
from ..model import Article
from ..storage import Store
from ..storage import schema as t
from .batch import finished_parts
from .parquet import read_articles, read_dataset


@dataclass
class LoadSummary:
    """What a load did: articles new, revised, unchanged, failed to save; failure rows
    recorded; parts read; item rows read; seconds."""

    new: int = 0
    revised: int = 0
    unchanged: int = 0
    failed: int = 0
    failures_recorded: int = 0
    parts: int = 0
    rows: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


def parts_in_order(out: Path) -> list[str]:
    """The part keys to load, in load order (see the module docstring)."""
    on_disk = {p.stem.removeprefix("part-") for p in Path(out).glob("*/month=*/part-*.parquet")}
    done = finished_parts(out)
    if done:
        return [key for key in done if key in on_disk]
    names = {}
    for key in on_disk:
        rows = read_dataset(out, "articles", part=key).select(["input"]).to_pylist()
        if not rows:
            rows = read_dataset(out, "failures", part=key).select(["input"]).to_pylist()
        names[key] = rows[0]["input"] if rows else ""
    return sorted(on_disk, key=lambda k: (names[k], k))


def _failures(out: Path, key: str) -> Iterator[tuple[str, str, str]]:
    for row in read_dataset(out, "failures", part=key).to_pylist():
        yield row["origin"], row["code"], row["message"]


def _save_batch(store: Store, batch: list[Article], summary: LoadSummary,
                progress: Callable[[int], object] | None, on_error: Callable[[str], None] | None) -> None:
    """Save ``batch`` in one transaction (:meth:`Store.save_many`), count the results into
    ``summary`` and empty the list."""
    if not batch:
        return
    for article, result in zip(batch, store.save_many(batch), strict=True):
        if isinstance(result, NewswatchError):
            summary.failed += 1
            line = f"{article.origin}: {result.code}: {result.message}"
            summary.errors.append(line)
            if on_error:
                on_error(line)
            continue
        setattr(summary, result.status, getattr(summary, result.status) + 1)
    if progress:
        progress(len(batch))
    batch.clear()


def load_parts(out: Path, store: Store, *, progress: Callable[[int], object] | None = None,
               on_error: Callable[[str], None] | None = None, batch_size: int = 64) -> LoadSummary:
    """Load every part of ``out`` into ``store`` (see the module docstring).

    Args:
        out: the output folder of ``newswatch batch``.
        store: the open database.
        progress: called with the number of articles just handled.
        on_error: called with one line per article the database refused.
        batch_size: articles saved in one transaction (``save_batch_count``; 1 saves them
            one at a time); a refused article fails alone either way.

    Returns:
        A :class:`LoadSummary`.
    """
    started = time.perf_counter()
    summary = LoadSummary()
    keys = parts_in_order(out)
    with store.read() as conn:
        f = t.ingest_failure.c
        known = {(r.origin, r.code, r.message) for r in conn.execute(sa.select(f.origin, f.code, f.message))}
    size = max(1, int(batch_size))
    for key in keys:
        summary.parts += 1
        batch: list[Article] = []
        for article in read_articles(out, part=key):
            summary.rows += 1 + sum(len(x) for x in (
                article.entities, article.quotes, article.figures, article.timexes, article.places,
                article.events, article.claims, article.errors))
            batch.append(article)
            if len(batch) >= size:
                _save_batch(store, batch, summary, progress, on_error)
        _save_batch(store, batch, summary, progress, on_error)
        for failure in _failures(out, key):
            if failure not in known:
                store.record_failure(*failure)
                known.add(failure)
                summary.failures_recorded += 1
    if summary.new or summary.revised:
        try:  # the threads pass reads the whole collection: once, after every part is saved
            store.rebuild_threads()
        except NewswatchError as exc:
            line = f"threads: {exc.code}: {exc.message}"
            summary.errors.append(line)
            if on_error:
                on_error(line)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary
