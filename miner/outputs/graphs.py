"""The package graphs as files for Gephi and Graphviz: dynamic GEXF over releases, GraphML, DOT, JSON.

The evolution graph holds every package and edge that ever existed, each with
GEXF spells for the releases where it exists, so Gephi's timeline replays how
the architecture grew; the snapshot graph (`miner.analyses.graphs`) is written
as GraphML, DOT and node-link JSON.  Exporters take a graph and nothing else.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

import networkx as nx
import pandas as pd

from miner.analyses.graphs import KIND_ORDER, node_keys

PALETTE = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
           (140, 86, 75), (227, 119, 194), (188, 189, 34), (23, 190, 207), (127, 127, 127)]


def evolution_graph(packages: pd.DataFrame, deps: pd.DataFrame, releases: pd.DataFrame) -> nx.DiGraph:
    """Every package and edge of every release, with GEXF spells and each package's bytes per release.

    Releases tagged out of version order are left out: replayed by date, a
    months-late tag of an old version would make packages vanish and come back.
    """
    order = list(releases[~releases["out_of_order"]]["tag"])
    packages = packages[packages["release"].isin(order)]
    deps = deps[deps["release"].isin(order)]
    days = dict(zip(releases["tag"], releases["date"].str.slice(0, 10)))
    colors = layer_colors(packages["layer"])
    graph = nx.DiGraph(mode="dynamic")
    for node, rows in packages.groupby("lineage", sort=True):
        latest = rows.iloc[-1]
        graph.add_node(node, label=latest["package"], ecosystem=latest["ecosystem"], layer=latest["layer"],
                       path=latest["path"], spells=spells(set(rows["release"]), order, days),
                       bytes=dynamic_values(dict(zip(rows["release"], rows["bytes"])), order, days),
                       viz={"color": colors[latest["layer"]]})
    sources, sinks = node_keys(packages, deps)
    for (source, sink), rows in deps.assign(source=sources, sink=sinks).groupby(["source", "sink"], sort=True):
        kinds = sorted(set(rows["kind"]), key=KIND_ORDER.index)
        graph.add_edge(source, sink, kind=kinds[0], kinds=",".join(kinds),
                       spells=spells(set(rows["release"]), order, days))
    return graph


def write_exports(folder: Path, evolution: nx.DiGraph, snapshot: nx.DiGraph, release: str) -> list[Path]:
    """`packages.gexf` (dynamic), and GraphML, DOT and node-link JSON of the `release` snapshot."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "packages.gexf", folder / "packages.graphml", folder / "packages.dot", folder / "packages.json"]
    nx.write_gexf(evolution, paths[0])
    flat = snapshot.copy()
    flat.graph = {"release": release}
    nx.write_graphml(flat, paths[1])
    paths[2].write_text(to_dot(snapshot, release), encoding="utf-8")
    paths[3].write_text(json.dumps(nx.node_link_data(flat, edges="edges"), indent=1), encoding="utf-8")
    return paths


def write_author_package_gexf(tables: dict[str, pd.DataFrame], releases: pd.DataFrame, path: str | Path) -> Path:
    """A bipartite author-package graph, dynamic over releases, as GEXF for Gephi's timeline.

    Authors (`bipartite=0`, with their kind) link to the packages and buckets
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
    packages: dict[tuple, set[str]] = defaultdict(set)
    edges: dict[tuple, Counter] = defaultdict(Counter)
    columns = [rows[c].tolist() for c in ("release", "author", "name", "kind", "package", "layer", "commits")]
    for release, key, name, kind, package, layer, commits in zip(*columns):
        day = day_of.get(release)
        if day is not None:
            authors[(key, name, kind)].add(day)
            packages[(package, layer)].add(day)
            edges[(key, package)][day] += int(commits)
    colors = layer_colors(layer for _, layer in packages)
    graph = nx.Graph(mode="dynamic")
    for (key, name, kind), present in sorted(authors.items()):
        graph.add_node(f"author:{key}", label=name, kind=kind, bipartite=0, spells=spells(present, order, steps))
    for (package, layer), present in sorted(packages.items()):
        graph.add_node(f"package:{package}", label=package, kind="package", layer=layer, bipartite=1,
                       spells=spells(present, order, steps), viz={"color": colors[layer]})
    for (key, package), per_day in sorted(edges.items()):
        graph.add_edge(f"author:{key}", f"package:{package}", weight=sum(per_day.values()),
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
    """Graphviz DOT text, packages clustered by layer and labelled by name, dev edges dashed (no pydot needed)."""
    lines = [f"digraph {_quote(name)} {{", "  rankdir=LR;", "  node [shape=box];"]
    layers = sorted({data.get("layer", "") for _, data in graph.nodes(data=True)})
    for number, layer in enumerate(layers):
        lines.append(f"  subgraph cluster_{number} {{ label={_quote(layer)};")
        lines += [f"    {_quote(n)} [label={_quote(data.get('label', n))}];"
                  for n, data in sorted(graph.nodes(data=True)) if data.get("layer", "") == layer]
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


def _quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'
