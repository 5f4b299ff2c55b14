"""Server-side request forgery (issue 14): URL ingest refuses internal addresses in every
spelling, after DNS and on every redirect; a named host can be allowed; bodies are cut off
while streaming. Everything runs against a local http.server on 127.0.0.1; DNS answers are
patched, nothing leaves the machine."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newswatch import net
from newswatch.errors import RefusedAddress, TooLarge
from newswatch.ingest.readers import read_inputs
from newswatch.model import Article
from newswatch.settings import load as load_settings

PAGE = ("<html><head><title>Border crossing reopens</title></head><body><article><p>"
        + "The border crossing at Torkham reopened on Tuesday after a week of closure, "
          "officials said, and hundreds of trucks began to cross in both directions. " * 4
        + "</p></article></body></html>").encode()


class _Handler(BaseHTTPRequestHandler):
    seen: list[str] = []
    redirects: dict[str, str] = {}

    def do_GET(self) -> None:
        self.seen.append(self.path)
        if self.path in self.redirects:
            self.send_response(302)
            self.send_header("Location", self.redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()  # no Content-Length: the size is only known while streaming
            try:
                for _ in range(2000):
                    self.wfile.write(b"x" * 4096)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        body = PAGE + f"<!-- host {self.headers.get('Host')} -->".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[int]:
    _Handler.seen = []
    _Handler.redirects = {}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield int(httpd.server_address[1])
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def _settings(**kw: object):
    return load_settings({"fetch_timeout_seconds": 5, **kw})


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "0.0.0.0", "10.1.2.3", "172.16.0.1", "192.168.1.1",
    "100.64.0.1", "169.254.169.254", "224.0.0.1", "255.255.255.255", "::1", "::",
    "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1", "::ffff:127.0.0.1",
    "::ffff:169.254.169.254", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1",
    "2002:7f00:1::1", "2001:0::1",
])
def test_internal_addresses_are_refused(address: str) -> None:
    assert net.address_refusal(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1",
                                     "64:ff9b::5db8:d822", "::ffff:93.184.216.34"])
def test_public_addresses_pass(address: str) -> None:
    assert net.address_refusal(address) is None


@pytest.mark.parametrize("host", ["127.0.0.1", "2130706433", "0x7f.1", "127.1", "017700000001",
                                  "0x7f000001", "localhost", "[::1]", "[::ffff:127.0.0.1]",
                                  "0177.0.0.1"])
def test_every_spelling_of_loopback_is_refused_without_a_request(server: int, host: str) -> None:
    with pytest.raises(RefusedAddress):
        net.fetch(f"http://{host}:{server}/page", _settings())
    assert _Handler.seen == []


def test_refusal_lines_say_why_in_plain_words() -> None:
    """Issue 14: a leading-zero IPv4 host is named as such (was 'not a valid URL'), and the
    reason reads "an unspecified address", "an IPv4-mapped ..." (was "a unspecified")."""
    with pytest.raises(RefusedAddress) as exc:
        net.check_url("http://0177.0.0.1/")
    assert exc.value.message.startswith(
        "host '0177.0.0.1' is an IPv4 address written in a non-canonical form")
    assert "inet_aton reads it as 127.0.0.1" in exc.value.message
    for address, phrase in [("0.0.0.0", "an unspecified address"),
                            ("::ffff:127.0.0.1", "an IPv4-mapped loopback address"),
                            ("127.0.0.1", "a loopback address"),
                            ("169.254.169.254", "a link-local address (cloud metadata lives here)")]:
        with pytest.raises(RefusedAddress) as exc:
            net.checked_addresses(address, 80)
        assert f"resolves to {address}, {phrase};" in exc.value.message


@pytest.mark.parametrize("scheme_url", ["file:///etc/passwd", "ftp://example.org/x",
                                        "gopher://127.0.0.1:70/"])
def test_only_http_and_https_are_fetched(scheme_url: str) -> None:
    with pytest.raises(RefusedAddress):
        net.fetch(scheme_url, _settings())


def test_an_allowed_host_is_fetched_and_redirects_are_checked_hop_by_hop(server: int) -> None:
    settings = _settings(fetch_allowed_hosts="127.0.0.1")
    got = net.fetch(f"http://127.0.0.1:{server}/page", settings)
    assert got.status == 200 and got.body.startswith(PAGE)

    _Handler.redirects = {
        "/to-localhost": f"http://localhost:{server}/secret",
        "/to-metadata": "http://169.254.169.254/latest/meta-data/",
        "/to-decimal": f"http://2130706433:{server}/secret",
        "/to-file": "file:///etc/passwd",
        "/hop": "/page",
    }
    for path in ("/to-localhost", "/to-metadata", "/to-decimal", "/to-file"):
        with pytest.raises(RefusedAddress) as exc:
            net.fetch(f"http://127.0.0.1:{server}{path}", settings)
        assert "redirect to" in exc.value.message or path == "/to-file"
    assert "/secret" not in _Handler.seen
    ok = net.fetch(f"http://127.0.0.1:{server}/hop", settings)
    assert ok.final_url.endswith("/page") and ok.redirects == [f"http://127.0.0.1:{server}/page"]


def test_names_are_checked_after_dns_and_the_checked_address_is_used(
        server: int, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {"news.example": ["10.20.30.40"], "mixed.example": ["93.184.216.34", "127.0.0.1"],
               "intranet.example": ["127.0.0.1"], "metadata.example": ["169.254.169.254"]}
    monkeypatch.setattr(net, "resolve", lambda host, port: answers[host])
    for host in ("news.example", "mixed.example", "intranet.example", "metadata.example"):
        with pytest.raises(RefusedAddress):
            net.fetch(f"http://{host}:{server}/page", _settings())
    assert _Handler.seen == []
    allowed = _settings(fetch_allowed_hosts="Intranet.Example, other.example")
    got = net.fetch(f"http://intranet.example:{server}/page", allowed)
    assert got.body.endswith(f"<!-- host intranet.example:{server} -->".encode())


def test_a_body_over_the_cap_is_cut_off_while_streaming(server: int) -> None:
    settings = _settings(fetch_allowed_hosts="127.0.0.1")
    with pytest.raises(TooLarge) as exc:
        net.fetch(f"http://127.0.0.1:{server}/endless", settings, max_bytes=100_000)
    assert "streaming" in exc.value.message


def test_url_ingest_reports_refused_addresses_and_reads_allowed_ones(server: int) -> None:
    items = list(read_inputs([f"http://localhost:{server}/page",
                              f"http://127.0.0.1:{server}/page"],
                             settings=_settings(fetch_allowed_hosts="127.0.0.1")))
    assert isinstance(items[0], RefusedAddress) and items[0].code == "refused-address"
    assert items[0].subject == f"http://localhost:{server}/page"
    assert isinstance(items[1], Article) and items[1].title == "Border crossing reopens"
    assert _Handler.seen == ["/page"]
