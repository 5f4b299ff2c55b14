"""Latency of the dashboard's map, timeline and search endpoints on a large database.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_web.py [--articles 10000] [--base 200]
        [--db /tmp/bench-web.sqlite | --url postgresql+psycopg://...] [--requests 40]
        [--cold] [--json out.json] [--copy-from /tmp/bench-web.sqlite]

How the database is built (skipped when ``--db`` already holds ``--articles`` articles):

1. ``--base`` distinct real articles are read from ../shared/corpus (White House statements
   2021, the Afghanistan RSS items, Kremlin texts in English, Russian Wikinews from NEREL, in
   that proportion: 60/20/10/10 %) and analysed once by the real pipeline;
2. copies of them are saved through ``Store.save_many`` (batches of :data:`SAVE_BATCH`) under
   distinct ids (``<id>~<n>``) with their publication date shifted by whole days, until the
   database holds ``--articles`` articles. Every copy has all its items (entities, quotes, figures, timexes, places), so
   the tables grow as they would with that many ingested articles, and the FTS5 index gets
   every text.

Saving copies slows as every base text gathers hundreds of near-duplicates (about 40 saves a
second at 10,000 articles, 10 past 50,000), so ``--replicate-to N`` grows a SQLite bench
database to ``N`` articles in SQL instead (:func:`replicate`): the rows of the saved copies are
copied again under the ids and dates the build would have given the next copies, then the
aggregates are rebuilt. The result has the rows of a database built by saving, except that
the copies' events, near-duplicate clusters and claim groups are those of the copies they
were made from (no new merging).

Then the dashboard runs under uvicorn on 127.0.0.1 and each endpoint is requested
``--requests`` times (after two warm-up requests) over HTTP with a few filter variants; the
median and 95th-percentile wall-clock latencies are printed. Repeated requests are answered
from the dashboard's read cache until a write; ``--cold`` switches it off so that every
request is computed. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import json
import os
import resource
import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
#: The shared corpus: ``NEWSWATCH_SHARED_DIR``/corpus, else ../shared/corpus beside the checkout
#: (or beside the main checkout, for a worktree under /work/wt/).
CORPUS = next((p for p in (Path(os.environ.get("NEWSWATCH_SHARED_DIR", "/nonexistent")) / "corpus",
                           ROOT.parent / "shared" / "corpus", ROOT.parent.parent / "shared" / "corpus")
               if p.is_dir()), ROOT.parent / "shared" / "corpus")
#: (file, share of the base articles)
SOURCES = (
    ("wh_statements_2021/articles.jsonl", 0.6),
    ("rss_afghanistan_2021/items.jsonl", 0.2),
    ("kremlin_en_central_asia_2021_2022/articles.jsonl", 0.1),
    ("nerel_ru_wikinews/articles.jsonl", 0.1),
)
#: Address-space cap for this process, in bytes: a runaway analysis fails with MemoryError
#: (recorded by the pipeline) instead of exhausting the machine.
MEMORY_CAP_BYTES = 8 * 1024**3
#: Copies per ``Store.save_many`` transaction while building (as ``ingest`` batches its saves).
SAVE_BATCH = 64
#: Request variants per endpoint (query strings).
VARIANTS = {
    "map": ["/api/map", "/api/map?country=AF", "/api/map?since=2021-08-01&until=2021-12-31"],
    "timeline": ["/api/timeline", "/api/timeline?country=AF", "/api/timeline?type=article",
                 "/api/timeline/items?start=2021-08-16&end=2021-08-16"],
    "search": ["/api/search?q=Afghanistan", "/api/search?q=Taliban%20Kabul",
               "/api/search?q=evacuat*", "/api/search?q=%D0%A2%D0%B0%D0%BB%D0%B8%D0%B1%D0%B0%D0%BD"],
}


def _records(total: int) -> list[dict]:
    out = []
    for name, share in SOURCES:
        want = max(1, round(total * share))
        with (CORPUS / name).open(encoding="utf-8") as fh:
            for line in itertools.islice(fh, want):
                out.append(json.loads(line))
    return out[:total]


def build(url: str, articles: int, base: int) -> None:
    """Fill the database at ``url`` as described in the module docstring."""
    from newswatch.ingest.readers import record_to_article
    from newswatch.pipeline import default_pipeline
    from newswatch.storage import Store

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))
    started = time.perf_counter()
    pipeline = default_pipeline(on_error="record")
    analysed = []
    for i, record in enumerate(_records(base)):
        article = pipeline(record_to_article(record, f"corpus:{i}"))
        analysed.append(article)
    took = time.perf_counter() - started
    print(f"analysed {len(analysed)} base articles in {took:.0f} s", flush=True)
    started = time.perf_counter()
    with Store.open(url) as store:
        have = len(store.article_ids())
        batch = []
        for n in range(have, articles):
            src = analysed[n % len(analysed)]
            shift = dt.timedelta(days=(n // len(analysed)) % 365)
            batch.append(dataclasses.replace(
                src, id=f"{src.ensure_id()}~{n}",
                published=(src.published + shift) if src.published else None))
            if len(batch) == SAVE_BATCH or n == articles - 1:
                save_many = getattr(store, "save_many", None)  # older checkouts: one by one
                if save_many is not None:
                    save_many(batch)
                else:
                    for copy in batch:
                        store.save(copy)
                batch = []
            if n % 1000 == 0:
                print(f"  saved {n} articles", flush=True)
        counts = store.counts()
    print(f"saved copies in {time.perf_counter() - started:.0f} s: "
          f"{counts['article']} articles, {counts['entity_mention']} entity mentions, "
          f"{counts['place_mention']} place mentions, {counts['figure']} figures", flush=True)


#: Tables whose rows belong to one article or revision: what :func:`replicate` copies. Every
#: other table (places, entities, events, claim groups, clusters, sources, users) is shared.
PER_ARTICLE_TABLES = ("revision", "revision_minhash", "minhash_band", "entity_mention",
                      "place_resolution", "place_mention", "quote", "figure", "timex", "claim",
                      "event_mention", "stage_error", "article_cluster_member")


def replicate(url: str, articles: int, base: int) -> None:
    """Grow the SQLite bench database at ``url`` to ``articles`` articles in SQL.

    Copy ``k`` of the database's ``N`` articles gives each article ``<base id>~<n + k*N>`` and
    the publication date the build gives copy ``n + k*N`` (its base date shifted by
    ``((n + k*N) // base) % 365`` days); each row of :data:`PER_ARTICLE_TABLES` is copied with
    its integer ids moved past the table's largest id and its references to other copied rows
    (revision, place resolution) moved alike; references to shared tables are kept. The FTS5
    index is filled by its trigger; the write-time aggregates are rebuilt at the end
    (``aggregates.rebuild``). One transaction per copy.

    Raises:
        SystemExit: ``url`` is not SQLite, or its article ids are not ``<id>~<n>``.
    """
    import re

    import sqlalchemy as sa

    from newswatch.storage import Store, aggregates
    from newswatch.storage import schema as t

    with Store.open(url) as store:
        if store.backend != "sqlite":
            raise SystemExit("--replicate-to needs a SQLite bench database")
    engine = sa.create_engine(url)
    started = time.perf_counter()
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.article)).mappings().all()
    pattern = re.compile(r"^(.*)~(\d+)$")
    originals = []
    for row in rows:
        m = pattern.match(row["id"])
        if m is None:
            raise SystemExit(f"article {row['id']!r} is not a bench copy (<id>~<n>)")
        n = int(m.group(2))
        base_day = (dt.date.fromisoformat(str(row["published"])) - dt.timedelta(days=(n // base) % 365)
                    if row["published"] else None)
        originals.append((dict(row), m.group(1), n, base_day))
    have = len(originals)
    copy = 0
    while have < articles:
        copy += 1
        chosen = originals[:articles - have]
        suffix = {o[0]["id"]: f"{o[1]}~{o[2] + copy * len(originals)}" for o in chosen}
        with engine.begin() as conn:
            offsets = {name: int(conn.scalar(sa.select(sa.func.coalesce(sa.func.max(
                t.metadata.tables[name].c[_pk(name)]), 0))))
                for name in PER_ARTICLE_TABLES if name != "revision_minhash"}
            new_articles = []
            for row, _stem, n, base_day in chosen:
                m = n + copy * len(originals)
                new_articles.append({**row, "id": suffix[row["id"]],
                                     "published": base_day + dt.timedelta(days=(m // base) % 365)
                                     if base_day else None})
            conn.execute(sa.insert(t.article), new_articles)
            conn.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS rep_map (old TEXT PRIMARY KEY, new TEXT)")
            conn.exec_driver_sql("DELETE FROM rep_map")
            conn.execute(sa.text("INSERT INTO rep_map (old, new) VALUES (:old, :new)"),
                         [{"old": k, "new": v} for k, v in suffix.items()])
            for name in PER_ARTICLE_TABLES:
                _copy_rows(conn, t.metadata.tables[name], offsets)
        have += len(chosen)
        print(f"  replicated to {have} articles ({time.perf_counter() - started:.0f} s)", flush=True)
    # No ANALYZE: newswatch does not gather SQLite statistics, and with them SQLite chose
    # slower plans for a country's timeline and a timeline bar (docs/web.md, "Third round").
    with engine.begin() as conn:
        aggregates.rebuild(conn)
    print(f"replicated and rebuilt the aggregates in {time.perf_counter() - started:.0f} s", flush=True)


def _pk(name: str) -> str:
    return "revision_id" if name == "revision_minhash" else "id"


def _copy_rows(conn: Any, table: Any, offsets: dict[str, int]) -> None:
    """INSERT ... SELECT the rows of ``table`` that belong to the articles in ``rep_map``,
    with ids and references to copied rows moved by ``offsets`` (see :func:`replicate`)."""
    select = []
    for c in table.c:
        target = next(iter(c.foreign_keys)).column.table.name if c.foreign_keys else None
        if c.name == "id" and table.name in offsets:
            select.append(f"src.id + {offsets[table.name]}")
        elif target == "revision":
            select.append(f"src.{c.name} + {offsets['revision']}")
        elif target == "article":
            select.append("rep_map.new")
        elif target in offsets and target != table.name:
            select.append(f"src.\"{c.name}\" + {offsets[target]}")
        else:
            select.append(f"src.\"{c.name}\"")
    cols = ", ".join(f'"{c.name}"' for c in table.c)
    if table.name == "revision":
        join = "JOIN rep_map ON rep_map.old = src.article_id"
    else:
        join = "JOIN revision r ON r.id = src.revision_id JOIN rep_map ON rep_map.old = r.article_id"
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({cols}) SELECT {', '.join(select)} "
                         f"FROM {table.name} src {join} WHERE src.{_pk(table.name)} <= "
                         f"{offsets.get(table.name, offsets['revision'])}")


def copy_database(source: str, target: str, chunk: int = 5000) -> None:
    """Copy every row of the newswatch database ``source`` (a ``bench_web.py`` SQLite file)
    into the empty PostgreSQL database ``target``, table by table: the same articles and
    items without analysing and saving them again (saving 100,000 copies one transaction per
    64 takes an hour on two cores). Both are first brought to the same schema (``Store.open``
    migrates). Foreign-key and other triggers are off during the copy
    (``session_replication_role = replica``, which needs a superuser); the derived search
    index ``revision_tsv`` is then filled from the copied revisions, as migration 0010 fills
    it, and every id sequence is moved past its table's largest id.

    Raises:
        SystemExit: ``target`` is not PostgreSQL or already holds articles.
    """
    import sqlalchemy as sa

    from newswatch.storage import Store
    from newswatch.storage import schema as t
    from newswatch.storage.reader_schema import PG_TSV_TABLE
    from newswatch.watch.query import ts_document

    with Store.open(source), Store.open(target) as dst:
        if dst.backend != "postgresql" or dst.counts()["article"]:
            raise SystemExit(f"{target.split('@')[-1]}: not an empty PostgreSQL database")
    src_engine, dst_engine = sa.create_engine(source), sa.create_engine(target)
    started = time.perf_counter()
    with src_engine.connect() as src, dst_engine.begin() as dst_conn:
        dst_conn.exec_driver_sql("SET session_replication_role = replica")
        for table in t.metadata.sorted_tables:
            dst_conn.execute(table.delete())  # rows a migration put there (the data version)
            result = src.execution_options(stream_results=True).execute(sa.select(table))
            n = 0
            while rows := result.mappings().fetchmany(chunk):
                dst_conn.execute(table.insert(), [dict(r) for r in rows])
                n += len(rows)
            print(f"  {table.name}: {n} rows", flush=True)
        tsv = sa.table(PG_TSV_TABLE, sa.column("revision_id"), sa.column("document"))
        dst_conn.execute(sa.insert(tsv).from_select(
            ["revision_id", "document"],
            sa.select(t.revision.c.id, ts_document(t.article.c.title, t.revision.c.text))
            .join(t.article, t.article.c.id == t.revision.c.article_id)))
        for table in t.metadata.sorted_tables:
            if "id" in table.c and isinstance(table.c.id.type, sa.Integer) and table.c.id.autoincrement:
                dst_conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)")
        dst_conn.exec_driver_sql("SET session_replication_role = DEFAULT")
    with dst_engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    print(f"copied in {time.perf_counter() - started:.0f} s", flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stats(ms: list[float]) -> dict[str, float]:
    """Median, 95th percentile (nearest rank) and maximum of latencies in ms, and their count."""
    ms = sorted(ms)
    return {"median_ms": round(statistics.median(ms), 1),
            "p95_ms": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 1),
            "max_ms": round(ms[-1], 1), "n": len(ms)}


def measure(url: str, requests: int, *, cold: bool = False) -> dict[str, dict[str, Any]]:
    """Serve the dashboard and time each endpoint; returns ms statistics per endpoint.

    ``cold``: switch the dashboard's read cache off (every request computed), where the
    checkout has one.
    """
    import uvicorn

    from newswatch.web import create_app, load_config

    if cold:
        try:
            from newswatch.web.cache import read_cache
        except ImportError:  # a checkout from before the cache
            pass
        else:
            read_cache.max_entries = 0

    app = create_app(load_config(url, env={}))
    try:  # as `newswatch serve` does, where the checkout has it
        from newswatch.web.app import settle_heap
    except ImportError:
        pass
    else:
        settle_heap()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    results = {}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            for name, paths in VARIANTS.items():
                for path in paths[:2]:
                    client.get(path).raise_for_status()  # warm-up
                ms = []
                per_path: dict[str, list[float]] = {}
                for i in range(requests):
                    path = paths[i % len(paths)]
                    t0 = time.perf_counter()
                    r = client.get(path)
                    ms.append((time.perf_counter() - t0) * 1000)
                    per_path.setdefault(path, []).append(ms[-1])
                    r.raise_for_status()
                results[name] = {**_stats(ms), "variants": {p: _stats(v) for p, v in per_path.items()}}
                print(f"{name:<9} n={len(ms):<3} median {results[name]['median_ms']:8.1f} ms   "
                      f"p95 {results[name]['p95_ms']:8.1f} ms   max {results[name]['max_ms']:8.1f} ms",
                      flush=True)
                for path, stats in results[name]["variants"].items():
                    print(f"    {path:<60} median {stats['median_ms']:8.1f} ms   max {stats['max_ms']:8.1f} ms",
                          flush=True)
    finally:
        server.should_exit = True
        thread.join(10)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--base", type=int, default=200)
    parser.add_argument("--db", default="/tmp/bench-web.sqlite")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--url", help="a database URL (PostgreSQL, say) instead of --db")
    parser.add_argument("--copy-from", metavar="SQLITE_FILE",
                        help="fill the empty PostgreSQL database --url with the rows of this "
                             "bench database instead of building it (copy_database)")
    parser.add_argument("--replicate-to", type=int, metavar="N",
                        help="grow the SQLite bench database to N articles in SQL (replicate) "
                             "instead of saving more copies")
    parser.add_argument("--cold", action="store_true",
                        help="switch the read cache off: every request is computed")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    url = args.url or f"sqlite:///{Path(args.db).resolve()}"
    from newswatch.storage import Store

    if args.copy_from:
        copy_database(f"sqlite:///{Path(args.copy_from).resolve()}", url)
    with Store.open(url) as store:
        have = len(store.article_ids())
    if have < args.articles:
        build(url, args.articles, args.base)
    if args.replicate_to and have < args.replicate_to:
        replicate(url, args.replicate_to, args.base)
    with Store.open(url) as store:
        counts = store.counts()
    print(f"database {url}: {counts['article']} articles", flush=True)
    results = measure(url, args.requests, cold=args.cold)
    if args.json:
        Path(args.json).write_text(json.dumps({
            "database": url.split("@")[-1], "counts": counts, "cold": args.cold,
            "requests": args.requests, "cpu_count": os.cpu_count(),
            "load_average": os.getloadavg(), "results": results,
        }, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
