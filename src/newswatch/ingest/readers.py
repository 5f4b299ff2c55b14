"""Input readers: paths, directories, stdin and URLs -> a stream of articles or errors.

:func:`read_inputs` is the one entry point. For every input it yields extracted
:class:`~newswatch.model.Article` objects, or an :class:`~newswatch.errors.InputError`
*instance* (never raised) naming the input and the reason, so a batch goes on past a bad
file. Inputs:

* a file: plain-text capture, HTML page, JSON Lines, a JSON document, or an RSS/Atom feed,
  optionally gzip-compressed (``.gz`` or gzip magic bytes). The format comes from the file
  suffix (``.jsonl``/``.ndjson``, ``.json``, ``.html``/``.htm``, ``.rss``/``.atom``/``.xml``)
  and, for ``.txt`` and unknown suffixes, from the first bytes;
* a directory: every non-hidden file below it, recursively, in sorted path order;
* ``-``: standard input (the format is sniffed);
* an ``http://`` or ``https://`` URL, fetched with httpx (timeout, size cap, user agent from
  :mod:`newswatch.settings`).

Every input is read with a cap of ``max_input_bytes`` (after decompression), except that a
JSON Lines file is streamed line by line and the cap applies to each line.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import (
    FetchFailed,
    EmptyInput,
    EncodingError,
    InputError,
    InputNotFound,
    MalformedRecord,
    TooLarge,
)
from .feeds import read_feed
from ..model import Article
from ..settings import Settings
from ..settings import load as load_settings
from .extract import ExtractResources, extract_html, extract_text, load_resources
from .decode import check_binary, decode_bytes

#: Bytes looked at to choose the format of an input without a telling suffix.
PEEK_BYTES = 64 * 1024
#: Extractor label of JSON records (their text is taken as given).
JSONL_EXTRACTOR = "newswatch-jsonl-1"
_GZIP_MAGIC = b"\x1f\x8b"
_SUFFIX_FORMATS = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".rss": "feed", ".atom": "feed", ".xml": "feed",
}
_CONTENT_TYPES = (
    ("html", "html"), ("rss", "feed"), ("atom", "feed"), ("xml", "feed"),
    ("ndjson", "jsonl"), ("jsonl", "jsonl"), ("json", "json"), ("text/plain", "text"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HTML_START = re.compile(rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.I)
_TAG = re.compile(rb"</?(?:p|div|span|a|br|h[1-6]|article|section|table|li)\b", re.I)


@dataclass
class _Run:
    """Options and lazily created resources of one :func:`read_inputs` call."""

    settings: Settings
    res: ExtractResources
    published: dt.date | None
    source: str | None
    language: str | None
    stdin: BinaryIO | None
    client: Any = None

    def http(self) -> Any:
        if self.client is None:
            import httpx

            self.client = httpx.Client(
                timeout=self.settings.fetch_timeout_seconds,
                follow_redirects=True,
                headers={"User-Agent": self.settings.fetch_user_agent},
            )
        return self.client

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None


class _Prefixed(io.RawIOBase):
    """A raw stream that first returns ``head`` and then the rest of ``rest``."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        view = memoryview(buf).cast("B")
        n = 0
        if self._head:
            n = min(len(view), len(self._head))
            view[:n] = self._head[:n]
            self._head = self._head[n:]
        if n < len(view):
            more = self._rest.read(len(view) - n)
            if more:
                view[n:n + len(more)] = more
                n += len(more)
        return n


def _open_stream(raw: BinaryIO) -> tuple[io.BufferedReader, bool]:
    """Wrap ``raw`` in a peekable buffered stream, decompressing gzip transparently."""
    first = raw.read(2) or b""
    stream = io.BufferedReader(_Prefixed(first, raw), buffer_size=PEEK_BYTES)
    if first == _GZIP_MAGIC:
        gz = gzip.GzipFile(fileobj=stream, mode="rb")
        return io.BufferedReader(gz, buffer_size=PEEK_BYTES), True  # type: ignore[arg-type]
    return stream, False


def _too_large(cap: int, subject: str, what: str = "input") -> TooLarge:
    return TooLarge(f"{what} is larger than max_input_bytes={cap:,} bytes "
                    f"(raise it with NEWSWATCH_MAX_INPUT_BYTES)", subject=subject)


def _read_capped(stream: io.BufferedReader, cap: int, subject: str) -> bytes:
    data = stream.read(cap + 1)
    if len(data) > cap:
        raise _too_large(cap, subject)
    return data


def _sniff(head: bytes) -> str:
    """Guess the format from the first bytes: "jsonl", "json", "feed", "html" or "text"."""
    s = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if s.startswith(b"{"):
        return "jsonl"
    if s.startswith(b"["):
        return "json"
    if _HTML_START.match(s):
        return "html"
    if s.startswith(b"<?xml") or s.startswith(b"<"):
        if _FEED_ROOT.search(s[:4096]):
            return "feed"
        if re.search(rb"<html\b", s[:4096], re.I):
            return "html"
    if len(_TAG.findall(s[:PEEK_BYTES])) >= 3:
        return "html"
    return "text"


def _choose_format(name: str, content_type: str | None, head: bytes) -> str:
    lower = name.lower().split("?")[0]
    if lower.endswith(".gz"):
        lower = lower[:-3]
    suffix = os.path.splitext(lower)[1]
    fmt = _SUFFIX_FORMATS.get(suffix)
    if fmt:
        return fmt
    if content_type:
        ct = content_type.lower()
        for needle, kind in _CONTENT_TYPES:
            if needle in ct:
                return _sniff(head) if kind == "text" else kind
    return _sniff(head)


def _charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
    return m[1] if m else None


# --------------------------------------------------------------------------- JSON records


def _opt_str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value or None
    raise ValueError(f"field {key!r} must be a string or null, not {type(value).__name__}")


def _iso_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError(f"field 'published' must be an ISO date string, not {value!r}")
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f"field 'published' is not an ISO date: {value!r}") from None


_RECORD_FIELDS = ("id", "url", "source", "title", "published", "language", "text", "meta")


def record_to_article(obj: Any, origin: str) -> Article:
    """Turn one corpus record (``id, url, source, title, published, language, text,
    meta``) into an Article; unknown fields are kept in ``meta``.

    Args:
        obj: the parsed JSON value.
        origin: ``file.jsonl:LINE`` (or ``file.json#N``).

    Raises:
        MalformedRecord: not an object, no non-empty ``text``, or a field of the wrong type.
    """
    if not isinstance(obj, dict):
        raise MalformedRecord(f"record is a JSON {type(obj).__name__}, not an object",
                              subject=origin)
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise MalformedRecord("record has no 'text' (a non-empty string is required)",
                              subject=origin)
    try:
        meta = obj.get("meta") or {}
        if not isinstance(meta, dict):
            raise ValueError("field 'meta' must be an object")
        meta = dict(meta)
        meta.update({k: v for k, v in obj.items() if k not in _RECORD_FIELDS})
        rid = obj.get("id")
        language = _opt_str(obj, "language")
        published = _iso_date(obj.get("published"))
        article = Article(
            text=text, origin=origin, url=_opt_str(obj, "url"),
            id=str(rid) if rid not in (None, "") else "",
            title=_opt_str(obj, "title"), published=published,
            published_source="input" if published else None,
            language=language.lower() if language else None,
            source=_opt_str(obj, "source"), input_format="jsonl",
            extractor=JSONL_EXTRACTOR, meta=meta,
        )
    except ValueError as exc:
        raise MalformedRecord(str(exc), subject=origin) from None
    return article


def _read_jsonl(stream: io.BufferedReader, name: str, cap: int) -> Iterator[Article | InputError]:
    lineno = 0
    count = 0
    while True:
        line = stream.readline(cap + 1)
        if not line:
            break
        lineno += 1
        origin = f"{name}:{lineno}"
        if len(line) > cap and not line.endswith(b"\n"):
            while True:  # skip the rest of the over-long line
                rest = stream.readline(PEEK_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
            yield _too_large(cap, origin, "JSON Lines record")
            continue
        if not line.strip():
            continue
        count += 1
        try:
            obj = json.loads(line.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            yield EncodingError(f"record is not valid UTF-8 (offset {exc.start})",
                                subject=origin)
            continue
        except json.JSONDecodeError as exc:
            yield MalformedRecord(f"invalid JSON: {exc.msg} (column {exc.colno}); "
                                  "a truncated record?", subject=origin)
            continue
        try:
            yield record_to_article(obj, origin)
        except InputError as err:
            yield err
    if count == 0:
        yield EmptyInput("no records (only blank lines)", subject=name)


def _read_json(data: bytes, name: str) -> Iterator[Article | InputError]:
    text, _ = decode_bytes(data, name)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedRecord(f"invalid JSON: {exc.msg} (line {exc.lineno}, column "
                              f"{exc.colno})", subject=name) from None
    items = obj if isinstance(obj, list) else [obj]
    if not items:
        raise EmptyInput("empty JSON array", subject=name)
    for i, item in enumerate(items, start=1):
        try:
            yield record_to_article(item, f"{name}#{i}" if isinstance(obj, list) else name)
        except InputError as err:
            yield err


# --------------------------------------------------------------------------- one stream


def _read_stream(raw: BinaryIO, name: str, run: _Run, *, url: str | None = None,
                 content_type: str | None = None,
                 size_hint: int | None = None) -> Iterator[Article | InputError]:
    cap = run.settings.max_input_bytes
    try:
        stream, gz = _open_stream(raw)
        head = stream.peek(PEEK_BYTES)[:PEEK_BYTES]
        if not head:
            raise EmptyInput("no bytes" + (" after decompression" if gz else ""), subject=name)
        fmt = _choose_format(name, content_type, head)
        if fmt == "jsonl":
            check_binary(head, name)
            yield from _read_jsonl(stream, name, cap)
            return
        if size_hint is not None and size_hint > cap and not gz:
            raise _too_large(cap, name, f"input ({size_hint:,} bytes)")
        data = _read_capped(stream, cap, name)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        yield EncodingError(f"corrupt gzip data: {exc}", subject=name)
        return
    if not data.strip():
        yield EmptyInput("only whitespace", subject=name)
        return
    declared = _charset_from_content_type(content_type)
    meta: dict[str, Any] = {"compression": "gzip"} if gz else {}
    if fmt == "json":
        yield from _read_json(data, name)
        return
    if fmt == "feed":
        check_binary(data, name)
        yield from read_feed(data, name)
        return
    if fmt == "html":
        m = _META_CHARSET.search(data[:PEEK_BYTES])
        declared = declared or (m[1].decode("ascii") if m else None)
    text, encoding = decode_bytes(data, name, declared)
    meta["encoding"] = encoding
    if fmt == "html":
        article = extract_html(text, name, url, res=run.res)
    else:
        article = extract_text(text, name, res=run.res)
        article.url = url
    article.meta.update(meta)
    yield article


# --------------------------------------------------------------------------- inputs


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if not f.startswith("."):
                yield Path(dirpath) / f


def _read_file(path: Path, run: _Run) -> Iterator[Article | InputError]:
    name = str(path)
    try:
        st = path.stat()
        if not path.is_file():
            raise InputNotFound("not a regular file", subject=name)
        if st.st_size == 0:
            raise EmptyInput("empty file (0 bytes)", subject=name)
        fh = path.open("rb")
    except FileNotFoundError:
        yield InputNotFound("no such file or directory", subject=name)
        return
    except PermissionError:
        yield InputNotFound("permission denied", subject=name)
        return
    except InputError as err:
        yield err
        return
    with fh:
        yield from _read_stream(fh, name, run, size_hint=st.st_size)


def _read_url(url: str, run: _Run) -> Iterator[Article | InputError]:
    import httpx

    cap = run.settings.max_input_bytes
    try:
        with run.http().stream("GET", url) as resp:
            if resp.status_code >= 400:
                cls = InputNotFound if resp.status_code in (404, 410) else FetchFailed
                raise cls(f"HTTP {resp.status_code} {resp.reason_phrase}", subject=url)
            declared_len = resp.headers.get("content-length")
            if declared_len and declared_len.isdigit() and int(declared_len) > cap:
                raise _too_large(cap, url, f"response ({int(declared_len):,} bytes)")
            body = bytearray()
            for chunk in resp.iter_bytes():
                body += chunk
                if len(body) > cap:
                    raise _too_large(cap, url, "response")
            final_url = str(resp.url)
            content_type = resp.headers.get("content-type")
    except httpx.TimeoutException:
        yield FetchFailed(f"timed out after {run.settings.fetch_timeout_seconds} s "
                          "(fetch_timeout_seconds)", subject=url)
        return
    except httpx.HTTPError as exc:
        yield FetchFailed(f"{type(exc).__name__}: {exc}", subject=url)
        return
    except InputError as err:
        yield err
        return
    for item in _read_stream(io.BytesIO(bytes(body)), url, run, url=final_url,
                             content_type=content_type):
        if isinstance(item, Article):
            item.url = item.url or final_url
            item.meta.setdefault("fetched_url", url)
        yield item


def _guarded(items: Iterator[Article | InputError], subject: str,
             run: _Run) -> Iterator[Article | InputError]:
    """Yield from ``items``; turn a raised InputError (or any crash) into a yielded error."""
    try:
        for item in items:
            if isinstance(item, Article):
                _finish(item, run)
            yield item
    except InputError as err:
        yield err
    except Exception as exc:  # noqa: BLE001 - one bad input must not stop a batch
        yield InputError(f"unexpected {type(exc).__name__}: {exc}", subject=subject)


def _finish(article: Article, run: _Run) -> None:
    if run.published is not None:
        article.published, article.published_source = run.published, "option"
    if run.source:
        article.source = run.source
    elif not article.source:
        article.source = article.site
    if run.language:
        article.language = run.language
        article.meta["language_reason"] = "given: option"
    elif article.language:
        article.meta.setdefault("language_reason", "given: input")
    article.ensure_id()


def read_inputs(paths: Iterable[str], *, published: dt.date | None = None,
                source: str | None = None, language: str | None = None,
                stdin: BinaryIO | None = None,
                settings: Settings | None = None) -> Iterator[Article | InputError]:
    """Read every input and yield articles, or one error per input (or record) that fails.

    Args:
        paths: file paths, directory paths, ``"-"`` for standard input, http(s) URLs.
        published: publication date to set on every article (``published_source="option"``).
        source: outlet name to set on every article (else the page's site name).
        language: ISO 639-1 code forced on every article (the language stage keeps it).
        stdin: the byte stream ``"-"`` reads (default ``sys.stdin.buffer``).
        settings: resolved settings (default :func:`newswatch.settings.load`).

    Yields:
        :class:`~newswatch.model.Article` objects with ``origin``, ``input_format``,
        ``extractor``, ``id`` (see ``Article.ensure_id``) and whatever metadata the input
        gave; or :class:`~newswatch.errors.InputError` instances whose ``subject`` names the
        input (``file.jsonl:LINE`` for a JSON Lines record, ``feed.xml#N`` for a feed
        entry). Nothing is raised for a bad input.
    """
    run = _Run(
        settings=settings or load_settings(),
        res=load_resources(),
        published=published,
        source=source,
        language=language.strip().lower() if language else None,
        stdin=stdin,
    )
    try:
        for p in paths:
            p = str(p)
            if p == "-":
                stream = run.stdin if run.stdin is not None else sys.stdin.buffer
                yield from _guarded(_read_stream(stream, "-", run), "-", run)
            elif re.match(r"https?://", p, re.I):
                yield from _guarded(_read_url(p, run), p, run)
            elif os.path.isdir(p):
                for f in _walk(Path(p)):
                    yield from _guarded(_read_file(f, run), str(f), run)
            else:
                yield from _guarded(_read_file(Path(p), run), p, run)
    finally:
        run.close()
