"""Every bad input is one line on stderr and exit status 2 -- never a traceback, and
nothing written. The cases are those a demanding tester found (issue 18); the property
test at the end mutates valid scenario files and command lines at random.

`experiments.cli.main` is called in this process (fast); an exception it does not turn
into one line would fail the test with its traceback.
"""

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from experiments.cli import main
from experiments.ensemble import load

SCENARIO = """
name = "mini"
horizon = 20
[parameters]
meeting_interval = 4
[[organisations]]
name = "a"
domain = "care"
role = "chair"
[[organisations]]
name = "b"
domain = "safety"
[[events]]
week = 10
org = "b"
"""


def run_main(args, capsys):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_refusal(code, err, fragment=""):
    assert code == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert fragment in err, err


@pytest.fixture
def files(tmp_path):
    """Named input files of every awkward sort."""
    made = {
        "binary": b"\x00\x01\x02\xff" * 100,
        "latin1": "name = \"caf\xe9\"\n".encode("latin-1"),
        "inf_whole": SCENARIO.replace("meeting_interval = 4", "meeting_interval = inf").encode(),
        "nan_whole": SCENARIO.replace("meeting_interval = 4", "meeting_interval = nan").encode(),
        "huge_whole": SCENARIO.replace("meeting_interval = 4", "meeting_interval = 99999999999999999999").encode(),
        "late_event": SCENARIO.replace("week = 10", "week = 21").encode(),
        "inverted": (SCENARIO + '[[interventions]]\nname = "evaluations"\nstart = 12\nend = 6\n').encode(),
        "big": b"# padding\n" * 600_000,  # 6 MB: over the size limit
        "deep": b"a = " + b"[" * 100_000,  # tomllib itself would raise RecursionError
        "long_description": SCENARIO.replace('name = "mini"', 'name = "mini"\ndescription = "' + "d" * 20_000
                                             + '"').encode(),
    }
    paths = {}
    for name, data in made.items():
        paths[name] = tmp_path / f"{name}.toml"
        paths[name].write_bytes(data)
    paths["regular_file"] = tmp_path / "a_file"
    paths["regular_file"].write_text("not a directory")
    return paths


CASES = [
    # whole-number parameters: inf and NaN, in a file, --set and an intervention option
    (["run", "@inf_whole"], "must be a finite number, got inf"),
    (["run", "x", "--set", "meeting_interval=inf"], "must be a finite number"),
    (["run", "x", "--set", "meeting_interval=nan"], "must be a number, got NaN"),
    (["run", "x", "--intervention", "evaluations:every=inf"], "'i1_every' must be a finite number"),
    (["run", "@nan_whole"], "got NaN"),
    (["run", "@huge_whole"], "must be between 1 and 26"),
    (["run", "x", "--set", "meeting_interval=1e400"], "finite"),
    # files that are not text, too large, or endless
    (["run", "@binary"], "not UTF-8 text"),
    (["run", "@latin1"], "not UTF-8 text"),
    (["run", "@big"], "larger than 4 MB"),
    (["run", "/dev/zero"], "not a regular file"),
    (["run", "@deep"], "nested too deeply"),
    (["sa", "--factors", "@deep", "--n", "2"], "nested too deeply"),
    (["run", "x", "--set", "meeting_interval=" + "[" * 100_000], "meeting_interval' must be a number"),
    (["run", "x", "--set", "turnover_rate=0.2\nshared_goal=0.5"], "expected KEY=VALUE on one line"),
    (["sa", "--factors", "@binary", "--n", "2"], "factor file is not UTF-8"),
    (["sa", "--factors", "/dev/zero", "--n", "2"], "not a regular file"),
    (["sa", "--factors", "no/such/file.toml", "--n", "2"], "no such file"),
    (["policy", "--scenario", "@binary"], "not UTF-8"),
    # accepted-but-wrong, now refused
    (["run", "@late_event"], "event in week 21 for 'b' is after the horizon (20 weeks)"),
    (["run", "@inverted"], "intervention I1 ends (i1_end = 6) before it starts"),
    (["run", "x", "--intervention", "evaluations:start=30,end=10"], "ends (i1_end = 10) before it starts"),
    (["run", "@long_description"], "'description' must be a string of at most"),
    (["run", "x", "--steps", "10000000"], "--steps: must be at most 5200"),
    (["policy", "--scenario", "x", "--scenario", "X"], "--scenario 'X' given twice"),
    (["policy", "--intervention", "social_map", "--intervention", "I4"], "given twice"),
    (["policy", "--scenario", "a|b.toml"], "must not contain '|'"),
    (["policy", "--intervention", "social_map", "--combination", "social_map"], "would be run twice"),
    # malformed synthetic specifications
    (["run", "synthetic:"], "expected synthetic:N"),
    (["run", "synthetic:\u00b2"], "expected synthetic:N"),
    (["run", "synthetic:5:care=nan"], "must be a finite number >= 0"),
    (["run", "synthetic:5:care=inf,safety=1"], "finite"),
    (["run", "synthetic:5:care"], "weight of 'care' must be a number"),
    (["run", "synthetic:5:care=1,care=2"], "repeated domain 'care'"),
    (["run", "synthetic:99999"], "at most 5000 organisations"),
    # misleading messages, now plain
    (["run", "x", "--variant", "T1"], "--variant 'T1': expected T=SIDE"),
    (["run", "x", "--set", "T1"], "--set 'T1': expected KEY=VALUE"),
    # --out that cannot be a directory, or nothing at all
    (["run", "x", "--out", ""], "--out: must name a directory, got an empty path"),
    (["run", "x", "--out", "@regular_file"], "exists and is not a directory"),
    (["run", "x", "--out", "@regular_file/sub"], "is not one"),
    # executors and the app
    (["run", "x", "--scheduler", "tcp://127.0.0.1:9"], "no Dask scheduler reachable"),
    (["run", "x", "--scheduler", "nonsense"], "expected tcp://HOST:PORT"),
    (["run", "x", "--run-timeout", "0"], "--run-timeout: must be a positive number"),
    (["run", "x", "--run-timeout", "5", "--dask-local", "1"], "local worker processes only"),
    (["app", "--port", "70000"], "--port: must be at most 65535"),
    (["app", "--port", "0"], "--port"),
    (["app", "--host", "0.0.0.0"], "add --expose"),
]


@pytest.mark.parametrize("args, fragment", CASES, ids=[" ".join(a)[:50] for a, _ in CASES])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, files, capsys, args, fragment):
    out = tmp_path / "results"
    args = [str(files[a[1:].split("/")[0]]) + a[1:].partition("/")[1] + a[1:].partition("/")[2]
            if a.startswith("@") else a for a in args]
    if args[0] != "app" and "--out" not in args:
        args += ["--out", out]
    start = time.monotonic()
    code, _, err = run_main([*args, "--quiet"] if args[0] != "app" else args, capsys)
    one_line_refusal(code, err, fragment)
    assert not out.exists()
    assert time.monotonic() - start < 10  # the scheduler probe does not wait 20 s


def test_a_device_as_factor_file_or_scenario_does_not_hang(capsys, tmp_path):
    code, _, err = run_main(["run", "/dev/urandom", "--out", tmp_path / "o"], capsys)
    one_line_refusal(code, err, "not a regular file")


def test_expose_binds_beyond_localhost_with_a_warning(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(os, "execv", lambda path, argv: calls.append(argv))
    code, out, err = run_main(["app", "--host", "0.0.0.0", "--expose", "--port", "8800"], capsys)
    assert calls and calls[0][calls[0].index("--host") + 1] == "0.0.0.0"
    assert "warning" in err and "0.0.0.0" in err
    run_main(["app", "--port", "8801"], capsys)
    assert calls[1][calls[1].index("--host") + 1] == "127.0.0.1"


# ----------------------------------------------------------------- property-based test

TOKENS = ["0", "1", "-1", "0.5", "1e400", "-1e400", "nan", "inf", "99999999999999999999", '"x"', '""', "true",
          "[]", "{}", "[1, 2]", '"care"', '"chair"', "3", "21", "\"\\u00e9\""]
KEYS = ["horizon", "meeting_interval", "shared_goal", "name", "domain", "role", "week", "org", "description",
        "capacity", "i1", "i1_start", "i1_end", "turnover_rate", "T1", "update_rule", "bogus"]


@st.composite
def mutated_scenario(draw) -> str:
    """The valid scenario with a few lines replaced, deleted, duplicated or added."""
    lines = SCENARIO.strip().splitlines()
    # often no change at all: valid runs are half the point of the test
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2]))):
        k = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["value", "delete", "duplicate", "add", "garble"]))
        if action == "value" and "=" in lines[k]:
            lines[k] = lines[k].split("=")[0] + "= " + draw(st.sampled_from(TOKENS))
        elif action == "delete":
            del lines[k]
        elif action == "duplicate":
            lines.insert(k, lines[k])
        elif action == "add":
            lines.insert(k, f"{draw(st.sampled_from(KEYS))} = {draw(st.sampled_from(TOKENS))}")
        else:
            lines[k] = lines[k][: draw(st.integers(0, len(lines[k])))]
        if not lines:
            break
    return "\n".join(lines) + "\n"


OPTIONS = st.sampled_from([
    [], [], [], ["--seed", "0"], ["--seed", "7"], ["--set", "shared_goal=0.2"], ["--seed", "-3"],
    ["--seed", "1e3"], ["--pairs", "2"], ["--pairs", "inf"],
    ["--set", "turnover_rate=0.5"], ["--set", "turnover_rate=2"], ["--set", "meeting_interval=nan"],
    ["--set", "horizon=3"], ["--set", "=1"], ["--set", "i1_start=3"], ["--set", "i1_end=2"],
    ["--variant", "T1=literature"], ["--variant", "T9=x"], ["--variant", "update_rule=symmetric"],
    ["--intervention", "social_map"], ["--intervention", "evaluations:every=2,start=1,end=3"],
    ["--intervention", "evaluations:every=0.5"], ["--intervention", "nothing"], ["--block-size", "1"],
    ["--steps", "0"], ["--steps", "3"], ["--reps", "2"], ["--engine", "mesa"], ["--engine", "nope"],
])


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=mutated_scenario(), options=st.lists(OPTIONS, max_size=2))
def test_mutated_scenarios_and_options_give_results_or_one_line(tmp_path_factory, capsys, text, options):
    """Exit 0 with valid results, or exit 2 with one line -- never a traceback."""
    where = tmp_path_factory.mktemp("prop")
    path = where / "net.toml"
    path.write_text(text, encoding="utf-8")
    out = where / "out"
    args = ["run", path, "--reps", "1", "--steps", "4", "--workers", "1", "--quiet", "--out", out]
    code, _, err = run_main([*args, *(x for o in options for x in o)], capsys)
    event(f"exit {code}")
    if code == 0:
        res = load(out)
        assert (res.runs.status == "ok").all() and len(res.model) >= 1
        values = res.model.drop(columns=["run", "seed", "step"])
        shares = values[["intentional_trust", "cognitive_trust", "empathic_trust", "collaboration"]]
        assert shares.notna().all().all() and ((shares >= 0) & (shares <= 1)).all().all()
    else:
        one_line_refusal(code, err)
        assert not (out / "manifest.json").exists()


def test_the_property_test_sees_both_outcomes(tmp_path, capsys):
    """The valid file itself runs (so the property test is not vacuous)."""
    path = Path(tmp_path / "net.toml")
    path.write_text(SCENARIO)
    code, _, err = run_main(["run", path, "--reps", "1", "--steps", "4", "--workers", "1", "--quiet",
                             "--out", tmp_path / "out"], capsys)
    assert code == 0, err


class _Validated(BaseException):
    """Raised instead of claiming the results directory: validation passed."""


ARGUMENTS = {
    "policy": ["--scenario", "x", "y", "X", "q", "synthetic:3", "a|b", "--intervention", "social_map",
               "evaluations:every=13", "evaluations:every=inf", "I4", "nothing", "--combination",
               "social_map+irritations", "social_map+", "--reps", "2", "0", "-1", "1e9", "--seed", "nan"],
    "sa": ["--method", "sobol", "morris", "pawn", "warp", "--n", "2", "4", "3", "20", "--reps", "1", "--model",
           "ishigami", "sobol-g", "trustnet", "nope", "--outputs", "collaboration", "nothing,", "",
           "--scenario", "x", "y", "q", "--second-order", "--factors", "default", "missing.toml"],
    "variants": ["--samples", "1", "0", "--reps", "1", "--variants", "T1", "T1,T5", "T9", "T1=study", ",",
                 "update_rule=symmetric", "--pair", "T1+T3", "T1+", "+", "--seed", "5"],
    "contrast": ["--reps", "1", "0", "--sweep-reps", "1", "--decomposition-reps", "1", "--robust-points", "0",
                 "-3", "--robust-reps", "1", "--seed", "1"],
}


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(command=st.sampled_from(sorted(ARGUMENTS)), picks=st.lists(st.integers(0, 10_000), max_size=6))
def test_random_study_command_lines_validate_or_refuse_in_one_line(tmp_path_factory, capsys, monkeypatch,
                                                                 command, picks):
    """Every study command's validation: it passes, or one line and exit 2 -- never a traceback."""
    import experiments.cli as cli

    def stop(*args, **kwargs):
        raise _Validated

    monkeypatch.setattr(cli, "claim", stop)
    tokens = ARGUMENTS[command]
    args = [command, *(tokens[k % len(tokens)] for k in picks), "--out", tmp_path_factory.mktemp("v") / "o"]
    try:
        code, _, err = run_main(args, capsys)
    except _Validated:
        event("validated")
        return
    event(f"exit {code}")
    one_line_refusal(code, err)
