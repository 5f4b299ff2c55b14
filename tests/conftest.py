"""Shared fixtures: paths to ../shared, the seed text, and one model-loading stage per session."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newswatch.model import Article

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_03711a2154ad3567.txt"
#: The seed capture carries no date; Inforos published it on 8 July 2021 (the article says
#: "On July 7 ... Lavrov addressed a press conference"; the stack probe records 2021-07-08).
SEED_PUBLISHED = dt.date(2021, 7, 8)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def seed_raw(shared_dir: Path) -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_body(seed_raw: str) -> str:
    """The seed article without its page chrome: from "On July 7" up to "Add comment"."""
    return seed_raw[seed_raw.index("On July 7"):seed_raw.index("Add comment")]


@pytest.fixture(scope="session")
def nlp_stage():
    from newswatch.stages.nlp import NlpStage

    st = NlpStage()
    st.initialize()
    return st


@pytest.fixture(scope="session")
def analyse(nlp_stage):
    """Factory: ``analyse(text, lang="en", published=None) -> Article`` with the nlp stage run."""

    def run(text: str, lang: str = "en", published: dt.date | None = None) -> Article:
        a = Article(text=text, language=lang, published=published, origin="test")
        nlp_stage(a)
        return a

    return run
