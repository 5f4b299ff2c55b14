"""RSS and Atom feeds -> one :class:`~newswatch.model.Article` per entry (feedparser 6).

Each entry becomes an article whose ``title`` is the entry title and whose ``text`` is the
entry summary (or first content block) as plain text; when an entry has no summary its
title is used as text, as in the shared ``rss_afghanistan_2021`` corpus. ``url`` is the
entry link, ``published`` the entry's published (else updated) date in UTC, ``site`` the
channel title and ``language`` the channel language when it is an ISO 639-1 code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from ..errors import EmptyInput, InputError, MalformedRecord
from ..model import Article

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


def _struct_date(entry: Any) -> tuple[dt.date | None, str | None]:
    for key in ("published", "updated"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday), key
    return None, None


def read_feed(data: bytes, name: str) -> Iterator[Article | InputError]:
    """Parse a feed and yield its entries as articles.

    Args:
        data: the feed document (feedparser decodes it from its XML declaration).
        name: the input name; entries get origin ``name#N`` (N counts from 1).

    Yields:
        One Article per entry (``input_format="rss"``, ``published_source="input"`` when
        dated), or a :class:`~newswatch.errors.MalformedRecord` for an entry with neither
        title nor summary.

    Raises:
        MalformedRecord: the document is not well-formed XML or not a feed (entries of a
            broken feed are not read: they may be cut off).
        EmptyInput: the feed has no entries.
    """
    import feedparser

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
    for i, entry in enumerate(parsed.entries, start=1):
        origin = f"{name}#{i}"
        title = _entry_text(entry.get("title"), entry.get("title_detail")) or None
        summary = _entry_text(entry.get("summary"), entry.get("summary_detail"))
        if not summary and entry.get("content"):
            block = entry["content"][0]
            summary = _entry_text(block.get("value"), block)
        if not (summary or title):
            yield MalformedRecord("feed entry has neither title nor summary", subject=origin)
            continue
        published, date_field = _struct_date(entry)
        meta: dict[str, Any] = {"feed_version": parsed.version,
                                "description_present": bool(summary)}
        if parsed.get("encoding"):
            meta["encoding"] = parsed.encoding
        if entry.get("id"):
            meta["entry_id"] = entry["id"]
        if date_field:
            meta["date_field"] = date_field
            meta["published_at"] = entry.get(date_field)
        if channel.get("link"):
            meta["feed_link"] = channel["link"]
        yield Article(
            text=summary or title or "",
            origin=origin,
            url=entry.get("link") or None,
            title=title,
            published=published,
            published_source="input" if published else None,
            language=language,
            site=site,
            author=entry.get("author") or None,
            input_format="rss",
            extractor=f"feedparser-{feedparser.__version__}",
            meta=meta,
        )
