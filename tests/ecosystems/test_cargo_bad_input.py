"""Bad manifests and broken repositories give warnings naming the file; the rest is still returned."""
from __future__ import annotations

import os

import pygit2

from fixtures import workspaces as fx
from fixtures.workspaces import cargo_workspaces
from miner.store.cache import MemoryCache

GOOD = {
    "Cargo.toml": '[workspace]\nmembers = ["good", "bad"]\n',
    "good/Cargo.toml": fx.package("good"),
    "bad/Cargo.toml": fx.package("bad"),
}


def read(files, tmp_path):
    repo, tree = fx.commit(fx.with_sources(files), tmp_path / "repo.git")
    return cargo_workspaces(repo, tree, MemoryCache())


def only(workspaces):
    assert len(workspaces) == 1
    return workspaces[0]


def messages(workspace):
    return [str(warning) for warning in workspace.warnings]


def test_manifest_that_does_not_parse(tmp_path):
    workspace = only(read({**GOOD, "bad/Cargo.toml": "[package\nname = 'bad'\n"}, tmp_path))
    assert [crate.name for crate in workspace.packages] == ["good"]
    assert len(workspace.warnings) == 1
    assert messages(workspace)[0].startswith("bad/Cargo.toml: Cargo.toml does not parse")


def test_manifest_that_is_not_utf8(tmp_path):
    workspace = only(read({**GOOD, "bad/Cargo.toml": b"[package]\nname = \"\xff\"\n"}, tmp_path))
    assert [crate.name for crate in workspace.packages] == ["good"]
    assert workspace.warnings[0].path == "bad/Cargo.toml"


def test_member_glob_matching_nothing(tmp_path):
    workspace = only(read({**GOOD, "Cargo.toml": '[workspace]\nmembers = ["good", "bad", "plugins/*"]\n'}, tmp_path))
    assert [crate.name for crate in workspace.packages] == ["bad", "good"]
    assert [(w.path, w.message) for w in workspace.warnings] == [("Cargo.toml", "member 'plugins/*' matches no directory")]


def test_member_directory_without_manifest(tmp_path):
    files = {**GOOD, "Cargo.toml": '[workspace]\nmembers = ["good", "bad", "docs"]\n', "docs/README.md": "hi\n"}
    workspace = only(read(files, tmp_path))
    assert [crate.name for crate in workspace.packages] == ["bad", "good"]
    assert [w.path for w in workspace.warnings] == ["docs/Cargo.toml"]


def test_path_dependency_leaving_the_repository(tmp_path):
    files = {**GOOD, "good/Cargo.toml": fx.package("good", '[dependencies]\nx = { path = "../../elsewhere" }\n')}
    workspace = only(read(files, tmp_path))
    assert [crate.name for crate in workspace.packages] == ["bad", "good"]
    assert [(w.path, w.message) for w in workspace.warnings] == [
        ("good/Cargo.toml", "path dependency 'x' leaves the repository")]


def test_inherited_dependency_missing_from_the_workspace(tmp_path):
    files = {**GOOD, "good/Cargo.toml": fx.package("good", '[dependencies]\nbad = { workspace = true }\n')}
    workspace = only(read(files, tmp_path))
    assert workspace.package("good").dependencies == ()
    assert workspace.warnings[0].path == "good/Cargo.toml"


def test_wrong_types_in_manifests(tmp_path):
    files = {
        "Cargo.toml": '[workspace]\nmembers = "good"\nexclude = 3\n[workspace.dependencies]\ngood = 1\n',
        "good/Cargo.toml": '[package]\nname = "good"\nversion = 7\n[dependencies]\nx = []\n[target]\nlinux = 1\n',
    }
    workspaces = read(files, tmp_path)
    assert [(workspace.root, workspace.packages) for workspace in workspaces] == [("", ())]


def test_unreadable_manifest_outside_any_workspace(tmp_path):
    workspaces = read({"tools/broken/Cargo.toml": "not = [toml"}, tmp_path)
    assert [(w.root, w.packages, [x.path for x in w.warnings]) for w in workspaces] == [
        ("tools/broken", (), ["tools/broken/Cargo.toml"])]


def test_missing_blob_and_missing_tree(tmp_path):
    files = {**GOOD, "extra/deep/Cargo.toml": fx.package("extra")}
    repo, tree = fx.commit(fx.with_sources(files), tmp_path / "repo.git")
    delete_object(repo, tree["bad/Cargo.toml"].id)
    delete_object(repo, tree["extra"].id)
    repo = pygit2.Repository(repo.path)  # forget objects already loaded
    workspaces = cargo_workspaces(repo, repo[tree.id], MemoryCache())
    root = workspaces[0]
    assert root.root == "" and [crate.name for crate in root.packages] == ["good"]
    assert sorted(w.path for w in root.warnings) == ["bad/Cargo.toml", "extra"]


def test_member_that_belongs_to_a_nested_workspace(tmp_path):
    files = {
        "Cargo.toml": '[workspace]\nmembers = ["good", "inner/x"]\n',
        "good/Cargo.toml": fx.package("good"),
        "inner/Cargo.toml": '[workspace]\nmembers = ["x"]\n',
        "inner/x/Cargo.toml": fx.package("x"),
    }
    found = {w.root: w for w in read(files, tmp_path)}
    assert [crate.name for crate in found[""].packages] == ["good"]
    assert found[""].warnings[0].path == "inner/x/Cargo.toml"
    assert [crate.name for crate in found["inner"].packages] == ["x"]


def delete_object(repo: pygit2.Repository, oid: pygit2.Oid) -> None:
    text = str(oid)
    os.remove(os.path.join(repo.path, "objects", text[:2], text[2:]))
