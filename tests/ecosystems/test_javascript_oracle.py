"""Every fixture JavaScript workspace, read from git by miner, matches what its own manager says.

npm, pnpm and bun are run on the fixture written to disk (offline, no
scripts); miner reads the same files committed to git.  See
fixtures/javascript.py for the oracles and what each fixture holds.
"""
from __future__ import annotations

import pytest

from fixtures import javascript as fx
from miner.ecosystems import workspaces_at
from miner.sources.trees import TreeView
from miner.store.cache import MemoryCache

CASES = {
    "gemini-cli-npm": (fx.GEMINI, "npm"),
    "npm-negations-and-nameless": (fx.NEGATIONS, "npm"),
    "codex-pnpm": (fx.CODEX, "pnpm"),
    "pnpm-rules": (fx.PNPM_RULES, "pnpm"),
    "opencode-bun": (fx.OPENCODE, "bun"),
    "langgraphjs-yarn": (fx.YARN, "yarn"),
    "negations-under-yarn": ({**fx.NEGATIONS, "yarn.lock": ""}, "yarn"),
}
ORACLES = {"npm": fx.npm_view, "pnpm": fx.pnpm_view, "bun": fx.bun_view, "yarn": fx.yarn_view}


def miner_workspaces(files, tmp_path):
    repo, tree = fx.commit(files, tmp_path / "repo.git")
    return workspaces_at(TreeView(repo, tree), MemoryCache())


@pytest.mark.parametrize(("files", "manager"), CASES.values(), ids=CASES.keys())
def test_members_and_edges_match_the_manager(files, manager, tmp_path):
    if not fx.available(manager):
        pytest.skip(f"{manager} is not installed (npm install --prefix .ci-tools pnpm@10 bun @yarnpkg/cli-dist)")
    fx.write(files, tmp_path / "work")
    expected = ORACLES[manager](tmp_path / "work")
    found = fx.miner_view(miner_workspaces(files, tmp_path), manager, peers=manager not in ("pnpm", "yarn"),
                          collapse=manager == "npm", kinds=manager != "yarn")
    assert {root: view for root, view in found.items() if root == ""} == expected
