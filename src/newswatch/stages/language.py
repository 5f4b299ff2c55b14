"""Language identification with lingua 2.1.1 over a small candidate set.

The detector is built from the ``language_candidates`` setting (default en, ru, uk, kk,
be, bg: the two working languages and their closest neighbours). Loading all 75 lingua
languages costs 1.3 GB and 8-10 s and produces spurious guesses (Basque for "Rate it");
the restricted set adds about 160 MB RSS and takes 1-5 s to build (measured here on one
core, the slower figure with the machine loaded); detection takes 1.4-1.7 ms per article.

A language already on the article (a JSON Lines ``language`` field, a feed's channel
language, ``--language``) is kept. Text too short to decide, or a best guess below
``MIN_CONFIDENCE``, leaves ``language`` as None and records why in
``article.meta["language_reason"]``; nothing is raised.

Short texts (a headline, a one-line feed item: ``SHORT_MIN_LETTERS`` to ``MIN_LETTERS``
letters) are decided too, with a stricter ``SHORT_MIN_CONFIDENCE``; when the text itself is
that short the article's title is read with it. Before the confidence test, candidates whose
alphabet lacks a Cyrillic letter of the text are set aside (``ALPHABETS``: Ukrainian has no
ы, э, ё, ъ; Bulgarian no ы, э, ё; Belarusian no и, щ, ъ), and lingua's values are renormalised
over the rest; this is what separates a short Russian line from its neighbours.
"""

from __future__ import annotations

from typing import Any

from ..errors import PipelineConfigError
from ..model import Article
from ..pipeline import Stage, model_loading, register
from ..settings import load as load_settings

#: Fewer letters than this and no language is assigned. Calibrated on 1,000 snippets of
#: the shared corpora (kremlin_en + wh_afghanistan for en, nerel_ru_wikinews for ru) with
#: the default candidates: at >= 20 letters 98% get a language and 0.6% of those are wrong
#: (Russian taken for Ukrainian/Bulgarian); at >= 12 letters 1.7% are wrong.
MIN_LETTERS = 20
#: lingua's relative confidence of the best language must reach this (same calibration:
#: 0.5 keeps 98% of 20-letter snippets; 0.6 would drop 4% to remove 2 more errors).
MIN_CONFIDENCE = 0.5
#: Texts with at least this many letters (and fewer than ``MIN_LETTERS``) are decided only
#: when lingua's best value, after the alphabet filter, reaches ``SHORT_MIN_CONFIDENCE``.
#: Calibrated on 400 Russian (nerel_ru_wikinews) and 369 English (kremlin_en, White House)
#: random snippets of 2-4 words and 10-19 letters: at 0.7, 74% of the Russian ones are decided
#: with 2.0% wrong (0.5: 92% decided, 4.9% wrong; lingua alone at 0.7: 70%, 2.1% wrong);
#: English snippets: all decided, none wrong.
SHORT_MIN_LETTERS = 10
SHORT_MIN_CONFIDENCE = 0.7
#: Cyrillic alphabets (lower case) of the Cyrillic candidates, from their standard
#: orthographies; a candidate is set aside when the text has a Cyrillic letter its alphabet
#: lacks. Languages not listed here are never set aside.
ALPHABETS: dict[str, frozenset[str]] = {
    "ru": frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя"),
    "uk": frozenset("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"),
    "be": frozenset("абвгдеёжзійклмнопрстуўфхцчшыьэюя"),
    "bg": frozenset("абвгдежзийклмнопрстуфхцчшщъьюя"),
    "kk": frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі"),
}
#: Only the first characters are used: on whole articles the decision does not change
#: (0 errors on 600 articles >= 100 characters) and it bounds the cost (6.4 ms per White
#: House/Kremlin article on full text, 0.8 ms on the first 3,000 characters).
DETECT_MAX_CHARS = 3000


@register("language")
class LanguageStage(Stage):
    """Sets ``language`` (ISO 639-1) and ``language_confidence`` (lingua's relative
    confidence in [0, 1]) unless a language is already set.

    Args:
        candidates: ISO 639-1 codes to choose among (default: the ``language_candidates``
            setting).
    """

    name = "language"
    version = "1"
    requires = ("text",)
    #: ``meta`` gets ``language_reason`` (why a language was or was not set).
    provides = ("language", "language_confidence", "meta")

    def __init__(self, candidates: tuple[str, ...] | None = None) -> None:
        self.candidates = candidates
        self._languages: list[Any] = []
        self._detector: Any = None

    def initialize(self) -> None:
        """Check the candidates; the lingua detector (preloaded models for them) is built on
        the first text that needs it (:meth:`detect`).

        A run whose articles all come with a language (JSON Lines with a ``language`` field,
        ``--language``) never builds it: the build costs 1-5 CPU seconds and about 160 MB,
        which such a run would pay for nothing.

        Raises:
            PipelineConfigError: a candidate code is not a language lingua knows.
        """
        from lingua import IsoCode639_1, Language

        codes = self.candidates or tuple(
            c.strip().lower() for c in load_settings().language_candidates.split(",")
            if c.strip())
        languages = []
        for code in codes:
            try:
                languages.append(Language.from_iso_code_639_1(IsoCode639_1.from_str(code)))
            except ValueError:
                raise PipelineConfigError(
                    f"language_candidates: {code!r} is not an ISO 639-1 code lingua knows"
                ) from None
        if len(languages) < 2:
            raise PipelineConfigError("language_candidates needs at least two languages")
        self.candidates = codes
        self._languages = languages
        self._detector = None

    def _built(self) -> Any:
        """The lingua detector for the candidates, built on first use (after ``initialize``)."""
        if self._detector is None:
            from lingua import LanguageDetectorBuilder

            with model_loading("language detector"):
                self._detector = (LanguageDetectorBuilder.from_languages(*self._languages)
                                  .with_preloaded_language_models().build())
        return self._detector

    def detect(self, text: str) -> tuple[str | None, float | None, str]:
        """Identify the language of ``text`` (see the module docstring for short texts).

        Returns:
            ``(code, confidence, reason)``: an ISO 639-1 code and lingua's relative
            confidence, or ``(None, None | best confidence, reason)`` when undecided.

        Raises:
            PipelineConfigError: ``initialize()`` has not run on this instance.
        """
        self._check_ready()
        sample = text[:DETECT_MAX_CHARS]
        letters = sum(1 for ch in sample if ch.isalpha())
        if letters < SHORT_MIN_LETTERS:
            return None, None, f"too short: {letters} letters (< {SHORT_MIN_LETTERS})"
        threshold = MIN_CONFIDENCE if letters >= MIN_LETTERS else SHORT_MIN_CONFIDENCE
        values = self._alphabet_filtered(sample)
        if not values:
            return None, None, "undetermined: no candidate language matched"
        code, value = values[0]
        if value < threshold:
            short = " (short text)" if letters < MIN_LETTERS else ""
            return None, round(value, 4), (
                f"undetermined: best guess {code} at {value:.2f} (< {threshold}){short}")
        return code, round(value, 4), "detected"

    def _alphabet_filtered(self, sample: str) -> list[tuple[str, float]]:
        """lingua's ``(code, value)`` pairs, best first, without the candidates whose alphabet
        lacks a Cyrillic letter of ``sample``, renormalised to sum to 1."""
        values = [(v.language.iso_code_639_1.name.lower(), float(v.value))
                  for v in self._built().compute_language_confidence_values(sample)]
        cyrillic = {ch for ch in sample.lower() if "\u0400" <= ch <= "\u04ff"}
        kept = [(c, v) for c, v in values if c not in ALPHABETS or cyrillic <= ALPHABETS[c]]
        total = sum(v for _, v in kept)
        if not kept or total <= 0:
            return values
        return sorted(((c, v / total) for c, v in kept), key=lambda cv: -cv[1])

    def process(self, article: Article) -> None:
        """Fill ``language``/``language_confidence``; keep a language already set."""
        if article.language:
            article.meta.setdefault("language_reason", "given")
            return
        text = article.text
        title = article.title or ""
        if (title and title not in text
                and sum(ch.isalpha() for ch in text[:DETECT_MAX_CHARS]) < MIN_LETTERS):
            text = f"{title}\n{text}"  # a one-line item: its headline is part of the evidence
        code, confidence, reason = self.detect(text)
        article.language = code
        article.language_confidence = confidence if code else None
        article.meta["language_reason"] = reason
