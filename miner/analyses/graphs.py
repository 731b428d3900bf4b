"""The crate dependency graph: networkx graphs built from the crate tables, and their exports.

One release's graph is a `DiGraph` whose nodes are crates (attributes: layer,
path, lines of Rust) and whose edges carry the dependency kinds between them.
The evolution graph holds every crate and edge that ever existed, each with
GEXF spells for the releases where it exists, so Gephi's timeline replays how
the architecture grew.  Nodes are keyed by lineage (the name a crate had when
it first appeared), so a renamed crate stays one node.  Exporters take a graph
and nothing else.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import islice
from pathlib import Path

import networkx as nx
import pandas as pd

# Strongest first: an edge that is both normal and dev counts as normal.
KIND_ORDER = ["normal", "build", "dev"]
# Example cycles shown per strongly connected component of the crate graph.
CYCLE_EXAMPLES = 3
PALETTE = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
           (140, 86, 75), (227, 119, 194), (188, 189, 34), (23, 190, 207), (127, 127, 127)]


def release_graph(crates: pd.DataFrame, deps: pd.DataFrame) -> nx.DiGraph:
    """The crate graph of one release, from its rows of crates.csv and crate_deps.csv."""
    graph = nx.DiGraph()
    for row in crates.itertuples(index=False):
        graph.add_node(row.crate, label=row.crate, layer=row.layer, path=row.path,
                       version=str(row.version), rust_lines=int(row.rust_lines), workspace=row.workspace)
    for (source, target), edges in deps.groupby(["crate", "depends_on"], sort=True):
        kinds = sorted(set(edges["kind"]), key=KIND_ORDER.index)
        graph.add_edge(source, target, kind=kinds[0], kinds=",".join(kinds),
                       optional=bool(edges["optional"].all()),
                       target=",".join(sorted(t for t in edges["target"].fillna("") if t)))
    return graph


def evolution_graph(crates: pd.DataFrame, deps: pd.DataFrame, releases: pd.DataFrame) -> nx.DiGraph:
    """Every crate and edge of every release, with GEXF spells and per-release lines of code.

    Releases tagged out of version order are left out: replayed by date, a
    months-late tag of an old version would make crates vanish and come back.
    """
    order = list(releases[~releases["out_of_order"]]["tag"])
    crates = crates[crates["release"].isin(order)]
    deps = deps[deps["release"].isin(order)]
    days = dict(zip(releases["tag"], releases["date"].str.slice(0, 10)))
    lineage = dict(zip(zip(crates["release"], crates["crate"]), crates["lineage"]))
    colors = layer_colors(crates["layer"])
    graph = nx.DiGraph(mode="dynamic")
    for node, rows in crates.groupby("lineage", sort=True):
        latest = rows.iloc[-1]
        graph.add_node(node, label=latest["crate"], layer=latest["layer"], path=latest["path"],
                       spells=spells(set(rows["release"]), order, days),
                       rust_lines=dynamic_values(dict(zip(rows["release"], rows["rust_lines"])), order, days),
                       viz={"color": colors[latest["layer"]]})
    deps = deps.assign(source=[lineage[k] for k in zip(deps["release"], deps["crate"])],
                       sink=[lineage.get(k, k[1]) for k in zip(deps["release"], deps["depends_on"])])
    for (source, sink), rows in deps.groupby(["source", "sink"], sort=True):
        kinds = sorted(set(rows["kind"]), key=KIND_ORDER.index)
        graph.add_edge(source, sink, kind=kinds[0], kinds=",".join(kinds),
                       spells=spells(set(rows["release"]), order, days))
    return graph


def graph_facts(graph: nx.DiGraph) -> dict[str, pd.DataFrame]:
    """Most depended-upon crates, dependency depth and cycles of one release's graph.

    Depth is the topological generation over normal and build edges (0: depends on
    no member).  Cycles are reported by strongly connected component (see
    `_cycles`): Cargo allows cycles through dev-dependencies, so a component is
    `dev_only` when it holds no cycle once dev edges are dropped.
    """
    runtime = nx.DiGraph([(u, v) for u, v, kind in graph.edges(data="kind") if kind != "dev"])
    runtime.add_nodes_from(graph)
    rank = nx.pagerank(graph) if graph.number_of_edges() else {n: 1 / max(len(graph), 1) for n in graph}
    central = pd.DataFrame(
        [{"crate": n, "layer": graph.nodes[n].get("layer", ""), "dependents": graph.in_degree(n),
          "dependencies": graph.out_degree(n), "pagerank": round(rank[n], 4)} for n in graph],
        columns=["crate", "layer", "dependents", "dependencies", "pagerank"],
    ).sort_values(["dependents", "pagerank", "crate"], ascending=[False, False, True], kind="stable")
    return {"central": central, "depth": _depth(runtime), "cycles": _cycles(graph, runtime)}


def write_exports(folder: Path, evolution: nx.DiGraph, snapshot: nx.DiGraph, release: str) -> list[Path]:
    """`crates.gexf` (dynamic), and GraphML, DOT and node-link JSON of the `release` snapshot."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "crates.gexf", folder / "crates.graphml", folder / "crates.dot", folder / "crates.json"]
    nx.write_gexf(evolution, paths[0])
    flat = snapshot.copy()
    flat.graph = {"release": release}
    nx.write_graphml(flat, paths[1])
    paths[2].write_text(to_dot(snapshot, release), encoding="utf-8")
    paths[3].write_text(json.dumps(nx.node_link_data(flat, edges="edges"), indent=1), encoding="utf-8")
    return paths


def write_author_crate_gexf(tables: dict[str, pd.DataFrame], releases: pd.DataFrame, path: str | Path) -> Path:
    """A bipartite author-crate graph, dynamic over releases, as GEXF for Gephi's timeline.

    Authors (`bipartite=0`, with their kind) link to the crates and buckets
    (`bipartite=1`, coloured by layer) they changed; each edge lives on the
    release days whose ranges have such commits and carries the commit count
    per day, and its weight is the total, as in contributors.csv.  The
    timeline steps by release day: releases of one day are one step, and a
    release tagged out of version order (a backport) counts in the latest
    in-order release of its day or before, so that its work is neither lost
    nor replayed out of order.
    """
    rows = tables["release_contributors"]
    day_of = _release_days(releases)
    order = sorted(set(day_of.values()))
    steps = {day: day for day in order}
    authors: dict[tuple, set[str]] = defaultdict(set)
    crates: dict[tuple, set[str]] = defaultdict(set)
    edges: dict[tuple, Counter] = defaultdict(Counter)
    columns = [rows[c].tolist() for c in ("release", "author", "name", "kind", "crate", "layer", "commits")]
    for release, key, name, kind, crate, layer, commits in zip(*columns):
        day = day_of.get(release)
        if day is not None:
            authors[(key, name, kind)].add(day)
            crates[(crate, layer)].add(day)
            edges[(key, crate)][day] += int(commits)
    colors = layer_colors(layer for _, layer in crates)
    graph = nx.Graph(mode="dynamic")
    for (key, name, kind), present in sorted(authors.items()):
        graph.add_node(f"author:{key}", label=name, kind=kind, bipartite=0, spells=spells(present, order, steps))
    for (crate, layer), present in sorted(crates.items()):
        graph.add_node(f"crate:{crate}", label=crate, kind="crate", layer=layer, bipartite=1,
                       spells=spells(present, order, steps), viz={"color": colors[layer]})
    for (key, crate), per_day in sorted(edges.items()):
        graph.add_edge(f"author:{key}", f"crate:{crate}", weight=sum(per_day.values()),
                       spells=spells(set(per_day), order, steps), commits=dynamic_values(per_day, order, steps))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_gexf(graph, path)
    return path


def _release_days(releases: pd.DataFrame) -> dict[str, str]:
    """Release -> the day (YYYY-MM-DD) it counts on: its own, or for one tagged out of order, its home release's."""
    moments = pd.to_datetime(releases["date"], utc=True, format="ISO8601")
    late = releases["out_of_order"].astype(bool)
    in_order = sorted(zip(moments[~late], releases["tag"][~late], releases["date"][~late].str.slice(0, 10)))
    days = {tag: day for _, tag, day in in_order}
    for moment, tag in zip(moments[late], releases["tag"][late]):
        before = [day for when, _, day in in_order if when <= moment]
        if in_order:
            days[tag] = before[-1] if before else in_order[0][2]
    return days


def to_dot(graph: nx.DiGraph, name: str) -> str:
    """Graphviz DOT text, crates clustered by layer, dev edges dashed (no pydot needed)."""
    lines = [f"digraph {_quote(name)} {{", "  rankdir=LR;", "  node [shape=box];"]
    layers = sorted({data.get("layer", "") for _, data in graph.nodes(data=True)})
    for number, layer in enumerate(layers):
        lines.append(f"  subgraph cluster_{number} {{ label={_quote(layer)};")
        lines += [f"    {_quote(n)};" for n, data in sorted(graph.nodes(data=True)) if data.get("layer", "") == layer]
        lines.append("  }")
    for source, target, kind in sorted(graph.edges(data="kind")):
        style = ' [style=dashed, label="dev"]' if kind == "dev" else (' [label="build"]' if kind == "build" else "")
        lines.append(f"  {_quote(source)} -> {_quote(target)}{style};")
    return "\n".join(lines + ["}"]) + "\n"


def spells(present: set[str], order: list[str], days: dict[str, str]) -> list[tuple[str, str | None]]:
    """Runs of consecutive releases holding the item, as (start, end) dates; open-ended if it lasts."""
    spells, start = [], None
    for tag in order:
        if tag in present and start is None:
            start = days[tag]
        elif tag not in present and start is not None:
            spells.append((start, days[tag]))
            start = None
    if start is not None:
        spells.append((start, None))
    return spells


def dynamic_values(values: Mapping[str, int], order: list[str], days: dict[str, str]) -> list:
    """A GEXF dynamic attribute from release -> value: (value, start, end) over each run of releases with one value."""
    runs: list[list] = []
    for tag in order:
        value = int(values[tag]) if tag in values else None
        if runs and runs[-1][2] is None and runs[-1][0] != value:
            runs[-1][2] = days[tag]
        if value is not None and (not runs or runs[-1][2] is not None):
            runs.append([value, days[tag], None])
    return [tuple(run) for run in runs]


def layer_colors(layers: Iterable[str]) -> dict[str, dict]:
    names = sorted(set(layers))
    return {name: dict(zip("rgb", PALETTE[i % len(PALETTE)]), a=1.0) for i, name in enumerate(names)}


def _depth(runtime: nx.DiGraph) -> pd.DataFrame:
    """Longest chain of normal/build dependencies below each crate (0: it depends on no member)."""
    if not nx.is_directed_acyclic_graph(runtime):
        return pd.DataFrame(columns=["crate", "depth"])
    depth: dict[str, int] = {}
    for node in reversed(list(nx.topological_sort(runtime))):
        depth[node] = 1 + max((depth[s] for s in runtime.successors(node)), default=-1)
    rows = sorted(depth.items(), key=lambda item: (-item[1], item[0]))
    return pd.DataFrame(rows, columns=["crate", "depth"])


def _cycles(graph: nx.DiGraph, runtime: nx.DiGraph) -> pd.DataFrame:
    """One row per group of crates that depend on each other in a loop, with a few example cycles.

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
        rows.append({"component": number, "crates": len(members), "members": " ".join(members), "dev_only": dev_only,
                     "example_cycles": "; ".join(" -> ".join(cycle + cycle[:1]) for cycle in examples[:CYCLE_EXAMPLES])})
    return pd.DataFrame(rows, columns=["component", "crates", "members", "dev_only", "example_cycles"])


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


def _same_cycle(one: list[str], other: list[str]) -> bool:
    """Whether two node lists are the same cycle, whichever node each starts at."""
    return set(zip(one, one[1:] + one[:1])) == set(zip(other, other[1:] + other[:1]))


def _quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'
