"""Where blocks run: in-process, local worker processes, or a Dask cluster.

Every option yields a `concurrent.futures.Executor`, so the runner has one code path.
Results are identical whichever is used: a run's numbers depend only on its scenario
and seed.

A command opens `Workers` once and lends them to each study it runs (the contrast
command runs four, the variants command two per variant), so worker processes or a Dask
client are started at most once per command. How many local processes a study gets is
chosen from its work (`choose_workers`): starting a process costs about a second (it
imports numpy, pandas and the model), so a study of a few seconds runs in this process
and more processes are started only when each has seconds of work to do.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from urllib.parse import urlsplit

from experiments.ensemble.supervised import SupervisedPool
from model.process.engines import warm_up

# Calibration constants, measured on the project's 2-core machine with the compiled
# weekly process (issue 24; X: N = 9, synthetic:100-500), the runner's tables included:
# seconds of one core per run and week are about A + B * N^2, and the batched engine adds
# GROUP_SECONDS_PER_WEEK for each group of runs sharing a network structure (its set-up
# and call). They only decide how many processes to start, so rough is enough.
SECONDS_PER_RUN_WEEK = {"batch": (1.0e-5, 6e-9), "mesa": (6.0e-5, 6e-9)}
GROUP_SECONDS_PER_WEEK = 4e-6
SECONDS_PER_WORKER = 2.0  # a process must get at least this much work to repay its ~1 s start
CONTAIN_ABOVE = 30.0  # a study this long runs in worker processes even with --workers 1: a crash
# then costs one block, not the command, for a start-up of ~3% of the time


class SerialExecutor(Executor):
    """Runs each task at submission, in this process."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - delivered through the future
            future.set_exception(exc)
        return future


@dataclass(frozen=True)
class ExecutorSpec:
    """How to execute: at most ``workers`` local processes, or a Dask scheduler / local cluster."""

    workers: int | None = None  # None: up to the cores idle when a study starts
    scheduler: str | None = None  # tcp://host:port of an existing Dask scheduler
    dask_local: int | None = None  # start a distributed.LocalCluster with this many workers
    run_timeout: float | None = None  # seconds after which a run is stopped (local processes only)

    @property
    def dask(self) -> bool:
        return bool(self.scheduler or self.dask_local)

    @property
    def parallelism(self) -> int:
        """The most local processes (or the Dask workers expected)."""
        if self.dask_local:
            return self.dask_local
        if self.scheduler:
            return max(1, os.cpu_count() or 1)
        return self.workers or os.cpu_count() or 1

    def describe(self) -> str:
        if self.scheduler:
            return f"dask scheduler {self.scheduler}"
        if self.dask_local:
            return f"dask LocalCluster with {self.dask_local} workers"
        return f"up to {self.parallelism} local processes, chosen from the work"


def estimate_seconds(runs: int, weeks: int, n: int, engine: str, groups: int = 1) -> float:
    """Single-core seconds for ``runs`` runs of ``weeks`` weeks on ``n`` organisations, in
    ``groups`` different network structures."""
    a, b = SECONDS_PER_RUN_WEEK.get(engine, SECONDS_PER_RUN_WEEK["mesa"])
    per_group = GROUP_SECONDS_PER_WEEK * groups if engine == "batch" else 0.0
    return weeks * (per_group + runs * (a + b * n * n))


def choose_workers(seconds: float, cap: int, isolate: bool = False, running: int = 0) -> int:
    """Local worker processes for ``seconds`` of single-core work (0: run in this process).

    One worker process only adds its start-up to the work, so fewer than two are never
    started for speed -- except for a study longer than ``CONTAIN_ABOVE`` seconds, or when
    ``isolate`` asks for it (a run timeout, a previous attempt that died): only a separate
    process can be stopped, or die without taking the command with it. Processes already
    ``running`` (started for an earlier study of the command) are free.
    """
    k = min(cap, int(seconds // SECONDS_PER_WORKER))
    if running and seconds >= SECONDS_PER_WORKER / 4:
        k = max(k, min(running, cap))
    if isolate or seconds >= CONTAIN_ABOVE:
        return max(k, 1)
    return k if k >= 2 else 0


def idle_cores() -> int:
    """Cores not busy with other work, at least one: on a machine shared with other work,
    more processes than idle cores only take turns."""
    cores = os.cpu_count() or 1
    return max(1, min(cores, int(cores - others_busy() + 0.5)))


def others_busy(sample: float = 0.1) -> float:
    """Cores that other processes keep busy now.

    On Linux the CPU times of ``/proc/stat``, sampled over ``sample`` seconds while this
    process sleeps -- so its own work before it starts its workers (a benchmark, the
    previous sub-study of a command) does not count, as it would in the load average,
    which is the fallback elsewhere.
    """
    cores = os.cpu_count() or 1
    try:
        before = _cpu_times()
        time.sleep(sample)
        after = _cpu_times()
    except (OSError, ValueError):
        try:
            return os.getloadavg()[0]
        except OSError:
            return 0.0
    spent = [b - a for a, b in zip(before, after, strict=True)]
    total = sum(spent[:8])  # user nice system idle iowait irq softirq steal
    idle = spent[3] + spent[4]
    return cores * (1.0 - idle / total) if total > 0 else 0.0


def _cpu_times() -> list[int]:
    with open("/proc/stat", encoding="ascii") as f:
        return [int(v) for v in f.readline().split()[1:]]


def probe_scheduler(address: str, timeout: float = 3.0) -> None:
    """Raise ``ConnectionError`` (one line) unless something listens at ``address``."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if parts.scheme not in ("tcp", "tls") or not host or not port:
        raise ConnectionError(f"--scheduler {address!r}: expected tcp://HOST:PORT")
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        raise ConnectionError(f"--scheduler {address}: no Dask scheduler reachable within {timeout:g} s "
                              f"({exc.strerror or exc})") from None


class Workers:
    """The executors of one command: opened on first need, reused by every study, closed once.

    Use as a context manager around all the studies of a command; `execute` given an
    `ExecutorSpec` instead opens (and closes) its own.
    """

    def __init__(self, spec: ExecutorSpec | None = None):
        self.spec = spec or ExecutorSpec()
        self._pool: SupervisedPool | None = None
        self._client = None
        self._cluster = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def running(self) -> int:
        return self._pool.size if self._pool is not None else 0

    @contextlib.contextmanager
    def lend(self, seconds: float, isolate: bool = False) -> Iterator[tuple[Executor, int, str]]:
        """Yield (executor, workers, description) for a study of ``seconds`` estimated work."""
        if self.spec.dask:
            client = self._dask()
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            yield client.get_executor(pure=False), workers, self.spec.describe()
            return
        isolate = isolate or self.spec.run_timeout is not None  # only a process can be stopped
        cap = self.spec.workers or os.cpu_count() or 1
        if not self.spec.workers and choose_workers(seconds, cap, isolate, self.running):
            cap = max(idle_cores(), self.running)  # default: the cores free now (measured only if it matters)
        k = choose_workers(seconds, cap, isolate, self.running)
        if k == 0:
            yield SerialExecutor(), 1, "in this process"
            return
        if self._pool is None:
            warm_up()  # compile the kernel (or load it) once, so that the workers find it cached
            self._pool = SupervisedPool(k)
        else:
            self._pool.grow(k)
        yield self._pool, k, f"{k} worker process{'es' if k > 1 else ''}"

    def _dask(self):
        if self._client is None:
            from distributed import Client, LocalCluster

            if self.spec.scheduler:
                try:
                    self._client = Client(self.spec.scheduler, timeout="10s")
                except (OSError, TimeoutError) as exc:  # probed before, but it may have gone since
                    raise ConnectionError(f"--scheduler {self.spec.scheduler}: cannot connect ({exc})") from None
            else:
                warm_up()
                self._cluster = LocalCluster(n_workers=self.spec.dask_local, threads_per_worker=1,
                                             processes=True, dashboard_address=None)
                self._client = Client(self._cluster)
        return self._client

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
