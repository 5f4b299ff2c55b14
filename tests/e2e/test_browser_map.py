"""The map in real headless Chromium (issue 12): the date range moved with the keyboard
changes the events drawn, its days are written in the interface language, and an event placed
at a country is drawn as the country's area, not a pin.

Uses the browser helpers of ``test_browser_reader`` with its own database: the web samples
plus the map article (tests/web_samples.py: events on 2021-07-07 at Termez, 2021-07-10 at
Ghazni and 2021-07-12 at the country Afghanistan) and server.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_browser_reader import (  # the browser fixtures and helpers of the reader test
    _wait_until,
    browser,  # noqa: F401  (a fixture: used by name)
    page,  # noqa: F401  (a fixture: used by name)
    serve_dashboard,
    shots,  # noqa: F401  (a fixture: used by name)
)

from web_samples import build_map_db

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def assets() -> None:
    from newswatch.web.app import DEFAULT_ASSETS_DIR, VENDOR_FOLDERS

    if not all((DEFAULT_ASSETS_DIR / f).is_dir() for f in VENDOR_FOLDERS.values()):
        pytest.skip("map assets are not installed (scripts/setup.sh runs npm ci)")


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_map_db(tmp_path_factory.mktemp("e2e-map") / "web.sqlite")


@pytest.fixture(scope="module")
def server(db_url: str) -> Iterator[str]:
    """The dashboard over :func:`db_url` (``serve_dashboard``); yields its base URL."""
    with serve_dashboard(db_url) as base:
        yield base


def _events_drawn(page) -> int:  # noqa: F811
    _wait_until(page, "() => document.body.dataset.mapReady !== undefined")
    return int(page.get_attribute("body", "data-map-events"))


def test_the_date_range_filters_the_events_drawn(page, shots) -> None:  # noqa: F811
    page.goto("/map")
    page.wait_for_selector("#map-range:not([hidden])")
    assert _events_drawn(page) == 3  # Termez 07-07, Ghazni 07-10, Afghanistan 07-12
    assert page.inner_text("#range-from-day") == "July 7, 2021"
    assert page.inner_text("#range-to-day") == "July 12, 2021"
    assert page.get_attribute("#range-from", "aria-valuetext") == "July 7, 2021"

    page.focus("#range-from")
    page.keyboard.press("ArrowRight")  # from 2021-07-10
    assert page.inner_text("#range-from-day") == "July 10, 2021"
    _wait_until(page, "() => document.body.dataset.mapRange === "
                      "'happened_since=2021-07-10&happened_until=2021-07-12'")
    assert _events_drawn(page) == 2
    assert int(page.get_attribute("body", "data-map-ready")) == 5  # the three places stay

    page.focus("#range-to")
    page.keyboard.press("ArrowLeft")  # to 2021-07-10
    _wait_until(page, "() => document.body.dataset.mapRange === "
                      "'happened_since=2021-07-10&happened_until=2021-07-10'")
    assert _events_drawn(page) == 1
    assert page.query_selector("path.nw-area.nw-event-geonames-1149361") is None
    page.screenshot(path=str(shots / "map-range.png"))
    # Ghazni's protest is a pin (maybe in a cluster with the place Ghazni: newswatchMap finds it)
    assert page.evaluate("cls => new Promise(done => window.newswatchMap.show(cls, done))",
                         "nw-event-geonames-1141269")
    assert not page.evaluate("cls => new Promise(done => window.newswatchMap.show(cls, done))",
                             "nw-event-geonames-1215957")  # Termez's assault was on 07-07

    page.click("#range-all")
    _wait_until(page, "() => document.body.dataset.mapRange === ''")
    assert _events_drawn(page) == 3


def test_a_slow_answer_to_an_earlier_range_is_not_drawn(page) -> None:  # noqa: F811
    # the tester's case: the answer to a range arrives after "All days" was pressed; the map
    # must keep drawing the latest request (every day), not the stale range
    held: list = []
    page.route("**/api/map?*happened_since=*", lambda route: held.append(route))
    page.goto("/map")
    page.wait_for_selector("#map-range:not([hidden])")
    assert _events_drawn(page) == 3
    page.focus("#range-from")
    page.keyboard.press("ArrowRight")  # asks for 2021-07-10 .. 2021-07-12: held back
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1
    page.click("#range-all")
    _wait_until(page, "() => document.body.dataset.mapRange === ''")
    assert _events_drawn(page) == 3
    held[0].continue_()  # the stale answer (2 events) arrives now
    page.wait_for_timeout(1000)
    assert int(page.get_attribute("body", "data-map-events")) == 3


def test_the_range_speaks_russian(page) -> None:  # noqa: F811
    page.goto("/map?lang=ru")
    page.wait_for_selector("#map-range:not([hidden])")
    assert page.inner_text("#map-range legend") == "Когда произошли события"
    assert page.inner_text("#range-from-day").startswith("7 июля 2021")


def test_a_country_event_is_drawn_as_its_area(page, shots) -> None:  # noqa: F811
    page.goto("/map")
    page.wait_for_selector("body[data-map-ready]")
    assert page.get_attribute("body", "data-map-areas") == "1"
    area = page.wait_for_selector("path.nw-area.nw-area-004")
    classes = area.get_attribute("class") or ""
    # one area for the country: the place Afghanistan and the assault placed there
    assert "nw-event-geonames-1149361" in classes and "nw-place-geonames-1149361" in classes
    # no pin for them: a circle marker would be a path with nw-marker
    assert page.query_selector("path.nw-marker.nw-event-geonames-1149361") is None
    assert page.query_selector("path.nw-marker.nw-place-geonames-1149361") is None
    # filled in the assault's colour, translucent; an outline of hundreds of points, no circle
    assert area.get_attribute("fill") == "#be0032"
    assert 0 < float(area.get_attribute("fill-opacity") or 1) < 0.5
    assert (area.get_attribute("d") or "").count("L") > 50
    # the pins of cities stay pins
    assert page.evaluate("cls => new Promise(done => window.newswatchMap.show(cls, done))",
                         "nw-event-geonames-1141269")
    page.goto("/map")  # the map as it was before the zoom
    page.wait_for_selector("body[data-map-ready]")
    area = page.wait_for_selector("path.nw-area.nw-area-004")
    # hover names it with its counts; the popup leads to the sentence
    box = area.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.6)
    label = page.wait_for_selector(".leaflet-tooltip.nw-label").inner_text()
    assert label.startswith("Afghanistan") and "ASSAULT 1" in label
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.6)
    popup = page.wait_for_selector(".leaflet-popup .area-members").inner_text()
    assert "ASSAULT" in popup and "Taliban fighters attacked government posts" in popup
    page.wait_for_timeout(400)  # the popup fades in
    page.screenshot(path=str(shots / "map-area.png"))
