"""PLOVER trigger lexicons (``data/plover_triggers_en.json``, ``data/plover_triggers_ru.json``).

The file format is documented in the English file's ``_about``. Loading validates every
entry (known keys, a PLOVER type, a VERB/NOUN part of speech) so that a typo in the data
fails loudly instead of silently never matching.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...text import fold, load_json_data

#: The 16 event types of the PLOVER manual v2 (shared/design/field-notes.md §2.1).
PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
#: Cooperative types (PLOVER quads "verbal cooperation" and "material cooperation").
COOPERATIVE = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})
#: Types whose trigger takes a clausal complement or an event object as its content, which is
#: then not coded on its own ("asked Tajikistan to accept ...", "threatened to impose ...").
ABSORBING = frozenset({"AGREE", "REQUEST", "ACCUSE", "REJECT", "THREATEN", "CONCEDE", "SUPPORT"})

_KEYS = frozenset({
    "lemma", "pos", "type", "mode", "particle", "objects", "not_objects", "modifiers", "context",
    "requires_recipient", "requires_party", "requires_complement", "requires_infinitive", "requires_prep",
    "actor_sectors", "actor_not_sectors", "actor_person", "actor_not_person", "recipient", "actor",
    "recipient_as_place",
    "passive_actor", "by_sector", "absorbs", "promissive", "light_only", "light_verbs",
    "requires_obligation", "multi_actor_type", "unnamed_actor", "not_modifiers", "intransitive",
    "symmetric",
})


@dataclass(frozen=True, slots=True)
class Trigger:
    """One lexicon entry (see the data file's ``_about`` for each field)."""

    lemmas: tuple[str, ...]
    pos: str
    type: str
    mode: str | None = None
    particle: str | None = None
    objects: frozenset[str] | None = None
    not_objects: frozenset[str] = frozenset()
    modifiers: frozenset[str] | None = None
    context: frozenset[str] | None = None
    requires_recipient: bool = False
    requires_party: bool = False
    requires_complement: bool = False
    requires_infinitive: bool = False
    requires_prep: frozenset[str] | None = None
    actor_sectors: frozenset[str] | None = None
    actor_not_sectors: frozenset[str] = frozenset()
    actor_person: bool = False
    actor_not_person: bool = False
    recipient: tuple[str, ...] = ()
    actor: tuple[str, ...] = ()
    recipient_as_place: bool = False
    passive_actor: str = "agent"
    by_sector: dict[str, dict[str, str]] = field(default_factory=dict)
    absorbs: bool = False
    promissive: bool = False
    light_only: bool = False
    light_verbs: frozenset[str] | None = None
    requires_obligation: bool = False
    multi_actor_type: str | None = None
    unnamed_actor: bool = False
    not_modifiers: frozenset[str] = frozenset()
    intransitive: bool = False
    #: Lemmas of the entry that name a reciprocal act ("clash", "перестрелка"): parties named
    #: together ("clashes between A and B", "A and B clashed") are the two sides, each the
    #: other's target (``true`` in the file: every lemma of the entry).
    symmetric: frozenset[str] = frozenset()
    order: int = 0


def _set(v: Any) -> frozenset[str] | None:
    if v is None:
        return None
    return frozenset(fold(x) for x in ([v] if isinstance(v, str) else v))


def _pair(v: str) -> tuple[str, str]:
    """A support verb written "verb" or "verb object" ("take part") as ``(verb, object)``."""
    verb, _, obj = fold(v).partition(" ")
    return verb, obj


@dataclass(slots=True)
class TriggerLexicon:
    """A loaded lexicon for one language.

    Attributes:
        language: "en" or "ru".
        triggers: entries by ``(lemma, pos)`` in file order.
        light, aspectual, decision, intent, intent_adjectives, object_control, negating: verb
            classes (negating: "denied executing" negates the embedded event).
        occurrence: verbs whose subject is an event that happens ("the talks *will take
            place*", "переговоры *пройдут*", "the talks *were held*"): an event noun that is
            their subject takes its tense, negation and modality from them ("take_place",
            "go_ahead": the verb with its object or particle).
        negative_quantifiers: a determiner or pronoun that says no one took part ("*no*
            civilians were killed", "*none* of the", "*nobody*", "*никто*", "*ни* один"):
            on the event's subject or object it denies the event, as "not" does.
        future_aux, hypothetical_aux, condition_marks, negators, skip_subjects,
        obligation_words, threat_condition_marks: word lists.
        possibility_nouns, possibility_adjectives, possibility_verbs: words that speak of an
            event noun as a possibility only ("the threat of attacks", "a possible strike",
            "warned of an attack"): the event is hypothetical.
        directive: verbs of asking someone else to act ("encouraged the parties to take
            part in negotiations", "призвал стороны сесть за стол переговоров"): the act of
            their infinitive complement is wished for, not done, nor the intent of its doer.
        participation: support verbs of taking part, as ``(verb, object)`` pairs (object ""
            for a plain verb: ``("engage", "")``, ``("take", "part")``): an event noun that is
            the object of one of ``participation_preps`` after such a verb ("took part in the
            talks", "were engaged in fighting", "участвовали в боях") is the participants'
            act, coded like a noun with a light verb.
        participation_preps: the prepositions of those objects ("in", "в").
        terminative_nouns: ``{noun: links}``: an event noun governed by such a noun through
            one of the links (a preposition, or "gen" for a bare genitive) is spoken of as
            ended or to be ended ("cessation of hostilities", "an end to the fighting",
            "прекращение боевых действий") and is not coded as a happening.
        mode_modifiers: ``{type: {mode: words}}``.
        complement_modes: ``{type: {"TYPE[:mode]" | "*": mode}}``.
        complement_lemma_modes: ``{type: {mode: lemmas}}``.
    """

    language: str
    triggers: dict[tuple[str, str], list[Trigger]]
    light: frozenset[str]
    aspectual: frozenset[str]
    decision: frozenset[str]
    intent: frozenset[str]
    intent_adjectives: frozenset[str]
    object_control: frozenset[str]
    negating: frozenset[str]
    occurrence: frozenset[str]
    directive: frozenset[str]
    future_aux: frozenset[str]
    hypothetical_aux: frozenset[str]
    condition_marks: frozenset[str]
    negators: frozenset[str]
    negative_quantifiers: frozenset[str]
    skip_subjects: frozenset[str]
    obligation_words: frozenset[str]
    threat_condition_marks: frozenset[str]
    possibility_nouns: frozenset[str]
    possibility_adjectives: frozenset[str]
    possibility_verbs: frozenset[str]
    participation: frozenset[tuple[str, str]]
    participation_preps: frozenset[str]
    terminative_nouns: dict[str, frozenset[str]]
    mode_modifiers: dict[str, dict[str, frozenset[str]]]
    complement_modes: dict[str, dict[str, str | None]]
    complement_lemma_modes: dict[str, dict[str, frozenset[str]]]

    @classmethod
    def load(cls, language: str) -> TriggerLexicon:
        """Load ``plover_triggers_<language>.json`` from the package data.

        Args:
            language: "en" or "ru".

        Returns:
            The lexicon.

        Raises:
            ValueError: an entry has an unknown key, type or part of speech.
            FileNotFoundError: no lexicon for ``language``.
        """
        data = load_json_data(f"plover_triggers_{language}.json")
        assert isinstance(data, dict)
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TriggerLexicon:
        """Build from a parsed lexicon file (see :meth:`load`).

        Raises:
            ValueError: an entry has an unknown key, type or part of speech.
        """
        verbs = data["verbs"]
        triggers: dict[tuple[str, str], list[Trigger]] = {}
        for order, raw in enumerate(data["triggers"]):
            bad = set(raw) - _KEYS
            if bad:
                raise ValueError(f"trigger {raw.get('lemma')!r}: unknown keys {sorted(bad)}")
            if raw.get("type") not in PLOVER_TYPES:
                raise ValueError(f"trigger {raw.get('lemma')!r}: {raw.get('type')!r} is not a PLOVER type")
            if raw.get("pos") not in ("VERB", "NOUN"):
                raise ValueError(f"trigger {raw.get('lemma')!r}: pos must be VERB or NOUN")
            lemmas = tuple(fold(x) for x in ([raw["lemma"]] if isinstance(raw["lemma"], str) else raw["lemma"]))
            trig = Trigger(
                lemmas=lemmas, pos=raw["pos"], type=raw["type"], mode=raw.get("mode"),
                particle=raw.get("particle"), objects=_set(raw.get("objects")),
                not_objects=_set(raw.get("not_objects")) or frozenset(),
                modifiers=_set(raw.get("modifiers")), context=_set(raw.get("context")),
                requires_recipient=bool(raw.get("requires_recipient")),
                requires_party=bool(raw.get("requires_party")),
                requires_complement=bool(raw.get("requires_complement")),
                requires_infinitive=bool(raw.get("requires_infinitive")),
                requires_prep=_set(raw.get("requires_prep")),
                actor_sectors=frozenset(raw["actor_sectors"]) if raw.get("actor_sectors") else None,
                actor_not_sectors=frozenset(raw.get("actor_not_sectors", ())),
                actor_person=bool(raw.get("actor_person")), actor_not_person=bool(raw.get("actor_not_person")),
                recipient=tuple(raw.get("recipient", ())), actor=tuple(raw.get("actor", ())),
                recipient_as_place=bool(raw.get("recipient_as_place")),
                passive_actor=raw.get("passive_actor", "agent"), by_sector=dict(raw.get("by_sector", {})),
                absorbs=bool(raw.get("absorbs", raw["type"] in ABSORBING)),
                promissive=bool(raw.get("promissive")), light_only=bool(raw.get("light_only")),
                light_verbs=_set(raw.get("light_verbs")),
                requires_obligation=bool(raw.get("requires_obligation")),
                multi_actor_type=raw.get("multi_actor_type"),
                unnamed_actor=bool(raw.get("unnamed_actor")),
                not_modifiers=_set(raw.get("not_modifiers")) or frozenset(),
                intransitive=bool(raw.get("intransitive")),
                symmetric=frozenset(lemmas) if raw.get("symmetric") is True else (_set(raw.get("symmetric"))
                                                                                  or frozenset()),
                order=order,
            )
            for lem in lemmas:
                triggers.setdefault((lem, trig.pos), []).append(trig)
        modes = {t: {m: frozenset(fold(w) for w in ws) for m, ws in v.items()}
                 for t, v in data.get("mode_modifiers", {}).items()}
        lemma_modes = {t: {m: frozenset(fold(w) for w in ws) for m, ws in v.items()}
                       for t, v in data.get("complement_lemma_modes", {}).items()}
        return cls(
            language=data["language"], triggers=triggers,
            light=_set(verbs.get("light")) or frozenset(), aspectual=_set(verbs.get("aspectual")) or frozenset(),
            decision=_set(verbs.get("decision")) or frozenset(), intent=_set(verbs.get("intent")) or frozenset(),
            intent_adjectives=_set(verbs.get("intent_adjectives")) or frozenset(),
            object_control=_set(verbs.get("object_control")) or frozenset(),
            negating=_set(verbs.get("negating")) or frozenset(),
            occurrence=_set(verbs.get("occurrence")) or frozenset(),
            directive=_set(verbs.get("directive")) or frozenset(),
            future_aux=_set(data.get("future_aux")) or frozenset(),
            hypothetical_aux=_set(data.get("hypothetical_aux")) or frozenset(),
            condition_marks=_set(data.get("condition_marks")) or frozenset(),
            negators=_set(data.get("negators")) or frozenset(),
            negative_quantifiers=_set(data.get("negative_quantifiers")) or frozenset(),
            skip_subjects=_set(data.get("skip_subjects")) or frozenset(),
            obligation_words=_set(data.get("obligation_words")) or frozenset(),
            threat_condition_marks=_set(data.get("threat_condition_marks")) or frozenset(),
            possibility_nouns=_set(data.get("possibility_nouns")) or frozenset(),
            possibility_adjectives=_set(data.get("possibility_adjectives")) or frozenset(),
            possibility_verbs=_set(data.get("possibility_verbs")) or frozenset(),
            participation=frozenset(_pair(x) for x in verbs.get("participation", ())),
            participation_preps=_set(data.get("participation_preps")) or frozenset(),
            terminative_nouns={fold(k): frozenset(fold(x) for x in v)
                               for k, v in data.get("terminative_nouns", {}).items()},
            mode_modifiers=modes, complement_modes=dict(data.get("complement_modes", {})),
            complement_lemma_modes=lemma_modes,
        )

    def lookup(self, lemma: str, pos: str) -> list[Trigger]:
        """Entries for a folded lemma and "VERB"/"NOUN", in file order (empty when none)."""
        return self.triggers.get((lemma, pos), [])

    def complement_mode(self, head_type: str, comp_type: str | None, comp_mode: str | None,
                        comp_lemma: str | None) -> str | None:
        """The mode a verbal head takes from its complement.

        Args:
            head_type: type of the absorbing trigger (REQUEST, REJECT, THREATEN ...).
            comp_type, comp_mode: type and mode of the absorbed trigger, when the complement
                is itself a trigger.
            comp_lemma: lemma of the complement's head verb, when it is not.

        Returns:
            The mode, or None.
        """
        table = self.complement_modes.get(head_type)
        if table and comp_type:
            for key in (f"{comp_type}:{comp_mode}", comp_type):
                if key in table:
                    return table[key]
        lemmas = self.complement_lemma_modes.get(head_type)
        if lemmas and comp_lemma:
            for mode, words in lemmas.items():
                if comp_lemma in words:
                    return mode
        if table and (comp_type or comp_lemma):
            return table.get("*")
        return None
