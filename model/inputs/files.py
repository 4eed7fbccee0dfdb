"""Reading the user's input files (scenarios, factor files) safely.

A path given on the command line or typed into the app can name anything the process
can reach: a binary file, a device that never ends (``/dev/zero``), a FIFO that blocks,
a directory, a 50 MB file that would be copied into every manifest. Every input file is
therefore read here, once, with the same rules: a regular file, at most ``MAX_BYTES``,
decoded as UTF-8 -- anything else is a `ScenarioError` with one line.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from model.inputs.errors import ScenarioError

MAX_BYTES = 4 * 1024 * 1024  # a 2,000-organisation scenario is ~300 kB; far beyond any real file


def read_text(path: str | Path, what: str, max_bytes: int = MAX_BYTES) -> str:
    """The text of ``path`` (``what`` names the kind of file in messages)."""
    path = Path(path)
    try:
        if not path.is_file():  # devices, FIFOs, directories: never opened
            why = "not a regular file" if path.exists() else "no such file"
            raise ScenarioError(f"{path}: cannot read {what} ({why})")
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read {what} ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise ScenarioError(f"{path}: {what} larger than {max_bytes // (1024 * 1024)} MB; refused")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: {what} is not UTF-8 text (byte {exc.start})") from None


def parse_toml(text: str, where: str) -> dict[str, Any]:
    """TOML text as a dict; invalid TOML -- also nesting deep enough to exhaust Python's
    recursion (``a = [[[[...``), which `tomllib` does not catch -- is a `ScenarioError`."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{where}: not valid TOML ({exc})") from None
    except RecursionError:
        raise ScenarioError(f"{where}: not valid TOML (nested too deeply)") from None
