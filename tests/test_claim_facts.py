"""Issue 9: wrong or missing figure and claim facts a new user saw on fresh articles.

Every sentence here is written for these tests (English and Russian); the expected values are
read off the sentence. "A wrong fact is worse than a missing one": several tests assert that no
claim is made at all.
"""

from __future__ import annotations

import datetime as dt

import pytest

from newswatch.model import Article, Claim

from situation_helpers import run

PUBLISHED = dt.date(2026, 9, 16)


def _analyse(pipe, text: str, lang: str) -> Article:
    return run(pipe, text, lang, PUBLISHED, "facts", "Test Wire")


def _claims(a: Article) -> list[tuple[float, str]]:
    return [(c.value, c.property) for c in a.claims]


def _only(a: Article) -> Claim:
    assert len(a.claims) == 1, _claims(a)
    return a.claims[0]


# -- approximate figures keep their value, with no invented bounds ----------------------------------

@pytest.mark.parametrize(("text", "lang"), [
    ("About 300 people were evacuated from the flooded district on Sunday.", "en"),
    ("Около 300 человек эвакуировали из затопленного района в воскресенье.", "ru"),
])
def test_an_approximate_figure_has_no_bounds_the_text_does_not_give(situation_pipeline, text, lang):
    a = _analyse(situation_pipeline, text, lang)
    [f] = a.figures
    assert (f.value, f.qualifier, f.lower, f.upper) == (300.0, "about", None, None)
    c = _only(a)
    assert (c.value, c.qualifier, c.lower, c.upper, c.property) == (300.0, "about", None, None, "person evacuated")


@pytest.mark.parametrize(("text", "expected"), [
    ("Between 200 and 300 people were evacuated overnight.", (200.0, 200.0, 300.0, "exact")),
    ("More than 200 people were detained in the capital.", (200.0, 200.0, None, "over")),
    ("Up to 900 people were evacuated from the coast.", (900.0, None, 900.0, "up_to")),
])
def test_stated_bounds_are_kept(situation_pipeline, text, expected):
    c = _only(_analyse(situation_pipeline, text, "en"))
    assert (c.value, c.lower, c.upper, c.qualifier) == expected


# -- people in shelters are displaced, not deployed ---------------------------------------------

@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("About 1,200 people are staying in shelters after the storm.", "en", "person displaced"),
    ("Около 1200 человек размещены в пунктах временного размещения.", "ru", "person displaced"),
])
def test_people_in_shelters_are_displaced(situation_pipeline, text, lang, expected):
    c = _only(_analyse(situation_pipeline, text, lang))
    assert (c.value, c.property) == (1200.0, expected)


def test_troops_are_still_deployed(situation_pipeline):
    c = _only(_analyse(situation_pipeline, "Россия разместила 300 военнослужащих у границы.", "ru"))
    assert (c.value, c.property, c.subject_country) == (300.0, "soldier deployed", "RUS")


# -- measures, amounts and things are no casualties -------------------------------------------------

@pytest.mark.parametrize(("text", "lang"), [
    ("Пожар охватил 300 квадратных метров склада.", "ru"),
    ("The blaze spread over 300 square metres of the depot.", "en"),
    ("При обстреле пострадали 40 домов.", "ru"),
])
def test_a_measure_or_a_thing_is_no_casualty_claim(situation_pipeline, text, lang):
    a = _analyse(situation_pipeline, text, lang)
    assert not [c for c in a.claims if c.property.rsplit(" ", 1)[-1] in ("killed", "wounded", "displaced")]
    assert not [c for c in a.claims if c.value in (300.0, 40.0)], _claims(a)


# -- a count of known referents in a non-claim clause is no claim -----------------------------------

@pytest.mark.parametrize(("text", "lang"), [
    ("The two ministers agreed to extend the truce by a week.", "en"),
    ("Два министра договорились продлить перемирие на неделю.", "ru"),
])
def test_the_two_ministers_are_no_claim(situation_pipeline, text, lang):
    assert _analyse(situation_pipeline, text, lang).claims == []


# -- one canonical property name set for both languages ---------------------------------------------

@pytest.mark.parametrize(("text", "lang"), [
    ("Трое рабочих получили ранения при взрыве на заводе.", "ru"),
    ("Three workers were injured in a blast at the plant.", "en"),
])
def test_the_property_has_one_language(situation_pipeline, text, lang):
    c = _only(_analyse(situation_pipeline, text, lang))
    assert (c.value, c.property, c.counted is not None) == (3.0, "worker wounded", True)


# -- spelled-out numbers --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("One soldier was killed and four were wounded when the convoy was shelled.", "en",
     [(1.0, "soldier killed"), (4.0, "count wounded")]),
    ("Двое погибли, ещё девять получили ранения при обстреле рынка.", "ru",
     [(2.0, "count killed"), (9.0, "count wounded")]),
    ("Один военный погиб, восьмеро пропали без вести.", "ru",
     [(1.0, "soldier killed"), (8.0, "count missing")]),
])
def test_spelled_numbers_are_counted(situation_pipeline, text, lang, expected):
    assert _claims(_analyse(situation_pipeline, text, lang)) == expected


@pytest.mark.parametrize("text", [
    "One of them said the road was closed.",
    "One must admit that one thing is clear.",
    "One strike destroyed a bridge near the town.",
])
def test_one_that_does_not_count_is_no_figure(situation_pipeline, text):
    assert _analyse(situation_pipeline, text, "en").figures == []


# -- the as-of date is the statement's, not the start of a period -----------------------------------

@pytest.mark.parametrize(("text", "lang", "expected"), [
    # published Wednesday 16 September 2026: "on Friday" is the 11th; "since March 3" only starts the count
    ("Since March 3, 40,000 people have fled the region, the UN said on Friday.", "en", ("2026-09-11", "timex")),
    ("Since March 3, 40,000 people have been displaced by the fighting.", "en", ("2026-09-16", "publication")),
    ("С 3 марта из-за боёв были эвакуированы 40 тысяч человек.", "ru", ("2026-09-16", "publication")),
])
def test_a_period_start_is_no_as_of_date(situation_pipeline, text, lang, expected):
    c = _only(_analyse(situation_pipeline, text, lang))
    assert (c.value, c.as_of, c.as_of_source) == (40000.0, *expected)


# -- a military's report of soldiers with no nationality is of its own ------------------------------

@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("Armenia's defence ministry said two servicemen were wounded in the shelling.", "en", [(2.0, "ARM")]),
    ("Министерство обороны Армении сообщило, что ранены двое военнослужащих.", "ru", [(2.0, "ARM")]),
    ("A Taliban spokesman said 20 soldiers were killed.", "en", [(20.0, None)]),  # no military speaker
])
def test_soldiers_reported_by_a_military_are_its_own(situation_pipeline, text, lang, expected):
    a = _analyse(situation_pipeline, text, lang)
    assert [(c.value, c.subject_country) for c in a.claims] == expected


# -- a source is cited only for what it stated ------------------------------------------------------

@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("Reuters reported that 40 civilians had fled the village. Later, 12 civilians were killed in an air strike.",
     "en", [(40.0, ["Reuters"]), (12.0, [])]),
    ("Минздрав сообщил, что погибли 12 человек. Ещё 30 человек получили ранения при пожаре.",
     "ru", [(12.0, ["Минздрав"]), (30.0, [])]),
    # "It added": the antecedent machinery of the quotes stage resolves the pronoun
    ("The UN said 3,000 people had been displaced. It added that 200 people were injured.",
     "en", [(3000.0, ["United Nations"]), (200.0, ["United Nations"])]),
])
def test_a_source_is_cited_only_for_its_own_statement(situation_pipeline, text, lang, expected):
    a = _analyse(situation_pipeline, text, lang)
    assert [(c.value, c.cited) for c in a.claims] == expected


def test_the_dateline_date_is_not_the_as_of_date(situation_pipeline) -> None:
    # own wording; published Friday 2022-09-16: the deaths of "on Wednesday" hold as of the 14th
    a = run(situation_pipeline, "ADEN, Sept 15 (Gulf Wire) — A drone strike killed two guards at a fuel depot "
            "on Wednesday, port officials said.", "en", dt.date(2022, 9, 16))
    killed = [c for c in a.claims if c.property.endswith("killed")]
    assert [(c.value, c.as_of) for c in killed] == [(2.0, "2022-09-14")]


def test_numbers_after_a_common_noun_label_it_and_count_nothing(situation_pipeline) -> None:
    # own wording: English counts stand before their noun; "blocks 2 and 6" names two blocks
    a = run(situation_pipeline, "Guards lost control of blocks 2 and 6 after 14 prisoners were killed in a riot, "
            "officials said.", "en", dt.date(2022, 9, 16))
    assert sorted((c.value, c.property) for c in a.claims) == [(14.0, "prisoner killed")]


def test_people_who_drowned_are_killed(situation_pipeline) -> None:
    # own wording: drowning is a way of dying (the 'killed' class covers deaths of any cause)
    en = run(situation_pipeline, "At least nine villagers drowned when the river burst its banks.", "en",
             dt.date(2022, 9, 16))
    ru = run(situation_pipeline, "При наводнении утонули четыре человека.", "ru", dt.date(2022, 9, 16))
    assert [(c.value, c.property) for c in en.claims] == [(9.0, "civilian killed")]
    assert [(c.value, c.property) for c in ru.claims] == [(4.0, "person killed")]


@pytest.mark.parametrize(("text", "lang", "expected"), [
    # own wording: fleeing is displacement unless the people went across a border
    ("The river burst its banks, forcing more than 8,000 people to flee their homes.", "en",
     [(8000.0, "person displaced")]),
    ("About 600 villagers fled the shelling on Tuesday.", "en", [(600.0, "civilian displaced")]),
    ("Some 1,500 refugees fled across the border into Turkey.", "en", [(1500.0, "refugee crossed")]),
    ("Около 400 жителей бежали из района боёв.", "ru", [(400.0, "civilian displaced")]),
    ("Около 400 жителей бежали в Казахстан.", "ru", [(400.0, "civilian crossed")]),
])
def test_people_who_fled_are_displaced_unless_they_crossed_a_border(situation_pipeline, text, lang, expected) -> None:
    a = run(situation_pipeline, text, lang, dt.date(2022, 9, 16))
    assert [(c.value, c.property) for c in a.claims] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # own wording: the casualties are the verb's patients, not its agents nor what went along
    ("Four gunmen killed 11 villagers near the market.", [(11.0, "civilian killed")]),
    ("The minister fled the capital with millions in cash, the paper said.", []),
    ("Nine people were killed by two gunmen on Sunday.", [(2.0, "fighter"), (9.0, "person killed")]),
])
def test_agents_and_companions_of_a_casualty_verb_are_no_casualties(situation_pipeline, text, expected) -> None:
    a = run(situation_pipeline, text, "en", dt.date(2022, 9, 16))
    assert sorted((c.value, c.property) for c in a.claims) == expected


@pytest.mark.parametrize(("text", "lang", "expected"), [
    # own wording: a distributive time phrase makes a rate, which is never a total
    ("About 1,500 people a day are crossing into Chad, the agency said.", "en",
     [(1500.0, "person crossed", "per day")]),
    ("Gunmen killed 12 people a day after the ceasefire.", "en", [(12.0, "person killed", None)]),
    ("A year ago 40 soldiers were killed there.", "en", [(40.0, "soldier killed", None)]),
    ("Пограничники регистрируют 500 человек в сутки.", "ru", [(500.0, "person", "per day")]),
    # a frequency adverb marks a rate only for its verb's own subject or object
    ("About 300 refugees cross daily at the border post.", "en", [(300.0, "refugee crossed", "per day")]),
    ("Officials briefed reporters daily on the 300 evacuees.", "en", [(300.0, "evacuee evacuated", None)]),
    ("В день выборов 12 человек погибли.", "ru", [(12.0, "person killed", None)]),
])
def test_a_rate_is_kept_apart_from_totals(situation_pipeline, text, lang, expected) -> None:
    a = run(situation_pipeline, text, lang, dt.date(2022, 9, 16))
    assert [(c.value, c.property, c.unit) for c in a.claims] == expected
    assert all(c.group_key.endswith("|per day") == (c.unit == "per day") for c in a.claims)


@pytest.mark.parametrize(("text", "expected"), [
    # own wording: a second subject after a comma belongs to the next coordinated verb
    ("В день выборов 12 человек погибли, ещё 30 человек в день голосования были ранены.",
     [(12.0, "person killed"), (30.0, "person wounded")]),
    ("В Донецке 12 человек погибли, 30 человек ранены, а пятеро пропали без вести.",
     [(5.0, "count missing"), (12.0, "person killed"), (30.0, "person wounded")]),
])
def test_each_coordinated_russian_clause_counts_its_own_subject(situation_pipeline, text, expected) -> None:
    a = run(situation_pipeline, text, "ru", dt.date(2022, 9, 16))
    assert sorted((c.value, c.property) for c in a.claims) == expected


@pytest.mark.parametrize(("text", "lang", "expected"), [
    # own wording: the value a toll reached counts the toll's class, exactly
    ("The death toll from the floods rose to seven on Wednesday.", "en", [(7.0, "count killed", "exact")]),
    ("The number of wounded reached 11, officials said.", "en", [(11.0, "count wounded", "exact")]),
    ("The army raised the death toll to 27 on Thursday.", "en", [(27.0, "count killed", "exact")]),
    ("An initial statement on Sunday had put the toll at 12 dead.", "en", [(12.0, "count killed", "exact")]),
    ("Число погибших при обрушении выросло до 14, сообщили спасатели.", "ru", [(14.0, "count killed", "exact")]),
    ("Число погибших в результате паводка в горном районе выросло до пяти.", "ru", [(5.0, "count killed", "exact")]),
    # "до" without a verb of change is still an upper bound, and prices are no toll
    ("Эвакуированы до 900 семей.", "ru", [(900.0, "family evacuated", "up_to")]),
    ("Fuel prices rose to 12 dollars a barrel.", "en", []),
])
def test_the_value_a_toll_reached_is_a_casualty_count(situation_pipeline, text, lang, expected) -> None:
    a = run(situation_pipeline, text, lang, dt.date(2022, 9, 16))
    assert [(c.value, c.property, c.qualifier) for c in a.claims if c.unit is None] == expected
    assert all(c.unit != "USD" or "killed" not in c.property for c in a.claims)


@pytest.mark.parametrize(("text", "lang", "expected"), [
    # own wording: the count's own words say what the people are
    ("Two people were killed and 5 injured in Kherson, Ukraine.", "en",
     [(2.0, "person killed"), (5.0, "count wounded")]),
    ("The clinic said it had treated 86 wounded people since Sunday.", "en", [(86.0, "person wounded")]),
    ("Накануне военные говорили о восьми погибших и 11 раненых.", "ru",
     [(8.0, "person killed"), (11.0, "person wounded")]),
])
def test_a_count_named_by_its_state_takes_that_class(situation_pipeline, text, lang, expected) -> None:
    a = run(situation_pipeline, text, lang, dt.date(2022, 9, 16))
    assert sorted((c.value, c.property) for c in a.claims) == expected


def test_a_plural_pronoun_is_never_a_side_named_by_one_person(situation_pipeline) -> None:
    # own wording: "nine of them" are the patients, not the spokesperson quoted before
    text = ("ADRE, Chad — More than 12,000 Sudanese refugees crossed into Chad through the Adre border point in "
            "the past week, the UN refugee agency said on Thursday, most of them women and children fleeing "
            "renewed fighting around El Geneina in West Darfur.\n\nUNHCR spokesperson Eujin Byun said new arrivals "
            "were averaging around 1,800 a day. \"People are arriving exhausted, many with gunshot wounds, and the "
            "transit site is already over capacity,\" she said.\n\nMedecins Sans Frontieres said its team at the "
            "Adre hospital had treated 86 wounded people since Sunday, and that nine of them had died.")
    a = run(situation_pipeline, text, "en", dt.date(2022, 9, 16))
    nine = [c for c in a.claims if c.value == 9.0]
    assert [(c.property, c.subject, c.subject_country) for c in nine] == [("count killed", None, None)]


@pytest.mark.parametrize(("text", "expected"), [
    # own wording: "its"/"their" people are the possessor's, when it is a state or a force
    ("Burkina Faso's army said on Thursday that 27 of its soldiers were killed near Djibo.", "BFA"),
    ("The Malian army said 14 of its soldiers died in the ambush.", "MLI"),
])
def test_a_possessive_pronoun_gives_the_side_of_its_people(situation_pipeline, text, expected) -> None:
    a = run(situation_pipeline, text, "en", dt.date(2022, 9, 16))
    killed = [c for c in a.claims if c.property.endswith("killed")]
    assert [c.subject_country for c in killed] == [expected]
