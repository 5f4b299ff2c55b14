"""One identity per entity across articles and languages: transliteration and name keys.

The store keeps one ``entity`` row per entity key the entities stage produced
(``alias:sergei_lavrov``, ``PERSON:Andrei Kozyrev``, ``PERSON:Андрей Козырев`` ...) and links
rows that name the same real-world entity to one *identity* (``entity.identity_id``), with
the evidence of each link (``entity_merge``), so a wrong merge can be undone. The keys used:

* :func:`transliterate` — Russian Cyrillic to Latin by BGN/PCGN 1947 (``data/translit_ru_latin.json``;
  "Сергей Лавров" → "Sergey Lavrov");
* :func:`name_skeleton` — a spelling-tolerant key of one name word: Latin lower case, the
  variant table of the data file applied (kh → h, zh → j, y → i ...), doubled letters
  collapsed and every vowel after the first letter dropped ("Sergei" and "Sergey" → "srg",
  "Mirziyoyev" and "Mirziyoev" → "mrzv");
* :func:`name_keys` — ``name_key`` = skeleton of the first and the last word of a person's
  name (patronymics and middle names ignored), ``surname_key`` = skeleton of the last word.

Merge rules (applied by :mod:`newswatch.storage.situation` when an article is saved):

1. alias-file keys are identities of their own (the alias file already joins English and
   Russian: "Лаврова" and "Sergei Lavrov" both resolve to ``alias:sergei_lavrov``); a model
   entity whose ``name_key`` equals the key of an alias entry's multi-word alias joins it
   (method ``alias``);
2. a multi-word PERSON joins the unique existing identity with the same label and
   ``name_key`` (method ``transliteration`` when the scripts differ, ``name`` otherwise);
3. a one-word PERSON ("Козырев") joins the unique multi-word PERSON identity whose
   ``surname_key`` equals its own, when exactly one exists (method ``surname``; two namesakes
   make it ambiguous and nothing is merged).

Only PERSON entities are merged by name: organisations and places are joined by the alias
file and the gazetteer.
"""

from __future__ import annotations

import re
import unicodedata

from ..text import fold, is_cyrillic
from ..text.translit import translit_tables, transliterate

_WORD_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_VOWELS = frozenset("aeiou")
#: Shortest skeleton a surname may have to be matched on its own ("Ли" alone is too short).
MIN_SURNAME_SKELETON = 3


def _ascii(word: str) -> str:
    """Lower-case Latin letters of ``word`` (Cyrillic transliterated, diacritics removed)."""
    if is_cyrillic(word):
        word = transliterate(word)
    word = unicodedata.normalize("NFKD", word)
    return "".join(c for c in word.lower() if "a" <= c <= "z")


def name_skeleton(word: str) -> str:
    """The spelling-tolerant key of one name word (see the module docstring).

    Args:
        word: a name word in Latin or Cyrillic script.

    Returns:
        The key ("" for a word without letters).
    """
    w = _ascii(word)
    if not w:
        return ""
    for a, b in translit_tables().skeleton:
        w = w.replace(a, b)
    w = re.sub(r"(.)\1+", r"\1", w)
    return w[0] + "".join(c for c in w[1:] if c not in _VOWELS)


def name_words(name: str) -> list[str]:
    """The words of a name (hyphenated parts kept together: "Kassym-Jomart")."""
    return _WORD_RE.findall(name)


def name_keys(name: str) -> tuple[str | None, str | None]:
    """``(name_key, surname_key)`` of a person's name.

    Returns:
        ``name_key`` "first last" skeletons (None for a one-word name) and ``surname_key``,
        the last word's skeleton (None when shorter than :data:`MIN_SURNAME_SKELETON`).
    """
    words = name_words(name)
    if not words:
        return None, None
    last = name_skeleton(words[-1])
    surname = last if len(last) >= MIN_SURNAME_SKELETON else None
    if len(words) < 2:
        return None, surname
    return f"{name_skeleton(words[0])} {last}", surname


def script(name: str) -> str:
    """"ru" for a Cyrillic name, else "en" (the label language of a canonical name)."""
    return "ru" if is_cyrillic(name) else "en"


def same_script(a: str, b: str) -> bool:
    """True when both names are Cyrillic or both are not."""
    return is_cyrillic(a) == is_cyrillic(b)


def folded_label(name: str) -> str:
    """A label for comparing canonical names: folded, whitespace collapsed."""
    return " ".join(fold(name).split())
