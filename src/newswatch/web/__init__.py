"""The web dashboard: map, timeline, reader, dossiers, claims, search and exports over a store.

Start it with ``newswatch serve --db FILE`` (see :mod:`newswatch.cli.web`) or build the ASGI
app yourself::

    from newswatch.web import create_app, load_config
    app = create_app(load_config("sqlite:///newswatch.sqlite"))

The names are imported on first use, so that ``newswatch --help`` (which registers the
dashboard's commands) does not pay for importing FastAPI.
"""

from __future__ import annotations

from typing import Any

__all__ = ["WebConfig", "create_app", "load_config"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    if name in ("WebConfig", "load_config"):
        from . import config

        return getattr(config, name)
    raise AttributeError(name)
