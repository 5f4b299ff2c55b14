"""Passwords, session tokens, CSRF tokens and the write rate limiter.

* Passwords are hashed with Argon2id (argon2-cffi's :class:`~argon2.PasswordHasher`, RFC 9106
  parameters of the library's defaults) and stored as PHC strings.
* A session cookie carries a random 256-bit token (:func:`new_token`); the database keeps only
  its SHA-256 digest (:func:`token_digest`), so a leaked database does not leak sessions.
* CSRF tokens are random per session (or per browser before sign-in, the double-submit
  cookie pattern of the OWASP CSRF cheat sheet) and compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

#: Shortest password ``newswatch user add`` and the admin page accept, in characters
#: (NIST SP 800-63B §5.1.1.2 asks for at least 8).
MIN_PASSWORD_CHARS = 8
#: Longest password accepted, in characters (bounds the hashing work per request).
MAX_PASSWORD_CHARS = 1024
#: Bytes of randomness in session and CSRF tokens (256 bits).
TOKEN_BYTES = 32


def hash_password(password: str) -> str:
    """Argon2id hash of ``password`` as a PHC string (``$argon2id$v=19$m=...``)."""
    return PasswordHasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash`` (False for a malformed hash)."""
    try:
        return PasswordHasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A random URL-safe token of :data:`TOKEN_BYTES` bytes."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """SHA-256 hex digest of a session token (what the database stores)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_token(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison of two tokens; False when either is missing or empty."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class RateLimiter:
    """Sliding-window counter of requests per key (a user id or a client address).

    In memory, per process: limits reset on restart, which is acceptable for a single
    ``newswatch serve`` process. Thread-safe.

    Args:
        limit: requests allowed per window.
        window_seconds: length of the window in seconds.
        clock: monotonic clock in seconds (injectable for tests).
    """

    def __init__(
        self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> float | None:
        """Count one request for ``key``.

        Returns:
            None when allowed, else the seconds until a request will be allowed again.
        """
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window_seconds:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(0.0, hits[0] + self.window_seconds - now)
            hits.append(now)
            return None
