"""ISO 3166-1 country codes shared by the analysis stages and the store (pycountry, imported on
first use), in a module of their own so that the storing process does not import an analysis
stage to convert a code."""

from __future__ import annotations

from functools import cache


@cache
def _alpha3(alpha2: str) -> str | None:
    """ISO 3166-1 alpha-2 → alpha-3 (pycountry), None when unknown."""
    import pycountry

    c = pycountry.countries.get(alpha_2=alpha2.upper())
    return c.alpha_3 if c else None


def alpha3(alpha2: str | None) -> str | None:
    """ISO 3166-1 alpha-3 code of an alpha-2 code (None for None or an unknown code)."""
    return _alpha3(alpha2) if alpha2 else None
