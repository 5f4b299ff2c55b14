"""The claims stage: every figure of the seed becomes a claim with subject, property, date, source.

Expected values come from the seed article (Inforos, 8 July 2021) and shared/design/field-notes.md
§0, which traces "188 counties ... 135 ... 70" to FDD's Long War Journal.
"""

from __future__ import annotations

import datetime as dt

import pytest

from newswatch.model import Article, Claim
from newswatch.serialize import article_to_dict, validate

from situation_helpers import LWJ_TEXT, run


def _claim(article: Article, figure: str) -> Claim:
    hits = [c for c in article.claims if c.figure_text == figure]
    assert hits, f"no claim {figure!r}: {[c.figure_text for c in article.claims]}"
    return hits[0]


def test_every_figure_becomes_a_claim(seed_article: Article) -> None:
    assert [(c.start, c.end) for c in seed_article.claims] == [(f.start, f.end) for f in seed_article.figures]
    assert all(c.outlet == "Inforos" for c in seed_article.claims)


def test_taliban_district_counts_are_attributed_to_the_long_war_journal(seed_article: Article) -> None:
    c188 = _claim(seed_article, "188 counties")
    assert (c188.subject, c188.subject_country, c188.property) == ("Taliban", "AFG", "district controlled")
    assert (c188.value, c188.lower, c188.upper, c188.unit) == (188.0, 188.0, 188.0, None)
    assert (c188.cited, c188.cited_how) == (["Long War Journal"], "paragraph")
    assert (c188.as_of, c188.as_of_source) == ("2021-07-08", "publication")  # the article gives no date
    c135 = _claim(seed_article, "135")
    assert (c135.subject, c135.property) == ("Taliban", "district contested")  # "are fighting for"
    c70 = _claim(seed_article, "70")
    assert (c70.subject_country, c70.property) == ("AFG", "district controlled")  # "overseen by the Kabul government"
    assert c188.group_key == "alias:taliban|district controlled|"


def test_reported_figures_cite_their_sources(seed_article: Article) -> None:
    afghans = _claim(seed_article, "about 9 thousand Afghans")
    assert (afghans.cited, afghans.cited_how) == (["Bloomberg", "Reuters"], "quote")
    assert (afghans.qualifier, afghans.lower, afghans.upper) == ("about", None, None)
    cnn = _claim(seed_article, "some 18 thousand Afghans")
    assert cnn.cited == ["CNN"]
    money = _claim(seed_article, "up to $240 million")
    assert (money.subject, money.unit, money.upper, money.property) == ("Pentagon", "USD", 240_000_000.0,
                                                                        "USD allocated")
    assert money.cited == []  # "media information" names nobody


def test_a_dated_figure_takes_its_date_and_citation(situation_pipeline) -> None:
    a = run(situation_pipeline, LWJ_TEXT, published=dt.date(2021, 8, 1), article_id="lwj", source="Test Wire")
    c = _claim(a, "223 districts")
    assert (c.subject, c.property, c.value) == ("Taliban", "district controlled", 223.0)
    assert (c.as_of, c.as_of_precision, c.as_of_source) == ("2021-07-31", "day", "timex")
    assert c.cited == ["Long War Journal"]
    assert c.group_key == "alias:taliban|district controlled|"


def test_russian_claims_group_with_english_ones(ru_article: Article, seed_article: Article) -> None:
    money = _claim(ru_article, "до 240 миллионов долларов")
    assert (money.subject_key, money.unit, money.property) == ("alias:pentagon", "USD", "USD allocated")
    assert money.group_key == _claim(seed_article, "up to $240 million").group_key
    soldiers = _claim(ru_article, "более 300 афганских военнослужащих")
    assert (soldiers.subject_country, soldiers.property, soldiers.lower) == ("AFG", "soldier crossed", 300.0)
    assert soldiers.as_of == "2021-07-03"


def test_json_output_carries_claims_and_event_details(seed_article: Article) -> None:
    record = article_to_dict(seed_article)
    validate(record)
    assert len(record["claims"]) == len(seed_article.figures)
    c = next(x for x in record["claims"] if x["figure_text"] == "188 counties")
    assert c["cited"] == ["Long War Journal"] and c["subject"] == "Taliban"
    ev = next(x for x in record["events"] if x["trigger"] == "introduce")
    assert ev["flags"] == {"negated": True, "future": True, "hypothetical": False, "reported": True}
    assert (ev["actor_country"], ev["actor_sector"], ev["speaker"]) == ("RUS", "GOV", "Dmitry Peskov")


@pytest.mark.parametrize(("text", "lang"), [
    # written for this test: the toll is reported on Monday in an article of Wednesday
    ("Armenia's defence ministry said on Monday that 12 Armenian servicemen were killed near Vardenis.", "en"),
    ("At least 12 Armenian soldiers were killed near Vardenis, the Armenian defence ministry said on Monday.",
     "en"),
    ("Министерство обороны Армении сообщило в понедельник, что погибли 12 армянских военнослужащих.", "ru"),
])
def test_a_reported_toll_holds_as_of_the_date_of_the_statement(situation_pipeline, text: str,
                                                               lang: str) -> None:
    a = run(situation_pipeline, text, lang, dt.date(2026, 9, 16), "statement", "Test Wire")
    [c] = [c for c in a.claims if c.property.endswith("killed")]
    assert (c.value, c.subject_country, c.as_of, c.as_of_source) == (12.0, "ARM", "2026-09-14", "timex")


def test_a_date_inside_the_reported_clause_still_dates_the_figure(situation_pipeline) -> None:
    # written for this test: "on Saturday" is the clause's own date, the statement's is Monday
    a = run(situation_pipeline, "The ministry said on Monday that 12 soldiers were killed on Saturday.", "en",
            dt.date(2026, 9, 16), "clause", "Test Wire")
    assert [(c.as_of, c.as_of_source) for c in a.claims] == [("2026-09-12", "timex")]
