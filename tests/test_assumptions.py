"""The assumption ledger: Morris screening of every assumed number against every answer."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.ensemble import ExecutorSpec
from experiments.ensemble.factors import Factor
from experiments.studies.assumptions import LedgerSizes, run_assumptions
from experiments.studies.assumptions import study as ledger_study
from experiments.studies.assumptions.answers import answer_names
from experiments.studies.assumptions.design import ledger_factors, morris_sample
from experiments.studies.assumptions.ledger import indices, measure_first

ROOT = Path(__file__).resolve().parents[1]


def test_the_ledger_screens_every_assumed_number_and_nothing_else():
    names = {f.name for f in ledger_factors()}
    assert {"breach_alignment", "breach_threshold", "breach_conflict", "breach_shift", "goal_erosion",
            "goodwill_transfer", "evaluation_align", "i2_risk_cut", "i5_repair"} <= names
    assert not names & {"i1", "i1_start", "i1_every", "opportunism", "intent_shift", "max_cases", "T1"}
    assert len(answer_names()) == 3 + 7 + 2 * 2 * 6  # gaps, margins, effects and ranks in X and Y


def test_morris_indices_find_the_assumptions_that_decide_a_known_answer():
    factors = [Factor("a", 0.0, 1.0), Factor("b", 0.0, 2.0), Factor("c", 0.0, 1.0), Factor("d", 0, 10, True)]
    sample = morris_sample(factors, 12, seed=1)
    assert set(np.unique(sample[:, 3])) <= set(range(11))  # integers stay whole
    answers = pd.DataFrame({"only_a": 3.0 * sample[:, 0], "b_more_than_c": sample[:, 1] + 0.1 * sample[:, 2],
                            "flat": np.ones(len(sample))})
    table = indices(factors, sample, answers, seed=1).set_index(["answer", "parameter"])
    decisive = {a: set(table.loc[a].index[table.loc[a].decisive]) for a in answers}
    assert decisive == {"only_a": {"a"}, "b_more_than_c": {"b"}, "flat": set()}
    assert table.loc[("only_a", "a"), "rank"] == 1 and table.loc[("only_a", "a"), "influence"] == 1.0
    first = measure_first(table.reset_index())
    assert set(first.parameter) == {"a", "b"} and (first.answers == 1).all()


def test_a_small_ledger_end_to_end(tmp_path, monkeypatch):
    """Two assumptions, two trajectories: every answer is computed at every point and the
    ledger, its report and figure are written."""
    monkeypatch.setattr(ledger_study, "ledger_factors",
                        lambda: [Factor("breach_alignment", 0.0, 0.85), Factor("lang_gain", 0.0, 0.1)])
    summaries, ledger = run_assumptions(tmp_path, LedgerSizes(trajectories=2, reps=2, chunk=4), seed=3,
                                        executor=ExecutorSpec(workers=2), quiet=True)
    assert all(s.ok for s in summaries) and ledger is not None
    answers = pd.read_csv(tmp_path / "answers.csv", index_col="point")
    assert len(answers) == 2 * 3 and list(answers.columns) == answer_names()
    assert answers.filter(like="rank:").isin(range(1, 7)).all().all()
    table = pd.read_csv(tmp_path / "assumptions.csv")
    assert list(table.columns[:6]) == ["parameter", "source", "answer", "influence", "rank", "decisive"]
    assert len(table) == 2 * len(answer_names())
    # the newcomer's alignment decides whether misuse happens: it moves P2's margin
    p2 = table[(table.answer == "margin:P2")].set_index("parameter")
    assert p2.loc["breach_alignment", "mu_star"] > 0
    assert "## Measure these first" in (tmp_path / "report.md").read_text()
    assert (tmp_path / "assumptions.png").stat().st_size > 10_000


def test_the_command_refuses_a_bad_size_with_one_line(tmp_path):
    r = subprocess.run([sys.executable, "-m", "experiments.cli", "assumptions", "--trajectories", "1",
                        "--out", str(tmp_path / "o")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "trajectories" in r.stderr
