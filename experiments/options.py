"""Options parsed once, strictly: the parsing layer every `trustnet` command shares.

argparse alone keeps the last of an option given twice, expands abbreviations, and
leaves repeatable options (``--set``, ``--intervention``, ...) as lists of strings
whose keys may repeat. Here a single-valued option given twice or abbreviated is an
error (`Parser`); ``KEY=VALUE`` items are parsed once with each key once
(`assignments`); lists are checked for duplicates by their parsed meaning, not their
spelling (`check_unique`, `listed`, `variant_list`); and a factor that cannot act in
the study it is sampled for is refused (`refuse_inert_factors`). Every message is one
line, and everything printed passes through `safe`, so names and paths from the user
cannot carry escape sequences or newlines to the terminal.

A new command parses its options with these (see docs/robustness.md, "What every new
command must do").
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

from experiments.ensemble.ownership import DirectoryError, check_creatable
from model.inputs.schema import safe

MAX_STEPS = 5200  # like a scenario's horizon: a century of weeks


class UsageError(Exception):
    """A command-line problem: reported as one line."""


def say(text: str, error: bool = False) -> None:
    print(safe(text), file=sys.stderr if error else sys.stdout, flush=error)


class _Once(argparse.Action):
    """``store`` that refuses an option given twice (argparse's keeps the last silently)."""

    def __call__(self, parser, namespace, values, option_string=None):
        _given_once(parser, namespace, self.dest, option_string)
        setattr(namespace, self.dest, values)


class _OnceFlag(argparse.Action):
    """``store_true`` that refuses a flag given twice."""

    def __init__(self, option_strings, dest, default=False, required=False, help=None):  # noqa: A002
        super().__init__(option_strings, dest, nargs=0, const=True, default=default, required=required, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        _given_once(parser, namespace, self.dest, option_string)
        setattr(namespace, self.dest, True)


def _given_once(parser, namespace, dest: str, option: str | None) -> None:
    seen = namespace.__dict__.setdefault("_given", set())
    if dest in seen:
        parser.error(f"argument {option or dest}: given twice")
    seen.add(dest)


def given(args: argparse.Namespace, dest: str) -> bool:
    """Whether single-valued option ``dest`` was given on the command line."""
    return dest in getattr(args, "_given", set())


class Parser(argparse.ArgumentParser):
    """One line per error, no abbreviations (``--rep`` is not ``--reps``: an abbreviation
    would change its meaning when an option is added), single options given once."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        self.register("action", None, _Once)
        self.register("action", "store", _Once)
        self.register("action", "store_true", _OnceFlag)

    def error(self, message: str):  # one line, no usage dump
        raise UsageError(f"{self.prog}: error: {message}")


def parse_assignment(text: str, option: str = "--set") -> tuple[str, Any]:
    """``KEY=VALUE`` with VALUE read as a TOML value (number, true/false, string)."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key or not text.isprintable():
        shape = "T=SIDE (e.g. T1=literature)" if option == "--variant" else "KEY=VALUE"
        raise UsageError(f"trustnet: error: {option} {text[:60]!r}: expected {shape} on one line")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        value = raw.strip()
    except ValueError:  # an integer of thousands of digits
        raise UsageError(f"trustnet: error: {option} {key[:40]!r}: a number too long to read") from None
    if isinstance(value, (list, dict)):  # a KEY takes one value, not a TOML array or table
        value = raw.strip()
    return key, value


def assignments(items: list[str], option: str) -> dict[str, Any]:
    """``KEY=VALUE`` items of a repeatable option, each KEY once."""
    out: dict[str, Any] = {}
    for text in items:
        key, value = parse_assignment(text, option)
        if key in out:
            raise UsageError(f"trustnet: error: {option} {key[:40]!r} given twice")
        out[key] = value
    return out


def whole_number(low: int, high: int):
    """An argparse type: a whole number in ``low..high``, with a one-line message otherwise.

    Upper bounds keep a typo (an extra zero or ten) from starting work that cannot finish.
    """
    def parse(text: str) -> int:
        if not text.strip().isascii() or not text.strip().lstrip("+-").isdigit() or len(text.strip()) > 30:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text[:40]!r}")
        value = int(text)
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        if value > high:
            raise argparse.ArgumentTypeError(f"must be at most {high}, got {value}")
        return value

    return parse


positive = whole_number(1, 1_000_000)
seed_number = whole_number(0, 2**63 - 1)
steps_number = whole_number(1, MAX_STEPS)
port_number = whole_number(1, 65535)


def positive_number(unit: str):
    """An argparse type: a finite number > 0 (seconds, hours)."""
    def parse(text: str) -> float:
        try:
            value = float(text) if len(text) <= 40 else float("nan")
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {unit}, got {text[:40]!r}") from None
        if not 0 < value < float("inf"):
            raise argparse.ArgumentTypeError(f"must be a positive number of {unit}, got {text[:40]!r}")
        return value

    return parse


seconds = positive_number("seconds")
hours = positive_number("hours")


def fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text[:40]!r}") from None
    if not 0.0 <= value <= 1.0:  # also NaN
        raise argparse.ArgumentTypeError(f"must lie in [0, 1], got {text[:40]!r}")
    return value


def out_dir(text: str) -> Path:
    """``--out``: a directory that exists or can be created (checked, not created, here)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must name a directory, got an empty path")
    try:
        check_creatable(Path(text))
    except DirectoryError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    except (OSError, ValueError) as exc:  # e.g. a NUL byte, a name too long
        raise argparse.ArgumentTypeError(f"{text[:60]!r} is not a usable path ({exc})") from None
    return Path(text)


def short(text: str, limit: int = 60) -> str:
    """A value for a message: whole, or its end (a path's end says the most)."""
    return repr(text if len(text) <= limit else "..." + text[3 - limit:])


def check_unique(option: str, names: list[str], key=lambda s: s) -> None:
    """Refuse two values of ``option`` that mean the same (``key``: their parsed meaning)."""
    seen: dict = {}
    for name in names:
        k = key(name)
        if k in seen:
            raise UsageError(f"trustnet: error: {option} {short(name)} given twice"
                             + (f" (as {short(seen[k])})" if seen[k] != name else ""))
        seen[k] = name


def network_key(scenario) -> str:
    """What two scenarios that are the same network have in common: their parsed content."""
    return json.dumps({k: v for k, v in scenario.to_dict().items() if k != "source"}, sort_keys=True, default=str)


def listed(text: str | None, option: str, upper: bool = False) -> list[str]:
    """A comma-separated option (``--outputs``, ``--hold-out``): items, each once."""
    items = [i.strip().upper() if upper else i.strip() for i in (text or "").split(",") if i.strip()]
    twice = [i for i, k in Counter(items).items() if k > 1]
    if twice:
        raise UsageError(f"trustnet: error: {option} {twice[0][:40]!r} given twice")
    return items


def variant_list(items: list[str], option: str) -> list[tuple[str, dict]]:
    """Variants (``T1``, ``T1=literature``, ``T1+T3``) parsed, each design once: two
    spellings of the same switches (``T1`` and ``T1=literature``, ``T1+T3`` and
    ``T3+T1``) are one variant, given twice."""
    from experiments.analysis.theory import parse_variant

    out, seen = [], {}
    for item in items:
        parts = [p.strip() for p in item.split("+")]
        keys = [p.partition("=")[0].strip() for p in parts]
        if len(set(keys)) < len(keys):
            raise UsageError(f"trustnet: error: {option} {item[:60]!r}: a variant appears twice in it")
        name, overrides = parse_variant("+".join(p if "=" in p else f"{p}=literature" for p in parts))
        key = frozenset(overrides.items())
        if key in seen:
            raise UsageError(f"trustnet: error: {option} {item[:60]!r} given twice (as {seen[key][:60]!r})")
        seen[key] = item
        out.append((name, overrides))
    return out


def refuse_inert_factors(factors, scenarios: list[str], switched_on: set[str], where: str) -> None:
    """Refuse a factor that cannot act in the study: scoped to a scenario the study does
    not run, or an option of an intervention that no design point switches on."""
    from experiments.ensemble.factors import split_name
    from model.inputs.interventions import owner_of

    for f in factors:
        scope, parameter = split_name(f.name)
        if scope is not None and scope not in scenarios:
            raise UsageError(f"trustnet: error: {where}: factor '{f.name}' applies to scenario {scope} only, and "
                             f"this study runs {', '.join(s[:40] for s in scenarios)}: it cannot act")
        owner = owner_of(parameter)
        if owner is not None and owner.flag not in switched_on:
            raise UsageError(f"trustnet: error: {where}: factor '{f.name}' cannot act: intervention {owner.id} "
                             f"({owner.name}) is off in every design point of this study")


def switched_on(scenario, overrides: dict | None = None) -> set[str]:
    """The intervention flags on in ``scenario`` (with ``overrides``)."""
    from model.inputs.interventions import INTERVENTIONS

    overrides = overrides or {}
    return {i.flag for i in INTERVENTIONS.values() if overrides.get(i.flag, getattr(scenario.params, i.flag))}
