"""The architecture at every release: workspaces, crates, layers, edges, code size.

For each release this reads the Cargo workspaces of the tagged tree (through
`miner.ecosystems.cargo`, cached by object id), sorts the crates into layers, counts their
lines of Rust and the repository's bytes per language, and follows crates
across releases so a rename keeps one lineage.  The results are the tables
`crates`, `crate_deps`, `crate_changes`, `workspaces` and `languages`.
"""
from __future__ import annotations

import posixpath

import pandas as pd
import pygit2

from miner.store.cache import Cache
from miner.ecosystems.cargo import Crate, crate_changes, workspaces_at
from miner.sources.codesize import crate_rust_lines, language_bytes
from miner.errors import Warning
from miner.catalogs.layers import Layer, classify
from miner.model.names import as_text
from miner.analyses.releases import Release

CRATE_COLUMNS = ["release", "crate", "path", "version", "description", "layer", "workspace", "lineage", "rust_lines"]
DEP_COLUMNS = ["release", "crate", "depends_on", "kind", "optional", "target", "alias", "workspace"]
CHANGE_COLUMNS = ["release", "change", "crate", "path", "old_crate", "old_path"]
WORKSPACE_COLUMNS = ["release", "workspace", "crates", "edges", "rust_lines"]
LANGUAGE_COLUMNS = ["release", "language", "bytes", "share"]


def architecture_tables(
    git: pygit2.Repository,
    repo_name: str,
    releases: tuple[Release, ...],
    cache: Cache,
    layers: list[Layer],
    pin: str | None = None,
) -> tuple[dict[str, pd.DataFrame], list[Warning]]:
    """Crate, dependency, change, workspace and language tables over `releases` (in date order)."""
    rows: dict[str, list] = {"crates": [], "crate_deps": [], "crate_changes": [], "workspaces": [], "languages": []}
    warnings: list[Warning] = []
    members: dict[str, list[Crate]] = {}
    lineage: dict[tuple[str, str], str] = {}
    before: list[Crate] = []
    for release in releases:
        try:
            tree = git[release.commit].tree
        except (KeyError, ValueError, pygit2.GitError) as error:
            warnings.append(Warning(repo_name, f"tree unreadable, architecture skipped ({error})", tag=release.tag))
            continue
        found = workspaces_at(git, tree, cache, pin=pin, repo_name=repo_name, tag=release.tag)
        crates = [crate for workspace in found for crate in workspace.crates]
        problems = [w for workspace in found for w in workspace.warnings]
        lineage = _follow(lineage, before, crates)
        unreadable: set[str] = set()
        lines = crate_rust_lines(git, tree, [c.path for c in crates], cache, unreadable)
        for workspace in found:
            _workspace_rows(rows, release.tag, workspace, lineage, lines, layers)
        rows["crate_changes"] += _change_rows(release, members.get(release.previous), crates)
        rows["languages"] += _language_rows(release.tag, language_bytes(git, tree, cache, unreadable))
        members[release.tag], before = crates, crates
        warnings += problems + _uncounted(repo_name, release.tag, unreadable, {w.path for w in problems})
    columns = {"crates": CRATE_COLUMNS, "crate_deps": DEP_COLUMNS, "crate_changes": CHANGE_COLUMNS,
               "workspaces": WORKSPACE_COLUMNS, "languages": LANGUAGE_COLUMNS}
    return {name: pd.DataFrame(rows[name], columns=columns[name]) for name in rows}, warnings


def _uncounted(repo_name: str, tag: str, unreadable: set[str], warned: set[str]) -> list[Warning]:
    """A warning for each file or directory the code sizes could not read, unless one already names it."""
    return [Warning(repo_name, "missing from the repository: not counted in lines of code or language bytes",
                    tag=tag, path=path) for path in sorted(unreadable) if path not in warned]


def _workspace_rows(rows, tag: str, workspace, lineage, lines: dict[str, int], layers: list[Layer]) -> None:
    """Rows of one workspace; paths as text (pygit2 keeps bytes that are not UTF-8 as surrogates, which no
    table holds), replaced as the history walk replaces them in commits' paths."""
    total = 0
    root = as_text(workspace.root)
    for crate in workspace.crates:
        inside = posixpath.relpath(crate.path or ".", workspace.root or ".")
        rows["crates"].append([tag, crate.name, as_text(crate.path), crate.version, crate.description or "",
                               classify(inside, crate.name, layers), root,
                               lineage[(crate.name, crate.path)], lines.get(crate.path, 0)])
        total += lines.get(crate.path, 0)
        for dep in crate.dependencies:
            rows["crate_deps"].append([tag, crate.name, dep.name, dep.kind, dep.optional, dep.target or "",
                                       dep.alias or "", root])
    edges = sum(len(crate.dependencies) for crate in workspace.crates)
    rows["workspaces"].append([tag, root, len(workspace.crates), edges, total])


def _follow(lineage: dict, before: list[Crate], after: list[Crate]) -> dict[tuple[str, str], str]:
    """Carry each crate's lineage over from the previous release, through renames."""
    added, _, renamed = crate_changes(before, after)
    carried = {(c.name, c.path): lineage[(c.name, c.path)] for c in after if (c.name, c.path) in lineage}
    carried.update({(new.name, new.path): lineage[(old.name, old.path)] for old, new in renamed})
    carried.update({(c.name, c.path): c.name for c in added if (c.name, c.path) not in carried})
    carried.update({(c.name, c.path): c.name for c in after if (c.name, c.path) not in carried})
    return carried


def _change_rows(release: Release, previous: list[Crate] | None, crates: list[Crate]) -> list[list]:
    """Crates added, removed and renamed since the previous stable release (all added for the first)."""
    if previous is None:
        return [[release.tag, "added", c.name, as_text(c.path), "", ""] for c in crates] if not release.previous else []
    added, removed, renamed = crate_changes(previous, crates)
    return ([[release.tag, "added", c.name, as_text(c.path), "", ""] for c in added]
            + [[release.tag, "removed", c.name, as_text(c.path), "", ""] for c in removed]
            + [[release.tag, "renamed", new.name, as_text(new.path), old.name, as_text(old.path)]
               for old, new in renamed])


def _language_rows(tag: str, sizes: dict[str, int]) -> list[list]:
    total = sum(sizes.values()) or 1
    return [[tag, language, size, round(size / total, 4)] for language, size in sizes.items()]
