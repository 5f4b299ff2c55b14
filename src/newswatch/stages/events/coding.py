"""PLOVER event coding from trigger lexicons and dependency patterns (English and Russian).

For every sentence:

1. **Candidates.** A token whose folded lemma and coarse part of speech (VERB; NOUN/PROPN)
   has lexicon entries is a candidate; entries whose local conditions hold (particle, object
   lemma, modifier, context word, preposition) are kept in file order.
2. **Structure.** A noun candidate that is the object of a light verb ("had *talks*",
   "провёл *разговор*"), or the "in"/"в" object of a verb of taking part ("took part in the
   *talks*", "were engaged in *fighting*", "приняли участие в *боях*"), takes its actor and
   flags from that verb. A noun candidate governed by a terminative noun ("cessation of
   *hostilities*", "an end to the *fighting*", "прекращение боевых *действий*") names what is
   to be ended, a ceasefire's terms, and is not coded as a happening. A candidate in the clausal
   complement or the object of an *absorbing* candidate (REQUEST, REJECT, AGREE, THREATEN ...)
   is not coded on its own: it gives the head its mode ("asked Tajikistan ... to *accept*
   Afghans" → REQUEST/assist). A noun candidate that is the object of another verb candidate
   ("provide *aid*") is covered by that verb.
3. **Arguments.** The actor is the subject of the predicate, inherited through ``xcomp``
   (control and intent verbs: "Moscow was not going to *introduce*"), ``conj`` and adjectival
   predicates ("is ready to"); a passive verb's actor is its agent, or — for entries marked
   ``passive_actor: patient`` — its subject ("troops have been deployed"). Nouns without a
   light verb take a possessor, compound, country adjective or "by"/"of"/"on the part of"
   object. Recipients come from the entry's slots. Parties are resolved by
   :class:`~newswatch.stages.events.actors.ActorResolver`.
4. **Flags.** Negation ("not", "never", "не"), future (future auxiliaries, intent verbs and
   adjectives, Russian perfective non-past as pymorphy2's dictionary reads the form) and
   hypothetical (modal auxiliaries, "бы", an "if"/"если" clause or a conditional consequent,
   the infinitive of a verb asking someone else to act: "encouraged the parties to take part
   in negotiations") are read along the predicate's ``xcomp`` chain; an event noun that is the
   subject of a verb of occurrence ("talks *will take place*", "переговоры *пройдут*") reads
   them from that verb.
5. **PLOVER conventions.** An announced cooperative act is an expression of intent, coded
   AGREE (the PLOVER manual's AGREE: "All cooperative actions reported in future tense are
   also taken to imply intentions"; CAMEO 03x) with ``intended`` keeping the act's type; a
   refused or negated announced cooperative act is REJECT (CAMEO 12x) with the mode the act
   gives ("will not accept refugees" → REJECT/assist). Conflict acts keep their type with the
   flags ("was not going to introduce a contingent" → MOBILIZE, negated, future).
6. **Questions** ("when will President Biden visit?") assert nothing and give no event.
   **Reciprocal acts** ("A and B accused each other"; a fight, clash or firefight whose two
   sides are named together: "fighting between Kyrgyz and Tajik border guards", "бои между
   киргизскими и таджикскими пограничниками") give one event per side, the other side its
   recipient (:meth:`EventCoder._reciprocal`): the model has one actor and one recipient list
   per event, so a mutual act is the pair of events with one trigger. **The press addressed**
   ("told reporters", "сообщил журналистам") is the audience, never a recipient; a request
   whose only addressee is the press gives no event.
7. **No clear actor, no event** — except violence: an event is kept only when an actor resolves
   to an entity or a country code (PLOVER: "These have no explicit, named source actor so they
   will not be coded"); there is no catch-all type. Entries marked ``unnamed_actor`` (killing,
   shelling, strikes, clashes, arrests, deaths in fighting) are the exception: news reports
   violence whose author it does not know ("11 of them were killed", "погибли в результате
   обстрела", "a suicide bomber rammed a convoy"), and dropping it would lose the fighting
   itself. Such an event keeps one party with ``how`` "unknown" (:func:`unknown_party`) —
   never a guessed one. A protest (:data:`GROUP_ACTOR_TYPES`) may also have as actor a group
   of people named by a common noun of a civil sector (:data:`GROUP_SECTORS`: "students",
   "residents", "workers"), kept with its sector and the country where it protests when a
   locative names one (ACLED's "Protesters (country)"), else no country.

The stage (:mod:`newswatch.stages.events`) adds date, place, reported speech and confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...model import EventParty
from ...text.morph import perfective_future
from ...text.syntax import DocView
from .actors import ActorResolver
from .lexicon import COOPERATIVE, Trigger, TriggerLexicon

#: Conflict types (PLOVER quads "verbal conflict" and "material conflict").
CONFLICT = frozenset({"REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE",
                      "COERCE", "ASSAULT"})
#: Types whose target, when their own slots give none, is the target of the act they are about
#: ("threatened to impose sanctions on Iran", "refused to meet the opposition").
TARGET_FROM_COMPLEMENT = frozenset({"THREATEN", "REJECT"})
#: Types whose target, when their own slots give none, is the target of the purpose clause
#: ("went on hunger strike to protest against X") — see :meth:`EventCoder._purpose_recipients`.
TARGET_FROM_PURPOSE = frozenset({"PROTEST"})
#: Nouns of "in protest of X", "in defiance of X", "in opposition to X": X is the target.
PROTEST_PURPOSE_NOUNS = frozenset({"protest", "defiance", "opposition"})
#: Types of a purpose-clause verb whose recipient is the protest's target.
PURPOSE_TYPES = frozenset({"PROTEST", "ACCUSE", "REQUEST", "REJECT"})
#: Slots of a complement verb that name the target of the act ("to attack X", "sanctions against X").
COMPLEMENT_TARGET_SLOTS = ("obj", "prep:against", "prep:on", "prep:против", "prep:на")
#: Coercive acts that, announced for the future, are threats (CAMEO 13x "Threaten to ...").
THREAT_ANNOUNCED = frozenset({"SANCTION", "COERCE"})
#: Material conflict types (a threat condition such as "unless" turns them into THREATEN).
MATERIAL_CONFLICT = frozenset({"PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"})
#: Dependency hops allowed when looking for the candidate that governs another one.
_GOVERN_SLOTS = frozenset({"xcomp", "ccomp", "obj", "pcomp", "prep", "pobj", "obl", "nmod", "acomp",
                           "dobj", "advcl"})
#: Most dependency hops between a complement and the trigger that absorbs it.
MAX_GOVERN_HOPS = 3
_NOUN_POS = frozenset({"NOUN", "PROPN"})
_VERB_POS = frozenset({"VERB"})
#: Slots a noun trigger's actor may come from when it has no light verb.
NOUN_ACTOR_SLOTS = ("poss", "compound", "amod", "gen", "prep:by", "prep:on_the_part_of", "prep:со_стороны",
                    "prep:of", "prep:from", "nmod", "prep:between", "prep:между")


#: Locative slots that say where a protest takes place (see :meth:`EventCoder._protest_country`).
PROTEST_LOCATIVES = ("prep:in", "prep:at", "prep:throughout", "prep:across", "prep:в", "prep:на", "prep:по")
#: Russian prepositions whose object in the prepositional case (``Case=Loc``) is a place, in
#: the accusative a direction or target: an ASSAULT's recipient is never such a place.
LOCATIVE_CASE_PREPS = frozenset({"prep:в", "prep:на"})
#: Verbal PLOVER types (the quads "verbal cooperation" and "verbal conflict").
VERBAL = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "REQUEST", "ACCUSE", "REJECT", "THREATEN"})
#: Recipient slots that name whom words are addressed to ("told X", "said to X", "сообщил X").
ADDRESSEE_SLOTS = frozenset({"obj", "iobj", "prep:to", "prep:к"})
#: ``EventParty.canonical`` of an attacker the text does not name.
UNKNOWN_ACTOR = "unknown"
#: Types whose actor may be a group of people named by a common noun with no country or entity
#: ("thousands of students marched", "workers went on strike", "жители перекрыли трассу"):
#: protest is what unaffiliated people do, and news names them only so (ACLED's codebook gives
#: such demonstrators the actor "Protesters (country)"; CAMEO/PLOVER code them by sector).
GROUP_ACTOR_TYPES = frozenset({"PROTEST"})
#: Sectors (``plover_actors.json``) of such groups: civilians, opposition, labour, education,
#: refugees, medicine, religion, journalists. A state sector (GOV, MIL, COP) never qualifies.
GROUP_SECTORS = frozenset({"CVL", "OPP", "LAB", "EDU", "REF", "MED", "REL", "JRN"})


#: Types of the collective acts whose participants are their actors: who takes part in talks,
#: a protest, fighting, exercises or a crackdown does them ("took part in the talks"); who takes
#: part in a withdrawal or an aid delivery need not be its source (PLOVER: RETREAT and AID are
#: the acts of the side that yields or gives).
PARTICIPATION_TYPES = frozenset({"CONSULT", "PROTEST", "ASSAULT", "MOBILIZE", "COOPERATE", "COERCE"})
#: Types whose passive subject is their target (the people an act of violence or coercion is
#: done to: "two aid workers were abducted", "47 people were detained").
PATIENT_TYPES = frozenset({"ASSAULT", "COERCE"})


def unknown_party(start: int) -> EventParty:
    """The party of an actor the text does not name: empty text at ``start`` (the trigger's
    offset), canonical :data:`UNKNOWN_ACTOR`, no entity, country or sector, ``how`` "unknown"."""
    return EventParty("", start, start, UNKNOWN_ACTOR, how="unknown")


@dataclass(slots=True)
class Candidate:
    """A trigger token with its locally matching lexicon entries."""

    tok: int
    pos: str
    entries: list[Trigger]
    light: int | None = None
    absorbed_by: Candidate | None = None
    covered: bool = False
    complements: list[Candidate] = field(default_factory=list)


@dataclass(slots=True)
class Coded:
    """One coded event before the stage adds date, place, speech and confidence.

    Attributes:
        type, mode: PLOVER type and mode.
        trigger: the trigger token; ``light``: its light verb; ``pred``: the predicate token
            the actor and the flags were read from.
        entry: the lexicon entry that matched.
        actors, recipients: clear parties.
        actor_heads, recipient_heads: the argument head tokens they were resolved from.
        place_parties: parties of locative slots (``recipient_as_place``) and locative
            prepositional objects, for the stage's place choice.
        negated, future, hypothetical: flags.
        intended: the cooperative act's type when coded AGREE/REJECT by the PLOVER rule.
        nominal: the trigger is a noun without a light verb (weaker evidence).
        object_heads: the direct objects of a verb trigger (small-clause misparses included:
            "leave the Bagram Airfield being ..."), for the stage's place choice.
    """

    type: str
    mode: str | None
    trigger: int
    light: int | None
    pred: int
    entry: Trigger
    actors: list[EventParty]
    recipients: list[EventParty]
    place_parties: list[EventParty]
    actor_heads: list[int] = field(default_factory=list)
    recipient_heads: list[int] = field(default_factory=list)
    negated: bool = False
    future: bool = False
    hypothetical: bool = False
    intended: str | None = None
    nominal: bool = False
    object_heads: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Flags:
    negated: bool = False
    future: bool = False
    hypothetical: bool = False
    modal: bool = False  # hypothetical from a modal auxiliary (may, could), not a condition
    threat: bool = False  # under a threat condition ("unless")
    occurs: bool = False  # read from a verb of occurrence ("the talks will not take place")


class EventCoder:
    """Codes the events of one article.

    Args:
        view: the parse view of the article.
        lexicon: the trigger lexicon of the article's language.
        resolver: the actor resolver of the article.
    """

    def __init__(self, view: DocView, lexicon: TriggerLexicon, resolver: ActorResolver) -> None:
        self.v = view
        self.lex = lexicon
        self.res = resolver
        self._last_heads: list[int] = []
        #: Whether the last :meth:`_recipients` call set aside an audience (see :func:`_is_audience`).
        self._audience = False

    # -- driver ---------------------------------------------------------------------------------

    def code(self) -> list[Coded]:
        """All events of the article, in text order of their triggers."""
        out: list[Coded] = []
        for s in self.v.article.sentences:
            out.extend(self.code_sentence(s.token_start, s.token_end))
        return out

    def code_sentence(self, start: int, end: int) -> list[Coded]:
        """Events of the sentence whose tokens are ``[start, end)``; none in a question."""
        cands = [c for c in self._candidates(start, end) if not self._in_question(c.tok, start, end)]
        if not cands:
            return []
        self._structure(cands)
        coded: list[Coded] = []
        for c in cands:
            if c.absorbed_by is not None or c.covered:
                continue
            ev = self._evaluate(c)
            if ev is not None and not any(e.trigger == ev.trigger for e in coded):
                coded.extend(self._reciprocal(ev))
        return _one_unnamed_happening(coded)

    def _reciprocal(self, ev: Coded) -> list[Coded]:
        """Acts of two sides on each other, one event per side with the other(s) as recipients.

        * "A and B accused each other", "стороны обвинили друг друга": an explicit reciprocal
          ("each other", "one another", "друг друга") — one event per side, the others as
          recipients (two accusations, not one with no recipient);
        * a reciprocal act (a lemma of the entry's ``symmetric``: "clash", "firefight",
          "перестрелка") whose parties are named together and exactly two sides
          (:meth:`_sides`) — "fighting between Kyrgyz and Tajik border guards", "A and B
          clashed", "бои между киргизскими и таджикскими пограничниками" — two events, A → B
          and B → A: each side fought the other, and neither is the sole attacker. The data
          model has one actor list and one recipient list per event (PLOVER's source and
          target), so the mutual act is the pair; both carry the same trigger.

        An event with a recipient, or with one side only ("Taliban members are fighting each
        other"), stays as it is.
        """
        v = self.v
        if len(ev.actors) < 2 or ev.recipients:
            return [ev]
        sides = self._sides(ev.actors)
        if len(sides) < 2:
            return [ev]
        symmetric = v.lemma(ev.trigger) in ev.entry.symmetric or v.text(ev.trigger) in ev.entry.symmetric
        if symmetric and len(sides) == 2:
            return [self._with_parties(ev, sides[0], sides[1]), self._with_parties(ev, sides[1], sides[0])]
        recip = False
        for k in [ev.trigger] + ([ev.light] if ev.light is not None else []):
            for x in v.subtree(k):
                lem = v.lemma(x)
                if (lem == "other" and any(v.lemma(d) in ("each", "one") for d in v.children[x])) or (
                        lem == "друг" and any(v.lemma(y) == "друг" for y in v.subtree(x) if y != x)):
                    recip = True
        if not recip:
            return [ev]
        return [self._with_parties(ev, side, [p for other in sides if other is not side for p in other])
                for side in sides]

    @staticmethod
    def _sides(parties: list[EventParty]) -> list[list[EventParty]]:
        """Parties grouped by the side they name: by country when both have one ("Kyrgyz and
        Tajik border guards" is two sides, "Taliban members" fighting each other one), else
        by :func:`_same_actor`; in order."""
        sides: list[list[EventParty]] = []
        for p in parties:
            side = next((s for s in sides if any(
                p.country == q.country if (p.country and q.country) else _same_actor(p, q) for q in s)), None)
            if side is None:
                sides.append([p])
            else:
                side.append(p)
        return sides

    @staticmethod
    def _with_parties(ev: Coded, actors: list[EventParty], recipients: list[EventParty]) -> Coded:
        """A copy of ``ev`` with other actors and recipients (the heads are kept for the
        place choice: neither side's phrase is a place)."""
        return Coded(ev.type, ev.mode, ev.trigger, ev.light, ev.pred, ev.entry, list(actors), list(recipients),
                     list(ev.place_parties), list(ev.actor_heads), [], ev.negated, ev.future, ev.hypothetical,
                     ev.intended, ev.nominal)

    def _in_question(self, i: int, start: int, end: int) -> bool:
        """True when token ``i``'s clause ends with a question mark: the rest of its sentence
        on the same line (transcripts run questions and answers into one sentence)."""
        text = self.v.article.text
        toks = self.v.tokens
        s_end = toks[end - 1].end
        line_end = text.find("\n", toks[i].start, s_end)
        chunk = text[toks[i].start: line_end if line_end >= 0 else s_end]
        stop = min((chunk.find(ch) for ch in ".!?" if ch in chunk), default=-1)
        return stop >= 0 and chunk[stop] == "?"

    # -- 1. candidates ----------------------------------------------------------------------------

    def _candidates(self, start: int, end: int) -> list[Candidate]:
        v, lex = self.v, self.lex
        out = []
        for i in range(start, end):
            pos = v.tokens[i].pos
            if pos in _VERB_POS and self._gerund_subject(i):
                cls = "NOUN"  # "Fighting between X and Y erupted": a gerund subject names the event
            elif pos in _VERB_POS:
                cls = "VERB"
            elif pos in _NOUN_POS:
                cls = "NOUN"
            else:
                continue
            entries = lex.lookup(v.lemma(i), cls)
            if not entries and cls == "NOUN":
                entries = lex.lookup(v.text(i), cls)
            if not entries and cls == "VERB" and pos == "VERB" and v.lang == "en":
                entries = lex.lookup(v.text(i), cls)
                if not entries:  # the first regular base form with entries
                    for form in sorted(self._regular_lemmas(i)):
                        entries = lex.lookup(form, cls)
                        if entries:
                            break
            local = [e for e in entries if self._local_ok(i, e)]
            if local:
                out.append(Candidate(i, cls, local))
        return out

    def _gerund_subject(self, i: int) -> bool:
        """True when English token ``i`` is a gerund (VBG) that is the subject of another verb
        and has no subject or object of its own ("*Fighting* between X and Y erupted"): a
        nominal gerund, coded as the event noun it names."""
        v = self.v
        if v.lang != "en" or v.tokens[i].tag != "VBG" or v.tokens[i].dep not in ("csubj", "nsubj", "nsubjpass"):
            return False
        a = v.args(i)
        return not (a.get("subj") or a.get("obj"))

    def _regular_lemmas(self, i: int) -> set[str]:
        """Base forms of an English verb token read off a regular ending, for when the
        tagger's lemma is wrong ("staged" lemmatised as "stag"): "-ed" → stem and stem + "e",
        a doubled final consonant undone ("planned" → "plan"), "-ing" likewise, "-s"/"-es"
        dropped. Empty for other tokens and for Russian."""
        v = self.v
        if v.lang != "en" or v.tokens[i].pos not in ("VERB", "AUX"):
            return set()
        word = v.text(i)
        out: set[str] = set()
        for suffix in ("ed", "ing"):
            if word.endswith(suffix) and len(word) > len(suffix) + 2:
                stem = word[: -len(suffix)]
                out.update((stem, stem + "e"))
                if len(stem) > 2 and stem[-1] == stem[-2]:
                    out.add(stem[:-1])
        if v.tokens[i].tag == "VBZ" and word.endswith("s"):
            out.update((word[:-1], word[:-2] if word.endswith("es") else word[:-1]))
        return out

    def _objects(self, i: int) -> list[int]:
        a = self.v.args(i)
        objs = list(a.get("obj", []))
        if self.v.is_passive(i):
            objs += a.get("pass_subj", [])
        if self.v.lang == "ru":
            objs += list(a.get("gen", []))
        elif not objs:
            # small clause misparse: "leave the Bagram Airfield being the heart of ..." makes the
            # object the subject of a gerund complement
            for x in a.get("ccomp", []) + a.get("xcomp", []):
                if self.v.tokens[x].tag in ("VBG", "VBN"):
                    objs += self.v.args(x).get("subj", [])
        out = []
        for o in objs:
            out.extend(self.v.conjuncts(o))
        return out

    def _obj_matches(self, o: int, words: frozenset[str]) -> bool:
        v = self.v
        lem, txt = v.lemma(o), v.text(o)
        if lem in words or txt in words or (lem.endswith("s") and lem[:-1] in words):
            return True
        ent = v.entity_at(o)
        if ent is not None and f"@{ent.label.lower()}" in words:
            return True
        # a number or quantity noun as object: look at what it counts ("240 million dollars")
        for c in v.children[o]:
            if v.tokens[c].dep in ("nmod", "prep", "pobj", "gen", "compound", "nummod") and v.lemma(c) in words:
                return True
            if v.tokens[c].dep == "prep" and v.lemma(c) == "of" and any(
                    v.lemma(g) in words for g in v.children[c] if v.tokens[g].dep == "pobj"):
                return True
        return False

    def _local_ok(self, i: int, e: Trigger) -> bool:
        v = self.v
        a = v.args(i)
        if e.particle is not None:
            prts = {v.lemma(c) for c in a.get("prt", [])} | {v.lemma(c) for c in v.children[i]
                                                           if v.tokens[c].dep in ("prep", "advmod")}
            if e.particle not in prts:
                return False
        if e.intransitive and any(a.get(slot) for slot in ("obj", "ccomp", "xcomp")):
            return False  # "demonstrated its resolve", "демонстрирует рост": to show, not to protest
        if e.objects is not None or e.not_objects:
            objs = self._objects(i)
            if e.objects is not None and not any(self._obj_matches(o, e.objects) for o in objs):
                return False
            if e.not_objects and any(self._obj_matches(o, e.not_objects) for o in objs):
                return False
        if e.modifiers is not None or e.not_modifiers:
            mods = {v.lemma(c) for c in v.children[i] if v.slot_of(c) in ("amod", "compound", "nmod", "gen", "flat")}
            mods |= {v.text(c) for c in v.children[i] if v.slot_of(c) in ("amod", "compound", "nmod")}
            if e.modifiers is not None and not mods & e.modifiers:
                return False
            if mods & e.not_modifiers:
                return False
        if e.context is not None:
            words = {v.lemma(k) for k in v.subtree(i)}
            if not words & e.context:
                return False
        if e.requires_prep is not None and not (v.preps(i) & e.requires_prep) and not any(
                v.preps(o) & e.requires_prep for o in self._objects(i)):  # "запущена ракета по территории"
            return False
        if e.requires_infinitive and not self._infinitive_complement(i):
            return False  # "told Reuters that ..." reports; "told them to leave" directs
        if e.requires_obligation and not self._obligation_clause(i):  # noqa: SIM103 -- one guard of a list of guards
            return False
        return True

    def _infinitive_complement(self, i: int) -> bool:
        """True when verb ``i`` has a to-infinitive complement: an ``xcomp``, or a ``ccomp``
        whose verb has the infinitive marker "to" and no subject of its own."""
        v = self.v
        a = v.args(i)
        if a.get("xcomp"):
            return True
        return any(any(v.lemma(x) == "to" for x in v.args(cc).get("aux", [])) and not v.args(cc).get("subj")
                   for cc in a.get("ccomp", []))

    def _obligation_clause(self, i: int) -> int | None:
        """A that-clause of ``i`` saying someone else must act ("... that China must drop")."""
        v, lex = self.v, self.lex
        for cc in v.args(i).get("ccomp", []):
            words = {v.lemma(x) for x in v.args(cc).get("aux", [])} | {v.lemma(cc)}
            words |= {v.lemma(x) for x in v.children[cc] if v.tokens[x].dep in ("cop", "advmod")}
            obliged = bool(words & lex.obligation_words) or (
                v.lemma(cc) in ("have", "need") and bool(v.args(cc).get("xcomp")) and not v.args(cc).get("obj"))
            if obliged and v.args(cc).get("subj"):
                return cc
        return None

    # -- 2. structure -------------------------------------------------------------------------------

    def _structure(self, cands: list[Candidate]) -> None:
        v, lex = self.v, self.lex
        by_tok = {c.tok: c for c in cands}
        for c in cands:
            if c.pos == "NOUN":
                h = v.head(c.tok)
                slot = v.slot_of(c.tok)
                # "launched 10 days of war games": the noun hangs off a quantity noun
                if h is not None and v.lemma(h) == "of" and v.head(h) is not None:
                    q = v.head(h)
                    if q is not None and v.lemma(q) in self.res.tables.quantity_nouns.get(v.lang, ()):
                        h, slot = v.head(q), v.slot_of(q)
                if h is not None and (slot in ("obj", "pass_subj", "dobj") or (
                        v.lang == "ru" and v.tokens[c.tok].dep == "obj")):
                    words = c.entries[0].light_verbs or lex.light
                    if (v.lemma(h) in words or self._regular_lemmas(h) & words) and (
                            h not in by_tok or c.entries[0].light_verbs):
                        c.light = h
                if c.light is None and any(e.type in PARTICIPATION_TYPES for e in c.entries):
                    c.light = self._participation_verb(c.tok)
                    if c.light is not None:
                        c.entries = [e for e in c.entries if e.type in PARTICIPATION_TYPES]
                        if c.light in by_tok:
                            by_tok[c.light].covered = True  # "were engaged in fighting": no MOBILIZE of its own
                c.entries = [e for e in c.entries if not e.light_only or (
                    c.light is not None and (e.light_verbs is None or v.lemma(c.light) in e.light_verbs))]
        for c in cands:
            if not c.entries or (c.pos == "NOUN" and c.light is None and self._terminated(c.tok)):
                c.covered = True
                continue
            gov = self._governor(c, by_tok)
            if gov is None or not gov.entries:
                continue
            if gov.entries[0].absorbs or gov.entries[0].promissive:
                c.absorbed_by = gov
                gov.complements.append(c)
            elif c.pos == "NOUN" and v.head(c.tok) == gov.tok:
                c.covered = True

    def _participation_verb(self, n: int) -> int | None:
        """The support verb of taking part whose "in"/"в" object is event noun ``n``
        ("Serb forces were engaged in ethnic cleansing", "took part in the talks",
        "участвовали в боях", "приняли участие в переговорах"), or None. Its subject did
        the act the noun names, as with a light verb ("held talks"): the lexicon's
        ``participation`` and ``participation_preps``."""
        v, lex = self.v, self.lex
        if not lex.participation:
            return None
        h = v.head(n)
        if h is None:
            return None
        if v.tokens[h].pos == "ADP":  # English: the noun hangs on its preposition
            if v.lemma(h) not in lex.participation_preps:
                return None
            g = v.head(h)
        elif any(v.tokens[x].dep == "case" and v.lemma(x) in lex.participation_preps for x in v.children[n]):
            g = h
        else:
            return None
        if g is None:
            return None
        if (v.lemma(g), "") in lex.participation:
            return g
        # "took part in", "приняли участие в": the preposition hangs on the verb or on its object
        if any((v.lemma(g), v.lemma(o)) in lex.participation for o in v.args(g).get("obj", [])):
            return g
        verb = v.head(g)
        if verb is not None and v.slot_of(g) in ("obj", "dobj") and (v.lemma(verb), v.lemma(g)) in lex.participation:
            return verb
        return None

    def _terminated(self, n: int) -> bool:
        """True when event noun ``n`` is what a terminative noun of the lexicon says is ended
        or to be ended: "the cessation of hostilities", "an end to the fighting", "a halt to
        the shelling", "прекращение боевых действий". Such a phrase names a ceasefire (a
        demand for one, or its terms), not the violence as a happening of its own."""
        v, lex = self.v, self.lex
        h = v.head(n)
        if h is None or not lex.terminative_nouns:
            return False
        if v.tokens[h].pos == "ADP":
            g = v.head(h)
            link = v.lemma(h)
        else:
            g, link = h, ("gen" if v.slot_of(n) in ("gen", "nmod") else "")
            case = [v.lemma(x) for x in v.children[n] if v.tokens[x].dep == "case"]
            if case:
                link = case[0]
        return g is not None and link in lex.terminative_nouns.get(v.lemma(g), frozenset())

    def _governor(self, c: Candidate, by_tok: dict[int, Candidate]) -> Candidate | None:
        v = self.v
        cur = c.tok if c.light is None else c.light
        for _ in range(MAX_GOVERN_HOPS):
            slot = v.slot_of(cur)
            dep = v.tokens[cur].dep
            h = v.head(cur)
            if h is None or not (slot in _GOVERN_SLOTS or dep in _GOVERN_SLOTS):
                return None
            # a noun left with no entry (a light-only trigger without its light verb: "rejected
            # the accusations of involvement in the blast") passes the search on upwards
            if h in by_tok and h != c.tok and by_tok[h].entries:
                return by_tok[h]
            if (v.tokens[h].pos in ("VERB", "AUX") and h not in by_tok
                    and slot not in ("xcomp", "pcomp", "prep", "pobj")):
                return None
            cur = h
        return None

    def modal(self, pred: int) -> bool:
        """True when predicate ``pred`` is framed by a modal auxiliary or a condition ("could
        take the lives of thousands", "may kill", "if ... kills", "могут погибнуть"): the
        same hypothetical flag an event of that predicate gets, so a figure it governs is
        spoken of as possible, not as what happened."""
        return self._flags(pred, pred).hypothetical

    # -- 3. arguments ---------------------------------------------------------------------------------

    def subject_heads(self, p: int, depth: int = 0) -> list[int]:
        """Heads of the subject of predicate ``p``, inherited through ``xcomp`` (the object of
        an object-control verb: "asked Tajikistan to accept"), ``conj``, adjectival predicates
        and non-finite adverbial clauses; a relative clause's subject is the noun it modifies.

        Returns:
            Token indices (empty when the predicate has no recoverable subject).
        """
        v, lex = self.v, self.lex
        a = v.args(p)
        subj = a.get("subj")
        if subj and len(subj) > 1:
            # "MOSCOW, Sept 16 (Reuters) - Russia's foreign ministry accused": a wire dateline
            # parsed as a second subject is where the story was filed, never the actor
            subj = [x for x in subj if not self._dateline(x, subj)] or subj
        if subj:
            s = subj[0]
            if v.lemma(s) in lex.skip_subjects:
                if v.slot_of(p) == "relcl" and v.head(p) is not None:
                    return [v.head(p)]  # type: ignore[list-item]
                return []
            if v.tokens[s].pos in ("ADV", "NUM", "DET", "ADJ") and v.entity_at(s) is None:
                inner = [c for c in v.children[s] if v.tokens[c].pos in ("NOUN", "PROPN")]
                if inner:
                    return inner[:1]
            return [s]
        if depth > 5:
            return []
        h = v.head(p)
        if h is None:
            return []
        slot = v.slot_of(p)
        if slot == "xcomp":
            hobj = v.args(h).get("obj")
            if v.lemma(h) in lex.object_control and hobj:
                return hobj[:1]
            return self.subject_heads(h, depth + 1)
        if slot in ("conj", "acomp", "advcl") and (slot != "advcl" or self._nonfinite(p)):
            inherited = self.subject_heads(h, depth + 1)
            if not inherited and slot == "conj" and v.is_passive(h) and not v.is_passive(p):
                inherited = v.args(h).get("pass_subj", [])[:1]
            return inherited
        if slot == "relcl":
            return [h]
        if slot == "acl" and self._nonfinite(p):
            g = v.head(h)
            if g is not None and v.slot_of(h) in ("obj", "dobj"):
                return self.subject_heads(g, depth + 1)
        return []

    def _dateline(self, i: int, subjects: list[int]) -> bool:
        """True when subject token ``i`` is a wire dateline (AP and Reuters style, the AP
        Stylebook's "datelines"): it opens its line in capitals ("MOSCOW", at least three
        letters) and a dash stands between it and another subject of the same predicate."""
        v = self.v
        t = v.tokens[i]
        text = v.article.text
        line_start = text.rfind("\n", 0, t.start) + 1
        letters = [ch for ch in t.text if ch.isalpha()]
        if text[line_start:t.start].strip() or len(letters) < 3 or not all(ch.isupper() for ch in letters):
            return False
        others = [x for x in subjects if x > i]
        return bool(others) and any(v.tokens[k].text in ("-", "–", "—", "--") for k in range(i + 1, min(others)))

    def _nonfinite(self, i: int) -> bool:
        t = self.v.tokens[i]
        return any(m in t.morph for m in ("VerbForm=Conv", "VerbForm=Part", "VerbForm=Ger")) or t.tag in ("VBG", "VBN")

    def _parties(self, heads: list[int]) -> list[EventParty]:
        out: list[EventParty] = []
        for h in heads:
            if self.v.in_dateline(self.v.tokens[h].start):
                continue  # "PORT SUDAN, Nov 24 (Nile Desk) — A drone strike hit": the filing place
            for p in self.res.resolve(h):
                if not any(q.start == p.start and q.canonical == p.canonical and q.country == p.country for q in out):
                    out.append(p)
            self._last_heads.append(h)
        return out

    def _actors(self, c: Candidate, e: Trigger, pred: int) -> list[EventParty]:
        v = self.v
        if e.actor:
            heads = [x for slot in e.actor for x in v.args(c.tok).get(slot, [])]
            return self._parties(heads)
        if c.pos == "NOUN" and c.light is None:
            return self._noun_actors(c, e)
        taking_part = (c.pos == "NOUN" and e.type in PARTICIPATION_TYPES
                       and c.light == self._participation_verb(c.tok))
        if v.is_passive(pred):
            agent = v.args(pred).get("agent", [])
            if agent:
                return self._parties(agent)
            if e.passive_actor == "patient" or taking_part:
                # "Serb forces were engaged in ethnic cleansing": who was engaged took part
                return self._parties(v.args(pred).get("pass_subj", []))
            return []
        # "the Kabul bombing killed 12 people": an event noun is what happened, not who did it;
        # its modifiers ("Kabul") are not the attacker
        found = self._parties([h for h in self.subject_heads(pred) if not self._event_noun(h)])
        if taking_part and not any(self.res.is_clear(p) for p in found):
            # "will travel to Glasgow to participate in the World Leader Summit": a verb of taking
            # part whose subject is not recovered leaves the noun its own actor slots ("students
            # participated in the protest" keeps its group of protesters)
            return self._noun_actors(c, e) or found
        return found

    def _noun_actors(self, c: Candidate, e: Trigger) -> list[EventParty]:
        """The actor of an event noun read off the noun itself: a possessor, compound, country
        adjective or "by"/"of"/"on the part of" object (:data:`NOUN_ACTOR_SLOTS`, none of the
        entry's recipient slots), else the sides "between" which a clash noun subject erupted."""
        v = self.v
        rec = set(e.recipient)
        for slot in NOUN_ACTOR_SLOTS:
            if slot in rec:
                continue
            heads = v.args(c.tok).get(slot, [])
            if slot in ("compound", "amod", "gen", "prep:of", "nmod"):
                # "the Kabul bombing", "Кабульский теракт", "обстрел Донецка": a town
                # modifying an event noun is where it happened or what it hit, never who
                # acted (a country name stays the actor: "US strikes", "удары России")
                heads = [x for x in heads if not self._town(x)]
            parties = [p for p in self._parties(heads) if self.res.is_clear(p)]
            if parties:
                return parties
        h = v.head(c.tok)
        if h is not None and v.slot_of(c.tok) == "subj":
            # "heavy clashes erupted overnight between Taliban fighters and ...": the sides
            # hang on the verb the clash noun is the subject of
            heads = v.args(h).get("prep:between", []) + v.args(h).get("prep:между", [])
            return [p for p in self._parties(heads) if self.res.is_clear(p)]
        return []

    def _event_noun(self, h: int) -> bool:
        """True when token ``h`` is a common noun that is itself an ASSAULT trigger of the
        lexicon, its local conditions met ("bombing", "attack", "обстрел"; not "strikes" without
        the modifier its entry needs) — a violent happening, never its own agent, and the town
        that modifies it ("the Kabul bombing") says where it happened, not who attacked. (A
        protest noun is left alone: its place's country is its protesters' country, see
        :meth:`_protest_country`.)"""
        v = self.v
        if v.tokens[h].pos != "NOUN" or v.entity_at(h) is not None:
            return False
        entries = self.lex.lookup(v.lemma(h), "NOUN") or self.lex.lookup(v.text(h), "NOUN")
        return any(e.type == "ASSAULT" and not e.light_only and self._local_ok(h, e) for e in entries)

    def _town(self, i: int) -> bool:
        """True when token ``i`` is in a place-name mention (GPE, LOC, FAC) that is not a
        country's name (a city, a capital, a region)."""
        ent = self.v.entity_at(i)
        if ent is None or ent.label not in ("GPE", "LOC", "FAC"):
            return False
        tables = self.res.tables
        for name in (ent.canonical, ent.text):
            code, capital = tables.country_of_name(name)
            if code and not capital:
                return False
        return True

    def _slot_heads(self, c: Candidate, slot: str, patient: bool = False) -> list[int]:
        v = self.v
        if slot == "ccomp_subj":
            out = []
            for cc in v.args(c.tok).get("ccomp", []):
                out.extend(v.args(cc).get("subj", []))
            return out
        heads = list(v.args(c.tok).get(slot, []))
        if slot == "obj" and c.pos == "VERB" and patient and not heads:
            # the subject of a passive is what the act was done to ("two aid workers were
            # abducted"): the object of the active clause; so is the noun a past participle
            # modifies ("two nurses, kidnapped in May, ...": a reduced passive relative clause).
            # Read for acts done to people (``patient``: violence and coercion, whose target
            # is who suffers them)
            if v.is_passive(c.tok):
                heads += v.args(c.tok).get("pass_subj", [])
            h = v.head(c.tok)
            if v.tokens[c.tok].dep == "acl" and v.tokens[c.tok].tag == "VBN" and h is not None:
                heads.append(h)
        if slot.startswith("prep:"):
            if c.light is not None:
                heads += v.args(c.light).get(slot, [])
            if not heads and c.pos == "VERB":  # "shared evidence with the U.S."
                for o in v.args(c.tok).get("obj", []):
                    heads += v.args(o).get(slot, [])
        if slot == "ccomp_subj" and not heads:
            clause = self._obligation_clause(c.tok)
            if clause is not None:
                heads = v.args(clause).get("subj", [])
        return heads

    def _recipients(self, c: Candidate, e: Trigger, actors: list[EventParty]) -> list[EventParty]:
        self._audience = False
        for slot in e.recipient:
            self._last_heads = []
            heads = self._slot_heads(c, slot, patient=e.type in PATIENT_TYPES)
            if e.type == "ASSAULT" and slot in LOCATIVE_CASE_PREPS:
                # "обстрел рынка в городе Таиз на юго-западе Йемена": в/на with the prepositional
                # case name where it happened (Русская грамматика: the locative meaning of в/на
                # + prepositional); a target is в/на with the accusative ("удар на Киев")
                heads = [h for h in heads if "Case=Loc" not in self.v.tokens[h].morph]
            parties = [p for p in self._parties(heads) if self.res.is_clear(p) or p.sector]
            if e.type in VERBAL and slot in ADDRESSEE_SLOTS:
                # "told reporters", "said to journalists", "сообщил журналистам": the press
                # addressed is the audience of what is said, never the party it is aimed at
                heard = [p for p in parties if _is_audience(p)]
                self._audience = self._audience or bool(heard)
                parties = [p for p in parties if not _is_audience(p)]
            # never the actor itself: "Putin ... urged them" is not Putin asking himself
            parties = [p for p in parties if not any(p.start == a.start or (
                p.how == "pronoun" and _same_actor(p, a)) for a in actors)]
            if parties:
                return parties
        return []

    # -- 4. flags ---------------------------------------------------------------------------------------

    def _own_flags(self, i: int, f: _Flags) -> bool:
        """Read flags from token ``i``'s own dependents; True when it has its own auxiliary."""
        v, lex = self.v, self.lex
        a = v.args(i)
        if a.get("neg"):
            f.negated = True
        own_aux = False
        for x in a.get("aux", []) + a.get("auxpass", []):
            lem, txt = v.lemma(x), v.text(x)
            own_aux = True
            if lem in lex.future_aux or txt in lex.future_aux:
                f.future = True
            if lem in lex.hypothetical_aux or txt in lex.hypothetical_aux:
                f.hypothetical = f.modal = True
            if v.lang == "ru" and lem == "быть" and "Tense=Fut" in v.tokens[x].morph:
                f.future = True
        for x in v.children[i]:
            if v.lang == "ru" and v.lemma(x) == "бы":
                f.hypothetical = f.modal = True
            if v.lang == "ru" and v.lemma(x) in lex.hypothetical_aux and v.tokens[x].dep in ("parataxis", "advmod"):
                f.hypothetical = f.modal = True
        for x in a.get("mark", []):
            if v.lemma(x) in lex.condition_marks:
                f.hypothetical = True
        for x in a.get("advcl", []):
            marks = {v.lemma(m) for m in v.args(x).get("mark", [])}
            if marks & lex.condition_marks:
                f.hypothetical = True
            if marks & lex.threat_condition_marks:
                f.threat = True
        if v.lang == "ru" and _ru_simple_future(v, i):
            f.future = True
        return own_aux

    def _denied_participant(self, pred: int, heads: list[int]) -> bool:
        """True when the subject or object of ``pred`` (or one of ``heads``, the tokens its
        actor and recipients came from) is a negative quantifier or carries one: "*no*
        civilians were killed", "*none* of the fighters", "*nobody* was arrested", "*никто*",
        "*ни* один житель" (the ``negative_quantifiers`` of the lexicon, on the word, as its
        determiner, or on its numeral). An act with no participant is denied (the
        quantifier's scope is the clause), as "not" denies it."""
        v, neg = self.v, self.lex.negative_quantifiers
        if not neg:
            return False
        a = v.args(pred)
        for h in dict.fromkeys(heads + a.get("subj", []) + a.get("pass_subj", []) + a.get("obj", [])):
            if v.lemma(h) in neg or v.text(h) in neg:
                return True
            for x in v.children[h]:
                if v.slot_of(x) not in ("det", "amod", "nummod"):
                    continue
                if v.lemma(x) in neg or any(v.lemma(y) in neg for y in v.children[x]):
                    return True
        return False

    def _occurrence_verb(self, h: int) -> bool:
        """True when token ``h`` is one of the lexicon's ``occurrence`` verbs ("happen",
        "состояться"), or one written verb_object or verb_particle ("take_place", "go_ahead")."""
        v, occ = self.v, self.lex.occurrence
        if v.tokens[h].pos not in ("VERB", "AUX"):
            return False
        lem = v.lemma(h)
        return lem in occ or any(f"{lem}_{v.lemma(x)}" in occ for x in v.children[h]
                                 if v.slot_of(x) in ("obj", "prt"))

    def _spoken_of_as_possible(self, n: int) -> bool:
        """True when event noun ``n`` is only spoken of as a possibility: it has a
        ``possibility_adjectives`` modifier ("a possible strike", "возможный удар"), it is the
        "of" object or genitive of a ``possibility_nouns`` word ("the threat of attacks",
        "угроза ударов"), it is the subject of such a predicate ("an attack is likely",
        "удар возможен"), or the object of a ``possibility_verbs`` verb ("warned of an attack",
        "опасаются удара")."""
        v, lex = self.v, self.lex
        if any(v.slot_of(c) == "amod" and v.lemma(c) in lex.possibility_adjectives for c in v.children[n]):
            return True
        h = v.head(n)
        if h is None:
            return False
        slot = v.slot_of(n)
        above = v.head(h)
        via_of = v.tokens[h].pos == "ADP" and above is not None  # English "threat of", "warned of"
        glem = v.lemma(above if via_of and above is not None else h)
        if glem in lex.possibility_nouns and (via_of or slot in ("nmod", "gen", "compound")):
            return True
        if glem in lex.possibility_verbs and (via_of or slot in ("obj", "iobj", "nmod", "obl") or any(
                v.tokens[x].dep == "case" for x in v.children[n])):
            return True
        if slot == "subj":
            preds = [h] + [c for c in v.children[h] if v.slot_of(c) in ("acomp", "attr", "xcomp")]
            if any(v.lemma(p) in lex.possibility_adjectives for p in preds):
                return True
        return False

    def _flags(self, pred: int, trigger: int) -> _Flags:
        v, lex = self.v, self.lex
        f = _Flags()
        if v.tokens[trigger].pos in ("NOUN", "PROPN") and self._spoken_of_as_possible(trigger):
            f.hypothetical = True
        if trigger != pred:
            self._own_flags(trigger, f)
        cur = pred
        own_aux = self._own_flags(cur, f)
        h = v.head(cur)
        if (cur == trigger and h is not None and v.tokens[trigger].pos in _NOUN_POS
                and v.slot_of(cur) in ("subj", "pass_subj") and self._occurrence_verb(h)):
            # "talks will take place next week", "переговоры пройдут", "учения не состоялись":
            # the verb saying that the event happens carries its tense, negation and modality
            own_aux = self._own_flags(h, f) or own_aux
            f.occurs = True
            cur = h
        for _ in range(6):
            h = v.head(cur)
            if h is None:
                break
            slot = v.slot_of(cur)
            if slot in ("xcomp", "ccomp", "pcomp") and v.lemma(h) in lex.negating:
                f.negated = True  # "The Taliban has denied executing unarmed commandos"
                break
            if slot == "xcomp":
                hl = v.lemma(h)
                if hl in lex.intent or hl in lex.intent_adjectives or (hl == "go" and v.text(h) == "going"):
                    f.future = True
                elif hl in lex.directive:
                    # "encourages all Afghan parties to participate in negotiations": asked of its
                    # doer by someone else, a wish (not the doer's own announced intent)
                    f.hypothetical = f.modal = True
                elif hl in lex.hypothetical_aux or v.text(h) in lex.hypothetical_aux:
                    # "Таджикистан должен отвести войска": an obligation, like English "must",
                    # is a modal frame, not the subject's announced intent
                    f.hypothetical = f.modal = True
                own_aux = self._own_flags(h, f) or own_aux
                cur = h
                continue
            if slot == "acomp":
                self._own_flags(h, f)
                cur = h
                continue
            if slot == "conj" and not own_aux:
                g = _Flags()
                self._own_flags(h, g)
                f.future |= g.future
                f.hypothetical |= g.hypothetical
                f.modal |= g.modal
                f.negated |= g.negated and not v.args(cur).get("subj")
                cur = h
                continue
            break
        return f

    # -- 5. evaluation ------------------------------------------------------------------------------------

    def _mode(self, c: Candidate, e: Trigger, typ: str) -> str | None:
        v, lex = self.v, self.lex
        mode = e.mode
        table = lex.mode_modifiers.get(typ)
        if table:
            words: set[str] = {v.lemma(c.tok)}
            for k in [c.tok] + ([c.light] if c.light is not None else []):
                for x in v.children[k]:
                    words.add(v.lemma(x))
                    for y in v.children[x]:  # "нападение с применением огнестрельного оружия"
                        words.add(v.lemma(y))
                        words.update(v.lemma(z) for z in v.children[y])
            for m, ws in table.items():
                if words & ws:
                    return m
        return mode

    def _complement(self, c: Candidate) -> tuple[str | None, str | None, str | None]:
        """(type, mode, lemma) of what a verbal head is about."""
        v = self.v
        for comp in c.complements:
            ce = next((e for e in comp.entries), None)
            if ce is not None:
                return ce.type, ce.mode, v.lemma(comp.tok)
        a = v.args(c.tok)
        for slot in ("xcomp", "ccomp", "obj"):
            for x in a.get(slot, []):
                return None, None, v.lemma(x)
        return None, None, None

    def _inanimate_patient(self, pred: int) -> bool:
        """Russian only: what the verb at ``pred`` was done to is a thing, as the morphology
        marks it (``Animacy=Inan`` on every object or passive subject: "похитивший картину",
        "похищено оборудование"), so an abduction verb tells a theft. English "abduct" and
        "kidnap" take people only, and a noun a Russian parse leaves unmarked counts as no thing."""
        v = self.v
        if v.lang != "ru":
            return False
        args = v.args(pred)
        patients = args.get("obj", []) + args.get("pass_subj", [])
        if not patients and v.is_passive(pred):
            patients = args.get("subj", [])
        head = v.head(pred)
        if not patients and v.tokens[pred].dep in ("acl", "amod") and head is not None:
            patients = [head]  # "похищенная картина"
        return bool(patients) and all("Animacy=Inan" in v.tokens[x].morph for x in patients)

    def _evaluate(self, c: Candidate) -> Coded | None:
        v = self.v
        pred = c.light if c.light is not None else c.tok
        for e in c.entries:
            self._last_heads = []
            found = self._actors(c, e, pred)
            actors = [p for p in found if self.res.is_clear(p)]
            actor_heads = list(self._last_heads)
            if not actors and e.type in GROUP_ACTOR_TYPES:
                actors = [p for p in found if p.sector in GROUP_SECTORS and not p.entity_key]
                where = self._protest_country(pred, c.tok, actor_heads) if actors else None
                if where is not None:
                    actors = [EventParty(p.text, p.start, p.end, p.canonical, p.entity_key, p.country or where,
                                         p.sector, p.how) for p in actors]
            if not actors and e.unnamed_actor and not (e.actor_person or e.actor_sectors):
                actors, actor_heads = [unknown_party(v.tokens[c.tok].start)], []
            if not actors:
                continue
            # a place is never an actor ("Nangarhar province"; capitals standing for their
            # state are "metonymy" and stay)
            actors = [p for p in actors if not self._is_place(p)] or (
                [unknown_party(v.tokens[c.tok].start)] if e.unnamed_actor else [])
            if not actors:
                continue
            known = [p for p in actors if p.how != "unknown"]
            if e.actor_not_person and any(self._is_person(p) for p in known):
                continue
            if e.actor_person and not all(self._is_person(p) for p in actors):
                continue
            if e.actor_sectors is not None and not any(p.sector in e.actor_sectors for p in actors):
                continue
            if e.actor_not_sectors and any(p.sector in e.actor_not_sectors for p in known):
                continue
            if e.mode == "abduct" and self._inanimate_patient(pred):
                continue  # "похитил картину": Russian "похитить" also means steal; a thing is no hostage
            self._last_heads = []
            recipients = self._recipients(c, e, actors)
            recipient_heads = list(self._last_heads) if recipients else []
            if not recipients and self._audience:
                continue  # "told reporters to wait": words to the press covering it are no event
            if not recipients and (e.promissive or e.type in TARGET_FROM_COMPLEMENT):
                recipients, recipient_heads = self._complement_recipients(c, actors)
            if not recipients and e.type in TARGET_FROM_PURPOSE:
                recipients, recipient_heads = self._purpose_recipients(c, pred, actors)
            place_parties: list[EventParty] = []
            if e.recipient_as_place:
                place_parties, recipients = recipients, []
            if e.requires_recipient and not recipients:
                continue
            if e.requires_party and not recipients and len(actors) < 2:
                continue
            if e.requires_complement and not c.complements and not (
                    v.args(c.tok).get("xcomp") or v.args(c.tok).get("ccomp")):
                continue
            typ = e.type
            comp_type, comp_mode, comp_lemma = (
                self._complement(c) if (e.absorbs or e.promissive) else (None, None, None))
            if e.promissive:
                typ = "THREATEN" if comp_type in CONFLICT else e.type
            if not recipients and typ == "THREATEN":
                recipients, recipient_heads = self._condition_recipients(c, pred, actors)
            mode = self._mode(c, e, typ)
            if typ in ("REQUEST", "REJECT", "THREATEN") and (comp_type or comp_lemma):
                mode = self.lex.complement_mode(typ, comp_type, comp_mode, comp_lemma) or mode
            if e.multi_actor_type and len({p.country for p in actors if p.country}) > 1:
                typ = e.multi_actor_type
            sector = next((p.sector for p in actors if p.sector), None)
            if sector in e.by_sector:
                typ = e.by_sector[sector].get("type", typ)
                mode = e.by_sector[sector].get("mode", mode)
            f = self._flags(pred, c.tok)
            if self._denied_participant(pred, actor_heads + recipient_heads):
                f.negated = True
            if not known and (f.negated or f.hypothetical or f.future or self._denied_in_clause(c.tok)):
                # With no named party, nothing but the sentence vouches for the happening: code it
                # only when the clause asserts it ("the fighting caused ..."), never from a noun
                # in a denied, conditional or future frame ("is not the unlikely armed
                # aggression", "do not have the resources to proceed with the offensive").
                continue
            coded = Coded(typ, mode, c.tok, c.light, pred, e, actors, recipients, place_parties,
                          actor_heads, recipient_heads, f.negated, f.future, f.hypothetical,
                          nominal=c.pos == "NOUN" and c.light is None)
            coded.object_heads = self._objects(c.tok) if c.pos == "VERB" else []
            self._plover_intent(coded, f)
            return coded
        return None

    def _protest_country(self, pred: int, trigger: int, actor_heads: list[int]) -> str | None:
        """The country where unaffiliated protesters protest: the country of a place named by a
        locative ("in", "at", "throughout", "across", "в", "на", "по") on the predicate, the
        trigger, a noun object or modifier of either, or the protesters' own noun ("students
        throughout Indonesia", "blocked streets in Hong Kong", "провели акцию протеста в X").
        ACLED's codebook names such actors "Protesters (country)", the country where the
        demonstration takes place; PLOVER codes an actor as a country and a sector.
        None when no such place is named, or the places named lie in more than one country."""
        v = self.v
        codes: set[str] = set()
        nouns = [x for k in (pred, trigger) for x in v.children[k] if v.tokens[x].pos == "NOUN"
                 and v.slot_of(x) in ("obj", "nmod", "gen", "dobj")]  # "провели акцию протеста в X"
        for k in dict.fromkeys([pred, trigger, *actor_heads, *nouns]):
            a = v.args(k)
            for slot in PROTEST_LOCATIVES:
                for h in a.get(slot, []):
                    for x in v.conjuncts(h):
                        ent = v.entity_at(x)
                        if ent is None or ent.label not in ("GPE", "LOC"):
                            continue
                        code = self.res.from_entity(ent).country
                        if code and len(code) == 3 and code.isalpha() and code.isupper():
                            codes.add(code)
        return codes.pop() if len(codes) == 1 else None

    def _denied_in_clause(self, tok: int) -> bool:
        """True when token ``tok`` or a head above it within the same clause is negated.

        Walks up the dependency heads (at most 8 steps) through nominal, prepositional,
        coordinated and infinitival links ("resources to hold ... and proceed with the offensive"
        is one clause with "do not have"), and stops at the edge of a finite clause (``ccomp``,
        ``advcl``, ``relcl``, ``parataxis`` headed by a verb that is not an infinitive), so
        "officials did not say who was behind the shelling" leaves the shelling asserted.
        Negation is a ``neg`` dependent (English) or a child whose lemma is one of the
        lexicon's ``negators`` ("not", "не", "ни", ...).
        """
        v = self.v
        cur: int | None = tok
        for _ in range(8):
            if cur is None:
                return False
            if v.args(cur).get("neg") or any(v.lemma(x) in self.lex.negators for x in v.children[cur]):
                return True
            if v.slot_of(cur) in ("ccomp", "advcl", "relcl", "parataxis") and (
                    "VerbForm=Inf" not in v.tokens[cur].morph):
                return False
            cur = v.head(cur)
        return False

    def _complement_recipients(self, c: Candidate, actors: list[EventParty]) -> tuple[list[EventParty], list[int]]:
        """The target of the act a threat, refusal or promise is about: "threatened to impose
        sanctions on Iran" threatens Iran, "refused to negotiate with the rebels" rejects the
        rebels. The absorbed trigger's own recipient slots first, else the object or
        "against"/"on" object of the complement verb."""
        v = self.v
        for comp in c.complements:
            if comp.entries:
                self._last_heads = []
                got = self._recipients(comp, comp.entries[0], actors)
                if got:
                    return got, list(self._last_heads)
        # "threatened further action against Russia", "угрожал ответными мерами против
        # Украины": the act named by the trigger's object carries its target
        for o in self._objects(c.tok) + v.args(c.tok).get("ins", []):
            against = v.args(o).get("prep:against", []) + v.args(o).get("prep:против", [])
            got, got_heads = self._other_parties(against, actors)
            if got:
                return got, got_heads
        for x in v.args(c.tok).get("xcomp", []) + v.args(c.tok).get("ccomp", []):
            # "to deliver blows to the United States": with a direct object, the "to" object of
            # the complement verb is who receives the act
            objs = v.args(x).get("obj", [])
            slots = [v.args(x).get(slot, []) for slot in COMPLEMENT_TARGET_SLOTS]
            if objs:  # the "to" may hang on the object: "deliver a crushing blow to Israel"
                slots += [v.args(x).get("prep:to", []), v.args(x).get("iobj", [])]
                slots += [v.args(o).get("prep:to", []) for o in objs]
            for heads in slots:
                got, got_heads = self._other_parties(heads, actors)
                if got:
                    return got, got_heads
        return [], []

    def _other_parties(self, heads: list[int],
                       actors: list[EventParty]) -> tuple[list[EventParty], list[int]]:
        """The clear parties named at ``heads`` (:meth:`_parties`) that are none of ``actors``
        (same start, or :func:`_same_actor`), and the heads they were read from; ``([], [])``
        when there is none. The recipient look-ups of complements, conditions and purposes
        each try their slots with it in turn."""
        self._last_heads = []
        got = [p for p in self._parties(heads) if self.res.is_clear(p)
               and not any(p.start == a.start or _same_actor(p, a) for a in actors)]
        return (got, list(self._last_heads)) if got else ([], [])

    def _condition_recipients(self, c: Candidate, pred: int,
                              actors: list[EventParty]) -> tuple[list[EventParty], list[int]]:
        """The target of a conditional threat: the subject of its "unless" clause ("threatened
        a general strike unless Israel rescinded the annexation" threatens Israel, who must
        comply to avert it; CAMEO 13 "Threaten", PLOVER THREATEN). The clause may hang on the
        threat verb or on the act threatened."""
        v, lex = self.v, self.lex
        heads = list(dict.fromkeys((c.tok, pred)))
        for k in list(heads):
            heads += v.args(k).get("xcomp", []) + v.args(k).get("ccomp", [])
        for k in heads:
            for x in v.args(k).get("advcl", []):
                if not {v.lemma(m) for m in v.args(x).get("mark", [])} & lex.threat_condition_marks:
                    continue
                got, got_heads = self._other_parties(v.args(x).get("subj", []), actors)
                if got:
                    return got, got_heads
        return [], []

    def _purpose_recipients(self, c: Candidate, pred: int,
                            actors: list[EventParty]) -> tuple[list[EventParty], list[int]]:
        """The target of a protest named by what it is for: a purpose clause whose verb is a
        verbal-conflict trigger ("began a hunger strike to protest against Sweden's decision",
        "marched to demand the resignation of the governor") gives that trigger's recipient
        (a protest verb's "at"/"over" object too: "to protest at the settlement");
        "in protest of/against/at X", "in defiance of X", "in opposition to X" give X. PLOVER's
        PROTEST target is the one protested against, and news names it there when the protest
        act itself has no object."""
        v, lex = self.v, self.lex
        for k in dict.fromkeys((pred, c.tok)):
            a = v.args(k)
            for x in a.get("advcl", []) + a.get("xcomp", []):
                entries = [e for e in lex.lookup(v.lemma(x), "VERB") if e.type in PURPOSE_TYPES]
                extra = ("prep:at", "prep:over") if any(e.type == "PROTEST" for e in entries) else ()
                for slot in dict.fromkeys([s for e in entries for s in e.recipient] + list(extra)):
                    got, got_heads = self._other_parties(self._owners(v.args(x).get(slot, [])), actors)
                    if got:
                        return got, got_heads
            for n in a.get("prep:in", []):
                if v.lemma(n) not in PROTEST_PURPOSE_NOUNS:
                    continue
                for slot in ("prep:of", "prep:against", "prep:at", "prep:over", "prep:to"):
                    got, got_heads = self._other_parties(self._owners(v.args(n).get(slot, [])), actors)
                    if got:
                        return got, got_heads
        return [], []

    def _owners(self, heads: list[int]) -> list[int]:
        """Each head replaced by its possessor when it has one: the target of a protest "against
        Sweden's decision" is Sweden, the author of the decision."""
        return [next(iter(self.v.args(h).get("poss", [])), h) for h in heads]

    def _is_place(self, p: EventParty) -> bool:
        """A party that is a place said to be one ("Nangarhar province", "провинция Пактия",
        "the city of X"): a place-labelled entity with a place noun (``place_nouns`` of the actor
        tables, other than "country"/"capital") on or around it, not a country name. Named
        places without such a word are left alone: the named-entity label alone is too weak
        (a person's name can be tagged as a place)."""
        if p.how != "entity":
            return False
        v = self.v
        ent = next((e for e in v.article.entities if e.start == p.start and e.end == p.end), None)
        if ent is None or ent.label not in ("GPE", "LOC", "FAC"):
            return False
        tables = self.res.tables
        if tables.country_of_name(ent.canonical)[0] is not None or tables.country_of_name(ent.text)[0] is not None:
            return False
        nouns = tables.place_nouns.get(v.lang, frozenset()) - {"country", "страна", "capital", "столица", "side",
                                                               "сторона", "embassy", "посольство"}
        toks = list(v.starting_in(ent.start, ent.end))
        near = set(toks)
        for i in toks:
            near.update(v.children[i])
            h = v.head(i)
            if h is not None:
                near.add(h)
        return any(v.lemma(k) in nouns for k in near)

    def _is_person(self, p: EventParty) -> bool:
        if p.entity_key is None:
            return False
        for ent in self.v.article.entities:
            if ent.start == p.start and ent.entity_key == p.entity_key:
                return ent.label == "PERSON"
        other = next((x for x in self.v.article.entities if x.entity_key == p.entity_key), None)
        return other is not None and other.label == "PERSON"

    def _plover_intent(self, ev: Coded, f: _Flags) -> None:
        """PLOVER/CAMEO conventions for announced acts (see the module docstring, point 5).

        * cooperative act announced for the future → AGREE (negated: REJECT, except an event
          noun whose verb of occurrence is negated — "the talks will not take place" says the
          talks are off, not that a party refused them: it stays negated and future);
        * SANCTION or COERCE announced for the future, or any material conflict act under a
          threat condition ("unless") → THREATEN.
        """
        orig = ev.type
        if f.modal:
            return
        if orig in COOPERATIVE and orig != "AGREE" and ev.future:
            if ev.negated and f.occurs:
                return  # "the meeting will not take place": a cancelled act, refused by no one named
            if ev.negated:
                ev.mode = self.lex.complement_mode("REJECT", orig, ev.mode, None)
                ev.type, ev.negated = "REJECT", False
            else:
                ev.type, ev.mode = "AGREE", None
            ev.intended = orig
        elif not ev.negated and ((orig in THREAT_ANNOUNCED and ev.future) or (orig in MATERIAL_CONFLICT and f.threat)):
            ev.mode = self.lex.complement_mode("THREATEN", orig, ev.mode, None)
            ev.type, ev.intended = "THREATEN", orig


def _one_unnamed_happening(coded: list[Coded]) -> list[Coded]:
    """Keep at most one unnamed-actor event per type in a sentence.

    "Two journalists died in mortar shelling near Sloviansk" names one happening through two
    triggers (the death and the shelling); "the strike ... killed six children" likewise. When
    the sentence also codes the same type with a named actor ("civilians died when the US
    targeted a vehicle"), the unnamed one is that happening seen from its victims and is
    dropped; otherwise one is kept — the one with a mode (the more specific), its recipients
    filled from the others when it has none.
    """
    unnamed = [c for c in coded if c.actors and all(p.how == "unknown" for p in c.actors)]
    if not unnamed:
        return coded
    drop: set[int] = set()
    for typ in {c.type for c in unnamed}:
        group = [c for c in unnamed if c.type == typ]
        named = any(c.type == typ and c not in unnamed and not c.negated for c in coded)
        if named:
            drop.update(id(c) for c in group)
            continue
        keep = next((c for c in group if c.mode), group[0])
        if not keep.recipients:
            donor = next((c for c in group if c.recipients), None)
            if donor is not None:
                keep.recipients, keep.recipient_heads = list(donor.recipients), list(donor.recipient_heads)
        drop.update(id(c) for c in group if c is not keep)
    return [c for c in coded if id(c) not in drop]


def _ru_simple_future(v: DocView, i: int) -> bool:
    """True when Russian token ``i`` is a verb in the simple future: perfective non-past
    ("встретится", "пройдут"; Русская грамматика: the perfective's non-past form has future
    meaning), as :func:`~newswatch.text.morph.perfective_future` reads it from pymorphy2's
    dictionary for the token's lemma; the tagger's ``Aspect=Perf`` + ``Tense=Fut`` decides only a
    form the dictionary does not know. The dictionary comes first because slovnet's tagger reads
    some perfective non-past forms as past or present ("президенты увидятся" tagged
    ``Tense=Past``), and some imperfective presents as perfective futures ("ждёт")."""
    t = v.tokens[i]
    if t.pos not in ("VERB", "AUX"):
        return False
    finite = "VerbForm=Fin" in t.morph and "Mood=Imp" not in t.morph
    known = perfective_future(t.text, t.lemma, finite)
    if known is not None:
        return known
    return "Tense=Fut" in t.morph and "Aspect=Perf" in t.morph


def _is_audience(p: EventParty) -> bool:
    """True for the press as a common noun ("reporters", "journalists", "журналистам"): a
    party of the JRN sector with no entity and no country. Words addressed to it are addressed
    to the public through it; it is not the party a verbal act is aimed at."""
    return p.sector == "JRN" and not p.entity_key and not p.country


def _same_actor(p: EventParty, q: EventParty) -> bool:
    """The same entity, or (without entity keys) the same canonical name."""
    if p.entity_key and q.entity_key:
        return p.entity_key == q.entity_key
    return p.canonical == q.canonical

