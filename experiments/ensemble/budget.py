"""The work a command would start, estimated and bounded before anything runs.

A typo in a size (``--reps 1000000``, ``--robust-points 1000000``) would otherwise start
work that cannot finish and grow designs, manifests and tables without bound. Every
study command therefore estimates, from its sizes alone and before it builds its
design, how many runs it will do, how long they take (`executors.estimate_seconds`,
the same calibration constants that choose the workers) and how much disk their tables
need, and refuses -- one line with the estimate and how to proceed -- work beyond
``--max-hours`` of wall-clock time on the cores it may use, more than `MAX_RUNS` runs,
or tables larger than the free space where they go.

The estimates are rough (the constants are measured on a 2-core machine, tables
compress differently): they bound, they do not predict.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from experiments.ensemble.executors import estimate_seconds
from model.process.metrics import AGENT_METRICS, MODEL_METRICS, PAIR_METRICS

MAX_RUNS = 20_000_000  # beyond this the design and the manifest alone outgrow memory
DEFAULT_HOURS = 24.0  # --max-hours: a day of wall-clock time on the cores in use
BYTES_PER_VALUE = 2.0  # a value of a results table on disk (Parquet compresses 8-byte numbers to ~1.5)


class WorkError(ValueError):
    """The work asked for is beyond the bounds (one readable line)."""


@dataclass(frozen=True)
class Work:
    """Runs, single-core seconds and bytes of tables on disk."""

    runs: int = 0
    seconds: float = 0.0
    bytes: float = 0.0

    def __add__(self, other: Work) -> Work:
        return Work(self.runs + other.runs, self.seconds + other.seconds, self.bytes + other.bytes)

    def __mul__(self, k: int) -> Work:
        return Work(self.runs * k, self.seconds * k, self.bytes * k)


def runs_work(runs: int, weeks: int, n: int, engine: str = "batch", record_agents: bool = True,
              pairs_every: int = 0, groups: int = 1, tables: bool = True) -> Work:
    """``runs`` runs of ``weeks`` weeks on ``n`` organisations (``groups`` network
    structures); ``tables`` False: nothing written (a calibration keeps runs in memory)."""
    values = (weeks + 1) * (len(MODEL_METRICS) + 3)
    if record_agents:
        values += (weeks + 1) * n * (len(AGENT_METRICS) + 6)
    if pairs_every:
        values += (weeks // pairs_every + 1) * n * max(n - 1, 0) * (len(PAIR_METRICS) + 5)
    disk = runs * values * BYTES_PER_VALUE if tables else 0.0
    return Work(runs, estimate_seconds(runs, weeks, n, engine, groups), disk)


def study_work(study, engine: str = "batch") -> Work:
    """The work of a `Study` from its sizes and base scenario (design points that switch
    the scenario are counted as network structures of the base's size)."""
    runs = len(study.points) * study.reps
    if study.model != "trustnet":
        return Work(runs, 0.0, runs * 3 * BYTES_PER_VALUE * 8)
    sc = study.scenario
    groups = len({str(p.get("scenario", "")) for p in study.points})
    return runs_work(runs, study.steps or sc.horizon, sc.n, engine, study.record_agents, study.pairs_every, groups)


def _free_bytes(out: Path) -> float:
    place = Path(out).resolve()
    while not place.exists() and place.parent != place:
        place = place.parent
    try:
        return float(shutil.disk_usage(place).free)
    except OSError:
        return float("inf")


def _size(n: float) -> str:
    return f"{n / 1024**3:.1f} GB" if n >= 1024**3 else f"{n / 1024**2:.0f} MB"


def bound(work: Work, cores: int, max_hours: float, out: Path, what: str = "") -> None:
    """`WorkError` (one line: the estimate and how to proceed) if ``work`` exceeds the bounds."""
    hours = work.seconds / 3600.0 / max(1, cores)
    sizes = f" ({what})" if what else ""
    if work.runs > MAX_RUNS:
        raise WorkError(f"this command would run {work.runs:,} simulations{sizes}, more than the {MAX_RUNS:,} "
                        "one command may start; use smaller sizes")
    if hours > max_hours:
        raise WorkError(f"this command would run {work.runs:,} simulations{sizes}, about {hours:,.1f} hours on "
                        f"{cores} core{'s' if cores != 1 else ''} (estimated), more than --max-hours {max_hours:g}; "
                        "give a larger --max-hours to run it anyway, or use smaller sizes")
    free = _free_bytes(out)
    if work.bytes > free:
        raise WorkError(f"this command's tables would need about {_size(work.bytes)} of disk{sizes}, and "
                        f"{_size(free)} is free where --out {out} lies; free space, choose another --out, "
                        "or use smaller sizes")
