"""Input readers: paths, directories, stdin and URLs -> a stream of articles or errors.

:func:`read_inputs` is the one entry point. For every input it yields extracted
:class:`~newswatch.model.Article` objects, or an :class:`~newswatch.errors.InputError`
*instance* (never raised) naming the input and the reason, so a batch goes on past a bad
file. Inputs:

* a file: plain-text capture, HTML page, JSON Lines, a JSON document, an RSS/Atom feed, or a
  WARC archive (one article per HTML or text response record, :mod:`newswatch.ingest.warc`;
  recognised by its first bytes, whatever its name), optionally gzip-compressed (``.gz`` or
  gzip magic bytes). The format comes from the file
  suffix (``.jsonl``/``.ndjson``, ``.json``, ``.html``/``.htm``, ``.rss``/``.atom``/``.xml``)
  and, for ``.txt`` and unknown suffixes, from the first bytes;
* a directory: every non-hidden regular file below it, in sorted path order, walked without
  recursion down to ``walk_max_depth_count`` levels. A symbolic link is read only when it
  points to a regular file inside the folder; any other link (leaving the folder, to a folder,
  dangling) gives one ``skipped-link`` line, and device files, FIFOs and sockets one
  ``not-regular`` line; none of them is opened;
* ``-``: standard input (the format is sniffed);
* an ``http://`` or ``https://`` URL, fetched through :func:`newswatch.net.fetch` (address
  guard on every redirect, timeout, size cap while streaming, user agent).

Names are shown escaped (:func:`shown`): a file name that is not UTF-8 or holds a newline
prints as one line. An article URL that is not http(s) (``javascript:``, ``data:``...) is never
kept as a link: it moves to ``meta["url_text"]``. Within one JSON Lines file or feed, a record
whose id (else URL) appears again later is skipped: the later record wins, so re-ingesting a
batch holding duplicates adds nothing.

Every input is read with a cap of ``max_input_bytes`` (after decompression), except that a
JSON Lines file is streamed line by line and a WARC archive record by record, and the cap
applies to each line or record. A file named ``.warc`` (``.arc``...) that is not a WARC archive,
and an ARC archive, are refused (``unsupported-format``).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import (
    EmptyInput,
    EncodingError,
    FetchFailed,  # noqa: F401 - re-exported: callers import it from here
    InputError,
    InputNotFound,
    MalformedRecord,
    NotAnArticle,
    NotRegularFile,
    SkippedLink,
    TooDeep,
    TooLarge,
    TruncatedRecord,
    UnexpectedInputError,
    UnknownLanguage,
    UnsupportedFormat,
)
from ..model import Article, StageError
from ..settings import Settings
from ..settings import load as load_settings
from ..text import find_lone_surrogate
from .dates import check_published, refuse_date
from .decode import check_binary, decode_bytes
from .extract import ExtractResources, extract_html, extract_text, load_resources
from .feeds import read_feed
from .warc import is_warc

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
            from ..net import guarded_client

            self.client = guarded_client(self.settings)
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


class _Gunzipped(io.RawIOBase):
    """The decompressed bytes of a gzip stream, one ``read1`` per ``readinto``: what was
    decompressed is handed out before a cut or corrupt stream raises (EOFError, zlib.error),
    where ``GzipFile.read(n)`` would drop the bytes it had gathered for ``n`` with the error."""

    def __init__(self, gz: gzip.GzipFile) -> None:
        self._gz = gz

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        view = memoryview(buf).cast("B")
        data = self._gz.read1(len(view))
        view[:len(data)] = data
        return len(data)


def _open_stream(raw: BinaryIO) -> tuple[io.BufferedReader[Any], bool]:
    """Wrap ``raw`` in a peekable buffered stream, decompressing gzip transparently."""
    first = raw.read(2) or b""
    stream = io.BufferedReader(_Prefixed(first, raw), buffer_size=PEEK_BYTES)
    if first == _GZIP_MAGIC:
        if is_warc(_gzip_head(stream)):
            return stream, True  # warcio decompresses record by record itself
        gz = gzip.GzipFile(fileobj=stream, mode="rb")
        return io.BufferedReader(_Gunzipped(gz), buffer_size=PEEK_BYTES), True
    return stream, False


def _gzip_head(stream: io.BufferedReader[Any]) -> bytes:
    """The first (up to 64) decompressed bytes of the gzip stream ``stream`` starts with,
    without consuming it; b"" when they cannot be decompressed."""
    try:
        return zlib.decompressobj(wbits=31).decompress(stream.peek(PEEK_BYTES)[:PEEK_BYTES], 64)
    except zlib.error:
        return b""


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
    if s.startswith((b"<?xml", b"<")):
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


def _iso_date(value: Any) -> tuple[dt.date | None, str | None]:
    """A record's ``published`` value as ``(date, None)``, or ``(None, why)`` when it is given
    but cannot be read (the record is kept without a date: :mod:`.dates`)."""
    if value in (None, ""):
        return None, None
    if not isinstance(value, str):
        return None, f"is a JSON {type(value).__name__}, not an ISO date string"
    try:
        return dt.date.fromisoformat(value[:10]), None
    except ValueError:
        return None, "cannot be read as an ISO date (YYYY-MM-DD)"


def _check_unicode(value: Any, origin: str) -> None:
    """Refuse lone surrogates (``"\\ud800"`` escapes) anywhere in a parsed record
    (:func:`newswatch.text.find_lone_surrogate`): such a string cannot be encoded as UTF-8, so
    it could be neither stored nor printed."""
    found = find_lone_surrogate(value)
    if found is not None:
        m = found[1]
        raise EncodingError(f"record holds a lone surrogate \\u{ord(m[0]):04x} at "
                            f"character {m.start()} (not valid Unicode text)", subject=origin)


#: C0 control characters and DEL; in text fields all but tab, line feed and carriage return
#: are removed (:func:`_finish`), an id holding any is refused.
_CONTROL = re.compile("[\x00-\x1f\x7f]")
_TEXT_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
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
        rid = obj.get("id", "")
        if rid is None or isinstance(rid, bool) or not isinstance(rid, (str, int)):
            raise ValueError(f"field 'id' must be a string or an integer, not "
                             f"{'null' if rid is None else type(rid).__name__}")
        if isinstance(rid, int) and not -(2 ** 63) <= rid < 2 ** 63:
            raise ValueError("field 'id' is an integer outside the 64-bit range")
        if isinstance(rid, str) and _CONTROL.search(rid):
            raise ValueError("field 'id' holds control characters (NUL, line breaks...)")
        _check_unicode(obj, origin)
        language = _opt_str(obj, "language")
        published, date_problem = _iso_date(obj.get("published"))
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
    if date_problem is not None:
        refuse_date(article, obj.get("published"), date_problem)
    elif published is not None:
        article.meta["published_at"] = obj["published"]
    return article


def _jsonl_lines(stream: BinaryIO, cap: int) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, line)`` of a JSON Lines stream; ``None`` for a line over ``cap``."""
    lineno = 0
    while True:
        line = stream.readline(cap + 1)
        if not line:
            return
        lineno += 1
        if len(line) > cap and not line.endswith(b"\n"):
            while True:  # skip the rest of the over-long line
                rest = stream.readline(PEEK_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
            yield lineno, None
            continue
        yield lineno, line


#: Most digits an integer in a JSON input may have (Python's own default limit for turning text
#: into an int, which guards against the quadratic cost of converting longer ones).
JSON_MAX_INT_DIGITS = 4300


class _TooManyDigits(ValueError):
    """A JSON integer longer than :data:`JSON_MAX_INT_DIGITS` digits (``args[0]``: its digits)."""


def _json_int(text: str) -> int:
    """``parse_int`` for :func:`json.loads`: the integer, or :class:`_TooManyDigits`."""
    digits = len(text) - text.startswith("-")
    if digits > JSON_MAX_INT_DIGITS:
        raise _TooManyDigits(digits)
    return int(text)


def _json_loads(text: str | bytes, subject: str, where: str) -> Any:
    """``json.loads`` whose value errors are one :class:`MalformedRecord` in our own words.

    ``where`` is appended to a syntax error's message (``"line L, column C"`` or ``"column C"``
    built from the error). Raises UnicodeDecodeError (bytes input) and MalformedRecord.
    """
    try:
        return json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        place = where.format(line=exc.lineno, column=exc.colno)
        raise MalformedRecord(f"invalid JSON: {exc.msg} ({place})"
                              + ("; a truncated record?" if "line" not in where else ""),
                              subject=subject) from None
    except RecursionError:
        raise MalformedRecord("JSON nested too deeply", subject=subject) from None
    except _TooManyDigits as exc:
        raise MalformedRecord(f"a number with more than {JSON_MAX_INT_DIGITS:,} digits "
                              f"({exc.args[0]:,}); refused", subject=subject) from None
    except ValueError as exc:  # not foreseen: name the exception, not its (long) text
        raise MalformedRecord(f"invalid JSON value ({type(exc).__name__})",
                              subject=subject) from None


def _parse_json_line(line: bytes, origin: str) -> Any:
    """The JSON value of one line. Raises EncodingError or MalformedRecord, never anything
    else: a 5,000-digit number or 10,000-deep nesting rejects this line only."""
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EncodingError(f"record is not valid UTF-8 (offset {exc.start})",
                            subject=origin) from None
    return _json_loads(text, origin, "column {column}")


def record_key(obj: Any) -> tuple[str, str] | None:
    """What makes two records the same article: ``("id", id)``, else ``("url", url)``."""
    if not isinstance(obj, dict):
        return None
    rid = obj.get("id")
    if isinstance(rid, (str, int)) and not isinstance(rid, bool) and str(rid):
        return ("id", str(rid))
    url = obj.get("url")
    return ("url", url) if isinstance(url, str) and url else None


def _last_lines(stream: BinaryIO, cap: int) -> dict[tuple[str, str], list[int]]:
    """First pass: line numbers of every record key, in order (for later-wins).

    A gzip stream that is cut or corrupt ends the pass at the damage, quietly: the lines
    before it still count, and the second pass reports the damage when it reaches it (after
    storing the complete records before it)."""
    seen: dict[tuple[str, str], list[int]] = {}
    lines = _jsonl_lines(stream, cap)
    while True:
        try:
            lineno, line = next(lines)
        except (StopIteration, EOFError, gzip.BadGzipFile, zlib.error):
            break
        if line is None or not line.strip():
            continue
        try:
            key = record_key(_parse_json_line(line, ""))
        except InputError:
            continue
        if key is not None:
            seen.setdefault(key, []).append(lineno)
    return {k: v for k, v in seen.items() if len(v) > 1}


def _read_jsonl(stream: io.BufferedReader, name: str, cap: int,
                reopen: Any = None) -> Iterator[Article | InputError]:
    dupes: dict[tuple[str, str], list[int]] = {}
    if reopen is not None:
        with reopen() as again:
            dupes = _last_lines(_open_stream(again)[0], cap)
    count = 0
    for lineno, line in _jsonl_lines(stream, cap):
        origin = f"{name}:{lineno}"
        if line is None:
            count += 1  # a record, if one too large: the file is not "only blank lines"
            yield _too_large(cap, origin, "JSON Lines record")
            continue
        if not line.strip():
            continue
        count += 1
        try:
            obj = _parse_json_line(line, origin)
            key = record_key(obj)
            if key in dupes and dupes[key][-1] != lineno:
                continue  # the same id (or URL) comes again later: the later line wins
            article = record_to_article(obj, origin)
            if key in dupes:
                article.meta["replaces_lines"] = dupes[key][:-1]
            yield article
        except InputError as err:
            yield err
    if count == 0:
        yield EmptyInput("no records (only blank lines)", subject=name)


def _read_json(data: bytes, name: str) -> Iterator[Article | InputError]:
    text, _ = decode_bytes(data, name)
    obj = _json_loads(text, name, "line {line}, column {column}")
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
                 content_type: str | None = None, size_hint: int | None = None,
                 reopen: Any = None) -> Iterator[Article | InputError]:
    cap = run.settings.max_input_bytes
    try:
        stream, gz = _open_stream(raw)
        head = stream.peek(PEEK_BYTES)[:PEEK_BYTES]
        if gz and head.startswith(_GZIP_MAGIC) and is_warc(_gzip_head(stream)):
            # a .warc.gz: gzip member per record, read by warcio as stored
            yield from _read_warc(stream, name, run, reopen)
            return
        if not head:
            raise EmptyInput("no bytes" + (" after decompression" if gz else ""), subject=name)
        _refuse_archives(name, head)
        if is_warc(head):
            yield from _read_warc(stream, name, run, reopen)
            return
        fmt = _choose_format(name, content_type, head)
        if fmt == "jsonl":
            check_binary(head, name)
            yield from _read_jsonl(stream, name, cap, reopen)
            return
        if size_hint is not None and size_hint > cap and not gz:
            raise _too_large(cap, name, f"input ({size_hint:,} bytes)")
        data = _read_capped(stream, cap, name)
    except EOFError:
        yield TruncatedRecord("the gzip data ends before its end-of-stream marker (a cut "
                              "download?); nothing after the cut is read", subject=name)
        return
    except (gzip.BadGzipFile, zlib.error) as exc:
        yield MalformedRecord(f"corrupt gzip data ({str(exc)[:160]}); nothing after it is read",
                              subject=name)
        return
    if not data.strip():
        yield EmptyInput("only whitespace", subject=name)
        return
    if fmt == "json":
        yield from _read_json(data, name)
        return
    if fmt == "feed":
        check_binary(data, name)
        yield from read_feed(data, name, max_items=run.settings.feed_max_items_count)
        return
    article = _page(data, name, url, content_type, fmt, run)
    if gz:
        article.meta["compression"] = "gzip"
    yield article


def _page(data: bytes, name: str, url: str | None, content_type: str | None, fmt: str,
          run: _Run) -> Article:
    """One page (``fmt`` "html") or plain-text capture (anything else) as an Article; the
    charset comes from ``content_type``, else the page's ``<meta charset>``, else is sniffed."""
    declared = _charset_from_content_type(content_type)
    if fmt == "html":
        m = _META_CHARSET.search(data[:PEEK_BYTES])
        declared = declared or (m[1].decode("ascii") if m else None)
    text, encoding = decode_bytes(data, name, declared)
    if fmt == "html":
        article = extract_html(text, name, url, res=run.res)
    else:
        article = extract_text(text, name, res=run.res)
        article.url = url
    article.meta["encoding"] = encoding
    return article


def _read_warc(stream: BinaryIO, name: str, run: _Run,
               reopen: Any = None) -> Iterator[Article | InputError]:
    """The records of a WARC archive (:mod:`newswatch.ingest.warc`); warcio reads the file as
    stored (``reopen``) so that record offsets are those of the file, else ``stream``."""
    from .warc import read_warc

    def to_article(payload: bytes, origin: str, url: str | None, content_type: str | None,
                   kind: str) -> Article:
        return _page(payload, origin, url, content_type, kind, run)

    if reopen is None:
        yield from read_warc(stream, name, cap=run.settings.max_input_bytes,
                             to_article=to_article, sniff=_sniff)
        return
    with reopen() as raw:
        yield from read_warc(raw, name, cap=run.settings.max_input_bytes,
                             to_article=to_article, sniff=_sniff)


# --------------------------------------------------------------------------- inputs


_WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown(name: str) -> str:
    """``name`` as one printable, UTF-8-encodable line: bytes that were not UTF-8 (kept by
    Python as surrogate escapes) show as ``\\xff``, control and invisible characters as
    ``\\n``, ``\\u200e``...; everything else is unchanged."""
    out = []
    for ch in name:
        o = ord(ch)
        if 0xDC80 <= o <= 0xDCFF:
            out.append(f"\\x{o - 0xDC00:02x}")
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            out.append(f"\\u{o:04x}" if o <= 0xFFFF else f"\\U{o:08x}")
    return "".join(out)


def _refuse_archives(name: str, head: bytes) -> None:
    """Refuse an ARC archive, and a file named as a WARC or ARC archive that is not one
    (a real WARC archive is read, whatever its name)."""
    if head.startswith(b"filedesc://"):
        raise UnsupportedFormat("an ARC archive, which newswatch does not read (convert it "
                                "to WARC, e.g. with warcio's arc2warc)", subject=name)
    lower = name.lower().split("?")[0]
    if lower.endswith(_WARC_SUFFIXES) and not is_warc(head):
        raise UnsupportedFormat("named as a WARC archive but is not one", subject=name)


def _walk(root: Path, max_depth: int) -> Iterator[tuple[str, str, bool] | InputError]:
    """Walk ``root`` without recursion; yields ``(path to open, name shown, no-follow)`` for
    each file to read and an InputError for each entry skipped (links, special files, folders
    too deep or unreadable)."""
    real_root = os.path.realpath(root)
    stack: list[tuple[str, int]] = [(str(root), 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted((e for e in it if not e.name.startswith(".")),
                                 key=lambda e: e.name)
        except OSError as exc:
            yield InputNotFound(f"cannot list the folder: {exc.strerror}", subject=shown(folder))
            continue
        subdirs: list[str] = []
        for e in entries:
            path = os.path.join(folder, e.name)
            try:
                if e.is_symlink():
                    target = os.path.realpath(path)
                    if not (target + os.sep).startswith(real_root + os.sep):
                        yield SkippedLink(f"symbolic link to {shown(target)}, outside "
                                          f"{shown(str(root))}; not followed", subject=shown(path))
                    elif os.path.isdir(target):
                        yield SkippedLink("symbolic link to a folder; not followed",
                                          subject=shown(path))
                    elif not os.path.isfile(target):
                        yield SkippedLink("dangling symbolic link, or a link to a special "
                                          "file; not followed", subject=shown(path))
                    else:
                        yield target, shown(path), True
                elif e.is_dir(follow_symlinks=False):
                    subdirs.append(path)
                elif e.is_file(follow_symlinks=False):
                    yield path, shown(path), True
                else:
                    yield NotRegularFile("a device file, FIFO or socket; not opened",
                                         subject=shown(path))
            except OSError as exc:
                yield InputNotFound(f"cannot inspect: {exc.strerror}", subject=shown(path))
        for sub in reversed(subdirs):
            if depth + 1 > max_depth:
                yield TooDeep(f"folder deeper than walk_max_depth_count={max_depth} levels "
                              "below the input folder; not read", subject=shown(sub))
            else:
                stack.append((sub, depth + 1))


def walk(folder: str, settings: Settings) -> Iterator[tuple[str, str, bool] | InputError]:
    """The files below ``folder`` as ``read_inputs`` reads them: ``(path to open, name shown,
    no-follow)`` for each, in sorted order, and an InputError for each entry skipped (links
    leaving the folder, special files, folders too deep) or ``empty`` when there is none."""
    found = False
    for f in _walk(Path(folder), settings.walk_max_depth_count):
        found = True
        yield f
    if not found:
        yield EmptyInput("no inputs found: the folder holds no readable files "
                         "(hidden files are skipped)", subject=shown(folder))


def _read_file(path: Path | str, run: _Run, name: str | None = None,
               nofollow: bool = False) -> Iterator[Article | InputError]:
    """Read one file. It is opened non-blocking (a FIFO cannot hang the batch) and checked to
    be a regular file on the open descriptor; ``nofollow`` refuses a link swapped in since
    the walk looked."""
    name = name or shown(str(path))
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if nofollow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise NotRegularFile("not a regular file (a folder, device file, FIFO or "
                                     "socket); not read", subject=name)
            if st.st_size == 0:
                raise EmptyInput("empty file (0 bytes)", subject=name)
            fh = os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise
    except FileNotFoundError:
        yield InputNotFound("no such file or directory", subject=name)
        return
    except PermissionError:
        yield InputNotFound("permission denied", subject=name)
        return
    except OSError as exc:
        if nofollow and exc.errno == getattr(__import__("errno"), "ELOOP", -1):
            yield SkippedLink("became a symbolic link while the folder was read; not followed",
                              subject=name)
        else:
            yield InputNotFound(f"cannot open: {exc.strerror}", subject=name)
        return
    except InputError as err:
        yield err
        return

    def reopen() -> BinaryIO:
        return open(path, "rb")

    with fh:
        yield from _read_stream(fh, name, run, size_hint=st.st_size, reopen=reopen)


def _read_url(url: str, run: _Run) -> Iterator[Article | InputError]:
    from ..net import fetch

    try:
        got = fetch(url, run.settings, client=run.http())
    except InputError as err:
        if isinstance(err, TooLarge):
            err.message += " (raise it with NEWSWATCH_MAX_INPUT_BYTES)"
        yield err
        return
    yield from _read_fetched(got.body, url, got.final_url, got.headers.get("content-type"), run)


def _read_fetched(body: bytes, url: str, final_url: str, content_type: str | None,
                  run: _Run) -> Iterator[Article | InputError]:
    for item in _read_stream(io.BytesIO(body), url, run, url=final_url,
                             content_type=content_type, reopen=lambda: io.BytesIO(body)):
        if isinstance(item, Article):
            item.url = item.url or final_url
            item.meta.setdefault("fetched_url", url)
        yield item


def read_fetched(body: bytes, url: str, *, final_url: str | None = None,
                 content_type: str | None = None, source: str | None = None,
                 language: str | None = None,
                 settings: Settings | None = None) -> Iterator[Article | InputError]:
    """Read a body that was already fetched (by the watch loop's conditional GET) exactly as
    a URL input is read: format from the content type and first bytes, a feed entry by entry.

    Args:
        body: the response body (at most ``max_input_bytes``).
        url: the URL asked for (the input's name: feed entries get origin ``url#N``).
        final_url: the URL of the last redirect hop (default ``url``).
        content_type: the response's ``Content-Type``.
        source, language, settings: as for :func:`read_inputs`.

    Yields:
        Articles or :class:`~newswatch.errors.InputError` instances, as :func:`read_inputs`.
    """
    run = _Run(settings=settings or load_settings(), res=load_resources(), published=None,
               source=source, language=language.strip().lower() if language else None,
               stdin=None)
    yield from _guarded(_read_fetched(body, url, final_url or url, content_type, run), url, run)


def _guarded(items: Iterator[Article | InputError], subject: str,
             run: _Run) -> Iterator[Article | InputError]:
    """Yield from ``items``; turn a raised InputError (or any crash) into a yielded error.

    An article refused by :func:`_finish` (too few letters, an id or URL too long) becomes
    one error naming that record, and the rest of the input is still read."""
    try:
        for item in items:
            if isinstance(item, Article):
                try:
                    _finish(item, run)
                except InputError as err:
                    err.subject = shown(err.subject or item.origin)
                    yield err
                    continue
            yield item
    except InputError as err:
        yield err
    except Exception as exc:  # noqa: BLE001 - one bad input must not stop a batch
        yield UnexpectedInputError(shown(f"{type(exc).__name__}: {exc}")[:300],
                                   subject=shown(subject))


#: An article needs at least this many letters (``str.isalpha`` code points) in its text, or
#: it is refused as ``not-an-article`` whatever the reader (JSON Lines, feed, text capture,
#: HTML, WARC). 10 is the fewest letters from which the language stage decides a language
#: (``SHORT_MIN_LETTERS``: a short headline such as "Kabul falls"); the shortest text in the
#: shared corpora is a headline-only feed item of 22 letters ("The latest on Afghanistan"),
#: so no corpus record or sample is refused, while a lone letter or a number is.
ARTICLE_MIN_LETTERS = 10
#: Longest article id accepted (code points); a longer one is ``malformed``. Ids appear in
#: page URLs (``/article/ID``) and are the primary key: 512 code points are at most 2,048
#: UTF-8 bytes, under PostgreSQL's B-tree entry limit (about 2,700 bytes); the longest id in
#: the shared corpora has 216 characters.
ID_MAX_CHARS = 512
#: Longest article URL accepted (UTF-8 bytes); a longer one is ``malformed``. The sitemaps
#: protocol caps URLs at 2,048 characters and the stored URL is indexed (PostgreSQL's B-tree
#: entry limit is about 2,700 bytes); the longest URL in the shared corpora has 283.
URL_MAX_BYTES = 2048


def _letters(text: str) -> int:
    """The number of letters (``str.isalpha``) in ``text``; ``map`` runs the test in C (21 ->
    14 ms over the 250 texts of ``benchmarks/bench_ingest.py``)."""
    return sum(map(str.isalpha, text))


def _supported_languages() -> tuple[str, ...]:
    """The languages the pipeline has models for (:data:`newswatch.stages.nlp.SUPPORTED`),
    imported when first asked: importing the stages at module load would load every analysis
    stage into processes that only read inputs (``newswatch batch``'s parent: 115 -> 310 ms)."""
    from ..stages.nlp import SUPPORTED

    return SUPPORTED


def _finish(article: Article, run: _Run) -> None:
    """Apply the rules every reader shares to one article, in place.

    Raises:
        NotAnArticle: fewer than :data:`ARTICLE_MIN_LETTERS` letters in the text.
        MalformedRecord: an id over :data:`ID_MAX_CHARS` or a URL over :data:`URL_MAX_BYTES`.
    """
    article.origin = shown(article.origin)
    letters = _letters(article.text)
    if letters < ARTICLE_MIN_LETTERS:
        raise NotAnArticle(f"the text has {letters} letter{'s' if letters != 1 else ''}, "
                           f"fewer than article_min_letters={ARTICLE_MIN_LETTERS}",
                           subject=article.origin)
    if article.id and len(article.id) > ID_MAX_CHARS:
        raise MalformedRecord(f"id of {len(article.id):,} characters, longer than "
                              f"{ID_MAX_CHARS} (id_max_chars)", subject=article.origin)
    if article.url and len(article.url.encode("utf-8", "surrogatepass")) > URL_MAX_BYTES:
        raise MalformedRecord(f"URL of {len(article.url.encode('utf-8', 'surrogatepass')):,} "
                              f"bytes, longer than {URL_MAX_BYTES:,} (url_max_bytes)",
                              subject=article.origin)
    # NUL and other control characters are not text (PostgreSQL refuses NUL; pages and CSV
    # exports would carry them raw): removed from the text fields, and counted.
    removed = 0
    for name in ("text", "title", "source", "author", "site"):
        value = getattr(article, name)
        if isinstance(value, str) and _TEXT_CONTROL.search(value):
            clean = _TEXT_CONTROL.sub("", value)
            removed += len(value) - len(clean)
            setattr(article, name, clean)
    if removed:
        article.meta["control_chars_removed"] = removed
    if article.url and not _HTTP_URL.match(article.url.strip()):
        # javascript:, data:, file:... never become a link; kept as inert text.
        article.meta["url_text"] = article.url
        article.url = None
    cap = run.settings.analysis_max_text_chars
    if cap and len(article.text) > cap:
        full = len(article.text)
        article.text = cut_text(article.text, cap)
        article.meta["text_cut_from_chars"] = full
        article.errors.append(StageError(
            "ingest", "text-cut", f"text of {full:,} characters cut to {len(article.text):,} "
            f"(analysis_max_text_chars={cap:,})"))
    if run.published is not None:
        article.published, article.published_source = run.published, "option"
    check_published(article)  # every reader's date, and the option's, under one rule
    if run.source:
        article.source = run.source
    elif not article.source:
        article.source = article.site
    if run.language:
        article.language = run.language
        article.meta["language_reason"] = "given: option"
    elif article.language and article.language not in _supported_languages():
        # "xx", "english", "de": not a language the pipeline has models for; treated as
        # unknown, so the language stage detects it as when none is given.
        given = shown(article.language)[:40]
        article.meta["language_refused"] = given
        article.language = None
        article.errors.append(StageError(
            "ingest", UnknownLanguage.code, f"language {given!r} is not one the pipeline "
            f"supports ({', '.join(_supported_languages())}); it is detected from the text instead"))
    elif article.language:
        article.meta.setdefault("language_reason", "given: input")
    article.ensure_id()


_HTTP_URL = re.compile(r"https?://[^\s/?#]+", re.I)
_BREAKS = ("\n\n", "\n", ". ", "! ", "? ", "。", " ")


def cut_text(text: str, cap: int) -> str:
    """``text`` cut to at most ``cap`` code points, at the last paragraph break, else line
    break, else sentence end, else space in the second half of the limit (else hard at
    ``cap``); trailing spaces removed."""
    head = text[:cap]
    for mark in _BREAKS:
        at = head.rfind(mark)
        if at >= cap // 2:
            return head[:at + (1 if mark.strip() else 0)].rstrip()
    return head.rstrip()


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
                for f in walk(p, run.settings):
                    if isinstance(f, InputError):
                        yield f
                        continue
                    path, name, nofollow = f
                    yield from _guarded(_read_file(path, run, name, nofollow), name, run)
            else:
                yield from _guarded(_read_file(p, run), p, run)
    finally:
        run.close()
