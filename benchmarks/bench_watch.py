"""The watch loop at steady state, and alert latency from fetch to delivery (issue 10).

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_watch.py [--feeds 200] [--passes 3] [--rounds 30]
        [--json out.json]

A loopback HTTP server (started here) serves ``--feeds`` copies of the repository's fixture feed
``tests/data/feeds/wh_afghanistan.rss`` (3 items each; every copy's item links carry the feed's
number, so all items are distinct) with strong ETags; ``fetch_allowed_hosts`` lets the guard
reach it. The analysis is the identity: this measures the loop (robots.txt, conditional GET,
feed reading, canonical-URL dedupe, storage, rule evaluation, delivery), not the NLP pipeline,
whose cost per article ``bench_ingest.py`` measures.

* ``first pass``: every feed fetched once, its items stored, one rule evaluated per item;
* ``steady state``: ``--passes`` further passes in which every feed answers ``304``; sources per
  minute = feeds / seconds of a pass;
* ``alert latency``: ``--rounds`` times, one feed gains a new matching item and is the only one
  due; the time from the start of the pass to the alert's delivery (median and p95).

pytest never collects this file; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import sqlalchemy as sa  # noqa: E402

from newswatch.settings import load as load_settings  # noqa: E402
from newswatch.storage import Store  # noqa: E402
from newswatch.storage.engine import write_transaction  # noqa: E402
from newswatch.storage.watch_schema import watch_source  # noqa: E402
from newswatch.watch.loop import Watcher  # noqa: E402
from newswatch.watch.rules import add_rule  # noqa: E402
from newswatch.watch.sources import add_source  # noqa: E402

FEED = (ROOT / "tests" / "data" / "feeds" / "wh_afghanistan.rss").read_bytes()
NEW_ITEM = (b"<item><title>Breaking: talks in Doha, round %d</title>"
            b"<link>https://example.org/doha/%d</link>"
            b"<description>Negotiators met in Doha for round %d of the talks.</description></item>")


class Feeds:
    def __init__(self, n: int) -> None:
        self.bodies = {f"/f{i}.rss": FEED.replace(b"/2021/06/", f"/2021/06/f{i}/".encode())
                       for i in range(n)}

    def etag(self, path: str) -> str:
        return f'"{hash(self.bodies[path]) & 0xFFFFFFFF:x}"'


def _serve(feeds: Feeds) -> tuple[ThreadingHTTPServer, int]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = feeds.bodies.get(self.path)
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            tag = feeds.etag(self.path)
            if self.headers.get("If-None-Match") == tag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", tag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, int(httpd.server_address[1])


class Clock:
    def __init__(self) -> None:
        self.at = dt.datetime(2026, 12, 5, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.at


class TimedSink:
    name = "timed"

    def __init__(self) -> None:
        self.delivered: list[float] = []

    def deliver(self, alert: dict[str, Any]) -> None:
        self.delivered.append(time.perf_counter())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    feeds = Feeds(args.feeds)
    httpd, port = _serve(feeds)
    settings = load_settings({"fetch_allowed_hosts": "127.0.0.1", "watch_host_interval_seconds": 0})
    clock, sink = Clock(), TimedSink()
    out: dict[str, Any] = {"feeds": args.feeds}
    with tempfile.TemporaryDirectory() as tmp, Store.open(f"sqlite:///{tmp}/bench.sqlite") as store:
        for path in feeds.bodies:
            add_source(store, f"http://127.0.0.1:{port}{path}", discover=False, every_seconds=900,
                       now=clock.at)
        add_rule(store, "doha", "Doha AND (talks OR negotiators)", {})
        w = Watcher(store, settings, analyse=lambda a: a, sinks=[sink], now=clock, log=lambda _: None)
        t0 = time.perf_counter()
        first = w.run_pass()
        out["first_pass"] = {"seconds": round(time.perf_counter() - t0, 2), **first.to_dict()}
        steady = []
        for _ in range(args.passes):
            clock.at += dt.timedelta(seconds=900)
            t0 = time.perf_counter()
            report = w.run_pass()
            steady.append(time.perf_counter() - t0)
            assert report.not_modified == args.feeds, report
        best = statistics.median(steady)
        out["steady_state"] = {"seconds_per_pass_median": round(best, 3),
                               "sources_per_minute": round(args.feeds / best * 60)}
        latencies = []
        clock.at += dt.timedelta(seconds=900)
        for r in range(args.rounds):
            path = f"/f{r % args.feeds}.rss"
            feeds.bodies[path] = feeds.bodies[path].replace(
                b"<item>", NEW_ITEM % (r, r, r) + b"<item>", 1)
            with write_transaction(store.engine) as conn:  # only this feed is due
                conn.execute(sa.update(watch_source).values(next_fetch_at=clock.at
                                                            + dt.timedelta(hours=1)))
                conn.execute(sa.update(watch_source)
                             .where(watch_source.c.feed_url.endswith(path))
                             .values(next_fetch_at=clock.at))
            t0 = time.perf_counter()
            report = w.run_pass()
            assert report.alerts == 1, report
            latencies.append(sink.delivered[-1] - t0)
        latencies.sort()
        out["alert_latency_ms"] = {
            "median": round(statistics.median(latencies) * 1000, 1),
            "p95": round(latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000, 1),
            "rounds": args.rounds}
        w.close()
    httpd.shutdown()
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
