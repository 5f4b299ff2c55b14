"""Shared fixtures: the seed text, ../shared, and one model-loading stage per session.

Fixtures of the helper modules come in as plugins (``pytest_plugins`` below), so a test asks
for them by name without importing them. ``../shared`` (gold sets, corpus) is found next to
the working copy, or where ``$NEWSWATCH_SHARED_DIR`` points (``NEWSWATCH_SHARED_DIR=/nonexistent``
runs the suite as a clone without it). Every test that asks for ``shared_dir`` is marked
``shared`` here, in one place, and skipped with the reason when the folder is absent; ``-rs``
in the pytest options lists those skips in the summary.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from pathlib import Path

import pytest

from newswatch.model import Article

pytest_plugins = ["storage_samples", "web_samples", "situation_helpers", "watch_server", "tracker_samples"]

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSWATCH_SHARED_DIR") or ROOT.parent / "shared")
#: The founding article as committed in samples/ (byte for byte ../shared/seed/000_03711a2154ad3567.txt).
SEED = ROOT / "samples" / "inforos_2021-07-08_russia-wont-leave-its-allies.txt"
#: The seed capture carries no date; Inforos published it on 8 July 2021 (the article says
#: "On July 7 ... Lavrov addressed a press conference"; the stack probe records 2021-07-08).
SEED_PUBLISHED = dt.date(2021, 7, 8)
#: Why a ``shared`` test is skipped (shown by ``-rs``).
SHARED_ABSENT = f"needs ../shared (gold sets, corpus), not found at {SHARED} (NEWSWATCH_SHARED_DIR)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that reads ../shared as ``shared``; skip those when it is absent."""
    present = SHARED.is_dir()
    for item in items:
        if "shared_dir" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.shared)
            if not present:
                item.add_marker(pytest.mark.skip(reason=SHARED_ABSENT))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder (tests that ask for it are marked ``shared`` at collection)."""
    if not SHARED.is_dir():  # only reached when a fixture, not a test, asks for it
        pytest.skip(SHARED_ABSENT)
    return SHARED


@pytest.fixture(scope="session")
def seed_raw() -> str:
    """The founding article (Inforos, 8 July 2021) as captured, page chrome included."""
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


@pytest.fixture(autouse=True)
def _heap_not_left_frozen() -> object:
    """A test that runs ``newswatch serve`` freezes the collector's heap
    (:func:`newswatch.web.app.settle_heap`), which a serving process keeps until it ends; the
    test process gives it back afterwards so later tests' garbage is collected as usual."""
    yield None
    if gc.get_freeze_count():
        gc.unfreeze()
