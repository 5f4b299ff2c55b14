"""``newswatch batch`` (the map step on Dask, Parquet parts out) and ``newswatch load`` (parts
into a database, then the cross-article pass). See ``docs/scale.md``.

Exit codes (:mod:`.common`): 0 every input (article) processed; 1 some failed (one line each on
stderr; batch: also in ``quarantine/``); 2 usage error; 3 nothing processed (every input
failed, none found, or the database could not be opened).
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from ..errors import NewswatchError
from .common import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, DbOpt, Format, FormatOpt, db_url, err, open_store

InputsArg = Annotated[
    list[str],
    typer.Argument(help="WARC archives, JSON Lines shards, other files, or folders of them; one task per file."),
]
OutOpt = Annotated[Path, typer.Option("--out", help="Output folder: Parquet parts, manifest.jsonl, quarantine/.")]
SchedulerOpt = Annotated[
    str,
    typer.Option("--scheduler", help="Dask scheduler address (tcp://host:8786), or 'local' for a LocalCluster."),
]
WorkersOpt = Annotated[
    int, typer.Option("--workers", min=1, help="Worker processes of the local cluster (one thread each).")
]
ResumeOpt = Annotated[
    bool, typer.Option("--resume", help="Skip inputs whose manifest row says finished (same path, size, mtime).")
]
ProgressOpt = Annotated[
    bool | None,
    typer.Option("--progress/--no-progress", help="Show a progress bar (default: when stderr is a terminal)."),
]


def _shown(progress: bool | None) -> bool:
    return sys.stderr.isatty() if progress is None else progress


def batch(
    inputs: InputsArg,
    out: OutOpt,
    scheduler: SchedulerOpt = "local",
    workers: WorkersOpt = 2,
    resume: ResumeOpt = False,
    fmt: FormatOpt = Format.text,
    progress: ProgressOpt = None,
) -> None:
    """Analyse inputs on a Dask cluster and write Parquet parts (no database; see `load`).

    One task per input file; the models load once per worker; each input's part has a fixed
    name, so a retried or repeated input replaces its files. Ends with a summary.
    """
    from ..scale.batch import run_batch
    from ..settings import load as load_settings

    try:
        summary = run_batch(inputs, scheduler=scheduler, workers=workers, out=out, resume=resume,
                            settings=load_settings(), progress=_shown(progress), on_error=err)
    except NewswatchError as exc:  # the scheduler did not answer
        err(exc.line())
        raise typer.Exit(EXIT_FAILED) from None
    if fmt is Format.json:
        typer.echo(json.dumps({k: v for k, v in asdict(summary).items() if k != "errors"}))
    else:
        typer.echo(
            f"batch: {summary.finished} inputs finished, {summary.skipped} skipped, "
            f"{summary.failed} failed; {summary.rows.get('articles', 0)} articles, "
            f"{summary.records_failed} records quarantined in {summary.seconds:.1f} s -> {out}")
    problems = summary.failed + summary.records_failed
    if not summary.finished and not summary.skipped:
        if not problems:
            err("no inputs found: the paths given hold no readable files (hidden files are skipped)")
        raise typer.Exit(EXIT_FAILED)
    raise typer.Exit(EXIT_PARTIAL if problems else EXIT_OK)


def load(
    folder: Annotated[Path, typer.Argument(help="Output folder of `newswatch batch`.")],
    db: DbOpt = None,
    fmt: FormatOpt = Format.text,
    progress: ProgressOpt = None,
) -> None:
    """Load Parquet parts into the database (idempotent), running the cross-article pass."""
    from tqdm import tqdm

    from ..scale.load import load_parts
    from ..settings import value as setting_value

    if not folder.is_dir():
        err(f"{folder}: not-found: no such folder")
        raise typer.Exit(EXIT_FAILED)
    store = open_store(db_url(db))
    bar = tqdm(desc="articles", unit="art", disable=not _shown(progress), file=sys.stderr, dynamic_ncols=True)
    try:
        summary = load_parts(folder, store, progress=bar.update, on_error=err,
                             batch_size=int(setting_value("save_batch_count")))
    finally:
        bar.close()
        store.close()
    if fmt is Format.json:
        typer.echo(json.dumps({k: v for k, v in asdict(summary).items() if k != "errors"}))
    else:
        typer.echo(f"loaded {summary.new} new, {summary.revised} revised, {summary.unchanged} unchanged, "
                   f"{summary.failed} failed from {summary.parts} parts ({summary.rows} rows, "
                   f"{summary.seconds:.1f} s) -> {db_url(db)}")
    ok = summary.new + summary.revised + summary.unchanged
    if not ok and not summary.failed:
        err(f"{folder}: empty: no Parquet parts found")
        raise typer.Exit(EXIT_FAILED)
    raise typer.Exit(EXIT_PARTIAL if summary.failed else EXIT_OK if ok else EXIT_FAILED)
