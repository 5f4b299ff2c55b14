"""The one month-name table (newswatch.text.months) and its two views."""

from newswatch.ingest.extract import load_resources, parse_dateline
from newswatch.stages.timexes import load_lexicon
from newswatch.text.months import dateline_months, month_table, running_text_months


def test_every_month_has_a_name_in_both_languages() -> None:
    names = {(r.month, r.lang) for r in month_table() if r.kind == "name"}
    assert names == {(m, lang) for m in range(1, 13) for lang in ("en", "ru")}


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
