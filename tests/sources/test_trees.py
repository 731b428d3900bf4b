"""TreeView.find lists manifests by name from git objects: cached per directory, deep trees, damage, links."""
from __future__ import annotations

import pygit2
import pytest

from miner._sample.builder import RepoBuilder
from miner.sources.trees import MissingObject, TreeView
from miner.store.cache import MemoryCache
from tests.conftest import CountingCache, git

WHEN = "2025-01-01T00:00:00+00:00"


def _view(tmp_path, files):
    builder = RepoBuilder(tmp_path / "r.git", bare=True)
    commit = builder.commit("c", files, when=WHEN)
    return builder.repo, TreeView(builder.repo, builder.repo[commit].tree)


def test_find_lists_every_file_of_the_names_as_git_ls_tree_does(tmp_path):
    repo, view = _view(tmp_path, {"Cargo.toml": "x", "a/Cargo.toml": "y", "a/b/package.json": "{}",
                                  "a/b/c/README.md": "no", "d/e/f/package.json": "{}"})
    found = view.find({"Cargo.toml", "package.json"}, MemoryCache())
    listed = git(repo.path, "ls-tree", "-r", "--name-only", "HEAD").split()
    expected = sorted(p for p in listed if p.rsplit("/", 1)[-1] in {"Cargo.toml", "package.json"})
    assert sorted(found.files) == expected
    assert found.paths("package.json") == ["a/b/package.json", "d/e/f/package.json"]
    assert found.missing == ()


def test_an_unchanged_directory_is_read_from_the_cache(tmp_path):
    builder = RepoBuilder(tmp_path / "r.git", bare=True)
    first = builder.commit("c1", {"a/x/Cargo.toml": "1", "b/Cargo.toml": "2"}, when=WHEN)
    second = builder.commit("c2", {"b/Cargo.toml": "3"}, when=WHEN)
    cache = CountingCache()
    TreeView(builder.repo, builder.repo[first].tree).find({"Cargo.toml"}, cache)
    before = cache.puts
    found = TreeView(builder.repo, builder.repo[second].tree).find({"Cargo.toml"}, cache)
    assert sorted(found.files) == ["a/x/Cargo.toml", "b/Cargo.toml"]
    assert cache.puts - before == 2  # the root and b/ changed; a/ and a/x/ were looked up


def test_a_tree_nested_two_thousand_levels_is_walked_without_recursion(tmp_path):
    path = "/".join(["d"] * 2000) + "/Cargo.toml"
    _, view = _view(tmp_path, {path: "x"})
    assert list(view.find({"Cargo.toml"}, MemoryCache()).files) == [path]


def test_a_missing_subtree_is_named_by_its_full_path_and_the_rest_is_read(tmp_path):
    repo, view = _view(tmp_path, {"crates/core/src/lib.rs": "x", "crates/core/Cargo.toml": "y", "Cargo.toml": "z"})
    src = view.tree["crates/core/src"].id
    loose = tmp_path / "r.git" / "objects" / str(src)[:2] / str(src)[2:]
    loose.unlink()
    found = TreeView(pygit2.Repository(repo.path), pygit2.Repository(repo.path)[view.tree.id]).find(
        {"Cargo.toml"}, MemoryCache())
    assert found.missing == ("crates/core/src",)
    assert sorted(found.files) == ["Cargo.toml", "crates/core/Cargo.toml"]


def test_symbolic_links_are_listed_apart_and_never_read_as_files(tmp_path):
    builder = RepoBuilder(tmp_path / "r.git", bare=True)
    repo = builder.repo
    inner = repo.TreeBuilder()
    inner.insert("Cargo.toml", repo.create_blob(b"[package]\nname='x'\n"), pygit2.GIT_FILEMODE_BLOB)
    top = repo.TreeBuilder()
    top.insert("real", inner.write(), pygit2.GIT_FILEMODE_TREE)
    top.insert("Cargo.toml", repo.create_blob(b"real/Cargo.toml"), pygit2.GIT_FILEMODE_LINK)
    view = TreeView(repo, repo[top.write()])
    found = view.find({"Cargo.toml"}, MemoryCache())
    assert found.paths("Cargo.toml") == ["real/Cargo.toml"]
    assert found.links("Cargo.toml") == ["Cargo.toml"]
    assert view.is_link("Cargo.toml") and not view.is_link("real/Cargo.toml")


def test_read_of_a_missing_blob_names_the_file(tmp_path):
    repo, view = _view(tmp_path, {"pkg/package.json": "{}"})
    blob = view.tree["pkg/package.json"].id
    (tmp_path / "r.git" / "objects" / str(blob)[:2] / str(blob)[2:]).unlink()
    fresh = pygit2.Repository(repo.path)
    with pytest.raises(MissingObject, match="pkg/package.json"):
        TreeView(fresh, fresh[view.tree.id]).read("pkg/package.json")
    assert view.read("nothing/here") is None


def test_entries_resolved_level_by_level_are_what_pygit2_finds_by_path(tmp_path):
    deep = "/".join(["d"] * 1500)
    files = {"a/b/c.toml": "1", "a/x.toml": "2", f"{deep}/f": "3", "blob": "4"}
    repo, view = _view(tmp_path, files)
    for path in ["a/b/c.toml", "a/x.toml", "a/b", f"{deep}/f", "a/missing", "blob/under-a-file", "nowhere/x"]:
        try:
            expected = str(view.tree[path].id)
        except KeyError:
            expected = None
        found = view.entry(path)
        assert (str(found.id) if found is not None else None) == expected, path
    assert view.read(f"{deep}/f") == b"3" and view.subdirs("a") == ["b"]
