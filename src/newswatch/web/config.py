"""Settings of the web dashboard, declared like :data:`newswatch.settings.SETTINGS`.

Each setting has a name ending with its unit (for numbers), a default and a help line, and is
overridden by the environment variable ``NEWSWATCH_<NAME>`` (e.g. ``NEWSWATCH_WEB_OPEN_READ=0``)
and then by explicit overrides (what ``newswatch serve`` builds from its flags). They are read
when :func:`load_config` is called, never at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from ..settings import Setting, SettingsError

#: Every setting of the web layer. Documented in docs/web.md (a test checks it).
WEB_SETTINGS: tuple[Setting, ...] = (
    Setting(
        "web_open_read", True,
        "Let visitors who are not signed in read every page and the read API; when false, "
        "reading needs a signed-in user too. `newswatch serve` without --open-read/--closed-read "
        "and without NEWSWATCH_WEB_OPEN_READ opens reading only when it binds to loopback.",
    ),
    Setting(
        "web_tile_url", "",
        "URL template of a raster tile server for the map background, e.g. "
        "https://tiles.example.org/{z}/{x}/{y}.png; empty: country outlines only (offline).",
    ),
    Setting(
        "web_tile_attribution", "",
        "Attribution text shown on the map for the tile server of web_tile_url.",
    ),
    Setting(
        "web_max_selection_chars", 300,
        "Longest passage a reader may select for an error report, in characters; longer "
        "selections are refused (the issue's limit).",
    ),
    Setting(
        "web_max_comment_chars", 4000,
        "Longest comment accepted, in characters (about two screen pages).",
    ),
    Setting(
        "web_max_note_chars", 1000,
        "Longest note on an error report or a resolution, in characters.",
    ),
    Setting(
        "web_max_body_bytes", 64 * 1024,
        "Largest request body accepted by any endpoint, in bytes; larger requests get 413.",
    ),
    Setting(
        "web_rate_limit_count", 30,
        "Write requests (ratings, comments, reports, user changes) one user or address may "
        "make per web_rate_window_seconds; more get 429.",
    ),
    Setting(
        "web_login_limit_count", 10,
        "Sign-in attempts one address may make per web_rate_window_seconds; more get 429.",
    ),
    Setting(
        "web_rate_window_seconds", 60.0,
        "Length of the sliding window of the write and sign-in rate limits, in seconds.",
    ),
    Setting(
        "web_session_max_age_seconds", 14 * 24 * 3600,
        "How long a sign-in lasts, in seconds (default 14 days).",
    ),
    Setting(
        "web_secure_cookies", False,
        "Mark the session and CSRF cookies Secure on every response; they are marked Secure "
        "anyway on requests that arrive over HTTPS (directly or per a trusted proxy).",
    ),
    Setting(
        "web_trusted_proxies", "",
        "Comma-separated addresses or networks of reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto headers are believed (client address for rate limits, HTTPS for "
        "cookies); empty: forwarded headers are ignored, whoever sends them.",
    ),
    Setting(
        "web_page_size_count", 50,
        "Rows per page in lists (articles, search results, reports, mentions).",
    ),
    Setting(
        "web_map_max_features_count", 3000,
        "Most markers the map endpoint returns (busiest first).",
    ),
)

_BY_NAME = {s.name: s for s in WEB_SETTINGS}


@dataclass(frozen=True, slots=True)
class WebConfig:
    """Resolved configuration of one dashboard instance.

    Attributes:
        db_url: SQLAlchemy URL of the store.
        open_read: see the ``web_open_read`` setting; the other attributes are the settings
            of :data:`WEB_SETTINGS` without their ``web_`` prefix.
    """

    db_url: str
    open_read: bool = True
    tile_url: str = ""
    tile_attribution: str = ""
    max_selection_chars: int = 300
    max_comment_chars: int = 4000
    max_note_chars: int = 1000
    max_body_bytes: int = 64 * 1024
    rate_limit_count: int = 30
    login_limit_count: int = 10
    rate_window_seconds: float = 60.0
    session_max_age_seconds: int = 14 * 24 * 3600
    secure_cookies: bool = False
    trusted_proxies: str = ""
    page_size_count: int = 50
    map_max_features_count: int = 3000


def load_config(
    db_url: str,
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> WebConfig:
    """Resolve the web settings: defaults < environment < ``overrides``.

    Args:
        db_url: the store's URL.
        overrides: setting name (with or without the ``web_`` prefix) to value; ``None``
            values are ignored.
        env: the environment to read (default ``os.environ``).

    Returns:
        The :class:`WebConfig`.

    Raises:
        SettingsError: an unknown setting name or a value that does not parse.
    """
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for s in WEB_SETTINGS:
        values[s.name] = s.default
        if s.env_var in env:
            values[s.name] = s.parse(env[s.env_var])
    for name, raw in (overrides or {}).items():
        key = name if name.startswith("web_") else f"web_{name}"
        if key not in _BY_NAME:
            raise SettingsError(f"unknown web setting {name!r}; known: {sorted(_BY_NAME)}")
        if raw is not None:
            values[key] = _BY_NAME[key].parse(raw)
    known = {f.name for f in fields(WebConfig)}
    kwargs = {k[len("web_"):]: v for k, v in values.items() if k[len("web_"):] in known}
    return WebConfig(db_url=db_url, **kwargs)
