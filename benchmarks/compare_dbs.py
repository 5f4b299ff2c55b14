"""Compare the contents of two newswatch SQLite databases, table by table, row by row.

Usage::

    .venv/bin/python benchmarks/compare_dbs.py old.sqlite new.sqlite
    .venv/bin/python benchmarks/compare_dbs.py postgresql://postgres@127.0.0.1:5432/old \
        postgresql://postgres@127.0.0.1:5432/new

Used to check that a change to the write path (or to an analysis stage) leaves what an ingest
stores unchanged: ingest the same inputs with the old and the new code into two files, then
compare them. Every table of either file is read whole, ordered by its rowid (so surrogate ids
must match too; in a PostgreSQL database, which has no rowid, by its primary key, else by all
its columns); columns that hold the wall-clock time of the save (``*_at``, ``first_seen``,
``at``) differ between two runs by nature and are left out. Alembic's version table is
compared like any other.

Prints one line per table (rows, and ``same`` or the first differing row) and exits 0 when
every table is the same, 1 otherwise. pytest never collects this file.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

#: Columns holding the time a row was written: different in every run.
CLOCK_COLUMNS = {"first_seen", "at", "read_at"}


#: Tables whose rows are written in an order that follows Python's per-process string hashing
#: (set iteration), so two runs of the same code may order them differently: compared as sets
#: of rows when their orders differ (run both ingests with the same ``PYTHONHASHSEED`` to
#: compare them in order too).
ORDER_FREE = {"agg_revision_country", "agg_timeline_country", "agg_timeline_country_month"}


def _is_clock(column: str) -> bool:
    return column in CLOCK_COLUMNS or column.endswith("_at")


def _tables(db: sqlite3.Connection) -> set[str]:
    return {r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}


def _rows(db: sqlite3.Connection, table: str) -> tuple[list[str], list[tuple[object, ...]]]:
    """The table's compared columns and its rows in rowid order (FTS shadow tables and
    tables without rowid in column order)."""
    cols = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]
    keep = [c for c in cols if not _is_clock(c)]
    sel = ", ".join(f'"{c}"' for c in keep) or "1"
    try:
        rows = db.execute(f'SELECT {sel} FROM "{table}" ORDER BY rowid').fetchall()
    except sqlite3.OperationalError:  # WITHOUT ROWID
        rows = db.execute(f'SELECT {sel} FROM "{table}" ORDER BY {sel}').fetchall()
    return keep, rows


class _Postgres:
    """The two reads :func:`compare` needs, from a PostgreSQL database (schema ``public``)."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        from newswatch.storage.engine import normalise_url

        self._sa = sa
        self.conn = sa.create_engine(normalise_url(url)).connect()

    def tables(self) -> set[str]:
        return set(self.conn.execute(self._sa.text(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")).scalars())

    def rows(self, table: str) -> tuple[list[str], list[tuple[object, ...]]]:
        text = self._sa.text
        cols = list(self.conn.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name = :t ORDER BY ordinal_position"), {"t": table}).scalars())
        key = list(self.conn.execute(text(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = CAST(:t AS regclass) AND i.indisprimary "
            "ORDER BY array_position(i.indkey, a.attnum)"), {"t": f'"{table}"'}).scalars())
        keep = [c for c in cols if not _is_clock(c)]
        sel = ", ".join(f'"{c}"' for c in keep) or "1"
        order = ", ".join(f'"{c}"' for c in key) or sel
        rows = self.conn.execute(text(f'SELECT {sel} FROM "{table}" ORDER BY {order}')).all()
        return keep, [tuple(r) for r in rows]


class _Sqlite:
    """The two reads :func:`compare` needs, from a SQLite file (read-only)."""

    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def tables(self) -> set[str]:
        return _tables(self.conn)

    def rows(self, table: str) -> tuple[list[str], list[tuple[object, ...]]]:
        return _rows(self.conn, table)


def _open(where: str | Path) -> _Sqlite | _Postgres:
    text = str(where)
    return _Postgres(text) if text.startswith(("postgresql", "postgres:")) else _Sqlite(text)


def compare(old: str | Path, new: str | Path) -> list[str]:
    """One line per table: ``table: N rows, same`` or what differs first; ``old`` and ``new``
    are SQLite files or (both) PostgreSQL URLs."""
    a, b = _open(old), _open(new)
    out = []
    ta, tb = a.tables(), b.tables()
    for name in sorted(ta ^ tb):
        out.append(f"{name}: only in {'old' if name in ta else 'new'} DIFFERENT")
    for name in sorted(ta & tb):
        ca, ra = a.rows(name)
        cb, rb = b.rows(name)
        if ca != cb:
            out.append(f"{name}: columns differ {ca} vs {cb} DIFFERENT")
        elif ra == rb:
            out.append(f"{name}: {len(ra)} rows, same")
        elif name in ORDER_FREE and sorted(ra, key=repr) == sorted(rb, key=repr):
            out.append(f"{name}: {len(ra)} rows, same as sets (another order)")
        else:
            first = next((i for i, (x, y) in enumerate(zip(ra, rb, strict=False)) if x != y),
                         min(len(ra), len(rb)))
            x = ra[first] if first < len(ra) else None
            y = rb[first] if first < len(rb) else None
            out.append(f"{name}: {len(ra)} vs {len(rb)} rows; first difference at row {first}: "
                       f"{str(x)[:300]} vs {str(y)[:300]} DIFFERENT")
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("old", help="a SQLite file or a PostgreSQL URL")
    p.add_argument("new", help="a SQLite file or a PostgreSQL URL")
    args = p.parse_args()
    lines = compare(args.old, args.new)
    print("\n".join(lines))
    bad = sum(1 for line in lines if line.endswith("DIFFERENT"))
    print(f"{len(lines) - bad} tables same, {bad} different")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
