"""Named entities: model NER spans mapped to OntoNotes labels, fixed by curated aliases and
resolved within the document.

Inputs are ``article.ner_spans`` (spaCy OntoNotes labels for English; natasha PER/LOC/ORG with a
nominative ``normal`` for Russian), ``article.tokens`` and ``article.sentences``. Output is
``article.entities``: a flat, non-overlapping list of :class:`~newswatch.model.EntityMention`
sorted by offset.

Labels kept (``entity_rules.json`` → ``kept_labels``):

* English: PERSON, NORP, FAC, ORG, GPE, LOC, PRODUCT, EVENT, WORK_OF_ART, LAW, LANGUAGE.
  DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL and CARDINAL are dropped: the figures and
  timexes stages own them.
* Russian (natasha → OntoNotes): PER → PERSON, ORG → ORG, LOC → one of GPE / LOC / FAC:

  1. the curated alias file decides when it knows the name (Баграм → FAC, Амударья → LOC);
  2. a name equal to a country name of ISO 3166-1 in Russian (pycountry's ``iso3166-1``
     gettext catalogue, common and official names) → GPE, with the alpha-3 code;
  3. a word lemma of the span, or the word just before it, in ``ru_loc.FAC`` (мост, аэропорт,
     аэродром, авиабаза ...) → FAC; in ``ru_loc.LOC`` (река, гора, озеро, Азия, Кавказ ...)
     → LOC;
  4. otherwise GPE (in news text natasha's LOC is mostly countries, cities and regions).

Curated aliases (``newswatch/data/entity_aliases.jsonl``, matched by
:class:`newswatch.stages.entities.aliases.AliasIndex`, Russian inflection included) fix known domain misses
(Bagram, Hairaton, Termez, Amu Darya, DRA = Afghanistan, Northern Alliance ...). Overlap rule:

* a pattern (alias) span wins over every model span it overlaps — the model span is dropped;
* except when the model span is a longer name of a "container" type (ORG, FAC, EVENT,
  WORK_OF_ART, LAW, PRODUCT) and every pattern inside it is a PERSON/NORP/GPE/LOC modifier that
  does not end the name ("Russian Foreign Ministry", "Kabul airport", "Biden administration"):
  then the model span is kept and those patterns are dropped.

Model spans dropped as obviously wrong (each rule was seen on the seed or the corpora):

* brackets that do not balance ("Termez (Uzbekistan" on the seed);
* spans made only of pronouns, page-chrome strings, or common nouns natasha tags as names
  ("СМИ", the media, in NEREL texts) — ``bad_span`` in the rules file;
* spans made only of interface words, the one-word lines of ``data/chrome_lines.txt``
  ("Cookie" or "Share" read as a person, "Home" or "Register" as an organisation,
  "Поделиться"; :func:`interface_words`).

Wire datelines: the outlet of a dateline that opens a line ("PARIS, 3 May (Nord Courier) —",
"МОСКВА, 3 мая. /ТАСС/."; :func:`dateline_outlets`) is an ORG (method "pattern", key
``ORG:<name>``), whatever the model read there, and model spans spelled like it elsewhere in
the text take that ORG.

Trimming: leading punctuation (wiki quotes in "''Monde''"), a trailing possessive ('s, ’s) and
a trailing bracketed part (natasha's "Абдулла Хсрат (Abdullah Hsrat)" in NEREL texts) are cut
from the mention.

Canonical names and keys:

* pattern: the alias file's canonical name in the article's language; key ``alias:<id>``;
* model, English: the span text with whitespace collapsed and a leading "the" removed for the
  labels in ``strip_article_labels``; key ``<LABEL>:<canonical>``;
* model, Russian: natasha's nominative ``normal`` (the text when it has none); a person whose
  ``normal`` natasha left uninflected is put in the nominative by pymorphy2 ("Захаровой" →
  "Захарова"), and two PER spans that split one surname-first name are joined first
  ("Петровой" + "Анной Сергеевной" → "Петрова Анна Сергеевна"; :func:`join_split_names`);
* coref (same document): a one-word PERSON mention whose word is the surname of a multi-word
  PERSON mention resolves to it (the latest one before it, else the first after it; Russian
  compares nominative forms and inflected stems, so "Лаврова" → "Сергей Лавров"; the surname of
  a name written surname first is its first word, "Петрова Анна Сергеевна"; a Russian mention
  must agree in gender with the full name — the gender of the past-tense verb it is the
  subject of, else of its surname readings —, so "Петров" is not "Анна Петрова"; initials and
  a surname, "О. Смирнова", resolve to the full name whose given name they abbreviate). An
  unresolved Russian surname that is the subject of a gendered verb is put in the nominative of
  that gender ("Петрова, его жена, заявила" → "Петрова", not natasha's "Петров"), and a
  normal form whose words mix genders ("Петров Анна Сергеевна") gives way to pymorphy2's. A one-word
  non-PERSON model mention that is such a surname (spaCy's ORG "Lavrov" in "According to
  Lavrov") becomes PERSON the same way. An abbreviation in brackets right after a name whose
  initials it spells ("Afghan National Army (ANA)") takes that name, and so do its later
  mentions.

State bodies named without their state ("the Foreign Ministry", "МИД", "Минздрав";
``state_bodies`` in the rules file) get the country a country mention attached to them in the
parse gives ("Russia's Foreign Ministry", "МИД России", "Минздрава Киргизии"), or the one
country the article's other mentions of that body were given; otherwise none. Their entity key
then carries the country ("ORG:МИД|RUS").

Confidence is a fixed constant per method (see the constants below).
"""

from __future__ import annotations

import bisect
import gettext
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

from ...model import Article, EntityMention, NerSpan, Token
from ...pipeline import Stage, register
from ...text import fold, is_cyrillic, load_json_data
from ...text.morph import (
    UD_CASES,
    name_agreement,
    nominative_lexeme,
    person_nominative,
    person_parts,
    surname_nominative,
)
from .aliases import AliasEntry, AliasIndex, text_words

#: Confidence of an alias-file match. Hand check: 114 of 114 alias matches on the seed body and
#: 25 of 25 on three NEREL articles were right; set below 1 because a surname alias can hit a
#: namesake.
CONF_PATTERN = 0.95
#: Confidence of an English model span: en_core_web_md 3.7.1 (the default NER) reports ents_f
#: 0.852 on OntoNotes and en_core_web_sm 3.8.0 0.843 (their meta.json; stack-probe.md §1a); the
#: lower is kept. On the seed, with sm, 15 of the 17 model spans left after the alias file were
#: right (wrong: LOC "East" twice, from "East is East").
CONF_MODEL_EN = 0.84
#: Confidence of a Russian model span: hand check of the natasha spans left after the alias
#: file on 3 NEREL articles (nerel-train-162165, nerel-test-197654, nerel-train-129439): 34 of
#: 37 right with the label mapping above (wrong: one name split in two, "Запада" as LOC).
CONF_MODEL_RU = 0.9
#: Confidence of a short mention resolved to an earlier/later full mention (coref). Hand check
#: on the first 20 articles of wh_afghanistan_2021 and of kremlin_en_central_asia_2021_2022: 48
#: coref mentions, 47 right (wrong: "Obama" -> "Presidents Obama", a model span with a plural
#: title); the rule cannot tell two namesakes apart.
CONF_COREF = 0.85

#: Labels whose model span survives pattern modifiers inside it (see the module docstring).
CONTAINER_LABELS = frozenset({"ORG", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT"})
#: Pattern labels that may act as modifiers inside a container name.
MODIFIER_LABELS = frozenset({"PERSON", "NORP", "GPE", "LOC"})
#: Model labels a one-word surname mention may be relabelled from (never a country name).
RELABEL_TO_PERSON = frozenset({"ORG", "NORP", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT"})
#: Prepositions whose object names a location whatever the verb ("in Nyala", "near Tessit",
#: "across Chad"). Spatial prepositions of the English grammar's locative sense (Quirk et al.,
#: A Comprehensive Grammar of the English Language, 9.15-9.27: position "in", "near",
#: passage "across").
PLACE_PREPOSITIONS = frozenset({"in", "near", "across"})
#: Prepositions whose object is a place only as the goal or source of a motion ("fled to
#: Chad", "walked from El Geneina"); after other verbs they take people ("talked to Austin",
#: "a call from Jordan").
MOTION_PREPOSITIONS = frozenset({"to", "from"})
#: Lemmas of verbs of motion and of the nouns of a journey (Levin 1993, English Verb Classes
#: and Alternations, 51: verbs of motion, "inherently directed motion" and "leave" classes)
#: that make "to"/"from" a goal or a source. The light verbs "go", "come", "run", "head" and
#: "send" are left out: they take people as often ("I'll go to Eugene" calls on a reporter in
#: a White House briefing of ``../shared/corpus``; "send it to Austin").
MOTION_WORDS = frozenset({
    "arrive", "cross", "deport", "drive", "escape", "evacuate", "flee", "fly", "journey",
    "leave", "march", "migrate", "move", "relocate", "retreat", "return", "sail", "travel",
    "trek", "walk", "withdraw",
    "border", "flight", "road", "route", "trip",
})
#: What follows a person's name and never a place's: an age or a relative "who" ("Nyala, 34,";
#: "Chad, who"), a possessive of kin, or a verb of saying ("Chad said").
_PERSON_AFTER_RE = re.compile(
    r"^(?:\s*,\s*(?:who\b|whose\b|\d{1,3}\s*,)|\s*\(\d{1,3}\)|['’]s\s+(?:wife|husband|mother|father|son|"
    r"daughter|brother|sister|family|lawyer)\b|\s+(?:said|says|told|added|asked|wrote)\b)",
    re.IGNORECASE)
#: Smallest population of a populated place a name the NER tagged PERSON or FAC may be read as
#: after a locative preposition: GeoNames' "city" cut (cities15000), the figure the geocoder
#: uses for alternate names (``ALT_ONLY_MIN_POPULATION``).
PLACE_RELABEL_MIN_POPULATION = 15_000
#: Words skipped when spelling an abbreviation from a name's initials.
_ABBR_SKIP = frozenset({"of", "and", "the", "for", "in", "on", "at", "to", "de", "и", "о", "по", "в", "на", "для"})

_BRACKETS = (("(", ")"), ("[", "]"), ("{", "}"))
_TRAILING_BRACKET_RE = re.compile(r"\s*\([^()]*\)\s*$")
_WS_RE = re.compile(r"\s+")
#: A word (a run of word characters), compiled once for the helpers below.
_WORD_RE = re.compile(r"\w+")


@dataclass(slots=True)
class _Cand:
    """A candidate mention while the stage works (offsets into the article text)."""

    start: int
    end: int
    label: str
    canonical: str
    method: str
    key: str
    country: str | None = None
    normal: str = ""  # natasha's nominative form (Russian model spans)
    entry: AliasEntry | None = None


def _strip_accents(s: str) -> str:
    """Remove the stress marks (U+0301) some gettext names carry ("Респу́блика")."""
    return s.replace("\u0301", "")


def _country_names() -> dict[str, str]:
    """Folded country names (English and Russian) → ISO 3166-1 alpha-3.

    Source: pycountry's ISO 3166-1 table (``name``, ``common_name``, ``official_name``) and its
    gettext ``iso3166-1`` Russian catalogue (``gettext.translation('iso3166-1',
    pycountry.LOCALES_DIR, ['ru'])``, as in shared/design/stack-probe.md §3).
    """
    import pycountry

    ru = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"], fallback=True)
    out: dict[str, str] = {}
    for c in pycountry.countries:
        names = [c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)]
        for n in [n for n in names if n]:
            out.setdefault(fold(n), c.alpha_3)
            translated = ru.gettext(n)
            if translated != n:
                out.setdefault(fold(_strip_accents(translated)), c.alpha_3)
    return out


def _balanced(s: str) -> bool:
    for o, c in _BRACKETS:
        depth = 0
        for ch in s:
            if ch == o:
                depth += 1
            elif ch == c:
                depth -= 1
                if depth < 0:
                    return False
        if depth:
            return False
    return s.count('"') % 2 == 0


def _last_word(s: str) -> str:
    words = _WORD_RE.findall(s)
    return words[-1] if words else ""


def interface_words() -> frozenset[str]:
    """Folded one-word lines of ``data/chrome_lines.txt`` (plain lines, not ``re:``): the
    interface vocabulary of news pages ("Share", "Cookies", "Subscribe", "Поделиться").

    A model span made only of these words is page chrome the model read as a name ("Cookie"
    on a line of its own as a PERSON, "Home" as an ORG); no one and nothing in news text is
    named by these words alone.
    """
    text = resources.files("newswatch.data").joinpath("chrome_lines.txt").read_text("utf-8")
    out = set()
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith(("#", "re:")) and re.fullmatch(r"[^\W\d_]+", line):
            out.add(fold(line))
    return frozenset(out)


#: Wire-service datelines at the start of a line (AP and Reuters style): "PARIS, 3 May (Nord
#: Courier) —", "KHERSON, Ukraine (AP) —", "MOSCOW, May 3 (Reuters) -". Group ``outlet`` is the
#: agency or outlet in brackets before the dash. The place part is one to four words, then up
#: to two comma-separated parts (region, country, date), none with brackets or digits-only
#: words required.
_DATELINE_BRACKET_RE = re.compile(
    r"^[ \t]*(?P<place>[^\W\d_][^\W\d_'’.\- ]*(?:[ '’.\-]+[^\W\d_]+){0,3})"
    r"(?:,[ \t]*[^\n(),/—–]{1,30}){0,2}[ \t]*"
    r"\((?P<outlet>[^\W\d_][^()\n\d]{1,50})\)[ \t]*[-–—]", re.MULTILINE)
#: Russian agency style: "МОСКВА, 3 мая. /ТАСС/." (the outlet between slashes after the date).
_DATELINE_SLASH_RE = re.compile(
    r"^[ \t]*(?P<place>[^\W\d_][^\W\d_\- ]*(?:[ \-]+[^\W\d_]+){0,3})"
    r"(?:,[ \t]*[^\n(),/—–]{1,30}){1,2}\.?[ \t]*/(?P<outlet>[^\W\d_][^/\n\d]{1,40})/", re.MULTILINE)
#: Most words in a dateline outlet name.
_DATELINE_MAX_WORDS = 6


def dateline_outlets(text: str) -> list[tuple[int, int]]:
    """Offsets ``(start, end)`` of the outlet named in each wire dateline of ``text``.

    A dateline opens a line: a place whose every word is capitalised, optional comma parts
    (region, date), then the outlet in brackets and a dash ("PARIS, 3 May (Nord Courier) —",
    AP and Reuters style), or, Russian agency style, the outlet between slashes after the date
    ("МОСКВА, 3 мая. /ТАСС/."). The outlet must start with a capital letter, hold no digit and
    at most :data:`_DATELINE_MAX_WORDS` words. The outlet of a dateline is the news
    organisation that filed the story, so its mention is an ORG.
    """
    out = []
    for rx in (_DATELINE_BRACKET_RE, _DATELINE_SLASH_RE):
        for m in rx.finditer(text):
            place, outlet = m.group("place"), m.group("outlet").strip()
            if not all(w[:1].isupper() for w in re.findall(r"[^\W\d_]+", place)) or not outlet[:1].isupper():
                continue
            if len(outlet.split()) > _DATELINE_MAX_WORDS:
                continue
            start = m.start("outlet") + (len(m.group("outlet")) - len(m.group("outlet").lstrip()))
            out.append((start, start + len(outlet)))
    return sorted(out)


class EntityRules:
    """The rules data (``entity_rules.json``) plus the country-name table, loaded once."""

    def __init__(self) -> None:
        data = load_json_data("entity_rules.json")
        assert isinstance(data, dict)
        self.kept = {lang: frozenset(v) for lang, v in data["kept_labels"].items() if lang != "_about"}
        self.natasha = {k: v for k, v in data["natasha_labels"].items() if k != "_about"}
        self.ru_fac = frozenset(data["ru_loc"]["FAC"])
        self.ru_loc = frozenset(data["ru_loc"]["LOC"])
        self.strip_the = frozenset(data["strip_article_labels"]["en"])
        self.possessives = tuple(sorted(data["possessive_suffixes"], key=len, reverse=True))
        self.bad_words = frozenset(data["bad_span"]["pronouns"])
        self.chrome = frozenset(data["bad_span"]["chrome"]) | frozenset(data["bad_span"]["not_names"])
        self.countries = _country_names()
        self.interface = interface_words()
        bodies = data.get("state_bodies", {})
        self.body_heads = frozenset(fold(w) for w in bodies.get("heads", []))
        self.body_abbreviations = frozenset(fold(w) for w in bodies.get("abbreviations", []))

    def is_state_body(self, canonical: str) -> bool:
        """True when ``canonical`` names a state body without naming its state: a ministry
        abbreviation ("МИД", "Минздрав") or a name headed by a body word whose other words name
        no country ("Foreign Ministry", "Ministry of Defence", "Министерство здравоохранения")."""
        words = [fold(w) for w in re.findall(r"[\w-]+", canonical)]
        if not words:
            return False
        if len(words) == 1:
            return words[0] in self.body_abbreviations or words[0] in self.body_heads
        if words[0] not in self.body_heads and words[-1] not in self.body_heads:
            return False
        return not any(w in self.countries for w in words)


@register("entities")
class EntitiesStage(Stage):
    """Map, fix and resolve named-entity mentions (English and Russian).

    ``process(article)`` fills ``article.entities`` (replacing any earlier list). In another
    language only the alias file applies (its aliases are language-neutral); model spans are
    mapped for English and Russian only.
    """

    name = "entities"
    #: 4: an alias spelled with a final dot keeps it in the span ("U.S.");
    #: 5: surnames agree in gender with the full name, initials resolve, state bodies get their state
    #: 6: English PERSON/FAC spans that are places ("fled to Chad", "in Nyala") become GPE;
    #: a GPE span "Town, Country" is split in two
    version = "6"
    requires = ("text", "language", "ner_spans", "tokens", "sentences")
    provides = ("entities",)

    def __init__(self) -> None:
        self._aliases: AliasIndex | None = None
        self._rules: EntityRules | None = None

    def initialize(self) -> None:
        """Load the alias file, the rules file and pycountry's names (about 0.1 s)."""
        self._aliases = AliasIndex.load()
        self._rules = EntityRules()

    @property
    def aliases(self) -> AliasIndex:
        """The alias index (loaded by ``initialize``).

        Raises:
            PipelineConfigError: ``initialize()`` has not run on this instance.
        """
        self._check_ready()
        assert self._aliases is not None
        return self._aliases

    @property
    def rules(self) -> EntityRules:
        """The rules data (loaded by ``initialize``).

        Raises:
            PipelineConfigError: ``initialize()`` has not run on this instance.
        """
        self._check_ready()
        assert self._rules is not None
        return self._rules

    def process(self, article: Article) -> None:
        """Fill ``article.entities``; see the module docstring for every rule."""
        lang = article.language or "en"
        patterns = self._pattern_cands(article, lang)
        model = self._model_cands(article, lang)
        patterns, model = self._dateline_outlets(article, patterns, model)
        if lang == "en":
            model = self._split_town_country(article, model)
        cands = merge_candidates(patterns, model)
        starts = [t.start for t in article.tokens]
        cands = resolve_in_document(cands, article.text, lang, self.rules.countries,
                                    lambda b, e: _genders_of(article, starts, b, e))
        if lang == "ru":
            cands = _agree_lone_surnames(article, starts, cands)
        else:
            cands = self._places_tagged_person(article, cands, starts)
        cands = self._state_body_countries(article, cands, starts)
        conf = {"pattern": CONF_PATTERN, "coref": CONF_COREF,
                "model": CONF_MODEL_RU if lang == "ru" else CONF_MODEL_EN}
        article.entities = [
            EntityMention(
                text=article.text[c.start:c.end], label=c.label, start=c.start, end=c.end,
                canonical=c.canonical, prov=article.provenance(self.name, self.version, c.start, conf[c.method]),
                entity_key=c.key, method=c.method, country=c.country,
            )
            for c in cands
        ]

    def _split_town_country(self, article: Article, model: list[_Cand]) -> list[_Cand]:
        """Split one model GPE/LOC span "Town, Country" into two GPE spans.

        English writes a town with its country after a comma ("withdrew from Tessit, Mali,
        on Monday"; the AP Stylebook's dateline form), and spaCy's model sometimes tags the
        pair as one GPE, which names no place. When the part after the last comma of such a
        span is a country name (pycountry, English), the town and the country become
        separate GPE mentions, and the geocoder places the town inside the country."""
        out: list[_Cand] = []
        for c in model:
            text = article.text[c.start:c.end]
            m = re.fullmatch(r"(.*\w)\s*,\s+(\w.*)", text, re.DOTALL)
            if c.label not in ("GPE", "LOC") or m is None or "\n" in text:
                out.append(c)
                continue
            country = self.rules.countries.get(fold(m.group(2)))
            if country is None or "," in m.group(1):
                out.append(c)
                continue
            town, land = m.group(1), m.group(2)
            out.append(replace(c, end=c.start + len(town), label="GPE", canonical=town, key=f"GPE:{town}",
                               country=self.rules.countries.get(fold(town))))
            start = c.start + m.start(2)
            out.append(replace(c, start=start, end=start + len(land), label="GPE", canonical=land,
                               key=f"GPE:{land}", country=country))
        return out

    def _places_tagged_person(self, article: Article, cands: list[_Cand],
                              starts: list[int]) -> list[_Cand]:
        """English model spans the NER tagged PERSON (or FAC) that are places, relabelled GPE.

        spaCy's model tags a country or a town as a person in some sentences ("fled to Chad",
        "shelling in Nyala") and a town as a facility ("walked from El Geneina"). The stage
        already takes a country name from the NER's NORP/ORG/LOC to GPE; a PERSON or FAC
        span becomes GPE (method "model", key ``GPE:<name>``) when no person-like words
        follow it (:data:`_PERSON_AFTER_RE`), no word of it is part of a longer PERSON name
        of the article ("Chad Morris ... Chad"), no word of a FAC span is a building noun
        (the geocoder's ``FACILITY_WORDS``), and either

        * a PERSON span is a country name (pycountry, English), or
        * the span, with no "the" before it, is the object of a spatial preposition
          (:data:`PLACE_PREPOSITIONS`), or of "to"/"from" after a verb or noun of motion
          (:data:`MOTION_WORDS`), in the parse, and
          the name is a country's, or the primary GeoNames name of a populated place of at
          least :data:`PLACE_RELABEL_MIN_POPULATION`, or an alternate name of such a place
          in a country the article names (GeoNames files English exonyms as alternate names,
          "El Geneina" for Al-Junaynah, but also stray ones: "Google" for Topeka), or a
          populated place of any size in a country its own sentence names, where news
          locates a little-known place ("near Tessit in northern Mali").

        ``starts`` are the start offsets of ``article.tokens`` (the caller's, computed once).

        Returns:
            ``cands`` with those spans relabelled (same order).
        """
        from ..geocode import FACILITY_WORDS
        from ..geocode.gazetteer import load_gazetteer, normalize, strip_article

        toks = article.tokens
        persons = [c for c in cands if c.label == "PERSON" and len(c.canonical.split()) > 1]
        in_names = {fold(w) for c in persons for w in _WORD_RE.findall(c.canonical)}
        named: set[str] | None = None  # ISO alpha-2 codes of the countries the article names
        out = list(cands)
        for i, c in enumerate(cands):
            if c.method != "model" or c.label not in ("PERSON", "FAC"):
                continue
            words = _WORD_RE.findall(c.canonical)
            if not words or any(fold(w) in in_names for w in words):
                continue
            if _PERSON_AFTER_RE.match(article.text, c.end) or (
                    c.label == "FAC" and any(w.casefold() in FACILITY_WORDS for w in words)):
                continue
            country = self.rules.countries.get(fold(c.canonical))
            ok = country is not None and c.label == "PERSON"
            # English writes a town's name without an article: "in both the Obama and the
            # Trump administrations" names people (the geocoder's locative cue says the same)
            after_the = re.search(r"\bthe\s+$", article.text[max(0, c.start - 5):c.start], re.IGNORECASE)
            if not ok and toks and after_the is None and _locative_place_object(toks, starts, c.start, c.end):
                gaz = load_gazetteer()
                norm = strip_article(normalize(c.canonical))
                if named is None:
                    named = _named_countries(cands, self.rules.countries)
                sent = article.sentence_at(c.start)
                lo, hi = (sent.start, sent.end) if sent is not None else (0, len(article.text))
                here = _named_countries([d for d in cands if lo <= d.start < hi], self.rules.countries)
                ok = country is not None or any(
                    (x.entry.population >= PLACE_RELABEL_MIN_POPULATION
                     and (x.primary or x.entry.country_code in named))
                    or x.entry.country_code in here for x in gaz.lookup_cities(norm))
            if ok:
                out[i] = replace(c, label="GPE", key=f"GPE:{c.canonical}", country=country)
        return out

    def _state_body_countries(self, article: Article, cands: list[_Cand],
                              starts: list[int]) -> list[_Cand]:
        """Give a state body named without its state ("Foreign Ministry", "МИД", "Минздрав";
        :meth:`EntityRules.is_state_body`) the country the text attaches to it: a country
        mention (GPE, or a NORP adjective with a country) that depends on a word of the
        mention — possessive, genitive, adjective or "of" ("Russia's Foreign Ministry", "the
        Foreign Ministry of Russia", "МИД России", "Минздрава Киргизии"); a mention with no
        such country takes the one country the other mentions of that body in the article
        were given, when there is exactly one. Otherwise it keeps none (no guess). The entity
        key then names the country ("ORG:МИД|RUS"), so two states' ministries never share an
        entity."""
        toks = article.tokens
        if not toks:
            return cands
        places = [m for m in cands if m.label in ("GPE", "NORP") and m.country]
        found: dict[int, str] = {}
        for i, c in enumerate(cands):
            if c.label != "ORG" or c.country or c.method != "model" or not self.rules.is_state_body(c.canonical):
                continue
            codes = {m.country for m in places if m.country and _depends_on(toks, starts, m, c)}
            if len(codes) == 1:
                found[i] = codes.pop()
        by_name: dict[str, set[str]] = {}
        for i, code in found.items():
            by_name.setdefault(fold(cands[i].canonical), set()).add(code)
        out = list(cands)
        for i, c in enumerate(cands):
            if c.label != "ORG" or c.country or c.method != "model":
                continue
            given = found.get(i)
            if given is None:
                named = by_name.get(fold(c.canonical), set())
                given = next(iter(named)) if len(named) == 1 else None
            if given is not None:
                out[i] = replace(c, country=given, key=f"ORG:{c.canonical}|{given}")
        return out

    # -- candidates ---------------------------------------------------------------------------

    def _pattern_cands(self, article: Article, lang: str) -> list[_Cand]:
        lemmas = {(t.start, t.end): t.lemma for t in article.tokens}
        out = []
        for m in self.aliases.find(article.text, text_words(article.text, lemmas)):
            canon = m.entry.canonical_for(lang)
            out.append(_Cand(m.start, m.end, m.entry.label, canon, "pattern", f"alias:{m.entry.id}",
                             m.entry.country, entry=m.entry))
        return out

    def _model_cands(self, article: Article, lang: str) -> list[_Cand]:
        rules = self.rules
        kept = rules.kept.get(lang, frozenset())
        starts = [t.start for t in article.tokens]
        out = []
        spans = article.ner_spans
        if lang == "ru":
            spans = join_split_names(article.text, spans, lambda b, e: _case_of(article, starts, b, e))
        for sp in spans:
            label = rules.natasha.get(sp.label, sp.label) if lang == "ru" else sp.label
            if label not in kept:
                continue
            start, end = self._trim(article.text, sp.start, sp.end)
            if end <= start:
                continue
            surface = article.text[start:end]
            if not self._plausible(surface):
                continue
            if all(fold(w) in rules.interface for w in _WORD_RE.findall(surface)):
                continue  # "Cookie", "Share" (PERSON), "Home" (ORG): page chrome, never a name
            normal = _TRAILING_BRACKET_RE.sub("", sp.normal).strip(" '\"«»“”„") if sp.normal else ""
            if lang == "ru":
                canonical = _WS_RE.sub(" ", normal or surface)
                if label == "PERSON":
                    canonical = ru_person_canonical(surface, canonical, _case_of(article, starts, start, end))
                    normal = canonical
                if sp.label == "LOC":
                    label = self._ru_loc_label(article, starts, start, end, canonical)
            else:
                canonical = _WS_RE.sub(" ", surface)
                if label in rules.strip_the and canonical[:4].lower() == "the ":
                    canonical = canonical[4:]
            country = rules.countries.get(fold(canonical)) if label in ("GPE", "NORP", "ORG", "LOC") else None
            if country and label in ("NORP", "ORG", "LOC"):
                label = "GPE"  # spaCy's NORP "Tajikistan" on the seed
            out.append(_Cand(start, end, label, canonical, "model", f"{label}:{canonical}",
                             country if label == "GPE" else None, normal=normal))
        return out

    def _dateline_outlets(self, article: Article, patterns: list[_Cand],
                          model: list[_Cand]) -> tuple[list[_Cand], list[_Cand]]:
        """The outlet of each wire dateline (:func:`dateline_outlets`) becomes an ORG pattern
        candidate; model spans and other alias matches overlapping it give way (an alias
        match of the same span that is already an ORG stays). A model span elsewhere spelled
        like the outlet ("Nord Courier" later in the text, read as a person) becomes that ORG.
        Returns the new ``(patterns, model)`` lists."""
        spans = dateline_outlets(article.text)
        if not spans:
            return patterns, model
        added: dict[str, _Cand] = {}
        for start, end in spans:
            if any(p.start == start and p.end == end and p.label == "ORG" for p in patterns):
                continue
            canonical = _WS_RE.sub(" ", article.text[start:end])
            patterns = [p for p in patterns if not (p.start < end and start < p.end)]
            cand = _Cand(start, end, "ORG", canonical, "pattern", f"ORG:{canonical}")
            patterns.append(cand)
            added[fold(canonical)] = cand
        model = [replace(m, label="ORG", canonical=added[fold(m.canonical)].canonical,
                         key=added[fold(m.canonical)].key, country=None)
                 if fold(m.canonical) in added else m for m in model]
        return sorted(patterns, key=lambda c: (c.start, c.end)), model

    def _trim(self, text: str, start: int, end: int) -> tuple[int, int]:
        while start < end and not text[start].isalnum() and text[start] != "(":
            start += 1  # "''Monde''" (wiki mark-up in NEREL texts)
        span = text[start:end]
        m = _TRAILING_BRACKET_RE.search(span)
        if m and m.start() > 0:
            end = start + m.start()
            span = text[start:end]
        for suf in self.rules.possessives:
            if span.endswith(suf) and len(span) > len(suf):
                end -= len(suf)
                break
        while end > start and not text[end - 1].isalnum() and text[end - 1] not in ".)":
            end -= 1
        return start, end

    def _plausible(self, surface: str) -> bool:
        if not any(ch.isalpha() for ch in surface) or not _balanced(surface):
            return False
        low = _WS_RE.sub(" ", surface.strip()).lower()
        if low in self.rules.chrome:
            return False
        words = _WORD_RE.findall(low)
        return not all(w in self.rules.bad_words for w in words)

    def _ru_loc_label(self, article: Article, starts: list[int], start: int, end: int,
                      canonical: str) -> str:
        if fold(canonical) in self.rules.countries:
            return "GPE"
        toks = article.tokens
        k = bisect.bisect_left(starts, start)
        lemmas = [fold(t.lemma) for t in itertools.takewhile(lambda t: t.end <= end, toks[k:])]
        if 0 < k <= len(toks) and (k == len(toks) or toks[k - 1].sent == toks[k].sent):
            lemmas.append(fold(toks[k - 1].lemma))  # "мост Дружбы", "реку Тарнак"
        if any(lm in self.rules.ru_fac for lm in lemmas):
            return "FAC"
        if any(lm in self.rules.ru_loc for lm in lemmas):
            return "LOC"
        return "GPE"


#: Longest gap (characters, spaces only) between two natasha PER spans joined into one name.
_NAME_GAP_RE = re.compile(r"[ \u00a0]{1,2}")


def join_split_names(text: str, spans: list[NerSpan],
                     case_of: Callable[[int, int], str | None] | None = None) -> list[NerSpan]:
    """Join natasha PER spans that split one Russian name written surname first.

    natasha tags "с Петровой Анной Сергеевной" as two persons, "Петровой" and "Анной
    Сергеевной". Two PER spans separated only by one or two spaces become one span when their
    words read together as one name in one gender and case (pymorphy2 name tags, see
    :func:`newswatch.text.morph.name_agreement`) and the tagger's case of each span, when
    known, is that shared case; the joined span's ``normal`` is the nominative full name
    ("Петрова Анна Сергеевна"). The case check keeps "вдова Ельцина Наина Иосифовна" (the
    genitive of Ельцин, then the widow's name; FactRuEval book_253) as two persons.

    Args:
        text: the article text.
        spans: natasha's spans in text order.
        case_of: ``(start, end) -> case`` from the tagger's tokens (OpenCorpora name or None).

    Returns:
        The spans with joined pairs replaced by one span (new objects; the input is not changed).
    """
    out: list[NerSpan] = []
    for sp in spans:
        prev = out[-1] if out else None
        if (prev is not None and prev.label == "PER" and sp.label == "PER"
                and _NAME_GAP_RE.fullmatch(text[prev.end:sp.start])):
            words = _WORD_RE.findall(text[prev.start:sp.end])
            agreed = name_agreement(words)
            cases = {case_of(prev.start, prev.end), case_of(sp.start, sp.end)} if case_of else set()
            if agreed is not None and cases <= {agreed[1], None}:
                surface = text[prev.start:sp.end]
                normal = person_nominative(surface, agreed[1]) or surface
                out[-1] = NerSpan(prev.start, sp.end, "PER", normal)
                continue
        out.append(sp)
    return out


def _case_of(article: Article, starts: list[int], start: int, end: int) -> str | None:
    """OpenCorpora case of the first token in ``[start, end)`` with a UD ``Case`` feature."""
    k = bisect.bisect_left(starts, start)
    for t in itertools.takewhile(lambda t: t.end <= end, article.tokens[k:]):
        for feat in t.morph.split("|"):
            if feat.startswith("Case="):
                return UD_CASES.get(feat[5:])
    return None


_UD_GENDERS = {"Masc": "masc", "Fem": "femn"}


def _genders_of(article: Article, starts: list[int], start: int, end: int) -> frozenset[str]:
    """The genders ("masc", "femn") the person mention ``[start, end)`` may have.

    A mention that is the subject of a singular past-tense verb has the verb's gender (Russian
    past-tense verbs agree with their subject: "Петрова заявила" is feminine). Otherwise every
    gender of its last word's surname readings (pymorphy2): "Петровой" only feminine, "Петров"
    only masculine, "Петрова" both (feminine nominative or masculine genitive). Empty when
    nothing is known. The tagger's own gender of an unknown surname is not used: it reads
    "Смирнова" in a transcript label as a masculine genitive.
    """
    k = bisect.bisect_left(starts, start)
    toks = list(itertools.takewhile(lambda t: t.end <= end, article.tokens[k:]))
    words = [t for t in toks if re.fullmatch(r"\w{2,}", t.text)]
    if not words:
        return frozenset()
    agreed = _subject_gender(article, starts, start, end)
    if agreed is not None:
        return frozenset({agreed})
    return frozenset(r.gender for r in person_parts(words[-1].text) if r.part == "Surn" and r.gender)


#: Relations by which a country mention modifies a name: possessive, genitive or other nominal
#: modifier, adjective, compound, and the "of" of "Ministry of Defence of Russia" (ClearNLP, UD).
_MODIFIER_DEPS = frozenset({"poss", "nmod", "nmod:poss", "amod", "compound", "prep"})


def _depends_on(toks: list[Token], starts: list[int], m: _Cand, c: _Cand) -> bool:
    """True when mention ``m`` modifies a word of mention ``c`` in the parse: its head word
    hangs on a word of ``c`` by a modifier relation (:data:`_MODIFIER_DEPS`), directly or
    through a preposition ("the Foreign Ministry of Russia")."""
    k = bisect.bisect_left(starts, m.start)
    inside = list(itertools.takewhile(lambda t: t.end <= m.end, toks[k:]))
    heads = [t for t in inside if t.head == t.i or not m.start <= toks[t.head].start < m.end]
    if not heads:
        return False
    t = heads[0]
    for _ in range(2):
        if t.head == t.i:
            return False
        g = toks[t.head]
        if c.start <= g.start < c.end:
            return t.dep in _MODIFIER_DEPS
        if g.pos != "ADP":
            return False
        t = g
    return False


def _subject_gender(article: Article, starts: list[int], start: int, end: int) -> str | None:
    """The gender ("masc"/"femn") of the singular past-tense verb whose subject is the mention
    ``[start, end)`` (Russian past tense agrees with its subject), else None."""
    k = bisect.bisect_left(starts, start)
    for t in itertools.takewhile(lambda t: t.end <= end, article.tokens[k:]):
        head = article.tokens[t.head] if 0 <= t.head < len(article.tokens) else t
        if t.dep in ("nsubj", "nsubj:pass") and not start <= head.start < end:
            feats = dict(f.split("=", 1) for f in head.morph.split("|") if "=" in f)
            if feats.get("Tense") == "Past" and feats.get("Number") == "Sing" and feats.get("Gender") in _UD_GENDERS:
                return _UD_GENDERS[feats["Gender"]]
    return None


def _named_countries(cands: list[_Cand], countries: dict[str, str]) -> set[str]:
    """ISO 3166-1 alpha-2 codes of the countries the article's GPE mentions name."""
    import pycountry

    out: set[str] = set()
    for c in cands:
        alpha3 = countries.get(fold(c.canonical)) if c.label == "GPE" else None
        country = pycountry.countries.get(alpha_3=alpha3) if alpha3 else None
        if country is not None:
            out.add(country.alpha_2)
    return out


def _locative_place_object(toks: list[Token], starts: list[int], start: int, end: int) -> bool:
    """True if the span's head token is a proper noun governed (``pobj``) by a preposition of
    :data:`PLACE_PREPOSITIONS`, or by "to"/"from" attached to a word of :data:`MOTION_WORDS`
    (spaCy's English dependency labels)."""
    lo = bisect.bisect_left(starts, start)
    inside = [t for t in toks[lo:] if t.end <= end]
    heads = [t for t in inside if not (start <= toks[t.head].start and toks[t.head].end <= end) or t.head == t.i]
    if len(heads) != 1 or heads[0].dep != "pobj" or heads[0].pos != "PROPN":
        return False
    prep = toks[heads[0].head]
    word = prep.text.casefold()
    if word in PLACE_PREPOSITIONS:
        return True
    return word in MOTION_PREPOSITIONS and prep.head != prep.i and toks[prep.head].lemma.casefold() in MOTION_WORDS


def _agree_lone_surnames(article: Article, starts: list[int], cands: list[_Cand]) -> list[_Cand]:
    """A Russian one-word person mention left unresolved takes the gender its verb gives it:
    in "Петрова, его жена, заявила" natasha's nominative "Петров" (the genitive reading) is
    not the name; the feminine subject of "заявила" is "Петрова" (:func:`surname_nominative`).
    """
    out = []
    for c in cands:
        words = _WORD_RE.findall(c.canonical)
        if c.method == "model" and c.label == "PERSON" and len(words) == 1 and is_cyrillic(c.canonical):
            gender = _subject_gender(article, starts, c.start, c.end)
            if gender is not None and not any(r.part == "Surn" and r.gender == gender and r.case == "nomn"
                                              for r in person_parts(words[0])):
                fixed = surname_nominative(_last_word(article.text[c.start:c.end]), gender)
                if fixed is not None and fold(fixed) != fold(c.canonical):
                    c = replace(c, canonical=fixed, key=f"PERSON:{fixed}", normal=fixed)
        out.append(c)
    return out


def ru_person_canonical(surface: str, normal: str, case_hint: str | None = None) -> str:
    """Canonical (nominative) form of a Russian person mention.

    Word by word: natasha's ``normal`` is kept for each word natasha inflected (its tags are
    contextual); a word natasha left as written, which it does for names its tagger misreads
    ("Захаровой", "Обамы", "Обамой" in "Бараком Обамой"), takes pymorphy2's nominative
    (:func:`newswatch.text.morph.person_nominative` over the whole mention, using the
    sentence case from natasha's tokens when known).

    Args:
        surface: the mention text.
        normal: natasha's normal form, whitespace collapsed ("" or the surface when none).
        case_hint: OpenCorpora case of the mention in its sentence, or None.

    Returns:
        The nominative name ("Захарова"), or ``normal`` (or ``surface``) when nothing applies.
    """
    surface = _WS_RE.sub(" ", surface).strip()
    base = normal or surface
    ours = person_nominative(surface, case_hint)
    if ours is None:
        return base
    theirs, said, mine = base.split(" "), surface.split(" "), ours.split(" ")
    if not len(theirs) == len(said) == len(mine):
        return base
    if len(mine) > 1 and name_agreement(theirs) is None and name_agreement(mine) is not None:
        # natasha's "Петров Анна Сергеевна" for "Петрова Анна Сергеевна": the words of one
        # person's name agree in gender, so a normal form mixing genders is not the name
        return ours
    # Word by word: natasha's form where natasha inflected the word, else pymorphy2's.
    return " ".join(t if fold(t) != fold(w) else m for t, w, m in zip(theirs, said, mine, strict=True))


def merge_candidates(patterns: list[_Cand], model: list[_Cand]) -> list[_Cand]:
    """Combine alias matches and model spans into one non-overlapping list.

    Args:
        patterns: alias matches (non-overlapping among themselves).
        model: model spans (non-overlapping among themselves).

    Returns:
        Candidates sorted by start. A pattern wins over any model span it overlaps, except that
        a container-type model span keeps modifier patterns inside it (module docstring).
    """
    dropped_patterns: set[int] = set()
    kept_model: list[_Cand] = []
    for m in model:
        inside = [i for i, p in enumerate(patterns) if p.start < m.end and m.start < p.end]
        if not inside:
            kept_model.append(m)
            continue
        modifiers_only = m.label in CONTAINER_LABELS and all(
            patterns[i].start >= m.start and patterns[i].end < m.end and patterns[i].label in MODIFIER_LABELS
            for i in inside
        )
        if modifiers_only:
            kept_model.append(m)
            dropped_patterns.update(inside)
    kept = [p for i, p in enumerate(patterns) if i not in dropped_patterns] + kept_model
    return sorted(kept, key=lambda c: (c.start, c.end))


def _surname(name: str, lang: str) -> str:
    """The surname of a full person name: its last word, except a Russian name whose words read
    as surname + given name [+ patronymic] (:func:`newswatch.text.morph.name_agreement`):
    "Петрова Анна Сергеевна" → "Петрова"."""
    words: list[str] = _WORD_RE.findall(name)
    if (lang == "ru" or is_cyrillic(name)) and 2 <= len(words) <= 3:
        agreed = name_agreement(words)
        if agreed is not None and "Surn" in agreed[2]:
            return words[agreed[2].index("Surn")]
    return words[-1] if words else ""


def _name_gender(name: str) -> str | None:
    """The grammatical gender ("masc"/"femn") of a full Russian person name, when its words
    agree in one (:func:`newswatch.text.morph.name_agreement`); None otherwise."""
    words = _WORD_RE.findall(name)
    agreed = name_agreement(words) if 2 <= len(words) <= 3 else None
    return agreed[0] if agreed is not None else None


def _surname_forms(c: _Cand, lang: str) -> set[str]:
    """Folded forms of a PERSON candidate's surname (canonical and natasha normal)."""
    forms = {fold(_surname(c.canonical, lang))}
    if c.normal:
        forms.add(fold(_surname(c.normal, lang)))
    return {f for f in forms if f}


def _same_surname(word: str, forms: set[str], lang: str) -> bool:
    w = fold(word)
    if w in forms:
        return True
    if lang == "ru" or is_cyrillic(word):
        # Inflected surname against a nominative one: Лаврова / Лавровым -> Лавров, by
        # pymorphy2's forms; a surname it cannot inflect ("Дачич", read as a genitive plural)
        # falls back to "the nominative plus at most two letters".
        for f in forms:
            lexeme = nominative_lexeme(f)
            if w in lexeme or (not lexeme and w.startswith(f) and len(w) - len(f) <= 2 and len(f) >= 4):
                return True
    return False


def _initials_agree(initials: list[str], full: str) -> bool:
    """True when each initial ("О" of "О. Смирнова") is the first letter of the matching given
    name or patronymic of ``full`` (the words other than the surname, in order)."""
    rest = [w for w in _WORD_RE.findall(full) if len(w) > 1]
    return len(rest) > len(initials) and all(fold(a) == fold(w[0]) for a, w in zip(initials, rest, strict=False))


def resolve_in_document(cands: list[_Cand], text: str, lang: str, countries: dict[str, str],
                        genders_of: Callable[[int, int], frozenset[str]] | None = None) -> list[_Cand]:
    """Within-document resolution: surnames to full names, abbreviations to their names.

    A one-word mention (or initials and a surname: "О. Смирнова") resolves to a full PERSON
    name of the document with the same surname (the first word of a Russian name written
    surname first: "Петрова Анна Сергеевна"); a Russian mention must agree in gender with the
    full name when both are known ("Петров" is not "Анна Петрова"; "Петрова, его жена,
    заявила" is not "Иван Петров"), and initials must be those of the full name's given name.

    Args:
        cands: merged candidates sorted by start.
        text: the article text.
        lang: "en" or "ru".
        countries: folded country names (a country name is never relabelled PERSON).
        genders_of: ``(start, end) -> genders`` a mention may have in its sentence ("masc",
            "femn"; empty when unknown), from the tagger; None: no gender check.

    Returns:
        The candidates (new objects where something changed), same order.
    """
    # full names with their surname forms, computed once, not once per one-word mention
    full = [(i, c, _surname_forms(c, lang)) for i, c in enumerate(cands) if c.label == "PERSON"
            and len([w for w in _WORD_RE.findall(c.canonical) if len(w) > 1]) >= 2]
    out = list(cands)
    for i, c in enumerate(cands):
        if c.method != "model":
            continue
        words = _WORD_RE.findall(c.canonical)
        initials = [w for w in words[:-1] if len(w) == 1 and w.isupper()]
        if len(words) != 1 + len(initials) or (initials and c.label != "PERSON"):
            continue
        if c.label != "PERSON" and (c.label not in RELABEL_TO_PERSON or fold(c.canonical) in countries):
            continue
        probes = {words[-1], _last_word(text[c.start:c.end])}
        if c.normal:
            probes.add(_last_word(c.normal))
        matches = [(j, f) for j, f, forms in full
                   if j != i and any(_same_surname(p, forms, lang) for p in probes)
                   and (not initials or _initials_agree(initials, f.canonical))]
        if matches and genders_of is not None and (lang == "ru" or is_cyrillic(c.canonical)):
            mine = genders_of(c.start, c.end)
            if mine:
                matches = [(j, f) for j, f in matches if _name_gender(f.canonical) in mine | {None}]
        if not matches:
            continue
        before = [m for m in matches if m[0] < i]
        j, target = before[-1] if before else matches[0]
        out[i] = replace(c, label="PERSON", canonical=target.canonical, key=target.key, method="coref",
                         country=target.country)
    return _resolve_abbreviations(out, text)


def _initials(name: str) -> str:
    return "".join(w[0] for w in _WORD_RE.findall(name) if w.lower() not in _ABBR_SKIP).upper()


_ABBR_AFTER_RE = re.compile(r"\s*\(\s*([A-ZА-ЯЁ]{2,10})\s*\)")


def _resolve_abbreviations(cands: list[_Cand], text: str) -> list[_Cand]:
    """"Afghan National Army (ANA)": the bracketed abbreviation, and every later model mention
    spelled the same, take the name's canonical and key (method "coref"). The abbreviation
    becomes a mention even when the model missed it."""
    abbr: dict[str, _Cand] = {}
    out: list[_Cand] = []
    occupied = {(c.start, c.end) for c in cands}
    for c in cands:
        surface = text[c.start:c.end]
        if c.method == "model" and surface in abbr:
            t = abbr[surface]
            c = replace(c, label=t.label, canonical=t.canonical, key=t.key, method="coref", country=t.country)
        out.append(c)
        m = _ABBR_AFTER_RE.match(text, c.end)
        if m is None or c.label == "PERSON" or len(_WORD_RE.findall(c.canonical)) < 2:
            continue
        short = m.group(1)
        if _initials(c.canonical) != short.upper() or short in abbr:
            continue
        abbr[short] = c
        if (m.start(1), m.end(1)) not in occupied and not any(
                o.start < m.end(1) and m.start(1) < o.end for o in cands):
            out.append(replace(c, start=m.start(1), end=m.end(1), method="coref", normal=""))
    result: list[_Cand] = []
    for c in sorted(out, key=lambda c: (c.start, c.end)):
        if result and result[-1].start == c.start and result[-1].end == c.end:
            continue
        if c.method == "model" and text[c.start:c.end] in abbr and abbr[text[c.start:c.end]].start < c.start:
            t = abbr[text[c.start:c.end]]
            c = replace(c, label=t.label, canonical=t.canonical, key=t.key, method="coref", country=t.country)
        result.append(c)
    return result


def describe(article: Article) -> list[dict[str, Any]]:
    """A plain view of ``article.entities`` for debugging and reports (one dict per mention)."""
    return [
        {"text": e.text, "label": e.label, "canonical": e.canonical, "key": e.entity_key,
         "method": e.method, "start": e.start, "end": e.end, "country": e.country}
        for e in article.entities
    ]
