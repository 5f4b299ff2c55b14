"""Russian-only resources (pymorphy2's dictionary, through natasha) are loaded when a text
needs them, not when the English pipeline is built: the alias index and the timex rules."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from newswatch.stages.entities.aliases import AliasIndex, RuMorphology, _alias_rows, text_words
from newswatch.stages.timexes import TimexFinder
from newswatch.text import load_json_data

SRC = Path(__file__).resolve().parent.parent / "src"


def _eager() -> AliasIndex:
    rules = load_json_data("entity_rules.json")
    assert isinstance(rules, dict)
    return AliasIndex.from_entries(_alias_rows(), RuMorphology.from_rules(rules))


def _found(idx: AliasIndex, text: str) -> list[tuple[int, int, str, str]]:
    return [(m.start, m.end, m.entry.id, m.alias) for m in idx.find(text, text_words(text))]


def test_english_pipeline_parts_load_no_russian_morphology() -> None:
    code = (
        "import sys\n"
        "from newswatch.stages.entities.aliases import AliasIndex, text_words\n"
        "from newswatch.stages.timexes import TimexFinder\n"
        "idx = AliasIndex.load()\n"
        "TimexFinder()\n"
        "text = 'The minister spoke with Sergey Lavrov on Tuesday.'\n"
        "assert [m.entry.id for m in idx.find(text, text_words(text))] == ['sergei_lavrov']\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pymorphy2', 'natasha')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"


def test_a_cyrillic_text_finds_what_the_full_index_finds() -> None:
    lazy, eager = AliasIndex.load(), _eager()
    english = "Lavrov said on Tuesday that talks would go on."
    assert _found(lazy, english) == _found(eager, english) == [(0, 6, "sergei_lavrov", "Lavrov")]
    russian = "Встреча с Сергеем Лавровым прошла в Москве; Лаврову задали вопросы."
    assert _found(lazy, russian) == _found(eager, russian)
    assert [m[2] for m in _found(lazy, russian)] == ["sergei_lavrov", "moscow", "sergei_lavrov"]
    # once built, the index is the full one, each key's aliases in file order
    assert ({k: [(c.entry.id, c.alias) for c in v] for k, v in lazy._by_key.items()}
            == {k: [(c.entry.id, c.alias) for c in v] for k, v in eager._by_key.items()})


def test_russian_timex_rules_compiled_on_first_use() -> None:
    finder = TimexFinder()
    assert set(finder.rules) == {"en"}
    ru = finder.rules_for("ru")
    assert ru is not None and ru.lang == "ru" and "прошлую" in ru.rel_adj
    assert finder.rules_for("ru") is ru
    assert finder.rules_for("de") is None
