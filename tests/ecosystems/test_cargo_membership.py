"""The membership facts each fixture exists to exercise, stated without Cargo.

These pin down what `test_cargo_oracle` compares, so that a fixture which
stopped exercising its rule (or a Cargo that is absent) cannot hide a defect.
"""
from __future__ import annotations

from fixtures import workspaces as fx
from fixtures.workspaces import cargo_workspaces
from miner.model.packages import Dependency
from miner.store.cache import MemoryCache


def read(files, tmp_path, **options):
    repo, tree = fx.commit(files, tmp_path / "repo.git")
    return {workspace.root: workspace for workspace in cargo_workspaces(repo, tree, MemoryCache(), **options)}


def names(workspace):
    return sorted(crate.name for crate in workspace.packages)


def test_discovery_finds_roots_and_unclaimed_packages(tmp_path):
    found = read(fx.DISCOVERY, tmp_path)
    assert sorted(found) == ["", "scratch", "tools/xtask"]
    assert names(found[""]) == ["a"]
    assert names(found["scratch"]) == ["scratch"]
    assert names(found["tools/xtask"]) == ["xtask"]


def test_package_without_workspace_does_not_claim_its_path_dependencies(tmp_path):
    found = read(fx.DISCOVERY_STANDALONE, tmp_path)
    assert {root: names(ws) for root, ws in found.items()} == {"": ["top"], "docs/example": ["example"]}
    assert found[""].packages[0].dependencies == ()


def test_member_outside_the_workspace_directory_points_back(tmp_path):
    found = read(fx.POINTER, tmp_path)
    assert [root for root, workspace in found.items() if workspace.packages] == ["ws"]
    assert [(crate.name, crate.path) for crate in found["ws"].packages] == [("shared", "shared"), ("app", "ws/app")]
    assert found["ws"].package("app").dependencies == (Dependency("shared"),)
    refused = [("lost/Cargo.toml", "package.workspace leads to 'nowhere/Cargo.toml', which does not exist: "
                                   "Cargo refuses this package (failed to read it)")]
    assert [(w.path, w.message) for w in found["lost"].warnings] == refused
    pinned = read(fx.POINTER, tmp_path / "pin", pin="lost")["lost"]
    assert (pinned.packages, [(w.path, w.message) for w in pinned.warnings]) == ((), refused)


def test_globs_match_directories_and_exclude_wins_over_globs(tmp_path):
    found = read(fx.GLOBS, tmp_path)
    assert names(found[""]) == ["alpha", "beta", "leaf0", "leaf2", "one", "p1", "two"]
    assert names(found["crates/old"]) == ["old"]


def test_root_package_is_a_member(tmp_path):
    workspace = read(fx.RIPGREP, tmp_path)[""]
    ripgrep = workspace.package("ripgrep")
    assert (ripgrep.path, ripgrep.manifest, ripgrep.version) == ("", "Cargo.toml", "14.1.0")
    assert workspace.package("grep-cli").path == "crates/cli"
    assert workspace.package("grep-cli").description == "Utilities for search oriented CLIs."
    assert [dep.name for dep in ripgrep.dependencies] == ["grep", "ignore"]


def test_path_dependencies_inside_the_workspace_become_members(tmp_path):
    found = read(fx.IMPLICIT, tmp_path)
    assert names(found["ws"]) == ["app", "helpers", "support"]
    assert names(found["outside"]) == ["outside"]
    assert found["ws"].package("support").dependencies == (Dependency("helpers"),)


def test_renamed_dependencies_keep_their_alias(tmp_path):
    core = read(fx.RENAMES, tmp_path)[""].package("acme-core")
    assert core.path == "core"
    assert core.dependencies == (
        Dependency("acme-protocol", alias="acme-protocol"),
        Dependency("acme-protocol", alias="proto"),
    )


def test_inherited_dependencies_version_and_description(tmp_path):
    workspace = read(fx.INHERITANCE, tmp_path)[""]
    base, top = workspace.package("base"), workspace.package("top")
    assert (base.version, base.description) == ("2.3.4", "shared words")
    assert (top.version, top.description) == ("2.3.4", "its own")
    assert set(top.dependencies) == {
        Dependency("base", optional=True),
        Dependency("base", kind="dev", alias="renamed"),
        Dependency("base", kind="build", target="cfg(unix)"),
    }


def test_kinds_targets_optional_and_underscore_spellings(tmp_path):
    a = read(fx.KINDS, tmp_path)[""].package("a")
    assert set(a.dependencies) == {
        Dependency("b", optional=True),
        Dependency("c", kind="dev"),
        Dependency("c", kind="build"),
        Dependency("c", target='cfg(all(unix, not(target_os = "macos")))'),
        Dependency("b", kind="dev", target="x86_64-pc-windows-gnu"),
        Dependency("b", kind="build", target="cfg(windows)", optional=True),
    }
    assert read(fx.KINDS, tmp_path / "again")[""].package("c").version == "0.0.0"


def test_codex_shaped_workspace(tmp_path):
    found = read(fx.CODEX, tmp_path)
    assert list(found) == ["codex-rs"]
    workspace = found["codex-rs"]
    paths = {crate.name: crate.path for crate in workspace.packages}
    assert paths == {
        "codex-app-server": "codex-rs/app-server",
        "app_test_support": "codex-rs/app-server/tests/common",
        "codex-core": "codex-rs/core",
        "codex-protocol": "codex-rs/protocol",
        "codex-git": "codex-rs/utils/git",
        "codex-windows-sandbox": "codex-rs/windows-sandbox-rs",
        "codex-cli": "codex-rs/cli",
    }
    assert {crate.version for crate in workspace.packages} == {"0.44.0"}
    assert set(workspace.package("codex-core").dependencies) == {
        Dependency("codex-git"), Dependency("codex-protocol"),
        Dependency("codex-windows-sandbox", target="cfg(windows)"),
    }
    assert Dependency("app_test_support", kind="dev") in workspace.package("codex-app-server").dependencies
    assert workspace.warnings == ()


def test_pin_returns_the_workspace_cargo_uses_there(tmp_path):
    assert list(read(fx.CODEX, tmp_path, pin="codex-rs")) == ["codex-rs"]
    from_member = read(fx.CODEX, tmp_path / "member", pin="codex-rs/utils/git/")
    assert list(from_member) == ["codex-rs"] and len(from_member["codex-rs"].packages) == 7
    assert list(read(fx.DISCOVERY, tmp_path / "excluded", pin="scratch")) == ["scratch"]
