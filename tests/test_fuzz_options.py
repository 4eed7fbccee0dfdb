"""Every command-line option of every study command, fuzzed from the parser itself.

The options are read from `experiments.cli.build_parser` (so an option added later is
fuzzed too) and given hostile values: numbers out of range, of thousands of digits, not
finite, in other scripts; text with escapes and newlines; another option as a value;
an option given twice or abbreviated; files that are devices, FIFOs or garbage. Each
command line either passes validation -- stopped where the command would claim its
results directory -- or is refused with one line and exit status 2, and writes nothing.
Each file kind is also passed through the option that reads it.
"""

from __future__ import annotations

import argparse
import os
import time

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import experiments.cli as cli
from tests.hostile import make_hostile

COMMANDS = ("run", "contrast", "policy", "sa", "variants", "calibrate", "assumptions")
VALUES = ["0", "1", "2", "-1", "1e3", "nan", "inf", "", " ", "x", "9" * 5000, "\u0663", "1_000", "0x10",
          "\x1b[31mred", "two\nlines", "--reps", "--seed=3", "x,y", ",", "T1", "T1=literature", "T1+T1",
          "T1+T3", "T3+T1", "update_rule=symmetric", "turnover_rate=0.5", "shared_goal=0.2", "shared_goal=2",
          "meeting_interval=" + "9" * 5000, "social_map", "I4", "evaluations:every=2,every=3",
          "evaluations:every=13,start=52", "evaluations:start=9999", "evaluations:every=04", "social_map+social_map",
          "y", "synthetic:3", "synthetic:10:care=1e308", "default", "/dev/zero", "P1,P1", "P7",
          "collaboration,collaboration", "collaboration", "0.5", "tcp://127.0.0.1:9", "json:dumps",
          "tests.faulty_engine:engine", "mesa", "batch", "sobol", "morris", "ishigami", "4", "1000000", "@fifo",
          "@garbage", "@empty_dir"]


def options_of(command: str) -> list[argparse.Action]:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [a for a in sub.choices[command]._actions if a.option_strings and a.dest not in ("help", "out")]


@st.composite
def command_lines(draw) -> list[str]:
    command = draw(st.sampled_from(COMMANDS))
    actions = options_of(command)
    args = [command]
    if command == "run":
        args.append(draw(st.sampled_from(["x", "y", "synthetic:3", "nonsense", "/dev/zero", "@garbage"])))
    for _ in range(draw(st.integers(0, 5))):
        action = draw(st.sampled_from(actions))
        option = draw(st.sampled_from(action.option_strings))
        if draw(st.integers(0, 9)) == 0:
            option = option[: max(3, len(option) - 2)]  # an abbreviation
        if action.nargs == 0:
            args.append(option)
            continue
        pool = [str(action.default)] if action.default not in (None, [], False) else []
        pool += list(action.choices or [])
        args += [option, draw(st.sampled_from(pool + VALUES))]
        if draw(st.integers(0, 9)) == 0:
            args += [option, draw(st.sampled_from(pool + VALUES))]  # given twice
    return args


class _Validated(BaseException):
    """Raised instead of claiming the results directory: validation passed."""


@pytest.fixture
def stop_at_claim(monkeypatch):
    def stop(*args, **kwargs):
        raise _Validated

    monkeypatch.setattr(cli, "claim", stop)


def _files(where):
    made = {"@fifo": make_hostile("fifo", where / "fifo.toml"),
            "@garbage": make_hostile("binary", where / "garbage.toml"),
            "@empty_dir": where / "empty_dir"}
    made["@empty_dir"].mkdir()
    return made


def validated_or_one_line(args, out, capsys) -> str:
    start = time.monotonic()
    try:
        code = cli.main([*args, "--out", str(out)])
    except _Validated:
        outcome = "validated"
    else:
        _, err = capsys.readouterr()
        assert code == 2, (args, err)
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, (args, err)
        assert "\x1b" not in err, err  # names are printed escaped
        outcome = "refused"
    assert not out.exists(), args  # nothing written either way
    assert time.monotonic() - start < 30, args
    return outcome


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(args=command_lines())
def test_every_option_of_every_command_validates_or_refuses_in_one_line(tmp_path_factory, capsys, stop_at_claim,
                                                                        args):
    where = tmp_path_factory.mktemp("opts")
    files = _files(where)
    args = [str(files.get(a, a)) for a in args]
    event(validated_or_one_line(args, where / "out", capsys))


FILE_OPTIONS = [("run", None), ("sa", "--factors"), ("policy", "--uncertain"), ("policy", "--scenario"),
                ("calibrate", "--factors"), ("calibrate", "--truth"), ("run", "--posterior"), ("sa", "--posterior"),
                ("variants", "--posterior"), ("policy", "--posterior")]
CASES = ["binary", "latin1", "empty", "huge", "fifo", "directory", "device", "dangling", "loop", "deep",
         "long_number", "not_a_table"]


@pytest.mark.parametrize("command, option", FILE_OPTIONS)
@pytest.mark.parametrize("case", CASES)
def test_every_file_option_refuses_hostile_files_in_one_line(tmp_path, capsys, stop_at_claim, command, option,
                                                              case):
    if option == "--posterior":  # a directory: its posterior.parquet is the hostile file
        target = tmp_path / "cal"
        target.mkdir()
        (target / "calibration.json").write_text('{"fingerprint": "f", "models": {"baseline": {}}}')
        make_hostile(case, target / "posterior.parquet")
    else:
        target = make_hostile(case, tmp_path / "input.toml")
    args = [command, str(target)] if option is None else [command, option, str(target)]
    assert validated_or_one_line(args, tmp_path / "out", capsys) == "refused"


def test_the_fuzzer_reaches_both_outcomes(tmp_path, capsys, stop_at_claim):
    """Not vacuous: a plain command line of each command passes validation."""
    for command in COMMANDS:
        args = [command, "x"] if command == "run" else [command]
        assert validated_or_one_line(args, tmp_path / command, capsys) == "validated", command
    assert not os.listdir(tmp_path)
