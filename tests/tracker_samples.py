"""A store for the casualty tracker tests (issue 9): short reports about a border clash,
written for these tests in our own words (English and Russian), analysed by the real
pipeline (``situation_pipeline``) and saved through the storage layer.

What the texts say (read off the sentences):

* Armenian soldiers killed: 12 as of Monday 14 September 2026 (Test Wire), 19 as of Tuesday
  (Example News, and the Russian "Пример-Инфо"), at least 27 as of Wednesday (Test Wire):
  the toll revised 12 → 19 → 27;
* Azerbaijani soldiers killed: seven on Monday and again on Wednesday (Test Wire, Border
  Post): one value, two reports;
* 40 people evacuated and "two people were killed" (twice, in two articles about another
  place, Kabul) are figures nobody is named as the side of.

The fighting is placed near Vardenis (GeoNames 616108, Armenia); the Kabul reports mention
Kabul only.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from newswatch.pipeline import Pipeline
from newswatch.storage import Store

from situation_helpers import run

#: ``(id, language, published, outlet, text)`` of each report.
REPORTS: tuple[tuple[str, str, dt.date, str, str], ...] = (
    ("clash-1", "en", dt.date(2026, 9, 14), "Test Wire",
     "Clashes on the border\n\nArmenia's defence ministry said on Monday that 12 Armenian "
     "servicemen were killed in the fighting near Vardenis. Azerbaijan's defence ministry "
     "said that seven Azerbaijani soldiers were killed."),
    ("clash-2", "en", dt.date(2026, 9, 15), "Example News",
     "Toll rises\n\nThe Armenian defence ministry said on Tuesday that 19 Armenian servicemen "
     "had been killed near Vardenis. Officials said 40 people were evacuated from border "
     "villages."),
    ("clash-2-ru", "ru", dt.date(2026, 9, 15), "Пример-Инфо",
     "Бои на границе\n\nМинистерство обороны Армении сообщило во вторник, что погибли 19 "
     "армянских военнослужащих."),
    ("clash-3", "en", dt.date(2026, 9, 16), "Border Post",
     "Border fighting\n\nAt least 27 Armenian soldiers were killed in the clashes near "
     "Vardenis, the Armenian defence ministry said on Wednesday. Azerbaijan's defence "
     "ministry said on Wednesday that seven Azerbaijani soldiers were killed."),
    ("blast-1", "en", dt.date(2026, 9, 16), "Kabul Desk",
     "Blast in a market\n\nTwo people were killed in a blast in Kabul, local officials said."),
    ("blast-2", "en", dt.date(2026, 9, 17), "Other Desk",
     "Market blast\n\nTwo people were killed in a blast in Kabul on Wednesday, police said."),
)


def build_tracker_db(path: Path, pipe: Pipeline) -> str:
    """Analyse :data:`REPORTS` with ``pipe`` and save them at ``path``; returns the URL."""
    url = f"sqlite:///{path}"
    with Store.open(url) as store:
        for art_id, lang, published, outlet, text in REPORTS:
            a = run(pipe, text, lang, published, art_id, outlet)
            a.title = text.split("\n", 1)[0]
            a.url = f"https://news.example.org/{art_id}"
            store.save(a)
    return url


@pytest.fixture(scope="session")
def tracker_db_template(tmp_path_factory: pytest.TempPathFactory,
                        situation_pipeline: Pipeline) -> Path:
    """The tracker store, built once per session (copy it with :func:`tracker_db`)."""
    path = tmp_path_factory.mktemp("trackerdb") / "tracker.sqlite"
    build_tracker_db(path, situation_pipeline)
    return path


@pytest.fixture
def tracker_db(tracker_db_template: Path, tmp_path: Path) -> str:
    """A fresh copy of the tracker store; its URL."""
    target = tmp_path / "tracker.sqlite"
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(tracker_db_template) + suffix)
        if src.exists():
            shutil.copy(src, Path(str(target) + suffix))
    return f"sqlite:///{target}"
