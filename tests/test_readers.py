"""read_inputs: files, directories, stdin, JSON Lines, feeds, URLs and every kind of bad input."""

from __future__ import annotations

import datetime as dt
import gzip
import html
import io
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newswatch.errors import (
    BinaryInput,
    EmptyInput,
    EncodingError,
    InputError,
    InputNotFound,
    MalformedRecord,
    NotAnArticle,
    TooLarge,
)
from newswatch.ingest.readers import FetchFailed, read_inputs
from newswatch.model import Article
from newswatch.settings import load as load_settings

from conftest import SEED

HERE = Path(__file__).parent
FEEDS = HERE / "data" / "feeds"
HEADLINE = "Russia won't leave its allies in Central Asia out in the cold"
LEAD = ("Moscow is ready to support the countries in the region amid the sticky situation "
        "in Afghanistan")
LAST = ("Therefore, it is very difficult to predict the way things will keep developing in "
        "Afghanistan and the region as a whole.")


def split(items):
    items = list(items)
    return ([a for a in items if isinstance(a, Article)],
            [e for e in items if isinstance(e, InputError)])


def nerel_lines(shared_dir: Path, n: int = 3) -> list[str]:
    path = shared_dir / "corpus" / "nerel_ru_wikinews" / "articles.jsonl"
    with path.open(encoding="utf-8") as fh:
        return [next(fh).rstrip("\n") for _ in range(n)]


def flat_html(seed_raw: str) -> str:
    lines = [ln for ln in seed_raw.splitlines() if ln.strip()]
    return ("<html><head><title>" + html.escape(lines[0]) + "</title></head><body>"
            + "".join(f"<p>{html.escape(ln)}</p>\n" for ln in lines) + "</body></html>")


# --------------------------------------------------------------------------- the seed


def test_seed_through_read_inputs() -> None:
    seed = SEED
    arts, errs = split(read_inputs([str(seed)]))
    assert errs == []
    (a,) = arts
    assert a.title == HEADLINE
    assert a.site == a.source == "News agency Inforos"
    assert a.origin == str(seed)
    assert a.input_format == "text" and a.extractor == "newswatch-textcapture-3"
    assert a.meta["encoding"] == "utf-8"
    assert a.text.startswith(LEAD + "\n\n")
    assert a.text.endswith(LAST)
    for chrome in ("Rate it", "Add comment", "Сообщите", "Выделенный"):
        assert chrome not in a.text
    assert a.id == "sha-" + a.content_hash[:16]


def test_options_override_date_source_language() -> None:
    seed = SEED
    (a,) = read_inputs([str(seed)], published=dt.date(2021, 7, 8), source="Inforos",
                       language="EN")
    assert (a.published, a.published_source) == (dt.date(2021, 7, 8), "option")
    assert a.source == "Inforos" and a.site == "News agency Inforos"
    assert a.language == "en" and a.meta["language_reason"] == "given: option"


def test_stdin_dash_reads_a_capture(seed_raw: str) -> None:
    (a,) = read_inputs(["-"], stdin=io.BytesIO(seed_raw.encode("utf-8")))
    assert a.origin == "-" and a.title == HEADLINE and a.text.endswith(LAST)


def test_stdin_sniffs_json_lines(shared_dir: Path) -> None:
    data = ("\n".join(nerel_lines(shared_dir, 2)) + "\n").encode("utf-8")
    arts, errs = split(read_inputs(["-"], stdin=io.BytesIO(data)))
    assert errs == [] and [a.origin for a in arts] == ["-:1", "-:2"]
    assert [a.id for a in arts] == ["nerel-dev-119336_text",
                                    json.loads(nerel_lines(shared_dir, 2)[1])["id"]]


# --------------------------------------------------------------------------- JSON Lines


def test_jsonl_three_records_and_a_truncated_line(shared_dir: Path, tmp_path: Path) -> None:
    lines = nerel_lines(shared_dir)
    path = tmp_path / "ru.jsonl"
    path.write_text("\n".join(lines) + "\n" + lines[1][:150] + "\n", encoding="utf-8")
    arts, errs = split(read_inputs([str(path)]))
    expected = [json.loads(ln) for ln in lines]
    assert [a.id for a in arts] == [r["id"] for r in expected]
    assert [a.title for a in arts] == [r["title"] for r in expected]
    assert arts[0].title == "Семья Обамы приобрела дом в Вашингтоне за 8,1 млн долларов"
    assert all(a.language == "ru" for a in arts)
    assert [a.text for a in arts] == [r["text"] for r in expected]
    assert [a.origin for a in arts] == [f"{path}:1", f"{path}:2", f"{path}:3"]
    assert all(a.input_format == "jsonl" and a.published is None for a in arts)
    assert arts[0].meta["split"] == expected[0]["meta"]["split"]
    (err,) = errs
    assert isinstance(err, MalformedRecord)
    assert err.subject == f"{path}:4"
    assert err.line().startswith(f"{path}:4: malformed: invalid JSON")


def test_jsonl_record_errors_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "mixed.ndjson"
    path.write_text(
        '{"id": "a", "text": "Kabul airport reopened for aid flights on Saturday.", '
        '"published": "2021-09-04", "url": "https://example.org/a"}\n'
        "\n"
        '{"id": "b", "text": ""}\n'
        '["not", "an", "object"]\n'
        '{"id": "c", "text": "Aid reached Herat.", "published": "last week"}\n', encoding="utf-8")
    arts, errs = split(read_inputs([str(path)]))
    a, c = arts
    assert (a.id, a.published, a.published_source) == ("a", dt.date(2021, 9, 4), "input")
    assert [(type(e), e.subject) for e in errs] == [
        (MalformedRecord, f"{path}:3"), (MalformedRecord, f"{path}:4")]
    assert "'text'" in errs[0].message
    # an unreadable date does not cost the record: kept without a date, one bad-date warning
    assert (c.id, c.published, c.meta["published_refused"]) == ("c", None, "last week")
    assert [(e.code, "'last week'" in e.message) for e in c.errors] == [("bad-date", True)]


def test_jsonl_overlong_line_is_too_large_and_next_line_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    long_text = "word " * 400
    path.write_text(json.dumps({"id": "long", "text": long_text}) + "\n"
                    + json.dumps({"id": "short", "text": "A short record."}) + "\n")
    settings = load_settings(overrides={"max_input_bytes": 1000})
    arts, errs = split(read_inputs([str(path)], settings=settings))
    assert [a.id for a in arts] == ["short"]
    assert [(type(e), e.subject) for e in errs] == [(TooLarge, f"{path}:1")]


# --------------------------------------------------------------------------- a mixed batch


def test_directory_of_good_and_bad_inputs(shared_dir: Path, seed_raw: str,
                                          tmp_path: Path) -> None:
    d = tmp_path / "batch"
    (d / "sub").mkdir(parents=True)
    (d / "a_seed.txt").write_text(seed_raw, encoding="utf-8")
    (d / "b_empty.txt").write_bytes(b"")
    (d / "c_image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (d / "d_random.bin").write_bytes(bytes((i * 7919 + 13) % 256 for i in range(4096)))
    (d / "e_latin1.txt").write_bytes("Le café de la gare est fermé depuis très longtemps."
                                     .encode("latin-1"))
    ru = json.loads(nerel_lines(shared_dir, 1)[0])["text"]
    (d / "f_ru_cp1251.txt").write_bytes(ru.encode("cp1251"))
    big = d / "g_big.html"
    with big.open("w", encoding="utf-8") as fh:
        fh.write("<html><body>")
        para = "<p>" + "The Taliban now control most districts near the border. " * 20 + "</p>\n"
        while fh.tell() < 20 * 1024 * 1024:
            fh.write(para * 100)
        fh.write("</body></html>")
    (d / "h_nav.html").write_text(
        "<html><head><title>Sections</title></head><body><nav><ul>" + "".join(
            f"<li><a href='/s{i}'>Section {i} news and analysis from the region</a></li>"
            for i in range(20)) + "</ul></nav></body></html>", encoding="utf-8")
    lines = nerel_lines(shared_dir, 2)
    (d / "sub" / "i_part.jsonl").write_text(lines[0] + "\n" + lines[1][:90] + "\n",
                                            encoding="utf-8")
    (d / "sub" / "j_seed.html.gz").write_bytes(gzip.compress(flat_html(seed_raw).encode()))
    (d / ".hidden.txt").write_text("must be skipped", encoding="utf-8")
    missing = tmp_path / "no_such_file.txt"

    items = list(read_inputs([str(d), str(missing)]))
    arts, errs = split(items)
    assert len(items) == len(arts) + len(errs)

    by_name = {Path(a.origin.split(":")[0]).name: a for a in arts}
    assert sorted(by_name) == ["a_seed.txt", "f_ru_cp1251.txt", "i_part.jsonl",
                               "j_seed.html.gz"]
    assert by_name["a_seed.txt"].title == HEADLINE
    cp = by_name["f_ru_cp1251.txt"]
    assert cp.meta["encoding"] == "cp1251"
    assert ru.startswith(cp.title + "\n") and ru.endswith(cp.text[-200:])
    assert by_name["i_part.jsonl"].id == "nerel-dev-119336_text"
    gz = by_name["j_seed.html.gz"]
    assert gz.meta["compression"] == "gzip" and gz.input_format == "html"
    assert gz.text == by_name["a_seed.txt"].text and gz.published is None

    got = [(type(e), Path(e.subject).name) for e in errs]
    assert got == [
        (EmptyInput, "b_empty.txt"),
        (BinaryInput, "c_image.png"),
        (BinaryInput, "d_random.bin"),
        (EncodingError, "e_latin1.txt"),
        (TooLarge, "g_big.html"),
        (NotAnArticle, "h_nav.html"),
        (MalformedRecord, "i_part.jsonl:2"),
        (InputNotFound, "no_such_file.txt"),
    ]
    for e in errs:
        line = e.line()
        assert "\n" not in line and line.startswith(str(e.subject) + ": " + e.code + ": ")
    assert "max_input_bytes" in errs[4].message


def test_koi8r_text_is_decoded(shared_dir: Path, tmp_path: Path) -> None:
    ru = json.loads(nerel_lines(shared_dir, 2)[1])["text"]
    path = tmp_path / "koi8.txt"
    path.write_bytes(ru.encode("koi8_r"))
    (a,) = read_inputs([str(path)])
    assert a.meta["encoding"] == "koi8-r"
    assert a.text.split("\n\n")[0] in ru


def test_gzip_bomb_is_too_large(tmp_path: Path) -> None:
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"a" * 200_000))
    settings = load_settings(overrides={"max_input_bytes": 50_000})
    (err,) = read_inputs([str(path)], settings=settings)
    assert isinstance(err, TooLarge) and err.subject == str(path)


def test_gzip_bomb_of_one_json_lines_record_gives_one_line(tmp_path: Path) -> None:
    """Issue 14: the over-long record is 'too-large' and nothing more (there was also a
    contradictory 'empty: no records (only blank lines)' for the file)."""
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"id": "x", "text": "' + b"a" * 200_000 + b'"}\n'))
    settings = load_settings(overrides={"max_input_bytes": 50_000})
    errs = list(read_inputs([str(path)], settings=settings))
    assert [(type(e), e.subject) for e in errs] == [(TooLarge, f"{path}:1")]


def test_cut_or_corrupt_gzip_is_truncated_or_malformed_not_an_encoding_error(tmp_path: Path) -> None:
    """Issue 14: compressed data that ends early is 'truncated'; data that cannot be
    decompressed (a bad compression method byte, a damaged deflate block) is 'malformed'."""
    page = gzip.compress(b"<html><body><p>text</p></body></html>" * 50)
    cut = tmp_path / "broken.html.gz"
    cut.write_bytes(page[:60])
    method = tmp_path / "fake.warc.gz"
    method.write_bytes(b"\x1f\x8b" + b"garbage" * 20)  # compression method 'g', not deflate
    damaged = tmp_path / "damaged.html.gz"
    damaged.write_bytes(page[:12] + b"\xff" * 8 + page[20:])
    errs = list(read_inputs([str(cut), str(method), str(damaged)]))
    assert [(e.code, e.subject) for e in errs] == [
        ("truncated", str(cut)), ("malformed", str(method)), ("malformed", str(damaged))]
    assert errs[0].message.startswith("the gzip data ends before its end-of-stream marker")
    assert errs[1].message.startswith("corrupt gzip data (Unknown compression method)")


def test_scrapinghub_page_reads_with_metadata(shared_dir: Path) -> None:
    pages = sorted((shared_dir / "eval" / "scrapinghub-aeb" / "html").glob("*.html.gz"))
    gold = json.loads((shared_dir / "eval" / "scrapinghub-aeb" / "ground-truth.dev.json")
                      .read_text(encoding="utf-8"))
    arts, errs = split(read_inputs([str(p) for p in pages[:5]]))
    assert errs == [] and len(arts) == 5
    for a in arts:
        body = gold[Path(a.origin).name[:-len(".html.gz")]]["articleBody"]
        first_gold_words = body.split()[:8]
        assert " ".join(first_gold_words) in " ".join(a.text.split())


# --------------------------------------------------------------------------- feeds


def test_rss_feed_entries() -> None:
    arts, errs = split(read_inputs([str(FEEDS / "wh_afghanistan.rss")]))
    assert errs == []
    assert [a.title for a in arts] == [
        "FACT SHEET: Continued U.S. Support for a Peaceful, Stable Afghanistan",
        "Readout of President Joseph R. Biden, Jr. Meeting with President Ghani and Chairman "
        "Abdullah of Afghanistan",
        "Statement by White House Spokesperson Jen Psaki on the Visit of President Ashraf "
        "Ghani of Afghanistan",
    ]
    assert [a.published for a in arts] == [dt.date(2021, 6, 25), dt.date(2021, 6, 25),
                                           dt.date(2021, 6, 20)]
    assert arts[0].url.endswith("/2021/06/25/fact-sheet-continued-u-s-support-for-a-"
                                "peaceful-stable-afghanistan/")
    assert arts[0].text == (
        "The United States continues to use its full diplomatic, economic, and assistance "
        "toolkit to support a peaceful and stable Afghanistan.\n\nToday, President Biden "
        "welcomed Afghanistan President Ashraf Ghani to the White House.")
    assert arts[2].text == arts[2].title  # no description: the headline stands in
    assert arts[2].meta["description_present"] is False
    assert all(a.source == "The White House: Briefing Room" and a.language == "en"
               and a.input_format == "rss" and a.published_source == "input" for a in arts)
    assert [a.origin.rsplit("#", 1)[1] for a in arts] == ["1", "2", "3"]


def test_atom_feed_entries() -> None:
    arts, errs = split(read_inputs([str(FEEDS / "wh_afghanistan.atom")]))
    assert errs == []
    assert [(a.title, a.published) for a in arts] == [
        ("Remarks by President Biden on the Drawdown of U.S. Forces in Afghanistan",
         dt.date(2021, 7, 8)),
        ("Remarks by President Biden on the End of the War in Afghanistan",
         dt.date(2021, 8, 31)),
    ]
    assert arts[0].text == "Our military mission in Afghanistan will conclude on August 31st."
    assert arts[0].meta["date_field"] == "published" and arts[1].meta["date_field"] == "updated"
    assert arts[1].url.endswith("/2021/08/31/remarks-by-president-biden-on-the-end-of-the-war"
                                "-in-afghanistan/")
    assert arts[0].author == "The White House"


def test_malformed_and_empty_feeds(tmp_path: Path) -> None:
    rss = (FEEDS / "wh_afghanistan.rss").read_text(encoding="utf-8")
    broken = tmp_path / "broken.rss"
    broken.write_text(rss[: rss.index("<item>", rss.index("<item>") + 1) + 40],
                      encoding="utf-8")
    empty = tmp_path / "empty.xml"
    empty.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
                     "</channel></rss>", encoding="utf-8")
    errs = list(read_inputs([str(broken), str(empty)]))
    assert [type(e) for e in errs] == [MalformedRecord, EmptyInput]
    assert errs[0].subject.startswith(str(broken) + ":")
    assert errs[1].subject == str(empty)


# --------------------------------------------------------------------------- URLs


class _Handler(BaseHTTPRequestHandler):
    pages: dict[str, tuple[int, str, bytes]] = {}

    def do_GET(self) -> None:
        status, ctype, body = self.pages.get(self.path, (404, "text/plain", b"not found"))
        if self.path == "/ua":
            body = ("This page was requested by the client that calls itself "
                    f"{self.headers.get('User-Agent')}.").encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server(seed_raw: str):
    _Handler.pages = {
        "/seed": (200, "text/html; charset=utf-8", flat_html(seed_raw).encode("utf-8")),
        "/big": (200, "text/html", b"<html><body>" + b"<p>word word</p>" * 5000 + b"</body>"),
        "/ua": (200, "text/plain; charset=utf-8", b""),
        "/empty": (200, "text/plain", b""),
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_url_inputs_fetched_from_a_local_server(local_server: str) -> None:
    settings = load_settings(overrides={"max_input_bytes": 50_000,
                                        "fetch_timeout_seconds": 5,
                                        "fetch_allowed_hosts": "127.0.0.1"})
    items = list(read_inputs([f"{local_server}/seed", f"{local_server}/missing",
                              f"{local_server}/big", f"{local_server}/empty",
                              f"{local_server}/ua"], settings=settings))
    a = items[0]
    assert isinstance(a, Article)
    assert a.title == HEADLINE and a.url == f"{local_server}/seed"
    assert a.input_format == "html" and a.text.endswith(LAST)
    assert a.id.startswith("url-")
    assert [(type(e), e.subject) for e in items[1:-1]] == [
        (InputNotFound, f"{local_server}/missing"),
        (TooLarge, f"{local_server}/big"),
        (EmptyInput, f"{local_server}/empty"),
    ]
    ua = items[-1]
    assert isinstance(ua, Article) and ua.input_format == "text"
    assert ua.text.endswith(f"calls itself {settings.fetch_user_agent}.")


def test_unreachable_url_is_a_fetch_error() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: connection refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x"
    settings = load_settings(overrides={"fetch_timeout_seconds": 2,
                                        "fetch_allowed_hosts": "127.0.0.1"})
    (err,) = read_inputs([url], settings=settings)
    assert isinstance(err, FetchFailed) and err.subject == url


def test_a_stray_byte_in_utf8_is_an_error_not_mojibake(tmp_path, seed_raw):
    # Found by a new-user trial (issue 2): one 0xE9 inside the founding article made the whole
    # file decode as cp1251, silently garbling its dashes and its Russian footer.
    from newswatch.errors import EncodingError
    from newswatch.ingest.readers import read_inputs

    data = seed_raw.encode("utf-8")
    path = tmp_path / "stray.txt"
    path.write_bytes(data[:500] + b"\xe9" + data[500:])
    (item,) = list(read_inputs([str(path)]))
    assert isinstance(item, EncodingError)
    assert "stray.txt" in item.line() and "offset 500" in item.line()


def test_a_few_high_bytes_in_latin_text_are_not_read_as_cyrillic(tmp_path):
    from newswatch.errors import EncodingError
    from newswatch.ingest.readers import read_inputs

    path = tmp_path / "latin.txt"
    path.write_bytes(b"Hello \xff\xfe\xfa world, this is a plain English sentence about Kabul.")
    (item,) = list(read_inputs([str(path)]))
    assert isinstance(item, EncodingError)
