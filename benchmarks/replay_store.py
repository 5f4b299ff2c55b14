"""The storing half of ``newswatch ingest`` alone: save the same analysed articles again and
again, so the write path can be profiled and compared between two code trees without the
analysis (and its noise) in the measurement.

Usage (from the repository root; the code tree to measure first on ``PYTHONPATH``)::

    # once: analyse N corpus records (the ingest's own reader and analysis worker) and keep them
    PYTHONPATH=src .venv/bin/python benchmarks/replay_store.py capture --limit 250 articles.pickle
    # then, for each tree: save them into a fresh SQLite file, in batches as ingest does
    PYTHONPATH=src .venv/bin/python benchmarks/replay_store.py replay articles.pickle \\
        --db out.sqlite [--batch 64] [--profile out.prof] [--json out.json]
    # or into an empty PostgreSQL database: --url postgresql://postgres@127.0.0.1:5432/NAME

``replay`` saves the articles with ``Store.save_many`` in batches of ``--batch`` (the
``save_batch_count`` default; a real ingest also ends a batch after ``save_batch_seconds``, so
its batches depend on timing, these do not), then runs the threads pass as ``ingest`` does, then
saves them all once more (re-ingest: must add nothing). It reports this process's CPU seconds
(``time.process_time``) for the saves, and the SQL statements the saves sent (a SQLAlchemy
``before_cursor_execute`` listener; ``executemany`` counted once). With ``--profile`` the saves
run under cProfile with a CPU-time clock. The pickle holds ``newswatch.model.Article``
objects: replay it only with a tree whose model is the same. pytest never collects this file.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pickle
import pstats
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "wh_statements_2021" / "articles.jsonl"


def capture(corpus: Path, limit: int, out: Path) -> int:
    """Analyse the first ``limit`` records of ``corpus`` as ``ingest`` does; pickle the Articles."""
    from newswatch.cli.ingest import _articles
    from newswatch.ingest.budget import close_workers
    from newswatch.model import Article

    lines = corpus.read_text(encoding="utf-8").splitlines()
    if limit:
        lines = lines[:limit]
    with tempfile.TemporaryDirectory() as tmp:
        subset = Path(tmp) / corpus.name
        subset.write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            arts = [
                a
                for a in _articles([str(subset)], None, None, None, False, {"ok": 0, "failed": 0})
                if isinstance(a, Article)
            ]
        finally:
            close_workers()
    out.write_bytes(pickle.dumps(arts, protocol=pickle.HIGHEST_PROTOCOL))
    print(f"{len(arts)} articles -> {out}")
    return 0


def replay(src: Path, db: Path, batch: int, profile: Path | None, note: str, out: Path | None,
           url: str | None = None) -> int:
    """Save the pickled articles into a fresh ``db`` (see the module docstring), or into the
    empty database at ``url`` (PostgreSQL) when given."""
    import sqlalchemy as sa

    import newswatch
    from newswatch.storage import Store

    seen: Counter[str] = Counter()
    many = [0]

    def count(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        seen[statement.lstrip().split(None, 1)[0].upper()] += 1
        many[0] += executemany

    if url is None and db.exists():
        db.unlink()
    store = Store.open(url or f"sqlite:///{db}")
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    articles = pickle.loads(src.read_bytes())
    prof = cProfile.Profile(time.process_time) if profile else None
    statuses: Counter[str] = Counter()
    cpu0 = time.process_time()
    if prof is not None:
        prof.enable()
    for i in range(0, len(articles), batch):
        for r in store.save_many(articles[i : i + batch]):
            statuses[getattr(r, "status", None) or f"error:{getattr(r, 'code', '?')}"] += 1
    if prof is not None:
        prof.disable()
    save_cpu = time.process_time() - cpu0
    saves = dict(seen)
    save_statements, save_many = sum(seen.values()), many[0]
    cpu1 = time.process_time()
    store.rebuild_threads()
    threads_cpu = time.process_time() - cpu1
    seen.clear()
    again: Counter[str] = Counter()
    cpu2 = time.process_time()
    for i in range(0, len(articles), batch):
        for r in store.save_many(articles[i : i + batch]):
            again[getattr(r, "status", None) or f"error:{getattr(r, 'code', '?')}"] += 1
    again_cpu = time.process_time() - cpu2
    store.close()
    res: dict[str, Any] = {
        "note": note,
        "newswatch": str(Path(newswatch.__file__).parent),
        "articles": len(articles),
        "batch": batch,
        "statuses": dict(statuses),
        "save_cpu_seconds": round(save_cpu, 3),
        "save_cpu_ms_per_article": round(1000 * save_cpu / max(len(articles), 1), 2),
        "statements": save_statements,
        "executemany": save_many,
        "statements_per_article": round(save_statements / max(len(articles), 1), 2),
        "statements_by_verb": dict(sorted(saves.items(), key=lambda kv: -kv[1])),
        "threads_cpu_seconds": round(threads_cpu, 3),
        "reingest": {"statuses": dict(again), "cpu_seconds": round(again_cpu, 3), "statements": sum(seen.values())},
        "profiled": prof is not None,
    }
    if prof is not None and profile:
        prof.dump_stats(str(profile))
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(30)
        res["profile_top_tottime"] = [line.rstrip() for line in buf.getvalue().splitlines() if line.strip()][:45]
    print(json.dumps({k: v for k, v in res.items() if k != "profile_top_tottime"}, indent=1))
    if out:
        out.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("capture")
    c.add_argument("out", type=Path)
    c.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    c.add_argument("--limit", type=int, default=250)
    r = sub.add_parser("replay")
    r.add_argument("src", type=Path)
    r.add_argument("--db", type=Path, help="a fresh SQLite file")
    r.add_argument("--url", help="an empty PostgreSQL database instead of --db")
    r.add_argument("--batch", type=int, default=64)
    r.add_argument("--profile", type=Path)
    r.add_argument("--note", default="")
    r.add_argument("--json", type=Path)
    args = p.parse_args()
    if args.cmd == "capture":
        return capture(args.corpus, args.limit, args.out)
    if (args.db is None) == (args.url is None):
        p.error("give one of --db and --url")
    return replay(args.src, args.db or Path(), args.batch, args.profile, args.note, args.json, args.url)


if __name__ == "__main__":
    sys.exit(main())
