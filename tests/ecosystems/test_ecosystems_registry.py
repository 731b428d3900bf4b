"""The registry reads Python and Go at one tree in one walk; results are cached by tree id, manifests by blob id."""
from __future__ import annotations

from fixtures import go_modules as go_fx
from fixtures import python_projects as py_fx
from miner._sample.builder import RepoBuilder
from miner.ecosystems import ECOSYSTEMS, workspaces_at
from miner.sources.trees import TreeView
from tests.conftest import CountingCache

WHEN = "2025-07-01T10:00:00+00:00"


def test_every_registered_ecosystem_is_read_in_any_directory(tmp_path):
    builder = RepoBuilder(tmp_path / "r.git", bare=True)
    commit = builder.commit("c", {**py_fx.CODEX_SDK, **go_fx.OPENCODE}, when=WHEN)
    found = workspaces_at(TreeView(builder.repo, builder.repo[commit].tree), CountingCache())
    assert [(w.ecosystem, w.root, [p.name for p in w.packages]) for w in found if w.ecosystem in ("python", "go")] == [
        ("python", "sdk/python", ["openai-codex-sdk"]),
        ("python", "sdk/python-runtime", ["codex-cli-bin"]),
        ("go", "packages/tui", ["github.com/sst/opencode"]),
    ]
    assert {(e.name, e.language) for e in ECOSYSTEMS} >= {("python", "Python"), ("go", "Go")}


def test_an_unchanged_tree_is_a_lookup_and_a_changed_one_parses_only_its_changed_manifest(tmp_path):
    builder = RepoBuilder(tmp_path / "r.git", bare=True)
    first = builder.commit("c1", {**py_fx.VIRTUAL, **go_fx.WORKSPACE}, when=WHEN)
    second = builder.commit("c2", {"libs/util/pyproject.toml": py_fx.project("acme-util", version="0.6")}, when=WHEN)
    cache = CountingCache()
    ecosystems = tuple(e for e in ECOSYSTEMS if e.name in ("python", "go"))
    workspaces_at(TreeView(builder.repo, builder.repo[first].tree), cache, ecosystems)
    before = cache.puts
    workspaces_at(TreeView(builder.repo, builder.repo[first].tree), cache, ecosystems)
    assert cache.puts == before
    changed = workspaces_at(TreeView(builder.repo, builder.repo[second].tree), cache, ecosystems)
    kinds = [kind for kind, _, _ in cache.items()]
    manifests = sum(path.endswith("pyproject.toml") for path in py_fx.VIRTUAL)
    assert kinds.count("python-pyproject-v1") == manifests + 1  # each blob parsed once: the first tree's, the new one
    assert kinds.count("go-mod-v1") == sum(path.endswith("go.mod") for path in go_fx.WORKSPACE)
    assert kinds.count("python-workspaces-v1") == 2 and kinds.count("go-workspaces-v1") == 2
    assert changed[0].package("acme-util").version == "0.6"
