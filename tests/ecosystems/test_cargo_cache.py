"""Workspace results and parsed manifests are cached by object id and survive JSON."""
from __future__ import annotations

import json
from collections import Counter

from fixtures import workspaces as fx
from fixtures.workspaces import cargo_workspaces
from miner._sample.builder import RepoBuilder
from miner.ecosystems.cargo import MANIFEST_KIND, WORKSPACES_KIND
from miner.model.packages import Workspace
from miner.store.cache import MemoryCache

WHEN = "2025-07-01T10:00:00+00:00"


class JsonCache(MemoryCache):
    """A MemoryCache that stores values as JSON text, like the SQLite store, and counts puts."""

    def __init__(self):
        super().__init__()
        self.puts = Counter()

    def get(self, kind, key):
        value = super().get(kind, key)
        return None if value is None else json.loads(value)

    def put(self, kind, key, value):
        self.puts[kind] += 1
        super().put(kind, key, json.dumps(value))


def two_releases(tmp_path):
    """The Codex fixture, then the same with only a README and one manifest changed."""
    builder = RepoBuilder(tmp_path / "repo.git", bare=True)
    first = builder.commit("one", fx.CODEX, when=WHEN)
    changed = fx.CODEX["codex-rs/utils/git/Cargo.toml"].replace('name = "codex-git"', 'name = "codex-git2"')
    second = builder.commit("two", {"README.md": "# changed\n", "codex-rs/utils/git/Cargo.toml": changed}, when=WHEN)
    return builder.repo, builder.repo[first].tree, builder.repo[second].tree


def test_a_second_release_parses_only_changed_manifests(tmp_path):
    repo, first, second = two_releases(tmp_path)
    cache = JsonCache()
    cargo_workspaces(repo, first, cache)
    assert cache.puts[MANIFEST_KIND] == 8
    [workspace] = cargo_workspaces(repo, second, cache)
    assert cache.puts[MANIFEST_KIND] == 9
    assert workspace.package("codex-git2").path == "codex-rs/utils/git"
    assert [dep.name for dep in workspace.package("codex-core").dependencies] == [
        "codex-git2", "codex-protocol", "codex-windows-sandbox"]


def test_same_tree_is_answered_from_the_cache_with_the_new_tag(tmp_path):
    repo, first, _ = two_releases(tmp_path)
    files = {**fx.CODEX, "codex-rs/Cargo.toml": fx.CODEX["codex-rs/Cargo.toml"].replace('"cli"]', '"cli", "gone"]')}
    repo, tree = fx.commit(files, tmp_path / "broken.git")
    cache = JsonCache()
    cold = cargo_workspaces(repo, tree, cache)
    warm = cargo_workspaces(repo, tree, cache)
    assert cache.puts[WORKSPACES_KIND] == 1
    assert [w.packages for w in warm] == [w.packages for w in cold] and len(cold[0].packages) == 7
    assert str(warm[0].warnings[0]) == "codex-rs/Cargo.toml: member 'gone' matches no directory"


def test_a_pin_keeps_one_workspace_of_what_is_cached(tmp_path):
    repo, tree = fx.commit(fx.DISCOVERY, tmp_path / "repo.git")
    cache = MemoryCache()
    assert len(cargo_workspaces(repo, tree, cache)) == 3
    assert [w.root for w in cargo_workspaces(repo, tree, cache, pin="tools/xtask")] == ["tools/xtask"]
    assert len(cargo_workspaces(repo, tree, cache)) == 3


def test_json_round_trip(tmp_path):
    repo, tree = fx.commit(fx.KINDS, tmp_path / "repo.git")
    [workspace] = cargo_workspaces(repo, tree, MemoryCache())
    text = json.dumps(workspace.to_json())
    assert Workspace.from_json(json.loads(text), "r", "t") == workspace
    assert len(workspace.package("a").dependencies) == 6
