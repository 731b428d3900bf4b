"""Every fixture workspace, read from git by `miner.ecosystems.cargo`, matches what `cargo metadata` says.

One fixture per membership rule (see fixtures/workspaces.py); Cargo is run on
every manifest of the fixture written to disk, so discovery is checked too.
"""
from __future__ import annotations

import pytest

from fixtures import workspaces as fx
from fixtures.workspaces import cargo_workspaces
from miner.store.cache import MemoryCache

RULES = {
    "discovery": fx.DISCOVERY,
    "discovery-unclaimed-packages": fx.DISCOVERY_STANDALONE,
    "package-workspace-pointer": fx.POINTER,
    "member-globs-and-exclude": fx.GLOBS,
    "root-package-and-workspace": fx.RIPGREP,
    "path-deps-before-workspace": fx.RIPGREP_EARLY,
    "implicit-path-dependency-members": fx.IMPLICIT,
    "names-and-renamed-dependencies": fx.RENAMES,
    "workspace-inheritance": fx.INHERITANCE,
    "kinds-targets-optional-spellings": fx.KINDS,
    "codex-shaped": fx.CODEX,
}


def miner_view(files, tmp_path):
    repo, tree = fx.commit(files, tmp_path / "repo.git")
    return fx.parser_view(cargo_workspaces(repo, tree, MemoryCache()))


@pytest.mark.parametrize("files", RULES.values(), ids=RULES.keys())
def test_matches_cargo_metadata(files, tmp_path):
    if not fx.cargo_available():
        pytest.skip("cargo is not on PATH or has no toolchain to run offline")
    fx.write(files, tmp_path / "work")
    expected = fx.cargo_view(tmp_path / "work")
    assert expected, "cargo accepted none of the fixture's manifests"
    assert miner_view(files, tmp_path) == expected


def test_members_patched_in_by_version_are_edges_as_cargo_resolves_them(tmp_path):
    """tokio from 1.50: `tokio = "1.38.0"` in a member, `[patch.crates-io] tokio = { path = "tokio" }` at the
    root. `cargo metadata --no-deps` names the dependency's registry; its resolve has the member."""
    if not fx.cargo_available():
        pytest.skip("cargo is not on PATH or has no toolchain to run offline")
    fx.write(fx.PATCHED, tmp_path / "work")
    resolved = fx.cargo_resolved_edges(tmp_path / "work")
    assert resolved is not None, "cargo could not resolve the fixture offline"
    view = miner_view(fx.PATCHED, tmp_path)[""]
    assert {(name, dependency, kind) for name, dependency, kind, *_ in view["edges"]} == resolved
    assert len(resolved) == 5 and view == fx.cargo_view(tmp_path / "work")[""]


def test_a_patch_applies_to_crates_io_dependencies_alone_and_makes_no_member(tmp_path):
    files = fx.with_sources({
        "Cargo.toml": '[workspace]\nmembers = ["a", "b"]\n\n[patch.crates-io]\nb = { path = "b" }\n'
                      'c = { path = "vendor/c" }\n',
        "a/Cargo.toml": fx.package("a", '[dependencies]\nb = { git = "https://example.com/b" }\nc = "1"\n'
                                        '[dev-dependencies]\nb = { version = "0.1", registry = "internal" }\n'),
        "b/Cargo.toml": fx.package("b"),
        "vendor/c/Cargo.toml": fx.package("c"),
    })
    view = miner_view(files, tmp_path)
    assert view[""]["edges"] == [] and [m[0] for m in view[""]["members"]] == ["a", "b"]
