"""Followed sources: add (with feed discovery), list with health, pause, resume, remove, and
OPML import/export. Rows live in ``watch_source`` (:mod:`newswatch.storage.watch_schema`).

A source is named by its id, its name or its URL (:func:`find_source`). Adding a source
fetches its URL once through :func:`newswatch.net.fetch` (unless ``discover=False``): a feed
is followed as it is; a web page is searched for the feeds it announces
(:func:`~newswatch.watch.urls.discover_feeds`) and the first is followed.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import (
    AlreadyExists,
    InputError,
    MalformedRecord,
    NewswatchError,
    NoFeed,
    NotFound,
)
from ..ingest.feeds import check_no_dtd
from ..net import check_url, fetch
from ..settings import Settings
from ..storage import Store
from ..storage.engine import write_transaction
from ..storage.watch_schema import watch_seen, watch_source
from .urls import discover_feeds, format_every

_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.I)
#: Most outlines read from one OPML file.
MAX_OPML_OUTLINES = 5000


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored timestamp as an aware UTC datetime (SQLite gives naive UTC back)."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def utcnow() -> dt.datetime:
    """Now, UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class Source:
    """A followed source (one ``watch_source`` row); timestamps are aware UTC datetimes.

    ``next_fetch_at`` None means "due now" (a source never fetched).
    """

    id: int
    url: str
    feed_url: str
    name: str
    language: str | None
    every_seconds: int
    paused: bool
    added_at: dt.datetime
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    last_fetch_at: dt.datetime | None
    last_status: str | None
    last_new_at: dt.datetime | None
    errors_in_row: int
    last_error: str | None
    next_fetch_at: dt.datetime | None
    items_ingested: int

    @classmethod
    def from_row(cls, row: Any) -> Source:
        """From a selected ``watch_source`` row."""
        d = dict(row._mapping)
        for k in ("added_at", "last_fetch_at", "last_new_at", "next_fetch_at"):
            d[k] = utc(d[k])
        d["paused"] = bool(d["paused"])
        return cls(**d)

    def health(self) -> dict[str, Any]:
        """The source as JSON: every field, timestamps in ISO 8601, ``every`` spelled
        (``15m``), and ``state``: ``paused``, ``failing`` (errors in a row), ``new`` (never
        fetched) or ``ok``."""
        d = asdict(self)
        for k, v in d.items():
            if isinstance(v, dt.datetime):
                d[k] = v.isoformat()
        d["every"] = format_every(self.every_seconds)
        d["state"] = ("paused" if self.paused else "failing" if self.errors_in_row
                      else "new" if self.last_fetch_at is None else "ok")
        return d


def list_sources(store: Store) -> list[Source]:
    """Every source, by id."""
    with store.read() as conn:
        rows = conn.execute(sa.select(watch_source).order_by(watch_source.c.id)).all()
    return [Source.from_row(r) for r in rows]


def _find(conn: Connection, key: str) -> Any:
    c = watch_source.c
    cond = [c.name == key, c.url == key, c.feed_url == key]
    if key.isdigit():
        cond.append(c.id == int(key))
    rows = conn.execute(sa.select(watch_source).where(sa.or_(*cond))).all()
    if not rows:
        raise NotFound("no source has this id, name or URL (see `newswatch source list`)",
                       subject=key)
    return rows[0]


def find_source(store: Store, key: str) -> Source:
    """The source whose id, name, URL or feed URL is ``key``.

    Raises:
        NotFound: none.
    """
    with store.read() as conn:
        return Source.from_row(_find(conn, key))


def resolve_feed(url: str, settings: Settings, client: Any = None) -> tuple[str, str | None]:
    """The feed to follow for ``url``: ``url`` itself when it is a feed, else the first feed
    the page announces.

    Returns:
        ``(feed_url, title)``: ``title`` is the page's or feed's title when one was found.

    Raises:
        NoFeed: neither a feed nor a page announcing one.
        FetchFailed, RefusedAddress, TooLarge, InputNotFound: from :func:`newswatch.net.fetch`.
    """
    got = fetch(url, settings, client=client)
    head = got.body[:8192]
    ctype = got.headers.get("content-type", "").lower()
    if _FEED_ROOT.search(head) or any(k in ctype for k in ("rss", "atom")):
        return url, _title(got.body, feed=True)
    text = got.body.decode("utf-8", "replace")
    feeds = discover_feeds(text, got.final_url)
    if not feeds:
        raise NoFeed("neither an RSS/Atom feed nor a page announcing one "
                     "(<link rel=\"alternate\" type=\"application/rss+xml\" ...>)", subject=url)
    return feeds[0], _title(got.body, feed=False)


_TITLE = re.compile(rb"<title[^>]*>\s*(?:<!\[CDATA\[)?(.{1,300}?)(?:\]\]>)?\s*</title>", re.I | re.S)


def _title(body: bytes, feed: bool) -> str | None:
    m = _TITLE.search(body[:65536])
    if not m:
        return None
    import html

    return " ".join(html.unescape(m[1].decode("utf-8", "replace")).split()) or None


def add_source(store: Store, url: str, settings: Settings | None = None, *, name: str | None = None,
               every_seconds: int = 900, language: str | None = None, discover: bool = True,
               client: Any = None, now: dt.datetime | None = None) -> Source:
    """Save a source to follow (due at once).

    Args:
        url: a feed URL, or a page whose feed is discovered (``discover``).
        settings: fetch settings (for discovery; default :func:`newswatch.settings.load`).
        name: display name and the ``source`` of its articles (default: the feed's title,
            else the host).
        every_seconds: fetch interval.
        language: ISO 639-1 code forced on its items (default: detected).
        discover: fetch ``url`` to check it and find its feed; False takes it as a feed.

    Returns:
        The saved :class:`Source`.

    Raises:
        AlreadyExists: a source with this URL or feed URL exists, or one has the ``name``
            given (a default name already in use gets `` (2)``, `` (3)``...).
        NoFeed, FetchFailed, RefusedAddress: discovery failed (nothing saved).
    """
    check_url(url)
    if discover:
        from ..settings import load

        feed_url, title = resolve_feed(url, settings or load(), client)
    else:
        feed_url, title = url, None
    check_url(feed_url)
    given = bool(name and name.strip())
    name = (name or title or urlsplit(url).hostname or url).strip()
    row = {"url": url, "feed_url": feed_url, "name": name, "language": language,
           "every_seconds": int(every_seconds), "paused": False,
           "added_at": now or utcnow(), "errors_in_row": 0, "items_ingested": 0}
    c = watch_source.c
    with write_transaction(store.engine) as conn:
        clash = conn.execute(sa.select(c.id, c.name).where(sa.or_(
            c.url.in_([url, feed_url]), c.feed_url.in_([url, feed_url])))).first()
        if clash is not None:
            raise AlreadyExists(f"already followed as source {clash.id} ({clash.name})",
                                subject=url)
        taken = set(conn.execute(sa.select(c.name).where(c.name.like(name + "%"))).scalars())
        if name in taken and given:
            raise AlreadyExists("a source has this name; choose another --name", subject=name)
        base, n = name, 2
        while name in taken:  # a default name (the feed's title or host) already in use
            name, n = f"{base} ({n})", n + 1
        row["name"] = name
        new_id = conn.execute(sa.insert(watch_source).values(**row)).inserted_primary_key
        assert new_id is not None
        got = conn.execute(sa.select(watch_source).where(c.id == new_id[0])).one()
    return Source.from_row(got)


def set_paused(store: Store, key: str, paused: bool) -> Source:
    """Pause (not fetched until resumed) or resume a source; resuming makes it due at once.

    Raises:
        NotFound: no such source.
    """
    with write_transaction(store.engine) as conn:
        row = _find(conn, key)
        values: dict[str, Any] = {"paused": paused}
        if not paused:
            values["next_fetch_at"] = None
        conn.execute(sa.update(watch_source).where(watch_source.c.id == row.id).values(**values))
        return Source.from_row(conn.execute(
            sa.select(watch_source).where(watch_source.c.id == row.id)).one())


def remove_source(store: Store, key: str) -> Source:
    """Stop following a source. Its articles stay stored and the item URLs it brought stay
    remembered (so adding it again does not ingest them again).

    Raises:
        NotFound: no such source.
    """
    with write_transaction(store.engine) as conn:
        row = _find(conn, key)
        conn.execute(sa.update(watch_seen).where(watch_seen.c.source_id == row.id)
                     .values(source_id=None))
        conn.execute(sa.delete(watch_source).where(watch_source.c.id == row.id))
    return Source.from_row(row)


def export_opml(sources: list[Source]) -> str:
    """The sources as an OPML 2.0 subscription list (``<outline type="rss" text title xmlUrl
    htmlUrl language>``), readable by feed readers."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "newswatch sources"
    body = ET.SubElement(root, "body")
    for s in sources:
        attrs = {"type": "rss", "text": s.name, "title": s.name, "xmlUrl": s.feed_url}
        if s.url != s.feed_url:
            attrs["htmlUrl"] = s.url
        if s.language:
            attrs["language"] = s.language
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def import_opml(store: Store, data: bytes, name: str, *, every_seconds: int = 900,
                now: dt.datetime | None = None,
                ) -> tuple[list[Source], list[NewswatchError]]:
    """Follow every feed of an OPML file (outlines with ``xmlUrl``, nested ones included).
    Feeds already followed are reported, not added twice; nothing is fetched.

    Returns:
        ``(added, problems)``: the new sources and one error per outline not added.

    Raises:
        UnsafeXml: the file declares a DTD (refused before parsing).
        MalformedRecord: not well-formed XML, or not OPML.
    """
    check_no_dtd(data, name)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise MalformedRecord(f"not well-formed XML: {exc}", subject=name) from None
    if root.tag.lower() != "opml":
        raise MalformedRecord("not an OPML document (the root element is not <opml>)",
                              subject=name)
    added: list[Source] = []
    problems: list[NewswatchError] = []
    for i, outline in enumerate(root.iter("outline")):
        if i >= MAX_OPML_OUTLINES:
            problems.append(MalformedRecord(f"more than {MAX_OPML_OUTLINES} outlines; the "
                                            "rest were not read", subject=name))
            break
        url = (outline.get("xmlUrl") or "").strip()
        if not url:
            continue
        try:
            added.append(add_source(
                store, url, discover=False,
                name=outline.get("title") or outline.get("text") or None,
                language=(outline.get("language") or None), every_seconds=every_seconds,
                now=now))
        except (InputError, AlreadyExists) as exc:
            exc.subject = f"{name}: {url}"
            problems.append(exc)
    return added, problems
