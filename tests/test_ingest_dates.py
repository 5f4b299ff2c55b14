"""Implausible and impossible publication dates (issue 14): one rule for every reader; the
article is kept without a date and one ``bad-date`` warning names the item and the value.
Inputs are written in the tests; no assertion depends on today's date (the years used are
9999 and 0001, and :func:`implausible` is given its ``now``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from newswatch.ingest.dates import implausible, written_year
from newswatch.ingest.readers import read_inputs
from newswatch.model import Article

BODY = "Officials in Kabul said on Monday that the road to Jalalabad was closed."


def _by_origin(paths: list[str], **kw: object) -> dict[str, Article]:
    out = {}
    for item in read_inputs(paths, **kw):  # type: ignore[arg-type]
        assert isinstance(item, Article), item
        out[item.origin] = item
    return out


def _rss(dates: list[str]) -> str:
    items = "".join(f"<item><title>Item {i}</title><link>https://example.org/{i}</link>"
                    f"<pubDate>{d}</pubDate><description>{BODY}</description></item>"
                    for i, d in enumerate(dates, start=1))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>T</title>{items}</channel></rss>")


def test_feed_dates_out_of_range_or_impossible_are_dropped_with_a_warning(tmp_path: Path) -> None:
    feed = tmp_path / "f.xml"
    dates = ["Fri, 31 Dec 9999 10:00:00 GMT", "Mon, 01 Jan 0001 00:30:00 +0100",
             "Wed, 31 Feb 2021 25:61:00 GMT", "Thu, 08 Jul 99999 10:00:00 GMT", "garbage",
             "Fri, 31 Dec 9999 23:00:00 -0500", "Thu, 08 Jul 2021 10:00:00 GMT"]
    feed.write_text(_rss(dates), encoding="utf-8")
    arts = _by_origin([str(feed)])
    assert len(arts) == 7  # every item kept
    for i, raw in enumerate(dates[:6], start=1):
        a = arts[f"{feed}#{i}"]
        assert a.published is None and a.meta["published_refused"] == raw
        assert [e.code for e in a.errors] == ["bad-date"]
        assert repr(raw) in a.errors[0].message
    # year 0001 is never read as 2001 (the RFC 822 two-digit-year rule)
    assert "0001" in arts[f"{feed}#2"].errors[0].message
    assert "2001" in arts[f"{feed}#2"].errors[0].message
    good = arts[f"{feed}#7"]
    assert good.published == dt.date(2021, 7, 8) and good.errors == []


def test_jsonl_far_future_and_pre_1900_dates_are_not_stored(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    rows = [{"id": "a", "text": BODY, "published": "9999-12-31"},
            {"id": "b", "text": BODY + " Again.", "published": "0001-01-01"},
            {"id": "c", "text": BODY + " Later.", "published": "2021-07-08"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    arts = _by_origin([str(path)])
    a, b, c = (arts[f"{path}:{n}"] for n in (1, 2, 3))
    assert (a.published, a.meta["published_refused"]) == (None, "9999-12-31")
    assert (b.published, b.meta["published_refused"]) == (None, "0001-01-01")
    assert "before 1900-01-01" in b.errors[0].message
    assert c.published == dt.date(2021, 7, 8) and c.errors == []


def test_the_published_option_goes_through_the_same_rule(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(BODY + "\n\n" + BODY, encoding="utf-8")
    (a,) = _by_origin([str(path)], published=dt.date(1850, 5, 1)).values()
    assert a.published is None and [e.code for e in a.errors] == ["bad-date"]


def test_bounds_are_one_day_after_now_and_1900() -> None:
    now = dt.datetime(2021, 7, 8, 12, 0, tzinfo=dt.UTC)
    assert implausible(dt.date(2021, 7, 9), now) is None
    assert implausible(dt.date(2021, 7, 10), now) is not None
    assert implausible(dt.date(1900, 1, 1), now) is None
    assert implausible(dt.date(1899, 12, 31), now) is not None
    assert written_year("Mon, 01 Jan 0001 00:30:00 +0100") == (1, 4)
    assert written_year("2021-07-08T10:00:00Z") == (2021, 4)
