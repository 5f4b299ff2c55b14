"""Negated and hypothetical events: kept with their flags, never pinned on the map (issue 4/5).

Found by a new-user trial: "Moscow was not going to introduce a military contingent into the
DRA" (the founding article) showed up as a MOBILIZE marker on Afghanistan.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from newswatch.ingest.readers import read_inputs
from newswatch.pipeline import default_pipeline
from newswatch.storage import Store

from conftest import SEED
from web_samples import make_client

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('flags') / 'seed.sqlite'}"
    (article,) = list(read_inputs([str(SEED)],
                                  published=dt.date(2021, 7, 8)))
    default_pipeline()(article)
    assert any(e.negated for e in article.events)
    with Store.open(url) as store:
        store.save(article)
    return url


def test_event_export_carries_the_flags(seed_db: str) -> None:
    with make_client(seed_db) as client:
        res = client.get("/api/export/events.csv")
    assert res.status_code == 200
    rows = list(csv.DictReader(io.StringIO(res.text)))
    contingent = [r for r in rows if "military contingent" in r["sentence"] and r["type"] == "MOBILIZE"]
    assert contingent and all(r["negated"] in ("True", "true", "1") for r in contingent)


def test_negated_events_put_no_marker_on_the_map(seed_db: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(seed_db)
    with engine.connect() as conn:
        flagged = conn.execute(sa.text(
            "SELECT type, place_key FROM event WHERE (negated OR hypothetical) AND place_key IS NOT NULL"
        )).all()
        plain = dict(conn.execute(sa.text(
            "SELECT type || ' ' || place_key, count(*) FROM event "
            "WHERE NOT negated AND NOT hypothetical AND place_key IS NOT NULL GROUP BY 1"
        )).all())
    engine.dispose()
    # the contingent sentence: MOBILIZE, negated, placed in Afghanistan (geonames:1149361)
    assert ("MOBILIZE", "geonames:1149361") in [tuple(r) for r in flagged]
    with make_client(seed_db) as client:
        features = client.get("/api/map").json()["features"]
    pins = {f"{p['category']} {p['key']}": p["mentions"]
            for p in (f["properties"] for f in features) if p.get("kind") == "event"}
    assert pins == plain
