"""The contrast experiment end to end at a test size with a fixed seed."""

import json

import numpy as np
import pandas as pd
import pytest

from experiments.analysis.scorecard import ABLATIONS
from experiments.ensemble import ExecutorSpec
from experiments.studies.contrast import Sizes, run_contrast
from experiments.studies.contrast.decomposition import coalitions, decompose, shapley
from experiments.studies.contrast.hybrid import GROUPS, hybrid, hybrid_from_spec
from model import load_scenario


@pytest.fixture(scope="module")
def contrast(tmp_path_factory):
    out = tmp_path_factory.mktemp("contrast")
    sizes = Sizes(reps=12, sweep_reps=2, decomposition_reps=2, sweep_levels=3, robust_points=3, robust_reps=2,
                  robust_chunk=2)
    summaries, result = run_contrast(out, sizes, seed=7, executor=ExecutorSpec(workers=2), quiet=True)
    assert all(s.ok for s in summaries)
    return out, result


def test_scorecard_reports_every_pattern_with_margins(contrast):
    """The scorecard is a result to show, not a state to pin: every pattern is scored,
    and a pattern passes exactly when its margin is 0."""
    out, _ = contrast
    card = json.loads((out / "scorecard.json").read_text())
    assert [p["id"] for p in card["patterns"]] == [f"P{i}" for i in range(1, 8)]
    for p in card["patterns"]:
        assert p["criterion"] and p["clauses"]
        assert p["passed"] == (p["margin"] == 0) == (p["failed_clauses"] == [])
        assert 0.0 <= p["p_holds"] <= 1.0 and p["replications"] == 12
        for c in p["clauses"]:  # every estimate with its Monte Carlo standard error
            assert set(c) >= {"name", "estimate", "se", "op", "threshold", "holds"}
            assert c["se"] is None or c["se"] >= 0


def test_ablations_keep_the_evidence_their_criterion_inspects(contrast):
    """Each ablation switches off one mechanism on exactly the points its pattern reads;
    the ablated runs still hold the events the criterion inspects (stalls for P4, misuse
    for P5, trust sweeps for P6), so a failure means the cause is gone, not the evidence."""
    out, result = contrast
    table = pd.read_csv(out / "ablations.csv")
    assert list(table.pattern) == list(ABLATIONS)
    assert set(table.kind) <= {"direct", "emergent"} and {"direct", "emergent"} <= set(table.kind)
    measured = {r.pattern: json.loads(r.measured_without) for r in table.itertuples()}
    assert measured["P4"]["share_of_pairs_stalled"] > 0  # stalls still happen without their damage
    assert measured["P5"]["runs_with_misuse"] > 0.5  # the history of misuse is still there
    assert measured["P1"]["x_level"] > 0.3  # trust starts above the gate: the model does not stop
    assert measured["P1"]["contacts_per_pair"] > 0  # ... and the interactions go on
    assert measured["P2"]["misuse_happens"] > 0.5  # misuse still happens, unlike in the counterfactual
    for m in ("communication", "autonomy", "stability", "coordination"):  # no effect zero by construction
        assert measured[f"P6:{m}"][m] != 0.0
    report = (out / "scorecard.md").read_text()
    for row in table.itertuples():
        if row.passed_without and row.passed_with:
            assert f"| {row.pattern} |" in report and "survives its ablation" in report


def test_respondent_checks_and_robustness_are_written(contrast):
    out, _ = contrast
    resp = pd.read_csv(out / "respondents.csv")
    assert list(resp.columns) == ["respondent", "organisation", "network", "claim", "section", "measured", "passed"]
    assert {"R1", "R4", "R6", "R8", "R9", "R10"} <= set(resp.respondent)
    assert set(resp.network) == {"x", "y"}
    robust = pd.read_csv(out / "robustness.csv")
    assert list(robust.columns) == ["pattern", "share", "ci_low", "ci_high", "mean_p_holds", "points"]
    evidence = pd.read_parquet(out / "robustness_points.parquet")
    assert len(evidence) == 3 and evidence["point"].tolist() == [0, 1, 2]
    for p in [f"P{i}" for i in range(1, 8)]:  # every point keeps its evidence
        assert {f"{p}:holds", f"{p}:p_holds", f"{p}:margin"} <= set(evidence.columns)
    assert "P2:exposed_trust_drop" in evidence and "param:goal_erosion" in evidence
    assert ((evidence["P1:margin"] == 0) == (evidence["P1:holds"] == 1)).all()
    assert set(pd.read_csv(out / "robustness_joint.csv").columns) == {"first", "second", "both", "independent",
                                                                      "phi"}
    assert list(robust.pattern) == [f"P{i}" for i in range(1, 8)] + ["all"]
    assert ((robust.share >= 0) & (robust.share <= 1) & (robust.ci_low <= robust.share)
            & (robust.share <= robust.ci_high)).all() and (robust.points == 3).all()
    report = (out / "report.md").read_text()
    assert "## Robustness over the assumptions" in report and "## Respondent checks" in report


def test_outputs_and_figures(contrast):
    out, result = contrast
    for name in ("summary.csv", "decomposition.csv", "sweeps.csv", "report.md", "scorecard.md"):
        assert (out / name).stat().st_size > 100, name
    for name in ("trajectories", "p2_dyads", "networks", "sweeps", "decomposition"):
        assert (out / f"{name}.png").stat().st_size > 20_000, name
    dec = pd.read_csv(out / "decomposition.csv")
    assert list(dec.columns[:5]) == ["outcome", "group", "share", "ci_low", "ci_high"]
    for outcome, shares in dec.groupby("outcome")["share"]:
        assert shares.sum() == pytest.approx(1.0), outcome  # Shapley shares add up to the gap


def test_hybrid_endpoints_are_exactly_x_and_y():
    x, y = load_scenario("x"), load_scenario("y")
    hx, hy = hybrid({}), hybrid({g: 1.0 for g in GROUPS})
    assert hx.params == x.params and hx.organisations == x.organisations and hx.events == x.events
    assert hy.params == y.params and hy.organisations == y.organisations and hy.events == y.events
    half = hybrid_from_spec("hybrid:communication=0.5")
    assert half.params.meeting_interval in (5, 6) and not half.params.online  # switches at 0.5
    with pytest.raises(ValueError):
        hybrid_from_spec("hybrid:weather=1")


def test_the_breach_moves_to_the_interested_party_in_x_composition_in_two_parts():
    """The decomposition tells the interest of its own from the diverging vision."""
    interest = hybrid({"interest": 1.0})
    enforcement = next(o for o in interest.organisations if o.name == "Enforcement")
    assert enforcement.conflict_of_interest > 0 and interest.breach is None
    vision = hybrid({"vision": 1.0})
    assert vision.breach.org == "Enforcement" and vision.params.breach_alignment < 0.3
    assert vision.params.breach_conflict == 0.0  # the vision without the interest: nothing to misuse for
    both = hybrid({"vision": 1.0, "interest": 1.0})
    assert both.params.breach_conflict > 0 and next(o for o in both.organisations
                                                    if o.name == "Enforcement").conflicts_with
    ordinary = hybrid({"stability": 1.0})  # Y's turnover without the vision: an ordinary successor
    assert ordinary.breach.org == "Enforcement" and ordinary.params.breach_alignment == 0.85
    assert ordinary.params.breach_conflict == 0.0


def test_shapley_known_answers():
    rng = np.random.default_rng(1)
    weights = dict(zip(GROUPS, rng.normal(size=len(GROUPS)), strict=True))
    additive = {c: sum(weights[g] for g in c) for c in coalitions()}
    for g, v in shapley(additive).items():
        assert v == pytest.approx(weights[g])
    # a pure two-way interaction is split equally between the two groups
    pair = {c: float({"composition", "autonomy"} <= c) for c in coalitions()}
    values = shapley(pair)
    assert values["composition"] == pytest.approx(0.5) and values["autonomy"] == pytest.approx(0.5)
    assert sum(abs(v) for g, v in values.items() if g not in ("composition", "autonomy")) < 1e-12
    rows = [{"coalition": c, "replication": r, "y": additive[c]} for c in coalitions() for r in (0, 1)]
    table = decompose(pd.DataFrame(rows), ["y"])
    gap = additive[frozenset(GROUPS)]
    for _, row in table.iterrows():
        assert row.share == pytest.approx(weights[row.group] / gap)


def test_no_robustness_points_means_no_robustness_studies():
    """``--robust-points 0`` skips the robustness sample (it used to divide by zero)."""
    from experiments.studies.contrast.design import robust_studies, studies

    sizes = Sizes(robust_points=0)
    assert robust_studies(sizes, 1) == {}
    assert set(studies(sizes, 1)) == {"main", "probes", "sweeps", "decomposition"}
