"""The documentation is kept in step with the code."""

import re
from pathlib import Path

from experiments import docs
from model.inputs.parameter_table import BEGIN, END, render
from model.inputs.parameters import SPECS
from model.inputs.scenario import REPRESENTATIVE_FIELDS

ROOT = Path(__file__).resolve().parents[1]
ODD = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")


def test_odd_parameter_table_is_generated_from_the_registry():
    table = ODD[ODD.index(BEGIN):ODD.index(END) + len(END)]
    assert table == render(), "run: make odd"


def test_every_parameter_has_a_source_or_is_marked_an_assumption():
    """A source names a section of the study (§), a reference (author and year, or one of
    the abbreviations the registry explains), or says "assumption"."""
    cites = re.compile(r"§\d|\b(19|20)\d\d\b|P&Y|G&N|Slovic|Kim\b|anchors|assumption")
    for spec in [*SPECS, *REPRESENTATIVE_FIELDS.values()]:
        assert cites.search(spec.source), spec
        if getattr(spec, "kind", float) is str:
            assert spec.default in spec.choices, spec
        else:
            assert spec.low <= spec.default <= spec.high, spec


def test_odd_has_the_protocol_sections_in_order():
    headings = ["Purpose and patterns", "Entities, state variables, and scales",
                "Process overview and scheduling", "Design concepts", "Initialization", "Input data",
                "Submodels"]
    positions = [ODD.find(f". {h}") for h in headings]
    assert all(p >= 0 for p in positions), dict(zip(headings, positions, strict=True))
    assert positions == sorted(positions)


def test_odd_names_every_step_of_the_weekly_process():
    source = (ROOT / "model" / "process" / "dynamics.py").read_text()
    body = source[source.index("def advance_week"):source.index("# ---", source.index("def advance_week"))]
    steps = re.findall(r"(\w+)\(s, ", body)
    assert len(steps) >= 8
    for step in steps:
        assert f"`{step}`" in ODD, step


def test_readme_layout_table_matches_the_tree():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Layout"):readme.index("## Performance")]
    cells = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    listed = {p.strip("` ").rstrip("/") for cell in cells for p in cell.split(",")}
    for path in listed:
        assert (ROOT / path).exists(), path
    packages = {p.relative_to(ROOT).as_posix() for p in (ROOT / "experiments").iterdir()
                if (p / "__init__.py").exists()}
    packages |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "experiments" / "studies").iterdir()
                 if (p / "__init__.py").exists()}
    missing = [p for p in packages if p not in listed and p.removeprefix("experiments/studies/") not in section]
    assert missing == [], missing


def test_numbers_and_tables_in_the_docs_are_generated_from_the_registries():
    """Counts (assumption parameters, factors), the intervention table and the cost table."""
    assert docs.stale() == [], "run: make docs"
    text = "".join(p.read_text(encoding="utf-8") for p in docs.documents())
    used = set(docs.COUNT_MARK.findall(text))
    assert {"assumption_parameters", "calibration_factors"} <= {name for name, _ in used}
    for name, value in used:
        assert value == str(docs.COUNTS[name]()), name
    wrong, right = "46", str(docs.COUNTS["calibration_factors"]())
    assert docs.render(f"<!-- count:calibration_factors -->{wrong}<!-- /count -->") == \
        f"<!-- count:calibration_factors -->{right}<!-- /count -->"
    assert "<!-- generated:intervention-costs" in ODD and "<!-- generated:intervention-table" in \
        (ROOT / "README.md").read_text(encoding="utf-8")


def test_trustnet_version_is_the_package_version_everywhere():
    import subprocess
    import sys
    import tomllib

    from model import __version__

    r = subprocess.run([sys.executable, "-m", "experiments.cli", "--version"], cwd=ROOT, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == f"trustnet {__version__}"
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"] == __version__
    assert f'version: {__version__}' in (ROOT / "CITATION.cff").read_text()


def test_the_study_is_cited_by_reference_and_section_not_by_lines_of_a_text_the_reader_lacks():
    """README, ODD and CITATION.cff give the study's bibliographic reference; the docs cite
    its sections, never line numbers of the project's copy of the text (the scenario files
    keep those, for the developers' check of the X-Y differences)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    for text in (" ".join(t.split()) for t in (readme, ODD, citation)):
        assert "De kracht van vertrouwen" in text and "2022" in text
        assert "not stated in the copy" in text  # the author is not invented
    lines = re.compile(r"seed (lines? )?\d{3,4}\b|seeds/000_|\b(1[0-9]{3}|2[1-9][0-9]{2}|3[0-9]{3})[–-]\d{3,4}\)"
                       r"|§[\d.]+ \((line )?\d{3,4}")
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        found = [m.group(0) for m in lines.finditer(path.read_text(encoding="utf-8"))]
        assert found == [], (path.name, found[:5])


def test_patterns_threshold_table_is_generated_from_the_thresholds():
    from experiments.analysis.thresholds import BEGIN as T_BEGIN
    from experiments.analysis.thresholds import END as T_END
    from experiments.analysis.thresholds import render as render_thresholds

    text = (ROOT / "docs" / "patterns.md").read_text(encoding="utf-8")
    assert text[text.index(T_BEGIN):text.index(T_END) + len(T_END)] == render_thresholds(), "run: make odd"
