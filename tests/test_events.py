"""PLOVER event coding (stage ``events``) on the seed, a Russian sentence set and single sentences.

Expected values are read off the seed article (shared/seed/000_03711a2154ad3567.txt, Inforos,
8 July 2021) and the PLOVER manual's definitions (see newswatch.stages.events.coding).
"""

from __future__ import annotations

import pytest

from newswatch.model import Article, Event
from newswatch.stages.events.lexicon import PLOVER_TYPES, TriggerLexicon

from situation_helpers import run


def _find(article: Article, trigger: str, type_: str | None = None) -> Event:
    hits = [e for e in article.events if trigger in e.trigger and (type_ is None or e.type == type_)]
    assert hits, f"no event with trigger {trigger!r}: {[(e.type, e.trigger) for e in article.events]}"
    return hits[0]


# -- lexicons --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_lexicons_load_and_use_only_plover_types(lang: str) -> None:
    lex = TriggerLexicon.load(lang)
    types = {e.type for entries in lex.triggers.values() for e in entries}
    assert types <= set(PLOVER_TYPES)
    assert {"CONSULT", "RETREAT", "REQUEST", "MOBILIZE", "ASSAULT", "AID"} <= types


def test_lexicon_rejects_an_unknown_key() -> None:
    data = {"language": "en", "verbs": {}, "triggers": [{"lemma": "meet", "pos": "VERB", "type": "CONSULT",
                                                       "recipeint": ["obj"]}]}
    with pytest.raises(ValueError, match="unknown keys"):
        TriggerLexicon.from_dict(data)


# -- the seed ------------------------------------------------------------------------------------


def test_putin_talks_with_rahmon_and_mirziyoyev_is_consult(seed_article: Article) -> None:
    ev = _find(seed_article, "had talks")
    assert ev.type == "CONSULT"
    assert (ev.actor, ev.actor_country, ev.actor_sector) == ("Vladimir Putin", "RUS", "GOV")
    assert [(p.canonical, p.country) for p in ev.recipients] == [("Emomali Rahmon", "TJK"),
                                                                   ("Shavkat Mirziyoyev", "UZB")]
    # "The Minister recalled that ..." — reported by Lavrov
    assert ev.reported and ev.speaker == "Sergei Lavrov"
    assert ev.date_precision == "fuzzy"  # "the other day"


def test_americans_leaving_bagram_on_july_1_is_retreat_withdraw(seed_article: Article) -> None:
    ev = _find(seed_article, "leave", "RETREAT")
    assert (ev.mode, ev.actor_country) == ("withdraw", "USA")
    assert (ev.place, ev.place_key) == ("Bagram Airfield", "newswatch:bagram-airfield")
    assert (ev.date, ev.date_precision, ev.date_source) == ("2021-07-01", "day", "timex")
    assert not (ev.negated or ev.future or ev.hypothetical)


def test_handing_over_the_base_to_the_andsf_is_retreat_with_the_andsf_as_recipient(seed_article: Article) -> None:
    ev = _find(seed_article, "hand", "RETREAT")
    assert ev.recipient == "Afghan National Defense and Security Forces"
    assert (ev.recipient_country, ev.recipient_sector) == ("AFG", "MIL")


def test_afghan_soldiers_retreating_to_tajikistan_on_july_3(seed_article: Article) -> None:
    ev = _find(seed_article, "retreated")
    assert (ev.type, ev.actor_country, ev.actor_sector) == ("RETREAT", "AFG", "MIL")
    assert ev.place == "Tajikistan"
    assert ev.date == "2021-07-03"


def test_taliban_offensive_is_assault_by_a_rebel_actor(seed_article: Article) -> None:
    ev = _find(seed_article, "offensive")
    assert ev.type == "ASSAULT"
    assert (ev.actor, ev.actor_country, ev.actor_sector) == ("Taliban", "AFG", "REB")


def test_moscow_not_introducing_a_contingent_is_negated_mobilize_reported_by_peskov(seed_article: Article) -> None:
    ev = _find(seed_article, "introduce")
    assert (ev.type, ev.mode) == ("MOBILIZE", "troops")
    assert (ev.actor, ev.actor_country, ev.actor_sector) == ("Moscow", "RUS", "GOV")  # metonymy
    assert ev.negated and ev.future
    assert ev.reported and ev.speaker == "Dmitry Peskov"
    assert ev.place == "Afghanistan"  # "into the DRA"


def test_americans_asking_three_states_to_accept_afghans_is_request_assist(seed_article: Article) -> None:
    ev = _find(seed_article, "asked")
    assert (ev.type, ev.mode, ev.actor_country) == ("REQUEST", "assist", "USA")
    assert [p.country for p in ev.recipients] == ["TJK", "KAZ", "UZB"]
    assert ev.reported and ev.speaker == "Bloomberg"


def test_pentagon_intending_to_allocate_for_military_facilities_is_future_mobilize(seed_article: Article) -> None:
    # MOBILIZE, not AID: the money builds the Pentagon's own facilities; nothing accrues to a
    # recipient, and PLOVER's AID requires one (see the stage report).
    ev = _find(seed_article, "allocate")
    assert (ev.type, ev.actor, ev.actor_country, ev.actor_sector) == ("MOBILIZE", "Pentagon", "USA", "MIL")
    assert ev.future and not ev.negated
    assert ev.place == "Uzbekistan"


def test_announced_aid_is_coded_agree_with_the_intended_type(seed_article: Article) -> None:
    # "Russia will provide the necessary financial aid ... primarily to Tajikistan" (according
    # to the media): PLOVER codes announced cooperation as AGREE.
    ev = _find(seed_article, "provide")
    assert (ev.type, ev.intended, ev.actor_country) == ("AGREE", "AID", "RUS")
    assert ev.recipient_country == "TJK"
    assert ev.reported and ev.speaker is None


def test_conditional_taliban_occupation_is_hypothetical(seed_article: Article) -> None:
    ev = _find(seed_article, "occupy")
    assert (ev.type, ev.mode, ev.actor) == ("COERCE", "seize", "Taliban")
    assert ev.hypothetical and not ev.future


def test_seed_events_point_into_the_text(seed_article: Article) -> None:
    text = seed_article.text
    assert len(seed_article.events) >= 15
    for ev in seed_article.events:
        assert ev.prov.sentence_start <= ev.trigger_start < ev.prov.sentence_end
        assert text[ev.trigger_start:ev.trigger_end] in ev.trigger
        assert ev.evidence and ev.evidence in text
        assert 0 < ev.prov.confidence <= 1
        # no event without a clear actor, except violence whose author the text does not name
        # (issue 9: "the fighting caused traffic diversion" keeps an unknown actor)
        assert ev.actor_country or ev.actor_key or (
            ev.type in ("ASSAULT", "COERCE") and [p.how for p in ev.actors] == ["unknown"] and ev.actor == "unknown")


# -- Russian --------------------------------------------------------------------------------------


def test_russian_phone_call_is_consult_phone(ru_article: Article) -> None:
    ev = _find(ru_article, "разговор")
    assert (ev.type, ev.mode) == ("CONSULT", "phone")
    assert (ev.actor, ev.actor_country, ev.actor_sector) == ("Владимир Путин", "RUS", "GOV")
    assert (ev.recipient, ev.recipient_country) == ("Эмомали Рахмон", "TJK")


def test_russian_withdrawal_retreat_and_negated_mobilize(ru_article: Article) -> None:
    left = _find(ru_article, "покинули")
    assert (left.type, left.actor_country, left.place, left.date) == ("RETREAT", "USA", "Bagram Airfield",
                                                                     "2021-07-01")
    back = _find(ru_article, "отступили")
    assert (back.type, back.actor_country, back.actor_sector, back.place, back.date) == (
        "RETREAT", "AFG", "MIL", "Tajikistan", "2021-07-03")
    mob = _find(ru_article, "вводить")
    assert (mob.type, mob.actor_country, mob.negated, mob.future) == ("MOBILIZE", "RUS", True, True)
    assert mob.speaker == "Дмитрий Песков"


def test_russian_request_allocation_and_taliban_offensive(ru_article: Article) -> None:
    req = _find(ru_article, "попросили")
    assert (req.type, req.mode, req.actor_country) == ("REQUEST", "assist", "USA")
    assert [p.country for p in req.recipients] == ["TJK", "KAZ", "UZB"]
    alloc = _find(ru_article, "выделить")
    assert (alloc.type, alloc.actor_country, alloc.future) == ("MOBILIZE", "USA", True)
    off = _find(ru_article, "наступление")
    assert (off.type, off.actor_country, off.actor_sector) == ("ASSAULT", "AFG", "REB")
    assert off.actor_key == "alias:taliban"  # "талибы" → the Taliban entry of the alias file


# -- single sentences ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "type_", "actor_country", "flags"),
    [
        ("Syria says it will not accept any more refugees.", "REJECT", "SYR", ()),
        ("Iran today threatened to launch a new military offensive against Iraq.", "THREATEN", "IRN", ()),
        ("Russian troops may cross the border and attack Ukrainian positions.", "ASSAULT", "RUS", ("hypothetical",)),
        ("Israel has strengthened its forces in Lebanon.", "MOBILIZE", "ISR", ()),
        ("The French government declared that Iraq must cooperate fully with UN inspectors.", "REQUEST", "FRA", ()),
    ],
)
def test_sentence_coding(situation_pipeline, text: str, type_: str, actor_country: str,
                         flags: tuple[str, ...]) -> None:
    a = run(situation_pipeline, text, published=None)
    best = max(a.events, key=lambda e: e.prov.confidence)
    assert (best.type, best.actor_country) == (type_, actor_country)
    for f in flags:
        assert getattr(best, f)
    assert best.date is None  # no time expression and no publication date


@pytest.mark.parametrize(
    "text",
    [
        "Such negotiations are already underway.",  # generic nominal
        "The weather was fine and the markets were calm.",  # no trigger
    ],
)
def test_no_clear_actor_no_event(situation_pipeline, text: str) -> None:
    assert run(situation_pipeline, text).events == []


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("The fighting caused traffic diversion on the road.", None),  # no actor
        ("At least three civilians have been killed in a car bombing.", "explosives"),  # passive, no agent
    ],
)
def test_unnamed_violence_keeps_an_unknown_actor(situation_pipeline, text: str, mode: str | None) -> None:
    # issue 9: violence whose author is not named is one ASSAULT with an unknown actor, not dropped
    evs = run(situation_pipeline, text).events
    assert [(e.type, e.mode, e.actor, e.actor_country) for e in evs] == [("ASSAULT", mode, "unknown", None)]
    assert [p.how for p in evs[0].actors] == ["unknown"]


@pytest.mark.parametrize(
    ("text", "actor_country"),
    [
        # own wording: the country is a pre-modifier of the name, or of the title before it
        ("The US Congress rejected the proposal on Monday.", "USA"),
        ("U.S. Secretary of State Marcus Hollander met Kenyan officials in Nairobi.", "USA"),
    ],
)
def test_a_country_before_a_name_or_its_title_is_the_actor_country(situation_pipeline, text: str,
                                                                   actor_country: str) -> None:
    a = run(situation_pipeline, text, published=None)
    best = max(a.events, key=lambda e: e.prov.confidence)
    assert best.actor_country == actor_country


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # own wording: an event noun spoken of only as a possibility did not happen (yet)
        ("en", "Officials warned of Russian attacks on the embassy."),
        ("en", "Kyiv fears a Russian offensive in the south."),
        ("en", "The ministry warned of a possible Russian attack on the port."),
        ("ru", "Киев опасается российского удара по Одессе."),
        ("ru", "Сохраняется угроза российских ударов по Одессе."),
        ("ru", "Российский удар по Одессе вероятен."),
    ],
)
def test_an_attack_spoken_of_as_a_possibility_is_hypothetical(situation_pipeline, lang: str, text: str) -> None:
    evs = [e for e in run(situation_pipeline, text, lang).events if e.type == "ASSAULT"]
    assert [(e.actor_country, e.hypothetical) for e in evs] == [("RUS", True)]


@pytest.mark.parametrize(
    "text",
    [
        "The threat of terrorist attacks on the airport remains high.",
        "Commanders said an attack is highly likely in the next two days.",
    ],
)
def test_a_possible_attack_with_no_named_attacker_is_not_coded(situation_pipeline, text: str) -> None:
    assert [e for e in run(situation_pipeline, text).events if e.type == "ASSAULT"] == []


def test_an_attack_that_happened_stays_asserted(situation_pipeline) -> None:
    evs = run(situation_pipeline, "Russian forces attacked the port on Thursday.").events
    assert [(e.type, e.actor_country, e.hypothetical) for e in evs] == [("ASSAULT", "RUS", False)]


@pytest.mark.parametrize(
    ("lang", "text", "actor", "sector"),
    [
        # own wording: people named by a common noun protest; their sector is kept, no country
        ("en", "Thousands of students marched through the capital to demand the release of prisoners.",
         "students", "EDU"),
        ("en", "Residents protested outside the town hall against the closure of the market.", "Residents", "CVL"),
        ("ru", "Жители села перекрыли трассу в знак протеста.", "Жители села", "CVL"),
        ("ru", "Рабочие завода объявили забастовку.", "Рабочие завода", "LAB"),
    ],
)
def test_a_protest_by_people_named_by_a_common_noun_is_coded(situation_pipeline, lang: str, text: str,
                                                             actor: str, sector: str) -> None:
    evs = [e for e in run(situation_pipeline, text, lang).events if e.type == "PROTEST"]
    assert [(p.text, p.sector, p.country) for e in evs for p in e.actors] == [(actor, sector, None)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # own wording: to demonstrate something is to show it; shares are not a protest
        ("en", "Russia convincingly demonstrated its resolve."),
        ("en", "The alliance has demonstrated that it can act quickly."),
        ("en", "Stocks rallied on Monday after the announcement."),
        ("en", "Police officers demonstrated the new equipment to reporters."),
        ("ru", "Акции Bayer подешевели на бирже."),
        ("ru", "Компания демонстрирует рост прибыли."),
    ],
)
def test_words_that_only_look_like_a_protest_are_not_one(situation_pipeline, lang: str, text: str) -> None:
    assert [e.type for e in run(situation_pipeline, text, lang).events if e.type == "PROTEST"] == []


@pytest.mark.parametrize("which", ["seed_article", "ru_article"])
def test_token_lookups_by_offset_match_a_scan_of_the_tokens(which: str, request) -> None:
    from newswatch.text.syntax import DocView

    article: Article = request.getfixturevalue(which)
    view = DocView.build(article)
    starts = [t.start for t in article.tokens]
    assert starts == sorted(starts) and [t.i for t in article.tokens] == list(range(len(starts)))
    spans = [(e.start, e.end) for e in article.entities] + [(0, 0), (5, 2), (0, len(article.text) + 1)]
    assert spans and len(article.entities) > 3
    for lo, hi in spans:
        assert list(view.starting_in(lo, hi)) == [t.i for t in article.tokens if lo <= t.start < hi]
        assert view.first_from(lo) == next((t.i for t in article.tokens if t.start >= lo), None)
    assert view.first_from(len(article.text) + 1) is None
    first_ent = min(article.entities, key=lambda e: e.start)
    assert article.tokens[view.starting_in(first_ent.start, first_ent.end)[0]].start == first_ent.start


# -- actor grammar (issue 9) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "trigger", "actor", "country"),
    [
        # rss_afghanistan_2021, rss-211797eb9ed03b6f: the person's title is an appositive; the
        # country possessing the organisation in it is his (the alias file's Taliban is AFG)
        ("en", "Noor Wali Mehsud, the leader of Pakistan's Tehrik-i-Taliban, discusses the group's relationship "
               "with Afghanistan's Taliban in his first television interview.", "discusses", "Noor Wali Mehsud", "PAK"),
        # nerel_ru_wikinews: the name stands in apposition to its title ("губернатор Алтайского края")
        ("ru", "Собравшихся жителей и именитых гостей приветствовал губернатор Алтайского края Виктор Томенко:",
         "приветствовал", "Виктор Томенко", "RUS"),
        # nerel_ru_wikinews, nerel-test-186842: a country adjective on the appositive title
        ("ru", "Китайская актриса Фань Бинбин согласилась на штраф в размере 129 млн долларов (около 884 млн юаней) "
               "за уклонение от уплаты налогов.", "согласилась", "Фань Бинбин", "CHN"),
    ],
)
def test_an_appositive_title_gives_a_person_its_country(situation_pipeline, lang: str, text: str, trigger: str,
                                                        actor: str, country: str) -> None:
    ev = _find(run(situation_pipeline, text, lang), trigger)
    assert [(p.text, p.country) for p in ev.actors] == [(actor, country)]


@pytest.mark.parametrize(
    ("lang", "text", "trigger", "actor"),
    [
        # nerel_ru_wikinews, nerel-test-186842 (the same actress, later in the article, with no title)
        ("ru", "3 октября 2018 года Фань Бинбин признала вину.", "признала", "Фань Бинбин"),
        # own wording: where a person works is not whose they are
        ("en", "John Smith, a reporter in Moscow, criticized the decision.", "criticized", "John Smith"),
    ],
)
def test_a_person_without_a_country_in_an_appositive_title_keeps_none(situation_pipeline, lang: str, text: str,
                                                                      trigger: str, actor: str) -> None:
    ev = _find(run(situation_pipeline, text, lang), trigger)
    assert [(p.text, p.country) for p in ev.actors] == [(actor, None)]


def test_the_author_of_a_condemned_act_is_the_recipient(situation_pipeline) -> None:
    # wh_statements_2021, readout of President Biden's call with Prime Minister Netanyahu (2021-05-12):
    # "attacks by Hamas" names who is condemned
    text = ("President Biden spoke today with Israeli Prime Minister Benjamin Netanyahu. He condemned the rocket "
            "attacks by Hamas and other terrorist groups, including against Jerusalem and Tel Aviv.")
    ev = _find(run(situation_pipeline, text), "condemned", "ACCUSE")
    assert ev.actor_country == "USA"
    assert [p.text for p in ev.recipients] == ["Hamas"]


@pytest.mark.parametrize(
    ("lang", "text", "trigger", "recipient"),
    [
        # own wording (no threat with an "against" object in shared/corpus): the threatened act's
        # "against" object is the target
        ("en", "Moscow threatened retaliatory measures against Lithuania.", "threatened", "Lithuania"),
        ("ru", "Москва пригрозила ответными мерами против Литвы.", "пригрозила", "Литвы"),
    ],
)
def test_the_target_of_a_threatened_act_is_the_recipient(situation_pipeline, lang: str, text: str, trigger: str,
                                                         recipient: str) -> None:
    ev = _find(run(situation_pipeline, text, lang), trigger, "THREATEN")
    assert (ev.actor_country, [(p.text, p.country) for p in ev.recipients]) == ("RUS", [(recipient, "LTU")])


@pytest.mark.parametrize(
    ("text", "country"),
    [
        # own wording: a country name before a titled name is its country, whatever label the
        # named-entity tagger gave the possessor; "Bosnia" is Bosnia and Herzegovina
        ("Jordan's visiting King Abdullah II met the Israeli president.", "JOR"),
        ("Bosnia and Slovenia agreed to a ceasefire.", "BIH"),
    ],
)
def test_a_country_name_possessor_or_short_name_gives_the_country(situation_pipeline, text: str,
                                                                  country: str) -> None:
    best = max(run(situation_pipeline, text, published=None).events, key=lambda e: e.prov.confidence)
    assert country in {p.country for p in best.actors}


# -- lexicon additions of issue 9 (sentences of ../shared/corpus/, file and id given) ---------------


@pytest.mark.parametrize(("lang", "text", "trigger", "type_"), [
    # kremlin_en_central_asia_2021_2022 kremlin-en-68022
    ("en", "Vladimir Putin sent a message of congratulations to President of Uzbekistan Shavkat Mirziyoyev on the "
           "30th anniversary of diplomatic relations between Russia and Uzbekistan.", "sent", "SUPPORT"),
    # kremlin_en_central_asia_2021_2022 kremlin-en-67034
    ("en", "In 2000, the Russian Federation was blacklisted by the Financial Action Task Force on Money "
           "Laundering(FATF).", "blacklisted", "SANCTION"),
    # wh_statements_2021 whsr-2021-02-18-readout-of-president-joseph-r-biden-jr-call-with-governor-greg-abbott-of-texas
    ("en", "President Biden conveyed his support to the people of Texas in this trying time.", "support", "SUPPORT"),
    # rss_afghanistan_2021 rss-790829e30d503db3
    ("en", "Liverpool man trapped in Afghanistan pleads for help", "pleads", "REQUEST"),
    # nerel_ru_wikinews nerel-dev-431398_text
    ("ru", "Кроме того, СК уже возбудил уголовное дело о препятствовании деятельности избиркома в связи с похожей "
           "акцией протеста 14 июля.", "возбудил", "ACCUSE"),
    # nerel_ru_wikinews nerel-train-102645_text
    ("ru", "Национальное агентство расследований Индии предъявило обвинения гражданину страны Мохамеду Насеру, "
           "который подозревается в вербовке в группировку «Исламское государство» (ИГИЛ).", "обвинения", "ACCUSE"),
])
def test_added_triggers_code_their_plover_type(situation_pipeline, lang: str, text: str, trigger: str,
                                               type_: str) -> None:
    ev = _find(run(situation_pipeline, text, lang), trigger, type_)
    assert not (ev.negated or ev.hypothetical)


def test_a_rejected_accusation_keeps_the_embedded_blast_uncoded(situation_pipeline) -> None:
    # nerel_ru_wikinews nerel-train-132779_text: the blast is the content of the rejected accusation
    text = ("В Москве пресс-секретарь президента России Дмитрий Песков отверг все обвинения о какой-либо "
            "причастности России к взрыву в Киеве.")
    evs = run(situation_pipeline, text, "ru").events
    assert [e.type for e in evs] == ["REJECT"]
