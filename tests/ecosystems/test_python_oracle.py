"""Every fixture Python repository, read from git by miner, matches what uv says about it.

uv is run on the fixture written to disk (see fixtures/python_projects.py):
`uv workspace dir` and `uv workspace list` in every directory with a
pyproject.toml for the workspaces and their members, `uv lock` against stub
wheels for versions and the edges between members.
"""
from __future__ import annotations

import pytest

from fixtures import python_projects as fx
from fixtures.manifest_trees import workspaces, write
from miner.ecosystems.python import PYTHON

SHAPES = {
    "mistral-vibe-one-uv-project": fx.VIBE,
    "codex-two-standalone-sdk-projects": fx.CODEX_SDK,
    "virtual-root-globs-excludes-sources-groups": fx.VIRTUAL,
    "root-project-and-workspace": fx.ROOT_PROJECT,
    "exclude-crosses-slashes-hidden-members": fx.PATTERN_EDGES,
    "sources-scoped-to-an-extra-and-a-group": fx.SCOPED_SOURCES,
}


@pytest.mark.parametrize("files", SHAPES.values(), ids=SHAPES.keys())
def test_members_versions_and_internal_edges_match_uv(files, tmp_path):
    if fx.uv_binary() is None:
        pytest.skip("uv 0.10 or newer is not installed (pip install uv, or the `oracles` extra)")
    write(files, tmp_path / "work")
    expected, refused = fx.uv_view(tmp_path / "work")
    assert not refused, refused
    assert expected, "uv found no workspace in the fixture"
    assert fx.parser_view(workspaces(PYTHON, files, tmp_path / "repo.git")) == expected
