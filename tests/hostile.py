"""Hostile inputs generated from the schemas (`model.inputs.schema`), for the fuzz tests.

`documents(schema)` draws documents shaped by a schema, in which any value may be
replaced by a hostile one: a value of the wrong type, out of range, not finite, a
number of thousands of digits, text with escape sequences or newlines, a very long
string, nesting deeper than the reader allows, a TOML date, a key the schema does not
know, a required key left out. `to_toml` and `to_json` write them as files (the
hostile numbers and nestings as raw text, which no serialiser would produce).
`HOSTILE_FILES` are the byte-level cases every reader must refuse in one line.

Because the strategies are derived from the schemas, a rule added to a schema is
fuzzed without a new test.
"""

from __future__ import annotations

import copy
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from model.inputs.schema import Anything, Flag, Items, Kind, Number, Scalar, Table, Text


@dataclass(frozen=True)
class Raw:
    """Text written into a file as it is (a value no serialiser would write)."""

    text: str


HUGE = Raw("1" + "0" * 5000)  # beyond Python's 4,300-digit conversion limit
DEEP = Raw("[" * 60 + "]" * 60)  # deeper than MAX_DEPTH, shallower than Python's recursion limit
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
NASTY_TEXT = st.sampled_from(["", " ", "a\x1b[31mred", "two\nlines", "tab\there", "x" * 5000, "\u202eevil",
                              "é", "a|b", "x:y=z", "evaluations:every=2", "13,start=52", "../../etc/passwd"])
SCALARS = st.one_of(st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
                    st.booleans(), TEXT, NASTY_TEXT)
HOSTILE_SCALARS = st.one_of(
    st.sampled_from([HUGE, DEEP, Raw("-" + "9" * 4400), 10**30, -1, 0, 1, 2**63, -(2**63) - 1, 1e308, -1e308,
                     math.nan, math.inf, -math.inf, True, False, [], {}, [1, 2, 3], {"a": 1}]),
    NASTY_TEXT, SCALARS)


def _finite(low: float, high: float) -> tuple[float, float]:
    return (low if math.isfinite(low) else -1e6), (high if math.isfinite(high) else 1e6)


def valid(kind: Kind, depth: int = 0) -> st.SearchStrategy:
    """Values that fit ``kind`` (nested values may still turn hostile: `value`)."""
    if isinstance(kind, Number):
        low, high = _finite(kind.low, kind.high)
        if kind.whole:
            return st.integers(math.ceil(low), math.floor(high))
        return st.one_of(st.floats(low, high), st.sampled_from([low, high]))
    if isinstance(kind, Text):
        if kind.choices:
            return st.sampled_from(kind.choices)
        return st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=max(kind.min_len, 1),
                       max_size=min(kind.max_len, 20))
    if isinstance(kind, Flag):
        return st.booleans()
    if isinstance(kind, Scalar):
        return SCALARS
    if isinstance(kind, Items):
        return st.lists(value(kind.item, depth + 1), min_size=kind.min_len, max_size=min(kind.max_len, 3))
    if isinstance(kind, Table):
        required = {k: value(kind.fields[k], depth + 1) for k in kind.required}
        optional = {k: value(f, depth + 1) for k, f in kind.fields.items() if k not in kind.required}
        base = st.fixed_dictionaries(required, optional=optional)
        if kind.extra is None:
            return base
        extra = st.dictionaries(st.text(st.characters(min_codepoint=97, max_codepoint=122), min_size=1,
                                        max_size=8), value(kind.extra, depth + 1), max_size=2)
        return st.tuples(base, extra).map(lambda pair: {**pair[1], **pair[0]})
    if isinstance(kind, Anything):
        return SCALARS if depth > 2 else st.one_of(SCALARS, st.lists(SCALARS, max_size=2))
    raise TypeError(f"no strategy for {kind!r}")


def value(kind: Kind, depth: int = 0) -> st.SearchStrategy:
    """Mostly a value that fits ``kind``, sometimes a hostile one."""
    if depth > 4:
        return valid(kind, depth)
    return st.one_of(valid(kind, depth), valid(kind, depth), valid(kind, depth), HOSTILE_SCALARS)


@st.composite
def documents(draw, schema: Table) -> dict:
    """A document of ``schema``'s shape, with hostile values, unknown keys or a missing
    required key drawn in now and then."""
    doc = dict(draw(valid(schema)))
    what = draw(st.sampled_from(["as is", "as is", "unknown key", "drop required", "hostile top value"]))
    if what == "unknown key":
        doc[draw(st.sampled_from(["bogus", "Name", "name ", "\x1b", "fingerprint2"]))] = draw(SCALARS)
    elif what == "drop required" and schema.required:
        doc.pop(draw(st.sampled_from(schema.required)), None)
    elif what == "hostile top value" and schema.fields:
        doc[draw(st.sampled_from(sorted(schema.fields)))] = draw(HOSTILE_SCALARS)
    return doc


def paths(doc, schema: Kind, prefix: tuple = ()) -> list[tuple[tuple, Kind]]:
    """Every place in ``doc`` with the schema kind that governs it."""
    out = []
    if isinstance(schema, Table) and isinstance(doc, dict):
        for key, item in doc.items():
            kind = schema.fields.get(key) or schema.extra or Anything()
            out.append(((*prefix, key), kind))
            out += paths(item, kind, (*prefix, key))
    elif isinstance(schema, Items) and isinstance(doc, list):
        for k, item in enumerate(doc):
            out.append(((*prefix, k), schema.item))
            out += paths(item, schema.item, (*prefix, k))
    return out


@st.composite
def mutations(draw, schema: Table, base: dict) -> dict:
    """A valid document ``base`` with one or two values replaced -- by another value the
    schema allows, or a hostile one -- or removed: the checks beyond the schema are
    reached, which documents drawn from nothing rarely get past."""
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 2))):
        places = paths(doc, schema)
        if not places:
            break
        path, kind = draw(st.sampled_from(places))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["allowed", "allowed", "hostile", "remove"]))
        if action == "remove":  # a key, or an item of a list (a factor, an organisation, an event)
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(HOSTILE_SCALARS if action == "hostile" else valid(kind, 3))
    return doc


# ----------------------------------------------------------------------- writing files

def _key(k: str) -> str:
    return json.dumps(k, ensure_ascii=False)


def toml_value(v) -> str:
    if isinstance(v, Raw):
        return v.text
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v) if v.bit_length() < 10_000 else HUGE.text
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def to_toml(doc: dict) -> str:
    return "".join(f"{_key(k)} = {toml_value(v)}\n" for k, v in doc.items())


def json_value(v) -> str:
    if isinstance(v, Raw):
        return v.text
    if isinstance(v, list):
        return "[" + ", ".join(json_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {json_value(x)}" for k, x in v.items()) + "}"
    return json.dumps(v)


def to_json(doc) -> str:
    return json_value(doc)


# ------------------------------------------------------------------ byte-level cases

HOSTILE_FILES = ["binary", "latin1", "empty", "huge", "fifo", "directory", "device", "dangling", "loop", "deep",
                 "long_number", "not_a_table"]


def make_hostile(kind: str, path: Path, valid_text: str = "") -> Path:
    """Put the byte-level case ``kind`` at ``path`` (a valid file's text given for truncation)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "binary":
        path.write_bytes(b"\x00\x01\x02\xff" * 100)
    elif kind == "latin1":
        path.write_bytes("name = \"caf\xe9\"\n".encode("latin-1"))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "huge":
        with open(path, "wb") as f:  # 70 MB of zeros, sparse: over every text and JSON limit
            f.truncate(70_000_000)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "dangling":
        path.symlink_to(path.with_name("nowhere"))
    elif kind == "loop":
        path.symlink_to(path)
    elif kind == "deep":
        path.write_text("a = " + "[" * 100_000 + "\n" if path.suffix != ".json" else "[" * 100_000)
    elif kind == "long_number":
        path.write_text(("a = " if path.suffix != ".json" else '{"a": ') + "9" * 5000
                        + ("\n" if path.suffix != ".json" else "}"))
    elif kind == "not_a_table":
        path.write_text("[1, 2]" if path.suffix == ".json" else valid_text[: len(valid_text) // 2] + "\n[[[")
    else:
        raise ValueError(kind)
    return path
