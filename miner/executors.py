"""Where the jobs of a run are mined: in this process, in a pool of local processes, or on a Dask cluster.

Each repository is one task.  A task takes a `pipeline.Job` (a path, picklable
inputs and a detached prior) and returns its Analysis, the new commits and
cache entries inside, or a `Failure`; it never writes the store, so the
process that owns the store (`miner.runs`) saves each result as it arrives, one
transaction per repository, whichever executor mined it.

At most `slots` tasks are out at a time (one per worker process or thread):
a job is prepared only when a worker is free for it, so "started" means
started, a job's prior is held only while it runs, and Ctrl-C loses at most
the tasks in flight.

A worker that dies (killed, out of memory) takes its task with it.  Dask's
scheduler gives the task to another worker until it has killed
`distributed.scheduler.allowed-failures` workers (3 by default; set for the
`LocalCluster` started here); a local pool is rebuilt and its tasks in flight
are sent again, as many times.  Past that the repository fails, and the
others go on.
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
import socket
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, TypeVar

import pygit2

from miner.errors import MinerError
from miner.pipeline import Analysis, Job, fingerprint

ALLOWED_FAILURES = 3  # as Dask's default: deaths of a worker running a task before the task fails


@dataclass(frozen=True)
class Failure:
    """A job that gave no analysis: the one line that says why."""

    name: str
    message: str


Outcome = Analysis | Failure
T = TypeVar("T")


def mine_job(job: Job, verify: bool = False) -> Outcome:
    """The task every executor runs: the job's analysis, or its one-line error (a bug says its type).

    With `verify` (workers on other machines, each with its own mirror), the
    repository at the job's path must be the one the client fingerprinted:
    a mirror fetched earlier or later than the client's would give tables the
    stored fingerprint does not describe.
    """
    try:
        if verify:
            _same_repository(job)
        return job.run()
    except MinerError as error:
        return Failure(job.name, str(error))
    except Exception as error:  # noqa: BLE001 - one repository's bug must not stop the others
        return Failure(job.name, f"{job.name}: internal error: {type(error).__name__}: {error}")


class Serial:
    """Each job mined here, in turn, when the run waits for it: the reference the other executors must equal."""

    slots = 1
    remote = False

    def __init__(self) -> None:
        self._queued: dict[cf.Future, Job] = {}

    def submit(self, job: Job) -> cf.Future:
        future: cf.Future = cf.Future()
        self._queued[future] = job
        return future

    def done(self, futures: Iterable[cf.Future]) -> Iterable[cf.Future]:
        future = next(iter(futures))
        future.set_result(mine_job(self._queued.pop(future)))
        return [future]

    def outcome(self, future: cf.Future, job: Job) -> Outcome | None:
        return future.result()

    def close(self) -> None:
        self._queued.clear()


class Processes:
    """A pool of `workers` local processes (spawned, so nothing of the client's state is shared)."""

    remote = False

    def __init__(self, workers: int | None = None):
        self.slots = workers or os.cpu_count() or 1
        self._pool: cf.ProcessPoolExecutor | None = None
        self._pools: dict[cf.Future, cf.ProcessPoolExecutor] = {}  # the pool each future in flight went to

    def submit(self, job: Job) -> cf.Future:
        try:
            future = self._live().submit(mine_job, job)
        except BrokenProcessPool:  # a worker died, and no outcome has said so yet
            self._discard()
            future = self._live().submit(mine_job, job)
        self._pools[future] = self._pool
        return future

    def _live(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(self.slots, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=_ignore_interrupts)
        return self._pool

    def _discard(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None

    def done(self, futures: Iterable[cf.Future]) -> Iterable[cf.Future]:
        return cf.wait(list(futures), return_when=cf.FIRST_COMPLETED).done

    def outcome(self, future: cf.Future, job: Job) -> Outcome | None:
        """The job's outcome, or None when a worker died: that pool is broken, and the next submit
        builds another."""
        pool = self._pools.pop(future)
        try:
            return future.result()
        except BrokenProcessPool:
            if pool is self._pool:
                self._discard()
            return None

    def close(self) -> None:
        """Stop the workers now, a task in flight or not: its repository is not saved, and is mined again
        by the next run."""
        if self._pool is not None:
            # ProcessPoolExecutor stops no running task (Python 3.14 adds terminate_workers()).
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.terminate()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class Dask:
    """Tasks on a Dask cluster: the scheduler at `address`, or a LocalCluster of `workers` processes.

    The workers must import this miner and open each job's path: a shared
    path, or a mirror at the same path on every machine (see ARCHITECTURE.md).
    """

    def __init__(self, address: str | None = None, workers: int | None = None):
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            raise MinerError("--executor dask needs dask and distributed: pip install 'miner[cluster]'") from None
        self._cluster = None
        if address is None:
            with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
                self._cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                             processes=True, dashboard_address=None)
            address = self._cluster.scheduler_address
        try:
            self.client = Client(address, timeout="30s")
        except (OSError, TimeoutError) as error:
            self.close()
            raise MinerError(f"--scheduler {address}: no Dask scheduler answers ({error})") from None
        self.slots = max(1, sum(self.client.nthreads().values()))

    @property
    def remote(self) -> bool:
        """Whether the workers may run on other machines (a scheduler given), where the store is not theirs."""
        return self._cluster is None

    def submit(self, job: Job) -> Any:
        # pure=False: the same job twice (a second run) is mined again, not answered from the first.
        key = f"mine-{job.name}-{os.urandom(4).hex()}"
        return self.client.submit(mine_job, job, self.remote, pure=False, key=key)

    def done(self, futures: Iterable[Any]) -> Iterable[Any]:
        from distributed import wait

        return wait(list(futures), return_when="FIRST_COMPLETED").done

    def outcome(self, future: Any, job: Job) -> Outcome | None:
        from distributed import KilledWorker

        try:
            return future.result()
        except KilledWorker as error:
            first = str(error).split(". ")[0]  # "Attempted to run task ... on 4 different workers, but all ..."
            return Failure(job.name, f"{job.name}: workers died mining it until the scheduler gave up ({first})")
        except Exception as error:  # noqa: BLE001 - a worker that cannot unpickle, a lost scheduler
            return Failure(job.name, f"{job.name}: the cluster gave no result: {type(error).__name__}: {error}")

    def close(self) -> None:
        if getattr(self, "client", None) is not None:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()


Executor = Serial | Processes | Dask


def executor(name: str, workers: int | None = None, scheduler: str | None = None) -> Executor:
    """The executor `--executor name` names; `--scheduler` only with dask."""
    if scheduler is not None and name != "dask":
        raise MinerError(f"--scheduler is the address of a Dask scheduler: give --executor dask (not {name})")
    if name == "serial":
        if workers is not None:
            raise MinerError("--workers is the size of a pool or a LocalCluster: give --executor processes or dask")
        return Serial()
    if name == "processes":
        return Processes(workers)
    if name == "dask":
        return Dask(scheduler, workers)
    raise MinerError(f"--executor {name}: no such executor (serial, processes or dask)")


def run_jobs(executor: Executor, jobs: Iterator[Job | T], started: Callable[[Job], None]) -> Iterator[Outcome | T]:
    """Each job's outcome, as it completes, with at most `executor.slots` in flight.

    `jobs` is read only when a slot is free (preparing a job costs the client
    a fingerprint, and a job holds its prior); anything else among them (a
    repository the client could not prepare, or found unchanged) is passed
    through.  A job whose worker died is sent again up to ALLOWED_FAILURES times.
    """
    pending: dict[Any, Job] = {}
    deaths: dict[str, int] = {}
    exhausted = False
    while True:
        while not exhausted and len(pending) < executor.slots:
            job = next(jobs, None)
            if job is None:
                exhausted = True
            elif not isinstance(job, Job):
                yield job
            else:
                pending[executor.submit(job)] = job
                started(job)
        if not pending:
            return
        for future in executor.done(pending):
            job = pending.pop(future)
            outcome = executor.outcome(future, job)
            if outcome is None:
                deaths[job.name] = deaths.get(job.name, 0) + 1
                if deaths[job.name] <= ALLOWED_FAILURES:
                    pending[executor.submit(job)] = job
                    continue
                outcome = Failure(job.name, f"{job.name}: {deaths[job.name]} worker processes died mining it, "
                                            "not tried again")
            yield outcome


def _same_repository(job: Job) -> None:
    git = pygit2.Repository(job.path, pygit2.enums.RepositoryOpenFlag.NO_SEARCH)
    if fingerprint(git, job.inputs, job.line) != job.stamp:
        raise MinerError(f"{job.name}: the repository at {job.path} on {socket.gethostname()} is not the one the "
                         "client read (its refs or miner differ): update the mirrors to the same state, or share one")


def _ignore_interrupts() -> None:
    """Ctrl-C reaches the whole process group: the client alone decides, and stops the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
