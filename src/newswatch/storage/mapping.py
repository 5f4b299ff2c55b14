"""Conversion between :mod:`newswatch.model` items and table rows (plain dicts), one mapper
for every item type.

Pure functions, no database access. A :class:`RowMap` says how one dataclass maps to one table:
by default every dataclass field is the column of the same name; a nested dataclass
(:class:`~newswatch.model.Provenance`) is flattened into columns by its :class:`Flatten` (a
column prefix and renames, see :data:`PROVENANCE`); a list of dataclasses
(``Event.actors``) is stored as a list of JSON objects; the per-type table :data:`ROW_MAPS`
declares only where a table differs: fields it does not store (``omit``), columns named
otherwise (``renames``) and the JSON column holding the fields without a column of their own
(``rest``). :func:`to_row` turns an item into the column values of its table (without ``id``
and the foreign keys the repository fills in), :func:`from_row` builds the item back from a
result row mapping; ``item -> row -> item`` is the identity for every field the table stores
(tests check it for every item type on real pipeline output).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping

from ..model import (
    Claim,
    EntityMention,
    Event,
    Figure,
    Place,
    PlaceMention,
    Provenance,
    Quote,
    Sentence,
    StageError,
    Timex,
)
from . import schema as t
from . import situation_schema as st

Row = dict[str, Any]

#: A stored row as read back: a result ``RowMapping`` (whose keys may also be columns) or a
#: plain mapping of column names.
StoredRow = Mapping[str, Any] | RowMapping


def entity_key(mention: EntityMention) -> str:
    """The key of the :class:`entity` row a mention links to.

    The stage's ``entity_key`` when set, else ``"<label>:<canonical>"`` (the model's
    documented default), so two mentions with the same label and canonical name share one
    entity across articles.
    """
    return mention.entity_key or f"{mention.label}:{mention.canonical}"


@dataclass(frozen=True, slots=True)
class Flatten:
    """How a nested dataclass field becomes columns of its parent's row.

    Attributes:
        prefix: put before every column name ("" for the provenance columns).
        renames: nested field name -> column name (without the prefix) where they differ.
    """

    prefix: str = ""
    renames: Mapping[str, str] = field(default_factory=dict)

    def column(self, name: str) -> str:
        """The column holding the nested field ``name``."""
        return self.prefix + self.renames.get(name, name)


#: :class:`~newswatch.model.Provenance` as the provenance columns of every item row:
#: ``stage``, ``stage_version`` (the field ``version``), ``confidence``, ``sentence_start``,
#: ``sentence_end`` (:func:`newswatch.storage.schema_base.provenance_columns`).
PROVENANCE = Flatten(prefix="", renames={"version": "stage_version"})
#: The nested dataclasses that are flattened into columns, and how.
FLATTEN: dict[type, Flatten] = {Provenance: PROVENANCE}


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _list_item_class(hint: Any) -> type | None:
    """``X`` for a ``list[X]`` hint whose ``X`` is a dataclass, else None."""
    if typing.get_origin(hint) is list:
        (arg,) = typing.get_args(hint)
        if dataclasses.is_dataclass(arg):
            return arg  # type: ignore[return-value]
    return None


def _is_bool(hint: Any) -> bool:
    if hint is bool:
        return True
    return isinstance(hint, types.UnionType) and bool in typing.get_args(hint)


#: Value types :func:`_to_value` returns as they are (checked by exact type, the common case).
_PLAIN = frozenset({str, int, float, bool, type(None)})


#: Field names of the dataclasses :func:`_as_dict` has met, by class.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _as_dict(item: Any) -> dict[str, Any]:
    """``dataclasses.asdict(item)``, without its deep copy when every field value is of a
    ``_PLAIN`` type (a copy of which is the value itself): the same dict."""
    cls = type(item)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(item))
    out = {n: getattr(item, n) for n in names}
    if all(type(v) in _PLAIN for v in out.values()):
        return out
    return dataclasses.asdict(item)


def _to_value(value: Any) -> Any:
    """A field value as a column (or JSON) value: lists copied, dataclasses as dicts."""
    if isinstance(value, list):
        return [
            _as_dict(v)
            if dataclasses.is_dataclass(v) and not isinstance(v, type)
            else v
            for v in value
        ]
    if isinstance(value, dict):
        return dict(value)
    return value


def _from_value(hint: Any, value: Any) -> Any:
    """A column (or JSON) value back as the field's type (see :func:`_to_value`)."""
    item_cls = _list_item_class(hint)
    if item_cls is not None:
        return [item_cls(**v) for v in value or []]
    if typing.get_origin(hint) is list:
        return list(value or [])
    if value is not None and _is_bool(hint):
        return bool(value)  # SQLite and older drivers may hand back 0/1
    return value


@dataclass(frozen=True)
class RowMap:
    """How one item type maps to the rows of one table.

    Attributes:
        cls: the :mod:`newswatch.model` dataclass.
        table: its table.
        omit: fields this table does not store (another table does, or the repository).
        renames: field name -> column name where they differ.
        rest: a JSON column holding, as one object, every stored field without a column of
            its own (keys in field order); None when every stored field has a column.

    Raises:
        ValueError: at construction, when a stored field has no column in ``table`` and
            there is no ``rest`` column (so a new model field cannot be dropped silently).
    """

    cls: type
    table: sa.Table
    omit: frozenset[str] = frozenset()
    renames: Mapping[str, str] = field(default_factory=dict)
    rest: str | None = None

    def __post_init__(self) -> None:
        columns = set(self.table.c.keys())
        for f in self._stored():
            nested = FLATTEN.get(_hints(self.cls)[f.name])
            if nested is not None:
                wanted = [nested.column(n.name) for n in dataclasses.fields(_hints(self.cls)[f.name])]
            else:
                wanted = [self.column(f.name)]
            missing = [c for c in wanted if c not in columns]
            if missing and (nested is not None or self.rest is None):
                raise ValueError(f"{self.cls.__name__}.{f.name}: no column {missing} in {self.table.name}")
        if self.rest is not None and self.rest not in columns:
            raise ValueError(f"{self.table.name} has no column {self.rest!r}")

    def _stored(self) -> list[dataclasses.Field[Any]]:
        return [f for f in dataclasses.fields(self.cls) if f.name not in self.omit]

    def column(self, name: str) -> str:
        """The column of field ``name`` (it may be absent when the field goes to ``rest``)."""
        return self.renames.get(name, name)

    @cached_property
    def _plan(self) -> tuple[tuple[str, tuple[tuple[str, str], ...] | None, str, bool], ...]:
        """Per stored field, in field order: (name, for a flattened field the (nested field,
        column) pairs of its :data:`FLATTEN` entry in the nested class's field order, else None;
        its column; whether ``table`` has that column). Worked out once and kept (the class, the
        table and the fields do not change), so :meth:`to_row` does not repeat it per item."""
        columns = self.table.c
        plan = []
        for f in self._stored():
            hint = _hints(self.cls)[f.name]
            nested = FLATTEN.get(hint)
            pairs = None if nested is None else tuple(
                (n.name, nested.column(n.name)) for n in dataclasses.fields(hint))
            plan.append((f.name, pairs, self.column(f.name), self.column(f.name) in columns))
        return tuple(plan)

    def to_row(self, item: Any) -> Row:
        """The column values of ``item`` (stored fields only; no ids, no foreign keys)."""
        row: Row = {}
        rest: Row = {}
        for name, nested, column, has_column in self._plan:
            value = getattr(item, name)
            if nested is not None:
                for n, col in nested:
                    row[col] = getattr(value, n)
            elif has_column:
                row[column] = value if type(value) in _PLAIN else _to_value(value)
            else:
                rest[name] = value if type(value) in _PLAIN else _to_value(value)
        if self.rest is not None:
            row[self.rest] = rest
        return row

    def values(self, row: StoredRow) -> Row:
        """The field values found in a result row, as keyword arguments of ``cls``.

        Fields the row does not hold are left out (the dataclass default applies); keys of
        the ``rest`` object that are not fields (written by another version) are ignored.
        """
        hints = _hints(self.cls)
        rest = dict(row[self.rest] or {}) if self.rest is not None else {}
        out: Row = {}
        for f in self._stored():
            nested = FLATTEN.get(hints[f.name])
            if nested is not None:
                out[f.name] = hints[f.name](
                    **{n.name: row[nested.column(n.name)] for n in dataclasses.fields(hints[f.name])}
                )
            elif self.column(f.name) in row:
                out[f.name] = _from_value(hints[f.name], row[self.column(f.name)])
            elif f.name in rest:
                out[f.name] = _from_value(hints[f.name], rest[f.name])
        return out

    def from_row(self, row: StoredRow, **given: Any) -> Any:
        """Rebuild the item from a result row; ``given`` supplies omitted fields."""
        return self.cls(**self.values(row), **given)


#: Columns of the shared ``place`` row that come from the gazetteer record.
PLACE_ATTRIBUTES = (
    "geonameid",
    "name",
    "lat",
    "lon",
    "country_code",
    "feature_class",
    "feature_code",
    "source",
    "resolved",
)

#: Event fields the ``event`` row (one real-world event: its first mention plus what
#: identifies it across articles) does not hold; ``event_mention`` holds them all.
EVENT_ROW_OMIT = frozenset({
    "actor_key", "recipient_key", "actors", "recipients", "date_source", "reported", "speaker",
    "trigger", "trigger_start", "trigger_end", "evidence",
})

#: The per-type table: how each item type maps to each table that stores it. Keys are table
#: names. A :class:`~newswatch.model.Place` is split over ``place`` (the shared gazetteer
#: record, keyed by ``key``) and ``place_resolution`` (this revision's decision); its mentions
#: are ``place_mention`` rows. An :class:`~newswatch.model.Event` is stored whole in
#: ``event_mention`` (fields without a column in ``detail``) and, for a new real-world event,
#: as the first mention's columns of ``event``.
ROW_MAPS: dict[str, RowMap] = {
    m.table.name: m
    for m in (
        RowMap(StageError, t.stage_error),
        RowMap(EntityMention, t.entity_mention),
        RowMap(Quote, t.quote),
        RowMap(Figure, t.figure),
        RowMap(Timex, t.timex),
        RowMap(Place, t.place, omit=frozenset({"prov", "candidates", "reason", "mentions"})),
        RowMap(Place, t.place_resolution, omit=frozenset({"key", *PLACE_ATTRIBUTES, "mentions"})),
        RowMap(PlaceMention, t.place_mention),
        RowMap(Event, st.event_mention, rest="detail"),
        RowMap(Event, t.event, omit=EVENT_ROW_OMIT),
        RowMap(Claim, st.claim),
    )
}


def to_row(table: sa.Table, item: Any) -> Row:
    """The column values of ``item`` for ``table`` (see :data:`ROW_MAPS`).

    Raises:
        KeyError: no item type maps to ``table``.
    """
    return ROW_MAPS[table.name].to_row(item)


def from_row(table: sa.Table, row: StoredRow, **given: Any) -> Any:
    """Rebuild the item stored in a row of ``table``; ``given`` supplies omitted fields.

    Raises:
        KeyError: no item type maps to ``table``.
    """
    return ROW_MAPS[table.name].from_row(row, **given)


def place_from_rows(
    place: StoredRow, resolution: StoredRow, mentions: list[PlaceMention]
) -> Place:
    """Rebuild a :class:`Place` from its ``place`` row, ``place_resolution`` row and mentions."""
    return Place(
        **ROW_MAPS["place"].values(place),
        **ROW_MAPS["place_resolution"].values(resolution),
        mentions=mentions,
    )


def sentences_json(sentences: list[Sentence]) -> list[list[int]]:
    """Sentences as ``[[start, end, token_start, token_end], ...]`` for the revision row."""
    return [[s.start, s.end, s.token_start, s.token_end] for s in sentences]


def sentences_from_json(value: list[list[int]] | None) -> list[Sentence]:
    """Inverse of :func:`sentences_json`."""
    return [Sentence(*item) for item in value or []]


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A timestamp read back from the database as an aware UTC datetime.

    SQLite returns naive datetimes (the store only ever writes UTC); PostgreSQL returns
    aware ones in the session time zone.
    """
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def to_jsonable(value: Any) -> Any:
    """A JSON-serialisable copy of ``value``: dates and datetimes become ISO 8601 strings.

    Dicts, lists and tuples are copied recursively (tuples become lists); other scalars are
    returned unchanged.
    """
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value
