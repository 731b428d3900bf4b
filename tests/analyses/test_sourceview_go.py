"""Go source view on a fixture go.work: module paths by longest prefix, the go command's skipped directories."""
from __future__ import annotations

from fixtures.sourcecode import GO, GO_EDGES, GO_EXTERNALS, go_packages
from fixtures.sources import fixture_sources, names_of
from miner.analyses.sourceview import source_view


def _sources(tmp_path):
    return fixture_sources(tmp_path / "r.git", GO, go_packages())


def test_imports_go_to_the_module_with_the_longest_path_prefix(tmp_path):
    view = source_view(_sources(tmp_path))
    assert names_of(view, {(e.source, e.target): (e.files, e.example) for e in view.edges}) == GO_EDGES
    assert names_of(view, {(r.package, r.dependency): r.status for r in view.declared}) == {
        ("example.com/app", "example.com/lib"): "declared and used"}


def test_external_modules_are_named_by_their_host_and_the_standard_library_is_left_out(tmp_path):
    view = source_view(_sources(tmp_path))
    externals = {(use.unit, use.name): (use.files, use.example) for use in view.externals}
    assert names_of(view, externals) == GO_EXTERNALS


def test_vendor_testdata_underscore_directories_and_nested_modules_are_not_read(tmp_path):
    assert sorted(file.path for file in _sources(tmp_path).files) == [
        "app/internal/x/x.go", "app/main.go", "lib/lib.go", "lib/strings/s.go"]


def test_every_import_spec_form_has_its_kind(tmp_path):
    (main,) = [file for file in _sources(tmp_path).files if file.path == "app/main.go"]
    assert [(i.target, i.kind) for i in main.imports.imports] == [
        ("fmt", "import"), ("example.com/lib/strings", "alias"), ("embed", "blank"),
        ("example.com/app/internal/x", "dot"), ("github.com/spf13/cobra/doc", "import")]
