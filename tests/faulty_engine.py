"""Engines that fail on purpose, to test failure isolation (importable by workers)."""

from experiments.ensemble.blocks import engine as marked
from experiments.ensemble.blocks import mesa_engine


@marked
def engine(scenarios, seeds, steps, pairs_every, record_agents=True):
    """The Mesa engine, except that every run whose seed is divisible by 3 raises."""
    out = []
    for scenario, seed in zip(scenarios, seeds, strict=True):
        if seed % 3 == 0:
            try:
                raise RuntimeError(f"injected failure for seed {seed}")
            except RuntimeError as exc:
                import traceback

                exc.trace = traceback.format_exc()
                out.append(exc)
        else:
            out.extend(mesa_engine([scenario], [seed], steps, pairs_every, record_agents))
    return out


@marked
def crash(scenarios, seeds, steps, pairs_every, record_agents=True):
    """A whole block fails when it contains the first replication seed of root 1."""
    from experiments.ensemble import replication_seeds

    if replication_seeds(1, 1)[0] in seeds:
        raise MemoryError("injected block crash")
    return mesa_engine(scenarios, seeds, steps, pairs_every, record_agents)


def _culprit(seeds) -> int | None:
    """The seed of replication 1 (of 4) under root seed 1: the run that misbehaves."""
    from experiments.ensemble import replication_seeds

    bad = replication_seeds(1, 4)[1]
    return bad if bad in seeds else None


@marked
def die(scenarios, seeds, steps, pairs_every, record_agents=True):
    """The process running the culprit run exits at once, as if killed (no exception, no
    clean-up) -- what a segfault or the kernel's out-of-memory killer does."""
    import os

    if _culprit(seeds) is not None:
        os._exit(70)
    return mesa_engine(scenarios, seeds, steps, pairs_every, record_agents)


@marked
def hang(scenarios, seeds, steps, pairs_every, record_agents=True):
    """The culprit run never finishes (sleeps far longer than any test waits)."""
    import time

    if _culprit(seeds) is not None:
        time.sleep(3600)
    return mesa_engine(scenarios, seeds, steps, pairs_every, record_agents)


def kill_self():
    """A task whose process is killed by a signal while it runs (as the OOM killer does)."""
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


def declare_then_hang():
    """A task that declares one unit of work (a run) and never finishes it."""
    import time

    from experiments.ensemble.supervised import declare_work

    declare_work(1)
    time.sleep(3600)


@marked
def hang_late(scenarios, seeds, steps, pairs_every, record_agents=True):
    """The Mesa engine run by run (each declared, as it does), hanging at the culprit run
    wherever it sits in the block."""
    import time

    from experiments.ensemble.supervised import declare_work

    out = []
    for scenario, seed in zip(scenarios, seeds, strict=True):
        declare_work(1)
        if seed == _culprit([seed]):
            time.sleep(3600)
        out.extend(mesa_engine([scenario], [seed], steps, pairs_every, record_agents))
    return out
