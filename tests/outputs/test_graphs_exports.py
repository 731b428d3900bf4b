"""The snapshot graph in JSON and GraphML as other tools read them, and in DOT as Graphviz reads it."""
from __future__ import annotations

import json
import shutil
import subprocess

import networkx as nx
import pandas as pd
import pytest

from fixtures.graphs import platform_repo
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


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_graphviz_reads_the_dot_file(codex):
    _, graphs = codex
    for name in ("packages.dot",):
        done = subprocess.run(["dot", "-Tsvg", str(graphs / name)], capture_output=True, text=True)
        assert done.returncode == 0 and not done.stderr, (name, done.stderr)
