"""JavaScript discovery is cached by tree id and each package.json parsed once per blob."""
from __future__ import annotations

from fixtures import javascript as fx
from miner._sample.builder import RepoBuilder
from miner.ecosystems import workspaces_at
from miner.ecosystems.packagejson import MANIFEST_KIND
from miner.model.packages import Workspace
from miner.sources.trees import TreeView
from miner.store.cache import MemoryCache
from tests.conftest import CountingCache


class KindCounter(CountingCache):
    def __init__(self):
        super().__init__()
        self.kinds = []

    def put(self, kind, key, value):
        self.kinds.append(kind)
        super().put(kind, key, value)


def test_a_release_that_changes_one_manifest_parses_only_that_one(tmp_path):
    builder = RepoBuilder(tmp_path / "r.git", bare=True)
    first = builder.commit("1", fx.GEMINI, when="2025-01-01T00:00:00+00:00")
    second = builder.commit("2", {"packages/core/package.json": fx.pkg("@google/gemini-cli-core", "0.10.0")},
                            when="2025-01-02T00:00:00+00:00")
    cache = KindCounter()
    workspaces_at(TreeView(builder.repo, builder.repo[first].tree), cache)
    cache.kinds.clear()
    found = workspaces_at(TreeView(builder.repo, builder.repo[second].tree), cache)
    assert cache.kinds.count(MANIFEST_KIND) == 1
    assert found[0].package("@google/gemini-cli-core").version == "0.10.0"
    cache.kinds.clear()
    assert workspaces_at(TreeView(builder.repo, builder.repo[second].tree), cache) == found
    assert cache.kinds == []


def test_workspaces_survive_the_json_round_trip_of_the_store(tmp_path):
    repo, tree = fx.commit(fx.CODEX, tmp_path / "r.git")
    found = workspaces_at(TreeView(repo, tree), MemoryCache())
    assert [Workspace.from_json(w.to_json()) for w in found] == found
