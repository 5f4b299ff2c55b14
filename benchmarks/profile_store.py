"""The storing process of ``newswatch ingest``: its own CPU seconds, SQL statements per article,
and optionally a cProfile of it, in one run.

Usage (from the repository root; put the code tree to measure first on ``PYTHONPATH``)::

    PYTHONPATH=src .venv/bin/python benchmarks/profile_store.py --limit 250 \\
        [--corpus ../shared/corpus/wh_statements_2021/articles.jsonl] [--db out.sqlite] \\
        [--profile out.prof] [--json out.json]

The CLI runs in this process (``newswatch ingest --no-progress``) into a fresh SQLite file; the
analysis runs in the worker process it starts, as in a real ingest, so this process's CPU time
(``time.process_time``: user + system of this process only, not of the worker) is the cost of
reading, extracting, receiving the analysed articles and storing them. Every statement sent to
the database is counted by a SQLAlchemy ``before_cursor_execute`` listener: ``statements`` counts
each ``execute``/``executemany`` call once, ``executemany`` how many of them were
``executemany`` calls, ``parameter_sets`` the rows they carried; by verb (the first word).
A second ingest of the same file into the same database (``--again``, default on) shows what
re-ingesting costs (it must add nothing). With ``--profile`` the first ingest runs under
cProfile (slower; CPU seconds then include its overhead). pytest never collects this file.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "wh_statements_2021" / "articles.jsonl"


class _Counter:
    """Counts what the listener sees."""

    def __init__(self) -> None:
        self.statements = 0
        self.executemany = 0
        self.parameter_sets = 0
        self.by_verb: Counter[str] = Counter()

    def __call__(
        self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        self.statements += 1
        verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "?"
        self.by_verb[verb] += 1
        if executemany:
            self.executemany += 1
            self.parameter_sets += len(parameters)
        else:
            self.parameter_sets += 1

    def snapshot(self) -> dict[str, Any]:
        return {
            "statements": self.statements,
            "executemany": self.executemany,
            "parameter_sets": self.parameter_sets,
            "by_verb": dict(self.by_verb.most_common()),
        }


def _ingest(db: Path, corpus: Path) -> str:
    from newswatch.cli import app

    out = io.StringIO()
    stdout, sys.stdout = sys.stdout, out
    try:
        app(["ingest", "--no-progress", "--db", str(db), str(corpus)])
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    finally:
        sys.stdout = stdout
    return out.getvalue().strip().splitlines()[-1] if out.getvalue().strip() else ""


def _measure(db: Path, corpus: Path, counter: _Counter, prof: cProfile.Profile | None) -> dict[str, Any]:
    before = counter.snapshot()
    cpu0, t0 = time.process_time(), time.perf_counter()
    if prof is not None:
        prof.enable()
    summary = _ingest(db, corpus)
    if prof is not None:
        prof.disable()
    cpu, secs = time.process_time() - cpu0, time.perf_counter() - t0
    after = counter.snapshot()
    verbs = Counter(after["by_verb"])
    verbs.subtract(before["by_verb"])
    return {
        "summary": summary,
        "cpu_seconds": round(cpu, 2),
        "seconds": round(secs, 1),
        "statements": after["statements"] - before["statements"],
        "executemany": after["executemany"] - before["executemany"],
        "parameter_sets": after["parameter_sets"] - before["parameter_sets"],
        "by_verb": {k: v for k, v in verbs.most_common() if v},
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--limit", type=int, default=250, help="first N records only (0 = all)")
    p.add_argument("--db", type=Path, help="the SQLite file to fill (default: a temporary one)")
    p.add_argument("--profile", type=Path, help="write the first ingest's cProfile stats here")
    p.add_argument("--no-again", dest="again", action="store_false", help="skip the second (re-)ingest")
    p.add_argument("--note", default="")
    p.add_argument("--json", type=Path)
    args = p.parse_args()
    import sqlalchemy as sa

    import newswatch

    counter = _Counter()
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", counter)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus
        lines = corpus.read_text(encoding="utf-8").splitlines()
        if args.limit:
            lines = lines[: args.limit]
        # beside --db when given, so two runs store the same ``origin`` (the input's path)
        corpus = args.db.with_suffix(".input.jsonl") if args.db else Path(tmp) / "subset.jsonl"
        corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
        db = args.db or Path(tmp) / "store.sqlite"
        if db.exists():
            db.unlink()
        # the migration's statements are not the ingest's: open (and migrate) the file first
        from newswatch.storage import Store

        Store.open(f"sqlite:///{db}").close()
        prof = cProfile.Profile() if args.profile else None
        modules0 = set(sys.modules)
        first = _measure(db, corpus, counter, prof)
        first["modules_imported"] = len(set(sys.modules) - modules0)
        # the analysis stages' modules this (storing) process holds, wherever they came from
        first["stage_modules_loaded"] = sorted(m for m in sys.modules if m.startswith("newswatch.stages"))
        second = _measure(db, corpus, counter, None) if args.again else None
        with sqlite3.connect(db) as c:
            articles = c.execute("SELECT count(*) FROM article").fetchone()[0]
    res: dict[str, Any] = {
        "note": args.note,
        "newswatch": str(Path(newswatch.__file__).parent),
        "corpus": str(args.corpus),
        "records": len(lines),
        "articles_stored": articles,
        "ingest": first,
        "statements_per_article": round(first["statements"] / max(articles, 1), 2),
        "reingest": second,
    }
    if prof is not None and args.profile:
        prof.dump_stats(str(args.profile))
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(45)
        res["profile_top_cumulative"] = buf.getvalue().splitlines()[:80]
    print(json.dumps({k: v for k, v in res.items() if k != "profile_top_cumulative"}, indent=1))
    if args.json:
        args.json.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
