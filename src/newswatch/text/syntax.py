"""A read-only view of an article's dependency parse with language-neutral argument slots.

spaCy's English model uses ClearNLP labels (``nsubj``, ``nsubjpass``, ``dobj``, ``dative``,
``prep`` + ``pobj``, ``agent``, ``prt``, ``neg``); natasha (slovnet) uses Universal
Dependencies v2 labels (``nsubj``, ``nsubj:pass``, ``obj``, ``iobj``, ``obl``/``nmod`` with a
``case`` dependent, ``advmod`` "не"). :meth:`DocView.args` maps both onto one set of slot
names so the trigger lexicons can be written once:

* ``subj``, ``pass_subj`` (subject of a passive verb), ``obj``, ``iobj`` (English dative or a
  bare Russian dative), ``agent`` (English "by" agent of a passive; Russian bare instrumental
  of a passive verb), ``ins`` (other bare instrumental);
* ``prep:<p>`` — the object of preposition ``p`` ("with", "from", "с", "на"); compound
  prepositions are joined with "_" ("on_the_part_of", "со_стороны", "в_отношение");
* ``gen`` — a bare genitive modifier (Russian ``nmod`` in Case=Gen: "наступление талибов");
* ``poss``, ``compound``, ``amod``, ``nmod``, ``appos``, ``flat`` — nominal modifiers;
* ``xcomp``, ``ccomp``, ``advcl``, ``conj``, ``acomp``, ``prt``, ``aux``, ``neg``, ``mark``.

All lemmas are folded (lower case, ё → е) with :func:`newswatch.text.fold`.

The view also gives offset lookups (tokens and entities in a span) and *logical sentences*
(:func:`logical_sentences`): the nlp stage's sentences with a sentence that does not end in
terminal punctuation joined to the next one of its paragraph. The antecedent window of
:mod:`newswatch.text.antecedents` counts logical sentences.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from ..model import Article, EntityMention, Token
from . import fold
from .datelines import dateline_spans

#: Russian preposition spellings folded to their base form ("со" → "с").
_RU_PREP_VARIANTS = {"со": "с", "во": "в", "ко": "к", "обо": "о", "изо": "из", "подо": "под", "передо": "перед"}
#: Russian nouns that form compound prepositions with their preposition and a genitive
#: dependent: "со стороны X", "в отношении X", "в адрес X", "в ходе X".
_RU_PREP_NOUNS = {("с", "сторона"): "со_стороны", ("в", "отношение"): "в_отношение",
                  ("в", "адрес"): "в_адрес", ("в", "ход"): "в_ход", ("по", "линия"): "по_линии"}
#: English nouns that form compound prepositions: "on the part of X", "on behalf of X".
_EN_PREP_NOUNS = {("on", "part"): "on_the_part_of", ("on", "behalf"): "on_behalf_of",
                  ("in", "front"): "in_front_of", ("by", "way"): "by_way_of"}

_EN_SLOTS = {
    "nsubj": "subj", "csubj": "subj", "expl": "expl", "nsubjpass": "pass_subj", "csubjpass": "pass_subj",
    "dobj": "obj", "dative": "iobj", "poss": "poss", "compound": "compound", "amod": "amod",
    "nmod": "nmod", "appos": "appos", "xcomp": "xcomp", "ccomp": "ccomp", "advcl": "advcl",
    "conj": "conj", "acomp": "acomp", "attr": "attr", "oprd": "oprd", "prt": "prt", "aux": "aux",
    "auxpass": "auxpass", "neg": "neg", "mark": "mark", "advmod": "advmod", "relcl": "relcl",
    "acl": "acl", "npadvmod": "npadvmod", "det": "det", "pcomp": "pcomp", "nummod": "nummod",
}
_RU_SLOTS = {
    "nsubj": "subj", "csubj": "subj", "nsubj:pass": "pass_subj", "obj": "obj", "iobj": "iobj",
    "amod": "amod", "appos": "appos", "flat:name": "flat", "flat": "flat", "flat:foreign": "flat",
    "xcomp": "xcomp", "ccomp": "ccomp", "advcl": "advcl", "conj": "conj", "aux": "aux",
    "aux:pass": "auxpass", "mark": "mark", "advmod": "advmod", "acl:relcl": "relcl", "acl": "acl",
    "det": "det", "nummod": "nummod", "nummod:gov": "nummod", "cop": "cop", "parataxis": "parataxis",
}


_TERMINAL_RE = re.compile(r"[.!?…:;][\"'»”“)\]]*\s*$")


def logical_sentences(article: Article) -> list[tuple[int, int]]:
    """The nlp stage's sentences as ``(start, end)`` offsets, with a sentence that does not end
    in terminal punctuation (. ! ? … : ;, possibly followed by a closing mark) joined to the next
    one in the same paragraph. spaCy sm splits "… Organization (CSTO) | Secretariat are
    monitoring …" on the seed; quote and antecedent rules need the whole sentence."""
    text = article.text
    out: list[tuple[int, int]] = []
    for s in article.sentences:
        if out:
            a, b = out[-1]
            gap = text[a:b].rstrip(" \t\u00a0")[-1:] + text[b:s.start]
            if not _TERMINAL_RE.search(text[a:b]) and "\n" not in gap:
                out[-1] = (a, s.end)
                continue
        out.append((s.start, s.end))
    return out


#: How many articles' views :meth:`DocView.shared` keeps (the articles a stream has in flight
#: between the stages that read a view: one, as the pipeline runs them).
SHARED_VIEWS = 4
#: The kept views, newest first: ``((article, text, language, tokens, sentences, entities),
#: len(tokens), len(sentences), len(entities), view)``. A tuple replaced as a whole.
_recent: tuple[tuple[tuple[Any, ...], int, int, int, DocView], ...] = ()


@dataclass(slots=True)
class DocView:
    """Children lists, entity lookup and argument slots for one article (built once).

    Args:
        article: an article with ``tokens``, ``sentences`` and ``entities`` filled.
    """

    article: Article
    lang: str
    children: list[list[int]] = field(default_factory=list)
    _ent_starts: list[int] = field(default_factory=list)
    _ents: list[EntityMention] = field(default_factory=list)
    _args: dict[int, dict[str, list[int]]] = field(default_factory=dict)
    #: Token start offsets (for offset → token lookups).
    starts: list[int] = field(default_factory=list)
    #: Logical sentences (see :func:`logical_sentences`) and their start offsets.
    sentences: list[tuple[int, int]] = field(default_factory=list)
    sent_starts: list[int] = field(default_factory=list)
    #: Wire datelines of the text (:func:`newswatch.text.datelines.dateline_spans`).
    datelines: list[tuple[int, int]] = field(default_factory=list)
    #: The article's tokens (the list itself: the stages that read a view never replace it).
    #: An attribute, not a property reading ``article.tokens``: it is read about a million
    #: times over 250 articles.
    tokens: list[Token] = field(default_factory=list)

    @classmethod
    def build(cls, article: Article) -> DocView:
        """Index ``article`` (children of each token, entities by offset, logical sentences)."""
        lang = "ru" if (article.language or "en") == "ru" else "en"
        view = cls(article, lang)
        n = len(article.tokens)
        view.children = [[] for _ in range(n)]
        for t in article.tokens:
            if t.head != t.i and 0 <= t.head < n:
                view.children[t.head].append(t.i)
        view._ents = sorted(article.entities, key=lambda e: e.start)
        view._ent_starts = [e.start for e in view._ents]
        view.tokens = article.tokens
        view.starts = [t.start for t in article.tokens]
        view.sentences = logical_sentences(article)
        view.sent_starts = [a for a, _ in view.sentences]
        view.datelines = dateline_spans(article.text)
        return view

    @classmethod
    def shared(cls, article: Article) -> DocView:
        """The view of ``article`` that an earlier stage built, when the parse it indexes is
        still the article's (else a new view, kept for the stages after this one).

        quotes, geocode, events and claims each read the same parse of an article; the
        pipeline hands an article through those stages one after the other, so the views of
        the last :data:`SHARED_VIEWS` articles are kept (about 0.1 CPU s per 250 statements
        is the cost of three more builds). A kept view is reused only while the article has
        the same ``text``, ``language``, ``tokens``, ``sentences`` and ``entities`` objects (the
        lists of the same length): a stage that sets or grows one of them gets a new view, as
        :meth:`build` would give. The kept entries hold those objects, so no id is reused.

        Args:
            article: as for :meth:`build`.

        Returns:
            A view equal to ``DocView.build(article)``; callers must not change it.
        """
        global _recent
        tokens, sentences, entities = article.tokens, article.sentences, article.entities
        for held, n_tok, n_sent, n_ent, view in _recent:
            if held[0] is article and held[1] is article.text and held[2] == article.language \
                    and held[3] is tokens and held[4] is sentences and held[5] is entities \
                    and n_tok == len(tokens) and n_sent == len(sentences) and n_ent == len(entities):
                return view
        view = cls.build(article)
        entry = ((article, article.text, article.language, tokens, sentences, entities),
                 len(tokens), len(sentences), len(entities), view)
        _recent = (entry, *_recent[: SHARED_VIEWS - 1])
        return view

    def in_dateline(self, offset: int) -> bool:
        """True when character ``offset`` lies in a wire dateline ("PORT SUDAN, Nov 24 (Nile
        Desk) —"): where and when the story was filed, not a part of what it reports."""
        return any(a <= offset < b for a, b in self.datelines)

    def lemma(self, i: int) -> str:
        """Folded lemma of token ``i`` (the folded text when the lemma is empty)."""
        t = self.tokens[i]
        return fold(t.lemma or t.text)

    def text(self, i: int) -> str:
        """Folded surface text of token ``i``."""
        return fold(self.tokens[i].text)

    def head(self, i: int) -> int | None:
        """The head of token ``i``, or None for a root."""
        t = self.tokens[i]
        return None if t.head == i else t.head

    def dep(self, i: int) -> str:
        """The dependency label of token ``i``."""
        return self.tokens[i].dep

    def entity_at(self, i: int) -> EntityMention | None:
        """The entity mention covering token ``i`` (by offsets), or None."""
        t = self.tokens[i]
        k = bisect.bisect_right(self._ent_starts, t.start) - 1
        if k >= 0:
            e = self._ents[k]
            if e.start <= t.start < e.end:  # a token may run past the mention ("U.N." vs "U.N")
                return e
        return None

    def entity_covering(self, start: int, end: int) -> EntityMention | None:
        """The entity mention containing the whole span ``[start, end)``, or None."""
        k = bisect.bisect_right(self._ent_starts, start) - 1
        if k >= 0:
            e = self._ents[k]
            if e.start <= start and end <= e.end:
                return e
        return None

    @property
    def entities(self) -> list[EntityMention]:
        """The article's entity mentions sorted by start offset."""
        return self._ents

    def tokens_in(self, start: int, end: int) -> range:
        """Indices of the tokens starting at or after ``start`` and ending by ``end``, from the
        first token at ``start`` up to the first token that runs past ``end``."""
        a = bisect.bisect_left(self.starts, start)
        b = a
        while b < len(self.tokens) and self.tokens[b].end <= end:
            b += 1
        return range(a, b)

    def starting_in(self, start: int, end: int) -> range:
        """Indices of the tokens whose start offset lies in ``[start, end)``: a bisection of
        :attr:`starts` (the tokens are in text order), the same tokens a scan would give."""
        return range(bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end))

    def first_from(self, offset: int) -> int | None:
        """Index of the first token starting at or after ``offset``, or None when none does."""
        k = bisect.bisect_left(self.starts, offset)
        return k if k < len(self.starts) else None

    def sent_index(self, offset: int) -> int:
        """Index of the logical sentence holding ``offset`` (0 before the first)."""
        return max(0, bisect.bisect_right(self.sent_starts, offset) - 1)

    def entities_between(self, start: int, end: int) -> list[EntityMention]:
        """Entity mentions lying inside ``[start, end)``."""
        k = bisect.bisect_left(self._ent_starts, start)
        out = []
        while k < len(self._ents) and self._ents[k].start < end:
            if self._ents[k].end <= end:
                out.append(self._ents[k])
            k += 1
        return out

    def subtree(self, i: int) -> list[int]:
        """Token ``i`` and all its descendants, sorted; safe on a parse with a head cycle."""
        seen, todo = {i}, [i]
        while todo:
            j = todo.pop()
            for c in self.children[j]:
                if c not in seen:
                    seen.add(c)
                    todo.append(c)
        return sorted(seen)

    def span(self, i: int, skip: frozenset[str] = frozenset()) -> tuple[int, int]:
        """Character span of the subtree of ``i``, leaving out children whose slot is in ``skip``.

        Args:
            i: head token.
            skip: slot names (see :meth:`args`) whose subtrees are excluded ("relcl", "acl").

        Returns:
            ``(start, end)`` offsets.
        """
        keep = [i]
        for c in self.children[i]:
            if self.slot_of(c) in skip:
                continue
            keep.extend(self.subtree(c))
        toks = self.tokens
        return min(toks[k].start for k in keep), max(toks[k].end for k in keep)

    def is_passive(self, i: int) -> bool:
        """True when verb ``i`` is passive (an auxpass/nsubjpass dependent, or Voice=Pass)."""
        if "Voice=Pass" in self.tokens[i].morph:
            return True
        if self.reduced_passive(i) is not None:
            return True
        return any(self.slot_of(c) in ("auxpass", "pass_subj") for c in self.children[i])

    def reduced_passive(self, i: int) -> int | None:
        """The noun that English participle ``i`` modifies, when the parser took a reduced
        passive relative clause for a clause of its own, else None.

        "Three engineers, kidnapped near Kayes in July, were freed": spaCy's small model reads
        "kidnapped" as a past-tense verb (an adverbial clause) whose subject is "engineers",
        which leaves the passive main verb "were freed" with no subject. A finite passive verb
        always has one (English grammar), so when the main verb has an auxiliary of the passive
        and no subject, and the clause before it is an "-ed" form with no object set off from
        its "subject" by a comma, the form is a participle modifying that noun: the noun is
        what the participle was done to and the subject of the main verb.

        Returns:
            The index of the noun, or None.
        """
        if self.lang != "en":
            return None
        t = self.tokens[i]
        h = self.head(i)
        if t.dep != "advcl" or t.tag not in ("VBD", "VBN") or h is None or h < i:
            return None
        kids = self.children[h]
        if not any(self.tokens[c].dep == "auxpass" for c in kids) or any(
            self.tokens[c].dep in ("nsubj", "nsubjpass", "csubj") for c in kids
        ):
            return None
        subj = [c for c in self.children[i] if self.tokens[c].dep == "nsubj" and c < i]
        if len(subj) != 1 or any(self.tokens[c].dep in ("dobj", "obj") for c in self.children[i]):
            return None
        return subj[0] if self.tokens[i - 1].text == "," else None

    def slot_of(self, c: int) -> str:
        """The coarse slot name of dependent ``c`` relative to its head (without preposition)."""
        dep = self.tokens[c].dep
        table = _RU_SLOTS if self.lang == "ru" else _EN_SLOTS
        return table.get(dep, dep)

    def args(self, i: int) -> dict[str, list[int]]:
        """Argument slots of token ``i`` (cached): slot name → dependent token indices.

        Returns:
            A mapping such as ``{"subj": [3], "obj": [7], "prep:with": [10]}``; see the module
            docstring for the slot names. A preposition slot holds the preposition's object.
        """
        if i in self._args:
            return self._args[i]
        out: dict[str, list[int]] = {}
        if self.lang == "ru":
            self._args_ru(i, out)
            self._clause_bounded(i, out)
        else:
            self._args_en(i, out)
            noun = self.reduced_passive(i)
            if noun is not None:  # "engineers, kidnapped in July, were freed"
                out.pop("subj", None)
                out["pass_subj"] = [noun]
            for c in self.children[i]:
                noun = self.reduced_passive(c)
                if noun is not None and "pass_subj" not in out:
                    out["pass_subj"] = [noun]
        self._args[i] = out
        return out

    def _clause_bounded(self, i: int, out: dict[str, list[int]]) -> None:
        """Drop the arguments a parser gave verb ``i`` from before its own subordinator.

        A finite clause introduced by a conjunction ("..., что убила более 40 солдат") starts
        at that conjunction, and its arguments lie inside it (Русская грамматика 1980, the
        complement clause with "что"): natasha sometimes hangs a noun of the main clause on
        the subordinate verb ("Группировка «…» утверждает, что убила …" gave the group as
        what was killed). Arguments before the verb's ``mark`` child are removed.
        """
        marks = [c for c in self.children[i] if self.tokens[c].dep == "mark" and c < i]
        if not marks:
            return
        first = min(marks)
        for slot in list(out):
            kept = [x for x in out[slot] if x >= first]
            if kept:
                out[slot] = kept
            else:
                del out[slot]

    def _args_en(self, i: int, out: dict[str, list[int]]) -> None:
        for c in self.children[i]:
            dep = self.tokens[c].dep
            if dep == "prep":
                p = self.lemma(c)
                for g in self.children[c]:
                    gdep = self.tokens[g].dep
                    if gdep in ("pobj", "pcomp"):
                        key, target = self._en_compound_prep(p, g)
                        out.setdefault(f"prep:{key}", []).append(target)
                continue
            if dep == "agent":
                out.setdefault("agent", []).extend(g for g in self.children[c] if self.tokens[g].dep == "pobj")
                continue
            if dep == "dative" and self.tokens[c].pos == "ADP":
                # ClearNLP labels the "to"/"for" of a ditransitive verb's prepositional dative
                # "dative" ("provided weapons to Kyiv"): the indirect object is its object
                objs = [g for g in self.children[c] if self.tokens[g].dep == "pobj"]
                out.setdefault(f"prep:{self.lemma(c)}", []).extend(objs)
                out.setdefault("iobj", []).extend(objs)
                continue
            slot = _EN_SLOTS.get(dep)
            if slot is None:
                continue
            if slot == "neg" or (slot == "det" and self.lemma(c) == "no"):
                out.setdefault("neg", []).append(c)
            out.setdefault(slot, []).append(c)

    def _en_compound_prep(self, p: str, g: int) -> tuple[str, int]:
        key = _EN_PREP_NOUNS.get((p, self.lemma(g)))
        if key:
            for h in self.children[g]:
                if self.tokens[h].dep == "prep" and self.lemma(h) == "of":
                    for x in self.children[h]:
                        if self.tokens[x].dep == "pobj":
                            return key, x
        return p, g

    def _args_ru(self, i: int, out: dict[str, list[int]]) -> None:
        passive = self.is_passive(i)
        for c in self.children[i]:
            dep = self.tokens[c].dep
            if dep in ("obl", "nmod", "obl:agent"):
                cases = [g for g in self.children[c] if self.tokens[g].dep == "case"]
                morph = self.tokens[c].morph
                if cases:
                    p = "_".join(_RU_PREP_VARIANTS.get(self.lemma(g), self.lemma(g)) for g in cases)
                    key = _RU_PREP_NOUNS.get((p, self.lemma(c)))
                    if key:
                        inner = [g for g in self.children[c] if self.tokens[g].dep in ("nmod", "obl")]
                        if inner:
                            out.setdefault(f"prep:{key}", []).extend(inner)
                            continue
                    out.setdefault(f"prep:{p}", []).append(c)
                elif "Case=Dat" in morph:
                    out.setdefault("iobj", []).append(c)
                elif "Case=Ins" in morph:
                    out.setdefault("agent" if passive else "ins", []).append(c)
                elif "Case=Gen" in morph and dep == "nmod":
                    out.setdefault("gen", []).append(c)
                else:
                    out.setdefault("obl" if dep.startswith("obl") else "nmod", []).append(c)
                continue
            slot = _RU_SLOTS.get(dep)
            if slot is None:
                continue
            if slot == "advmod" and self.lemma(c) in ("не", "ни"):
                out.setdefault("neg", []).append(c)
                continue
            out.setdefault(slot, []).append(c)

    def preps(self, i: int) -> set[str]:
        """The prepositions governing arguments of ``i`` ("on", "for", "с")."""
        return {k.split(":", 1)[1] for k in self.args(i) if k.startswith("prep:")}

    def conjuncts(self, i: int) -> list[int]:
        """``i`` and the heads coordinated with it (``conj`` dependents, recursively).

        Russian coordinated nouns share their preposition ("между хути и силами Салеха"); a
        ``conj`` dependent with a preposition of its own that the first conjunct lacks or does
        not share ("на Западном берегу" under "между ... демонстрантами", "на его племянника"
        under "между хути") is a misattached phrase of another argument, and is left out. (Case
        features are not compared: nominative and accusative of inanimate nouns look alike and
        the tagger splits coordinated ones between them.)
        """
        out, todo = [], [i]
        while todo:
            j = todo.pop(0)
            if j in out:
                continue
            out.append(j)
            todo.extend(c for c in self.children[j] if self.tokens[c].dep == "conj" and self._coordinable(i, c))
        return out

    def _coordinable(self, i: int, c: int) -> bool:
        """Russian: nominal ``c`` can be coordinated with ``i`` (no preposition of its own other
        than ``i``'s); always True for English and for verbs."""
        if self.lang != "ru" or self.tokens[c].pos not in ("NOUN", "PROPN") or self.tokens[i].pos not in (
                "NOUN", "PROPN"):
            return True
        if any(self.tokens[g].dep == "case" for g in self.children[c]):
            own = sorted(self.lemma(g) for g in self.children[c] if self.tokens[g].dep == "case")
            first = sorted(self.lemma(g) for g in self.children[i] if self.tokens[g].dep == "case")
            if own != first:
                return False
        return True

    def sentence_range(self, i: int) -> tuple[int, int]:
        """Token index range ``[start, end)`` of the sentence of token ``i``."""
        s = self.article.sentences[self.tokens[i].sent]
        return s.token_start, s.token_end

