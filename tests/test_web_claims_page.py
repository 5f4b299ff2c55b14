"""The claims page opens with the groups that matter, a page at a time (issue 12).

Data: the web test database plus damage reports over many claim groups
(``web_samples.build_claims_db``: article ``n`` reports group ``g`` when ``n % 5 <= g % 5``,
with the value ``100 + n`` million dollars, plus ``7 g`` in odd articles for every fifth
group), so group ``g`` has ``1 + g % 5`` outlets and groups ``g % 5 == 0`` change most.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from web_samples import assert_error, build_claims_db, make_client

HTML = {"accept": "text/html"}
ARTICLES, GROUPS = 10, 30


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = build_claims_db(tmp_path_factory.mktemp("claims") / "claims.sqlite",
                          articles=ARTICLES, groups=GROUPS)
    with make_client(url) as c:
        yield c


def test_the_page_shows_ten_groups_of_at_most_five_claims(ledger: TestClient) -> None:
    page = ledger.get("/claims", headers=HTML).text
    assert page.count('<section class="claim-group') == 10
    rows = re.findall(r"<tr><td class=\"num\">", page)
    assert len(rows) == 50  # 10 groups x 5 claims, not every claim of 30 groups
    # the first group is one reported by the five outlets, with its figures in words
    first = page[page.index('<section class="claim-group'):]
    assert "5 sources" in first[:600] and "latest June 10, 2021" in first[:600]
    assert "from $100 million to $109 million (change 9%)" in first[:600]
    assert "e+08" not in page
    assert "All 10 claims of this group" in page
    assert 'href="/claims?sort=sources&page=2' in page.replace("&amp;", "&")


def test_groups_are_ranked_by_sources_latest_or_change(ledger: TestClient) -> None:
    by_sources = ledger.get("/api/claims", params={"limit": 40}).json()
    assert by_sources["total"] == GROUPS
    counts = [g["sources"] for g in by_sources["groups"]]
    assert counts == sorted(counts, reverse=True) and counts[0] == 5 and counts[-1] == 1
    by_change = ledger.get("/api/claims", params={"sort": "change", "limit": 3}).json()
    # group 25 (g % 5 == 0: reported by articles 0 and 5 only; article 5 adds 7 x 25 million)
    # changes most: from 100 to 100 + 5 + 175 million, +180 %
    top = by_change["groups"][0]
    assert top["key"] == "province p25|damage|USD"
    assert (top["low"], top["high"]) == (100e6, 280e6)
    assert top["change_pct"] == 180.0
    latest = ledger.get("/api/claims", params={"sort": "latest", "limit": 1}).json()["groups"][0]
    assert latest["latest"] == "2021-06-10"
    assert_error(ledger.get("/api/claims", params={"sort": "size"}), 422, "invalid-input")


def test_a_group_link_lists_all_its_claims(ledger: TestClient) -> None:
    page = ledger.get("/claims", params={"group": "province p4|damage|USD"}, headers=HTML).text
    assert page.count('<section class="claim-group') == 1
    assert len(re.findall(r"<tr><td class=\"num\">", page)) == ARTICLES
    assert "All groups" in page
