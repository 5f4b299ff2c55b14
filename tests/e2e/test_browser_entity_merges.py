"""Entity merge and undo in real headless Chromium (issue 12): an analyst opens the dossier of
"Sergei Lavrov", merges the Russian-language entity "Сергей Лавров" into it from the dossier's
form with a reason; the dossier then lists the Russian article's mentions, marked "merged by
ana at …", the old entity's page says "Merged into Sergei Lavrov"; Undo brings both dossiers
back as they were, the record kept as undone.

Uses the browser helpers of ``test_browser_reader``, the web test database plus the Russian
Lavrov article of ``tests/test_web_entity_merges.py``, and its own server.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_browser_reader import (  # the browser fixtures and helpers of the reader test
    _sign_in,
    browser,  # noqa: F401  (a fixture: used by name)
    page,  # noqa: F401  (a fixture: used by name)
    serve_dashboard,
    shots,  # noqa: F401  (a fixture: used by name)
)

from newswatch.storage import Store

from web_samples import build_web_db, lavrov_ru_article

pytestmark = pytest.mark.slow

REASON = "same minister, July 7 press conference in both languages"


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = build_web_db(tmp_path_factory.mktemp("e2e-merges") / "web.sqlite")
    with Store.open(url) as store:
        store.save(lavrov_ru_article())
    return url


@pytest.fixture(scope="module")
def server(db_url: str) -> Iterator[str]:
    """The dashboard over :func:`db_url` (``serve_dashboard``); yields its base URL."""
    with serve_dashboard(db_url) as base:
        yield base


def _entity_id(pg: Any, name: str) -> int:
    items = pg.request.get("/api/entities?limit=100").json()["items"]
    return int(next(e["id"] for e in items if e["name"] == name))


def test_merge_from_the_dossier_shows_the_merged_mentions_and_undo_restores(
        page, shots) -> None:  # noqa: F811
    _sign_in(page, "ana")
    en, ru = _entity_id(page, "Sergei Lavrov"), _entity_id(page, "Сергей Лавров")
    page.goto(f"/entities/{en}")
    mentions = page.inner_text("ul.mentions")
    assert "Лавров: Москва не оставит союзников" not in mentions
    page.fill("form.merge input[name=other]", "Сергей Лавров")
    page.fill("form.merge input[name=note]", REASON)
    page.screenshot(path=str(shots / "dossier-merge.png"), full_page=True)
    page.click("form.merge button[type=submit]")
    page.wait_for_selector("section.entity-edits")
    # the dossier lists the Russian article's mentions, marked with who merged them and why
    mentions = page.inner_text("ul.mentions")
    assert "Лавров: Москва не оставит союзников" in mentions
    assert "merged by ana" in mentions and REASON in mentions
    assert "4 mentions" in page.inner_text("p.meta")
    page.screenshot(path=str(shots / "dossier-merged.png"), full_page=True)
    # the old entity's page says where it went
    page.goto(f"/entities/{ru}")
    assert "Merged into Sergei Lavrov" in page.inner_text("p.merged-into")
    assert page.get_attribute("p.merged-into a", "href") == f"/entities/{en}"

    page.goto(f"/entities/{en}")
    page.click("section.entity-edits form.undo-edit button[type=submit]")
    page.wait_for_selector("section.entity-edits li.undone")
    assert "Лавров: Москва не оставит союзников" not in page.inner_text("ul.mentions")
    assert "2 mentions" in page.inner_text("p.meta")
    assert "undone by ana" in page.inner_text("section.entity-edits")
    page.goto(f"/entities/{ru}")
    assert page.query_selector("p.merged-into") is None
    assert "2 mentions" in page.inner_text("p.meta")
