"""Wrong facts a new user saw on fresh articles (issue 9, events), English and Russian.

Every sentence here is written for these tests (none comes from an evaluation set); the
expected values are read off the sentence and the PLOVER manual's definitions:

* a reciprocal fight ("fighting between A and B", "A and B clashed", "бои между A и B") has
  two attackers: two events, A → B and B → A, never one side as the sole attacker;
* a ceasefire signed by two ministers is AGREE by both countries; signing a plain agreement
  stays SUPPORT ("ratify, sign, or finalize an agreement") with both;
* the press addressed ("told reporters", "попросил журналистов") is never a recipient;
* an object pronoun coordinated with a name ("urged him and X") keeps both recipients, and
  never stands for its own clause's subject;
* an event's place is a locative of the event ("in Moscow", "near the town of X"), never a
  country inside an organisation's name ("Russia's defence ministry", "МИД России") nor the
  dateline.
"""

from __future__ import annotations

import datetime as dt

import pytest

from newswatch.model import Article, Event

from situation_helpers import run

DAY = dt.date(2022, 9, 16)


def _typed(a: Article, type_: str) -> list[Event]:
    return [e for e in a.events if e.type == type_]


def _pairs(events: list[Event]) -> set[tuple[frozenset[str | None], frozenset[str | None]]]:
    return {(frozenset(p.country for p in e.actors), frozenset(p.country for p in e.recipients)) for e in events}


# -- 1. reciprocal fighting -------------------------------------------------------------------


def test_fighting_between_two_armies_is_two_assaults_each_on_the_other(situation_pipeline) -> None:
    a = run(situation_pipeline, "Fighting between Armenian and Azerbaijani soldiers broke out overnight near "
            "the town of Jermuk.", "en", DAY)
    fights = _typed(a, "ASSAULT")
    assert _pairs(fights) == {(frozenset({"ARM"}), frozenset({"AZE"})), (frozenset({"AZE"}), frozenset({"ARM"}))}
    assert {e.place for e in fights} == {"Jermuk"}


def test_two_armies_clashed_is_two_assaults(situation_pipeline) -> None:
    a = run(situation_pipeline, "Indian troops and Chinese soldiers clashed in a disputed valley on Monday.",
            "en", DAY)
    assert _pairs(_typed(a, "ASSAULT")) == {(frozenset({"IND"}), frozenset({"CHN"})),
                                           (frozenset({"CHN"}), frozenset({"IND"}))}


def test_russian_fighting_between_two_sides_in_one_oblique_phrase(situation_pipeline) -> None:
    # both nationalities are adjectives of one instrumental phrase after "между"
    a = run(situation_pipeline, "В пятницу на границе вспыхнули бои между армянскими и азербайджанскими "
            "военными.", "ru", DAY)
    assert _pairs(_typed(a, "ASSAULT")) == {(frozenset({"ARM"}), frozenset({"AZE"})),
                                           (frozenset({"AZE"}), frozenset({"ARM"}))}


def test_russian_firefight_between_border_guards(situation_pipeline) -> None:
    a = run(situation_pipeline, "Ночью произошла перестрелка между индийскими и китайскими пограничниками.",
            "ru", DAY)
    fights = _typed(a, "ASSAULT")
    assert _pairs(fights) == {(frozenset({"IND"}), frozenset({"CHN"})), (frozenset({"CHN"}), frozenset({"IND"}))}
    assert {e.actor_sector for e in fights} == {"COP"}


def test_a_one_sided_attack_stays_one_event(situation_pipeline) -> None:
    # a guard: a fight with a target is not reciprocal
    a = run(situation_pipeline, "Russian troops shelled Kharkiv on Monday.", "en", DAY)
    shelling = _typed(a, "ASSAULT")
    assert len(shelling) == 1 and shelling[0].actor_country == "RUS" and shelling[0].recipient_country == "UKR"


# -- 2. a ceasefire signed by two ministers --------------------------------------------------


def test_ceasefire_signed_by_two_ministers_is_agree_by_both(situation_pipeline) -> None:
    a = run(situation_pipeline, "The foreign ministers of Armenia and Azerbaijan signed a truce agreement in "
            "Moscow on Saturday, Pashinyan said later.", "en", DAY)
    agree = _typed(a, "AGREE")
    assert len(agree) == 1
    assert {p.country for p in agree[0].actors} == {"ARM", "AZE"}
    assert agree[0].place == "Moscow"
    assert not _typed(a, "SUPPORT")


def test_russian_ceasefire_signed_by_two_ministers_is_agree_by_both(situation_pipeline) -> None:
    a = run(situation_pipeline, "Министры иностранных дел Армении и Азербайджана подписали в Москве соглашение "
            "о перемирии, позже сообщил Пашинян.", "ru", DAY)
    agree = _typed(a, "AGREE")
    assert len(agree) == 1
    assert {p.country for p in agree[0].actors} == {"ARM", "AZE"}
    assert "Никол Пашинян" not in {p.canonical for p in agree[0].actors}


def test_russian_office_named_with_two_countries_gives_both(situation_pipeline) -> None:
    # the tagger reads "Министры обороны" as an organisation name; its genitive countries
    # still say whose ministers they are
    a = run(situation_pipeline, "Министры обороны Армении и Азербайджана подписали соглашение о прекращении "
            "огня.", "ru", DAY)
    agree = _typed(a, "AGREE")
    assert len(agree) == 1 and {p.country for p in agree[0].actors} == {"ARM", "AZE"}


def test_a_plain_agreement_signed_stays_support_by_both(situation_pipeline) -> None:
    # a guard: PLOVER's SUPPORT includes "ratify, sign, or finalize an agreement"
    a = run(situation_pipeline, "The foreign ministers of Armenia and Azerbaijan signed a trade agreement.", "en", DAY)
    support = _typed(a, "SUPPORT")
    assert len(support) == 1 and {p.country for p in support[0].actors} == {"ARM", "AZE"}


# -- 3. the press is an audience, not a recipient ----------------------------------------------


def test_telling_reporters_to_stay_away_is_no_request(situation_pipeline) -> None:
    a = run(situation_pipeline, "The Armenian defence minister told reporters to stay away from the border.",
            "en", DAY)
    assert not _typed(a, "REQUEST")


def test_russian_asking_journalists_is_no_request(situation_pipeline) -> None:
    a = run(situation_pipeline, "Министр обороны Армении попросил журналистов покинуть приграничный район.",
            "ru", DAY)
    assert not _typed(a, "REQUEST")
    assert not any(p.sector == "JRN" for e in a.events for p in e.recipients)


def test_a_demand_told_to_journalists_is_aimed_at_the_country_named(situation_pipeline) -> None:
    # a guard: the audience is set aside, the that-clause's subject stays the recipient
    a = run(situation_pipeline, "Armenian Prime Minister Nikol Pashinyan told journalists that Azerbaijan must "
            "stop the shelling.", "en", DAY)
    req = _typed(a, "REQUEST")
    assert len(req) == 1 and req[0].actor_country == "ARM" and [p.country for p in req[0].recipients] == ["AZE"]


# -- 4. a pronoun coordinated with a name -----------------------------------------------------------


def test_urged_him_and_a_named_leader_keeps_both(situation_pipeline) -> None:
    a = run(situation_pipeline, "Kazakh President Kassym-Jomart Tokayev arrived in Moscow on Monday. Putin urged "
            "him and Shavkat Mirziyoyev to hold talks.", "en", DAY)
    req = _typed(a, "REQUEST")
    assert len(req) == 1 and req[0].actor_country == "RUS"
    assert [(p.canonical, p.country) for p in req[0].recipients] == [("Kassym-Jomart Tokayev", "KAZ"),
                                                                   ("Shavkat Mirziyoyev", "UZB")]


def test_russian_urged_him_and_a_named_leader_keeps_both(situation_pipeline) -> None:
    a = run(situation_pipeline, "Президент Казахстана Касым-Жомарт Токаев прибыл в Москву. Владимир Путин призвал "
            "его и Шавката Мирзиёева к переговорам.", "ru", DAY)
    req = _typed(a, "REQUEST")
    assert len(req) == 1 and req[0].actor_country == "RUS"
    assert [p.country for p in req[0].recipients] == ["KAZ", "UZB"]


# -- 5. the place of an event ------------------------------------------------------------------------


def test_a_place_inside_what_is_alleged_is_not_the_accusation_place(situation_pipeline) -> None:
    a = run(situation_pipeline, "The Kremlin accused Ukrainian forces of shelling the power plant in Enerhodar.",
            "en", DAY)
    acc = _typed(a, "ACCUSE")
    assert len(acc) == 1 and acc[0].actor_country == "RUS" and acc[0].recipient_country == "UKR"
    assert acc[0].place is None
    # the shelling itself happened in Enerhodar (if it is coded at all)
    assert all(e.place in (None, "Enerhodar") for e in _typed(a, "ASSAULT"))


def test_a_country_in_a_ministry_name_is_not_the_place(situation_pipeline) -> None:
    # a guard (also right before the change): the possessor is inside the actor's phrase
    a = run(situation_pipeline, "Russia's defence ministry on Tuesday accused Ukraine of shelling the nuclear "
            "plant.", "en", DAY)
    acc = _typed(a, "ACCUSE")
    assert len(acc) == 1 and acc[0].actor_country == "RUS" and acc[0].recipient_country == "UKR"
    assert acc[0].place is None


def test_a_dateline_is_neither_actor_nor_place(situation_pipeline) -> None:
    a = run(situation_pipeline, "MOSCOW, Sept 16 (Reuters) - Russia's foreign ministry on Friday accused Western "
            "countries of fuelling the conflict between Kyrgyzstan and Tajikistan.", "en", DAY)
    acc = _typed(a, "ACCUSE")
    assert len(acc) == 1
    assert acc[0].actor == "Russia's foreign ministry" and acc[0].actor_country == "RUS"
    assert acc[0].place is None
    # "Western countries" names a new set, not the parties named before it
    assert acc[0].recipients == []


def test_russian_place_inside_what_is_alleged_is_not_the_accusation_place(situation_pipeline) -> None:
    a = run(situation_pipeline, "МИД России обвинил США во вмешательстве во внутренние дела Киргизии.", "ru", DAY)
    acc = _typed(a, "ACCUSE")
    assert len(acc) == 1 and acc[0].actor_country == "RUS" and acc[0].recipient_country == "USA"
    assert acc[0].place is None


def test_a_locative_still_places_the_event(situation_pipeline) -> None:
    # a guard for the rule above: "in Sochi" is where the meeting was
    a = run(situation_pipeline, "Pashinyan met Putin in Sochi on Monday.", "en", DAY)
    met = _typed(a, "CONSULT")
    assert met and met[0].place == "Sochi"


def test_russian_ministry_named_with_its_country_after_it(situation_pipeline) -> None:
    a = run(situation_pipeline, "Министерство иностранных дел Российской Федерации обвинило Вашингтон в "
            "провокациях.", "ru", DAY)
    acc = _typed(a, "ACCUSE")
    assert len(acc) == 1 and acc[0].actor_country == "RUS" and acc[0].recipient_country == "USA"
    assert acc[0].place is None


# -- Russian coordination ------------------------------------------------------------------------


def _ru_view(words: list[tuple[str, str, str, str, int]]):
    """A DocView over hand-made Russian tokens ``(text, lemma, pos, dep, head)``."""
    from newswatch.model import Sentence, Token
    from newswatch.text.syntax import DocView

    text, toks, pos = "", [], 0
    for i, (w, lemma, upos, dep, head) in enumerate(words):
        if text:
            text += " "
            pos += 1
        toks.append(Token(i, pos, pos + len(w), w, lemma, upos, dep, head, 0))
        text += w
        pos += len(w)
    a = Article(text=text, language="ru", origin="test", id="t")
    a.tokens = toks
    a.sentences = [Sentence(0, len(text), 0, len(toks))]
    return DocView.build(a)


def test_a_russian_conjunct_with_its_own_preposition_is_not_coordinated() -> None:
    # a parse that hangs "на площади" on the sides of "между": it is where, not a third side
    v = _ru_view([("стычки", "стычка", "NOUN", "root", 0), ("между", "между", "ADP", "case", 2),
                  ("студентами", "студент", "NOUN", "nmod", 0), ("и", "и", "CCONJ", "cc", 5),
                  ("на", "на", "ADP", "case", 5), ("площади", "площадь", "NOUN", "conj", 2),
                  ("и", "и", "CCONJ", "cc", 7), ("полицией", "полиция", "NOUN", "conj", 2)])
    assert v.conjuncts(2) == [2, 7]
    # with the same preposition the conjunct stays ("в Москве и в Казани")
    w = _ru_view([("в", "в", "ADP", "case", 1), ("Москве", "москва", "PROPN", "root", 1), ("и", "и", "CCONJ", "cc", 4),
                  ("в", "в", "ADP", "case", 4), ("Казани", "казань", "PROPN", "conj", 1)])
    assert w.conjuncts(1) == [1, 4]


# -- protesters take the country where they protest --------------------------------------------


def test_unaffiliated_protesters_take_the_country_of_the_protest(situation_pipeline) -> None:
    # ACLED: "Protesters (country)"; PLOVER codes an actor as a country and a sector
    a = run(situation_pipeline, "Thousands of students marched in Yerevan on Sunday to demand the resignation of "
            "the government.", "en", DAY)
    protest = _typed(a, "PROTEST")
    assert len(protest) == 1 and (protest[0].actor_country, protest[0].actor_sector) == ("ARM", "EDU")


def test_russian_protesters_take_the_country_of_the_protest(situation_pipeline) -> None:
    a = run(situation_pipeline, "Студенты провели акцию протеста в Ереване.", "ru", DAY)
    protest = _typed(a, "PROTEST")
    assert len(protest) == 1 and (protest[0].actor_country, protest[0].actor_sector) == ("ARM", "EDU")


def test_protesters_with_no_place_keep_no_country(situation_pipeline) -> None:
    # a guard: no locative, no country
    a = run(situation_pipeline, "Hundreds of residents protested on Friday against the border deal.", "en", DAY)
    protest = _typed(a, "PROTEST")
    assert len(protest) == 1 and protest[0].actor_country is None


# -- an obligation stated by someone else is no commitment ------------------------------------------


def test_russian_obligation_is_not_the_obliged_partys_agreement(situation_pipeline) -> None:
    # "должен" is a modal frame like English "must": not Azerbaijan announcing a withdrawal
    a = run(situation_pipeline, "Министр сообщил журналистам, что Азербайджан должен отвести войска от границы.",
            "ru", DAY)
    assert not _typed(a, "AGREE")
    assert all(e.hypothetical for e in _typed(a, "RETREAT"))


def test_english_obligation_is_not_the_obliged_partys_agreement(situation_pipeline) -> None:
    # a guard: English "must" was already modal
    a = run(situation_pipeline, "The minister told journalists that Azerbaijan must withdraw its troops from the "
            "border.", "en", DAY)
    assert not _typed(a, "AGREE")
    assert all(e.hypothetical for e in _typed(a, "RETREAT"))


# -- a town modifying a violent event noun is where it happened, not who attacked -----------------


def test_a_town_compounded_with_a_bombing_is_its_place_not_its_attacker(situation_pipeline) -> None:
    a = run(situation_pipeline, "The Quetta attack killed nine policemen on Sunday.", "en", DAY)
    assault = _typed(a, "ASSAULT")
    assert assault and all(e.actor_country != "PAK" for e in assault)
    assert {e.actor for e in assault} == {"unknown"} and {e.place for e in assault} == {"Quetta"}


def test_russian_shelling_of_a_town_is_not_by_the_town(situation_pipeline) -> None:
    a = run(situation_pipeline, "Обстрел Донецка унёс жизни трёх человек.", "ru", DAY)
    assault = _typed(a, "ASSAULT")
    assert assault and {e.actor for e in assault} == {"unknown"}


def test_an_attack_by_named_forces_keeps_its_attacker(situation_pipeline) -> None:
    # a guard: "by Russian forces" names the attacker; the town is the target
    a = run(situation_pipeline, "The attack on Kyiv by Russian forces killed five.", "en", DAY)
    assault = _typed(a, "ASSAULT")
    assert len(assault) == 1 and (assault[0].actor_country, assault[0].recipient_country) == ("RUS", "UKR")


# -- 6. the dateline is where and when the story was filed --------------------------------------


def test_a_dateline_is_neither_the_attacker_nor_the_date_of_the_attack(situation_pipeline) -> None:
    # published Friday 2022-09-16; "on Wednesday" is 2022-09-14, the dateline's date the 15th
    a = run(situation_pipeline, "ADEN, Sept 15 (Gulf Wire) — A drone strike hit a fuel depot on Wednesday, "
            "killing two guards, port officials said.", "en", DAY)
    strikes = _typed(a, "ASSAULT")
    assert strikes
    assert all(p.country != "YEM" and "ADEN" not in p.canonical for e in strikes for p in e.actors)
    assert {e.date for e in strikes} == {"2022-09-14"}


@pytest.mark.parametrize("text", [
    # own wording: Russian agencies close a dated dateline with a dash or a full stop
    "ДОХА, 27 ноября — Делегации двух сторон в четверг возобновили переговоры о прекращении огня.",
    "ДОХА, 27 ноября. Делегации двух сторон в четверг возобновили переговоры о прекращении огня.",
])
def test_a_russian_dateline_is_no_party(situation_pipeline, text) -> None:
    a = run(situation_pipeline, text, "ru", DAY)
    assert all("ДОХА" not in p.canonical.upper() and p.country != "QAT"
               for e in a.events for p in [*e.actors, *e.recipients])


def test_a_russian_complement_clause_takes_no_object_from_the_main_clause(situation_pipeline) -> None:
    # own wording: the group claims it killed the soldiers; it is not what was killed
    a = run(situation_pipeline, "Группировка «Джамаат нусрат аль-ислам валь-муслимин» в своем заявлении утверждает, "
            "что убила более "
            "40 солдат и захватила четыре бронемашины.", "ru", DAY)
    assaults = _typed(a, "ASSAULT")
    assert assaults
    assert all("муслимин" not in p.canonical for e in assaults for p in e.recipients)


@pytest.mark.parametrize("text", [
    # own wording: Russian "похитить" is also "steal"; a stolen thing is no abduction
    "Мужчина, похитивший накануне картину известного художника из музея, задержан полицией.",
    "Из музея ночью было похищено ценное оборудование.",
])
def test_a_russian_theft_is_no_abduction(situation_pipeline, text) -> None:
    a = run(situation_pipeline, text, "ru", DAY)
    assert not [e for e in _typed(a, "ASSAULT") if e.mode == "abduct"]


def test_a_russian_abduction_of_people_is_still_one(situation_pipeline) -> None:
    a = run(situation_pipeline, "Неизвестные похитили журналиста в центре города.", "ru", DAY)
    assert [e.mode for e in _typed(a, "ASSAULT")] == ["abduct"]


# -- 7. who was done what to --------------------------------------------------------------------


def test_people_kidnapped_in_a_participle_clause_are_the_victims_not_the_kidnappers(situation_pipeline) -> None:
    # own wording: "X, kidnapped near Y in May, were freed": the participle modifies X, and
    # "were freed" needs X as its subject; the kidnappers are not named
    a = run(situation_pipeline, "Two Italian nurses and their Nigerien driver, kidnapped near Agadez in May, were "
            "freed on Sunday, officials said.", "en", DAY)
    grabs = [e for e in _typed(a, "ASSAULT") if e.mode == "abduct"]
    assert grabs
    assert {p.country for e in grabs for p in e.actors} == {None}  # unknown, never the nurses
    assert {"ITA"} <= {p.country for e in grabs for p in e.recipients}


def test_the_subject_of_a_passive_attack_is_its_target(situation_pipeline) -> None:
    a = run(situation_pipeline, "Four Kenyan engineers were abducted near the border on Tuesday.", "en", DAY)
    grabs = _typed(a, "ASSAULT")
    assert [(e.mode, e.actor, e.recipient_country) for e in grabs] == [("abduct", "unknown", "KEN")]


def test_victims_named_with_the_participle_keep_the_event_place(situation_pipeline) -> None:
    # own wording: the place of "killed in the ambush near Mandera" is the event's, although
    # it stands inside the victims' phrase ("the soldiers killed ...")
    a = run(situation_pipeline, "Flags flew at half-staff for the Kenyan soldiers killed in an ambush near "
            "Mandera on Sunday.", "en", DAY)
    kills = _typed(a, "ASSAULT")
    assert [(e.place, e.recipient_country) for e in kills] == [("Mandera", "KEN")]
