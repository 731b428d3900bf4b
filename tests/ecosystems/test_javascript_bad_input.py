"""Broken JavaScript manifests give warnings naming the file; every other workspace is read as usual."""
from __future__ import annotations

import pygit2
import pytest

from fixtures import javascript as fx
from miner._sample.builder import RepoBuilder
from miner.ecosystems import workspaces_at
from miner.ecosystems.packagejson import MAX_YAML_NODES
from miner.sources.trees import TreeView
from miner.store.cache import MemoryCache

GOOD = {"other/package.json": fx.pkg("other", workspaces=["*"]), "other/x/package.json": fx.pkg("x")}


def _read(files, tmp_path):
    repo, tree = fx.commit(files, tmp_path / "repo.git")
    return workspaces_at(TreeView(repo, tree), MemoryCache())


def _warnings(workspaces):
    return [(warning.path, warning.message) for workspace in workspaces for warning in workspace.warnings]


def _roots(workspaces):
    return {workspace.root: sorted(p.path for p in workspace.packages) for workspace in workspaces}


@pytest.mark.parametrize("text", ['{"name": "a",', "\xff\xfe", "[1, 2]", "[" * 100_000])
def test_an_unparsable_member_is_a_warning_and_the_rest_is_read(text, tmp_path):
    files = {"package.json": fx.pkg("root", workspaces=["packages/*"]), "packages/a/package.json": text,
             "packages/b/package.json": fx.pkg("b"), **GOOD}
    found = _read(files, tmp_path)
    assert _roots(found) == {"": ["", "packages/b"], "other": ["other", "other/x"]}
    assert [path for path, _ in _warnings(found)] == ["packages/a/package.json"]


def test_an_unparsable_workspace_yaml_is_a_warning_naming_it(tmp_path):
    files = {"package.json": fx.pkg("root"), "pnpm-workspace.yaml": "packages: [unclosed\n",
             "packages/a/package.json": fx.pkg("a"), **GOOD}
    found = _read(files, tmp_path)
    assert _roots(found) == {"": [""], "other": ["other", "other/x"]}
    (path, message), = _warnings(found)
    assert path == "pnpm-workspace.yaml" and "does not parse" in message


def test_a_yaml_anchor_bomb_is_refused_without_expanding_it(tmp_path):
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    files = {"package.json": fx.pkg("root"), "pnpm-workspace.yaml": "\n".join(levels) + "\npackages: ['*']\n",
             "a/package.json": fx.pkg("a")}
    (path, message), = _warnings(_read(files, tmp_path))
    assert path == "pnpm-workspace.yaml" and str(MAX_YAML_NODES) in message


def test_a_glob_matching_thousands_of_folders_costs_one_test_per_manifest(tmp_path):
    files = {"package.json": fx.pkg("root", workspaces=["**", "!**/skip/**"])}
    files.update({f"d{i // 100}/p{i}/package.json": fx.pkg(f"p{i}") for i in range(3000)})
    files.update({f"d{i}/skip/deep/package.json": fx.pkg(f"s{i}") for i in range(30)})
    found = _read(files, tmp_path)
    assert len(found[0].packages) == 3001 and _warnings(found) == []


@pytest.mark.parametrize("pattern", ["../outside/*", "packages/../../x"])
def test_a_member_pattern_leaving_the_repository_is_a_warning(pattern, tmp_path):
    files = {"package.json": fx.pkg("root", workspaces=["packages/*", pattern]), "packages/a/package.json": fx.pkg("a")}
    found = _read(files, tmp_path)
    assert _roots(found) == {"": ["", "packages/a"]}
    assert _warnings(found) == [("package.json", f"workspace pattern {pattern!r} leaves the repository")]


def test_a_symlinked_manifest_is_a_warning_and_not_followed(tmp_path):
    builder = RepoBuilder(tmp_path / "repo.git", bare=True)
    index = pygit2.Index()
    for path, text in {"package.json": fx.pkg("root", workspaces=["packages/*"]),
                       "packages/a/package.json": fx.pkg("a"), "secret.json": '{"name": "secret"}'}.items():
        index.add(pygit2.IndexEntry(path, builder.repo.create_blob(text), pygit2.GIT_FILEMODE_BLOB))
    index.add(pygit2.IndexEntry("packages/b/package.json", builder.repo.create_blob("../../secret.json"),
                                pygit2.GIT_FILEMODE_LINK))
    tree = builder.repo[index.write_tree(builder.repo)]
    found = workspaces_at(TreeView(builder.repo, tree), MemoryCache())
    assert _roots(found) == {"": ["", "packages/a"]}
    assert _warnings(found) == [("packages/b/package.json", "package.json is a symbolic link; not followed")]


def test_two_members_with_one_name_are_a_warning_and_reach_no_edge(tmp_path):
    files = {"package.json": fx.pkg("root", workspaces=["packages/*"]),
             "packages/a/package.json": fx.pkg("dup"), "packages/b/package.json": fx.pkg("dup"),
             "packages/c/package.json": fx.pkg("c", dependencies={"dup": "*"})}
    found = _read(files, tmp_path)
    assert _roots(found) == {"": ["", "packages/a", "packages/b", "packages/c"]}
    assert _warnings(found) == [("packages/b/package.json",
                                 "two members named 'dup' (packages/a/package.json, packages/b/package.json)")]
    assert all(not package.dependencies for package in found[0].packages)


def test_a_workspaces_field_of_the_wrong_shape_is_a_warning(tmp_path):
    files = {"package.json": fx.pkg("root", workspaces="packages/*"), "packages/a/package.json": fx.pkg("a")}
    found = _read(files, tmp_path)
    assert _roots(found) == {"": [""]}
    assert _warnings(found) == [("package.json", "workspaces config expects an Array of strings")]


def test_a_workspace_spec_reaching_no_member_is_a_warning(tmp_path):
    files = {"package.json": fx.pkg("root"), "pnpm-workspace.yaml": "packages: ['*']\n",
             "a/package.json": fx.pkg("a", dependencies={"ghost": "workspace:*", "b": "workspace:^9"}),
             "b/package.json": fx.pkg("b")}
    assert _warnings(_read(files, tmp_path)) == [
        ("a/package.json", "'ghost': no member matches 'workspace:*'"),
        ("a/package.json", "'b': no member matches 'workspace:^9'")]


def test_a_manifest_blob_missing_from_the_snapshot_is_a_warning_not_cached(tmp_path):
    files = {"package.json": fx.pkg("root", workspaces=["packages/*"]), "packages/a/package.json": fx.pkg("a", "7.0.0"),
             "packages/b/package.json": fx.pkg("b")}
    repo, tree = fx.commit(files, tmp_path / "repo.git")
    blob = tree["packages/a/package.json"].id
    loose = tmp_path / "repo.git" / "objects" / str(blob)[:2] / str(blob)[2:]
    data = loose.read_bytes()
    loose.unlink()
    cache = MemoryCache()
    damaged = pygit2.Repository(str(tmp_path / "repo.git"))
    found = workspaces_at(TreeView(damaged, damaged[tree.id]), cache)
    assert _roots(found) == {"": ["", "packages/b"]}
    assert _warnings(found) == [("packages/a/package.json", "package.json missing from the repository")]
    loose.write_bytes(data)
    repaired = pygit2.Repository(str(tmp_path / "repo.git"))
    assert _roots(workspaces_at(TreeView(repaired, repaired[tree.id]), cache)) == {"": ["", "packages/a", "packages/b"]}
