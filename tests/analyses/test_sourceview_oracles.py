"""The fixture projects' import graphs against independent tools: grimp for Python, dependency-cruiser for npm.

The files the source view read (and the manifests) are written from git
blobs to a directory, as the benchmarks do with real repositories, and the
oracle's graph is reduced to the source
view's units (see `fixtures.sources`).
"""
from __future__ import annotations

import importlib.util

import pytest

from fixtures.sourcecode import NPM, PYTHON, npm_packages, python_packages
from fixtures.sources import committed, depcruise_edges, depcruise_path, export, grimp_edges
from miner.analyses.sourceview import source_view
from miner.sources.code import ReleaseTree, read_sources
from miner.store.cache import MemoryCache


def _read(tmp_path, files, packages):
    repo, tree = committed(tmp_path / "r.git", files)
    (sources,) = read_sources(repo, [ReleaseTree("v1.0.0", tree, packages)], MemoryCache())
    folder = tmp_path / "exported"
    manifests = [path for path in files if path.endswith(("package.json", "tsconfig.json"))]
    export(repo, tree, [file.path for file in sources.files] + manifests, folder)
    return sources, folder



@pytest.mark.skipif(importlib.util.find_spec("grimp") is None, reason="grimp is not installed (the test extra)")
def test_the_python_subpackage_graph_equals_grimps(tmp_path):
    sources, folder = _read(tmp_path, PYTHON, python_packages())
    (graph,) = source_view(sources).subpackages
    theirs, modules = grimp_edges(folder, "pkg")
    assert {(edge.source, edge.target): edge.files for edge in graph.edges} == theirs
    assert modules == len(sources.files)


def test_the_npm_package_graph_equals_dependency_cruisers_but_for_tsconfig_paths(tmp_path):
    depcruise = depcruise_path() or pytest.skip("dependency-cruiser is not installed (npm install dependency-cruiser typescript)")
    sources, folder = _read(tmp_path, NPM, npm_packages())
    view = source_view(sources)
    ours = {(edge.source, edge.target): edge.files for edge in view.edges}
    theirs, modules = depcruise_edges(depcruise, folder, sources.units)
    # depcruise applies tsconfig `paths` only from one --ts-config for the whole run, not per package,
    # so `@shared/s` (a's paths) is a bare specifier of no package to it.
    assert ours.pop(("npm::packages/a", "npm::packages/shared")) == 1
    assert ours == theirs
    assert modules == len(sources.files)
