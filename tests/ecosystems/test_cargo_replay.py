"""A release that changes no manifest but the root's `[workspace.package]` reuses the previous draft, and only then."""
from __future__ import annotations

import pytest

from fixtures import workspaces as fx
from fixtures.workspaces import cargo_workspaces
from miner._sample.builder import RepoBuilder
from miner.ecosystems import cargo

WHEN = "2025-07-01T10:00:00+00:00"
ROOT = "codex-rs/Cargo.toml"


@pytest.fixture
def builds(monkeypatch):
    """How many workspaces were drafted from scratch (the kept drafts emptied first)."""
    monkeypatch.setattr(cargo, "_DRAFTS", cargo._Drafts())
    count = []
    build = cargo._Builder.build
    monkeypatch.setattr(cargo._Builder, "build", lambda self: count.append(self.root) or build(self))
    return count


def releases(tmp_path, *changes):
    """The Codex fixture, then one commit per dict of changed files; the trees in order."""
    builder = RepoBuilder(tmp_path / "repo.git", bare=True)
    commits = [builder.commit("one", fx.CODEX, when=WHEN)]
    commits += [builder.commit(f"change {n}", files, when=WHEN) for n, files in enumerate(changes)]
    return builder.repo, [builder.repo[commit].tree for commit in commits]


def fresh(repo, tree, monkeypatch):
    monkeypatch.setattr(cargo, "_DRAFTS", cargo._Drafts())
    return cargo_workspaces(repo, tree)


def test_a_version_bump_in_the_root_is_not_drafted_again_and_every_crate_gets_the_new_version(tmp_path, builds,
                                                                                            monkeypatch):
    bumped = fx.CODEX[ROOT].replace('version = "0.44.0"', 'version = "0.45.0"')
    repo, (first, second) = releases(tmp_path, {ROOT: bumped, "README.md": "# 0.45\n"})
    cargo_workspaces(repo, first)
    drafted = len(builds)
    replayed = cargo_workspaces(repo, second)
    assert len(builds) == drafted
    assert {p.version for w in replayed for p in w.packages if p.name != "codex-cli"} == {"0.45.0"}
    assert replayed == fresh(repo, second, monkeypatch)


def test_a_removed_shared_version_warns_at_every_crate_that_inherits_it(tmp_path, builds, monkeypatch):
    without = fx.CODEX[ROOT].replace('version = "0.44.0"\n', "")
    repo, (first, second) = releases(tmp_path, {ROOT: without})
    cargo_workspaces(repo, first)
    replayed = cargo_workspaces(repo, second)
    messages = [w.message for workspace in replayed for w in workspace.warnings]
    assert "version.workspace = true but [workspace.package] has no version" in messages
    assert replayed == fresh(repo, second, monkeypatch)


@pytest.mark.parametrize("change", [
    {"codex-rs/utils/git/Cargo.toml": fx.CODEX["codex-rs/utils/git/Cargo.toml"].replace("codex-git", "codex-git2")},
    {ROOT: fx.CODEX[ROOT].replace('"cli"]', '"cli", "utils/*"]'), "codex-rs/utils/new/README.md": "no crate\n"},
    {"codex-rs/utils/git/Cargo.toml": None},
    {"codex-rs/core/Cargo.toml": fx.CODEX["codex-rs/core/Cargo.toml"] + "codex-cli = { path = \"../cli\" }\n"},
], ids=["renamed crate", "glob over a directory without a manifest", "deleted member manifest", "new path dependency"])
def test_any_other_change_to_what_the_reading_saw_drafts_again(tmp_path, builds, monkeypatch, change):
    repo, (first, second) = releases(tmp_path, change)
    cargo_workspaces(repo, first)
    drafted = len(builds)
    again = cargo_workspaces(repo, second)
    assert len(builds) > drafted
    assert again == fresh(repo, second, monkeypatch)
    assert again != fresh(repo, first, monkeypatch)
