"""Russian morphology through pymorphy2 (newswatch.text.morph): names and places in the
nominative. Sentences are our own wording; the expected forms are the Russian nominatives."""

from __future__ import annotations

import pytest

from newswatch.text.morph import (
    analyzer,
    name_agreement,
    nominative_lexeme,
    person_nominative,
    place_nominatives,
)


def test_one_shared_analyzer() -> None:
    assert analyzer() is analyzer()


@pytest.mark.parametrize(
    ("name", "nominative"),
    [
        ("Петровой Анной Сергеевной", "Петрова Анна Сергеевна"),  # surname first, feminine
        ("Иванова Петра Петровича", "Иванов Петр Петрович"),
        ("Сергея Лаврова", "Сергей Лавров"),
        ("Сергеем Лавровым", "Сергей Лавров"),
        ("Лаврова", "Лавров"),
        ("Захаровой", "Захарова"),  # a feminine surname stays feminine
        ("Марией Захаровой", "Мария Захарова"),
        ("Анны Петровой", "Анна Петрова"),
        ("Ивановой Марии", "Иванова Мария"),
        ("Владимиру Путину", "Владимир Путин"),
        ("Живицкого", "Живицкий"),  # adjectival surname pymorphy2 only predicts
        ("Ашрафа Гани", "Ашраф Гани"),  # a foreign surname without a reading is kept
        ("Сергея Шойгу", "Сергей Шойгу"),  # indeclinable
        ("А. Петровой", "А. Петрова"),  # an initial is kept
        ("Шавката Мирзиёева", "Шавкат Мирзиёев"),  # ё kept where written
        ("Дмитрий Живицкий", "Дмитрий Живицкий"),  # already nominative
    ],
)
def test_person_names_go_to_the_nominative(name: str, nominative: str) -> None:
    assert person_nominative(name) == nominative


def test_case_hint_decides_an_ambiguous_surname() -> None:
    # "Лаврова" is the genitive of Лавров or the nominative of Лаврова; a tagger's case decides.
    assert person_nominative("Лаврова", "gent") == "Лавров"
    assert person_nominative("Лаврова", "nomn") == "Лаврова"


def test_common_noun_readings_of_foreign_names_are_kept() -> None:
    assert person_nominative("Фухимори") == "Фухимори"
    assert person_nominative("Муквеге") == "Муквеге"


def test_person_nominative_refuses_non_names() -> None:
    assert person_nominative("Joe Biden") is None
    assert person_nominative("Петров" * 50) is None  # longer than MAX_NAME_CHARS


def test_name_agreement_reads_surname_first_names() -> None:
    assert name_agreement(["Петровой", "Анной", "Сергеевной"]) == ("femn", "ablt", ("Surn", "Name", "Patr"))
    assert name_agreement(["Петрову", "Анна"]) is None  # dative and nominative: two people
    assert name_agreement(["Москве", "Анной"]) is None


@pytest.mark.parametrize(
    ("phrase", "nominative"),
    [
        ("Южной Корее", "Южная Корея"),
        ("Сумской области", "Сумская область"),
        ("Кабуле", "Кабул"),
        ("Амударью", "Амударья"),
        ("Центральной Азии", "Центральная Азия"),
        ("мосту Дружбы", "мост Дружбы"),  # the genitive after the head noun is kept
    ],
)
def test_place_phrases_go_to_the_nominative(phrase: str, nominative: str) -> None:
    assert place_nominatives(phrase)[0] == nominative


# -- inflected forms of a nominative name (alias matching, surname coreference) ----------------


@pytest.mark.parametrize(("word", "forms"), [
    ("Лавров", {"лаврова", "лаврову", "лавровым", "лаврове"}),
    ("Песков", {"пескова", "песковым"}),  # the rare reading: mostly the genitive of "песок"
    ("Мирзиёев", {"мирзиеева", "мирзиеевым"}),  # unknown word, ё folded
    ("Амударья", {"амударьи", "амударью", "амударьей"}),
    ("Средняя", {"средней", "среднюю"}),
    ("Кремль", {"кремля", "кремле"}),
])
def test_nominative_lexeme_gives_the_case_forms(word: str, forms: set[str]) -> None:
    assert forms <= nominative_lexeme(word)


def test_nominative_lexeme_never_crosses_to_another_word() -> None:
    assert nominative_lexeme("Гани") == frozenset()  # Ashraf Ghani: neither "Ганы" nor "Гане" (Ghana)
    assert "путинский" not in nominative_lexeme("Путин")
    # no nominative reading (the suffix predictor reads these as genitive plurals): empty
    assert nominative_lexeme("Токаев") == frozenset() and nominative_lexeme("Пашинян") == frozenset()
    assert nominative_lexeme("Biden") == frozenset()


def test_surname_nominative_in_a_gender():
    from newswatch.text.morph import surname_nominative

    assert surname_nominative("Петрова", "femn") == "Петрова"
    assert surname_nominative("Петрова", "masc") == "Петров"
    assert surname_nominative("Петровой", "femn") == "Петрова"
    assert surname_nominative("Smith", "masc") is None
