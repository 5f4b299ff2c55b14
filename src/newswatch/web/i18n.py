"""Interface languages: message catalogues (``locales/<lang>.json``) and language choice.

A catalogue is a flat JSON object from a message key (``nav.map``, ``error.selection-too-long``)
to a text with ``{name}`` placeholders. English is complete; a key missing from another
catalogue falls back to English (a test checks that ``ru`` has every key).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from markupsafe import Markup

#: Interface languages, the first is the default.
LANGUAGES = ("en", "ru")
#: Cookie remembering the reader's choice.
LANG_COOKIE = "nw_lang"


def load_catalogues() -> dict[str, dict[str, str]]:
    """Read every catalogue from the package data.

    Returns:
        ``{lang: {key: text}}`` for each of :data:`LANGUAGES`.

    Raises:
        FileNotFoundError, json.JSONDecodeError: a catalogue is missing or malformed.
    """
    folder = resources.files("newswatch.web").joinpath("locales")
    return {
        lang: json.loads(folder.joinpath(f"{lang}.json").read_text("utf-8"))
        for lang in LANGUAGES
    }


@dataclass(frozen=True, slots=True)
class Translator:
    """Messages of one language, with English as fallback.

    Call it: ``t("error.selection-too-long", limit=300)``. An unknown key returns the key
    itself, so a missing text is visible rather than silent.
    """

    lang: str
    messages: Mapping[str, str]
    fallback: Mapping[str, str]

    def __call__(self, key: str, **params: Any) -> str:
        text = self.messages.get(key) or self.fallback.get(key) or key
        if params:
            try:
                return text.format(**params)
            except (KeyError, IndexError, ValueError):
                return text
        return text

    def markup(self, key: str, **params: Any) -> Markup:
        """The message as HTML: its text escaped, each parameter escaped unless it is
        already :class:`markupsafe.Markup` (``Markup("<bdi>%s</bdi>") % note`` isolates a
        user's text inside the sentence)."""
        text = Markup.escape(self.messages.get(key) or self.fallback.get(key) or key)
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text

    def has(self, key: str) -> bool:
        """Whether ``key`` has a text in this language or in English."""
        return key in self.messages or key in self.fallback


def translator(catalogues: Mapping[str, Mapping[str, str]], lang: str) -> Translator:
    """A :class:`Translator` for ``lang`` (the default language when unknown)."""
    if lang not in catalogues:
        lang = LANGUAGES[0]
    return Translator(lang, catalogues[lang], catalogues[LANGUAGES[0]])


def choose_language(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """Pick the interface language of a request.

    Order: the ``lang`` query parameter, the :data:`LANG_COOKIE` cookie, the first supported
    language of the ``Accept-Language`` header (RFC 9110 §12.5.4, q-values honoured), else
    the default.

    Returns:
        One of :data:`LANGUAGES`.
    """
    for value in (query, cookie):
        if value and value.lower() in LANGUAGES:
            return value.lower()
    if accept_language:
        ranked: list[tuple[float, int, str]] = []
        for i, part in enumerate(accept_language.split(",")):
            tag, _, param = part.strip().partition(";")
            q = 1.0
            if param.strip().startswith("q="):
                try:
                    q = float(param.strip()[2:])
                except ValueError:
                    q = 0.0
            ranked.append((-q, i, tag.strip().lower().split("-")[0]))
        for _, _, primary in sorted(ranked):
            if primary in LANGUAGES:
                return primary
    return LANGUAGES[0]
