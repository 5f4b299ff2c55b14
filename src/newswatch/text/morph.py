"""Russian morphology through pymorphy2: one shared analyzer, nominative forms of names.

pymorphy2 0.9.1 (OpenCorpora dictionary ``pymorphy2-dicts-ru``) analyses a word form into
parses (lemma, part of speech, grammemes such as case ``gent``, gender ``femn``, and the name
tags ``Surn``/``Name``/``Patr``/``Geox``) and inflects a parse into another form. Unknown words
(foreign surnames, rare place names) are analysed by analogy with known word endings.

One analyzer serves the whole process: :func:`analyzer` builds natasha's ``MorphVocab`` (a
``pymorphy2.MorphAnalyzer`` subclass with a parse cache, which the nlp stage uses for its
lemmas too) on first use and keeps it. A plain ``pymorphy2.MorphAnalyzer()`` cannot be built on
Python 3.11 (pymorphy2 calls ``inspect.getargspec``, removed in 3.11); importing natasha loads
yargy, which replaces that call. Building the analyzer reads the dictionary (~0.3 s).

natasha's ``MorphForm.inflect`` takes Universal Dependencies features; the functions here work
with OpenCorpora grammemes and so call pymorphy2's own ``Parse.inflect``.

Functions:

* :func:`place_nominatives`: "южной корее" → "южная корея", "сумской области" → "сумская
  область" (words up to the head noun agree with it; words after it are kept);
* :func:`person_nominative`: "Петровой Анной Сергеевной" → "Петрова Анна Сергеевна",
  "Сергея Лаврова" → "Сергей Лавров", "Захаровой" → "Захарова" (order kept, one gender and
  one case for the whole name, taken from the given name when there is one);
* :func:`surname_nominative`: a surname's nominative in a given gender ("Петрова", "femn" →
  "Петрова"; "masc" → "Петров");
* :func:`person_parts`: which name parts (surname, given name, patronymic) a word can be, with
  the case and gender each reading has; the entities stage joins split name spans with it;
* :func:`word_forms`: every inflected form of a common word, for search ("талибы" finds
  "талибов"); the watch loop's rule queries expand Russian words with it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: Name-part grammemes of OpenCorpora: surname, given name, patronymic.
NAME_PARTS = ("Surn", "Name", "Patr")
#: Genders a person name can take (OpenCorpora ``masc``/``femn``).
GENDERS = ("masc", "femn")
#: Grammatical cases (OpenCorpora); ``gen2``/``loc2``/``acc2`` fold into their main case.
_CASE_FOLD = {"gen1": "gent", "gen2": "gent", "acc2": "accs", "loc1": "loct", "loc2": "loct", "voct": "nomn"}
#: Universal Dependencies ``Case`` values (natasha/slovnet token features) → OpenCorpora cases.
UD_CASES = {"Nom": "nomn", "Gen": "gent", "Dat": "datv", "Acc": "accs", "Ins": "ablt", "Loc": "loct",
            "Par": "gent", "Voc": "nomn"}
#: Most parses of one word considered (pymorphy2 sorts them by estimated probability).
MAX_PARSES = 8
#: Longest input (characters) the name functions analyse; longer strings are not names.
MAX_NAME_CHARS = 200
#: Most words of a place phrase that are inflected (after them words are kept as they are).
MAX_PLACE_WORDS = 4

_CYR_RUN_RE = re.compile(r"[А-Яа-яЁё]+")
#: Score of a word reading that is not a name part (common noun, adjective), relative to a
#: name-part reading of the same probability: a surname reading wins over the homonym noun.
_NON_NAME_WEIGHT = 0.3
#: Cost (in summed-score units) of keeping a declinable word unchanged because it has no
#: reading in the gender and case the other words share.
_UNFIT_COST = 0.5
#: Bonus (summed-score units) for the case a tagger gave the name in its sentence: it decides
#: between readings of similar probability ("Лаврова" nominative feminine vs genitive
#: masculine) but not against a given name that has no reading in that case.
_HINT_BONUS = 0.3


@functools.cache
def analyzer() -> Any:
    """The process-wide pymorphy2 analyzer (natasha ``MorphVocab``), built on first call.

    Returns:
        A ``natasha.MorphVocab`` (subclass of ``pymorphy2.MorphAnalyzer``); ``parse(word)``
        is cached per word.

    Raises:
        ImportError: natasha or pymorphy2 is not installed.
    """
    # natasha imports yargy, which makes pymorphy2 load on 3.11; neither ships type information
    # (natasha is listed under ignore_missing_imports in pyproject.toml).
    from natasha import MorphVocab

    return MorphVocab()


def _inflect(parse: Any, grammemes: set[str]) -> Any:
    """pymorphy2's ``Parse.inflect`` with OpenCorpora grammemes (natasha overrides it)."""
    from pymorphy2.analyzer import Parse  # type: ignore[import-untyped]  # no type information

    try:
        return Parse.inflect(parse, grammemes)
    except (ValueError, KeyError):  # pymorphy2 raises on grammemes it does not know
        return None


def _case(tag: Any) -> str | None:
    c = tag.case
    return _CASE_FOLD.get(c, c) if c else None


def _match_shape(word: str, like: str) -> str:
    """``word`` spelled in the letter case of ``like`` (title, upper or lower), ё as in ``like``."""
    if "ё" not in like.lower():
        word = word.replace("ё", "е").replace("Ё", "Е")
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:].lower()
    return word.lower()


# -- places -------------------------------------------------------------------------------------


def _noun_parses(word: str) -> list[Any]:
    return [p for p in analyzer().parse(word)[:MAX_PARSES] if p.tag.POS == "NOUN"]


def singular_nominatives(word: str, limit: int = 4) -> list[str]:
    """Nominative singular forms of one Russian noun, one per noun reading, most probable
    first ("генейны" -> "генейна", where :func:`place_nominatives` keeps the plural reading).

    Args:
        word: one lower-case Cyrillic word.
        limit: most forms returned.

    Returns:
        Distinct forms other than ``word``; [] for a non-Cyrillic word or one with no noun
        reading.
    """
    if not _CYR_RUN_RE.fullmatch(word) or len(word) > MAX_NAME_CHARS:
        return []
    out: list[str] = []
    for parse in _noun_parses(word):
        form = _inflect(parse, {"nomn", "sing"})
        if form is not None and form.word != word and form.word not in out:
            out.append(form.word)
    return out[:limit]


def place_nominatives(phrase: str, limit: int = 6) -> list[str]:
    """Nominative forms of a Russian place phrase, most probable reading first.

    The first word that can be a noun is the head; the words before it (adjectives, participles)
    are put in the nominative with the head's gender and number, the head in the nominative
    with its number, and the words after it are kept ("республики корея" → "республика
    корея"). Each distinct reading of the head (pymorphy2 parses, by probability) gives one
    candidate. Words that are not Cyrillic are kept.

    Args:
        phrase: a place name, any letter case, words separated by single spaces (the
            gazetteer's normalised form); at most :data:`MAX_NAME_CHARS` characters.
        limit: most candidates returned.

    Returns:
        Candidate nominative phrases in the letter case of the input, without ``phrase`` itself;
        [] when nothing Cyrillic can be inflected, or the input is too long.
    """
    words = phrase.split()
    if not words or len(phrase) > MAX_NAME_CHARS or not any(_CYR_RUN_RE.fullmatch(w) for w in words):
        return []
    head_i = next((i for i, w in enumerate(words[:MAX_PLACE_WORDS])
                   if _CYR_RUN_RE.fullmatch(w) and _noun_parses(w)), None)
    out: list[str] = []
    if head_i is None:  # adjectives only ("южной"): each alone to the nominative
        heads: list[Any] = [None]
    else:
        heads = _noun_parses(words[head_i])
    for head in heads:
        if len(out) >= limit:
            break
        new = list(words)
        if head is not None and head_i is not None:
            form = _inflect(head, {"nomn"})
            if form is None:
                continue
            new[head_i] = _match_shape(form.word, words[head_i])
            agree = {"nomn", head.tag.number or "sing"}
            if (head.tag.number or "sing") == "sing" and head.tag.gender in ("masc", "femn", "neut"):
                agree.add(head.tag.gender)
        else:
            agree = {"nomn"}
        for i in range(head_i if head_i is not None else min(len(words), MAX_PLACE_WORDS)):
            w = words[i]
            if not _CYR_RUN_RE.fullmatch(w):
                continue
            adj = next((p for p in analyzer().parse(w)[:MAX_PARSES] if p.tag.POS in ("ADJF", "PRTF")), None)
            form = _inflect(adj, agree) if adj is not None else None
            if form is not None:
                new[i] = _match_shape(form.word, w)
        cand = " ".join(new)
        if cand != phrase and cand not in out:
            out.append(cand)
    return out


# -- persons ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NameReading:
    """One reading of a word as part of a person's name.

    Attributes:
        part: "Surn", "Name", "Patr", or "" (a common noun or adjective read as a name word).
        case: OpenCorpora case ("nomn", "gent", "datv", "accs", "ablt", "loct").
        gender: "masc", "femn", or None when the reading has no gender of its own.
        score: pymorphy2's probability estimate of the parse (0..1), weighted down for "".
        parse: the pymorphy2 parse.
    """

    part: str
    case: str
    gender: str | None
    score: float
    parse: Any


def person_parts(word: str) -> list[NameReading]:
    """Singular noun/adjective readings of a Cyrillic word, name parts first.

    Args:
        word: one word ("Петровой"); a word with non-Cyrillic letters or digits gives [].

    Returns:
        Readings sorted by score, highest first. A given-name or patronymic reading that
        pymorphy2 only guessed (the word is not in its dictionary) is left out.
    """
    if not _CYR_RUN_RE.fullmatch(word) or len(word) < 2:
        return []
    out = []
    for p in analyzer().parse(word)[:MAX_PARSES]:
        t = p.tag
        if t.POS not in ("NOUN", "ADJF") or t.number == "plur":
            continue
        case = _case(t)
        if case is None:
            continue
        part = next((g for g in NAME_PARTS if g in t), "")
        if part in ("Name", "Patr") and not p.is_known:
            continue  # given names are a closed list: a guessed "Name" is noise (Бейонсе)
        gender = t.gender if t.gender in GENDERS else None
        out.append(NameReading(part, case, gender, p.score * (1.0 if part else _NON_NAME_WEIGHT), p))
    return sorted(out, key=lambda r: -r.score)


def _best_agreement(readings: Sequence[list[NameReading]],
                    case_hint: str | None = None) -> tuple[str, str, list[NameReading | None]] | None:
    """The (gender, case) the words share with the highest summed score, and per word the
    reading used (None for a word kept as it is: no reading in that gender and case)."""
    best: tuple[float, str, str, list[NameReading | None]] | None = None
    cases = {r.case for rs in readings for r in rs}
    for gender in GENDERS:
        for case in sorted(cases):
            total = 0.0
            chosen: list[NameReading | None] = []
            for rs in readings:
                fit = [r for r in rs if r.case == case and r.gender in (gender, None)]
                if not fit:
                    # No reading in this gender and case: an indeclinable or foreign word
                    # ("Гани" in "Ашрафа Гани") is kept as written, at a cost.
                    chosen.append(None)
                    total -= 0.0 if not rs or any("Fixd" in r.parse.tag for r in rs) else _UNFIT_COST
                    continue
                chosen.append(fit[0])
                total += fit[0].score
            if all(r is None for r in chosen):
                continue
            if any(r is not None and r.part == "Name" for r in chosen):
                total += 1.0  # a given name fixes the gender: prefer readings that use one
            if case == case_hint:
                total += _HINT_BONUS
            if best is None or total > best[0]:
                best = (total, gender, case, chosen)
    return None if best is None else (best[1], best[2], best[3])


def person_nominative(name: str, case_hint: str | None = None) -> str | None:
    """The nominative of a Russian person name in any case, word order kept.

    Every Cyrillic word is read as a surname, given name or patronymic (pymorphy2 tags
    ``Surn``/``Name``/``Patr``, or an adjective: "Живицкого"). A word read only as a common noun
    (foreign names such as "Фухимори", "Муквеге") is kept as written. One gender and one case are
    chosen for the whole name (highest summed parse probability; a given name's reading is preferred, so its gender
    decides: "Петровой Анной" is feminine), and each word is inflected to the nominative of that
    gender. Initials, Latin words and indeclinable words (Шойгу) are kept.

    Args:
        name: the name as written ("встреча с Петровой Анной Сергеевной" → pass the name only:
            "Петровой Анной Сергеевной"); at most :data:`MAX_NAME_CHARS` characters.
        case_hint: the case the name has in its sentence when a tagger knows it (OpenCorpora
            name, e.g. "nomn" from natasha's ``Case=Nom``): only readings in that case are
            preferred among readings of similar probability ("Лаврова" with "nomn" stays
            "Лаврова"; without a hint it is read as the genitive of "Лавров").

    Returns:
        The nominative name ("Петрова Анна Сергеевна"), in the letter case of the input; None
        when the name has no Cyrillic word to inflect, no shared gender and case exists, or the
        input is too long.
    """
    if len(name) > MAX_NAME_CHARS:
        return None
    runs = [m for m in _CYR_RUN_RE.finditer(name) if len(m.group()) > 1]
    if not runs:
        return None
    readings = [person_parts(m.group()) for m in runs]
    if not any(readings):
        return None
    agreed = _best_agreement(readings, case_hint)
    if agreed is None:
        return None
    gender, case, chosen = agreed
    pieces: list[str] = []
    pos = 0
    for m, r in zip(runs, chosen, strict=True):  # one reading per run
        word = m.group()
        adjective = r is not None and r.parse.tag.POS == "ADJF"
        if r is not None and not r.part and not adjective:
            r = None  # a common-noun reading of a foreign name (Фухимори, Муквеге): keep it
        if r is not None and (case != "nomn" or r.gender not in (gender, None)):
            want = {"nomn", "sing"} | ({gender} if r.gender is not None or adjective else set())
            form = _inflect(r.parse, want) or _inflect(r.parse, {"nomn", "sing"})
            if form is not None:
                word = _match_shape(form.word, word)
        pieces.append(name[pos:m.start()])
        pieces.append(word)
        pos = m.end()
    pieces.append(name[pos:])
    return "".join(pieces)


def surname_nominative(word: str, gender: str) -> str | None:
    """The nominative singular of surname ``word`` in ``gender`` ("masc"/"femn"), from its
    pymorphy2 surname readings: "Петрова" with "femn" → "Петрова", with "masc" → "Петров";
    "Петровой" with "femn" → "Петрова". None when the word has no surname reading in that
    gender (or no Cyrillic letters). The letter case of ``word`` is kept."""
    for r in person_parts(word):
        if r.part == "Surn" and r.gender == gender:
            form = _inflect(r.parse, {"nomn", "sing", gender})
            if form is not None:
                return _match_shape(form.word, word)
    return None


def name_agreement(words: Sequence[str]) -> tuple[str, str, tuple[str, ...]] | None:
    """Whether ``words`` read together as one person's name in one gender and case.

    Every word needs a name-part reading (``Surn``/``Name``/``Patr``) in a shared gender and
    case; the parts, in order, must be a Russian name pattern: given name [patronymic]
    [surname] or surname given name [patronymic], each part at most once.

    Args:
        words: the words ("Петровой", "Анной", "Сергеевной").

    Returns:
        ``(gender, case, parts)`` ("femn", "ablt", ("Surn", "Name", "Patr")), or None.
    """
    if not 2 <= len(words) <= 4:
        return None
    readings = [[r for r in person_parts(w) if r.part] for w in words]
    if not all(readings):
        return None
    best: tuple[float, str, str, tuple[str, ...]] | None = None
    for gender in GENDERS:
        for case in sorted({r.case for rs in readings for r in rs}):
            for parts in _NAME_PATTERNS.get(len(words), ()):
                total = 0.0
                for rs, part in zip(readings, parts, strict=True):  # patterns have len(words) parts
                    fit = [r for r in rs if r.part == part and r.case == case and r.gender in (gender, None)]
                    if not fit:
                        break
                    total += fit[0].score
                else:
                    if best is None or total > best[0]:
                        best = (total, gender, case, parts)
    return None if best is None else (best[1], best[2], best[3])


#: Orders of name parts accepted by :func:`name_agreement`, by number of words.
_NAME_PATTERNS: dict[int, tuple[tuple[str, ...], ...]] = {
    2: (("Name", "Surn"), ("Surn", "Name"), ("Name", "Patr")),
    3: (("Name", "Patr", "Surn"), ("Surn", "Name", "Patr")),
}


# -- search ----------------------------------------------------------------------------------

#: Most word forms a search word is expanded to.
MAX_SEARCH_FORMS = 60
#: Tags of proper names, abbreviations and the like: such words are not expanded (pymorphy2
#: reads the unknown surname "Гани" as forms of the given name "Ганя").
_NO_EXPANSION_TAGS = frozenset({"Name", "Surn", "Patr", "Abbr", "Init"})
_CYRILLIC_WORD = re.compile(r"[а-яё]{3,}", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def word_forms(word: str) -> tuple[str, ...]:
    """Every inflected form of a Russian common word, for search: "талибы" → "талиб",
    "талиба", ..., "талибов"; "обстрел" → "обстрела", "обстрелами"...

    Only a word the dictionary knows is expanded, through its most probable readings (those
    scoring at least half the best) that are not person names or abbreviations (place names
    are: "Москва" → "Москвы"); anything else (Latin words, unknown words, person names) comes
    back alone.

    Returns:
        Lower-case forms with ``ё`` folded to ``е``, the word itself first, at most
        :data:`MAX_SEARCH_FORMS`.
    """
    low = word.lower().replace("ё", "е")
    if not _CYRILLIC_WORD.fullmatch(low):
        return (low,)
    from pymorphy2.analyzer import Parse  # no type information (see _inflect)

    morph = analyzer()
    if not morph.word_is_known(low):
        return (low,)
    parses = morph.parse(low)[:MAX_PARSES]
    best = max((p.score for p in parses), default=0.0)
    forms = [low]
    for p in parses:
        if p.score < best / 2 or _NO_EXPANSION_TAGS & set(p.tag.grammemes):
            continue
        for f in Parse.lexeme.fget(p):
            w = f.word.replace("ё", "е")
            if w not in forms:
                forms.append(w)
    return tuple(forms[:MAX_SEARCH_FORMS])


#: Most forms :func:`nominative_lexeme` returns for one word.
MAX_LEXEME_FORMS = 80


@functools.lru_cache(maxsize=4096)
def nominative_lexeme(word: str) -> frozenset[str]:
    """Every inflected form of a Russian word written in the nominative, from pymorphy2.

    Finds a name given in the nominative (an alias, a canonical name) in running text:
    "Лавров" → "Лаврова", "Лавровым"; "Амударья" → "Амударью"; "Средняя" → "Средней";
    "Мирзиёев" (unknown to the dictionary) → "Мирзиёевым". The forms are the lexemes of every
    reading of the word in the nominative (pymorphy2's dictionary, or its suffix predictor for
    unknown words), whatever their score: a name is often the rare reading ("Песков" is
    mostly the genitive plural of "песок"). Readings in other cases, and plural readings of
    another word, add nothing: "Гани" (Ashraf Ghani), read as the genitive or the plural of
    "Ганя", yields neither "Гане" nor "Ганы" (Ghana).

    Args:
        word: one word (any letter case; Cyrillic letters only).

    Returns:
        Lower-case forms with ``ё`` folded to ``е``, the word itself included, at most
        :data:`MAX_LEXEME_FORMS`; an empty set when pymorphy2 has no nominative reading of the
        word (foreign surnames its predictor reads as genitive plurals: "Токаев", "Пашинян").
    """
    from pymorphy2.analyzer import Parse  # no type information (see _inflect)

    low = word.lower().replace("ё", "е")
    if not _CYR_RUN_RE.fullmatch(low) or len(low) > MAX_NAME_CHARS:
        return frozenset()
    out = [low]
    for p in analyzer().parse(low)[:MAX_PARSES]:
        if _case(p.tag) != "nomn":
            continue
        if p.tag.number == "plur" and p.normal_form.replace("ё", "е") != low:
            continue  # a plural of another word: "Гани" as plural of "Ганя" would give "Гане"
        for f in Parse.lexeme.fget(p):
            w = f.word.replace("ё", "е")
            if w not in out:
                out.append(w)
    return frozenset(out[:MAX_LEXEME_FORMS]) if len(out) > 1 else frozenset()


#: OpenCorpora parts of speech of the non-finite forms of a verb's lexeme (full and short
#: participles, infinitive, adverbial participle): "выдвинут" is both a short passive
#: participle ("он был выдвинут") and the 3rd person plural non-past of "выдвинуть".
_NON_FINITE = frozenset({"PRTF", "PRTS", "INFN", "GRND"})


@functools.lru_cache(maxsize=8192)
def perfective_future(word: str, lemma: str, tagged_finite: bool = True) -> bool | None:
    """Whether a Russian word form is the simple future: a perfective verb in the non-past
    indicative ("встретится", "подпишут", "увидятся"). Russian grammar (Русская грамматика
    1980, §1465 ff.): the non-past of a perfective verb has future meaning; the imperfective
    non-past is the present ("встречается").

    Args:
        word: the form as written (any case).
        lemma: the tagger's lemma of the form (its infinitive); only dictionary readings of
            that lemma count, so a homograph of another verb does not decide.
        tagged_finite: False when the tagger read the token as a participle, infinitive,
            adverbial participle or imperative; a form whose dictionary readings include such
            a non-finite or imperative reading then is not a future ("выдвинут" in "был
            выдвинут").

    Returns:
        True when every indicative reading of ``lemma`` in pymorphy2's dictionary is
        perfective with the grammeme ``futr`` (OpenCorpora's name for the perfective non-past);
        False when the dictionary knows the form of ``lemma`` otherwise (past, present,
        imperfective, or only non-finite); None when the dictionary does not know the form as
        ``lemma`` at all (the caller keeps the tagger's own features).
    """
    lem = lemma.lower().replace("ё", "е")
    known = [p for p in analyzer().parse(word.lower())[:MAX_PARSES]
             if p.is_known and p.normal_form.replace("ё", "е") == lem]
    if not known:
        return None
    indicative = [p for p in known if p.tag.POS == "VERB" and "indc" in p.tag]
    if not indicative or not all("perf" in p.tag and "futr" in p.tag for p in indicative):
        return False
    return tagged_finite or not any(p.tag.POS in _NON_FINITE or "impr" in p.tag for p in known)
