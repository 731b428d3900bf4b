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
