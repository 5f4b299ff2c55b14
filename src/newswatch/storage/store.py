"""The repository: save analysed articles as revisions, read them back.

One :class:`Store` serves SQLite (the default, one file) and PostgreSQL with the same code;
only connection settings and locking differ (see :mod:`newswatch.storage.engine`).

Saving follows the design note DATA-MODEL.md:

* an article is identified by ``Article.id``; its text by the SHA-256 ``content_hash``;
* the first save writes the article, revision 1 and its mentions (status ``"new"``);
* saving the same id with a text stored already for it, as its latest revision or an earlier
  one, writes nothing (``"unchanged"``, with that revision), so re-ingesting is idempotent even
  when the inputs hold several versions of one article: an older copy read again (a feed
  snapshot, an archive processed out of order, a file listing the same id twice) never
  becomes the latest revision again;
* saving the same id with a text not stored for it appends revision ``n + 1`` with its own
  mentions (``"revised"``); older revisions and their mentions are kept as they were;
* **a corrected capture is a revision**: an article whose id was derived from its text (no
  URL, no input id: a plain-text capture) takes the id of a stored article without URL that
  has the same outlet, site and headline and nearly the same text (shingle Jaccard at least
  :data:`~newswatch.situation.dedup.REVISION_MIN_SIMILARITY`), so a fixed figure or typo
  becomes revision ``n + 1`` instead of a second article; anything else stays apart;
* each save is one transaction: on any failure nothing of that article is written;
* the same transaction keeps the dashboard's aggregates (:mod:`newswatch.storage.aggregates`)
  equal to the item tables and bumps the data version readers' caches are keyed on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from .. import serialize
from ..errors import ArticleNotFound, DatabaseUnavailable, StorageError
from ..model import Article, EntityMention, Place, PlaceMention, Quote
from . import aggregates as agg
from . import mapping as mp
from . import schema as t
from . import situation as sit
from .engine import (
    BATCH_TOPS,
    advisory_lock,
    busy_timeout_seconds,
    execute_many,
    in_chunks,
    insert_ignore_statement,
    insert_returning_ids,
    insert_statement,
    inserted_id,
    make_engine,
    normalise_url,
    write_transaction,
)
from .mapping import StoredRow
from .migrate import upgrade_to_head

#: Where ``newswatch`` keeps its data when no URL is given (relative to the working dir).
DEFAULT_URL = "sqlite:///newswatch.sqlite"

#: Opening a SQLite file retries a "database is locked" answer this many times in all, with
#: a linearly growing pause (0.2 s, 0.4 s, ...): the race it covers lasts milliseconds. All
#: attempts share one deadline, ``db_busy_timeout_seconds`` after the first began: a pause
#: that would end past it is not taken, and a retry waits on the lock only for what is left.
OPEN_ATTEMPTS = 5
OPEN_RETRY_DELAY_S = 0.2

STATUS_NEW = "new"
STATUS_UNCHANGED = "unchanged"
STATUS_REVISED = "revised"


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What :meth:`Store.save` did.

    Attributes:
        status: ``"new"``, ``"unchanged"`` or ``"revised"``.
        article_id: the article's id.
        revision_id: id of the revision now holding the text (the existing one when
            unchanged).
    """

    status: str
    article_id: str
    revision_id: int


@dataclass(frozen=True, slots=True)
class RevisionInfo:
    """One stored revision, without its text.

    Attributes:
        id: revision id.
        article_id: the article it belongs to.
        seq: 1 for the first text read, then 2, 3...
        content_hash: SHA-256 hex digest of the text (UTF-8).
        read_at: when it was saved (aware, UTC).
        origin: where the input came from.
        input_format: text | html | jsonl | rss | warc.
        extractor: the extractor that produced the text.
    """

    id: int
    article_id: str
    seq: int
    content_hash: str
    read_at: dt.datetime
    origin: str
    input_format: str
    extractor: str


#: Longest database reason kept in a save error's one-line message, in characters.
DB_REASON_MAX_CHARS = 300


def db_reason(exc: Exception) -> str:
    """The database's own reason for a failed statement, on one line: the first line of the
    driver's message (``IntegrityError``'s "NOT NULL constraint failed: figure.value"), without
    SQLAlchemy's statement, parameters and help link, cut to :data:`DB_REASON_MAX_CHARS`."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    name = type(orig if orig is not None else exc).__name__
    line = f"{name}: {first}"
    return line if len(line) <= DB_REASON_MAX_CHARS else line[:DB_REASON_MAX_CHARS - 1] + "…"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


#: :class:`~newswatch.model.Article` fields kept in its ``article`` row (the article's current
#: metadata); the outlet is linked by ``source_id``, the text and items belong to revisions.
ARTICLE_FIELDS = (
    "id", "url", "title", "published", "published_source", "language", "language_confidence",
    "site", "author",
)


def _article_row(article: Article, source_id: int | None) -> dict[str, Any]:
    return {**{f: getattr(article, f) for f in ARTICLE_FIELDS}, "source_id": source_id}


def _home_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}/"



def _refresh_revisions_naming(conn: Connection, column: sa.Column[Any], ids: list[int]) -> None:
    """Bring the country aggregates of the stored revisions that mention ``ids`` (entities or
    places, through the mention table's ``column``) in line with the countries they have now
    (:func:`newswatch.storage.aggregates.refresh_countries`); nothing when ``ids`` is empty."""
    if ids:
        agg.refresh_countries(conn, conn.scalars(
            sa.select(column.table.c.revision_id).distinct().where(column.in_(ids))).all())

class Store:
    """The newswatch database.

    Open it with :meth:`open`; use it as a context manager or call :meth:`close`.

    Args:
        engine: an engine from :func:`newswatch.storage.engine.make_engine` whose schema is
            already at head (use :meth:`open` unless you know it is).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._read_engine: Engine | None = None

    def use_read_only_reads(self) -> bool:
        """Make :meth:`read` hand out read-only connections from a second engine (SQLite
        ``mode=ro`` + ``query_only``; PostgreSQL ``default_transaction_read_only``), so a
        reader can never write, whatever its query. Writes keep :attr:`engine`. An in-memory
        SQLite store keeps one engine.

        Returns:
            Whether reads are now read-only.
        """
        if self._read_engine is None:
            try:
                self._read_engine = make_engine(self.engine.url, read_only=True)
            except ValueError:
                return False
        return True

    # -- lifecycle ------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str = DEFAULT_URL, *, migrate: bool = True, echo: bool = False) -> Store:
        """Connect to the database at ``url`` and bring its schema to the newest migration.

        Args:
            url: ``sqlite:///path.sqlite`` (default :data:`DEFAULT_URL`), ``sqlite://`` (in
                memory) or ``postgresql+psycopg://user@host:port/db``.
            migrate: run ``alembic upgrade head`` (under a lock; a no-op when current).
            echo: log SQL statements.

        Returns:
            The open store.

        Raises:
            StorageError: bad URL, missing directory, unreachable server or failed migration.
        """
        try:
            parsed = normalise_url(url)
        except ArgumentError as exc:
            raise StorageError(f"not a database URL: {url!r}", subject=str(url)) from exc
        shown = parsed.render_as_string(hide_password=True)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            folder = Path(parsed.database).expanduser().resolve().parent
            if not folder.is_dir():
                raise StorageError(f"directory {folder} does not exist", subject=shown)
        try:
            engine = make_engine(parsed, echo=echo)
        except (SQLAlchemyError, ImportError) as exc:  # an unknown dialect or missing driver
            raise StorageError(f"not a database URL newswatch can open: {db_reason(exc)}",
                               subject=shown) from exc
        deadline = time.monotonic() + busy_timeout_seconds()
        retried = False
        for attempt in range(OPEN_ATTEMPTS):
            try:
                if migrate:
                    upgrade_to_head(engine)
                else:
                    with engine.connect():
                        pass
                break
            except OperationalError as exc:
                # SQLite answers "database is locked" at once, without its busy handler, when
                # two fresh connections race to switch a new file to WAL (both hold a shared
                # lock; waiting could deadlock). Seen in CI with three concurrent opens.
                pause = OPEN_RETRY_DELAY_S * (attempt + 1)
                left = deadline - time.monotonic() - pause
                if "locked" in str(exc) and attempt + 1 < OPEN_ATTEMPTS and left > 0:
                    engine.dispose()
                    time.sleep(pause)
                    # the next attempt waits on the lock only for what is left of the deadline
                    engine = make_engine(parsed, echo=echo, busy_timeout_s=left)
                    retried = True
                    continue
                engine.dispose()
                raise StorageError(f"cannot open the database: {db_reason(exc)}",
                                   subject=shown) from exc
            except SQLAlchemyError as exc:
                engine.dispose()
                raise StorageError(f"cannot open the database: {db_reason(exc)}",
                                   subject=shown) from exc
        if retried:  # connections from now on get the full busy timeout again
            engine.dispose()
            engine = make_engine(parsed, echo=echo)
        return cls(engine)

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Release all connections."""
        if self._read_engine is not None:
            self._read_engine.dispose()
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading (one snapshot on SQLite WAL; read committed on PostgreSQL);
        read-only after :meth:`use_read_only_reads`.

        Yields:
            A SQLAlchemy connection; its transaction begins with the first statement and is
            rolled back at the end.
        """
        with (self._read_engine or self.engine).connect() as conn:
            yield conn  # closing the connection rolls the read transaction back

    # -- writing --------------------------------------------------------------------------

    def rebuild_threads(self) -> dict[str, int]:
        """Run the cross-article threads pass (happenings and story threads) over what is
        stored: :func:`newswatch.storage.threads.rebuild_threads`, in one write transaction.

        Returns:
            Its counts (``reports``, ``happenings``, ``articles``, ``stories``).

        Raises:
            StorageError: the database rejected the write (the previous threads stay).
        """
        from .threads import rebuild_threads

        try:
            with write_transaction(self.engine) as conn:
                counts = rebuild_threads(conn)
                agg.bump_version(conn)  # cached pages read the new threads
                return counts
        except SQLAlchemyError as exc:
            raise StorageError(f"could not rebuild story threads: {db_reason(exc)}") from exc


    def save(self, article: Article) -> SaveResult:
        """Store an analysed article as a new article, a new revision, or nothing.

        Sets ``article.id`` when empty (:meth:`Article.ensure_id`). Tokens and raw NER spans
        are not stored (they are recomputed by the nlp stage); everything else is.

        Args:
            article: the article after the pipeline.

        Returns:
            A :class:`SaveResult`.

        Raises:
            StorageError: the database rejected the write; nothing of this article was
                written and earlier revisions are untouched.
        """
        article.ensure_id()
        try:
            unchanged = self._unchanged_fast(article)
            if unchanged is not None:
                return unchanged
            with write_transaction(self.engine) as conn:
                return self._save_locked(conn, article)
        except SQLAlchemyError as exc:
            raise self._save_error(article, exc) from exc

    def save_many(self, articles: list[Article]) -> list[SaveResult | StorageError]:
        """Store a batch of analysed articles in one write transaction, each as :meth:`save`
        would, in order.

        One commit for the batch instead of one per article: on SQLite one synced WAL commit,
        on PostgreSQL one round of commit latency. Each article is written inside its own
        savepoint, so an article the database refuses is rolled back alone (its result is the
        :class:`~newswatch.errors.StorageError` that :meth:`save` would have raised) and the
        others are kept. Should the batch's commit itself fail, every article of the batch is
        saved again one at a time with :meth:`save`, so nothing is lost and nothing is written
        twice. Articles whose text is stored already are answered from a read connection, as
        in :meth:`save`; the same article twice in one batch gives ``new`` then ``unchanged``
        (or ``revised`` when the texts differ), as two successive saves would.

        Args:
            articles: the articles after the pipeline (``id`` set when empty).

        Returns:
            One entry per article, in order: a :class:`SaveResult`, or the StorageError of an
            article that was not written.
        """
        results: list[SaveResult | StorageError | None] = [None] * len(articles)
        for a in articles:
            a.ensure_id()
        try:
            with self.engine.connect() as conn:  # one read connection for the whole batch
                try:
                    for i, found in enumerate(self._unchanged_batch(conn, articles)):
                        results[i] = found
                except SQLAlchemyError:
                    conn.rollback()  # PostgreSQL refuses statements after an error until then
                    for i, a in enumerate(articles):  # one by one, to tell which failed
                        try:
                            results[i] = self._unchanged_on(conn, a)
                        except SQLAlchemyError as exc:
                            results[i] = self._save_error(a, exc)
                            conn.rollback()
        except SQLAlchemyError as exc:  # no connection at all
            for i, a in enumerate(articles):
                if results[i] is None:
                    results[i] = self._save_error(a, exc)
            return [r for r in results if r is not None]
        todo = [i for i, r in enumerate(results) if r is None]
        if todo:
            try:
                with write_transaction(self.engine) as conn:
                    # New revisions whose share of the aggregates is still to be counted. On
                    # PostgreSQL each save counts its own: its hash-grouped queries return a
                    # revision's rows in another order when they read many revisions, which
                    # would number the rows of agg_event_place and agg_timeline_revision
                    # differently from one-by-one saves (same values, other ids).
                    uncounted: list[int] | None = [] if self.backend == "sqlite" else None
                    # what the batch learns once and uses again: source ids by name, and on
                    # SQLite the largest ids (engine.BATCH_TOPS); emptied when a savepoint is
                    # rolled back, since what it took back may be in them
                    sources: dict[str, int] = {}
                    tops: dict[str, int] = {}
                    conn.info[BATCH_SOURCES] = sources
                    if self.backend == "sqlite":
                        conn.info[BATCH_TOPS] = tops
                    try:
                        for i in todo:
                            before = list(uncounted or ())
                            try:
                                with conn.begin_nested():
                                    results[i] = self._save_locked(conn, articles[i], uncounted)
                            except SQLAlchemyError as exc:
                                if uncounted is not None:
                                    uncounted[:] = before  # what the savepoint took back
                                sources.clear()
                                tops.clear()
                                results[i] = self._save_error(articles[i], exc)
                        if uncounted:
                            agg.add_revisions(conn, uncounted)
                    finally:
                        conn.info.pop(BATCH_SOURCES, None)
                        conn.info.pop(BATCH_TOPS, None)
            except OperationalError as exc:  # locked past the busy timeout, read-only...
                for i in todo:  # nothing of the batch is stored; retrying would wait again
                    results[i] = self._save_error(articles[i], exc)
            except SQLAlchemyError:  # the batch was not committed: nothing of it is stored
                for i in todo:
                    try:
                        results[i] = self.save(articles[i])
                    except StorageError as exc:
                        results[i] = exc
        return [r for r in results if r is not None]

    @staticmethod
    def _save_error(article: Article, exc: Exception) -> StorageError:
        """The error of one article not saved; a database-wide cause (locked, read-only, disk
        I/O: ``OperationalError``) is a :class:`~newswatch.errors.DatabaseUnavailable`, which
        ends an ingest instead of failing every article after it one busy timeout at a time."""
        cls = DatabaseUnavailable if isinstance(exc, OperationalError) else StorageError
        return cls(f"could not save article {article.id}: {db_reason(exc)}",
                   subject=article.origin or article.id)

    def _unchanged_fast(self, article: Article) -> SaveResult | None:
        """The lock-free re-ingest check: ``unchanged`` when a stored revision of the article (a
        capture resolved to the article it corrects) has the same text, the latest or an earlier
        one; else None, with ``article.id`` left as resolved. Raises SQLAlchemyError."""
        with self.engine.connect() as conn:
            return self._unchanged_on(conn, article)

    def _unchanged_batch(self, conn: Connection, articles: list[Article]) -> list[SaveResult | None]:
        """:meth:`_unchanged_on` of each article, in order, with one query for the whole batch
        (per :data:`~newswatch.storage.engine.IN_CHUNK` articles) instead of one per article:
        the revisions of the batch's articles whose hash is one of the batch's texts, the
        newest (highest ``seq``) kept per article and hash. Raises SQLAlchemyError."""
        for a in articles:
            a.id = self._resolve_capture_id(conn, a)
        wanted = sorted({a.id for a in articles})
        digests = sorted({a.content_hash for a in articles})
        newest: dict[tuple[str, str], StoredRow] = {}
        for ids in in_chunks(wanted):
            for hashes in in_chunks(digests):
                for row in conn.execute(_same_texts_query(), {"ids": ids, "hashes": hashes}).mappings():
                    key = (row["article_id"], row["content_hash"])
                    kept = newest.get(key)
                    if kept is None or row["seq"] > kept["seq"]:
                        newest[key] = row
        out: list[SaveResult | None] = []
        for a in articles:
            found = newest.get((a.id, a.content_hash))
            out.append(None if found is None else SaveResult(STATUS_UNCHANGED, a.id, int(found["id"])))
        return out

    def _unchanged_on(self, conn: Connection, article: Article) -> SaveResult | None:
        """:meth:`_unchanged_fast` on the caller's read connection."""
        article.id = self._resolve_capture_id(conn, article)
        stored = self._same_text(conn, article.id, article.content_hash)
        return None if stored is None else SaveResult(STATUS_UNCHANGED, article.id, stored.id)

    def _save_locked(self, conn: Connection, article: Article,
                     uncounted: list[int] | None = None) -> SaveResult:
        """Write one article inside the caller's write transaction (see :meth:`save`). The
        capture-id rule is applied again here, so that a corrected capture saved in the same
        batch as the capture it corrects becomes its revision.

        ``uncounted`` (a batch of saves): a new article's revision is appended to it instead of
        being counted in the aggregates at once; the caller counts them all
        (:func:`~newswatch.storage.aggregates.add_revisions`) before it commits. They are
        counted here, first, when this article is a new revision of a stored one (its former
        latest revision is taken out of counts that must then hold every earlier save)."""
        digest = article.content_hash
        article_id = self._resolve_capture_id(conn, article)
        advisory_lock(conn, f"article:{article_id}")
        revisions = self._revisions_newest_first(conn, article_id)
        stored = next((r for r in revisions if r.content_hash == digest), None)
        if stored is not None:
            return SaveResult(STATUS_UNCHANGED, article_id, stored.id)
        latest = revisions[0] if revisions else None
        source_id = self._ensure_source(conn, article)
        now = _utcnow()
        if latest is not None and uncounted:
            agg.add_revisions(conn, uncounted)
            uncounted.clear()
        # The former latest revision's share of the dashboard aggregates, under the
        # article row's date and language before this revision changes them.
        previous = None if latest is None else agg.contributions(conn, [latest.id])
        if latest is None:
            self._insert_article(conn, article, source_id, now)
            status, seq = STATUS_NEW, 1
        else:
            self._update_article(conn, article, source_id)
            status, seq = STATUS_REVISED, latest.seq + 1
        revision_id = self._insert_revision(conn, article, seq, digest, now)
        self._insert_items(conn, revision_id, article, {r.id for r in revisions} | {revision_id})
        if previous is None and uncounted is not None:
            uncounted.append(revision_id)
        else:
            agg.replace_revision(conn, previous, revision_id)
        return SaveResult(status, article_id, revision_id)

    def find_unchanged(self, article: Article) -> SaveResult | None:
        """What :meth:`save` would return for an unchanged article, without writing.

        Lets a caller skip the analysis of an input it has already stored: call it after
        extraction (the id and the text are known then), before the pipeline.

        Args:
            article: the article; its ``id`` is set when empty (:meth:`Article.ensure_id`), or
                to the stored article it corrects (a capture; see the module docstring).

        Returns:
            ``SaveResult("unchanged", id, revision_id)`` when a stored revision of the article
            (the latest or an earlier one) has the same text, else None (new article or a text
            not stored for it).

        Raises:
            StorageError: the database could not be read.
        """
        article.ensure_id()
        try:
            return self._unchanged_fast(article)
        except SQLAlchemyError as exc:
            raise StorageError(f"could not read article {article.id}: {db_reason(exc)}", article.id) from exc

    def record_failure(
        self, origin: str, code: str, message: str, *, at: dt.datetime | None = None
    ) -> int:
        """Log an input that could not be ingested.

        Args:
            origin: the input (path, URL, ``file.jsonl:12``).
            code: the error's stable code (``NewswatchError.code``).
            message: human-readable message.
            at: when it happened (default: now, UTC).

        Returns:
            The id of the ``ingest_failure`` row.

        Raises:
            StorageError: the write failed.
        """
        row = {"origin": origin, "code": code, "message": message, "at": at or _utcnow()}
        try:
            with write_transaction(self.engine) as conn:
                result = conn.execute(sa.insert(t.ingest_failure), row)
                return inserted_id(result)
        except SQLAlchemyError as exc:
            raise StorageError(f"could not record a failure: {db_reason(exc)}",
                               subject=origin) from exc

    # -- reading --------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Number of rows in every table, keyed by table name (sorted)."""
        with self.read() as conn:
            return {
                table.name: int(conn.scalar(sa.select(sa.func.count()).select_from(table)) or 0)
                for table in sorted(t.metadata.tables.values(), key=lambda tb: tb.name)
            }

    def article_ids(self) -> list[str]:
        """Ids of every stored article, sorted."""
        with self.read() as conn:
            return list(conn.scalars(sa.select(t.article.c.id).order_by(t.article.c.id)))

    def latest_revision(self, article_id: str) -> RevisionInfo | None:
        """The newest revision of an article, or None when the article is not stored."""
        with self.read() as conn:
            return self._latest(conn, article_id)

    def revisions(self, article_id: str) -> list[RevisionInfo]:
        """Every revision of an article, oldest first (empty when not stored)."""
        with self.read() as conn:
            rows = conn.execute(
                self._revision_select()
                .where(t.revision.c.article_id == article_id)
                .order_by(t.revision.c.seq)
            ).mappings()
            return [self._revision_info(r) for r in rows]

    def load_article(self, article_id: str, revision_id: int | None = None) -> Article:
        """Rebuild the :class:`Article` of a stored revision.

        Args:
            article_id: the article's id.
            revision_id: a revision of that article; default the latest.

        Returns:
            The article with its text, metadata, sentences and every stored item, in the
            order they were saved. ``tokens`` and ``ner_spans`` are empty (not stored);
            article metadata (title, dates...) is the article's current one.

        Raises:
            ArticleNotFound: no such article or revision.
        """
        with self.read() as conn:
            return self._load(conn, article_id, revision_id)

    def article_to_dict(self, article_id: str, revision_id: int | None = None) -> dict[str, Any]:
        """A stored article as JSON: the article record of :mod:`newswatch.serialize` (the
        one JSON shape of an article, ``schema/article.schema.json``) with its revision.

        Args:
            article_id: the article's id.
            revision_id: a revision of that article; default the latest.

        Returns:
            ``{"article": serialize.article_to_dict(article), "revision": {RevisionInfo
            fields, read_at ISO 8601}, "revision_count": n}``, valid against
            ``schema/article_view.schema.json``.

        Raises:
            ArticleNotFound: no such article or revision.
        """
        with self.read() as conn:
            article = self._load(conn, article_id, revision_id)
            info = self._revision_info_for(conn, article_id, revision_id)
            count = conn.scalar(
                sa.select(sa.func.count())
                .select_from(t.revision)
                .where(t.revision.c.article_id == article_id)
            )
        return {
            "article": serialize.article_to_dict(article),
            "revision": mp.to_jsonable(dataclasses.asdict(info)),
            "revision_count": int(count or 0),
        }

    # -- internals: reads -----------------------------------------------------------------

    @staticmethod
    def _revision_select() -> sa.Select[*tuple[Any, ...]]:
        r = t.revision.c
        return sa.select(
            r.id,
            r.article_id,
            r.seq,
            r.content_hash,
            r.read_at,
            r.origin,
            r.input_format,
            r.extractor,
        )

    @staticmethod
    def _revision_info(row: StoredRow) -> RevisionInfo:
        return RevisionInfo(
            id=int(row["id"]),
            article_id=row["article_id"],
            seq=row["seq"],
            content_hash=row["content_hash"],
            read_at=mp.as_utc(row["read_at"]),  # type: ignore[arg-type]
            origin=row["origin"],
            input_format=row["input_format"],
            extractor=row["extractor"],
        )

    #: At most this many stored articles with the same headline are compared with a capture.
    CAPTURE_CANDIDATES = 20

    def _resolve_capture_id(self, conn: Connection, article: Article) -> str:
        """Set and return ``article.id``; a content-derived id of a capture becomes the id of
        the stored article it corrects (see the module docstring), if any."""
        from ..situation.dedup import REVISION_MIN_SIMILARITY, text_similarity

        article_id = article.ensure_id()
        if (article.url or not article.title
                or article_id != "sha-" + article.content_hash[:16]):
            return article_id
        a, r = t.article.c, t.revision.c
        if self._latest(conn, article_id) is not None:
            return article_id  # this very text is stored already
        query = (sa.select(a.id).where(a.title == article.title, a.url.is_(None))
                 .where(a.site == article.site if article.site else a.site.is_(None)))
        if article.source:
            query = query.join(t.source, a.source_id == t.source.c.id).where(
                t.source.c.name == article.source)
        else:
            query = query.where(a.source_id.is_(None))
        ids = list(conn.execute(query.order_by(a.first_seen.desc()).limit(self.CAPTURE_CANDIDATES)).scalars())
        best, best_sim = None, REVISION_MIN_SIMILARITY
        for cand in ids:
            text = conn.execute(sa.select(r.text).where(r.article_id == cand)
                                .order_by(r.seq.desc()).limit(1)).scalar()
            sim = text_similarity(text or "", article.text)
            if sim >= best_sim:
                best, best_sim = cand, sim
        if best is not None:
            article.id = best
            article.meta["revision_of"] = {"article_id": best, "similarity": round(best_sim, 4)}
        return article.id

    def _same_text(self, conn: Connection, article_id: str, digest: str) -> RevisionInfo | None:
        """The newest revision of ``article_id`` whose text has the SHA-256 ``digest``, if any."""
        row = conn.execute(_same_text_query(), {"article": article_id, "digest": digest}).mappings().first()
        return self._revision_info(row) if row is not None else None

    def _revisions_newest_first(self, conn: Connection, article_id: str) -> list[RevisionInfo]:
        """Every revision of ``article_id``, the latest (highest ``seq``) first."""
        rows = conn.execute(_revisions_query(), {"article": article_id}).mappings()
        return [self._revision_info(row) for row in rows]

    def _latest(self, conn: Connection, article_id: str) -> RevisionInfo | None:
        row = (
            conn.execute(
                self._revision_select()
                .where(t.revision.c.article_id == article_id)
                .order_by(t.revision.c.seq.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
        return self._revision_info(row) if row is not None else None

    def _revision_info_for(
        self, conn: Connection, article_id: str, revision_id: int | None
    ) -> RevisionInfo:
        if revision_id is None:
            info = self._latest(conn, article_id)
        else:
            row = (
                conn.execute(
                    self._revision_select().where(
                        t.revision.c.id == revision_id, t.revision.c.article_id == article_id
                    )
                )
                .mappings()
                .first()
            )
            info = self._revision_info(row) if row is not None else None
        if info is None:
            which = "its latest revision" if revision_id is None else f"revision {revision_id}"
            raise ArticleNotFound(f"no stored article {article_id!r} with {which}", article_id)
        return info

    def _load(self, conn: Connection, article_id: str, revision_id: int | None) -> Article:
        info = self._revision_info_for(conn, article_id, revision_id)
        a = t.article.c
        head = (
            conn.execute(
                sa.select(t.article, t.source.c.name.label("source_name"))
                .select_from(t.article.outerjoin(t.source, a.source_id == t.source.c.id))
                .where(a.id == article_id)
            )
            .mappings()
            .one()
        )
        rev = conn.execute(sa.select(t.revision).where(t.revision.c.id == info.id)).mappings().one()

        def rows(table: sa.Table) -> list[StoredRow]:
            stmt = sa.select(table).where(table.c.revision_id == info.id).order_by(table.c.id)
            return list(conn.execute(stmt).mappings())

        article = Article(
            text=rev["text"],
            origin=rev["origin"],
            url=head["url"],
            id=head["id"],
            title=head["title"],
            published=head["published"],
            published_source=head["published_source"],
            language=head["language"],
            language_confidence=head["language_confidence"],
            source=head["source_name"],
            site=head["site"],
            author=head["author"],
            input_format=rev["input_format"],
            extractor=rev["extractor"],
            meta=dict(rev["meta"] or {}),
            sentences=mp.sentences_from_json(rev["sentences"]),
            stages_run=list(rev["stages_run"] or []),
        )
        article.entities = [mp.from_row(t.entity_mention, r) for r in rows(t.entity_mention)]
        article.quotes = [mp.from_row(t.quote, r) for r in rows(t.quote)]
        article.figures = [mp.from_row(t.figure, r) for r in rows(t.figure)]
        article.timexes = [mp.from_row(t.timex, r) for r in rows(t.timex)]
        article.events = sit.load_events(conn, info.id)
        article.claims = sit.load_claims(conn, info.id)
        article.errors = [mp.from_row(t.stage_error, r) for r in rows(t.stage_error)]
        article.places = self._load_places(conn, info.id, rows(t.place_resolution))
        return article

    @staticmethod
    def _load_places(
        conn: Connection, revision_id: int, resolutions: list[StoredRow]
    ) -> list[Place]:
        if not resolutions:
            return []
        place_ids = sorted({r["place_id"] for r in resolutions})
        places = {
            p["id"]: p
            for p in conn.execute(sa.select(t.place).where(t.place.c.id.in_(place_ids))).mappings()
        }
        mentions: dict[int, list[PlaceMention]] = {r["id"]: [] for r in resolutions}
        stmt = (
            sa.select(t.place_mention)
            .where(t.place_mention.c.revision_id == revision_id)
            .order_by(t.place_mention.c.id)
        )
        for row in conn.execute(stmt).mappings():
            mentions[row["resolution_id"]].append(mp.from_row(t.place_mention, row))
        return [
            mp.place_from_rows(places[r["place_id"]], r, mentions[r["id"]]) for r in resolutions
        ]

    # -- internals: writes ----------------------------------------------------------------

    def _ensure_keyed(
        self, conn: Connection, table: sa.Table, key: str, rows: Mapping[str, dict[str, Any]]
    ) -> dict[str, StoredRow]:
        """Insert the rows whose ``key`` is not stored yet; return every row by key.

        Concurrent writers inserting the same key do not fail: ``ON CONFLICT DO NOTHING``.
        Keys are handled in sorted order so that PostgreSQL writers lock them in one order.
        """
        keys = sorted(rows)
        select = _keyed_query(table, key)
        found: dict[str, StoredRow] = {}
        for chunk in in_chunks(keys):
            for row in conn.execute(select, {"keys": chunk}).mappings():
                found[row[key]] = row
        missing = [rows[k] for k in keys if k not in found]
        if missing:
            execute_many(conn, insert_ignore_statement(self.backend, table), missing)
            for chunk in in_chunks([k for k in keys if k not in found]):
                for row in conn.execute(select, {"keys": chunk}).mappings():
                    found[row[key]] = row
        return found

    def _ensure_source(self, conn: Connection, article: Article) -> int | None:
        """The id of the article's outlet row, created when new; inside a batch of saves the
        ids found are kept for the batch (``BATCH_SOURCES``; a source row is never changed)."""
        if not article.source:
            return None
        known: dict[str, int] | None = conn.info.get(BATCH_SOURCES)
        if known is not None and article.source in known:
            return known[article.source]
        row = {
            "name": article.source,
            "home_url": _home_url(article.url),
            "language": article.language,
            "country": None,
        }
        stored = self._ensure_keyed(conn, t.source, "name", {article.source: row})
        source_id = int(stored[article.source]["id"])
        if known is not None:
            known[article.source] = source_id
        return source_id

    @staticmethod
    def _insert_article(
        conn: Connection, article: Article, source_id: int | None, now: dt.datetime
    ) -> None:
        # no id to read back: the DBAPI's executemany path, without SQLAlchemy's work per statement
        execute_many(conn, insert_statement(t.article), [{**_article_row(article, source_id), "first_seen": now}])

    @staticmethod
    def _update_article(conn: Connection, article: Article, source_id: int | None) -> None:
        """Refresh the article's metadata from a new revision; a missing value keeps the old."""
        values = _article_row(article, source_id)
        del values["id"]
        values = {k: v for k, v in values.items() if v is not None}
        if values:
            conn.execute(sa.update(t.article).where(t.article.c.id == article.id).values(values))

    @staticmethod
    def _insert_revision(
        conn: Connection, article: Article, seq: int, digest: str, now: dt.datetime
    ) -> int:
        result = conn.execute(
            insert_statement(t.revision),
            {
                "article_id": article.id,
                "seq": seq,
                "content_hash": digest,
                "text": article.text,
                "extractor": article.extractor,
                "read_at": now,
                "origin": article.origin,
                "input_format": article.input_format,
                "meta": article.meta,
                "stages_run": list(article.stages_run),
                "sentences": mp.sentences_json(article.sentences),
            },
        )
        return inserted_id(result)

    def _insert_items(self, conn: Connection, revision_id: int, article: Article,
                      article_revisions: set[int] | None = None) -> None:
        def insert(
            table: sa.Table, items: Iterable[Any], ids: Callable[[Any], dict[str, Any]] | None = None
        ) -> None:
            batch = [
                {"revision_id": revision_id, **mp.to_row(table, x), **(ids(x) if ids else {})}
                for x in items
            ]
            execute_many(conn, insert_statement(table), batch)

        insert(t.stage_error, article.errors)
        entity_rows = self._ensure_entities(conn, article.entities)
        entity_ids = {key: int(row["id"]) for key, row in entity_rows.items()}
        insert(t.entity_mention, article.entities,
               lambda m: {"entity_id": entity_ids[mp.entity_key(m)]})
        speaker_of = _SpeakerResolver(article.entities, entity_ids)
        insert(t.quote, article.quotes, lambda q: {"speaker_entity_id": speaker_of(q)})
        insert(t.figure, article.figures)
        insert(t.timex, article.timexes)
        self._insert_places(conn, revision_id, article.places)
        # events (merged across articles), claims, entity identities, near-duplicate clusters
        sit.save_situation(conn, revision_id, article, entity_ids, _utcnow(),
                           {int(row["id"]): row for row in entity_rows.values()}, article_revisions)

    def _ensure_entities(self, conn: Connection, mentions: list[EntityMention]) -> dict[str, StoredRow]:
        """Entity rows by key; creates missing entities and fills a missing country (in the
        database and in the rows returned)."""
        wanted: dict[str, dict[str, Any]] = {}
        for m in mentions:
            key = mp.entity_key(m)
            row = wanted.setdefault(
                key, {"key": key, "label": m.label, "canonical": m.canonical, "country": None}
            )
            if row["country"] is None and m.country:
                row["country"] = m.country
        if not wanted:
            return {}
        stored = self._ensure_keyed(conn, t.entity, "key", wanted)
        given: list[int] = []  # entities that get their country now
        for key, row in wanted.items():
            if row["country"] and stored[key]["country"] is None:
                done = conn.execute(
                    sa.update(t.entity)
                    .where(t.entity.c.id == stored[key]["id"], t.entity.c.country.is_(None))
                    .values(country=row["country"])
                )
                if done.rowcount:
                    given.append(int(stored[key]["id"]))
                stored[key] = {**stored[key], "country": row["country"]}
        # the stored revisions mentioning them are now in that country too
        _refresh_revisions_naming(conn, t.entity_mention.c.entity_id, given)
        return stored

    def _insert_places(self, conn: Connection, revision_id: int, places: list[Place]) -> None:
        """Shared ``place`` rows (latest gazetteer record wins), then per-revision rows."""
        if not places:
            return
        wanted = {p.key: mp.to_row(t.place, p) for p in places}
        stored = self._ensure_keyed(conn, t.place, "key", wanted)
        moved: list[int] = []  # places whose record changes country
        for key, row in sorted(wanted.items()):
            old = stored[key]
            changed = {n: row[n] for n in mp.PLACE_ATTRIBUTES if old[n] != row[n]}
            if changed:
                conn.execute(sa.update(t.place).where(t.place.c.id == old["id"]).values(changed))
            if "country_code" in changed:
                moved.append(int(old["id"]))
        # the stored revisions naming them change country
        _refresh_revisions_naming(conn, t.place_mention.c.place_id, moved)
        mention_rows: list[dict[str, Any]] = []
        resolution_ids = insert_returning_ids(conn, t.place_resolution, [
            {"revision_id": revision_id, "place_id": int(stored[p.key]["id"]),
             **mp.to_row(t.place_resolution, p)} for p in places])
        for p, resolution_id in zip(places, resolution_ids, strict=True):
            place_id = int(stored[p.key]["id"])
            mention_rows.extend(
                {
                    "revision_id": revision_id,
                    "place_id": place_id,
                    "resolution_id": resolution_id,
                    **mp.to_row(t.place_mention, m),
                }
                for m in p.mentions
            )
        if mention_rows:
            execute_many(conn, insert_statement(t.place_mention), mention_rows)


#: ``Connection.info`` key of the source ids a batch of saves has found (name -> id), for the
#: length of its write transaction (:meth:`Store.save_many`).
BATCH_SOURCES = "newswatch_batch_sources"


# Statements the saves run for every article, built once: a statement object keeps its cache
# key, so executing the same object again skips building and keying it (SQLAlchemy's compiled
# cache is keyed on it either way).


@cache
def _revisions_query() -> sa.Select[Any]:
    """Every revision of the article ``:article``, the latest (highest ``seq``) first."""
    r = t.revision.c
    return Store._revision_select().where(r.article_id == sa.bindparam("article")).order_by(r.seq.desc())


@cache
def _same_text_query() -> sa.Select[Any]:
    """The newest revision of the article ``:article`` whose hash is ``:digest``."""
    r = t.revision.c
    return (Store._revision_select().where(r.article_id == sa.bindparam("article"),
                                           r.content_hash == sa.bindparam("digest"))
            .order_by(r.seq.desc()).limit(1))


@cache
def _same_texts_query() -> sa.Select[Any]:
    """The revisions of the articles ``:ids`` whose hash is one of ``:hashes`` (lists)."""
    r = t.revision.c
    return Store._revision_select().where(r.article_id.in_(sa.bindparam("ids", expanding=True)),
                                          r.content_hash.in_(sa.bindparam("hashes", expanding=True)))


@cache
def _keyed_query(table: sa.Table, key: str) -> sa.Select[Any]:
    """The rows of ``table`` whose ``key`` column is one of ``:keys`` (a list)."""
    return sa.select(table).where(table.c[key].in_(sa.bindparam("keys", expanding=True)))


class _SpeakerResolver:
    """Finds the entity a quote's speaker refers to, within the same article.

    In order: an entity mention at exactly the speaker offsets; a mention containing them;
    a mention whose canonical name equals the speaker string (PERSON preferred).
    """

    def __init__(self, mentions: list[EntityMention], entity_ids: Mapping[str, int]) -> None:
        self._spans = [(m.start, m.end, entity_ids[mp.entity_key(m)]) for m in mentions]
        self._exact = {(s, e): i for s, e, i in self._spans}
        self._by_name: dict[str, int] = {}
        for m in sorted(mentions, key=lambda m: m.label != "PERSON"):
            self._by_name.setdefault(m.canonical, entity_ids[mp.entity_key(m)])

    def __call__(self, q: Quote) -> int | None:
        if q.speaker_start is not None and q.speaker_end is not None:
            span = (q.speaker_start, q.speaker_end)
            if span in self._exact:
                return self._exact[span]
            for s, e, entity_id in self._spans:
                if s <= span[0] and span[1] <= e:
                    return entity_id
        if q.speaker:
            return self._by_name.get(q.speaker)
        return None
