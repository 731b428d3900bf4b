"""The JavaScript ecosystems (npm, yarn, pnpm, bun): one discovery of a tree shared by the four.

Which manager owns a folder, which folders are workspace roots and which
package.json files belong to nobody are questions about the whole tree, so
they are answered once per tree (cached by tree id) and each ecosystem takes
the workspaces it owns.  Each manager's own rules live in its module (`npm`
for npm and yarn, `pnpm`, `bun`); what they share in `packagejson`.

What becomes a workspace:

- a workspace root is a folder with a `pnpm-workspace.yaml` (pnpm), or with a
  package.json that has a `workspaces` field and a bun or yarn lock, or none
  (npm); its members are the folders its patterns match by its manager's
  rules, plus the root package itself.  "Member" means what it means for
  Cargo here: every package of the workspace, the root included (npm lists the
  root apart from its workspaces, `npm query .workspace` leaves it out, pnpm and
  bun list it); a root without a name is no package (like a virtual Cargo
  manifest: its folder's name is wherever the repository is checked out);
- a root inside another root's folder that the outer root lists is a member
  of the outer workspace (npm and bun have no nested workspaces), otherwise
  it is a workspace of its own;
- a package.json inside a workspace root's folder that the workspace does
  not list belongs to nobody, as Cargo has it: gemini-cli's example
  extensions under `packages/cli/src/commands/extensions/examples/`, test
  fixtures, vendored tools;
- a named package.json outside every workspace root is a standalone package
  (a workspace of one, owned by the manager its own lock files name), unless it
  sits inside another standalone package's folder: a package nested in a
  package is an example, a fixture or a build output (Cargo would make it a
  package of its own; for JavaScript that would count every
  `examples/*/package.json` of a single-package repository as a package);
- nothing under a `node_modules` folder is read.

A package is TypeScript when its folder holds a tsconfig.json or `.ts`
sources at its top or in `src/`, otherwise JavaScript (`packagejson.language`).
Problems (a manifest or YAML that does not parse, a pattern leaving the
repository, a symbolic link where a manifest should be, two members with one
name, a `workspace:` or `catalog:` spec that resolves to nothing) are warnings
on the workspace they concern, naming the file.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

import yaml

from miner.ecosystems import bun, npm, pnpm
from miner.ecosystems.packagejson import (
    FILES,
    MANIFEST,
    Link,
    Member,
    Members,
    catalog_range,
    language,
    link,
    load_yaml,
    manifest,
    manifest_path,
    owner,
    read_limited,
)
from miner.errors import MinerWarning
from miner.model.packages import Dependency, Package, Workspace
from miner.model.repopaths import join
from miner.sources.trees import Found, MissingObject, TreeView
from miner.store.cache import Cache

WORKSPACES_KIND = "javascript-workspaces-v1"
# The specs that can link a member whatever the key says (npm-package-arg reads `./` and `../` as paths).
_PATH_SPECS = ("workspace:", "file:", "link:", "./", "../")
_CANDIDATE_SPECS = (*_PATH_SPECS, "catalog:")
MANIFESTS = FILES | {pnpm.WORKSPACE_FILE, pnpm.NPMRC}


@dataclass(frozen=True)
class JavaScriptEcosystem:
    """One JavaScript package manager as an `Ecosystem`: the workspaces of the shared discovery it owns."""

    name: str
    language: str = "JavaScript"
    manifests: frozenset[str] = field(default=MANIFESTS)

    def workspaces(self, tree: TreeView, found: Found, cache: Cache) -> list[Workspace]:
        """The workspaces in `tree` that this manager owns, ordered by root."""
        return [workspace for workspace in discover(tree, found, cache) if workspace.ecosystem == self.name]


NPM = JavaScriptEcosystem("npm")
YARN = JavaScriptEcosystem("yarn")
PNPM = JavaScriptEcosystem("pnpm")
BUN = JavaScriptEcosystem("bun")


def discover(tree: TreeView, found: Found, cache: Cache) -> list[Workspace]:
    """Every JavaScript workspace in `tree`, of every manager; cached by tree id when the tree was whole,
    and made once per view for the four managers that each take their own."""
    if WORKSPACES_KIND not in tree.shared:
        key = str(tree.tree.id)
        cached = cache.get(WORKSPACES_KIND, key)
        if cached is None:
            discovery = _Discovery(tree, found, cache)
            built = discovery.workspaces()
            if not found.missing and not discovery.damaged:
                cache.put(WORKSPACES_KIND, key, [workspace.to_json() for workspace in built])
        else:
            built = [Workspace.from_json(data) for data in cached]
        tree.shared[WORKSPACES_KIND] = built
    return tree.shared[WORKSPACES_KIND]


class _Discovery:
    """Reads one tree's package.json files, each at most once, and groups them into workspaces."""

    def __init__(self, tree: TreeView, found: Found, cache: Cache):
        self.tree, self.found, self.cache = tree, found, cache
        self.files = found.files
        manifests = found.paths(MANIFEST) + found.links(MANIFEST)
        self.dirs = sorted({posixpath.dirname(path) for path in manifests if not _in_node_modules(path)})
        self._facts: dict[str, dict] = {}
        self.damaged = False  # a blob was missing: the answer is not kept, a repaired clone gives another

    def missing(self, path: str) -> str:
        """The message for a file whose blob is missing, noting that this tree's answer must not be cached."""
        self.damaged = True
        return f"{posixpath.basename(path)} missing from the repository"

    def workspaces(self) -> list[Workspace]:
        """Roots first, outermost first; then the standalone packages no root's folder holds."""
        built: dict[str, Workspace] = {}
        members: set[str] = set()
        for root in self._roots():
            if root not in members:
                built[root] = self._workspace(root)
                members |= {package.path for package in built[root].packages}
        for directory in self.dirs:
            if directory not in members and not any(folder in built for folder in _lineage(directory)):
                standalone = self._standalone(directory)
                if standalone is not None:
                    built[directory] = standalone
                    members.add(directory)
        return self._with_missing(built)

    def facts(self, directory: str) -> dict:
        if directory not in self._facts:
            try:
                self._facts[directory] = manifest(self.tree, manifest_path(directory), self.cache)
            except MissingObject:
                self._facts[directory] = {"error": self.missing(manifest_path(directory))}
        return self._facts[directory]

    def _roots(self) -> list[str]:
        """Workspace roots, outermost first: pnpm's by their pnpm-workspace.yaml, the others' by `workspaces`."""
        with_yaml = {posixpath.dirname(path) for path in self.files
                     if posixpath.basename(path) == pnpm.WORKSPACE_FILE and not _in_node_modules(path)}
        roots = set()
        for directory in with_yaml | set(self.dirs):
            facts = self.facts(directory) if directory in self.dirs else {}
            if owner(directory, self.files, facts) == "pnpm":
                if directory in with_yaml:
                    roots.add(directory)
            elif facts.get("workspaces") is not None:
                roots.add(directory)
        return sorted(roots, key=lambda root: (root.count("/") + bool(root), root))

    def _workspace(self, root: str) -> Workspace:
        manager = owner(root, self.files, self.facts(root) if root in self.dirs else {})
        return _Builder(self, root, manager).build()

    def _standalone(self, directory: str) -> Workspace | None:
        facts = self.facts(directory)
        manager = owner(directory, self.files, facts)
        if "error" in facts:
            return Workspace(directory, (), (MinerWarning("", facts["error"], "", manifest_path(directory)),), manager)
        if facts["name"] is None:
            return None
        return _Builder(self, directory, manager, standalone=True).build()

    def _with_missing(self, built: dict[str, Workspace]) -> list[Workspace]:
        """Subtrees missing from a damaged repository, reported by the workspace whose members they may hide."""
        for path in self.found.missing:
            holders = [root for root, workspace in built.items() if _under(path, root) and workspace.packages]
            if holders:
                root = max(holders, key=len)
                workspace = built[root]
                warning = MinerWarning("", "directory missing from the repository; members below it are not known", "", path)
                built[root] = Workspace(root, workspace.packages, workspace.warnings + (warning,), workspace.ecosystem)
        return [built[root] for root in sorted(built)]


class _Builder:
    """One workspace: its members by its manager's rules, their packages and the edges between them."""

    def __init__(self, discovery: _Discovery, root: str, manager: str, standalone: bool = False):
        self.discovery, self.root, self.manager = discovery, root, manager
        self.standalone = standalone
        self.problems: list[tuple[str, str]] = []
        self.catalogs: dict[str, dict[str, str]] = {}
        self.ranges = manager != "pnpm"

    def build(self) -> Workspace:
        folders = [] if self.standalone else self._member_folders()
        members = self._members(folders)
        packages = tuple(self._package(member, members) for member in sorted(members.by_path.values(),
                                                                              key=lambda m: m.path))
        warnings = tuple(MinerWarning("", message, "", path) for path, message in self.problems)
        return Workspace(self.root, packages, warnings, self.manager)

    def _root_facts(self) -> dict | None:
        if self.root not in self.discovery.dirs:
            return None
        facts = self.discovery.facts(self.root)
        if "error" in facts:
            self.problems.append((manifest_path(self.root), facts["error"]))
            return None
        return facts

    def _member_folders(self) -> list[str]:
        """The folders the root's patterns name, by its manager's matcher; the root itself is not one."""
        facts = self._root_facts()
        candidates = [folder for folder in self.discovery.dirs if folder != self.root]
        if self.manager == "pnpm":
            return self._pnpm_folders(candidates)
        if facts is None:
            return []
        rules = bun if self.manager == "bun" else npm
        declared, error = rules.patterns(facts["workspaces"])
        if error is not None:
            self.problems.append((manifest_path(self.root), error))
            return []
        if self.manager == "bun":
            self.catalogs = bun.catalogs(facts)
        if self.manager == "yarn":
            self.ranges = self._yarn_transparent()
        matcher = npm.yarn_members if self.manager == "yarn" else rules.members
        folders, problems = matcher(self.root, declared, candidates)
        self.problems += [(manifest_path(self.root), problem) for problem in problems]
        return folders

    def _pnpm_folders(self, candidates: list[str]) -> list[str]:
        config_path = _join(self.root, pnpm.WORKSPACE_FILE)
        try:
            config = pnpm.config(self.discovery.tree, self.root, self.discovery.cache)
        except MissingObject:
            config = {"error": self.discovery.missing(config_path)}
        if "error" in config:
            self.problems.append((config_path, config["error"]))
            return []
        self.problems += [(config_path, problem) for problem in config["problems"]]
        self.catalogs = config["catalogs"]
        self.ranges = pnpm.links_ranges(self.discovery.tree, self.root, config)
        folders, problems = pnpm.members(self.root, config["patterns"], candidates)
        self.problems += [(config_path, problem) for problem in problems]
        return folders

    def _yarn_transparent(self) -> bool:
        """berry's `enableTransparentWorkspaces` (on unless the root .yarnrc.yml turns it off)."""
        path = _join(self.root, ".yarnrc.yml")
        if path not in self.discovery.files or self.discovery.files[path]:
            return True
        try:
            data, error = read_limited(self.discovery.tree, path, pnpm.MAX_YAML_BYTES)
            settings = load_yaml(data.decode("utf-8", "replace")) if data is not None else None
        except MissingObject:
            error, settings = self.discovery.missing(path), None
        except (yaml.YAMLError, ValueError, RecursionError) as why:
            error = f".yarnrc.yml does not parse: {str(why).splitlines()[0] if str(why) else why!r}"
        if error is not None:
            self.problems.append((path, f"{error}; transparent workspaces assumed"))
            return True
        return not (isinstance(settings, dict) and settings.get("enableTransparentWorkspaces") is False)

    def _members(self, folders: list[str]) -> Members:
        """Members by folder and by the name specs reach them by; duplicates are reported and reach no one."""
        by_path: dict[str, Member] = {}
        linkable: dict[str, list[Member]] = {}
        for folder in folders:
            member = self._member(folder)
            if member is not None:
                by_path[folder] = member
                if self.manager not in ("pnpm", "yarn") or self.discovery.facts(folder)["name"] is not None:
                    linkable.setdefault(member.name, []).append(member)
        root = self._root_member()
        if root is not None:
            by_path[self.root] = root
            if self.manager != "npm" and root.name not in linkable:
                linkable[root.name] = [root]  # pnpm, yarn and bun list the root among the workspace's projects
        by_name = {}
        for name, found in linkable.items():
            if len(found) > 1:
                paths = ", ".join(manifest_path(member.path) for member in found)
                self.problems.append((manifest_path(found[-1].path), f"two members named {name!r} ({paths})"))
            else:
                by_name[name] = found[0]
        return Members(by_path, by_name)

    def _member(self, folder: str) -> Member | None:
        facts = self.discovery.facts(folder)
        if "error" in facts:
            self.problems.append((manifest_path(folder), facts["error"]))
            return None
        name = facts["name"]
        if name is None and self.manager == "bun":
            self.problems.append((manifest_path(folder), "package has no name; bun leaves it out of the workspace"))
            return None
        if name is None:  # npm names it after its folder; pnpm and yarn leave it nameless: labelled by folder
            name = npm.folder_name(folder) if self.manager == "npm" else posixpath.basename(folder)
        return Member(folder, name, facts["version"] or "")

    def _root_member(self) -> Member | None:
        facts = self._root_facts() if not self.standalone else self.discovery.facts(self.root)
        if facts is None or facts["name"] is None:
            return None
        return Member(self.root, facts["name"], facts["version"] or "")

    def _package(self, member: Member, members: Members) -> Package:
        facts = self.discovery.facts(member.path)
        edges = {self._edge(found, kind, optional)
                 for key, spec, kind, optional in self._candidates(facts, members)
                 if (found := self._link(member.path, key, spec, members)) is not None}
        return Package(
            name=member.name, path=member.path, manifest=manifest_path(member.path), version=member.version,
            description=facts["description"], dependencies=tuple(sorted(edges, key=_edge_order)),
            ecosystem=self.manager, language=language(self.discovery.tree, member.path, self.discovery.files),
        )

    def _candidates(self, facts: dict, members: Members) -> list[tuple[str, str, str, bool]]:
        """(key, spec, kind, optional) of the declared dependencies `_link` can make an edge of, or warn
        about: those naming a member, a path or a catalog.  The others (most: registry ranges of outside
        packages) are dropped in one comprehension, since every release re-reads every member's."""
        if self.standalone:
            return []
        optional = set(facts["optional_peers"])
        return [(key, spec, kind, kind == "peer" and key in optional)
                for kind, specs in facts["dependencies"].items() for key, spec in specs.items()
                if key in members.by_name or spec.startswith(_CANDIDATE_SPECS)]

    def _link(self, folder: str, key: str, spec: str, members: Members) -> Link | None:
        if spec.startswith("catalog:") and self.manager in ("pnpm", "bun"):
            spec, why = catalog_range(key, spec, self.catalogs)
            if why is not None:
                self.problems.append((manifest_path(folder), why))
                return None
        if key not in members.by_name and not spec.startswith(_PATH_SPECS):
            return None  # what every branch below answers: only a path names a member under another name
        if self.manager == "yarn":
            return npm.yarn_link(key, spec, self.root, members, transparent=self.ranges)
        if self.manager == "npm" and folder == self.root and (found := npm.root_link(key, members)) is not None:
            return found
        found = link(key, spec, folder, members, ranges=self.ranges)
        if found is None:
            self._explain(folder, key, spec)
        return found

    def _explain(self, folder: str, key: str, spec: str) -> None:
        """Warn about the specs that name the workspace but reach none of it: the manager would stop there."""
        path = spec.removeprefix("workspace:") if spec.startswith("workspace:") else None
        if spec.startswith(("file:", "link:")):
            path = spec[5:]
        if path is not None and path.startswith(("./", "../", "/")) and join(folder, path) is None:
            self.problems.append((manifest_path(folder), f"{key!r}: {spec!r} leaves the repository"))
        elif spec.startswith("workspace:"):
            self.problems.append((manifest_path(folder), f"{key!r}: no member matches {spec!r}"))

    @staticmethod
    def _edge(found: Link, kind: str, optional: bool) -> Dependency:
        return Dependency(found.member.name, kind, None, optional, found.alias, found.member.path)


def _edge_order(dependency: Dependency) -> tuple:
    return (dependency.name, dependency.kind, dependency.alias or "", dependency.path or "", dependency.optional)


def _in_node_modules(path: str) -> bool:
    return "node_modules" in path.split("/")[:-1]


def _lineage(path: str) -> list[str]:
    """`path` and every folder above it, up to the repository root ""."""
    found = [path]
    while path:
        path = posixpath.dirname(path)
        found.append(path)
    return found


def _under(path: str, directory: str) -> bool:
    return directory == "" or path == directory or path.startswith(directory + "/")


def _join(directory: str, name: str) -> str:
    return f"{directory}/{name}" if directory else name
