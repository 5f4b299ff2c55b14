"""A range figure ("between 14 and 22", "от 6 до 8 тысяч") keeps its two ends everywhere the
claims are read: the casualty tracker (read model, CLI text and CSV, dashboard page and
export), the claims ledger (CLI, page) and the situation report (text and JSON).

The figures stage keeps a range as qualifier ``exact`` with ``value`` = the low end and
``lower``/``upper`` = the two ends; the tracker used to overwrite both bounds of every exact
figure with its value, and the report and the ledger printed the value alone, so "between 14
and 22 wounded" read as exactly 14. The reports are written for these tests and analysed by
the real pipeline; the expected values are read off their sentences.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from newswatch.cli import app
from newswatch.cli.common import EXIT_OK
from newswatch.read.tracker import tracker
from newswatch.storage import Store
from newswatch.web.humanize import figure
from newswatch.web.users import create_user

from situation_helpers import run
from web_samples import PASSWORDS, login, make_client

runner = CliRunner()

REPORTS = [
    ("flood-en", "en", dt.date(2026, 11, 3), "Valley Courier",
     "Bridge collapse in river town\n\nRescuers said between 14 and 22 people were wounded when "
     "the old bridge gave way on Tuesday."),
    ("flood-ru", "ru", dt.date(2026, 11, 4), "Речной вестник",
     "Наводнение на юге\n\nИз прибрежных сёл эвакуировали от 6 до 8 тысяч жителей."),
    ("ridge-1", "en", dt.date(2026, 11, 5), "Hill Times",
     "Shelling on the ridge\n\nBetween 5 and 9 Armenian soldiers were wounded in the shelling, "
     "the defence ministry said."),
    ("ridge-2", "en", dt.date(2026, 11, 6), "Hill Times",
     "Ridge toll revised\n\nThe defence ministry said 7 Armenian soldiers were wounded in the "
     "shelling."),
]


@pytest.fixture(scope="module")
def ranges_template(tmp_path_factory: pytest.TempPathFactory, situation_pipeline) -> Path:
    path = tmp_path_factory.mktemp("rangesdb") / "ranges.sqlite"
    with Store.open(f"sqlite:///{path}") as store:
        for art_id, lang, published, outlet, text in REPORTS:
            a = run(situation_pipeline, text, lang, published, art_id, outlet)
            a.title, a.url = text.split("\n", 1)[0], f"https://news.example.org/{art_id}"
            store.save(a)
    return path


@pytest.fixture
def ranges_db(ranges_template: Path, tmp_path: Path) -> str:
    """A fresh copy of the two-report store (its file path)."""
    target = tmp_path / "ranges.sqlite"
    target.write_bytes(ranges_template.read_bytes())
    return str(target)


def _bounds(db: str) -> dict[str, tuple[str, float, float | None, float | None, str]]:
    with Store.open(f"sqlite:///{db}") as store, store.read() as conn:
        tr = tracker(conn)
    return {u.point.sources[0].figure_text: (u.category, u.point.value, u.point.lower,
                                             u.point.upper, u.point.qualifier)
            for u in tr.unattributed}


def test_the_stored_range_is_what_the_tracker_reads(ranges_db: str) -> None:
    assert _bounds(ranges_db) == {
        "between 14 and 22 people": ("wounded", 14.0, 14.0, 22.0, "exact"),
        "от 6 до 8 тысяч жителей": ("evacuated", 6000.0, 6000.0, 8000.0, "exact"),
    }


def test_cli_tracker_csv_and_text_show_both_ends(ranges_db: str) -> None:
    res = runner.invoke(app, ["claims", "--tracker", "--db", ranges_db, "--format", "csv"])
    assert res.exit_code == EXIT_OK, res.stderr
    rows = {r["figure_text"]: (r["value"], r["lower"], r["upper"], r["qualifier"])
            for r in csv.DictReader(io.StringIO(res.stdout)) if not r["side"]}
    assert rows == {"between 14 and 22 people": ("14.0", "14.0", "22.0", "exact"),
                    "от 6 до 8 тысяч жителей": ("6000.0", "6000.0", "8000.0", "exact")}
    res = runner.invoke(app, ["claims", "--tracker", "--db", ranges_db], env={"COLUMNS": "200"})
    assert res.exit_code == EXIT_OK, res.stderr
    assert "14–22" in res.stdout and "6,000–8,000" in res.stdout


def test_cli_claims_ledger_shows_both_ends(ranges_db: str) -> None:
    res = runner.invoke(app, ["claims", "--db", ranges_db], env={"COLUMNS": "200"})
    assert res.exit_code == EXIT_OK, res.stderr
    assert "14–22" in res.stdout and "6,000–8,000" in res.stdout


def test_report_figures_and_claims_show_both_ends(ranges_db: str) -> None:
    res = runner.invoke(app, ["report", "--db", ranges_db], env={"COLUMNS": "200"})
    assert res.exit_code == EXIT_OK, res.stderr
    figures = res.stdout[res.stdout.index("Figures"):res.stdout.index("Who said what")]
    claims = res.stdout[res.stdout.index("Claims"):res.stdout.index("Timeline")]
    for part in (figures, claims):
        assert "14–22" in part and "6,000–8,000" in part, part
    res = runner.invoke(app, ["report", "--db", ranges_db, "--format", "json"])
    assert res.exit_code == EXIT_OK, res.stderr
    stated = {(c["property"], json.dumps(c["stated"])) for c in json.loads(res.stdout)["claims"]}
    assert ("person wounded", json.dumps([{"value": 14.0, "lower": 14.0, "upper": 22.0,
                                           "qualifier": "exact"}])) in stated


def test_humanize_writes_a_range_as_its_two_ends() -> None:
    rng = {"value": 14.0, "lower": 14.0, "upper": 22.0, "qualifier": "exact", "unit": None}
    assert figure(rng) == "14–22"
    assert figure({**rng, "upper": 14.0}) == "14"
    assert figure({"value": 27.0, "lower": 27.0, "upper": None, "qualifier": "at_least"}) == "at least 27"


@pytest.fixture
def web(ranges_db: str) -> Iterator[TestClient]:
    url = f"sqlite:///{ranges_db}"
    with Store.open(url) as store:
        create_user(store.engine, "ana", PASSWORDS["ana"], "analyst")
    with make_client(url) as c:
        yield c


def test_dashboard_tracker_export_and_claims_show_both_ends(web: TestClient) -> None:
    page = web.get("/tracker", headers={"accept": "text/html"}).text
    assert "14–22" in page and "6,000–8,000" in page
    rows = {r["figure_text"]: (r["lower"], r["upper"]) for r in
            csv.DictReader(io.StringIO(web.get("/api/export/tracker.csv").text))}
    assert rows["between 14 and 22 people"] == ("14.0", "22.0")
    assert "14–22" in web.get("/claims", headers={"accept": "text/html"}).text


def test_a_value_corrected_alone_replaces_the_range(web: TestClient) -> None:
    token = login(web, "ana")
    view = web.get("/api/articles/flood-en").json()
    written = "between 14 and 22 people"
    start = view["article"]["text"].index(written)
    r = web.post("/api/articles/flood-en/corrections", headers={"X-CSRF-Token": token}, json={
        "revision_id": int(view["revision"]["id"]), "kind": "figure", "start": start,
        "end": start + len(written), "fields": {"value": 17}, "note": "the hospital said 17"})
    assert r.status_code == 201, r.text
    point = next(u["point"] for u in web.get("/api/tracker").json()["unattributed"]
                 if u["category"] == "wounded")
    assert (point["value"], point["lower"], point["upper"]) == (17.0, 17.0, 17.0)


def test_a_range_then_a_value_is_a_revision_from_the_range(ranges_db: str) -> None:
    with Store.open(f"sqlite:///{ranges_db}") as store, store.read() as conn:
        tr = tracker(conn, side="ARM")
    (series,) = tr.sides[0].series
    assert [(p.as_of, p.value, p.lower, p.upper) for p in series.points] == [
        ("2026-11-05", 5.0, 5.0, 9.0), ("2026-11-06", 7.0, 7.0, 7.0)]
    (rev,) = series.revisions
    assert (rev.from_value, rev.from_upper, rev.to_value, rev.to_upper) == (5.0, 9.0, 7.0, None)
    assert (series.points[1].revises, series.points[1].revises_upper) == (5.0, 9.0)
    res = runner.invoke(app, ["claims", "--tracker", "--db", ranges_db, "--side", "ARM"],
                        env={"COLUMNS": "200"})
    assert res.exit_code == EXIT_OK, res.stderr
    assert "5–9 → 7" in res.stdout and "revised from 5–9" in res.stdout
