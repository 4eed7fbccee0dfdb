"""The ensemble runner: execute a `Study` into a results directory, resumably.

Layout of a results directory::

    DIR/manifest.json            the study, its fingerprint, versions, git commit, attempts
    DIR/runs.parquet/part-*.parquet    one row per run: run, point, replication, seed,
                                       status, duration, error
    DIR/model.parquet/part-*.parquet   weekly model metrics of the runs that succeeded
    DIR/agents.parquet/part-*.parquet  weekly organisation metrics (if recorded)
    DIR/pairs.parquet/part-*.parquet   pairwise state every K weeks (if recorded)

Each block writes one part file per table (temp file, then rename); its ``runs`` part is
written last and is the block's commit mark: data parts without a runs part of the same
name are leftovers of a killed process and are removed on the next start. Re-running
the same study into the same directory skips the runs that succeeded and does the rest;
a different study is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import traceback
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from experiments.ensemble.blocks import BlockResult, BlockTask, resolve_engine, run_block
from experiments.ensemble.design import RunSpec, Study, replication_seeds
from experiments.ensemble.executors import ExecutorSpec, open_executor
from experiments.ensemble.store import manifest, write_json, write_parquet

TABLES = ("model", "agents", "pairs")
MAX_BLOCK = {"mesa": 50, "batch": 256}  # runs per block: a few seconds of work either way


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


def auto_block_size(n_runs: int, workers: int, engine: str = "batch") -> int:
    """At least four blocks per worker (balance, progress, resume), at most MAX_BLOCK runs."""
    cap = MAX_BLOCK.get(engine, MAX_BLOCK["mesa"])
    return max(1, min(cap, math.ceil(n_runs / (4 * max(1, workers)))))


def _table_dir(out: Path, table: str) -> Path:
    return out / f"{table}.parquet"


def _prepare_directory(out: Path, study: Study) -> dict:
    """Check that ``out`` is empty or holds this study; clean leftovers; return the manifest."""
    path = out / "manifest.json"
    if path.exists():
        try:
            existing = json.loads(path.read_text())
        except json.JSONDecodeError:
            raise StudyError(f"{path}: unreadable manifest; choose another --out") from None
        if existing.get("fingerprint") != study.fingerprint():
            same_design = existing.get("study") == json.loads(json.dumps(study.to_dict(), default=str))
            why = "made with different model code" if same_design else "a different study"
            raise StudyError(
                f"{out} holds {why} ({existing.get('study', {}).get('kind', '?')}, "
                f"fingerprint {existing.get('fingerprint')}); choose another --out or remove it")
        _remove_leftovers(out)
        return existing
    if out.exists() and any(out.iterdir()):
        raise StudyError(f"{out} is not empty and holds no trustnet study; choose another --out")
    out.mkdir(parents=True, exist_ok=True)
    info = manifest(study=study.to_dict(), fingerprint=study.fingerprint(), attempts=[])
    if study.crn:
        info["replication_seeds"] = replication_seeds(study.seed, study.reps)
    return info


def _remove_leftovers(out: Path) -> None:
    committed = {p.name for p in _table_dir(out, "runs").glob("part-*.parquet")}
    for table in ("runs", *TABLES):
        folder = _table_dir(out, table)
        if not folder.exists():
            continue
        for p in folder.iterdir():
            if p.name.startswith(".") or (table != "runs" and p.name not in committed):
                p.unlink()


def completed_runs(out: Path) -> set[int]:
    """Run ids that succeeded in earlier invocations."""
    folder = _table_dir(out, "runs")
    if not folder.exists() or not any(folder.glob("part-*.parquet")):
        return set()
    runs = pd.read_parquet(folder, columns=["run", "status"])
    return set(runs.loc[runs.status == "ok", "run"].tolist())


def _write_block(out: Path, name: str, result: BlockResult) -> None:
    for table in TABLES:
        frame = getattr(result, table)
        if frame is not None and len(frame):
            folder = _table_dir(out, table)
            folder.mkdir(exist_ok=True)
            write_parquet(frame, folder / name)
    folder = _table_dir(out, "runs")
    folder.mkdir(exist_ok=True)
    write_parquet(result.runs, folder / name)  # last: commits the block


def _failed_block(task: BlockTask, error: str) -> BlockResult:
    rows = [{"run": r.run_id, "point": r.point, "replication": r.replication, "seed": r.seed,
             "status": "failed", "duration": 0.0, "error": error} for r in task.runs]
    runs = pd.DataFrame(rows)
    runs["seed"] = runs["seed"].astype("uint64")
    return BlockResult(task.block_id, runs, None, None, None)


def execute(study: Study, out: Path, executor: ExecutorSpec | None = None, *, engine: str = "batch",
            block_size: int | None = None, quiet: bool = False) -> RunSummary:
    """Run every run of ``study`` not yet done in ``out``; return counts.

    Raises `StudyError` (before computing anything) if ``out`` holds another study or a
    design point is invalid.
    """
    out = Path(out)
    executor = executor or ExecutorSpec()
    try:
        resolve_engine(engine)
    except (ValueError, ImportError, AttributeError) as exc:
        raise StudyError(f"--engine {engine}: {exc}") from None
    scenarios = study.point_scenarios()  # validates every point first
    info = _prepare_directory(out, study)
    done = completed_runs(out)
    all_runs = study.runs()
    todo = [r for r in all_runs if r.run_id not in done]
    attempt = len(info["attempts"])
    info["attempts"].append({"started": _now(), "executor": executor.describe(), "engine": engine,
                             "command": manifest()["command"], "runs_to_do": len(todo)})
    write_json(info, out / "manifest.json")

    failed = succeeded = 0
    if todo:
        with open_executor(executor) as (pool, workers):
            size = block_size or auto_block_size(len(todo), workers, engine)
            tasks = [BlockTask(k, chunk, [scenarios[r.point] for r in chunk], study.steps,
                               study.record_agents, study.pairs_every, engine)
                     for k, chunk in enumerate(_chunks(todo, size))]
            bar = tqdm(total=len(all_runs), initial=len(done), unit="run", disable=quiet,
                       desc=study.kind, smoothing=0.1)
            pending: dict = {}
            queue = iter(tasks)
            window = 2 * workers + 1
            try:
                while True:
                    while len(pending) < window:
                        task = next(queue, None)
                        if task is None:
                            break
                        try:
                            pending[pool.submit(run_block, task)] = task
                        except Exception:  # noqa: BLE001 - e.g. a broken process pool
                            result = _failed_block(task, "could not submit:\n" + traceback.format_exc())
                            _write_block(out, f"part-{attempt:04d}-{task.block_id:06d}.parquet", result)
                            failed += len(task.runs)
                            bar.update(len(task.runs))
                    if not pending:
                        break
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        task = pending.pop(future)
                        try:
                            result = future.result()
                        except Exception:  # noqa: BLE001 - a crashed worker fails its block
                            result = _failed_block(task, "worker failed:\n" + traceback.format_exc())
                        _write_block(out, f"part-{attempt:04d}-{task.block_id:06d}.parquet", result)
                        n_failed = int((result.runs.status == "failed").sum())
                        failed += n_failed
                        succeeded += len(result.runs) - n_failed
                        bar.update(len(result.runs))
            finally:
                bar.close()
    info["attempts"][-1].update({"finished": _now(), "succeeded": succeeded, "failed": failed})
    write_json(info, out / "manifest.json")
    return RunSummary(total=len(all_runs), succeeded=succeeded, failed=failed,
                      skipped=len(all_runs) - len(todo), out=out)


def _chunks(items: list[RunSpec], size: int) -> list[list[RunSpec]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
