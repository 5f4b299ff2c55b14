"""Pipeline stages, one module (or package) each.

The names and their order come from :data:`newswatch.pipeline.DEFAULT_STAGES` (the one list);
``newswatch.stages.<name>`` must register a stage called ``<name>``. Importing this package
registers nothing: :func:`register_all` imports every stage module (the pipeline calls it
before it creates a stage), so that a process which only needs a helper of one stage (the
storing process of ``ingest`` reads the alias file through
:mod:`newswatch.stages.entities.aliases`) does not import all the analysis stages (about
0.25 CPU s a process).
"""

from importlib import import_module


def register_all() -> None:
    """Import ``newswatch.stages.<name>`` for every name of
    :data:`newswatch.pipeline.DEFAULT_STAGES`, registering each stage (idempotent)."""
    from ..pipeline import DEFAULT_STAGES

    for name in DEFAULT_STAGES:
        import_module(f"{__name__}.{name}")
