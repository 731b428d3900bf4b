"""Which pyproject.toml files make workspaces and members, by uv's rules (stated here without running uv)."""
from __future__ import annotations

from fixtures import python_projects as fx
from fixtures.manifest_trees import workspaces
from miner.ecosystems.python import PYTHON


def _members(found):
    return {w.root: sorted((p.name, p.path) for p in w.packages) for w in found if w.packages}


def test_a_virtual_root_is_no_package_and_its_globs_take_members_minus_excludes(tmp_path):
    found = _members(workspaces(PYTHON, fx.VIRTUAL, tmp_path / "r.git"))
    assert found[""] == [("acme-app", "packages/app"), ("acme-cli", "tools/cli"), ("acme-core", "libs/x/core"),
                         ("acme-util", "libs/util")]


def test_excluded_and_nested_projects_stand_alone_and_unmanaged_ones_are_left_out(tmp_path):
    found = _members(workspaces(PYTHON, fx.VIRTUAL, tmp_path / "r.git"))
    assert sorted(found) == ["", "packages/app/examples/demo", "packages/legacy", "packages/scratch-1"]
    assert all("docs" not in name for members in found.values() for name, _ in members)


def test_standalone_projects_are_workspaces_of_one_with_normalised_versions(tmp_path):
    found = workspaces(PYTHON, fx.CODEX_SDK, tmp_path / "r.git")
    assert [(w.root, [(p.name, p.version, p.ecosystem) for p in w.packages]) for w in found] == [
        ("sdk/python", [("openai-codex-sdk", "0.0.1a0", "python")]),
        ("sdk/python-runtime", [("codex-cli-bin", "0.0.0.dev0", "python")]),
    ]


def test_the_root_project_is_a_member_of_its_own_workspace(tmp_path):
    found = workspaces(PYTHON, fx.ROOT_PROJECT, tmp_path / "r.git")
    assert [(p.name, p.path, p.manifest) for p in found[0].packages] == [
        ("albatross", "", "pyproject.toml"), ("bird-feeder", "packages/bird-feeder", "packages/bird-feeder/pyproject.toml"),
        ("seeds", "packages/seeds", "packages/seeds/pyproject.toml")]


def test_exclude_star_crosses_slashes_and_member_star_takes_hidden_directories(tmp_path):
    found = _members(workspaces(PYTHON, fx.PATTERN_EDGES, tmp_path / "r.git"))
    assert found == {"": [("b-x", "libs/b/x"), ("hidden-member", "packages/.cache")],
                     "libs/a1/x": [("a1-x", "libs/a1/x")]}


def test_a_project_a_root_includes_without_listing_belongs_to_nobody(tmp_path):
    files = {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
             "packages/a/pyproject.toml": fx.project("a"),
             "packages/a/b/c/pyproject.toml": fx.project("deep"),
             "packages/deeper/x/pyproject.toml": fx.project("claimed")}
    found = _members(workspaces(PYTHON, files, tmp_path / "r.git"))
    # `packages/a/b/c` has `packages/a` (a plain project) as its nearest pyproject above: it stands alone.
    # `packages/deeper/x` is matched by `packages/*` as uv's is_included sees it, but not listed.
    assert found == {"": [("a", "packages/a")], "packages/a/b/c": [("deep", "packages/a/b/c")]}


def test_a_config_only_pyproject_is_no_project(tmp_path):
    files = {"pyproject.toml": "[tool.ruff]\nline-length = 100\n", "lib/pyproject.toml": fx.project("lib")}
    assert _members(workspaces(PYTHON, files, tmp_path / "r.git")) == {"lib": [("lib", "lib")]}


def test_a_dynamic_version_is_empty_and_the_description_is_kept(tmp_path):
    files = {"pyproject.toml": '[project]\nname = "Dyn_Pkg"\ndynamic = ["version"]\ndescription = "words"\n'}
    (package,) = workspaces(PYTHON, files, tmp_path / "r.git")[0].packages
    assert (package.name, package.version, package.description) == ("dyn-pkg", "", "words")
