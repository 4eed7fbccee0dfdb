"""The pattern-oriented comparison of variants: shares, intervals, verdict, command."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments.analysis.outcomes import wilson
from experiments.studies.variants import default_variants, parse_variant
from experiments.studies.variants.design import parameter_sample
from experiments.studies.variants.verdict import PATTERNS, shares, verdict
from model import ScenarioError

ROOT = Path(__file__).resolve().parents[1]


def scorecards(passing: dict[str, dict[str, int]], n: int = 20) -> pd.DataFrame:
    """Constructed scores: for each variant, how many of ``n`` samples pass each pattern
    (the first k samples pass)."""
    rows = []
    for variant, counts in passing.items():
        for j in range(n):
            rows.append({"variant": variant, "sample": j,
                         **{p: j < counts.get(p, n) for p in PATTERNS}})
    return pd.DataFrame(rows)


def test_shares_and_all_patterns_together():
    table = shares(scorecards({"baseline": {}, "T1=literature": {"P1": 0, "P3": 10}}))
    t = table.set_index(["variant", "pattern"])
    assert t.loc[("baseline", "P1"), "share"] == 1.0 and t.loc[("baseline", "all"), "share"] == 1.0
    assert t.loc[("T1=literature", "P3"), "share"] == 0.5
    assert t.loc[("T1=literature", "all"), "share"] == 0.0  # P1 never passes
    assert t.loc[("T1=literature", "P1"), "ci_high"] < 0.2


def test_wilson_interval_known_values():
    lo, hi = wilson(10, 20)
    assert lo == pytest.approx(0.2993, abs=1e-3) and hi == pytest.approx(0.7007, abs=1e-3)
    assert wilson(0, 20)[0] == 0.0 and wilson(20, 20)[1] == 1.0


def test_verdict_rejects_survives_and_finds_look_alikes():
    table = shares(scorecards({"baseline": {}, "T1=literature": {"P1": 0}, "T7=literature": {},
                               "T5=literature": {"P6": 8}}))
    v = verdict(table)
    assert v["rejected"] == {"T1=literature": ["P1"]}
    assert set(v["survivors"]) == {"baseline", "T7=literature", "T5=literature"}
    assert v["indistinguishable_from_baseline"] == ["T7=literature"]


def test_variant_names_and_parameter_sample():
    assert list(default_variants())[:2] == ["baseline", "T1=literature"]
    assert len(default_variants()) == 12
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
    assert list(table.columns) == ["variant", "pattern", "share", "ci_low", "ci_high"]
    assert set(table.variant) == {"baseline", "T7=literature", "T1=literature+T3=literature"}
    assert set(table.pattern) == {*PATTERNS, "all"}
    # T7 acts only under imposed participation: identical to the baseline in X and Y
    scores = pd.read_csv(tmp_path / "scores.csv")
    base = scores[scores.variant == "baseline"][list(PATTERNS)].to_numpy()
    t7 = scores[scores.variant == "T7=literature"][list(PATTERNS)].to_numpy()
    assert (base == t7).all()
    v = json.loads((tmp_path / "verdict.json").read_text())
    assert "T7=literature" in v["indistinguishable_from_baseline"]
    assert (tmp_path / "variants.png").stat().st_size > 10_000
    assert "## Verdict" in (tmp_path / "report.md").read_text()
