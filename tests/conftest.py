"""Shared fixtures: the agent-shaped and crate-shaped repositories, built once per session."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import settings

from fixtures.github_api import FakeGitHub
from fixtures.notes import evolution_repo
from miner._sample.repos import build_agent_repo, build_crate_repo
from miner.cli import main
from miner.store.cache import MemoryCache

# Property-based and fuzz tests (hypothesis).  The `ci` profile is the default, locally too: examples
# drawn from a fixed seed, so a failure repeats, and sized so those tests add about two minutes on a
# 2-core machine.  `HYPOTHESIS_PROFILE=long` draws fresh examples, twenty times as many, with time
# limits to match; a failure prints the `@reproduce_failure` line to paste above the test.
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True, database=None, print_blob=True)
settings.register_profile("long", max_examples=2000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def examples(count: int) -> int:
    """A property test's number of examples: `count` under the ci profile, scaled with the profile loaded."""
    return max(1, count * settings.default.max_examples // 100)


def time_limit(seconds: float) -> float:
    """A property test's time limit (pytest-timeout): `seconds` under the ci profile, scaled like `examples`."""
    return seconds * max(1, settings.default.max_examples // 100)


@pytest.fixture(scope="session")
def agent_repo(tmp_path_factory):
    """Path of the Codex-shaped bare repository (read-only: copy it before changing it)."""
    path = tmp_path_factory.mktemp("repos") / "agent.git"
    build_agent_repo(path)
    return path


@pytest.fixture(scope="session")
def crate_repo(tmp_path_factory):
    """Path of the ripgrep-shaped bare repository."""
    path = tmp_path_factory.mktemp("repos") / "crate.git"
    build_crate_repo(path)
    return path


@pytest.fixture(scope="session")
def evolution_path(tmp_path_factory):
    """Path of the repository whose capabilities first appear at tags that sort out of version order
    (`fixtures.notes.evolution_repo`)."""
    path = tmp_path_factory.mktemp("repos") / "evolution.git"
    evolution_repo(path)
    return path


@pytest.fixture(autouse=True)
def miner_home(tmp_path, monkeypatch):
    """Every test gets its own MINER_HOME, so no store or clone leaks between tests."""
    home = tmp_path / "miner-home"
    monkeypatch.setenv("MINER_HOME", str(home))
    return home


@pytest.fixture
def github_api():
    """A stand-in for GitHub's REST API on 127.0.0.1 (`fixtures.github_api`), stopped after the test."""
    with FakeGitHub() as server:
        yield server


class CountingCache(MemoryCache):
    """A MemoryCache that counts its puts: what a test sees computed rather than read back."""

    def __init__(self):
        super().__init__()
        self.puts = 0

    def put(self, kind, key, value):
        self.puts += 1
        super().put(kind, key, value)


def git(repo, *args: str) -> str:
    """Run git against a repository and return its output: the oracle the tests trust."""
    result = subprocess.run(["git", "--git-dir", str(repo), *args], check=True, capture_output=True)
    return result.stdout.decode("utf-8", errors="replace")


@pytest.fixture
def mine(capsys, monkeypatch):
    """`mine ARGS...` run by `main()` in this process, as a CompletedProcess; no token set."""
    for variable in ("GH_TOKEN", "GITHUB_TOKEN"):
        monkeypatch.delenv(variable, raising=False)

    def run(*args) -> subprocess.CompletedProcess:
        monkeypatch.setattr(sys, "argv", ["mine", *map(str, args)])
        try:
            main()
            code = 0
        except SystemExit as exit:
            code = exit.code or 0
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return run
