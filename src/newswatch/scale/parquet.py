"""Analysed articles as Parquet files, partitioned by publication month; and back.

The columns are not listed here: each dataset takes them from the store's tables
(:mod:`newswatch.storage.schema`, :mod:`newswatch.storage.situation_schema`) and its rows from
the one row mapper (:data:`newswatch.storage.mapping.ROW_MAPS`), so a Parquet row holds exactly
what the database row holds, provenance included (``stage``, ``stage_version``,
``confidence``, ``sentence_start``, ``sentence_end``, offsets), without the surrogate ids and
foreign keys the database assigns when it loads them. The datasets, one folder each under the
output folder:

========================  ==========================================================
``articles``              the ``article`` row (``article_id``, ``source`` by name) and
                          the revision's text, origin, extractor, meta, sentences...
``stage_errors``          ``stage_error`` rows
``mentions``              ``entity_mention`` rows (entity mentions)
``quotes``                ``quote`` rows
``figures``               ``figure`` rows
``timexes``               ``timex`` rows
``places``                one row per place of an article: ``place`` + ``place_resolution``
``place_mentions``        ``place_mention`` rows, ``place_n`` pointing at their place
``events``                ``event_mention`` rows (the whole coded event)
``claims``                ``claim`` rows
``failures``              inputs and records that gave no article (code, message)
========================  ==========================================================

Every item row also has ``article_id``, ``content_hash`` (which text it was found in) and
``n`` (its position in the article's list). JSON columns of the database (``meta``,
``detail``, ``cited``...) are JSON text. Files are laid out Hive-style by the publication
month of their article: ``<dataset>/month=2021-07/part-<key>.parquet`` (``month=unknown``
when the page gave no date), readable as one table by pandas (``pd.read_parquet(dir)``), DuckDB
(``read_parquet('dir/**/*.parquet', hive_partitioning = true)``), Spark and pyarrow.

One input gives one *part*: its files in every dataset and month share the name
``part-<key>``, where ``key`` is :func:`part_key` (input path, size and modification time), so
writing the same input again replaces its files instead of adding copies
(:class:`PartWriter` removes the part's old files and writes new ones under temporary names,
renamed when complete).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from ..model import Article, Place
from ..storage import mapping as mp
from ..storage import schema as t
from ..storage import situation_schema as st

#: Rows buffered per (dataset, month) before they are written as one row group.
ROW_GROUP_ROWS = 2000
#: Partition value of articles without a publication date.
UNKNOWN_MONTH = "unknown"
#: Columns every item row carries besides its table's: the article, its text, its position.
ITEM_KEYS = (("article_id", pa.string()), ("content_hash", pa.string()), ("n", pa.int32()))


def _arrow_type(column: sa.Column[Any]) -> pa.DataType:
    """The Arrow type holding a column's values (JSON as text)."""
    kind = column.type
    if isinstance(kind, sa.JSON):
        return pa.string()
    if isinstance(kind, sa.Boolean):
        return pa.bool_()
    if isinstance(kind, sa.Integer):
        return pa.int64()
    if isinstance(kind, sa.Float):
        return pa.float64()
    if isinstance(kind, sa.DateTime):
        return pa.timestamp("us", tz="UTC")
    if isinstance(kind, sa.Date):
        return pa.date32()
    if isinstance(kind, sa.LargeBinary):
        return pa.binary()
    return pa.string()


def stored_columns(table: sa.Table, *, drop: Iterable[str] = ()) -> list[sa.Column[Any]]:
    """The columns of ``table`` a Parquet row holds: all but the surrogate key, the foreign
    keys (the database assigns them when loading) and ``drop``."""
    dropped = set(drop)
    return [c for c in table.columns
            if not c.primary_key and not c.foreign_keys and c.name not in dropped]


@dataclass(frozen=True)
class Dataset:
    """One Parquet dataset: its folder name, its columns and their JSON columns.

    Attributes:
        name: folder under the output folder ("mentions").
        columns: ``(name, Arrow type)`` in file order.
        json: names of the columns holding JSON text.
    """

    name: str
    columns: tuple[tuple[str, pa.DataType], ...]
    json: frozenset[str]

    @property
    def schema(self) -> pa.Schema:
        """The Arrow schema every file of the dataset has."""
        return pa.schema([pa.field(n, ty) for n, ty in self.columns])


def _dataset(name: str, keys: Iterable[tuple[str, pa.DataType]], *tables: tuple[sa.Table, Iterable[str]]) -> Dataset:
    columns: list[tuple[str, pa.DataType]] = list(keys)
    json_cols: set[str] = set()
    seen = {n for n, _ in columns}
    for table, drop in tables:
        for c in stored_columns(table, drop=drop):
            if c.name in seen:
                continue
            seen.add(c.name)
            columns.append((c.name, _arrow_type(c)))
            if isinstance(c.type, sa.JSON):
                json_cols.add(c.name)
    return Dataset(name, tuple(columns), frozenset(json_cols))


#: Revision columns the database sets itself when it stores a revision.
REVISION_DROP = ("seq", "read_at")
#: Article columns the database sets itself (``first_seen``) or that name the row (``id``).
ARTICLE_DROP = ("id", "first_seen")

#: Item datasets: folder name -> the table whose row mapper makes its rows.
ITEM_TABLES: dict[str, sa.Table] = {
    "stage_errors": t.stage_error,
    "mentions": t.entity_mention,
    "quotes": t.quote,
    "figures": t.figure,
    "timexes": t.timex,
    "place_mentions": t.place_mention,
    "events": st.event_mention,
    "claims": st.claim,
}


@cache
def datasets() -> dict[str, Dataset]:
    """Every dataset by name, its columns derived from the tables (see the module docstring)."""
    out = {
        "articles": _dataset(
            "articles",
            (("article_id", pa.string()), ("source", pa.string()), ("input", pa.string()),
             ("ordinal", pa.int64())),
            (t.article, ARTICLE_DROP), (t.revision, REVISION_DROP)),
        "places": _dataset("places", ITEM_KEYS, (t.place, ()), (t.place_resolution, ())),
        "failures": Dataset("failures", (("input", pa.string()), ("origin", pa.string()),
                                         ("code", pa.string()), ("message", pa.string())),
                            frozenset()),
    }
    for name, table in ITEM_TABLES.items():
        keys = (*ITEM_KEYS, ("place_n", pa.int32())) if name == "place_mentions" else ITEM_KEYS
        out[name] = _dataset(name, keys, (table, ()))
    return out


def part_key(path: str) -> str:
    """The part name of an input: the first 16 hex digits of SHA-256 over its absolute path,
    size and modification time (nanoseconds); the same file unchanged gives the same key.

    Raises:
        OSError: the file cannot be examined.
    """
    st_ = os.stat(path)
    ident = f"{os.path.abspath(path)}\0{st_.st_size}\0{st_.st_mtime_ns}"
    return hashlib.sha256(ident.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def month_of(article: Article) -> str:
    """The partition of an article: ``YYYY-MM`` of its publication date, or ``unknown``."""
    return article.published.strftime("%Y-%m") if article.published else UNKNOWN_MONTH


def _json_ready(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _cell(ds: Dataset, name: str, value: Any) -> Any:
    if name in ds.json:
        return json.dumps(value, ensure_ascii=False, default=_json_ready)
    return value


def article_rows(article: Article, *, input_name: str = "", ordinal: int = 0) -> dict[str, list[dict[str, Any]]]:
    """The rows of one analysed article in every dataset, by dataset name.

    The article and revision columns come from the article's fields; the items through
    :data:`newswatch.storage.mapping.ROW_MAPS` (the mapper the store writes with).

    Args:
        article: after the pipeline (``id`` is set when empty).
        input_name: the input it was read from (kept in ``articles.input``).
        ordinal: its position among the articles of that input (the order of the load).
    """
    dss = datasets()
    aid = article.ensure_id()
    digest = article.content_hash
    fields = {
        "article_id": aid, "source": article.source, "input": input_name, "ordinal": ordinal,
        "content_hash": digest, "sentences": mp.sentences_json(article.sentences),
        "stages_run": list(article.stages_run),
    }
    arts = dss["articles"]
    row = {}
    for name, _ in arts.columns:
        value = fields[name] if name in fields else getattr(article, name)
        row[name] = _cell(arts, name, value)
    out: dict[str, list[dict[str, Any]]] = {"articles": [row]}

    def items(ds_name: str, table: sa.Table, values: list[Any],
              extra: Callable[[int], dict[str, Any]] | None = None) -> None:
        ds = dss[ds_name]
        rows = []
        for n, item in enumerate(values):
            mapped = {"article_id": aid, "content_hash": digest, "n": n, **mp.to_row(table, item),
                      **(extra(n) if extra else {})}
            rows.append({c: _cell(ds, c, mapped.get(c)) for c, _ in ds.columns})
        out[ds_name] = rows

    items("stage_errors", t.stage_error, article.errors)
    items("mentions", t.entity_mention, article.entities)
    items("quotes", t.quote, article.quotes)
    items("figures", t.figure, article.figures)
    items("timexes", t.timex, article.timexes)
    places = dss["places"]
    out["places"] = [
        {c: _cell(places, c, v) for c, v in {
            "article_id": aid, "content_hash": digest, "n": n,
            **mp.to_row(t.place, p), **mp.to_row(t.place_resolution, p)}.items()}
        for n, p in enumerate(article.places)
    ]
    owners = [(pn, m) for pn, p in enumerate(article.places) for m in p.mentions]
    items("place_mentions", t.place_mention, [m for _, m in owners],
          lambda n: {"place_n": owners[n][0]})
    items("events", st.event_mention, article.events)
    items("claims", st.claim, article.claims)
    return out


class PartWriter:
    """Writes the part of one input: its rows in every dataset, one file per month.

    Rows are buffered per (dataset, month) and written as row groups of
    :data:`ROW_GROUP_ROWS`, so memory stays bounded whatever the input's size. Files are
    written as ``.part-<key>.parquet.tmp`` and renamed by :meth:`close`; the part's files of
    an earlier run are removed at :meth:`close` first. Use as a context manager: an exception
    removes the temporary files and leaves the earlier part as it was.

    Args:
        out: the output folder.
        key: the part name (:func:`part_key`).
        input_name: the input as given (kept in the rows).
    """

    def __init__(self, out: Path, key: str, input_name: str) -> None:
        self.out = Path(out)
        self.key = key
        self.input_name = input_name
        self.counts: dict[str, int] = dict.fromkeys(datasets(), 0)
        self._rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._writers: dict[tuple[str, str], tuple[pq.ParquetWriter, Path]] = {}
        self._ordinal = 0

    @property
    def file_name(self) -> str:
        """The name every file of this part has."""
        return f"part-{self.key}.parquet"

    def add(self, article: Article) -> None:
        """Add one analysed article (its rows in every dataset)."""
        month = month_of(article)
        for name, rows in article_rows(article, input_name=self.input_name, ordinal=self._ordinal).items():
            self._add(name, month, rows)
        self._ordinal += 1

    def add_failure(self, origin: str, code: str, message: str) -> None:
        """Add one input or record that gave no article."""
        self._add("failures", UNKNOWN_MONTH,
                  [{"input": self.input_name, "origin": origin, "code": code, "message": message}])

    def _add(self, name: str, month: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        self.counts[name] += len(rows)
        buf = self._rows.setdefault((name, month), [])
        buf.extend(rows)
        if len(buf) >= ROW_GROUP_ROWS:
            self._flush(name, month)

    def _flush(self, name: str, month: str) -> None:
        rows = self._rows.pop((name, month), [])
        if not rows:
            return
        ds = datasets()[name]
        table = pa.Table.from_pylist(rows, schema=ds.schema)
        if (name, month) not in self._writers:
            folder = self.out / name / f"month={month}"
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{self.file_name}.tmp"
            self._writers[(name, month)] = (pq.ParquetWriter(tmp, ds.schema, compression="zstd"), tmp)
        self._writers[(name, month)][0].write_table(table)

    def files(self) -> list[Path]:
        """The part's files now on disk (from this run after :meth:`close`, else earlier)."""
        return sorted(self.out.glob(f"*/month=*/{self.file_name}"))

    def close(self) -> list[str]:
        """Write what is buffered, replace the part's earlier files, return the new files
        (relative to the output folder, sorted)."""
        for name, month in list(self._rows):
            self._flush(name, month)
        for writer, _ in self._writers.values():
            writer.close()
        for old in self.files():
            old.unlink()
        done = []
        for _writer, tmp in self._writers.values():
            final = tmp.with_name(self.file_name)
            os.replace(tmp, final)
            done.append(str(final.relative_to(self.out)))
        self._writers.clear()
        return sorted(done)

    def abort(self) -> None:
        """Drop the temporary files; the part's earlier files stay."""
        for writer, tmp in self._writers.values():
            try:
                writer.close()
            finally:
                tmp.unlink(missing_ok=True)
        self._writers.clear()
        self._rows.clear()

    def __enter__(self) -> PartWriter:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is not None:
            self.abort()


# ---------------------------------------------------------------------------------- reading


def read_dataset(out: Path, name: str, *, part: str | None = None) -> pa.Table:
    """One dataset (all months, or only the files of ``part``) as one Arrow table, with the
    ``month`` column from the folder names. An absent dataset gives an empty table."""
    ds = datasets()[name]
    pattern = f"month=*/{'part-' + part + '.parquet' if part else 'part-*.parquet'}"
    tables = []
    for path in sorted((Path(out) / name).glob(pattern)):
        table = pq.read_table(path, schema=ds.schema)
        month = path.parent.name.split("=", 1)[1]
        tables.append(table.append_column("month", pa.array([month] * table.num_rows, pa.string())))
    if not tables:
        return ds.schema.append(pa.field("month", pa.string())).empty_table()
    return pa.concat_tables(tables)


def _decoded(ds: Dataset, row: dict[str, Any]) -> dict[str, Any]:
    return {k: (json.loads(v) if k in ds.json and v is not None else v) for k, v in row.items()}


def _by_article(out: Path, name: str, part: str | None) -> dict[tuple[str, str], list[dict[str, Any]]]:
    ds = datasets()[name]
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in read_dataset(out, name, part=part).to_pylist():
        grouped.setdefault((row["article_id"], row["content_hash"]), []).append(_decoded(ds, row))
    for rows in grouped.values():
        rows.sort(key=lambda r: r["n"])
    return grouped


def read_articles(out: Path, *, part: str | None = None) -> Iterator[Article]:
    """The articles of the output folder (or of one part) rebuilt from their rows, ordered by
    input then position in the input; each as :meth:`newswatch.storage.Store.save` needs it
    (``tokens`` and raw NER spans, which are never stored, are empty).

    Args:
        out: the output folder.
        part: a part key, to read one input's part only.
    """
    arts = datasets()["articles"]
    rows = [_decoded(arts, r) for r in read_dataset(out, "articles", part=part).to_pylist()]
    rows.sort(key=lambda r: (r["input"], r["ordinal"]))
    items = {name: _by_article(out, name, part) for name in (*ITEM_TABLES, "places")}
    article_fields = {f.name for f in dataclasses.fields(Article)}
    for r in rows:
        key = (r["article_id"], r["content_hash"])
        article = Article(**{k: v for k, v in r.items() if k in article_fields
                             and k not in ("sentences", "stages_run", "id")},
                          id=r["article_id"], sentences=mp.sentences_from_json(r["sentences"]),
                          stages_run=list(r["stages_run"] or []))

        def rebuilt(name: str, k: tuple[str, str] = key) -> list[Any]:
            table = ITEM_TABLES[name]
            return [mp.from_row(table, row) for row in items[name].get(k, [])]

        article.errors = rebuilt("stage_errors")
        article.entities = rebuilt("mentions")
        article.quotes = rebuilt("quotes")
        article.figures = rebuilt("figures")
        article.timexes = rebuilt("timexes")
        article.events = rebuilt("events")
        article.claims = rebuilt("claims")
        mentions: dict[int, list[Any]] = {}
        for row in items["place_mentions"].get(key, []):
            mentions.setdefault(row["place_n"], []).append(mp.from_row(t.place_mention, row))
        article.places = [_place(row, mentions.get(row["n"], [])) for row in items["places"].get(key, [])]
        yield article


def _place(row: dict[str, Any], mentions: list[Any]) -> Place:
    return mp.place_from_rows(row, row, mentions)


def read_failures(out: Path) -> list[dict[str, Any]]:
    """Every failure row of the output folder, ordered by input then as written."""
    rows = read_dataset(out, "failures").to_pylist()
    return sorted(rows, key=lambda r: r["input"])
