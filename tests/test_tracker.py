"""The casualty tracker read model and ``newswatch claims --tracker`` (issue 9).

The store is built from reports written for these tests (tests/tracker_samples.py, analysed by
the real pipeline): Armenian soldiers killed 12 (Monday) → 19 (Tuesday, in English and in
Russian) → at least 27 (Wednesday); Azerbaijani soldiers killed seven, reported twice; 40
people evacuated and "two people were killed" twice with no side named. The expected values
are read off those sentences.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from newswatch.cli import app
from newswatch.cli.common import EXIT_OK, EXIT_USAGE
from newswatch.read.tracker import Series, Tracker, _series, tracker
from newswatch.storage import Store

runner = CliRunner()


def _read(url: str, **kw: Any) -> Tracker:
    with Store.open(url) as store, store.read() as conn:
        return tracker(conn, **kw)


def _series_of(tr: Tracker, code: str) -> list[Series]:
    return next(s.series for s in tr.sides if s.code == code)


def _points(series: Series) -> list[tuple[str | None, float, str]]:
    return [(p.as_of, p.value, p.qualifier) for p in series.points]


def test_each_side_is_its_own_series_with_the_revised_toll(tracker_db: str) -> None:
    tr = _read(tracker_db)
    assert [(s.code, s.label) for s in tr.sides] == [("ARM", "Armenia"), ("AZE", "Azerbaijan")]
    [arm] = _series_of(tr, "ARM")
    assert (arm.category, arm.property, arm.counted) == ("killed", "soldier killed", "soldier")
    assert _points(arm) == [("2026-09-14", 12.0, "exact"), ("2026-09-15", 19.0, "exact"),
                            ("2026-09-16", 27.0, "at_least")]  # "At least 27": a bound, kept
    assert arm.points[2].lower == 27.0 and arm.points[2].upper is None
    assert [(r.from_value, r.to_value, r.direction) for r in arm.revisions] == [
        (12.0, 19.0, "up"), (19.0, 27.0, "up")]
    assert [p.revises for p in arm.points] == [None, 12.0, 19.0]
    # newest: Wednesday's; most cited: 19, given by the English and the Russian report
    assert [p.newest for p in arm.points] == [False, False, True]
    assert [p.most_cited for p in arm.points] == [False, True, False]
    assert not any(p.conflicting for p in arm.points)
    [aze] = _series_of(tr, "AZE")
    assert _points(aze) == [("2026-09-14", 7.0, "exact"), ("2026-09-16", 7.0, "exact")]
    assert aze.revisions == [] and all(p.most_cited for p in aze.points)
    assert [p.newest for p in aze.points] == [False, True]


def test_every_point_keeps_every_source(tracker_db: str) -> None:
    [arm] = _series_of(_read(tracker_db), "ARM")
    nineteen = arm.points[1]
    assert [(s.outlet, s.article_id, s.figure_text) for s in nineteen.sources] == [
        ("Example News", "clash-2", "19 Armenian servicemen"),
        ("Пример-Инфо", "clash-2-ru", "19 армянских военнослужащих"),
    ]
    en = nineteen.sources[0]
    assert en.url == "https://news.example.org/clash-2"
    assert en.sentence == ("The Armenian defence ministry said on Tuesday that 19 Armenian "
                           "servicemen had been killed near Vardenis.")
    assert en.cited == ["ministry"]
    # (the Russian sentence splitter keeps the headline with the first sentence)
    assert nineteen.sources[1].sentence.endswith(
        "Министерство обороны Армении сообщило во вторник, что погибли 19 армянских военнослужащих.")


def test_figures_with_no_side_are_listed_apart_never_grouped(tracker_db: str) -> None:
    tr = _read(tracker_db)
    loose = [(u.category, u.point.value, [s.article_id for s in u.point.sources])
             for u in tr.unattributed]
    # "Two people were killed" in two articles: two entries of one source each, not one group
    assert loose == [("killed", 2.0, ["blast-2"]), ("killed", 2.0, ["blast-1"]),
                     ("evacuated", 40.0, ["clash-2"])]
    assert not any(u.point.conflicting or u.point.most_cited for u in tr.unattributed)
    assert all(s.code in ("ARM", "AZE") for s in tr.sides)


def test_scope_by_place_by_entity_and_by_side(tracker_db: str) -> None:
    at = _read(tracker_db, place="Vardenis")
    assert at.scope["places"] == [{"key": "geonames:616108", "name": "Vardenis", "country_code": "AM"}]
    [arm] = _series_of(at, "ARM")
    # the Russian report does not name Vardenis: 19 keeps the English source only
    assert [[s.article_id for s in p.sources] for p in arm.points] == [["clash-1"], ["clash-2"], ["clash-3"]]
    assert not any(p.most_cited for p in arm.points)  # three values, one source each
    assert _read(tracker_db, place="geonames:616108").scope["places"] == at.scope["places"]
    # a place as an article wrote it: the Russian report's "Армении" was resolved to Armenia,
    # which the first English report names too ("Armenia's defence ministry")
    ru = _read(tracker_db, place="Армении")
    assert ru.scope["places"] == [{"key": "geonames:174982", "name": "Armenia", "country_code": "AM"}]
    assert [[s.article_id for s in p.sources] for p in _series_of(ru, "ARM")[0].points] == [
        ["clash-1"], ["clash-2-ru"]]
    kabul = _read(tracker_db, place="Kabul")
    assert kabul.sides == [] and [u.point.value for u in kabul.unattributed] == [2.0, 2.0]
    nowhere = _read(tracker_db, place="Atlantis")
    assert (nowhere.scope["places"], nowhere.sides, nowhere.unattributed) == ([], [], [])
    # the articles naming Azerbaijan (Monday's and Wednesday's): 12 → 27
    [arm] = _series_of(_read(tracker_db, entity="Azerbaijan"), "ARM")
    assert [(r.from_value, r.to_value) for r in arm.revisions] == [(12.0, 27.0)]
    only = _read(tracker_db, side="AZ")
    assert [s.code for s in only.sides] == ["AZE"] and only.unattributed == []


def _claim(n: int, as_of: str, value: float, lower: float | None, upper: float | None,
           qualifier: str = "exact", published: str | None = None) -> dict[str, Any]:
    return {"id": n, "as_of": as_of, "as_of_precision": "day", "value": value, "lower": lower,
            "upper": upper, "qualifier": qualifier, "unit": None, "outlet": f"O{n}", "url": None,
            "article_id": f"a{n}", "revision_id": n, "start": 0, "end": 2, "title": None,
            "published": published or as_of, "language": "en", "sentence": "s",
            "figure_text": str(value), "cited": [], "as_of_source": "timex"}


def test_two_tolls_dated_only_by_publication_do_not_conflict() -> None:
    # issue 9: 12 and 15 soldiers killed, both reports undated in the text (as-of = their
    # publication day): they may be two clashes, so no conflict; a dated 15 does conflict with 12
    fallback = [_claim(1, "2026-09-14", 12, 12, 12), _claim(2, "2026-09-14", 15, 15, 15)]
    for c in fallback:
        c["as_of_source"] = "publication"
    s = _series("k", "killed", "soldier killed", None, ["g"], fallback)
    assert [(p.value, p.conflicting) for p in s.points] == [(12, False), (15, False)]
    s = _series("k", "killed", "soldier killed", None, ["g"], [fallback[0], _claim(3, "2026-09-14", 15, 15, 15)])
    assert [(p.value, p.conflicting) for p in s.points] == [(12, True), (15, True)]


def test_conflicts_need_ranges_that_cannot_both_hold() -> None:
    # two exact values for one day disagree; "at least 12" and 15 do not
    s = _series("k", "killed", "soldier killed", None, ["g"], [
        _claim(1, "2026-09-14", 12, 12, 12), _claim(2, "2026-09-14", 15, 15, 15),
        _claim(3, "2026-09-15", 12, 12, None, "at_least"), _claim(4, "2026-09-15", 15, 15, 15),
        _claim(5, "2026-09-15", 15, 15, 15),
    ])
    assert [(p.as_of, p.value, p.conflicting) for p in s.points] == [
        ("2026-09-14", 12, True), ("2026-09-14", 15, True),
        ("2026-09-15", 12, False), ("2026-09-15", 15, False)]
    # Monday's value is the later-published of a tie (15, id 2); Tuesday's the most cited (15)
    assert s.revisions == []
    down = _series("k", "killed", "soldier killed", None, ["g"], [
        _claim(1, "2026-09-14", 30, 30, 30), _claim(2, "2026-09-16", 24, 24, 24)])
    assert [(r.from_value, r.to_value, r.direction) for r in down.revisions] == [(30, 24, "down")]


# -- the command ----------------------------------------------------------------------------


def _db_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def test_cli_tracker_json_csv_and_text(tracker_db: str) -> None:
    db = _db_path(tracker_db)
    res = runner.invoke(app, ["claims", "--tracker", "--db", db, "--format", "json"])
    assert res.exit_code == EXIT_OK, res.stderr
    data = json.loads(res.stdout)
    arm = data["sides"][0]["series"][0]
    assert [p["value"] for p in arm["points"]] == [12.0, 19.0, 27.0]
    assert arm["latest"]["value"] == 27.0 and arm["sources"] == 4
    assert [(r["from_value"], r["to_value"]) for r in arm["revisions"]] == [(12.0, 19.0), (19.0, 27.0)]
    res = runner.invoke(app, ["claims", "--tracker", "--db", db, "--format", "csv", "--side", "ARM"])
    assert res.exit_code == EXIT_OK, res.stderr
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [(r["as_of"], r["value"], r["outlet"], r["url"]) for r in rows] == [
        ("2026-09-14", "12.0", "Test Wire", "https://news.example.org/clash-1"),
        ("2026-09-15", "19.0", "Example News", "https://news.example.org/clash-2"),
        ("2026-09-15", "19.0", "Пример-Инфо", "https://news.example.org/clash-2-ru"),
        ("2026-09-16", "27.0", "Border Post", "https://news.example.org/clash-3"),
    ]
    assert rows[3]["revises"] == "19.0" and rows[3]["newest"] == "True"
    assert rows[0]["sentence"].startswith("Armenia's defence ministry said on Monday")
    res = runner.invoke(app, ["claims", "--tracker", "--db", db], env={"COLUMNS": "200"})
    assert res.exit_code == EXIT_OK, res.stderr
    assert "12 → 19 → 27" in res.stdout and "revised from 19" in res.stdout
    assert "figures with no side named" in res.stdout


@pytest.mark.parametrize("args", [
    ["--tracker", "--side", "Narnia"],
    ["--format", "csv"],
    ["--place", "Vardenis"],
    ["--tracker", "--subject", "Armenia"],
])
def test_cli_usage_errors(tracker_db: str, args: list[str]) -> None:
    res = runner.invoke(app, ["claims", "--db", _db_path(tracker_db), *args])
    assert res.exit_code == EXIT_USAGE
    assert res.stderr.strip() and "Traceback" not in res.stderr


def test_an_armed_group_is_its_own_side_not_its_country(situation_pipeline, tmp_path) -> None:
    # written for this test: both tolls are coded AFG, but they are two sides of one war
    from situation_helpers import run

    url = f"sqlite:///{tmp_path / 'afg.sqlite'}"
    with Store.open(url) as store:
        a = run(situation_pipeline, "Thirty Taliban fighters were killed and 12 Afghan soldiers died "
                "in the clashes.", "en", None, "afg-1", "Test Wire")
        store.save(a)
    tr = _read(url)
    got = sorted((s.key.split(":")[0], s.code, s.label, s.country,
                  [(x.category, [p.value for p in x.points]) for x in s.series]) for s in tr.sides)
    assert got == [("country", "AFG", "Afghanistan", "AFG", [("killed", [12.0])]),
                   ("entity", None, "Taliban", "AFG", [("killed", [30.0])])]
    assert [s.label for s in _read(url, side="AF").sides] == ["Afghanistan"]


def test_a_revised_article_counts_once(tracker_db: str, situation_pipeline) -> None:
    """A revised text of an article is a new revision of the same report: only the latest
    revision's claims count, in the tracker and in the claims ledger and its export."""
    import datetime as dt

    from tracker_samples import REPORTS

    from newswatch.read.scope import Filters
    from newswatch.read.situation import claim_groups
    from newswatch.web.queries.export import export_rows

    from situation_helpers import run

    art_id, lang, published, outlet, text = REPORTS[0]
    assert art_id == "clash-1" and published == dt.date(2026, 9, 14)
    revised = text.replace("in the fighting near Vardenis", "in the heavy fighting near Vardenis")
    assert revised != text
    with Store.open(tracker_db) as store:
        a = run(situation_pipeline, revised, lang, published, art_id, outlet)
        a.title, a.url = text.split("\n", 1)[0], f"https://news.example.org/{art_id}"
        store.save(a)
        with store.read() as conn:
            revs = sorted(conn.scalars(sa.text("SELECT id FROM revision WHERE article_id = 'clash-1'")))
            assert len(revs) == 2  # the revised text is a new revision of clash-1
            latest = {r[0]: r[1] for r in conn.execute(sa.text(
                "SELECT article_id, max(id) FROM revision GROUP BY article_id"))}
            ledger = [c for g in claim_groups(conn) for c in g.claims]
            exported = list(export_rows(conn, Filters(), "claims"))
            tr = tracker(conn)
    assert ledger and all(c.revision_id == latest[c.article_id] for c in ledger)
    assert exported and all(r["revision_id"] == latest[r["article_id"]] for r in exported)
    assert len(exported) == len(ledger)
    [arm] = _series_of(tr, "ARM")
    assert _points(arm) == [("2026-09-14", 12.0, "exact"), ("2026-09-15", 19.0, "exact"),
                            ("2026-09-16", 27.0, "at_least")]
    twelve = arm.points[0]
    assert [(s.article_id, s.revision_id) for s in twelve.sources] == [("clash-1", revs[-1])]
    assert [r.to_value for r in arm.revisions] == [19.0, 27.0]  # 12 → 19 → 27 still shown
    for side in tr.sides:
        for series in side.series:
            for p in series.points:
                ids = [s.article_id for s in p.sources]
                assert len(ids) == len(set(ids)), (series.key, p.value, ids)
    [aze] = _series_of(tr, "AZE")
    # seven, twice (clash-1 and clash-3): one report each, still both most cited
    assert [[s.article_id for s in p.sources] for p in aze.points] == [["clash-1"], ["clash-3"]]
