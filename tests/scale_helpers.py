"""Comparing two databases by content: every row of every table with surrogate ids replaced by
what they point at, and timestamps left out (``natural_dump``)."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from newswatch.storage import Store
from newswatch.storage import schema as t

#: Tables whose content depends on when, not what: the data version counter.
SKIPPED_TABLES = frozenset({"agg_data_version", "alembic_version"})


def _is_time(column: sa.Column[Any]) -> bool:
    return isinstance(column.type, sa.DateTime)


def natural_dump(url: str) -> dict[str, list[str]]:
    """Every table's rows as sorted strings, ids replaced by the referenced row's content.

    A row's natural form: its columns except the primary key and timestamps, each foreign key
    replaced by the natural form of the row it references (the entity's ``key``, the revision's
    article id and sequence number...).
    """
    with Store.open(url) as store, store.read() as conn:
        rows: dict[str, dict[Any, dict[str, Any]]] = {}
        for table in t.metadata.sorted_tables:
            pk = [c.name for c in table.primary_key.columns]
            rows[table.name] = {
                tuple(r[c] for c in pk): dict(r) for r in conn.execute(sa.select(table)).mappings()
            }
    memo: dict[tuple[str, Any], str] = {}

    def natural(table: sa.Table, key: Any, depth: int = 0) -> str:
        if (table.name, key) in memo:
            return memo[(table.name, key)]
        row = rows[table.name].get(key)
        if row is None or depth > 6:
            return f"{table.name}:?"
        uniques = [[c] for c in table.primary_key.columns if not isinstance(c.type, sa.Integer)]
        uniques += [[c] for c in table.columns if c.unique and not c.primary_key]
        uniques += [list(u.columns) for u in table.constraints if isinstance(u, sa.UniqueConstraint)]
        if uniques:
            parts = []
            for c in uniques[0]:
                value = row[c.name]
                if c.foreign_keys and value is not None:
                    (fk,) = c.foreign_keys
                    value = natural(fk.column.table, (value,), depth + 1)
                parts.append(f"{c.name}={value!r}")
            out = f"{table.name}[{', '.join(parts)}]"
        else:
            parts = []
            for c in table.columns:
                if c.primary_key and not c.foreign_keys and isinstance(c.type, sa.Integer):
                    continue
                if _is_time(c):
                    continue
                value = row[c.name]
                if isinstance(value, dict | list):  # JSON: PostgreSQL's jsonb reorders keys
                    value = json.dumps(value, sort_keys=True, default=str)
                if c.foreign_keys and value is not None:
                    (fk,) = c.foreign_keys
                    target = fk.column.table
                    value = natural(target, (value,), depth + 1)
                parts.append(f"{c.name}={value!r}")
            out = f"{table.name}({', '.join(parts)})"
        memo[(table.name, key)] = out
        return out

    dump = {}
    for table in t.metadata.sorted_tables:
        if table.name in SKIPPED_TABLES:
            continue
        dump[table.name] = sorted(natural(table, k) for k in rows[table.name])
    return dump


def differences(a: dict[str, list[str]], b: dict[str, list[str]]) -> list[str]:
    """Human-readable differences between two dumps (first few rows per table)."""
    out = []
    for name in sorted(set(a) | set(b)):
        x, y = set(a.get(name, [])), set(b.get(name, []))
        if x != y:
            out.append(f"{name}: only in first {sorted(x - y)[:2]}, only in second {sorted(y - x)[:2]}")
    return out
