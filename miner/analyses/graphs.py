"""The package dependency graph of one release, and what it says: hubs, depth, cycles, layers.

One release's graph is a `DiGraph` built from its rows of packages.csv and
package_deps.csv.  Its nodes are keyed by lineage (the key a package had when
it first appeared: ecosystem, workspace and directory), so a renamed package
stays one node and two packages of one name in two workspaces stay two; the
name is the node's label.  Edges carry the dependency kinds between them, and
the dependency's platform (a Cargo `cfg(...)` or target triple) as `platform`:
node-link JSON keeps each edge's ends under `source` and `target`, which a
`target` attribute would overwrite.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from itertools import islice

import networkx as nx
import numpy as np
import pandas as pd

from miner.catalogs.layers import UNCLASSIFIED

# Strongest first: an edge that is both normal and dev counts as normal.
KIND_ORDER = ["normal", "build", "peer", "optional", "dev"]
# Example cycles shown per strongly connected component of the package graph.
CYCLE_EXAMPLES = 3


def node_keys(packages: pd.DataFrame, deps: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The lineage of each dependency's package and of the member it depends on, row by row: each is found
    in the same release, ecosystem and workspace by its directory (two packages may share a name: gemini-cli's
    root and `packages/cli`), a member the edge names no directory of by its name."""
    by_name, by_path = {}, {}
    for release, ecosystem, workspace, package, path, lineage in _columns(
            packages, "release", "ecosystem", "workspace", "package", "path", "lineage"):
        by_name[(release, ecosystem, workspace, package)] = lineage
        by_path[(release, ecosystem, workspace, path)] = lineage
    sources, sinks = [], []
    paths = deps["path"].tolist() if "path" in deps else [None] * len(deps)  # tables stored before it had paths
    for (release, ecosystem, workspace, package, depends_on, depends_on_path), path in zip(_columns(
            deps, "release", "ecosystem", "workspace", "package", "depends_on", "depends_on_path"), paths):
        place = (release, ecosystem, workspace)
        sources.append(by_path[(*place, path)] if path is not None else by_name[(*place, package)])
        sink = by_path.get((*place, depends_on_path)) if depends_on_path else None
        sinks.append(sink or by_name.get((*place, depends_on), depends_on))
    return sources, sinks


def _columns(frame: pd.DataFrame, *names: str):
    """The rows of `frame`'s columns `names` as tuples of Python values: a table of all releases holds
    hundreds of thousands of rows, which `itertuples` reads element by element through pandas."""
    return zip(*(frame[name].tolist() for name in names))


def release_graph(packages: pd.DataFrame, deps: pd.DataFrame) -> nx.DiGraph:
    """The package graph of one release, from its rows of packages.csv and package_deps.csv."""
    graph = nx.DiGraph()
    for row in packages.itertuples(index=False):
        graph.add_node(row.lineage, label=row.package, ecosystem=row.ecosystem, layer=row.layer, path=row.path,
                       version=str(row.version), bytes=int(row.bytes), workspace=row.workspace)
    sources, sinks = node_keys(packages, deps)
    edges = deps.assign(source=sources, sink=sinks)
    for (source, sink), rows in edges.groupby(["source", "sink"], sort=True):
        kinds = sorted(set(rows["kind"]), key=KIND_ORDER.index)
        graph.add_edge(source, sink, kind=kinds[0], kinds=",".join(kinds),
                       optional=bool(rows["optional"].all()),
                       platform=",".join(sorted(t for t in rows["target"].fillna("") if t)))
    return graph


def with_used_edges(graph: nx.DiGraph, packages: pd.DataFrame, used: pd.DataFrame) -> nx.DiGraph:
    """The release's graph with the edges its sources use (its rows of source_edges.csv) beside the declared
    ones: each edge's `evidence` says "declared", "used" or "declared,used"; a used edge has the number of
    importing `files` and an `example` line.  An edge that is used and not declared has no `kind`."""
    found = graph.copy()
    for _, _, data in found.edges(data=True):
        data.update(evidence="declared", files=0)
    for source, sink, row in zip(*used_edge_keys(packages, used), used.itertuples(index=False)):
        if found.has_edge(source, sink):
            found.edges[source, sink].update(evidence="declared,used", files=int(row.files), example=row.example)
        else:
            found.add_edge(source, sink, evidence="used", files=int(row.files), example=row.example)
    return found


def subpackage_graph(nodes: pd.DataFrame, edges: pd.DataFrame) -> nx.DiGraph:
    """The import graph between a Python package's top-level subpackages at one release (its rows of
    subpackages.csv and subpackage_edges.csv): the architecture of a project made of one package."""
    graph = nx.DiGraph()
    for row in nodes.itertuples(index=False):
        graph.add_node(row.subpackage, label=row.subpackage, package=row.package, project=row.project)
    for row in edges.itertuples(index=False):
        graph.add_edge(row.subpackage, row.imports, kind="import", evidence="used", files=int(row.files),
                       example=row.example)
    return graph


def used_edge_keys(packages: pd.DataFrame, used: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The lineage of each used edge's importing package and of the package it imports, row by row (both are
    packages of the same release, found by ecosystem, workspace and directory)."""
    lineage = {(r.release, r.ecosystem, r.workspace, r.path): r.lineage for r in packages.itertuples(index=False)}
    sources = [lineage[(r.release, r.ecosystem, r.workspace, r.path)] for r in used.itertuples(index=False)]
    sinks = [lineage[(r.release, r.depends_on_ecosystem, r.depends_on_workspace, r.depends_on_path)]
             for r in used.itertuples(index=False)]
    return sources, sinks


def layer_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """The layers of a release's package graph as nodes, the package edges between two layers counted.

    A layer has its `packages`, their `bytes` and the package edges within it
    (`internal`); the edge from layer A to layer B has `dependencies`, the
    package edges from A's packages to B's, a count per kind (the edge's
    strongest, as in `kind`) and `kinds`, their summary ("normal 12, dev 3").
    A node the graph knows only as a dependency's end counts as Unclassified.
    Only declared edges count: one the sources use undeclared has no kind.
    """
    members: dict[str, list[str]] = defaultdict(list)
    for node, layer in graph.nodes(data="layer"):
        members[layer or UNCLASSIFIED].append(node)
    layer_of = {node: layer for layer, nodes in members.items() for node in nodes}
    layers = nx.DiGraph()
    for layer in sorted(members):
        layers.add_node(layer, packages=len(members[layer]), internal=0,
                        bytes=sum(graph.nodes[node].get("bytes", 0) for node in members[layer]))
    between: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for source, target, kind in graph.edges(data="kind"):
        if kind is None:
            continue
        if layer_of[source] == layer_of[target]:
            layers.nodes[layer_of[source]]["internal"] += 1
        else:
            between[(layer_of[source], layer_of[target])][kind] += 1
    for (source, target), kinds in sorted(between.items()):
        layers.add_edge(source, target, dependencies=sum(kinds.values()),
                        kinds=", ".join(f"{kind} {kinds[kind]}" for kind in KIND_ORDER if kinds[kind]),
                        **{kind: kinds[kind] for kind in KIND_ORDER})
    return layers


def graph_facts(graph: nx.DiGraph) -> dict[str, pd.DataFrame]:
    """Most depended-upon packages, dependency depth and cycles of one release's graph.

    Depth is the topological generation over normal and build edges (0: depends on
    no member).  Cycles are reported by strongly connected component (see
    `_cycles`): Cargo allows cycles through dev-dependencies, so a component is
    `dev_only` when it holds no cycle once dev edges are dropped.
    """
    runtime = nx.DiGraph([(u, v) for u, v, kind in graph.edges(data="kind") if kind != "dev"])
    runtime.add_nodes_from(graph)
    rank = pagerank(graph)
    central = pd.DataFrame(
        [{"package": _label(graph, n), "ecosystem": graph.nodes[n].get("ecosystem", ""),
          "path": graph.nodes[n].get("path", ""), "layer": graph.nodes[n].get("layer", ""),
          "dependents": graph.in_degree(n), "dependencies": graph.out_degree(n), "pagerank": round(rank[n], 4)}
         for n in graph],
        columns=["package", "ecosystem", "path", "layer", "dependents", "dependencies", "pagerank"],
    ).sort_values(["dependents", "pagerank", "package", "path"], ascending=[False, False, True, True], kind="stable")
    return {"central": central, "depth": _depth(graph, runtime), "cycles": _cycles(graph, runtime)}


def pagerank(graph: nx.DiGraph, alpha: float = 0.85, tol: float = 1.0e-6, max_iter: int = 100) -> dict:
    """PageRank by power iteration, as networkx's `pagerank` computes it (unweighted edges; a package with
    no dependency spreads its rank over all), in numpy: networkx's own needs scipy, 143 MB for one figure.

    Stops when the ranks move by less than `tol` per node in total, or after `max_iter` rounds (networkx
    raises there; a graph of packages converges in a few dozen).
    """
    nodes = list(graph)
    if not nodes:
        return {}
    index = {node: position for position, node in enumerate(nodes)}
    size = len(nodes)
    sources = np.array([index[u] for u, _ in graph.edges()], dtype=np.intp)
    sinks = np.array([index[v] for _, v in graph.edges()], dtype=np.intp)
    out = np.bincount(sources, minlength=size).astype(float)
    share = 1.0 / out[sources] if len(sources) else np.zeros(0)
    dangling = out == 0
    rank = np.full(size, 1.0 / size)
    for _ in range(max_iter):
        previous = rank
        rank = np.bincount(sinks, weights=alpha * previous[sources] * share, minlength=size).astype(float)
        rank += (alpha * previous[dangling].sum() + 1.0 - alpha) / size
        if np.abs(rank - previous).sum() < size * tol:
            break
    return dict(zip(nodes, rank.tolist()))


def _depth(graph: nx.DiGraph, runtime: nx.DiGraph) -> pd.DataFrame:
    """Longest chain of runtime dependencies below each package (0: it depends on no member)."""
    if not nx.is_directed_acyclic_graph(runtime):
        return pd.DataFrame(columns=["package", "path", "depth"])
    depth: dict[str, int] = {}
    for node in reversed(list(nx.topological_sort(runtime))):
        depth[node] = 1 + max((depth[s] for s in runtime.successors(node)), default=-1)
    rows = sorted(((_label(graph, n), graph.nodes[n].get("path", ""), d) for n, d in depth.items()),
                  key=lambda row: (-row[2], row[0], row[1]))
    return pd.DataFrame(rows, columns=["package", "path", "depth"])


def _cycles(graph: nx.DiGraph, runtime: nx.DiGraph) -> pd.DataFrame:
    """One row per group of packages that depend on each other in a loop, with a few example cycles.

    The groups are the strongly connected components, found in linear time.
    Listing every elementary cycle instead would be exponential: 20 crates
    that all dev-depend on each other have billions.  The examples are the
    shortest cycles through the first edges of the component, at most
    `CYCLE_EXAMPLES`, a runtime cycle first when there is one, since that is
    the loop Cargo refuses.
    """
    components = [sorted(c) for c in nx.strongly_connected_components(graph)]
    components = [c for c in components if len(c) > 1 or graph.has_edge(c[0], c[0])]
    components.sort(key=lambda members: (-len(members), members[0]))
    rows = []
    for number, members in enumerate(components, 1):
        inner_runtime = _induced(runtime, members)
        dev_only = nx.is_directed_acyclic_graph(inner_runtime)
        examples = [] if dev_only else [[source for source, _ in nx.find_cycle(inner_runtime)]]
        examples += [c for c in _example_cycles(_induced(graph, members), members, CYCLE_EXAMPLES)
                     if not any(_same_cycle(c, other) for other in examples)]
        rows.append({"component": number, "packages": len(members),
                     "members": " ".join(_label(graph, n) for n in members), "dev_only": dev_only,
                     "example_cycles": "; ".join(" -> ".join(_label(graph, n) for n in cycle + cycle[:1])
                                                 for cycle in examples[:CYCLE_EXAMPLES])})
    return pd.DataFrame(rows, columns=["component", "packages", "members", "dev_only", "example_cycles"])


def _example_cycles(component: nx.DiGraph, members: list[str], count: int) -> list[list[str]]:
    """Up to `count` distinct shortest cycles of a strongly connected `component`, each through one of its edges.

    Edges are taken in name order and at most a few times `count` are tried,
    each a breadth-first search, so the cost stays linear in the component.
    """
    found: list[list[str]] = []
    edges = ((source, target) for source in members for target in sorted(component.successors(source)))
    for source, target in islice(edges, 4 * count):
        back = nx.shortest_path(component, target, source)
        cycle = [source] + back[:-1] if source != target else [source]
        if not any(_same_cycle(cycle, other) for other in found):
            found.append(cycle)
        if len(found) == count:
            break
    return found


def _induced(graph: nx.DiGraph, members: list[str]) -> nx.DiGraph:
    """The subgraph on `members`, nodes and edges in name order.

    Not `graph.subgraph`: its view iterates a set of the nodes, in an order
    that changes from run to run with the string hash seed.
    """
    inside = set(members)
    induced = nx.DiGraph()
    induced.add_nodes_from(members)
    induced.add_edges_from((source, target) for source in members
                           for target in sorted(graph.successors(source)) if target in inside)
    return induced


def _label(graph: nx.DiGraph, node: str) -> str:
    return graph.nodes[node].get("label", node)


def _same_cycle(one: list[str], other: list[str]) -> bool:
    """Whether two node lists are the same cycle, whichever node each starts at."""
    return set(zip(one, one[1:] + one[:1])) == set(zip(other, other[1:] + other[:1]))


