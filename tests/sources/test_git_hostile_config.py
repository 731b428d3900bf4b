"""A mined repository's own git config runs nothing and changes nothing (miner.sources.gitprocess).

Each setting of `fixtures.hostile_config.HOSTILE` is written into a copy of one
project whose `evil.sh` leaves a marker file when run; miner is run from the
work tree (where git would resolve `./evil.sh`) and must leave no marker and
produce exactly the tables of the clean project.
"""
from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from fixtures.hostile_config import HOSTILE, arm, build_project
from miner._sample.builder import RepoBuilder
from miner.errors import MinerError
from miner.pipeline import analyze
from miner.sources import gitprocess
from miner.sources.clone import clone_or_update, parse_source

MINE = [sys.executable, "-c", "from miner.cli import main; main()"]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The clean project's work tree (read-only: copy it before arming it)."""
    path = tmp_path_factory.mktemp("clean") / "proj"
    build_project(path)
    return path


@pytest.fixture(scope="module")
def clean(project, tmp_path_factory) -> dict:
    """The clean project's tables, analysed in-process."""
    return analyze(str(project), db=tmp_path_factory.mktemp("clean-store") / "s.sqlite").tables


@pytest.fixture(scope="module")
def clean_outputs(project, tmp_path_factory) -> dict[str, bytes]:
    """Every file `mine analyze` writes for the clean project."""
    where = tmp_path_factory.mktemp("clean-outputs")
    return outputs(mine_analyze(project, where))


def armed(project: Path, tmp_path: Path, names: list[str], include: bool = False) -> Path:
    worktree = tmp_path / "proj"
    shutil.copytree(project, worktree, symlinks=True)
    arm(worktree, tmp_path / "marker", names, include)
    return worktree


def ran(tmp_path: Path) -> list[str]:
    """What `evil.sh` and the hooks were run with, one line per run."""
    marker = tmp_path / "marker" / "ran"
    return marker.read_text().splitlines() if marker.exists() else []


def assert_same_tables(tables: dict, expected: dict) -> None:
    assert tables.keys() == expected.keys()
    differ = [name for name in tables if not tables[name].equals(expected[name])]
    assert not differ, f"tables that differ from the clean project's: {differ}"


def mine_analyze(worktree: Path, where: Path) -> Path:
    """`mine analyze .` run from `worktree`, writing everything under `where`; returns `where`."""
    done = subprocess.run([*MINE, "analyze", ".", "--db", where / "s.sqlite", "--out", where / "out",
                           "--graphs", where / "graphs", "-q"], cwd=worktree, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return where


def outputs(where: Path) -> dict[str, bytes]:
    """Report, tables and graphs written under `where`, by path (the stamp, naming absolute paths, left out)."""
    return {str(path.relative_to(where)): path.read_bytes() for folder in ("out", "graphs")
            for path in sorted((where / folder).rglob("*")) if path.is_file() and not path.name.startswith(".")}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_setting_neither_runs_a_program_nor_changes_the_tables(name, project, clean, tmp_path,
                                                                          monkeypatch):
    worktree = armed(project, tmp_path, [name])
    monkeypatch.chdir(worktree)
    tables = analyze(".", db=tmp_path / "s.sqlite").tables
    assert ran(tmp_path) == []
    assert_same_tables(tables, clean)


@pytest.mark.parametrize("include", [False, True], ids=["in the config", "through include.path"])
def test_every_hostile_setting_at_once_leaves_the_outputs_of_the_clean_project(include, project, clean_outputs,
                                                                               tmp_path):
    worktree = armed(project, tmp_path, list(HOSTILE), include)
    written = outputs(mine_analyze(worktree, tmp_path / "run"))
    assert ran(tmp_path) == []
    assert written.keys() == clean_outputs.keys()
    assert [path for path in written if written[path] != clean_outputs[path]] == []


@pytest.mark.parametrize("name", list(HOSTILE))
def test_cloning_and_updating_from_a_hostile_source_runs_nothing(name, project, clean, tmp_path, monkeypatch):
    worktree = armed(project, tmp_path, [name])
    monkeypatch.chdir(worktree)
    for _ in range(2):  # a clone, then an update: fetch and ls-remote
        mirror = clone_or_update(parse_source(str(worktree)), tmp_path / "mirrors")
    try:
        for _ in range(2):  # through upload-pack, which reads the source's config
            clone_or_update(parse_source(f"file://{worktree}"), tmp_path / "mirrors-url")
    except MinerError as error:
        # The source's upload-pack honours its own core.useReplaceRefs=true and sends the replacement
        # instead of the tagged commit; git refuses the pack.  One line, and nothing ran.
        assert name == "refs/replace" and "did not receive expected object" in str(error), error
    assert ran(tmp_path) == []
    assert_same_tables(analyze(str(mirror), db=tmp_path / "s.sqlite").tables, clean)


def test_mine_clone_of_a_hostile_source_runs_nothing_and_mirrors_the_clean_history(project, clean_outputs, tmp_path):
    worktree = armed(project, tmp_path, list(HOSTILE))
    for _ in range(2):
        done = subprocess.run([*MINE, "clone", worktree, "--dest", tmp_path / "repos", "-q"],
                              cwd=worktree, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    mirror = Path(done.stdout.split("\t")[2].strip())
    written = outputs(mine_analyze(mirror, tmp_path / "run"))
    assert ran(tmp_path) == []
    assert written == clean_outputs


def test_a_promisor_remote_is_never_fetched_from_when_an_object_is_missing(project, tmp_path, monkeypatch):
    """git fetches a missing object from a remote marked `promisor`, here through `ext::./evil.sh`."""
    worktree = armed(project, tmp_path, [])
    with (worktree / ".git" / "config").open("a") as config:
        config.write('[remote "origin"]\n\turl = ext::./evil.sh %S\n\tpromisor = true\n'
                     "[protocol]\n\tallow = always\n")
    tree = subprocess.run(["git", "--git-dir", worktree / ".git", "rev-parse", "v1.1.0^{tree}"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (worktree / ".git" / "objects" / tree[:2] / tree[2:]).unlink()
    monkeypatch.chdir(worktree)
    analysis = analyze(".", db=tmp_path / "s.sqlite")
    assert ran(tmp_path) == []
    assert any(tree in str(warning) for warning in analysis.warnings)


class FifoReaders:
    """A FIFO at `path` and a watcher that notices whenever a process opens it to read, then lets it go on.

    A process that opens a FIFO nobody writes to waits forever; the watcher
    opens the write end as soon as a reader waits and closes it at once, so
    the reader sees an empty file and the test fails instead of hanging.
    """

    def __init__(self, path: Path):
        os.mkfifo(path)
        self.path, self.readers, self._done = path, 0, threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._done.is_set():
            try:
                os.close(os.open(self.path, os.O_WRONLY | os.O_NONBLOCK))
                self.readers += 1
            except OSError as error:
                assert error.errno == errno.ENXIO  # nobody reading
                time.sleep(0.005)

    def close(self) -> int:
        self._done.set()
        self._thread.join()
        return self.readers


@pytest.mark.parametrize("where", ["mailmap.file", "diff.orderFile", ".git/info/attributes", ".gitattributes"])
def test_a_file_the_repository_chooses_is_not_read(where, project, clean, tmp_path, monkeypatch):
    """A FIFO named by a setting, or where git looks for attributes, would hold git forever."""
    worktree = armed(project, tmp_path, [])
    if where.startswith("."):
        fifo = FifoReaders(worktree / where)
    else:
        fifo = FifoReaders(tmp_path / "fifo")
        section, _, name = where.partition(".")
        with (worktree / ".git" / "config").open("a") as config:
            config.write(f"[{section}]\n\t{name} = {fifo.path}\n")
    monkeypatch.chdir(worktree)
    try:
        tables = analyze(".", db=tmp_path / "s.sqlite").tables
    finally:
        assert fifo.close() == 0
    assert_same_tables(tables, clean)


ENVIRONMENT = {
    "GIT_DIR": "{other}/.git", "GIT_WORK_TREE": "{other}", "GIT_COMMON_DIR": "{other}/.git",
    "GIT_OBJECT_DIRECTORY": "{other}/.git/objects", "GIT_ALTERNATE_OBJECT_DIRECTORIES": "{other}/.git/objects",
    "GIT_INDEX_FILE": "{other}/index", "GIT_SHALLOW_FILE": "{shallow}", "GIT_GRAFT_FILE": "{shallow}",
    "GIT_REPLACE_REF_BASE": "refs/heads/", "GIT_NAMESPACE": "evil", "GIT_LITERAL_PATHSPECS": "1",
    "GIT_GLOB_PATHSPECS": "1", "GIT_ICASE_PATHSPECS": "1", "GIT_EXTERNAL_DIFF": "./evil.sh",
    "GIT_DIFF_OPTS": "--unified=9", "GIT_NOTES_REF": "refs/notes/evil", "GIT_PAGER": "./evil.sh",
    "GIT_CONFIG_PARAMETERS": "'log.showsignature'='true' 'gpg.program'='./evil.sh'",
    "GIT_CONFIG_COUNT": "2",
}


@pytest.mark.parametrize("variable", list(ENVIRONMENT))
def test_the_environment_cannot_point_git_elsewhere(variable, project, clean, tmp_path, monkeypatch):
    """Variables a hook or a wrapper may leave behind, naming another repository or changing git's output."""
    worktree = armed(project, tmp_path, [])
    other = tmp_path / "other"
    RepoBuilder(other).commit("Another project", {"README.md": "other\n"}, when="2025-01-01T00:00:00+00:00")
    head = (worktree / ".git" / "refs" / "heads" / "main").read_text().strip()
    (tmp_path / "shallow").write_text(f"{head}\n")
    value = ENVIRONMENT[variable].format(other=other, shallow=tmp_path / "shallow")
    monkeypatch.setenv(variable, value)
    if variable == "GIT_CONFIG_COUNT":
        for number, (key, setting) in enumerate([("log.showSignature", "true"), ("gpg.program", "./evil.sh")]):
            monkeypatch.setenv(f"GIT_CONFIG_KEY_{number}", key)
            monkeypatch.setenv(f"GIT_CONFIG_VALUE_{number}", setting)
    monkeypatch.chdir(worktree)
    tables = analyze(".", db=tmp_path / "s.sqlite").tables
    assert ran(tmp_path) == []
    assert_same_tables(tables, clean)


def test_the_variables_git_calls_one_repositorys_are_all_dropped():
    """git's own list (`git rev-parse --local-env-vars`), less the user's configuration variables, which stay."""
    local = subprocess.run(["git", "rev-parse", "--local-env-vars"], capture_output=True, text=True,
                           check=True).stdout.split()
    kept = {"GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT"}
    assert set(local) - kept <= set(gitprocess.LOCATION_VARIABLES)
    assert not kept & set(gitprocess.LOCATION_VARIABLES)


def test_every_git_miner_starts_goes_through_gitprocess(project, tmp_path, monkeypatch):
    """Every process a clone, an update and an analysis start is git with gitprocess's settings."""
    started: list[list[str]] = []
    real = subprocess.Popen.__init__

    def recording(self, args, *rest, **options):
        started.append([str(arg) for arg in args])
        real(self, args, *rest, **options)

    monkeypatch.setattr(subprocess.Popen, "__init__", recording)
    mirror = clone_or_update(parse_source(str(project)), tmp_path / "repos")
    clone_or_update(parse_source(str(project)), tmp_path / "repos")
    analyze(str(mirror), db=tmp_path / "s.sqlite")
    prefix = gitprocess.command([])
    assert [args for args in started if args[:len(prefix)] != prefix] == []
    assert {subcommand(args[len(prefix):]) for args in started} == {"clone", "fetch", "ls-remote", "log", "cat-file"}


def subcommand(args: list[str]) -> str:
    """The git command of an argument list that follows gitprocess's prefix (`-c` settings, `--git-dir`)."""
    while args[0] in ("-c", "--git-dir"):
        args = args[2:]
    return args[0]
