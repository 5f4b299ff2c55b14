"""Timexes stage: a day word that is part of a name (an outlet, a programme) is no time
expression, and the same word in ordinary use still is. Sentences written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from newswatch.model import Article
from newswatch.stages.timexes import TimexStage, in_a_name

PUBLISHED = dt.date(2021, 7, 14)


@pytest.fixture(scope="module")
def stage() -> TimexStage:
    st = TimexStage()
    st.initialize()
    return st


def _values(analyse, stage, text: str, lang: str = "en") -> dict[str, str]:
    a = analyse(text, lang, PUBLISHED)
    stage(a)
    return {t.text: t.value for t in a.timexes}


@pytest.mark.parametrize("text", [
    "The report was first published by USA Today on Monday.",
    "Speaking to Russia Today, the minister said troops would leave.",
])
def test_en_outlet_name_is_no_date(analyse, stage, text):
    values = _values(analyse, stage, text)
    assert "Today" not in values
    if "Monday" in text:
        assert values["Monday"] == "2021-07-12"


def test_ru_outlet_name_is_no_date(analyse, stage):
    values = _values(analyse, stage, "Об этом сообщило агентство «Казахстан сегодня» в понедельник.",
                     "ru")
    assert "сегодня" not in values
    assert values["понедельник"] == "2021-07-12"


@pytest.mark.parametrize("text", [
    "Today, the minister said troops would leave.",
    "He said: \"Today we begin the withdrawal.\"",
    "Q    Today, on the anniversary of the ruling, what does the President plan?",
    "The minister said the talks would resume today.",
    "Сегодня министр заявил, что войска уйдут.",
])
def test_day_word_in_use_is_still_a_date(analyse, stage, text):
    lang = "ru" if "министр" in text else "en"
    values = _values(analyse, stage, text, lang)
    word = next(w for w in ("Today", "today", "Сегодня") if w in text)
    assert values[word] == "2021-07-14"


def test_in_a_name_needs_the_word_inside_the_span():
    """A name span that opens with the day word is not trusted (the model joins a sentence's
    opening 'Today' to the name after it)."""
    from newswatch.model import NerSpan

    text = "Today KAZ Minerals is the largest copper producer."
    a = Article(text=text, language="en", ner_spans=[NerSpan(0, 18, "ORG")])
    assert not in_a_name(a, 0, 5)
    text2 = "A USA Today investigation found it."
    b = Article(text=text2, language="en", ner_spans=[NerSpan(2, 11, "ORG")])
    assert in_a_name(b, 6, 11)
