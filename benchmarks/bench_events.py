"""Ingest slowdown from event coding and the situation store, on the same articles.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_events.py [--corpus ../shared/corpus/wh_statements_2021/articles.jsonl]
        [--limit 200] [--json out.json]

Three ingests of the same first ``--limit`` articles into fresh SQLite files, each in its own
child process (wall time includes model loading; SQLite in WAL mode as ``newswatch ingest``
uses it):

* ``before``: the stages up to ``geocode`` and a store whose situation writes are switched off
  — ingest as it was before event coding existed;
* ``no_events``: the same stages, with the situation store on (entity identities, MinHash
  signatures and clusters);
* ``full``: every default stage (``events`` and ``claims`` included) and the situation store —
  ``newswatch ingest`` today.

Each mode runs ``--repeat`` times (interleaved) and the fastest run counts: on a 2-core machine
the nlp stage alone varies by ±20 % between identical runs. It prints seconds, articles per
second, the wall-clock slowdown of ``full`` over ``before`` (the whole cost of issue 4) and
over ``no_events``, the seconds spent inside each stage and in ``Store.save``, and the
*measured overhead*: seconds inside the events and claims stages plus the extra save time,
as a share of the ``before`` run — the number that does not depend on the nlp stage's jitter.
pytest never collects this file; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "wh_statements_2021" / "articles.jsonl"

JOB = r"""
import json, sys, time
from newswatch.pipeline import DEFAULT_STAGES, default_pipeline
from newswatch.ingest.readers import read_inputs
from newswatch.storage import Store
from newswatch.storage import store as store_module

mode, corpus, db = sys.argv[1], sys.argv[2], sys.argv[3]
stages = DEFAULT_STAGES if mode == "full" else tuple(s for s in DEFAULT_STAGES if s not in ("events", "claims"))
if mode == "before":
    store_module.sit.save_situation = lambda *a, **k: None
t0 = time.perf_counter()
pipe = default_pipeline(on_error="record", stages=stages)
spent = {st.name: 0.0 for st in pipe.stages}
pipe.initialize()
events = claims = n = 0
save_s = 0.0
with Store.open("sqlite:///" + db) as store:
    for item in read_inputs([corpus]):
        if not hasattr(item, "text"):
            continue
        a = item
        for st in pipe.stages:
            t = time.perf_counter()
            a = pipe._run_stage(st, a)
            spent[st.name] += time.perf_counter() - t
        t = time.perf_counter()
        store.save(a)
        save_s += time.perf_counter() - t
        n += 1
        events += len(a.events)
        claims += len(a.claims)
print(json.dumps({"articles": n, "seconds": time.perf_counter() - t0, "events": events, "claims": claims,
                  "stage_seconds": {k: round(v, 2) for k, v in spent.items()}, "save_seconds": round(save_s, 2)}))
"""


def _child(mode: str, corpus: Path, db: Path) -> dict:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", JOB, mode, str(corpus), str(db)], check=True,
                         capture_output=True, text=True)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["wall_seconds"] = round(time.perf_counter() - t0, 1)
    return res


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--limit", type=int, default=200, help="first N articles (0 = all)")
    p.add_argument("--repeat", type=int, default=2, help="runs per mode; the fastest counts")
    p.add_argument("--json", type=Path, help="also write the results here")
    args = p.parse_args()
    if not args.corpus.exists():
        print(f"{args.corpus}: not-found", file=sys.stderr)
        return 3
    with tempfile.TemporaryDirectory() as tmp:
        lines = args.corpus.read_text(encoding="utf-8").splitlines()
        if args.limit:
            lines = lines[: args.limit]
        corpus = Path(tmp) / "subset.jsonl"
        corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
        runs: dict[str, dict] = {}
        for k in range(max(1, args.repeat)):
            for mode in ("before", "no_events", "full"):
                r = _child(mode, corpus, Path(tmp) / f"{mode}-{k}.sqlite")
                if mode not in runs or r["seconds"] < runs[mode]["seconds"]:
                    runs[mode] = r
    res = {
        "corpus": str(args.corpus), "articles": len(lines), "cpu_count": os.cpu_count(),
        **{mode: {"seconds": round(r["seconds"], 1), "articles_per_s": round(r["articles"] / r["seconds"], 2),
                  "events": r["events"], "claims": r["claims"], "save_seconds": r["save_seconds"],
                  "stage_seconds": r["stage_seconds"]} for mode, r in runs.items()},
        "slowdown_full_vs_before": round(runs["full"]["seconds"] / runs["before"]["seconds"] - 1, 3),
        "slowdown_full_vs_no_events": round(runs["full"]["seconds"] / runs["no_events"]["seconds"] - 1, 3),
    }
    full, before = runs["full"], runs["before"]
    added = (full["stage_seconds"].get("events", 0) + full["stage_seconds"].get("claims", 0)
             + full["save_seconds"] - before["save_seconds"])
    res["overhead_seconds"] = round(added, 2)
    res["overhead_share_of_before"] = round(added / before["seconds"], 3)
    print(json.dumps(res, indent=1))
    if args.json:
        args.json.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
