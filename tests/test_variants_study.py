"""The pattern-oriented comparison of variants: shares, intervals, verdict, command."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.analysis.outcomes import wilson
from experiments.analysis.points import PATTERNS
from experiments.studies.variants import default_variants, parse_variant
from experiments.studies.variants.design import parameter_sample
from experiments.studies.variants.verdict import holm, mcnemar, paired, shares, verdict
from model import ScenarioError

ROOT = Path(__file__).resolve().parents[1]


def points(passing: dict[str, dict[str, list[bool]]], n: int = 20) -> pd.DataFrame:
    """Constructed evidence: for each variant, which of ``n`` sample points hold each
    pattern (a list of booleans; every pattern holds everywhere by default)."""
    rows = []
    for variant, verdicts in passing.items():
        for j in range(n):
            row = {"variant": variant, "sample": j}
            for p in PATTERNS:
                ok = verdicts.get(p, [True] * n)[j]
                row.update({f"{p}:holds": float(ok), f"{p}:p_holds": float(ok), f"{p}:margin": float(not ok)})
            row["all:holds"] = float(all(row[f"{p}:holds"] for p in PATTERNS))
            row["all:p_holds"] = row["all:holds"]
            rows.append(row)
    return pd.DataFrame(rows)


def test_shares_and_all_patterns_together():
    table = shares(points({"baseline": {}, "T1=literature": {"P1": [False] * 20, "P3": [True] * 10 + [False] * 10}}))
    t = table.set_index(["variant", "pattern"])
    assert t.loc[("baseline", "P1"), "share"] == 1.0 and t.loc[("baseline", "all"), "share"] == 1.0
    assert t.loc[("T1=literature", "P3"), "share"] == 0.5
    assert t.loc[("T1=literature", "all"), "share"] == 0.0  # P1 never passes
    assert t.loc[("T1=literature", "P1"), "ci_high"] < 0.2


def test_wilson_interval_known_values():
    lo, hi = wilson(10, 20)
    assert lo == pytest.approx(0.2993, abs=1e-3) and hi == pytest.approx(0.7007, abs=1e-3)
    assert wilson(0, 20)[0] == 0.0 and wilson(20, 20)[1] == 1.0


def test_paired_verdict_tells_better_worse_and_alike():
    """The baseline is the reference and never judged by its own rule; a variant is worse
    where only the baseline holds at many points, better where only it does."""
    n = 40
    mostly, rarely, never, always = [True] * 34 + [False] * 6, [False] * 34 + [True] * 6, [False] * n, [True] * n
    evidence = points({"baseline": {"P6": rarely, "P1": mostly}, "T1=literature": {"P1": never, "P6": rarely},
                       "T6=literature": {"P6": always, "P1": mostly}, "T7=literature": {"P6": rarely, "P1": mostly},
                       "T5=literature": {"P6": mostly, "P1": rarely}, "T3=literature": {"P1": always, "P6": rarely}},
                      n)
    table = paired(evidence)
    assert set(table.variant) == {"T1=literature", "T6=literature", "T7=literature", "T5=literature",
                                  "T3=literature"}
    row = table.set_index(["variant", "pattern"]).loc[("T1=literature", "P1")]
    assert (row.only_baseline, row.only_variant, row.verdict) == (34, 0, "worse")
    v = verdict(table, {"T7=literature": False}, {"T7=literature": "participation was voluntary"})
    assert v["T1=literature"]["verdict"] == "worse" and v["T1=literature"]["worse_on"] == ["P1"]
    assert v["T6=literature"]["verdict"] == "better" and v["T6=literature"]["better_on"] == ["P6"]
    assert v["T5=literature"]["verdict"] == "mixed"
    assert v["T3=literature"]["verdict"] == "indistinguishable"  # 6 discordant points of 40 cannot tell
    assert v["T7=literature"] == {"verdict": "does not act in X or Y", "better_on": [], "worse_on": [],
                                  "reason": "participation was voluntary"}
    assert mcnemar(0, 0) == 1.0 and mcnemar(10, 0) < 0.01
    assert list(holm(np.array([0.01, 0.04, 0.03]))) == pytest.approx([0.03, 0.06, 0.06])


def test_variant_names_and_parameter_sample():
    assert list(default_variants())[:2] == ["T1=literature", "T2=literature"]
    assert len(default_variants()) == 11
    assert parse_variant("T1=literature+T3")[1] == {"T1": "literature", "T3": "literature"}
    with pytest.raises(ScenarioError, match="unknown theory pair"):
        parse_variant("T9=literature")
    sample = parameter_sample(8, 1)
    assert len(sample) == 8 and sample == parameter_sample(8, 1)
    assert all(0.0 <= s["detect_prob"] <= 1.0 for s in sample)


def test_command_end_to_end_small(tmp_path):
    r = subprocess.run([sys.executable, "-m", "experiments.cli", "variants", "--samples", "2", "--reps", "2",
                        "--variants", "T7", "--pair", "T1+T3", "--workers", "2", "--out", str(tmp_path),
                        "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    table = pd.read_csv(tmp_path / "variants.csv")
    assert list(table.columns) == ["variant", "pattern", "share", "ci_low", "ci_high", "mean_p_holds"]
    assert set(table.variant) == {"baseline", "T7=literature", "T1=literature+T3=literature"}
    assert set(table.pattern) == {*PATTERNS, "all"}
    evidence = pd.read_parquet(tmp_path / "variant_points.parquet")
    assert len(evidence) == 6 and {"P4:margin", "P2:exposed_trust_drop", "param:detect_prob"} <= set(evidence)
    # T7 acts only under imposed participation: identical to the baseline in X and Y
    base = evidence[evidence.variant == "baseline"].filter(like=":margin").to_numpy()
    t7 = evidence[evidence.variant == "T7=literature"].filter(like=":margin").to_numpy()
    assert (base == t7).all()
    v = json.loads((tmp_path / "verdict.json").read_text())
    assert v["verdicts"]["T7=literature"]["verdict"] == "does not act in X or Y"
    assert "voluntary" in v["verdicts"]["T7=literature"]["reason"]
    assert "baseline" not in v["verdicts"]  # the reference is not judged
    assert (tmp_path / "variants.png").stat().st_size > 10_000
    assert "## Verdict, paired against the baseline" in (tmp_path / "report.md").read_text()
