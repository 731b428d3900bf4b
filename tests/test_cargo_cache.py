"""Workspace results and parsed manifests are cached by object id and survive JSON."""
from __future__ import annotations

import json
from collections import Counter

from fixtures import workspaces as fx
from fixtures.gitbuilder import RepoBuilder
from miner.store.cache import MemoryCache
from miner.ecosystems.cargo import MANIFEST_KIND, WORKSPACES_KIND, Workspace, workspaces_at

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
    workspaces_at(repo, first, cache)
    assert cache.puts[MANIFEST_KIND] == 8
    [workspace] = workspaces_at(repo, second, cache)
    assert cache.puts[MANIFEST_KIND] == 9
    assert workspace.crate("codex-git2").path == "codex-rs/utils/git"
    assert [dep.name for dep in workspace.crate("codex-core").dependencies] == [
        "codex-git2", "codex-protocol", "codex-windows-sandbox"]


def test_same_tree_is_answered_from_the_cache_with_the_new_tag(tmp_path):
    repo, first, _ = two_releases(tmp_path)
    files = {**fx.CODEX, "codex-rs/Cargo.toml": fx.CODEX["codex-rs/Cargo.toml"].replace('"cli"]', '"cli", "gone"]')}
    repo, tree = fx.commit(files, tmp_path / "broken.git")
    cache = JsonCache()
    cold = workspaces_at(repo, tree, cache, repo_name="codex", tag="rust-v0.44.0")
    warm = workspaces_at(repo, tree, cache, repo_name="codex", tag="rust-v0.44.1")
    assert cache.puts[WORKSPACES_KIND] == 1
    assert [w.crates for w in warm] == [w.crates for w in cold] and len(cold[0].crates) == 7
    assert str(warm[0].warnings[0]) == "codex:rust-v0.44.1:codex-rs/Cargo.toml: member 'gone' matches no directory"


def test_pin_is_part_of_the_cache_key(tmp_path):
    repo, tree = fx.commit(fx.DISCOVERY, tmp_path / "repo.git")
    cache = MemoryCache()
    assert len(workspaces_at(repo, tree, cache)) == 3
    assert [w.root for w in workspaces_at(repo, tree, cache, pin="tools/xtask")] == ["tools/xtask"]
    assert len(workspaces_at(repo, tree, cache)) == 3


def test_json_round_trip(tmp_path):
    repo, tree = fx.commit(fx.KINDS, tmp_path / "repo.git")
    [workspace] = workspaces_at(repo, tree, MemoryCache(), repo_name="r", tag="t")
    text = json.dumps(workspace.to_json())
    assert Workspace.from_json(json.loads(text), "r", "t") == workspace
    assert len(workspace.crate("a").dependencies) == 6
