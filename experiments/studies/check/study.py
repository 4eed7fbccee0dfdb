"""`trustnet check`: validate, screen, report -- and, with ``--out``, write the report and
the table (``report.md``, ``screen.csv``) into a directory held like every study's."""

from __future__ import annotations

from pathlib import Path

from experiments.ensemble.ownership import claim
from experiments.ensemble.store import write_text
from experiments.studies.check.report import check_report
from experiments.studies.check.screen import screen
from model.scenario import load_scenario


def run_check(spec: str, reps: int = 8, steps: int | None = None, seed: int = 20221,
              out: Path | None = None) -> tuple[str, Path | None]:
    """The report's text, and where it was written (None without ``out``). The scenario
    is validated before anything runs or is written."""
    load_scenario(spec)
    if out is None:
        return check_report(screen(spec, reps, steps, seed)), None
    with claim(Path(out), "check") as where:
        result = screen(spec, reps, steps, seed)
        text = check_report(result)
        result.table.to_csv(where / "screen.csv", index=False)
        write_text(text, where / "report.md")
    return text, where / "report.md"
