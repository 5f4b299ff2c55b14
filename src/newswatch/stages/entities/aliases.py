"""Curated entity aliases and a matcher that finds them in English and Russian text.

The data lives in ``newswatch/data/entity_aliases.jsonl``, one JSON object a line::

    {"id": "bagram_airfield", "label": "FAC",
     "canonical": {"en": "Bagram Airfield", "ru": "авиабаза Баграм"},
     "aliases": ["Bagram Airfield", "Bagram air base", "Bagram", "Баграм", ...],
     "country": "AFG", "type": "airfield", "note": "..."}

``label`` is an OntoNotes 5 label, ``country`` an ISO 3166-1 alpha-3 code, ``type`` a free
word (official, igo, river, city ...). Aliases of both languages share one list.

Matching works on *words* (maximal runs of ``\\w`` characters) so that "Amu-Darya",
"Amu Darya" and "FDD's Long War Journal" are seen the same way. An alias word matches a text
word when, after case folding and folding ``ё`` to ``е``:

* the alias word is all upper case (CSTO, ОДКБ, DRA, U.S.): the text word is identical;
* otherwise a capitalised alias word needs a capitalised text word, and then the folded forms
  are equal, or — for Cyrillic words only — the text word's lemma (from the nlp stage) equals
  the alias word, or the text word is an inflected form of it. The inflected forms come from
  pymorphy2 (:func:`newswatch.text.morph.nominative_lexeme`): "Лаврова", "Лавровым" match
  "Лавров"; "Амударью" matches "Амударья"; "Центральной Азии" matches "Центральная Азия".
  Only for a word pymorphy2 has no singular nominative reading of (44 of the 163 Cyrillic
  alias words in 2026-12: foreign surnames its suffix predictor reads as genitive plurals,
  "Токаев", "Пашинян"; "Гани", read as forms of "Ганя"; words written in an oblique case or the
  plural inside longer aliases, "Договора", "Штаты") the stem and ending tables of ``entity_rules.json``
  (``ru_morphology``) stand in: the text word starts with a stem of the alias word and the rest
  is a Russian case ending.

Consecutive alias words may be separated in the text only by spaces, hyphens, dots or
apostrophes (at most :data:`MAX_GAP_CHARS` characters, no line break). Matches are chosen
leftmost-longest and never overlap each other. An alias written with a final dot ("U.S.",
"U.S.A.") takes the dot that follows its last word in the text, so the span is the
abbreviation as written ("U.S.", not "U.S"), also at the end of a sentence, where English
writes one dot for both.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, NamedTuple

from ...text import fold, fold_text, is_cyrillic, load_json_data
from ...text.morph import nominative_lexeme

#: Longest separator between two words of one alias ("Amu - Darya" has 3 characters).
MAX_GAP_CHARS = 3
#: Characters allowed between two words of one alias.
_GAP_RE = re.compile(r"[ \t\u00a0\u2009\u202f\-\u2010\u2011\u2013'’.]*")
_WORD_RE = re.compile(r"\w+")

ALIAS_FILE = "entity_aliases.jsonl"
RULES_FILE = "entity_rules.json"


@dataclass(frozen=True, slots=True)
class RuMorphology:
    """Russian stem/ending tables (see ``entity_rules.json`` → ``ru_morphology``), the fall-back
    for alias words pymorphy2 cannot inflect (module docstring).

    Attributes:
        strip: nominative endings removed from an alias word to get extra stems.
        inflect: endings a text word may add to a stem ('' included).
        min_stem: shortest stem (letters) allowed for a one-word alias ("Гани" must not
            match "Гана").
        min_stem_multiword: shortest stem for a word of a multi-word alias.
    """

    strip: tuple[str, ...]
    inflect: frozenset[str]
    min_stem: int
    min_stem_multiword: int

    @classmethod
    def from_rules(cls, rules: dict[str, Any]) -> RuMorphology:
        """Build from the parsed ``entity_rules.json`` mapping."""
        m = rules["ru_morphology"]
        return cls(tuple(m["strip"]), frozenset(m["inflect"]), int(m["min_stem"]),
                   int(m["min_stem_multiword"]))

    def stems(self, folded: str, multiword: bool = False) -> frozenset[str]:
        """Stems of a folded Cyrillic word: the word itself and the word minus each strip ending.

        Args:
            folded: the folded alias word.
            multiword: the word belongs to an alias of several words; the other words give
                context, so ``min_stem_multiword`` (shorter) applies ("Азия" -> "ази").

        Returns:
            The stems; an empty set for words shorter than the minimum (they match only
            exactly or by lemma).
        """
        least = self.min_stem_multiword if multiword else self.min_stem
        if len(folded) < least:
            return frozenset()
        out = {folded}
        for end in self.strip:
            if folded.endswith(end) and len(folded) - len(end) >= least:
                out.add(folded[: len(folded) - len(end)])
        return frozenset(out)

    def inflects(self, stem: str, folded_text_word: str) -> bool:
        """True when ``folded_text_word`` is ``stem`` plus an allowed ending."""
        return folded_text_word.startswith(stem) and folded_text_word[len(stem):] in self.inflect


@dataclass(frozen=True, slots=True)
class AliasWord:
    """One word of an alias, pre-computed for matching."""

    raw: str
    folded: str
    exact: bool  # all upper case: must match the text word exactly
    capital: bool  # starts upper case: the text word must too
    forms: frozenset[str]  # pymorphy2's inflected forms (Cyrillic words it can inflect)
    stems: frozenset[str]  # table stems, only for Cyrillic words without ``forms``


@dataclass(frozen=True, slots=True)
class AliasEntry:
    """One row of the alias file.

    Attributes:
        id: stable id ("sergei_lavrov"); the entity key is ``"alias:" + id``.
        label: OntoNotes label.
        canonical: preferred name per language code ("en", "ru").
        aliases: surface forms of both languages.
        country: ISO 3166-1 alpha-3 code or None.
        type: free classification word ("official", "river" ...) or None.
    """

    id: str
    label: str
    canonical: dict[str, str]
    aliases: tuple[str, ...]
    country: str | None = None
    type: str | None = None

    def canonical_for(self, language: str | None) -> str:
        """The canonical name in ``language``, falling back to English, then to any."""
        if language and language in self.canonical:
            return self.canonical[language]
        return self.canonical.get("en") or next(iter(self.canonical.values()))


class TextWord(NamedTuple):
    """A word of the article text with its offsets and (when known) its lemma.

    A named tuple, not a dataclass: an article has thousands of words, and a frozen
    dataclass's ``__init__`` sets each field through ``object.__setattr__`` (about 1 µs a
    word, a quarter of the entities stage's CPU over the White House statements)."""

    start: int
    end: int
    text: str
    folded: str
    lemma: str  # folded lemma, "" when unknown


@dataclass(frozen=True, slots=True)
class AliasMatch:
    """An alias found in the text: ``text[start:end]`` and the entry it belongs to."""

    start: int
    end: int
    entry: AliasEntry
    alias: str


@dataclass(slots=True)
class _Compiled:
    entry: AliasEntry
    alias: str
    words: tuple[AliasWord, ...]
    order: int  # position of the entry in the file: breaks ties between equal-length matches


def _alias_rows() -> list[dict[str, Any]]:
    """The rows of the packaged ``entity_aliases.jsonl`` (JSON objects, file order)."""
    text = resources.files("newswatch.data").joinpath(ALIAS_FILE).read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _entries(rows: Iterable[dict[str, Any]]) -> list[AliasEntry]:
    """Alias rows as entries, in order.

    Raises:
        ValueError: a row lacks ``id``, ``label``, ``canonical`` or ``aliases``.
    """
    entries = []
    for row in rows:
        missing = [k for k in ("id", "label", "canonical", "aliases") if k not in row]
        if missing:
            raise ValueError(f"alias row {row.get('id', row)!r} lacks {missing}")
        entries.append(
            AliasEntry(row["id"], row["label"], dict(row["canonical"]), tuple(row["aliases"]),
                       row.get("country"), row.get("type"))
        )
    return entries


def load_entries() -> dict[str, AliasEntry]:
    """The entries of the packaged alias file by id, in file order, without the matching
    index (:meth:`AliasIndex.load` builds that: Russian word forms through pymorphy2), for a
    reader that only needs an entry's names, country or label.

    Raises:
        ValueError: a row is incomplete or an id repeats (as :meth:`AliasIndex.load`).
    """
    out: dict[str, AliasEntry] = {}
    for e in _entries(_alias_rows()):
        if e.id in out:
            raise ValueError(f"duplicate alias id {e.id!r}")
        out[e.id] = e
    return out


@dataclass(slots=True)
class AliasIndex:
    """All aliases, indexed by the keys their first word can be looked up with.

    Build it with :meth:`load` (package data) or :meth:`from_entries`; then call
    :meth:`find` on a text.
    """

    entries: list[AliasEntry]
    morph: RuMorphology
    _by_key: dict[str, list[_Compiled]] = field(default_factory=dict)
    _by_id: dict[str, AliasEntry] = field(default_factory=dict)
    #: aliases left out of ``_by_key`` until a text with a Cyrillic letter is searched (a
    #: :meth:`load`-ed index: their words' forms need pymorphy2)
    _deferred: bool = False

    @classmethod
    def load(cls) -> AliasIndex:
        """Load ``entity_aliases.jsonl`` and ``entity_rules.json`` from ``newswatch/data``.

        The aliases with a Cyrillic word are indexed on the first :meth:`find` in a text
        with a Cyrillic letter (their word forms come from pymorphy2, whose dictionary takes
        a quarter of a second to load): only such a text can match them, since each of their
        words must match a text word with a Cyrillic letter (the word itself, a lemma or a
        form of it).

        Raises:
            ValueError: a row lacks ``id``, ``label``, ``canonical`` or ``aliases``, or an id
                repeats.
        """
        rules = load_json_data(RULES_FILE)
        assert isinstance(rules, dict)
        return cls.from_entries(_alias_rows(), RuMorphology.from_rules(rules), defer_cyrillic=True)

    @classmethod
    def from_entries(cls, rows: Iterable[dict[str, Any]], morph: RuMorphology, *,
                     defer_cyrillic: bool = False) -> AliasIndex:
        """Build from parsed alias rows (the JSON Lines objects described above).

        Args:
            rows: the alias rows, in file order.
            morph: the stem/ending tables.
            defer_cyrillic: index the aliases with a Cyrillic word only when :meth:`find`
                first searches a text with a Cyrillic letter (see :meth:`load`).

        Raises:
            ValueError: a row is incomplete or an id repeats.
        """
        entries = _entries(rows)
        idx = cls(entries, morph)
        for e in entries:
            if e.id in idx._by_id:
                raise ValueError(f"duplicate alias id {e.id!r}")
            idx._by_id[e.id] = e
        idx._index(cyrillic=not defer_cyrillic)
        return idx

    def _index(self, cyrillic: bool) -> None:
        """Fill ``_by_key`` from ``entries`` (in file order, so that a key's list is the same
        whether built at once or later); without ``cyrillic`` the aliases with a Cyrillic word
        are left for later (``_deferred``)."""
        self._by_key = {}
        self._deferred = False
        for order, e in enumerate(self.entries):
            for alias in e.aliases:
                raw_words = _WORD_RE.findall(alias)
                if not cyrillic and any(is_cyrillic(w) for w in raw_words):
                    self._deferred = True
                    continue
                words = tuple(self._alias_word(w, len(raw_words) > 1) for w in raw_words)
                if not words:
                    continue
                comp = _Compiled(e, alias, words, order)
                for key in {words[0].folded, *words[0].forms, *words[0].stems}:
                    self._by_key.setdefault(key, []).append(comp)

    def get(self, entry_id: str) -> AliasEntry | None:
        """The entry with this id, or None."""
        return self._by_id.get(entry_id)

    def _alias_word(self, w: str, multiword: bool) -> AliasWord:
        folded = fold(w)
        exact = w.isupper()
        forms: frozenset[str] = frozenset()
        stems: frozenset[str] = frozenset()
        if is_cyrillic(w) and not exact:
            forms = nominative_lexeme(w)
            if not forms:
                stems = self.morph.stems(folded, multiword)
        return AliasWord(w, folded, exact, w[:1].isupper(), forms, stems)

    def _word_matches(self, aw: AliasWord, tw: TextWord) -> bool:
        if aw.exact:
            return tw.text == aw.raw
        if aw.capital and not tw.text[:1].isupper():
            return False
        if tw.folded == aw.folded or (tw.lemma and tw.lemma == aw.folded):
            return True
        if aw.forms:
            return tw.folded in aw.forms
        return any(self.morph.inflects(s, tw.folded) for s in aw.stems)

    def _lookup_keys(self, tw: TextWord) -> set[str]:
        keys = {tw.folded}
        if tw.lemma:
            keys.add(tw.lemma)
        if not tw.text.isascii() and is_cyrillic(tw.text):  # an ASCII word has no Cyrillic letter
            f = tw.folded
            for end in self.morph.inflect:
                if end and f.endswith(end):
                    keys.add(f[: len(f) - len(end)])
        return keys

    def find(self, text: str, words: Sequence[TextWord]) -> list[AliasMatch]:
        """Leftmost-longest, non-overlapping alias matches.

        Args:
            text: the article text (offsets of ``words`` point into it).
            words: the text's words in order (see :func:`text_words`).

        Returns:
            Matches sorted by start offset; ties in length go to the entry listed first.
        """
        if self._deferred and is_cyrillic(text):
            self._index(cyrillic=True)
        out: list[AliasMatch] = []
        i = 0
        n = len(words)
        while i < n:
            best: tuple[int, int, _Compiled] | None = None  # (end offset, last word index, alias)
            seen: set[int] = set()
            tw = words[i]
            # an ASCII word without a lemma has its folded form as its only key (_lookup_keys)
            keys = self._lookup_keys(tw) if tw.lemma or not tw.text.isascii() else (tw.folded,)
            for key in keys:
                for comp in self._by_key.get(key, ()):
                    if id(comp) in seen:
                        continue
                    seen.add(id(comp))
                    j = self._match_at(text, words, i, comp.words)
                    if j is None:
                        continue
                    end = words[j].end
                    if best is None or end > best[0] or (end == best[0] and comp.order < best[2].order):
                        best = (end, j, comp)
            if best is None:
                i += 1
                continue
            end = best[0]
            # an alias spelled with a final dot ("U.S.", "U.S.A.") takes the dot written after
            # its last word: the match is words, and the dot is no word character
            if best[2].alias.endswith(".") and text[end : end + 1] == ".":
                end += 1
            out.append(AliasMatch(words[i].start, end, best[2].entry, best[2].alias))
            i = best[1] + 1
        return out

    def _match_at(self, text: str, words: Sequence[TextWord], i: int,
                  aws: tuple[AliasWord, ...]) -> int | None:
        if i + len(aws) > len(words):
            return None
        for k, aw in enumerate(aws):
            tw = words[i + k]
            if k:
                gap = text[words[i + k - 1].end:tw.start]
                if len(gap) > MAX_GAP_CHARS or not _GAP_RE.fullmatch(gap):
                    return None
            if not self._word_matches(aw, tw):
                return None
        return i + len(aws) - 1


def text_words(text: str, lemmas: dict[tuple[int, int], str] | None = None) -> list[TextWord]:
    """Split ``text`` into words (runs of ``\\w``) with offsets.

    Args:
        text: the article text.
        lemmas: optional ``{(start, end): lemma}`` from the nlp stage's tokens; a Cyrillic word
            gets a lemma only when a token covers exactly the same characters (English words
            match on their surface form only).

    Returns:
        The words in text order.
    """
    lemmas = lemmas or {}
    # Case folding maps each character on its own to one or more characters, so when the folded
    # text is as long as the text, every character folded to exactly one and a word's folded
    # form is the same slice of the folded text (one fold per text instead of one per word).
    folded = fold_text(text)
    aligned = len(folded) == len(text)
    cyrillic = is_cyrillic(text)  # no Cyrillic in the text: no word has a lemma to look up
    if not cyrillic and aligned:  # the common case, written out: a word's folded form is a slice
        return [TextWord(s, e, text[s:e], folded[s:e], "") for s, e in map(re.Match.span, _WORD_RE.finditer(text))]
    out = []
    for m in _WORD_RE.finditer(text):
        s, e = m.span()
        word = m.group()
        lemma = lemmas.get((s, e), "") if cyrillic and is_cyrillic(word) else ""
        out.append(TextWord(s, e, word, folded[s:e] if aligned else fold(word), fold(lemma) if lemma else ""))
    return out
