"""Pipeline stages, one module each. Importing this package registers them all."""

from importlib import import_module

_MODULES = ("language", "nlp", "entities", "quotes", "figures", "timexes", "geocode", "events", "claims")

for _name in _MODULES:
    try:
        import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _exc:  # a stage module not written yet
        if _exc.name != f"{__name__}.{_name}":
            raise
