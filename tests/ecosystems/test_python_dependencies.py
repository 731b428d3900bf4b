"""Internal edges of Python workspaces: requirements lowered through `[tool.uv.sources]` as uv lowers them."""
from __future__ import annotations

from fixtures import python_projects as fx
from fixtures.manifest_trees import workspaces
from miner.ecosystems.python import PYTHON
from miner.model.packages import Dependency


def _edges(files, tmp_path):
    found = workspaces(PYTHON, files, tmp_path / "r.git")
    return {p.name: list(p.dependencies) for w in found for p in w.packages}, [str(x) for w in found for x in w.warnings]


def test_kinds_and_targets_keep_extras_groups_and_markers(tmp_path):
    edges, warnings = _edges(fx.VIRTUAL, tmp_path)
    assert edges["acme-app"] == [
        Dependency("acme-cli", "optional", 'extra == "cli"', optional=True),
        Dependency("acme-core", "normal"),
        Dependency("acme-util", "dev", 'group == "lint"'),
        Dependency("acme-util", "dev", 'group == "test"'),  # through {include-group = "lint"}
        Dependency("acme-util", "normal", 'sys_platform == "linux"'),
    ]
    assert edges["acme-cli"] == [Dependency("acme-core", "dev", 'group == "dev"')]  # tool.uv.dev-dependencies
    assert edges["acme-util"] == [Dependency("acme-core", "normal")]
    assert warnings == []


def test_a_members_own_source_replaces_the_roots_for_that_name(tmp_path):
    files = {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["a", "b"]\n[tool.uv.sources]\nb = { workspace = true }\n',
             "a/pyproject.toml": fx.project("a", '[tool.uv.sources]\nb = { git = "https://example.invalid/b" }\n',
                                            dependencies='["b"]'),
             "b/pyproject.toml": fx.project("b")}
    edges, warnings = _edges(files, tmp_path)
    assert edges["a"] == []
    assert warnings == ["a/pyproject.toml: member 'b' has a source that is not `workspace = true`"]


def test_a_source_limited_to_an_extra_or_group_leaves_other_requirements_plain(tmp_path):
    edges, warnings = _edges(fx.SCOPED_SOURCES, tmp_path)
    # the normal requirement has no source that applies: uv resolves it, plain, to the member
    assert edges["a"] == [Dependency("b", "dev", 'group == "dev"'), Dependency("b", "normal", 'python_version >= "3.9"'),
                          Dependency("b", "optional", 'extra == "x"', True)]
    assert warnings == []


def test_a_member_required_with_no_source_entry_is_a_warning_and_no_edge(tmp_path):
    files = {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["a", "b"]\n',
             "a/pyproject.toml": fx.project("a", dependencies='["b"]'), "b/pyproject.toml": fx.project("b")}
    edges, warnings = _edges(files, tmp_path)
    assert edges["a"] == []
    assert warnings == ["a/pyproject.toml: member 'b' is required without a `workspace = true` source"]


def test_a_path_source_to_the_member_is_an_edge_with_a_warning_and_self_extras_are_no_edge(tmp_path):
    files = {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["a", "b"]\n',
             "a/pyproject.toml": fx.project("a", '[project.optional-dependencies]\nall = ["a[x]"]\nx = []\n'
                                                 '[tool.uv.sources]\nb = { path = "../b" }\n', dependencies='["b"]'),
             "b/pyproject.toml": fx.project("b")}
    edges, warnings = _edges(files, tmp_path)
    assert edges["a"] == [Dependency("b", "normal")]
    assert warnings == ["a/pyproject.toml: member 'b' is given a `path` source; uv requires `workspace = true`"]


def test_standalone_projects_have_no_internal_edges_to_their_neighbours(tmp_path):
    files = {"sdk/python/pyproject.toml": fx.project("sdk", '[tool.uv.sources]\nruntime = { path = "../runtime" }\n',
                                                     dependencies='["runtime"]'),
             "sdk/runtime/pyproject.toml": fx.project("runtime")}
    edges, warnings = _edges(files, tmp_path)
    assert edges == {"sdk": [], "runtime": []} and warnings == []


def test_dynamic_dependencies_are_named_as_unread(tmp_path):
    files = {"pyproject.toml": '[project]\nname = "dyn"\ndynamic = ["version", "dependencies"]\n'}
    edges, warnings = _edges(files, tmp_path)
    assert edges == {"dyn": []}
    assert warnings == ["pyproject.toml: [project] dependencies are dynamic: the build backend computes them, and "
                        "nothing is run here, so their edges are not read"]
