"""Numbers and tables in the documentation, generated from the registries they describe.

A count typed into prose goes stale the day a parameter is added (the number of
"assumption" parameters once read 53, 46 and 55 in three places). Here every such number
is computed from its source -- the parameter registry, the factor files, the intervention
catalogue -- and written between markers:

* an inline count: ``<!-- count:NAME -->53<!-- /count -->``;
* a block: ``<!-- generated:NAME (python -m experiments.docs) -->`` ... ``<!-- /generated:NAME -->``.

``python -m experiments.docs`` (``make docs``) rewrites every marked place in README.md and
docs/*.md (and the ODD's parameter table, `model.inputs.parameter_table`); ``--check`` only
reports what is out of step, and `tests/test_docs.py` fails when anything is.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from experiments.ensemble.factors import load_factors
from model.inputs import parameter_table
from model.inputs.interventions import (
    INTERVENTIONS,
    active_weeks,
    intervention_cost,
    parse_intervention,
    scheduled_weeks,
)
from model.inputs.parameters import SPECS
from model.inputs.scenario import REPRESENTATIVE_FIELDS, load_scenario

ROOT = Path(__file__).resolve().parents[1]
STUDIES = ROOT / "experiments" / "studies"
INTERVENTION_PARAMETER = re.compile(r"i\d")


def _assumption(source: str) -> bool:
    return "assumption" in source


def _factors(relative: str) -> int:
    return len(load_factors(STUDIES / relative)[0])


COUNTS: dict[str, Callable[[], int]] = {
    # network-level numeric parameters labelled "assumption", intervention options aside
    "assumption_parameters": lambda: sum(
        s.kind in (float, int) and _assumption(s.source) and not INTERVENTION_PARAMETER.match(s.name) for s in SPECS),
    "assumption_attributes": lambda: sum(_assumption(f.source) for f in REPRESENTATIVE_FIELDS.values()),
    "parameters": lambda: len(SPECS),
    "representative_attributes": lambda: len(REPRESENTATIVE_FIELDS),
    "calibration_factors": lambda: _factors("calibration/factors.toml"),
    "sensitivity_factors": lambda: _factors("sensitivity/factors.toml"),
    "uncertain_factors": lambda: _factors("policy/uncertain.toml"),
}


def _default(option_parameter: str) -> str:
    spec = next(s for s in SPECS if s.name == option_parameter)
    value = spec.kind(spec.default)
    return str(value).lower() if isinstance(value, bool) else f"{value:g}"


def intervention_table() -> str:
    """README: each intervention with its options at their registry defaults."""
    lines = ["| id | `--intervention` (options at their defaults) | acts on |", "|---|---|---|"]
    for i in INTERVENTIONS.values():
        options = [f"{o}={_default(p)}" for o, p in i.options.items() if o not in ("start", "end")]
        shown = f"{i.name}[:{','.join(options)}]" if options else i.name
        lines.append(f"| {i.id} | `{shown}` | {i.acts_on} |")
    return "\n".join(lines)


def cost_table() -> str:
    """ODD 7.5: the hours a year of each intervention with its default options in X and Y."""
    ids = " | ".join(i.id for i in INTERVENTIONS.values())
    head = f"| network | {ids} | all six | all six, hours in the run |"
    lines = [head, "|---|" + "---|" * (len(INTERVENTIONS) + 2)]
    for name in ("x", "y"):
        sc = load_scenario(name)
        alone = [intervention_cost(sc.with_overrides(parse_intervention(i)[1])).per_year for i in INTERVENTIONS]
        together = intervention_cost(sc.with_overrides(
            {k: v for i in INTERVENTIONS for k, v in parse_intervention(i)[1].items()}))
        first = next(iter(INTERVENTIONS.values()))
        weeks = active_weeks(sc.with_overrides(parse_intervention(first.name)[1]), first)
        interval = sc.params.meeting_interval
        planned = ", ".join(str(w) for w in scheduled_weeks(sc))
        label = (f"{name.upper()} (N = {sc.n}, meeting every {interval} weeks, scheduled replacements in "
                 f"week(s) {planned} of {weeks[0]}–{weeks[1]})")
        lines.append(f"| {label} | " + " | ".join(f"{c:.1f}" for c in alone)
                     + f" | {together.per_year:.1f} | {together.total:.0f} |")
    return "\n".join(lines)


def factor_list(relative: str) -> Callable[[], str]:
    """The factors of a default factor file with their bounds, as one line."""
    def render() -> str:
        factors = load_factors(STUDIES / relative)[0]
        return (f"Its {len(factors)} factors: "
                + ", ".join(f"`{f.name}` [{f.low:g}, {f.high:g}]" for f in factors) + ".")
    return render


BLOCKS: dict[str, Callable[[], str]] = {
    "intervention-table": intervention_table, "intervention-costs": cost_table,
    "sensitivity-factors": factor_list("sensitivity/factors.toml"),
    "uncertain-factors": factor_list("policy/uncertain.toml"),
}

COUNT_MARK = re.compile(r"<!-- count:([a-z_]+) -->(.*?)<!-- /count -->")


def _block_pattern(name: str) -> re.Pattern:
    begin, end = rf"<!-- generated:{name} \(python -m experiments\.docs\) -->\n", rf"\n<!-- /generated:{name} -->"
    return re.compile(f"({begin})(.*?)({end})", re.S)


def render(text: str) -> str:
    """``text`` with every marked count and block regenerated."""
    def count(match: re.Match) -> str:
        name = match.group(1)
        if name not in COUNTS:
            raise KeyError(f"unknown count '{name}' (known: {', '.join(COUNTS)})")
        return f"<!-- count:{name} -->{COUNTS[name]()}<!-- /count -->"

    text = COUNT_MARK.sub(count, text)
    for name, make in BLOCKS.items():
        text = _block_pattern(name).sub(lambda m, make=make: m.group(1) + make() + m.group(3), text)
    return text


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def stale() -> list[Path]:
    """The documents whose marked numbers or tables are out of step."""
    out = [p for p in documents() if render(p.read_text(encoding="utf-8")) != p.read_text(encoding="utf-8")]
    odd = ROOT / "docs" / "ODD.md"
    text = odd.read_text(encoding="utf-8")
    table = text[text.index(parameter_table.BEGIN):text.index(parameter_table.END) + len(parameter_table.END)]
    if table != parameter_table.render() and odd not in out:
        out.append(odd)
    return out


def update() -> list[Path]:
    """Rewrite every document that is out of step; return those changed."""
    changed = []
    for path in documents():
        text = path.read_text(encoding="utf-8")
        new = render(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    if parameter_table.update(ROOT / "docs" / "ODD.md") and ROOT / "docs" / "ODD.md" not in changed:
        changed.append(ROOT / "docs" / "ODD.md")
    return changed


if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        late = stale()
        print("\n".join(f"out of step: {p.relative_to(ROOT)}" for p in late) or "all generated numbers in step")
        sys.exit(1 if late else 0)
    changed = update()
    print("\n".join(f"updated {p.relative_to(ROOT)}" for p in changed) or "unchanged")
