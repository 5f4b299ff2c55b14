"""What every table module of the store shares: the one :data:`metadata`, the column types and
the column groups that recur (revision link, offsets, flattened provenance).

The table modules (:mod:`~newswatch.storage.schema` for documents and what was found in them,
:mod:`~newswatch.storage.situation_schema` for the situation picture,
:mod:`~newswatch.storage.reader_schema` for reader activity) import only this module, so they
do not import each other; :mod:`~newswatch.storage.schema` imports the two others so that
``schema.metadata`` always holds every table.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

#: Constraint names are fixed by convention so that later migrations (SQLite batch mode
#: included) can refer to them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: The store's tables, all of them (each table module registers its tables here).
metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

#: Surrogate keys: 64-bit on PostgreSQL; SQLite needs ``INTEGER PRIMARY KEY`` for its rowid
#: alias (SQLite integers are 64-bit anyway).
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
#: JSON documents: ``jsonb`` on PostgreSQL, JSON1 text on SQLite.
Json = sa.JSON().with_variant(JSONB(), "postgresql")
#: UTC timestamps.
Timestamp = sa.DateTime(timezone=True)


def revision_fk() -> sa.Column[int]:
    """``revision_id``: the revision a row was found in (indexed, not null)."""
    return sa.Column("revision_id", Id, sa.ForeignKey("revision.id"), nullable=False, index=True)


def span_columns() -> list[sa.Column[int]]:
    """``start``/``end`` offsets into the revision text (code points, end exclusive)."""
    return [
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
    ]


def provenance_columns() -> list[sa.Column[Any]]:
    """The :class:`newswatch.model.Provenance` of an item, flattened (see
    :data:`newswatch.storage.mapping.PROVENANCE`)."""
    return [
        sa.Column("sentence_start", sa.Integer, nullable=False),
        sa.Column("sentence_end", sa.Integer, nullable=False),
        sa.Column("stage", sa.Text, nullable=False),
        sa.Column("stage_version", sa.Text, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
    ]
