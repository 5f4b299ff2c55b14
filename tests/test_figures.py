"""Figures stage: values, units, counted nouns and hedges on the seed, Russian and WH texts."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from newswatch.model import Article, Figure
from newswatch.stages.figures import FigureStage, bounds
from newswatch.stages.timexes import TimexStage

from conftest import SEED_PUBLISHED

RU_PUBLISHED = dt.date(2021, 7, 8)
#: Sentences written for these tests, modelled on the seed's events.
RU_TEXT = (
    "7 июля министр иностранных дел России Сергей Лавров заявил, что американские войска "
    "уйдут в конце августа, хотя Байден обещал вывести их к 11 сентября. На днях границу "
    "пересекли свыше 300 военных. США попросили принять около 9 тыс. афганцев, на что "
    "выделят 240 млн долларов. Потери превысили 1,5 тыс. человек, а 20% территории уже под "
    "контролем талибов. В 2021 году в лагерь прибыли от 10 до 15 человек."
)
OBAMA_TITLE = "Семья Обамы приобрела дом в Вашингтоне за 8,1 млн долларов"


@pytest.fixture(scope="module")
def stage():
    """Runs the timexes stage, then the figures stage (figures read ``article.timexes``)."""
    tx, st = TimexStage(), FigureStage()
    tx.initialize()
    st.initialize()

    def run(a: Article) -> Article:
        return st(tx(a))

    return run


@pytest.fixture(scope="module")
def seed_figs(analyse, stage, seed_body) -> list[Figure]:
    a = analyse(seed_body, "en", SEED_PUBLISHED)
    stage(a)
    return a.figures


@pytest.fixture(scope="module")
def ru_figs(analyse, stage) -> list[Figure]:
    a = analyse(RU_TEXT, "ru", RU_PUBLISHED)
    stage(a)
    return a.figures


def _wh(shared_dir: Path, record_id: str) -> dict:
    with open(shared_dir / "corpus" / "wh_afghanistan_2021" / "articles.jsonl", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["id"] == record_id:
                return rec
    raise AssertionError(record_id)


def _one(figs: list[Figure], needle: str) -> Figure:
    found = [f for f in figs if needle in f.text]
    assert len(found) == 1, (needle, [f.text for f in figs])
    return found[0]


# --------------------------------------------------------------------------- seed (English)
@pytest.mark.parametrize("number", ["188", "135", "70"])
def test_seed_district_counts_all_count_counties(seed_figs, number):
    f = next(f for f in seed_figs if f.text.split()[0] == number)
    assert f.value == float(number)
    assert f.counted == "county"
    assert f.qualifier == "exact"
    assert f.lower == f.upper == float(number)
    assert f.unit is None


def test_seed_elided_counts_point_at_the_antecedent_noun(seed_figs, seed_body):
    f135 = next(f for f in seed_figs if f.text == "135")
    assert seed_body[f135.counted_start:f135.counted_end] == "counties"
    assert f135.prov.confidence < next(f for f in seed_figs if f.text == "188 counties").prov.confidence


def test_seed_over_300_people(seed_figs):
    f = _one(seed_figs, "300")
    assert (f.text, f.value, f.qualifier, f.lower, f.upper, f.counted) == (
        "over 300 people", 300.0, "over", 300.0, None, "person")


def test_seed_verb_hedge_exceeds_one_thousand(seed_figs):
    f = _one(seed_figs, "one thousand")
    assert (f.value, f.qualifier, f.lower, f.upper, f.counted) == (1000.0, "over", 1000.0, None, "person")


def test_seed_about_9_thousand_afghans(seed_figs):
    f = _one(seed_figs, "9 thousand")
    assert (f.value, f.qualifier, f.counted) == (9000.0, "about", "Afghan")
    assert (f.lower, f.upper) == (None, None)  # approximate: no bounds the text does not give


def test_seed_some_18_thousand(seed_figs):
    f = _one(seed_figs, "18 thousand")
    assert (f.value, f.qualifier, f.counted) == (18000.0, "about", "Afghan")


def test_seed_almost_50_thousand_people(seed_figs):
    f = _one(seed_figs, "50 thousand")
    assert (f.value, f.qualifier, f.lower, f.upper, f.counted) == (50000.0, "up_to", None, 50000.0, "person")


def test_seed_money_up_to_240_million_dollars(seed_figs):
    f = _one(seed_figs, "$240 million")
    assert f.text == "up to $240 million"
    assert (f.value, f.unit, f.qualifier, f.upper, f.counted) == (240_000_000.0, "USD", "up_to", 240_000_000.0, None)


def test_seed_20_countries(seed_figs):
    f = _one(seed_figs, "20 countries")
    assert (f.value, f.counted, f.qualifier) == (20.0, "country", "exact")


def test_seed_has_exactly_the_ten_figures(seed_figs):
    assert [f.value for f in seed_figs] == [300, 1000, 188, 135, 70, 240e6, 20, 9000, 18000, 50000]


@pytest.mark.parametrize("text", ["July 7", "September 11", "July 1", "July 3", "2000s"])
def test_seed_dates_are_not_figures(seed_figs, text):
    assert all(text not in f.text for f in seed_figs)


def test_seed_offsets_round_trip(seed_figs, seed_body):
    for f in seed_figs:
        assert seed_body[f.start:f.end] == f.text
        assert f.prov.stage == "figures"
        assert f.prov.sentence_start <= f.start < f.prov.sentence_end


# -------------------------------------------------------------------------------- Russian
def test_ru_over_300_soldiers(ru_figs):
    f = _one(ru_figs, "300")
    assert (f.text, f.value, f.qualifier, f.lower, f.counted) == (
        "свыше 300 военных", 300.0, "over", 300.0, "военный")


def test_ru_about_9_thousand_abbreviated(ru_figs):
    f = _one(ru_figs, "9 тыс.")
    assert (f.value, f.qualifier, f.counted) == (9000.0, "about", "афганец")


def test_ru_money_240_million_dollars(ru_figs):
    f = _one(ru_figs, "240 млн")
    assert (f.value, f.unit, f.counted, f.qualifier) == (240_000_000.0, "USD", None, "exact")


def test_ru_decimal_comma_and_verb_hedge(ru_figs):
    f = _one(ru_figs, "1,5 тыс.")
    assert (f.value, f.qualifier, f.counted) == (1500.0, "over", "человек")


def test_ru_percent_and_range(ru_figs):
    p = _one(ru_figs, "20%")
    assert (p.value, p.unit) == (20.0, "percent")
    r = _one(ru_figs, "от 10 до 15")
    assert (r.value, r.lower, r.upper, r.counted) == (10.0, 10.0, 15.0, "человек")


def test_ru_dates_and_years_are_not_figures(ru_figs):
    assert [f.value for f in ru_figs] == [300, 9000, 240e6, 1500, 20, 10]


def test_ru_wikinews_obama_house(analyse, stage, shared_dir):
    """NEREL/Wikinews article "Семья Обамы приобрела дом ... за 8,1 млн долларов"."""
    path = shared_dir / "corpus" / "nerel_ru_wikinews" / "articles.jsonl"
    with open(path, encoding="utf-8") as fh:
        rec = next(r for r in map(json.loads, fh) if r["title"] == OBAMA_TITLE)
    assert rec["published"] is None
    a = analyse(rec["text"], "ru", None)
    stage(a)
    got = [(f.text, f.value, f.unit, f.counted, f.qualifier) for f in a.figures]
    # "два года" (twice) are durations and "2017 года" a year: not figures.
    assert got == [
        ("восемью спальными комнатами", 8.0, None, "комната", "exact"),
        ("8,1 миллиона долларов", 8_100_000.0, "USD", None, "exact"),
    ]


# -------------------------------------------------------------- White House, real negatives
@pytest.mark.parametrize(
    ("record_id", "anchor", "forbidden", "expected"),
    [
        ("wh-2021-09-03-press-gaggle-by-principal-deputy-press-secretary-karine-jean-pierre-2",
         "You can also apply by calling", ["800", "621", "3362"], [(90000.0, "about", "person")]),
        ("wh-2021-07-08-press-briefing-by-press-secretary-jen-psaki-july-8-2021",
         "one of the targets as part of that lawsuit", ["230"], []),
        ("wh-2021-06-25-fact-sheet-continued-u-s-support-for-a-peaceful-stable-afghanistan",
         "Providing COVID-19 vaccines", ["19"], None),
    ],
)
def test_wh_phone_section_and_name_numbers_are_not_figures(analyse, stage, shared_dir, record_id,
                                                           anchor, forbidden, expected):
    rec = _wh(shared_dir, record_id)
    text = rec["text"]
    k = text.index(anchor)
    para = text[text.rfind("\n", 0, k) + 1:text.find("\n", k) if text.find("\n", k) > 0 else None]
    a = analyse(para, "en", dt.date.fromisoformat(rec["published"]))
    stage(a)
    for f in a.figures:
        assert not any(x in f.text.split() or f.text == x for x in forbidden), f.text
    if expected is not None:
        got = [(f.value, f.qualifier, f.counted) for f in a.figures]
        for e in expected:
            assert e in got


def test_wh_time_of_day_is_not_a_figure(analyse, stage, shared_dir):
    rec = _wh(shared_dir, "wh-2021-06-24-press-gaggle-by-principal-deputy-press-secretary-"
                          "karine-jean-pierre-aboard-air-force-one-en-route-raleigh-north-carolina")
    head = rec["text"][:rec["text"].index("MS. JEAN-PIERRE:")]
    a = analyse(head, "en", dt.date.fromisoformat(rec["published"]))
    stage(a)
    assert "3:29 P.M." in head
    assert a.figures == []


# ------------------------------------------------------------------------------ pure parts
@pytest.mark.parametrize(
    ("qualifier", "expected"),
    [("exact", (300, 300)), ("over", (300, None)), ("at_least", (300, None)), ("up_to", (None, 300)),
     ("under", (None, 300)), ("at_most", (None, 300)), ("about", (None, None))],
)
def test_bounds_come_only_from_the_words(qualifier, expected):
    assert bounds(qualifier, 300.0) == expected


def test_bounds_per_qualifier():
    assert bounds("over", 5) == (5, None)
    assert bounds("under", 5) == (None, 5)
    assert bounds("up_to", 5) == (None, 5)
    assert bounds("exact", 5) == (5, 5)


def test_unsupported_language_gives_no_figures(stage):
    a = Article(text="Über 300 Menschen", language="de")
    stage(a)
    assert a.figures == []


@pytest.mark.slow
def test_smoke_30_white_house_documents(analyse, stage, shared_dir):
    path = shared_dir / "corpus" / "wh_afghanistan_2021" / "articles.jsonl"
    with open(path, encoding="utf-8") as fh:
        recs = [json.loads(line) for line in fh][:30]
    total = 0
    for rec in recs:
        a = analyse(rec["text"], "en", dt.date.fromisoformat(rec["published"]))
        stage(a)
        for f in a.figures:
            assert a.text[f.start:f.end] == f.text
            assert f.qualifier in ("over", "under", "about", "up_to", "at_least", "at_most", "exact")
            # a unit is ISO 4217 or "percent", with " per <period>" for a rate ("$5,000 a year")
            period = r"per (?:day|week|month|year|hour|night)"
            assert f.unit is None or re.fullmatch(rf"(?:[A-Z]{{3}}|percent)(?: {period})?|{period}", f.unit)
            assert ":" not in f.text and "/" not in f.text
        total += len(a.figures)
    assert total > 300


# --- issue 13: decimal commas with multipliers, counted noun after a qualifier (own sentences) ---


@pytest.mark.parametrize(("text", "value", "unit", "counted"), [
    ("Бюджет проекта составит 2,5 млрд рублей.", 2.5e9, "RUB", None),
    ("Ущерб оценили в 2,5 млрд. рублей.", 2.5e9, "RUB", None),
    ("В поселке живут 7,8 тыс. человек.", 7800, None, "человек"),
    ("Число жителей составило 7,8 тыс.", 7800, None, None),
    ("Расходы (2,5 млрд) покроет бюджет.", 2.5e9, None, None),
    ("Долг вырос на 0,5 трлн рублей.", 5e11, "RUB", None),
])
def test_russian_decimal_comma_with_multiplier(analyse, stage, text, value, unit, counted) -> None:
    a = analyse(text, "ru", RU_PUBLISHED)
    stage(a)
    assert len(a.figures) == 1, a.figures
    f = a.figures[0]
    assert f.value == pytest.approx(value) and f.unit == unit and f.counted == counted


def test_numbered_item_in_brackets_is_still_not_a_figure(analyse, stage) -> None:
    a = analyse("Пункт (3) закона отменили.", "ru", RU_PUBLISHED)
    stage(a)
    assert a.figures == []


@pytest.mark.parametrize(("text", "counted", "qualifier", "lower", "upper"), [
    ("The army sent more than 200 soldiers to the border.", "soldier", "over", 200, None),
    ("Officials said up to 900 families were evacuated.", "family", "up_to", None, 900),
    ("As many as 900 displaced families arrived.", "family", "up_to", None, 900),
    ("Not fewer than 50 local journalists were detained.", "journalist", "at_least", 50, None),
    ("The attack killed more than 200 of the soldiers.", "soldier", "over", 200, None),
    ("No more than 40 foreign observers were admitted.", "observer", "at_most", None, 40),
    ("At least 27 soldiers were killed in the clashes.", "soldier", "at_least", 27, None),
])
def test_counted_noun_after_a_qualifier(analyse, stage, text, counted, qualifier, lower, upper) -> None:
    a = analyse(text, "en")
    stage(a)
    (f,) = a.figures
    assert (f.counted, f.qualifier, f.lower, f.upper) == (counted, qualifier, lower, upper)
    assert text[f.counted_start:f.counted_end].lower().startswith(counted[:4])


@pytest.mark.parametrize(("text", "counted", "qualifier"), [
    ("Свыше 200 военных прибыли на базу.", "военный", "over"),
    ("До 900 афганских семей эвакуировали.", "семья", "up_to"),
    ("На митинг пришли не менее 300 человек.", "человек", "at_least"),
    ("Погибли по меньшей мере 17 человек.", "человек", "at_least"),
    ("В колонне было не более 40 машин.", "машина", "at_most"),
])
def test_russian_counted_noun_after_a_qualifier(analyse, stage, text, counted, qualifier) -> None:
    a = analyse(text, "ru", RU_PUBLISHED)
    stage(a)
    (f,) = a.figures
    assert (f.counted, f.qualifier) == (counted, qualifier)


def test_span_index_answers_as_the_scan() -> None:
    from newswatch.stages.figures import FigureFinder, _SpanIndex

    spans = [(40, 52), (3, 9), (10, 11), (20, 60), (70, 71)]
    idx = _SpanIndex(spans)
    assert idx.touches(5, 7) and idx.touches(8, 12) and idx.touches(55, 65)  # inside, overlaps
    assert not idx.touches(0, 3) and not idx.touches(11, 20) and not idx.touches(60, 70)
    assert idx.touches(15, 15) is FigureFinder._inside(spans, 15, 15)  # empty: the scan decides
    for s in range(75):
        for e in range(s, 75):
            assert idx.touches(s, e) == FigureFinder._inside(spans, s, e), (s, e)
    assert not _SpanIndex([]).touches(1, 2)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_gated_block_patterns_find_what_the_patterns_find(lang: str) -> None:
    from newswatch.stages import figures as F

    finder = F.FigureFinder()
    texts = [
        "Call (202) 456-1111 or +1 202.456.1111 at 9:30 a.m., 24/7, on July 1-3 and July 4 to 5, "
        "see www.whitehouse.gov or whitehouse.gov/briefing, a G7 summit in '21, up +3.5%.",
        "Звоните 8 495 123-45-67 в 10:00, с 18 на 19 апреля и 1–2 мая, сайт kremlin.ru/events, +2,5.",
        "No numbers here at all.", "1 2 3", "",
    ]
    day_re, day_gate = finder._day_ranges[lang]
    for text in texts:
        gated = F.FigureFinder._blocked_spans(finder, Article(text=text, origin="t", language=lang))
        plain = [(m.start(), m.end()) for rx, _ in F._BLOCK_RES for m in rx.finditer(text)]
        plain += [(m.start(), m.end()) for m in day_re.finditer(text)]
        assert gated == plain
        for rx, gate in [*F._BLOCK_RES, (day_re, day_gate)]:
            if gate is not None and rx.search(text):
                assert gate.search(text)
    assert (0, 0) not in [(m.start(), m.end()) for rx, _ in F._BLOCK_RES for m in rx.finditer(texts[0])]
    assert F._BLOCK_RES[0][0].search(texts[0]).group() == "(202) 456-1111"


def test_glued_spans_are_the_glued_patterns_matches() -> None:
    from newswatch.stages.figures import _GLUED_RE, _glued_spans

    text = "G7 and COVID-19 in 5G, 1st, a--1, x‑2y, ab12cd, 1a2b, 12_3, Су-57, ²3, MiG-29s, 2021"
    assert _glued_spans(text) == [m.span() for m in _GLUED_RE.finditer(text)]
    assert [text[a:b] for a, b in _glued_spans(text)] == [
        "G7", "D-19", "5G", "1s", "x‑2", "b12", "1a", "2b", "у-57", "²3", "G-29"]
    assert _glued_spans("") == [] and _glued_spans("2021 and 7") == []
