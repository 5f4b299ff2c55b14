"""Shared fixtures of the situation tests (events, claims, identity, near-duplicates).

``situation_pipeline`` runs every analysis stage after language detection, reusing the
session's nlp stage from conftest (spaCy and natasha load once per test run). Texts written
here are about the events of the seed article (Inforos, 8 July 2021) and of
shared/design/field-notes.md §0 (LWJ's 31 July 2021 count of 223 Taliban districts).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from newswatch.model import Article
from newswatch.pipeline import Pipeline, Stage, create

#: The seed's publication date (tests/conftest.py SEED_PUBLISHED; Inforos, 8 July 2021).
SEED_DATE = dt.date(2021, 7, 8)

#: Russian sentences about the seed's events, written for these tests.
RU_TEXT = (
    "Президент России Владимир Путин провёл телефонный разговор с президентом Таджикистана "
    "Эмомали Рахмоном. Американские военные покинули авиабазу Баграм 1 июля. 3 июля более 300 "
    "афганских военнослужащих отступили на территорию Таджикистана после боя с талибами. Песков "
    "заявил, что Москва не собирается вводить военный контингент в Афганистан. США попросили "
    "Таджикистан, Казахстан и Узбекистан временно принять около 9 тысяч афганцев. Пентагон "
    "намерен выделить до 240 миллионов долларов на новые военные объекты. Талибы начали "
    "наступление на севере страны. Глава МИД России Сергей Лавров провёл переговоры с "
    "госсекретарём США."
)

#: A second article citing LWJ's later count (field-notes §0: 223 Taliban / 73 government /
#: 113 contested districts on 31 July 2021).
LWJ_TEXT = (
    "Long War Journal map shows Taliban gains\n\n"
    "According to FDD's Long War Journal, on July 31 the Taliban controlled 223 districts across "
    "Afghanistan, while the government held 73 and 113 were contested."
)


def reformatted(seed: str) -> str:
    """The seed as a reprint would carry it: line breaks collapsed, page chrome removed."""
    text = re.sub(r"\n+", "\n", seed)
    return text.replace("Rate it\n", "").replace("Add comment\n", "")


class _GivenLanguage(Stage):
    """The test gives the language; this stage only declares it as provided."""

    name = "given-language"
    provides = ("language",)

    def process(self, article: Article) -> None:
        """Nothing to do: ``article.language`` is set by :func:`run`."""


@pytest.fixture(scope="session")
def situation_pipeline(nlp_stage) -> Pipeline:
    """nlp → entities → quotes → timexes → figures → geocode → events → claims."""
    stages = [_GivenLanguage(), nlp_stage] + [create(n) for n in ("entities", "quotes", "timexes", "figures", "geocode",
                                                "events", "claims")]
    pipe = Pipeline(stages)
    pipe.initialize()
    return pipe


def run(pipe: Pipeline, text: str, lang: str = "en", published: dt.date | None = SEED_DATE,
        article_id: str = "test", source: str | None = None) -> Article:
    """Analyse ``text`` with ``pipe`` (language given)."""
    a = Article(text=text, language=lang, published=published, origin="test", id=article_id, source=source)
    return pipe(a)


@pytest.fixture(scope="session")
def seed_article(situation_pipeline, seed_raw) -> Article:
    """The seed, analysed once per session."""
    return run(situation_pipeline, seed_raw, "en", SEED_DATE, "seed", "Inforos")


@pytest.fixture(scope="session")
def ru_article(situation_pipeline) -> Article:
    """The Russian sentence set, analysed once per session."""
    return run(situation_pipeline, RU_TEXT, "ru", SEED_DATE, "ru-set", "Тест")
