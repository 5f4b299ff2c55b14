"""Throughput and peak memory of ``newswatch ingest`` beside a bare spaCy pass, in one run.

Usage (from the repository root, after ``bash scripts/setup.sh``)::

    .venv/bin/python benchmarks/bench_ingest.py [--corpus ../shared/corpus/wh_statements_2021/articles.jsonl]
        [--limit N] [--json out.json]

Each measurement runs in its own child process so that peak RSS (``ru_maxrss`` of the child,
KiB on Linux) belongs to that job alone:

* ``spacy``: the English spaCy pipeline newswatch loads (``nlp_en_model``, with
  ``nlp_en_ner_model``'s NER), as its packages ship it (spaCy's own ``attribute_ruler``, not
  newswatch's equivalent table), over the texts with ``nlp.pipe`` — the floor any pipeline
  built on the stock model pays;
* ``ingest``: the real CLI, ``newswatch ingest --no-progress`` into a fresh SQLite file.

Wall-clock seconds include model loading in both; articles per second = articles / seconds.
CPU seconds are user + system time of the child and every process it reaped (the analysis
worker included), read from ``getrusage(RUSAGE_CHILDREN)`` before and after: on a busy machine
wall-clock ratios swing (1.49 and 1.92 for the same code in two runs minutes apart), CPU-time
ratios much less, so both are reported. The ingest's CPU seconds are also split between its
storing process (the CLI: reading, extracting, storing) and the analysis worker it starts.
Peak RSS is each child's own ``ru_maxrss`` (MiB).
pytest never collects this file; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "wh_statements_2021" / "articles.jsonl"

SPACY_JOB = """
import inspect, json, sys
from newswatch.stages.nlp import load_english
# the stock pipeline; a tree from before the attribute table has no such option (ab_ingest.py)
stock = {"attribute_table": False} if "attribute_table" in inspect.signature(load_english).parameters else {}
nlp = load_english(**stock)
nlp.max_length = 2_000_000
texts = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8")]
n = sum(1 for _ in nlp.pipe(texts, batch_size=32))
import resource
print("MAXRSS_KIB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""

#: Runs the real CLI in a child and reports its peak RSS (KiB) on stderr: the larger of the
#: CLI process and the analysis worker it starts (ingest/budget.py), which is stopped and
#: reaped first so that RUSAGE_CHILDREN covers it; and the CPU seconds of each (``CPU_SPLIT``
#: storing process, analysis worker: user + system, start and imports included).
CLI_JOB = """
import resource, sys
from newswatch.cli import app
from newswatch.ingest import budget
try:
    app(sys.argv[1:])
except SystemExit as exc:
    if exc.code not in (0, None):
        raise
finally:
    budget.close_workers()
    own, worker = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print("CPU_SPLIT", own.ru_utime + own.ru_stime, worker.ru_utime + worker.ru_stime, file=sys.stderr)
    print("MAXRSS_KIB", max(own.ru_maxrss, worker.ru_maxrss), file=sys.stderr)
"""


def _cpu_of_children() -> float:
    """User + system CPU seconds of every child this process has reaped so far."""
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def _child(cmd: list[str]) -> tuple[float, float, int, str, list[float]]:
    """Run ``cmd``; return (wall seconds, CPU seconds, the child's own peak RSS in MiB, stdout,
    the CPU split the child printed: ``CPU_SPLIT <own> <its children>``, empty when none).

    The child prints ``MAXRSS_KIB <n>`` (its ``ru_maxrss``) on stderr as its last act.
    """
    cpu0 = _cpu_of_children()
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    secs = time.perf_counter() - t0
    cpu = _cpu_of_children() - cpu0
    kib = [int(line.split()[1]) for line in out.stderr.splitlines() if line.startswith("MAXRSS_KIB")]
    split = [[float(x) for x in line.split()[1:]] for line in out.stderr.splitlines()
             if line.startswith("CPU_SPLIT")]
    return secs, cpu, kib[-1] // 1024, out.stdout, split[-1] if split else []


def _compile_package(py: str) -> str:
    """Write the bytecode of the ``newswatch`` package the children will import (``compileall``
    with their interpreter and path), as an installed package has it; returns its folder.

    With ``PYTHONDONTWRITEBYTECODE`` set (some shells and CI images set it), no run ever caches
    bytecode, so every child would compile the package's sources again at start, a cost a
    deployment does not pay (0.05-0.1 CPU s in the storing process, more in the worker).
    """
    where = subprocess.run([py, "-c", "import newswatch, os; print(os.path.dirname(newswatch.__file__))"],
                           check=True, capture_output=True, text=True).stdout.strip()
    subprocess.run([py, "-m", "compileall", "-q", where], check=True, capture_output=True)
    return where


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--limit", type=int, default=0, help="first N articles only (0 = all)")
    p.add_argument("--json", type=Path, help="also write the results here")
    p.add_argument("--repeat", type=int, default=1,
                   help="measure N alternating pairs (spaCy, ingest) in this run (default 1)")
    args = p.parse_args()
    if not args.corpus.exists():
        print(f"{args.corpus}: not-found", file=sys.stderr)
        return 3
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus
        lines = corpus.read_text(encoding="utf-8").splitlines()
        if args.limit:
            lines = lines[: args.limit]
            corpus = Path(tmp) / "subset.jsonl"
            corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
        n = len(lines)
        chars = sum(len(json.loads(line)["text"]) for line in lines)
        py = sys.executable
        compiled = _compile_package(py)
        pairs = []
        for k in range(max(1, args.repeat)):
            s_secs, s_cpu, s_rss, _, _ = _child([py, "-c", SPACY_JOB, str(corpus)])
            db = Path(tmp) / f"bench{k}.sqlite"
            i_secs, i_cpu, i_rss, i_out, i_split = _child(
                [py, "-c", CLI_JOB, "ingest", "--no-progress", "--db", str(db), str(corpus)])
            pairs.append({
                "spacy": {"seconds": round(s_secs, 1), "cpu_seconds": round(s_cpu, 1),
                          "articles_per_s": round(n / s_secs, 2), "peak_rss_mib": s_rss},
                "ingest": {"seconds": round(i_secs, 1), "cpu_seconds": round(i_cpu, 1),
                           "articles_per_s": round(n / i_secs, 2), "peak_rss_mib": i_rss,
                           "summary": i_out.strip().splitlines()[-1] if i_out.strip() else "",
                           **({"storing_process_cpu_seconds": round(i_split[0], 2),
                               "analysis_worker_cpu_seconds": round(i_split[1], 2)}
                              if len(i_split) == 2 else {})},
                "ingest_time_ratio": round(i_secs / s_secs, 2),
                "ingest_cpu_ratio": round(i_cpu / s_cpu, 2),
            })
    res = {"corpus": str(args.corpus), "articles": n, "characters": chars,
           "cpu_count": os.cpu_count(), "load_average_after": os.getloadavg(),
           "bytecode_compiled": compiled, **pairs[0]}
    if len(pairs) > 1:
        res["pairs"] = pairs
        res["ingest_cpu_ratios"] = [q["ingest_cpu_ratio"] for q in pairs]
        res["ingest_cpu_ratio_median"] = statistics.median(res["ingest_cpu_ratios"])
    print(json.dumps(res, indent=1))
    if args.json:
        args.json.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
