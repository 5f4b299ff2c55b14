"""Quotes after a wire dateline (a new user's articles): the dateline is where the story was
filed, never part of what was said and never its speaker, so a lead quote starts after it and
"He added that ..." keeps the speaker of the lead. Sentences written for these tests, in the
AP/Reuters dateline style that newswatch.text.datelines reads."""

from __future__ import annotations

import datetime as dt

from newswatch.model import Article

from situation_helpers import run

DAY = dt.date(2026, 8, 3)


def _quotes(a: Article) -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker) for q in a.quotes]


def test_a_lead_quote_starts_after_the_dateline(situation_pipeline) -> None:
    a = run(situation_pipeline, "KUNDUZ, Aug 3 (Reuters) - Insurgents have cut the highway to Kabul, Afghan "
            "police spokesman Zalmai Khan said on Tuesday.", "en", DAY)
    assert _quotes(a) == [("Insurgents have cut the highway to Kabul", "Zalmai Khan")]


def test_he_added_keeps_the_speaker_of_a_lead_after_a_dateline(situation_pipeline) -> None:
    a = run(situation_pipeline, "KUNDUZ, Aug 3 (Reuters) - Afghan army spokesman Ajmal Omar Shinwari said on "
            "Tuesday that the highway to Kabul had been reopened. He added that 40 families had returned to the "
            "city.", "en", DAY)
    assert _quotes(a) == [("the highway to Kabul had been reopened", "Ajmal Omar Shinwari"),
                          ("40 families had returned to the city", "Ajmal Omar Shinwari")]


def test_a_state_body_after_a_dateline_is_no_city(situation_pipeline) -> None:
    a = run(situation_pipeline, "ISLAMABAD, Aug 3 (Reuters) - Pakistan's foreign ministry said on Tuesday that "
            "the border crossing at Torkham would reopen.", "en", DAY)
    assert all((q.speaker or "").lower() != "islamabad" and (q.speaker_start or 99) > 25 for q in a.quotes)
    assert [q.text for q in a.quotes] == ["the border crossing at Torkham would reopen"]
