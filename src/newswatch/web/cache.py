"""A small per-filter cache of the dashboard's heavy answers (map, timeline, search), made
stale by writes.

Every save bumps the database's data version (``data_version``, kept by
:mod:`newswatch.storage.aggregates` in the save's transaction). An answer is stored with the
version it was computed at and given back only while the version read *in the same read
transaction* is unchanged, so a reader never gets an answer older than its snapshot, whichever
process wrote (an ``ingest`` beside ``serve`` included). Entries are least recently used first
out, at most :data:`MAX_ENTRIES` of them, per process.

Cached values are shared between requests: callers must not mutate them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.engine import Connection

from ..storage.aggregates import data_version

#: Most answers kept (a map of 3,000 features is about 2 MB of Python objects).
MAX_ENTRIES = 64

T = TypeVar("T")

__all__ = ["MAX_ENTRIES", "ReadCache", "cached", "read_cache"]


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
        self.hits = 0
        self.misses = 0

    def get(self, conn: Connection, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached answer for ``key`` at the connection's data version, else
        ``compute()`` (stored for the next reader).

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
            self.misses += 1
        value = compute()
        with self._lock:
            self._entries[full_key] = (version, value)
            self._entries.move_to_end(full_key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every answer."""
        with self._lock:
            self._entries.clear()


#: The process's cache.
read_cache = ReadCache()


def cached(conn: Connection, key: Hashable, compute: Callable[[], T]) -> T:
    """:meth:`ReadCache.get` on the process's cache (:data:`read_cache`)."""
    return read_cache.get(conn, key, compute)
