"""`trustnet check SCENARIO`: is the scenario valid, and does each of its settings matter?

A setting that changes nothing is a silent error in a scenario -- a conflict of interest
too weak to tempt anyone, a member who joins after the run ends, an event after the last
week. The check validates the file (the same strict reading as every command), then
screens each setting the file makes, one at a time: the scenario is run with that
setting taken back to what applies without it, with the seeds of the full scenario (a
paired comparison), for a few replications, and the headline outcomes are compared. A
setting whose runs come out identical had no effect; for those the report gives the
model's reason where a rule knows it.

Modules: `settings` (a scenario file's own settings, and the scenario without each),
`reasons` (why a setting cannot act), `screen` (the paired runs and their verdicts),
`report` (the text), `study` (`run_check`: validate, screen, print and write).
"""

from experiments.studies.check.report import check_report
from experiments.studies.check.screen import screen
from experiments.studies.check.study import run_check

__all__ = ["check_report", "run_check", "screen"]
