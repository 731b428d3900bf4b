"""Which plain ranges and aliases link a member, as each manager decides, checked by asking it offline.

A dependency that does not link a member is one the manager fetches from the
registry: offline, npm then fails with ENOTCACHED naming it, pnpm with
ERR_PNPM_NO_OFFLINE_META.  Those failures are the oracle that miner makes
no edge there.
"""
from __future__ import annotations

import os
import subprocess

import pytest

from fixtures import javascript as fx
from tests.ecosystems.test_javascript_oracle import miner_workspaces

MEMBER = {"packages/a/package.json": fx.pkg("a", "1.2.0")}


def _edges(files, tmp_path, ecosystem):
    return fx.miner_view(miner_workspaces(files, tmp_path), ecosystem)[""]["edges"]


@pytest.mark.parametrize(("key", "spec"), [("a", "^2.0.0"), ("a", "latest"), ("a", "npm:a@^2"), ("al", "npm:a@^1"),
                                           ("a", "1.2.0-beta.1 - 1.2.0-beta.3")])
def test_npm_fetches_what_the_member_does_not_satisfy_and_miner_links_nothing(key, spec, tmp_path):
    if not fx.available("npm"):
        pytest.skip("npm is not installed")
    files = {"package.json": fx.pkg("root", workspaces=["packages/*"]), **MEMBER,
             "packages/b/package.json": fx.pkg("b", dependencies={key: spec})}
    fx.write(files, tmp_path / "work")
    assert fx.npm_registry_fetch(tmp_path / "work") == "a"  # an alias is fetched by the name it stands for
    assert _edges(files, tmp_path, "npm") == []


@pytest.mark.parametrize("spec", ["^1.0.0", "*", "", "1.x", ">=1.2.0 <2", "~1.2", "npm:a@^1", "npm:other@~1.2"])
def test_npm_links_a_member_whose_version_satisfies_the_range(spec, tmp_path):
    if not fx.available("npm"):
        pytest.skip("npm is not installed")
    files = {"package.json": fx.pkg("root", workspaces=["packages/*"]), **MEMBER,
             "packages/b/package.json": fx.pkg("b", dependencies={"a": spec})}
    fx.write(files, tmp_path / "work")
    assert fx.npm_view(tmp_path / "work")[""]["edges"] == [("packages/b", "packages/a", "normal")]
    assert _edges(files, tmp_path, "npm") == [("packages/b", "packages/a", "normal")]


def _pnpm_offline(directory):
    result = subprocess.run([fx.tool("pnpm"), "install", "--lockfile-only", "--offline", "--ignore-scripts"],
                            cwd=directory, capture_output=True, text=True, env={**os.environ, **fx.ENV},
                            timeout=fx.TIMEOUT, check=False)
    return result.stdout + result.stderr


def test_pnpm_fetches_a_plain_range_by_default_and_miner_links_nothing(tmp_path):
    if not fx.available("pnpm"):
        pytest.skip("pnpm is not installed")
    files = {"package.json": fx.pkg("root"), "pnpm-workspace.yaml": "packages: ['packages/*']\n", **MEMBER,
             "packages/b/package.json": fx.pkg("b", dependencies={"a": "^1.0.0"})}
    fx.write(files, tmp_path / "work")
    assert "ERR_PNPM_NO_OFFLINE_META" in _pnpm_offline(tmp_path / "work")
    assert _edges(files, tmp_path, "pnpm") == []


@pytest.mark.parametrize(("where", "text"), [("pnpm-workspace.yaml", "linkWorkspacePackages: true\n"),
                                             (".npmrc", "link-workspace-packages=true\n")])
def test_pnpm_links_plain_ranges_when_told_to(where, text, tmp_path):
    if not fx.available("pnpm"):
        pytest.skip("pnpm is not installed")
    files = {"package.json": fx.pkg("root"), "pnpm-workspace.yaml": "packages: ['packages/*']\n", **MEMBER,
             "packages/b/package.json": fx.pkg("b", dependencies={"a": "^1.0.0"})}
    files[where] = files.get(where, "") + text
    fx.write(files, tmp_path / "work")
    assert fx.pnpm_view(tmp_path / "work")[""]["edges"] == [("packages/b", "packages/a", "normal")]
    assert _edges(files, tmp_path, "pnpm") == [("packages/b", "packages/a", "normal")]


@pytest.mark.parametrize(("yarnrc", "edges"), [("nodeLinker: node-modules\n", [("packages/b", "packages/a")]),
                                              ("enableTransparentWorkspaces: false\n", [])])
def test_yarn_links_plain_ranges_only_with_transparent_workspaces(yarnrc, edges, tmp_path):
    if not fx.available("yarn"):
        pytest.skip("yarn (berry) is not installed")
    files = {"package.json": fx.pkg("root", private=True, workspaces=["packages/*"]), "yarn.lock": "",
             ".yarnrc.yml": yarnrc, **MEMBER, "packages/b/package.json": fx.pkg("b", dependencies={"a": "^1.0.0"})}
    fx.write(files, tmp_path / "work")
    assert fx.yarn_view(tmp_path / "work")[""]["edges"] == edges
    assert fx.miner_view(miner_workspaces(files, tmp_path), "yarn", kinds=False)[""]["edges"] == edges


def test_npm_links_the_roots_dependency_on_a_workspace_whatever_its_range(tmp_path):
    if not fx.available("npm"):
        pytest.skip("npm is not installed")
    files = {"package.json": fx.pkg("root", workspaces=["packages/*"], dependencies={"a": "^0.9.0"}), **MEMBER}
    fx.write(files, tmp_path / "work")
    assert fx.npm_view(tmp_path / "work")[""]["edges"] == [("", "packages/a", "normal")]
    assert _edges(files, tmp_path, "npm") == [("", "packages/a", "normal")]
