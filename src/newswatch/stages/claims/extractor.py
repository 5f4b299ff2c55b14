"""Figures as claims: who or what a figure is about, what it counts, as of when, and who says so.

A :class:`~newswatch.model.Figure` of an article becomes a :class:`~newswatch.model.Claim` when
it states something the ledger tracks (:meth:`ClaimRules.property`): its verb has a class, or it
has a unit, or its noun is in the table; a count of known referents as the subject of a clause
with no class ("the two ministers agreed") is none either:

* **subject** — the grammatical subject of the verb governing the figure ("the Taliban already
  control 188 counties ... and are fighting for another 135" → the Taliban for both); a
  "number of X" subject is X, and a participle on X gives its agent ("the number of those
  overseen by the Kabul government is 70" → the Kabul government). Resolved like an event
  actor (:class:`~newswatch.stages.events.actors.ActorResolver`), so "the Americans", "Moscow" and
  "США" carry their country. With no subject the claim has none (and groups only with claims
  that have none either);
* **property** — the counted noun normalised by ``data/claim_properties.json`` plus the
  governing verb's class ("district controlled", "district contested"), both from one
  canonical English set: Russian nouns map to the same English nouns ("район" → district,
  "рабочий" → worker), an unlisted noun of people is "person", anything else "count", so
  claims group across languages and no property mixes them. A casualty class holds only for
  people (not for "300 квадратных метров" or houses that "пострадали"), "deployed" only for
  troops and weapons; people staying or placed in shelters or temporary accommodation are
  "displaced";
* **as of** — a time expression of the figure's clause (or its governing heads within the
  same quote) that is not the start of a period ("since March 3, 40,000 have fled ..., the UN
  said on Friday" holds as of Friday: the start is when the count began, not when it
  stood), else one of the verb that reports the quote (the date of the statement: "the
  ministry said on Monday that 12 soldiers were killed" holds as of Monday), else the
  publication date (``as_of_source`` "publication");
* **cited** — the speaker of the quote the figure is in ("CNN reports that ...", "по данным
  Long War Journal"), with the sources coordinated with it ("reports by Bloomberg and
  Reuters" → both); otherwise a named organisation or person reported in an earlier sentence
  of the same paragraph, at most :data:`MAX_CITATION_CARRY` sentences back (``cited_how``
  "paragraph"), when the figure goes on with what that report stated (its counted noun and
  a verb of its class, or — no casualty — its subject, in the report; else none): Inforos
  writes "FDD's Long War Journal portal has recently reported that ... This is a far cry
  from ... In general, the Taliban already control 188 counties";
* **casualties** — a figure whose property class is a casualty class (:data:`CASUALTY_CLASSES`:
  killed, wounded, evacuated, displaced, missing, detained; the same names for English and
  Russian verbs, and for verb + object phrases such as "получили ранения", "унёс жизни") is
  about *whose* people they are, not about who did it: its subject is the **side** of the
  casualties — the country of the counted phrase itself ("13 US troops", "трое палестинцев"),
  of its "of"/"из" complement ("11 of them" → the antecedent), or of a "side" phrase of the
  sentence ("on the Azerbaijani side", "с армянской стороны"); soldiers with no nationality
  in a statement of a defence ministry or armed force are its state's ("Министерство обороны
  Румынии заявило, что ... ранено двое военных" → ROU); else none. The agent ("the
  attack which killed ...", "Taliban killed ...") is never the subject, so two sides' tolls
  are two series. A force that lost combatants ("the army said it lost four soldiers",
  ``loss_verbs``/``loss_nouns``) reports its own dead: killed, and the side is the loser.
  The value of a toll takes the side its toll phrase names ("the Armenian death toll rose to
  7", "had put the toll among Armenian soldiers at 12 dead"), before the value's own words;
* **group key** — ``subject | property | unit``: the subject's entity key (alias-file keys are
  shared by English and Russian mentions), else its country, else its folded name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...model import Article, Claim, EventParty, Figure, Quote, Timex, named_mentions
from ...text import fold, load_json_data
from ...text.syntax import DocView
from ..events.actors import ActorResolver
from ..events.coding import EventCoder
from ..quotes import reporting_verbs

#: How many sentences a citation carries forward within a paragraph. Calibrated on the seed:
#: the LWJ report sentence is two sentences before "In general, the Taliban already control
#: 188 counties" (shared/design/field-notes.md §0 attributes those figures to LWJ).
MAX_CITATION_CARRY = 2
#: Most dependency hops from a figure up to the verb that governs it.
MAX_GOVERN_HOPS = 5
#: Confidence of a claim whose subject comes from the parse; of one whose subject is the
#: sentence's main subject (fallback); of one without a subject. Fixed by how the subject was
#: found. Hand check of the seed's 10 figures: 7 subjects right (the Taliban for 188 and 135,
#: the Kabul government for 70, the Pentagon for $240 million and 20 countries, Washington
#: for 18 thousand Afghans, DRA soldiers for "exceeds one thousand"); wrong or missing:
#: Tajikistan for "about 9 thousand Afghans" (the asked state, not the Americans who asked),
#: none for "almost 50 thousand people" and for "over 300 people".
CONF_SUBJECT, CONF_FALLBACK, CONF_NONE = 0.8, 0.6, 0.5
#: Property classes of casualty and displacement figures (their subject is the side they belong to).
CASUALTY_CLASSES = frozenset({"killed", "wounded", "evacuated", "displaced", "missing", "detained"})
#: English possessive pronouns whose referent owns the people counted ("27 of its soldiers").
_POSSESSIVE_PRONOUNS = frozenset({"its", "their"})
#: How many words before its verb a toll phrase may take ("the number of wounded" → 4).
TOLL_SPAN = 5
#: Classes whose verb, active and with an object, does the act to the object ("killed 12
#: people", "captured 12 villages"); the active subject is the agent. Not "crossed": "1,000
#: soldiers crossed the border" moves its subject.
AGENT_CLASSES = frozenset({"killed", "wounded", "detained", "evacuated", "displaced", "captured", "controlled",
                           "allocated", "deployed", "accepted"})
#: Nouns whose "of" phrase is the count itself ("a total of 19,000 people", "dozens of
#: Afghans", "the number of victims").
_AMOUNT_NOUNS = frozenset({"total", "number", "toll", "dozen", "dozens", "hundred", "hundreds", "thousand",
                           "thousands", "million", "millions", "score", "scores"})
#: Nouns that name one side of a conflict ("on the Azerbaijani side", "с армянской стороны").
SIDE_NOUNS = frozenset({"side", "сторона"})
#: TIMEX3 mods of a period's start ("since March 3"): such a date is no as-of date.
OPEN_START_MODS = frozenset({"AFTER", "ON_OR_AFTER"})
#: First-person plural possessives: "our servicemen" said by one side's official are that side's.
OUR_WORDS = {"en": frozenset({"our"}), "ru": frozenset({"наш"})}


@dataclass(slots=True)
class ClaimRules:
    """The data of ``claim_properties.json`` (see its ``_about``)."""

    nouns: dict[str, str]
    verb_classes: dict[str, str]
    subject_nouns: frozenset[str]
    citing_labels: frozenset[str]
    verb_object_classes: dict[tuple[str, str], str] = field(default_factory=dict)
    #: canonical nouns (values of ``nouns``) that count people
    people_nouns: frozenset[str] = frozenset()
    #: classes that hold only for some canonical nouns ("deployed": troops and weapons)
    class_nouns: dict[str, frozenset[str]] = field(default_factory=dict)
    #: folded lemmas of the places of temporary housing ("shelter", "размещение")
    shelter_words: frozenset[str] = frozenset()
    #: folded lemmas that make a speaker a state's military ("defence", "оборона", "army")
    military_speaker_words: frozenset[str] = frozenset()
    #: folded lemmas of verbs of fleeing ("flee", "бежать") and of crossing words ("border")
    flight_verbs: frozenset[str] = frozenset()
    crossing_words: frozenset[str] = frozenset()
    #: folded lemmas of causative verbs ("force", "вынудить"): their object does their complement's act
    causative_verbs: frozenset[str] = frozenset()
    #: folded lemmas of verbs a toll reaches a value by ("rise", "составить") and the words
    #: that name a toll's class ("death" → killed, "раненый" → wounded)
    toll_verbs: frozenset[str] = frozenset()
    toll_words: dict[str, str] = field(default_factory=dict)
    #: folded lemmas of verbs of losing ("lose", "потерять") and the canonical combatant nouns
    #: whose loss by a force is a killed casualty of that force ("lost four soldiers")
    loss_verbs: frozenset[str] = frozenset()
    loss_nouns: frozenset[str] = frozenset()

    @classmethod
    def load(cls) -> ClaimRules:
        """Load the package data file."""
        data = load_json_data("claim_properties.json")
        assert isinstance(data, dict)
        verbs = {fold(v): cls_ for cls_, vs in data["verb_classes"].items() for v in vs}
        pairs = {}
        for cls_, phrases in data.get("verb_object_classes", {}).items():
            for phrase in phrases:
                verb, obj = phrase.split(" ", 1)
                pairs[(fold(verb), fold(obj))] = cls_
        return cls({fold(k): v for k, v in data["nouns"].items()}, verbs,
                   frozenset(fold(w) for w in data["subject_nouns"]), frozenset(data["citing_labels"]), pairs,
                   frozenset(data["people_nouns"]),
                   {c: frozenset(ns) for c, ns in data["class_nouns"].items()},
                   frozenset(fold(w) for w in data["shelter_words"]),
                   frozenset(fold(w) for w in data["military_speaker_words"]),
                   frozenset(fold(w) for w in data["flight_verbs"]),
                   frozenset(fold(w) for w in data["crossing_words"]),
                   frozenset(fold(w) for w in data["causative_verbs"]),
                   frozenset(fold(w) for w in data["toll_verbs"]),
                   {fold(k): v for k, v in data["toll_words"].items()},
                   frozenset(fold(w) for w in data["loss_verbs"]), frozenset(data["loss_nouns"]))

    def noun(self, counted: str | None) -> str | None:
        """The canonical (English) noun of a counted lemma of either language, or None when
        the table has none: "район" → district, "soldiers" → soldier, "министр" → None."""
        return self.nouns.get(fold(counted)) if counted else None

    def verb_class(self, verb: str | None, verb_objects: tuple[str, ...] = ()) -> str | None:
        """The class of the verb with one of its objects ("получить ранение" → wounded,
        "take the lives of" → killed), else of the governing verb alone ("kill" → killed);
        None when neither is listed. A listed verb + object phrase is an idiom whose sense is
        not the verb's own ("take" alone is capture), so it comes first."""
        if not verb:
            return None
        cls_ = next((self.verb_object_classes[(fold(verb), fold(o))] for o in verb_objects
                     if (fold(verb), fold(o)) in self.verb_object_classes), None)
        return cls_ if cls_ is not None else self.verb_classes.get(fold(verb))

    def property(self, counted: str | None, verb: str | None, unit: str | None,
                 verb_objects: tuple[str, ...] = (), people: bool = False,
                 verb_class: str | None = None) -> str | None:
        """The normalised property ("district controlled"; "USD allocated"; "person"), or None
        when the figure is no claim.

        The property is ``<noun> <class>`` with both parts from one canonical set for English
        and Russian: the noun is the table's noun ("рабочий" → worker), else "person" for an
        unlisted noun of people (``people``: "палестинцы", "трое рабочих"), else the unit,
        else "count"; the class is the verb's, kept only where it holds: a casualty or
        displacement class only for people (never for a measure, an amount or houses: "300
        квадратных метров пострадали" is no casualty), a class of ``class_nouns`` only for its
        nouns ("разместить 1200 человек" houses people, it deploys no troops).

        Args:
            counted: the counted noun's lemma; verb: the governing verb's lemma; unit: the unit;
            verb_objects: lemmas of the verb's objects, for verb + object classes ("получить
            ранение" → wounded) that the verb alone does not give; people: the counted noun
            names people (a listed people noun is people whatever this says); verb_class: the
            class when the clause already tells it (a verb of fleeing: see ``flight_verbs``).

        Returns:
            The property; None for a figure with no class whose noun is not in the table and
            which has no unit ("two ministers", "300 квадратных метров"): a count of something
            the ledger does not track is no claim.
        """
        noun = self.noun(counted)
        people = people or noun in self.people_nouns
        if unit is not None and unit.startswith("per "):
            unit = None  # a count rate ("1,500 people a day") is a count here; its unit keys the group
        cls_ = verb_class or self.verb_class(verb, verb_objects)
        if cls_ in self.class_nouns and noun not in self.class_nouns[cls_]:
            cls_ = None
        if cls_ in CASUALTY_CLASSES and (unit is not None or (counted is not None and not people)):
            cls_ = None
        if cls_ is None and noun is None and unit is None:
            return None
        part = noun or ("person" if counted and people else None) or unit or "count"
        return f"{part} {cls_}" if cls_ else part


def group_key(subject_id: str | None, prop: str, unit: str | None) -> str:
    """The key claims about the same quantity share: ``subject|property|unit``."""
    return f"{subject_id or '-'}|{prop}|{unit or ''}"


def subject_identity(p: EventParty | None) -> str | None:
    """The subject part of a group key: entity key, else ``country:XXX``, else folded name."""
    if p is None:
        return None
    if p.entity_key:
        return p.entity_key
    if p.country:
        return f"country:{p.country}"
    return fold(p.canonical)


class ClaimExtractor:
    """Builds the claims of one article.

    Args:
        article: the analysed article (tokens, entities, quotes, figures, timexes).
        coder: an event coder of that article (for subject inheritance through the parse).
        resolver: the actor resolver of that article.
        rules: the property tables.
    """

    def __init__(self, article: Article, coder: EventCoder, resolver: ActorResolver, rules: ClaimRules) -> None:
        self.a = article
        self.v: DocView = resolver.view
        self.coder = coder
        self.res = resolver
        self.rules = rules
        self._agent_verb: int | None = None
        #: reporting verbs ("report", "say", "сообщить"): their subject is the source of what
        #: follows (recorded in ``cited``), never the subject of its figures
        self._reporting = reporting_verbs(self.v.lang)

    def claims(self, stage: str, version: str) -> list[Claim]:
        """The claims of the figures that are claims (see :meth:`claim`), in text order.

        An elliptic casualty figure with no side of its own ("11 of them were killed and more
        than 18 were wounded") takes the side of the casualty figure before it in the sentence.
        """
        pairs = [(f, self.claim(f, stage, version)) for f in sorted(self.a.figures, key=lambda f: f.start)]
        figures = [f for f, c in pairs if c is not None]
        out = [c for _, c in pairs if c is not None]
        for k in range(1, len(out)):
            c, f = out[k], figures[k]
            if c.subject is not None or f.counted or not _casualty(c.property):
                continue
            prev = next((p for p in reversed(out[:k]) if _casualty(p.property)
                         and p.prov.sentence_start == c.prov.sentence_start), None)
            if prev is not None and prev.subject is not None:
                c.subject, c.subject_key, c.subject_country = prev.subject, prev.subject_key, prev.subject_country
                c.group_key = group_key(prev.group_key.split("|", 1)[0], c.property, c.unit)
        return out

    def claim(self, f: Figure, stage: str, version: str) -> Claim | None:
        """The claim of one figure, or None when the figure states nothing the ledger tracks
        (:meth:`ClaimRules.property`), or when it only counts the known referents of a
        non-claim clause: "the two ministers agreed", "двое министров договорились" (a spelled
        number or a definite "the N" on the subject of a verb with no class)."""
        head = self._figure_head(f)
        verb = self._governing_verb(head) if head is not None else None
        subject, how = (self._subject(verb) if verb is not None else (None, "none"))
        verb_lemma = self.v.lemma(verb) if verb is not None else None
        if subject is not None and how == "agent" and self._agent_verb is not None:
            verb_lemma = self.v.lemma(self._agent_verb)
        if subject is None and _innermost(self.a.quotes, f.start) is None:
            subject, how = self._fallback_subject(f), "fallback"
        if subject is None:
            how = "none"
        if head is not None and (verb_lemma is None or fold(verb_lemma) not in self.rules.verb_classes):
            # "the 13 US service members who were killed", "those killed": the figure's own clause
            rel = next((r for slot in ("relcl", "acl") for r in self.v.args(head).get(slot, [])
                        if fold(self.v.lemma(r)) in self.rules.verb_classes), None)
            if rel is not None:
                verb, verb_lemma = rel, self.v.lemma(rel)
        if verb is not None and head is not None and head in self.v.args(verb).get("obj", []) and \
                fold(verb_lemma or "") in self.rules.causative_verbs:
            # "forcing 42,000 people to flee", "вынудило 3000 человек покинуть дома": the
            # object of a causative verb is the subject of its complement, whose act it counts
            done = next((x for x in self.v.args(verb).get("xcomp", [])), None)
            if done is not None:
                verb, verb_lemma = done, self.v.lemma(done)
        objs = tuple(self.v.lemma(o) for slot in ("obj", "iobj") for o in self.v.args(verb).get(slot, [])
                     ) if verb is not None else ()
        people = head is not None and f.counted is not None and self._people(head)
        if verb is not None and verb_lemma is not None and self._conveyed(verb) \
                and self.rules.verb_class(verb_lemma, objs) == "captured":
            # "were taken to hospital", "took the bodies to the morgue": a verb of seizing with
            # a goal ("to" a place) is a verb of carrying someone somewhere, not of capture
            verb_lemma, objs = None, ()
        if verb is not None and head is not None and verb_lemma is not None \
                and self.rules.verb_classes.get(fold(verb_lemma)) in CASUALTY_CLASSES | {"crossed"} \
                and self._under_preposition(head, verb, f):
            # "fled to Dubai with millions in cash", "killed by three gunmen", "evacuated to 300
            # shelters": the verb's act is its subject's or object's, not a prepositional
            # object's, so the figure takes no class from it
            verb_lemma, objs = None, ()
        if verb is not None and head is not None and verb_lemma is not None and not self.v.is_passive(verb) \
                and self._in_subject(head, verb) and self.v.args(verb).get("obj") \
                and self.rules.verb_classes.get(fold(verb_lemma)) in AGENT_CLASSES:
            # "Two gunmen killed 12 people", "three brigades captured 12 villages": the subject
            # of an active verb with an object did the act; the object underwent it
            verb_lemma, objs = None, ()
        own, own_strong = self._own_class(f, head) if head is not None else (None, False)
        loser = self._loser(verb, head, f) if verb is not None and head is not None else None
        toll: int | None = None  # the toll noun whose value the figure is, and its verb
        toll_verb: int | None = None
        given = None  # the class the clause itself tells, beating the verb table's
        own_words = False  # ... told by the figure's own words, whatever its verb's mood
        if own is not None and (own_strong
                                or self.rules.verb_classes.get(fold(verb_lemma or "")) not in CASUALTY_CLASSES):
            given, people = own, True  # "86 wounded people", "5 injured", "11 раненых"
            own_words = True
        elif verb is not None and verb_lemma is not None and fold(verb_lemma) in self.rules.flight_verbs:
            given = "crossed" if self._fled_abroad(verb) else "displaced"
        elif loser is not None:
            given = "killed"  # "the army said it lost four soldiers": its own dead
        elif verb is not None and head is not None and verb_lemma is not None \
                and fold(verb_lemma) in self.rules.toll_verbs:
            given, noun = self._toll(verb, head)  # "the death toll rose to 27"
            if given is not None:
                people, toll, toll_verb = True, noun, verb
        if own_words and toll is None and verb is not None and head is not None \
                and fold(self.v.lemma(verb)) in self.rules.toll_verbs:
            # "had put the toll at 12 dead": the class is the value's own word, the toll noun
            # (whose phrase may name the side) is the verb's object all the same
            toll, toll_verb = self._toll(verb, head)[1], verb
        prop = self.rules.property(f.counted, verb_lemma, f.unit, objs, people, given)
        if prop is not None and " " not in prop and f.unit is None and verb is not None \
                and (people or self.rules.noun(f.counted) in self.rules.people_nouns) \
                and self._in_shelter(verb):
            prop = f"{prop} displaced"  # "1,200 people are staying in shelters"
        if prop is None or (" " not in prop and head is not None and self._referential(f, head, verb)):
            return None
        if prop.rsplit(" ", 1)[-1] in CASUALTY_CLASSES and verb is not None and not own_words \
                and self.coder.modal(verb):
            # "the fighting could take the lives of thousands", "may kill hundreds", "the death
            # toll could rise to 50": a toll only spoken of as possible is no count of
            # casualties (a wrong toll is worse than none); "12 wounded could die" still counts
            # 12 wounded, the figure's own words
            return None
        if prop.rsplit(" ", 1)[-1] in CASUALTY_CLASSES:
            # a toll's people are named by the toll phrase, not by the value ("the Armenian
            # death toll rose to 7", "had put the toll among Armenian soldiers at 12 dead")
            subject = self._casualty_side(f, head, toll, toll_verb)
            if subject is None and loser is not None and given == "killed":
                p = self.res.resolve_one(loser)  # the force that lost them, never a person
                subject = p if p is not None and not (p.entity_key or "").startswith("PERSON:") else None
            how = "syntax" if subject is not None else "none"
        as_of, precision, source = self._as_of(f, verb)
        cited, cited_how = self._cited(f, prop, subject)
        conf = {"syntax": CONF_SUBJECT, "agent": CONF_SUBJECT, "fallback": CONF_FALLBACK}.get(how, CONF_NONE)
        return Claim(
            figure_text=f.text, start=f.start, end=f.end,
            prov=self.a.provenance(stage, version, f.start, conf),
            value=f.value, lower=f.lower, upper=f.upper, unit=f.unit, qualifier=f.qualifier,
            counted=f.counted, property=prop,
            subject=subject.canonical if subject else None,
            subject_key=subject.entity_key if subject else None,
            subject_country=subject.country if subject else None,
            as_of=as_of, as_of_precision=precision, as_of_source=source,
            outlet=self.a.source, cited=cited, cited_how=cited_how,
            group_key=group_key(subject_identity(subject), prop, f.unit),
        )

    # -- parse ---------------------------------------------------------------------------------

    def _people(self, head: int) -> bool:
        """The counted noun names people: a demonym or group noun ("Palestinians",
        "талибов"), or a Russian noun the morphology marks animate ("рабочих")."""
        v = self.v
        lemma = v.lemma(head)
        tables = self.res.tables
        if any(tables.demonyms.get(v.lang, {}).get(w) or tables.group_nouns.get(v.lang, {}).get(w)
               for w in (lemma, fold(v.text(head)))):
            return True
        return v.lang == "ru" and "Animacy=Anim" in v.tokens[head].morph

    def _loser(self, verb: int, head: int, f: Figure) -> int | None:
        """The subject head of a verb of losing whose direct object is the figure's combatant
        noun ("the army said it lost four soldiers" → "it", "батальон потерял трёх бойцов" →
        "батальон"), or None: not a listed verb, not its object ("lost contact with 12
        soldiers"), or a noun outside ``loss_nouns`` ("lost four seats", "lost 300 workers")."""
        v = self.v
        if fold(v.lemma(verb)) not in self.rules.loss_verbs or head not in v.args(verb).get("obj", []):
            return None
        if self.rules.noun(f.counted) not in self.rules.loss_nouns:
            return None
        subj = self.coder.subject_heads(verb)
        return subj[0] if subj else None

    def _conveyed(self, verb: int) -> bool:
        """English only: the verb has a goal complement ("taken to hospital", "took them to
        the morgue in Goma"): "take" with a destination means carry, not seize (a seized
        place or person has no "to" phrase: "took the town", "took 12 soldiers prisoner").
        Russian "взять" takes no such goal (its "в плен" is captivity itself), so it is not
        read there."""
        return self.v.lang == "en" and bool(self.v.args(verb).get("prep:to"))

    def _fled_abroad(self, verb: int) -> bool:
        """The verb of fleeing names a destination across a border: a country ("fled into
        Tajikistan", "бежали в Таджикистан": a place resolved to a country, GeoNames PCL*) or
        a crossing word ("across the border", "через границу")."""
        v = self.v
        args = v.args(verb)
        for slot in ("prep:into", "prep:to", "prep:across", "prep:over", "prep:в", "prep:во", "prep:на",
                     "prep:через", "prep:за"):
            for n in args.get(slot, []):
                if fold(v.lemma(n)) in self.rules.crossing_words:
                    return True
                t = v.tokens[n]
                if any((p.feature_code or "").startswith("PCL")
                       and any(m.start <= t.start < m.end for m in named_mentions(p))
                       for p in self.a.places):
                    return True
        return False

    def _in_shelter(self, verb: int) -> bool:
        """The verb places its people in temporary housing: a locative complement ("in",
        "at", "в", "на") whose noun, or a modifier of it, is a shelter word ("staying in
        shelters", "evacuation centres", "в пунктах временного размещения")."""
        v = self.v
        args = v.args(verb)
        for slot in ("prep:in", "prep:at", "prep:into", "prep:в", "prep:на"):
            for n in args.get(slot, []):
                if any(v.lemma(k) in self.rules.shelter_words for k in [n, *v.children[n]]):
                    return True
        return False

    def _referential(self, f: Figure, head: int, verb: int | None) -> bool:
        """The figure only counts referents the text already knows, as the subject of its
        clause or in a definite apposition to a noun that names them: a definite "the two
        ministers", a spelled "two ministers agreed", "Russia and Tajikistan, the two countries
        that ..."."""
        v = self.v
        definite = v.lang == "en" and any(v.tokens[c].text.lower() in ("the", "these", "those")
                                          for c in v.children[head])
        if v.slot_of(head) == "appos":
            # an apposition renames what it follows; only a definite one counts known
            # referents ("tens of thousands of people", "almost ten percent of the population"
            # in apposition give new figures)
            return definite
        if verb is None or v.slot_of(head) not in ("subj", "pass_subj") or v.head(head) != verb:
            return False
        if any(ch.isdigit() for ch in f.text):
            return v.lang == "en" and any(v.tokens[c].text.lower() == "the" for c in v.children[head])
        return True

    def _figure_head(self, f: Figure) -> int | None:
        toks = [self.v.tokens[i] for i in self.v.starting_in(f.start, f.end)]
        if f.counted_start is not None:
            inside = [t for t in toks if t.start >= f.counted_start]
            if inside:
                return inside[0].i
        for t in toks:
            h = t.head
            if h == t.i or not (f.start <= self.v.tokens[h].start < f.end):
                return t.i
        return toks[-1].i if toks else None

    def _under_preposition(self, head: int, verb: int, f: Figure) -> bool:
        """English only: the figure's noun ``head`` reaches ``verb`` through a preposition
        (its own or an ancestor's dependency is ``pobj``/``pcomp``: "with", "by", "to"...;
        not "including"/"among", a part of the count, nor the "of" of an amount noun,
        "a total of", "dozens of" (:data:`_AMOUNT_NOUNS`)). Russian marks approximation with
        prepositions too ("около 500 жителей", "до 900 семей"), so it is not read there."""
        v = self.v
        if v.lang != "en":
            return False
        cur: int | None = head
        through = False
        for _ in range(MAX_GOVERN_HOPS):
            if cur is None:
                return False
            if cur == verb:
                return through  # the verb must govern the figure ("the names of the 13 members
                # who were killed": the figure's own relative clause is no preposition's)
            if v.tokens[cur].dep in ("pobj", "pcomp"):
                up = v.head(cur)
                if up is not None and f.start <= v.tokens[up].start < f.end:
                    cur = up  # the figure's own qualifier ("more than", "up to"), parsed as a preposition
                    continue
                above = v.head(up) if up is not None else None
                # "including five children" names a part of the count; "a total of 19,000
                # people", "dozens of Afghans" are the count itself
                part = up is not None and v.lemma(up) in ("include", "including", "among")
                amount = (up is not None and v.lemma(up) == "of" and above is not None
                          and v.lemma(above) in _AMOUNT_NOUNS)
                through = through or not (part or amount)
            cur = v.head(cur)
        return False

    def _in_subject(self, head: int, verb: int) -> bool:
        """True when token ``head`` lies inside a subject phrase of ``verb``: the subject itself,
        a noun in apposition or coordination with it, or one of its modifiers. In "Russia and
        Tajikistan, the two countries that border Afghanistan, held drills" and "The rebels, a
        force of 300 fighters, captured 12 villages" the figure belongs to the ones acting, not
        to what they acted on."""
        return any(head in self.v.subtree(s) for s in self.v.args(verb).get("subj", []))

    def _governing_verb(self, i: int) -> int | None:
        v = self.v
        cur = i
        for _ in range(MAX_GOVERN_HOPS):
            h = v.head(cur)
            if h is None:
                return None
            if v.tokens[h].pos in ("VERB", "AUX") or (v.lang == "ru" and v.slot_of(cur) in ("obj", "subj")
                                                       and v.tokens[h].pos in ("VERB", "ADJ")):
                return self._nearer_verb(h, i)
            cur = h
        return None

    def _nearer_verb(self, verb: int, i: int) -> int:
        """A subject-less verb between ``verb`` and the figure at ``i`` that the parse left out.

        "погиб полицейский и ранены четыре человека": the parser hangs "четыре человека" on
        "погиб"; the coordinated "ранены" right before the figure, with no subject of its own,
        is its verb (Russian puts the verb first). "12 человек погибли, ещё 30 человек были
        ранены": the parser hangs the second subject on "погибли" as well; a clause has one
        subject (coordinated subjects are ``conj``, not a second ``nsubj``), so a subject after
        a comma that follows its verb, when that verb already has a subject before it, belongs
        to the next coordinated verb with no subject of its own. Returns ``verb`` when there
        is none.
        """
        v = self.v
        if not verb < i:
            return verb
        lo, hi = v.sentence_range(i)
        for j in range(i - 1, max(verb, lo), -1):
            if v.tokens[j].pos == "VERB" and v.slot_of(j) == "conj" and not (
                    v.args(j).get("subj") or v.args(j).get("pass_subj")) and j in v.subtree(verb):
                return j
        if v.slot_of(i) == "subj" and any(s < verb for s in v.args(verb).get("subj", [])) \
                and any(v.tokens[k].text == "," for k in range(verb + 1, i)):
            for j in range(i + 1, hi):
                if v.tokens[j].pos == "VERB" and v.head(j) == verb and v.slot_of(j) == "conj":
                    return j if not (v.args(j).get("subj") or v.args(j).get("pass_subj")) else verb
        return verb

    def _own_class(self, f: Figure, head: int) -> tuple[str | None, bool]:
        """The casualty class the figure's own words give, and whether it beats its verb's.

        A count names the state of what it counts in three ways (English and Russian
        grammar): its noun is a substantivised participle or adjective ("11 раненых", "о
        восьми погибших", "the toll at 12 dead"), which says what the people are whatever verb governs
        the phrase (strong: "говорили о восьми погибших и 11 раненых" coordinates two states
        under one verb); a reduced relative clause is predicated of it ("two were killed and 5
        injured": "injured" is the ``acl`` of "5"; strong); or a participle adjective modifies
        its noun ("treated 86 wounded people"; weak: a casualty verb of the clause still wins,
        "killed 12 wounded soldiers").

        Returns:
            ``(class, strong)``; ``(None, False)`` when the figure's words name no class.
        """
        v = self.v
        if f.counted_start is not None and v.tokens[head].start == f.counted_start \
                and v.tokens[head].pos in ("NOUN", "ADJ", "VERB") and f.counted is not None:
            cls_ = self._toll_word_class(head)
            # a "noun" whose lemma is a listed verb is a substantivised participle the tagger
            # took for a noun ("о семерых пострадавших": lemma пострадать)
            if cls_ is not None and (v.tokens[head].pos != "NOUN" or fold(f.counted) in self.rules.toll_words
                                     or fold(v.lemma(head)) in self.rules.verb_classes):
                return cls_, True
        h = v.head(head)
        if h is not None and v.tokens[head].dep == "nummod" and v.tokens[h].pos == "ADJ":
            cls_ = self._toll_word_class(h)  # "put the toll at 12 dead": the adjective as noun
            if cls_ is not None:
                return cls_, True
        for c in v.children[head]:
            dep = v.tokens[c].dep
            if dep == "acl" and v.tokens[c].tag == "VBN" and not v.args(c).get("obj"):
                cls_ = self._toll_word_class(c)
                if cls_ is not None:
                    return cls_, True
            if dep == "amod" and v.tokens[c].tag in ("VBN", "JJ"):
                cls_ = self._toll_word_class(c)
                if cls_ is not None:
                    return cls_, False
        return None, False

    def _toll(self, verb: int, head: int) -> tuple[str | None, int | None]:
        """The casualty class of the toll whose value the figure at ``head`` is (or None), and
        the toll noun ('toll', 'number', 'число') it was read off (or None: no toll phrase).

        "The death toll rose to 27", "the number of wounded reached 11", "число погибших
        выросло до 14", "количество жертв составило 12": the subject of a verb a toll reaches a
        value by (``toll_verbs``) is a toll phrase, and the figure is that verb's complement,
        not its subject; or the toll is the object of a verb of revising it ("raised the death
        toll to 27", "had put the number of wounded at 54"). The class comes from the word
        before "toll", or from the complement of "number"/"число"/"количество"
        (``subject_nouns``: "of wounded", "погибших"): a ``toll_words`` word, or a participle
        whose verb has a casualty class ("погибших" → погибнуть → killed). The toll phrase is
        read off the words right before the verb (at most :data:`TOLL_SPAN` of them, no
        punctuation between), as the parser often hangs a Russian subject on a coordinated verb;
        the parse's own subject is the fall-back (a toll phrase far from its verb: "число
        погибших в результате паводка … выросло до пяти").
        """
        v = self.v
        if head in v.args(verb).get("subj", []) or head < verb:
            return None, None
        for o in v.args(verb).get("obj", []):
            # "the army raised the toll to 27", "had put the death toll at 12": the toll is the
            # object of a verb of revising, the figure the value it was set to
            if o == head or o > head:
                continue
            if v.lemma(o) == "toll":
                mods = [c for c in v.children[o] if v.tokens[c].dep in ("compound", "amod")]
                cls_ = next((self.rules.toll_words[v.lemma(c)] for c in mods
                             if v.lemma(c) in self.rules.toll_words), None)
                return (cls_ if cls_ in CASUALTY_CLASSES else None), o
            if v.lemma(o) in self.rules.subject_nouns:
                cls_ = self._complement_class(o)
                if cls_ is not None:
                    return cls_, o
        lo, _ = v.sentence_range(verb)
        j = verb - 1
        while j >= lo and v.tokens[j].pos in ("ADV", "AUX", "PART"):
            j -= 1  # "has risen", "ещё выросло"
        for k in range(j, max(lo - 1, j - TOLL_SPAN), -1):
            if v.tokens[k].pos == "PUNCT":
                break
            lemma = v.lemma(k)
            if lemma == "toll" and k > lo:
                cls_ = self.rules.toll_words.get(v.lemma(k - 1))
                return (cls_ if cls_ in CASUALTY_CLASSES else None), k
            if lemma in self.rules.subject_nouns:
                m = k + 1
                if m <= j and v.lemma(m) == "of":
                    m += 1
                if m > j:
                    break
                return self._toll_word_class(m), k
        for s in v.args(verb).get("subj", []):
            if v.lemma(s) in self.rules.subject_nouns and s < verb \
                    and all(v.tokens[k].pos != "PUNCT" for k in range(s + 1, verb)):
                cls_ = self._complement_class(s)
                if cls_ is not None:
                    return cls_, s
        return None, None

    def _complement_class(self, n: int) -> str | None:
        """The casualty class named by the "of"/genitive complement of the number noun ``n``
        ("the number of wounded", "число погибших"), or None."""
        v = self.v
        for m in v.args(n).get("prep:of", []) + v.args(n).get("gen", []):
            cls_ = self._toll_word_class(m)
            if cls_ is not None:
                return cls_
        return None

    def _toll_word_class(self, m: int) -> str | None:
        """The casualty class that token ``m`` names as a toll's complement, or None."""
        v = self.v
        cls_ = self.rules.toll_words.get(v.lemma(m)) or self.rules.toll_words.get(v.text(m)) \
            or self.rules.verb_classes.get(v.lemma(m))
        return cls_ if cls_ in CASUALTY_CLASSES else None

    def _subject(self, verb: int) -> tuple[EventParty | None, str]:
        v = self.v
        self._agent_verb = None
        for s in self.coder.subject_heads(verb):
            if v.lemma(s) in self.rules.subject_nouns:
                # "the number of those overseen by the Kabul government"
                for x in v.args(s).get("prep:of", []) + v.args(s).get("gen", []):
                    for rel in v.args(x).get("acl", []) + v.args(x).get("relcl", []):
                        agents = v.args(rel).get("agent", []) or v.args(rel).get("subj", [])
                        for g in agents:
                            p = self.res.resolve_one(g)
                            if p is not None and (self.res.is_clear(p)):
                                self._agent_verb = rel
                                return p, "agent"
                    p = self.res.resolve_one(x)
                    if p is not None and self.res.is_clear(p):
                        rels = v.args(x).get("acl", []) + v.args(x).get("relcl", [])
                        if rels:
                            self._agent_verb = rels[0]
                            return p, "agent"
                        return p, "syntax"
                continue
            h = v.head(s)
            if h is not None and h != verb and fold(v.lemma(h)) in self._reporting:
                # a subject inherited from a reporting verb above the figure's clause ("CNN
                # reports that ..., which will amount to 50 thousand people") is the source
                continue
            p = self.res.resolve_one(s)
            if p is not None and self.res.is_clear(p):
                return p, "syntax"
        return None, "none"

    def _casualty_side(self, f: Figure, head: int | None, toll: int | None = None,
                       toll_verb: int | None = None) -> EventParty | None:
        """Whose casualties: the counted phrase's country, its "of"/"из" complement's, or a
        "side" phrase of the sentence; None when the sentence does not say. For the value of
        a toll, ``toll`` is the toll noun, whose own phrase names the people ("the Armenian
        death toll", "the toll of/among Armenian soldiers", "число погибших среди военных
        Армении") before the value's; an "among"/"среди" phrase the parser hangs on the toll's
        verb (``toll_verb``) is the toll's too, as a verb of setting or reaching a value takes
        no such phrase of its own."""
        v = self.v
        phrases = [toll, head] if toll is not None else [head]
        for n in phrases:
            if n is None:
                continue
            slots = ("prep:of", "prep:из", "gen") + (("prep:among", "prep:среди") if n == toll else ())
            comps = [x for slot in slots for x in v.args(n).get(slot, [])]
            if n == toll and toll_verb is not None:
                comps += [x for slot in ("prep:among", "prep:среди") for x in v.args(toll_verb).get(slot, [])]
            if n == toll:
                # only people: "the toll of the Afghan war" counts no Afghans by that phrase
                comps = [x for x in comps if self._people(x) or self.rules.noun(v.lemma(x)) in self.rules.people_nouns]
            for h in [n] + comps:
                p = self.res.resolve_one(h)
                if p is not None and p.how == "pronoun" and (p.entity_key or "").startswith("PERSON:"):
                    # "nine of them": the pronoun stands for the people counted (a plural), never
                    # for one person named before (the spokesperson quoted in the last paragraph)
                    continue
                # the phrase's own words only: "15,000 people from the Afghan capital" are not Afghan
                if p is not None and p.country and (p.how in ("entity", "group", "metonymy", "pronoun")
                                                    or self._own_country(h) == p.country):
                    return p
                own = self._own_country(h)
                if own is not None:
                    t = v.tokens[h]
                    return EventParty(t.text, t.start, t.end, t.text, None, own, None, "demonym")
                for c in v.children[h]:
                    # "27 of its soldiers", "their fighters": the possessor's people; the
                    # pronoun stands for an organisation or state named before, never a person
                    if v.tokens[c].dep == "poss" and v.lemma(c) in _POSSESSIVE_PRONOUNS:
                        q = self.res.resolve_one(c)
                        if q is not None and q.country and q.how == "pronoun" \
                                and not (q.entity_key or "").startswith("PERSON:"):
                            return q
        k = v.first_from(f.start)
        tok = None if k is None else v.tokens[k]
        if tok is None:
            return None
        lo, hi = v.sentence_range(tok.i)
        if head is not None and self._ours(head, lo, hi):
            return self._speaker_side(f)
        for i in range(lo, hi):
            if v.lemma(i) not in SIDE_NOUNS:
                continue
            for c in v.children[i]:
                code = self.res.tables.demonyms.get(v.lang, {}).get(v.lemma(c))
                if code is None:
                    p = self.res.resolve_one(c) if v.slot_of(c) in ("gen", "prep:of", "nmod") else None
                    code = p.country if p is not None else None
                if code:
                    t = v.tokens[c]
                    return EventParty(t.text, t.start, t.end, t.text, None, code, None, "demonym")
        if self.rules.noun(f.counted) == "soldier" and self._military_speaker(f):
            # a state's military reporting "servicemen" killed, with no nationality, reports its
            # own losses (an enemy's are named: "Ukrainian servicemen", "militants")
            return self._speaker_side(f)
        return None

    def _military_speaker(self, f: Figure) -> bool:
        """The figure is in a statement of a defence ministry or armed force ("the Romanian
        defence ministry said", "Министерство обороны Румынии заявило")."""
        q = _innermost(self.a.quotes, f.start)
        if q is None or q.speaker_start is None:
            return False
        end = q.speaker_end or q.speaker_start + 1
        words = self.rules.military_speaker_words
        toks = list(self.v.starting_in(q.speaker_start, end))
        # the speaker's words and the modifiers of its head ("defence" of "the defence ministry")
        return any(self.v.lemma(k) in words for i in toks for k in [i, *self.v.children[i]])

    def _ours(self, head: int, lo: int, hi: int) -> bool:
        """The casualties are the speaker's own: "our servicemen", "наших военных", or "on our
        side" / "с нашей стороны" in the sentence."""
        v = self.v
        words = OUR_WORDS.get(v.lang, frozenset())
        nouns = [head] + [x for slot in ("prep:of", "prep:из", "gen") for x in v.args(head).get(slot, [])]
        if any(v.lemma(c) in words or fold(v.text(c)) in words for n in nouns for c in v.children[n]):
            return True
        for i in range(lo, hi):
            if v.lemma(i) in SIDE_NOUNS and any(v.lemma(c) in words or fold(v.text(c)) in words
                                                for c in v.children[i]):
                return True
        return False

    def _speaker_side(self, f: Figure) -> EventParty | None:
        """The country of the speaker of the quote the figure is in (an official speaking of
        "our side"), or None."""
        q = _innermost(self.a.quotes, f.start)
        if q is None or q.speaker_start is None:
            return None
        end = q.speaker_end or q.speaker_start + 1
        ent = next((e for e in self.v.entities_between(q.speaker_start, end)), None) or next(
            (e for e in self.a.entities if e.start <= q.speaker_start < e.end), None)
        p: EventParty | None = self.res.from_entity(ent) if ent is not None else None
        if p is None or not p.country:
            # "the Armenian defence ministry", "Министерство обороны Азербайджана": the phrase's head
            lo, hi = (min(ent.start, q.speaker_start), max(ent.end, end)) if ent is not None else (q.speaker_start, end)
            toks = list(self.v.starting_in(lo, hi))
            head = next((i for i in toks if self.v.head(i) not in toks), None)
            if head is None:
                return None
            p = self.res.resolve_one(head)
            if p is not None and p.country:
                return p
            for k in [head] + self.v.children[head]:
                e2 = self.v.entity_at(k)
                code = (e2.country if e2 is not None else None) or self.res.tables.demonyms.get(
                    self.v.lang, {}).get(self.v.lemma(k)) or self.res.tables.country_of_name(self.v.text(k))[0]
                if code:
                    t = self.v.tokens[head]
                    return EventParty(t.text, t.start, t.end, self.a.text[lo:hi], None, code, "GOV", "demonym")
            return None
        return p

    def _own_country(self, h: int) -> str | None:
        """The country a noun names by itself or by a word before it ("US troops", "Afghans",
        "палестинцев"), not by a complement after it."""
        v = self.v
        tables = self.res.tables
        for k in [h] + [c for c in v.children[h] if c < h]:
            code = None
            ent = v.entity_at(k)
            if ent is not None and " " in ent.canonical.strip():
                # a several-word demonym or name comes before its last word: "South Sudanese"
                # is South Sudan's, not Sudan's ("Sudanese")
                code = tables.country_of_name(ent.canonical)[0]
            for part in [v.lemma(k)] + v.lemma(k).split("-"):  # "талибов-охранников"
                code = code or tables.demonyms.get(v.lang, {}).get(part)
                group = tables.group_nouns.get(v.lang, {}).get(part) or {}
                entry = tables.aliases.get(group["alias"]) if group.get("alias") else None
                code = code or (entry.country if entry is not None else None)
            if code is None:
                code = tables.country_of_name(ent.canonical)[0] if ent is not None else None
            if code:
                return code
        return None

    def _fallback_subject(self, f: Figure) -> EventParty | None:
        """The clear subject of the sentence's main verb (when the figure's own clause has none)."""
        v = self.v
        k = v.first_from(f.start)
        tok = None if k is None else v.tokens[k]
        if tok is None:
            return None
        lo, hi = v.sentence_range(tok.i)
        for i in range(lo, hi):
            if v.head(i) is None and v.tokens[i].pos in ("VERB", "AUX"):
                if fold(v.lemma(i)) in self._reporting:
                    # "CNN reports that ... will amount to almost 50 thousand people": CNN is
                    # the source, not what the figure counts
                    return None
                for s in self.coder.subject_heads(i):
                    p = self.res.resolve_one(s)
                    if p is not None and self.res.is_clear(p):
                        return p
        return None

    # -- dates and sources ----------------------------------------------------------------------

    def _as_of(self, f: Figure, verb: int | None) -> tuple[str | None, str | None, str | None]:
        a = self.a
        s = a.sentence_at(f.start)
        lo, hi = (s.start, s.end) if s else (0, len(a.text))
        line_lo = a.text.rfind("\n", lo, f.start)
        line_hi = a.text.find("\n", f.start, hi)
        lo = line_lo + 1 if line_lo >= 0 else lo
        hi = line_hi if line_hi >= 0 else hi
        # a period's start ("since March 3", "с 3 марта": mod AFTER / ON_OR_AFTER) dates when a
        # count began to grow, not when it stood at the figure: it never dates a claim
        # a dateline's date is when the story was filed (see text/datelines.py)
        cands = [t for t in a.timexes if lo <= t.start < hi and t.type in ("DATE", "TIME") and t.value[:1].isdigit()
                 and t.mod not in OPEN_START_MODS and not self.v.in_dateline(t.start)]
        pick = self._closest_timex(cands, verb, f) if cands else None
        if pick is not None:
            return pick.value, pick.precision, "timex"
        if a.published is not None:
            return a.published.isoformat(), "day", "publication"
        return None, None, None

    def _closest_timex(self, cands: list[Timex], verb: int | None, f: Figure) -> Timex | None:
        v = self.v
        if verb is None:
            return min(cands, key=lambda t: abs(t.start - f.start))
        quote = _innermost(self.a.quotes, f.start)
        governing = {verb}
        reporting: int | None = None  # the head that introduces the quote ("said", "сообщило")
        cur = v.head(verb)
        while cur is not None and len(governing) < 8:
            if quote is not None and not (quote.start <= v.tokens[cur].start < quote.end):
                reporting = cur
                break
            governing.add(cur)
            cur = v.head(cur)
        found = self._timex_under(cands, governing)
        if found is None and reporting is not None:
            # nothing in the reported clause dates the figure: the statement's own date does
            # ("the ministry said on Monday that 12 soldiers were killed" holds as of Monday)
            found = self._timex_under(cands, {reporting})
        return found

    def _timex_under(self, cands: list[Timex], heads: set[int]) -> Timex | None:
        """The first candidate whose token reaches one of ``heads`` within six dependency hops."""
        v = self.v
        for t in cands:
            tok = next((x for x in v.tokens if t.start <= x.start < t.end), None)
            cur, hops = (tok.i if tok else None), 0
            while cur is not None and hops < 6:
                if cur in heads:
                    return t
                cur = v.head(cur)
                hops += 1
        return None

    def _cited(self, f: Figure, prop: str = "", subject: EventParty | None = None) -> tuple[list[str], str | None]:
        a, v = self.a, self.v
        q = _innermost(a.quotes, f.start)
        if q is not None:
            if q.speaker is None:
                return [], "unnamed"
            return self._speakers(q), "quote"
        s_idx = next((i for i, s in enumerate(a.sentences) if s.start <= f.start < s.end), None)
        if s_idx is None:
            return [], None
        para_start = a.text.rfind("\n\n", 0, f.start)
        for back in range(1, MAX_CITATION_CARRY + 1):
            k = s_idx - back
            if k < 0 or a.sentences[k].end <= para_start:
                break
            s = a.sentences[k]
            for q2 in a.quotes:
                if s.start <= q2.start < s.end and q2.speaker and self._same_topic(q2, f) \
                        and self._same_statement(q2, prop, subject):
                    ent = next((e for e in v.entities_between(q2.speaker_start or 0, q2.speaker_end or 0)), None)
                    if ent is None or ent.label in self.rules.citing_labels:
                        return self._speakers(q2), "paragraph"
        return [], None

    def _same_topic(self, q: Quote, f: Figure) -> bool:
        """A cited report carries forward only to figures about what it reported: the quote
        mentions the figure's counted noun (LWJ "controls almost all the counties" → "188
        counties"), not just any figure of the paragraph ("over 300 people")."""
        if not f.counted:
            return False
        want = {fold(f.counted), self.rules.nouns.get(fold(f.counted), fold(f.counted))}
        for t in self.v.tokens:
            if q.start <= t.start < q.end and (self.v.lemma(t.i) in want or
                                              self.rules.nouns.get(self.v.lemma(t.i)) in want):
                return True
        return False

    def _same_statement(self, q: Quote, prop: str, subject: EventParty | None) -> bool:
        """The figure goes on with what the earlier report stated, not with a new fact of the
        paragraph: the report has a verb of the figure's class (LWJ "the Taliban controls almost
        all the counties" → "control 188 counties"), or, for a figure that is no casualty, it
        names the figure's subject ("the Taliban" → "are fighting for another 135"). "Reuters
        reported that 40 civilians had fled. Later, 12 civilians were killed" cites nobody for
        the 12 (issue 9: a source is never taken from another statement)."""
        v = self.v
        cls_ = prop.rsplit(" ", 1)[-1] if " " in prop else None
        inside = [t.i for t in v.tokens if q.start <= t.start < q.end]
        if cls_ is not None and any(self.rules.verb_classes.get(v.lemma(i)) == cls_ for i in inside):
            return True
        if subject is None or cls_ in CASUALTY_CLASSES:
            return False
        if q.start <= subject.start < q.end:
            return True
        key = subject_identity(subject)
        return any(subject_identity(self.res.resolve_one(i)) == key for i in inside
                   if v.entity_at(i) is not None)

    def _speakers(self, q: Quote) -> list[str]:
        """The quote's speaker plus the named sources coordinated with it."""
        v = self.v
        out = [q.speaker] if q.speaker else []
        if q.speaker_start is None:
            return out
        k = v.first_from(q.speaker_start)
        tok = None if k is None else v.tokens[k]
        if tok is None:
            return out
        for c in v.conjuncts(tok.i)[1:]:
            ent = v.entity_at(c)
            if ent is not None and ent.canonical not in out:
                out.append(ent.canonical)
        return out


def _innermost(quotes: list[Quote], offset: int) -> Quote | None:
    return min((q for q in quotes if q.start <= offset < q.end), key=lambda q: q.end - q.start, default=None)


def _casualty(prop: str) -> bool:
    return prop.rsplit(" ", 1)[-1] in CASUALTY_CLASSES

