"""A local process pool that watches each worker, so that one crash costs one task.

`concurrent.futures.ProcessPoolExecutor` breaks as a whole when any worker dies (killed
for memory, a segfault, ``os._exit``): every unfinished task fails with
``BrokenProcessPool``, and nothing says which task killed it. It cannot stop a task
that hangs either. Here each worker process runs one task at a time over its own pipe,
and a supervisor thread knows which task is on which process:

* a worker that exits without answering fails *its* task with `WorkerDiedError` (exit code
  and signal named); the other workers go on, and a fresh process takes its place;
* a task given a ``timeout`` that has not answered in time has its process killed and
  fails with `TaskTimeoutError`. The timeout is seconds per *unit* of work: a task of
  ``units`` units is allowed ``timeout x units`` from the moment the worker has it in
  hand (its modules imported, so a slow process start is not counted), and a task that
  declares, as it goes, that it starts ``k`` more units (`declare_work`) is allowed
  ``timeout x k`` from then on -- so a block of runs that reports each run or group of
  runs is stopped ``timeout`` seconds per run after the run that hangs started,
  however large the block. Waits are cut into slices of at most `MAX_WAIT` seconds, so
  no timeout is too large for the operating system's ``poll``.

Results do not depend on the pool: a task is a pure function of its arguments.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
import time
import traceback
from collections import deque
from concurrent.futures import Executor, Future
from multiprocessing.connection import wait as wait_ready

MAX_WAIT = 3600.0  # seconds one wait may last (poll's limit is about 24.8 days)
# Worker processes are forked from a server process that has imported these once (the
# runner, the model and its compiled kernel: ~2 s of imports): a fresh "spawn" process
# would import them all again, for every worker of every pool. The server starts with
# the first pool of a process and holds no threads, so forking it is safe.
PRELOAD = ["experiments.ensemble.blocks"]
_REPORT = None  # in a worker process: the pipe to the supervisor (declare_work's channel)


def declare_work(units: float) -> None:
    """Tell the supervisor that this task now starts ``units`` units of work (its clock
    restarts with that allowance). A no-op outside a supervised worker (in-process,
    Dask)."""
    if _REPORT is not None:
        with contextlib.suppress(OSError):
            _REPORT.send(("started", float(units)))


class WorkerDiedError(RuntimeError):
    """The process running a task exited without returning a result."""


class TaskTimeoutError(TimeoutError):
    """A task did not finish within its timeout; its process was killed."""


def _serve(conn) -> None:
    """A worker process: run tasks from the pipe until told to stop (or the parent is gone)."""
    global _REPORT
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _REPORT = conn
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        fn, args = message  # unpickled: the task's modules are imported
        try:
            conn.send(("started", None))
            reply = ("ok", fn(*args))
        except OSError:
            return
        except BaseException as exc:  # noqa: BLE001 - delivered through the future
            reply = ("error", exc)
        try:
            conn.send(reply)
        except OSError:  # the parent is gone
            return
        except Exception:  # noqa: BLE001 - e.g. an exception that cannot be pickled
            try:
                conn.send(("error", RuntimeError("task failed; its error could not be sent:\n"
                                                 + traceback.format_exc())))
            except OSError:
                return


class _Worker:
    def __init__(self, ctx):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.job: list | None = None  # [future, seconds per unit, units, deadline] of the task it runs

    def stop(self, kill: bool = False) -> None:
        if kill and self.process.is_alive():
            self.process.kill()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def describe_exit(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class SupervisedPool(Executor):
    """Up to ``workers`` processes (started on first need, ``grow`` adds more)."""

    def __init__(self, workers: int):
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(PRELOAD)
        self._size = workers
        self._workers: list[_Worker] = []
        self._queue: deque = deque()
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = self._ctx.Pipe(duplex=False)
        self._closed = False
        self._thread = threading.Thread(target=self._supervise, name="supervised-pool", daemon=True)
        self._thread.start()

    @property
    def size(self) -> int:
        return self._size

    def grow(self, workers: int) -> None:
        with self._lock:
            self._size = max(self._size, workers)
        self._wake()

    def submit(self, fn, /, *args, timeout: float | None = None, units: float = 1.0) -> Future:
        """Queue ``fn(*args)``; with ``timeout``, it may take ``timeout`` seconds per unit of
        work, ``units`` of them unless it declares more as it goes (`declare_work`)."""
        future: Future = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("pool is shut down")
            self._queue.append((future, fn, args, (timeout, units)))
        self._wake()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            for future, *_ in self._queue:
                future.cancel()
            self._queue.clear()
        self._wake()
        self._thread.join()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_w.send(b"")

    def _assign(self) -> None:
        with self._lock:
            while self._queue:
                for gone in [w for w in self._workers if w.job is None and not w.process.is_alive()]:
                    self._drop(gone)  # died while idle (e.g. killed from outside)
                idle = [w for w in self._workers if w.job is None]
                if not idle and len(self._workers) >= self._size:
                    return
                future, fn, args, timeout = self._queue.popleft()
                if future.set_running_or_notify_cancel():
                    self._send(idle[0] if idle else self._spawn(), future, fn, args, timeout)

    def _spawn(self) -> _Worker:
        worker = _Worker(self._ctx)
        self._workers.append(worker)
        return worker

    def _drop(self, worker: _Worker) -> None:
        self._workers.remove(worker)
        worker.conn.close()
        worker.process.join(timeout=5)

    def _send(self, worker: _Worker, future: Future, fn, args, timeout) -> None:
        """Hand the task over; a worker found dead before taking it is replaced once (the
        task never ran, so it is not to blame)."""
        for attempt in range(2):
            worker.job = [future, *timeout, float("inf")]  # the clock starts when the worker has it
            try:
                worker.conn.send((fn, args))
                return
            except OSError:
                self._drop(worker)
                if attempt == 0:
                    worker = self._spawn()
            except Exception as exc:  # noqa: BLE001 - e.g. arguments that cannot be pickled
                worker.job = None
                future.set_exception(exc)
                return
        future.set_exception(WorkerDiedError(f"worker process {worker.process.pid} died "
                                             f"({describe_exit(worker.process.exitcode)}) before taking this task"))

    def _supervise(self) -> None:
        try:
            self._watch()
        except BaseException as exc:  # noqa: BLE001 - e.g. no process can start: fail the tasks, not hang
            with self._lock:
                self._closed = True
                jobs = [f for f, *_ in self._queue] + [w.job[0] for w in self._workers if w.job is not None]
                self._queue.clear()
            for future in jobs:
                if not future.done():
                    future.set_exception(RuntimeError(f"worker pool failed: {exc!r}"))
            for worker in self._workers:
                worker.stop(kill=True)

    def _watch(self) -> None:
        while True:
            if self._closed:
                break
            self._assign()
            busy = [w for w in self._workers if w.job is not None]
            deadline = min((w.job[3] for w in busy), default=float("inf"))
            timeout = min(MAX_WAIT, max(0.0, deadline - time.monotonic()))  # also when nothing is due
            ready = wait_ready([self._wake_r, *(w.conn for w in busy), *(w.process.sentinel for w in busy)],
                               timeout=timeout)
            if self._wake_r in ready:
                while self._wake_r.poll():
                    self._wake_r.recv_bytes()
            for worker in busy:
                self._check(worker)
        for worker in self._workers:
            if worker.job is not None:  # running: cannot be cancelled, only failed
                worker.job[0].set_exception(RuntimeError("pool shut down while the task ran"))
            worker.stop(kill=worker.job is not None)
        self._workers.clear()

    def _check(self, worker: _Worker) -> None:
        """Deliver a finished task; replace a worker that died or overran its deadline."""
        future, timeout, units, deadline = worker.job
        while worker.conn.poll():
            try:
                kind, value = worker.conn.recv()
            except (EOFError, OSError):
                break
            if kind == "started":  # the task in hand (value None), or k more units of it declared
                allowed = (timeout * (units if value is None else value)) if timeout else float("inf")
                deadline = worker.job[3] = time.monotonic() + allowed
                continue
            worker.job = None
            future.set_result(value) if kind == "ok" else future.set_exception(value)
            return
        if not worker.process.is_alive():
            worker.process.join()
            error: BaseException = WorkerDiedError(f"worker process {worker.process.pid} died "
                                              f"({describe_exit(worker.process.exitcode)}) while running this task")
        elif time.monotonic() >= deadline:
            worker.process.kill()
            worker.process.join()
            error = TaskTimeoutError(f"no result within the time allowed; worker process {worker.process.pid} stopped")
        else:
            return
        worker.job = None
        with self._lock:
            self._workers.remove(worker)
        worker.conn.close()
        future.set_exception(error)
