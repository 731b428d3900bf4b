"""Manifests Cargo refuses get a warning naming the manifest, and the rest of the workspace is read.

Each fixture is checked against Cargo itself: `cargo metadata --no-deps` refuses the named manifest
(or, for a cycle of path dependencies, which `--no-deps` lists, the resolve a build needs refuses it).
"""
from __future__ import annotations

import os
import tempfile

import pygit2
import pytest

from fixtures import workspaces as fx
from fixtures.forged import tree_with
from fixtures.workspaces import cargo_workspaces
from miner.store.cache import MemoryCache

TWO = {"a/Cargo.toml": fx.package("a"), "b/Cargo.toml": fx.package("b")}
DEEP_ARRAYS = "x = " + "[" * 5000 + "]" * 5000 + "\n"  # 10 KB
DEEP_TABLES = "x = " + "{ y = " * 3000 + "1" + " }" * 3000 + "\n"
# fixture, manifest Cargo refuses, miner's warning for it, the crates still read
REFUSED = {
    "integer-member": (
        {**TWO, "Cargo.toml": '[workspace]\nmembers = ["a", 3, "b"]\n'}, "Cargo.toml",
        "workspace.members holds an integer (3), not a path: Cargo refuses this manifest", ["a", "b"]),
    "string-exclude": (
        {**TWO, "Cargo.toml": '[workspace]\nmembers = ["a", "b"]\nexclude = "b"\n'}, "Cargo.toml",
        "workspace.exclude is a string, not an array of paths: Cargo refuses this manifest", ["a", "b"]),
    "string-members": (
        {**TWO, "Cargo.toml": '[workspace]\nmembers = "a"\n'}, "Cargo.toml",
        "workspace.members is a string, not an array of paths: Cargo refuses this manifest", []),
    "package-workspace-loop": (
        {"a/Cargo.toml": fx.package("a", 'workspace = "../b"\n'), "b/Cargo.toml": fx.package("b", 'workspace = "../a"\n')},
        "a/Cargo.toml", "package.workspace leads to 'b/Cargo.toml', which has no [workspace]: Cargo refuses this "
                        "package (root of a workspace inferred but wasn't a root)", []),
    "package-workspace-itself": (
        {**TWO, "a/Cargo.toml": fx.package("a", 'workspace = "."\n')}, "a/Cargo.toml",
        "package.workspace leads to 'a/Cargo.toml', which has no [workspace]: Cargo refuses this package (root of a "
        "workspace inferred but wasn't a root)", ["b"]),
    "arrays-nested-5000-deep": (
        {**TWO, "a/Cargo.toml": fx.package("a", "[package.metadata]\n" + DEEP_ARRAYS)}, "a/Cargo.toml",
        "Cargo.toml nests arrays or tables more than 100 deep; not parsed", ["b"]),
    "inline-tables-nested-3000-deep": (
        {**TWO, "a/Cargo.toml": fx.package("a", "[package.metadata]\n" + DEEP_TABLES)}, "a/Cargo.toml",
        "Cargo.toml nests arrays or tables more than 100 deep; not parsed", ["b"]),
}
CYCLE = (" -> ", "path dependencies form a cycle ({}): Cargo refuses to resolve this workspace (cyclic package "
                 "dependency)")
# fixture, the cycle miner names; None where Cargo resolves it
CYCLES = {
    "normal": ({"a/Cargo.toml": fx.package("a", '[dependencies]\nb = { path = "../b" }\n'),
                "b/Cargo.toml": fx.package("b", '[dependencies]\na = { path = "../a" }\n')}, "a -> b -> a"),
    "build-optional-target": (
        {"a/Cargo.toml": fx.package("a", '[build-dependencies]\nb = { path = "../b" }\n'),
         "b/Cargo.toml": fx.package("b", '[target.\'cfg(windows)\'.dependencies]\nc = { path = "../c", optional = true }\n'),
         "c/Cargo.toml": fx.package("c", '[dependencies]\na = { path = "../a" }\n')}, "a -> b -> c -> a"),
    "itself": ({"a/Cargo.toml": fx.package("a", '[dependencies]\na = { path = "." }\n'), "b/Cargo.toml": fx.package("b")},
               "a -> a"),
    "through-dev-dependencies": ({"a/Cargo.toml": fx.package("a", '[dev-dependencies]\nb = { path = "../b" }\n'),
                                  "b/Cargo.toml": fx.package("b", '[dependencies]\na = { path = "../a" }\n')}, None),
}


def read(files, tmp_path, **options):
    repo, tree = fx.commit(fx.with_sources(files), tmp_path / "repo.git")
    return cargo_workspaces(repo, tree, MemoryCache(), **options)


def warnings_of(workspaces):
    return [(w.path, w.message) for workspace in workspaces for w in workspace.warnings]


def crates_of(workspaces):
    return sorted(crate.name for workspace in workspaces for crate in workspace.packages)


def needs_cargo():
    if not fx.cargo_available():
        pytest.skip("cargo is not on PATH or has no toolchain to run offline")


@pytest.mark.parametrize("case", REFUSED.values(), ids=REFUSED.keys())
def test_cargo_refuses_the_manifest(tmp_path, case):
    files, manifest, _, _ = case
    needs_cargo()
    fx.write(fx.with_sources(files), tmp_path / "work")
    with tempfile.TemporaryDirectory() as home:
        assert fx.cargo_metadata(tmp_path / "work" / manifest, home) is None


@pytest.mark.parametrize("case", REFUSED.values(), ids=REFUSED.keys())
def test_miner_warns_naming_the_manifest_and_reads_the_rest(tmp_path, case):
    files, manifest, message, crates = case
    found = read(files, tmp_path)
    assert (manifest, message) in warnings_of(found)
    assert crates_of(found) == crates


@pytest.mark.parametrize("case", CYCLES.values(), ids=CYCLES.keys())
def test_a_cycle_of_path_dependencies_cargo_cannot_resolve(tmp_path, case):
    members, cycle = case
    files = {**members, "Cargo.toml": f'[workspace]\nmembers = {sorted(p.split("/")[0] for p in members)}\n'
                                      'resolver = "2"\n'}
    found = read(files, tmp_path)
    assert crates_of(found) == sorted(p.split("/")[0] for p in members)  # as `cargo metadata --no-deps` lists them
    expected = [] if cycle is None else [(f"{cycle[0]}/Cargo.toml", CYCLE[1].format(cycle))]
    assert warnings_of(found) == expected
    needs_cargo()
    fx.write(fx.with_sources(files), tmp_path / "work")
    with tempfile.TemporaryDirectory() as home:
        assert fx.cargo_metadata(tmp_path / "work" / "Cargo.toml", home) is not None
        assert fx.cargo_resolves(tmp_path / "work" / "Cargo.toml", home) == (cycle is None)


def test_a_symlinked_manifest_is_not_read_as_one(tmp_path):
    """The blob of a link holds its target's path: here text that parses as TOML, which is no manifest."""
    target = '[package]\nname = "forged"\nversion = "1.0.0"\n'
    repo, tree = fx.commit(fx.with_sources({"Cargo.toml": '[workspace]\nmembers = ["*"]\n', **TWO}), tmp_path / "r.git")
    link = tree_with(repo, tree["b"], "Cargo.toml", repo.create_blob(target), pygit2.GIT_FILEMODE_LINK)
    root = repo[tree_with(repo, tree, "b", link, pygit2.GIT_FILEMODE_TREE)]
    found = cargo_workspaces(repo, root, MemoryCache())
    assert crates_of(found) == ["a"]
    assert warnings_of(found) == [("b/Cargo.toml", "Cargo.toml is a symbolic link, not read: miner reads git objects "
                                                   "and follows no link")]
    needs_cargo()  # on disk the link leads nowhere (no file is named by that text), and Cargo refuses it
    work = tmp_path / "work"
    fx.write(fx.with_sources({"Cargo.toml": '[workspace]\nmembers = ["*"]\n', **TWO}), work)
    (work / "b" / "Cargo.toml").unlink()
    os.symlink(target, work / "b" / "Cargo.toml")
    with tempfile.TemporaryDirectory() as home:
        assert fx.cargo_metadata(work / "b" / "Cargo.toml", home) is None
