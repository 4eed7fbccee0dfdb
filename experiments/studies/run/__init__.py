"""The report of `trustnet run`: what the model says about one network.

`trustnet run` leaves its Parquet tables; this package reads them back and writes, next
to them, ``report.md`` and ``trajectories.png`` -- the network's trust, sharing and
collaboration over the weeks with the band of the replications, its outcomes at the
horizon in units a reader knows, each organisation's standing, and, with ``--against x
--against y``, the same for other networks run with the same seeds, so that the
differences are paired.

Modules: `summary` (outcomes per run and their spread; the networks run alongside),
`figures` (the trajectories), `report` (`write_run_report`).
"""

from experiments.studies.run.report import write_run_report

__all__ = ["write_run_report"]
