"""The map leaves out areas that a point would misrepresent (continents, world regions, seas).

Data: the web test database of tests/web_samples.py; one stored place is re-filed as a
continent (GeoNames feature code CONT) before the app starts.
"""

from __future__ import annotations

import sqlalchemy as sa

from newswatch.model import AREA_FEATURE_CODES

from web_samples import make_client


def _names(client, **params) -> set[tuple[str, str]]:
    data = client.get("/api/map", params=params).json()
    return {(f["properties"]["kind"], f["properties"]["name"]) for f in data["features"]}


def test_continents_and_regions_are_not_drawn(web_db: str) -> None:
    # tests/test_web_api.py::test_map_is_geojson_with_evidence_sentences shows Afghanistan
    # (PCLI) on the map of this database; filed as a continent it is left out.
    assert {"CONT", "RGN"} <= AREA_FEATURE_CODES
    engine = sa.create_engine(web_db)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE place SET feature_class='L', feature_code='CONT' WHERE name='Afghanistan'"))
    engine.dispose()
    with make_client(web_db) as c:
        names = _names(c)
        assert ("place", "Afghanistan") not in names
        assert ("place", "Termez") in names and ("place", "Ghazni") in names  # the others stay
