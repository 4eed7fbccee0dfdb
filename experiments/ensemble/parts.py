"""The parts of a results directory's tables: written once, committed with a record,
verified whenever they are read.

A block of runs writes one part per table, all of the same name
(``part-AAAA-BBBBBB-PPPP.parquet``: attempt, block, retry), data parts first and the
``runs`` part last. The runs part is the block's *commit mark*, and it says what it
commits: its Parquet metadata (key ``trustnet``) records, for every data table the
block wrote, the part's row count, size and SHA-256. So a block counts as done only if

* its runs part is a readable Parquet file of the runs table's columns, whose rows are
  runs of this study with their own seeds (`verify_blocks` given the study's runs), and
* every data part it records exists and has exactly the recorded size, checksum and
  rows.

A block that fails either is *damaged*: resume removes it (runs part first, so it is
never half-committed) and runs it again; `read_block` refuses it with one line. Parts
are never replaced: a name already taken is an error (`store.write_bytes` with
``replace=False``), and each invocation numbers its parts beyond every attempt found on
disk, whatever the manifest says (`next_attempt`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from experiments.ensemble.store import digest, parquet_bytes, write_bytes
from model.inputs.errors import ScenarioError
from model.inputs.files import read_bytes

TABLES = ("model", "agents", "pairs")
PART = re.compile(r"part-(\d{1,9})-(\d{1,9})-(\d{1,9})\.parquet")
MAX_PART_BYTES = 16 * 1024**3  # blocks are sized to fit in memory; a part beyond this is not one of ours

# Columns every part of a table has (name -> kind); any other column must be numeric.
KEYS = {
    "runs": {"run": "int", "point": "int", "replication": "int", "seed": "int", "status": "str",
             "duration": "num", "error": "str"},
    "model": {"run": "int", "seed": "int", "step": "int"},
    "agents": {"run": "int", "seed": "int", "step": "int", "org": "str", "domain": "str", "respondent": "str"},
    "pairs": {"run": "int", "seed": "int", "step": "int", "trustor": "str", "trustee": "str"},
}
STATUSES = ("ok", "failed")


class PartError(ValueError):
    """A part of a results table is missing, damaged or not one of this directory's (one line)."""


def folder(out: Path, table: str) -> Path:
    return Path(out) / f"{table}.parquet"


def next_attempt(out: Path, attempts: int) -> int:
    """The number for this invocation's parts: past the manifest's attempts and past every
    attempt whose parts are on disk (a reset or replaced manifest cannot make it collide)."""
    found = [int(m.group(1)) for table in ("runs", *TABLES) if folder(out, table).is_dir()
             for p in folder(out, table).iterdir() if (m := PART.fullmatch(p.name))]
    return max([attempts, *(a + 1 for a in found)])


def write_block(out: Path, name: str, runs: pd.DataFrame, data: dict[str, pd.DataFrame | None]) -> None:
    """Write a block's data parts, then its runs part with the commit record."""
    record = {}
    for table in TABLES:
        frame = data.get(table)
        if frame is not None and len(frame):
            payload = parquet_bytes(frame)
            folder(out, table).mkdir(exist_ok=True)
            write_bytes(payload, folder(out, table) / name, replace=False)
            record[table] = {"rows": len(frame), "bytes": len(payload), "sha256": digest(payload)}
    folder(out, "runs").mkdir(exist_ok=True)
    write_bytes(parquet_bytes(runs, {"commit": record, "rows": len(runs)}), folder(out, "runs") / name,
                replace=False)  # last: commits the block


def read_table(path: Path, what: str, max_bytes: int = MAX_PART_BYTES):
    """A Parquet file read through the guarded reader (regular file, size limit) and
    parsed in memory, as a pyarrow Table; `PartError` (one line) otherwise."""
    return _table(_read(path, what, max_bytes), str(path))


def _table(data: bytes, where: str):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.read_table(pa.BufferReader(data), use_threads=False)  # threads only contend on a busy machine
    except (pa.ArrowException, OSError, ValueError, TypeError, IndexError, MemoryError) as exc:
        raise PartError(f"{where}: not a readable Parquet part ({type(exc).__name__})") from None


def _check_columns(table, kind: str, where: str) -> None:
    import pyarrow as pa

    types = {f.name: f.type for f in table.schema}
    for name, want in KEYS[kind].items():
        have = types.get(name)
        ok = have is not None and (
            (want == "int" and pa.types.is_integer(have))
            or (want == "str" and (pa.types.is_string(have) or pa.types.is_large_string(have)))
            or (want == "num" and (pa.types.is_integer(have) or pa.types.is_floating(have))))
        if not ok:
            raise PartError(f"{where}: column '{name}' missing or not of type {want}")
        if table.column(name).null_count:
            raise PartError(f"{where}: column '{name}' has missing values")
    for name, have in types.items():
        if name not in KEYS[kind] and not (pa.types.is_integer(have) or pa.types.is_floating(have)
                                           or pa.types.is_boolean(have)):
            raise PartError(f"{where}: column '{name[:40]}' is not numeric")


def _record(table, where: str) -> dict:
    raw = (table.schema.metadata or {}).get(b"trustnet")
    try:
        info = json.loads(raw.decode("utf-8")) if raw is not None else None
    except (UnicodeDecodeError, ValueError, RecursionError):
        info = None
    ok = (isinstance(info, dict) and isinstance(info.get("commit"), dict) and info.get("rows") == table.num_rows
          and all(t in TABLES and isinstance(r, dict) and isinstance(r.get("rows"), int)
                  and isinstance(r.get("bytes"), int) and isinstance(r.get("sha256"), str)
                  for t, r in info["commit"].items()))
    if not ok:
        raise PartError(f"{where}: no commit record (not written by this version of the runner, or damaged)")
    return info["commit"]


def _read(path: Path, what: str, max_bytes: int = MAX_PART_BYTES) -> bytes:
    try:
        return read_bytes(path, what, max_bytes)
    except ScenarioError as exc:
        raise PartError(str(exc)) from None


@dataclass
class Block:
    """A committed block: its runs and what its commit record promises."""

    name: str
    runs: pd.DataFrame
    record: dict = field(default_factory=dict)


def read_runs_part(path: Path) -> Block:
    """A runs part with its commit record, checked (`PartError` otherwise)."""
    table = _table(_read(path, "runs part"), str(path))
    _check_columns(table, "runs", str(path))
    record = _record(table, str(path))
    runs = table.to_pandas()
    bad = set(runs.status) - set(STATUSES)
    if bad:
        raise PartError(f"{path}: status {sorted(bad)[0][:20]!r} is neither ok nor failed")
    return Block(path.name, runs, record)


def _check_data(data: bytes, expected: dict, where: str) -> None:
    if len(data) != expected["bytes"] or digest(data) != expected["sha256"]:
        raise PartError(f"{where}: does not match its commit record (size or checksum); damaged or replaced")


def verify_block(out: Path, block: Block) -> None:
    """`PartError` unless every data part the block's record names is there, intact."""
    for table, expected in block.record.items():
        path = folder(out, table) / block.name
        _check_data(_read(path, f"{table} part"), expected, str(path))


class Part:
    """A data part whose bytes match its commit record, parsed column by column as they
    are read: the pattern criteria read 7 of the 16 columns of a pair table, and parsing
    all of them -- the organisations' names as text above all -- cost most of reading a
    study back. Its key columns are parsed and checked at once, the text ones as
    dictionary arrays (codes into the few names); a column that cannot be parsed is a
    `PartError`."""

    def __init__(self, data: bytes, kind: str, where: str):
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.where = where
        self._text = [k for k, v in KEYS[kind].items() if v == "str"]
        try:
            self._file = pq.ParquetFile(pa.BufferReader(data))
            self._coded = pq.ParquetFile(pa.BufferReader(data), read_dictionary=self._text)
            self.schema = self._file.schema_arrow
        except (pa.ArrowException, OSError, ValueError, TypeError, IndexError, MemoryError) as exc:
            raise PartError(f"{where}: not a readable Parquet part ({type(exc).__name__})") from None
        self.num_rows = self._file.metadata.num_rows
        self._columns: dict = {}
        _check_columns(self, kind, where)

    @property
    def column_names(self) -> list[str]:
        return self.schema.names

    def column(self, name: str):
        """The column ``name`` as a pyarrow ChunkedArray (a key column of text: of
        dictionary arrays)."""
        import pyarrow as pa

        if name not in self._columns:
            file = self._coded if name in self._text else self._file
            try:
                self._columns[name] = file.read(columns=[name], use_threads=False).column(0)
            except (pa.ArrowException, OSError, ValueError, TypeError, IndexError, MemoryError) as exc:
                raise PartError(f"{self.where}: not a readable Parquet part ({type(exc).__name__})") from None
        return self._columns[name]

    def to_pandas(self) -> pd.DataFrame:
        import pyarrow as pa

        try:
            return self._file.read(use_threads=False).to_pandas()
        except (pa.ArrowException, OSError, ValueError, TypeError, IndexError, MemoryError) as exc:
            raise PartError(f"{self.where}: not a readable Parquet part ({type(exc).__name__})") from None


def read_block(out: Path, block: Block, table: str, lazy: bool = False) -> pd.DataFrame | Part | None:
    """The block's part of ``table``, verified against the commit record (None: none
    written); with ``lazy``, as a `Part` whose other columns are parsed when read."""
    expected = block.record.get(table)
    if expected is None:
        return None
    path = folder(out, table) / block.name
    data = _read(path, f"{table} part")
    _check_data(data, expected, str(path))
    parsed = Part(data, table, str(path)) if lazy else _table(data, str(path))
    if not lazy:
        _check_columns(parsed, table, str(path))
    if parsed.num_rows != expected["rows"]:
        raise PartError(f"{path}: {parsed.num_rows} rows, its commit record says {expected['rows']}")
    return parsed if lazy else parsed.to_pandas()


def runs_parts(out: Path) -> list[Path]:
    """The runs parts of ``out`` in name order (anything named like one, to be checked)."""
    base = folder(out, "runs")
    return sorted(p for p in base.iterdir() if PART.fullmatch(p.name)) if base.is_dir() else []


def committed(out: Path) -> list[Block]:
    """Every committed block of ``out``, verified; `PartError` (one line) at the first
    damaged one -- for reading results back, where nothing may be silently missing."""
    blocks = []
    for path in runs_parts(out):
        try:
            block = read_runs_part(path)
            verify_block(out, block)
        except PartError as exc:
            raise PartError(f"{exc}; re-run the command that made {out} to redo this block") from None
        blocks.append(block)
    return blocks
