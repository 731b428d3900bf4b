"""A store another writer holds is waited for, and named when the wait runs out; a read-only store still
serves the verbs that only read; a missing one is reported, not created."""
import ctypes
import multiprocessing
import os
import sqlite3
import stat
import threading

import pytest

import miner.store.sqlite
from miner.errors import MinerError
from miner.pipeline import analyze
from miner.store.sqlite import Saved, Store
from tests.cli.test_cli_analyze import MINE, assert_one_line_error, mine

# Linux capabilities that let root ignore file modes: dropped so that a test run as root meets them too.
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, PR_CAPBSET_DROP = 1, 2, 24


@pytest.fixture(scope="module")
def analysed(agent_repo, tmp_path_factory):
    folder = tmp_path_factory.mktemp("store")
    analyze(str(agent_repo), db=folder / "s.sqlite")
    return folder / "s.sqlite"


def hold_write_lock(path):
    """A second connection in the middle of a write, as another `mine analyze` saving would be."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE other_writer (x)")
    return other


def grab_lock_before_saving(path, held):
    """A progress callback that takes the store's write lock while the analysis is still mining."""
    def say(message):
        if "attributing" in message:
            held.append(hold_write_lock(path))
    return say


def test_a_lock_held_past_the_busy_timeout_is_a_one_line_error_naming_the_store(agent_repo, tmp_path, monkeypatch):
    db = tmp_path / "s.sqlite"
    monkeypatch.setattr(miner.store.sqlite, "BUSY_TIMEOUT", 0.2)
    held = []
    with pytest.raises(MinerError, match="locked by another program") as error:
        analyze(str(agent_repo), db=db, progress=grab_lock_before_saving(db, held))
    assert str(db) in str(error.value) and held
    held[0].rollback()
    assert Store(db).analyses().empty  # nothing half-saved


def test_the_save_waits_for_another_writer_to_finish(agent_repo, tmp_path):
    db = tmp_path / "s.sqlite"
    held = []

    def say(message):
        if "attributing" in message:
            held.append(hold_write_lock(db))
            threading.Timer(0.5, held[0].execute, ["COMMIT"]).start()

    result = analyze(str(agent_repo), db=db, progress=say)
    assert held and Store(db).fingerprint(result.repo, result.path) == result.inputs != ""


def test_a_store_locked_at_start_is_reported_as_locked(tmp_path, monkeypatch):
    db = tmp_path / "s.sqlite"
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # a new database being written by another program: not even readable
    monkeypatch.setattr(miner.store.sqlite, "BUSY_TIMEOUT", 0.2)
    with pytest.raises(MinerError, match="locked by another program") as error:
        Store(db)
    assert str(db) in str(error.value) and "not a usable" not in str(error.value)
    other.rollback()


def _open_together(path, barrier, errors):
    barrier.wait()
    try:
        with Store(path) as store:
            store.save(Saved("repo", "/the/same/repo", "", {}, {}))
    except Exception as error:
        errors.put(f"{type(error).__name__}: {error}")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the runs are forked children")
def test_runs_starting_together_on_a_new_store_all_open_it(tmp_path):
    context = multiprocessing.get_context("fork")
    errors = context.Queue()
    for round in range(20):
        barrier = context.Barrier(4)
        runs = [context.Process(target=_open_together, args=(tmp_path / f"{round}.sqlite", barrier, errors))
                for _ in range(4)]
        for run in runs:
            run.start()
        for run in runs:
            run.join()
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert found == []
    assert len(Store(tmp_path / "0.sqlite").analyses()) == 1


def test_report_of_a_missing_store_says_so_and_creates_nothing(tmp_path):
    for verb in (["report", "agent"], ["compare"]):
        assert_one_line_error(mine(*verb, "--db", tmp_path / "none.sqlite"), str(tmp_path / "none.sqlite"),
                              "no miner store")
    assert not (tmp_path / "none.sqlite").exists()
    assert not list(tmp_path.iterdir())


def as_unprivileged():
    """preexec_fn for a child that meets file modes even when the tests run as root."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop the capability to ignore file modes")


def mine_unprivileged(*args):
    import subprocess
    return subprocess.run([*MINE, *map(str, args)], capture_output=True, text=True, preexec_fn=as_unprivileged)


@pytest.fixture
def can_drop_privileges():
    probe = mine_unprivileged("--version")
    if probe.returncode != 0:
        pytest.skip(f"cannot run a child that honours file modes: {probe.stderr.strip()}")


@pytest.mark.parametrize("locked", ["file", "folder"])
def test_a_read_only_store_serves_report_and_analyze_says_it_is_read_only(
        analysed, agent_repo, tmp_path, can_drop_privileges, locked):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "s.sqlite"
    db.write_bytes(analysed.read_bytes())
    target = db if locked == "file" else folder
    target.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH | (stat.S_IXUSR if locked == "folder" else 0))
    try:
        report = mine_unprivileged("report", "agent", "--db", db, "--out", tmp_path / "out", "-q")
        assert report.returncode == 0, report.stderr
        assert (tmp_path / "out" / "report.md").exists()
        changed = mine_unprivileged("analyze", agent_repo, "--arc", "2", "--db", db, "--out", tmp_path / "o2")
        assert_one_line_error(changed, str(db), "read-only")
        unchanged = mine_unprivileged("analyze", agent_repo, "--db", db, "--out", tmp_path / "o3")
        if locked == "file":  # nothing to write: the stored analysis is published
            assert unchanged.returncode == 0, unchanged.stderr
        else:  # SQLite cannot make its journal beside the store: said so, not "unable to open database file"
            assert_one_line_error(unchanged, str(db), "read-only")
    finally:
        target.chmod(stat.S_IRWXU)
    assert db.read_bytes() == analysed.read_bytes()


def test_a_store_sqlite_cannot_open_on_a_read_only_mount_is_said_to_be_read_only(tmp_path, monkeypatch):
    """On a read-only bind mount SQLite says only "unable to open database file" (it cannot make the journal)."""
    with Store(tmp_path / "s.sqlite") as store:
        error = sqlite3.OperationalError("unable to open database file")
        error.sqlite_errorname = "SQLITE_CANTOPEN"
        assert "cannot write the store" in str(store._failure(error))
        monkeypatch.setattr(os, "access", lambda path, mode: False)  # what access(2) answers on a read-only mount
        message = str(store._failure(error))
    assert message.startswith(f"{tmp_path / 's.sqlite'}: the store or its folder is read-only")
