"""Event flags a tester found wrong (events stage): the Russian simple future, negative
quantifiers, and a locative read as a target.

Every sentence is written for these tests (none comes from an evaluation set); the expected
values are read off the sentence, Russian grammar (Русская грамматика 1980: the non-past of a
perfective verb is the simple future) and the PLOVER manual (a cooperative act announced for
the future is AGREE with the act kept as ``intended``; a meeting is CONSULT).
"""

from __future__ import annotations

import datetime as dt

from newswatch.model import Article, Event

from situation_helpers import run

DAY = dt.date(2022, 9, 16)


def _typed(a: Article, type_: str) -> list[Event]:
    return [e for e in a.events if e.type == type_]


# -- 1. the Russian simple future -------------------------------------------------------------


def test_perfective_non_past_is_future_in_the_dictionary() -> None:
    from newswatch.text.morph import perfective_future

    assert perfective_future("увидятся", "увидеться") is True
    assert perfective_future("сопроводит", "сопроводить") is True
    assert perfective_future("встречаются", "встречаться") is False  # imperfective: present
    assert perfective_future("встретились", "встретиться") is False  # past
    # a short participle homograph ("он был выдвинут") read as such by the tagger
    assert perfective_future("выдвинут", "выдвинуть", tagged_finite=False) is False
    assert perfective_future("выдвинут", "выдвинуть") is True  # "их выдвинут кандидатами"


def test_russian_talks_subject_of_perfective_verb_are_announced(situation_pipeline) -> None:
    a = run(situation_pipeline, "Консультации Казахстана с Китаем состоятся в Пекине в среду.", "ru", DAY)
    ev = [e for e in a.events if e.intended == "CONSULT" or e.type == "CONSULT"]
    assert len(ev) == 1 and ev[0].future and ev[0].type == "AGREE" and ev[0].intended == "CONSULT"


def test_russian_talks_that_took_place_are_not_future(situation_pipeline) -> None:
    a = run(situation_pipeline, "Консультации Казахстана с Китаем прошли в Пекине в среду.", "ru", DAY)
    ev = _typed(a, "CONSULT")
    assert len(ev) == 1 and not ev[0].future


def test_russian_talks_that_did_not_take_place_are_denied(situation_pipeline) -> None:
    a = run(situation_pipeline, "Консультации Казахстана с Китаем так и не состоялись.", "ru", DAY)
    ev = _typed(a, "CONSULT")
    assert len(ev) == 1 and ev[0].negated


def test_english_talks_that_will_take_place_are_future(situation_pipeline) -> None:
    a = run(situation_pipeline, "Japan's talks with India will take place in Delhi on Friday.", "en", DAY)
    ev = [e for e in a.events if e.intended == "CONSULT"]
    assert len(ev) == 1 and ev[0].future and ev[0].type == "AGREE"


def test_russian_perfective_meeting_verb_is_a_future_consult(situation_pipeline) -> None:
    a = run(situation_pipeline, "Президент Узбекистана в четверг встретится в Ташкенте с премьер-министром "
            "Индии.", "ru", DAY)
    ev = [e for e in a.events if e.trigger == "встретится"]
    assert len(ev) == 1 and ev[0].future and ev[0].type == "AGREE" and ev[0].intended == "CONSULT"


def test_russian_talks_that_will_not_take_place_are_refused_by_no_one(situation_pipeline) -> None:
    a = run(situation_pipeline, "Консультации Казахстана с Китаем в среду не состоятся.", "ru", DAY)
    ev = [e for e in a.events if e.trigger == "Консультации"]
    assert len(ev) == 1 and ev[0].type == "CONSULT" and ev[0].negated and ev[0].future


# -- 2. a negative quantifier on a participant denies the event -------------------------------


def test_killing_no_civilians_is_a_denied_killing(situation_pipeline) -> None:
    a = run(situation_pipeline, "Turkish jets bombed rebel positions, killing no civilians.", "en", DAY)
    kill = [e for e in a.events if e.trigger == "killing"]
    bomb = [e for e in a.events if e.trigger == "bombed"]
    assert len(kill) == 1 and kill[0].negated
    assert len(bomb) == 1 and not bomb[0].negated  # the bombing itself is asserted


def test_detaining_no_journalists_is_denied(situation_pipeline) -> None:
    a = run(situation_pipeline, "The army said Turkish troops detained no journalists.", "en", DAY)
    ev = _typed(a, "COERCE")
    assert len(ev) == 1 and ev[0].negated


def test_unnamed_killing_of_no_civilians_is_not_asserted(situation_pipeline) -> None:
    # no named attacker and a denied killing: nothing in the sentence vouches for a happening
    a = run(situation_pipeline, "Officials told state media that no civilians were killed.", "en", DAY)
    assert not [e for e in _typed(a, "ASSAULT") if not e.negated]


# -- 3. a Russian locative is the place of an attack, never its target ------------------------


def test_russian_locative_after_shelling_is_not_the_target(situation_pipeline) -> None:
    a = run(situation_pipeline, "Семь человек погибли в результате обстрела рынка в городе Мариб на юго-западе "
            "Йемена.", "ru", DAY)
    ev = _typed(a, "ASSAULT")
    assert ev and all("западе" not in p.text for e in ev for p in e.recipients)
    assert {e.place for e in ev} == {"Ma'rib"}


def test_russian_locative_of_a_shelling_subject_is_not_the_target(situation_pipeline) -> None:
    a = run(situation_pipeline, "Обстрел рынка в городе Таиз на юго-западе Йемена унёс жизни пяти человек.",
            "ru", DAY)
    ev = _typed(a, "ASSAULT")
    assert ev and all("западе" not in p.text for e in ev for p in e.recipients)
