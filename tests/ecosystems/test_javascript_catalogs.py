"""`catalog:` specs take their range from pnpm's and bun's catalogs; one that resolves to nothing is a warning."""
from __future__ import annotations

import pytest

from fixtures import javascript as fx
from miner.ecosystems.packagejson import catalog_range
from tests.ecosystems.test_javascript_bad_input import _read, _warnings

CATALOGS = {"default": {"zod": "^3.25.0", "core": "^1.0.0"}, "react18": {"react": "18.3.1"}}


@pytest.mark.parametrize(("key", "spec", "expected"), [
    ("zod", "catalog:", ("^3.25.0", None)), ("zod", "catalog:default", ("^3.25.0", None)),
    ("react", "catalog:react18", ("18.3.1", None)),
    ("react", "catalog:", (None, "'react' is not in catalog 'default'")),
    ("zod", "catalog:nope", (None, "'zod' asks for catalog 'nope', which is not defined"))])
def test_a_catalog_spec_stands_for_the_range_in_its_catalog(key, spec, expected):
    assert catalog_range(key, spec, CATALOGS) == expected


def test_pnpm_catalogs_come_from_the_workspace_yaml(tmp_path):
    files = {"package.json": fx.pkg("root"),
             "pnpm-workspace.yaml": "packages: ['*']\nlinkWorkspacePackages: true\ncatalog:\n  core: ^1.0.0\n"
                                    "catalogs:\n  old:\n    core: ^0.1.0\n",
             "core/package.json": fx.pkg("core", "1.2.0"),
             "app/package.json": fx.pkg("app", dependencies={"core": "catalog:"}, devDependencies={"zod": "catalog:"}),
             "old/package.json": fx.pkg("old", dependencies={"core": "catalog:old"})}
    found = _read(files, tmp_path)
    edges = {(p.path, d.path) for w in found for p in w.packages for d in p.dependencies}
    assert edges == {("app", "core")}  # the old catalog's ^0.1.0 is not satisfied by core 1.2.0
    assert _warnings(found) == [("app/package.json", "'zod' is not in catalog 'default'")]


def test_bun_catalogs_come_from_the_workspaces_object_or_the_top_level(tmp_path):
    files = {"package.json": fx.pkg("root", workspaces={"packages": ["packages/*"], "catalog": {"sdk": "^0.3.0"}},
                                    catalogs={"next": {"sdk": "^0.4.0"}}),
             "bun.lock": "{}\n",
             "packages/sdk/package.json": fx.pkg("sdk", "0.3.1"),
             "packages/app/package.json": fx.pkg("app", dependencies={"sdk": "catalog:"}),
             "packages/beta/package.json": fx.pkg("beta", dependencies={"sdk": "catalog:next"})}
    found = _read(files, tmp_path)
    edges = {(p.path, d.path) for w in found for p in w.packages for d in p.dependencies}
    assert edges == {("packages/app", "packages/sdk")} and _warnings(found) == []
