"""Which go.mod files make workspaces and members, and which requires are internal edges (stated without go)."""
from __future__ import annotations

from fixtures import go_modules as fx
from fixtures.manifest_trees import workspaces
from miner.ecosystems.go import GO
from miner.model.packages import Dependency


def _read(files, tmp_path):
    found = workspaces(GO, files, tmp_path / "r.git")
    return {w.root: [(p.name, p.path, list(p.dependencies)) for p in w.packages] for w in found}, \
        [f"{x.path}: {x.message}" for w in found for x in w.warnings]


def test_a_go_work_lists_its_used_modules_and_a_module_it_does_not_use_belongs_to_nobody(tmp_path):
    found, warnings = _read(fx.WORKSPACE, tmp_path)
    assert [path for _, path, _ in found[""]] == ["ansi", "cellbuf", "exp/teatest", "term"]
    assert list(found) == [""] and warnings == []


def test_direct_requires_of_members_are_edges_and_indirect_ones_are_not(tmp_path):
    found, _ = _read(fx.WORKSPACE, tmp_path)
    edges = {name: deps for name, _, deps in found[""]}
    assert edges["github.com/acme/x/cellbuf"] == [Dependency("github.com/acme/x/ansi"), Dependency("github.com/acme/x/term")]
    assert edges["github.com/acme/x/exp/teatest"] == [Dependency("github.com/acme/x/cellbuf")]  # ansi is indirect
    assert edges["github.com/acme/x/ansi"] == []


def test_modules_without_a_go_work_are_workspaces_of_one(tmp_path):
    found, _ = _read({**fx.OPENCODE, **fx.STANDALONE}, tmp_path)
    assert found["packages/tui"] == [("github.com/sst/opencode", "packages/tui", [])]
    assert found["tools"] == [("github.com/acme/tools", "tools", [])]  # its local replace leaves its workspace
    assert sorted(found) == ["lib", "packages/tui", "tools"]
    assert {w.ecosystem for w in workspaces(GO, fx.OPENCODE, tmp_path / "o.git")} == {"go"}


def test_a_replace_sending_another_path_to_a_member_is_an_edge_that_go_would_refuse(tmp_path):
    files = {"go.work": "go 1.22\nuse ./a\nuse ./b\n",
             "a/go.mod": "module example.com/a\nrequire example.com/old-b v1.0.0\nreplace example.com/old-b => ../b\n",
             "b/go.mod": "module example.com/b\n"}
    found, warnings = _read(files, tmp_path)
    assert found[""][0] == ("example.com/a", "a", [Dependency("example.com/b")])
    assert warnings == ["a/go.mod: example.com/old-b is replaced by 'b', whose module is example.com/b"]
