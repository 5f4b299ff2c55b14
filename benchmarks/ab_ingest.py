"""Alternate ``bench_ingest.py`` runs of two code trees in one run: old, new, old, new...

Usage::

    .venv/bin/python benchmarks/ab_ingest.py --old /path/to/old/src --new src --pairs 2 \\
        --limit 250 --json benchmarks/results/out.json

Each run is ``benchmarks/bench_ingest.py --limit N`` (this tree's copy, so both codes are
measured by the same harness) with ``PYTHONPATH`` set to the tree's ``src``; its spaCy job and
ingest job run back to back, so each run's CPU ratio compares the two on the same machine
state. On a shared machine rely on CPU seconds. pytest never collects this file.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _run(src: Path, limit: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        env = {**os.environ, "PYTHONPATH": str(src.resolve())}
        subprocess.run([sys.executable, str(HERE / "bench_ingest.py"), "--limit", str(limit),
                        "--json", out.name], check=True, env=env, capture_output=True)
        return json.loads(Path(out.name).read_text(encoding="utf-8"))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--old", type=Path, required=True, help="the old tree's src folder")
    p.add_argument("--new", type=Path, required=True, help="the new tree's src folder")
    p.add_argument("--pairs", type=int, default=2)
    p.add_argument("--limit", type=int, default=250)
    p.add_argument("--note", default="")
    p.add_argument("--json", type=Path)
    args = p.parse_args()
    runs = []
    for _ in range(args.pairs):
        for code, src in (("old", args.old), ("new", args.new)):
            r = _run(src, args.limit)
            row = {"code": code, "spacy_cpu_s": r["spacy"]["cpu_seconds"],
                   "ingest_cpu_s": r["ingest"]["cpu_seconds"], "ingest_cpu_ratio": r["ingest_cpu_ratio"],
                   "spacy_s": r["spacy"]["seconds"], "ingest_s": r["ingest"]["seconds"],
                   "ingest_time_ratio": r["ingest_time_ratio"],
                   "ingest_peak_rss_mib": r["ingest"]["peak_rss_mib"],
                   "storing_process_cpu_s": r["ingest"].get("storing_process_cpu_seconds"),
                   "analysis_worker_cpu_s": r["ingest"].get("analysis_worker_cpu_seconds"),
                   "summary": r["ingest"]["summary"]}
            runs.append(row)
            print(json.dumps(row), flush=True)

    def of(code: str, key: str) -> list:
        return [r[key] for r in runs if r["code"] == code]

    res = {"note": args.note, "articles": args.limit, "old": str(args.old), "new": str(args.new),
           "runs": runs,
           "summary": {f"{k}_{c}": of(c, k) for k in ("ingest_cpu_ratio", "ingest_cpu_s", "ingest_peak_rss_mib")
                       for c in ("old", "new")}}
    for c in ("old", "new"):
        res["summary"][f"ingest_cpu_s_mean_{c}"] = round(statistics.mean(of(c, "ingest_cpu_s")), 2)
        res["summary"][f"cpu_ratio_mean_{c}"] = round(statistics.mean(of(c, "ingest_cpu_ratio")), 3)
    print(json.dumps(res["summary"], indent=1))
    if args.json:
        args.json.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
