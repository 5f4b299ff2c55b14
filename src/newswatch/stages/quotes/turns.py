"""Speaker turns of transcripts: "Vladimir Putin: Mr President, …", "MS. PSAKI: Hi, everyone."

A transcript prints each turn as a *speaker label* — a name, optionally with its office
("President of Russia Vladimir Putin", "PRESIDENT GHANI", "MS. PSAKI", "Владимир Путин") — and
a colon, at the start of a paragraph or right after the end of the previous sentence (the
Kremlin's English texts run a whole conversation into one paragraph). The turn is that
speaker's words up to the next label. Interviewers are labelled without a name ("Q", "Question",
"Вопрос", "Interviewer", "Корр." — the abbreviation of "корреспондент"): their label ends the
previous turn and their words are not a quote. An interview's answers labelled without a name
("A", "Answer", "Ответ") are turns of a speaker the label does not name (speaker None), never a
person called "A". A label may end in an abbreviation's period ("Корр.:") and start with
initials ("О. Смирнова:").

What makes a label (so that "This begs the question: …", "Just for your information: …" or
"Президент Польши Анджей Дуда написал в Twitter: …" are not turns):

* at most :data:`MAX_LABEL_WORDS` words, no sentence punctuation inside (honorific
  abbreviations "MS." "Mr." allowed);
* every word capitalised, except connectors of office names ("of", "the", "and");
* it names a person (an NER PERSON mention inside it), or is written in capitals
  ("PRESIDENT BIDEN", "MODERATOR": the White House convention), or is an interviewer label;
* the document has at least :data:`MIN_TURNS` labels (one "Name: text" is a headline
  convention, not a transcript).

Pure functions on the text and its entity mentions; no models.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ...model import EntityMention
from ...text import fold

#: A label longer than this is a sentence ending in a colon, not a speaker.
MAX_LABEL_WORDS = 14
#: Fewer labels than this in a document: not a transcript.
MIN_TURNS = 2
#: Labels of an interviewer or an unnamed voice (folded): they end a turn and start no quote.
INTERVIEWER_LABELS = frozenset({"q", "question", "questions", "вопрос", "реплика", "voice", "голос",
                                "participant", "участник", "audience member", "из зала", "journalist",
                                "журналист", "interviewer", "reporter", "корр", "корреспондент",
                                "интервьюер"})
#: Labels of an interview's answers (folded): the interviewee's turn, but the label names nobody.
ANSWER_LABELS = frozenset({"a", "answer", "ответ"})
#: Lower-case words allowed inside a label (parts of office names).
_CONNECTORS = frozenset({"of", "the", "and", "for", "on", "de", "da", "van", "von", "al", "bin", "и", "по"})
#: Honorifics and office words dropped when a label has no PERSON mention ("MS. PSAKI" → Psaki).
_HONORIFICS = frozenset({"mr", "ms", "mrs", "dr", "sir", "madam", "the", "of", "господин", "госпожа"})

_ABBR = r"(?:Mr|Ms|Mrs|Dr|MR|MS|MRS|DR|Gen|GEN|Sen|SEN|Rep|REP)\.\s?"
#: One or two initials before a surname: "О. Смирнова", "J. R. Smith".
_INITIALS = r"(?:[A-ZА-ЯЁ]\.[ \u00a0]?){1,2}(?=[A-ZА-ЯЁ])"
_LABEL_RE = re.compile(
    r"(?:(?<=\n)|^|(?<=[.!?…»”\")>\]*]\s)|(?<=[.!?…»”\")>\]*]\s\s)|(?<=[.!?…»”\")>\]*]\u00a0))"
    rf"(?P<label>(?:{_ABBR}|{_INITIALS})?[A-ZА-ЯЁ][^\n:.!?…;,«»\"“”()<>\[\]]{{0,160}}?)"
    r"(?P<abbr>(?<=\w)\.)?[ \t\u00a0]?:(?=[ \t\u00a0\n])",
)
#: The White House's interviewer label: "Q" alone at the start of a line, then the question.
_Q_LINE_RE = re.compile(r"(?:(?<=\n)|^)Q[ \t\u00a0]+(?=\S)")
_TIMESTAMP_RE = re.compile(r"^\d{1,2}:\d{2}\s*[AaPp]\.?\s?[Mm]\.?")
_WORD_RE = re.compile(r"[\w'’-]+")
_OPENERS = "«“„\""


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaker turn: the label at ``[label_start, label_end)`` (without the colon), the
    speaker (canonical name, or None for an interviewer or an unnamed voice) and where the
    name was found, and the paragraphs of the turn as ``(start, end)`` spans of the text."""

    label_start: int
    label_end: int
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    interviewer: bool
    named: bool
    paragraphs: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class _Label:
    start: int
    end: int  # end of the label text
    content: int  # first offset after the colon
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    interviewer: bool
    named: bool


def _persons_in(entities: Sequence[EntityMention], start: int, end: int) -> list[EntityMention]:
    return [e for e in entities if e.label == "PERSON" and e.start < end and e.end > start]


def _known_person(entities: Sequence[EntityMention], surname: str) -> str | None:
    """The canonical name of a PERSON of the document whose last name word is ``surname``."""
    key = fold(surname)
    for e in entities:
        if e.label == "PERSON":
            words = _WORD_RE.findall(e.canonical)
            if words and fold(words[-1]) == key:
                return e.canonical
    return None


def _named_in_label(label: str, entities: Sequence[EntityMention]) -> tuple[str, int, int] | None:
    """A person of the document named in ``label`` although the NER found no mention there
    (scraped Kremlin labels glue name and office: "Nursultan Nazarbayev Nazarbayev Nursultan"):
    ``(canonical, offset in label, length)`` of the first full canonical name (two words or
    more) written in it, else of a person whose last name is a word of it."""
    folded = fold(label)
    people = list(dict.fromkeys(e.canonical for e in entities if e.label == "PERSON" and len(e.canonical.split()) > 1))
    hits = [(folded.find(fold(c)), c) for c in people if fold(c) in folded]
    if hits:
        at, c = min(hits)
        return c, at, len(c)
    words = [(m.start(), m.group(0)) for m in _WORD_RE.finditer(label)]
    everyone = sorted(dict.fromkeys(e.canonical for e in entities if e.label == "PERSON"),
                      key=lambda c: -len(c.split()))
    for c in everyone:
        last = fold(_WORD_RE.findall(c)[-1])
        for at, w in words:
            if fold(w) == last:
                return c, at, len(w)
    return None


def _label(text: str, m: re.Match[str], entities: Sequence[EntityMention],
           titles: frozenset[str]) -> _Label | None:
    label = m.group("label").rstrip()
    start, end = m.start("label"), m.start("label") + len(label)
    content = m.end() + 1
    key = fold(" ".join(label.split()))
    if key in INTERVIEWER_LABELS:
        return _Label(start, end, content, None, None, None, True, False)
    if m.group("abbr"):
        return None  # only an interviewer's abbreviation ("Корр.") ends a label with a period
    if key in ANSWER_LABELS:
        return _Label(start, end, content, None, None, None, False, False)
    words = label.split()
    if not words or len(words) > MAX_LABEL_WORDS:
        return None
    if any(not (w[0].isupper() or w in _CONNECTORS or w.rstrip(".") in ("Mr", "Ms", "Mrs", "Dr")) for w in words):
        return None
    persons = _persons_in(entities, start, end)
    if persons:
        e = persons[0]
        return _Label(start, end, content, e.canonical, e.start, e.end, False, True)
    named = _named_in_label(label, entities)
    if named is not None:
        canonical, at, length = named
        return _Label(start, end, content, canonical, start + at, start + at + length, False, True)
    letters = [c for c in label if c.isalpha()]
    if not letters or not all(c.isupper() for c in letters):
        return None
    # "PRESIDENT BIDEN", "MS. PSAKI", "THE PRESIDENT", "MODERATOR": name words without titles
    name = [w for w in _WORD_RE.findall(label)
            if fold(w) not in _HONORIFICS and fold(w) not in titles and len(w) > 1]  # not initials
    if not name:
        return _Label(start, end, content, None, None, None, False, False)
    surname = name[-1]
    known = _known_person(entities, surname)
    at = start + label.rfind(name[0])
    shown = " ".join(w.capitalize() if w.isupper() else w for w in name)
    return _Label(start, end, content, known or shown, at, end, False, known is not None)


def _paragraphs(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    out = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        a, b = pos, stop
        while a < b and text[a] in " \t\u00a0\n":
            a += 1
        while b > a and text[b - 1] in " \t\u00a0\n":
            b -= 1
        chunk = text[a:b]
        if a < b and _WORD_RE.search(chunk) and not _TIMESTAMP_RE.match(chunk) \
                and not (chunk.startswith("(") and chunk.endswith(")")):
            out.append((a, b))
        pos = stop + 1
    return tuple(out)


def label_matches(text: str) -> list[re.Match[str]]:
    """The matches of ``_LABEL_RE.finditer(text)``, searched only in the lines that hold a colon.

    A label lies inside one line (its characters exclude the line break) and ends with a
    colon, so a line without one holds none; a line is searched with the whole text around it
    (``finditer`` with ``pos`` and ``endpos``: the look-behinds see the text before the line,
    the look-ahead after the colon its line break). The pattern opens with look-behinds the
    regex engine tries at every position, which a text without colons in most of its lines
    then skips.
    """
    out: list[re.Match[str]] = []
    colon = text.find(":")
    while colon >= 0:
        start = text.rfind("\n", 0, colon) + 1
        end = text.find("\n", colon)
        end = len(text) if end < 0 else end + 1
        out.extend(_LABEL_RE.finditer(text, start, end))
        colon = text.find(":", end)
    return out


def find_turns(text: str, entities: Sequence[EntityMention], titles: frozenset[str] = frozenset()) -> list[Turn]:
    """Speaker turns of ``text`` in order (empty when it is not a transcript).

    Args:
        text: the article text (offsets are ``str`` code points).
        entities: its entity mentions (PERSON mentions name the speakers).
        titles: folded office nouns of the language ("president", "secretary") dropped from a
            capitalised label that has no PERSON mention.

    Returns:
        Turns sorted by position; a turn's paragraphs never include the next label.
    """
    labels: list[_Label] = []
    for m in label_matches(text):
        lab = _label(text, m, entities, titles)
        if lab is not None:
            labels.append(lab)
    if "Q" in text:  # every match holds a "Q"; the pattern's look-behind is tried at every position
        for m in _Q_LINE_RE.finditer(text):
            labels.append(_Label(m.start(), m.start() + 1, m.end(), None, None, None, True, False))
    labels.sort(key=lambda x: x.start)
    if sum(not x.interviewer for x in labels) < MIN_TURNS:
        return []
    out = []
    for k, lab in enumerate(labels):
        stop = labels[k + 1].start if k + 1 < len(labels) else len(text)
        paragraphs = _paragraphs(text, lab.content, stop)
        if paragraphs and text[paragraphs[0][0]] in _OPENERS:
            # 'Secretary Deb Haaland: “…”' labels one quoted statement (a fact sheet's layout),
            # not a turn that runs on over the paragraphs after it
            paragraphs = paragraphs[:1]
        out.append(Turn(lab.start, lab.end, lab.speaker, lab.speaker_start, lab.speaker_end,
                        lab.interviewer, lab.named, paragraphs))
    return out
