"""The situation report built from stored sample articles (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from rich.console import Console

from newswatch.report import UnknownCountry, build_report, render_report, trim_sentence
from newswatch.storage import Store

from storage_samples import SEED_URL, TEXT, make_article

FIGURE_SENTENCE = (
    "In general, the Taliban already control 188 counties across Afghanistan and are fighting "
    "for another 135, while the number of those overseen by the Kabul government is 70."
)


@pytest.fixture
def filled(store: Store) -> Store:
    store.save(make_article())
    store.record_failure("samples/empty.html", "empty", "no text after extraction")
    return store


def test_summary_counts_articles_languages_and_dates(filled: Store) -> None:
    summary = build_report(filled)["summary"]
    assert summary == {
        "articles": 1,
        "revisions": 1,
        "sources": 1,
        "languages": {"en": 1},
        "date_range": {"first": "2021-07-08", "last": "2021-07-08"},
        "undated_articles": 0,
    }


def test_actors_are_ranked_with_their_quotes(filled: Store) -> None:
    actors = build_report(filled)["actors"]
    assert [(a["name"], a["label"], a["mentions"]) for a in actors] == [
        ("Afghanistan", "GPE", 2),
        ("Moscow", "GPE", 1),
        ("Sergei Lavrov", "PERSON", 1),
        ("Taliban", "ORG", 1),
    ]
    lavrov = actors[2]
    assert (lavrov["quotes"], lavrov["articles"], lavrov["key"]) == (1, 1, "PERSON:Sergei Lavrov")
    assert actors[0]["country"] == "AFG"


def test_actor_articles_count_distinct_articles(filled: Store) -> None:
    filled.save(make_article(TEXT.split("\n\n")[0], article_id="seed-0002"))
    actors = {a["name"]: a for a in build_report(filled)["actors"]}
    assert (actors["Sergei Lavrov"]["articles"], actors["Sergei Lavrov"]["mentions"]) == (2, 2)
    assert actors["Sergei Lavrov"]["quotes"] == 2
    assert actors["Taliban"]["articles"] == 1


def test_places_are_grouped_by_country_with_coordinates(filled: Store) -> None:
    places = build_report(filled)["places"]
    by_code = {c["country_code"]: c for c in places["countries"]}
    assert [c["country_code"] for c in places["countries"]] == ["AF", "UZ"]
    uz = by_code["UZ"]
    assert uz["country"] == "Uzbekistan" and uz["mentions"] == 1
    termez = uz["places"][0]
    assert (termez["name"], termez["geonameid"], termez["mentions"]) == ("Termez", 1215957, 1)
    assert (termez["lat"], termez["lon"]) == (37.22417, 67.27833)
    assert by_code["AF"]["places"][0]["mentions"] == 2
    assert places["unresolved"] == [{"name": "Hairaton", "mentions": 1, "articles": 1}]


def test_figures_come_with_sentence_and_source(filled: Store) -> None:
    figures = build_report(filled)["figures"]
    first = figures[0]
    assert (first["text"], first["value"], first["counted"], first["qualifier"]) == (
        "188 counties",
        188.0,
        "county",
        "exact",
    )
    assert first["sentence"] == FIGURE_SENTENCE
    assert (first["source"], first["published"], first["url"]) == (
        "Inforos",
        "2021-07-08",
        SEED_URL,
    )
    assert first["title"] == "Russia won't leave its allies in Central Asia out in the cold"
    assert TEXT[first["start"] : first["end"]] == "188 counties"
    assert [f["text"] for f in figures] == ["188 counties", "another 135"]


def test_sentence_offsets_count_code_points_on_both_backends(store: Store) -> None:
    # An astral character (two UTF-16 units, four UTF-8 bytes) before every item.
    store.save(make_article("😀 Талибы контролируют 188 уездов.\n\n" + TEXT))
    assert build_report(store)["figures"][0]["sentence"] == FIGURE_SENTENCE


def test_timeline_lists_full_day_dates_and_publication(filled: Store) -> None:
    timeline = build_report(filled)["timeline"]
    assert [(e["date"], e["kind"], e["text"]) for e in timeline] == [
        ("2021-07-07", "timex", "July 7"),
        (
            "2021-07-08",
            "published",
            "Russia won't leave its allies in Central Asia out in the cold",
        ),
    ]  # the duration "for decades" (PXDE) is not a dated entry
    assert timeline[0]["sentence"].startswith("On July 7, Russian Foreign Minister Sergei Lavrov")
    assert timeline[0]["source"] == "Inforos"


def test_failures_are_reported(filled: Store) -> None:
    failures = build_report(filled)["failures"]
    assert failures["total"] == 1 and failures["by_code"] == {"empty": 1}
    assert failures["recent"][0]["origin"] == "samples/empty.html"
    assert failures["stage_errors"] == [{"stage": "events", "code": "stage-failed", "articles": 1}]


def test_report_reads_only_the_latest_revision(filled: Store) -> None:
    filled.save(make_article(TEXT.replace("188 counties", "193 counties")))
    report = build_report(filled)
    assert report["summary"]["articles"] == 1 and report["summary"]["revisions"] == 2
    assert [f["text"] for f in report["figures"]] == ["193 counties", "another 135"]
    assert report["actors"][0]["mentions"] == 2  # not doubled by the old revision


def test_country_filter_keeps_articles_and_places_of_that_country(filled: Store) -> None:
    uz = build_report(filled, country="UZ")
    assert uz["filters"]["country"] == "UZ" and uz["summary"]["articles"] == 1
    assert [c["country_code"] for c in uz["places"]["countries"]] == ["UZ"]
    assert build_report(filled, country="RUS")["summary"]["articles"] == 1  # entity Moscow
    assert build_report(filled, country="uzbekistan")["filters"]["country"] == "UZ"
    france = build_report(filled, country="FR")
    assert france["summary"]["articles"] == 0 and france["figures"] == []
    with pytest.raises(UnknownCountry):
        build_report(filled, country="Narnia")


def test_date_filters_select_by_publication_day(filled: Store) -> None:
    day = dt.date(2021, 7, 8)
    assert build_report(filled, since=day, until=day)["summary"]["articles"] == 1
    assert build_report(filled, since=day + dt.timedelta(days=1))["summary"]["articles"] == 0
    assert build_report(filled, until=day - dt.timedelta(days=1))["summary"]["articles"] == 0


def test_undated_articles_are_placed_by_the_day_they_were_stored(store: Store) -> None:
    article = make_article(article_id="undated")
    article.published = None
    store.save(article)
    today = dt.datetime.now(dt.UTC).date()
    report = build_report(store, since=today)
    assert report["summary"]["articles"] == 1 and report["summary"]["undated_articles"] == 1
    assert build_report(store, until=today - dt.timedelta(days=1))["summary"]["articles"] == 0


def test_report_is_json_and_stable(filled: Store) -> None:
    first = json.dumps(build_report(filled), sort_keys=False)
    assert json.dumps(build_report(filled), sort_keys=False) == first
    assert json.loads(first)["places"]["countries"][1]["places"][0]["name"] == "Termez"


def test_render_prints_every_section(filled: Store) -> None:
    console = Console(record=True, width=160)
    render_report(build_report(filled), console, limit=5)
    out = console.export_text()
    for expected in (
        "Situation report",
        "Sergei Lavrov",
        "Uzbekistan (UZ)",
        "Termez",
        "37.2242, 67.2783",
        "Unresolved place names: Hairaton (1)",
        "188",
        "county",
        "Inforos, 2021-07-08",
        "2021-07-07",
        "Ingest failures: 1 (empty 1)",
    ):
        assert expected in out, expected


def test_render_limits_rows_and_counts_the_rest(filled: Store) -> None:
    console = Console(record=True, width=160)
    render_report(build_report(filled), console, limit=1)
    assert "… 3 more" in console.export_text()  # four actors, one shown


def test_render_handles_an_empty_database(store: Store) -> None:
    console = Console(record=True, width=120)
    render_report(build_report(store), console)
    assert "0 articles (0 revisions) from 0 sources" in console.export_text()


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 5, "Alpha beta…"),  # "Alpha"
        (17, 22, "…a delta ep…"),  # "delta"
        (31, 35, "…silon zeta"),  # "zeta"
    ],
)
def test_trim_sentence_keeps_the_item_visible(start: int, end: int, expected: str) -> None:
    sentence = "Alpha beta gamma delta epsilon zeta"
    assert trim_sentence(sentence, start, end, limit=12) == expected


def test_trim_sentence_collapses_whitespace_only_when_short() -> None:
    assert trim_sentence("  188   counties\nacross Afghanistan ", 2, 5) == (
        "188 counties across Afghanistan"
    )
