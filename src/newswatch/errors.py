"""One exception tree for newswatch, with stable codes.

Library code raises these; only the CLI turns them into exit codes and messages, and only the
web layer turns them into HTTP statuses. Each class has a ``code`` that appears in error lines,
in stored failure records and in JSON output, so scripts can match on it.
"""

from __future__ import annotations


class NewswatchError(Exception):
    """Base class. ``code`` is a short stable identifier; ``subject`` names the input."""

    code = "error"

    def __init__(self, message: str, subject: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.subject = subject

    def line(self) -> str:
        """One-line description: ``<subject>: <code>: <message>``."""
        prefix = f"{self.subject}: " if self.subject else ""
        return f"{prefix}{self.code}: {self.message}"


class InputError(NewswatchError):
    """An input could not be turned into an article (base for the input errors below)."""

    code = "bad-input"


class InputNotFound(InputError):
    """The path does not exist or cannot be opened."""

    code = "not-found"


class EmptyInput(InputError):
    """The input has no bytes, or no text after extraction."""

    code = "empty"


class BinaryInput(InputError):
    """The input looks like binary data (NUL bytes or a known binary signature)."""

    code = "binary"


class EncodingError(InputError):
    """The bytes are not valid in any accepted encoding."""

    code = "encoding"


class TooLarge(InputError):
    """The input exceeds the configured size limit (``max_input_bytes``)."""

    code = "too-large"


class FetchFailed(InputError):
    """A URL could not be fetched (HTTP error status, timeout, refused connection).

    ``status`` is the HTTP status when the server answered with an error (else None) and
    ``retry_after`` its ``Retry-After`` header as sent (seconds or an HTTP date; else None),
    so a caller that polls (the watch loop) can back off as asked.
    """

    code = "fetch-failed"
    status: int | None = None
    retry_after: str | None = None


class NotAnArticle(InputError):
    """The page has no extractable main text (e.g. a navigation page or an empty shell)."""

    code = "not-an-article"


class MalformedRecord(InputError):
    """A JSON Lines record, feed entry or WARC record cannot be parsed or lacks required fields
    (a WARC record: no ``WARC-Target-URI``, a ``Content-Length`` that is not a number or that
    does not end at a record boundary); also a gzip-compressed input whose data cannot be
    decompressed (a bad header, method or deflate block)."""

    code = "malformed"


class BadDate(InputError):
    """A warning, not a failure: the input's publication date cannot be read (``31 Feb``,
    ``25:61``, ``garbage``), lies after the time of ingest plus one day, or before 1900-01-01
    (:mod:`newswatch.ingest.dates`). The article is kept without a date; the value as written is
    in ``meta["published_refused"]``."""

    code = "bad-date"


class UnknownLanguage(InputError):
    """A warning, not a failure: the input names a language (a JSON Lines ``language`` field,
    a feed's channel language) that is not an ISO 639-1 code the pipeline has models for
    (``xx``, ``english``, ``de``). The article is kept and its language detected from the text,
    as when none is given; the value as written is in ``meta["language_refused"]``."""

    code = "unknown-language"


class UnexpectedInputError(InputError):
    """Reading an input raised an error newswatch does not foresee (a bug to report); the
    input is skipped and the batch goes on. The message names the exception."""

    code = "unexpected"


class NotRegularFile(InputError):
    """A path found in a folder is a device file, FIFO or socket; it is never opened."""

    code = "not-regular"


class SkippedLink(InputError):
    """A symbolic link found in a folder is not followed: it leaves the folder, points to a
    directory, or is dangling. One line per link."""

    code = "skipped-link"


class TooDeep(InputError):
    """A folder nested deeper than ``walk_max_depth_count`` levels below the input folder;
    its contents are not read."""

    code = "too-deep"


class UnsafeXml(InputError):
    """A feed declares a DTD (``<!DOCTYPE``), which may define entities that expand to
    gigabytes or read local files; it is refused before any XML parser sees it."""

    code = "unsafe-xml"


class UnsupportedFormat(InputError):
    """The input's name promises a format it does not hold (a ``.warc`` file that is not a
    WARC archive), or one newswatch does not read (an ARC archive, ``filedesc://``)."""

    code = "unsupported-format"


class NotHtml(InputError):
    """A WARC response (or resource) record whose payload is neither HTML nor plain text (an
    image, a PDF, JSON ...): not an article; skipped with one line, the archive goes on.
    Request, metadata, warcinfo and revisit records are not documents and are passed over
    silently."""

    code = "not-html"


class TruncatedRecord(InputError):
    """A WARC record is incomplete: the archive ends before the record's declared
    ``Content-Length`` (a cut download), or the crawler marked it ``WARC-Truncated`` (it kept
    only part of the page). Skipped, never analysed as if whole; the archive goes on. Also a
    gzip-compressed input (any format) that ends before its end-of-stream marker."""

    code = "truncated"


class OverBudget(InputError):
    """Analysing the input exceeded its time (``analysis_timeout_seconds``) or memory
    (``analysis_memory_bytes``) budget; it was quarantined (not stored) and the batch went on."""

    code = "over-budget"


class RefusedAddress(FetchFailed):
    """A URL (or one of its redirects) resolves to an address newswatch does not fetch from:
    loopback, private, link-local, multicast, cloud metadata, reserved, IPv4-mapped or NAT64
    forms of these, or a scheme other than http(s). ``fetch_allowed_hosts`` lifts it for
    named hosts."""

    code = "refused-address"


class TaskFailed(NewswatchError):
    """A ``newswatch batch`` task (one input) crashed or lost its Dask worker more often than
    the scheduler retries; its manifest row is ``failed`` and ``--resume`` runs it again."""

    code = "task-failed"


class SchedulerUnreachable(NewswatchError):
    """``newswatch batch --scheduler ADDRESS``: no Dask scheduler answered at the address
    (within Dask's connect timeout); nothing was run."""

    code = "scheduler-unreachable"


class WorkerSetupFailed(NewswatchError):
    """``newswatch batch``: a Dask worker could not build the analysis pipeline or load the
    models of ``batch_preload_languages`` (a model package missing on the worker's host,
    ``analysis_memory_bytes`` too small for the models...). When a worker present at the start
    fails, nothing is run; a task on a worker that failed later fails with this message."""

    code = "worker-setup"


class StageFailure(NewswatchError):
    """A pipeline stage raised on an article."""

    code = "stage-failed"


class PipelineConfigError(NewswatchError):
    """The stage order is invalid: a stage needs a field no earlier stage provides."""

    code = "pipeline-config"


class StorageError(NewswatchError):
    """The database could not be opened, migrated or written."""

    code = "storage"


class DatabaseUnavailable(StorageError):
    """The database refuses every write, not one article: it stayed locked by another process
    past ``db_busy_timeout_seconds``, is read-only, or its disk failed. ``ingest`` stops with
    one line naming the database (exit 3) instead of failing each article in turn."""

    code = "storage"


class ArticleNotFound(StorageError):
    """No stored article (or revision) has the requested id."""

    code = "article-not-found"


class UnknownCountry(NewswatchError):
    """A ``country`` filter is not an ISO 3166-1 code or country name."""

    code = "unknown-country"


class BadQuery(NewswatchError):
    """A rule's query cannot be used: a syntax error, or a construct newswatch does not
    search with (fields, fuzzy or proximity terms, ranges, regular expressions, leading or
    inner wildcards, a query with no positive term). The message names the construct."""

    code = "bad-query"


class RobotsDisallowed(FetchFailed):
    """The site's robots.txt forbids newswatch's User-Agent to fetch this URL; it is not
    fetched (the watch loop tries again at the source's next scheduled time)."""

    code = "robots-disallowed"


class NoFeed(InputError):
    """A URL given to ``newswatch source add`` is neither an RSS/Atom feed nor a page that
    announces one with ``<link rel="alternate" type="application/rss+xml" ...>``."""

    code = "no-feed"


class AlreadyExists(NewswatchError):
    """A source (by URL) or a rule (by name) is already saved."""

    code = "already-exists"


class NotFound(NewswatchError):
    """No saved source or rule has the name, id or URL given."""

    code = "not-found"
