"""The compiled engine against the numpy engine it replaced: a statistical equivalence check.

The two engines draw different random numbers (the compiled one a number per decision,
`model.process.draws`), so they cannot agree run for run; they must agree in distribution. This
script runs both at 30 replications of X and Y and of every point the pattern criteria
read (`experiments.analysis.scorecard.criteria_points`, through the calibration's
`simulate_particle`), and prints a table of the headline outputs (X and Y at weeks
144-156: intentional, cognitive and empathic trust, information shared, collaboration;
misuse events by week 156) and of each pattern clause's estimate, for the old engine and
the new, with the difference and its 95% interval (the runs of the two engines are
independent: difference of means, normal interval from the two standard errors; for a
clause, its bootstrap standard errors). A difference whose interval excludes 0 and that
the change of arithmetic and random numbers does not explain is a bug.

The old engine is the newest commit reachable from HEAD whose ``model/dynamics.py`` is the
numpy engine (``--old`` to choose another), checked out in a temporary ``git worktree``
(removed afterwards); both engines are scored by the criteria of this checkout's
``experiments`` when the old commit has the same (otherwise its own).

    python benchmarks/equivalence.py [--reps 30] [--old REF] [--out FILE.md]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADLINE = ("intentional_trust", "cognitive_trust", "empathic_trust", "info_shared", "collaboration")
Z = 1.959964


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True).stdout.strip()


def numpy_engine_commit() -> str:
    """The newest commit reachable from HEAD whose weekly process is the numpy engine."""
    for commit in git("rev-list", "--date-order", "HEAD").split():
        try:
            source = git("show", f"{commit}:model/dynamics.py")  # the numpy engine had the flat layout
        except subprocess.CalledProcessError:
            continue
        if "WeekDraws" in source:
            return commit
    raise SystemExit("equivalence: no commit with the numpy engine is reachable from HEAD")


def measure(reps: int, seed: int) -> dict:
    """Runs in the measuring process (``--measure``): per-replication headline outputs of X
    and Y, and every pattern clause's estimate and standard error."""
    import numpy as np

    import model
    from experiments.analysis.scorecard import score
    from experiments.studies.calibration.simulate import simulate_particle

    tables = simulate_particle({}, seed, reps)
    main, probes = tables["main"], tables["probes"]
    out: dict = {"model": str(Path(model.__file__).resolve().parent), "headline": {}, "clauses": {}}
    for label in ("x", "y"):
        frame = main.get("model", label)
        window = frame[(frame.step >= 144) & (frame.step <= 156)].groupby("replication")
        for metric in HEADLINE:
            out["headline"][f"{label.upper()} {metric} (weeks 144-156)"] = window[metric].mean().tolist()
        last = frame[frame.step == frame.step.max()].set_index("replication")["misuse_events"]
        out["headline"][f"{label.upper()} misuse events (week 156)"] = last.tolist()
    for result in score(main, probes):
        for name, estimate in result.estimates.items():
            se = result.se[name]
            out["clauses"][f"{result.id} {name}"] = [float(estimate), float(se) if np.isfinite(se) else None]
    return out


def run_measure(pythonpath: Path, reps: int, seed: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--measure", "--reps", str(reps),
                           "--seed", str(seed)], cwd=pythonpath, env=env, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"equivalence: measuring {pythonpath} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if Path(result["model"]) != pythonpath / "model":
        raise SystemExit(f"equivalence: measured {result['model']}, expected {pythonpath / 'model'}")
    return result


def mean_se(values: list[float]) -> tuple[float, float]:
    n = len(values)
    mean = sum(values) / n
    var = sum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else float("nan")
    return mean, (var / n) ** 0.5


def fmt(x: float | None) -> str:
    return "--" if x is None or x != x else f"{x:.4g}"


def table(old: dict, new: dict, old_ref: str, reps: int) -> str:
    lines = [f"Old engine: numpy, commit {old_ref[:7]}; new engine: compiled kernel, commit "
             f"{git('rev-parse', '--short', 'HEAD')}. {reps} replications each (independent seeds of the same "
             "root; the engines draw different numbers).", "",
             "| output | old | new | new - old [95% CI] | CI excludes 0 |", "|---|---|---|---|---|"]
    rows = []
    for name in old["headline"]:
        if name not in new["headline"]:
            continue
        (a, sa), (b, sb) = mean_se(old["headline"][name]), mean_se(new["headline"][name])
        rows.append((name, a, b, sa, sb))
    for name in old["clauses"]:
        if name not in new["clauses"]:
            continue
        (a, sa), (b, sb) = old["clauses"][name], new["clauses"][name]
        rows.append((name, a, b, sa, sb))
    excluded = 0
    for name, a, b, sa, sb in rows:
        diff = b - a
        half = Z * (sa ** 2 + sb ** 2) ** 0.5 if sa is not None and sb is not None else float("nan")
        out = half == half and abs(diff) > half
        excluded += out
        lines.append(f"| {name} | {fmt(a)} | {fmt(b)} | {fmt(diff)} [{fmt(diff - half)}, {fmt(diff + half)}] | "
                     f"{'**yes**' if out else 'no'} |")
    lines += ["", f"{excluded} of {len(rows)} intervals exclude 0 (about {0.05 * len(rows):.1f} expected by chance "
                  "at 95% if the engines agree in distribution)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--old", default=None, metavar="REF", help="commit of the old engine (default: see above)")
    parser.add_argument("--out", type=Path, default=None, metavar="FILE", help="also write the table (markdown)")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.reps, args.seed)))
        return
    old_ref = git("rev-parse", args.old or numpy_engine_commit())
    with tempfile.TemporaryDirectory() as tmp:
        worktree = Path(tmp) / "old"
        git("worktree", "add", "--detach", str(worktree), old_ref)
        try:
            old = run_measure(worktree, args.reps, args.seed)
        finally:
            git("worktree", "remove", "--force", str(worktree))
    new = run_measure(ROOT, args.reps, args.seed)
    text = table(old, new, old_ref, args.reps)
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
