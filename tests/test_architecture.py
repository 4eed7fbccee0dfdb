"""The layout shows the architecture: no import cycles, and nothing imports upward.

Imports are read from the source (every ``import`` and ``from ... import``, also inside
functions), except those under ``if TYPE_CHECKING:``, which never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("model", "experiments")

# layers from the bottom up: a module may import from its own layer and those below; the
# studies and the adapters stand side by side (and do not import each other, below)
LAYERS = ("model", "experiments.ensemble", "experiments.analysis", ("experiments.studies", "experiments.adapters"),
          "experiments.cli")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Project modules imported by the module at ``path`` (TYPE_CHECKING blocks excepted)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and _type_checking_only(node)
            for child in node.body for n in ast.walk(child)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for name in names:
            # the longest known module that the name starts with (a module, or a name in it)
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def import_graph() -> nx.DiGraph:
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    known = {module_name(p) for p in files}
    graph = nx.DiGraph()
    for path in files:
        here = module_name(path)
        graph.add_node(here)
        for other in imports_of(path, known):
            if other != here and not here.startswith(other + "."):  # a package's own parents
                graph.add_edge(here, other)
    return graph


def layer(module: str) -> int:
    """A module's layer; the ``experiments`` package itself is a facade on top."""
    return max((k for k, entry in enumerate(LAYERS) for name in ((entry,) if isinstance(entry, str) else entry)
                if module == name or module.startswith(name + ".")), default=len(LAYERS) - 1)


def test_no_module_is_part_of_an_import_cycle():
    graph = import_graph()
    assert len(graph) > 40
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert cycles == [], cycles


def test_nothing_imports_upward():
    graph = import_graph()
    upward = [(a, b) for a, b in graph.edges if layer(b) > layer(a)]
    assert upward == [], upward


def test_studies_do_not_import_each_other():
    graph = import_graph()

    def study(module: str) -> str | None:
        parts = module.split(".")
        return parts[2] if len(parts) > 2 and parts[1] == "studies" else None

    across = [(a, b) for a, b in graph.edges if study(a) and study(b) and study(a) != study(b)]
    assert across == [], across


def test_studies_and_adapters_do_not_import_each_other():
    graph = import_graph()
    sides = ("experiments.studies", "experiments.adapters")

    def side(module: str) -> str | None:
        return next((s for s in sides if module == s or module.startswith(s + ".")), None)

    across = [(a, b) for a, b in graph.edges if side(a) and side(b) and side(a) != side(b)]
    assert any(side(m) == "experiments.adapters" for m in graph)
    assert across == [], across


def test_the_checker_sees_a_cycle_and_an_upward_import(tmp_path):
    """The checker itself can fail: a constructed cycle and an upward import are found."""
    known = {"model.a", "model.b", "experiments.cli"}
    pkg = tmp_path / "model"
    pkg.mkdir()
    (pkg / "a.py").write_text("from model.b import f\n")
    (pkg / "b.py").write_text("def g():\n    from model import a\n    import experiments.cli\n")
    (pkg / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from model.a import f\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert imports_of(pkg / "a.py", known) == {"model.b"}
        assert imports_of(pkg / "b.py", known) == {"model.a", "experiments.cli"}
        assert imports_of(pkg / "c.py", known) == set()
    finally:
        ROOT = saved
    assert layer("experiments.cli") > layer("model.b")
    assert layer("experiments.adapters.ema") == layer("experiments.studies.policy") > layer("experiments.analysis")
