"""Shared fixtures: the agent-shaped and crate-shaped repositories, built once per session."""
from __future__ import annotations

import subprocess
import sys

import pytest

from fixtures.github_api import FakeGitHub
from fixtures.notes import evolution_repo
from miner._sample.repos import build_agent_repo, build_crate_repo
from miner.cli import main
from miner.store.cache import MemoryCache


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
