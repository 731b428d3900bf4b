"""Cargo workspaces as `cargo metadata --no-deps` would report them, read from git objects.

A release's crate graph is a fact about one tree, so it is computed from the
tree alone: manifests are parsed with tomli straight from blobs, with no
checkout and nothing from the repository ever executed.  The membership rules
are Cargo's own (see `cargo/src/cargo/core/workspace.rs`): explicit `members`
(globs expanded over directories, `**` included), minus `exclude`, plus the
root package of a non-virtual manifest, plus every path dependency inside the
workspace directory, recursively; a package belongs to the nearest ancestor
workspace that does not exclude it, or to the one its `package.workspace` names.
A member's edges are its path dependencies on members and, as Cargo's
resolve has them, the crates.io dependencies the root's `[patch.crates-io]`
points at a member's directory (tokio's crates depend on each other by
version from 1.50).

Three kinds of manifest become results: workspace roots, and standalone
packages that no workspace claims (one crate each, path dependencies not
members, as Cargo has it).  A package inside a workspace's directory that the
workspace neither lists nor excludes belongs to nobody (Cargo refuses to run
there) and is left out; this is what test-data manifests usually are.

Where Cargo would stop with an error, this module records a `MinerWarning` naming
the file and returns everything else.  Parsed manifests are cached by blob id,
whole results by tree id, so a release that shares its tree (or most of its
manifests) with another costs a look-up.  Between two releases that differ
in no manifest but the root's `[workspace.package]` (Codex's release commits
set the version there), membership and edges are not worked out again: the
reading of the previous tree is replayed on the new one, and only the
inherited fields are resolved anew (`_Drafts`).
"""
from __future__ import annotations

import fnmatch
import graphlib
import posixpath
import re
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

import pygit2

from miner.ecosystems import manifests as mf
from miner.errors import MinerWarning
from miner.model.packages import Dependency, Package, Workspace
from miner.model.repopaths import ancestors, join, under
from miner.sources.trees import Found, TreeView
from miner.store.cache import Cache

MANIFEST = "Cargo.toml"
# Bump a version when the cached value's shape or meaning changes.
MANIFEST_KIND = "cargo-manifest-v4"
WORKSPACES_KIND = "cargo-workspaces-v5"

_DEPENDENCY_TABLES = (
    ("normal", ("dependencies",)),
    ("dev", ("dev-dependencies", "dev_dependencies")),
    ("build", ("build-dependencies", "build_dependencies")),
)



@dataclass(frozen=True)
class CargoEcosystem:
    """Cargo as an `Ecosystem`: every workspace and standalone package of a tree, as Cargo would read them."""

    name: str = "cargo"
    language: str = "Rust"
    manifests: frozenset[str] = field(default=frozenset({MANIFEST}))

    def workspaces(self, tree: TreeView, found: Found, cache: Cache) -> list[Workspace]:
        """Every Cargo workspace in `tree`, ordered by root directory; `found` lists its `Cargo.toml` files."""
        return mf.cached_workspaces(tree, cache, WORKSPACES_KIND, lambda: _all_workspaces(_TreeReader(tree, found, cache)))


CARGO = CargoEcosystem()


def normal_target(spec: str) -> str:
    """A `[target.X]` key as Cargo prints it: `cfg(all(unix,not(windows)))` -> `cfg(all(unix, not(windows)))`."""
    if not spec.startswith("cfg("):
        return spec
    tokens = re.findall(r'"[^"]*"|[A-Za-z0-9_]+|[(),=]', spec)
    text = ""
    for token in tokens:
        text += {",": ", ", "=": " = "}.get(token, token)
    return text


# Discovery -------------------------------------------------------------------


def _all_workspaces(reader: _TreeReader) -> list[Workspace]:
    """Workspaces rooted at each `[workspace]` manifest, then unclaimed packages, then stray problems."""
    drafts, problems = _DRAFTS.replayed(reader) or _DRAFTS.kept(reader, _drafts(reader))
    finished = {root: draft.finish(reader.manifest(root).get("workspace")) for root, draft in drafts.items()}
    return mf.with_problems(finished, list(problems), "cargo")


def _drafts(reader: _TreeReader) -> tuple[dict[str, _Draft], tuple[tuple[str, str], ...]]:
    """The workspaces of the tree before their inherited fields, by root, and the problems no workspace holds."""
    dirs, problems = reader.manifest_dirs()
    built = {}
    for directory in dirs:
        facts = reader.manifest(directory)
        if facts and facts.get("workspace") is not None:
            built[directory] = _Builder(reader, directory).build()
    members = {crate.path for draft in built.values() for crate in draft.crates}
    reported = {path for draft in built.values() for path, _ in draft.before + draft.after}
    for directory in dirs:
        if directory in built or directory in members or _manifest_path(directory) in reported:
            continue
        facts = reader.manifest(directory)
        root = reader.find_root(directory)
        if facts is None or "error" in facts:
            problems.append((_manifest_path(directory), facts["error"] if facts else "manifest unreadable"))
        elif root is None and reader.blocked(directory):
            problems.append((_manifest_path(directory), f"Cargo refuses this package: {reader.blocked(directory)}"))
        elif root is None:
            built[directory] = _Builder(reader, directory).build()
        elif reader.refusal(root):
            problems.append((_manifest_path(directory), reader.refusal(root)))
    return built, tuple(problems)


class _Drafts:
    """The drafts of the last few trees read, each with every answer its reading got from the tree.

    A new tree whose reader gives the same answers to the same questions
    (the manifest directories, each manifest's facts, each directory listing
    a glob expanded) would be drafted the same way, since `_drafts` learns
    about a tree through its reader alone: the kept drafts serve it.  A
    manifest's facts are compared without the root's `[workspace.package]`,
    which drafts never read.  The answers are checked in the order first
    asked, so a tree that differs stops the check at the first difference.
    """

    def __init__(self, kept: int = 4):
        self._kept: deque = deque(maxlen=kept)

    def replayed(self, reader: _TreeReader):
        for answers, drafts in self._kept:
            if all(reader.answer(question) == answer for question, answer in answers.items()):
                return drafts
        return None

    def kept(self, reader: _TreeReader, drafts):
        self._kept.appendleft((dict(reader.answers), drafts))
        return drafts


_DRAFTS = _Drafts()


class _TreeReader:
    """Reads the manifests and directories of one tree, each at most once."""

    def __init__(self, tree: TreeView, found: Found, cache: Cache):
        self.tree, self.found, self.cache = tree, found, cache
        self._manifests: dict[str, dict | None] = {}
        self._members: dict[str, tuple[list[str], list[tuple[str, str]]]] = {}
        self._exclusions: dict[str, tuple[set[str], set[str]]] = {}
        self._links = {posixpath.dirname(path) for path in found.links(MANIFEST)}
        self.answers: dict[tuple[str, str], Any] = {}  # what the tree told: see `_Drafts`

    def answer(self, question: tuple[str, str]) -> Any:
        """The answer to one of the questions in `answers`, asked of this tree."""
        kind, directory = question
        if kind == "manifest":
            return _without_shared(self.manifest(directory))
        if kind == "subdirs":
            return self.subdirs(directory)
        dirs, problems = self.manifest_dirs()
        return tuple(dirs), tuple(problems)

    def manifest(self, directory: str) -> dict | None:
        """The manifest facts of `directory`, None when it has no `Cargo.toml`."""
        if directory not in self._manifests:
            self._manifests[directory] = self._read_manifest(directory)
            self.answers[("manifest", directory)] = _without_shared(self._manifests[directory])
        return self._manifests[directory]

    def subdirs(self, directory: str) -> list[str] | None:
        """Names of the directories inside `directory`, None if it is not a directory."""
        found = self.tree.subdirs(directory)
        self.answers[("subdirs", directory)] = found
        return found

    def manifest_dirs(self) -> tuple[list[str], list[tuple[str, str]]]:
        """Every directory holding a `Cargo.toml` (symbolic links included, to be refused by name), and
        (path, message) for the directories the tree walk could not read."""
        dirs = {posixpath.dirname(path) for path in self.found.paths(MANIFEST)} | self._links
        problems = [(path, "directory missing from the repository") for path in self.found.missing]
        self.answers[("dirs", "")] = tuple(sorted(dirs)), tuple(problems)
        return sorted(dirs), problems

    def member_dirs(self, root: str) -> tuple[list[str], list[tuple[str, str]]]:
        """The directories `root`'s `members` patterns name, and (path, message) for patterns matching nothing."""
        if root not in self._members:
            self._members[root] = self._expand_members(root)
        return self._members[root]

    def is_excluded(self, root: str, directory: str) -> bool:
        """Cargo's rule: under an `exclude` path and under no `members` entry taken literally.

        A glob such as `crates/*` is compared as written, so it never
        overrides an exclusion; `crates/old` written out does.  The
        directory's ancestors are looked up, so the cost does not grow with
        the number of entries.
        """
        if root not in self._exclusions:
            workspace = self.manifest(root)["workspace"]
            self._exclusions[root] = tuple({_join(root, path) for path in workspace[field]} - {None}
                                           for field in ("exclude", "members"))
        excluded, members = self._exclusions[root]
        ancestors = _ancestors(directory)
        return not excluded.isdisjoint(ancestors) and members.isdisjoint(ancestors)

    def refusal(self, root: str) -> str:
        """Why Cargo refuses a package that `find_root` leads to `root` (through a `package.workspace`, its own
        or an ancestor's, that names no workspace, or a loop of them); "" when `root` has a `[workspace]`."""
        facts = self.manifest(root)
        if facts is not None and facts.get("workspace") is not None:
            return ""
        if facts is None:
            return (f"package.workspace leads to {_manifest_path(root)!r}, which does not exist: Cargo refuses "
                    "this package (failed to read it)")
        return (f"package.workspace leads to {_manifest_path(root)!r}, which has no [workspace]: Cargo refuses "
                "this package (root of a workspace inferred but wasn't a root)")

    def blocked(self, directory: str) -> str:
        """Why Cargo cannot find the workspace root of the package in `directory`, "" when it can.

        Looking for it, Cargo loads every manifest above the package up to
        the root (to the top when there is none), or the root its
        `package.workspace` names; one it cannot load (even a root that
        excludes the package) stops it there.
        """
        root = self.find_root(directory)
        above = _ancestors(directory)[1:]
        if root in above:
            above = above[:above.index(root) + 1]
        elif root is not None:
            above = [root] if root != directory else []
        for ancestor in above:
            facts = self.manifest(ancestor)
            reason = _unloadable(facts, facts.get("workspace")) if facts is not None else ""
            if reason:
                return f"looking for its workspace root it reads {_manifest_path(ancestor)}, which it cannot load ({reason})"
        return ""

    def dependency_refusal(self, directory: str) -> str:
        """Why Cargo refuses a workspace with a path dependency on the package in `directory` that is no
        member of it, "" when it does not: Cargo loads that package too, inheritance and all."""
        facts = self.manifest(directory)
        if facts is None:
            return "no Cargo.toml for a path dependency: Cargo refuses the workspace (failed to load manifest for dependency)"
        root = self.find_root(directory)
        owner = self.manifest(root) if root is not None else None
        workspace = owner.get("workspace") if owner else None
        if workspace is None and "error" not in facts and _inherits(facts):
            reason = "it inherits from a workspace but belongs to none"
        else:
            reason = _unloadable(facts, workspace) or self.blocked(directory)
        return f"Cargo refuses the workspace: it cannot load this path dependency ({reason})" if reason else ""

    def find_root(self, directory: str) -> str | None:
        """The root of the workspace the package in `directory` belongs to, None if it stands alone.

        Cargo's `find_root`: the package's own `[workspace]` or
        `package.workspace`, else the nearest ancestor that is a root not
        excluding it or that points to a root.
        """
        candidate = directory
        while candidate is not None:
            facts = self.manifest(candidate) or {}
            if facts.get("workspace") is not None and (
                candidate == directory or not self.is_excluded(candidate, directory)
            ):
                return candidate
            pointer = _root_pointer(candidate, facts)
            if pointer is not None:
                return pointer
            candidate = posixpath.dirname(candidate) if candidate else None
        return None

    def _read_manifest(self, directory: str) -> dict | None:
        path = _manifest_path(directory)
        if directory in self._links:  # its blob holds the link's target, not a manifest
            return {"error": "Cargo.toml is a symbolic link, not read: miner reads git objects and follows no link"}
        entry = self.tree.entry(path)
        if entry is None:
            return None
        if not isinstance(entry, pygit2.Blob):
            return {"error": "Cargo.toml is not a file"}
        return mf.cached_facts(self.tree, path, self.cache, MANIFEST_KIND, _parse_manifest)

    def _expand_members(self, root: str) -> tuple[list[str], list[tuple[str, str]]]:
        dirs: dict[str, None] = {}
        problems = []
        for pattern in self.manifest(root)["workspace"]["members"]:
            matched = _glob(self, _join(root, pattern))
            if matched is None:
                problems.append((_manifest_path(root), f"member {pattern!r} leaves the repository"))
            elif not matched:
                problems.append((_manifest_path(root), f"member {pattern!r} matches no directory"))
            dirs.update(dict.fromkeys(matched or ()))
        return list(dirs), problems


def _without_shared(facts: dict | None) -> dict | None:
    """Manifest facts as drafts read them: of a root's `[workspace.package]` only which fields it has (whether
    Cargo can load a manifest inheriting them), their values being only `_Draft.finish`'s to read."""
    if not facts or not facts.get("workspace"):
        return facts
    shared = facts["workspace"]["package"]
    return {**facts, "workspace": {**facts["workspace"], "package": {k: v is not None for k, v in shared.items()}}}


def _root_pointer(directory: str, facts: dict) -> str | None:
    pointer = (facts.get("package") or {}).get("workspace")
    return None if pointer is None else _join(directory, pointer)


# Membership ------------------------------------------------------------------


class _Builder:
    """Collects one workspace's members the way Cargo's `find_members` does."""

    def __init__(self, reader: _TreeReader, root: str):
        self.reader, self.root = reader, root
        self.facts = reader.manifest(root)
        self.workspace = self.facts.get("workspace")
        self.members: dict[str, None] = {}  # ordered, and looked up per path dependency
        self.problems: list[tuple[str, str]] = []
        self._resolved: dict[str, list[dict]] = {}
        self._loaded: set[str] = set()  # path dependencies outside the members, checked once

    def build(self) -> _Draft:
        """The workspace before its inherited fields: members, their own fields and their edges to each other."""
        if self.workspace is None:
            self._add(self.root, path_dep=False)
        else:
            self.problems += [(_manifest_path(self.root), refusal) for refusal in self.workspace["refusals"]]
            explicit, problems = self.reader.member_dirs(self.root)
            self.problems += problems
            for directory in explicit:
                self._add(directory, path_dep=False)
            self._add(self.root, path_dep=False)
        self._drop_foreign_members()
        crates = self._crates()
        before = tuple(self.problems)
        self._check_unique(crates)
        after = tuple(self.problems[len(before):]) + tuple(_cycles(crates))
        fields = tuple((package.get("version"), package.get("description"))
                       for package in (self.reader.manifest(crate.path)["package"] for crate in crates))
        return _Draft(self.root, crates, fields, before, after)

    def _add(self, start: str | None, path_dep: bool) -> None:
        """Add a member and, depth first, the path dependencies it brings in (a chain of them may be
        longer than Python's recursion limit, so the walk keeps its own stack)."""
        stack = [(start, path_dep)]
        while stack:
            directory, path_dep = stack.pop()
            if not self._admits(directory, path_dep):
                continue
            self.members[directory] = None
            if self.workspace is None and directory == self.root:
                continue
            stack += [(dependency["dir"], True) for dependency in reversed(self._path_dependencies(directory))]

    def _admits(self, directory: str | None, path_dep: bool) -> bool:
        """Whether `directory` joins the members: not yet one, in this workspace, not excluded, and readable."""
        if directory is None or directory in self.members:
            return False
        outside = path_dep and not _under(directory, self.root) and self.reader.find_root(directory) != self.root
        if outside or (self.workspace is not None and self.reader.is_excluded(self.root, directory)):
            if path_dep and directory not in self._loaded:  # no member, but Cargo still loads it
                self._loaded.add(directory)
                refusal = self.reader.dependency_refusal(directory)
                self.problems += [(_manifest_path(directory), refusal)] if refusal else []
            return False
        facts = self.reader.manifest(directory)
        if facts is None or "error" in facts:
            message = facts["error"] if facts else "no Cargo.toml for a workspace member or path dependency"
            self.problems.append((_manifest_path(directory), message))
            return False
        return True

    def _path_dependencies(self, directory: str) -> list[dict]:
        """Declared path dependencies of a member, inherited ones resolved against the root."""
        if directory not in self._resolved:
            self._resolved[directory] = self._resolve(directory)
        return self._resolved[directory]

    def _resolve(self, directory: str) -> list[dict]:
        resolved = []
        for dependency in self.reader.manifest(directory)["dependencies"]:
            source = self._origin(dependency)
            if source is None:
                self.problems.append((_manifest_path(directory), _unshared_dependency(dependency["key"])))
                continue
            if source["path"] is None:
                continue
            base = self.root if dependency["inherit"] else directory
            target = _join(base, source["path"])
            if target is None:
                self.problems.append((_manifest_path(directory), f"path dependency {dependency['key']!r} leaves the repository"))
            resolved.append({**dependency, "package": source["package"], "dir": target})
        return resolved

    def _origin(self, dependency: dict) -> dict | None:
        """Where a member's dependency comes from: its own table, or the root's `[workspace.dependencies]`
        entry it inherits (None when the root has none)."""
        if not dependency["inherit"]:
            return dependency
        return (self.workspace or {}).get("dependencies", {}).get(dependency["key"])

    def _patched_dependencies(self, directory: str) -> list[dict]:
        """A member's registry dependencies that the root's `[patch.crates-io]` points at a directory: from
        tokio 1.50 its crates depend on each other by version (`tokio = { version = "1.38.0" }`) and the
        patch makes each the member, as `cargo metadata`'s resolve shows (its `--no-deps` listing does not
        apply patches).  Cargo uses a patch only where the member's version meets the requirement, which a
        workspace patching its own members keeps; that is not checked here.  Patched paths make no members:
        Cargo's `find_members` follows path dependencies alone."""
        patches = self.facts.get("patch") or {}
        if not patches:
            return []
        found = []
        for dependency in self.reader.manifest(directory)["dependencies"]:
            source = self._origin(dependency)  # None: `_resolve` reports the missing entry
            if source is None or not source["crates_io"]:
                continue
            path = patches.get(source["package"] or dependency["key"])
            if path is not None:
                found.append({**dependency, "package": source["package"], "dir": _join(self.root, path)})
        return found

    def _drop_foreign_members(self) -> None:
        """Cargo's `validate_members`: a member must find its way back to this root."""
        if self.workspace is None:
            return
        for directory in list(self.members):
            if directory == self.root:
                continue
            owner = self.reader.find_root(directory)
            if owner != self.root:
                del self.members[directory]
                self.problems.append((_manifest_path(directory), f"member of this workspace, but belongs to workspace at {owner!r}"))

    def _crates(self) -> tuple[Package, ...]:
        packages = {d: self.reader.manifest(d)["package"] for d in self.members}
        names = {d: package["name"] for d, package in packages.items() if package and package.get("name")}
        for directory, package in packages.items():
            if package is not None and directory not in names:
                self.problems.append((_manifest_path(directory), "package has no name"))
        return tuple(self._crate(directory, names) for directory in sorted(names))

    def _crate(self, directory: str, names: dict[str, str]) -> Package:
        """A member with its edges, by path and through the root's `[patch.crates-io]`; its version and
        description are the draft's to resolve."""
        edges = {
            Dependency(
                names[dependency["dir"]], dependency["kind"], dependency["target"],
                dependency["optional"], dependency["key"] if dependency["package"] else None,
            )
            for dependency in self._path_dependencies(directory) + self._patched_dependencies(directory)
            if dependency["dir"] in names
        }
        return Package(
            name=names[directory],
            path=directory,
            manifest=_manifest_path(directory),
            version="",
            description=None,
            dependencies=tuple(sorted(edges, key=_dependency_order)),
        )

    def _check_unique(self, crates: list[Package]) -> None:
        seen: dict[str, str] = {}
        for crate in crates:
            if crate.name in seen:
                self.problems.append((crate.manifest, f"two members named {crate.name!r} (also {seen[crate.name]})"))
            seen[crate.name] = crate.manifest


@dataclass(frozen=True)
class _Draft:
    """A workspace before the fields its members inherit: membership and edges follow from the manifests
    without the root's `[workspace.package]`, which a release commit may change alone."""

    root: str
    crates: tuple[Package, ...]  # version and description not yet set
    fields: tuple[tuple[Any, Any], ...]  # each crate's own version and description facts
    before: tuple[tuple[str, str], ...]  # (path, message) met before the inherited fields, and after
    after: tuple[tuple[str, str], ...]

    def finish(self, workspace: dict | None) -> Workspace:
        """The workspace, with the fields `workspace = true` takes from `workspace` (the root's facts)."""
        problems = list(self.before)
        shared = (workspace or {}).get("package") or {}
        crates = tuple(replace(crate, version=_inherited(crate, version, "version", "0.0.0", shared, problems),
                               description=_inherited(crate, description, "description", None, shared, problems))
                       for crate, (version, description) in zip(self.crates, self.fields))
        warnings = tuple(MinerWarning("", message, "", path) for path, message in problems + list(self.after))
        return Workspace(self.root, crates, warnings, "cargo")


def _inherited(crate: Package, value: Any, field: str, default: Any, shared: dict,
               problems: list[tuple[str, str]]) -> Any:
    if value is None:
        return default
    if isinstance(value, str):
        return value
    if shared.get(field) is None:
        problems.append((crate.manifest, _unshared_field(field)))
        return default
    return shared[field]


def _cycles(crates: list[Package]) -> list[tuple[str, str]]:
    """(manifest, message) for each cycle of path dependencies Cargo refuses: any kind but dev-dependencies,
    optional and platform-specific ones included ("cyclic package dependency").  `cargo metadata --no-deps`
    still lists such a workspace; a build or a resolve does not.  One example cycle per strongly connected
    set of crates, named from its first crate."""
    edges = [(crate.name, dep.name) for crate in crates for dep in crate.dependencies if dep.kind != "dev"]
    if _acyclic([crate.name for crate in crates], edges):  # nearly always: no graph to build
        return []
    import networkx as nx  # only here: a run whose workspaces have no cycle need not load it
    graph = nx.DiGraph()
    graph.add_nodes_from(crate.name for crate in crates)
    graph.add_edges_from(edges)
    manifests = {crate.name: crate.manifest for crate in crates}
    problems = []
    for members in nx.strongly_connected_components(graph):
        first = min(members)
        if len(members) == 1 and not graph.has_edge(first, first):
            continue
        cycle = [edge[0] for edge in nx.find_cycle(graph.subgraph(members), source=first)]
        start = cycle.index(min(cycle))
        chain = " -> ".join(cycle[start:] + cycle[:start] + [min(cycle)])
        problems.append((manifests[min(cycle)], f"path dependencies form a cycle ({chain}): Cargo refuses to "
                                                "resolve this workspace (cyclic package dependency)"))
    return sorted(problems)


def _unloadable(facts: dict, workspace: dict | None) -> str:
    """Why Cargo cannot load a manifest at all, "" when it can: it does not parse, Cargo refuses a field of
    its own [workspace], or its package inherits from `workspace`, the one it belongs to, what that does
    not define."""
    if "error" in facts:
        return facts["error"]
    if facts["workspace"] is not None and facts["workspace"]["refusals"]:
        return facts["workspace"]["refusals"][0]
    if workspace is None:
        return ""
    package = facts["package"] or {}
    unshared = [_unshared_field(field) for field in ("version", "description")
                if isinstance(package.get(field), dict) and workspace["package"].get(field) is None]
    unshared += [_unshared_dependency(dependency["key"]) for dependency in facts["dependencies"]
                 if dependency["inherit"] and dependency["key"] not in workspace["dependencies"]]
    return next(iter(unshared), "")


def _inherits(facts: dict) -> bool:
    """Whether a manifest's package takes a field or a dependency from its workspace."""
    package = facts["package"] or {}
    return (any(isinstance(package.get(field), dict) for field in ("version", "description"))
            or any(dependency["inherit"] for dependency in facts["dependencies"]))


def _unshared_field(field: str) -> str:
    return f"{field}.workspace = true but [workspace.package] has no {field}"


def _unshared_dependency(key: str) -> str:
    return f"{key!r} is not in [workspace.dependencies]"


def _acyclic(nodes: Iterable[str], edges: list[tuple[str, str]]) -> bool:
    """Whether the graph has no cycle (a self-loop is one), by the standard library's topological sort."""
    sorter = graphlib.TopologicalSorter({node: () for node in nodes})
    for source, target in edges:
        sorter.add(source, target)
    try:
        sorter.prepare()
    except graphlib.CycleError:
        return False
    return True


def _dependency_order(dependency: Dependency) -> tuple:
    return (dependency.name, dependency.kind, dependency.target or "", dependency.alias or "", dependency.optional)


# Manifests -------------------------------------------------------------------


def _parse_manifest(data: bytes) -> dict:
    """The facts of one `Cargo.toml` this module uses (cached by blob id); BadManifest when it is refused."""
    document = mf.parse_toml(data, MANIFEST)
    package = _table(document.get("package")) or _table(document.get("project"))
    workspace = document.get("workspace")
    return {
        "package": _package_facts(package) if package else None,
        "workspace": _workspace_facts(_table(workspace)) if workspace is not None else None,
        "dependencies": _dependency_facts(document),
        "patch": _patch_facts(document),
    }


def _patch_facts(document: dict) -> dict[str, str]:
    """`[patch.crates-io]`'s path entries: the package each replaces (its key, or its `package`) -> path."""
    found = {}
    for key, value in _table(_table(document.get("patch")).get("crates-io")).items():
        source = _source(value)
        if source["path"] is not None:
            found[source["package"] or key] = source["path"]
    return found


def _package_facts(package: dict) -> dict:
    return {
        "name": _string(package.get("name")),
        "version": _field(package.get("version")),
        "description": _field(package.get("description")),
        "workspace": _string(package.get("workspace")),
    }


def _workspace_facts(workspace: dict) -> dict:
    shared = _table(workspace.get("package"))
    refusals: list[str] = []
    return {
        "members": _paths(workspace.get("members"), "workspace.members", refusals),
        "exclude": _paths(workspace.get("exclude"), "workspace.exclude", refusals),
        "refusals": refusals,
        "package": {"version": _string(shared.get("version")), "description": _string(shared.get("description"))},
        "dependencies": {
            key: _source(value) for key, value in _table(workspace.get("dependencies")).items()
        },
    }


def _dependency_facts(document: dict) -> list[dict]:
    """Every dependency of every kind and target, in manifest order, with where it comes from (`_source`):
    path and inherited ones make edges and members, crates.io ones edges where the root patches them."""
    scopes = [(None, document)] + [
        (normal_target(spec), _table(table)) for spec, table in _table(document.get("target")).items()
    ]
    found = []
    for target, scope in scopes:
        for kind, spellings in _DEPENDENCY_TABLES:
            table = next((_table(scope[name]) for name in spellings if name in scope), {})
            for key, value in table.items():
                inherit = _table(value).get("workspace") is True
                found.append({
                    "key": key, "kind": kind, "target": target, "inherit": inherit,
                    "optional": _table(value).get("optional") is True, **_source(value),
                })
    return found


def _source(value: Any) -> dict:
    """Where a dependency comes from: its path, the package it names, and whether it is a crates.io one (no
    path, git repository or other registry), which `[patch.crates-io]` can point at a member."""
    spec = _table(value)
    path = _string(spec.get("path"))
    crates_io = path is None and "git" not in spec and spec.get("registry") in (None, "crates-io")
    return {"path": path, "package": _string(spec.get("package")), "crates_io": crates_io}


def _field(value: Any) -> str | dict | None:
    """A package field: its text, {"workspace": True} when inherited, else None."""
    if isinstance(value, str):
        return value
    if _table(value).get("workspace") is True:
        return {"workspace": True}
    return None


def _table(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _paths(value: Any, key: str, refusals: list[str]) -> list[str]:
    """The strings of a list of paths; what Cargo refuses to read as one (`exclude = "x"`, `members = ["a", 3]`)
    is added to `refusals`, and the paths that are strings still serve."""
    if value is None:
        return []
    if not isinstance(value, list):
        refusals.append(f"{key} is {_toml_type(value)}, not an array of paths: Cargo refuses this manifest")
        return []
    wrong = next((item for item in value if not isinstance(item, str)), None)
    if wrong is not None:
        refusals.append(f"{key} holds {_toml_type(wrong)} ({wrong!r}), not a path: Cargo refuses this manifest")
    return [item for item in value if isinstance(item, str)]


def _toml_type(value: Any) -> str:
    """A TOML value's type as Cargo names it in its errors."""
    for kind, name in ((bool, "a boolean"), (int, "an integer"), (float, "a float"), (str, "a string"),
                       (list, "an array"), (dict, "a table")):
        if isinstance(value, kind):
            return name
    return "a date or time"


# Paths -----------------------------------------------------------------------


def _glob(reader: _TreeReader, pattern: str | None) -> list[str] | None:
    """Directories matching a member pattern, as Rust's `glob` crate finds them; None outside the repo."""
    if pattern is None:
        return None
    found = [""]
    parts = pattern.split("/") if pattern else []
    for index, part in enumerate(parts):
        if not any(char in part for char in "*?["):
            found = [_join(d, part) for d in found if part in (reader.subdirs(d) or ())]
        elif part == "**":
            found = _descendants(reader, found, include_self=index < len(parts) - 1)
        else:
            found = [_join(d, name) for d in found for name in reader.subdirs(d) or () if fnmatch.fnmatchcase(name, part)]
    return found


def _descendants(reader: _TreeReader, dirs: list[str], include_self: bool) -> list[str]:
    found = []
    for directory in dirs:
        stack = [directory]
        while stack:
            current = stack.pop()
            if include_self or current != directory:
                found.append(current)
            stack += [_join(current, name) for name in reader.subdirs(current) or ()]
    return found


def _join(directory: str, path: str) -> str | None:
    return join(directory, path)


def _under(path: str | None, directory: str | None) -> bool:
    """Whether `path` is `directory` or inside it, comparing whole components like Rust's `starts_with`."""
    return path is not None and directory is not None and under(path, directory)


def _ancestors(path: str) -> list[str]:
    """`path` and every directory above it, innermost first, ending with "" (the root)."""
    return [path, *ancestors(path)] if path else [""]


def _manifest_path(directory: str) -> str:
    return _join(directory, MANIFEST) or MANIFEST
