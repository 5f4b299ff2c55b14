"""Russian Cyrillic to Latin by BGN/PCGN 1947 (``data/translit_ru_latin.json``).

Shared by the cross-article identities (:mod:`newswatch.situation.identity`, which compares
names across English and Russian) and the geocoder (which looks a Russian place name up among
GeoNames' Latin names when GeoNames lists no Cyrillic form of it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from . import load_json_data


@dataclass(frozen=True, slots=True)
class TranslitTables:
    """The parts of ``translit_ru_latin.json``: the letter table, the characters after which
    (and at a word's start) ``е`` is written ``ye``, and the ordered skeleton replacements."""

    letters: dict[str, str]
    ye_after: frozenset[str]
    skeleton: tuple[tuple[str, str], ...]


@cache
def translit_tables() -> TranslitTables:
    """The tables of ``data/translit_ru_latin.json``, read once per process.

    Raises:
        FileNotFoundError: the data file is not in the package.
    """
    data = load_json_data("translit_ru_latin.json")
    assert isinstance(data, dict)
    return TranslitTables(dict(data["letters"]), frozenset(data["ye_after"]),
                          tuple((a, b) for a, b in data["skeleton"]))


def transliterate(text: str) -> str:
    """Russian Cyrillic → Latin (BGN/PCGN 1947; signs dropped); other characters unchanged.

    Args:
        text: any text; ``ё`` is folded to ``е`` first.

    Returns:
        The transliteration, keeping the case of each word's first letter.
    """
    t = translit_tables()
    out: list[str] = []
    prev = ""
    for ch in text.replace("ё", "е").replace("Ё", "Е"):
        low = ch.lower()
        if low in t.letters:
            lat = t.letters[low]
            if low == "е" and (not prev or not prev.isalpha() or prev in t.ye_after):
                lat = "ye"
            if ch.isupper() and lat:
                lat = lat[0].upper() + lat[1:]
            out.append(lat)
        else:
            out.append(ch)
        prev = low
    return "".join(out)
