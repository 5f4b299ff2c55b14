"""The one month-name table (newswatch.text.months) and its two views."""

from newswatch.ingest.extract import load_resources, parse_dateline
from newswatch.stages.timexes import load_lexicon
from newswatch.text.months import dateline_months, month_table, running_text_months


def test_every_month_has_a_name_in_every_language() -> None:
    names = {(r.month, r.lang) for r in month_table() if r.kind == "name"}
    assert names == {(m, lang) for m in range(1, 13) for lang in ("en", "ru", "de")}


def test_running_text_keeps_capitals_and_dots() -> None:
    en = running_text_months("en")
    assert en["May"] == 5 and en["Sept."] == 9 and en["Sept"] == 9 and en["Jan"] == 1
    assert "may" not in en  # the verb
    assert "Mar" not in en and en["Mar."] == 3  # bare "Mar" is a word
    ru = running_text_months("ru")
    assert ru["июля"] == 7 and ru["январём"] == 1 and ru["январем"] == 1


def test_timex_lexicon_reads_the_table() -> None:
    lex = load_lexicon()
    assert lex["en"]["months"] == running_text_months("en")
    assert lex["ru"]["months"]["августе"] == 8


def test_datelines_accept_abbreviations_in_both_languages() -> None:
    months = dateline_months()
    assert months["july"] == 7 and months["mar"] == 3 and months["дек"] == 12
    res = load_resources()
    assert parse_dateline("8 июля 2021", res.months).isoformat() == "2021-07-08"
    assert parse_dateline("Jul 8, 2021", res.months).isoformat() == "2021-07-08"


def test_german_datelines_with_the_ordinal_full_stop() -> None:
    res = load_resources()
    assert parse_dateline("19. Mai 2010", res.months).isoformat() == "2010-05-19"
    assert parse_dateline("3. Jänner 2019", res.months).isoformat() == "2019-01-03"
    assert parse_dateline("Veröffentlicht am 7. Okt. 2021", res.months).isoformat() == "2021-10-07"
    assert parse_dateline("Erschienen am: 14. März 2020, 09:30", res.months).isoformat() == "2020-03-14"
    assert "Mai" not in running_text_months("en")  # German names stay out of English text
