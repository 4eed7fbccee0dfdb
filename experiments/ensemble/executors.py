"""Where blocks run: in-process, a local process pool, or a Dask cluster.

Every option yields a `concurrent.futures.Executor`, so the runner has one code path.
Results are identical whichever is used: a run's numbers depend only on its scenario
and seed.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass


class SerialExecutor(Executor):
    """Runs each task at submission, in this process (``--workers 1``)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - delivered through the future
            future.set_exception(exc)
        return future


@dataclass(frozen=True)
class ExecutorSpec:
    """How to execute: ``workers`` local processes, or a Dask scheduler / local cluster."""

    workers: int | None = None  # None: all cores
    scheduler: str | None = None  # tcp://host:port of an existing Dask scheduler
    dask_local: int | None = None  # start a distributed.LocalCluster with this many workers

    @property
    def parallelism(self) -> int:
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
        return "serial" if self.parallelism == 1 else f"process pool with {self.parallelism} workers"


@contextlib.contextmanager
def open_executor(spec: ExecutorSpec) -> Iterator[tuple[Executor, int]]:
    """Yield (executor, number of workers) and shut everything down afterwards."""
    if spec.scheduler or spec.dask_local:
        from distributed import Client, LocalCluster

        if spec.scheduler:
            client = Client(spec.scheduler, timeout="20s")
            cluster = None
        else:
            cluster = LocalCluster(n_workers=spec.dask_local, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
        try:
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            yield client.get_executor(pure=False), workers
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    elif spec.parallelism == 1:
        yield SerialExecutor(), 1
    else:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=spec.parallelism, mp_context=ctx) as pool:
            yield pool, spec.parallelism
