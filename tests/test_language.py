"""Language stage: lingua over en/ru and neighbours; given languages kept; short text -> None."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from newswatch.errors import PipelineConfigError
from newswatch.ingest.readers import read_inputs
from newswatch.model import Article
from newswatch.pipeline import Pipeline, create
from newswatch.stages.language import MIN_LETTERS, SHORT_MIN_LETTERS, LanguageStage

from conftest import SEED


@pytest.fixture(scope="module")
def lang() -> LanguageStage:
    st = LanguageStage()
    st.initialize()
    return st


def test_registered_with_its_contract() -> None:
    st = create("language")
    assert isinstance(st, LanguageStage)
    assert st.requires == ("text",) and st.provides == ("language", "language_confidence", "meta")
    Pipeline([st])  # the order check accepts it as a first stage


def test_seed_read_and_detected_as_english(lang: LanguageStage) -> None:
    (a,) = read_inputs([str(SEED)])
    assert a.language is None
    lang(a)
    assert a.language == "en" and a.language_confidence >= 0.99
    assert a.meta["language_reason"] == "detected"
    assert a.stages_run == ["language@1"]


def test_russian_and_ukrainian_texts(shared_dir: Path, lang: LanguageStage) -> None:
    path = shared_dir / "corpus" / "nerel_ru_wikinews" / "articles.jsonl"
    with path.open(encoding="utf-8") as fh:
        texts = [json.loads(next(fh))["text"] for _ in range(5)]
    assert [lang.detect(t)[0] for t in texts] == ["ru"] * 5
    uk = "Україна та Казахстан підписали угоду про співпрацю в галузі енергетики."
    assert lang.detect(uk)[0] == "uk"


def test_a_given_language_is_kept(lang: LanguageStage) -> None:
    a = Article(text="Moscow is ready to support the countries in the region.", language="ru")
    lang(a)
    assert a.language == "ru" and a.language_confidence is None
    assert a.meta["language_reason"] == "given"


def test_the_detector_is_built_only_for_a_text_that_needs_it() -> None:
    st = LanguageStage()
    st.initialize()
    a = Article(text="Moscow is ready to support the countries in the region.", language="en")
    st(a)
    assert st._detector is None  # every article had a language: lingua's models never loaded
    b = Article(text="Moscow is ready to support the countries in the region.")
    st(b)
    assert st._detector is not None and b.language == "en"


@pytest.mark.parametrize("text", ["Rate it", "", "2021-07-08 12:30 — 188 / 135 / 70"])
def test_too_short_text_gives_none_with_a_reason(text: str, lang: LanguageStage) -> None:
    a = Article(text=text)
    lang(a)
    assert a.language is None and a.language_confidence is None
    assert a.meta["language_reason"].startswith("too short")
    assert f"< {SHORT_MIN_LETTERS}" in a.meta["language_reason"]


def test_candidates_are_checked_and_stage_pickles_without_detector(lang) -> None:
    with pytest.raises(PipelineConfigError):
        LanguageStage(candidates=("en", "xx")).initialize()
    clone = pickle.loads(pickle.dumps(lang))
    assert clone.__dict__.get("_detector") is None
    with pytest.raises(PipelineConfigError, match="before initialize"):
        clone.detect("Russia will not leave its allies.")  # an unpickled stage is not ready
    Pipeline([clone]).initialize()  # a pipeline re-initialises it (how a Dask worker runs it)
    assert clone.detect("Russia will not leave its allies in Central Asia out in the cold.")[0] \
        == "en"


def test_ambiguous_cyrillic_word_list_is_undetermined(lang: LanguageStage) -> None:
    # "Президент" is spelled the same in ru, uk, bg, kk and be: lingua splits its confidence
    a = Article(text="Президент Президент Президент Президент")
    lang(a)
    assert a.language is None
    assert a.meta["language_reason"].startswith("undetermined: best guess")


# --- short sentences and headlines (issue 13): own examples, 10-19 letters ---------------------


@pytest.mark.parametrize(("text", "code"), [
    ("В Москве выпал снег", "ru"),          # 16 letters
    ("Цены на нефть выросли", "ru"),
    ("Мост откроют в мае", "ru"),
    ("Oil prices rose", "en"),
    ("Київ, вівторок", "uk"),               # і, ї: not Russian
])
def test_short_sentence_or_headline_is_detected(text: str, code: str, lang: LanguageStage) -> None:
    letters = sum(ch.isalpha() for ch in text)
    assert SHORT_MIN_LETTERS <= letters < MIN_LETTERS
    a = Article(text=text)
    lang(a)
    assert a.language == code, a.meta["language_reason"]


def test_one_line_feed_item_is_read_with_its_headline(lang: LanguageStage) -> None:
    a = Article(text="Снег идет", title="Синоптики предупредили о сильном снегопаде")
    lang(a)
    assert a.language == "ru"
    assert "Синоптики" not in a.text  # the title helps the decision, the text is unchanged


def test_alphabet_sets_aside_languages_without_the_texts_letters(lang: LanguageStage) -> None:
    codes = [c for c, _ in lang._alphabet_filtered("Цены на нефть выросли")]
    assert "uk" not in codes and "bg" not in codes  # ы is in neither alphabet
    values = [v for _, v in lang._alphabet_filtered("Цены на нефть выросли")]
    assert abs(sum(values) - 1.0) < 1e-6
