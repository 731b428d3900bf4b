"""Manifests Cargo cannot load refuse the packages that need them, and miner says so.

Found by hypothesis (the workspace property, tests/ecosystems/test_props_workspaces.py):
Cargo loads every manifest above a package on its way to the workspace root, and
every path dependency, member or not; one it cannot load (does not parse, a
refused [workspace] field, an inherited field or dependency its workspace does
not define, a workspace root it cannot load) refuses the package or the
workspace, where miner listed a crate without a warning.
"""
from __future__ import annotations

import pytest

from fixtures import workspaces as fx
from miner.store.cache import MemoryCache

UNLOADABLE_ABOVE = {
    "root inherits an undefined version": '[package]\nname = "top"\nedition = "2021"\nversion.workspace = true\n\n'
                                          '[workspace]\nmembers = []\nexclude = ["crates/old"]\n',
    "root does not parse": '[package\nname = "top"\n',
    "root inherits an undefined dependency": '[workspace]\nexclude = ["crates/old"]\n[package]\nname = "top"\n'
                                             'edition = "2021"\n[dependencies]\nold = { workspace = true }\n',
    "root members are no array": '[workspace]\nmembers = "crates/*"\nexclude = ["crates/old"]\n',
}


@pytest.mark.parametrize("root", UNLOADABLE_ABOVE.values(), ids=UNLOADABLE_ABOVE.keys())
def test_a_package_below_a_manifest_cargo_cannot_load_is_a_warning_not_a_crate(root, tmp_path):
    files = fx.with_sources({"Cargo.toml": root, "crates/old/Cargo.toml": fx.package("old")})
    if fx.cargo_available():
        fx.write(files, tmp_path / "work")
        assert fx.cargo_metadata(tmp_path / "work/crates/old/Cargo.toml", str(tmp_path / "home")) is None
    repo, tree = fx.commit(files, tmp_path / "repo.git")
    found = fx.cargo_workspaces(repo, tree, MemoryCache())
    assert "old" not in [package.name for workspace in found for package in workspace.packages]
    warned = [w.message for workspace in found for w in workspace.warnings if w.path == "crates/old/Cargo.toml"]
    assert warned and warned[0].startswith("Cargo refuses this package: looking for its workspace root it reads Cargo.toml")
    pinned = fx.cargo_workspaces(repo, tree, MemoryCache(), pin="crates/old")
    assert [(w.root, w.packages, [x.message for x in w.warnings]) for w in pinned] == [("crates/old", (), warned)]


ROOT = '[workspace]\nmembers = []\n'
UNLOADABLE_DEPENDENCY = {
    "inherits what its workspace lacks": (ROOT, '[package]\nname = "b"\nedition = "2021"\nversion.workspace = true\n'),
    "does not parse": (ROOT, '[package\nname = "b"\n'),
    "inherits but belongs to no workspace": ('[workspace]\nmembers = []\nexclude = ["crates"]\n',
                                             fx.package("b", '[dependencies]\nserde = { workspace = true }\n')),
    "its workspace root cannot be loaded": ('[package]\nname = "top"\nedition = "2021"\nversion.workspace = true\n' + ROOT,
                                            fx.package("b")),
}


@pytest.mark.parametrize("root, dependency", UNLOADABLE_DEPENDENCY.values(), ids=UNLOADABLE_DEPENDENCY.keys())
def test_a_path_dependency_cargo_cannot_load_is_a_warning_on_the_workspace_using_it(root, dependency, tmp_path):
    files = fx.with_sources({
        "Cargo.toml": root,
        "crates/b/Cargo.toml": dependency,
        "nested/xtask/Cargo.toml": fx.package("xtask", '[dependencies]\nb = { path = "../../crates/b" }\n[workspace]\n'),
    })
    if fx.cargo_available():
        fx.write(files, tmp_path / "work")
        assert fx.cargo_metadata(tmp_path / "work/nested/xtask/Cargo.toml", str(tmp_path / "home")) is None
    repo, tree = fx.commit(files, tmp_path / "repo.git")
    nested = [w for w in fx.cargo_workspaces(repo, tree, MemoryCache()) if w.root == "nested/xtask"]
    assert [w.path for w in nested[0].warnings] == ["crates/b/Cargo.toml"]
    assert nested[0].warnings[0].message.startswith("Cargo refuses the workspace: it cannot load this path dependency")
