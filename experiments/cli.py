"""The `trustnet` command line: parse and validate, then call a study.

Bad input (an unknown scenario, a malformed ``--set``, an out-of-range value) is
reported as one line on stderr with exit status 2 and no traceback, before anything is
computed or written.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from typing import Any

from experiments.ensemble import ExecutorSpec, RunSummary, Study, StudyError, execute
from model.scenario import ScenarioError, load_scenario


class UsageError(Exception):
    """A command-line problem: reported as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump
        raise UsageError(f"{self.prog}: error: {message}")


def parse_assignment(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` with VALUE read as a TOML value (number, true/false, string)."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise UsageError(f"trustnet: error: --set {text!r}: expected KEY=VALUE")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key, value


def _whole_number_at_least(low: int):
    """An argparse type: a whole number >= ``low``, with a one-line message otherwise."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        return value

    return parse


_positive = _whole_number_at_least(1)
_nonnegative = _whole_number_at_least(0)


def add_execution_options(parser: argparse.ArgumentParser) -> None:
    """--workers / --scheduler / --dask-local, --block-size and --quiet (every study command)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_positive, default=None, metavar="K",
                       help="local processes (1: serial in this process; default: all cores)")
    where.add_argument("--scheduler", metavar="tcp://HOST:PORT", default=None,
                       help="run on an existing Dask cluster")
    where.add_argument("--dask-local", type=_positive, default=None, metavar="N",
                       help="start a Dask LocalCluster with N workers")
    parser.add_argument("--block-size", type=_positive, default=None, metavar="RUNS",
                        help="runs per block of work (default: sized automatically)")
    parser.add_argument("--engine", default="batch",
                        help="batch (default: whole blocks of runs at once) or mesa (the Mesa model run by run); "
                             "both give the same numbers")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def executor_spec(args: argparse.Namespace) -> ExecutorSpec:
    return ExecutorSpec(workers=args.workers, scheduler=args.scheduler, dask_local=args.dask_local)


def report(summary: RunSummary, what: str) -> int:
    """Print the outcome; non-zero exit status if any run failed."""
    done = f"{summary.succeeded} runs done" + (f", {summary.skipped} already done" if summary.skipped else "")
    if summary.failed:
        print(f"trustnet: {summary.failed} of {summary.total} runs failed ({done}); tracebacks in "
              f"{summary.out / 'runs.parquet'}; re-run the same command to retry them", file=sys.stderr)
        return 1
    print(f"{what}: {done} in {summary.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="trustnet", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="replications of one scenario, written to Parquet")
    run.add_argument("scenario", help="x, y, a scenario .toml file, or synthetic:N[:domain=w,...]")
    run.add_argument("--reps", type=_positive, default=10, help="replications (default 10)")
    run.add_argument("--steps", type=_positive, default=None, help="weeks (default: scenario horizon)")
    run.add_argument("--seed", type=_nonnegative, default=20221, help="root seed (default 20221)")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="override a parameter, e.g. --set turnover_rate=0.3 (repeatable)")
    run.add_argument("--variant", action="append", default=[], metavar="T=SIDE",
                     help="theory variant, e.g. --variant T1=literature or update_rule=symmetric")
    run.add_argument("--intervention", action="append", default=[], metavar="NAME[:opt=v,...]",
                     help="apply an intervention, e.g. --intervention evaluations:every=13 (repeatable)")
    run.add_argument("--pairs", type=_nonnegative, default=0, metavar="K",
                     help="also write pairwise trust every K weeks to pairs.parquet")
    run.add_argument("--out", required=True, type=Path, help="results directory")
    add_execution_options(run)

    con = sub.add_parser("contrast", help="reproduce the X-Y contrast: pattern scorecard, ablations, "
                                          "decomposition of the gap")
    con.add_argument("--reps", type=_positive, default=30, help="replications per design point (default 30)")
    con.add_argument("--sweep-reps", type=_positive, default=10, help="replications per sweep step")
    con.add_argument("--decomposition-reps", type=_positive, default=10,
                     help="replications per combination of groups (2^7 combinations)")
    con.add_argument("--seed", type=_nonnegative, default=20221)
    con.add_argument("--out", type=Path, required=True)
    add_execution_options(con)

    pol = sub.add_parser("policy", help="the study's recommendations I1-I6 as what-if interventions")
    pol.add_argument("--scenario", action="append", default=[], metavar="x|y|PATH",
                     help="network(s) to test (repeatable; default: x and y)")
    pol.add_argument("--intervention", action="append", default=[], metavar="NAME[:opt=v,...]",
                     help="intervention to test (repeatable; default: all six with default options)")
    pol.add_argument("--combination", action="append", default=[], metavar="NAME+NAME",
                     help="also test interventions together, e.g. social_map+evaluations (repeatable)")
    pol.add_argument("--reps", type=_positive, default=30, help="replications per design point (default 30)")
    pol.add_argument("--seed", type=_nonnegative, default=20221)
    pol.add_argument("--out", type=Path, required=True)
    add_execution_options(pol)

    app = sub.add_parser("app", help="interactive exploration in the browser (Mesa SolaraViz)")
    app.add_argument("--port", type=_positive, default=8765, help="port on localhost (default 8765)")
    app.add_argument("--host", default="127.0.0.1", help="interface to listen on (default localhost only)")

    sa = sub.add_parser("sa", help="global sensitivity analysis (SALib: Sobol, Morris, PAWN)")
    sa.add_argument("--method", choices=("sobol", "morris", "pawn"), default="sobol")
    sa.add_argument("--factors", default="default", metavar="FILE",
                    help="factor file (TOML); default: the moderators and main uncertain parameters")
    sa.add_argument("--model", default="trustnet", metavar="trustnet|ishigami|sobol-g",
                    help="the trust model, or an analytical test function with known indices")
    sa.add_argument("--scenario", default=None, metavar="x|y|PATH", help="default: the factor file's, else y")
    sa.add_argument("--outputs", default="collaboration,intentional_trust,info_shared,cases_resolved",
                    help="comma-separated model metrics to analyse")
    sa.add_argument("--n", type=_positive, default=64,
                    help="Sobol base sample (power of two), Morris trajectories, or PAWN points (default 64)")
    sa.add_argument("--reps", type=_positive, default=4, help="replications per design point (default 4)")
    sa.add_argument("--second-order", action="store_true", help="Sobol second-order indices")
    sa.add_argument("--seed", type=_nonnegative, default=20221)
    sa.add_argument("--out", type=Path, required=True)
    add_execution_options(sa)

    var = sub.add_parser("variants", help="theory variants T1-T8 and update rules against the patterns")
    var.add_argument("--samples", type=_positive, default=16, help="parameter sample points (default 16)")
    var.add_argument("--reps", type=_positive, default=8, help="replications per point (default 8)")
    var.add_argument("--variants", default=None, metavar="T1,T5,...",
                     help="compare only these (with the baseline); default: all")
    var.add_argument("--pair", action="append", default=[], metavar="T1+T3",
                     help="also compare two variants switched on together (repeatable)")
    var.add_argument("--seed", type=_nonnegative, default=20221)
    var.add_argument("--out", type=Path, required=True)
    add_execution_options(var)

    cal = sub.add_parser("calibrate", help="ABC-SMC posterior of the parameters and theory variants given the patterns")
    cal.add_argument("--factors", default="default", metavar="FILE",
                     help="factor file (TOML; bounds are uniform priors); default: the assumption-labelled parameters")
    cal.add_argument("--variants", default=None, metavar="T1,T3,...", help="variants competing with the baseline")
    cal.add_argument("--population", type=_whole_number_at_least(2), default=200, help="particles (default 200)")
    cal.add_argument("--generations", type=_positive, default=6, help="generations incl. the prior's (default 6)")
    cal.add_argument("--reps", type=_positive, default=4, help="paired replications per particle (default 4)")
    cal.add_argument("--hold-out", default=None, metavar="P7,...", help="patterns left out of the distance")
    cal.add_argument("--truth", type=Path, default=None, metavar="PARAMS.toml",
                     help="known-answer check: pseudo-observed summaries simulated at these parameters")
    cal.add_argument("--seed", type=_nonnegative, default=20221)
    cal.add_argument("--out", type=Path, required=True)
    add_execution_options(cal)

    for sub_parser in (run, sa, var):
        sub_parser.add_argument("--posterior", type=Path, default=None, metavar="DIR",
                                help="draw parameter sets from a calibration's posterior (trustnet calibrate)")

    return parser


def _scenario(name: str, assignments: list[str]):
    scenario = load_scenario(name)
    if assignments:
        scenario = scenario.with_overrides(dict(parse_assignment(a) for a in assignments))
    return scenario


def with_interventions(scenario, specs: list[str]):
    """Apply ``--intervention`` options to a scenario."""
    from model.interventions import parse_intervention

    overrides = {}
    for spec in specs:
        overrides.update(parse_intervention(spec)[1])
    return scenario.with_overrides(overrides) if overrides else scenario


def run_app(host: str, port: int) -> int:
    """Start the SolaraViz page with `solara run` and wait until it is stopped."""
    import shutil
    import subprocess

    import model

    page = Path(model.__file__).resolve().parent / "app.py"
    solara = shutil.which("solara") or str(Path(sys.executable).with_name("solara"))
    print(f"trustnet app: http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    proc = subprocess.run([solara, "run", str(page), "--host", host, "--port", str(port), "--production",
                           "--no-open"], check=False)
    return proc.returncode


def posterior_points(directory: Path | None, n: int, seed: int) -> tuple[dict, ...]:
    """With ``--posterior``: one design point per run, each its own posterior draw
    (recorded as the run's design point in runs.parquet)."""
    if directory is None:
        return ()
    from experiments.ensemble.posterior import draw_parameters

    return tuple(draw_parameters(directory, n, seed))


def calibrate(args: argparse.Namespace) -> int:
    import logging

    from experiments.studies import calibration as cal

    if args.engine != "batch" or args.block_size:
        raise UsageError("trustnet calibrate: error: --engine and --block-size do not apply (a particle is one "
                         "block of the batched engine)")
    factors = cal.calibration_factors(args.factors)
    models = cal.competing_models(args.variants)
    spec = cal.Calibration(tuple(factors), models, args.population, args.reps, cal.held_out_patterns(args.hold_out),
                           args.seed, cal.load_truth(args.truth, models) if args.truth else None)
    logging.getLogger("ABC").setLevel(logging.WARNING if args.quiet else logging.INFO)
    # in 46 dimensions the unnormalised importance weights are tiny numbers; pyabc warns, then normalises
    logging.getLogger("ABC.Population").setLevel(logging.ERROR)
    result = cal.run_calibration(args.out, spec, args.generations, executor_spec(args))
    print(f"trustnet calibrate: {result.stopped}; report: {args.out / 'report.md'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "run":
            scenario = _scenario(args.scenario, args.set + args.variant)
            scenario = with_interventions(scenario, args.intervention)
            points = posterior_points(args.posterior, args.reps, args.seed)
            study = Study(scenario=scenario, reps=1 if points else args.reps, seed=args.seed, steps=args.steps,
                          pairs_every=args.pairs, kind="run", points=points or ({},), crn=not points,
                          extra={"posterior": str(args.posterior)} if points else {})
            summary = execute(study, args.out, executor_spec(args), engine=args.engine,
                              block_size=args.block_size, quiet=args.quiet)
            return report(summary, f"trustnet run {scenario.name}")
        if args.command == "contrast":
            from experiments.studies.contrast import Sizes, run_contrast

            sizes = Sizes(reps=args.reps, sweep_reps=args.sweep_reps,
                          decomposition_reps=args.decomposition_reps)
            summaries, result = run_contrast(args.out, sizes, args.seed, executor_spec(args),
                                             args.block_size, args.quiet, engine=args.engine)
            codes = [report(s, f"trustnet contrast ({s.out.name})") for s in summaries]
            if result:
                card = result["scorecard"]
                print(f"{sum(r.passed for r in card)} of {len(card)} patterns reproduced: "
                      + ", ".join(f"{r.id} {'ok' if r.passed else 'FAILED'}" for r in card))
                print(f"report: {args.out / 'report.md'}")
            return max(codes)
        if args.command == "policy":
            from experiments.studies.policy import run_policy

            scenarios = args.scenario or ["x", "y"]
            for name in scenarios:
                load_scenario(name)  # fails early with one line on a bad name or file
            summary, table = run_policy(args.out, scenarios, args.intervention or None,
                                        [c.split("+") for c in args.combination], args.reps, args.seed,
                                        executor_spec(args), args.block_size, args.quiet, engine=args.engine)
            code = report(summary, "trustnet policy")
            if table is not None:
                print(f"report: {args.out / 'report.md'}")
            return code
        if args.command == "app":
            return run_app(args.host, args.port)
        if args.command == "calibrate":
            return calibrate(args)
        if args.command == "sa":
            from experiments.studies.sensitivity import function_factors, load_factors, run_sa
            from model.metrics import MODEL_METRICS

            if args.model == "trustnet":
                factors, file_scenario = load_factors(args.factors)
                scenario = args.scenario or file_scenario or "y"
                load_scenario(scenario)
                outputs = [o.strip() for o in args.outputs.split(",") if o.strip()]
                bad = [o for o in outputs if o not in MODEL_METRICS]
                if bad or not outputs:
                    raise UsageError(f"trustnet sa: error: --outputs: unknown metric '{(bad or [''])[0]}' "
                                     f"(choose from {', '.join(MODEL_METRICS)})")
            else:
                factors, scenario, outputs = function_factors(args.model), "", ["y"]
            base = None
            if args.posterior:
                from experiments.ensemble.posterior import posterior_mean

                base = posterior_mean(args.posterior)
            summary, indices = run_sa(args.out, args.method, factors, scenario, outputs, args.n, args.reps,
                                      args.second_order, args.seed, args.model, executor_spec(args),
                                      args.block_size, args.quiet, engine=args.engine, base=base)
            code = report(summary, "trustnet sa")
            if indices is not None:
                print(f"report: {args.out / 'report.md'}")
            return code
        if args.command == "variants":
            from experiments.studies.variants import VariantSizes, default_variants, parse_variant, run_variants

            chosen = default_variants()
            if args.variants:
                keep = {"baseline"}
                for item in args.variants.split(","):
                    name, _ = parse_variant(item if "=" in item else f"{item}=literature")
                    keep.add(name)
                chosen = {k: v for k, v in chosen.items() if k in keep}
                chosen.update({k: v for k, v in (parse_variant(i if "=" in i else f"{i}=literature")
                                                 for i in args.variants.split(",")) if k not in chosen})
            for pair in args.pair:
                name, overrides = parse_variant("+".join(p if "=" in p else f"{p}=literature"
                                                         for p in pair.split("+")))
                chosen[name] = overrides
            summaries, table = run_variants(args.out, VariantSizes(args.samples, args.reps), args.seed,
                                            chosen, executor_spec(args), args.block_size, args.quiet,
                                            engine=args.engine, posterior=args.posterior)
            codes = [report(s, f"trustnet variants ({s.out.name})") for s in summaries]
            if table is not None:
                print(f"report: {args.out / 'report.md'}")
            return max(codes)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (ScenarioError, StudyError) as exc:
        print(f"trustnet: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("trustnet: interrupted; re-run the same command to resume", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
