"""Pipeline stages, one module (or package) each. Importing this package registers them all.

The names and their order come from :data:`newswatch.pipeline.DEFAULT_STAGES` (the one list);
``newswatch.stages.<name>`` must register a stage called ``<name>``.
"""

from importlib import import_module

from ..pipeline import DEFAULT_STAGES

for _name in DEFAULT_STAGES:
    import_module(f"{__name__}.{_name}")
