"""Guarded HTTP fetching: the one way newswatch reads a URL (URL inputs today, the watch loop
of issue 10 later).

What the guard does (issue 14, "server-side request forgery"):

* only ``http`` and ``https`` URLs are fetched;
* the host is resolved (``socket.getaddrinfo``) and **every** address it resolves to is checked
  by :func:`address_refusal`: loopback, private (RFC 1918, ULA), shared (RFC 6598), link-local
  (which holds the cloud metadata address 169.254.169.254), multicast, reserved, unspecified
  and otherwise non-global addresses are refused, also when wrapped in an IPv4-mapped,
  NAT64 (``64:ff9b::/96``, ``64:ff9b:1::/48``), 6to4 or Teredo IPv6 address. Every spelling of
  loopback (``2130706433``, ``0x7f.1``, ``127.1``, ``localhost``, ``[::1]``) ends up as an
  address and is refused there;
* the check runs inside the connection itself (an ``httpcore`` network backend), and the
  socket connects to the very address that was checked, so a DNS answer that changes between
  check and connect (DNS rebinding) cannot slip through;
* redirects are followed here, one hop at a time (at most ``fetch_max_redirects_count``), and
  each hop goes through the same check;
* the body is streamed and cut off past the byte cap (never buffered whole), and the whole
  fetch has a deadline of ``fetch_timeout_seconds`` on top of httpx's per-operation timeout;
* host names listed in the ``fetch_allowed_hosts`` setting (compared with the URL's host as
  written, lower-cased) skip the address check, for operators who need an internal host.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx

from .errors import FetchFailed, InputNotFound, RefusedAddress, TooLarge
from .settings import Settings

#: NAT64 prefixes (RFC 6052 well-known prefix and RFC 8215 local-use prefix).
_NAT64_WKP = ipaddress.ip_network("64:ff9b::/96")
#: A host written as four dot-separated decimal numbers (a canonical IPv4 address or not).
_DOTTED_NUMBERS = re.compile(r"[0-9]+(?:\.[0-9]+){3}")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
#: Resolver used by the guard; tests replace it to return chosen addresses.
Resolver = Callable[[str, int], Iterable[str]]


def _system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


#: The resolver in use (``host, port -> address strings``); module-level so tests can patch it.
resolve: Resolver = _system_resolve


def address_refusal(address: str) -> str | None:
    """Why ``address`` must not be fetched from, or None when it is a public unicast address.

    Args:
        address: an IPv4 or IPv6 address in text form (a zone suffix ``%eth0`` is ignored).

    Returns:
        A short reason ("loopback", "private", "link-local (cloud metadata lives here)", ...)
        or None.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            inner = address_refusal(str(ip.ipv4_mapped))
            return f"IPv4-mapped {inner}" if inner else None
        if ip in _NAT64_LOCAL:
            return "local-use NAT64"
        if ip in _NAT64_WKP:
            inner = address_refusal(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
            return f"NAT64-wrapped {inner}" if inner else None
        if ip.sixtofour is not None:
            inner = address_refusal(str(ip.sixtofour))
            return f"6to4-wrapped {inner}" if inner else None
        if ip.teredo is not None:
            return "Teredo tunnel"
    if ip.is_loopback:
        return "loopback"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_link_local:
        return "link-local (cloud metadata lives here)"
    if ip.is_multicast:
        return "multicast"
    if ip.is_private:
        return "private"
    if ip.is_reserved:
        return "reserved"
    if not ip.is_global:
        return "not globally routable"
    return None


def describe_refusal(why: str) -> str:
    """A reason from :func:`address_refusal` as a phrase after "resolves to ADDRESS, ":
    "a loopback address", "an unspecified address", "an IPv4-mapped loopback address" ("an"
    before a vowel sound; "IPv4" is said "eye-pee"), "a link-local address (cloud metadata lives
    here)", or the reason itself when it is a negation ("not globally routable")."""
    if why.startswith("not "):
        return why
    base, paren, rest = why.partition(" (")
    article = "an" if base[:1].lower() in "aeiou" or base.startswith("IPv") else "a"
    return f"{article} {base} address" + (f" ({rest}" if paren else "")


def _host_key(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def allowed_hosts(settings: Settings) -> frozenset[str]:
    """The ``fetch_allowed_hosts`` setting as a set of lower-cased host names."""
    return frozenset(_host_key(h) for h in str(settings.fetch_allowed_hosts).split(",")
                     if h.strip())


def checked_addresses(host: str, port: int, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Resolve ``host`` and return its addresses when every one of them may be fetched.

    Raises:
        RefusedAddress: an address is internal (see :func:`address_refusal`), unless the host
            is in ``allowed``.
        FetchFailed: the name does not resolve.
    """
    try:
        addresses = list(dict.fromkeys(resolve(_host_key(host), port)))
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchFailed(f"cannot resolve host {host!r}: {exc}") from None
    if not addresses:
        raise FetchFailed(f"host {host!r} has no address")
    if _host_key(host) in allowed:
        return addresses
    for address in addresses:
        why = address_refusal(address)
        if why:
            raise RefusedAddress(f"host {host!r} resolves to {address}, {describe_refusal(why)}; "
                                 "such addresses are not fetched (list the host in "
                                 "fetch_allowed_hosts to allow it)")
    return addresses


class _GuardedBackend(httpcore.NetworkBackend):
    """httpcore network backend that resolves, checks and connects to the checked address."""

    def __init__(self, allowed: frozenset[str]) -> None:
        self.allowed = allowed
        self._sync = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        last: Exception | None = None
        for address in checked_addresses(host, port, self.allowed):
            try:
                return self._sync.connect_tcp(address, port, timeout=timeout,
                                              local_address=local_address,
                                              socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise RefusedAddress("Unix sockets are not fetched from")

    def sleep(self, seconds: float) -> None:
        self._sync.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """An httpx transport whose every connection goes through the address guard.

    Args:
        allowed: host names exempt from the check (see :func:`allowed_hosts`).
    """

    def __init__(self, allowed: frozenset[str] = frozenset()) -> None:
        super().__init__(trust_env=False)
        # httpx does not take a network backend; replace its pool by one that has ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=_GuardedBackend(allowed))


def guarded_client(settings: Settings) -> httpx.Client:
    """An httpx client for untrusted URLs: guarded transport, no environment proxies, no
    automatic redirects (use :func:`fetch`), timeout and User-Agent from ``settings``."""
    return httpx.Client(
        transport=GuardedTransport(allowed_hosts(settings)),
        timeout=settings.fetch_timeout_seconds,
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": settings.fetch_user_agent},
    )


@dataclass
class Fetched:
    """A fetched response.

    Attributes:
        url: the URL asked for.
        final_url: the URL of the last hop (after redirects).
        status: HTTP status of the last hop.
        headers: its headers (lower-case names).
        body: the body, at most the byte cap.
        redirects: the URLs of the hops followed, in order.
    """

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    redirects: list[str] = field(default_factory=list)


def _numeric_host_refusal(url: str) -> str | None:
    """Why the host of ``url`` is refused when it is written as a dotted IPv4 address that is not
    in canonical form (a part with a leading zero, such as ``0177.0.0.1``, or over 255), else
    None. Resolvers disagree on such forms (``inet_aton`` reads a leading zero as octal), so the
    address meant cannot be known for sure: it is never fetched."""
    try:
        host = urllib.parse.urlsplit(url).hostname
    except ValueError:
        return None
    if not host or not _DOTTED_NUMBERS.fullmatch(host):
        return None
    try:
        octal = f"; inet_aton reads it as {socket.inet_ntoa(socket.inet_aton(host))}"
    except OSError:
        octal = ""
    return (f"host {host!r} is an IPv4 address written in a non-canonical form (each of the four "
            f"parts must be a decimal number 0-255 without a leading zero; a leading zero means "
            f"octal to some resolvers{octal}); refused")


def check_url(url: str) -> httpx.URL:
    """Parse ``url`` and require an http(s) scheme and a host.

    Raises:
        RefusedAddress: another scheme, or no host.
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        why = _numeric_host_refusal(url)
        raise RefusedAddress(why or f"not a valid URL: {exc}", subject=url) from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise RefusedAddress("only http:// and https:// URLs with a host are fetched",
                             subject=url)
    return parsed


def fetch(url: str, settings: Settings, *, max_bytes: int | None = None,
          client: httpx.Client | None = None, headers: Mapping[str, str] | None = None,
          method: str = "GET", content: bytes | None = None) -> Fetched:
    """GET ``url`` through the guard, following redirects hop by hop (or send another
    ``method`` with a body, which never follows a redirect).

    Args:
        url: an http(s) URL.
        settings: ``fetch_timeout_seconds``, ``fetch_user_agent``, ``fetch_allowed_hosts``,
            ``fetch_max_redirects_count`` and (default cap) ``max_input_bytes``.
        max_bytes: byte cap of the body (default ``settings.max_input_bytes``).
        client: a client from :func:`guarded_client` to reuse (default: one for this call).
        headers: extra request headers (conditional GET: ``If-None-Match``,
            ``If-Modified-Since``; a webhook's signature headers).
        method: ``GET`` (default) or another method (``POST`` for webhooks); only ``GET``
            follows redirects, another method answered by a redirect fails.
        content: the request body (for ``POST``).

    Returns:
        The :class:`Fetched` response of the last hop (status < 400; a ``304 Not Modified``
        answer to a conditional GET is returned with an empty body).

    Raises:
        RefusedAddress: a hop's scheme or address is refused.
        InputNotFound: HTTP 404 or 410.
        FetchFailed: another HTTP error status (``status`` and ``retry_after`` set), too many
            redirects, a timeout (per operation or the whole fetch's deadline) or a transport
            error.
        TooLarge: the body (declared or streamed) is over the cap.
    """
    cap = settings.max_input_bytes if max_bytes is None else max_bytes
    timeout = float(settings.fetch_timeout_seconds)
    deadline = time.monotonic() + timeout
    own = client is None
    client = client or guarded_client(settings)
    hops: list[str] = []
    try:
        current = check_url(url)
        for _ in range(int(settings.fetch_max_redirects_count) + 1):
            request = client.build_request(method, current, headers=headers, content=content)
            resp = client.send(request, stream=True)
            try:
                if resp.is_redirect and resp.next_request is not None:
                    if method != "GET":
                        raise FetchFailed(f"HTTP {resp.status_code}: a {method} request is "
                                          "not redirected", subject=url)
                    current = check_url(str(resp.next_request.url))
                    hops.append(str(current))
                    continue
                if resp.status_code >= 400:
                    cls = InputNotFound if resp.status_code in (404, 410) else FetchFailed
                    failed = cls(f"HTTP {resp.status_code} {resp.reason_phrase}", subject=url)
                    if isinstance(failed, FetchFailed):
                        failed.status = resp.status_code
                        failed.retry_after = resp.headers.get("retry-after")
                    raise failed
                declared = resp.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > cap:
                    raise TooLarge(f"response ({int(declared):,} bytes) is larger than "
                                   f"max_input_bytes={cap:,} bytes", subject=url)
                body = bytearray()
                for chunk in resp.iter_bytes():
                    body += chunk
                    if len(body) > cap:
                        raise TooLarge(f"response is larger than max_input_bytes={cap:,} "
                                       "bytes (cut off while streaming)", subject=url)
                    if time.monotonic() > deadline:
                        raise FetchFailed(f"took longer than {timeout} s "
                                          "(fetch_timeout_seconds)", subject=url)
                return Fetched(url, str(resp.url), resp.status_code,
                               {k.lower(): v for k, v in resp.headers.items()}, bytes(body),
                               hops)
            finally:
                resp.close()
        raise FetchFailed(f"more than {settings.fetch_max_redirects_count} redirects "
                          "(fetch_max_redirects_count)", subject=url)
    except RefusedAddress as err:
        err.subject = url
        if hops:
            err.message = f"redirect to {hops[-1]}: {err.message}"
        raise
    except httpx.TimeoutException:
        raise FetchFailed(f"timed out after {timeout} s (fetch_timeout_seconds)",
                          subject=url) from None
    except httpx.HTTPError as exc:
        raise FetchFailed(f"{type(exc).__name__}: {exc}", subject=url) from None
    except FetchFailed as err:
        err.subject = err.subject or url
        raise
    finally:
        if own:
            client.close()
