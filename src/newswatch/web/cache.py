"""A small per-filter cache of the dashboard's heavy answers (map, timeline, search), made
stale by writes.

Every save bumps the database's data version (``data_version``, kept by
:mod:`newswatch.storage.aggregates` in the save's transaction). An answer is stored with the
version it was computed at and given back only while the version read *in the same read
transaction* is unchanged, so a reader never gets an answer older than its snapshot, whichever
process wrote (an ``ingest`` beside ``serve`` included). Entries are least recently used first
out, at most :data:`MAX_ENTRIES` of them, per process. Concurrent readers of the same answer at
the same version share one computation.

Cached values are shared between requests: callers must not mutate them. The API's heavy
answers are also kept as the bytes of their JSON body (:func:`cached_json`), so that a
repeated request costs a version check and a send, not an encoding of a large answer.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.engine import Connection

from ..storage.aggregates import data_version
from ..storage.mapping import to_jsonable

#: Most answers kept (a map of 3,000 features is about 2 MB of Python objects and 0.5 MB
#: of JSON; an API answer takes two entries, its value and its body).
MAX_ENTRIES = 128
#: Longest wait, in seconds, for another reader computing the same answer; then a reader
#: computes it itself.
FLIGHT_WAIT_S = 30.0

T = TypeVar("T")

__all__ = ["FLIGHT_WAIT_S", "MAX_ENTRIES", "ReadCache", "cached", "cached_json", "json_body", "read_cache"]


class ReadCache:
    """Answers keyed by (database, name, arguments), each with the data version it was
    computed at.

    Args:
        max_entries: most entries kept (least recently used dropped first).
    """

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._flights: dict[Hashable, threading.Event] = {}
        self.hits = 0
        self.misses = 0

    def get(self, conn: Connection, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached answer for ``key`` at the connection's data version, else
        ``compute()`` (stored for the next reader). Readers asking for the same answer at the
        same version while it is being computed wait for it instead of computing it again.

        Args:
            conn: the read connection the answer would be computed on.
            key: what identifies the answer (name and every argument, hashable).
            compute: computes the answer on ``conn``.
        """
        version = data_version(conn)
        full_key = (conn.engine.url.render_as_string(hide_password=True), key)
        with self._lock:
            entry = self._entries.get(full_key)
            if entry is not None and entry[0] == version:
                self._entries.move_to_end(full_key)
                self.hits += 1
                return entry[1]  # type: ignore[no-any-return]
            flight = self._flights.get((full_key, version))
            owner = flight is None
            if owner:
                flight = self._flights[(full_key, version)] = threading.Event()
            self.misses += 1
        assert flight is not None
        if not owner:
            flight.wait(FLIGHT_WAIT_S)
            with self._lock:
                entry = self._entries.get(full_key)
            if entry is not None and entry[0] == version:
                return entry[1]  # type: ignore[no-any-return]
            return compute()  # the first reader failed or was too slow: compute alone
        try:
            value = compute()
            with self._lock:
                self._entries[full_key] = (version, value)
                self._entries.move_to_end(full_key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
            return value
        finally:
            with self._lock:
                self._flights.pop((full_key, version), None)
            flight.set()

    def clear(self) -> None:
        """Forget every answer."""
        with self._lock:
            self._entries.clear()


#: The process's cache.
read_cache = ReadCache()


def cached(conn: Connection, key: Hashable, compute: Callable[[], T]) -> T:
    """:meth:`ReadCache.get` on the process's cache (:data:`read_cache`)."""
    return read_cache.get(conn, key, compute)


def json_body(value: Any) -> bytes:
    """``value`` as the compact UTF-8 JSON body FastAPI's ``JSONResponse`` would send (no
    ASCII escapes, no NaN); dates and datetimes become ISO 8601 strings
    (:func:`~newswatch.storage.mapping.to_jsonable`).

    Raises:
        ValueError: a NaN or infinite number.
        TypeError: a value JSON cannot hold.
    """
    return json.dumps(to_jsonable(value), ensure_ascii=False, allow_nan=False,
                      separators=(",", ":")).encode("utf-8")


def cached_json(conn: Connection, key: Hashable, value: Callable[[], Any]) -> bytes:
    """The JSON body (:func:`json_body`) of the answer ``value()`` computes on ``conn``,
    cached under ``("json", key)`` at the connection's data version like any answer.

    Args:
        conn: the read connection.
        key: what identifies the answer (endpoint and every argument, hashable).
        value: computes the answer (usually itself cached with :func:`cached`).
    """
    return read_cache.get(conn, ("json", key), lambda: json_body(value()))
