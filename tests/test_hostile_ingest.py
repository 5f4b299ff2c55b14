"""Hostile inputs (issue 14): every bad file, record, name or link gives one line with a
documented reason code, the batch goes on, nothing outside the input folder is read."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from newswatch import errors
from newswatch.errors import (
    EmptyInput,
    EncodingError,
    InputError,
    MalformedRecord,
    NotRegularFile,
    SkippedLink,
    TooDeep,
    TooLarge,
    UnsafeXml,
    UnsupportedFormat,
)
from newswatch.ingest.readers import cut_text, read_inputs, shown
from newswatch.model import Article
from newswatch.settings import load as load_settings
from newswatch.storage import Store

ROOT = Path(__file__).resolve().parents[1]
GOOD = ("The governor of Kandahar province said on Monday that the road to the border crossing "
        "at Spin Boldak was open again after three days of fighting.")
SECRET = "root:x:0:0:this line must never be ingested"


def split(items):
    items = list(items)
    arts = [i for i in items if isinstance(i, Article)]
    errs = [i for i in items if isinstance(i, InputError)]
    return arts, errs


def _input_error_codes() -> set[str]:
    return {cls.code for cls in vars(errors).values()
            if isinstance(cls, type) and issubclass(cls, errors.InputError)
            and cls is not errors.InputError}


def test_every_input_reason_code_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    para = readme[readme.index("**Bad input.**"):]
    para = para[: para.index("\n\n")]
    documented = set(re.findall(r"`([a-z-]+)`", para))
    assert _input_error_codes() <= documented, _input_error_codes() - documented
    assert "bad-input" not in documented


# --------------------------------------------------------------------------- folders


def test_symlinks_leaving_the_folder_and_special_files_are_skipped(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd.txt").write_text(SECRET, encoding="utf-8")
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text(GOOD, encoding="utf-8")
    (d / "b_link_out.txt").symlink_to(outside / "passwd.txt")
    (d / "c_link_in.txt").symlink_to(d / "a.txt")
    (d / "d_link_dir").symlink_to(outside)
    (d / "e_dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(d / "f_fifo")
    (d / "sub" / "g.txt").write_text(GOOD.replace("Monday", "Tuesday"), encoding="utf-8")

    arts, errs = split(read_inputs([str(d)]))
    assert all(SECRET not in a.text for a in arts)
    assert sorted(Path(a.origin).name for a in arts) == ["a.txt", "c_link_in.txt", "g.txt"]
    assert [(type(e), Path(e.subject).name) for e in errs] == [
        (SkippedLink, "b_link_out.txt"),
        (SkippedLink, "d_link_dir"),
        (SkippedLink, "e_dangling.txt"),
        (NotRegularFile, "f_fifo"),
    ]
    assert "outside" in errs[0].message and "\n" not in errs[0].line()


def test_a_fifo_named_on_the_command_line_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (err,) = read_inputs([str(fifo)])
    assert isinstance(err, NotRegularFile) and err.subject == str(fifo)


def test_a_thousand_nested_folders_are_cut_at_the_depth_cap(tmp_path: Path) -> None:
    d = tmp_path / "deep"
    d.mkdir()
    (d / "top.txt").write_text(GOOD, encoding="utf-8")
    here = d
    for _ in range(1000):
        here = here / "a"
        here.mkdir()
    (here / "bottom.txt").write_text(GOOD, encoding="utf-8")
    settings = load_settings({"walk_max_depth_count": 20})
    try:
        arts, errs = split(read_inputs([str(d)], settings=settings))
    finally:  # pytest's own clean-up of tmp_path recurses and cannot remove 1,000 levels
        (here / "bottom.txt").unlink()
        while here != d:
            here.rmdir()
            here = here.parent
    assert [Path(a.origin).name for a in arts] == ["top.txt"]
    assert len(errs) == 1 and isinstance(errs[0], TooDeep)
    assert errs[0].subject.count("/a") == 21


def test_a_non_utf8_file_name_with_a_newline_is_shown_escaped_on_one_line(tmp_path: Path) -> None:
    d = tmp_path / "names"
    d.mkdir()
    raw = os.fsencode(str(d)) + b"/bad\xff\nname.txt"
    with open(raw, "wb") as fh:
        fh.write(GOOD.encode())
    with open(os.fsencode(str(d)) + b"/empty\xfe.txt", "wb"):
        pass
    arts, errs = split(read_inputs([str(d)]))
    assert [a.origin for a in arts] == [f"{d}/bad\\xff\\nname.txt"]
    assert [e.line() for e in errs] == [f"{d}/empty\\xfe.txt: empty: empty file (0 bytes)"]
    assert shown("a\u202eb\tc") == "a\\u202eb\\tc"


def test_an_empty_folder_is_named(tmp_path: Path) -> None:
    (err,) = read_inputs([str(tmp_path)])
    assert isinstance(err, EmptyInput) and err.subject == str(tmp_path)


def test_a_warc_name_that_is_no_warc_and_an_arc_archive_are_refused(tmp_path: Path) -> None:
    fake = tmp_path / "crawl.warc"
    fake.write_text(GOOD, encoding="utf-8")
    arc = tmp_path / "old.arc"
    arc.write_bytes(b"filedesc://old.arc 0.0.0.0 20210708000000 text/plain 76\n" + GOOD.encode())
    info = tmp_path / "info.warc"  # a real WARC holding only a warcinfo record: no article
    info.write_bytes(b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 4\r\n\r\nabcd\r\n\r\n")
    errs = list(read_inputs([str(fake), str(arc), str(info)]))
    assert [type(e) for e in errs] == [UnsupportedFormat, UnsupportedFormat, EmptyInput]
    assert "not one" in errs[0].message and "ARC archive" in errs[1].message
    assert errs[2].line() == f"{info}: empty: no response or resource record among 1 WARC records"


# --------------------------------------------------------------------------- JSON Lines


def test_hostile_json_lines_reject_only_their_own_line(tmp_path: Path) -> None:
    good = {"id": "ok-1", "text": GOOD}
    lines = [
        json.dumps(good),
        '{"id": "sur", "text": "before \\ud800 after ' + GOOD + '"}',
        '{"id": "big", "n": ' + "9" * 5000 + ', "text": "' + GOOD + '"}',
        "[" * 10_000 + "]" * 10_000,
        '{"id": {"nested": 1}, "text": "' + GOOD + '"}',
        '{"id": null, "text": "' + GOOD + '"}',
        json.dumps({"id": "ok-2", "text": GOOD + " Again."}),
    ]
    f = tmp_path / "hostile.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    arts, errs = split(read_inputs([str(f)]))
    assert [a.id for a in arts] == ["ok-1", "ok-2"]
    assert [(type(e), e.subject) for e in errs] == [
        (EncodingError, f"{f}:2"),
        (MalformedRecord, f"{f}:3"),
        (MalformedRecord, f"{f}:4"),
        (MalformedRecord, f"{f}:5"),
        (MalformedRecord, f"{f}:6"),
    ]
    assert "surrogate" in errs[0].message and "nested too deeply" in errs[2].message
    assert errs[1].line() == f"{f}:3: malformed: a number with more than 4,300 digits (5,000); refused"
    assert "'id'" in errs[3].message and "null" in errs[4].message
    for e in errs:
        e.line().encode("utf-8")  # printable and storable


def test_a_json_document_with_a_huge_number_or_deep_nesting_is_malformed(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text('[{"id": "a", "n": ' + "1" * 5000 + ', "text": "' + GOOD + '"}]')
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 10_000 + "]" * 10_000)
    errs = list(read_inputs([str(big), str(deep)]))
    assert [(type(e), e.subject) for e in errs] == [(MalformedRecord, str(big)),
                                                     (MalformedRecord, str(deep))]
    assert errs[0].message == "a number with more than 4,300 digits (5,000); refused"


def test_the_same_id_twice_in_a_batch_keeps_the_later_line(tmp_path: Path) -> None:
    f = tmp_path / "dupes.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in [
        {"id": "x1", "text": GOOD},
        {"id": "x2", "text": GOOD + " Other."},
        {"id": "x1", "text": GOOD + " Corrected."},
        {"url": "https://example.org/a", "text": "First version. " + GOOD},
        {"url": "https://example.org/a", "text": "Second version. " + GOOD},
    ]) + "\n", encoding="utf-8")
    arts, errs = split(read_inputs([str(f)]))
    assert not errs
    assert [(a.origin.rsplit(":", 1)[1], a.text[:15]) for a in arts] == [
        ("2", GOOD[:15]), ("3", GOOD[:15]), ("5", "Second version.")]
    assert arts[1].text.endswith("Corrected.") and arts[1].meta["replaces_lines"] == [1]


def test_only_http_urls_become_links(tmp_path: Path) -> None:
    f = tmp_path / "urls.jsonl"
    f.write_text("\n".join(json.dumps({"id": f"u{i}", "url": u, "text": GOOD}) for i, u in
                           enumerate(["javascript:alert(document.cookie)",
                                      " JaVaScRiPt:alert(1)", "data:text/html,<script>x</script>",
                                      "https://example.org/news/1"])) + "\n", encoding="utf-8")
    arts = list(read_inputs([str(f)]))
    assert [a.url for a in arts] == [None, None, None, "https://example.org/news/1"]
    assert arts[0].meta["url_text"] == "javascript:alert(document.cookie)"


def test_a_long_text_is_cut_at_a_break_and_says_so(tmp_path: Path) -> None:
    para = GOOD + "\n\n"
    f = tmp_path / "long.txt"
    f.write_text(para * 50, encoding="utf-8")
    settings = load_settings({"analysis_max_text_chars": 1000})
    (a,) = read_inputs([str(f)], settings=settings)
    assert len(a.text) <= 1000 and a.text.endswith("fighting.")
    assert a.meta["text_cut_from_chars"] > 1000
    assert [e.code for e in a.errors] == ["text-cut"]
    assert cut_text("abc def ghi", 9) == "abc def"


# --------------------------------------------------------------------------- feeds


def _rss(items: str, prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>{prolog}<rss version="2.0"><channel>'
            f"<title>T</title><link>https://example.org/</link>{items}</channel></rss>")


def _item(i: int, date: str = "Mon, 16 Aug 2021 10:00:00 GMT") -> str:
    return (f"<item><title>Item {i}</title><link>https://example.org/{i}</link>"
            f"<description>{GOOD} Number {i}.</description><pubDate>{date}</pubDate></item>")


@pytest.mark.parametrize("prolog", [
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>',
    '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    "<!doctype rss SYSTEM 'http://127.0.0.1/evil.dtd'>",
])
def test_a_feed_with_a_dtd_is_refused_before_parsing(tmp_path: Path, prolog: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import feedparser

    def never(*args, **kwargs):
        raise AssertionError("feedparser must not see a feed with a DTD")

    monkeypatch.setattr(feedparser, "parse", never)
    f = tmp_path / "bomb.rss"
    f.write_text(_rss(_item(1).replace("Item 1", "&lol2;"), prolog), encoding="utf-8")
    g = tmp_path / "bomb16.xml"
    g.write_bytes(_rss(_item(1), prolog).encode("utf-16"))
    errs = list(read_inputs([str(f), str(g)]))
    assert [type(e) for e in errs] == [UnsafeXml, UnsafeXml]


def test_one_impossible_date_does_not_end_the_feed(tmp_path: Path) -> None:
    items = "".join(_item(i) for i in range(1, 4))
    items += _item(4, "Mon, 31 Feb 0000 10:00:00 GMT") + _item(5, "Tue, 99 Zzz 2021 99:99 GMT")
    items += "".join(_item(i) for i in range(6, 15))
    f = tmp_path / "dates.rss"
    f.write_text(_rss(items), encoding="utf-8")
    arts, errs = split(read_inputs([str(f)]))
    assert not errs and len(arts) == 14
    assert arts[0].published is not None and arts[3].published is None


def test_feed_items_are_capped(tmp_path: Path) -> None:
    f = tmp_path / "many.rss"
    f.write_text(_rss("".join(_item(i) for i in range(1, 31))), encoding="utf-8")
    settings = load_settings({"feed_max_items_count": 10})
    arts, errs = split(read_inputs([str(f)], settings=settings))
    assert len(arts) == 10 and [type(e) for e in errs] == [TooLarge]
    assert "30 entries" in errs[0].message and "feed_max_items_count" in errs[0].message


def test_a_javascript_feed_link_is_not_a_link(tmp_path: Path) -> None:
    f = tmp_path / "js.rss"
    f.write_text(_rss(_item(1).replace("https://example.org/1", "javascript:alert(1)")),
                 encoding="utf-8")
    (a,) = read_inputs([str(f)])
    assert a.url is None and a.meta["url_text"] == "javascript:alert(1)"


# --------------------------------------------------------------------------- through the CLI


def test_cli_batch_with_hostile_names_and_duplicates_is_idempotent(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from newswatch.cli import app

    d = tmp_path / "batch"
    d.mkdir()
    (d / "dupes.jsonl").write_text("\n".join(json.dumps(r) for r in [
        {"id": "x1", "text": GOOD},
        {"id": "x1", "text": GOOD.replace("three", "four")},
    ]) + "\n", encoding="utf-8")
    with open(os.fsencode(str(d)) + b"/odd\xff\nname.txt", "wb") as fh:
        fh.write(GOOD.replace("Monday", "Sunday").encode())
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (d / "link.txt").symlink_to(tmp_path / "secret.txt")
    db = tmp_path / "b.sqlite"
    args = ["ingest", "--db", str(db), "--no-progress", str(d)]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 1, first.output
    assert "ingested 2 new, 0 revised, 0 unchanged, 1 failed (1 earlier records replaced" in first.stdout
    assert first.stderr.splitlines() == [
        f"{d}/link.txt: skipped-link: symbolic link to {tmp_path}/secret.txt, outside {d}; "
        "not followed"]
    second = CliRunner().invoke(app, args)
    assert "ingested 0 new, 0 revised, 2 unchanged, 1 failed" in second.stdout
    with Store.open(f"sqlite:///{db}") as store, store.read() as conn:
        texts = [r[0] for r in conn.execute(sa.text("select text from revision"))]
    assert len(texts) == 2 and not any(SECRET in t for t in texts)
    assert any(t.endswith("after four days of fighting.") for t in texts)


def test_two_inputs_with_two_versions_of_an_article_re_ingest_to_nothing(tmp_path: Path) -> None:
    # issue 14: the same id in two files with different texts; a second run of the same command
    # adds nothing, and the older copy read again never becomes the latest revision
    from typer.testing import CliRunner

    from newswatch.cli import app

    older = GOOD.replace("three", "two")
    (tmp_path / "c1.jsonl").write_text("\n".join(json.dumps(r) for r in [
        {"id": "c-1", "text": GOOD}, {"id": "c-2", "text": older}]) + "\n", encoding="utf-8")
    (tmp_path / "c2.jsonl").write_text("\n".join(json.dumps(r) for r in [
        {"id": "c-1", "text": GOOD}, {"id": "c-2", "text": GOOD}]) + "\n", encoding="utf-8")
    db = tmp_path / "c.sqlite"
    args = ["ingest", "--db", str(db), "--no-progress", "--format", "json",
            str(tmp_path / "c1.jsonl"), str(tmp_path / "c2.jsonl")]
    runs = [json.loads(CliRunner().invoke(app, args).stdout) for _ in range(3)]
    assert [(r["new"], r["revised"], r["unchanged"]) for r in runs] == [(2, 1, 1), (0, 0, 4), (0, 0, 4)]
    with Store.open(f"sqlite:///{db}") as store:
        assert [r.seq for r in store.revisions("c-2")] == [1, 2]
        assert store.load_article("c-2").text == GOOD


def test_control_characters_never_reach_the_store(tmp_path: Path) -> None:
    # issue 14: a NUL in an id is refused with the record's line; in the text it is removed
    f = tmp_path / "nul.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in [
        {"id": "nul\u0000id", "text": GOOD},
        {"id": "ok-1", "title": "Kandahar\u0000 road", "text": GOOD.replace("road", "ro\u0000ad\u0007")},
    ]) + "\n", encoding="utf-8")
    errs = [x for x in read_inputs([str(f)]) if not isinstance(x, Article)]
    arts = [x for x in read_inputs([str(f)]) if isinstance(x, Article)]
    assert [(type(e), e.subject) for e in errs] == [(MalformedRecord, f"{f}:1")]
    assert "control characters" in errs[0].message
    assert [(a.id, a.title, a.text) for a in arts] == [("ok-1", "Kandahar road", GOOD)]
    assert arts[0].meta["control_chars_removed"] == 3


# --------------------------------------------------------------------------- ingfix3 edges


def test_a_text_with_too_few_letters_is_not_an_article_in_every_reader(tmp_path: Path) -> None:
    # issue 14: a feed item whose whole text is "d" was stored (nlp failed on it)
    from newswatch.errors import NotAnArticle
    from newswatch.ingest.readers import ARTICLE_MIN_LETTERS

    feed = tmp_path / "tiny.rss"
    feed.write_text(_rss(_item(1) + "<item><title>d</title><link>https://example.org/d</link>"
                         "</item>" + _item(3)), encoding="utf-8")
    jsonl = tmp_path / "tiny.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in [
        {"id": "t-1", "text": "12 345 -- 6!"}, {"id": "t-2", "text": "Kabul falls"},
        {"id": "t-3", "text": GOOD}]) + "\n", encoding="utf-8")
    text = tmp_path / "tiny.txt"
    text.write_text("d\n", encoding="utf-8")
    arts, errs = split(read_inputs([str(feed), str(jsonl), str(text)]))
    assert [a.origin for a in arts] == [f"{feed}#1", f"{feed}#3", f"{jsonl}:2", f"{jsonl}:3"]
    assert [(type(e), e.subject) for e in errs] == [
        (NotAnArticle, f"{feed}#2"), (NotAnArticle, f"{jsonl}:1"), (NotAnArticle, str(text))]
    assert errs[0].line() == (f"{feed}#2: not-an-article: the text has 1 letter, fewer than "
                              f"article_min_letters={ARTICLE_MIN_LETTERS}")


def test_no_shared_corpus_record_or_sample_has_too_few_letters() -> None:
    # the rule refuses no real article: every record of the shared corpora and the samples
    from newswatch.ingest.readers import ARTICLE_MIN_LETTERS

    files = sorted((ROOT / "samples").glob("*.jsonl"))
    corpus = ROOT.parent / "shared" / "corpus"
    files += sorted(corpus.glob("*/*.jsonl")) if corpus.is_dir() else []
    short = []
    for f in files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                text = json.loads(line).get("text") or ""
                if sum(ch.isalpha() for ch in text) < ARTICLE_MIN_LETTERS:
                    short.append(f"{f.name}:{n}")
    assert files and short == []


def test_an_unsupported_language_code_is_detected_instead(tmp_path: Path) -> None:
    # issue 14: "language": "xx" was kept and the nlp stage failed on the article
    f = tmp_path / "lang.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in [
        {"id": "l-1", "language": "xx", "text": GOOD},
        {"id": "l-2", "language": "English", "text": GOOD},
        {"id": "l-3", "language": "EN", "text": GOOD}]) + "\n", encoding="utf-8")
    arts, errs = split(read_inputs([str(f)]))
    assert not errs
    assert [a.language for a in arts] == [None, None, "en"]
    assert [a.meta.get("language_refused") for a in arts] == ["xx", "english", None]
    assert [[(e.stage, e.code) for e in a.errors] for a in arts] == [
        [("ingest", "unknown-language")], [("ingest", "unknown-language")], []]
    assert "'xx'" in arts[0].errors[0].message


def test_an_unsupported_language_is_one_warning_and_detection_decides(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from newswatch.cli import app

    f = tmp_path / "lang.jsonl"
    f.write_text(json.dumps({"id": "l-1", "language": "xx", "text": GOOD}) + "\n",
                 encoding="utf-8")
    db = tmp_path / "l.sqlite"
    res = CliRunner().invoke(app, ["ingest", "--db", str(db), "--no-progress", str(f)])
    assert res.exit_code == 0, res.output
    assert res.stderr.splitlines() == [
        f"{f}:1: warning: unknown-language: language 'xx' is not one the pipeline supports "
        "(en, ru); it is detected from the text instead"]
    with Store.open(f"sqlite:///{db}") as store:
        assert store.load_article("l-1").language == "en"


def test_an_overlong_id_or_url_is_malformed_and_the_file_goes_on(tmp_path: Path) -> None:
    # issue 14: an id of 5,000 characters was accepted
    from newswatch.ingest.readers import ID_MAX_CHARS, URL_MAX_BYTES

    f = tmp_path / "ids.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in [
        {"id": "x" * 5000, "text": GOOD},
        {"id": "ok-1", "url": "https://example.org/" + "a" * URL_MAX_BYTES, "text": GOOD},
        {"id": "y" * ID_MAX_CHARS, "url": "https://example.org/ok", "text": GOOD}]) + "\n",
        encoding="utf-8")
    arts, errs = split(read_inputs([str(f)]))
    assert [a.id for a in arts] == ["y" * ID_MAX_CHARS]
    assert [(type(e), e.subject) for e in errs] == [(MalformedRecord, f"{f}:1"),
                                                     (MalformedRecord, f"{f}:2")]
    assert errs[0].message == "id of 5,000 characters, longer than 512 (id_max_chars)"
    assert "URL of 2,068 bytes" in errs[1].message


def test_a_cut_gzipped_json_lines_file_keeps_its_complete_records(tmp_path: Path) -> None:
    # issue 14: the duplicate pre-pass hit the cut first, so no record was read at all
    import gzip
    import random

    from newswatch.errors import TruncatedRecord

    rng = random.Random(7)
    words = GOOD.split()
    recs = [{"id": f"g-{i}", "text": " ".join(rng.choice(words) for _ in range(400))}
            for i in range(1, 7)]
    data = gzip.compress("".join(json.dumps(r) + "\n" for r in recs).encode("utf-8"))
    f = tmp_path / "cut.jsonl.gz"
    f.write_bytes(data[: len(data) * 2 // 3])
    arts, errs = split(read_inputs([str(f)]))
    assert len(arts) >= 1 and [a.id for a in arts] == [r["id"] for r in recs[: len(arts)]]
    assert [a.text for a in arts] == [r["text"] for r in recs[: len(arts)]]
    assert len(arts) < len(recs)
    assert [(type(e), e.subject) for e in errs] == [(TruncatedRecord, str(f))]
