"""The threads pass (happenings and story threads, ``storage/threads.py``) beside the saves it follows.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_threads.py --db newswatch.sqlite [--repeat 3] [--json out.json]

On an existing database (one ``newswatch ingest`` wrote), in one run: the seconds of
``Store.rebuild_threads`` on every stored article (fastest of ``--repeat``, each run inside its
own write transaction, rolled back for all but the last); the seconds of the two groupings
alone (``happenings.cluster``, ``stories.cluster``) on all and on the first half of the
articles, and their growth ratio (near 2 when a grouping is linear in the collection); and the
pass beside the saves it follows: every article loaded and saved again into a fresh SQLite
file (no pass), the pass's seconds as a share of those saves' seconds.
pytest never collects this file; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    """Run the measurements and print (or write) them."""
    import sqlalchemy as sa

    from newswatch.situation import happenings as hp
    from newswatch.situation import stories as sto
    from newswatch.storage import Store
    from newswatch.storage import schema as t
    from newswatch.storage import threads as th
    from newswatch.storage.engine import write_transaction

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="SQLite file or SQLAlchemy URL of a filled database")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    url = args.db if "://" in args.db else f"sqlite:///{Path(args.db).resolve()}"
    store = Store.open(url)
    out: dict[str, object] = {"db": url}
    best = float("inf")
    for i in range(args.repeat):
        with write_transaction(store.engine) as conn:
            t0 = time.perf_counter()
            counts = th.rebuild_threads(conn)
            best = min(best, time.perf_counter() - t0)
            if i < args.repeat - 1:
                conn.rollback()
    out["counts"] = counts
    out["pass_seconds"] = round(best, 4)
    with store.read() as conn:
        e = t.entity.c
        ents = {r.key: (int(r.identity_id or r.id), r.label)
                for r in conn.execute(sa.select(e.id, e.key, e.identity_id, e.label))}
        reports, _ = th._reports(conn, ents)
        happening_of = hp.cluster(reports)
        sketches = th._sketches(conn, happening_of, reports)
    ordered = sorted(sketches, key=lambda s: (s.published is None, str(s.published), s.article))
    half = ordered[: len(ordered) // 2]
    keep = {s.article for s in half}
    timings = {}
    for name, items, reps in (("all", ordered, reports), ("half", half, [r for r in reports if r.article in keep])):
        t0 = time.perf_counter()
        hp.cluster(reps)
        t1 = time.perf_counter()
        sto.cluster(items)
        t2 = time.perf_counter()
        timings[name] = {"articles": len(items), "reports": len(reps),
                         "happenings_s": round(t1 - t0, 4), "stories_s": round(t2 - t1, 4)}
    out["groupings"] = timings
    out["growth_ratio"] = {k: round(timings["all"][k] / max(timings["half"][k], 1e-9), 2)
                           for k in ("happenings_s", "stories_s")}
    ids = [s.article for s in ordered]
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Store.open(f"sqlite:///{tmp}/copy.sqlite")
        t0 = time.perf_counter()
        for art_id in ids:
            fresh.save(store.load_article(art_id))
        save_s = time.perf_counter() - t0
        fresh.close()
    out["save_seconds_total"] = round(save_s, 3)
    out["pass_share_of_saves"] = round(best / max(save_s, 1e-9), 4)
    store.close()
    text = json.dumps(out, indent=1)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
