"""Registry of settings: each has a name (with its unit), a default, a type and a help line.

Values are layered, later layers winning:

1. the packaged defaults declared in :data:`SETTINGS`;
2. environment variables ``NEWSWATCH_<NAME>`` (upper-case setting name), e.g.
   ``NEWSWATCH_MAX_INPUT_BYTES=20000000``;
3. explicit overrides passed to :func:`load` (what the CLI builds from its flags).

Settings are read when :func:`load` is called, never at import time. A numeric setting
carries its unit at the end of its name (``_bytes``, ``_seconds``, ``_chars``...); a test
checks that every setting has a help line and a unit.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import NewswatchError

#: Prefix of the environment variables that override settings.
ENV_PREFIX = "NEWSWATCH_"

#: Name suffixes accepted as units for numeric settings.
UNIT_SUFFIXES = ("_bytes", "_seconds", "_chars", "_count", "_ratio")


class SettingsError(NewswatchError):
    """A setting name is unknown or a value cannot be parsed as the setting's type."""

    code = "settings"


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting.

    Attributes:
        name: lower-case identifier ending with its unit for numbers, e.g. ``max_input_bytes``.
        default: the packaged default; its Python type is the setting's type.
        help: one line for ``--help`` and the docs.
    """

    name: str
    default: int | float | str | bool
    help: str

    @property
    def env_var(self) -> str:
        """The environment variable that overrides this setting."""
        return ENV_PREFIX + self.name.upper()

    def parse(self, raw: str | int | float | bool) -> int | float | str | bool:
        """Convert ``raw`` (an env string or an override value) to this setting's type.

        Raises:
            SettingsError: the value is not valid for the type (or negative for a number).
        """
        kind = type(self.default)
        try:
            if kind is bool:
                value: Any = _parse_bool(raw)
            elif kind is int:
                value = int(str(raw).strip()) if not isinstance(raw, int) else raw
            elif kind is float:
                value = float(str(raw).strip())
            else:
                value = str(raw)
        except ValueError as exc:
            raise SettingsError(
                f"{self.name}: cannot read {raw!r} as {kind.__name__}", subject=self.env_var
            ) from exc
        if kind in (int, float) and value < 0:
            raise SettingsError(f"{self.name}: must not be negative, got {raw!r}",
                                subject=self.env_var)
        return value


def _parse_bool(raw: str | int | float | bool) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(text)


#: Every setting newswatch knows. Add new ones here (with unit and help); nowhere else.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "max_input_bytes", 10 * 1024 * 1024,
        "Largest input read (a file, a decompressed .gz, stdin, a fetched page, one JSON "
        "Lines record), in bytes; anything larger fails with 'too-large'.",
    ),
    Setting(
        "fetch_timeout_seconds", 20.0,
        "Timeout for connecting to and reading from a web server when an input is a URL, "
        "in seconds.",
    ),
    Setting(
        "fetch_user_agent", "newswatch/0.1 (+https://github.com/newswatch/newswatch)",
        "User-Agent header sent when fetching URL inputs.",
    ),
    Setting(
        "fetch_allowed_hosts", "",
        "Comma-separated host names (as written in URLs, e.g. 'intranet.example,10.0.0.5') "
        "that URL inputs may fetch from although they resolve to loopback, private, "
        "link-local or other internal addresses; empty: no internal host is fetched.",
    ),
    Setting(
        "fetch_max_redirects_count", 5,
        "Most HTTP redirects followed for one URL input; every hop is checked again.",
    ),
    Setting(
        "walk_max_depth_count", 32,
        "Deepest folder level read below an input folder; deeper folders are reported "
        "('too-deep') and skipped.",
    ),
    Setting(
        "feed_max_items_count", 1000,
        "Most entries read from one RSS/Atom feed; the rest are reported ('too-large').",
    ),
    Setting(
        "analysis_max_text_chars", 200_000,
        "Longest text analysed per article, in characters (code points); a longer text is "
        "cut at the last paragraph or sentence break before the limit, and a warning says so.",
    ),
    Setting(
        "analysis_timeout_seconds", 300.0,
        "Time budget of the analysis of one article, in seconds; an article over it is "
        "quarantined ('over-budget') and the batch goes on. 0: no time budget.",
    ),
    Setting(
        "analysis_memory_bytes", 6 * 1024 ** 3,
        "Address-space budget of the analysis worker process, in bytes (RLIMIT_AS, models "
        "included); an article that needs more is quarantined ('over-budget'). 0: no limit.",
    ),
    Setting(
        "analysis_worker", True,
        "Analyse in a separate worker process under the time and memory budgets (models load "
        "once per worker); false: analyse in the calling process without budgets.",
    ),
    Setting(
        "language_candidates", "en,ru,uk,kk,be,bg",
        "Comma-separated ISO 639-1 codes the language detector chooses among (each one "
        "costs memory; all 75 lingua languages take 1.3 GB).",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


class Settings(Mapping[str, Any]):
    """Resolved setting values; read them as attributes or by key.

    Example:
        ``load().max_input_bytes`` -> ``10485760``.
    """

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Settings({self._values!r})"


def load(overrides: Mapping[str, Any] | None = None,
         env: Mapping[str, str] | None = None) -> Settings:
    """Resolve every setting: defaults < environment < ``overrides``.

    Args:
        overrides: values from the caller (CLI flags); ``None`` values are ignored.
        env: the environment to read (defaults to ``os.environ``).

    Returns:
        A :class:`Settings` mapping with one value per registered setting.

    Raises:
        SettingsError: an override names an unknown setting, or a value does not parse.
    """
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for s in SETTINGS:
        values[s.name] = s.default
        if s.env_var in env:
            values[s.name] = s.parse(env[s.env_var])
    for name, raw in (overrides or {}).items():
        if name not in _BY_NAME:
            raise SettingsError(f"unknown setting {name!r}; known: {sorted(_BY_NAME)}")
        if raw is not None:
            values[name] = _BY_NAME[name].parse(raw)
    return Settings(values)


def describe() -> list[tuple[str, str, str]]:
    """``(name, default, help)`` rows for documentation and ``--help`` output."""
    return [(s.name, repr(s.default), s.help) for s in SETTINGS]
