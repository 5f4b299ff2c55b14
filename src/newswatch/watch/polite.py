"""Polite fetching: robots.txt, a per-host pace, backoff after failures, ``Retry-After``.

* :class:`RobotsCache`: each host's ``/robots.txt`` read once per
  ``watch_robots_ttl_seconds`` through :func:`newswatch.net.fetch` (the same guard as every
  fetch) and parsed by Protego (Scrapy's parser). As RFC 9309 says: a robots.txt that does not
  exist (a 4xx answer) allows everything; one that cannot be reached (5xx, timeout) forbids
  everything until the next try; a ``Crawl-delay`` slows the host's pace.
* :class:`HostPace`: at most one request per ``watch_host_interval_seconds`` (or the
  robots.txt crawl delay, whichever is longer) to any one host; a caller waits its turn.
* :func:`backoff_seconds` and :func:`retry_after_seconds`: after ``n`` failures in a row the
  next try waits the interval times ``2**(n-1)``, capped at ``watch_max_backoff_seconds``, and
  never less than what the server asked for with ``Retry-After`` (seconds or an HTTP date).
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..errors import FetchFailed, NewswatchError
from ..net import fetch
from ..settings import Settings

#: Largest robots.txt read, in bytes (Google reads 500 KiB).
ROBOTS_MAX_BYTES = 512 * 1024
#: Longest ``Retry-After`` honoured, in seconds (a day); a longer ask is cut to this.
MAX_RETRY_AFTER_SECONDS = 86400


def host_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, lower-cased: the unit of robots.txt and pacing."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


@dataclass
class _Robots:
    parser: Any  # a protego.Protego, or None when everything is allowed
    deny_all: bool
    read_at: float


class RobotsCache:
    """robots.txt of each host, read when first needed and again after the TTL.

    Args:
        settings: ``watch_robots_ttl_seconds``, ``fetch_user_agent`` and the fetch settings.
        client: the guarded httpx client to reuse.
        clock: seconds (monotonic); injectable for tests.
    """

    def __init__(self, settings: Settings, client: Any, clock: Callable[[], float]) -> None:
        self.settings = settings
        self.client = client
        self.clock = clock
        self._hosts: dict[str, _Robots] = {}

    def _load(self, host: str) -> _Robots:
        from protego import Protego

        now = self.clock()
        try:
            got = fetch(host + "/robots.txt", self.settings, max_bytes=ROBOTS_MAX_BYTES,
                        client=self.client)
        except FetchFailed as exc:
            status = exc.status or 0
            # RFC 9309 2.3.1.3: unavailable (4xx) -> allowed; unreachable -> disallowed.
            return _Robots(None, not 400 <= status < 500, now)
        except NewswatchError:  # too large, not found (InputNotFound is a 404)
            return _Robots(None, False, now)
        text = got.body.decode("utf-8", "replace")
        return _Robots(Protego.parse(text), False, now)

    def _get(self, url: str) -> _Robots:
        host = host_of(url)
        entry = self._hosts.get(host)
        if entry is None or self.clock() - entry.read_at > float(
                self.settings.watch_robots_ttl_seconds):
            entry = self._hosts[host] = self._load(host)
        return entry

    def allowed(self, url: str) -> bool:
        """Whether ``url`` may be fetched by newswatch's User-Agent."""
        entry = self._get(url)
        if entry.deny_all:
            return False
        if entry.parser is None:
            return True
        return bool(entry.parser.can_fetch(url, str(self.settings.fetch_user_agent)))

    def crawl_delay(self, url: str) -> float:
        """The host's ``Crawl-delay`` for newswatch, in seconds (0 when none)."""
        entry = self._get(url)
        if entry.parser is None:
            return 0.0
        delay = entry.parser.crawl_delay(str(self.settings.fetch_user_agent))
        return float(delay or 0.0)


class HostPace:
    """One request per host per interval.

    Args:
        interval_seconds: the shortest gap between two requests to one host.
        clock: seconds (monotonic); sleep: waits that many seconds (both injectable).
    """

    def __init__(self, interval_seconds: float, clock: Callable[[], float],
                 sleep: Callable[[float], None]) -> None:
        self.interval = interval_seconds
        self.clock = clock
        self.sleep = sleep
        self._next: dict[str, float] = {}

    def wait_turn(self, url: str, extra_delay: float = 0.0) -> None:
        """Wait until ``url``'s host may be asked again, then book the next turn."""
        host = host_of(url)
        now = self.clock()
        due = self._next.get(host, now)
        if due > now:
            self.sleep(due - now)
            now = self.clock()
        self._next[host] = max(now, due) + max(self.interval, extra_delay)


def retry_after_seconds(value: str | None, now: dt.datetime) -> float | None:
    """A ``Retry-After`` header in seconds from ``now`` (RFC 9110 10.2.3: delay seconds or an
    HTTP date), at most :data:`MAX_RETRY_AFTER_SECONDS`; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), MAX_RETRY_AFTER_SECONDS))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, min((when - now).total_seconds(), MAX_RETRY_AFTER_SECONDS))


def backoff_seconds(every_seconds: int, errors_in_row: int, max_seconds: float,
                    retry_after: float | None = None) -> float:
    """Seconds until the next try of a source.

    Args:
        every_seconds: the source's interval.
        errors_in_row: failures in a row, this one included (0: the fetch succeeded).
        max_seconds: cap of the exponential backoff (``watch_max_backoff_seconds``).
        retry_after: what the server asked for, in seconds (honoured even above the cap).

    Returns:
        ``every_seconds`` after a success; else ``min(every * 2**(n-1), max)``, and at least
        ``retry_after``.
    """
    delay = float(every_seconds)
    if errors_in_row > 0:
        delay = min(delay * 2 ** min(errors_in_row - 1, 30), max(max_seconds, delay))
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay
