"""`trustnet calibrate`: guard the directory, run (or resume) ABC-SMC, simulate the
posterior predictive, and write the tables, figures and report.

Layout of a calibration directory::

    DIR/calibration.json          the calibration, its fingerprint, versions; at the end the
                                  thresholds, why it stopped, the known-answer coverage
    DIR/history.db                pyabc's SQLite history (what a resume continues)
    DIR/posterior.parquet         model, one column per factor, weight (last generation)
    DIR/model_probabilities.csv   generation, model, probability
    DIR/predictive.csv            model, pattern, share, ci_low, ci_high, held_out
    DIR/observables.csv           model_a, model_b, observable, unit, auc, n_needed
    DIR/constraints.csv           per model and factor: mean, 90% interval, sd ratio
    DIR/marginals.png, pairwise.png, model_probabilities.png, report.md
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy.exc

from experiments.ensemble import ExecutorSpec, StudyError
from experiments.ensemble.executors import Workers
from experiments.ensemble.ownership import OWN_FILES
from experiments.ensemble.posterior import read_record
from experiments.ensemble.store import manifest, write_json, write_parquet, write_text
from experiments.ensemble.supervised import SupervisedPool
from experiments.studies.calibration import abc as abc_run
from experiments.studies.calibration import owner
from experiments.studies.calibration.design import Calibration
from experiments.studies.calibration.history import constraint, effective_size, model_probabilities, posterior_frame
from experiments.studies.calibration.measure import separating_observables
from experiments.studies.calibration.particles import ROOT_HIGH, summarise
from experiments.studies.calibration.predictive import pattern_check, simulate_predictive, statistic_check
from experiments.studies.calibration.report import marginals, pairwise, probabilities_plot, report
from experiments.studies.calibration.sampler import OrderedSampler
from model.inputs.errors import ScenarioError

TRUTH_KEY = (0, 2**20)  # spawn key of the pseudo-observed data's seeds


@dataclass
class CalibrationResult:
    posterior: pd.DataFrame
    probabilities: pd.DataFrame
    predictive: pd.DataFrame
    observables: pd.DataFrame
    coverage: pd.DataFrame | None
    stopped: str


def prepare(out: Path, calib: Calibration) -> dict:
    """Refuse a directory that holds anything but this calibration -- a damaged or
    foreign ``calibration.json`` or ``history.db`` included (`owner`); return its record."""
    path = out / "calibration.json"
    fingerprint = calib.fingerprint()
    if path.exists():
        try:
            info = read_record(path)
        except ScenarioError as exc:
            raise StudyError(f"{exc}; choose another --out or restore the file") from None
        if info.get("fingerprint") != fingerprint:
            raise StudyError(f"{out} holds a different calibration (fingerprint {info.get('fingerprint')}); "
                             "choose another --out or remove it")
        if (out / abc_run.HISTORY).exists() or (out / abc_run.HISTORY).is_symlink():
            owner.check(out, fingerprint, info.get("history", {}).get("id"))
        elif info.get("history", {}).get("fingerprint") != fingerprint:
            info["history"] = {"id": owner.new_identity(), "fingerprint": fingerprint}
            write_json(info, path)
        return info
    # the command's own claim on the directory (lock, holder, its kind in manifest.json) is not a study
    if out.exists() and {p.name for p in out.iterdir()} - OWN_FILES - {"manifest.json"}:
        raise StudyError(f"{out} is not empty and holds no calibration; choose another --out")
    out.mkdir(parents=True, exist_ok=True)
    info = manifest(kind="calibration", fingerprint=fingerprint, calibration=calib.to_dict(),
                    models=calib.models, pyabc=_pyabc_version(),
                    history={"id": owner.new_identity(), "fingerprint": fingerprint})
    write_json(info, path)
    return info


def observed_data(calib: Calibration) -> dict:
    """The data: none for the patterns (the criteria are the data), pseudo-observed
    summaries at the truth for the known-answer check."""
    if calib.truth is None:
        return {}
    root = int(np.random.SeedSequence(calib.seed, spawn_key=TRUTH_KEY).generate_state(1, np.uint64)[0]
               % np.uint64(ROOT_HIGH))
    overrides = {**calib.models[calib.truth.model], **calib.truth.parameters}
    return summarise(overrides, root, calib.reps, "truth")


def run_calibration(out: Path, calib: Calibration, generations: int,
                    executor: ExecutorSpec | Workers | None = None, on_generation=None) -> CalibrationResult:
    out = Path(out)
    info = prepare(out, calib)
    owned = not isinstance(executor, Workers)
    lender = Workers(executor or ExecutorSpec(workers=1)) if owned else executor
    try:
        with lender.lend(seconds=1e9) as (pool, workers, _):  # a calibration is long: all the workers allowed
            if lender.spec.run_timeout is not None and isinstance(pool, SupervisedPool):
                pool = TimedPool(pool, lender.spec.run_timeout, runs_per_particle(calib))
            try:
                result = _calibrate(out, calib, generations, pool, workers, on_generation, info)
            except sqlalchemy.exc.OperationalError as exc:  # e.g. the disk is full: one line, not a traceback
                raise OSError(errno.EIO, f"cannot write the history ({str(exc.orig)[:80]})",
                              str(out / abc_run.HISTORY)) from None
    finally:
        if owned:
            lender.close()
    return result


class TimedPool:
    """The worker pool with ``--run-timeout``: a particle (or predictive draw) of k runs
    may take k x ``run_timeout`` seconds; one that does not answer stops the command
    (`supervised.TaskTimeoutError`) instead of hanging it -- a particle cannot be failed
    without changing the posterior, so the calibration resumes from its last generation."""

    def __init__(self, pool: SupervisedPool, run_timeout: float, runs: int):
        self.pool, self.run_timeout, self.runs = pool, run_timeout, runs

    def submit(self, fn, /, *args):
        return self.pool.submit(fn, *args, timeout=self.run_timeout, units=self.runs)


def runs_per_particle(calib: Calibration) -> int:
    from experiments.analysis.scorecard import criteria_points

    groups = ("main",) if calib.truth else ("main", "probes")
    return calib.reps * sum(len(criteria_points()[g]) for g in groups)


def _calibrate(out: Path, calib: Calibration, generations: int, pool, workers: int, on_generation,
               info) -> CalibrationResult:
    sampler = OrderedSampler(pool, workers, calib.seed)
    if not (out / abc_run.HISTORY).exists():
        abc_run.start_history(calib, sampler, out, observed_data(calib), _truth_meta(calib), info["history"]["id"])
    stopped, smc = abc_run.run_generations(calib, sampler, out, generations, on_generation)
    history = smc.history
    posterior = posterior_frame(history, calib)
    probabilities = model_probabilities(history, calib)
    epsilons = history.get_all_populations().sort_values("t")
    epsilons = [float(e) for t, e in zip(epsilons.t, epsilons.epsilon, strict=True) if t >= 0]
    sims = simulate_predictive(posterior, calib, pool)
    observed = smc.x_0
    predictive = statistic_check(sims, observed) if calib.truth else pattern_check(sims, calib.hold_out)
    observables = separating_observables(sims, probabilities)
    tables = {m: constraint(posterior, calib, m) for m in dict.fromkeys(posterior.model)}
    coverage = truth_coverage(tables.get(calib.truth.model), calib) if calib.truth else None
    write_parquet(posterior, out / "posterior.parquet")
    probabilities.to_csv(out / "model_probabilities.csv", index=False)
    predictive.to_csv(out / "predictive.csv", index=False)
    observables.to_csv(out / "observables.csv", index=False)
    pd.concat(tables.values(), ignore_index=True).to_csv(out / "constraints.csv", index=False)
    lead = probabilities[probabilities.generation == probabilities.generation.max()].sort_values(
        "probability", ascending=False).model.iloc[0]
    if lead in tables:
        marginals(posterior, tables[lead], lead, out / "marginals.png")
        pairwise(posterior, tables[lead], lead, out / "pairwise.png")
    probabilities_plot(probabilities, out / "model_probabilities.png")
    info.update(generations_done=len(epsilons), epsilons=epsilons, stopped=stopped,
                coverage=None if coverage is None else coverage.to_dict("records"))
    write_json(info, out / "calibration.json")
    summary = {**calib.to_dict(), "generations_done": len(epsilons), "epsilons": epsilons, "stopped": stopped,
               "factors": [f.name for f in calib.factors]}
    sizes = {m: effective_size(posterior, m) for m in tables}
    write_text(report(summary, probabilities, tables, predictive, observables, coverage, sizes), out / "report.md")
    return CalibrationResult(posterior, probabilities, predictive, observables, coverage, stopped)


def truth_coverage(table: pd.DataFrame | None, calib: Calibration) -> pd.DataFrame:
    """The truth model's 90% intervals of the factors the truth file sets, and whether
    they cover the true values (empty if the true model has no particles left)."""
    columns = ["factor", "truth", "q05", "q95", "sd_ratio", "covered"]
    if table is None:
        return pd.DataFrame(columns=columns)
    rows = table[table.factor.isin(list(calib.truth.parameters))].copy()
    rows["truth"] = [float(calib.truth.parameters[f]) for f in rows.factor]
    rows["covered"] = (rows.q05 <= rows.truth) & (rows.truth <= rows.q95)
    return rows[columns].reset_index(drop=True)


def _truth_meta(calib: Calibration) -> dict | None:
    if calib.truth is None:
        return None
    return {"model": list(calib.models).index(calib.truth.model), "parameters": dict(calib.truth.parameters)}


def _pyabc_version() -> str:
    from importlib import metadata

    return metadata.version("pyabc")
