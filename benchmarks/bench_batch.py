"""Throughput of the map step on one process, one Dask worker and two Dask workers over the same
inputs, in one run; peak memory per worker; the loader's rows per second into SQLite and
PostgreSQL.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_batch.py --corpus ../shared/corpus/wh_statements_2021/articles.jsonl \\
        [--limit 480] [--shards 12] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test] \\
        [--json benchmarks/results/batch_issue11.json]

The first ``--limit`` records of the corpus are cut into ``--shards`` JSON Lines shards (one
task each). Then:

* ``one_process``: :func:`newswatch.scale.batch.map_input` over the shards one after the other
  in this process, analysing with the same budgeted analysis worker ``ingest`` uses, started
  and its models loaded (``batch_preload_languages``, as a Dask worker's plugin does) before
  ``map_s`` starts;
* ``dask_1`` and ``dask_2``: ``newswatch batch --scheduler local --workers N`` (``run_batch``)
  on a fresh LocalCluster, each worker single-threaded with its own analysis child; with
  ``--rounds N`` the two run one after the other N times, and ``speedup_2_over_1`` gives each
  round's ratio and their median (on a shared machine one pair can swing by 0.1).

For each: ``wall_s`` (everything: cluster start, model loads, map, shut-down), ``map_s`` (first
task start to last task end, from the manifest: what a long run converges to) and articles per
second over ``map_s``; ``task_cpu_s`` (CPU seconds of the worker processes and analysis
children during the tasks) and articles per CPU second, the per-core rate free of the waiting a
shared machine adds; peak RSS per worker process and per analysis child (``VmHWM``, MiB) from
the manifest rows. Finally the two-worker parts are loaded (``load_parts``) into a fresh SQLite
file and, with ``--pg``, a fresh PostgreSQL schema: rows (articles + items) per second.

With ``--parts DIR`` only the loader is measured: the parts in ``DIR`` (mapped there with one
process first when it holds none) are loaded with one article per transaction and with
batches of 64 (``Store.save_many``), alternating, twice each, into fresh SQLite files and, with
``--pg``, fresh PostgreSQL schemas; ``rows_per_s_batched_over_single`` is the ratio of the summed
rates.

The machine is shared: wall-clock ratios swing between runs, so the script also reports CPU
seconds of the whole process tree. Nothing here asserts a time; pytest never collects it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from newswatch.scale.batch import map_input, read_manifest, run_batch  # noqa: E402
from newswatch.settings import load as load_settings  # noqa: E402


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _shards(corpus: Path, limit: int, shards: int, folder: Path) -> tuple[list[str], int, int]:
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)[:limit]
    chars = sum(len(json.loads(x)["text"]) for x in lines)
    paths = []
    for i in range(shards):
        path = folder / f"shard_{i:03d}.jsonl"
        path.write_text("".join(lines[i::shards]), encoding="utf-8")
        paths.append(str(path))
    return paths, len(lines), chars


def _map_stats(rows: list[dict[str, Any]], articles: int) -> dict[str, Any]:
    start = min(r["started"] for r in rows)
    end = max(r["started"] + r["seconds"] for r in rows)
    per_worker: dict[str, dict[str, float]] = {}
    for r in rows:
        w = per_worker.setdefault(r["worker"] or "in-process", {})
        for k, v in r["peak_rss_mib"].items():
            w[k] = max(w.get(k, 0.0), v)
    span = end - start
    cpu = sum(r["cpu_s"] for r in rows)
    return {"map_s": round(span, 2), "articles_per_s": round(articles / span, 2),
            "task_s_sum": round(sum(r["seconds"] for r in rows), 2), "task_cpu_s": round(cpu, 2),
            "articles_per_cpu_s": round(articles / cpu, 2) if cpu else None, "peak_rss_mib": per_worker}


def one_process(paths: list[str], out: Path, articles: int) -> dict[str, Any]:
    from newswatch.ingest import budget

    settings = load_settings()
    t0, c0 = time.perf_counter(), _cpu()
    try:  # the models a Dask worker loads in its plugin's setup (batch_preload_languages)
        from newswatch.scale.batch import preload_languages
    except ImportError:  # a tree from before the setting: its models load in the first task
        analyse = budget.analyser(settings)
    else:
        analyse = budget.analyser(settings, preload=preload_languages(settings))
    if isinstance(analyse, budget.AnalysisWorker):
        analyse.start()
    loaded = time.perf_counter() - t0
    rows = [map_input(p, p, str(out), settings, analyse=analyse) for p in paths]
    wall = time.perf_counter() - t0
    budget.close_workers()
    return {"wall_s": round(wall, 2), "model_load_s": round(loaded, 2), "cpu_s": round(_cpu() - c0, 2),
            **_map_stats(rows, articles)}


def dask_run(paths: list[str], out: Path, workers: int, articles: int) -> dict[str, Any]:
    t0, c0 = time.perf_counter(), _cpu()
    summary = run_batch(paths, scheduler="local", workers=workers, out=out, resume=False,
                        settings=load_settings())
    wall = time.perf_counter() - t0
    rows = [r for r in read_manifest(out) if r["status"] == "finished"]
    assert summary.finished == len(paths), summary
    return {"wall_s": round(wall, 2), "cpu_s": round(_cpu() - c0, 2), "workers": workers,
            **_map_stats(rows, articles)}


def load_run(out: Path, url: str, batch_size: int = 64) -> dict[str, Any]:
    from newswatch.scale.load import load_parts
    from newswatch.storage import Store

    with Store.open(url) as store:
        summary = load_parts(out, store, batch_size=batch_size)
    return {"batch_size": batch_size, "articles": summary.new, "rows": summary.rows, "seconds": summary.seconds,
            "rows_per_s": round(summary.rows / summary.seconds, 1),
            "articles_per_s": round(summary.new / summary.seconds, 2)}


def _pg_schema_url(admin_url: str) -> tuple[str, Any]:
    """A fresh PostgreSQL schema: its URL and a function that drops it."""
    import sqlalchemy as sa

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')

    def drop() -> None:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()

    return f"{admin_url}?options=-csearch_path%3D{schema}", drop


def loader_only(args: argparse.Namespace) -> dict[str, Any]:
    """``--parts``: the loader with one article per transaction beside batches of 64, in one run."""
    parts: Path = args.parts
    if not any(parts.glob("*/month=*/part-*.parquet")):
        with tempfile.TemporaryDirectory(prefix="bench_batch_in_") as tmp:
            paths, articles, _ = _shards(args.corpus, args.limit, args.shards, Path(tmp))
            print(f"mapping {articles} articles into {parts}", file=sys.stderr)
            one_process(paths, parts, articles)
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench_load_") as tmp:
        for round_ in range(2):
            for size in (1, 64):
                row = {"round": round_, "backend": "sqlite",
                       **load_run(parts, f"sqlite:///{Path(tmp) / f'load_{round_}_{size}.sqlite'}", size)}
                print(row, file=sys.stderr)
                runs.append(row)
                if args.pg:
                    url, drop = _pg_schema_url(args.pg)
                    try:
                        row = {"round": round_, "backend": "postgresql", **load_run(parts, url, size)}
                    finally:
                        drop()
                    print(row, file=sys.stderr)
                    runs.append(row)
    ratios = {}
    for backend in ("sqlite", "postgresql"):
        one = [r["rows_per_s"] for r in runs if r["backend"] == backend and r["batch_size"] == 1]
        many = [r["rows_per_s"] for r in runs if r["backend"] == backend and r["batch_size"] == 64]
        if one and many:
            ratios[backend] = round(sum(many) / sum(one), 3)
    return {"runs": runs, "rows_per_s_batched_over_single": ratios}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path,
                    default=ROOT.parent / "shared" / "corpus" / "wh_statements_2021" / "articles.jsonl")
    ap.add_argument("--limit", type=int, default=480)
    ap.add_argument("--shards", type=int, default=12)
    ap.add_argument("--pg", default="", help="PostgreSQL admin URL (a fresh schema is made and dropped)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="run one worker then two workers this many times; the speed-ups are the "
                    "medians of the rounds' ratios (the first round's runs are dask_1 and dask_2)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--parts", type=Path, help="loader only: load the parts in this folder (mapped with "
                    "one process first when it holds none) with one article per transaction and with "
                    "batches of 64, alternating, twice each, into fresh SQLite files (and --pg schemas)")
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    result: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}
    if args.parts:
        result["loader"] = loader_only(args)
        text = json.dumps(result, indent=2)
        print(text)
        if args.json:
            args.json.write_text(text + "\n", encoding="utf-8")
        return
    with tempfile.TemporaryDirectory(prefix="bench_batch_") as tmp:
        folder = Path(tmp)
        (folder / "in").mkdir()
        paths, articles, chars = _shards(args.corpus, args.limit, args.shards, folder / "in")
        result["inputs"] = {"corpus": args.corpus.name, "articles": articles, "characters": chars,
                            "shards": len(paths)}
        print(f"{articles} articles ({chars:,} characters) in {len(paths)} shards", file=sys.stderr)
        result["one_process"] = one_process(paths, folder / "p1", articles)
        print("one process", result["one_process"], file=sys.stderr)
        rounds = []
        for round_ in range(args.rounds):
            d1 = dask_run(paths, folder / f"d1_{round_}", 1, articles)
            print("dask 1", d1, file=sys.stderr)
            d2 = dask_run(paths, folder / f"d2_{round_}", 2, articles)
            print("dask 2", d2, file=sys.stderr)
            rounds.append({"dask_1": d1, "dask_2": d2,
                           "map": round(d2["articles_per_s"] / d1["articles_per_s"], 3),
                           "wall": round(d1["wall_s"] / d2["wall_s"], 3)})
        result["dask_1"], result["dask_2"] = rounds[0]["dask_1"], rounds[0]["dask_2"]
        result["speedup_2_over_1"] = {
            "map": statistics.median(r["map"] for r in rounds),
            "wall": statistics.median(r["wall"] for r in rounds),
            "map_rounds": [r["map"] for r in rounds], "wall_rounds": [r["wall"] for r in rounds],
        }
        if args.rounds > 1:
            result["rounds"] = rounds
        result["per_core_articles_per_s"] = {
            "wall": result["dask_1"]["articles_per_s"],
            "cpu": result["dask_1"]["articles_per_cpu_s"],
        }
        result["load_sqlite"] = load_run(folder / "d2_0", f"sqlite:///{folder / 'load.sqlite'}")
        print("load sqlite", result["load_sqlite"], file=sys.stderr)
        if args.pg:
            url, drop = _pg_schema_url(args.pg)
            try:
                result["load_postgresql"] = load_run(folder / "d2_0", url)
                print("load postgresql", result["load_postgresql"], file=sys.stderr)
            finally:
                drop()
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
