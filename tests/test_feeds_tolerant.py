"""Feeds from anywhere: one broken byte spoils one item, not the whole feed; item dates keep
their time and zone (issue 13). Every feed here is written in the test."""

from __future__ import annotations

import datetime as dt

import pytest

from newswatch.ingest.feeds import entry_datetime, read_feed, repair_utf8
from newswatch.model import Article

ITEMS = [
    ("Мэрия открыла новый парк", "В субботу в городе открыли парк площадью пять гектаров."),
    ("Аэропорт возобновил рейсы", "После снегопада аэропорт снова принимает самолеты."),
    ("Театр объявил премьеру", "Премьера спектакля состоится в конце месяца."),
]


def _rss(items: list[tuple[str, str, str]], encoding: str = "utf-8") -> str:
    body = "".join(f"<item><title>{t}</title><description>{d}</description>"
                   f"<pubDate>{p}</pubDate><link>http://news.example/{i}</link></item>"
                   for i, (t, d, p) in enumerate(items))
    return (f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
            f"<title>Городская лента</title><language>ru</language>{body}</channel></rss>")


def _articles(data: bytes) -> list[Article]:
    out = [a for a in read_feed(data, "feed.xml") if isinstance(a, Article)]
    assert len(out) == len(list(read_feed(data, "feed.xml")))
    return out


def test_one_broken_byte_keeps_the_cyrillic_items_readable() -> None:
    doc = _rss([(t, d, "Tue, 03 Nov 2020 14:30:00 +0300") for t, d in ITEMS]).encode("utf-8")
    word = "самолеты".encode()
    broken = doc.replace(word, word[:-2] + b"\xff")  # the last letter (2 bytes) is one bad byte
    arts = _articles(broken)
    assert [a.title for a in arts] == [t for t, _ in ITEMS]
    assert arts[0].text == ITEMS[0][1] and arts[2].text == ITEMS[2][1]
    assert arts[1].text.startswith("После снегопада аэропорт снова принимает самолет")
    assert "\ufffd" in arts[1].text
    assert arts[1].meta["broken_bytes_replaced"] == 1
    assert "broken_bytes_replaced" not in arts[0].meta


def test_legacy_code_page_feed_is_not_touched() -> None:
    doc = _rss([(t, d, "Tue, 03 Nov 2020 14:30:00 +0300") for t, d in ITEMS],
               "windows-1251").encode("cp1251")
    assert repair_utf8(doc) == (doc, 0)
    assert [a.title for a in _articles(doc)] == [t for t, _ in ITEMS]


def test_valid_utf8_is_unchanged() -> None:
    doc = _rss([(t, d, "") for t, d in ITEMS]).encode("utf-8")
    assert repair_utf8(doc) == (doc, 0)


@pytest.mark.parametrize(("raw", "iso", "day"), [
    ("Tue, 03 Nov 2020 14:30:00 EST", "2020-11-03T14:30:00-05:00", dt.date(2020, 11, 3)),
    # late evening in New York is already the next day in UTC; the date as written is kept
    ("Tue, 03 Nov 2020 23:30:00 EST", "2020-11-03T23:30:00-05:00", dt.date(2020, 11, 3)),
    ("Tue, 03 Nov 2020 14:30:00 MSK", "2020-11-03T14:30:00+03:00", dt.date(2020, 11, 3)),
    ("Wed, 04 Nov 2020 00:15:00 CET", "2020-11-04T00:15:00+01:00", dt.date(2020, 11, 4)),
    ("Tue, 03 Nov 2020 14:30:00 +0300", "2020-11-03T14:30:00+03:00", dt.date(2020, 11, 3)),
    ("Tue, 03 Nov 2020 14:30:00 GMT", "2020-11-03T14:30:00+00:00", dt.date(2020, 11, 3)),
])
def test_item_dates_keep_time_and_zone(raw: str, iso: str, day: dt.date) -> None:
    when = entry_datetime(raw)
    assert when is not None and when.isoformat() == iso
    (art,) = _articles(_rss([("Заголовок новости", "Текст новости о событии.", raw)]).encode())
    assert art.meta["published_datetime"] == iso
    assert art.published == day


def test_atom_offset_date_keeps_zone() -> None:
    doc = (b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
           b"<title>Feed</title><id>urn:f</id><updated>2021-07-08T09:00:00+04:30</updated>"
           b"<entry><title>Talks resume in Doha</title><id>urn:e1</id>"
           b"<updated>2021-07-08T23:45:00+04:30</updated><summary>Delegations met again.</summary>"
           b"</entry></feed>")
    (art,) = _articles(doc)
    assert art.meta["published_datetime"] == "2021-07-08T23:45:00+04:30"
    assert art.published == dt.date(2021, 7, 8)


def test_unreadable_date_is_none() -> None:
    assert entry_datetime("sometime soon") is None
    assert entry_datetime("") is None
