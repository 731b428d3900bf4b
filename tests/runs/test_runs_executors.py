"""The same repositories mined in this process, in a process pool and on a Dask LocalCluster store the same
bytes; a worker killed mid-run costs a retry, not a repository."""
from __future__ import annotations

import os
import signal
import time
from contextlib import closing

import pytest

from miner.executors import Dask, Processes, Serial
from miner.runs import Done, analyze_many
from tests.runs.conftest import stored

distributed = pytest.importorskip("distributed", reason="the cluster extra (pip install 'miner[cluster]')")

pytestmark = pytest.mark.timeout(240)


def run(targets, executor, db, **options) -> list:
    with closing(executor) as pool:
        return list(analyze_many(targets, pool, db=db, **options))


@pytest.fixture(scope="module")
def reference(three, tmp_path_factory):
    """The store a serial run of the three repositories leaves."""
    db = tmp_path_factory.mktemp("serial") / "store.sqlite"
    outcomes = run(three, Serial(), db)
    assert all(isinstance(o, Done) and not o.unchanged for o in outcomes), outcomes
    found = stored(db)
    assert [name for name, *_ in found["analyses"]] == ["agent", "crate", "evolution"]
    assert all(len(found[part]) > 10 for part in ("tables", "commits", "cache"))
    return found


def test_a_process_pool_stores_what_a_serial_run_stores(three, reference, tmp_path):
    outcomes = run(three, Processes(2), tmp_path / "store.sqlite")
    assert sorted(o.analysis.repo for o in outcomes) == ["agent", "crate", "evolution"]
    assert stored(tmp_path / "store.sqlite") == reference


def test_a_dask_local_cluster_stores_what_a_serial_run_stores(three, reference, tmp_path):
    run(three, Dask(workers=2), tmp_path / "store.sqlite")
    assert stored(tmp_path / "store.sqlite") == reference
    again = run(three, Serial(), tmp_path / "store.sqlite")
    assert all(o.unchanged for o in again)  # the fingerprints a cluster stored are the serial run's


def test_a_worker_killed_while_mining_costs_a_retry_and_changes_nothing(three, reference, tmp_path):
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        executor = Dask(cluster.scheduler_address)
        killed = []

        def kill_the_first_busy_worker(event) -> None:
            if event.status != "started" or killed:
                return
            deadline = time.monotonic() + 30
            while not killed and time.monotonic() < deadline:
                busy = {address for address, keys in executor.client.processing().items() if keys}
                for nanny in cluster.workers.values():
                    if nanny.worker_address in busy:
                        os.kill(nanny.process.pid, signal.SIGKILL)
                        killed.append(nanny.worker_address)
                        break
                time.sleep(0.01)

        outcomes = run(three, executor, tmp_path / "store.sqlite", progress=kill_the_first_busy_worker)
    assert killed
    assert all(isinstance(o, Done) for o in outcomes), outcomes
    assert stored(tmp_path / "store.sqlite") == reference


def test_a_pool_worker_killed_while_mining_breaks_the_pool_and_its_tasks_are_sent_again(three, reference, tmp_path):
    executor = Processes(2)
    killed = []

    def kill_a_pool_worker(event) -> None:
        if event.status != "started" or killed:
            return
        deadline = time.monotonic() + 30
        while not killed and time.monotonic() < deadline:
            processes = list(executor._pool._processes.values())  # the pool's own record of its workers
            if processes and processes[0].pid:
                os.kill(processes[0].pid, signal.SIGKILL)
                killed.append(processes[0].pid)
            time.sleep(0.01)

    outcomes = run(three, executor, tmp_path / "store.sqlite", progress=kill_a_pool_worker)
    assert killed
    assert all(isinstance(o, Done) for o in outcomes), outcomes
    assert stored(tmp_path / "store.sqlite") == reference
