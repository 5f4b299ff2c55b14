"""The report's quotes, events and claims sections and its figure ranking, on a small sample
analysed by the whole pipeline and saved in a store: the seed (Inforos, 8 July 2021), a
re-formatted reprint of it (9 July), the LWJ article of situation_helpers (1 August) and the
Russian sentence set (8 July). Expected values were checked by reading those texts."""

from __future__ import annotations

import datetime as dt

import pytest
from rich.console import Console

from newswatch.model import Article
from newswatch.report import build_report, render_report, significance
from newswatch.storage import Store

from situation_helpers import LWJ_TEXT, reformatted, run


@pytest.fixture(scope="module")
def report(tmp_path_factory, situation_pipeline, seed_article: Article, seed_raw: str,
           ru_article: Article) -> dict:
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'sample.sqlite'}"
    reprint = run(situation_pipeline, reformatted(seed_raw), published=dt.date(2021, 7, 9),
                  article_id="reprint", source="Reprint Daily")
    lwj = run(situation_pipeline, LWJ_TEXT, published=dt.date(2021, 8, 1), article_id="lwj", source="Test Wire")
    with Store.open(url) as s:
        for a in (seed_article, reprint, lwj, ru_article):
            s.save(a)
        return build_report(s)


def test_who_said_what_lists_quotes_once_with_their_articles(report):
    quotes = report["quotes"]["items"]
    peskov = next(q for q in quotes if q["text"].startswith("After the withdrawal of the Americans"))
    # the seed and its reprint print the same words: one row, two articles, the newest shown
    assert (peskov["speaker"], peskov["kind"], peskov["cue"], peskov["articles"]) == (
        "Dmitry Peskov", "direct", "said", 2)
    assert (peskov["article_id"], peskov["source"]) == ("reprint", "Reprint Daily")
    ru = next(q for q in quotes if q["article_id"] == "ru-set")
    assert (ru["speaker"], ru["text"]) == (
        "Dmitry Peskov", "Москва не собирается вводить военный контингент в Афганистан")
    lwj = quotes[0]  # newest article first
    assert (lwj["speaker"], lwj["cue"], lwj["article_id"]) == ("Long War Journal", "according to", "lwj")
    assert report["quotes"]["total"] == sum(q["articles"] for q in quotes)


def test_what_happened_lists_each_event_once(report):
    events = report["events"]["items"]
    assert len({e["id"] for e in events}) == len(events)
    bagram = [e for e in events if e["type"] == "RETREAT" and e["place"] == "Bagram Airfield"
              and e["article_id"] != "ru-set"]
    assert len(bagram) == 1
    assert (bagram[0]["mode"], bagram[0]["date"], bagram[0]["mentions"]) == ("withdraw", "2021-07-01", 2)
    assert "Bagram" in bagram[0]["sentence"]


def test_claims_section_has_the_taliban_district_counts(report):
    claims = report["claims"]
    taliban = next(c for c in claims if c["subject"] == "Taliban" and c["property"] == "district controlled")
    assert (taliban["values"], taliban["claims"], taliban["sources"], taliban["conflicting"]) == (
        [188.0, 223.0], 3, 3, True)
    assert (taliban["newest"]["value"], taliban["newest"]["as_of"], taliban["newest"]["outlet"]) == (
        223.0, "2021-07-31", "Test Wire")
    assert "223 districts" in taliban["newest"]["sentence"]
    assert claims == sorted(claims, key=lambda c: -c["claims"])


def test_figures_are_ranked_by_sources_then_size_and_recency(report):
    figures = report["figures"]
    # "$240 million" is stated by the seed, the reprint and (in Russian) the sentence set
    assert [(f["text"], f["sources"]) for f in figures[:3]] == [
        ("up to $240 million", 3), ("до 240 миллионов долларов", 3), ("up to $240 million", 3)]
    assert figures[0]["article_id"] == "reprint"  # same number and sources: the newer first
    texts = [f["text"] for f in figures]
    # the LWJ count of 31 July (one source) outranks the seed's older "188 counties" (two
    # sources, three weeks older): 1 + 0.26 + 1.0 against 1.58 + 0.25 + 0.10
    assert figures[texts.index("188 counties")]["sources"] == 2
    assert texts.index("223 districts") < texts.index("188 counties")
    assert [f["significance"] for f in figures] == sorted((f["significance"] for f in figures), reverse=True)


def test_significance_weights():
    day = dt.date(2021, 7, 8)
    assert significance(3, 10, day, day) > significance(1, 10 ** 9, day, day)  # sources first
    assert significance(1, 40_000, day, day) > significance(1, 12, day, day)  # then size
    week_old = significance(1, 12, day - dt.timedelta(days=7), day)
    assert significance(1, 12, day, day) - week_old == pytest.approx(0.5)  # recency halves in a week
    assert significance(1, None, None, day) == pytest.approx(1.0)


def test_render_prints_the_new_sections(report):
    console = Console(record=True, width=200)
    render_report(report, console, limit=50)
    out = console.export_text()
    for expected in ("Who said what", "Dmitry Peskov", "What happened", "RETREAT (withdraw)", "Claims",
                     "188 / 223 (conflicting)", "Figures (most significant first)"):
        assert expected in out, expected
