"""The generic row mapper: every item type goes to its rows and back unchanged.

Real pipeline output, not hand-built items: the founding article (samples/, Inforos, published
8 July 2021) and the Russian Wikinews records of samples/nerel_ru_sample.jsonl (NEREL v1.1,
CC BY), analysed once per session by every stage after language detection. Each item is
mapped to the row(s) of its table, the row is passed through JSON (as the database's JSON
columns do) and rebuilt; then the same articles go through a real store (SQLite and
PostgreSQL) and come back with equal items.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from newswatch.model import Article, Figure, StageError
from newswatch.storage import Store
from newswatch.storage import mapping as mp
from newswatch.storage import schema as t
from newswatch.storage import situation_schema as st

from situation_helpers import run, situation_pipeline  # noqa: F401 - fixture used by name
from storage_samples import db_url, pg_session_url, store  # noqa: F401 - fixtures used by name

ROOT = Path(__file__).resolve().parent.parent
FOUNDING = ROOT / "samples" / "inforos_2021-07-08_russia-wont-leave-its-allies.txt"
FOUNDING_PUBLISHED = dt.date(2021, 7, 8)
NEREL = ROOT / "samples" / "nerel_ru_sample.jsonl"

#: The item lists of an article that the store keeps (tokens and raw NER spans are not stored).
ITEM_LISTS = ("entities", "quotes", "figures", "timexes", "places", "events", "claims", "errors")
#: Table of each item list (places: see _place_round_trip).
TABLE_OF = {
    "entities": t.entity_mention,
    "quotes": t.quote,
    "figures": t.figure,
    "timexes": t.timex,
    "events": st.event_mention,
    "claims": st.claim,
    "errors": t.stage_error,
}
#: Columns the repository fills in, not the mapper (ids and links found while saving).
REPOSITORY_COLUMNS = {
    "entity_mention": {"entity_id"},
    "quote": {"speaker_entity_id"},
    "place": set(),
    "place_resolution": {"place_id"},
    "place_mention": {"place_id", "resolution_id"},
    "event_mention": {"event_id"},
    "event": {"event_key", "actor_entity_id", "recipient_entity_id", "mention_count"},
    "claim": {"group_id", "subject_entity_id"},
    "stage_error": set(),
    "figure": set(),
    "timex": set(),
}


def _with_error(a: Article) -> Article:
    # The analysis of these texts records no stage error; add one so errors round-trip too.
    a.errors.append(StageError("geocode", "gazetteer-missing", "gazetteer file not found: тест"))
    return a


@pytest.fixture(scope="session")
def founding(situation_pipeline) -> Article:  # noqa: F811
    """The founding article as captured in samples/, analysed."""
    text = FOUNDING.read_text("utf-8")
    return _with_error(run(situation_pipeline, text, "en", FOUNDING_PUBLISHED, "inforos-2021-07-08", "Inforos"))


@pytest.fixture(scope="session")
def russian(situation_pipeline) -> list[Article]:  # noqa: F811
    """The Russian sample records, analysed (their publication date is not known)."""
    out = []
    for line in NEREL.read_text("utf-8").splitlines():
        record = json.loads(line)
        a = run(situation_pipeline, record["text"], "ru", None, record["id"], record["source"])
        a.title = record["title"]
        out.append(a)
    _with_error(out[0])
    return out


def _through_json(row: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(row))


def _place_round_trip(place: Any) -> Any:
    mentions = [mp.from_row(t.place_mention, _through_json(mp.to_row(t.place_mention, m)))
                for m in place.mentions]
    return mp.place_from_rows(_through_json(mp.to_row(t.place, place)),
                              _through_json(mp.to_row(t.place_resolution, place)), mentions)


def _rebuilt(a: Article) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {"places": [_place_round_trip(p) for p in a.places]}
    for name, table in TABLE_OF.items():
        out[name] = [mp.from_row(table, _through_json(mp.to_row(table, x))) for x in getattr(a, name)]
    return out


def test_founding_article_items_round_trip_through_rows(founding: Article) -> None:
    rebuilt = _rebuilt(founding)
    for name in ITEM_LISTS:
        assert getattr(founding, name), f"the founding article has no {name}"  # the test must bite
        assert rebuilt[name] == getattr(founding, name), name
    # a few facts read off the text, so equality is not between two empty shells
    c188 = next(c for c in rebuilt["claims"] if c.figure_text == "188 counties")
    assert (c188.value, c188.subject, c188.cited) == (188.0, "Taliban", ["Long War Journal"])
    assert any(e.type == "CONSULT" and e.actors for e in rebuilt["events"])


def test_russian_sample_items_round_trip_through_rows(russian: list[Article]) -> None:
    seen = dict.fromkeys(ITEM_LISTS, 0)
    for a in russian:
        rebuilt = _rebuilt(a)
        for name in ITEM_LISTS:
            assert rebuilt[name] == getattr(a, name), (a.id, name)
            seen[name] += len(getattr(a, name))
    assert all(seen.values()), seen  # every item type occurs in the Russian sample
    assert any(m.text == "Пактия" for a in russian for m in a.entities)


def test_rows_fill_every_column_but_the_repository_ones(founding: Article) -> None:
    items = {
        "entity_mention": founding.entities[0], "quote": founding.quotes[0],
        "figure": founding.figures[0], "timex": founding.timexes[0], "place": founding.places[0],
        "place_resolution": founding.places[0], "place_mention": founding.places[0].mentions[0],
        "event_mention": founding.events[0], "event": founding.events[0],
        "claim": founding.claims[0], "stage_error": founding.errors[0],
    }
    assert set(items) == set(mp.ROW_MAPS)
    for name, item in items.items():
        table = mp.ROW_MAPS[name].table
        expected = set(table.c.keys()) - {"id", "revision_id"} - REPOSITORY_COLUMNS[name]
        assert set(mp.to_row(table, item)) == expected, name


def test_event_fields_without_a_column_go_to_detail(founding: Article) -> None:
    ev = next(e for e in founding.events if e.actors)
    row = mp.to_row(st.event_mention, ev)
    assert row["stage_version"] == ev.prov.version and row["type"] == ev.type
    assert row["detail"]["actors"][0] == dataclasses.asdict(ev.actors[0])
    assert "type" not in row["detail"] and "prov" not in row["detail"]
    # a key written by another version of newswatch is ignored, a missing field takes its default
    row["detail"]["no_such_field"] = 1
    del row["detail"]["evidence"]
    assert mp.from_row(st.event_mention, row) == dataclasses.replace(ev, evidence="")


def test_a_field_without_a_column_is_refused_when_the_map_is_declared() -> None:
    with pytest.raises(ValueError, match=r"Figure\.value: no column \['value'\] in quote"):
        mp.RowMap(Figure, t.quote)


def test_items_come_back_equal_from_the_store(store: Store, founding: Article,  # noqa: F811
                                              russian: list[Article]) -> None:
    for a in (founding, *russian):
        store.save(a)
        loaded = store.load_article(a.id)
        for name in ITEM_LISTS:
            assert getattr(loaded, name) == getattr(a, name), (a.id, name)


def test_dataclass_lists_become_the_dicts_asdict_makes() -> None:
    """A list of flat dataclasses (event parties) is stored as ``dataclasses.asdict`` would
    give them, key order included; a dataclass holding a list or dict is copied deeply, as
    ``asdict`` copies it."""
    import dataclasses

    from newswatch.model import EventParty
    from newswatch.storage.mapping import _to_value

    parties = [EventParty(text="the Kremlin", start=3, end=14, canonical="Russia", entity_key=None,
                          country="RUS", sector="GOV", how="metonymy")]
    assert _to_value(parties) == [dataclasses.asdict(p) for p in parties]
    assert list(_to_value(parties)[0]) == [f.name for f in dataclasses.fields(EventParty)]

    @dataclasses.dataclass
    class Holder:
        name: str
        items: list[int]

    held = [Holder("a", [1, 2])]
    (out,) = _to_value(held)
    assert out == {"name": "a", "items": [1, 2]}
    assert out["items"] is not held[0].items  # a copy, as asdict makes
