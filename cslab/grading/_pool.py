"""A small pool of worker processes that the parent can kill one at a time, kernels included.

``concurrent.futures`` cannot kill one stuck task without breaking the whole pool, so the
parent keeps one pipe per worker, knows which kernels each worker started, and replaces a
worker it had to kill (time limit, crash, Ctrl-C).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import sys
import time
from multiprocessing.connection import wait

from ._worker import worker_main

__all__ = ["WorkerPool", "available_cpus", "quota_cpus"]


def quota_cpus(quota: str, period: str | None = None) -> int | None:
    """Whole CPUs a cgroup CPU quota allows (``cpu.max`` text, or v1 quota and period); None if unlimited.

    >>> quota_cpus("150000 100000"), quota_cpus("max 100000"), quota_cpus("-1", "100000")
    (2, None, None)
    """
    parts = quota.split()
    if period is None and len(parts) == 2:
        parts, period = parts[:1], parts[1]
    if not parts or parts[0] in ("max", "-1") or period is None:
        return None
    return max(1, math.ceil(int(parts[0]) / int(period)))


def available_cpus() -> int:
    """CPUs this process may use: its CPU affinity and a container's CPU limit, not the host's count.

    In a Kubernetes pod with a 1-CPU limit on a 32-core node, ``os.cpu_count()`` says 32; starting
    32 kernels would run the pod out of memory.

    >>> available_cpus() >= 1
    True
    """
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        count = os.cpu_count() or 1
    for quota_file, period_file in (("/sys/fs/cgroup/cpu.max", None),
                                    ("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "/sys/fs/cgroup/cpu/cpu.cfs_period_us")):
        try:
            with open(quota_file, encoding="ascii") as fh:
                quota = fh.read()
            period = None
            if period_file:
                with open(period_file, encoding="ascii") as fh:
                    period = fh.read().strip()
            limit = quota_cpus(quota, period)
        except (OSError, ValueError):
            continue
        if limit is not None:
            count = min(count, limit)
        break
    return max(1, count)


def _context():
    # fork shares the parent's imports (nbgrader, nbconvert) at no cost; fork is only safe
    # on Linux, elsewhere Python's default (spawn) imports them once per worker.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _is_kernel(pid: int, connection_file: str) -> bool:
    """Whether ``pid`` is still the kernel started with ``connection_file`` (checked where /proc exists)."""
    cmdline = f"/proc/{pid}/cmdline"
    if not os.path.exists("/proc/self/cmdline"):
        return True  # no /proc (macOS): trust the pid
    try:
        with open(cmdline, "rb") as fh:
            return not connection_file or connection_file.encode() in fh.read()
    except OSError:
        return False


class _Worker:
    def __init__(self, ctx, number: int, payload: dict):
        self.number = number
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=worker_main, args=(child, payload), daemon=True,
                                   name=f"cslab-grader-{number}")
        self.process.start()
        child.close()
        self.job = None
        self.started = 0.0
        self.kernels: list[tuple[int, str]] = []

    @property
    def busy(self) -> bool:
        return self.job is not None


class WorkerPool:
    """``size`` worker processes executing notebooks; see :mod:`cslab.grading._worker`."""

    def __init__(self, size: int, payload: dict, max_time: float):
        self._ctx = _context()
        self._payload = payload
        self._max_time = max_time
        self._numbers = iter(range(1, 1_000_000))
        self.workers = [_Worker(self._ctx, next(self._numbers), payload) for _ in range(size)]

    def idle(self) -> list[_Worker]:
        return [w for w in self.workers if not w.busy]

    def busy(self) -> list[_Worker]:
        return [w for w in self.workers if w.busy]

    def submit(self, worker: _Worker, job_id, items: list[dict]) -> None:
        """Hand a job to an idle worker (a worker that has died meanwhile is replaced first)."""
        try:
            worker.conn.send((job_id, items))
        except OSError:  # the worker is gone: replace it and try its successor once
            index = self.workers.index(worker)
            self._replace(worker)
            worker = self.workers[index]
            worker.conn.send((job_id, items))
        worker.job, worker.started, worker.kernels = job_id, time.monotonic(), []

    def poll(self, timeout: float) -> list[tuple]:
        """Events: ``("done", job, results)``, ``("died", job, detail)``, ``("overtime", job, seconds)``."""
        events = []
        busy = self.busy()
        if not busy:
            time.sleep(min(timeout, 0.05))
            return events
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout)
        for worker in busy:
            if worker.conn in ready:
                try:
                    while worker.conn.poll():
                        message = worker.conn.recv()
                        if message[0] == "kernel" and message[1] == worker.job:
                            worker.kernels.append((message[2], message[3]))
                        elif message[0] == "done" and message[1] == worker.job:
                            job, worker.job = worker.job, None
                            self._reap_kernels(worker, kill=False)
                            events.append(("done", job, message[2]))
                            break
                except (EOFError, OSError):
                    pass
            if worker.busy and not worker.process.is_alive():
                job = worker.job
                self._replace(worker)
                events.append(("died", job, f"评分进程意外退出（退出码 {worker.process.exitcode}）"))
            elif worker.busy and time.monotonic() - worker.started > self._max_time:
                job, spent = worker.job, time.monotonic() - worker.started
                self._replace(worker)
                events.append(("overtime", job, spent))
        return events

    def _reap_kernels(self, worker: _Worker, kill: bool) -> None:
        # a worker runs one kernel at a time: only the latest can still be alive
        for pid, connection_file in worker.kernels[-1:]:
            if kill and not _is_kernel(pid, connection_file):
                continue  # gone already (and its pid may belong to someone else by now)
            if kill and hasattr(os, "killpg"):
                try:
                    os.killpg(pid, signal.SIGKILL)  # the kernel leads its own process group
                except (ProcessLookupError, PermissionError):
                    pass
            elif kill:  # pragma: no cover - Windows
                try:
                    os.kill(pid, signal.SIGTERM)
                except OSError:
                    pass
            if kill and connection_file:
                try:
                    os.remove(connection_file)
                except OSError:
                    pass
        worker.kernels = []

    def _kill(self, worker: _Worker) -> None:
        # read late "kernel" messages first, so no kernel is left behind
        try:
            while worker.conn.poll():
                message = worker.conn.recv()
                if message[0] == "kernel":
                    worker.kernels.append((message[2], message[3]))
        except (EOFError, OSError):
            pass
        # the kernel first, while its worker (its parent) still holds its pid: no pid reuse possible
        self._reap_kernels(worker, kill=True)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        worker.job = None

    def _replace(self, worker: _Worker) -> None:
        self._kill(worker)
        index = self.workers.index(worker)
        self.workers[index] = _Worker(self._ctx, next(self._numbers), self._payload)

    def terminate(self) -> None:
        """Stop now: kill every worker and its kernels (Ctrl-C)."""
        for worker in self.workers:
            self._kill(worker)
        self.workers = []

    def close(self) -> None:
        """Stop idle workers politely; kill any that do not stop."""
        for worker in self.workers:
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 5
        for worker in self.workers:
            worker.process.join(max(0.1, deadline - time.monotonic()))
            if worker.process.is_alive():
                self._kill(worker)
            else:
                worker.conn.close()
        self.workers = []
