"""RSS and Atom feeds -> one :class:`~newswatch.model.Article` per entry (feedparser 6).

Each entry becomes an article whose ``title`` is the entry title and whose ``text`` is the
entry summary (or first content block) as plain text; when an entry has no summary its
title is used as text, as in the shared ``rss_afghanistan_2021`` corpus. ``url`` is the
entry link, ``published`` the entry's published (else updated) date in UTC, ``site`` the
channel title and ``language`` the channel language when it is an ISO 639-1 code.

Hostile feeds are bounded: a document with a DTD (``<!DOCTYPE``, the only place entities can
be declared) is refused by :func:`check_no_dtd` before feedparser sees it (no entity
expansion, no external entity); entries are read one by one, so one broken entry (an
impossible date, a field of the wrong type) is reported and the others are kept; at most
``max_items`` entries are read; an entry whose id (else link) comes again later in the feed is
skipped (the later entry wins).

Encoding: a feed declared (or defaulting to) UTF-8 that has a few broken bytes is decoded as
UTF-8 with each broken byte replaced by U+FFFD (:func:`repair_utf8`), so only the entries that
hold a broken byte show one; feedparser would otherwise fall back to a legacy code page for
the whole document and turn every Cyrillic item into mojibake. Entries with a replaced byte
record ``meta["broken_bytes_replaced"]``.

Dates: ``published`` is the entry's date *as written* (in the entry's own time zone, not
converted to UTC), and ``meta["published_datetime"]`` keeps time and offset in ISO 8601
(:func:`entry_datetime`): RFC 822 dates with numeric offsets or the US abbreviations are read by
the standard library, other zone abbreviations (MSK, CET, BST...) by dateparser, which
feedparser 6 reads as UTC.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from ..errors import EmptyInput, InputError, MalformedRecord, TooLarge, UnsafeXml
from ..model import Article
from .dates import refuse_date, written_year, year_reinterpreted
from .decode import mostly_utf8

#: feedparser "bozo" exceptions that do not make the feed unreadable (an encoding label
#: that was overridden, a wrong Content-Type). Any other one (an XML syntax error) does.
_BENIGN_BOZO = ("CharacterEncodingOverride", "NonXMLContentType")
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5",
                         "h6", "blockquote", "tr", "table", "section", "article", "pre"})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "iframe"})
_LANG = re.compile(r"([a-z]{2})(?:[-_].*)?", re.IGNORECASE)


class _HtmlText(HTMLParser):
    """Plain text of an HTML fragment; block elements become paragraph breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment: paragraphs joined by a blank line, spaces collapsed.

    Returns:
        The text ("" for an empty fragment).
    """
    parser = _HtmlText()
    parser.feed(fragment)
    parser.close()
    paras = (" ".join(p.split()) for p in "".join(parser.parts).split("\n"))
    return "\n\n".join(p for p in paras if p)


def _entry_text(value: str | None, detail: Any) -> str:
    if not value:
        return ""
    kind = (detail or {}).get("type", "text/html") if isinstance(detail, dict) else "text/html"
    if "html" in kind:
        return html_fragment_text(value)
    return "\n\n".join(" ".join(p.split()) for p in value.split("\n\n") if p.strip())


_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_ZONE_ABBREVIATION = re.compile(r"\b([A-Z]{2,5})\s*$")
#: Zone names the standard library's RFC 822 parser knows (email.utils._timezones).
_STDLIB_ZONES = frozenset({"UT", "UTC", "GMT", "Z", "AST", "ADT", "EST", "EDT", "CST", "CDT",
                           "MST", "MDT", "PST", "PDT"})


def repair_utf8(data: bytes) -> tuple[bytes, int]:
    """Replace broken bytes in a feed that is UTF-8 but for a few bytes.

    Applies only when the XML declaration names UTF-8 or no encoding (and there is no
    UTF-16/32 byte-order mark) and :func:`~newswatch.ingest.decode.mostly_utf8` holds; a feed
    in a legacy code page is returned unchanged for feedparser to decode.

    Returns:
        ``(bytes, replaced)``: valid UTF-8 with each broken sequence replaced by U+FFFD, and how
        many were replaced (0 when nothing changed).
    """
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return data, 0
    m = _XML_ENCODING.match(data[:512])
    if m and m[1].decode("ascii").lower().replace("_", "-") not in ("utf-8", "utf8"):
        return data, 0
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        if mostly_utf8(data):
            text = data.decode("utf-8", errors="replace")
            return text.encode("utf-8"), text.count("\ufffd")
    return data, 0


def entry_datetime(raw: str) -> dt.datetime | None:
    """Read an entry's date string keeping its time and zone.

    RFC 822 (``Tue, 03 Nov 2020 14:30:00 EST`` / ``+0300``) by :mod:`email.utils`, ISO 8601 by
    :meth:`datetime.fromisoformat`, and other forms or zone abbreviations the standard library
    does not know (``MSK``, ``CET``, ``BST``) by dateparser 1.5 (English month names).

    Returns:
        A datetime, aware when the string names a zone, naive when it names none; None when
        unreadable.
    """
    import email.utils

    raw = " ".join(raw.split())
    if not raw:
        return None
    abbr = _ZONE_ABBREVIATION.search(raw)
    if abbr is None or abbr[1] in _STDLIB_ZONES:
        try:
            return email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            pass
        try:
            return dt.datetime.fromisoformat(raw)
        except ValueError:
            pass
    import dateparser

    try:
        return dateparser.parse(raw, languages=["en"])
    except (ValueError, TypeError, OverflowError):
        return None


def _struct_date(entry: Any) -> tuple[dt.date | None, str | None]:
    for key in ("published", "updated"):
        parsed = dict.get(entry, f"{key}_parsed")  # no feedparser fallback (and its warning)
        if parsed:
            try:
                return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday), key
            except (ValueError, TypeError, AttributeError):
                continue  # an impossible date (year 0, day 32...): treated as absent
    return None, None


_BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
         (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
         (b"\x00<\x00?", "utf-16-be"), (b"<\x00?\x00", "utf-16-le"))
_PROLOG_END = re.compile(r"<[A-Za-z_:\u00c0-\uffff]")
_DOCTYPE = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def check_no_dtd(data: bytes, name: str) -> None:
    """Refuse an XML document that declares a DTD or an entity.

    The prolog (everything before the root element's start tag) is decoded by the XML
    encoding rules (BOM, or the UTF-16/32 byte patterns of ``<?``; else any ASCII-compatible
    encoding) and searched for ``<!DOCTYPE`` / ``<!ENTITY``. Nothing is parsed, so nothing
    expands.

    Raises:
        UnsafeXml: a DTD is declared.
    """
    codec = next((c for bom, c in _BOMS if data.startswith(bom)), None)
    head = data[: 1024 * 1024]
    text = head.decode(codec or "latin-1", "replace")
    m = _PROLOG_END.search(text)
    prolog = text[: m.start()] if m else text
    if _DOCTYPE.search(prolog):
        raise UnsafeXml("the feed declares a DTD (<!DOCTYPE ...>), which can define "
                        "expanding or external entities; feeds with a DTD are refused",
                        subject=name)


def _entry_key(entry: Any) -> str | None:
    for k in ("id", "link"):
        v = entry.get(k)
        if isinstance(v, str) and v:
            return f"{k}:{v}"
    return None


def read_feed(data: bytes, name: str, max_items: int = 0) -> Iterator[Article | InputError]:
    """Parse a feed and yield its entries as articles.

    Args:
        data: the feed document (feedparser decodes it from its XML declaration).
        name: the input name; entries get origin ``name#N`` (N counts from 1).
        max_items: most entries read (0: no limit); when the feed has more, one
            :class:`~newswatch.errors.TooLarge` says so after the entries read.

    Yields:
        One Article per entry (``input_format="rss"``, ``published_source="input"`` when
        dated), or a :class:`~newswatch.errors.MalformedRecord` for an entry with neither
        title nor summary.

    Raises:
        MalformedRecord: the document is not well-formed XML or not a feed (entries of a
            broken feed are not read: they may be cut off).
        EmptyInput: the feed has no entries.
        UnsafeXml: the document declares a DTD (checked before parsing).
    """
    import feedparser

    check_no_dtd(data, name)
    data, _ = repair_utf8(data)
    parsed = feedparser.parse(data)
    exc = parsed.get("bozo_exception")
    if parsed.bozo and type(exc).__name__ not in _BENIGN_BOZO:
        line = exc.getLineNumber() if hasattr(exc, "getLineNumber") else None
        where = f"{name}:{line}" if line else name
        raise MalformedRecord(f"not a well-formed RSS/Atom feed: {exc}", subject=where)
    if not parsed.version:
        raise MalformedRecord("not an RSS or Atom feed", subject=name)
    if not parsed.entries:
        raise EmptyInput("the feed has no entries", subject=name)
    channel = parsed.feed
    site = " ".join(channel.get("title", "").split()) or None
    m = _LANG.fullmatch(channel.get("language") or "")
    language = m[1].lower() if m else None
    entries = list(parsed.entries)
    extra = len(entries) - max_items if max_items else 0
    if extra > 0:
        entries = entries[:max_items]
    last = {}
    for i, entry in enumerate(entries, start=1):
        key = _entry_key(entry)
        if key:
            last[key] = i
    for i, entry in enumerate(entries, start=1):
        origin = f"{name}#{i}"
        key = _entry_key(entry)
        if key and last[key] != i:
            continue  # the same entry comes again later in the feed: the later one wins
        try:
            yield _entry_article(entry, origin, parsed, site, language, feedparser.__version__)
        except InputError as err:
            yield err
        except Exception as exc:  # noqa: BLE001 - one entry must not end the feed
            yield MalformedRecord(f"feed entry cannot be read: {type(exc).__name__}: {exc}",
                                  subject=origin)
    if extra > 0:
        yield TooLarge(f"the feed has {len(entries) + extra:,} entries; only the first "
                       f"{max_items:,} were read (feed_max_items_count)", subject=name)


def _entry_article(entry: Any, origin: str, parsed: Any, site: str | None,
                   language: str | None, version: str) -> Article | InputError:
    """One feed entry as an Article (or a MalformedRecord when it has no text at all)."""
    channel = parsed.feed
    title = _entry_text(entry.get("title"), entry.get("title_detail")) or None
    summary = _entry_text(entry.get("summary"), entry.get("summary_detail"))
    if not summary and entry.get("content"):
        block = entry["content"][0]
        summary = _entry_text(block.get("value"), block)
    if not (summary or title):
        return MalformedRecord("feed entry has neither title nor summary", subject=origin)
    published, date_field = _struct_date(entry)
    meta: dict[str, Any] = {"feed_version": parsed.version,
                            "description_present": bool(summary)}
    if parsed.get("encoding"):
        meta["encoding"] = parsed.encoding
    if entry.get("id"):
        meta["entry_id"] = entry["id"]
    raw_date = next((v for k in ("published", "updated")
                     if isinstance(v := entry.get(k), str) and v.strip()), None)
    date_problem = None
    if date_field:
        meta["date_field"] = date_field
        meta["published_at"] = entry.get(date_field)
        raw_date = str(entry.get(date_field) or "")
    if raw_date:
        meta.setdefault("published_at", raw_date)
        when = entry_datetime(raw_date)
        if when is not None:
            meta["published_datetime"] = when.isoformat()
            published = when.date()  # the date as written, in the entry's own zone
        if published is None:
            date_problem = "cannot be read as a date"
        elif year_reinterpreted(raw_date, published):
            year, digits = written_year(raw_date) or (0, 0)
            date_problem = (f"writes the year {year:0{digits}d}, which a date parser read as "
                            f"{published.year}")
    broken = sum((v or "").count("\ufffd") for v in (title, summary))
    if broken:
        meta["broken_bytes_replaced"] = broken
    if channel.get("link"):
        meta["feed_link"] = channel["link"]
    link = entry.get("link")
    article = Article(
        text=summary or title or "",
        origin=origin,
        url=link if isinstance(link, str) and link else None,
        title=title,
        published=published,
        published_source="input" if published else None,
        language=language,
        site=site,
        author=entry.get("author") or None,
        input_format="rss",
        extractor=f"feedparser-{version}",
        meta=meta,
    )
    if date_problem is not None and raw_date:
        refuse_date(article, raw_date, date_problem)
    return article
