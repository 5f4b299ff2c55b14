"""The dashboard under load: many concurrent readers of the map, timeline and search API, first
alone, then beside one writer ingesting, in the same run.

Usage (from the repository root, on a database built by ``bench_web.py``)::

    .venv/bin/python benchmarks/bench_web_load.py --db /tmp/bench-web.sqlite | --url postgresql://...
        [--readers 50] [--seconds 20] [--writer copies|ingest] [--writer-rate 0]
        [--json out.json]

What runs:

1. ``newswatch``'s dashboard in its own process (uvicorn, one worker, 127.0.0.1), so the
   clients do not share its interpreter;
2. ``--readers`` concurrent clients (asyncio + httpx, one connection each, spread over
   ``--client-processes`` processes), each requesting the next of :data:`PATHS` as soon as it
   has its previous answer, for ``--seconds``;
3. the same again beside one writer process. ``--writer copies`` (the default) saves copies
   of stored articles (new ids, every item) one by one through ``Store.save``: as fast as the
   store allows (10–25 a second here, each its own commit and so its own data version: far
   beyond any ingest that analyses its articles, the pipeline runs at about four a second on
   this machine), or at most ``--writer-rate`` a second. ``--writer ingest`` runs the real
   writer, ``newswatch ingest`` on ``--ingest-input``: analysis on the same cores, saves in
   batches of the ``save_batch_count`` / ``save_batch_seconds`` settings; the phase starts once
   its first batch is committed.

For each phase: requests, requests per second, median, 95th percentile and maximum latency
(ms), in all and per endpoint (map, timeline, search), and failed requests (a transport error,
such as a connection closed without an answer, or any status other than 200). The writer's
saves are counted too, and the CPU seconds the server and the client processes used. The
server and writer run whatever ``newswatch`` is importable
(``PYTHONPATH``), so the same script measures two checkouts. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

#: What the ``--writer ingest`` process reads: White House statements of 2021 (bench_web.py
#: stores copies of the first ones under other ids, so these are new articles).
INGEST_INPUT = next((p for p in (Path(os.environ.get("NEWSWATCH_SHARED_DIR", "/nonexistent")),
                                 Path(__file__).resolve().parent.parent.parent / "shared",
                                 Path(__file__).resolve().parent.parent.parent.parent / "shared")
                     if (p / "corpus").is_dir()), Path("../shared")) / "corpus/wh_statements_2021/articles.jsonl"
#: Requests the readers cycle through (each reader starts at a different one).
PATHS = [
    "/api/map", "/api/map?country=AF", "/api/map?since=2021-08-01&until=2021-12-31",
    "/api/map?zoom=3",
    "/api/timeline", "/api/timeline?country=AF", "/api/timeline?type=article",
    "/api/timeline/items?start=2021-08-16&end=2021-08-16",
    "/api/search?q=Afghanistan", "/api/search?q=Taliban%20Kabul", "/api/search?q=evacuat*",
    "/api/search?q=%D0%A2%D0%B0%D0%BB%D0%B8%D0%B1%D0%B0%D0%BD",
]

_SERVER = """
import sys, uvicorn
from newswatch.web import create_app, load_config
app = create_app(load_config(sys.argv[1], env={}))
try:  # as `newswatch serve` does, where the checkout has it
    from newswatch.web.app import settle_heap
except ImportError:
    pass
else:
    settle_heap()
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""

_WRITER = """
import dataclasses, sys, time
from newswatch.storage import Store
url, tag, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])
with Store.open(url) as store:
    ids = store.article_ids()[:50]
    sources = [store.load_article(i) for i in ids]
    n = 0
    print("ready", flush=True)
    while True:
        src = sources[n % len(sources)]
        store.save(dataclasses.replace(src, id=f"{src.id}~load-{tag}-{n}"))
        n += 1
        print(n, flush=True)
        time.sleep(pause)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _articles(url: str) -> int:
    from newswatch.storage import Store

    with Store.open(url) as store:
        return len(store.article_ids())


def _version(url: str) -> int:
    """The database's data version (bumped by every save; a batch's commit makes readers see
    one change)."""
    from newswatch.storage import Store
    from newswatch.storage.aggregates import data_version

    with Store.open(url) as store, store.read() as conn:
        return data_version(conn)


def _start_ingest(url: str, env: dict[str, str], path: Path) -> tuple[subprocess.Popen[str], int]:
    """Start ``newswatch ingest PATH`` on the database and return once its first batch is
    committed (the models are loaded and it is writing), with the article count at that
    moment."""
    before = _version(url)
    writer = subprocess.Popen([sys.executable, "-m", "newswatch", "ingest", str(path), "--db", url,
                               "--no-progress"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, text=True)
    deadline = time.perf_counter() + 600
    while _version(url) == before and writer.poll() is None and time.perf_counter() < deadline:
        time.sleep(0.2)
    return writer, _articles(url)


def _kind(path: str) -> str:
    return path.split("?")[0].split("/")[2]  # map, timeline, search


def _stats(ms: list[float]) -> dict[str, Any]:
    ms = sorted(ms)
    n = len(ms)
    return {"n": n,
            "median_ms": round(statistics.median(ms), 1) if ms else None,
            "p95_ms": round(ms[min(n - 1, int(0.95 * n))], 1) if ms else None,
            "max_ms": round(ms[-1], 1) if ms else None}


async def _reader(client: httpx.AsyncClient, start: int, stop_at: float,
                  ms: list[tuple[str, float]], failures: list[str]) -> None:
    i = start
    while time.perf_counter() < stop_at:
        path = PATHS[i % len(PATHS)]
        i += 1
        t0 = time.perf_counter()
        try:
            r = await client.get(path)
            ok = r.status_code == 200
            if not ok:
                failures.append(f"{r.status_code} {path}")
        except httpx.HTTPError as exc:
            failures.append(f"{type(exc).__name__} {path}")
            ok = False
        if ok:
            ms.append((_kind(path), (time.perf_counter() - t0) * 1000))


async def _readers(base: str, first: int, readers: int, seconds: float
                   ) -> tuple[list[tuple[str, float]], list[str]]:
    ms: list[tuple[str, float]] = []
    failures: list[str] = []
    limits = httpx.Limits(max_connections=readers, max_keepalive_connections=readers)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        stop_at = time.perf_counter() + seconds
        await asyncio.gather(*(_reader(client, first + k, stop_at, ms, failures) for k in range(readers)))
    return ms, failures


def _client_process(job: tuple[str, int, int, float]) -> tuple[list[tuple[str, float]], list[str], float]:
    base, first, readers, seconds = job
    ms, failures = asyncio.run(_readers(base, first, readers, seconds))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return ms, failures, usage.ru_utime + usage.ru_stime


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _phase(base: str, readers: int, seconds: float, processes: int, server_pid: int) -> dict[str, Any]:
    share = [readers // processes + (1 if k < readers % processes else 0) for k in range(processes)]
    jobs = [(base, sum(share[:k]), n, seconds) for k, n in enumerate(share) if n]
    server_cpu = _cpu_seconds(server_pid)
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
        parts = pool.map(_client_process, jobs)
    took = time.perf_counter() - started
    server_cpu = _cpu_seconds(server_pid) - server_cpu
    ms = [x for part in parts for x in part[0]]
    failures = [x for part in parts for x in part[1]]
    total = _stats([x for _, x in ms])
    return {
        "requests": total["n"] + len(failures), "failed": len(failures),
        "failures": sorted(set(failures))[:10],
        "per_second": round((total["n"] + len(failures)) / took, 1),
        "median_ms": total["median_ms"], "p95_ms": total["p95_ms"], "max_ms": total["max_ms"],
        "by_endpoint": {k: _stats([x for kind, x in ms if kind == k])
                        for k in sorted({kind for kind, _ in ms})},
        "server_cpu_s": round(server_cpu, 1), "clients_cpu_s": round(sum(p[2] for p in parts), 1),
        "wall_s": round(took, 1),
    }


def _print(name: str, r: dict[str, Any]) -> None:
    print(f"{name:<12} requests {r['requests']:>5} ({r['per_second']:>6}/s)  median {r['median_ms']} ms  "
          f"p95 {r['p95_ms']} ms  max {r['max_ms']} ms  failed {r['failed']}"
          + (f"  saves {r['saves']}" if "saves" in r else "")
          + f"  CPU s: server {r['server_cpu_s']}, clients {r['clients_cpu_s']} in {r['wall_s']} s", flush=True)
    for kind, st in r["by_endpoint"].items():
        print(f"  {kind:<10} n {st['n']:>5}  median {st['median_ms']} ms  p95 {st['p95_ms']} ms", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/bench-web.sqlite")
    parser.add_argument("--url", help="a database URL (PostgreSQL, say) instead of --db")
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--client-processes", type=int, default=2,
                        help="processes the readers are spread over (one client process "
                             "cannot ask fast enough)")
    parser.add_argument("--writer-rate", type=float, default=0.0,
                        help="saves per second at most (0: as fast as the store allows)")
    parser.add_argument("--writer", choices=("copies", "ingest"), default="copies",
                        help="copies: save copies of stored articles one by one (Store.save); "
                             "ingest: run `newswatch ingest` on --ingest-input (the real writer: "
                             "analysis, then batched saves)")
    parser.add_argument("--ingest-input", type=Path, default=INGEST_INPUT,
                        help="what the ingest writer reads (articles not in the database yet)")
    parser.add_argument("--server-log", type=Path, default=Path(os.devnull),
                        help="where the server's own messages go (default: nowhere)")
    args = parser.parse_args(argv)
    url = args.url or f"sqlite:///{Path(args.db).resolve()}"
    port = _free_port()
    env = dict(os.environ)
    log = args.server_log.open("w", encoding="utf-8")
    server = subprocess.Popen([sys.executable, "-c", _SERVER, url, str(port)], env=env,
                              stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {"db": url.split("@")[-1], "readers": args.readers, "seconds": args.seconds}
    writer = None
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        for path in PATHS:  # warm-up: one of each
            httpx.get(base + path, timeout=120)
        results["readers_only"] = _phase(base, args.readers, args.seconds, args.client_processes, server.pid)
        _print("readers", results["readers_only"])
        results["writer"] = args.writer
        if args.writer == "ingest":
            writer, at_start = _start_ingest(url, env, args.ingest_input)
            results["with_writer"] = _phase(base, args.readers, args.seconds, args.client_processes, server.pid)
            results["with_writer"]["saves"] = _articles(url) - at_start
        else:
            pause = 1.0 / args.writer_rate if args.writer_rate > 0 else 0.0
            writer = subprocess.Popen([sys.executable, "-c", _WRITER, url, str(int(time.time())), str(pause)],
                                      env=env, stdout=subprocess.PIPE, text=True)
            assert writer.stdout is not None
            writer.stdout.readline()  # "ready"
            results["with_writer"] = _phase(base, args.readers, args.seconds, args.client_processes, server.pid)
            writer.terminate()
            out = writer.stdout.read().split()
            results["with_writer"]["saves"] = int(out[-1]) if out else 0
        _print("with writer", results["with_writer"])
    finally:
        if writer is not None and writer.poll() is None:
            writer.kill()
        server.terminate()
        server.wait(10)
        log.close()
    if args.json:
        results["cpu_count"] = os.cpu_count()
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
