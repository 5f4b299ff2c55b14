"""Configuration of one dashboard instance, resolved from the settings registry.

The dashboard's settings are the ``web_*`` entries of :data:`newswatch.settings.SETTINGS`
(one registry, one loader: :func:`newswatch.settings.load`); each is overridden by the
environment variable ``NEWSWATCH_<NAME>`` (e.g. ``NEWSWATCH_WEB_OPEN_READ=0``) and then by
explicit overrides (what ``newswatch serve`` builds from its flags). They are read when
:func:`load_config` is called, never at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from ..settings import SETTINGS, Setting, SettingsError, load

#: The dashboard's settings: the ``web_*`` entries of the one registry
#: (:data:`newswatch.settings.SETTINGS`), documented in docs/settings.md.
WEB_SETTINGS: tuple[Setting, ...] = tuple(s for s in SETTINGS if s.name.startswith("web_"))

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
    verify_analysts_count: int = 1
    max_body_bytes: int = 64 * 1024
    rate_limit_count: int = 30
    login_limit_count: int = 10
    rate_window_seconds: float = 60.0
    session_max_age_seconds: int = 14 * 24 * 3600
    secure_cookies: bool = False
    trusted_proxies: str = ""
    allowed_hosts: str = ""
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
    named: dict[str, Any] = {}
    for name, raw in (overrides or {}).items():
        key = name if name.startswith("web_") else f"web_{name}"
        if key not in _BY_NAME:
            raise SettingsError(f"unknown web setting {name!r}; known: {sorted(_BY_NAME)}")
        named[key] = raw
    values = load(named, env=env)
    known = {f.name for f in fields(WebConfig)}
    kwargs = {k[len("web_"):]: v for k, v in values.items()
              if k.startswith("web_") and k[len("web_"):] in known}
    return WebConfig(db_url=db_url, **kwargs)
