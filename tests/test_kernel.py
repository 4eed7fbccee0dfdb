"""The compiled weekly process: pinned outputs, the loops that skip idle work, the levers.

`engine_reference.json` holds outputs of the kernel (final value and mean over the weeks
of every model metric, three runs each of X, Y, Y with misuse, X with three interventions
and ``synthetic:40``). They must be equal bit for bit on any x86-64 machine: the kernel
computes powers of whole counts by multiplication and sums in index order, and is
compiled without fast-math (`model.process.compiled`). After a deliberate change of the model's
arithmetic, regenerate the file with ``python -m tests.test_kernel`` and say so.
"""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from experiments.ensemble import replication_seeds
from model import load_scenario
from model.inputs.parameters import SPEC_BY_NAME
from model.process import dynamics
from model.process.compiled import python_entry
from model.process.draws import block_keys
from model.process.engines import simulate_batch
from model.process.kernel import advance
from model.process.levers import LEVER_NAMES
from model.process.state import COG, INTENT, initial_state
from model.process.structure import ParamBatch, Structure

signal, update_trust, route_around = (python_entry(getattr(dynamics, f)) for f in ("signal", "update_trust",
                                                                                    "route_around"))
REFERENCE_FILE = Path(__file__).parent / "engine_reference.json"
CASES = {"x": ("x", {}), "y": ("y", {}), "y-misuse": ("y", {"opportunity_rate": 0.5, "detect_prob": 0.9}),
         "x-interventions": ("x", {"i1": True, "i2": True, "i4": True}), "synthetic-40": ("synthetic:40", {})}


def reference_outputs(name: str) -> list[dict[str, list[float]]]:
    sc, overrides = CASES[name]
    scenario = load_scenario(sc).with_overrides(overrides) if overrides else load_scenario(sc)
    runs = simulate_batch([scenario] * 3, [11, 12, 13], scenario.horizon, 0, False)
    return [{k: [float(v[-1]), float(v.mean())] for k, v in run.model.items()} for run in runs]


@pytest.mark.parametrize("name", sorted(CASES))
def test_outputs_equal_the_pinned_ones(name):
    assert reference_outputs(name) == json.loads(REFERENCE_FILE.read_text())[name]


def _state_after(weeks: int, scenario: str = "y", **overrides):
    sc = load_scenario(scenario).with_overrides(overrides) if overrides else load_scenario(scenario)
    st, pb = Structure.from_scenario(sc), ParamBatch([sc.params])
    state = initial_state(st, pb)
    advance(state, st, pb, block_keys([7]), weeks)
    return state, st, pb


def test_trust_rules_leave_pairs_without_a_signal_exactly_as_they_are():
    """The rules visit only the pairs with a signal (and, after misuse, with damage):
    visiting every pair with zero signals gives the same numbers bit for bit."""
    state, st, pb = _state_after(150, opportunity_rate=0.8, detect_prob=1.0)
    assert state.damage.max() > 0 and state.misuse_events[0] > 0
    rng = np.random.default_rng(1)
    signals = np.where(rng.random((7, st.n, st.n)) < 0.2, rng.integers(1, 3, (7, st.n, st.n)), 0) * (1 - np.eye(st.n))
    results = []
    for visit_all in (False, True):
        s = state.copy()
        w = dynamics.new_week(st.n, s.case_open.shape[1])
        w.sig[:] = signals
        for i, j in zip(*np.nonzero(signals.sum(axis=0)), strict=True):
            signal(w, i, j)
        if visit_all:
            for i in range(st.n):
                for j in range(st.n):
                    if i != j:
                        signal(w, i, j)
        update_trust(s.kernel, st.kernel, pb.kernel[0], 0, w)
        results.append(s)
    for a, b in zip(results[0].kernel, results[1].kernel, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(results[0].intent, state.intent)  # the signals did act


def _detour_by_definition(state, st, p, i, j, threshold, floor):
    """`route_around` as its docstring states it."""
    best, choice = -1.0, -1
    for k in range(st.n):
        if k in (i, j) or st.domain[k] != st.domain[j] or not st.case_holder[k]:
            continue
        if state.intent[0, i, k] > floor and state.cog[0, i, k] > best:
            best, choice = state.cog[0, i, k], k
    return choice if best >= threshold else -1


@pytest.mark.parametrize("seed", range(3))
def test_detour_goes_to_the_most_trusted_case_holder_of_the_partners_domain(seed):
    rng = np.random.default_rng(seed)
    sc = load_scenario("synthetic:15")
    st, pb = Structure.from_scenario(sc), ParamBatch([sc.params])
    state = initial_state(st, pb)
    state.kernel.pair[0, COG] = np.round(rng.random((st.n, st.n)), 1)  # coarse values: ties are common
    state.kernel.pair[0, INTENT] = rng.random((st.n, st.n))
    found = 0
    for i in range(st.n):
        for j in range(st.n):
            if i == j:
                continue
            got = route_around(state.kernel, st.kernel, 0, i, j, 0.3, 0.2, pb.kernel[0])
            assert got == _detour_by_definition(state, st, pb, i, j, 0.3, 0.2)
            found += got >= 0
    assert found > 20


def test_the_weekly_process_reads_levered_parameters_only_through_the_levers():
    """A timeline entry or an intervention can move these parameters; the weekly process must
    read their values of the week (``lev.<name>``), never the scenario's (``p[P.<name>]``)."""
    levered = [name for name in LEVER_NAMES if name in SPEC_BY_NAME]
    assert "meeting_interval" in levered and "shared_goal" in levered
    source = (Path(dynamics.__file__)).read_text()
    for name in levered:
        assert not re.search(rf"p\[P\.{name}\]", source), name


def test_a_run_does_not_depend_on_the_other_runs_of_its_block():
    seeds = replication_seeds(4, 3)
    x, y = load_scenario("x"), load_scenario("y")
    alone = simulate_batch([x], seeds[:1], 156, 13)[0]
    mixed = simulate_batch([x, x.with_overrides({"i3": True}), x], seeds, 156, 13)[0]
    for table in ("model", "agents", "pairs"):
        for k, v in getattr(alone, table).items():
            np.testing.assert_array_equal(v, getattr(mixed, table)[k], err_msg=k)
    assert y.n != x.n  # (a different network cannot share the block)


if __name__ == "__main__":  # regenerate the reference file
    REFERENCE_FILE.write_text(json.dumps({name: reference_outputs(name) for name in sorted(CASES)}, indent=1) + "\n")
    print(f"wrote {REFERENCE_FILE}")
