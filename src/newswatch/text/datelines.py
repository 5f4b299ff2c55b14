"""Wire-service datelines: where (and often when) a story was filed, at the head of a line.

One home for the dateline pattern: the geocode stage reads the filing place from it, and the
events stage keeps its words out of the parties and dates of the events told after it (the
dateline says where and when the story was filed, not who did what or when).
"""

from __future__ import annotations

import re

#: A wire-service dateline in capitals at the start of a line (AP and Reuters style, the AP
#: Stylebook's "datelines" entry): the city the story was filed from, then optionally a comma
#: one or two parts, each opening with a capital or a digit (state or country: "RALEIGH, N.C.",
#: "SEOUL, South Korea"; the date: "GALATI, Romania, Nov. 4"), then the
#: agency in brackets and/or a dash: "SAN DIEGO (AP) —", "PLEASANTON, Calif.--",
#: "ST. LOUIS –". A colon never closes one: capitals and a colon open transcript turns and
#: section heads ("MS. PSAKI:", "FACT SHEET:" in the White House texts of ``../shared/corpus``).
#: Russian agencies write the place in capitals too, and close a dated dateline with a full
#: stop as often as with a dash ("МОСКВА, 21 ноября. Россия и …"; TASS and Interfax style):
#: the stop closes one only after a day and a month word, so "ВАШИНГТОН, D.C." does not.
DATELINE_RE = re.compile(
    r"^[ \t]*(?P<place>[A-ZА-ЯЁ][A-ZА-ЯЁ'’.\-]*(?: [A-ZА-ЯЁ][A-ZА-ЯЁ'’.\-]*){0,3})"
    r"(?:(?:,[ \t]*(?P<part>[A-ZА-ЯЁ0-9][^\n(),/—–:]{0,29}?)){0,2}[ \t]*"
    r"(?:(?P<outlet>\([^()\n]{1,50}\))[ \t]*(?:[-–—]+)?|(?P<dash>[-–—]+|--))"
    r"|,[ \t]*(?P<dotdate>\d{1,2}[ \t]+[а-яё]{3,9})\.(?=[ \t]))",
    re.MULTILINE,
)
#: Fewest letters in a dateline place ("ROME"; not "US" or "UK" alone, which open many lines).
DATELINE_MIN_LETTERS = 3


def dateline_place(m: re.Match[str]) -> str | None:
    """The place of a :data:`DATELINE_RE` match, written in capitals with at least
    :data:`DATELINE_MIN_LETTERS` letters ("PORT SUDAN"), else None (a mixed-case line head)."""
    surface = m.group("place").rstrip("-–—.")
    letters = [ch for ch in surface if ch.isalpha()]
    if len(letters) < DATELINE_MIN_LETTERS or not all(ch.isupper() for ch in letters):
        return None
    if re.search("[А-ЯЁ]", surface) and not (m.group("part") or m.group("dotdate") or m.group("outlet")):
        return None  # "НАТО — это блок": Russian writes "X — Y" for "X is Y"; its datelines carry a date
    return surface


def dateline_spans(text: str, qualified: bool = False) -> list[tuple[int, int]]:
    """Character spans (start, end exclusive) of the datelines of ``text``: from the place to
    the closing bracket or dash ("PORT SUDAN, Nov 24 (Nile Desk) —").

    Args:
        text: an article's text.
        qualified: only datelines that carry more than a place and a dash: a comma part (date,
            state or country), an agency in brackets or a Russian dated form ("KABUL, Aug 3
            (Reuters) -"). A bare "WORD —" also opens a transcript line whose subject is an
            acronym ("FEMA — this was an announcement ... — is now supporting"), so a reader
            that cuts text away asks for these only.

    Returns:
        Spans in text order; [] when no line opens with a dateline.
    """
    return [(m.start("place"), m.end()) for m in DATELINE_RE.finditer(text) if dateline_place(m)
            and (not qualified or m.group("part") or m.group("outlet") or m.group("dotdate"))]
