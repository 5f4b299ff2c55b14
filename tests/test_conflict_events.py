"""Conflict events and casualty claims on real news sentences (issue 9), English and Russian.

Sentences are quoted from ../shared/corpus/ (the article ids are in the comments); the expected
values are read off the sentences and the PLOVER manual's definitions. Two sentences are
constructed and say so: the corpus has no reciprocal accusation.
"""

from __future__ import annotations

import datetime as dt

import pytest

from newswatch.model import Article, Claim, Event, Provenance
from newswatch.storage.situation import claim_group_key

from situation_helpers import run

#: kremlin-en-67568 (10 January 2022), the sentence before and the sentence itself.
TALIBAN_BORDER = (
    "Taliban members are fighting each other along the border. In the past few weeks, "
    "approximately 11 of them were killed and more than 18 were wounded in just one section."
)


def _events(a: Article, type_: str) -> list[Event]:
    return [e for e in a.events if e.type == type_]


def _codes(parties: list) -> set[str | None]:
    return {p.country for p in parties}


def _casualties(a: Article) -> list[tuple[str, float, str | None]]:
    return [(c.property.rsplit(" ", 1)[-1], c.value, c.subject_country) for c in a.claims]


# -- unnamed attackers keep an unknown actor ---------------------------------------------------


def test_killed_without_an_attacker_is_an_assault_with_an_unknown_actor(situation_pipeline) -> None:
    a = run(situation_pipeline, TALIBAN_BORDER, "en", dt.date(2022, 1, 10))
    killed = [e for e in _events(a, "ASSAULT") if e.trigger == "killed"]
    assert len(killed) == 1
    assert (killed[0].actor, killed[0].actor_country, [p.how for p in killed[0].actors]) == (
        "unknown",
        None,
        ["unknown"],
    )
    # the fighting sentence keeps its named actor
    fighting = [e for e in _events(a, "ASSAULT") if e.trigger == "fighting"]
    assert fighting and fighting[0].actor_country == "AFG"


def test_russian_death_in_mortar_shelling_is_one_heavy_weapons_assault(situation_pipeline) -> None:
    # nerel-dev-315825: a place ("вблизи Славянска") is never the actor
    a = run(
        situation_pipeline,
        "Журналист Андреа Рокелли и его российский коллега Андрей Миронов погибли в результате "
        "миномётного обстрела вблизи Славянска на востоке Украины.",
        "ru",
        None,
    )
    assaults = _events(a, "ASSAULT")
    assert [(e.mode, e.actor) for e in assaults] == [("heavy-weapons", "unknown")]
    assert all(p.how == "unknown" for p in assaults[0].actors)


def test_russian_indefinite_personal_wounding_is_a_firearms_assault(situation_pipeline) -> None:
    # nerel-test-208557: "Его ранили стрелковым оружием" (no subject: somebody wounded him)
    a = run(
        situation_pipeline,
        "Американский военный умер от ранений, полученных во время боя в Афганистане. Его ранили "
        "стрелковым оружием во время боевых действий 13 января в районе Джаванд афганской провинции Бадгис, "
        "отмечает ведомство.",
        "ru",
        None,
    )
    wound = [e for e in _events(a, "ASSAULT") if e.trigger == "ранили"]
    assert [(e.mode, e.actor) for e in wound] == [("firearms", "unknown")]


def test_russian_arrest_in_the_passive_is_coerce_with_an_unknown_actor(situation_pipeline) -> None:
    # nerel-test-208557
    a = run(
        situation_pipeline,
        "По меньшей мере 10 боевиков ИГ убиты и 16 иностранцев арестованы, говорилось в сообщении.",
        "ru",
        None,
    )
    assert [(e.mode, e.actor) for e in _events(a, "COERCE")] == [("arrest", "unknown")]
    assert ("killed", 10.0, None) in _casualties(a) and ("detained", 16.0, None) in _casualties(a)


# -- modes and named attackers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "mode", "actor", "recipient"),
    [
        # rss-f746e7ebfc8d5e84 (BBC/CNN blurb, 2 August 2021)
        (
            "The United States has ramped up airstrikes against the Taliban in a bid to turn back the militants' "
            "advances on a number of key provincial capitals in Afghanistan, "
            "a senior Afghan security official said Monday.",
            "en",
            "aerial",
            "USA",
            "AFG",
        ),
        # nerel-train-27496: warplanes firing rockets are an air attack, on Lebanon
        (
            "В понедельник сирийские боевые самолеты выпустили ракеты по северным районам Ливана.",
            "ru",
            "aerial",
            "SYR",
            "LBN",
        ),
        # nerel-train-27496: an army shelling is artillery fire
        (
            "Это был первый случай, когда сирийская армия обстреляла предполагаемых повстанцев в Ливане, "
            "который старается соблюдать нейтралитет в гражданской войне в Сирии.",
            "ru",
            "heavy-weapons",
            "SYR",
            None,
        ),
    ],
)
def test_assault_mode_and_named_actor(
    situation_pipeline, text: str, lang: str, mode: str, actor: str, recipient: str | None
) -> None:
    a = run(situation_pipeline, text, lang, None)
    named = [e for e in _events(a, "ASSAULT") if e.actor_country == actor]
    assert named, [(e.trigger, e.actor) for e in a.events]
    assert named[0].mode == mode
    if recipient:
        assert recipient in _codes(named[0].recipients)


def test_shelling_attacks_are_heavy_weapons_and_the_place_is_no_actor(situation_pipeline) -> None:
    # kremlin-en-67331 (9 December 2021)
    a = run(
        situation_pipeline,
        "The number of shelling attacks is up, and the targeting areas are getting closer, for example, to Donetsk.",
        "en",
        dt.date(2021, 12, 9),
    )
    assert [(e.mode, e.actor) for e in _events(a, "ASSAULT")] == [("heavy-weapons", "unknown")]


# -- agreements have both parties; plural pronouns are not the actor --------------------------------


def test_the_leaders_agreed_gives_both_parties_of_the_call(situation_pipeline) -> None:
    # kremlin-en-67563 (8 January 2022): first and last sentences of the readout
    a = run(
        situation_pipeline,
        "Vladimir Putin had a telephone conversation with President of the Republic of "
        "Kazakhstan Kassym-Jomart Tokayev. The leaders agreed to maintain constant contact.",
        "en",
        dt.date(2022, 1, 8),
    )
    agree = _events(a, "AGREE")
    assert len(agree) == 1
    assert _codes(agree[0].actors) == {"RUS", "KAZ"}


def test_they_agreed_after_a_call_reaches_back_past_the_places(situation_pipeline) -> None:
    # whsr-2021-05-20 readout of the Biden–Sisi call: "in Israel and Gaza" are places, not parties
    a = run(
        situation_pipeline,
        "President Joseph R. Biden, Jr. spoke today with President Abdel Fattah Al Sisi of Egypt. "
        "The two leaders discussed efforts to achieve a ceasefire that will bring an end to the current hostilities "
        "in Israel and Gaza. They agreed that their teams would stay in constant communication toward that end and "
        "the two leaders would stay closely in touch.",
        "en",
        dt.date(2021, 5, 20),
    )
    # (Al Sisi himself has no country in the alias tables; "of Egypt" gives it beside him)
    assert [_codes(e.actors) - {None} for e in _events(a, "AGREE")] == [{"USA", "EGY"}]
    assert [_codes(e.actors) - {None} for e in _events(a, "CONSULT") if e.trigger == "discussed"] == [{"USA", "EGY"}]
    assert not _events(a, "SUPPORT")  # a ceasefire discussed is not support


def test_russian_they_agreed_are_the_speaker_and_his_host(situation_pipeline) -> None:
    # nerel-train-15608: "они" = Lukashenko (named a sentence before) and Medvedev; Sochi is a place
    a = run(
        situation_pipeline,
        "По словам самого Александра Лукашенко, речь идёт не только о применении КСОР на случай "
        "вмешательства других государств извне, но и о вмешательстве других государств изнутри ОДКБ. Он сообщил, что "
        "во время встречи с президентом России Дмитрием Медведевым в Сочи они договорились о том, что военные базы "
        "иностранных государств в странах — членах ОДКБ будут размещаться с согласия Совета глав государств ОДКБ.",
        "ru",
        None,
    )
    assert [_codes(e.actors) for e in _events(a, "AGREE")] == [{"BLR", "RUS"}]


def test_a_plural_object_pronoun_is_never_the_actor_itself(situation_pipeline) -> None:
    # first sentence: kremlin-en-67561 style (Putin's calls); the second is constructed, as in
    # the report ("one leader pressed two others"): "them" are the two presidents
    a = run(
        situation_pipeline,
        "Vladimir Putin had a telephone conversation with President of Kyrgyzstan Sadyr Japarov "
        "and President of Tajikistan Emomali Rahmon. He urged them to settle the border dispute by peaceful means.",
        "en",
        None,
    )
    req = _events(a, "REQUEST")
    assert len(req) == 1
    assert req[0].actor_country == "RUS"
    assert _codes(req[0].recipients) == {"KGZ", "TJK"}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # constructed: the corpus has no reciprocal accusation
        ("Armenia and Azerbaijan accused each other of violating the ceasefire.", "en"),
        ("Армения и Азербайджан обвинили друг друга в нарушении перемирия.", "ru"),
    ],
)
def test_reciprocal_accusations_are_two_accuse_events(situation_pipeline, text: str, lang: str) -> None:
    a = run(situation_pipeline, text, lang, None)
    pairs = sorted((e.actor_country, e.recipient_country) for e in _events(a, "ACCUSE"))
    assert pairs == [("ARM", "AZE"), ("AZE", "ARM")]


# -- dates ----------------------------------------------------------------------------------------


def test_an_event_carries_its_own_date_else_the_publication_date_marked(situation_pipeline) -> None:
    # rss-b873f846c409596b (published 29 August 2021): "on Thursday" is 26 August
    a = run(
        situation_pipeline,
        "The Department of Defense has released the names of the 13 US service members who were "
        "killed in an attack outside Kabul's airport on Thursday, as the US and other Western countries raced to "
        "evacuate their citizens and allies out of Afghanistan.",
        "en",
        dt.date(2021, 8, 29),
    )
    attack = _events(a, "ASSAULT")
    assert [(e.date, e.date_source) for e in attack] == [("2021-08-26", "timex")]
    # kremlin-en-67438 (23 December 2021): no time expression
    b = run(situation_pipeline, "A bloody coup, people were killed and burned alive.", "en", dt.date(2021, 12, 23))
    assert [(e.date, e.date_source) for e in _events(b, "ASSAULT")] == [("2021-12-23", "publication")]


# -- casualty claims: same property names, per-side series --------------------------------------


def test_two_sides_tolls_in_one_english_sentence_are_two_series(situation_pipeline) -> None:
    # rss-e4a49aa7adaa164c (28 August 2021): the airport is where, not whose
    a = run(
        situation_pipeline,
        "The terror group ISIS-K has claimed responsibility for the deadly bombing attack outside "
        "Kabul airport which killed 13 US troops and more than 90 Afghans.",
        "en",
        dt.date(2021, 8, 28),
    )
    assert _casualties(a) == [("killed", 13.0, "USA"), ("killed", 90.0, "AFG")]
    assert len({c.group_key for c in a.claims}) == 2


def test_two_sides_tolls_in_one_russian_sentence_are_two_series(situation_pipeline) -> None:
    # nerel-train-124044
    a = run(
        situation_pipeline,
        "В пятницу в Восточном Иерусалиме рядом с Храмовой горой были убиты трое палестинцев и трое израильтян.",
        "ru",
        None,
    )
    assert _casualties(a) == [("killed", 3.0, "PSE"), ("killed", 3.0, "ISR")]
    assert len({c.group_key for c in a.claims}) == 2


def test_of_them_gives_the_side_of_the_antecedent(situation_pipeline) -> None:
    a = run(situation_pipeline, TALIBAN_BORDER, "en", dt.date(2022, 1, 10))
    assert _casualties(a) == [("killed", 11.0, "AFG"), ("wounded", 18.0, "AFG")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # nerel-train-124044: "получили ранения" is wounded, like English "were wounded"
        (
            "Три палестинца были убиты, сотни человек получили ранения в результате столкновений.",
            [("killed", 3.0, "PSE"), ("wounded", 100.0, None)],
        ),
        # nerel-train-132779: the parser hangs "четыре человека" on "погиб"; "ранены" is their verb
        (
            "В результате взрыва в среду, 25 октября 2017 года, в Киеве погиб полицейский и ранены четыре человека, "
            "включая депутата Верховной Рады Игоря Мосийчука, сообщило МВД Украины.",
            [("wounded", 4.0, None)],
        ),
        # nerel-train-129439: "унёс жизни" is killed
        ("Повстанцы «Талибана» утверждают, что взрыв унёс жизни семерых солдат.", [("killed", 7.0, None)]),
    ],
)
def test_russian_casualty_properties(situation_pipeline, text: str, expected: list) -> None:
    assert _casualties(run(situation_pipeline, text, "ru", None)) == expected


def test_subject_less_figures_are_never_one_group_across_articles(situation_pipeline) -> None:
    # nerel-train-15213 style toll with no subject, stored from two articles
    text = "В результате один человек погиб, еще 15 получили ранения."
    claims: list[Claim] = []
    for art_id in ("a1", "a2"):
        a = run(situation_pipeline, text, "ru", None, art_id)
        wounded = [c for c in a.claims if c.property.endswith("wounded")]
        assert [(c.value, c.subject) for c in wounded] == [(15.0, None)]
        claims.append(wounded[0])
    k1, _ = claim_group_key(claims[0], {}, {}, "a1@0")
    k2, _ = claim_group_key(claims[1], {}, {}, "a2@0")
    assert k1 != k2
    # a claim with a subject keeps the shared key
    with_subject = Claim(
        "3",
        0,
        1,
        Provenance("claims", "2", 1.0, 0, 1),
        3.0,
        property="палестинец killed",
        subject="палестинцев",
        subject_country="PSE",
    )
    assert claim_group_key(with_subject, {}, {}, "a1@0") == claim_group_key(with_subject, {}, {}, "a2@9")


def test_a_date_of_another_clause_does_not_date_the_shootings(situation_pipeline) -> None:
    # kremlin-en-67123 (18 November 2021): "A year ago" dates the mediation, not the shootings;
    # the border they happened on is no recipient
    a = run(
        situation_pipeline,
        "A year ago, Russia's vigorous mediation efforts helped curb the conflict in Nagorno-Karabakh, but the recent "
        "shootings on the Armenian-Azerbaijani border have shown that the region has not yet fully stabilised.",
        "en",
        dt.date(2021, 11, 18),
    )
    shootings = [e for e in _events(a, "ASSAULT") if e.trigger == "shootings"]
    assert [(e.mode, e.actor, e.recipients, e.date, e.date_source) for e in shootings] == [
        ("firearms", "unknown", [], "2021-11-18", "publication")
    ]


def test_a_leader_named_with_of_country_is_a_recipient_of_that_country(situation_pipeline) -> None:
    # whsr-2021-05-20
    a = run(
        situation_pipeline,
        "President Joseph R. Biden, Jr. spoke today with President Abdel Fattah Al Sisi of Egypt.",
        "en",
        dt.date(2021, 5, 20),
    )
    consult = _events(a, "CONSULT")
    assert [(e.actor_country, e.recipient_country, e.date, e.date_source) for e in consult] == [
        ("USA", "EGY", "2021-05-20", "timex")
    ]


def test_ministers_of_two_countries_are_both_parties(situation_pipeline) -> None:
    # constructed from the wording (no such sentence in the corpus); signing a formal
    # agreement stays SUPPORT, as CAMEO 057 maps to PLOVER (lexicon) — what matters here is both parties
    a = run(
        situation_pipeline,
        "The defence ministers of Armenia and Azerbaijan signed a memorandum on pulling back units.",
        "en",
        None,
    )
    signed = [e for e in a.events if e.trigger == "signed"]
    assert len(signed) == 1 and _codes(signed[0].actors) == {"ARM", "AZE"}


@pytest.mark.parametrize(
    ("text", "lang", "side"),
    [
        # constructed (the corpus has no official counting "our" losses)
        ("The Armenian defence ministry said that five of our servicemen were killed.", "en", "ARM"),
        ("Министерство обороны Азербайджана сообщило, что погибли двое наших военнослужащих.", "ru", "AZE"),
    ],
)
def test_our_losses_are_the_speakers_side(situation_pipeline, text: str, lang: str, side: str) -> None:
    a = run(situation_pipeline, text, lang, None)
    assert [(k, s) for k, _, s in _casualties(a)] == [("killed", side)]


def test_clashes_between_two_groups_take_them_as_actors(situation_pipeline) -> None:
    # rss-567332bbd3c8f978 (3 September 2021): "between" hangs on "erupted"; Afghanistan is a place here
    a = run(
        situation_pipeline,
        "Fighting in Afghanistan's last major holdout against Taliban rule continued through Friday after heavy "
        "clashes erupted overnight between Taliban fighters and an anti-Taliban group, according to Taliban sources.",
        "en",
        dt.date(2021, 9, 3),
    )
    assert [(e.trigger, e.actor_country) for e in _events(a, "ASSAULT")] == [("clashes", "AFG")]


def test_a_refusal_targets_whom_the_refused_act_is_about(situation_pipeline) -> None:
    # nerel-train-536232: refusing to ask Putin is a rejection concerning Putin (Russia)
    a = run(situation_pipeline, "Сама Иссахар отказалась просить Путина.", "ru", None)
    reject = _events(a, "REJECT")
    assert [(e.recipient, e.recipient_country) for e in reject] == [("Владимир Путин", "RUS")]
    # kremlin-en-68669: an agreement complied with is no recipient
    b = run(situation_pipeline, "Kiev refused to comply with the Minsk agreements, and it was fine with some people.",
            "en", None)
    assert [e.recipients for e in _events(b, "REJECT")] == [[]]


def test_a_boxing_bout_is_no_unnamed_attack(situation_pipeline) -> None:
    # nerel-dev-405682: "бой" is also a bout in the ring; only violence words keep an unknown actor
    a = run(
        situation_pipeline,
        "Во вторник, 23 июля 2019 года, российский боксёр Максим Дадашев скончался в больнице от травм, которые он "
        "получил во время боя с пуэрториканцем Сабриэлем Матиасом (Subriel Matías).",
        "ru",
        None,
    )
    assert not [e for e in a.events if e.actor == "unknown"]


# -- an unnamed happening must be asserted by its clause ---------------------------------------

#: The founding article (samples/inforos_2021-07-08_russia-wont-leave-its-allies.txt): two
#: sentences that mention violence without saying it happened, and one that reports it.
SEED_DENIED = (
    "By the way, experts believe that the most dangerous thing for our country is not the unlikely "
    "direct armed aggression by illegal armed groups, but an Islamist penetration and subversive "
    "terrorist activities in the border territories of Central Asian countries."
)
SEED_CANNOT = (
    "Some experts tend to believe that the Taliban's coming to power is highly questionable, since "
    "they do not have sufficient resources to hold the occupied territories and simultaneously "
    "proceed with the offensive."
)
SEED_FIGHTING = (
    "According to the Afghan Tolo News TV channel, the fighting caused traffic diversion on the road "
    "and rail Friendship Bridge connecting across the Amu-Darya River the cities of Hairaton "
    "(Afghanistan) and Termez (Uzbekistan)."
)


@pytest.mark.parametrize("sentence", [SEED_DENIED, SEED_CANNOT])
def test_violence_in_a_denied_clause_gives_no_unnamed_event(situation_pipeline, sentence) -> None:
    a = run(situation_pipeline, sentence, "en", dt.date(2021, 7, 8))
    assert [e for e in a.events if e.actor == "unknown"] == []


def test_reported_fighting_keeps_its_unnamed_assault(situation_pipeline) -> None:
    a = run(situation_pipeline, SEED_FIGHTING, "en", dt.date(2021, 7, 8))
    assert [(e.type, e.trigger, e.actor) for e in a.events if e.actor == "unknown"] == [
        ("ASSAULT", "fighting", "unknown")]


def test_russian_past_passive_is_not_future(situation_pipeline) -> None:
    # eval/conflict-news ru01's sentence shape, worded anew: "были" is the past auxiliary of a
    # passive, never a future marker (only "будет/будут" and a Tense=Fut "быть" are)
    a = run(situation_pipeline, "В среду в районе границы были убиты двое военнослужащих.", "ru",
            dt.date(2021, 5, 1))
    killed = [e for e in a.events if e.type == "ASSAULT"]
    assert killed and not any(e.future for e in killed)


# -- the source of a report is not what its figures count -------------------------------------

#: The founding article (samples/): CNN reports the plan; the 50 thousand people are the
#: Afghans and their families, "these countries" are the Central Asian states, never CNN.
SEED_CNN = (
    "In its turn, CNN reports that Washington's plans stipulate a resettlement of some 18 thousand "
    "Afghans who worked for the United States and its allies to these countries, which will "
    "amount to almost 50 thousand people, if we count their families."
)


def test_a_reporting_outlet_is_cited_never_the_subject_of_the_figure(situation_pipeline) -> None:
    a = run(situation_pipeline, SEED_CNN, "en", dt.date(2021, 7, 8))
    fifty = [c for c in a.claims if c.value == 50000]
    assert len(fifty) == 1
    assert fifty[0].subject != "CNN" and fifty[0].cited == ["CNN"]
