"""PageRank without scipy: miner's power iteration against networkx's pure-Python reference."""
from __future__ import annotations

import random
import sys

import networkx as nx
import pytest
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

from miner.analyses.graphs import pagerank


@pytest.mark.parametrize("seed", range(60))
def test_ranks_equal_networkx_on_random_graphs(seed):
    draw = random.Random(seed)
    graph = nx.gnp_random_graph(draw.randint(1, 50), draw.random() * 0.3, seed=seed, directed=True)
    if draw.random() < 0.3:  # a package that names itself, as a dev-dependency can
        graph.add_edges_from((node, node) for node in list(graph)[:2])
    ours, theirs = pagerank(graph), _pagerank_python(graph)
    assert ours.keys() == theirs.keys()
    assert max(abs(ours[node] - theirs[node]) for node in graph) < 1e-9
    assert sum(ours.values()) == pytest.approx(1.0)


def test_a_graph_without_edges_ranks_every_node_alike_and_an_empty_one_ranks_none():
    graph = nx.DiGraph()
    assert pagerank(graph) == {}
    graph.add_nodes_from("abcd")
    assert pagerank(graph) == pytest.approx({node: 0.25 for node in "abcd"})


def test_graph_facts_need_no_scipy(monkeypatch):
    from miner.analyses.graphs import graph_facts
    monkeypatch.setitem(sys.modules, "scipy", None)  # `import scipy` now fails, as where it is not installed
    graph = nx.DiGraph([("a", "b"), ("c", "b"), ("b", "d")])
    central = graph_facts(graph)["central"].set_index("package")
    assert central.loc["b", "dependents"] == 2
    assert central["pagerank"].to_dict() == pytest.approx({n: round(r, 4) for n, r in _pagerank_python(graph).items()})
