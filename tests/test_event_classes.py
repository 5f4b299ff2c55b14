"""Event trigger classes of the PLOVER manual v2 coded as classes, not word by word (issue 9).

Every sentence is of our own wording, or quoted from ../shared/corpus (marked so).
"""

from __future__ import annotations

import pytest

from newswatch.stages.events.lexicon import TriggerLexicon

from situation_helpers import run


@pytest.mark.parametrize(
    ("lang", "text", "mode"),
    [
        # PLOVER ASSAULT modes assassinate, torture, beat, abduct: one-sided violence whose
        # author the text does not name keeps an unknown actor, as killing and shooting do
        ("en", "A provincial governor was assassinated on Friday.", "targeted"),
        ("en", "The journalist was tortured in custody.", "torture"),
        ("en", "Two policemen were stabbed near the market.", "beat"),
        ("ru", "Журналист был похищен в Латакии.", "abduct"),
        ("ru", "Задержанного избили в отделении полиции.", "beat"),
    ],
)
def test_one_sided_violence_with_no_named_author_keeps_an_unknown_actor(situation_pipeline, lang: str,
                                                                       text: str, mode: str) -> None:
    evs = run(situation_pipeline, text, lang).events
    assert [(e.type, e.mode, e.actor) for e in evs] == [("ASSAULT", mode, "unknown")]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "A prisoner died under torture in a police station."),
        ("ru", "Заключенный погиб от пыток."),
    ],
)
def test_a_death_under_torture_is_an_assault(situation_pipeline, lang: str, text: str) -> None:
    evs = run(situation_pipeline, text, lang).events
    assert [(e.type, e.actor) for e in evs] == [("ASSAULT", "unknown")]


@pytest.mark.parametrize(
    ("lang", "text", "type_", "country"),
    [
        # the subject of a verb of taking part did the act the event noun names
        ("en", "Russian troops took part in the fighting near the border.", "ASSAULT", "RUS"),
        ("en", "Taliban fighters were engaged in fighting with Afghan forces.", "ASSAULT", "AFG"),
        ("en", "Officials of Russia and China took part in the talks in Moscow.", "CONSULT", None),
        ("ru", "Таджикские пограничники приняли участие в боях на границе.", "ASSAULT", "TJK"),
        ("ru", "Военнослужащие России приняли участие в учениях в Таджикистане.", "MOBILIZE", "RUS"),
    ],
)
def test_taking_part_in_an_event_makes_the_subject_its_actor(situation_pipeline, lang: str, text: str,
                                                            type_: str, country: str | None) -> None:
    evs = run(situation_pipeline, text, lang).events
    assert len(evs) == 1
    ev = evs[0]
    assert ev.type == type_
    assert ev.actors[0].how != "unknown"
    if country is not None:
        assert ev.actor_country == country


def test_students_taking_part_in_a_protest_are_its_protesters(situation_pipeline) -> None:
    evs = run(situation_pipeline, "Thousands of students participated in the protest against the new law.").events
    assert [(e.type, e.actors[0].text, e.actors[0].sector) for e in evs] == [("PROTEST", "students", "EDU")]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # wh_statements_2021 (corpus): a call for a ceasefire names no fighting as a happening
        ("en", "We call for an immediate cessation of hostilities, unimpeded humanitarian access to all areas "
               "and the immediate withdrawal of Eritrean forces."),
        ("en", "Russia and Ukraine agreed on a halt to the shelling."),
        ("en", "The cessation of hostilities took effect at midnight."),
        ("ru", "Прекращение боевых действий вступило в силу в полночь."),
        ("ru", "Соглашение о прекращении обстрелов было подписано в Душанбе."),
    ],
)
def test_violence_said_to_be_ended_is_no_assault(situation_pipeline, lang: str, text: str) -> None:
    assert [e.type for e in run(situation_pipeline, text, lang).events if e.type == "ASSAULT"] == []


def test_a_disarmed_group_is_the_actor_of_its_disarmament(situation_pipeline) -> None:
    evs = run(situation_pipeline, "Two thousand Taliban fighters have been disarmed since the agreement.").events
    assert [(e.type, e.mode, e.actor_country) for e in evs] == [("RETREAT", "disarm", "AFG")]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_participation_and_terminative_lists_load(lang: str) -> None:
    lex = TriggerLexicon.load(lang)
    assert lex.participation and lex.participation_preps and lex.terminative_nouns
    if lang == "en":
        assert ("take", "part") in lex.participation
        assert lex.terminative_nouns["end"] == frozenset({"to"})


@pytest.mark.parametrize(
    ("lang", "text", "type_"),
    [
        # an act asked of someone else is wished for, not done, nor its doer's own intent
        ("en", "Officials encouraged Uzbekistan to welcome the Afghan refugees.", "SUPPORT"),
        ("en", "The United States encouraged Armenia and Azerbaijan to take part in the negotiations in Moscow.",
         "CONSULT"),
        # nerel_ru_wikinews (corpus): the prosecutor asked the court to find him guilty
        ("ru", "Российский прокурор попросил Тверской суд Москвы заочно приговорить руководителя фонда Hermitage "
               "Capital Management Уильяма Браудера к девяти годам тюрьмы, а также признать виновным в уклонении "
               "от уплаты налогов умершего в СИЗО аудитора фонда Сергея Магнитского.", "SUPPORT"),
    ],
)
def test_an_act_asked_of_someone_else_is_hypothetical(situation_pipeline, lang: str, text: str, type_: str) -> None:
    evs = [e for e in run(situation_pipeline, text, lang).events if e.type == type_]
    assert evs and all(e.hypothetical for e in evs)
