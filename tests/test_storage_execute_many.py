"""``engine.execute_many``: the rows it sends past SQLAlchemy's per-row handling are stored
exactly as ``conn.execute(statement, rows)`` stores them, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from newswatch.storage.engine import execute_many, make_engine

from storage_samples import db_url  # noqa: F401  (fixture)


def _tables() -> tuple[sa.MetaData, sa.Table, sa.Table]:
    meta = sa.MetaData()
    cols = lambda: [  # noqa: E731
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime),
        sa.Column("extra", sa.JSON),
        sa.Column("n", sa.Integer, nullable=False, server_default="0"),
    ]
    return meta, sa.Table("by_core", meta, *cols()), sa.Table("by_many", meta, *cols())


ROWS: list[dict[str, Any]] = [
    {"name": "Kyiv", "at": dt.datetime(2026, 3, 1, 12, 30, 5, 17), "extra": {"ü": [1, None]}},
    {"name": "Lviv", "at": None, "extra": None},
    {"name": "Odesa", "at": dt.datetime(2026, 3, 2), "extra": ["a", "б"]},
]


def _stored(conn: sa.Connection, table: sa.Table) -> list[tuple[Any, ...]]:
    """The rows as the driver returns them, text of the JSON column included (no decoding)."""
    sql = f"SELECT id, name, CAST(at AS TEXT), CAST(extra AS TEXT), n FROM {table.name} ORDER BY id"
    return [tuple(r) for r in conn.exec_driver_sql(sql)]


def test_rows_stored_as_sqlalchemy_stores_them(db_url: str) -> None:  # noqa: F811
    meta, core, many = _tables()
    engine = make_engine(db_url)
    sent: list[bool] = []
    try:
        meta.create_all(engine)
        sa.event.listen(engine, "before_cursor_execute",
                        lambda *args: sent.append(args[-1]))  # the executemany flag
        with engine.begin() as conn:
            conn.execute(sa.insert(core), ROWS)
            sent.clear()
            statement = sa.insert(many)
            execute_many(conn, statement, ROWS)
            execute_many(conn, statement, [{"name": "Kharkiv", "at": None, "extra": {}}])
            assert sent == [True, False]  # one executemany, then a single row
            conn.execute(sa.insert(core), [{"name": "Kharkiv", "at": None, "extra": {}}])
            assert _stored(conn, many) == _stored(conn, core)
            # an UPDATE with its own parameter names and a value bound in the statement
            update = (sa.update(many).where(many.c.id == sa.bindparam("pk"))
                      .values(n=many.c.n + sa.bindparam("step"), name=sa.bindparam("new_name")))
            execute_many(conn, update, [{"pk": 1, "step": 2, "new_name": "Kyiv city"},
                                        {"pk": 3, "step": 5, "new_name": "Odesa city"}])
            fixed = sa.update(many).where(many.c.id == 2).values(name=sa.bindparam("new_name"))
            execute_many(conn, fixed, [{"new_name": "Lviv city"}])
            assert [r[1] for r in _stored(conn, many)] == ["Kyiv city", "Lviv city", "Odesa city", "Kharkiv"]
            assert [r[4] for r in _stored(conn, many)] == [2, 0, 5, 0]
    finally:
        engine.dispose()


def test_a_row_without_a_key_fails_as_in_sqlalchemy(tmp_path) -> None:
    meta, _, many = _tables()
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    try:
        meta.create_all(engine)
        with engine.connect() as conn:
            with pytest.raises(sa.exc.StatementError, match="bind parameter 'at'"), conn.begin():
                execute_many(conn, sa.insert(many), [ROWS[0], {"name": "Rivne", "extra": None}])
            assert _stored(conn, many) == []
            execute_many(conn, sa.insert(many), [])  # nothing to do
            assert _stored(conn, many) == []
    finally:
        engine.dispose()


def _wide_tables() -> tuple[sa.MetaData, sa.Table, sa.Table]:
    meta = sa.MetaData()
    cols = lambda: [  # noqa: E731
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True)),
        sa.Column("day", sa.Date),
        sa.Column("x", sa.Float),
        sa.Column("ok", sa.Boolean),
        sa.Column("extra", sa.JSON),
    ]
    return meta, sa.Table("wide_core", meta, *cols()), sa.Table("wide_many", meta, *cols())


#: Enough rows for PostgreSQL's COPY path (COPY_MIN_ROWS), with what COPY's text format must
#: escape (tab, newline, backslash, "\N"), non-ASCII, floats that need every digit, time zones.
WIDE_ROWS: list[dict[str, Any]] = [
    {"name": name, "at": dt.datetime(2021, 7, 8, 9, i, tzinfo=dt.timezone(dt.timedelta(hours=i % 5))),
     "day": dt.date(2021, 7, 1 + i % 28), "x": [0.1, 1e-300, -2.5e17, 1 / 3][i % 4] * (i + 1),
     "ok": [True, False, None][i % 3], "extra": [{"k": name, "n": [i, None]}, None, ["\\", "\t"]][i % 3]}
    for i, name in enumerate(["Kyiv", "Kabul\tcity", "line\nbreak", "back\\slash", "\\N", "Термез", "",
                              "quote \"q\" 'q'"] * 5)
]


def test_many_rows_go_to_postgresql_as_copy_and_are_stored_alike(db_url: str) -> None:  # noqa: F811
    from newswatch.storage.engine import COPY_MIN_ROWS

    assert len(WIDE_ROWS) >= COPY_MIN_ROWS
    meta, core, many = _wide_tables()
    engine = make_engine(db_url)
    sent: list[bool] = []
    try:
        meta.create_all(engine)
        sa.event.listen(engine, "before_cursor_execute", lambda *args: sent.append(args[-1]))
        with engine.begin() as conn:
            conn.execute(sa.insert(core), WIDE_ROWS)
            sent.clear()
            execute_many(conn, sa.insert(many), WIDE_ROWS)
            # PostgreSQL: COPY, which no cursor event sees; SQLite: one executemany
            assert sent == ([] if engine.dialect.name == "postgresql" else [True])
            cast = "CAST({} AS TEXT)"
            cols = ", ".join(["id", "name", *(cast.format(c) for c in ("at", "day", "x", "ok", "extra"))])
            read = lambda t: [tuple(r) for r in conn.exec_driver_sql(  # noqa: E731
                f"SELECT {cols} FROM {t.name} ORDER BY id")]
            assert read(many) == read(core)
            assert [r[1] for r in read(many)][:5] == ["Kyiv", "Kabul\tcity", "line\nbreak", "back\\slash", "\\N"]
            # a refused row fails the whole statement as an INSERT would, with SQLAlchemy's error,
            # and the savepoint around it rolls back alone
            bad = [*WIDE_ROWS, {**WIDE_ROWS[0], "name": None}]
            with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                execute_many(conn, sa.insert(many), bad)
            assert len(read(many)) == len(WIDE_ROWS)
    finally:
        engine.dispose()
