"""The watch loop (issue 10) against a loopback server serving the repository's fixture feeds:
conditional GET, body hash, Retry-After and backoff, robots.txt, dedupe across feeds, hostile
sources that do not stop the loop, rules matched on the feed texts, alerts delivered once.

Time is a fake clock (``Clock``) the tests move; nothing asserts wall-clock timings. The
analysis is the identity (these tests are about fetching, storing and matching text; the real
pipeline goes through the same ``analyse_stream`` in test_cli.py)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import feedparser
import pytest
import sqlalchemy as sa
from watch_server import FeedServer, Route, etag_of, feed_bytes

from newswatch.errors import AlreadyExists, NoFeed
from newswatch.model import Article
from newswatch.settings import load as load_settings
from newswatch.storage import Store
from newswatch.storage.watch_schema import watch_seen
from newswatch.watch.alerts import AtomSink, JsonlSink, WebhookSink
from newswatch.watch.loop import Watcher
from newswatch.watch.rules import add_rule, check_filters, fire, recent_alerts
from newswatch.watch.sources import add_source, find_source, set_paused

START = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)
RSS = feed_bytes("wh_afghanistan.rss")
ATOM = feed_bytes("wh_afghanistan.atom")
#: The three item links of the RSS fixture, as written there.
RSS_LINKS = [
    "https://bidenwhitehouse.archives.gov/briefing-room/statements-releases/2021/06/25/"
    "fact-sheet-continued-u-s-support-for-a-peaceful-stable-afghanistan/",
    "https://bidenwhitehouse.archives.gov/briefing-room/statements-releases/2021/06/25/"
    "readout-of-president-joseph-r-biden-jr-meeting-with-president-ghani-and-chairman-"
    "abdullah-of-afghanistan/",
]


class Clock:
    """The watcher's wall clock, moved by the test."""

    def __init__(self) -> None:
        self.at = START

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += dt.timedelta(seconds=seconds)


def _identity(article: Article) -> Article:
    return article


@pytest.fixture
def settings():
    return load_settings({"fetch_allowed_hosts": "127.0.0.1", "fetch_timeout_seconds": 5,
                          "watch_host_interval_seconds": 0})


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(f"sqlite:///{tmp_path / 'watch.sqlite'}") as s:
        yield s


def _watcher(store: Store, settings, clock: Clock, sinks=None, log=None) -> Watcher:
    lines: list[str] = []
    w = Watcher(store, settings, analyse=_identity, sinks=sinks or [], now=clock,
                log=log or lines.append)
    w.lines = lines  # type: ignore[attr-defined]
    return w


def test_conditional_get_uses_the_stored_validators_and_304_ends_the_fetch(
        feed_server: FeedServer, store: Store, settings) -> None:
    feed_server.routes["/wh.rss"] = Route(RSS, etag=etag_of(RSS))
    clock = Clock()
    add_source(store, feed_server.url("/wh.rss"), discover=False, every_seconds=900, now=START)
    w = _watcher(store, settings, clock)
    first = w.run_pass()
    assert (first.due, first.fetched, first.new) == (1, 1, 3)
    get = [s for s in feed_server.seen if s.path == "/wh.rss"]
    assert "if-none-match" not in get[0].headers

    assert w.run_pass().due == 0  # not due before its interval
    clock.advance(900)
    second = w.run_pass()
    assert (second.fetched, second.not_modified, second.new) == (1, 1, 0)
    get = [s for s in feed_server.seen if s.path == "/wh.rss"]
    assert get[-1].headers["if-none-match"] == etag_of(RSS)
    src = find_source(store, "1")
    assert src.last_status == "304" and src.errors_in_row == 0
    assert src.next_fetch_at == START + dt.timedelta(seconds=1800)
    assert src.items_ingested == 3 and src.last_new_at == START
    w.close()


def test_a_same_body_without_validators_is_recognised_by_its_hash(
        feed_server: FeedServer, store: Store, settings) -> None:
    feed_server.routes["/wh.atom"] = Route(ATOM, content_type="application/atom+xml")
    clock = Clock()
    add_source(store, feed_server.url("/wh.atom"), discover=False, now=START)
    w = _watcher(store, settings, clock)
    assert w.run_pass().new == 2
    clock.advance(900)
    again = w.run_pass()
    assert (again.fetched, again.unchanged_body, again.new, again.duplicates) == (1, 1, 0, 0)
    assert find_source(store, "1").last_status == "unchanged-body"
    w.close()


def test_retry_after_and_exponential_backoff(feed_server: FeedServer, store: Store,
                                             settings) -> None:
    feed_server.routes["/busy.rss"] = Route(b"slow down", status=429,
                                            headers={"Retry-After": "7200"})
    feed_server.routes["/down.rss"] = Route(b"", status=503)
    clock = Clock()
    add_source(store, feed_server.url("/busy.rss"), discover=False, every_seconds=900, now=START)
    add_source(store, feed_server.url("/down.rss"), discover=False, every_seconds=900, now=START)
    w = _watcher(store, settings, clock)
    report = w.run_pass()
    assert (report.due, report.failed) == (2, 2)
    busy, down = find_source(store, "1"), find_source(store, "2")
    # 429 asked for two hours: more than the first backoff step (the interval, 15 min)
    assert busy.last_status == "fetch-failed" and busy.errors_in_row == 1
    assert busy.next_fetch_at == START + dt.timedelta(seconds=7200)
    assert "HTTP 429" in (busy.last_error or "")
    assert down.next_fetch_at == START + dt.timedelta(seconds=900)
    clock.advance(900)
    assert w.run_pass().due == 1  # only the 503 source is due again
    down = find_source(store, "2")
    assert down.errors_in_row == 2
    assert down.next_fetch_at == clock.at + dt.timedelta(seconds=1800)  # doubled
    # the service recovers: the counter resets and the interval is back to normal
    feed_server.routes["/down.rss"] = Route(RSS)
    clock.advance(1800)
    assert w.run_pass().new == 3
    down = find_source(store, "2")
    assert down.errors_in_row == 0 and down.last_error is None
    assert down.next_fetch_at == clock.at + dt.timedelta(seconds=900)
    w.close()


def test_robots_txt_disallow_is_honoured(feed_server: FeedServer, store: Store,
                                         settings) -> None:
    feed_server.routes["/robots.txt"] = Route(
        b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    feed_server.routes["/private/feed.rss"] = Route(RSS)
    feed_server.routes["/wh.atom"] = Route(ATOM, content_type="application/atom+xml")
    add_source(store, feed_server.url("/private/feed.rss"), discover=False, now=START)
    add_source(store, feed_server.url("/wh.atom"), discover=False, now=START)
    w = _watcher(store, settings, Clock())
    report = w.run_pass()
    assert (report.failed, report.new) == (1, 2)
    assert "/private/feed.rss" not in feed_server.paths()
    assert feed_server.paths().count("/robots.txt") == 1  # read once for the host
    assert find_source(store, "1").last_status == "robots-disallowed"
    w.close()


def test_an_item_carried_by_two_feeds_is_ingested_once(feed_server: FeedServer, store: Store,
                                                       settings) -> None:
    # the second feed carries the same items with campaign tags and a fragment on the links
    tagged = RSS
    for link in RSS_LINKS:
        tagged = tagged.replace(link.encode(), (link + "?utm_source=rss&amp;utm_medium=feed#top")
                                .encode())
    assert tagged != RSS
    feed_server.routes["/a.rss"] = Route(RSS)
    feed_server.routes["/b.rss"] = Route(tagged)
    add_source(store, feed_server.url("/a.rss"), discover=False, now=START)
    add_source(store, feed_server.url("/b.rss"), discover=False, now=START)
    w = _watcher(store, settings, Clock())
    report = w.run_pass()
    assert (report.new, report.duplicates) == (3, 3)
    assert store.counts()["article"] == 3
    with store.read() as conn:
        seen = set(conn.execute(sa.select(watch_seen.c.url)).scalars())
    assert set(RSS_LINKS) <= seen
    w.close()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<rss version="2.0"><channel><title>&c;</title><item><title>&c;</title></item></channel></rss>"""


def test_hostile_sources_fail_alone_and_the_pass_goes_on(feed_server: FeedServer,
                                                         store: Store) -> None:
    settings = load_settings({"fetch_allowed_hosts": "127.0.0.1", "fetch_timeout_seconds": 1,
                              "watch_host_interval_seconds": 0, "max_input_bytes": 2_000_000})
    feed_server.routes["/laughs.rss"] = Route(BILLION_LAUGHS)
    feed_server.routes["/garbage.rss"] = Route(b"<rss><channel><item><title>cut")
    feed_server.routes["/to-metadata"] = Route(
        b"", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    feed_server.routes["/to-private"] = Route(
        b"", status=301, headers={"Location": "http://10.0.0.1/feed.rss"})
    feed_server.routes["/huge.rss"] = Route(b"<!-- padding -->" * 65536, repeat=50)  # 50 MiB
    feed_server.routes["/slow.rss"] = Route(RSS, delay=3)
    feed_server.routes["/wh.atom"] = Route(ATOM, content_type="application/atom+xml")
    paths = ("/laughs.rss", "/garbage.rss", "/to-metadata", "/to-private", "/huge.rss",
             "/slow.rss", "/wh.atom")
    for path in paths:
        add_source(store, feed_server.url(path), discover=False, now=START)
    w = _watcher(store, settings, Clock())
    report = w.run_pass()
    assert (report.due, report.failed, report.new) == (7, 6, 2)
    assert [find_source(store, str(i)).last_status for i in range(1, 8)] == [
        "unsafe-xml", "malformed", "refused-address", "refused-address", "too-large",
        "fetch-failed", "200"]
    assert "timed out" in (find_source(store, "6").last_error or "")
    assert all(line.startswith("source ") for line in w.lines)  # type: ignore[attr-defined]
    w.close()


def test_rules_match_feed_text_and_alert_once_per_article(feed_server: FeedServer,
                                                          store: Store, settings,
                                                          tmp_path: Path) -> None:
    feed_server.routes["/wh.rss"] = Route(RSS)
    feed_server.routes["/hook"] = Route(b"ok", content_type="text/plain")
    add_source(store, feed_server.url("/wh.rss"), discover=False, name="White House", now=START)
    # item 1 says "a peaceful and stable Afghanistan" and names Ghani; items 2 and 3 name
    # Ghani but not "stable Afghanistan"; item 3 (title only) names Psaki.
    add_rule(store, "stable", '"stable Afghanistan" AND (Ghani OR Abdullah) NOT Taliban',
                      check_filters(language="en"))
    add_rule(store, "ghani-not-psaki", "ghani -psaki", {})
    add_rule(store, "in-russian", "Гани", {})
    secret = "whsec_" + base64.b64encode(b"test-secret-0123").decode()
    jsonl, atom = tmp_path / "alerts.jsonl", tmp_path / "alerts.atom"
    sinks = [JsonlSink(jsonl), AtomSink(atom, lambda: recent_alerts(store)),
             WebhookSink(feed_server.url("/hook"), secret, settings, clock=lambda: 1_764_921_600)]
    w = _watcher(store, settings, Clock(), sinks=sinks)
    report = w.run_pass()
    assert (report.new, report.alerts) == (3, 3)

    lines = [json.loads(x) for x in jsonl.read_text(encoding="utf-8").splitlines()]
    by_rule: dict[str, list[str]] = {}
    for a in lines:
        by_rule.setdefault(a["rule"], []).append(a["title"])
    assert by_rule == {
        "stable": ["FACT SHEET: Continued U.S. Support for a Peaceful, Stable Afghanistan"],
        "ghani-not-psaki": [
            "FACT SHEET: Continued U.S. Support for a Peaceful, Stable Afghanistan",
            "Readout of President Joseph R. Biden, Jr. Meeting with President Ghani and "
            "Chairman Abdullah of Afghanistan"],
    }
    first = lines[0]
    assert first["sentence"] == ("The United States continues to use its full diplomatic, "
                                 "economic, and assistance toolkit to support a peaceful and "
                                 "stable Afghanistan.")
    assert first["url"] == RSS_LINKS[0] and first["source"] == "White House"

    parsed = feedparser.parse(atom.read_bytes())
    assert len(parsed.entries) == 3
    assert {e.id for e in parsed.entries} == {
        f"urn:newswatch:alert:{a['rule_id']}:{a['article_id']}" for a in lines}

    posts = [s for s in feed_server.seen if s.method == "POST"]
    assert len(posts) == 3
    post = posts[0]
    signed = f"{post.headers['webhook-id']}.{post.headers['webhook-timestamp']}.".encode() + post.body
    expected = base64.b64encode(hmac.new(b"test-secret-0123", signed, hashlib.sha256).digest())
    assert post.headers["webhook-signature"] == "v1," + expected.decode()
    assert json.loads(post.body)["data"]["alert_id"] == first["alert_id"]

    # the same match again fires nothing; the store holds one alert per rule and article
    assert fire(store, {k: first[k] for k in first if k not in ("alert_id", "created_at")}) is None
    assert len(recent_alerts(store)) == 3
    w.close()


def test_paused_sources_are_not_fetched(feed_server: FeedServer, store: Store, settings) -> None:
    feed_server.routes["/wh.rss"] = Route(RSS)
    add_source(store, feed_server.url("/wh.rss"), discover=False, now=START)
    set_paused(store, "1", True)
    w = _watcher(store, settings, Clock())
    assert w.run_pass().due == 0 and feed_server.seen == []
    set_paused(store, "1", False)
    assert w.run_pass().new == 3
    w.close()


def test_a_page_announcing_its_feed_is_followed_through_the_feed(feed_server: FeedServer,
                                                                 store: Store, settings) -> None:
    page = (b'<html><head><title>Briefing Room</title>'
            b'<link rel="alternate" type="application/rss+xml" title="RSS" href="/feeds/wh.rss">'
            b'</head><body><p>News</p></body></html>')
    feed_server.routes["/briefing/"] = Route(page, content_type="text/html; charset=utf-8")
    feed_server.routes["/feeds/wh.rss"] = Route(RSS)
    src = add_source(store, feed_server.url("/briefing/"), settings, now=START)
    assert src.feed_url == feed_server.url("/feeds/wh.rss")
    assert src.name == "Briefing Room"
    with pytest.raises(AlreadyExists):  # the same feed, given directly
        add_source(store, feed_server.url("/feeds/wh.rss"), settings, now=START)
    feed_server.routes["/plain"] = Route(b"<html><body><p>No feed here.</p></body></html>",
                                         content_type="text/html")
    with pytest.raises(NoFeed):
        add_source(store, feed_server.url("/plain"), settings, now=START)


@pytest.mark.parametrize(("query", "titles"), [
    ('"stable Afghanistan" AND (Ghani OR Abdullah) NOT Taliban',
     ["FACT SHEET: Continued U.S. Support for a Peaceful, Stable Afghanistan"]),
    ("Psaki OR Abdull*", [
        "Statement by White House Spokesperson Jen Psaki on the Visit of President Ashraf "
        "Ghani of Afghanistan",
        "Readout of President Joseph R. Biden, Jr. Meeting with President Ghani and Chairman "
        "Abdullah of Afghanistan"]),
    ("ghani -psaki -toolkit", [
        "Readout of President Joseph R. Biden, Jr. Meeting with President Ghani and Chairman "
        "Abdullah of Afghanistan"]),
])
def test_rules_match_alike_on_sqlite_and_postgresql(db_url: str, query: str,
                                                    titles: list[str]) -> None:
    from newswatch.ingest.readers import read_fetched
    from newswatch.watch.rules import Rule, match_revisions

    with Store.open(db_url) as s:
        for item in read_fetched(RSS, "https://example.org/wh.rss"):
            assert isinstance(item, Article)
            s.save(item)
        with s.read() as conn:
            found = match_revisions(conn, Rule(1, "r", query, {"language": "en"}))
    assert sorted(m["title"] for m in found) == sorted(titles)


def test_a_syndicated_copy_does_not_alert_again(feed_server: FeedServer, store: Store,
                                                settings) -> None:
    # a second outlet republishes the three items word for word under its own URLs
    copy = RSS.replace(b"https://bidenwhitehouse.archives.gov/briefing-room/statements-releases/",
                       b"https://syndicator.example/wire/")
    assert copy != RSS
    feed_server.routes["/a.rss"] = Route(RSS)
    feed_server.routes["/b.rss"] = Route(copy)
    add_source(store, feed_server.url("/a.rss"), discover=False, now=START)
    add_source(store, feed_server.url("/b.rss"), discover=False, now=START)
    add_rule(store, "ghani", "Ghani", {})  # every item names Ghani (in its text or title)
    w = _watcher(store, settings, Clock())
    report = w.run_pass()
    assert (report.new, report.alerts, report.suppressed) == (6, 3, 3)
    assert store.counts()["article"] == 6  # both copies are stored, only one alerts
    w.close()


def test_a_rule_cool_down_holds_back_alerts(feed_server: FeedServer, store: Store,
                                            settings) -> None:
    feed_server.routes["/wh.rss"] = Route(RSS)
    feed_server.routes["/wh.atom"] = Route(ATOM, content_type="application/atom+xml")
    add_source(store, feed_server.url("/wh.rss"), discover=False, now=START)
    add_rule(store, "afghanistan", "Afghanistan", check_filters(cooldown="1h"))
    clock = Clock()
    w = _watcher(store, settings, clock)
    first = w.run_pass()
    assert (first.new, first.alerts, first.suppressed) == (3, 1, 2)
    clock.advance(3600)  # the cool-down is over: the next match alerts
    add_source(store, feed_server.url("/wh.atom"), discover=False, now=clock.at)
    second = w.run_pass()
    assert (second.new, second.alerts, second.suppressed) == (2, 1, 1)
    w.close()


def test_failed_deliveries_are_retried_with_backoff_then_dead_lettered(
        feed_server: FeedServer, store: Store, tmp_path: Path) -> None:
    from newswatch.watch.alerts import dead_letters

    settings = load_settings({"fetch_allowed_hosts": "127.0.0.1", "fetch_timeout_seconds": 5,
                              "watch_host_interval_seconds": 0,
                              "watch_delivery_attempts_count": 3,
                              "watch_delivery_retry_seconds": 60})
    feed_server.routes["/wh.atom"] = Route(ATOM, content_type="application/atom+xml")
    feed_server.routes["/hook"] = Route(b"down", status=500, content_type="text/plain")
    add_source(store, feed_server.url("/wh.atom"), discover=False, every_seconds=86400, now=START)
    add_rule(store, "war", "war", {})  # "the United States ended 20 years of war in Afghanistan"
    broken_file = JsonlSink(tmp_path)  # a folder: every append fails
    hook = WebhookSink(feed_server.url("/hook"), "", settings)
    clock = Clock()
    w = _watcher(store, settings, clock, sinks=[hook, broken_file])

    first = w.run_pass()
    assert (first.alerts, first.deliveries_failed, first.dead_letters) == (1, 2, 0)
    clock.advance(30)  # retries wait 60 s after the first failure
    assert w.run_pass().deliveries_failed == 0
    clock.advance(30)
    second = w.run_pass()  # both fail again; the next retry waits 120 s
    assert (second.deliveries_failed, second.dead_letters) == (2, 0)
    feed_server.routes["/hook"] = Route(b"ok", content_type="text/plain")  # the receiver is back
    clock.advance(119)
    assert w.run_pass().deliveries_failed == 0
    clock.advance(1)
    third = w.run_pass()
    assert (third.deliveries_failed, third.dead_letters) == (1, 1)  # the file sink gives up
    posts = [s for s in feed_server.seen if s.method == "POST"]
    assert len(posts) == 3 and json.loads(posts[-1].body)["data"]["title"] == \
        "Remarks by President Biden on the End of the War in Afghanistan"
    (dead,) = dead_letters(store)
    assert (dead["sink"], dead["attempts"], dead["rule"]) == ("jsonl", 3, "war")
    assert "cannot append the alert" in dead["last_error"]
    clock.advance(10_000)
    assert w.run_pass().deliveries_failed == 0  # nothing left to retry
    w.close()


def test_a_stop_during_analysis_loses_no_entry(feed_server: FeedServer, store: Store,
                                               settings) -> None:
    from newswatch.errors import OverBudget

    feed_server.routes["/wh.rss"] = Route(RSS)
    add_source(store, feed_server.url("/wh.rss"), discover=False, now=START)
    clock = Clock()
    holder: list[Watcher] = []

    def stopped_in_the_middle(article: Article) -> Article | OverBudget:
        # SIGTERM reaches the service while the second entry is analysed: the worker dies
        if article.url == RSS_LINKS[1]:
            holder[0].stop.set()
            return OverBudget("the analysis worker died", subject=article.origin)
        return article

    w = Watcher(store, settings, analyse=stopped_in_the_middle, sinks=[], now=clock,
                log=lambda _: None)
    holder.append(w)
    report = w.run_pass()
    assert (report.new, report.item_errors) == (2, 0)
    src = find_source(store, "1")
    assert (src.last_status, src.body_hash, src.next_fetch_at) == ("interrupted", None, START)
    with store.read() as conn:
        assert RSS_LINKS[1] not in set(conn.execute(sa.select(watch_seen.c.url)).scalars())
    assert store.counts()["ingest_failure"] == 0
    w.close()
    # the next start reads the feed again and stores the entry the stop cut short
    again = _watcher(store, settings, clock).run_pass()
    assert (again.new, again.duplicates) == (1, 2)
    assert find_source(store, "1").last_status == "200"


def test_a_feed_with_no_entries_is_not_a_failure(feed_server: FeedServer, store: Store,
                                                 settings) -> None:
    empty = RSS[:RSS.index(b"<item>")] + b"</channel></rss>"
    feed_server.routes["/empty.rss"] = Route(empty)
    add_source(store, feed_server.url("/empty.rss"), discover=False, now=START)
    report = _watcher(store, settings, Clock()).run_pass()
    assert (report.fetched, report.failed, report.item_errors) == (1, 0, 0)
    assert find_source(store, "1").last_status == "200"


def test_a_count_trigger_alerts_once_the_window_holds_enough_matches(
        feed_server: FeedServer, store: Store, settings) -> None:
    feed_server.routes["/wh.rss"] = Route(RSS)
    feed_server.routes["/wh.atom"] = Route(ATOM, content_type="application/atom+xml")
    # every item of both fixture feeds names Afghanistan (in its text or its title)
    add_rule(store, "afghanistan-x3", "Afghanistan", check_filters(min_count=3, window="1h"))
    add_rule(store, "biden-x4", "Biden", check_filters(min_count=4, window="1h"))
    clock = Clock()
    add_source(store, feed_server.url("/wh.rss"), discover=False, every_seconds=86400, now=START)
    w = _watcher(store, settings, clock)
    jsonl: list[dict] = []

    class Collect:
        name = "collect"

        def deliver(self, alert: dict) -> None:
            jsonl.append(alert)

    w.sinks = [Collect()]
    first = w.run_pass()
    # the third Afghanistan item completes the count; "Biden" is in two of the three items
    assert (first.new, first.alerts) == (3, 1)
    (alert,) = jsonl
    assert (alert["rule"], alert["count"], len(alert["articles"])) == ("afghanistan-x3", 3, 3)
    clock.advance(1800)  # within the hour: two more matches, no second alert for the window
    add_source(store, feed_server.url("/wh.atom"), discover=False, now=clock.at)
    second = w.run_pass()
    # both Atom items are "Remarks by President Biden": the second is the fourth Biden match
    # within the hour
    assert second.new == 2
    assert [(a["rule"], a["count"]) for a in jsonl[1:]] == [("biden-x4", 4)]
    w.close()


def test_alerts_are_rolled_up_into_email_digests(feed_server: FeedServer, store: Store,
                                                 smtp_server) -> None:
    import email

    settings = load_settings({"fetch_allowed_hosts": "127.0.0.1", "fetch_timeout_seconds": 5,
                              "watch_host_interval_seconds": 0,
                              "watch_email_smtp": f"127.0.0.1:{smtp_server.port}",
                              "watch_email_to": "desk@example.org",
                              "watch_email_every_seconds": 3600})
    feed_server.routes["/wh.rss"] = Route(RSS)
    feed_server.routes["/wh.atom"] = Route(ATOM, content_type="application/atom+xml")
    add_rule(store, "ghani", "Ghani", {})
    add_rule(store, "war", "war", {})
    clock = Clock()
    w = _watcher(store, settings, clock)
    assert w.run_pass().digests_sent == 0  # the recipient starts with the alerts to come
    add_source(store, feed_server.url("/wh.rss"), discover=False, every_seconds=86400,
               now=clock.at)
    first = w.run_pass()
    assert (first.alerts, first.digests_sent) == (3, 1)
    (raw,) = smtp_server.messages
    msg = email.message_from_bytes(raw)
    assert msg["To"] == "desk@example.org" and msg["Subject"] == "newswatch: 3 alerts (ghani)"
    body = msg.get_payload(decode=True).decode("utf-8")
    assert "[ghani] FACT SHEET: Continued U.S. Support for a Peaceful, Stable Afghanistan" in body
    assert RSS_LINKS[0] in body
    # within the hour: new alerts wait for the next digest
    clock.advance(600)
    add_source(store, feed_server.url("/wh.atom"), discover=False, every_seconds=86400,
               now=clock.at)
    smtp_server.fail = True
    second = w.run_pass()
    assert (second.alerts, second.digests_sent) == (1, 0)
    clock.advance(3000)  # the hour is over, but the server refuses: tried again next pass
    assert w.run_pass().digests_sent == 0
    assert any(line.startswith("digest to desk@example.org: smtp:") for line in w.lines)  # type: ignore[attr-defined]
    smtp_server.fail = False
    assert w.run_pass().digests_sent == 1
    msg = email.message_from_bytes(smtp_server.messages[-1])
    assert msg["Subject"] == "newswatch: 1 alert (war)"
    assert w.run_pass().digests_sent == 0  # nothing new
    w.close()


def test_each_recipient_gets_its_own_rules_at_its_own_interval(
        feed_server: FeedServer, store: Store, smtp_server) -> None:
    import email

    from typer.testing import CliRunner

    from newswatch.cli import app

    settings = load_settings({"fetch_allowed_hosts": "127.0.0.1", "fetch_timeout_seconds": 5,
                              "watch_host_interval_seconds": 0,
                              "watch_email_smtp": f"127.0.0.1:{smtp_server.port}",
                              "watch_email_to": "desk@example.org,old@example.org",
                              "watch_email_every_seconds": 3600})
    feed_server.routes["/wh.rss"] = Route(RSS)
    feed_server.routes["/wh.atom"] = Route(ATOM, content_type="application/atom+xml")
    add_rule(store, "ghani", "Ghani", {})
    add_rule(store, "war", "war", {})
    cli = CliRunner()
    db = str(store.engine.url)

    def digest(*args: str) -> Any:
        return cli.invoke(app, ["digest", *args, "--db", db],
                          env={"NEWSWATCH_WATCH_EMAIL_TO": "desk@example.org,old@example.org"})

    ok = digest("subscribe", "ana@example.org", "--every", "1d", "--format", "json")
    assert ok.exit_code == 0, ok.output
    view = json.loads(ok.stdout)
    assert (view["recipient"], view["every"], view["rules"], view["active"]) == (
        "ana@example.org", "1d", None, True)
    assert digest("subscribe", "bo@example.org", "--rule", "war").exit_code == 0
    for bad in ("ana@example.org\nBcc: x@evil.test", "Ana <ana@example.org>", "a@b, c@d", ""):
        r = digest("subscribe", bad)
        assert r.exit_code == 2, (bad, r.output)
    nope = digest("subscribe", "cy@example.org", "--rule", "nope")
    assert nope.exit_code == 3 and "nope: not-found" in nope.output
    # old@ (listed in the settings) is unsubscribed from the command line: silent from then on
    assert digest("unsubscribe", "old@example.org").exit_code == 0
    listed = {s["recipient"]: s for s in json.loads(digest("list", "--format", "json").stdout)}
    assert {k: (v["active"], v["every"], v["rules"]) for k, v in listed.items()} == {
        "ana@example.org": (True, "1d", None), "bo@example.org": (True, "1h", ["war"]),
        "desk@example.org": (True, "1h", None), "old@example.org": (False, "1h", None)}
    clock = Clock()
    w = _watcher(store, settings, clock)

    def sent() -> dict[str, str]:
        out = {}
        for raw in smtp_server.messages:
            msg = email.message_from_bytes(raw)
            out[msg["To"]] = msg["Subject"]
        smtp_server.messages.clear()
        return out

    w.run_pass()  # desk@ is seen: its digests start with the alerts to come
    add_source(store, feed_server.url("/wh.rss"), discover=False, every_seconds=86400, now=clock.at)
    w.run_pass()  # three ghani alerts: bo@ follows war only, old@ unsubscribed
    assert sent() == {"ana@example.org": "newswatch: 3 alerts (ghani)",
                      "desk@example.org": "newswatch: 3 alerts (ghani)"}
    clock.advance(7200)  # past desk@'s hour, within ana@'s day
    add_source(store, feed_server.url("/wh.atom"), discover=False, every_seconds=86400, now=clock.at)
    assert w.run_pass().alerts == 1
    assert sent() == {"bo@example.org": "newswatch: 1 alert (war)",
                      "desk@example.org": "newswatch: 1 alert (war)"}
    clock.advance(86400)
    w.run_pass()
    assert sent() == {"ana@example.org": "newswatch: 1 alert (war)"}
    w.close()
