"""A corrected capture is a revision of the same article; different articles stay apart (issue 13)."""

from __future__ import annotations

from pathlib import Path

from newswatch.ingest.extract import extract_text
from newswatch.situation.dedup import REVISION_MIN_SIMILARITY, text_similarity
from newswatch.storage.store import STATUS_NEW, STATUS_REVISED, STATUS_UNCHANGED, Store

CAPTURE = "\n".join([
    "Valley Courier",
    "Home | Local | Sport | Weather",
    "School board votes to keep rural schools open",
    "The district school board voted five to two on Tuesday night to keep three rural primary "
    "schools open until at least 2026, reversing a plan to merge them.",
    "Parents had packed the meeting hall for more than three hours before the vote was taken.",
    "The board's chair said the decision would cost the district about 400,000 dollars a year.",
    "Most read",
    "Bus routes to change in September",
]) + "\n"


def _capture(text: str):
    art = extract_text(text, "capture.txt")
    art.ensure_id()  # as the readers do: a content-derived id
    return art


def _store(tmp_path: Path) -> Store:
    return Store.open(f"sqlite:///{tmp_path / 'nw.sqlite'}")


def test_fixed_figure_is_a_new_revision_of_the_same_article(tmp_path: Path) -> None:
    first = _capture(CAPTURE)
    fixed = _capture(CAPTURE.replace("400,000 dollars", "450,000 dollars"))
    assert first.id != fixed.id  # the ids derived from the texts differ...
    assert text_similarity(first.text, fixed.text) >= REVISION_MIN_SIMILARITY
    with _store(tmp_path) as store:
        r1 = store.save(first)
        assert store.find_unchanged(fixed) is None
        r2 = store.save(fixed)
        assert (r1.status, r2.status) == (STATUS_NEW, STATUS_REVISED)
        assert r2.article_id == r1.article_id == fixed.id  # ...but it is one article
        assert store.counts()["article"] == 1
        assert [rev.seq for rev in store.revisions(r1.article_id)] == [1, 2]
        assert "450,000 dollars" in store.load_article(r1.article_id).text
        assert fixed.meta["revision_of"]["article_id"] == r1.article_id
        # the same corrected capture again changes nothing
        again = _capture(CAPTURE.replace("400,000 dollars", "450,000 dollars"))
        assert store.save(again).status == STATUS_UNCHANGED
        assert store.counts()["article"] == 1


def test_typo_fix_with_find_unchanged_first_keeps_one_article(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        store.save(_capture(CAPTURE))
        typo = _capture(CAPTURE.replace("meeting hall", "meeting hal"))
        store.save(_capture(CAPTURE.replace("meeting hall", "meeting hal")))
        assert store.find_unchanged(typo) is not None
        assert store.counts()["article"] == 1


def test_same_headline_with_a_different_text_is_another_article(tmp_path: Path) -> None:
    other = CAPTURE.split("School board votes to keep rural schools open\n")[0] + (
        "School board votes to keep rural schools open\n"
        "A second district board in the north of the region also voted on Thursday to keep its "
        "village schools open, after teachers and parents collected 3,000 signatures.\n"
        "The northern district has five schools with fewer than forty pupils each.\n")
    a, b = _capture(CAPTURE), _capture(other)
    assert a.title == b.title
    assert text_similarity(a.text, b.text) < 0.3
    with _store(tmp_path) as store:
        assert store.save(a).status == STATUS_NEW
        assert store.save(b).status == STATUS_NEW
        assert store.counts()["article"] == 2


def test_same_text_under_another_outlet_or_headline_is_not_merged(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        base = _capture(CAPTURE)
        base.source = "Valley Courier"
        store.save(base)
        elsewhere = _capture(CAPTURE.replace("400,000 dollars", "450,000 dollars"))
        elsewhere.source = "Another Paper"
        assert store.save(elsewhere).status == STATUS_NEW
        retitled = _capture(CAPTURE.replace("School board votes to keep rural schools open",
                                            "Rural schools stay open after board vote")
                            .replace("400,000", "410,000"))
        retitled.source = "Valley Courier"
        assert store.save(retitled).status == STATUS_NEW
        assert store.counts()["article"] == 3


def test_articles_with_a_url_keep_their_url_identity(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        a = _capture(CAPTURE)
        a.url, a.id = "https://example.org/a", ""
        a.ensure_id()
        store.save(a)
        b = _capture(CAPTURE.replace("400,000", "450,000"))
        b.url, b.id = "https://example.org/b", ""
        b.ensure_id()
        assert store.save(b).status == STATUS_NEW
