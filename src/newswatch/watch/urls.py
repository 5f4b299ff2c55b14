"""URLs of the watch loop: canonical item URLs, feed discovery in a page, fetch intervals.

* :func:`canonical_url`: the key under which an item is remembered (``watch_seen``), so the
  same story carried by two feeds, or by one feed with a campaign tag, is ingested once.
* :func:`discover_feeds`: the RSS/Atom feeds a web page announces with
  ``<link rel="alternate" type="application/rss+xml" href="...">`` (the RSS Advisory Board's
  autodiscovery convention).
* :func:`parse_every`: ``15m``, ``2h``, ``90s``, ``1d`` -> seconds.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

#: Query parameters that only say how a reader arrived (campaign and click tracking); they are
#: dropped from a canonical URL. Names are compared lower-cased; ``utm_*`` and ``at_*``
#: (Urchin and AT Internet campaign tags) as prefixes.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gclsrc", "yclid", "msclkid", "mc_cid", "mc_eid", "_ga",
    "_gl", "igshid", "ocid", "cmpid", "ito", "icid", "ncid", "sr_share", "spm", "ref_src",
    "ref_url", "xtor", "wt_mc", "s_cid", "smid",
})
TRACKING_PREFIXES = ("utm_", "at_", "ns_", "pk_", "mtm_", "hsa_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """``url`` without what varies between copies of one item's link.

    Lower-cases the scheme and host, drops the default port, the fragment, the tracking
    parameters (:data:`TRACKING_PARAMS`, :data:`TRACKING_PREFIXES`) and a trailing ``?``;
    an empty path becomes ``/``. The order of the remaining parameters is kept (it can matter
    to a server).

    Example:
        ``HTTPS://Example.com:443/a?utm_source=rss&id=7#top`` -> ``https://example.com/a?id=7``.

    Returns:
        The canonical URL ("" stays "").
    """
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host
    if parts.username:
        netloc = f"{parts.username}@{host}"
    if port and _DEFAULT_PORTS.get(scheme) != port:
        netloc += f":{port}"
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(kept), ""))


_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
               "application/feed+json", "text/xml", "application/xml")


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        a = {k.lower(): (v or "") for k, v in attrs}
        rels = a.get("rel", "").lower().split()
        kind = a.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in _FEED_TYPES and kind != "application/feed+json" \
                and a.get("href"):
            self.found.append(a["href"].strip())


def discover_feeds(html: str, base_url: str) -> list[str]:
    """The feed URLs a page announces, absolute, in document order, without repeats.

    Args:
        html: the page (only ``<link>`` elements are looked at; JSON feeds are skipped,
            newswatch reads RSS and Atom).
        base_url: the page's URL (after redirects), for relative ``href`` values.

    Returns:
        http(s) URLs; empty when the page announces none.
    """
    finder = _LinkFinder()
    finder.feed(html)
    finder.close()
    out: list[str] = []
    for href in finder.found:
        url = urljoin(base_url, href)
        if re.match(r"https?://", url, re.I) and url not in out:
            out.append(url)
    return out


_EVERY = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*", re.I)
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
#: Shortest and longest fetch interval accepted, in seconds (one minute; one week).
MIN_EVERY_SECONDS, MAX_EVERY_SECONDS = 60, 7 * 86400


def parse_every(text: str) -> int:
    """A fetch interval: ``90s``, ``15m``, ``2h``, ``1d`` (a bare number is minutes).

    Returns:
        Seconds, between :data:`MIN_EVERY_SECONDS` and :data:`MAX_EVERY_SECONDS`.

    Raises:
        ValueError: not an interval, or out of bounds (the message says which).
    """
    m = _EVERY.fullmatch(text or "")
    if not m:
        raise ValueError(f"{text!r} is not an interval (use 90s, 15m, 2h or 1d)")
    seconds = int(float(m[1]) * _UNIT_SECONDS[(m[2] or "m").lower()])
    if not MIN_EVERY_SECONDS <= seconds <= MAX_EVERY_SECONDS:
        raise ValueError(f"{text!r}: the interval must be between 1 minute and 7 days")
    return seconds


def format_every(seconds: int) -> str:
    """Seconds as the shortest :func:`parse_every` spelling (``900`` -> ``15m``)."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
