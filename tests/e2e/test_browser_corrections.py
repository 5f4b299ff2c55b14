"""The correction flow in real headless Chromium (issue 12): a reader reports "188 counties"
in the hand-built founding passages (``seed-0001``, tests/web_samples.py); an analyst corrects
it to 190 from the triage page; the reader page, the figures export and the API then give 190
with "corrected by an analyst", and so they do after the article is saved again.

Uses the browser helpers of ``test_browser_reader`` with its own database (the web samples
only, no pipeline run) and server.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from test_browser_reader import (  # the browser fixtures and helpers of the reader test
    _select,
    _sign_in,
    browser,  # noqa: F401  (a fixture: used by name)
    page,  # noqa: F401  (a fixture: used by name)
    serve_dashboard,
    shots,  # noqa: F401  (a fixture: used by name)
)

from storage_samples import TEXT, make_article
from web_samples import build_web_db

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_web_db(tmp_path_factory.mktemp("e2e-corrections") / "web.sqlite")


@pytest.fixture(scope="module")
def server(db_url: str) -> Iterator[str]:
    """The dashboard over :func:`db_url` (``serve_dashboard``); yields its base URL."""
    with serve_dashboard(db_url) as base:
        yield base


def _figure_row(pg: Any) -> dict[str, str]:
    body = pg.request.get("/api/export/figures.csv").text()
    rows = csv.DictReader(io.StringIO(body.lstrip("\ufeff")))
    return next(r for r in rows if r["article_id"] == "seed-0001" and r["text"] == "188 counties")


def test_report_correct_and_see_the_corrected_value_everywhere(page, db_url, shots) -> None:  # noqa: F811
    from newswatch.storage import Store

    _sign_in(page, "rita")
    page.goto("/articles/seed-0001")
    start = TEXT.index("188 counties")
    assert _select(page, start, start + len("188 counties")) == "188 counties"
    page.click("#report-button")
    page.wait_for_selector("#report-dialog[open]")
    page.select_option("#report-form select[name=kind]", "wrong-figure")
    page.fill("#report-form textarea[name=note]", "the source says 190")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("ul.reports li >> text=«188 counties»")
    page.click("form[action='/logout'] button")

    _sign_in(page, "ana")
    page.goto("/reports")
    form = page.wait_for_selector("form.correct")
    options = page.eval_on_selector_all("form.correct select[name=item] option",
                                        "os => os.map(o => o.value)")
    assert f"figure:{start}:{start + 12}" in options
    page.select_option("form.correct select[name=item]", f"figure:{start}:{start + 12}")
    page.fill("form.correct input[name=value]", "190")
    page.fill("form.correct input[name=upper]", "190")
    page.fill("form.correct input[name=note]", "checked against the source")
    page.screenshot(path=str(shots / "triage-correction.png"), full_page=True)
    form.query_selector("button[type=submit]").click()
    page.wait_for_selector("li.status-resolved >> text=«188 counties»")
    assert "figure corrected" in page.inner_text("ul.reports")

    def corrected_everywhere() -> None:
        page.goto("/articles/seed-0001")
        panel = page.inner_text("aside.panel")
        assert "190 · county" in panel and "corrected by an analyst" in panel and "ana," in panel
        row = _figure_row(page)
        assert (row["value"], row["correction"], row["corrected_by"]) == ("190.0", "corrected",
                                                                          "ana")
        view = page.request.get("/api/articles/seed-0001").json()
        figure = next(f for f in view["article"]["figures"] if f["text"] == "188 counties")
        assert figure["value"] == 190.0 and view["corrections"][0]["by"] == "ana"

    corrected_everywhere()
    page.screenshot(path=str(shots / "reader-corrected.png"))
    with Store.open(db_url) as store:  # re-ingesting the article keeps the correction
        assert store.save(make_article()).status == "unchanged"
        revised = TEXT.replace("In general, the Taliban", "In general, by all accounts, the Taliban")
        assert store.save(make_article(revised)).status == "revised"
    corrected_everywhere()
