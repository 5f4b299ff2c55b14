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
import ipaddress
import re
import secrets
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..text import find_lone_surrogate

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


# -- hostile input and hostile users (issue 14) ----------------------------------------------

#: URL schemes the dashboard makes links of; any other URL is shown as inert text.
LINK_SCHEMES = ("http://", "https://")
#: Largest integer a query or path parameter may carry (SQL BIGINT), exclusive.
MAX_SQL_INTEGER = 2 ** 63
#: Largest integer any parameter or body field may carry (SQL BIGINT), inclusive.
SQL_INTEGER_MAX = MAX_SQL_INTEGER - 1
#: Largest page number a paged page accepts: with any page size up to a million rows the
#: offset ``(page - 1) * size`` still fits a SQL BIGINT.
MAX_PAGE_NUMBER = 10 ** 12

#: Every spelling of an integer that pydantic reads from a query string or a path segment:
#: surrounding white space, ``_`` between digits, a sign, and a fraction of zeros (``5.0``).
_INTEGER_TEXT = re.compile(r"\s*([+-]?)([0-9][0-9_]*)(?:\.0*)?\s*")
#: Digits of 2^63 (9223372036854775808).
_MAX_SQL_INTEGER_DIGITS = len(str(MAX_SQL_INTEGER))


def integer_out_of_range(value: str) -> bool:
    """Whether ``value`` reads as an integer (any spelling pydantic accepts, see
    :data:`_INTEGER_TEXT`) of magnitude 2^63 or more, which no SQL BIGINT holds.

    The dashboard answers such a parameter with 422 before any route sees it, so a query or
    path segment can never overflow in SQL, declared with bounds or not.
    """
    if len(value) < 19:
        return False
    m = _INTEGER_TEXT.fullmatch(value)
    if m is None or "__" in m.group(2) or m.group(2).endswith("_"):
        return False
    digits = m.group(2).replace("_", "").lstrip("0")
    # 2^63 has 19 digits: a longer digit string is out of range without converting it (int()
    # refuses strings of more than 4300 digits, sys.get_int_max_str_digits)
    return len(digits) > _MAX_SQL_INTEGER_DIGITS or (
        len(digits) == _MAX_SQL_INTEGER_DIGITS and int(digits) >= MAX_SQL_INTEGER)


def http_url(value: object) -> str | None:
    """``value`` when it is an absolute http(s) URL (leading/trailing spaces removed), else
    None: ``javascript:``, ``data:``, ``vbscript:``, scheme-relative and other URLs never
    become an ``href``. Used as the ``http_url`` template filter."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url.lower().startswith(LINK_SCHEMES) or any(c in url for c in "\x00\r\n\t<>\"'`"):
        return None
    return url if len(url) > len("https://") else None


def content_security_policy(tile_url: str = "") -> str:
    """The Content-Security-Policy of every response.

    Scripts only from this site (no inline script, no ``eval``); style sheets only from this
    site, ``style`` attributes allowed (the timeline draws its bars with them; an attribute
    cannot run script); images from this site, ``data:`` URLs and the configured tile server;
    no plugins, no ``<base>``, forms post only here, and no other site may frame a page.
    """
    img = "'self' data:"
    m = re.match(r"(https?://[^/{}]+)", tile_url or "")
    if m:
        img += f" {m[1]}"
    elif tile_url.startswith("https://"):  # a template in the host part: allow https images
        img += " https:"
    return ("default-src 'self'; script-src 'self'; style-src 'self'; "
            "style-src-attr 'unsafe-inline'; "
            f"img-src {img}; connect-src 'self'; font-src 'self'; object-src 'none'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def security_headers(csp: str) -> dict[str, str]:
    """The headers every response carries, errors (a 500, a refused host) included: the
    Content-Security-Policy ``csp`` (:func:`content_security_policy`), no MIME sniffing, the
    referrer only to this site, and no framing."""
    return {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
            "X-Frame-Options": "DENY", "Content-Security-Policy": csp}


#: Host names every dashboard answers to (with the address ``newswatch serve`` binds to).
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def allowed_hosts(setting: str, bind_host: str = "") -> frozenset[str]:
    """The host names a request may name in its ``Host`` header: the ``web_allowed_hosts``
    setting (comma-separated names or addresses; ``*`` any host; ``*.example.org`` any
    subdomain of example.org), always :data:`LOOPBACK_HOSTS`, and ``bind_host`` (``serve
    --host``; an IPv6 address is bracketed as in a URL). Lower case, without ports."""
    names = {part.strip().lower() for part in setting.split(",") if part.strip()}
    names.update(LOOPBACK_HOSTS)
    bind = bind_host.strip().lower()
    if bind:
        names.add(f"[{bind.strip('[]')}]" if ":" in bind else bind)
    return frozenset(names)


def host_allowed(host_header: str | None, allowed: frozenset[str]) -> bool:
    """Whether a request's ``Host`` header (``name``, ``name:port``, ``[v6]:port``) names a
    host of ``allowed`` (:func:`allowed_hosts`). A missing or empty header is refused (RFC
    9112 §3.2: an HTTP/1.1 request without Host is answered 400). The check defeats DNS
    rebinding: a page of another site whose name was made to resolve to this dashboard still
    sends its own name."""
    if "*" in allowed:
        return True
    host = (host_header or "").strip().lower()
    if host.startswith("["):
        host = host[:host.find("]") + 1] if "]" in host else ""
    else:
        host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if not host:
        return False
    return host in allowed or any(
        a.startswith("*.") and host.endswith(a[1:]) for a in allowed)


def trusted_networks(setting: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The ``web_trusted_proxies`` setting (comma-separated addresses or networks) parsed.

    Raises:
        ValueError: an entry is not an address or network.
    """
    return [ipaddress.ip_network(part.strip(), strict=False)
            for part in setting.split(",") if part.strip()]


def is_loopback_host(host: str) -> bool:
    """Whether ``serve --host`` binds to loopback only (``127.0.0.0/8``, ``::1``,
    ``localhost``)."""
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def clean_comment(text: str) -> str:
    """A comment body as stored: NUL and other C0/C1 control characters (except tab and line
    breaks) removed, line breaks normalised to ``\\n``. Bidirectional overrides are kept (they
    may be meant) but every body is rendered isolated (``dir="auto"``, ``<bdi>``)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def unwritable_text(value: Any, where: str = "body") -> str | None:
    """The first place in a decoded JSON request body where a text holds a lone surrogate
    (``"body.note"``, ``"body.fields.name"``, ``"body.members.0.text"``; keys are searched
    too), else None (:func:`newswatch.text.find_lone_surrogate`). Every request model of the API
    refuses such a body with 422 ``invalid-input`` (``api.RequestBody``) before any route
    stores or compares it."""
    found = find_lone_surrogate(value)
    if found is None:
        return None
    # a key holding the surrogate is named with it replaced, so the answer can be written
    return where + "".join(f".{str(part).encode('utf-8', 'replace').decode('utf-8')}" for part in found[0])


def visible(text: str) -> bool:
    """Whether ``text`` has a character one can see: a letter, digit, punctuation or symbol
    (Unicode categories L, N, P, S); spaces, format characters (zero-width space, joiners,
    direction marks and overrides), controls and combining marks alone are not."""
    return any(unicodedata.category(c)[0] in "LNPS" for c in text)
