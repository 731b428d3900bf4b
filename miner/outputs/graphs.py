"""The package graphs as files for Gephi and Graphviz: dynamic GEXF over releases, GraphML, DOT, JSON.

The evolution graph holds every package and edge that ever existed, each with
spells for the days where it exists, so Gephi's timeline replays how the
architecture grew; the snapshot graph (`miner.analyses.graphs`) is written as
GraphML, DOT and node-link JSON, and so is its layer graph (layers as nodes,
package edges counted), which stays readable where 70 packages are a tangle.
Exporters take a graph and nothing else.

The timeline steps by day, days taken in UTC as the releases are ordered, so
no interval ends before it starts; the releases of one day are one step, so no
interval has zero length.  The GEXF files are written here, as GEXF 1.3's
grammar defines them (checked in tests/outputs/gexf-1.3): networkx writes 1.2draft, or a
1.3 that the schema rejects, and puts the day of writing in the file, where an
unchanged analysis must write the same bytes.
"""
from __future__ import annotations

import json
import numbers
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from miner.analyses.graphs import KIND_ORDER, layer_graph, node_keys, used_edge_keys
from miner.model.packages import name_apart

PALETTE = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
           (140, 86, 75), (227, 119, 194), (188, 189, 34), (23, 190, 207), (127, 127, 127)]
GEXF_NAMESPACE = "http://gexf.net/1.3"
VIZ_NAMESPACE = "http://gexf.net/1.3/viz"
# What a node or edge holds that GEXF has its own place for; every other value is an attribute.
_PLACED = {"label", "spells", "viz", "weight"}
# Characters XML 1.0 cannot hold at all (git names and paths may have them): written as U+FFFD.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                          "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def evolution_graph(packages: pd.DataFrame, deps: pd.DataFrame, releases: pd.DataFrame,
                    used: pd.DataFrame | None = None) -> nx.DiGraph:
    """Every package and edge of every release, with spells over the release days and each package's bytes;
    with `used` (source_edges.csv), the edges the sources use too (see `_add_used`).

    Releases tagged out of version order are left out: replayed by date, a
    months-late tag of an old version would make packages vanish and come back.
    A package or edge is there on a day when one of the day's releases holds
    it; its bytes are those of the day's last release that holds it.
    """
    late = set(releases.loc[releases["out_of_order"].astype(bool), "tag"])
    day_of = {tag: day for tag, day in _release_days(releases).items() if tag not in late}
    days = sorted(set(day_of.values()))
    packages = packages[packages["release"].isin(day_of)].assign(day=lambda rows: rows["release"].map(day_of))
    deps = deps[deps["release"].isin(day_of)]
    colors = layer_colors(packages["layer"])
    graph = nx.DiGraph()
    # Grouped in dictionaries over the columns as lists: hundreds of thousands of rows, which pandas' groups
    # would hand over element by element.
    latest: dict[str, tuple] = {}
    sizes: dict[str, dict[str, int]] = defaultdict(dict)
    for node, day, size, *described in zip(*_lists(packages, "lineage", "day", "bytes", "package", "ecosystem",
                                                   "layer", "path")):
        latest[node] = described
        sizes[node][day] = size
    for node in sorted(latest):
        label, ecosystem, layer, path = latest[node]
        graph.add_node(node, label=label, ecosystem=ecosystem, layer=layer, path=path,
                       spells=spells(set(sizes[node]), days), bytes=dynamic_values(sizes[node], days),
                       viz={"color": colors[layer]})
    kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
    declared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for source, sink, kind, release in zip(*node_keys(packages, deps), *_lists(deps, "kind", "release")):
        kinds[(source, sink)].add(kind)
        declared[(source, sink)].add(day_of[release])
    for edge in sorted(kinds):
        ordered = sorted(kinds[edge], key=KIND_ORDER.index)
        graph.add_edge(*edge, kind=ordered[0], kinds=",".join(ordered), spells=spells(declared[edge], days))
    if used is not None:
        _add_used(graph, packages, used[used["release"].isin(day_of)], day_of, days, declared)
    return graph


def _lists(frame: pd.DataFrame, *names: str) -> list[list]:
    return [frame[name].tolist() for name in names]


def _add_used(graph: nx.DiGraph, packages: pd.DataFrame, used: pd.DataFrame, day_of: dict[str, str],
              days: list[str], declared: dict[tuple[str, str], set[str]]) -> None:
    """Each edge's `evidence` ("declared", "used" or "declared,used" over all days), `declared` (1 or 0) and
    the importing `files` per day as dynamic attributes; a used edge's spells cover the days either holds it.
    An edge used and never declared has no `kind`."""
    files: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for source, sink, row in zip(*used_edge_keys(packages, used), used.itertuples(index=False)):
        day = day_of[row.release]
        files[(source, sink)][day] = max(files[(source, sink)].get(day, 0), int(row.files))
    for source, sink, data in graph.edges(data=True):
        data["evidence"] = "declared,used" if (source, sink) in files else "declared"
    for edge, per_day in sorted(files.items()):
        on = declared.get(edge, set())
        present = on | set(per_day)
        if not graph.has_edge(*edge):
            graph.add_edge(*edge, evidence="used")
        graph.edges[edge].update(spells=spells(present, days),
                                 declared=dynamic_values({day: int(day in on) for day in present}, days),
                                 files=dynamic_values({day: per_day.get(day, 0) for day in present}, days))


def write_exports(folder: Path, evolution: nx.DiGraph, snapshot: nx.DiGraph, release: str) -> list[Path]:
    """`packages.gexf` (dynamic); GraphML, DOT and node-link JSON of the `release` snapshot; its layer graph
    as `layers.dot` and `layers.graphml`."""
    folder.mkdir(parents=True, exist_ok=True)
    names = ["packages.gexf", "packages.graphml", "packages.dot", "packages.json", "layers.graphml", "layers.dot"]
    paths = [folder / name for name in names]
    write_gexf(labelled_apart(evolution), paths[0], "Packages and their dependencies at every release, by day (UTC)")
    snapshot = labelled_apart(snapshot)
    flat = snapshot.copy()
    flat.graph = {"release": release}
    nx.write_graphml(flat, paths[1])
    paths[2].write_text(to_dot(snapshot, release), encoding="utf-8")
    paths[3].write_text(json.dumps(nx.node_link_data(flat, edges="edges"), indent=1), encoding="utf-8")
    layers = layer_graph(snapshot)
    layers.graph = {"release": release}
    nx.write_graphml(layers, paths[4])
    paths[5].write_text(layers_to_dot(layers, release), encoding="utf-8")
    return paths


def labelled_apart(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy of `graph` in which packages sharing a name are labelled with their directory too, as the
    tables name them: gemini-cli's root and `packages/cli` are both `@google/gemini-cli`, and Gephi and
    Graphviz show labels, not node ids."""
    names = Counter(data.get("label") for _, data in graph.nodes(data=True))
    found = graph.copy()
    for _, data in found.nodes(data=True):
        if "label" in data:
            data["label"] = name_apart(data["label"], data.get("path"), names)
    return found


def write_subpackage_graph(folder: Path, graph: nx.DiGraph, release: str) -> list[Path]:
    """`subpackages.graphml`, `.dot` and `.json`: the subpackage import graph of a project of one package."""
    flat = graph.copy()
    flat.graph = {"release": release}
    paths = [folder / name for name in ("subpackages.graphml", "subpackages.dot", "subpackages.json")]
    nx.write_graphml(flat, paths[0])
    paths[1].write_text(to_dot(graph, f"{release} subpackages"), encoding="utf-8")
    paths[2].write_text(json.dumps(nx.node_link_data(flat, edges="edges"), indent=1), encoding="utf-8")
    return paths


def write_author_package_gexf(tables: dict[str, pd.DataFrame], releases: pd.DataFrame, path: str | Path) -> Path:
    """A bipartite author-package graph, dynamic over releases, as GEXF for Gephi's timeline.

    Authors (`bipartite=0`, with their kind) link to the packages and buckets
    (`bipartite=1`, coloured by layer) they changed; each edge lives on the
    release days whose ranges have such commits and carries the commit count
    per day, and its weight is the total, as in contributors.csv.  The
    timeline steps by release day (UTC): releases of one day are one step, and
    a release tagged out of version order (a backport) counts in the latest
    in-order release of its day or before, so that its work is neither lost
    nor replayed out of order.
    """
    rows = tables["release_contributors"]
    day_of = _release_days(releases)
    days = sorted(set(day_of.values()))
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
    graph = nx.Graph()
    for (key, name, kind), present in sorted(authors.items()):
        graph.add_node(f"author:{key}", label=name, kind=kind, bipartite=0, spells=spells(present, days))
    for (package, layer), present in sorted(packages.items()):
        graph.add_node(f"package:{package}", label=package, kind="package", layer=layer, bipartite=1,
                       spells=spells(present, days), viz={"color": colors[layer]})
    for (key, package), per_day in sorted(edges.items()):
        graph.add_edge(f"author:{key}", f"package:{package}", weight=sum(per_day.values()),
                       spells=spells(set(per_day), days), commits=dynamic_values(per_day, days))
    return write_gexf(graph, path, "Authors and the packages they changed, release day by release day (UTC)")


def write_gexf(graph: nx.Graph, path: str | Path, description: str) -> Path:
    """`graph` as a dynamic GEXF 1.3 file, with dates for time, the same bytes for the same graph.

    A node's or edge's `spells` are its (start, end) days, `end` None while it
    lasts; `label`, an edge's `weight` and a node's `viz` colour go where GEXF
    puts them; any other value is an attribute declared with its type: static
    for a single value, dynamic for a list of (value, start, end).  Nodes,
    edges and attributes keep the graph's order.
    """
    nodes = _declared(data for _, data in graph.nodes(data=True))
    edges = _declared(data for _, _, data in graph.edges(data=True))
    kind = "directed" if graph.is_directed() else "undirected"
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n',
             f'<gexf xmlns="{GEXF_NAMESPACE}" xmlns:viz="{VIZ_NAMESPACE}" version="1.3">\n',
             f"  <meta>\n    <creator>miner</creator>\n    <description>{_escape(description)}</description>\n"
             "  </meta>\n",
             f'  <graph mode="dynamic" defaultedgetype="{kind}" timeformat="date" timezone="UTC">\n']
    parts += _declarations("node", nodes) + _declarations("edge", edges)
    parts.append(f'    <nodes count="{graph.number_of_nodes()}">\n')
    for node, data in graph.nodes(data=True):
        label = f' label="{_escape(data["label"])}"' if "label" in data else ""
        parts.append(f'      <node id="{_escape(node)}"{label}>\n')
        parts += _contents(data, nodes)
        parts.append("      </node>\n")
    parts.append(f'    </nodes>\n    <edges count="{graph.number_of_edges()}">\n')
    for number, (source, target, data) in enumerate(graph.edges(data=True)):
        weight = f' weight="{_text(data["weight"])}"' if "weight" in data else ""
        parts.append(f'      <edge id="{number}" source="{_escape(source)}" target="{_escape(target)}"{weight}>\n')
        parts += _contents(data, edges)
        parts.append("      </edge>\n")
    parts.append("    </edges>\n  </graph>\n</gexf>\n")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(parts), encoding="utf-8", newline="\n")
    return path


def to_dot(graph: nx.DiGraph, name: str) -> str:
    """Graphviz DOT text, packages clustered by layer and labelled by name, dev edges dashed (no pydot needed);
    where the sources were read, a declared edge they never use is gray and a used undeclared one dotted red."""
    lines = [f"digraph {_quote(name)} {{", "  rankdir=LR;", "  node [shape=box];"]
    layers = sorted({data.get("layer", "") for _, data in graph.nodes(data=True)})
    for number, layer in enumerate(layers):
        lines.append(f"  subgraph cluster_{number} {{ label={_quote(layer)};")
        lines += [f"    {_quote(n)} [label={_quote(data.get('label', n))}];"
                  for n, data in sorted(graph.nodes(data=True)) if data.get("layer", "") == layer]
        lines.append("  }")
    for source, target, kind in sorted(graph.edges(data="kind"), key=lambda edge: edge[:2]):
        style = ' [style=dashed, label="dev"]' if kind == "dev" else (' [label="build"]' if kind == "build" else "")
        if kind is None:  # the sources use it and no manifest declares it
            style = ' [style=dotted, color=red, label="used, undeclared"]'
        elif graph.edges[source, target].get("evidence") == "declared":
            style = style[:-1] + ', color=gray]' if style else ' [color=gray, label="not imported"]'
        lines.append(f"  {_quote(source)} -> {_quote(target)}{style};")
    return "\n".join(lines + ["}"]) + "\n"


def layers_to_dot(layers: nx.DiGraph, name: str) -> str:
    """Graphviz DOT text of a layer graph: a box per layer with its package count, an arrow per pair of
    layers labelled with the package edges it stands for, thicker for more, dashed when all are dev."""
    lines = [f"digraph {_quote(name + ' layers')} {{", "  rankdir=LR;", "  node [shape=box];"]
    for layer, data in layers.nodes(data=True):
        inside = f", {_count(data['internal'], 'edge')} inside" if data["internal"] else ""
        label = f"{layer}: {_count(data['packages'], 'package')}{inside}"
        lines.append(f"  {_quote(layer)} [label={_quote(label)}];")
    for source, target, data in layers.edges(data=True):
        dashed = ", style=dashed" if data["dev"] == data["dependencies"] else ""
        width = 1 + data["dependencies"].bit_length()
        lines.append(f"  {_quote(source)} -> {_quote(target)} "
                     f"[label={_quote(data['kinds'])}, penwidth={width}{dashed}];")
    return "\n".join(lines + ["}"]) + "\n"


def spells(present: set[str], days: list[str]) -> list[tuple[str, str | None]]:
    """Runs of consecutive `days` (in increasing order) holding the item, as (start, end); open-ended if it
    lasts.  A run ends on the first day without the item, so it always ends after it starts."""
    spells, start = [], None
    for day in days:
        if day in present and start is None:
            start = day
        elif day not in present and start is not None:
            spells.append((start, day))
            start = None
    if start is not None:
        spells.append((start, None))
    return spells


def dynamic_values(values: Mapping[str, int], days: list[str]) -> list[tuple[int, str, str | None]]:
    """A dynamic attribute from day -> value: (value, start, end) over each run of `days` with one value."""
    runs: list[list] = []
    for day in days:
        value = int(values[day]) if day in values else None
        if runs and runs[-1][2] is None and runs[-1][0] != value:
            runs[-1][2] = day
        if value is not None and (not runs or runs[-1][2] is not None):
            runs.append([value, day, None])
    return [tuple(run) for run in runs]


def layer_colors(layers: Iterable[str]) -> dict[str, dict]:
    names = sorted(set(layers))
    return {name: dict(zip("rgb", PALETTE[i % len(PALETTE)])) for i, name in enumerate(names)}


def _release_days(releases: pd.DataFrame) -> dict[str, str]:
    """Release -> the UTC day it counts on: its own, or for one tagged out of order, the day of the latest
    in-order release at or before it (the first one's when there is none)."""
    moments, tags = releases["date"].tolist(), releases["tag"].tolist()
    late = releases["out_of_order"].astype(bool).tolist()
    in_order = sorted((moment, tag) for moment, tag, out in zip(moments, tags, late) if not out)
    days = {tag: moment.strftime("%Y-%m-%d") for moment, tag in in_order}
    times = [moment for moment, _ in in_order]
    for moment, tag, out in zip(moments, tags, late):
        if out and in_order:
            days[tag] = days[in_order[max(bisect_right(times, moment) - 1, 0)][1]]
    return days


def _declared(elements: Iterable[dict]) -> dict[str, tuple[str, str, bool]]:
    """The attributes of nodes or edges by title, in title order: (GEXF id, GEXF type, dynamic)."""
    types: dict[str, set[str]] = defaultdict(set)
    dynamic: set[str] = set()
    for data in elements:
        for title, value in data.items():
            if title in _PLACED or value is None:
                continue
            if isinstance(value, list):
                dynamic.add(title)
                types[title].update(_gexf_type(item[0]) for item in value)
            else:
                types[title].add(_gexf_type(value))
    return {title: (str(number), next(iter(types[title])) if len(types[title]) == 1 else "string", title in dynamic)
            for number, title in enumerate(sorted(types))}


def _gexf_type(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "boolean"
    if isinstance(value, numbers.Integral):
        return "long"
    return "double" if isinstance(value, numbers.Real) else "string"


def _declarations(kind: str, columns: dict[str, tuple[str, str, bool]]) -> list[str]:
    """The `<attributes>` blocks of `kind` (node or edge): static ones, then dynamic ones."""
    parts = []
    for mode in ("static", "dynamic"):
        chosen = [(title, key, gexf_type) for title, (key, gexf_type, dynamic) in columns.items()
                  if dynamic == (mode == "dynamic")]
        if chosen:
            parts.append(f'    <attributes class="{kind}" mode="{mode}">\n')
            parts += [f'      <attribute id="{key}" title="{_escape(title)}" type="{gexf_type}"/>\n'
                      for title, key, gexf_type in chosen]
            parts.append("    </attributes>\n")
    return parts


def _contents(data: dict, columns: dict[str, tuple[str, str, bool]]) -> list[str]:
    """A node's or edge's attribute values, spells and colour, as GEXF elements."""
    values = []
    for title, (key, _, dynamic) in columns.items():
        value = data.get(title)
        if value is None:
            continue
        if dynamic:
            values += [f'          <attvalue for="{key}" value="{_text(item)}"{_interval(start, end)}/>\n'
                       for item, start, end in value]
        else:
            values.append(f'          <attvalue for="{key}" value="{_text(value)}"/>\n')
    parts = ["        <attvalues>\n", *values, "        </attvalues>\n"] if values else []
    if data.get("spells"):
        parts += ["        <spells>\n", *(f"          <spell{_interval(start, end)}/>\n"
                                           for start, end in data["spells"]), "        </spells>\n"]
    color = data.get("viz", {}).get("color")
    if color:
        parts.append(f'        <viz:color r="{color["r"]}" g="{color["g"]}" b="{color["b"]}"/>\n')
    return parts


def _interval(start: str, end: str | None) -> str:
    return f' start="{start}"' + (f' end="{end}"' if end is not None else "")


def _text(value) -> str:
    """A value as GEXF writes it: booleans in XML's spelling, everything escaped."""
    if _gexf_type(value) == "boolean":
        return "true" if value else "false"
    return _escape(value)


def _escape(value) -> str:
    return _NOT_XML.sub("\ufffd", str(value)).translate(_ESCAPES)


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" + ("" if number == 1 else "s")


def _quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'
