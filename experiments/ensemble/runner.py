"""The ensemble runner: execute a `Study` into a results directory, resumably.

Layout of a results directory::

    DIR/manifest.json            the study, its fingerprint, versions, git commit, attempts
    DIR/runs.parquet/part-*.parquet    one row per run: run, point, replication, seed,
                                       status, duration, error
    DIR/model.parquet/part-*.parquet   weekly model metrics of the runs that succeeded
    DIR/agents.parquet/part-*.parquet  weekly organisation metrics (if recorded)
    DIR/pairs.parquet/part-*.parquet   pairwise state every K weeks (if recorded)

Each block writes one part file per table (temp file, then rename; never over an
existing part); its ``runs`` part is written last and is the block's commit mark, and
records the rows, size and checksum of each data part (`parts`). Re-running the same
study into the same directory verifies every committed block -- its runs are this
study's runs with their seeds, its data parts are intact -- skips the runs that
succeeded and does the rest: a block that is damaged, truncated or half-deleted is
removed and run again, never counted as done. Data parts without a commit are leftovers
of a killed process and are removed. A different study is refused, and so is a second
writer while one runs (`ownership`).

Crashes are contained to the runs that cause them. Blocks run in watched worker
processes (`supervised`): when a process dies (killed for memory, a segfault) or a block
overruns ``run_timeout`` seconds per run, only that block is affected -- its runs are
retried one by one, each alone in a process, so that exactly the culprit is recorded as
failed and the others succeed. A study small enough to run in this process (see
`executors.choose_workers`) cannot be protected that way: if such an attempt dies, the
next invocation notices (its attempt never finished) and runs in worker processes.
"""

from __future__ import annotations

import math
import os
import sys
import traceback
from collections import Counter, deque
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from experiments.ensemble.blocks import BlockResult, BlockTask, resolve_engine, run_block, structure_keys
from experiments.ensemble.design import RunSpec, Study, replication_seeds
from experiments.ensemble.executors import ExecutorSpec, Workers, estimate_seconds
from experiments.ensemble.ownership import OWN_FILES, DirectoryError, claim
from experiments.ensemble.parts import (
    TABLES,
    Block,
    PartError,
    folder,
    next_attempt,
    read_runs_part,
    runs_parts,
    verify_block,
    write_block,
)
from experiments.ensemble.store import ManifestError, manifest, now, read_manifest, write_json
from experiments.ensemble.supervised import TaskTimeoutError, WorkerDiedError
from model.inputs.schema import safe
from model.process.metrics import AGENT_METRICS, MODEL_METRICS, PAIR_METRICS

MAX_BLOCK = {"mesa": 50, "batch": 256}  # runs per block: a few seconds of work either way
MIN_BLOCK = {"batch": 100}  # runs per block below which the batched engine loses its advantage
PAIR_WORKSPACE = 40  # (N, N) float arrays a run holds while it steps: state and temporaries


class StudyError(ValueError):
    """The results directory cannot take this study (one readable line)."""


@dataclass
class RunSummary:
    total: int
    succeeded: int
    failed: int
    skipped: int  # already done before this invocation
    out: Path

    @property
    def ok(self) -> bool:
        return self.failed == 0


def auto_block_size(n_runs: int, workers: int, engine: str = "batch", run_bytes: int = 0) -> int:
    """At least four blocks per worker (balance, progress, resume) unless that makes blocks
    smaller than MIN_BLOCK (the batched engine's cost per run doubles from 100 runs a
    block down to 25), at most MAX_BLOCK runs, and no more runs than a quarter of the
    free memory holds per worker."""
    cap = MAX_BLOCK.get(engine, MAX_BLOCK["mesa"])
    if run_bytes:
        cap = min(cap, max(1, available_memory() // (4 * max(1, workers) * run_bytes)))
    wanted = max(math.ceil(n_runs / (4 * max(1, workers))), MIN_BLOCK.get(engine, 1))
    return max(1, min(cap, wanted, n_runs))


def run_bytes(n: int, weeks: int, pairs_every: int, record_agents: bool) -> int:
    """Rough peak memory of one run: its pair arrays while it steps and what it records
    (arrays, then the DataFrames made of them)."""
    recorded = (weeks + 1) * len(MODEL_METRICS)
    if record_agents:
        recorded += 3 * (weeks + 1) * n * (len(AGENT_METRICS) + 5)
    if pairs_every:
        recorded += 3 * (weeks // pairs_every + 1) * n * n * (len(PAIR_METRICS) + 5)
    return 8 * (PAIR_WORKSPACE * n * n + recorded)


def available_memory() -> int:
    """Bytes of memory available to new work (Linux ``MemAvailable``; else all of it)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return 1 << 40


def _prepare_directory(out: Path, study: Study) -> dict:
    """Check that ``out`` is empty or holds this study; return the manifest."""
    path = out / "manifest.json"
    fingerprint = study.fingerprint()
    if path.exists():
        try:
            existing = read_manifest(path)
        except ManifestError as exc:
            raise StudyError(str(exc)) from None
        if existing.get("fingerprint") != fingerprint:
            same_design = existing.get("study") == _jsonable(study.to_dict())
            why = "made with different code or scenario files" if same_design else "a different study"
            kind = existing.get("kind") or (existing.get("study") or {}).get("kind", "?")
            raise StudyError(f"{out} holds {why} ({kind}, fingerprint {existing.get('fingerprint')}); "
                             "choose another --out or remove it")
        existing.setdefault("attempts", [])
        return existing
    if any(p.name not in OWN_FILES for p in out.iterdir()):
        raise StudyError(f"{out} is not empty and holds no trustnet study; choose another --out")
    info = manifest(kind=study.kind, study=study.to_dict(), fingerprint=fingerprint, attempts=[])
    if study.crn:
        info["replication_seeds"] = replication_seeds(study.seed, study.reps)
    return info


def _jsonable(data: dict) -> dict:
    import json

    return json.loads(json.dumps(data, default=str))


def resume_state(out: Path, study: Study) -> tuple[set[int], list[str]]:
    """Verify what earlier invocations committed; return (runs done, damaged blocks).

    A block is kept only if its runs part is readable, holds runs of ``study`` with
    their own seeds, and every data part it records is intact (`parts`). A damaged
    block is removed -- its runs part first, so it is never half-committed -- and its
    runs are done again. Data parts of no kept block, and temporary files, are removed.
    """
    runs = study.runs()
    seeds = np.array([r.seed for r in runs], dtype=np.uint64)
    done, damaged, kept = set(), [], {}
    for path in runs_parts(out):
        try:
            block = read_runs_part(path)
            _belongs(block, study.reps, seeds, path)
            verify_block(out, block)
        except PartError as exc:
            damaged.append(str(exc))
            _discard(path)
            continue
        kept[path.name] = block
        done.update(int(r) for r in block.runs.loc[block.runs.status == "ok", "run"])
    for table in ("runs", *TABLES):
        base = folder(out, table)
        if not base.is_dir():
            continue
        for p in base.iterdir():
            block = kept.get(p.name)
            if p.name.startswith(".") or (table != "runs" and (block is None or table not in block.record)):
                _discard(p)
    return done, damaged


def _belongs(block: Block, reps: int, seeds: np.ndarray, path: Path) -> None:
    """`PartError` unless every row of the block is a run of this study with its seed."""
    rows = block.runs
    run = rows.run.to_numpy()
    inside = (run >= 0) & (run < len(seeds))
    if not inside.all():
        raise PartError(f"{path}: run {int(run[~inside][0])} is not a run of this study")
    same = ((rows.point.to_numpy() == run // reps) & (rows.replication.to_numpy() == run % reps)
            & (rows.seed.to_numpy().astype(np.uint64) == seeds[run]))
    if not same.all():
        raise PartError(f"{path}: run {int(run[~same][0])} has another design point, replication or seed "
                        "than this study's")


def _discard(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        raise StudyError(f"{path}: a directory where the runner keeps its files; move it away")
    path.unlink(missing_ok=True)


def _failed_block(task: BlockTask, error: str) -> BlockResult:
    rows = [{"run": r.run_id, "point": r.point, "replication": r.replication, "seed": r.seed,
             "status": "failed", "duration": 0.0, "error": error} for r in task.runs]
    runs = pd.DataFrame(rows)
    runs["seed"] = runs["seed"].astype("uint64")
    return BlockResult(task.block_id, runs, None, None, None)


def _split(task: BlockTask) -> list[BlockTask]:
    """A block's runs as blocks of one (to find which run kills or hangs its worker)."""
    return [BlockTask(task.block_id, [r], [sc], task.steps, task.record_agents, task.pairs_every, task.engine,
                      part=k + 1)
            for k, (r, sc) in enumerate(zip(task.runs, task.scenarios, strict=True))]


def _check_memory(study: Study, scenarios: list) -> int:
    """Bytes one run needs at most; `StudyError` if not even one fits in memory."""
    if study.model != "trustnet":
        return 0
    need = max(run_bytes(sc.n, study.steps or sc.horizon, study.pairs_every, study.record_agents)
               for sc in scenarios)
    have = available_memory()
    if need > have:
        raise StudyError(f"one run of this study needs about {need / 2**30:.1f} GB of memory, "
                         f"{have / 2**30:.1f} GB is available; use fewer --steps, a smaller network or less "
                         "recording (--pairs)")
    return need


def preflight(study: Study | None, engine: str = "batch") -> tuple[list, int]:
    """Everything about a study that can be checked before writing: the engine, every
    design point, memory. Returns (point scenarios, bytes one run needs); `StudyError`
    or `ScenarioError` with one line otherwise."""
    try:
        resolve_engine(engine)
    except (ValueError, ImportError, AttributeError) as exc:
        raise StudyError(f"--engine {engine[:60]}: {exc}") from None
    if study is None:
        return [], 0
    scenarios = study.point_scenarios()
    return scenarios, _check_memory(study, scenarios)


def execute(study: Study, out: Path, executor: ExecutorSpec | Workers | None = None, *, engine: str = "batch",
            block_size: int | None = None, quiet: bool = False, run_timeout: float | None = None) -> RunSummary:
    """Run every run of ``study`` not yet done in ``out``; return counts.

    ``executor``: an `ExecutorSpec` (workers started and stopped here) or the `Workers` a
    command opened for all its studies. ``run_timeout``: seconds after which a run that
    has not finished is stopped and recorded as failed (runs in worker processes).
    Raises `StudyError` (before computing or writing anything) if ``out`` holds another
    study or is in use, a design point is invalid, or a run cannot fit in memory.
    """
    out = Path(out)
    run_timeout = run_timeout if run_timeout is not None else _spec(executor).run_timeout
    if run_timeout is not None and _spec(executor).dask:
        raise StudyError("--run-timeout works with local workers only (a Dask task cannot be stopped)")
    scenarios, per_run = preflight(study, engine)
    try:
        with claim(out):
            return _execute(study, out, executor, scenarios, engine, block_size, quiet, run_timeout, per_run)
    except DirectoryError as exc:
        raise StudyError(str(exc)) from None


def _spec(executor: ExecutorSpec | Workers | None) -> ExecutorSpec:
    if isinstance(executor, Workers):
        return executor.spec
    return executor or ExecutorSpec()


def _execute(study, out, executor, scenarios, engine, block_size, quiet, run_timeout, per_run) -> RunSummary:
    info = _prepare_directory(out, study)
    done, damaged = resume_state(out, study)
    all_runs = study.runs()
    todo = [r for r in all_runs if r.run_id not in done]
    attempts = info["attempts"]
    died_before = bool(attempts) and "finished" not in attempts[-1]
    attempt = next_attempt(out, len(attempts))
    attempts.append({"started": now(), "executor": _spec(executor).describe(), "engine": engine,
                     "command": manifest()["command"], "runs_to_do": len(todo), "parts": attempt})
    if damaged:
        attempts[-1]["damaged_blocks"] = damaged[:20]
        if not quiet:
            print(safe(f"trustnet: {len(damaged)} damaged block(s) in {out} are run again ({damaged[0][:200]})"),
                  file=sys.stderr)
    write_json(info, out / "manifest.json")

    counts = {"failed": 0, "succeeded": 0}
    status = "interrupted"
    try:
        if todo:
            workers = executor if isinstance(executor, Workers) else Workers(executor)
            seconds = _seconds(study, scenarios, todo, engine)
            try:
                with workers.lend(seconds, isolate=died_before or run_timeout is not None) as (pool, k, where):
                    attempts[-1]["where"] = where
                    size = block_size or auto_block_size(len(todo), k, engine, per_run)
                    tasks = [BlockTask(b, chunk, [scenarios[r.point] for r in chunk], study.steps,
                                       study.record_agents, study.pairs_every, engine)
                             for b, chunk in enumerate(_chunks(todo, size))]
                    bar = tqdm(total=len(all_runs), initial=len(done), unit="run", disable=quiet,
                               desc=f"{study.kind} ({where})", smoothing=0.1,
                               bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}{postfix}]")
                    try:
                        _run_tasks(pool, k, tasks, out, attempt, run_timeout, bar, counts)
                    finally:
                        bar.close()
            finally:
                if workers is not executor:
                    workers.close()
        status = "finished"
    finally:
        attempts[-1].update({"finished": now(), "status": status, **counts})
        write_json(info, out / "manifest.json")
    return RunSummary(total=len(all_runs), succeeded=counts["succeeded"], failed=counts["failed"],
                      skipped=len(all_runs) - len(todo), out=out)


def _seconds(study: Study, scenarios: list, todo: list[RunSpec], engine: str) -> float:
    """Estimated single-core seconds of the runs to do (an analytical test function: none)."""
    if study.model != "trustnet":
        return 0.0
    per_point = Counter(r.point for r in todo)
    groups: dict[str, list] = {}  # network structure -> [weeks, n, runs]
    points = [(scenarios[p], study.steps or scenarios[p].horizon) for p in per_point]
    for (sc, weeks), key, count in zip(points, structure_keys(points), per_point.values(), strict=True):
        groups.setdefault(key, [weeks, sc.n, 0])[2] += count
    return sum(estimate_seconds(k, weeks, n, engine) for weeks, n, k in groups.values())


def _run_tasks(pool, workers: int, tasks: list[BlockTask], out: Path, attempt: int, run_timeout: float | None,
               bar, counts: dict) -> None:
    """Submit blocks (a bounded window at a time), write each result as it comes.

    A block whose worker died or overran its time is split into blocks of one run, which
    go first in the queue; a run alone that dies or overruns is recorded as failed.
    """
    queue = deque(tasks)
    pending: dict = {}
    window = 2 * workers + 1

    def record(task: BlockTask, result: BlockResult) -> None:
        write_block(out, f"part-{attempt:04d}-{task.block_id:06d}-{task.part:04d}.parquet", result.runs,
                    {"model": result.model, "agents": result.agents, "pairs": result.pairs})
        n_failed = int((result.runs.status == "failed").sum())
        counts["failed"] += n_failed
        counts["succeeded"] += len(result.runs) - n_failed
        bar.update(len(result.runs))
        elapsed = bar.format_dict["elapsed"]
        if elapsed > 0:  # always runs per second (tqdm's own rate turns into s/run when slow)
            bar.set_postfix_str(f"{(counts['failed'] + counts['succeeded']) / elapsed:.1f} runs/s")

    while queue or pending:
        while queue and len(pending) < window:
            task = queue.popleft()
            try:
                # seconds per run: a block of k runs gets k times as long, and as long again
                # from each declared start of a group of its runs (`supervised.declare_work`)
                timeout = {"timeout": run_timeout, "units": len(task.runs)} if run_timeout else {}
                pending[pool.submit(run_block, task, **timeout)] = task
            except Exception:  # noqa: BLE001 - e.g. a task that cannot be sent
                record(task, _failed_block(task, "could not submit:\n" + traceback.format_exc()))
        finished, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            task = pending.pop(future)
            try:
                result = future.result()
            except (WorkerDiedError, TaskTimeoutError) as exc:
                if len(task.runs) > 1:
                    queue.extendleft(reversed(_split(task)))
                    continue
                result = _failed_block(task, _lost(exc, run_timeout))
            except Exception as exc:  # noqa: BLE001 - e.g. Dask's KilledWorker: the block fails
                if type(exc).__name__ == "KilledWorker" and len(task.runs) > 1:
                    queue.extendleft(reversed(_split(task)))
                    continue
                result = _failed_block(task, "worker failed:\n" + traceback.format_exc())
            record(task, result)


def _lost(exc: BaseException, run_timeout: float | None) -> str:
    if isinstance(exc, TaskTimeoutError):
        return f"TimeoutError: run did not finish within --run-timeout {run_timeout:g} s; its worker was stopped"
    return f"WorkerDiedError: {exc} (this run alone; e.g. killed for memory or a crash in native code)"


def _chunks(items: list[RunSpec], size: int) -> list[list[RunSpec]]:
    return [items[i:i + size] for i in range(0, len(items), size)]

