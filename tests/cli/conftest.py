"""Fixtures of the command-line tests: a Codex-shaped upstream to clone and a fake GitHub releases list."""
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


