"""Finding a mirror by short name, owner/name or slug."""
from __future__ import annotations

from pathlib import Path

import pygit2
import pytest

from miner.errors import MinerError
from miner.paths import find_clone, repos_dir


@pytest.fixture
def base():
    for slug in ("openai+codex", "github+cli", "cli-org+cli", "google-gemini+gemini-cli"):
        pygit2.init_repository(str(repos_dir() / slug), bare=True)
    pygit2.init_repository(str(repos_dir() / "BurntSushi+ripgrep" / "repo"), bare=True)
    pygit2.init_repository(str(repos_dir() / ".anthropics+claude-code.x1.partial"), bare=True)
    (repos_dir() / "anthropics+claude-code").mkdir()
    return repos_dir()


@pytest.mark.parametrize("query", ["codex", "openai/codex", "openai+codex", "OpenAI/Codex", "CODEX"])
def test_every_spelling_finds_the_mirror(base, query):
    assert find_clone(query) == base / "openai+codex"


def test_hyphenated_names_are_not_split(base):
    assert find_clone("gemini-cli", base) == base / "google-gemini+gemini-cli"


def test_a_collection_of_owner_name_repo_mirrors_is_found(base):
    assert find_clone("ripgrep", base) == base / "BurntSushi+ripgrep" / "repo"


def test_shared_short_name_is_ambiguous_and_lists_the_owners(base):
    with pytest.raises(MinerError) as err:
        find_clone("cli", base)
    assert str(err.value) == "'cli' is ambiguous: cli-org+cli, github+cli; give owner/name"
    assert find_clone("github/cli", base) == base / "github+cli"


def test_partial_clones_and_non_repositories_are_not_mirrors(base):
    assert find_clone("claude-code", base) is None
    assert find_clone("nothing", base) is None


def test_relative_base_gives_an_absolute_path(base, tmp_path, monkeypatch):
    """The path found must still name the mirror after the working directory changes."""
    monkeypatch.chdir(base.parent)
    found = find_clone("codex", Path(base.name))
    monkeypatch.chdir(tmp_path)
    assert found == base / "openai+codex"


def test_missing_base_finds_nothing(tmp_path):
    assert find_clone("codex", tmp_path / "absent") is None
