"""Options parsed once, strictly; designs compared by meaning; outputs that cannot
collide; names printed safely; work bounded before it starts (issue 26).

`experiments.cli.main` runs in this process; a command line that passes validation is
stopped where it would claim its results directory, so nothing here simulates.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import experiments.cli as cli
from experiments import ExecutorSpec, Study, execute
from experiments.ensemble import budget
from experiments.ensemble.ownership import _refuse_nested, claim
from model.inputs.scenario import SCHEMA, ScenarioError, load_scenario, load_scenario_file, scenario_from_dict
from model.inputs.schema import check


class _Validated(BaseException):
    pass


@pytest.fixture
def stop_at_claim(monkeypatch):
    def stop(*args, **kwargs):
        raise _Validated

    monkeypatch.setattr(cli, "claim", stop)


def outcome(args, capsys) -> tuple[int | None, str]:
    try:
        code = cli.main([str(a) for a in args])
    except _Validated:
        return None, ""
    err = capsys.readouterr().err
    assert "Traceback" not in err and (code == 0 or len(err.strip().splitlines()) == 1), err
    return code, err


@pytest.fixture
def files(tmp_path):
    x = (Path(cli.__file__).parents[1] / "model" / "inputs" / "scenarios" / "x.toml").read_text()
    made = {"copy_of_x": x, "pa/net": x, "pb/net": x.replace("horizon = 156", "horizon = 150", 1),
            "x_voice": '[[factors]]\nname = "x.voice"\nbounds = [0.1, 0.9]\n',
            "i1_every": '[[factors]]\nname = "i1_every"\nbounds = [2, 20]\n',
            "i2_cut": '[[factors]]\nname = "i2_risk_cut"\nbounds = [0.1, 0.9]\n',
            "fractional": '[[factors]]\nname = "meeting_interval"\nbounds = [4.1, 4.9]\n',
            "ansi": 'name = "\\u001b[31mred"\n[[organisations]]\nname = "a"\ndomain = "care"\n'
                    '[[organisations]]\nname = "b"\ndomain = "care"\n'}
    paths = {}
    for name, text in made.items():
        path = tmp_path / f"{name}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths[name] = path
    return paths


REFUSED = [
    # an option given twice, abbreviated, or a key given twice
    (["run", "x", "--reps", "2", "--reps", "3"], "argument --reps: given twice"),
    (["run", "x", "--quiet", "--quiet"], "given twice"),
    (["run", "x", "--rep", "2"], "unrecognized arguments: --rep"),
    (["run", "x", "--set", "shared_goal=0.2", "--set", "shared_goal=0.3"], "--set 'shared_goal' given twice"),
    (["run", "x", "--set", "T1=literature", "--variant", "T1=study"], "given both in --set and --variant"),
    (["run", "x", "--intervention", "evaluations", "--intervention", "I1"], "--intervention evaluations given twice"),
    (["run", "x", "--intervention", "evaluations:every=4,every=20"], "option 'every' given twice"),
    (["run", "x", "--set", "i1_every=4", "--intervention", "evaluations:every=13"], "as does --set"),
    (["run", "x", "--set", "meeting_interval=1" + "0" * 5000], "a number too long to read"),
    # an option smuggled inside a value
    (["run", "x", "--intervention", "evaluations:start=3:end=5"], "holds another option"),
    (["run", "x", "--intervention", "evaluations:every=13=4"], "holds another option"),
    # a --variant that is not a theory variant; an unknown engine
    (["run", "x", "--variant", "turnover_rate=0.5"], "not a theory variant"),
    (["run", "x", "--engine", "json:dumps"], "not a trustnet engine"),
    (["run", "x", "--engine", "os:system"], "not a trustnet engine"),
    (["run", "x", "--engine", "no.such.module:f"], "cannot import"),
    # an intervention outside the horizon
    (["run", "x", "--intervention", "evaluations:start=200"], "starts in week 200, after the last week"),
    (["run", "x", "--set", "horizon=50", "--intervention", "social_map:start=60"], "after the last week simulated"),
    (["policy", "--scenario", "x", "--intervention", "evaluations:start=40", "--steps", "20"],
     "after the last week simulated (20)"),
    # designs compared by their parsed values, not their spelling
    (["policy", "--intervention", "evaluations:every=4", "--intervention", "evaluations:every=04"], "given twice"),
    (["policy", "--intervention", "evaluations:every=4,start=2", "--intervention", "evaluations:start=2,every=4"],
     "given twice"),
    (["policy", "--combination", "social_map+evaluations", "--combination", "evaluations+social_map"],
     "given twice"),
    (["policy", "--combination", "social_map+I4"], "appears twice"),
    (["policy", "--scenario", "x", "--scenario", "@copy_of_x"], "given twice"),
    (["policy", "--intervention", "social_map", "--intervention", "evaluations", "--combination",
      "social_map+evaluations"], "are the same design"),
    (["policy", "--intervention", "evaluations:every=4", "--intervention", "evaluations:every=13"],
     "'all together' can hold only one"),
    (["variants", "--variants", "T1,T1=literature"], "given twice"),
    (["variants", "--pair", "T1+T3", "--pair", "T3+T1"], "given twice"),
    (["variants", "--pair", "T1+T1"], "appears twice"),
    (["calibrate", "--hold-out", "P1,p1"], "--hold-out 'P1' given twice"),
    (["calibrate", "--variants", "T1,T1"], "given twice"),
    (["sa", "--outputs", "collaboration,collaboration"], "--outputs 'collaboration' given twice"),
    # accepted but meaningless, now refused
    (["sa", "--model", "ishigami", "--scenario", "x"], "--scenario does not apply to --model ishigami"),
    (["sa", "--model", "ishigami", "--outputs", "collaboration"], "--outputs does not apply"),
    (["sa", "--factors", "@x_voice", "--scenario", "y"], "applies to scenario x only"),
    (["sa", "--factors", "@i1_every"], "cannot act: intervention I1 (evaluations) is off"),
    (["sa", "--factors", "@fractional"], "must be whole numbers"),
    (["calibrate", "--factors", "@i2_cut"], "cannot act: intervention I2"),
    (["policy", "--uncertain", "@x_voice", "--scenario", "y"], "applies to scenario x only"),
    (["policy", "--uncertain", "@i1_every", "--intervention", "social_map"], "cannot act"),
    (["run", "synthetic:10:care=1e308"], "must be at most"),
    # outputs of different inputs never share a file name
    (["policy", "--scenario", "@pa/net", "--scenario", "@pb/net"], "would share the file names"),
    # names printed safely
    (["run", "@ansi"], "must be printable text on one line"),
    # work bounded before it starts
    (["contrast", "--robust-points", "1000000"], "more than the 20,000,000 one command may start"),
    (["run", "x", "--reps", "1000", "--max-hours", "0.00001"], "more than --max-hours 1e-05"),
    (["policy", "--uncertain", "default", "--samples", "1000000"], "simulations"),
    (["variants", "--samples", "1000000"], "simulations"),
    (["sa", "--n", "524288"], "simulations"),
    (["calibrate", "--population", "100000", "--generations", "100000"], "simulations"),
]


@pytest.mark.parametrize("args, fragment", REFUSED, ids=[" ".join(a)[:60] for a, _ in REFUSED])
def test_refused_in_one_line_before_anything_is_written(tmp_path, files, capsys, stop_at_claim, args, fragment):
    args = [str(files[a[1:]]) if a.startswith("@") else a for a in args]
    out = tmp_path / "out"
    start = time.monotonic()
    code, err = outcome([*args, "--out", out], capsys)
    assert code == 2 and fragment in err, err
    assert not out.exists()
    assert time.monotonic() - start < 20


ACCEPTED = [
    ["policy", "--uncertain", "default", "--intervention", "social_map"],  # the default file is drawn whole
    ["policy", "--uncertain", "@i2_cut", "--intervention", "data_framework"],
    ["sa", "--factors", "@x_voice", "--scenario", "x"],
    ["run", "x", "--intervention", "evaluations:every=04"],
    ["run", "x", "--variant", "T1=literature", "--set", "shared_goal=0.5"],
    ["sa", "--model", "ishigami"],
]


@pytest.mark.parametrize("args", ACCEPTED, ids=[" ".join(a)[:60] for a in ACCEPTED])
def test_what_means_something_is_still_accepted(tmp_path, files, capsys, stop_at_claim, args):
    args = [str(files[a[1:]]) if a.startswith("@") else a for a in args]
    code, err = outcome([*args, "--out", tmp_path / "out"], capsys)
    assert code is None, err


def test_names_and_paths_are_printed_escaped(tmp_path, capsys):
    code, err = outcome(["run", str(tmp_path / "net\x1b[2J\nx.toml"), "--out", tmp_path / "o"], capsys)
    assert code == 2 and "\\x1b[2J\\nx.toml" in err and "\x1b" not in err


def test_intervention_labels_are_spelled_as_parsed():
    from model.inputs.interventions import parse_intervention

    assert parse_intervention("evaluations:every=04")[0] == "evaluations:every=4"
    assert parse_intervention("informal_moments:physical=TRUE,rate=0.50")[0] == \
        "informal_moments:physical=true,rate=0.5"


def test_a_scenario_file_cannot_smuggle_options_or_set_a_value_twice(tmp_path):
    base = ('[[organisations]]\nname = "a"\ndomain = "care"\n[[organisations]]\nname = "b"\ndomain = "care"\n')
    cases = {
        '[[interventions]]\nname = "evaluations"\nevery = "13,start=52"\n': "must be a number",
        '[[interventions]]\nname = "evaluations:every=2"\n': "unknown",
        '[[interventions]]\nname = "evaluations"\n[[interventions]]\nname = "I1"\n': "listed twice",
        '[parameters]\ni1_every = 4\n[[interventions]]\nname = "evaluations"\nevery = 8\n': "set both",
        '[variants]\nturnover_rate = 0.5\n': "not a theory variant",
        '[[interventions]]\nname = "social_map"\nstart = 300\n': "after the last week",
    }
    for extra, fragment in cases.items():
        path = tmp_path / "net.toml"
        path.write_text(base + extra)
        with pytest.raises(ScenarioError, match=fragment):
            load_scenario_file(path)


def test_scenario_checks_are_linear_in_the_size_of_the_file(tmp_path):
    """5,000 organisations (the most) with an event each load quickly; 90,000 are
    refused as quickly (the name check used to be quadratic: 97 s)."""
    orgs = [{"name": f"o{k}", "domain": "care"} for k in range(5000)]
    events = [{"week": 1 + k % 150, "org": f"o{k}"} for k in range(5000)]
    start = time.monotonic()
    sc = scenario_from_dict({"organisations": orgs, "events": events}, "big")
    assert sc.n == 5000 and time.monotonic() - start < 5
    start = time.monotonic()
    with pytest.raises(ScenarioError, match="must list 0 to 5000 items"):
        scenario_from_dict({"organisations": orgs * 18}, "huge")
    assert time.monotonic() - start < 2
    check({"organisations": orgs}, SCHEMA, "schema")  # the schema alone accepts the biggest


def test_the_disk_is_part_of_the_bound(tmp_path, capsys, stop_at_claim, monkeypatch):
    monkeypatch.setattr(budget, "_free_bytes", lambda out: 1e6)
    code, err = outcome(["run", "x", "--reps", "100", "--out", tmp_path / "o"], capsys)
    assert code == 2 and "of disk" in err and "1 MB is free" in err


def test_a_results_directory_cannot_be_nested_in_another_study(tmp_path, capsys):
    old = tmp_path / "old"
    with claim(old, "policy"):
        execute(Study(scenario=load_scenario("x"), reps=1, steps=4, kind="policy"), old / "runs",
                ExecutorSpec(workers=1), quiet=True)
    execute(Study(scenario=load_scenario("x"), reps=1, steps=4, kind="policy"), tmp_path / "data",
            ExecutorSpec(workers=1), quiet=True)
    for args, fragment in [(["policy", "--out", old / "runs"], "lies inside the data of a 'policy' study"),
                           (["run", "x", "--out", old / "runs" / "sub"], "lies inside the data"),
                           (["policy", "--out", tmp_path / "data"], "holds the runs of one of a command's studies")]:
        before = sorted(p for p in tmp_path.rglob("*"))
        code, err = outcome([*args, "--reps", "1", "--quiet"], capsys)
        assert code == 2 and fragment in err, err
        assert sorted(p for p in tmp_path.rglob("*")) == before  # nothing created
    _refuse_nested(old / "robust")  # beside the other study's data (results/policy/robust): allowed


def test_policy_labels_an_option_as_parsed(tmp_path, capsys):
    """``every=04`` is run and reported as ``every=4``."""
    code, err = outcome(["policy", "--scenario", "x", "--intervention", "evaluations:every=04",
                         "--intervention", "social_map", "--reps", "2", "--steps", "8", "--workers", "1",
                         "--quiet", "--out", tmp_path / "p"], capsys)
    assert code == 0, err
    import pandas as pd

    effects = pd.read_csv(tmp_path / "p" / "effects.csv")
    assert {"evaluations:every=4", "social_map", "all"} <= set(effects.intervention)
