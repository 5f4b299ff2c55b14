"""What an evaluation run returns, and how it is printed (rich table, JSON, Markdown).

One :class:`EvalResult` per dataset: the systems that ran (newswatch and the bare-library
baseline), how many documents each scored, and a list of :class:`Row` — one metric on one
slice of the data with the newswatch score, the baseline score and, where the dataset README
or ``shared/design/field-notes.md`` gives one, a published peer figure with its source
(``data/eval_peer_figures.json``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from typing import Any

#: Names of the two compared systems, in column order.
SYSTEMS = ("newswatch", "baseline")


@dataclass(slots=True)
class SystemRun:
    """How one system fared on one dataset.

    Attributes:
        name: ``"newswatch"`` or ``"baseline"``.
        label: what exactly ran (e.g. ``"trafilatura.extract 2.3.1 (defaults)"``).
        available: False when a required stage/library is missing; then no score is given.
        reason: why it is not available (names the missing stage file), or "".
        scored: documents scored.
        errors: scored documents on which the system raised or recorded a stage error (they
            are scored as what the system returned, usually nothing).
        seconds: wall time spent in the system (not in scoring).
    """

    name: str
    label: str
    available: bool = True
    reason: str = ""
    scored: int = 0
    errors: int = 0
    seconds: float = 0.0


@dataclass(slots=True)
class Peer:
    """A published figure for comparison: value, system, source and caveat."""

    value: float
    system: str
    source: str
    note: str = ""


@dataclass(slots=True)
class Row:
    """One metric on one slice.

    Attributes:
        dataset: dataset and slice, e.g. ``"uner-pud/en"`` or ``"htmldate-eval (combined)"``.
        metric: metric name, e.g. ``"entity F1 (exact)"``; units in the name (``"km"``).
        newswatch, baseline: scores, or None when the system is not available.
        higher_is_better: False for errors and AUC.
        docs: documents in this slice that were scored.
        skipped: documents of this slice not scored (``--limit``).
        support: number of gold items behind the score (spans, pages, toponyms), if useful;
            a string "newswatch n / baseline n" when the systems are scored on different items.
        peers: published figures for this metric.
    """

    dataset: str
    metric: str
    newswatch: float | None
    baseline: float | None
    higher_is_better: bool = True
    docs: int = 0
    skipped: int = 0
    support: int | str | None = None
    peers: list[Peer] = field(default_factory=list)


@dataclass(slots=True)
class EvalResult:
    """Everything one ``newswatch eval NAME`` run produced."""

    name: str
    data: str
    total_docs: int
    limit: int | None
    systems: dict[str, SystemRun]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def row(self, dataset: str, metric: str) -> Row:
        """The row for ``(dataset, metric)``.

        Raises:
            KeyError: no such row.
        """
        for r in self.rows:
            if r.dataset == dataset and r.metric == metric:
                return r
        raise KeyError(f"{self.name}: no row {dataset!r} / {metric!r}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (``--format json``)."""
        d = asdict(self)
        d["partial"] = self.limit is not None and any(r.skipped for r in self.rows)
        return d


# --------------------------------------------------------------------------- peers


@cache
def _peer_table() -> dict[tuple[str, str], list[Peer]]:
    raw = json.loads(resources.files("newswatch").joinpath("data", "eval_peer_figures.json")
                     .read_text(encoding="utf-8"))
    table: dict[tuple[str, str], list[Peer]] = {}
    for item in raw["figures"]:
        table.setdefault((item["dataset"], item["metric"]), []).append(
            Peer(item["value"], item["system"], item["source"], item.get("note", "")))
    return table


def peers_for(dataset: str, metric: str) -> list[Peer]:
    """Published figures recorded for ``(dataset, metric)`` (may be empty)."""
    return list(_peer_table().get((dataset, metric), []))


# --------------------------------------------------------------------------- rendering


def fmt_score(value: float | None, metric: str = "") -> str:
    """A score for humans: errors in km with no decimals, others with three; None as "n/a"."""
    if value is None:
        return "n/a"
    if metric.endswith("error km"):
        return f"{value:,.0f}"
    return f"{value:.3f}"


def _peer_text(peers: list[Peer], metric: str) -> str:
    return "; ".join(f"{fmt_score(p.value, metric)} {p.system} ({p.source})" for p in peers)


def _status(run: SystemRun) -> str:
    if not run.available:
        return f"{run.name}: NOT AVAILABLE — {run.reason}"
    err = f", {run.errors} with errors" if run.errors else ""
    return f"{run.name}: {run.label}; {run.scored} docs{err}; {run.seconds:.1f} s"


def render_rich(results: list[EvalResult], console: Any) -> None:
    """Print one rich table per result, followed by system status lines and notes."""
    from rich.table import Table

    for res in results:
        title = f"{res.name} — {res.data}"
        if res.limit is not None:
            title += f" (partial: --limit {res.limit})"
        table = Table(title=title, show_lines=False)
        for col, kw in (("dataset", {}), ("metric", {}), ("newswatch", {"justify": "right"}),
                        ("baseline", {"justify": "right"}), ("peer (source)", {"max_width": 48}),
                        ("docs", {"justify": "right"}), ("skipped", {"justify": "right"}),
                        ("n", {"justify": "right"})):
            table.add_column(col, **kw)
        for r in res.rows:
            arrow = "" if r.higher_is_better else " ↓"
            table.add_row(r.dataset, r.metric + arrow, fmt_score(r.newswatch, r.metric),
                          fmt_score(r.baseline, r.metric), _peer_text(r.peers, r.metric),
                          str(r.docs), str(r.skipped), "" if r.support is None else str(r.support))
        console.print(table)
        for run in res.systems.values():
            console.print("  " + _status(run), highlight=False)
        for note in res.notes:
            console.print("  note: " + note, highlight=False)


def render_markdown(results: list[EvalResult]) -> str:
    """A Markdown section per result: the score table, system lines and notes."""
    out: list[str] = []
    for res in results:
        out.append(f"### {res.name}\n")
        if res.limit is not None:
            out.append(f"Partial run: first {res.limit} documents per gold file.\n")
        out.append("| slice | metric | newswatch | baseline | published peer (source) | docs | skipped | n |")
        out.append("|---|---|---:|---:|---|---:|---:|---:|")
        for r in res.rows:
            arrow = " (lower is better)" if not r.higher_is_better else ""
            peer = _peer_text(r.peers, r.metric).replace("|", "\\|")
            out.append(f"| {r.dataset} | {r.metric}{arrow} | {fmt_score(r.newswatch, r.metric)} | "
                       f"{fmt_score(r.baseline, r.metric)} | {peer} | {r.docs} | {r.skipped} | "
                       f"{'' if r.support is None else r.support} |")
        out.append("")
        for run in res.systems.values():
            out.append(f"- {_status(run)}")
        for note in res.notes:
            out.append(f"- Note: {note}")
        out.append("")
    return "\n".join(out)
