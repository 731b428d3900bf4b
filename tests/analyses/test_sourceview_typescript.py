"""TypeScript/JavaScript source view on a fixture npm workspace: every import form, paths, package imports."""
from __future__ import annotations

from fixtures.sourcecode import NPM, NPM_DECLARED, NPM_EDGES, NPM_EXTERNALS, npm_packages
from fixtures.sources import fixture_sources, names_of
from miner.analyses.sourceview import source_view


def _sources(tmp_path):
    return fixture_sources(tmp_path / "r.git", NPM, npm_packages())


def test_used_edges_between_packages(tmp_path):
    view = source_view(_sources(tmp_path))
    assert names_of(view, {(e.source, e.target): (e.files, e.example) for e in view.edges}) == NPM_EDGES


def test_declared_dependencies_beside_used_ones(tmp_path):
    view = source_view(_sources(tmp_path))
    assert names_of(view, {(row.package, row.dependency): row.status for row in view.declared}) == NPM_DECLARED


def test_bare_specifiers_of_no_package_are_external_and_node_builtins_are_not(tmp_path):
    view = source_view(_sources(tmp_path))
    externals = {(use.unit, use.name): (use.files, use.example) for use in view.externals}
    assert names_of(view, externals) == NPM_EXTERNALS
    assert view.unresolved == ()


def test_node_modules_dist_and_nested_packages_are_not_read_as_the_parents_sources(tmp_path):
    sources = _sources(tmp_path)
    paths = {file.path for file in sources.files}
    assert not any("node_modules" in path or "/dist/" in path for path in paths)
    root = next(unit.key for unit in sources.units if unit.package.name == "fx-root")
    assert [file.path for file in sources.files if file.unit == root] == []
    assert {file.grammar for file in sources.files} == {"typescript", "tsx", "javascript"}


def test_import_kinds_say_which_form_each_import_came_from(tmp_path):
    sources = _sources(tmp_path)
    kinds = {(file.path, i.target): i.kind for file in sources.files for i in file.imports.imports}
    assert kinds[("packages/a/src/index.ts", "@fx/c/dist/types")] == "type"
    assert kinds[("packages/a/src/index.ts", "./util")] == "export"
    assert kinds[("packages/a/src/index.ts", "@fx/d")] == "import"
    assert kinds[("packages/a/src/util.ts", "lodash")] == "require"
    assert kinds[("packages/a/src/util.ts", "@fx/b/sub")] == "dynamic"
    assert kinds[("packages/c/types.ts", "@fx/b")] == "type"
    assert kinds[("packages/c/types.ts", "fs/promises")] == "require"
    assert not any(target.startswith("./${") or target == "./" for _, target in kinds)
