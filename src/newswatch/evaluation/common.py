"""Small helpers shared by the task scorers: document selection and system bookkeeping."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from .datasets import DatasetError
from .report import EvalResult, Row, SystemRun, peers_for
from .systems import StageUnavailable, Systems

T = TypeVar("T")


def first(records: Sequence[T], limit: int | None) -> tuple[list[T], int]:
    """The first ``limit`` records (all when ``limit`` is None) and how many were left out.

    Raises:
        ValueError: ``limit`` is negative.
    """
    if limit is None:
        return list(records), 0
    if limit < 0:
        raise ValueError("limit must be >= 0")
    return list(records[:limit]), max(0, len(records) - limit)


def new_result(name: str, data: Path, total: int, limit: int | None,
               newswatch_label: str, baseline_label: str,
               systems: Sequence[str]) -> EvalResult:
    """An empty :class:`EvalResult` with both system slots (those not requested are marked so)."""
    runs = {
        "newswatch": SystemRun("newswatch", newswatch_label),
        "baseline": SystemRun("baseline", baseline_label),
    }
    for key, run in runs.items():
        if key not in systems:
            run.available = False
            run.reason = "not requested in this run"
    return EvalResult(name, str(data), total, limit, runs)


def mark_unavailable(result: EvalResult, system: str, exc: StageUnavailable | str) -> None:
    """Record that ``system`` could not run (its scores stay None)."""
    run = result.systems[system]
    run.available = False
    run.reason = str(exc)


def row(dataset: str, metric: str, scores: dict[str, float | None], docs: int, skipped: int,
        support: int | str | None = None, higher_is_better: bool = True) -> Row:
    """A :class:`Row` with the peer figures recorded for ``(dataset, metric)``."""
    return Row(dataset, metric, scores.get("newswatch"), scores.get("baseline"), higher_is_better,
               docs, skipped, support, peers_for(dataset, metric))


def probe(result: EvalResult, system: str, check: Any) -> bool:
    """Call ``check()`` (which raises StageUnavailable when a stage is missing) for ``system``.

    Returns:
        True when the system is requested and available.
    """
    run = result.systems[system]
    if not run.available:
        return False
    try:
        check()
    except StageUnavailable as exc:
        mark_unavailable(result, system, exc)
        return False
    return True


__all__ = ["Systems", "first", "new_result", "mark_unavailable", "row", "probe"]


R = TypeVar("R")


def bundled_records(folder: Path, name: str, parse: Callable[[dict[str, Any]], R]) -> list[R]:
    """Read the JSON Lines gold file ``folder/name`` of a bundled evaluation: every non-blank
    line a JSON object, turned into a record by ``parse``.

    Raises:
        DatasetError: the file is missing, or a line is not JSON or ``parse`` refuses it
            (``ValueError``, ``KeyError``, ``TypeError``, ``IndexError``, ``OSError``: a
            missing field, a bad value, a file it names that cannot be read); the subject
            names the file and line.
    """
    gold = Path(folder) / name
    if not gold.is_file():
        raise DatasetError(f"no {name} in {folder}", subject=str(folder))
    out = []
    for n, raw in enumerate(gold.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            out.append(parse(json.loads(raw)))
        except DatasetError as exc:
            raise DatasetError(exc.message, subject=f"{gold}:{n}") from None
        except (ValueError, KeyError, TypeError, IndexError, OSError) as exc:
            raise DatasetError(f"bad record: {exc}", subject=f"{gold}:{n}") from None
    return out
