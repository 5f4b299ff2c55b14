"""WARC archives in: one article per HTML (or plain-text) response record.

A WARC file (ISO 28500; Common Crawl's CC-NEWS is published as ``.warc.gz``) holds a sequence
of records. :func:`read_warc` walks them with warcio 1.8.1's ``ArchiveIterator`` (it reads
plain and record-wise gzip-compressed archives, and decodes chunked and gzip/deflate
``Content-Encoding`` of the HTTP payload) and hands each payload that is a page to the same
extraction path as an HTML file (:func:`newswatch.ingest.extract.extract_html`). Thus:

* the publication date comes from the page (htmldate's metadata and structure, then the
  dateline fall-backs), **never** from the crawl time; the record's ``WARC-Date`` is kept only
  as the crawl time in ``meta["warc"]["date"]``;
* ``Article.url`` is the record's ``WARC-Target-URI`` (so the article id derives from the URL
  and re-ingesting the same archive, or a re-crawl of the same page, is idempotent or a
  revision); ``meta["warc"]`` also keeps ``record_id`` (``WARC-Record-ID``), ``target_uri``,
  ``file`` (the archive as named) and ``offset`` (the record's byte offset in the file as
  stored, compressed when the file is, so the record can be fetched again by range);
* a record's origin is ``archive.warc.gz#N``, N counting records from 1.

Which records become articles: ``response`` records with an HTTP status 2xx and
``resource`` records, whose content type is HTML (``text/html``, ``application/xhtml+xml``)
or ``text/plain``, or, when the header is missing, whose first bytes look like HTML.
``warcinfo``, ``request``, ``metadata``, ``revisit`` and ``conversion`` records are passed
over silently (they are not documents). Every other record gives one error line and the rest
of the archive is read:

* ``not-html`` (:class:`~newswatch.errors.NotHtml`): the payload is an image, a PDF, JSON...;
* ``not-an-article``: an HTTP status other than 2xx (a redirect or error page);
* ``too-large``: the record declares a ``Content-Length`` above the cap, or its decoded
  payload is larger; the record is never buffered (warcio skips it in 16 KiB reads);
* ``truncated`` (:class:`~newswatch.errors.TruncatedRecord`): the file ends before the
  declared ``Content-Length``, or the record carries ``WARC-Truncated``;
* ``malformed``: a response or resource record without ``WARC-Target-URI`` (warcio 1.8.1
  would crash on it and lose the rest of the archive), a ``Content-Length`` that is not a
  number, or a record not followed by the blank line its ``Content-Length`` promises (warcio's
  own three-line warning on stderr is captured and becomes this one line).

An archive without any response or resource record gives one ``empty`` line. Memory per
record is bounded: at most ``cap + 1`` payload bytes are read, and warcio inflates a
compressed payload 16 KiB of input at a time (at most some 16 MB at once, whatever the
payload's size: a test reads a 256 MB gzip bomb). A record whose
declared length lies (larger than what follows) swallows the records after it in a plain
``.warc``, which has no other record boundary; in a ``.warc.gz`` (one gzip member per record,
as Common Crawl writes them) the next member starts the next record and reading goes on.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from ..errors import (
    EmptyInput,
    InputError,
    MalformedRecord,
    NotAnArticle,
    NotHtml,
    TooLarge,
    TruncatedRecord,
    UnexpectedInputError,
)
from ..model import Article

#: Record types that hold a document (the others are structure: passed over silently).
DOCUMENT_RECORDS = ("response", "resource")
#: Payload content types read as pages ("html") or as plain-text captures ("text").
PAGE_TYPES = (("text/html", "html"), ("application/xhtml+xml", "html"), ("text/plain", "text"))
#: The first bytes of a WARC record (any WARC version).
WARC_MAGIC = re.compile(rb"\s*WARC/\d+\.\d+\r?\n")

#: Builds an article from a payload: ``(bytes, origin, url, content type, "html"|"text")``.
ToArticle = Callable[[bytes, str, str | None, str | None, str], Article]


def is_warc(head: bytes) -> bool:
    """Whether ``head`` (the first bytes of a decompressed input) starts a WARC record."""
    return WARC_MAGIC.match(head[:64]) is not None


def _page_kind(content_type: str | None, head: bytes, sniff: Callable[[bytes], str]) -> str | None:
    """"html", "text", or None (not a page) for a payload's content type and first bytes."""
    if content_type:
        ct = content_type.split(";")[0].strip().lower()
        for name, kind in PAGE_TYPES:
            if ct == name:
                return kind
        return None
    return "html" if sniff(head) == "html" else None


def _status(record: Any) -> int | None:
    """The HTTP status code of a response record, or None (a resource record, no headers)."""
    headers = record.http_headers
    if headers is None or record.rec_type != "response":
        return None
    try:
        return int(headers.get_statuscode())
    except (TypeError, ValueError):
        return 0


def read_warc(raw: BinaryIO, name: str, *, cap: int, to_article: ToArticle,
              sniff: Callable[[bytes], str]) -> Iterator[Article | InputError]:
    """Yield an article for every page record of a WARC archive, an error for every bad one.

    Args:
        raw: the archive as stored (gzip-compressed per record, or plain).
        name: the archive as shown in error lines and origins.
        cap: most payload bytes read per record (``max_input_bytes``).
        to_article: turns a payload into an article (the readers' HTML/text path); may raise
            :class:`~newswatch.errors.InputError` (``not-an-article``, ``encoding``...).
        sniff: guesses a format from the first bytes (used when a record has no
            ``Content-Type``).

    Yields:
        Articles with ``url`` and ``meta["warc"]`` set (see the module docstring), and
        :class:`~newswatch.errors.InputError` instances whose subject is ``name#N``. A
        record that cannot be parsed ends the archive with one error naming it.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    records = ArchiveIterator(raw, check_digests=False)
    _tolerate_missing_uri(records)
    n = documents = 0
    reported = True  # whether the record before the next one already has its line
    while True:
        try:
            with contextlib.redirect_stderr(io.StringIO()) as said:
                # warcio prints a 3-line WARNING when a record is not followed by the blank
                # line its Content-Length promises; it becomes one line naming that record
                record = next(records)
        except StopIteration:
            if said.getvalue() and not reported:
                documents += 1
                yield _bad_length(f"{name}#{n}")
            if not documents:
                yield EmptyInput(f"no response or resource record among {n} WARC records",
                                 subject=name)
            return
        except (ArchiveLoadFailed, ValueError, OSError, EOFError) as exc:
            yield TruncatedRecord(f"the archive cannot be read past record {n}: "
                                  f"{str(exc)[:200]}; the rest of it is not read",
                                  subject=f"{name}#{n + 1}")
            return
        if said.getvalue() and not reported:
            documents += 1
            yield _bad_length(f"{name}#{n}")
        n += 1
        origin = f"{name}#{n}"
        item: Article | InputError | None
        try:
            item = _record(records, record, name, origin, cap, to_article, sniff)
        except InputError as err:
            item = err
        except Exception as exc:  # noqa: BLE001 - one bad record must not stop the archive
            item = UnexpectedInputError(f"{type(exc).__name__}: {str(exc)[:200]}", subject=origin)
        reported = isinstance(item, InputError)
        if item is not None:
            documents += 1
            yield item


def _bad_length(origin: str) -> MalformedRecord:
    return MalformedRecord("the record is not followed by the blank line its Content-Length "
                           "promises (a wrong Content-Length?); the next record may be lost",
                           subject=origin)


def _tolerate_missing_uri(records: Any) -> None:
    """Make warcio 1.8.1 read a response record that has no ``WARC-Target-URI``: its loader
    calls ``uri.startswith`` and the AttributeError would end the iterator (and the archive).
    Such a record is then yielded without HTTP headers and :func:`_record` refuses it."""
    loader = records.loader
    original = loader.load_http_headers

    def load_http_headers(rec_type: Any, uri: Any, stream: Any, length: Any) -> Any:
        if uri is None:
            return None
        return original(rec_type, uri, stream, length)

    loader.load_http_headers = load_http_headers


def _drain(record: Any, origin: str) -> None:
    """Read a record's rest without keeping it (64 KiB at a time); raises TruncatedRecord when
    the file ends before its declared Content-Length."""
    while record.raw_stream.read(64 * 1024):
        pass
    if record.raw_stream.limit > 0:
        raise TruncatedRecord(f"the archive ends {record.raw_stream.limit:,} bytes before the "
                              f"record's declared Content-Length", subject=origin)


def _record(records: Any, record: Any, name: str, origin: str, cap: int, to_article: ToArticle,
            sniff: Callable[[bytes], str]) -> Article | None:
    """The article of one record, None for a structural record; raises InputError."""
    if record.rec_type not in DOCUMENT_RECORDS:
        return None
    headers = record.rec_headers
    declared = headers.get_header("Content-Length")
    try:
        length = int(declared) if declared is not None else None
    except ValueError:
        raise MalformedRecord(f"Content-Length {declared[:40]!r} is not a number",
                              subject=origin) from None
    if length is not None and length > cap:
        _drain(record, origin)  # a cut download says truncated, not too-large
        raise TooLarge(f"record declares Content-Length {length:,} bytes, above "
                       f"max_input_bytes={cap:,}; skipped unread", subject=origin)
    if headers.get_header("WARC-Truncated"):
        raise TruncatedRecord(f"the crawler kept only part of the page (WARC-Truncated: "
                              f"{headers.get_header('WARC-Truncated')})", subject=origin)
    if headers.get_header("WARC-Target-URI") is None:
        _drain(record, origin)
        raise MalformedRecord(f"{record.rec_type} record has no WARC-Target-URI; skipped",
                              subject=origin)
    status = _status(record)
    if status is not None and not 200 <= status < 300:
        raise NotAnArticle(f"HTTP status {status}, not a page", subject=origin)
    content_type = None
    if record.http_headers is not None:
        content_type = record.http_headers.get_header("Content-Type")
    elif record.rec_type == "resource":
        content_type = headers.get_header("Content-Type")
    payload = record.content_stream().read(cap + 1)
    if len(payload) > cap:
        raise TooLarge(f"record payload is larger than max_input_bytes={cap:,} bytes "
                       "after decoding; skipped", subject=origin)
    if record.raw_stream.limit > 0:  # the file ended inside the record
        raise TruncatedRecord(f"the archive ends {record.raw_stream.limit:,} bytes before the "
                              f"record's declared Content-Length", subject=origin)
    kind = _page_kind(content_type, payload[:4096], sniff)
    if kind is None:
        raise NotHtml(f"payload is {(content_type or 'of unknown type').split(';')[0].strip()}, "
                      "not HTML or plain text", subject=origin)
    if not payload.strip():
        raise NotAnArticle("empty payload", subject=origin)
    uri = headers.get_header("WARC-Target-URI")
    article = to_article(payload, origin, uri, content_type, kind)
    article.url = article.url or uri
    offset: int | None
    try:
        offset = int(records.get_record_offset())
    except Exception:  # noqa: BLE001 - the offset is a convenience; a cut record has none
        offset = None
    article.meta["warc"] = {
        "record_id": headers.get_header("WARC-Record-ID"),
        "target_uri": uri,
        "date": headers.get_header("WARC-Date"),
        "file": name,
        "offset": offset,
    }
    article.input_format = "warc"
    return article
