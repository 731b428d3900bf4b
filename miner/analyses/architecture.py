"""The architecture at every release: packages of every ecosystem, their layers, edges and size.

The pipeline reads each release's workspaces (`miner.ecosystems`) and sizes
(`miner.sources.codesize`) into a `ReleaseArchitecture`; this module sorts the
packages into layers, follows them across releases so that a rename keeps one
lineage, says what each release added, removed and renamed, and makes the
tables `packages`, `package_deps`, `package_changes`, `workspaces` and
`languages`.  A package is known by its ecosystem, workspace and directory
(`package_key`), never by its name alone: two packages called `util` in two
workspaces are two packages.
"""
from __future__ import annotations

import functools
import posixpath
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd

from miner.catalogs.layers import Layer, classify
from miner.model.names import as_text
from miner.model.packages import Package, Workspace, name_apart, package_key
from miner.model.releases import Release
from miner.model.repopaths import relative

PACKAGE_COLUMNS = ["release", "ecosystem", "package", "path", "version", "description", "language", "layer",
                   "workspace", "lineage", "bytes"]
DEP_COLUMNS = ["release", "ecosystem", "workspace", "package", "path", "depends_on", "depends_on_path", "kind",
               "optional", "target", "alias"]
CHANGE_COLUMNS = ["release", "ecosystem", "change", "package", "path", "old_package", "old_path", "since"]
WORKSPACE_COLUMNS = ["release", "ecosystem", "workspace", "packages", "edges", "bytes"]
LANGUAGE_COLUMNS = ["release", "language", "bytes", "share"]
LINES_COLUMNS = ["release", "ecosystem", "package", "path", "language", "lines"]


@dataclass(frozen=True)
class ReleaseArchitecture:
    """What one release's tree holds: its workspaces, the bytes of each package's language (by
    `(ecosystem, path)`), the bytes of every language in the tree, and, at the described release only, the
    lines of each package's language."""

    tag: str
    workspaces: tuple[Workspace, ...]
    bytes: Mapping[tuple[str, str], int] = field(default_factory=dict)
    languages: Mapping[str, int] = field(default_factory=dict)
    lines: Mapping[tuple[str, str], int] = field(default_factory=dict)

    def packages(self) -> list[tuple[Workspace, Package]]:
        """Every (workspace, package) of the release, in workspace order."""
        return [(workspace, package) for workspace in self.workspaces for package in workspace.packages]


class PackageChanges(NamedTuple):
    """What changed between two releases' packages of one ecosystem; unpacks as (added, removed, renamed)."""

    added: tuple[Package, ...]
    removed: tuple[Package, ...]
    renamed: tuple[tuple[Package, Package], ...]


def language_of(package: Package, languages: Mapping[str, str]) -> str:
    """The language a package is written in: its own when the ecosystem names one, else the ecosystem's."""
    return package.language or languages.get(package.ecosystem, "")


def architecture_tables(per_release: Sequence[ReleaseArchitecture], releases: Sequence[Release],
                        layers: Sequence[Layer], languages: Mapping[str, str]) -> dict[str, pd.DataFrame]:
    """The packages, edges, changes, workspaces and languages of every release (`releases` in date order;
    `per_release` the readable ones among them; `languages` each ecosystem's language)."""
    rows: dict[str, list] = {"packages": [], "package_deps": [], "package_changes": [], "workspaces": [],
                             "languages": [], "package_lines": []}
    lineages = lineage_by_release(per_release)
    read = {facts.tag: facts for facts in per_release}
    layer_of = LineageLayers(per_release, layers, {r.tag for r in releases if r.out_of_order}, lineages)
    for release in releases:
        facts = read.get(release.tag)
        if facts is None:
            continue
        lineage = lineages[release.tag]
        for workspace in facts.workspaces:
            _workspace_rows(rows, release.tag, workspace, lineage, facts, layer_of, languages)
        previous = read.get(release.previous)
        rows["package_changes"] += _change_rows(release, facts, previous)
        rows["languages"] += _language_rows(release.tag, facts.languages)
    columns = {"packages": PACKAGE_COLUMNS, "package_deps": DEP_COLUMNS, "package_changes": CHANGE_COLUMNS,
               "workspaces": WORKSPACE_COLUMNS, "languages": LANGUAGE_COLUMNS, "package_lines": LINES_COLUMNS}
    return {name: pd.DataFrame(rows[name], columns=columns[name]) for name in rows}


def lineage_by_release(per_release: Sequence[ReleaseArchitecture]) -> dict[str, dict[str, str]]:
    """Release -> package key -> lineage: the key the package had when it first appeared, carried through
    renames and moves (ripgrep's `grep-cli/` to `crates/cli/`), release after release in date order."""
    found: dict[str, dict[str, str]] = {}
    lineage: dict[str, str] = {}
    before: list[tuple[Workspace, Package]] = []
    for facts in per_release:
        after = facts.packages()
        lineage = _follow(lineage, before, after)
        found[facts.tag] = lineage
        before = after
    return found


def place_rows(per_release: Sequence[ReleaseArchitecture], layers: Sequence[Layer],
               late: set[str] = frozenset()) -> Iterator[tuple[str, ...]]:
    """(release, label, directory, layer, workspace root) of every package at every release, for attribution.

    The label and the layer are its lineage's (`LineageLayers`; `late`: the
    releases tagged out of version order), as packages.csv gives the layer:
    one package is one row of the Team tables however it was renamed or moved
    (Roo-Code's root package was `claude-dev` until v3.5.1, then `roo-cline`).
    """
    layer_of = LineageLayers(per_release, layers, late)
    for facts in per_release:
        for workspace, package in facts.packages():
            yield (facts.tag, layer_of.label(package, workspace, facts.tag), as_text(package.path),
                   layer_of(package, workspace, facts.tag), workspace.root)


def package_changes(before: Iterable[Package], after: Iterable[Package]) -> PackageChanges:
    """Packages added, removed and renamed between two releases (one ecosystem's, or all compared per ecosystem).

    A package that kept its name but moved, or kept its directory but changed
    its name, is one rename, not a removal and an addition.
    """
    old, new = list(before), list(after)
    same_place = {(p.ecosystem, p.name, p.path) for p in old} & {(p.ecosystem, p.name, p.path) for p in new}
    old = [p for p in old if (p.ecosystem, p.name, p.path) not in same_place]
    new = [p for p in new if (p.ecosystem, p.name, p.path) not in same_place]
    renamed = []
    for same in (lambda p: (p.ecosystem, p.name), lambda p: (p.ecosystem, p.path)):
        pairs = _pairs_by(old, new, same)
        renamed += pairs
        paired = {id(package) for pair in pairs for package in pair}
        old = [package for package in old if id(package) not in paired]
        new = [package for package in new if id(package) not in paired]
    return PackageChanges(tuple(new), tuple(old), tuple(renamed))


def pinned(workspaces: Iterable[Workspace], pin: str) -> list[Workspace]:
    """The workspaces `--workspace DIR` keeps: those rooted at DIR or holding a package there.

    When none does, the package in DIR may be one its ecosystem refuses (Cargo refuses a package below a
    manifest it cannot load); the warnings about DIR's manifest, which sit on the workspace holding DIR,
    are kept on a workspace without packages, so the run says why DIR has none.
    """
    directory = posixpath.normpath(pin.strip("/")) if pin.strip("/") not in ("", ".") else ""
    workspaces = list(workspaces)
    kept = [w for w in workspaces if w.root == directory or any(p.path == directory for p in w.packages)]
    if kept:
        return kept
    return [Workspace(directory, (), refused, w.ecosystem) for w in workspaces
            if (refused := tuple(x for x in w.warnings if posixpath.dirname(x.path) == directory))]


def _workspace_rows(rows: dict[str, list], tag: str, workspace: Workspace, lineage: dict[str, str],
                    facts: ReleaseArchitecture, layer_of: LineageLayers, languages: Mapping[str, str]) -> None:
    total = edges = 0
    eco, root = workspace.ecosystem, workspace.root
    for package in workspace.packages:
        size = facts.bytes.get((eco, package.path), 0)
        language = language_of(package, languages)
        name = package.name
        rows["packages"].append([tag, eco, name, as_text(package.path), package.version, package.description or "",
                                 language, layer_of(package, workspace, tag), root,
                                 as_text(lineage[package_key(package, root)]), size])
        total += size
        edges += len(package.dependencies)
        rows["package_deps"] += [[tag, eco, root, name, as_text(package.path), dep.name, dep.path or "", dep.kind,
                                  dep.optional, dep.target or "", dep.alias or ""] for dep in package.dependencies]
        if (eco, package.path) in facts.lines:
            rows["package_lines"].append([tag, eco, package.name, as_text(package.path), language,
                                          facts.lines[(eco, package.path)]])
    rows["workspaces"].append([tag, eco, root, len(workspace.packages), edges, total])


class _Layers:
    """The layer of a package under one set of rules, classified once per (directory, name): most packages
    recur at every release."""

    def __init__(self, layers: Sequence[Layer]):
        self.layers = list(layers)
        self.found: dict[tuple[str, str], str] = {}

    def __call__(self, package: Package, workspace: Workspace) -> str:
        key = (layer_path(package, workspace), package.name)
        layer = self.found.get(key)
        if layer is None:
            layer = self.found[key] = classify(*key, self.layers)
        return layer


class LineageLayers:
    """The layer and the label of a package at any release: its lineage's, as the rules class it and as it
    is named at the lineage's latest release tagged in version order (or its latest at all, if it is only in
    releases tagged out of order).  The label is the name, with the directory where another package of that
    release shares it (gemini-cli's root and `packages/cli` are both `@google/gemini-cli`).

    One package is one row of the Team tables however it moved or was
    renamed: tokio's crate sat at the repository root (which the default rules
    put in Core, as an agent's root package is its CLI) until it moved to
    `tokio/`, and was cut into a Core and an Unclassified row with two main
    developers.
    """

    def __init__(self, per_release: Sequence[ReleaseArchitecture], layers: Sequence[Layer],
                 late: set[str] = frozenset(), lineages: dict[str, dict[str, str]] | None = None):
        self.lineages = lineages if lineages is not None else lineage_by_release(per_release)
        classified = _Layers(layers)
        self.final: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        for in_order in (False, True):  # the releases in version order last: theirs win
            for facts in per_release:
                if (facts.tag not in late) == in_order:
                    lineage = self.lineages[facts.tag]
                    members = facts.packages()
                    names = Counter(package.name for _, package in members)
                    for workspace, package in members:
                        key = lineage[package_key(package, workspace.root)]
                        self.final[key] = classified(package, workspace)
                        self.labels[key] = name_apart(package.name, package.path, names)

    def __call__(self, package: Package, workspace: Workspace, tag: str) -> str:
        return self.final[self.lineages[tag][package_key(package, workspace.root)]]

    def label(self, package: Package, workspace: Workspace, tag: str) -> str:
        return self.labels[self.lineages[tag][package_key(package, workspace.root)]]


def layer_path(package: Package, workspace: Workspace) -> str:
    """The directory layer rules match: the package's, relative to its workspace root ("." for the root
    itself), or its directory in the repository when it stands alone (a workspace of one at its own
    directory: Codex's `sdk/python` project), where "." would say nothing of where it lives."""
    if len(workspace.packages) == 1 and package.path == workspace.root:
        return package.path or "."
    return _inside(package.path, workspace.root)


@functools.lru_cache(maxsize=1 << 14)
def _inside(path: str, root: str) -> str:
    """A package's directory relative to its workspace root ("." for the root itself); memoised, as `_Layers`."""
    return relative(path, root)


def _follow(lineage: dict[str, str], before: list[tuple[Workspace, Package]],
            after: list[tuple[Workspace, Package]]) -> dict[str, str]:
    """Carry each package's lineage over from the previous release, through renames and moves."""
    key_before = {id(package): package_key(package, workspace.root) for workspace, package in before}
    key_after = {id(package): package_key(package, workspace.root) for workspace, package in after}
    _, _, renamed = package_changes([p for _, p in before], [p for _, p in after])
    carried = {key: lineage[key] for key in key_after.values() if key in lineage}
    carried.update({key_after[id(new)]: lineage.get(key_before[id(old)], key_before[id(old)]) for old, new in renamed})
    carried.update({key: key for key in key_after.values() if key not in carried})
    return carried


def _change_rows(release: Release, now: ReleaseArchitecture, previous: ReleaseArchitecture | None) -> list[list]:
    """Packages added, removed and renamed since the previous stable release (every package at the first),
    which each row names (`since`): a prerelease is compared with the stable release before it too, so a
    package new in a version shows at each of its prereleases and at the version itself."""
    current = [package for _, package in now.packages()]
    if previous is None:
        return [] if release.previous else [_change(release.tag, "", "added", p) for p in current]
    since = previous.tag
    added, removed, renamed = package_changes([package for _, package in previous.packages()], current)
    return ([_change(release.tag, since, "added", p) for p in added]
            + [_change(release.tag, since, "removed", p) for p in removed]
            + [_change(release.tag, since, "renamed", new, old) for old, new in renamed])


def _change(tag: str, since: str, change: str, package: Package, old: Package | None = None) -> list:
    return [tag, package.ecosystem, change, package.name, as_text(package.path),
            old.name if old else "", as_text(old.path) if old else "", since]


def _language_rows(tag: str, sizes: Mapping[str, int]) -> list[list]:
    total = sum(sizes.values()) or 1
    return [[tag, language, size, round(size / total, 4)] for language, size in sizes.items()]


def _pairs_by(old: list[Package], new: list[Package], same) -> list[tuple[Package, Package]]:
    """Pairs (old, new) that agree on `same` and are the only such package on each side, in `old`'s order."""
    olds, news = _group_by(old, same), _group_by(new, same)
    return [(package, news[same(package)][0]) for package in old
            if len(olds[same(package)]) == 1 and len(news.get(same(package), ())) == 1]


def _group_by(packages: list[Package], same) -> dict:
    groups: dict = {}
    for package in packages:
        groups.setdefault(same(package), []).append(package)
    return groups
