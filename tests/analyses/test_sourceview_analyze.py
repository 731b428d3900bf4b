"""The source view inside `mine analyze`: its tables per stable release, the store's cache, the report, the graphs."""
from __future__ import annotations

import json

import networkx as nx
import pandas as pd
import pytest

from fixtures.sourcecode import NPM, PYTHON, PYTHON_SUBPACKAGE_EDGES, RUST
from miner._sample.builder import RepoBuilder
from miner.errors import MinerError
from miner.outputs.publish import publish
from miner.outputs.report import architecture
from miner.pipeline import analyze
from tests.analyses.test_sourceview_bad_input import FILES as BAD_FILES
from tests.outputs.gexf_schema import gexf_errors


def _repo(path, *releases):
    """A bare repository with one commit per (tag, files) in `releases`, a day apart."""
    builder = RepoBuilder(path, bare=True)
    for day, (tag, files) in enumerate(releases, start=1):
        builder.tag(tag, builder.commit(tag, files, when=f"2025-01-{day:02d}T00:00:00+00:00"))
    return builder


CHANGED = {"crates/app/src/cli.rs": "pub fn run() { corelib::engine::start(); }\n"}
LATER = {"crates/core-lib/src/engine.rs": "pub struct Engine;\npub fn start() {}\n"}


def _parsed(analysis) -> int:
    """The files the run parsed: each parse is one new cache entry of an imports kind."""
    return sum(1 for kind, _ in analysis.cache if kind.startswith("imports-v"))


def test_stable_releases_are_parsed_once_and_the_store_serves_every_later_run(tmp_path):
    builder = _repo(tmp_path / "r.git", ("v1.0.0", RUST), ("v1.1.0-alpha.1", LATER), ("v1.1.0", CHANGED))
    db = tmp_path / "store.sqlite"
    first = analyze(str(tmp_path / "r.git"), db=db)
    assert _parsed(first) == 8 + 2  # v1.0.0's files, then the two v1.1.0 changed (the prerelease is not read)
    # Another analysis of the same repository mines again and parses nothing: the store holds every blob's imports.
    again = analyze(str(tmp_path / "r.git"), db=db, name="again")
    assert _parsed(again) == 0
    assert again.tables["source_edges"].equals(first.tables["source_edges"])
    assert again.tables["source_counts"].equals(first.tables["source_counts"])
    builder.tag("v1.2.0", builder.commit("v1.2.0", {"crates/app/src/config.rs": "pub fn load() { }\n"},
                                         when="2025-01-09T00:00:00+00:00"))
    later = analyze(str(tmp_path / "r.git"), db=db)
    assert _parsed(later) == 1 and list(later.tables["source_counts"]["release"]) == ["v1.0.0", "v1.1.0", "v1.2.0"]


def test_prereleases_only_on_request_and_no_source_view_with_no_source(tmp_path):
    _repo(tmp_path / "r.git", ("v1.0.0", RUST), ("v1.1.0-alpha.1", LATER))
    every = analyze(str(tmp_path / "r.git"), db=tmp_path / "a.sqlite", source_prereleases=True)
    assert list(every.tables["source_counts"]["release"]) == ["v1.0.0", "v1.1.0-alpha.1"]
    none = analyze(str(tmp_path / "r.git"), db=tmp_path / "b.sqlite", source=False)
    assert "source_edges" not in none.tables and "source_counts" not in none.tables


def test_used_edges_declared_versus_used_and_notable_dependencies_per_release(tmp_path):
    _repo(tmp_path / "r.git", ("v1.0.0", RUST))
    tables = analyze(str(tmp_path / "r.git"), db=tmp_path / "s.sqlite").tables
    edges = tables["source_edges"].set_index(["package", "depends_on"])
    assert edges.loc[("app", "core-lib"), ["files", "example", "declared"]].tolist() == [
        2, "crates/app/src/cli.rs:2", "normal"]
    assert edges.loc[("app", "testkit"), "declared"] == "dev"
    declared = tables["source_declared"].set_index(["package", "depends_on"])["status"]
    assert declared[("app", "unused-dep")] == "declared, never used"
    assert declared[("app", "hidden")] == "declared, named only in macros"  # named in a macro body alone
    hidden = tables["source_declared"].set_index(["package", "depends_on"]).loc[("app", "hidden")]
    assert [hidden["files"], hidden["example"]] == [1, "crates/app/src/main.rs:12"]
    assert set(declared) == {"declared and used", "declared, never used", "declared, named only in macros"}
    notable = tables["source_notable"]
    assert notable[["release", "registry", "dependency", "packages", "files"]].values.tolist() == [
        ["v1.0.0", "cargo", "v8", "app", 1]]


def test_a_notable_catalog_of_the_users_replaces_mine_and_a_bad_one_is_one_line(tmp_path):
    _repo(tmp_path / "r.git", ("v1.0.0", RUST))
    catalog = tmp_path / "notable.toml"
    catalog.write_text('[cargo]\nserde = "serialises data"\n', encoding="utf-8")
    tables = analyze(str(tmp_path / "r.git"), db=tmp_path / "s.sqlite", notable=str(catalog)).tables
    assert tables["source_notable"]["dependency"].tolist() == ["serde"]
    catalog.write_text('[crates]\nserde = "x"\n', encoding="utf-8")
    with pytest.raises(MinerError, match=r"notable.toml: \[crates\] is not a registry"):
        analyze(str(tmp_path / "r.git"), db=tmp_path / "s.sqlite", notable=str(catalog))


def test_the_report_says_what_the_rust_sources_add(tmp_path):
    _repo(tmp_path / "r.git", ("v1.0.0", RUST))
    analysis = analyze(str(tmp_path / "r.git"), db=tmp_path / "s.sqlite")
    text = architecture(analysis.snapshot, analysis.tables, {})
    assert ("import 4 edges between crates; 1 declared dependency is never imported (`app` → `unused-dep`); "
            "1 more is named only inside macro bodies, which tree-sitter reads as plain tokens (`app` → "
            "`hidden`); no crate imports another without declaring it, as the Rust compiler requires." in text)
    assert "| v8 | embeds the V8 JavaScript engine | app | 1 |" in text


def test_the_report_names_an_import_of_a_package_that_is_not_declared(tmp_path):
    _repo(tmp_path / "r.git", ("v1.0.0", NPM))
    analysis = analyze(str(tmp_path / "r.git"), db=tmp_path / "s.sqlite")
    text = architecture(analysis.snapshot, analysis.tables, {})
    assert "`@fx/a` imports `@fx/d` without declaring it (packages/a/src/index.ts:4) (3 more such imports)" in text


def test_a_project_of_one_package_has_its_subpackages_as_architecture_units(tmp_path):
    _repo(tmp_path / "r.git", ("v1.0.0", PYTHON))
    analysis = analyze(str(tmp_path / "r.git"), db=tmp_path / "s.sqlite")
    edges = analysis.tables["subpackage_edges"]
    assert {(r.subpackage, r.imports): (r.files, r.example) for r in edges.itertuples()} == PYTHON_SUBPACKAGE_EDGES
    text = architecture(analysis.snapshot, analysis.tables, {})
    assert "One package, `pkg`: its subpackages are its architecture units" in text
    assert "edges between" not in text  # one package has no edges to others
    assert "| pkg.cli | pkg.core (2), pkg.util (1) | pkg.core, pkg.util |" in text


def test_bad_source_files_are_counted_and_warned_never_fatal(tmp_path):
    _repo(tmp_path / "r.git", ("v1.0.0", BAD_FILES))
    analysis = analyze(str(tmp_path / "r.git"), db=tmp_path / "s.sqlite", source_max_bytes=1000)
    counts = analysis.tables["source_counts"].iloc[0]
    assert counts[["files", "too_large", "binary", "errors", "not_utf8"]].tolist() == [4, 1, 1, 1, 1]
    assert [w.message for w in analysis.warnings if w.message.startswith("source view")] == [
        "source view: bad input at 1 of 1 releases read; at v1.0.0, of 4 source files: 1 that tree-sitter could "
        "not wholly parse (a syntax error, or a construct its grammar lacks; the imports it read are kept), "
        "1 over the size limit (skipped), 1 binary, 1 not UTF-8 (never fatal; every release's counts in "
        "source_counts.csv)"]


def test_the_graphs_carry_declared_and_used_edges_with_an_attribute_saying_which(tmp_path):
    files = dict(RUST)
    files["crates/app/Cargo.toml"] = files["crates/app/Cargo.toml"].replace(
        'unused-dep = { path = "../unused-dep" }\n', "")
    files["crates/app/src/config.rs"] = "pub fn load() { unused_dep::x(); }\n"  # used, not declared
    _repo(tmp_path / "r.git", ("v1.0.0", RUST), ("v1.1.0", files))
    analysis = analyze(str(tmp_path / "r.git"), db=tmp_path / "s.sqlite")
    publish(analysis, tmp_path / "out", tmp_path / "graphs")
    graph = nx.read_graphml(tmp_path / "graphs" / "packages.graphml")
    by_label = {graph.nodes[n]["label"]: n for n in graph}
    edge = {pair: graph.edges[by_label[pair[0]], by_label[pair[1]]]
            for pair in (("app", "core-lib"), ("app", "hidden"), ("app", "unused-dep"))}
    assert [(e["evidence"], e.get("kind")) for e in edge.values()] == [
        ("declared,used", "normal"), ("declared", "normal"), ("used", None)]
    assert edge[("app", "unused-dep")]["example"] == "crates/app/src/config.rs:1"
    assert 'style=dotted, color=red, label="used, undeclared"' in (tmp_path / "graphs" / "packages.dot").read_text()
    gexf = tmp_path / "graphs" / "packages.gexf"
    assert gexf_errors(gexf) == []
    assert 'title="evidence"' in gexf.read_text() and 'title="files"' in gexf.read_text()


def test_parsing_in_several_processes_gives_the_same_tables_and_is_no_new_input(tmp_path):
    _repo(tmp_path / "r.git", ("v1.0.0", RUST), ("v1.1.0", CHANGED))
    alone = analyze(str(tmp_path / "r.git"), db=tmp_path / "a.sqlite")
    shared = analyze(str(tmp_path / "r.git"), db=tmp_path / "b.sqlite", source_workers=2)
    for name in ("source_edges", "source_declared", "source_counts"):
        assert shared.tables[name].equals(alone.tables[name])
    assert analyze(str(tmp_path / "r.git"), db=tmp_path / "a.sqlite", source_workers=2).inputs == alone.inputs


def test_two_packages_of_one_name_are_told_apart_by_their_directory(tmp_path):
    _repo(tmp_path / "r.git", ("v1.0.0", {
        "package.json": '{"name": "@fx/cli", "private": true, "workspaces": ["packages/*"]}\n',
        "evals/helper.ts": 'import { x } from "../packages/cli/src/x";\n',
        "packages/cli/package.json": '{"name": "@fx/cli", "dependencies": {"react": "*"}}\n',
        "packages/cli/src/x.ts": 'import React from "react";\nexport const x = 1;\n',
        "packages/cli/src/y.ts": 'import React from "react";\n',
    }))
    analysis = analyze(str(tmp_path / "r.git"), db=tmp_path / "s.sqlite")
    text = architecture(analysis.snapshot, analysis.tables, {})
    assert "`@fx/cli` (the root) imports `@fx/cli` (`packages/cli`) without declaring it (evals/helper.ts:1)." in text
    assert "| react | renders with React | @fx/cli (packages/cli) | 2 |" in text
    from miner.outputs.publish import publish

    publish(analysis, tmp_path / "out", tmp_path / "graphs")
    dot = (tmp_path / "graphs" / "packages.dot").read_text()
    assert 'label="@fx/cli (root)"' in dot and 'label="@fx/cli (packages/cli)"' in dot
    gexf = (tmp_path / "graphs" / "packages.gexf").read_text()
    assert 'label="@fx/cli (root)"' in gexf and 'label="@fx/cli (packages/cli)"' in gexf
    nodes = json.loads((tmp_path / "graphs" / "packages.json").read_text())["nodes"]
    assert sorted(node["label"] for node in nodes) == ["@fx/cli (packages/cli)", "@fx/cli (root)"]


def test_the_command_line_writes_the_source_tables_and_leaves_them_out_with_no_source(tmp_path):
    import subprocess
    import sys

    _repo(tmp_path / "r.git", ("v1.0.0", RUST), ("v1.1.0-alpha.1", LATER))

    def mine(out, *options):
        command = [sys.executable, "-c", "from miner.cli import main; main()", "analyze", str(tmp_path / "r.git"),
                   "--out", str(out), "--graphs", str(out / "graphs"), "--db", str(out / "s.sqlite"), "-q", *options]
        result = subprocess.run(command, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return out

    every = mine(tmp_path / "every", "--source-prereleases", "--source-max-bytes", "100000", "--format", "json")
    counts = pd.read_csv(every / "source_counts.csv")
    assert counts["release"].tolist() == ["v1.0.0", "v1.1.0-alpha.1"]
    assert (every / "source_declared.json").exists() and (every / "subpackage_edges.csv").exists()
    none = mine(tmp_path / "none", "--no-source")
    assert not list(none.glob("source_*.csv")) and "tree-sitter" not in (none / "report.md").read_text()


def test_a_project_of_one_package_gets_the_graph_of_its_subpackages(tmp_path):
    _repo(tmp_path / "r.git", ("v1.0.0", PYTHON))
    publish(analyze(str(tmp_path / "r.git"), db=tmp_path / "s.sqlite"), tmp_path / "out", tmp_path / "graphs")
    graph = nx.read_graphml(tmp_path / "graphs" / "subpackages.graphml")
    assert {(source, target): data["files"] for source, target, data in graph.edges(data=True)} == {
        pair: files for pair, (files, _) in PYTHON_SUBPACKAGE_EDGES.items()}
    assert '"pkg.cli" -> "pkg.core";' in (tmp_path / "graphs" / "subpackages.dot").read_text()


def test_an_edge_from_one_of_two_packages_of_one_name_leaves_from_its_directory(tmp_path):
    _repo(tmp_path / "r.git", ("v1.0.0", {
        "package.json": '{"name": "@fx/cli", "workspaces": ["packages/*"], "dependencies": {"@fx/core": "*"}}\n',
        "packages/cli/package.json": '{"name": "@fx/cli"}\n',
        "packages/core/package.json": '{"name": "@fx/core"}\n',
    }))
    analysis = analyze(str(tmp_path / "r.git"), db=tmp_path / "s.sqlite")
    deps = analysis.tables["package_deps"]
    assert deps[["package", "path", "depends_on", "depends_on_path"]].values.tolist() == [
        ["@fx/cli", "", "@fx/core", "packages/core"]]
    from miner.outputs.publish import publish

    publish(analysis, tmp_path / "out", tmp_path / "graphs")  # the root's edge, not `packages/cli`'s
    graph = json.loads((tmp_path / "graphs" / "packages.json").read_text())
    labels = {node["id"]: node["label"] for node in graph["nodes"]}
    assert [(labels[e["source"]], labels[e["target"]]) for e in graph["edges"]] == [("@fx/cli (root)", "@fx/core")]
    assert "Dependency depth: 1 level of member packages below `@fx/cli` (the root)." in architecture(
        analysis.snapshot, analysis.tables, {})


def test_a_workspace_pin_that_names_nothing_at_any_release_is_an_error_not_an_empty_architecture(tmp_path):
    from miner.errors import MinerError

    _repo(tmp_path / "r.git", ("v1.0.0", {"package.json": '{"name": "a", "workspaces": ["packages/*"]}\n',
                                          "packages/b/package.json": '{"name": "b"}\n'}))
    with pytest.raises(MinerError, match=r"--workspace pakages/b: no workspace or package there at any of the 1 "):
        analyze(str(tmp_path / "r.git"), db=tmp_path / "s.sqlite", workspace="pakages/b")
    kept = analyze(str(tmp_path / "r.git"), db=tmp_path / "s.sqlite", workspace="packages/b")
    assert kept.tables["packages"]["package"].tolist() == ["a", "b"]


def test_each_package_change_names_the_stable_release_it_is_counted_from(tmp_path):
    root = {"package.json": '{"name": "a", "workspaces": ["packages/*"]}\n'}
    _repo(tmp_path / "r.git", ("v1.0.0", root), ("v1.1.0-nightly.1", {"packages/b/package.json": '{"name": "b"}\n'}),
          ("v1.1.0", {"packages/b/x.js": "1\n"}))
    changes = analyze(str(tmp_path / "r.git"), db=tmp_path / "s.sqlite").tables["package_changes"]
    assert changes[["release", "change", "package", "since"]].values.tolist() == [
        ["v1.0.0", "added", "a", ""], ["v1.1.0-nightly.1", "added", "b", "v1.0.0"], ["v1.1.0", "added", "b", "v1.0.0"]]
