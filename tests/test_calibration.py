"""`trustnet calibrate` at a small size: outputs, model probabilities and Bayes factors over
two seeds, the validation tables, a report that holds back, resume, the posterior as a
design input, and the known-answer check."""

import json

import pandas as pd
import pytest

from experiments.cli import main
from experiments.ensemble import load
from experiments.ensemble.posterior import draw_parameters
from experiments.studies.calibration import Calibration, calibration_factors, competing_models, load_truth
from experiments.studies.calibration import study as calibration_study

FACTORS = """
[[factors]]
name = "intent_gain"
bounds = [0.005, 0.15]

[[factors]]
name = "cog_gain"
bounds = [0.005, 0.2]

[[factors]]
name = "emp_gain"
bounds = [0.005, 0.15]

[[factors]]
name = "x.turnover_rate"
bounds = [0.0, 0.4]

[[factors]]
name = "stability_start"
bounds = [1, 156]
"""
KNOWN_FACTORS = FACTORS[:FACTORS.index('[[factors]]\nname = "x.turnover_rate"')]  # the truth sets these
INERT = "stability_start"  # acts only under T6: the screening must leave it at its default
TRUTH = 'model = "baseline"\n[parameters]\nintent_gain = 0.04\ncog_gain = 0.06\nemp_gain = 0.03\n'


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("calibration-inputs")
    (root / "factors.toml").write_text(FACTORS)
    (root / "truth.toml").write_text(TRUTH)
    (root / "known.toml").write_text(KNOWN_FACTORS)
    return root


@pytest.fixture(scope="module")
def patterns_run(tmp_path_factory, files):
    """The patterns as data: baseline against T1, P7 held out, two seeds, a screening."""
    out = tmp_path_factory.mktemp("calibration") / "out"
    code = main(_patterns_args(files, out))
    assert code == 0
    return out


def test_writes_every_output(patterns_run):
    for name in ("posterior.parquet", "model_probabilities.csv", "bayes_factors.csv", "model_choice_check.csv",
                 "predictive.csv", "screened_out.csv", "agreement.csv", "observables.csv", "constraints.csv",
                 "screening.csv", "factors.toml", "marginals.png", "pairwise.png", "model_probabilities.png",
                 "report.md", "calibration.json", "history.db"):
        assert (patterns_run / name).exists(), name
    post = pd.read_parquet(patterns_run / "posterior.parquet")
    info = json.loads((patterns_run / "calibration.json").read_text())
    assert list(post.columns) == ["model", *info["factors_calibrated"], "weight"]
    assert info["factors_calibrated"] and INERT not in info["factors_calibrated"]
    assert set(info["factors_calibrated"]) <= {"intent_gain", "cog_gain", "emp_gain", "x.turnover_rate"}
    screened = pd.read_csv(patterns_run / "screened_out.csv")  # the factor left out, varied at posterior draws
    assert {"calibrated", "P1"} <= set(screened.check) and (screened.n >= 10).all()
    screening = pd.read_csv(patterns_run / "screening.csv")
    assert not screening[screening.parameter == INERT].decisive.any()
    assert (screening[screening.parameter == INERT].mu_star == 0).all()  # common random numbers: no noise
    assert post.weight.sum() == pytest.approx(1.0)
    if "x.turnover_rate" in post:
        assert ((post["x.turnover_rate"] >= 0) & (post["x.turnover_rate"] <= 0.4)).all()
    report = (patterns_run / "report.md").read_text()
    assert "Which theory variants the evidence supports" in report and "What to measure next" in report


def test_the_record_says_what_a_referee_reads_first(patterns_run):
    info = json.loads((patterns_run / "calibration.json").read_text())
    assert info["population"] == 4 and info["population_total"] == 8
    assert info["seeds"] == [5, 6] and info["held_out"] == ["P7"]
    assert set(info["ess"]) == {"baseline", "T1=literature"} and set(info["joint_share"]) <= set(info["ess"])
    assert all(v is None or 0 <= v <= 1 for v in info["joint_share"].values())
    assert set(info["runs"]) == {"5", "6"} and info["screening"]["trajectories"] == 2
    assert set(info["timing"]) >= {"screening", "abc:5", "abc:6", "predictive"}


def test_model_probabilities_per_seed_and_generation_with_bayes_factors(patterns_run):
    probs = pd.read_csv(patterns_run / "model_probabilities.csv")
    assert list(probs.columns) == ["seed", "generation", "model", "probability", "bayes_factor"]
    assert set(probs.model) == {"baseline", "T1=literature"} and set(probs.seed) == {5, 6}
    assert probs.groupby(["seed", "generation"]).probability.sum().to_numpy() == pytest.approx(1.0)
    base = probs[probs.model == "baseline"]
    assert (base.bayes_factor[base.probability > 0] == 1.0).all()
    factors = pd.read_csv(patterns_run / "bayes_factors.csv")
    assert {"bayes_factor", "bf_low", "bf_high", "spread", "decided", "a_as_b", "b_as_a"} <= set(factors.columns)
    observables = pd.read_csv(patterns_run / "observables.csv")
    undecided = factors[~factors.decided]
    assert set(zip(observables.model_a, observables.model_b, strict=True)) <= set(
        zip(undecided.model_a, undecided.model_b, strict=True))
    assert observables.auc.between(0, 1).all()


def test_held_out_pattern_and_respondent_checks_are_checked_on_the_posterior(patterns_run):
    pred = pd.read_csv(patterns_run / "predictive.csv")
    assert list(pred.columns) == ["model", "check", "kind", "share", "ci_low", "ci_high", "n", "held_out"]
    assert set(pred[pred.held_out & (pred.kind == "pattern")].check) == {"P7"}
    assert pred[pred.kind == "respondent"].held_out.all() and (pred.kind == "respondent").sum() >= 8
    assert {"calibrated", "every pattern"} <= set(pred[pred.kind == "joint"].check)
    assert ((pred.ci_low <= pred.share) & (pred.share <= pred.ci_high)).all()
    check = pd.read_csv(patterns_run / "model_choice_check.csv")
    assert list(check.columns) == ["source", "true_model", "attributed_model", "share", "n"]
    assert check.groupby(["source", "true_model"]).share.sum().to_numpy() == pytest.approx(1.0)


def test_a_small_run_says_what_cannot_be_concluded(patterns_run):
    """Tried as a new user would: at a handful of particles the report neither calls
    factors constrained nor a model favoured."""
    info = json.loads((patterns_run / "calibration.json").read_text())
    assert max(info["ess"].values()) < 200
    report = (patterns_run / "report.md").read_text()
    assert "too few effective particles to say which factors the patterns constrain" in report
    assert "factors constrained" not in report and "the evidence favours" not in report


def test_a_different_calibration_in_the_same_directory_is_refused(patterns_run, capsys):
    before = sorted(p.name for p in patterns_run.iterdir())
    stamp = (patterns_run / "calibration.json").read_text()
    code = main(["calibrate", "--population", "6", "--generations", "2", "--reps", "2", "--seed", "6",
                 "--screen", "0", "--workers", "1", "--quiet", "--out", str(patterns_run)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "different calibration" in err and len(err.splitlines()) == 1
    assert sorted(p.name for p in patterns_run.iterdir()) == before
    assert (patterns_run / "calibration.json").read_text() == stamp


def _patterns_args(files, out, generations="2"):
    return ["calibrate", "--factors", str(files / "factors.toml"), "--variants", "T1", "--population", "4",
            "--generations", generations, "--reps", "2", "--hold-out", "P7", "--screen", "2", "--seed", "5",
            "--workers", "1", "--quiet", "--out", str(out)]


def test_fewer_generations_than_done_report_the_generation_there_is(patterns_run, files, tmp_path, capsys):
    """A calibration is continued, never shortened: asked for 1 generation where 2 are
    done, it says that the posterior is generation 1's."""
    import shutil

    out = tmp_path / "copy"
    shutil.copytree(patterns_run, out)  # the directory moved whole: still its own history
    assert main(_patterns_args(files, out, generations="1")) == 0
    assert "seed 5: 2 generations done (more than the 1 asked for; the posterior is generation 1's)" in \
        capsys.readouterr().out


def test_a_foreign_history_is_refused_in_one_line(patterns_run, files, tmp_path, capsys):
    import shutil

    out = tmp_path / "copy"
    shutil.copytree(patterns_run, out)
    record = json.loads((out / "calibration.json").read_text())
    record["history"]["id"] = "another directory's"
    (out / "calibration.json").write_text(json.dumps(record))
    before = (out / "history.db").read_bytes()
    assert main(_patterns_args(files, out)) == 2
    err = capsys.readouterr().err.strip()
    assert "not this calibration's history" in err and len(err.splitlines()) == 1
    assert (out / "history.db").read_bytes() == before


def test_posterior_draws_change_the_parameters_per_run(patterns_run, tmp_path):
    out = tmp_path / "run"
    assert main(["run", "x", "--posterior", str(patterns_run), "--reps", "4", "--steps", "4", "--seed", "9",
                 "--workers", "1", "--quiet", "--out", str(out)]) == 0
    runs = load(out).runs
    draws = draw_parameters(patterns_run, 4, 9)
    for name in json.loads((patterns_run / "calibration.json").read_text())["factors_calibrated"]:
        assert runs[name].tolist() == pytest.approx([d[name] for d in draws])
    assert runs.seed.nunique() == 4  # each run its own stream as well as its own draw
    post = pd.read_parquet(patterns_run / "posterior.parquet")
    if len(post[post.model == "baseline"].drop_duplicates()) > 1:
        assert draw_parameters(patterns_run, 50, 1) != draw_parameters(patterns_run, 50, 2)


def _small(files, seed=13, population=3, factors="factors.toml") -> Calibration:
    """A known-answer calibration of the baseline against T1 (``population`` per model)."""
    models = competing_models("T1")
    factors = tuple(calibration_factors(files / factors))
    return Calibration(factors, models, population=population, reps=2, seed=seed,
                       truth=load_truth(files / "truth.toml", models))


def test_resume_gives_the_same_posterior_as_an_uninterrupted_run(files, tmp_path):
    calib = _small(files)
    calibration_study.run_calibration(tmp_path / "whole", calib, 2)

    class StopAfterFirstError(Exception):
        pass

    def stop_after_first(t):
        if t == 0:
            raise StopAfterFirstError

    with pytest.raises(StopAfterFirstError):
        calibration_study.run_calibration(tmp_path / "resumed", calib, 2, on_generation=stop_after_first)
    assert not (tmp_path / "resumed" / "posterior.parquet").exists()
    calibration_study.run_calibration(tmp_path / "resumed", calib, 2)
    for name in ("posterior.parquet", "model_probabilities.csv"):
        a = (pd.read_parquet if name.endswith("parquet") else pd.read_csv)(tmp_path / "whole" / name)
        b = (pd.read_parquet if name.endswith("parquet") else pd.read_csv)(tmp_path / "resumed" / name)
        pd.testing.assert_frame_equal(a, b)


def test_known_answer_truth_covered_and_true_model_selected(files, tmp_path):
    """Pseudo-observed summaries at the baseline's defaults: the baseline beats T1 (trust
    from the start against trust built up), and every factor the statistics identify
    has the truth in its 90% interval. Only the factors the truth sets are calibrated: a
    factor left at its default but free in the prior (turnover, say) trades off against
    the others along a ridge, and the prior's volume may then pull a marginal away from
    the truth, which is Bayes, not an error."""
    calib = _small(files, seed=11, population=10, factors="known.toml")
    result = calibration_study.run_calibration(tmp_path / "known", calib, 3)
    last = result.probabilities[result.probabilities.generation == result.probabilities.generation.max()]
    assert last.set_index("model").probability["baseline"] > 0.9
    coverage = result.coverage
    identified = coverage[coverage.sd_ratio < 0.6]
    assert len(identified) >= 1
    assert identified.covered.all(), identified
    info = json.loads((tmp_path / "known" / "calibration.json").read_text())
    assert info["coverage"] and "Known answer" in (tmp_path / "known" / "report.md").read_text()


def test_posterior_does_not_depend_on_the_executor(files, tmp_path):
    """Proposals are seeded by their number and accepted in order: a process pool gives
    the serial run's posterior."""
    from experiments.ensemble import ExecutorSpec

    calib = _small(files, seed=17, population=2)
    serial = calibration_study.run_calibration(tmp_path / "serial", calib, 2)
    pooled = calibration_study.run_calibration(tmp_path / "pool", calib, 2, ExecutorSpec(workers=2))
    pd.testing.assert_frame_equal(serial.posterior, pooled.posterior)
    pd.testing.assert_frame_equal(serial.probabilities, pooled.probabilities)


def test_sa_and_variants_take_the_posterior(patterns_run, files, tmp_path):
    from experiments.ensemble.posterior import posterior_mean

    calibrated = json.loads((patterns_run / "calibration.json").read_text())["factors_calibrated"]
    sampled = next(f for f in calibrated if "." not in f)  # a calibrated factor the sensitivity analysis samples
    sa_factors = tmp_path / "sa.toml"
    sa_factors.write_text(f'[[factors]]\nname = "{sampled}"\nbounds = [0.01, 0.1]\n'
                          '[[factors]]\nname = "loss_ratio"\nbounds = [1.0, 6.0]\n')
    assert main(["sa", "--posterior", str(patterns_run), "--factors", str(sa_factors), "--scenario", "x",
                 "--method", "morris", "--n", "2", "--reps", "1", "--workers", "1", "--quiet",
                 "--out", str(tmp_path / "sa")]) == 0
    runs = load(tmp_path / "sa" / "runs").runs
    mean = posterior_mean(patterns_run)
    for name in calibrated:
        if name != sampled and "." not in name:  # not a factor: the posterior mean
            assert runs[name].unique().tolist() == pytest.approx([mean[name]])
    assert runs[sampled].nunique() > 1  # a factor: sampled, the posterior's value overridden
    assert main(["variants", "--posterior", str(patterns_run), "--samples", "2", "--reps", "2", "--variants", "T1",
                 "--workers", "1", "--quiet", "--out", str(tmp_path / "v")]) == 0
    verdict = json.loads((tmp_path / "v" / "verdict.json").read_text())
    assert verdict["sample"] == draw_parameters(patterns_run, 2, 20221)
