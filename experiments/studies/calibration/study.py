"""`trustnet calibrate`: guard the directory, screen the candidate factors, run (or resume)
ABC-SMC once per seed, simulate the posterior predictive, check the model choice, and
write the tables, figures and report.

Layout of a calibration directory::

    DIR/calibration.json          the calibration, its fingerprint, versions, the screening's
                                  choice, timings; at the end per seed the thresholds and why
                                  it stopped, per model the effective sample size and the
                                  joint share, the seeds' agreement, the known-answer coverage
    DIR/history.db                pyabc's SQLite history, one run per seed (what a resume continues)
    DIR/screening.csv             model, parameter, answer, Morris indices, decisive
    DIR/factors.toml              the calibrated factors as a factor file (for --truth, sa, ...)
    DIR/posterior.parquet         model, one column per calibrated factor, weight (the seeds pooled)
    DIR/model_probabilities.csv   seed, generation, model, probability, bayes_factor (vs the baseline)
    DIR/bayes_factors.csv         per pair of models: Bayes factor, its range over the seeds,
                                  decided, and the model choice check's misattribution rates
    DIR/model_choice_check.csv    source, true_model, attributed_model, share, n
    DIR/predictive.csv            model, check, kind, share, ci_low, ci_high, n, held_out
    DIR/screened_out.csv          model, check, shares with the screened-out factors at their
                                  defaults and drawn from their priors, difference
    DIR/agreement.csv             model, quantity, low, high, difference, tolerance, within
    DIR/observables.csv           model_a, model_b, observable, unit, auc, n_needed, best
    DIR/constraints.csv           per model and factor: mean, median, 90% interval, sd ratio
    DIR/marginals.png, pairwise.png, model_probabilities.png, report.md
"""

from __future__ import annotations

import dataclasses
import errno
import math
import time
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
from experiments.studies.calibration.agreement import agreement, summary
from experiments.studies.calibration.choice import confusion, pair_rates
from experiments.studies.calibration.design import PATTERN_IDS, Calibration
from experiments.studies.calibration.evidence import bayes_factors, pooled_probabilities
from experiments.studies.calibration.figures import marginals, pairwise, probabilities_plot
from experiments.studies.calibration.history import (
    constraint,
    effective_size,
    model_probabilities,
    pooled,
    posterior_frame,
)
from experiments.studies.calibration.measure import plan, separating_observables, undecided_pairs
from experiments.studies.calibration.particles import root_of, summarise
from experiments.studies.calibration.predictive import (
    joint_shares,
    pattern_check,
    screened_out_check,
    simulate_predictive,
    statistic_check,
)
from experiments.studies.calibration.report import report
from experiments.studies.calibration.sampler import OrderedSampler
from experiments.studies.calibration.screen import screen
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
    bayes_factors: pd.DataFrame | None = None
    choice_check: pd.DataFrame | None = None
    agreement: pd.DataFrame | None = None
    info: dict | None = None


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
        if owner.present(out):
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
    summaries at the truth for the known-answer check (the same for every seed)."""
    if calib.truth is None:
        return {}
    overrides = {**calib.models[calib.truth.model], **calib.truth.parameters}
    return summarise(overrides, root_of(calib.seed, *TRUTH_KEY), calib.reps, "truth", ())


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
    """The runs of the largest task: a posterior predictive draw (every point, the
    respondents' included); a particle runs at most as many."""
    from experiments.analysis.scorecard import RESPONDENT_POINTS, criteria_points

    groups = ("main",) if calib.truth else ("main", "probes")
    extra = 0 if calib.truth else len(RESPONDENT_POINTS)
    return calib.reps * (sum(len(criteria_points()[g]) for g in groups) + extra)


def _screened(out: Path, calib: Calibration, pool, info: dict) -> Calibration:
    """The calibration with the screening's choice: read back from the record of a
    calibration that has screened already, else screened now (and recorded before the
    history is created, so that a resume never screens twice)."""
    if not calib.screen or calib.truth is not None:
        return calib
    names = {f.name: f for f in calib.factors}
    record = info.get("screening")
    if isinstance(record, dict) and isinstance(record.get("chosen"), list):
        chosen = record["chosen"]
        if not all(isinstance(n, str) and n in names for n in chosen):
            raise StudyError(f"{out / 'calibration.json'}: the screening's choice names factors that are not "
                             "candidates; restore the file or remove the directory to start afresh")
        return dataclasses.replace(calib, chosen=tuple(names[n] for n in chosen))
    start = time.perf_counter()
    table, chosen = screen(calib, pool)
    table.to_csv(out / "screening.csv", index=False)
    info["screening"] = {"trajectories": calib.screen, "candidates": len(calib.factors),
                         "chosen": [f.name for f in chosen]}
    _add_time(info, "screening", time.perf_counter() - start)
    write_json(info, out / "calibration.json")
    return dataclasses.replace(calib, chosen=chosen)


def _add_time(info: dict, stage: str, seconds: float) -> None:
    timing = info.setdefault("timing", {})
    timing[stage] = round(float(timing.get(stage, 0.0)) + seconds, 1)


def _calibrate(out: Path, calib: Calibration, generations: int, pool, workers: int, on_generation,
               info) -> CalibrationResult:
    calib = _screened(out, calib, pool, info)
    samplers = {s: OrderedSampler(pool, workers, s) for s in calib.seeds}
    if owner.present(out):
        # checked when the command began too, but the screening ran since: a file that appeared
        # meanwhile (an empty database another program's sqlite3.connect created) is refused in
        # one line, not continued
        owner.check(out, calib.fingerprint(), info["history"]["id"])
    else:
        abc_run.start_history(calib, samplers.__getitem__, out, observed_data(calib), _truth_meta(calib),
                              info["history"]["id"])
    runs = {}
    for k, seed in enumerate(calib.seeds):
        start = [time.perf_counter()]

        def generation_done(t, seed=seed, start=start):
            _add_time(info, f"abc:{seed}", time.perf_counter() - start[0])
            start[0] = time.perf_counter()
            write_json(info, out / "calibration.json")
            if on_generation is not None:
                on_generation(t)

        runs[seed] = abc_run.run_generations(abc_run.for_seed(calib, seed), samplers[seed], out, generations,
                                             abc_id=k + 1, on_generation=generation_done)
    return _analyse(out, calib, runs, pool, info)


def _analyse(out: Path, calib: Calibration, runs: dict, pool, info: dict) -> CalibrationResult:
    models = list(calib.models)
    posteriors, probabilities, per_seed = {}, [], {}
    for seed, (stopped, smc) in runs.items():
        history = smc.history
        one = abc_run.for_seed(calib, seed)
        posteriors[seed] = posterior_frame(history, one)
        probabilities.append(model_probabilities(history, one, seed))
        populations = history.get_all_populations().sort_values("t")
        populations = populations[populations.t >= 0]
        per_seed[seed] = {"stopped": stopped, "generations": int(len(populations)),
                          "epsilons": [_plain(e) for e in populations.epsilon],
                          "evaluations": int(populations.samples.sum()),
                          "ess": {m: effective_size(posteriors[seed], m) for m in models}}
    probabilities = pd.concat(probabilities, ignore_index=True)
    posterior = pooled(posteriors)
    start = time.perf_counter()
    sims = simulate_predictive(posterior, calib, pool)
    _add_time(info, "predictive", time.perf_counter() - start)
    observed = next(iter(runs.values()))[1].x_0
    factors = bayes_factors(probabilities, models)
    check = screened = None
    if calib.truth:
        predictive = statistic_check(sims, observed)
    else:
        claims = _claims(sims)
        predictive = pattern_check(sims, calib, claims)
        screened = screened_out_check(sims, calib)
        reference = [(models[p.m], p.sum_stat) for _, smc in runs.values()
                     for p in smc.history.get_population(t=0).particles if not p.sum_stat.get("failed")]
        check = confusion(reference, [(s["model"], s["summary"]) for s in sims], models, calib.hold_out)
        factors = _qualified(factors, check)
    alive = {s["model"] for s in sims}
    observables = separating_observables(sims, undecided_pairs(factors, alive))
    agreeing = agreement(posteriors, probabilities, calib)
    tables = {m: constraint(posterior, calib, m) for m in dict.fromkeys(posterior.model)}
    coverage = truth_coverage(tables.get(calib.truth.model), calib) if calib.truth else None
    ess = {m: effective_size(posterior, m) for m in models}
    _write(out, calib, posterior, probabilities, factors, check, predictive, screened, agreeing, observables, tables)
    info.update(
        population=calib.population, population_total=calib.total_population, seeds=list(calib.seeds),
        held_out=list(calib.hold_out), calibrated_patterns=list(calib.patterns),
        factors_calibrated=[f.name for f in calib.calibrated],
        ess={m: round(v, 1) for m, v in ess.items()},
        particles={m: int((posterior.model == m).sum()) for m in models},
        joint_share={m: _plain(v) for m, v in joint_shares(predictive).items()} if not calib.truth else None,
        probabilities={m: _plain(v) for m, v in pooled_probabilities(probabilities, models).items()},
        runs={str(s): v for s, v in per_seed.items()},
        generations_done=min(v["generations"] for v in per_seed.values()),
        stopped="; ".join(f"seed {s}: {v['stopped']}" for s, v in per_seed.items()),
        agreement=summary(agreeing), decided=_decided(factors),
        coverage=None if coverage is None else coverage.to_dict("records"))
    write_json(_clean(info), out / "calibration.json")
    write_text(report(info, calib, probabilities, factors, tables, predictive, screened, check, agreeing,
                      observables, plan(observables) if len(observables) else None, coverage), out / "report.md")
    return CalibrationResult(posterior, probabilities, predictive, observables, coverage, info["stopped"], factors,
                             check, agreeing, info)


def _claims(sims: list[dict]) -> dict[str, str]:
    """The respondent checks' claims by key (``respondent:R1:1``), as the draws scored them."""
    return {k: v for s in sims for k, v in s["claims"].items()}


def _qualified(factors: pd.DataFrame, check: pd.DataFrame) -> pd.DataFrame:
    """The Bayes factors with the model choice check's rates: the share of A's pseudo-data
    attributed to B and of B's to A (and which pseudo-data they come from)."""
    rates = [pair_rates(check, a, b) for a, b in zip(factors.model_a, factors.model_b, strict=True)]
    return factors.assign(a_as_b=[r[0] for r in rates], b_as_a=[r[1] for r in rates],
                          check_source=[r[2] for r in rates])


def _decided(factors: pd.DataFrame) -> dict:
    rows = factors[factors.decided.astype(bool)]
    return {"decided": [f"{r.model_a} over {r.model_b}" for r in rows.itertuples()],
            "undecided": int((~factors.decided.astype(bool)).sum())}


def _write(out, calib, posterior, probabilities, factors, check, predictive, screened, agreeing, observables, tables):
    write_parquet(posterior, out / "posterior.parquet")
    probabilities.to_csv(out / "model_probabilities.csv", index=False)
    factors.to_csv(out / "bayes_factors.csv", index=False)
    predictive.to_csv(out / "predictive.csv", index=False)
    observables.to_csv(out / "observables.csv", index=False)
    agreeing.to_csv(out / "agreement.csv", index=False)
    if check is not None:
        check.to_csv(out / "model_choice_check.csv", index=False)
    if screened is not None:
        screened.to_csv(out / "screened_out.csv", index=False)
    frames = [t for t in tables.values() if len(t)]
    (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()).to_csv(out / "constraints.csv", index=False)
    write_text(factor_file(calib), out / "factors.toml")
    last = pooled_probabilities(probabilities, list(calib.models)).sort_values(ascending=False)
    lead = last.index[0]
    if lead in tables and len(tables[lead]):
        marginals(posterior, tables[lead], lead, out / "marginals.png")
        pairwise(posterior, tables[lead], lead, out / "pairwise.png")
    probabilities_plot(probabilities, out / "model_probabilities.png")


def factor_file(calib: Calibration) -> str:
    """The calibrated factors as a factor file (their prior bounds)."""
    lines = ["# The factors this calibration sampled (trustnet calibrate; its screening's choice), with",
             "# their prior bounds: a factor file for --factors (e.g. a known-answer check, --screen 0).", ""]
    for f in calib.calibrated:
        bounds = f"[{int(f.low)}, {int(f.high)}]" if f.integer else f"[{f.low!r}, {f.high!r}]"
        lines += ["[[factors]]", f'name = "{f.name}"', f"bounds = {bounds}", ""]
    return "\n".join(lines)


def _plain(v):
    v = float(v)
    return v if math.isfinite(v) else None


def _clean(value):
    """JSON without NaN or infinity (None instead)."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


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


__all__ = ["PATTERN_IDS", "CalibrationResult", "prepare", "run_calibration"]
