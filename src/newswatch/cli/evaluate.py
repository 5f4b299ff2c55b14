"""``newswatch eval``: score newswatch and the bare libraries on an evaluation set.

Register in the main CLI with ``app.command("eval")(eval_command)`` (typer turns an
``add_typer`` sub-app into a command *group*, which would make it ``newswatch eval eval NAME``);
the call is then ``newswatch eval NAME --data DIR [--format json] [--limit N]``. ``eval_app``
(one command) runs the same thing stand-alone: ``python -m newswatch.cli.evaluate NAME``.
``NAME`` is a dataset (``newswatch eval list`` prints them) or ``all``; ``--data`` is the
dataset folder, or for ``all`` the folder holding every dataset folder.

Exit codes: 0 scored; 2 usage error (unknown name, bad option); 3 a dataset file is missing
or malformed (the message names the file).
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Format, FormatOpt

#: A dataset file is missing or malformed: the "nothing could be processed" code of every command.
EXIT_DATA = EXIT_FAILED

eval_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False,
                       help="Score newswatch against gold evaluation sets, beside the bare libraries.")


class Which(StrEnum):
    """Which systems to run."""

    both = "both"
    newswatch = "newswatch"
    baseline = "baseline"


@eval_app.command("eval")
def eval_command(
    name: Annotated[str, typer.Argument(help="Dataset name (see 'list'), 'all', or 'list'.")],
    data: Annotated[Path | None, typer.Option(
        "--data", help="Dataset folder (for 'all': the folder of dataset folders). "
                       "Default: the dataset's folder under the eval_data setting ($NEWSWATCH_EVAL_DATA) "
                       "or ../shared/eval.")] = None,
    fmt: FormatOpt = Format.text,
    limit: Annotated[int | None, typer.Option("--limit", min=1,
                                              help="Score only the first N documents of each gold file.")] = None,
    systems: Annotated[Which, typer.Option("--systems", help="Run newswatch, the baseline, or both.")] = Which.both,
) -> None:
    """Score NAME and print a table (or JSON): newswatch, bare library, published peer."""
    from ..errors import NewswatchError
    from ..evaluation.report import render_rich
    from ..evaluation.runner import default_data_root, folder_of, registry, run, run_all
    from ..evaluation.systems import Systems

    reg = registry()
    if name == "list":
        for ev in reg.values():
            typer.echo(f"{ev.name}\t{ev.task}")
        raise typer.Exit(EXIT_OK)
    if name != "all" and name not in reg:
        typer.echo(f"unknown evaluation {name!r}; known: {', '.join(reg)}, all, list", err=True)
        raise typer.Exit(EXIT_USAGE)
    root = default_data_root()
    if data is None and root is None and name != "all" and reg[name].bundled:
        # a bundled set (eval/captures/, eval/conflict-news/) needs no shared data: its scorer
        # falls back to the copy in the repository
        data = Path(".")
    if data is None:
        if root is None:
            typer.echo("no --data given, the eval_data setting ($NEWSWATCH_EVAL_DATA) is empty "
                       "and ../shared/eval is absent", err=True)
            raise typer.Exit(EXIT_USAGE)
        data = root if name == "all" else root / folder_of(name)
    which = ("newswatch", "baseline") if systems is Which.both else (systems.value,)
    shared = Systems()
    try:
        results = run_all(data, shared, limit, which) if name == "all" else [run(name, data, shared, limit, which)]
    except NewswatchError as exc:
        typer.echo(exc.line(), err=True)
        raise typer.Exit(EXIT_DATA) from None
    if fmt is Format.json:
        payload = [r.to_dict() for r in results]
        sys.stdout.write(json.dumps(payload if name == "all" else payload[0], ensure_ascii=False,
                                    indent=1, default=str) + "\n")
    else:
        from rich.console import Console

        render_rich(results, Console(width=200))


if __name__ == "__main__":
    eval_app()
