"""One antecedent resolver for pronouns and title nouns, shared by quotes, events and claims.

A *candidate* is a named actor an anaphor may refer back to: an entity mention that is the
grammatical subject of a verb (directly, or through a name link: "Press Secretary … Dmitry
Peskov said", "Lavrov and Kommasith agreed"), or the speaker of a quote (the quotes stage adds
its speakers as it resolves them; the events stage adds the speakers in ``article.quotes``).
Not any mention: "He also noted" after "Lavrov … following his talks with … Kommasith" is
Lavrov.

* a **pronoun** (:meth:`AntecedentResolver.pronoun`) takes the most recent candidate before it
  with one of the wanted labels (PERSON for he/she/он/она; organisations or states for "it")
  within :data:`MAX_ANTECEDENT_SENTENCES` logical sentences (see
  :func:`newswatch.text.syntax.logical_sentences`); a Russian pronoun must agree in gender
  with the candidate when both genders are known;
* a **title noun** (:meth:`AntecedentResolver.title`: "the Minister", "the spokesman",
  "президент") → when the title carries a country ("the President of Russia", "the Russian
  leader"), the most recent PERSON candidate of that country in the window; else the most
  recent PERSON candidate introduced with the same title word; else the PERSON most often
  introduced with that title earlier in the document, candidate or not ("President Biden" for
  "the President" in a briefing); else the most recent PERSON candidate in the window.

The title vocabulary is data: ``newswatch/data/antecedents.json`` (:class:`TitleLexicon`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..model import EntityMention
from . import fold, load_json_data
from .syntax import DocView

#: How far back (in logical sentences) a pronoun or a title looks for its antecedent.
#: Calibrated on the seed ("The Minister recalled" is two sentences after "According to Lavrov").
MAX_ANTECEDENT_SENTENCES = 3
#: Words before a mention searched for its title ("Russian Foreign Minister Sergei Lavrov").
TITLE_WINDOW_TOKENS = 6
#: Subject dependency labels (ClearNLP and UD).
SUBJ_DEPS = frozenset({"nsubj", "nsubjpass", "nsubj:pass"})
#: Links that join the words of one name or a title to its name (ClearNLP and UD).
NAME_LINK_DEPS = frozenset({"appos", "flat", "flat:name", "flat:foreign", "compound", "conj", "nmod:name"})
#: Entity labels that can be candidates.
CANDIDATE_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
#: How many name links are followed up from a mention to reach its subject relation.
_MAX_LINK_STEPS = 3
_GENDER_RE = re.compile(r"Gender=(\w+)")


@dataclass(frozen=True, slots=True)
class TitleLexicon:
    """Title nouns of one language (folded) and the words that change their meaning.

    Attributes:
        titles: nouns that stand for an earlier-named person ("minister", "представитель").
        indefinite: determiners that make a title an unnamed person ("a", "some").
        other_office: words that make a following title another office ("vice", "бывший").
    """

    titles: frozenset[str]
    indefinite: frozenset[str]
    other_office: frozenset[str]

    @classmethod
    def load(cls, language: str) -> TitleLexicon:
        """The lexicon of ``language`` ("en", "ru"; any other gives an empty lexicon)."""
        return _title_lexicon(language)


@cache
def _title_lexicon(language: str) -> TitleLexicon:
    data = load_json_data("antecedents.json")
    assert isinstance(data, dict)
    d: dict[str, Any] = data.get(language, {})
    return TitleLexicon(frozenset(fold(w) for w in d.get("titles", [])),
                        frozenset(fold(w) for w in d.get("indefinite", [])),
                        frozenset(fold(w) for w in d.get("other_office", [])))


@dataclass(slots=True)
class Antecedent:
    """A candidate antecedent.

    Attributes:
        offset: start offset of the mention (code points).
        sent: index of its logical sentence (:meth:`DocView.sent_index`).
        canonical: the name it resolves to.
        label: OntoNotes label (PERSON, ORG, GPE, NORP).
        gender: ``Masc``/``Fem``/``Neut`` from the parse, "" when unknown.
        titles: folded title words written before the name (see :func:`titles_before`).
        country: ISO 3166-1 alpha-3 code of the entity, if known.
        mention: the entity mention, when the candidate is one.
    """

    offset: int
    sent: int
    canonical: str
    label: str
    gender: str = ""
    titles: frozenset[str] = frozenset()
    country: str | None = None
    mention: EntityMention | None = None


def gender_of(view: DocView, start: int, end: int) -> str:
    """The first ``Gender=`` feature of the tokens of ``[start, end)``, "" when none."""
    for i in view.tokens_in(start, end):
        m = _GENDER_RE.search(view.tokens[i].morph)
        if m:
            return m.group(1)
    return ""


def titles_before(view: DocView, e: EntityMention, lex: TitleLexicon) -> frozenset[str]:
    """Title words among the :data:`TITLE_WINDOW_TOKENS` tokens before mention ``e`` in its
    sentence (stopping at punctuation or a verb; a title after an ``other_office`` word is
    skipped: "Vice President Harris" is not "the President")."""
    k = bisect.bisect_left(view.starts, e.start)
    out = set()
    toks = view.tokens
    sent = toks[k].sent if k < len(toks) else -1
    for i in range(k - 1, max(-1, k - 1 - TITLE_WINDOW_TOKENS), -1):
        t = toks[i]
        if t.sent != sent or t.pos in ("PUNCT", "VERB"):
            break
        prev = fold(toks[i - 1].text) if i > 0 else ""
        if prev in lex.other_office:
            continue
        out.add(fold(t.lemma))
        out.add(fold(t.text))
    return frozenset(out & lex.titles)


def subject_mentions(view: DocView, labels: frozenset[str] = CANDIDATE_LABELS) -> list[tuple[EntityMention, int]]:
    """Entity mentions with a label in ``labels`` that are the subject of a verb, in text order.

    Returns:
        ``(mention, subject_token)`` pairs: the token that holds the subject relation (the
        mention's head, or the word its name links lead to: "Press Secretary" for "Press
        Secretary of the President Dmitry Peskov").
    """
    out = []
    toks = view.tokens
    for e in view.entities:
        if e.label not in labels:
            continue
        rng = view.tokens_in(e.start, e.end)
        for i in rng:
            t = toks[i]
            if t.head in rng:
                continue
            j, steps = t, 0
            while j.dep in NAME_LINK_DEPS and j.head != j.i and steps < _MAX_LINK_STEPS:
                j = toks[j.head]
                steps += 1
            if j.dep in SUBJ_DEPS:
                out.append((e, j.i))
            break
    return out


@dataclass(slots=True)
class AntecedentResolver:
    """Pronoun and title antecedents of one article (see the module docstring).

    Build with :meth:`for_article`; add quote speakers with :meth:`add` as they are found.
    """

    view: DocView
    lex: TitleLexicon
    candidates: list[Antecedent] = field(default_factory=list)
    #: Every PERSON mention with its titles (for the document-wide title fallback).
    titled: list[Antecedent] = field(default_factory=list)
    window: int = MAX_ANTECEDENT_SENTENCES

    @classmethod
    def for_article(cls, view: DocView, lex: TitleLexicon | None = None) -> AntecedentResolver:
        """Candidates = the subject mentions of ``view``; titles from ``lex`` (the language's
        lexicon when None)."""
        res = cls(view, lex or TitleLexicon.load(view.lang))
        for e, subj in subject_mentions(view):
            own = fold(view.tokens[subj].lemma)
            titles = titles_before(view, e, res.lex) | (frozenset({own}) if own in res.lex.titles else frozenset())
            res.candidates.append(res._make(e, titles))
        res.titled = [res._make(e, titles_before(view, e, res.lex)) for e in view.entities if e.label == "PERSON"]
        return res

    def _make(self, e: EntityMention, titles: frozenset[str]) -> Antecedent:
        return Antecedent(e.start, self.view.sent_index(e.start), e.canonical, e.label,
                          gender_of(self.view, e.start, e.end), titles, e.country, e)

    def add(self, canonical: str, start: int, label: str) -> Antecedent:
        """Add a candidate named ``canonical`` at offset ``start`` (a quote speaker: a name, or a
        resolved pronoun/title); gender, titles and country come from the entity mention at
        ``start`` when there is one, else the country from an earlier mention of the name."""
        e = self.view.entity_covering(start, start + 1)
        if e is not None:
            a = Antecedent(start, self.view.sent_index(start), canonical, label, gender_of(self.view, e.start, e.end),
                           titles_before(self.view, e, self.lex), e.country, e)
        else:
            country = next((c.country for c in self.candidates + self.titled if c.canonical == canonical and c.country),
                           None)
            a = Antecedent(start, self.view.sent_index(start), canonical, label, country=country)
        k = bisect.bisect_right([c.offset for c in self.candidates], start)
        self.candidates.insert(k, a)
        return a

    def _window(self, before: int, labels: frozenset[str]) -> list[Antecedent]:
        sent = self.view.sent_index(before)
        return [a for a in self.candidates if a.offset < before and a.label in labels and sent - a.sent <= self.window]

    def pronoun(self, before: int, labels: frozenset[str], gender: str = "",
                exclude: frozenset[str] = frozenset()) -> Antecedent | None:
        """The antecedent of a pronoun at offset ``before``: the latest candidate with a label
        in ``labels`` in the window, agreeing in ``gender`` when both are known, whose
        canonical name is not in ``exclude``; None if none.

        ``exclude`` carries the binding condition on personal pronouns (Chomsky's Principle B):
        an object pronoun cannot stand for the subject of its own clause ("Putin urged *him*"
        is not Putin; a reflexive would say so), so the caller passes that subject's name.
        """
        pool = [a for a in self._window(before, labels) if not (gender and a.gender and a.gender != gender)
                and a.canonical not in exclude]
        return pool[-1] if pool else None

    def title(self, before: int, title: str, countries: frozenset[str] = frozenset()) -> Antecedent | None:
        """The person a title noun at offset ``before`` names (rules in the module docstring).

        Args:
            before: offset of the title noun.
            title: its folded lemma (or text) from :attr:`TitleLexicon.titles`.
            countries: alpha-3 codes the title phrase names ("the Russian leader": {"RUS"}).
        """
        persons = frozenset({"PERSON"})
        window = self._window(before, persons)
        if countries:
            same_country = [a for a in window if a.country in countries]
            same = [a for a in same_country if title in a.titles] or same_country
            if same:
                return same[-1]
        titled = [a for a in window if title in a.titles]
        if titled:
            return titled[-1]
        earlier = [a for a in self.titled if a.offset < before and title in a.titles]
        if earlier:
            counts: dict[str, int] = {}
            for a in earlier:
                counts[a.canonical] = counts.get(a.canonical, 0) + 1
            top = max(counts.values())
            return [a for a in earlier if counts[a.canonical] == top][-1]
        return window[-1] if window else None

    def is_definite_title(self, i: int) -> str | None:
        """The title word of token ``i`` when it is a title noun without an indefinite
        determiner ("the Minister", "президент"), else None."""
        v = self.view
        lemma, text = v.lemma(i), v.text(i)
        word = lemma if lemma in self.lex.titles else text if text in self.lex.titles else None
        if word is None:
            return None
        dets = {v.text(c) for c in v.children[i] if v.dep(c) == "det"}
        return None if dets & self.lex.indefinite else word
