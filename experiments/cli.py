"""The `trustnet` command line: parse and validate, then call a study.

Bad input (an unknown scenario, a malformed ``--set``, an out-of-range value, a file
that is not a scenario, an ``--out`` that cannot be a directory or is in use) is
reported as one line on stderr with exit status 2 and no traceback, before anything is
computed or written: every command validates all its input first, then claims its
results directory (`experiments.ensemble.ownership`), then runs.

Options are parsed once, strictly, by `experiments.options` (see docs/robustness.md): a
single-valued option given twice, an abbreviated option, a key given twice in
``--set``/``--variant``, an intervention or its option given twice, a value that carries
another option, a ``--variant`` that is not a theory variant, and a factor that cannot
act in the study it is sampled for are refused. Designs are compared by their parsed
values, not their spelling. Every file is read through `model.inputs.files`; every command
bounds its work (`bound_work`, `experiments.ensemble.budget`) before it builds its
design; everything printed passes through `options.say`, so names from files and paths
cannot carry escape sequences or newlines.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

from experiments.ensemble import ExecutorSpec, RunSummary, Study, StudyError, execute
from experiments.ensemble.budget import DEFAULT_HOURS, Work, WorkError, bound, runs_work, study_work
from experiments.ensemble.executors import Workers, probe_scheduler
from experiments.ensemble.ownership import DirectoryError, claim
from experiments.ensemble.parts import PartError
from experiments.ensemble.results import ResultsError
from experiments.ensemble.runner import preflight
from experiments.ensemble.supervised import TaskTimeoutError, WorkerDiedError
from experiments.options import (
    MAX_STEPS,
    Parser,
    UsageError,
    assignments,
    check_unique,
    fraction,
    given,
    hours,
    listed,
    network_key,
    out_dir,
    port_number,
    positive,
    refuse_inert_factors,
    say,
    seconds,
    seed_number,
    short,
    steps_number,
    switched_on,
    variant_list,
    whole_number,
)
from model.inputs.scenario import VARIANT_KEYS, ScenarioError, load_scenario


def add_execution_options(parser: argparse.ArgumentParser) -> None:
    """--workers / --scheduler / --dask-local, --block-size and --quiet (every study command)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=positive, default=None, metavar="K",
                       help="at most K local processes (default: the idle cores); fewer, or none, when "
                            "the work is small")
    where.add_argument("--scheduler", metavar="tcp://HOST:PORT", default=None,
                       help="run on an existing Dask cluster")
    where.add_argument("--dask-local", type=whole_number(1, 256), default=None, metavar="N",
                       help="start a Dask LocalCluster with N workers")
    parser.add_argument("--block-size", type=positive, default=None, metavar="RUNS",
                        help="runs per block of work (default: sized automatically)")
    parser.add_argument("--run-timeout", type=seconds, default=None, metavar="SECONDS",
                        help="a run not finished this long after it started is stopped and recorded as "
                             "failed, whatever the block size (local worker processes only)")
    parser.add_argument("--max-hours", type=hours, default=DEFAULT_HOURS, metavar="H",
                        help=f"refuse work estimated to take longer than H hours on the cores in use "
                             f"(default {DEFAULT_HOURS:g})")
    parser.add_argument("--engine", default="batch",
                        help="batch (default: whole blocks of runs at once) or mesa (the Mesa model run by run); "
                             "both give the same numbers")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def executor_spec(args: argparse.Namespace) -> ExecutorSpec:
    """The executor options, checked: a scheduler is probed (a few seconds at most) and
    ``--run-timeout`` needs local processes."""
    if args.scheduler:
        try:
            probe_scheduler(args.scheduler)
        except ConnectionError as exc:
            raise UsageError(f"trustnet: error: {exc}") from None
    if args.run_timeout is not None and (args.scheduler or args.dask_local):
        raise UsageError("trustnet: error: --run-timeout works with local worker processes only, "
                         "not with --scheduler or --dask-local")
    return ExecutorSpec(workers=args.workers, scheduler=args.scheduler, dask_local=args.dask_local,
                        run_timeout=args.run_timeout)


def bound_work(args: argparse.Namespace, work: Work, what: str = "") -> None:
    """Refuse (one line, before the design is built) work beyond ``--max-hours``, the
    runs one command may start, or the free disk (`budget.bound`)."""
    spec = ExecutorSpec(workers=args.workers, scheduler=args.scheduler, dask_local=args.dask_local)
    try:
        bound(work, spec.parallelism, args.max_hours, args.out, what)
    except WorkError as exc:
        raise UsageError(f"trustnet {args.command}: error: {exc}") from None


def report(summary: RunSummary, what: str) -> int:
    """Print the outcome; non-zero exit status if any run failed."""
    done = f"{summary.succeeded} runs done" + (f", {summary.skipped} already done" if summary.skipped else "")
    if summary.failed:
        say(f"trustnet: {summary.failed} of {summary.total} runs failed ({done}); tracebacks in "
            f"{summary.out / 'runs.parquet'}; re-run the same command to retry them", error=True)
        return 1
    say(f"{what}: {done} in {summary.out}")
    return 0


def finished(code: int, page: Path | None) -> int:
    """Say where the study's report is (when it was written); pass the exit status on."""
    if page is not None:
        say(f"report: {page}")
    return code


def build_parser() -> argparse.ArgumentParser:
    from model import __version__

    parser = Parser(prog="trustnet", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"trustnet {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    run = sub.add_parser("run", help="replications of one scenario, written to Parquet")
    run.add_argument("scenario", help="x, y, a scenario .toml file, or synthetic:N[:domain=w,...]")
    run.add_argument("--reps", type=positive, default=10, help="replications (default 10)")
    run.add_argument("--steps", type=steps_number, default=None, help=f"weeks, at most {MAX_STEPS} "
                     "(default: scenario horizon)")
    run.add_argument("--seed", type=seed_number, default=20221, help="root seed (default 20221)")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="override a parameter, e.g. --set turnover_rate=0.3 (repeatable)")
    run.add_argument("--variant", action="append", default=[], metavar="T=SIDE",
                     help="theory variant, e.g. --variant T1=literature or update_rule=symmetric")
    run.add_argument("--intervention", action="append", default=[], metavar="NAME[:opt=v,...]",
                     help="apply an intervention, e.g. --intervention evaluations:every=13 (repeatable)")
    run.add_argument("--pairs", type=whole_number(0, MAX_STEPS), default=0, metavar="K",
                     help="also write pairwise trust every K weeks to pairs.parquet")
    run.add_argument("--against", action="append", default=[], metavar="x|y|PATH",
                     help="also run this network with the same seeds and compare in the report (repeatable)")
    run.add_argument("--out", required=True, type=out_dir, help="results directory")
    add_execution_options(run)

    con = sub.add_parser("contrast", help="reproduce the X-Y contrast: pattern scorecard, ablations, "
                                          "decomposition of the gap")
    con.add_argument("--reps", type=positive, default=30, help="replications per design point (default 30)")
    con.add_argument("--sweep-reps", type=positive, default=10, help="replications per sweep step")
    con.add_argument("--decomposition-reps", type=positive, default=10,
                     help="replications per combination of groups (2^7 combinations)")
    con.add_argument("--robust-points", type=whole_number(0, 1_000_000), default=256,
                     help="Latin-hypercube points over the assumption-labelled parameters for the "
                          "robustness shares (default 256; 0: skip)")
    con.add_argument("--robust-reps", type=positive, default=4, help="replications per robustness point")
    con.add_argument("--seed", type=seed_number, default=20221)
    con.add_argument("--out", type=out_dir, required=True)
    add_execution_options(con)

    pol = sub.add_parser("policy", help="the study's recommendations I1-I6 as what-if interventions")
    pol.add_argument("--scenario", action="append", default=[], metavar="x|y|PATH",
                     help="network(s) to test (repeatable; default: x and y)")
    pol.add_argument("--intervention", action="append", default=[], metavar="NAME[:opt=v,...]",
                     help="intervention to test (repeatable; default: all six with default options)")
    pol.add_argument("--combination", action="append", default=[], metavar="NAME+NAME",
                     help="also test interventions together, e.g. social_map+evaluations (repeatable)")
    pol.add_argument("--reps", type=positive, default=None,
                     help="replications per design point (default 30; with --uncertain 10 per draw)")
    pol.add_argument("--uncertain", default=None, metavar="FILE",
                     help="robust analysis over a factor file (TOML, or 'default'), by Latin hypercube")
    pol.add_argument("--samples", type=positive, default=None, metavar="M",
                     help="draws of the uncertain factors (default 100; needs --uncertain)")
    pol.add_argument("--fail-fraction", type=fraction, default=None, metavar="F",
                     help="with --uncertain: an option fails in a draw below F x its mean improvement (default 0.5)")
    pol.add_argument("--steps", type=steps_number, default=None, help=f"weeks, at most {MAX_STEPS} "
                     "(default: scenario horizon)")
    pol.add_argument("--seed", type=seed_number, default=20221)
    pol.add_argument("--out", type=out_dir, required=True)
    add_execution_options(pol)

    app = sub.add_parser("app", help="interactive exploration in the browser (Solara, Mesa's model controller)")
    app.add_argument("--port", type=port_number, default=8765, help="port (default 8765)")
    app.add_argument("--host", default="127.0.0.1",
                     help="interface to listen on (default: localhost only; others need --expose)")
    app.add_argument("--expose", action="store_true",
                     help="allow --host beyond localhost: anyone who reaches it can run the model "
                          "and read the built-in and working-directory scenarios")

    chk = sub.add_parser("check", help="validate a scenario and screen each of its settings for an effect")
    chk.add_argument("scenario", help="x, y or a scenario .toml file")
    chk.add_argument("--reps", type=whole_number(2, 10_000), default=8,
                     help="paired replications per setting (default 8)")
    chk.add_argument("--steps", type=steps_number, default=None, help="weeks (default: scenario horizon)")
    chk.add_argument("--seed", type=seed_number, default=20221)
    chk.add_argument("--out", type=out_dir, default=None, help="also write report.md and screen.csv here")

    sa = sub.add_parser("sa", help="global sensitivity analysis (SALib: Sobol, Morris, PAWN)")
    sa.add_argument("--method", choices=("sobol", "morris", "pawn"), default="sobol")
    sa.add_argument("--factors", default="default", metavar="FILE",
                    help="factor file (TOML); default: the moderators and main uncertain parameters")
    sa.add_argument("--model", default="trustnet", metavar="trustnet|ishigami|sobol-g",
                    help="the trust model, or an analytical test function with known indices")
    sa.add_argument("--scenario", default=None, metavar="x|y|PATH", help="default: the factor file's, else y")
    sa.add_argument("--outputs", default="collaboration,intentional_trust,info_shared,cases_resolved",
                    help="comma-separated model metrics to analyse")
    sa.add_argument("--n", type=positive, default=64,
                    help="Sobol base sample (power of two), Morris trajectories, or PAWN points (default 64)")
    sa.add_argument("--reps", type=positive, default=4, help="replications per design point (default 4)")
    sa.add_argument("--second-order", action="store_true", help="Sobol second-order indices")
    sa.add_argument("--seed", type=seed_number, default=20221)
    sa.add_argument("--out", type=out_dir, required=True)
    add_execution_options(sa)

    var = sub.add_parser("variants", help="theory variants T1-T8 and update rules against the patterns")
    var.add_argument("--samples", type=positive, default=128, help="parameter sample points (default 128)")
    var.add_argument("--reps", type=positive, default=4, help="replications per point (default 4)")
    var.add_argument("--variants", default=None, metavar="T1,T5,...",
                     help="compare only these (with the baseline); default: all")
    var.add_argument("--pair", action="append", default=[], metavar="T1+T3",
                     help="also compare two variants switched on together (repeatable)")
    var.add_argument("--seed", type=seed_number, default=20221)
    var.add_argument("--out", type=out_dir, required=True)
    add_execution_options(var)

    led = sub.add_parser("assumptions", help="the assumption ledger: which assumed numbers decide which answer "
                                             "(Morris screening)")
    led.add_argument("--trajectories", type=whole_number(2, 1000), default=6,
                     help="Morris trajectories (default 6; each is one point more than there are assumptions)")
    led.add_argument("--reps", type=positive, default=2, help="replications per design point (default 2)")
    led.add_argument("--seed", type=seed_number, default=20221)
    led.add_argument("--out", type=out_dir, required=True)
    add_execution_options(led)

    cal = sub.add_parser("calibrate", help="ABC-SMC posterior of the parameters and theory variants given the patterns")
    cal.add_argument("--factors", default="default", metavar="FILE",
                     help="candidate factors (TOML; bounds are uniform priors); default: the assumption-labelled "
                          "parameters")
    cal.add_argument("--screen", type=whole_number(0, 100), default=None, metavar="TRAJECTORIES",
                     help="Morris trajectories per model screening the candidates (0: calibrate every candidate; "
                          f"default {DEFAULT_SCREEN}, 0 with --truth)")
    cal.add_argument("--variants", default=None, metavar="T1,T3,...|all",
                     help="variants competing with the baseline (all: every variant that acts in X or Y)")
    cal.add_argument("--population", type=whole_number(2, 100_000), default=DEFAULT_POPULATION,
                     help=f"particles per model and generation (default {DEFAULT_POPULATION})")
    cal.add_argument("--generations", type=positive, default=DEFAULT_GENERATIONS,
                     help=f"generations incl. the prior's (default {DEFAULT_GENERATIONS})")
    cal.add_argument("--reps", type=positive, default=4, help="replications per particle (default 4)")
    cal.add_argument("--hold-out", default=None, metavar="P6,...",
                     help="patterns left out of the distance and checked on the posterior predictive "
                          "(default P6; at least one)")
    cal.add_argument("--truth", type=Path, default=None, metavar="PARAMS.toml",
                     help="known-answer check: pseudo-observed summaries simulated at these parameters")
    cal.add_argument("--seed", type=seed_number, default=20221, help="the first seed (default 20221)")
    cal.add_argument("--seeds", type=whole_number(1, 10), default=2,
                     help="calibrations run, with seeds SEED, SEED+1, ... (default 2: the second checks the first)")
    cal.add_argument("--out", type=out_dir, required=True)
    add_execution_options(cal)

    for sub_parser in (run, sa, var, pol):
        sub_parser.add_argument("--posterior", type=Path, default=None, metavar="DIR",
                                help="draw parameter sets from a calibration's posterior (trustnet calibrate)")

    return parser


def posterior_points(directory: Path | None, n: int, seed: int) -> tuple[dict, ...]:
    """With ``--posterior``: one design point per run, each its own posterior draw
    (recorded as the run's design point in runs.parquet)."""
    if directory is None:
        return ()
    from experiments.ensemble.posterior import draw_parameters

    return tuple(draw_parameters(directory, n, seed))


def _scenario(name: str, sets: list[str], variants: list[str] = ()):
    """The scenario with ``--set`` and ``--variant`` applied: each key once, and a
    ``--variant`` only for a theory variant (a parameter is set with ``--set``)."""
    scenario = load_scenario(name)
    overrides = assignments(sets, "--set")
    chosen = assignments(variants, "--variant")
    for key in chosen:
        if key not in VARIANT_KEYS:
            raise UsageError(f"trustnet: error: --variant {key[:40]!r}: not a theory variant (choose from "
                             f"{', '.join(VARIANT_KEYS)}; set a parameter with --set)")
    twice = sorted(set(overrides) & set(chosen))
    if twice:
        raise UsageError(f"trustnet: error: {twice[0]!r} given both in --set and --variant")
    overrides.update(chosen)
    return scenario.with_overrides(overrides) if overrides else scenario


def with_interventions(scenario, specs: list[str], taken: set[str] = frozenset()):
    """Apply ``--intervention`` options to a scenario: each intervention once, and no
    parameter also set by ``--set``/``--variant`` (``taken``)."""
    from model.inputs.interventions import parse_intervention

    overrides: dict = {}
    seen: dict[str, str] = {}
    for spec in specs:
        label, more = parse_intervention(spec)
        name = label.partition(":")[0]
        if name in seen:
            raise UsageError(f"trustnet: error: --intervention {name} given twice ({seen[name][:40]!r} and "
                             f"{spec[:40]!r}); give its options once")
        seen[name] = spec
        clash = sorted(set(more) & set(taken))
        if clash:
            raise UsageError(f"trustnet: error: --intervention {spec[:40]!r} sets {clash[0]!r}, as does --set")
        overrides.update(more)
    return scenario.with_overrides(overrides) if overrides else scenario


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def run_app(host: str, port: int, expose: bool = False) -> int:
    """Replace this process with the Solara server, so that stopping `trustnet app` (Ctrl-C,
    SIGTERM, a process manager) stops the server itself -- no orphan left listening."""
    import shutil

    import model

    if host not in LOOPBACK and not expose:
        raise UsageError(f"trustnet app: error: --host {host[:60]} makes the app reachable from other machines; "
                         "add --expose if that is what you want")
    if host not in LOOPBACK:
        say(f"trustnet app: warning: listening on {host}: anyone who can reach this machine on port {port} "
            "can use the app (no login)", error=True)
    page = Path(model.__file__).resolve().parent / "mesa_model" / "app.py"
    solara = shutil.which("solara") or str(Path(sys.executable).with_name("solara"))
    say(f"trustnet app: http://{host}:{port}/ (Ctrl-C to stop)")
    sys.stdout.flush()
    os.execv(solara, [solara, "run", str(page), "--host", host, "--port", str(port), "--production", "--no-open"])
    return 1  # not reached


def prepare_run(args):
    scenario = _scenario(args.scenario, args.set, args.variant)
    taken = {*assignments(args.set, "--set"), *assignments(args.variant, "--variant")}
    scenario = with_interventions(scenario, args.intervention, taken)
    against = {name: load_scenario(name) for name in args.against}  # one line on a bad name or file
    check_unique("--against", args.against, lambda n: network_key(against[n]))  # itself: a zero comparison
    # one run must fit in memory; then the work of all of them is bounded, before the design is built
    preflight(Study(scenario=scenario, reps=1, steps=args.steps, pairs_every=args.pairs), args.engine)
    bound_work(args, runs_work(args.reps * (1 + len(against)), args.steps or scenario.horizon, scenario.n,
                               args.engine, True, args.pairs), f"--reps {args.reps}")
    points = posterior_points(args.posterior, args.reps, args.seed)
    study = Study(scenario=scenario, reps=1 if points else args.reps, seed=args.seed, steps=args.steps,
                  pairs_every=args.pairs, kind="run", points=points or ({},), crn=not points,
                  extra={"posterior": str(args.posterior)} if points else {})
    preflight(study, args.engine)

    def job(workers):
        from experiments.studies.run import write_run_report

        summary = execute(study, args.out, workers, engine=args.engine, block_size=args.block_size,
                          quiet=args.quiet)
        page = write_run_report(args.out, study, args.against) if summary.ok else None
        return finished(report(summary, f"trustnet run {scenario.name}"), page)
    return job


def prepare_contrast(args):
    from dataclasses import replace

    from experiments.studies.contrast import Sizes, run_contrast
    from experiments.studies.contrast.design import robust_studies, studies

    sizes = Sizes(reps=args.reps, sweep_reps=args.sweep_reps, decomposition_reps=args.decomposition_reps,
                  robust_points=args.robust_points, robust_reps=args.robust_reps)
    # the work from the sizes, before the robustness design of robust_points points is built
    work = sum((study_work(s, args.engine) for s in studies(sizes, args.seed).values()), Work())
    if sizes.robust_points:
        one = robust_studies(replace(sizes, robust_points=1), args.seed).values()
        work = work + sum((study_work(s, args.engine) for s in one), Work()) * sizes.robust_points
    bound_work(args, work, f"--robust-points {sizes.robust_points}")
    for study in [*studies(sizes, args.seed).values(), *robust_studies(sizes, args.seed).values()]:
        preflight(study, args.engine)

    def job(workers):
        summaries, result = run_contrast(args.out, sizes, args.seed, workers, args.block_size, args.quiet,
                                         engine=args.engine)
        codes = [report(s, f"trustnet contrast ({s.out.name})") for s in summaries]
        if result:
            card = result["scorecard"]
            say(f"{sum(r.passed for r in card)} of {len(card)} patterns reproduced: "
                + ", ".join(f"{r.id} {'ok' if r.passed else 'FAILED'}" for r in card))
        return finished(max(codes), args.out / "report.md" if result else None)
    return job


def prepare_assumptions(args):
    from experiments.studies.assumptions import LedgerSizes, run_assumptions
    from experiments.studies.assumptions.study import studies

    sizes = LedgerSizes(trajectories=args.trajectories, reps=args.reps)
    ledger = studies(sizes, args.seed)[2].values()
    bound_work(args, sum((study_work(s, args.engine) for s in ledger), Work()),
               f"--trajectories {args.trajectories} x --reps {args.reps}")
    for study in ledger:
        preflight(study, args.engine)

    def job(workers):
        summaries, ledger = run_assumptions(args.out, sizes, args.seed, workers, args.block_size, args.quiet,
                                            engine=args.engine)
        codes = [report(s, f"trustnet assumptions ({s.out.name})") for s in summaries]
        return finished(max(codes), args.out / "report.md" if ledger is not None else None)
    return job


def _policy_design(args, scenarios: list[str]):
    """The policy design, checked: each scenario, intervention and combination once by
    what it means (the parsed network or overrides), no two outputs named alike, and no
    two design points alike."""
    from experiments.studies.policy.design import design
    from model.inputs.interventions import INTERVENTIONS, parse_intervention

    for name in scenarios:
        if "|" in name:  # design-point labels are scenario|intervention
            raise UsageError(f"trustnet: error: --scenario {name[:60]!r}: a path must not contain '|'")
    loaded = {name: load_scenario(name) for name in scenarios}  # fails early with one line on a bad name or file
    check_unique("--scenario", scenarios, lambda n: network_key(loaded[n]))
    check_unique("--scenario", scenarios, lambda n: n.lower() if n.lower() in ("x", "y") else n)
    stems = Counter(Path(n).stem for n in scenarios)  # figures are named forest_<stem>.png
    same = [n for n in scenarios if stems[Path(n).stem] > 1]
    if same:
        raise UsageError(f"trustnet: error: --scenario {short(same[0])} and {short(same[1])} would share the "
                         f"file names of their outputs ({Path(same[0]).stem[:40]}); rename one")
    interventions = args.intervention or list(INTERVENTIONS)
    check_unique("--intervention", interventions, lambda i: frozenset(parse_intervention(i)[1].items()))
    names = Counter(parse_intervention(i)[0].partition(":")[0] for i in interventions)
    twice = [n for n, k in names.items() if k > 1]
    if twice and len(interventions) > 1:
        raise UsageError(f"trustnet: error: --intervention {twice[0]} is given with two sets of options; "
                         "'all together' can hold only one: compare them in separate commands")
    combinations = [c.split("+") for c in args.combination]
    for items in combinations:
        ids = [parse_intervention(i)[0].partition(":")[0] for i in items]
        if len(set(ids)) < len(ids):
            raise UsageError(f"trustnet: error: --combination {'+'.join(items)[:60]!r}: an intervention appears "
                             "twice in it")

    def merged(items):
        out = {}
        for i in items:
            out.update(parse_intervention(i)[1])
        return frozenset(out.items())
    check_unique("--combination", args.combination, lambda c: merged(c.split("+")))
    points = design(scenarios, interventions, combinations)
    labels = Counter(p["label"] for p in points)  # e.g. a one-item --combination repeats an --intervention
    twice = sorted(label for label, k in labels.items() if k > 1)
    if twice:
        raise UsageError(f"trustnet: error: design point '{twice[0][:60]}' would be run twice; "
                         "drop the repeated --intervention or --combination")
    meaning: dict = {}
    for p in points:  # e.g. --combination of all the interventions repeats "all"
        key = (p["scenario"], frozenset((k, v) for k, v in p.items() if k not in ("label", "scenario")))
        if key in meaning:
            raise UsageError(f"trustnet: error: design points '{meaning[key][:60]}' and '{p['label'][:60]}' are "
                             "the same design; drop one --intervention or --combination")
        meaning[key] = p["label"]
    return loaded, interventions, combinations, points


def prepare_policy(args):
    from experiments.studies.policy import run_policy

    scenarios = args.scenario or ["x", "y"]
    draws, source, factors = None, "", None
    samples = args.samples or 100
    if args.posterior is not None:
        if args.uncertain is not None:
            raise UsageError("trustnet policy: error: --posterior and --uncertain exclude each other")
        source = f"weighted draws of the calibrated posterior in {args.posterior}"
    elif args.uncertain is None:
        if args.samples is not None or args.fail_fraction is not None:
            raise UsageError("trustnet policy: error: --samples and --fail-fraction need --uncertain FILE")
    else:
        from experiments.studies.policy.robust_design import load_uncertain

        factors, file_scenario = load_uncertain(args.uncertain)
        if not args.scenario and file_scenario:
            scenarios = [file_scenario]
        source = f"Latin hypercube over {args.uncertain}"
    loaded, interventions, combinations, points = _policy_design(args, scenarios)
    robust = args.posterior is not None or args.uncertain is not None
    reps = args.reps or (10 if robust else 30)
    largest = max(loaded.values(), key=lambda sc: sc.n)
    weeks = args.steps or max(sc.horizon for sc in loaded.values())
    bound_work(args, runs_work(len(points) * reps * (samples if robust else 1), weeks, largest.n, args.engine,
                               False, 0, len(loaded)), f"{len(points)} design points x --reps {reps}"
               + (f" x --samples {samples}" if robust else ""))
    if factors is not None:
        on = set().union(*(switched_on(loaded[p["scenario"]], p) for p in points))
        if str(args.uncertain) != "default":  # the default file draws every effect size, so that a world is
            refuse_inert_factors(factors, scenarios, on, str(args.uncertain))  # the same whatever is tested
        from experiments.studies.policy.robust_design import lhs_draws

        draws = lhs_draws(factors, samples, args.seed)
    elif args.posterior is not None:
        draws = list(posterior_points(args.posterior, samples, args.seed))
    preflight(Study(scenario=loaded[scenarios[0]], points=tuple(points), reps=1, seed=args.seed,
                    steps=args.steps, record_agents=False, kind="policy"), args.engine)

    def job(workers):
        if draws is None:
            summary, table = run_policy(args.out, scenarios, args.intervention or None, combinations,
                                        reps, args.seed, workers, args.block_size, args.quiet,
                                        engine=args.engine, steps=args.steps)
        else:
            from experiments.studies.policy.discovery import FAIL_FRACTION
            from experiments.studies.policy.robust_study import run_robust

            summary, table = run_robust(args.out, scenarios, draws, args.intervention or None, combinations,
                                        reps, args.seed, workers, args.block_size, args.quiet,
                                        engine=args.engine, steps=args.steps,
                                        source=source,
                                        fraction=FAIL_FRACTION if args.fail_fraction is None else args.fail_fraction)
        return finished(report(summary, "trustnet policy"), args.out / "report.md" if table is not None else None)
    return job


SA_ROWS = {"sobol": lambda n, k, second: n * (2 * k + 2 if second else k + 2),
           "morris": lambda n, k, second: n * (k + 1), "pawn": lambda n, k, second: n}


def prepare_sa(args):
    from experiments.studies.sensitivity import function_factors, load_factors, run_sa
    from experiments.studies.sensitivity.design import check_size
    from model.process.metrics import MODEL_METRICS

    if args.model == "trustnet":
        factors, file_scenario = load_factors(args.factors)
        scenario = args.scenario or file_scenario or "y"
        base_scenario = load_scenario(scenario)
        outputs = listed(args.outputs, "--outputs")
        bad = [o for o in outputs if o not in MODEL_METRICS]
        if bad or not outputs:
            raise UsageError(f"trustnet sa: error: --outputs: unknown metric '{(bad or [''])[0][:40]}' "
                             f"(choose from {', '.join(MODEL_METRICS)})")
        preflight(None, args.engine)
    else:
        ignored = [o for o, d in (("--scenario", "scenario"), ("--factors", "factors"), ("--outputs", "outputs"),
                                  ("--posterior", "posterior"), ("--engine", "engine")) if given(args, d)]
        if ignored:
            raise UsageError(f"trustnet sa: error: {ignored[0]} does not apply to --model {args.model[:40]} (an "
                             "analytical test function with inputs and an output of its own)")
        factors, scenario, outputs, base_scenario = function_factors(args.model), "", ["y"], None
    check_size(args.method, args.n)
    rows = SA_ROWS[args.method](args.n, len(factors), args.second_order)
    if base_scenario is not None:
        work = runs_work(rows * args.reps, base_scenario.horizon, base_scenario.n, args.engine, False)
    else:
        work = Work(rows * args.reps)
    bound_work(args, work, f"{rows:,} sample points x --reps {args.reps}")
    base = None
    if args.posterior:
        from experiments.ensemble.posterior import posterior_mean

        base = posterior_mean(args.posterior)
    if base_scenario is not None:
        refuse_inert_factors(factors, [base_scenario.name], switched_on(base_scenario, base),
                       "--factors " + str(args.factors))

    def job(workers):
        summary, indices = run_sa(args.out, args.method, factors, scenario, outputs, args.n, args.reps,
                                  args.second_order, args.seed, args.model, workers, args.block_size, args.quiet,
                                  engine=args.engine, base=base)
        return finished(report(summary, "trustnet sa"), args.out / "report.md" if indices is not None else None)
    return job


def prepare_variants(args):
    from experiments.studies.variants import VariantSizes, default_variants, run_variants
    from experiments.studies.variants.design import parameter_sample, points

    chosen = default_variants()
    if args.variants is not None:
        parsed = variant_list(listed(args.variants, "--variants"), "--variants")
        if not parsed:
            raise UsageError("trustnet variants: error: --variants names no variant to compare with the baseline")
        keep = {"baseline", *(name for name, _ in parsed)}
        chosen = {k: v for k, v in chosen.items() if k in keep}
        chosen.update({k: v for k, v in parsed if k not in chosen})
    posterior_points(args.posterior, 1, args.seed)  # a bad --posterior is one line before anything runs
    for name, overrides in variant_list(args.pair, "--pair"):
        if any(frozenset(overrides.items()) == frozenset(v.items()) for v in chosen.values()):
            raise UsageError(f"trustnet: error: --pair {name[:60]!r} is already compared")
        chosen[name] = overrides
    preflight(None, args.engine)
    one = parameter_sample(1, args.seed)
    per_sample = len(points(one, {}, "main")) + len(points(one, {}, "probes"))
    x = load_scenario("x")
    bound_work(args, runs_work(args.samples * len(chosen) * per_sample * args.reps, x.horizon, x.n, args.engine,
                               True, 4), f"--samples {args.samples} x {len(chosen)} variants x --reps {args.reps}")

    def job(workers):
        summaries, table = run_variants(args.out, VariantSizes(args.samples, args.reps), args.seed, chosen, workers,
                                        args.block_size, args.quiet, engine=args.engine, posterior=args.posterior)
        codes = [report(s, f"trustnet variants ({s.out.name})") for s in summaries]
        return finished(max(codes), args.out / "report.md" if table is not None else None)
    return job


DEFAULT_POPULATION = 100  # particles per model and generation
DEFAULT_GENERATIONS = 7
DEFAULT_SCREEN = 4  # Morris trajectories per model


def prepare_calibrate(args):
    import logging

    from experiments.studies import calibration as cal
    from experiments.studies.calibration.screen import screening_runs
    from experiments.studies.calibration.simulate import particle_points
    from experiments.studies.calibration.study import runs_per_particle

    if args.engine != "batch" or args.block_size:
        raise UsageError("trustnet calibrate: error: --engine and --block-size do not apply (a particle is one "
                         "block of the batched engine)")
    factors = cal.calibration_factors(args.factors)
    x = load_scenario("x")
    refuse_inert_factors(factors, ["x", "y"], switched_on(x), "--factors " + str(args.factors))
    if args.variants and args.variants.strip().lower() != "all":
        variant_list(listed(args.variants, "--variants"), "--variants")
    models = cal.competing_models(args.variants)
    truth = cal.load_truth(args.truth, models) if args.truth else None
    if truth is not None and args.screen:
        raise UsageError("trustnet calibrate: error: --screen reads the patterns; with --truth give the factors to "
                         "calibrate (e.g. a calibration's DIR/factors.toml) and no screening")
    if args.screen == 1:
        raise UsageError("trustnet calibrate: error: --screen: at least 2 Morris trajectories (or 0, no screening): "
                         "one gives no spread of the elementary effects")
    screen = 0 if truth is not None else (DEFAULT_SCREEN if args.screen is None else args.screen)
    text = ",".join(listed(args.hold_out, "--hold-out", upper=True)) if args.hold_out is not None else (
        "" if truth is not None else cal.DEFAULT_HOLD_OUT)
    hold_out = cal.held_out_patterns(text, required=truth is None)
    spec = cal.Calibration(tuple(factors), models, args.population, args.reps, hold_out, args.seed, truth,
                           n_seeds=args.seeds, screen=screen)
    points = particle_points({}, () if truth else spec.patterns)
    per_particle = sum(len(points[g]) for g in (("main",) if truth else ("main", "probes"))) * args.reps
    draws = len(models) * min(args.population, 100) * (1 if truth or not screen else 2)
    # at least this many runs: every generation needs a population of accepted particles
    runs = (screening_runs(spec) * per_particle + args.seeds * args.generations * spec.total_population * per_particle
            + draws * runs_per_particle(spec))
    bound_work(args, runs_work(runs, x.horizon, x.n, "batch", tables=False),
               f"at least {args.seeds} seeds x --generations {args.generations} x {spec.total_population} particles "
               f"x {per_particle} runs, the screening and the predictive draws")

    def job(workers):
        logging.getLogger("ABC").setLevel(logging.WARNING if args.quiet else logging.INFO)
        # in many dimensions the unnormalised importance weights are tiny numbers; pyabc warns, then normalises
        logging.getLogger("ABC.Population").setLevel(logging.ERROR)
        result = cal.run_calibration(args.out, spec, args.generations, workers)
        say(f"trustnet calibrate: {result.stopped}; report: {args.out / 'report.md'}")
        return 0
    return job


PREPARE = {"run": prepare_run, "contrast": prepare_contrast, "policy": prepare_policy, "sa": prepare_sa,
           "variants": prepare_variants, "calibrate": prepare_calibrate, "assumptions": prepare_assumptions}


class Terminated(BaseException):
    """SIGTERM, turned into an exception so that clean-up runs: worker processes are
    stopped and the attempt is recorded as interrupted (the default action would leave
    the workers finishing their blocks for nobody)."""


def _terminate(signum, frame):
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return _main(argv)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return _main(argv)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _main(argv: list[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "app":
            return run_app(args.host, args.port, args.expose)
        if args.command == "check":
            from experiments.studies.check import run_check

            text, page = run_check(args.scenario, args.reps, args.steps, args.seed, args.out)
            print(text, end="")
            return finished(0, page)
        job = PREPARE[args.command](args)  # validates every input; computes and writes nothing
        spec = executor_spec(args)
        with claim(args.out, args.command), Workers(spec) as workers:
            return job(workers)
    except UsageError as exc:
        say(str(exc), error=True)
        return 2
    except (ScenarioError, StudyError, DirectoryError, ConnectionError, PartError, ResultsError) as exc:
        say(f"trustnet: error: {exc}", error=True)
        return 2
    except (WorkerDiedError, TaskTimeoutError) as exc:  # outside the runner (a calibration's particle)
        say(f"trustnet: error: {exc}; the command stopped; re-run it to resume", error=True)
        return 1
    except OSError as exc:  # a full disk, a file-size limit, a permission taken away while running
        where = f"{exc.filename}: " if exc.filename else ""
        say(f"trustnet: error: {where}{exc.strerror or exc}; nothing half-written is kept; free space or fix "
            "the cause and re-run the same command to resume", error=True)
        return 1
    except KeyboardInterrupt:
        say("trustnet: interrupted; re-run the same command to resume", error=True)
        return 130
    except Terminated:
        say("trustnet: terminated; re-run the same command to resume", error=True)
        return 143


if __name__ == "__main__":
    sys.exit(main())
