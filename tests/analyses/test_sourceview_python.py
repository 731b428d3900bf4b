"""Python source view on a fixture project: relative imports, submodules, the subpackage graph."""
from __future__ import annotations

from fixtures.sourcecode import PYTHON, PYTHON_EXTERNALS, PYTHON_NODES, PYTHON_SUBPACKAGE_EDGES, python_packages
from fixtures.sources import fixture_sources, names_of
from miner.analyses.sourceview import source_view


def _sources(tmp_path, files=PYTHON):
    return fixture_sources(tmp_path / "r.git", files, python_packages())


def test_the_subpackage_graph_of_a_single_package_project(tmp_path):
    (graph,) = source_view(_sources(tmp_path)).subpackages
    assert graph.package == "pkg" and graph.nodes == PYTHON_NODES
    assert {(e.source, e.target): (e.files, e.example) for e in graph.edges} == PYTHON_SUBPACKAGE_EDGES


def test_imports_of_other_top_level_names_are_external_unless_standard(tmp_path):
    view = source_view(_sources(tmp_path))
    externals = {(use.unit, use.name): (use.files, use.example) for use in view.externals}
    assert names_of(view, externals) == PYTHON_EXTERNALS
    assert view.edges == () and view.unresolved == ()


def test_the_package_directories_are_read_and_tests_are_not(tmp_path):
    sources = _sources(tmp_path)
    (unit,) = sources.units
    assert (unit.names, unit.base, unit.dirs) == (("pkg",), "", ("pkg",))
    assert {file.path for file in sources.files} == {path for path in PYTHON if path.startswith("pkg/")}


def test_a_src_layout_project_resolves_from_src(tmp_path):
    files = {"pyproject.toml": PYTHON["pyproject.toml"]}
    files.update({f"src/{path}": text for path, text in PYTHON.items() if path.startswith("pkg/")})
    (graph,) = source_view(_sources(tmp_path, files)).subpackages
    assert {(e.source, e.target): e.files for e in graph.edges} == {
        pair: files for pair, (files, _) in PYTHON_SUBPACKAGE_EDGES.items()}


def test_a_relative_import_climbing_out_of_the_package_and_a_missing_module_are_unresolved(tmp_path):
    files = dict(PYTHON, **{"pkg/core/engine.py": "from ... import x\nimport pkg.gone\n"})
    view = source_view(_sources(tmp_path, files))
    assert sorted((use.name, use.example) for use in view.unresolved) == [
        ("...", "pkg/core/engine.py:1"), ("pkg.gone", "pkg/core/engine.py:2")]
