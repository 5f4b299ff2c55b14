"""Small WARC archives for tests, written with warcio's WARCWriter from the bundled samples.

Each page is a real record of ``samples/kremlin_en_sample.jsonl`` (CC BY 4.0, kremlin.ru) set
in a minimal HTML page whose ``<meta property="article:published_time">`` carries the record's
own publication date, so the date a reader finds can only have come from the page: the WARC
records are dated (crawled) years later, :data:`CRAWL_DATE`.
"""

from __future__ import annotations

import gzip
import html
import io
import json
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parent.parent
KREMLIN = ROOT / "samples" / "kremlin_en_sample.jsonl"
#: WARC-Date of every record written here: the crawl, not the publication.
CRAWL_DATE = "2026-11-30T12:00:00Z"


def kremlin_records(n: int) -> list[dict[str, Any]]:
    """The first ``n`` records of the bundled Kremlin sample."""
    lines = KREMLIN.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[:n]]


def page(rec: dict[str, Any]) -> bytes:
    """A minimal news page of a corpus record: title, dated meta tag, one ``<p>`` a paragraph."""
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in rec["text"].split("\n") if p.strip())
    return (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(rec['title'])}</title>"
        f"<meta property=\"article:published_time\" content=\"{rec['published']}T10:00:00+03:00\">"
        f"</head><body><article><h1>{html.escape(rec['title'])}</h1>{paras}</article></body></html>"
    ).encode()


def response(writer: WARCWriter, uri: str, body: bytes, content_type: str = "text/html; charset=utf-8",
             status: str = "200 OK") -> None:
    """Append one ``response`` record (HTTP headers + ``body``) dated :data:`CRAWL_DATE`."""
    http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    # a given length keeps warcio from buffering the payload in a temporary file
    record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), length=len(body),
                                       http_headers=http, warc_headers_dict={"WARC-Date": CRAWL_DATE})
    writer.write_record(record)


def huge_record(uri: str) -> bytes:
    """A response record declaring a Content-Length of 2 GB but holding a few bytes."""
    return (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-"
            b"000000000001>\r\nWARC-Target-URI: " + uri.encode() + b"\r\nWARC-Date: 2026-11-30T12:00:00Z"
            b"\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: 2000000000\r\n\r\n"
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>cut</p></body></html>")


def write_warc(path: Path, records: list[dict[str, Any]], *, hostile: bool = False,
               compress: bool = True) -> Path:
    """Write ``records`` as HTML responses to ``path``.

    With ``hostile``, after the pages: a request record (structure, passed over), a PNG
    response (``not-html``), a 404 page, a 2 GB declared-length record and, last, a page cut
    short by the end of the file (``truncated``).
    """
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=compress)
    for rec in records:
        response(writer, rec["url"], page(rec))
    if hostile:
        get = b"GET /x HTTP/1.1\r\nHost: en.kremlin.ru\r\n\r\n"
        req = writer.create_warc_record("http://en.kremlin.ru/x", "request",
                                        payload=io.BytesIO(get), length=len(get))
        writer.write_record(req)
        response(writer, "http://en.kremlin.ru/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
        response(writer, "http://en.kremlin.ru/gone", b"<html><body>Not found</body></html>",
                 status="404 Not Found")
    data = buf.getvalue()
    if hostile:
        huge = huge_record("http://en.kremlin.ru/huge")
        data += gzip.compress(huge) if compress else huge
        tail = io.BytesIO()
        response(WARCWriter(tail, gzip=compress), "http://en.kremlin.ru/cut", page(records[0]) * 3)
        cut = tail.getvalue()
        data += cut[:len(cut) * 2 // 3]  # the file ends inside the last record
    path.write_bytes(data)
    return path
