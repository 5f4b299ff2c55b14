"""Pairing of quotation marks in English and Russian news text (pure functions, no models).

Marks handled: guillemets « », low-high „ “ (Russian/German inner quotes), curly “ ” and the
straight ASCII quote " (paired by alternation). Single quotes are not used as quotation marks:
they are apostrophes far more often ("Russia’s"). Pairing runs paragraph by paragraph (a line
break ends every open quote), with a stack, so nested quotes stay inside the outer one::

    «Он сказал: „Мы уходим“», — сообщил источник.   -> one segment, the outer one

A typographic opener left open at the end of a paragraph is closed there only when the next
paragraph starts with the same opener (the convention for a quotation that runs over several
paragraphs); otherwise the stray mark is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

#: opener -> the closers that end it.
_CLOSERS = {"«": "»", "„": "“”", "“": "”", '"': '"'}


@dataclass(frozen=True, slots=True)
class QuotedSegment:
    """One outermost quotation: marks at ``open_at`` and ``close_at`` (``close_at`` is the
    offset of the closing mark, or the paragraph end for a run-on quote); the content is
    ``text[open_at + 1:close_at]``."""

    open_at: int
    close_at: int

    @property
    def content_start(self) -> int:
        """Offset of the first character inside the marks."""
        return self.open_at + 1


def find_quoted_segments(text: str) -> list[QuotedSegment]:
    """Outermost quoted segments of ``text`` in order.

    Args:
        text: any text; offsets are ``str`` code points.

    Returns:
        Non-overlapping segments sorted by ``open_at``; an empty list when there are none.
    """
    out: list[QuotedSegment] = []
    para_start = 0
    n = len(text)
    while para_start <= n:
        para_end = text.find("\n", para_start)
        if para_end < 0:
            para_end = n
        out.extend(_pair_paragraph(text, para_start, para_end))
        para_start = para_end + 1
    return out


def _pair_paragraph(text: str, start: int, end: int) -> list[QuotedSegment]:
    stack: list[tuple[str, int]] = []
    out: list[QuotedSegment] = []
    for i in range(start, end):
        ch = text[i]
        if stack and ch in _CLOSERS[stack[-1][0]]:
            opener, at = stack.pop()
            if not stack:
                out.append(QuotedSegment(at, i))
            continue
        if ch in _CLOSERS:
            stack.append((ch, i))
    if stack:
        opener, at = stack[0]
        nxt = text[end + 1:end + 2] if end < len(text) else ""
        if opener in "«“" and nxt == opener:
            out.append(QuotedSegment(at, end))
    return out
