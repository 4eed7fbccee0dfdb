"""Every file kind a command reads, fuzzed from its schema: a reader returns what it read
or refuses in one line naming the file -- never a traceback, a hang or a silent success.

Documents are drawn from each kind's schema with hostile values, unknown keys and
missing keys (`tests.hostile`); byte-level cases (binary, not UTF-8, a FIFO, a device,
a directory, a symlink loop, 70 MB, nesting and numbers beyond what the parsers hold)
are tried on every kind. Each property test runs a few seconds (derandomized).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments.ensemble import Study, StudyError
from experiments.ensemble.factors import SCHEMA as FACTORS
from experiments.ensemble.factors import load_factors
from experiments.ensemble.ownership import HOLDER, HOLDER_SCHEMA, _holder
from experiments.ensemble.parts import PartError, read_runs_part
from experiments.ensemble.posterior import RECORD, load_posterior, read_record
from experiments.ensemble.runner import resume_state
from experiments.ensemble.store import MANIFEST, ManifestError, parquet_bytes, read_manifest
from experiments.studies.calibration.design import TRUTH, load_truth
from experiments.studies.policy.robust_design import load_uncertain
from model.inputs.errors import ScenarioError
from model.inputs.scenario import SCHEMA as SCENARIO
from model.inputs.scenario import load_scenario, load_scenario_file
from tests.hostile import HOSTILE_FILES, documents, make_hostile, mutations, to_json, to_toml

MODELS = {"baseline": {}, "T1=literature": {"T1": "literature"}}
FAST = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

# file kind -> (schema, suffix, reader, the one error it may raise)
KINDS = {
    "scenario": (SCENARIO, ".toml", load_scenario_file, ScenarioError),
    "factor file": (FACTORS, ".toml", load_factors, ScenarioError),
    "uncertain worlds": (FACTORS, ".toml", load_uncertain, ScenarioError),
    "truth file": (TRUTH, ".toml", lambda p: load_truth(p, MODELS), ScenarioError),
    "manifest": (MANIFEST, ".json", read_manifest, ManifestError),
    "calibration record": (RECORD, ".json", read_record, ScenarioError),
}


def refused_in_one_line(call, error, path: Path):
    """``call()`` returns, or raises ``error`` with one line naming ``path``; quickly."""
    start = time.monotonic()
    try:
        result = call()
    except error as exc:
        message = str(exc)
        assert "\n" not in message and "\r" not in message, message
        assert str(path) in message, message
        result = exc
    assert time.monotonic() - start < 10
    return result


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_documents_drawn_from_each_schema_are_read_or_refused_in_one_line(kind, tmp_path_factory):
    schema, suffix, reader, error = KINDS[kind]
    write = to_toml if suffix == ".toml" else to_json
    outcomes = set()

    @FAST
    @given(doc=documents(schema))
    def check(doc):
        path = tmp_path_factory.mktemp("doc") / f"file{suffix}"
        path.write_text(write(doc), encoding="utf-8")
        result = refused_in_one_line(lambda: reader(path), error, path)
        outcomes.add(isinstance(result, Exception))

    check()
    assert True in outcomes  # the schema's hostile values were met


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("case", HOSTILE_FILES)
def test_hostile_bytes_are_refused_in_one_line(kind, case, tmp_path):
    schema, suffix, reader, error = KINDS[kind]
    path = make_hostile(case, tmp_path / f"file{suffix}")
    result = refused_in_one_line(lambda: reader(path), error, path)
    assert isinstance(result, error), f"{case} accepted as a {kind}"


def _base(kind: str):
    """A valid document of each kind to mutate: network X for the scenario, the default
    factor files, and the good files below."""
    import tomllib

    if kind == "scenario":
        return tomllib.loads((Path(__file__).parents[1] / "model" / "inputs" / "scenarios" / "x.toml").read_text())
    if kind in ("factor file", "uncertain worlds"):
        folder = "sensitivity" if kind == "factor file" else "policy"
        name = "factors.toml" if kind == "factor file" else "uncertain.toml"
        return tomllib.loads((Path(__file__).parents[1] / "experiments" / "studies" / folder / name).read_text())
    return tomllib.loads(GOOD[kind]) if KINDS[kind][1] == ".toml" else json.loads(GOOD[kind])


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_mutations_of_a_valid_file_are_read_or_refused_in_one_line(kind, tmp_path_factory):
    """Mutations reach the checks beyond the schema (unique names, ranges of the
    registry, events naming organisations, ...): both outcomes occur."""
    schema, suffix, reader, error = KINDS[kind]
    write = to_toml if suffix == ".toml" else to_json
    outcomes = set()

    @FAST
    @given(doc=mutations(schema, _base(kind)))
    def check(doc):
        path = tmp_path_factory.mktemp("mut") / f"file{suffix}"
        path.write_text(write(doc), encoding="utf-8")
        outcomes.add(isinstance(refused_in_one_line(lambda: reader(path), error, path), Exception))

    check()
    assert outcomes == {True, False}


GOOD = {
    "scenario": 'name = "mini"\nhorizon = 20\n[[organisations]]\nname = "a"\ndomain = "care"\n'
                '[[organisations]]\nname = "b"\ndomain = "safety"\n',
    "factor file": '[[factors]]\nname = "voice"\nbounds = [0.1, 0.9]\n',
    "uncertain worlds": '[[factors]]\nname = "x.sharing_risk"\nbounds = [0.1, 0.9]\n',
    "truth file": 'model = "T1=literature"\n[parameters]\nintent_gain = 0.04\n',
    "manifest": '{"kind": "run", "attempts": [], "fingerprint": "abc"}',
    "calibration record": '{"fingerprint": "abc", "models": {"baseline": {}}}',
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_valid_file_of_each_kind_is_read(kind, tmp_path):
    """The fuzz tests are not vacuous: the readers accept a good file."""
    schema, suffix, reader, error = KINDS[kind]
    path = tmp_path / f"file{suffix}"
    path.write_text(GOOD[kind])
    reader(path)


def test_the_holder_record_never_breaks_the_refusal(tmp_path):
    """Whatever sits in the holder file (a FIFO, garbage, a list), the second writer's
    refusal names a holder or says it is unknown -- it never hangs or raises."""
    for case in HOSTILE_FILES:
        out = tmp_path / case
        out.mkdir()
        make_hostile(case, out / HOLDER)
        assert isinstance(_holder(out), str)

    @FAST
    @given(doc=documents(HOLDER_SCHEMA))
    def check(doc):
        out = tmp_path / "doc"
        out.mkdir(exist_ok=True)
        (out / HOLDER).write_text(to_json(doc))
        text = _holder(out)
        assert isinstance(text, str) and "\n" not in text

    check()


# ------------------------------------------------------------------ posterior directories

COLUMNS = ["model", "weight", "intent_gain", "x.turnover_rate", "voice", "T1", "z.voice", "nonsense", ""]
CELLS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 5), st.sampled_from(
    ["baseline", "T1=literature", "ghost", "", "\x1b[2J"]), st.none())


@st.composite
def posterior_frames(draw) -> pd.DataFrame:
    names = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=5, unique=True))
    rows = draw(st.integers(0, 4))
    data = {}
    for name in names:
        kind = draw(st.sampled_from(["float", "model", "mixed"]))
        if kind == "float":
            cells = st.one_of(st.floats(-2, 2), st.just(float("nan")))
            data[name] = draw(st.lists(cells, min_size=rows, max_size=rows))
        elif kind == "model":
            data[name] = draw(st.lists(st.sampled_from(list(MODELS)), min_size=rows, max_size=rows))
        else:
            data[name] = [str(x) for x in draw(st.lists(CELLS, min_size=rows, max_size=rows))]
    return pd.DataFrame(data)


@FAST
@given(frame=posterior_frames(), record=documents(RECORD))
def test_posterior_directories_are_read_or_refused_in_one_line(tmp_path_factory, frame, record):
    out = tmp_path_factory.mktemp("posterior")
    (out / "calibration.json").write_text(to_json(record))
    (out / "posterior.parquet").write_bytes(parquet_bytes(frame))
    refused_in_one_line(lambda: load_posterior(out), ScenarioError, out)


@pytest.mark.parametrize("case", [*HOSTILE_FILES, "truncated", "json_parquet"])
def test_a_damaged_posterior_file_is_one_line(tmp_path, case):
    out = tmp_path / "cal"
    out.mkdir()
    (out / "calibration.json").write_text(json.dumps({"fingerprint": "f", "models": MODELS}))
    good = parquet_bytes(pd.DataFrame({"model": ["baseline", "T1=literature"], "intent_gain": [0.04, 0.05],
                                       "weight": [0.5, 0.5]}))
    path = out / "posterior.parquet"
    if case == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif case == "json_parquet":
        path.write_text('{"model": "baseline"}')
    else:
        make_hostile(case, path)
    assert isinstance(refused_in_one_line(lambda: load_posterior(out), ScenarioError, out), ScenarioError)
    path.unlink() if path.is_file() or path.is_symlink() else None
    if not path.exists():
        path.write_bytes(good)
        assert sorted(load_posterior(out).models) == sorted(MODELS)  # the good file is read
    make_hostile(case if case in HOSTILE_FILES else "binary", out / "x.json")
    (out / "calibration.json").unlink()
    (out / "calibration.json").symlink_to(out / "x.json")
    refused_in_one_line(lambda: load_posterior(out), ScenarioError, out)


# -------------------------------------------------------------------------- Parquet parts

def _runs(n: int = 2) -> pd.DataFrame:
    frame = pd.DataFrame({"run": range(n), "point": 0, "replication": range(n), "seed": np.arange(n, dtype="uint64"),
                          "status": "ok", "duration": 0.1, "error": ""})
    return frame


@st.composite
def runs_parts(draw) -> bytes:
    """A runs part: its columns dropped, retyped or poisoned, its commit record damaged."""
    frame = _runs(draw(st.integers(0, 3)))
    for _ in range(draw(st.integers(0, 2))):
        column = draw(st.sampled_from(list(frame.columns)))
        action = draw(st.sampled_from(["drop", "text", "null", "status", "float"]))
        if action == "drop":
            frame = frame.drop(columns=column)
        elif action == "text":
            frame[column] = "x"
        elif action == "null":
            frame[column] = None
        elif action == "status":
            frame["status"] = draw(st.sampled_from(["ok", "failed", "done", "\x1b"]))
        else:
            frame[column] = 1.5
    record = draw(st.sampled_from([None, {"commit": {}, "rows": len(frame)}, {"commit": {}, "rows": -1},
                                   {"commit": {"model": {"rows": 1}}, "rows": len(frame)}, "garbage", [1]]))
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if record is not None:
        table = table.replace_schema_metadata({b"trustnet": json.dumps(record).encode()})
    import io

    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(table, sink)
    data = sink.getvalue()
    cut = draw(st.sampled_from([None, None, None, 0.5, 0.9]))
    return data if cut is None else data[: int(len(data) * cut)]


@FAST
@given(data=runs_parts())
def test_runs_parts_are_read_or_refused_in_one_line_and_resume_never_trusts_a_bad_one(tmp_path_factory, data):
    out = tmp_path_factory.mktemp("parts")
    path = out / "runs.parquet" / "part-0000-000000-0000.parquet"
    path.parent.mkdir()
    path.write_bytes(data)
    result = refused_in_one_line(lambda: read_runs_part(path), PartError, path)
    study = Study(scenario=load_scenario("x"), reps=3, seed=1, steps=4)
    done, damaged = resume_state(out, study)
    if isinstance(result, PartError):
        assert not done and damaged and not path.exists()  # removed, its runs to be done again
    else:
        assert done <= {0, 1, 2}


@pytest.mark.parametrize("case", ["fifo", "device", "dangling", "loop", "binary", "empty", "huge"])
def test_resume_removes_a_part_that_is_not_a_file_of_ours(tmp_path, case):
    study = Study(scenario=load_scenario("x"), reps=3, seed=1, steps=4)
    make_hostile(case, tmp_path / "runs.parquet" / "part-0000-000000-0000.parquet")
    make_hostile("binary", tmp_path / "model.parquet" / "part-0000-000000-0000.parquet")
    done, damaged = resume_state(tmp_path, study)
    assert not done and damaged
    assert not any((tmp_path / "runs.parquet").iterdir()) and not any((tmp_path / "model.parquet").iterdir())


def test_resume_refuses_a_directory_where_a_part_belongs(tmp_path):
    study = Study(scenario=load_scenario("x"), reps=3, seed=1, steps=4)
    (tmp_path / "runs.parquet" / "part-0000-000000-0000.parquet").mkdir(parents=True)
    with pytest.raises(StudyError, match="a directory where the runner keeps its files"):
        resume_state(tmp_path, study)


def test_the_scenario_schema_names_every_key_the_reader_knows():
    """The schema and the reader's key lists cannot drift apart (a key added to one only
    would be refused, or fuzzed as unknown)."""
    from model.inputs.scenario import EVENT_KEYS, ORG_KEYS, TOP_KEYS

    assert set(SCENARIO.fields) == TOP_KEYS
    assert set(SCENARIO.fields["organisations"].item.fields) == ORG_KEYS
    assert set(SCENARIO.fields["events"].item.fields) == EVENT_KEYS
