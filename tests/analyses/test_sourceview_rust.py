"""Rust source view on a fixture workspace: crate names, renames, tests and build scripts, macros, externals."""
from __future__ import annotations

from fixtures.sourcecode import RUST, RUST_DECLARED, RUST_EDGES, RUST_EXTERNALS, RUST_HIDDEN
from fixtures.sources import cargo_workspaces, fixture_sources, names_of
from miner.analyses.sourceview import notable_uses, source_view
from miner.catalogs.notable import load_notable


def _view(tmp_path):
    return source_view(fixture_sources(tmp_path / "r.git", RUST, cargo_workspaces))


def test_used_edges_follow_lib_names_renames_tests_and_build_scripts(tmp_path):
    view = _view(tmp_path)
    assert names_of(view, {(e.source, e.target): (e.files, e.example) for e in view.edges}) == RUST_EDGES


def test_a_crate_named_only_inside_a_macro_is_hidden_not_used(tmp_path):
    view = _view(tmp_path)
    assert names_of(view, {(e.source, e.target): (e.files, e.example) for e in view.hidden}) == RUST_HIDDEN
    assert view.macro_only_files == 1


def test_declared_dependencies_beside_used_ones(tmp_path):
    view = _view(tmp_path)
    assert names_of(view, {(row.package, row.dependency): row.status for row in view.declared}) == RUST_DECLARED


def test_external_crates_are_counted_per_importing_crate_and_found_in_the_catalog(tmp_path):
    view = _view(tmp_path)
    externals = {(use.unit, use.name): (use.files, use.example) for use in view.externals}
    assert names_of(view, externals) == RUST_EXTERNALS
    app = next(unit.key for unit in view.units if unit.package.name == "app")
    assert view.users_of("v8") == (app,)
    notable = {(use.registry, use.name): use.units for use in notable_uses(view, load_notable())}
    assert notable == {("cargo", "v8"): (app,)}


def test_only_the_crates_source_directories_are_read(tmp_path):
    view = _view(tmp_path)
    app = next(unit for unit in view.units if unit.package.name == "app")
    assert app.names == ("app",) and app.dirs == ("crates/app/src", "crates/app/tests", "crates/app/benches",
                                                  "crates/app/examples", "crates/app/build.rs")
    assert next(unit for unit in view.units if unit.package.name == "core-lib").names == ("corelib",)
    assert (view.counts.files, view.counts.parsed) == (13, 8)  # six empty lib.rs are one blob
