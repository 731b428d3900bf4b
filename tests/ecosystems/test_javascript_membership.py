"""Which package.json files make workspaces, which manager owns them, and which belong to nobody."""
from __future__ import annotations

import pytest

from fixtures import javascript as fx
from tests.ecosystems.test_javascript_bad_input import _read, _roots


def _owners(workspaces):
    return {workspace.root: workspace.ecosystem for workspace in workspaces}


def test_gemini_cli_examples_and_tools_inside_the_root_belong_to_nobody(tmp_path):
    found = _read(fx.GEMINI, tmp_path)
    assert _roots(found) == {"": ["", "packages/a2a-server", "packages/cli", "packages/core", "packages/test-utils",
                                  "packages/vscode-ide-companion"]}


def test_standalone_packages_are_workspaces_of_one_and_what_nests_in_them_belongs_to_nobody(tmp_path):
    found = _read(fx.STANDALONE, tmp_path)
    assert _roots(found) == {"scripts/tool": ["scripts/tool"], "sdk/typescript": ["sdk/typescript"],
                             "vscode": ["vscode"]}
    assert all(not package.dependencies for workspace in found for package in workspace.packages)


@pytest.mark.parametrize(("marker", "manager"), [
    ("pnpm-workspace.yaml", "pnpm"), ("bun.lock", "bun"), ("bun.lockb", "bun"), ("bunfig.toml", "bun"),
    ("yarn.lock", "yarn"), (".yarnrc.yml", "yarn"), ("package-lock.json", "npm"), ("README.md", "npm")])
def test_the_files_beside_a_root_name_its_manager(marker, manager, tmp_path):
    files = {"package.json": fx.pkg("root", workspaces=["packages/*"]), "packages/a/package.json": fx.pkg("a"),
             marker: "packages: ['packages/*']\n" if marker.endswith(".yaml") else "x\n"}
    found = _read(files, tmp_path)
    assert _owners(found) == {"": manager} and _roots(found) == {"": ["", "packages/a"]}


@pytest.mark.parametrize(("files", "manager"), [
    ({"bun.lock": "{}", "pnpm-lock.yaml": "x"}, "bun"), ({"pnpm-lock.yaml": "x"}, "pnpm"),
    ({"bun.lock": "{}", "yarn.lock": ""}, "bun")])
def test_a_package_owned_by_its_lock_files(files, manager, tmp_path):
    found = _read({"app/package.json": fx.pkg("app"), **{f"app/{name}": text for name, text in files.items()}},
                  tmp_path)
    assert _owners(found) == {"app": manager}


@pytest.mark.parametrize("declared", ["yarn@4.5.0", "bun@1.3.10", "npm@11.0.0", "pnpm@10.8.1+sha512.abc"])
def test_package_manager_field_names_the_owner_before_any_file(declared, tmp_path):
    files = {"package.json": fx.pkg("root", workspaces=["packages/*"], packageManager=declared),
             "yarn.lock": "", "bun.lock": "{}", "packages/a/package.json": fx.pkg("a")}
    found = _read(files, tmp_path)
    manager = declared.split("@")[0]
    assert _owners(found) == {"": manager}
    assert _roots(found) == ({"": [""]} if manager == "pnpm" else {"": ["", "packages/a"]})


def test_pnpm_without_packages_has_only_the_root_and_ignores_the_workspaces_field(tmp_path):
    files = {"package.json": fx.pkg("root", workspaces=["packages/*"]), "pnpm-workspace.yaml": "catalog: {}\n",
             "packages/a/package.json": fx.pkg("a")}
    assert _roots(_read(files, tmp_path)) == {"": [""]}


def test_a_nested_root_listed_by_the_outer_one_is_its_member_and_an_unlisted_one_its_own_workspace(tmp_path):
    files = {"package.json": fx.pkg("root", workspaces=["apps/*"]),
             "apps/web/package.json": fx.pkg("web", workspaces=["parts/*"]),
             "apps/web/parts/p/package.json": fx.pkg("p"),
             "tools/ws/package.json": fx.pkg("tools", workspaces=["*"]), "tools/ws/t/package.json": fx.pkg("t")}
    assert _roots(_read(files, tmp_path)) == {"": ["", "apps/web"], "tools/ws": ["tools/ws", "tools/ws/t"]}


def test_a_nameless_root_is_no_package_but_its_workspaces_are_members(tmp_path):
    files = {"package.json": fx.pkg(None, None, private=True, workspaces=["packages/*"]),
             "packages/a/package.json": fx.pkg("a")}
    assert _roots(_read(files, tmp_path)) == {"": ["packages/a"]}


def test_a_root_of_another_manager_inside_a_root_is_claimed_by_the_outer_one_when_listed(tmp_path):
    files = {"package.json": fx.pkg("root"), "pnpm-workspace.yaml": "packages: ['web']\n",
             "web/package.json": fx.pkg("web", workspaces=["x/*"]), "web/x/y/package.json": fx.pkg("y")}
    found = _read(files, tmp_path)
    assert _roots(found) == {"": ["", "web"]} and _owners(found) == {"": "pnpm"}


def test_nothing_under_node_modules_is_read(tmp_path):
    files = {"node_modules/left-pad/package.json": fx.pkg("left-pad"),
             "app/package.json": fx.pkg("app"), "app/node_modules/x/package.json": "{not json"}
    found = _read(files, tmp_path)
    assert _roots(found) == {"app": ["app"]} and all(not w.warnings for w in found)
