"""Reading every file a command reads, safely: one guarded reader for all of them.

A path given on the command line, typed into the app or found in a results directory
can name anything the process can reach: a binary file, a device that never ends
(``/dev/zero``), a FIFO that blocks, a directory, a 50 MB file that would be copied
into every manifest, a document nested ten thousand levels deep, a number of five
thousand digits. Every input file is therefore read here with the same rules:

* a regular file only -- checked before it is opened (a device or FIFO is never
  opened) and again on the open descriptor (the path may have changed in between);
* at most ``max_bytes`` (per file kind), decoded as UTF-8 where it is text;
* parsed (TOML or JSON) with the parser's own failures -- recursion, numbers too long
  to convert -- turned into one line, and nesting bounded;
* checked against the file kind's schema (`model.inputs.schema`), when one is given.

Anything else is a `ScenarioError` with one line naming the file and what is wrong.
Binary files (Parquet parts, the calibration's SQLite history) are read through
`read_bytes` by their own readers.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from model.inputs.errors import ScenarioError
from model.inputs.schema import Kind, check, show

MAX_BYTES = 4 * 1024 * 1024  # a 2,000-organisation scenario is ~300 kB; far beyond any real file
MAX_DEPTH = 24  # nesting of tables and lists: real files use three or four levels


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} kB"


def regular_file(path: str | Path, what: str) -> os.stat_result:
    """The status of ``path`` if it is a regular file (symlinks followed); else one line.

    Nothing is opened: a FIFO or device is refused by its status alone.
    """
    path = Path(path)
    try:
        status = path.stat()
    except FileNotFoundError:
        raise ScenarioError(f"{path}: cannot read {what} (no such file)") from None
    except (OSError, ValueError) as exc:  # e.g. a loop of symlinks, a NUL byte in the name
        raise ScenarioError(f"{path}: cannot read {what} ({getattr(exc, 'strerror', None) or exc})") from None
    if not stat.S_ISREG(status.st_mode):
        raise ScenarioError(f"{path}: cannot read {what} (not a regular file)")
    return status


def read_bytes(path: str | Path, what: str, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of ``path`` (``what`` names the kind of file in messages)."""
    path = Path(path)
    status = regular_file(path, what)
    if status.st_size > max_bytes:
        raise ScenarioError(f"{path}: {what} larger than {_size(max_bytes)}; refused")
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read {what} ({exc.strerror or exc})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else since the check
            raise ScenarioError(f"{path}: cannot read {what} (not a regular file)")
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read {what} ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise ScenarioError(f"{path}: {what} larger than {_size(max_bytes)}; refused")
    return data


def decode(data: bytes, where: str, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{where}: {what} is not UTF-8 text (byte {exc.start})") from None


def read_text(path: str | Path, what: str, max_bytes: int = MAX_BYTES) -> str:
    """The text of ``path``: a regular file of at most ``max_bytes``, UTF-8."""
    return decode(read_bytes(path, what, max_bytes), str(path), what)


def depth(document: Any) -> int:
    """How deeply tables and lists nest in ``document`` (iteratively: no recursion)."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            values = value.values()
        elif isinstance(value, list):
            values = value
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((v, level + 1) for v in values)
    return deepest


def _bounded(document: Any, where: str) -> Any:
    if depth(document) > MAX_DEPTH:
        raise ScenarioError(f"{where}: nested too deeply (more than {MAX_DEPTH} levels)")
    return document


def parse_toml(text: str, where: str) -> dict[str, Any]:
    """TOML text as a dict; invalid TOML -- also nesting deep enough to exhaust Python's
    recursion (``a = [[[[...``) and integers too long to convert, which `tomllib` does
    not turn into its own error -- is a `ScenarioError`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{where}: not valid TOML ({exc})") from None
    except RecursionError:
        raise ScenarioError(f"{where}: not valid TOML (nested too deeply)") from None
    except ValueError as exc:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise ScenarioError(f"{where}: not valid TOML (a number too long to read: {show(str(exc), 60)})") from None
    return _bounded(data, where)


def parse_json(text: str, where: str) -> Any:
    """JSON text (Python's dialect: ``NaN`` and ``Infinity`` are read, and left to the
    schema's `Number` to refuse where a finite number is needed); invalid JSON, numbers
    too long to convert and nesting beyond `MAX_DEPTH` are a `ScenarioError`."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise ScenarioError(f"{where}: not valid JSON (nested too deeply)") from None
    except ValueError as exc:  # JSONDecodeError, a number too long
        raise ScenarioError(f"{where}: not valid JSON ({str(exc)[:80]})") from None
    return _bounded(data, where)


def read_toml(path: str | Path, what: str, schema: Kind | None = None, max_bytes: int = MAX_BYTES) -> dict:
    """A TOML file of kind ``what``, checked against ``schema``."""
    data = parse_toml(read_text(path, what, max_bytes), str(path))
    return check(data, schema, str(path)) if schema is not None else data


def read_json(path: str | Path, what: str, schema: Kind | None = None, max_bytes: int = MAX_BYTES) -> Any:
    """A JSON file of kind ``what``, checked against ``schema``."""
    data = parse_json(read_text(path, what, max_bytes), str(path))
    return check(data, schema, str(path)) if schema is not None else data
