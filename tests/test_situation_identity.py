"""One identity per entity: transliteration, name keys, merges in the store and their undo."""

from __future__ import annotations

import pytest

from newswatch import read
from newswatch.situation.identity import name_keys, name_skeleton, transliterate
from newswatch.storage import Store
from newswatch.storage import situation as sit

from situation_helpers import run


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [("Сергей Лавров", "Sergey Lavrov"), ("Дмитрий Песков", "Dmitriy Peskov"), ("Шойгу", "Shoygu"),
     ("Эмомали Рахмон", "Emomali Rakhmon"), ("Ельцин", "Yeltsin"), ("Мирзиёев", "Mirziyeyev")],
)
def test_bgn_pcgn_transliteration(cyrillic: str, latin: str) -> None:
    assert transliterate(cyrillic) == latin


def test_name_keys_fold_spelling_variants() -> None:
    assert name_keys("Сергей Лавров") == name_keys("Sergei Lavrov") == ("srg lvrv", "lvrv")
    assert name_skeleton("Mirziyoyev") == name_skeleton("Mirziyoev") == name_skeleton("Мирзиёев")
    assert name_skeleton("Rahmon") == name_skeleton("Rakhmon")
    assert name_skeleton("Japarov") == name_skeleton("Жапаров")
    assert name_keys("Kassym-Jomart Tokayev") == name_keys("Касым-Жомарт Токаев")
    assert name_keys("Козырев") == (None, "kzrv")
    assert name_keys("Ли") == (None, None)  # too short to match on its own
    assert name_skeleton("Lavrov") != name_skeleton("Lavrenko")


def test_alias_file_joins_lavrov_across_languages(situation_pipeline, tmp_path) -> None:
    en = run(situation_pipeline, "Foreign Minister Sergei Lavrov met Ned Price in Moscow.", "en", article_id="en-1")
    ru = run(situation_pipeline, "Переговоры Сергея Лаврова и Блинкена прошли в Женеве.", "ru", article_id="ru-1")
    keys = {m.entity_key for m in en.entities} & {m.entity_key for m in ru.entities}
    assert "alias:sergei_lavrov" in keys
    with Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}") as s:
        s.save(en)
        s.save(ru)
        with s.read() as conn:
            ident = read.identity(conn, "alias:sergei_lavrov")
    assert ident is not None
    assert ident["labels"] == {"en": "Sergei Lavrov", "ru": "Сергей Лавров"}
    assert "Сергея Лаврова" in ident["aliases"]["ru"]


def test_transliteration_and_surname_merge_and_undo(situation_pipeline, tmp_path) -> None:
    en = run(situation_pipeline, "Russian Foreign Minister Andrei Kozyrev telephoned Warren Christopher on "
             "Tuesday.", "en", article_id="kozyrev-en")
    ru = run(situation_pipeline, "Министр иностранных дел России Андрей Козырев прибыл в Женеву.", "ru",
             article_id="kozyrev-ru")
    later = run(situation_pipeline, "Козырев заявил, что переговоры продолжатся.", "ru", article_id="kozyrev-ru-2")
    assert "PERSON:Андрей Козырев" in {m.entity_key for m in ru.entities}
    with Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}") as s:
        for a in (en, ru, later):
            s.save(a)
        with s.read() as conn:
            ident = read.identity(conn, "PERSON:Андрей Козырев")
        assert ident is not None
        members = {m["key"] for m in ident["members"]}
        assert {"PERSON:Andrei Kozyrev", "PERSON:Андрей Козырев", "PERSON:Козырев"} <= members
        methods = {m["method"] for m in ident["merges"]}
        assert methods == {"transliteration", "surname"}
        surname = next(m for m in ident["merges"] if m["method"] == "surname")
        assert surname["evidence"]["surname_key"] == "kzrv"
        with s.engine.begin() as conn:
            assert sit.undo_merge(conn, surname["id"]) is True
            assert sit.undo_merge(conn, surname["id"]) is False
        with s.read() as conn:
            after = read.identity(conn, "PERSON:Андрей Козырев")
            alone = read.identity(conn, "PERSON:Козырев")
        assert after is not None and alone is not None
        assert "PERSON:Козырев" not in {m["key"] for m in after["members"]}
        assert alone["key"] == "PERSON:Козырев"
        assert any(m["undone"] for m in after["merges"])  # the record is kept
