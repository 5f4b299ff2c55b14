"""Text helpers shared by every stage: case folding, script tests and the packaged data files.

The parse view shared by quotes, events and claims lives in :mod:`.syntax`.
"""

from __future__ import annotations

import json
import re
from importlib import resources

_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")


def fold(s: str) -> str:
    """Case-fold ``s`` and fold Russian ``ё`` to ``е`` (news text uses both spellings)."""
    return s.casefold().replace("ё", "е")


def is_cyrillic(s: str) -> bool:
    """True when ``s`` contains at least one Cyrillic letter."""
    return bool(_CYRILLIC_RE.search(s))


def load_json_data(name: str) -> object:
    """Read a JSON file shipped in ``newswatch/data``.

    Raises:
        FileNotFoundError: the file is not in the package.
        json.JSONDecodeError: the file is not valid JSON.
    """
    return json.loads(resources.files("newswatch.data").joinpath(name).read_text("utf-8"))
