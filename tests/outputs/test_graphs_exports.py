"""The snapshot graph in JSON and GraphML as other tools read them, and the layer graph beside it."""
from __future__ import annotations

import json
import shutil
import subprocess

import networkx as nx
import pandas as pd
import pytest

from fixtures.graphs import platform_repo
from miner.analyses.graphs import KIND_ORDER, layer_graph
from miner.outputs.graphs import layers_to_dot
from miner.outputs.publish import publish
from miner.pipeline import analyze


@pytest.fixture(scope="module")
def codex(tmp_path_factory):
    """The Codex-shaped release, analysed and published: its tables and its graphs folder."""
    folder = tmp_path_factory.mktemp("codex")
    analysis = analyze(str(platform_repo(folder / "codex.git")), db=folder / "s.sqlite")
    publish(analysis, folder / "out", folder / "graphs")
    return analysis.tables, folder / "graphs"


def test_packages_json_keeps_the_platform_of_a_cfg_dependency(codex):
    """`[target.'cfg(windows)'.dependencies]` of codex-core: node-link JSON's `target` is the edge's end."""
    _, graphs = codex
    data = json.loads((graphs / "packages.json").read_text(encoding="utf-8"))
    graph = nx.node_link_graph(data, edges="edges")
    labels = nx.get_node_attributes(graph, "label")
    platforms = {(labels[u], labels[v]): p for u, v, p in graph.edges(data="platform")}
    assert platforms[("codex-core", "codex-windows-sandbox")] == "cfg(windows)"
    assert platforms[("codex-core", "codex-protocol")] == ""
    edges = pd.DataFrame(data["edges"])
    assert edges.loc[edges["platform"] != "", "target"].tolist() == ["cargo:codex-rs:codex-rs/windows-sandbox-rs"]
    graphml = nx.read_graphml(graphs / "packages.graphml")
    assert graphml.edges["cargo:codex-rs:codex-rs/core", "cargo:codex-rs:codex-rs/windows-sandbox-rs"]["platform"] \
        == "cfg(windows)"


def test_the_layer_graph_counts_the_package_edges_between_layers(codex):
    tables, graphs = codex
    layers = nx.read_graphml(graphs / "layers.graphml")
    packages, deps = tables["packages"], tables["package_deps"]
    layer = dict(zip(packages["package"], packages["layer"]))
    pairs = deps[["package", "depends_on"]].drop_duplicates()
    pairs = pd.DataFrame({"from": pairs["package"].map(layer), "to": pairs["depends_on"].map(layer)})
    between = pairs[pairs["from"] != pairs["to"]].value_counts().to_dict()
    inside = pairs[pairs["from"] == pairs["to"]]["from"].value_counts().to_dict()
    assert {(u, v): n for u, v, n in layers.edges(data="dependencies")} == between
    assert {n: count for n, count in layers.nodes(data="internal") if count} == inside
    assert dict(layers.nodes(data="packages")) == packages["layer"].value_counts().to_dict()
    assert layers.graph["release"] == "rust-v0.44.0"


def test_layer_edges_sum_up_their_kinds_and_dev_only_ones_are_dashed():
    packages = nx.DiGraph()
    for name, layer in [("cli", "Core"), ("tui", "Core"), ("proto", "Protocol"), ("kit", "Tests")]:
        packages.add_node(name, layer=layer, bytes=10)
    packages.add_edges_from([("cli", "proto"), ("tui", "proto"), ("cli", "tui")], kind="normal")
    packages.add_edges_from([("proto", "kit"), ("tui", "kit")], kind="dev")
    packages.add_edge("cli", "kit", kind="build")
    packages.add_edge("cli", "vanished", kind="normal")  # an end known only by name
    layers = layer_graph(packages)
    assert dict(layers.nodes(data="packages")) == {"Core": 2, "Protocol": 1, "Tests": 1, "Unclassified": 1}
    assert layers.nodes["Core"]["internal"] == 1 and layers.nodes["Core"]["bytes"] == 20
    assert layers.edges["Core", "Protocol"]["kinds"] == "normal 2"
    assert layers.edges["Core", "Tests"]["kinds"] == "build 1, dev 1"
    assert {kind: layers.edges["Core", "Tests"][kind] for kind in KIND_ORDER} == \
        {"normal": 0, "build": 1, "peer": 0, "optional": 0, "dev": 1}
    dot = layers_to_dot(layers, "v1")
    assert '"Protocol" -> "Tests" [label="dev 1", penwidth=2, style=dashed];' in dot
    assert '"Core" -> "Tests" [label="build 1, dev 1", penwidth=3];' in dot
    assert '"Core" [label="Core: 2 packages, 1 edge inside"];' in dot


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_graphviz_reads_both_dot_files(codex):
    _, graphs = codex
    for name in ("packages.dot", "layers.dot"):
        done = subprocess.run(["dot", "-Tsvg", str(graphs / name)], capture_output=True, text=True)
        assert done.returncode == 0 and not done.stderr, (name, done.stderr)
