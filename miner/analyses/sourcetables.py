"""The source view's tables: one row set per release read, named like the CSV files they become.

`source_tables(views, catalog)` turns the `SourceView` of each release
(`miner.analyses.sourceview`) into DataFrames (`view_rows` gives one release's
rows, `tables_of` the tables of such rows):

- `source_edges`: which package's sources import which, with the number of
  importing files, one example line and whether the manifest declares it;
- `source_declared`: every declared or used edge between packages with its
  status ("declared and used", "declared, named only in macros", "declared, never used", "used, undeclared");
- `source_notable`: the external dependencies of the notable catalog that
  some package imports, with the packages importing them (by name, and
  directory where two packages share a name);
- `subpackages` and `subpackage_edges`: the top-level subpackages of each
  Python package and the imports between them, which are the architecture
  of a project made of one package (Mistral Vibe's `vibe.core`, `vibe.cli`);
- `source_counts`: what each release's sources hold (files, bytes) and the
  bad input met (syntax errors, over the size limit, binary, not UTF-8,
  missing).  What a run parsed is no column: it depends on what the store
  held before, and the tables depend on the inputs alone.

Packages are named as in packages.csv (ecosystem, workspace, name, path), so
the tables join with it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import fields
from typing import Iterable, Mapping

import pandas as pd

from miner.analyses.sourceview import SourceView, notable_uses
from miner.model.imports import ParseCounts, Unit
from miner.model.packages import name_apart

_PACKAGE = ["ecosystem", "workspace", "package", "path"]
_TARGET = ["depends_on_ecosystem", "depends_on_workspace", "depends_on", "depends_on_path"]
EDGE_COLUMNS = ["release", *_PACKAGE, *_TARGET, "files", "example", "kinds", "declared"]
DECLARED_COLUMNS = ["release", *_PACKAGE, *_TARGET, "status", "declared", "files", "example"]
NOTABLE_COLUMNS = ["release", "registry", "dependency", "signals", "packages", "files"]
SUBPACKAGE_COLUMNS = ["release", "project", "package", "subpackage"]
SUBPACKAGE_EDGE_COLUMNS = ["release", "project", "package", "subpackage", "imports", "files", "example"]
# What a release's sources hold, not what this run happened to parse (`parsed` depends on the store's cache).
_COUNTED = [f.name for f in fields(ParseCounts) if f.name not in ("parsed", "parsed_bytes")]
COUNT_COLUMNS = ["release", *_COUNTED, "macro_only_files"]
# The counts that are bad input, by what the warning calls them (a missing object has a warning of its own).
# A file tree-sitter reads with errors need not be broken: its grammars lack some valid constructs (TypeScript's
# `importOriginal<typeof import('x')>()`), so the warning does not call them the project's syntax errors.
BAD_INPUT = {"errors": "that tree-sitter could not wholly parse (a syntax error, or a construct its grammar lacks; "
                       "the imports it read are kept)",
             "too_large": "over the size limit (skipped)", "binary": "binary",
             "not_utf8": "not UTF-8"}
TABLES = ("source_edges", "source_declared", "source_notable", "subpackages", "subpackage_edges", "source_counts")


def source_tables(views: Iterable[SourceView], catalog: Mapping[tuple[str, str], str]) -> dict[str, pd.DataFrame]:
    """The source view's tables over `views` (one per release, in release order)."""
    return tables_of(view_rows(view, catalog) for view in views)


def view_rows(view: SourceView, catalog: Mapping[tuple[str, str], str]) -> dict[str, list[list]]:
    """One release's rows of each table: they depend on that release's view alone, so a re-run may keep
    them for the releases it read before (plain values, as JSON keeps them)."""
    rows: dict[str, list] = {name: [] for name in TABLES}
    units = {unit.key: unit for unit in view.units}
    declared = {(use.package, use.dependency): use for use in view.declared}
    for edge in view.edges:
        use = declared.get((edge.source, edge.target))
        rows["source_edges"].append([view.release, *_named(units[edge.source]), *_named(units[edge.target]),
                                     edge.files, edge.example, ",".join(edge.kinds),
                                     ",".join(use.declared) if use else ""])
    for use in view.declared:
        rows["source_declared"].append([view.release, *_named(units[use.package]), *_named(units[use.dependency]),
                                        use.status, ",".join(use.declared), use.files, use.example or ""])
    names = Counter(unit.package.name for unit in view.units)
    for notable in notable_uses(view, catalog):
        rows["source_notable"].append([view.release, notable.registry, notable.name, notable.signals,
                                       ", ".join(name_apart(units[key].package.name, units[key].package.path, names)
                                                 for key in notable.units),
                                       notable.files])
    for graph in view.subpackages:
        project = units[graph.unit].package.name
        rows["subpackages"] += [[view.release, project, graph.package, node] for node in graph.nodes]
        rows["subpackage_edges"] += [[view.release, project, graph.package, edge.source, edge.target, edge.files,
                                      edge.example] for edge in graph.edges]
    rows["source_counts"].append([view.release, *(getattr(view.counts, name) for name in _COUNTED),
                                  view.macro_only_files])
    return rows


def relabelled(rows: Mapping[str, list[list]], release: str) -> dict[str, list[list]]:
    """Rows `view_rows` made for a release, as another release with the same tree has them: every row starts
    with its release (a tag made on an already released commit shares its tree, and so its rows)."""
    return {name: [[release, *row[1:]] for row in table] for name, table in rows.items()}


def tables_of(per_release: Iterable[Mapping[str, list[list]]]) -> dict[str, pd.DataFrame]:
    """The tables of the releases' rows (`view_rows`), in release order."""
    rows: dict[str, list] = {name: [] for name in TABLES}
    for release in per_release:
        for name in TABLES:
            rows[name] += release[name]
    columns = {"source_edges": EDGE_COLUMNS, "source_declared": DECLARED_COLUMNS, "source_notable": NOTABLE_COLUMNS,
               "subpackages": SUBPACKAGE_COLUMNS, "subpackage_edges": SUBPACKAGE_EDGE_COLUMNS,
               "source_counts": COUNT_COLUMNS}
    return {name: pd.DataFrame(rows[name], columns=columns[name]) for name in TABLES}


def bad_input_summary(counts: pd.DataFrame) -> str | None:
    """One sentence on the releases whose sources held bad input, None when none did: the latest such
    release's counts, and how many releases had some (each release's are in source_counts.csv)."""
    bad = counts[counts[list(BAD_INPUT)].sum(axis=1) > 0]
    if bad.empty:
        return None
    latest = bad.iloc[-1]
    found = ", ".join(f"{int(latest[column])} {what}" for column, what in BAD_INPUT.items() if latest[column])
    return (f"source view: bad input at {len(bad)} of {len(counts)} releases read; at {latest['release']}, of "
            f"{int(latest['files'])} source files: {found} (never fatal; every release's counts in source_counts.csv)")


def _named(unit: Unit) -> list[str]:
    """A unit as packages.csv names a package: ecosystem, workspace, name, path."""
    return [unit.package.ecosystem, unit.workspace, unit.package.name, unit.package.path]
