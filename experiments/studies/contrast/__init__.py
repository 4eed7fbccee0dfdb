"""The contrast study (`trustnet contrast`): reproduce the X-versus-Y contrast, score
P1-P7, ablate, decompose.

The experiment has four studies, each run by the ensemble runner into its own folder
under ``DIR/runs/`` (so each is resumable on its own):

* ``main``   -- X and Y (and the ablations that need pairwise data), pairwise state
  every two weeks: trajectories, P1-P4, P7, the P2 dyad view, the networks;
* ``probes`` -- the P5 probe (no shared goal, high cognitive trust) and the P6 moderator
  contrasts, with their ablations, and the P1 and P7 ablations;
* ``sweeps`` -- each group of X-Y differences moved from X's setting to Y's in steps;
* ``decomposition`` -- all 2^7 combinations of the groups, for the Shapley shares.

All studies share the root seed, so replication i uses the same random numbers in every
design point (common random numbers): X-Y differences, ablations and moderator
contrasts are paired.

Modules: `hybrid` (scenarios between X and Y), `decomposition` (Shapley shares),
`design` (the four studies), `summaries` (tables), `figures`, `report`, `study`
(`run_contrast`, the command).
"""

from experiments.studies.contrast.design import Sizes
from experiments.studies.contrast.study import run_contrast

__all__ = ["Sizes", "run_contrast"]
