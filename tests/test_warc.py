"""WARC input (issue 11): page records become articles dated by the page, not the crawl; record
id and target URI kept; non-pages, cut and oversized records give one line each and the rest of
the archive is read."""

from __future__ import annotations

import datetime as dt
import io
import json
import tracemalloc
import zlib
from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner
from warc_samples import CRAWL_DATE, kremlin_records, page, response, write_warc
from warcio.warcwriter import WARCWriter

from newswatch.cli import app
from newswatch.errors import InputError
from newswatch.ingest.readers import read_inputs
from newswatch.model import Article
from newswatch.settings import load as load_settings
from newswatch.storage import Store


def split(items):
    items = list(items)
    return ([i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, InputError)])


def test_page_records_are_articles_dated_by_the_page(tmp_path: Path) -> None:
    recs = kremlin_records(3)
    path = write_warc(tmp_path / "crawl.warc.gz", recs, hostile=True)
    arts, errs = split(read_inputs([str(path)]))
    assert [a.url for a in arts] == [r["url"] for r in recs]
    # the page's meta tag, never the WARC-Date of 2026-11-30
    assert [a.published for a in arts] == [dt.date.fromisoformat(r["published"]) for r in recs]
    assert {a.published_source for a in arts} == {"htmldate"}
    assert [a.title for a in arts] == [r["title"] for r in recs]
    assert [a.origin for a in arts] == [f"{path}#{i}" for i in (1, 2, 3)]
    first = arts[0]
    assert first.input_format == "warc" and first.text.startswith(recs[0]["text"].split("\n")[0])
    warc = first.meta["warc"]
    assert warc["target_uri"] == recs[0]["url"] and warc["date"] == CRAWL_DATE
    assert warc["record_id"].startswith("<urn:uuid:") and warc["offset"] == 0
    assert arts[1].meta["warc"]["offset"] > 0  # the compressed offset of record 2
    # record 4 is a request (structure: passed over); then one line per bad record
    assert [(e.subject, e.code) for e in errs] == [
        (f"{path}#5", "not-html"), (f"{path}#6", "not-an-article"),
        (f"{path}#7", "truncated"), (f"{path}#8", "truncated")]
    assert "image/png" in errs[0].message and "404" in errs[1].message
    # declares 2 GB (over the cap) but its gzip member holds a few bytes: a cut record
    assert "1,999,999," in errs[2].message and "declared Content-Length" in errs[2].message


def test_the_offset_reads_the_record_again(tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    path = write_warc(tmp_path / "crawl.warc.gz", kremlin_records(2))
    (_, second), _ = split(read_inputs([str(path)]))
    with path.open("rb") as fh:
        fh.seek(second.meta["warc"]["offset"])
        record = next(iter(ArchiveIterator(fh)))
    assert record.rec_headers.get_header("WARC-Record-ID") == second.meta["warc"]["record_id"]


def test_a_plain_warc_cut_short_keeps_its_pages(tmp_path: Path) -> None:
    recs = kremlin_records(3)
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    for rec in recs:
        response(writer, rec["url"], page(rec))
    data = buf.getvalue()
    path = tmp_path / "cut.warc"
    path.write_bytes(data[:-700])
    arts, errs = split(read_inputs([str(path)]))
    assert [a.url for a in arts] == [r["url"] for r in recs[:2]]
    assert [(e.subject, e.code) for e in errs] == [(f"{path}#3", "truncated")]


def _peak_bytes(path: Path, settings) -> tuple[int, list]:
    tracemalloc.start()
    try:
        items = list(read_inputs([str(path)], settings=settings))
        return tracemalloc.get_traced_memory()[1], items
    finally:
        tracemalloc.stop()


def _gzip_bomb(mib: int) -> bytes:
    """A gzip stream inflating to ``mib`` MiB of one letter inside a page (built in pieces)."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"a" * (1 << 20)
    parts = [z.compress(b"<html><body><p>")]
    parts += [z.compress(chunk) for _ in range(mib)]
    parts += [z.compress(b"</p></body></html>"), z.flush()]
    return b"".join(parts)


def test_a_payload_over_the_cap_is_never_held_whole(tmp_path: Path) -> None:
    """Records whose gzip Content-Encoding inflates to 32 MB and to 256 MB: read with a cap and
    refused; the peak does not grow with the payload (warcio inflates 16 KiB reads, so at most
    some 16 MB at once) and stays far below it; the page after each is read as usual."""
    from warcio.statusandheaders import StatusAndHeaders

    rec = kremlin_records(1)[0]
    settings = load_settings(overrides={"max_input_bytes": 1024 * 1024})

    def archive(name: str, bomb: bytes | None) -> Path:
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True)
        if bomb is not None:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                "http://en.kremlin.ru/bomb", "response", payload=io.BytesIO(bomb), length=len(bomb),
                http_headers=http))
        response(writer, rec["url"], page(rec))
        path = tmp_path / name
        path.write_bytes(buf.getvalue())
        return path

    _peak_bytes(archive("plain.warc.gz", None), settings)  # warm-up: extraction resources load once
    peaks = []
    for mib in (32, 256):
        path = archive(f"bomb{mib}.warc.gz", _gzip_bomb(mib))
        peak, items = _peak_bytes(path, settings)
        arts, errs = split(items)
        assert [(e.subject, e.code) for e in errs] == [(f"{path}#1", "too-large")]
        assert "after decoding" in errs[0].message
        assert [a.url for a in arts] == [rec["url"]]
        peaks.append(peak)
    assert peaks[1] < 80 << 20, peaks  # far below the 256 MB payload
    assert peaks[1] < peaks[0] * 1.5 + (4 << 20), peaks  # 8 times the payload, not more memory


def test_ingest_a_warc_stores_pages_with_provenance(tmp_path: Path) -> None:
    recs = kremlin_records(2)
    path = write_warc(tmp_path / "crawl.warc.gz", recs, hostile=True)
    db = tmp_path / "w.sqlite"
    res = CliRunner().invoke(app, ["ingest", "--db", str(db), "--no-progress", str(path)])
    assert res.exit_code == 1, res.output  # some records failed (README, exit codes)
    assert "ingested 2 new, 0 revised, 0 unchanged, 4 failed" in res.stdout
    codes = [line.split(": ")[1] for line in res.stderr.splitlines() if ": warning:" not in line]
    assert codes == ["not-html", "not-an-article", "truncated", "truncated"]
    with Store.open(f"sqlite:///{db}") as store, store.read() as conn:
        rows = conn.execute(sa.text(
            "select a.url, a.published, r.meta from article a join revision r on r.article_id = a.id "
            "order by a.published")).all()
        failures = conn.execute(sa.text("select code from ingest_failure order by id")).scalars().all()
    assert [(u, str(p)) for u, p, _ in rows] == [(r["url"], r["published"]) for r in recs]
    metas = [m if isinstance(m, dict) else json.loads(m) for _, _, m in rows]
    assert [m["warc"]["target_uri"] for m in metas] == [r["url"] for r in recs]
    assert all(m["warc"]["record_id"].startswith("<urn:uuid:") for m in metas)
    assert failures == codes
    again = CliRunner().invoke(app, ["ingest", "--db", str(db), "--no-progress", str(path)])
    assert "ingested 0 new, 0 revised, 2 unchanged, 4 failed" in again.stdout


def _raw_record(headers: list[str], body: bytes) -> bytes:
    return ("WARC/1.0\r\n" + "".join(h + "\r\n" for h in headers) + "\r\n").encode() + body


def test_a_record_without_target_uri_is_named_and_the_next_record_kept(tmp_path: Path) -> None:
    recs = kremlin_records(2)
    first, second = io.BytesIO(), io.BytesIO()
    response(WARCWriter(first, gzip=False), recs[0]["url"], page(recs[0]))
    response(WARCWriter(second, gzip=False), recs[1]["url"], page(recs[1]))
    body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>x</p></body></html>"
    nouri = _raw_record(["WARC-Type: response", f"Content-Length: {len(body)}"], body) + b"\r\n\r\n"
    path = tmp_path / "mid.warc"
    path.write_bytes(first.getvalue() + nouri + second.getvalue())
    arts, errs = split(read_inputs([str(path)]))
    assert [a.url for a in arts] == [recs[0]["url"], recs[1]["url"]]
    assert [(e.subject, e.code) for e in errs] == [(f"{path}#2", "malformed")]
    assert "WARC-Target-URI" in errs[0].message


def test_a_cut_record_with_bare_headers_is_truncated(tmp_path: Path) -> None:
    for length in ("99999", "999999999999999999999999"):
        path = tmp_path / f"cut{len(length)}.warc"
        path.write_bytes(_raw_record(["WARC-Type: response", f"Content-Length: {length}"], b"short"))
        _, errs = split(read_inputs([str(path)]))
        assert [(e.subject, e.code) for e in errs] == [(f"{path}#1", "truncated")]


def test_a_bad_content_length_is_one_line_and_warcio_prints_nothing(tmp_path: Path, capfd) -> None:
    path = tmp_path / "badlen.warc"
    path.write_bytes(_raw_record(["WARC-Type: response", "Content-Length: abc"], b"short"))
    _, errs = split(read_inputs([str(path)]))
    assert [(e.subject, e.code) for e in errs] == [(f"{path}#1", "malformed")]
    assert "'abc'" in errs[0].message
    assert capfd.readouterr().err == ""
