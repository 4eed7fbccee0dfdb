"""`trustnet calibrate` at a small size: outputs, model probabilities, resume, the
posterior as a design input, and the known-answer check."""

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
"""
KNOWN_FACTORS = FACTORS[:FACTORS.index('[[factors]]\nname = "x.turnover_rate"')]  # the truth sets these
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
    """The patterns as data: baseline against T1, P7 held out."""
    out = tmp_path_factory.mktemp("calibration") / "out"
    code = main(["calibrate", "--factors", str(files / "factors.toml"), "--variants", "T1", "--population", "6",
                 "--generations", "2", "--reps", "2", "--hold-out", "P7", "--seed", "5", "--workers", "1",
                 "--quiet", "--out", str(out)])
    assert code == 0
    return out


def test_writes_every_output(patterns_run):
    for name in ("posterior.parquet", "model_probabilities.csv", "predictive.csv", "observables.csv",
                 "constraints.csv", "marginals.png", "pairwise.png", "model_probabilities.png", "report.md",
                 "calibration.json", "history.db"):
        assert (patterns_run / name).exists(), name
    post = pd.read_parquet(patterns_run / "posterior.parquet")
    assert list(post.columns) == ["model", "intent_gain", "cog_gain", "emp_gain", "x.turnover_rate", "weight"]
    assert post.weight.sum() == pytest.approx(1.0)
    assert ((post["x.turnover_rate"] >= 0) & (post["x.turnover_rate"] <= 0.4)).all()
    obs = pd.read_csv(patterns_run / "observables.csv")
    assert list(obs.columns[:6]) == ["model_a", "model_b", "observable", "unit", "auc", "n_needed"]
    assert obs.auc.between(0, 1).all()
    report = (patterns_run / "report.md").read_text()
    assert "Which models the patterns favour" in report and "What to measure next" in report


def test_model_probabilities_per_generation_sum_to_one(patterns_run):
    probs = pd.read_csv(patterns_run / "model_probabilities.csv")
    assert set(probs.model) == {"baseline", "T1=literature"}
    assert sorted(probs.generation.unique()) == [0, 1]
    sums = probs.groupby("generation").probability.sum()
    assert sums.to_numpy() == pytest.approx([1.0, 1.0])


def test_held_out_pattern_is_checked_on_the_posterior(patterns_run):
    pred = pd.read_csv(patterns_run / "predictive.csv")
    assert list(pred.columns) == ["model", "pattern", "share", "ci_low", "ci_high", "held_out"]
    assert set(pred[pred.held_out].pattern) == {"P7"}
    assert {"P1", "P7"} <= set(pred.pattern)
    assert ((pred.ci_low <= pred.share) & (pred.share <= pred.ci_high)).all()


def test_a_different_calibration_in_the_same_directory_is_refused(patterns_run, capsys):
    before = sorted(p.name for p in patterns_run.iterdir())
    stamp = (patterns_run / "calibration.json").read_text()
    code = main(["calibrate", "--population", "6", "--generations", "2", "--reps", "2", "--seed", "6",
                 "--workers", "1", "--quiet", "--out", str(patterns_run)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "different calibration" in err and len(err.splitlines()) == 1
    assert sorted(p.name for p in patterns_run.iterdir()) == before
    assert (patterns_run / "calibration.json").read_text() == stamp


def _patterns_args(files, out, generations="2"):
    return ["calibrate", "--factors", str(files / "factors.toml"), "--variants", "T1", "--population", "6",
            "--generations", generations, "--reps", "2", "--hold-out", "P7", "--seed", "5", "--workers", "1",
            "--quiet", "--out", str(out)]


def test_fewer_generations_than_done_report_the_generation_there_is(patterns_run, files, tmp_path, capsys):
    """A calibration is continued, never shortened: asked for 1 generation where 2 are
    done, it says that the posterior is generation 1's."""
    import shutil

    out = tmp_path / "copy"
    shutil.copytree(patterns_run, out)  # the directory moved whole: still its own history
    assert main(_patterns_args(files, out, generations="1")) == 0
    assert "2 generations done (more than the 1 asked for; the posterior is generation 1's)" in \
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
    assert runs.intent_gain.tolist() == pytest.approx([d["intent_gain"] for d in draws])
    assert runs["x.turnover_rate"].tolist() == pytest.approx([d["x.turnover_rate"] for d in draws])
    assert runs.seed.nunique() == 4  # each run its own stream as well as its own draw
    post = pd.read_parquet(patterns_run / "posterior.parquet")
    if (post[post.model == "baseline"].intent_gain.nunique()) > 1:
        assert draw_parameters(patterns_run, 50, 1) != draw_parameters(patterns_run, 50, 2)


def _small(files, seed=13, population=6, factors="factors.toml") -> Calibration:
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
    calib = _small(files, seed=11, population=20, factors="known.toml")
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

    calib = _small(files, seed=17, population=4)
    serial = calibration_study.run_calibration(tmp_path / "serial", calib, 2)
    pooled = calibration_study.run_calibration(tmp_path / "pool", calib, 2, ExecutorSpec(workers=2))
    pd.testing.assert_frame_equal(serial.posterior, pooled.posterior)
    pd.testing.assert_frame_equal(serial.probabilities, pooled.probabilities)


def test_sa_and_variants_take_the_posterior(patterns_run, files, tmp_path):
    from experiments.ensemble.posterior import posterior_mean

    sa_factors = tmp_path / "sa.toml"
    sa_factors.write_text('[[factors]]\nname = "intent_gain"\nbounds = [0.01, 0.1]\n'
                          '[[factors]]\nname = "loss_ratio"\nbounds = [1.0, 6.0]\n')
    assert main(["sa", "--posterior", str(patterns_run), "--factors", str(sa_factors), "--scenario", "x",
                 "--method", "morris", "--n", "2", "--reps", "1", "--workers", "1", "--quiet",
                 "--out", str(tmp_path / "sa")]) == 0
    runs = load(tmp_path / "sa" / "runs").runs
    mean = posterior_mean(patterns_run)
    assert runs.cog_gain.unique().tolist() == pytest.approx([mean["cog_gain"]])  # not a factor: posterior mean
    assert runs.intent_gain.nunique() > 1  # a factor: sampled, the posterior's value overridden
    assert main(["variants", "--posterior", str(patterns_run), "--samples", "2", "--reps", "2", "--variants", "T1",
                 "--workers", "1", "--quiet", "--out", str(tmp_path / "v")]) == 0
    verdict = json.loads((tmp_path / "v" / "verdict.json").read_text())
    assert verdict["sample"] == draw_parameters(patterns_run, 2, 20221)
