"""PLOVER event coding (English and Russian): ``article.events``.

Coding itself (triggers, arguments, flags, PLOVER conventions) is
:class:`newswatch.stages.events.coding.EventCoder`; this stage adds what comes from the other
stages:

* **date** — a time expression of the evidence sentence (type DATE or TIME with a resolved
  value): the one attached to the trigger's clause in the dependency tree, else the nearest
  one; its TIMEX3 value and precision. With none, the publication date (``date_source``
  "publication", precision "day": the event happened on or before it);
* **place** — a geocoded place mentioned in the sentence, not inside the actor's phrase (nor
  inside a recipient's phrase unless the recipient is itself a place), and said to be where
  the event happens: the object of a locative preposition (:data:`LOCATIVE_PREPS`: "in", "at",
  "near", "в", "под" ...; through "the village of X", appositions and coordination) in the
  trigger's clause — for a verbal event (:data:`VERBAL_TYPES`: an accusation, a request, a
  meeting) one that hangs on the trigger, its light verb or its direct object ("signed an
  agreement in Moscow", parsed either way) itself, with a static preposition
  (:data:`STATIC_LOCATIVE_PREPS`), since a place inside what is said ("accused Kyiv of shelling
  the plant in Enerhodar") is where the act spoken of happened —, a place recipient of a
  material act ("shelled Sotk") or a slot the lexicon marks as a place ("leave the Bagram
  Airfield"), or a place name compounded with the trigger noun ("the Kabul
  bombing"). A place named only inside another phrase ("the Russian Foreign Ministry",
  "Russia's foreign ministry", "МИД России") is where no event happened. The most specific
  feature first (a facility, then a populated place, then a region, then a country). A locative
  argument that names a country only by its adjective ("retreated to Tajik territories") gives
  that country; with no such place, none (the dateline says where the story was filed, not
  where the event happened);
* **reported speech** — an event whose trigger lies inside a quote of the quotes stage (direct
  or reported) is ``reported`` by that quote's speaker (None for unnamed sources such as
  "according to the media");
* **confidence** — :data:`CONF_VERB` for a verb trigger (or a noun with its light verb),
  :data:`CONF_NOUN` for a bare noun, times the actor-resolution factor
  :data:`ACTOR_FACTORS`.
"""

from __future__ import annotations

from ...model import Article, Event, EventParty, Place, Timex, named_mentions
from ...pipeline import Stage, register
from ...text.syntax import DocView
from .actors import ActorResolver, ActorTables, alpha3
from .coding import Coded, EventCoder
from .lexicon import TriggerLexicon

#: Confidence of an event from a verb trigger (or a noun trigger with its light verb) whose
#: actor is a named entity. Hand check of 46 events coded on real articles (6 of
#: kremlin_en_central_asia_2021_2022, 3 of wh_afghanistan_2021, 8 of nerel_ru_wikinews, 40
#: items of rss_afghanistan_2021; the first ones of each file): 25 of 35 verb-triggered events
#: had the right type and actor (0.71).
CONF_VERB = 0.7
#: Confidence of an event from a bare noun trigger ("a powerful offensive on the part of
#: Taliban militants"): 8 of 11 right in the same check, but nominal mentions in speeches are
#: often generic ("the Moscow consultations"), so it stays below verbs.
CONF_NOUN = 0.6
#: Multipliers by how the first actor was resolved; pronoun antecedents and bare phrases
#: ("Afghan soldiers") are less certain than named entities.
ACTOR_FACTORS = {"entity": 1.0, "metonymy": 1.0, "title": 1.0, "group": 0.95, "demonym": 0.9,
                 "pronoun": 0.85, "phrase": 0.8, "unknown": 0.5}
#: Multiplier for an event told in a relative clause ("Macedonia, which is preparing an
#: offensive", "assets they lost when Amin expelled them"): a relative clause describes a
#: participant of the sentence's own event, so what it tells is background, less likely the
#: news the sentence reports than an event of the main clause.
BACKGROUND_FACTOR = 0.8
#: Dependency hops searched above an event's predicate for the relative clause it is in.
_BACKGROUND_HOPS = 6
#: Prepositions whose object is where the event happens or goes to.
LOCATIVE_PREPS = frozenset({"to", "into", "in", "at", "on", "near", "across", "inside", "toward", "towards",
                            "в", "на", "у", "около", "возле", "под"})
#: Of those, the prepositions of a static location ("met in Moscow", "accused ... at a briefing
#: in Bishkek"): a verbal event's "to"/"on" object is whom or what it is addressed to or about.
STATIC_LOCATIVE_PREPS = frozenset({"in", "at", "near", "inside", "в", "на", "у", "около", "возле", "под"})
#: Verbal PLOVER types (the quads "verbal cooperation" and "verbal conflict"): their place is
#: where they are said, read only from a locative on the trigger itself.
VERBAL_TYPES = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "REQUEST", "ACCUSE", "REJECT", "THREATEN"})
#: Links climbed from a place name to the noun phrase a preposition governs ("the village of
#: Sotk", "the Galwan valley", "Kyiv and Kharkiv", "села Кок-Таш").
_PLACE_NP_LINKS = frozenset({"compound", "appos", "flat", "flat:name", "conj", "nmod", "amod"})
#: GeoNames feature classes from most to least specific (S spot/building, P populated place,
#: T terrain, H water, L area, A country/admin region).
_FEATURE_RANK = {"S": 0, "P": 1, "T": 2, "H": 2, "L": 3, "A": 4}
#: Types whose recipient, when it is a place ("leave the Bagram Airfield", "provide aid to
#: Tajikistan"), is also where the event happens; verbal types ("asked Tajikistan") are not.
PLACE_RECIPIENT_TYPES = frozenset({"AID", "RETREAT", "MOBILIZE", "ASSAULT", "COERCE", "PROTEST"})
#: Timex values that are not dates ("PAST_REF", "PRESENT_REF", "XXXX-07-07" without a year).
_DATE_TYPES = frozenset({"DATE", "TIME"})


@register("events")
class EventsStage(Stage):
    """Code PLOVER events in English and Russian articles (other languages: none)."""

    name = "events"
    version = "16"
    #: ``published``: the date of an event whose sentence has no time expression.
    requires = ("text", "language", "published", "tokens", "sentences", "entities", "quotes", "timexes",
                "places")
    provides = ("events",)

    def __init__(self) -> None:
        self._lexicons: dict[str, TriggerLexicon] | None = None
        self._tables: ActorTables | None = None

    def initialize(self) -> None:
        """Load both trigger lexicons and the actor tables (about 0.3 s)."""
        self._lexicons = {lang: TriggerLexicon.load(lang) for lang in ("en", "ru")}
        self._tables = ActorTables.load()

    def process(self, article: Article) -> None:
        """Fill ``article.events`` (replacing any earlier list)."""
        assert self._lexicons is not None and self._tables is not None
        lang = article.language or "en"
        if lang not in self._lexicons or not article.tokens:
            article.events = []
            return
        view = DocView.shared(article)
        resolver = ActorResolver(view, self._tables)
        coder = EventCoder(view, self._lexicons[lang], resolver)
        article.events = [self._event(article, view, c) for c in coder.code()]

    # -- assembly -----------------------------------------------------------------------------

    def _event(self, a: Article, view: DocView, c: Coded) -> Event:
        toks = view.tokens
        trig = toks[c.trigger]
        sent = a.sentences[trig.sent]
        w_start, w_end = _line_window(a.text, sent.start, sent.end, trig.start)
        first, last = c.actors[0], (c.recipients[0] if c.recipients else None)
        tstart = trig.start if c.light is None else min(trig.start, toks[c.light].start)
        tend = trig.end if c.light is None else max(trig.end, toks[c.light].end)
        start = min([tstart] + [p.start for p in c.actors + c.recipients])
        end = max([tend] + [p.end for p in c.actors + c.recipients])
        start, end = max(start, w_start), min(end, w_end)
        date, precision, source = self._date(a, view, c, w_start, w_end)
        place = self._place(a, view, c, w_start, w_end)
        quote = min((q for q in a.quotes if q.start <= trig.start < q.end), key=lambda q: q.end - q.start,
                    default=None)
        conf = (CONF_NOUN if c.nominal else CONF_VERB) * ACTOR_FACTORS.get(first.how, 0.8)
        if _in_relative_clause(view, c.pred):
            conf *= BACKGROUND_FACTOR
        prov = a.provenance(self.name, self.version, trig.start, round(conf, 3))
        return Event(
            type=c.type, start=start, end=end, prov=prov, mode=c.mode, actor=first.canonical,
            recipient=last.canonical if last else None, place=place.name if place else None, date=date,
            actor_key=first.entity_key, actor_country=first.country, actor_sector=first.sector,
            recipient_key=last.entity_key if last else None, recipient_country=last.country if last else None,
            recipient_sector=last.sector if last else None, actors=list(c.actors), recipients=list(c.recipients),
            place_key=place.key if place else None, date_precision=precision, date_source=source,
            negated=c.negated, future=c.future, hypothetical=c.hypothetical, reported=quote is not None,
            speaker=quote.speaker if quote is not None else None, intended=c.intended,
            trigger=a.text[tstart:tend], trigger_start=trig.start, trigger_end=trig.end,
            evidence=a.text[w_start:w_end].strip(),
        )

    @staticmethod
    def _date(a: Article, view: DocView, c: Coded, s_start: int,
              s_end: int) -> tuple[str | None, str | None, str | None]:
        # a dateline's date ("PORT SUDAN, Nov 24 (Reuters) —") is when the story was filed
        cands = [t for t in a.timexes if s_start <= t.start < s_end and t.type in _DATE_TYPES
                 and (t.value[:1].isdigit() or (t.begin and t.precision == "fuzzy"))
                 and not view.in_dateline(t.start)]
        pick: Timex | None = _attached_timex(view, c, cands, a) if cands else None
        if pick is not None:
            if not pick.value[:1].isdigit():
                # "the other day", "recently": on or shortly before publication
                return (a.published.isoformat() if a.published else pick.end_date), "fuzzy", "timex"
            return pick.value, pick.precision, "timex"
        if a.published is not None:
            return a.published.isoformat(), "day", "publication"
        return None, None, None

    def _place(self, a: Article, view: DocView, c: Coded, s_start: int, s_end: int) -> Place | None:
        blocked = [view.subtree(h) for h in c.actor_heads]
        recipient_places = c.type in PLACE_RECIPIENT_TYPES or (c.intended or "") in PLACE_RECIPIENT_TYPES or (
            c.type == "CONSULT" and c.mode == "visit")
        blocked += [view.subtree(h) for h, p in zip(c.recipient_heads, c.recipients, strict=False)
                    if not (recipient_places and _is_place_party(a, p))]
        own = view.subtree(c.trigger)
        # "the service members killed in the attack in Kabul": the victims' phrase holds the
        # participle that is the event, whose own locative stays the event's
        blocked = [[k for k in b if k < own[0]] if c.trigger in b and own else b for b in blocked]
        blocked_spans = [(view.tokens[b[0]].start, view.tokens[b[-1]].end) for b in blocked if b]
        blocked_spans += [(p.start, p.end) for p in c.actors]
        clause = _clause(view, c)
        clause_tokens = [view.tokens[k] for k in clause]
        verbal = c.type in VERBAL_TYPES
        hosts = set(clause) if not verbal else {c.trigger, c.pred, *c.object_heads} | (
            {c.light} if c.light is not None else set())
        above = view.head(c.trigger)
        if (c.light is None and above is not None and view.slot_of(c.trigger) == "subj"
                and not view.args(above).get("obj")):
            # "fighting broke out near X", "бои шли под X": where the event noun's intransitive
            # predicate happens is where the event does
            hosts.add(above)
            clause_tokens += [view.tokens[k] for k in view.subtree(above)]
        preps = STATIC_LOCATIVE_PREPS if verbal else LOCATIVE_PREPS
        place_spans = [(p.start, p.end) for p in c.recipients if recipient_places and _is_place_party(a, p)]
        place_spans += [(p.start, p.end) for p in c.place_parties]  # slots the lexicon says are places
        if recipient_places:
            # a material act's object that is a place is where it happens ("leave the Bagram
            # Airfield", "shelled Sotk")
            place_spans += [view.span(o, frozenset({"relcl", "acl", "ccomp", "conj", "cc", "punct"}))
                            for o in c.object_heads]
        best: tuple[tuple[int, int], Place] | None = None
        anchor = view.tokens[c.trigger].start
        for pl in a.places:
            if not pl.resolved:
                continue
            for m in named_mentions(pl):
                if not (s_start <= m.start < s_end) or any(b0 <= m.start < b1 for b0, b1 in blocked_spans):
                    continue
                if not any(t.start <= m.start < t.end for t in clause_tokens):
                    continue
                if not (any(b0 <= m.start < b1 for b0, b1 in place_spans)
                        or _locative_host(view, m.start, m.end, preps) in hosts
                        or _modifies_trigger(view, m.start, m.end, c.trigger)):
                    continue
                rank = _FEATURE_RANK.get(pl.feature_class or "A", 4)
                key = (rank, abs(m.start - anchor))
                if best is None or key < best[0]:
                    best = (key, pl)
        if best is not None:
            return best[1]
        return self._locative_country(a, view, c)

    def _locative_country(self, a: Article, view: DocView, c: Coded) -> Place | None:
        """A country named by an adjective in a locative argument ("to Tajik territories")."""
        assert self._tables is not None
        parties: list[EventParty] = list(c.place_parties)
        args = view.args(c.trigger)
        for key, heads in args.items():
            if key.startswith("prep:") and key[5:] in LOCATIVE_PREPS:
                for h in heads:
                    ent = view.entity_at(h)
                    if view.lemma(h) not in self._tables.place_nouns.get(view.lang, ()) and (
                            ent is None or ent.label not in ("GPE", "LOC", "FAC")):
                        continue
                    for m in [h] + view.children[h]:
                        code = self._tables.demonyms.get(view.lang, {}).get(view.lemma(m))
                        if code is None:
                            code, _ = self._tables.country_of_name(view.tokens[m].text)
                        if code:
                            parties.append(EventParty(view.tokens[m].text, view.tokens[m].start,
                                                      view.tokens[m].end, view.tokens[m].text, None, code))
        for p in parties:
            if not p.country or len(p.country) != 3:
                continue
            for pl in a.places:
                if (pl.resolved and pl.feature_code in ("PCLI", "PCL", "PCLS", "PCLIX")
                        and alpha3(pl.country_code) == p.country and named_mentions(pl)):
                    return pl
            for pl in a.places:
                if pl.resolved and any(p.start <= m.start < p.end for m in named_mentions(pl)):
                    return pl
            name = _country_name(p.country)
            if name:
                return Place(key=f"country:{p.country}", name=name,
                             prov=a.provenance(self.name, self.version, p.start, 0.7),
                             resolved=True, source="pycountry", feature_class="A", feature_code="PCLI",
                             reason="country adjective in a locative argument")
        return None


def _locative_host(view: DocView, start: int, end: int, preps: frozenset[str]) -> int | None:
    """The token a locative preposition governing the place mention ``[start, end)`` hangs on.

    From the mention's top token, climbs the links of a name inside its noun phrase
    (:data:`_PLACE_NP_LINKS`; English "of": "the village of Sotk") to the phrase's head, then
    reads its preposition: English — the head is the ``pobj`` of a preposition in ``preps``,
    whose own head is returned; Russian — the head has a ``case`` dependent in ``preps`` ("у
    села", "под Киевом"), and its head is returned. None when the mention is not the object of
    such a preposition (a possessor, a genitive of an organisation, a subject).
    """
    toks = view.tokens
    inside = view.starting_in(start, end)
    top = next((i for i in inside if view.head(i) is None or view.head(i) not in inside), None)
    cur = top
    for _ in range(6):
        if cur is None:
            return None
        h = view.head(cur)
        if view.lang == "ru":
            cases = [g for g in view.children[cur] if toks[g].dep == "case"]
            if cases:
                lem = view.lemma(cases[0])
                return h if (_RU_PREP_VARIANTS.get(lem, lem) in preps and len(cases) == 1) else None
            if h is None or toks[cur].dep not in _PLACE_NP_LINKS:
                return None
            cur = h
            continue
        dep = toks[cur].dep
        if dep == "pobj" and h is not None:
            if (view.lemma(h) == "of" or view.text(h) == "including") and view.head(h) is not None:
                # "the village of Sotk"; "in 20 countries, including Uzbekistan": a part of the
                # phrase the preposition hangs on
                cur = view.head(h)
                continue
            return view.head(h) if view.lemma(h) in preps else None
        if h is None or dep not in _PLACE_NP_LINKS:
            return None
        cur = h
    return None


#: Russian spellings of a preposition before a consonant cluster ("во", "со").
_RU_PREP_VARIANTS = {"во": "в", "со": "с", "подо": "под", "ко": "к"}


def _modifies_trigger(view: DocView, start: int, end: int, trigger: int) -> bool:
    """True when the place mention ``[start, end)`` is a compound of the trigger noun ("the
    Kabul bombing", "the Galwan clash")."""
    return any(view.head(i) == trigger and view.dep(i) == "compound" for i in view.starting_in(start, end))


def _in_relative_clause(view: DocView, pred: int) -> bool:
    """True when token ``pred`` is, or lies below, the head of a relative clause (``relcl``)
    within :data:`_BACKGROUND_HOPS` dependency hops."""
    cur: int | None = pred
    for _ in range(_BACKGROUND_HOPS):
        if cur is None:
            return False
        if view.slot_of(cur) == "relcl":
            return True
        cur = view.head(cur)
    return False


def _country_name(code: str) -> str | None:
    import pycountry

    c = pycountry.countries.get(alpha_3=code)
    return getattr(c, "common_name", None) or (c.name if c else None)


def _is_place_party(a: Article, p: EventParty) -> bool:
    ent = next((e for e in a.entities if e.start == p.start and e.end == p.end), None)
    return ent is not None and ent.label in ("GPE", "FAC", "LOC")


#: Dependents that start another clause: their words do not date or place the event.
_SUBCLAUSE_SLOTS = frozenset({"advcl", "ccomp", "relcl", "conj", "parataxis", "acl"})


def _clause(view: DocView, c: Coded) -> list[int]:
    """Tokens of the event's own clause: the trigger's (and its light verb's) subtree without
    subordinate or coordinated clauses."""
    out: list[int] = []
    todo = [c.trigger] + ([c.light] if c.light is not None else [])
    while todo:
        j = todo.pop()
        if j in out:
            continue
        out.append(j)
        todo.extend(k for k in view.children[j] if view.slot_of(k) not in _SUBCLAUSE_SLOTS or k == c.trigger
                    or (view.slot_of(k) == "ccomp" and view.tokens[k].tag in ("VBG", "VBN")))
    return out


def _governing(view: DocView, c: Coded, a: Article) -> set[int]:
    """The trigger's clause plus the heads above it, up to the edge of the quote it is in."""
    out = set(_clause(view, c))
    trig = view.tokens[c.trigger]
    quote = min((q for q in a.quotes if q.start <= trig.start < q.end), key=lambda q: q.end - q.start,
                default=None)
    child = c.light if c.light is not None else c.trigger
    cur = view.head(child)
    hops = 0
    while cur is not None and hops < 6:
        t = view.tokens[cur]
        if quote is not None and not (quote.start <= t.start < quote.end):
            break
        if view.slot_of(child) in ("conj", "parataxis") and view.args(child).get("subj"):
            # a coordinated clause with its own subject: "A year ago, X helped ..., but the recent
            # shootings have shown" (a shared subject shares the date: "In 2018 they signed ... and agreed")
            break
        out.add(cur)
        child, cur = cur, view.head(cur)
        hops += 1
    return out


def _attached_timex(view: DocView, c: Coded, cands: list[Timex], a: Article) -> Timex | None:
    """The time expression inside the event's clause or attached to a head governing it
    (within its quote), closest in the tree; None when every one belongs elsewhere ("Peskov
    said recently" does not date the withdrawal he speaks of)."""
    targets = _governing(view, c, a)
    clause = set(_clause(view, c))
    best: tuple[int, Timex] | None = None
    for tx in cands:
        tok = next((t for t in view.tokens if tx.start <= t.start < tx.end), None)
        if tok is None:
            continue
        cur: int | None = tok.i
        hops = 0
        while cur is not None and hops < 6:
            if cur in clause or cur in targets:
                if best is None or hops < best[0]:
                    best = (hops, tx)
                break
            cur = view.head(cur)
            hops += 1
    return best[1] if best is not None else None


def _line_window(text: str, s_start: int, s_end: int, offset: int) -> tuple[int, int]:
    """The part of a sentence on the same line as ``offset``.

    Page captures run a headline and the first paragraph into one "sentence" when the headline
    has no final stop (the seed's title lines); dates and places of an event must come from
    its own line.
    """
    lo = text.rfind("\n", s_start, offset)
    hi = text.find("\n", offset, s_end)
    return (lo + 1 if lo >= 0 else s_start), (hi if hi >= 0 else s_end)
