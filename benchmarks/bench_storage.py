"""Time ``Store.save`` per article: new, unchanged (re-ingest) and revised saves.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_storage.py [--articles 50] [--mentions 200]
        [--url sqlite:////tmp/bench.sqlite | postgresql+psycopg://postgres@127.0.0.1/test]

The article is the storage tests' sample (passages of the seed article) repeated until it
holds ``--mentions`` entity mentions, plus its quote, figures, timexes, places (every
"Afghanistan" is a place mention) and an event. Without ``--url`` a fresh SQLite file in a
temporary directory is used (WAL, synchronous=FULL: every commit is synced to disk).
With a PostgreSQL URL the tables must be empty or absent (a schema is created by migration).
Prints median and 90th percentile milliseconds per save (and per ``load_article``); nothing
is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from newswatch.storage import Store

from storage_samples import make_mentions_article


def _stats(label: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p90 = ms[min(len(ms) - 1, int(0.9 * len(ms)))]
    return f"{label:<10} n={len(ms):<4} median {statistics.median(ms):7.2f} ms   p90 {p90:7.2f} ms"


def run(url: str, articles: int, mentions: int) -> None:
    """Save ``articles`` distinct articles three times each and print the timings."""
    batch = [make_mentions_article(mentions, article_id=f"bench-{i:04d}") for i in range(articles)]
    first = batch[0]
    print(
        f"{url}\narticle: {len(first.text)} chars, {len(first.entities)} entity mentions, "
        f"{sum(len(p.mentions) for p in first.places)} place mentions, "
        f"{len(first.figures)} figures, {len(first.timexes)} timexes"
    )
    with Store.open(url) as store:
        timings: dict[str, list[float]] = {"new": [], "unchanged": [], "revised": []}
        for a in batch:
            t0 = time.perf_counter()
            store.save(a)
            timings["new"].append(time.perf_counter() - t0)
        for a in batch:
            t0 = time.perf_counter()
            assert store.save(a).status == "unchanged"
            timings["unchanged"].append(time.perf_counter() - t0)
        for a in batch:
            a.text += " (updated)"
            t0 = time.perf_counter()
            assert store.save(a).status == "revised"
            timings["revised"].append(time.perf_counter() - t0)
        timings["load"] = []
        for a in batch:
            t0 = time.perf_counter()
            store.load_article(a.id)
            timings["load"].append(time.perf_counter() - t0)
        for label, values in timings.items():
            print(_stats(label, values))


def main() -> None:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--mentions", type=int, default=200)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    if args.url:
        run(args.url, args.articles, args.mentions)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/bench.sqlite", args.articles, args.mentions)


if __name__ == "__main__":
    main()
