"""The faster paths of the weekly process give the numbers of the plain ones, bit for bit.

`model.dynamics` skips sub-steps no run of a block needs, works on the runs or pairs
that have something to do, and runs the trust rules on the active pairs only in large
networks. None of this may change a number: the reference file holds outputs of the
engine (first from before these paths existed, commit 270e8da; regenerated when issue 23
changed the model's arrivals and task division, x86-64), and the sparse and dense trust
updates are compared with each other directly.
"""

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from experiments.ensemble import replication_seeds
from model import dynamics, load_scenario
from model.engines import simulate_batch
from model.structure import Structure

REFERENCE = json.loads((Path(__file__).parent / "engine_reference.json").read_text())
CASES = {"x": ("x", {}), "y": ("y", {}), "y-misuse": ("y", {"opportunity_rate": 0.5, "detect_prob": 0.9}),
         "x-interventions": ("x", {"i1": True, "i2": True, "i4": True}), "synthetic-40": ("synthetic:40", {})}


@pytest.mark.parametrize("name", sorted(CASES))
def test_outputs_equal_those_of_the_engine_before_its_speed_up(name):
    sc, overrides = CASES[name]
    scenario = load_scenario(sc).with_overrides(overrides) if overrides else load_scenario(sc)
    runs = simulate_batch([scenario] * 3, [11, 12, 13], scenario.horizon, 0, False)
    for run, expected in zip(runs, REFERENCE[name], strict=True):
        assert set(expected) <= set(run.model)  # metrics added since (cases_opened, cases_joint) observe only
        got = {k: [float(v[-1]), float(v.mean())] for k, v in run.model.items() if k in expected}
        assert got == expected


def _block():
    base = load_scenario("y")
    over = [{}, {"opportunity_rate": 0.6, "detect_prob": 0.9, "misuse_reach": 1.0},
            {"separate_kinds": False, "T2": "literature"}, {"trust_gate": False, "stall_damage": 0.3},
            {"update_rule": "value_performance", "turnover_rate": 1.0}]
    return [base.with_overrides(o) for o in over], replication_seeds(3, len(over))


def test_sparse_and_dense_trust_updates_agree(monkeypatch):
    scenarios, seeds = _block()
    monkeypatch.setattr(dynamics, "SPARSE_MIN_N", 2)
    monkeypatch.setattr(dynamics, "SPARSE_SHARE", 0.0)  # always dense
    dense = simulate_batch(scenarios, seeds, 156, pairs_every=4)
    monkeypatch.setattr(dynamics, "SPARSE_SHARE", 2.0)  # always on the active pairs only
    sparse = simulate_batch(scenarios, seeds, 156, pairs_every=4)
    for a, b in zip(dense, sparse, strict=True):
        assert a.model["misuse_events"][-1] == b.model["misuse_events"][-1]
        for table in ("model", "agents", "pairs"):
            for k, v in getattr(a, table).items():
                np.testing.assert_array_equal(v, getattr(b, table)[k], err_msg=f"{table}.{k}")
    assert max(r.model["misuse_events"][-1] for r in dense) > 0  # the damage path was taken


def _detours_by_definition(cog, st, doubted, threshold, basis, floor):
    """`route_around` as its docstring states it, one doubted pair at a time."""
    out = []
    for b, i, j in zip(*np.nonzero(doubted), strict=True):
        best, k_best = -1.0, None
        for k in range(st.n):
            if k in (i, j) or st.domain[k] != st.domain[j] or not st.case_holder[k]:
                continue
            if basis[b, i, k] > floor[b] and cog[b, i, k] > best:
                best, k_best = cog[b, i, k], k
        if k_best is not None and best >= threshold[b]:
            out.append((b, i, j, k_best))
    return sorted(out)


@pytest.mark.parametrize("by_domain", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_detour_search_picks_the_most_trusted_alternative_of_the_domain(seed, by_domain, monkeypatch):
    if by_domain:  # the large-network path: one domain's columns at a time
        monkeypatch.setattr(dynamics, "DETOUR_COLUMNS", 0)
    rng = np.random.default_rng(seed)
    st = Structure.from_scenario(load_scenario("synthetic:15"))
    b, n = 4, st.n
    cog = np.round(rng.random((b, n, n)), 1)  # coarse values: ties are common
    basis, floor = rng.random((b, n, n)), np.full((b, 1, 1), 0.2)
    threshold = np.full((b, 1, 1), 0.3)
    doubted = (rng.random((b, n, n)) < 0.3) & st.offdiag[None]
    detour, found = dynamics.route_around(SimpleNamespace(cog=cog), st, doubted, threshold, basis, floor)
    expected = _detours_by_definition(cog, st, doubted, threshold.reshape(-1), basis, floor.reshape(-1))
    assert sorted(zip(*(a.tolist() for a in found), strict=True)) == expected
    assert len(expected) > 10
    assert detour.sum() == len({(e[0], e[1], e[3]) for e in expected})
