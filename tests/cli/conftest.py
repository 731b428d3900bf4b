"""Fixtures of the command-line tests: a Codex-shaped upstream to clone, a store holding its analysis, and
a fake GitHub releases list."""
from __future__ import annotations

import subprocess

import pytest

from fixtures.github_api import release


@pytest.fixture
def upstream(agent_repo, tmp_path):
    """The Codex-shaped repository at an `openai/codex.git` path, which names the repository asked for."""
    path = tmp_path / "upstream" / "openai" / "codex.git"
    subprocess.run(["git", "clone", "--bare", "--quiet", str(agent_repo), str(path)], check=True)
    return path


@pytest.fixture(scope="module")
def store(agent_repo, tmp_path_factory):
    """A folder with `s.sqlite` holding the analysis of the Codex-shaped fixture as `agent`, and what
    `mine analyze` wrote of it (`out/`, `graphs/`), as a user's first run leaves them."""
    from tests.cli.test_cli_analyze import mine
    folder = tmp_path_factory.mktemp("analysed")
    result = mine("analyze", agent_repo, "--db", folder / "s.sqlite", "--out", folder / "out",
                  "--graphs", folder / "graphs", "-q")
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture
def api(github_api):
    github_api.releases = [
        release("rust-v0.9.0", "not yet", draft=True, number=5),
        release("rust-v9.9.9", "a release of a tag this repository lacks", number=4),
        release("rust-v0.8.0", "## Highlights\n- Lifecycle hooks from the releases page (#4471)", number=3),
        release("rust-v0.7.0-beta.1", "beta notes from the releases page", prerelease=True, number=2),
        release("rust-v0.7.0", "0.7.0 notes from the releases page", number=1),
    ]
    return github_api


