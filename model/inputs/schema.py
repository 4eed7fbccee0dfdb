"""Schemas of the files trustnet reads: which keys, of what type, in what range.

Every file kind a command reads (scenario, factor file, truth file, manifest,
calibration record, ...) declares its schema here-style, as plain data: a `Table` of
named fields, each a `Number`, `Text`, `Flag`, `Items` (a list), another `Table`, a
`Scalar` or `Anything`. `check` walks a parsed document against it and raises
`ScenarioError` with one line naming the file, where in it, the key and what is
allowed. The same declarations drive the property-based tests (``tests/test_fuzz_*``),
which generate valid and hostile documents from them -- so a rule added here is
enforced and fuzzed at once.

The schema checks the shape; what needs several keys at once (an event naming an
organisation of the file, bounds in order) stays with the code that reads the kind.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from model.inputs.errors import ScenarioError

MAX_ITEMS = 100_000  # a list or table longer than this is not a hand-written input


def show(value: Any, limit: int = 40) -> str:
    """A value as it may appear in a one-line message: ``repr`` (control characters
    escaped), cut short; a huge whole number by its size (``repr`` would refuse it)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"a whole number of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def safe(text: str) -> str:
    """``text`` fit to print on one line: control characters (newlines, ANSI escape
    sequences) and undecodable bytes of a path shown escaped, never acted on."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def printable(text: str) -> bool:
    """No control characters (newlines, escapes, ANSI sequences) and no lone surrogates."""
    return text.isprintable()


class Kind:
    """Base of the schema kinds."""

    def check(self, value: Any, where: str, key: str) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


def _fail(where: str, key: str, what: str) -> ScenarioError:
    return ScenarioError(f"{where}: '{key}' {what}" if key else f"{where}: {what}")


@dataclass(frozen=True)
class Number(Kind):
    """A finite number (never a bool) in [low, high]; ``whole``: an integer value."""

    low: float = -math.inf
    high: float = math.inf
    whole: bool = False

    def describe(self) -> str:
        if self.whole:
            if math.isfinite(self.low) and math.isfinite(self.high):
                return f"a whole number in {self.low:g}..{self.high:g}"
            if math.isfinite(self.low):
                return f"a whole number >= {self.low:g}"
            return "a whole number"
        if math.isfinite(self.low) and math.isfinite(self.high):
            return f"a number between {self.low:g} and {self.high:g}"
        return "a finite number"

    def check(self, value: Any, where: str, key: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            what = f"{type(value).__name__} {show(value)}"
            raise _fail(where, key, f"must be {self.describe()}, got {what}")
        if isinstance(value, float) and value != value:
            raise _fail(where, key, "must be a number, got NaN")
        if isinstance(value, float) and math.isinf(value):
            raise _fail(where, key, f"must be a finite number, got {value!r}")
        if not self.low <= value <= self.high:
            if self.whole or not (math.isfinite(self.low) and math.isfinite(self.high)):
                raise _fail(where, key, f"must be {self.describe()}, got {show(value)}")
            raise _fail(where, key, f"must be between {self.low:g} and {self.high:g}, got {show(value)}")
        if self.whole and value != int(value):
            raise _fail(where, key, f"must be {self.describe()}, got {show(value)}")
        return value


@dataclass(frozen=True)
class Text(Kind):
    """A string of at most ``max_len`` characters; ``choices``: one of them; ``line``:
    printable (no newline, escape or other control character)."""

    max_len: int = 200
    choices: tuple[str, ...] = ()
    line: bool = True
    min_len: int = 0

    def check(self, value: Any, where: str, key: str) -> Any:
        if self.choices:
            if not isinstance(value, str) or value not in self.choices:
                raise _fail(where, key, f"must be one of {', '.join(self.choices)}, got {show(value)}")
            return value
        if not isinstance(value, str) or len(value) > self.max_len:
            raise _fail(where, key, f"must be a string of at most {self.max_len} characters"
                                    + (f", got {type(value).__name__}" if not isinstance(value, str) else ""))
        if len(value) < self.min_len:
            raise _fail(where, key, "must be a non-empty string")
        if self.line and not printable(value):
            raise _fail(where, key, f"must be printable text on one line, got {show(value)}")
        return value


@dataclass(frozen=True)
class Flag(Kind):
    """true or false."""

    def check(self, value: Any, where: str, key: str) -> Any:
        if not isinstance(value, bool):
            raise _fail(where, key, f"must be true or false, got {show(value)}")
        return value


@dataclass(frozen=True)
class Scalar(Kind):
    """A number, string or bool (its meaning checked by the reader, e.g. a parameter
    against the registry); strings at most ``max_len`` characters."""

    max_len: int = 200

    def check(self, value: Any, where: str, key: str) -> Any:
        if isinstance(value, str):
            return Text(self.max_len).check(value, where, key)
        if isinstance(value, (bool, int, float)):
            return value
        raise _fail(where, key, f"must be a number, string or true/false, got {type(value).__name__}")


@dataclass(frozen=True)
class Anything(Kind):
    """Any value (its size and nesting are bounded by the reader)."""

    def check(self, value: Any, where: str, key: str) -> Any:
        return value


@dataclass(frozen=True)
class Items(Kind):
    """A list of ``item``, ``min_len`` to ``max_len`` long."""

    item: Kind
    min_len: int = 0
    max_len: int = MAX_ITEMS
    shape: str = ""  # how messages name the expected list, e.g. "[low, high]"

    def check(self, value: Any, where: str, key: str) -> Any:
        if self.shape and (not isinstance(value, list) or not self.min_len <= len(value) <= self.max_len):
            raise _fail(where, key, f"must be {self.shape}, got {show(value)}")
        if not isinstance(value, list):
            raise _fail(where, key, f"must be a list, got {type(value).__name__}")
        if not self.min_len <= len(value) <= self.max_len:
            raise _fail(where, key, f"must list {self.min_len} to {self.max_len} items, got {len(value)}")
        for k, item in enumerate(value):
            if isinstance(self.item, Table):
                self.item.check(item, f"{where} {key}[{k}]", "")
            else:
                self.item.check(item, where, f"{key}[{k}]")
        return value


@dataclass(frozen=True)
class Table(Kind):
    """A table (TOML) or object (JSON): ``fields`` by name, ``required`` among them, and
    other keys only if ``extra`` says of what kind (their names: ``extra_key``)."""

    fields: Mapping[str, Kind] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    extra: Kind | None = None
    extra_key: Text = Text(100)
    max_keys: int = MAX_ITEMS

    def check(self, value: Any, where: str, key: str) -> Any:
        if not isinstance(value, dict):
            raise _fail(where, key, f"must be a table, got {type(value).__name__}")
        inner = f"{where} [{key}]" if key else where
        if len(value) > self.max_keys:
            raise _fail(inner, "", f"more than {self.max_keys} keys")
        for name in self.required:
            if name not in value:
                raise _fail(inner, name, "is required")
        for name, item in value.items():
            kind = self.fields.get(name)
            if kind is None:
                if self.extra is None:
                    allowed = ", ".join(sorted(self.fields))
                    raise ScenarioError(f"{inner}: unknown key {show(name)} (allowed: {allowed})")
                self.extra_key.check(name, inner, "key")
                kind = self.extra
            if isinstance(kind, Table):
                kind.check(item, inner, name)
            else:
                kind.check(item, inner, name)
        return value


def check(document: Any, schema: Kind, where: str) -> Any:
    """``document`` if it fits ``schema``; else `ScenarioError` (one line, naming ``where``)."""
    return schema.check(document, where, "")
