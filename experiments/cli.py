"""The `trustnet` command line.

Bad input (an unknown scenario, a malformed ``--set``, an out-of-range value) is
reported as one line on stderr with exit status 2 and no traceback, before anything is
computed or written.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from typing import Any

from model.scenario import ScenarioError, load_scenario


class UsageError(Exception):
    """A command-line problem: reported as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump
        raise UsageError(f"{self.prog}: error: {message}")


def parse_assignment(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` with VALUE read as a TOML value (number, true/false, string)."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise UsageError(f"trustnet: error: --set {text!r}: expected KEY=VALUE")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key, value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _nonnegative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="trustnet", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="replications of one scenario, written to Parquet")
    run.add_argument("scenario", help="x, y, a scenario .toml file, or synthetic:N[:domain=w,...]")
    run.add_argument("--reps", type=_positive, default=10, help="replications (default 10)")
    run.add_argument("--steps", type=_positive, default=None, help="weeks (default: scenario horizon)")
    run.add_argument("--seed", type=_nonnegative, default=20221, help="root seed (default 20221)")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="override a parameter, e.g. --set turnover_rate=0.3 (repeatable)")
    run.add_argument("--pairs", type=_nonnegative, default=0, metavar="K",
                     help="also write pairwise trust every K weeks to pairs.parquet")
    run.add_argument("--out", required=True, type=Path, help="results directory")
    run.add_argument("--quiet", action="store_true", help="no progress bar")

    xy = sub.add_parser("xy", help="networks X and Y side by side: summary table and figure")
    xy.add_argument("--reps", type=_positive, default=30)
    xy.add_argument("--seed", type=_nonnegative, default=20221)
    xy.add_argument("--out", type=Path, default=Path("results/xy"))
    xy.add_argument("--quiet", action="store_true")
    return parser


def _scenario(name: str, assignments: list[str]):
    scenario = load_scenario(name)
    if assignments:
        scenario = scenario.with_overrides(dict(parse_assignment(a) for a in assignments))
    return scenario


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "run":
            from experiments.replications import run_replications

            scenario = _scenario(args.scenario, args.set)
            info = run_replications(scenario, args.reps, args.seed, args.out, args.steps,
                                    args.pairs, args.quiet)
            print(f"wrote {info['reps']} runs of {scenario.name} to {args.out}")
        elif args.command == "xy":
            from experiments.xy import run_xy

            paths = run_xy(args.reps, args.seed, args.out, args.quiet)
            print("wrote " + ", ".join(str(p) for p in paths))
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ScenarioError as exc:
        print(f"trustnet: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("trustnet: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
