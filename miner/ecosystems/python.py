"""Python projects and uv workspaces, as uv sees them, read from git objects.

The rules are uv's own (`crates/uv-workspace/src/workspace.rs` and
`crates/uv-distribution/src/metadata/lowering.rs`):

- A `pyproject.toml` with `[tool.uv.workspace]` is a workspace root; its
  `[project]`, if any, is the first member (a root without one is virtual:
  no package).  Each `members` glob, stripped of `./` and `..` lexically, is
  expanded one path component at a time as Rust's `glob` crate does (`*`,
  `?`, `[..]`, `**`; no braces), over the directories that hold a
  `pyproject.toml`; a match under an `exclude` pattern is dropped, where
  `exclude` is matched against the whole relative path as `glob::Pattern`
  does (its `*` crosses `/`).  A member marked `tool.uv.managed = false` is
  skipped; one without `[project]`, one that is itself a workspace root, a
  second member with a name already taken, and a matched directory with no
  pyproject.toml at all (looked for by walking `**`-free patterns, within a
  bound) are errors for uv.
- Any other `[project]` is a workspace of one, unless the nearest
  `pyproject.toml` above it is a workspace root that includes it without
  listing it (uv refuses to run there): nested projects of examples and test
  data stand alone, as uv treats them.
- An internal edge is a requirement naming another member whose source is
  `{ workspace = true }`: the member's own `[tool.uv.sources]` entry for the
  name if it has one, else the root's.  Sources limited to an `extra` or a
  `group` apply only there; where an entry exists but none of its sources
  applies, uv resolves the plain requirement to the member, an edge too.  uv
  requires an entry for every member required; a `path` source pointing at
  the member's own directory is kept as an edge with a warning that uv
  refuses it, any other source for a member is a warning.
- Requirements come from `[project].dependencies` (kind "normal"),
  `[project.optional-dependencies]` (kind "optional", `target` `extra ==
  "name"`), `[dependency-groups]` with `{include-group = ...}` expanded, and
  `[tool.uv].dev-dependencies` as group `dev` (kind "dev", `target` `group ==
  "name"`); a PEP 508 marker is kept in `target` too.  Names of packages,
  extras and groups are normalised as PEP 503 has it, by `packaging`.
  Dependencies a project declares `dynamic` exist only once its build
  backend has run; they are not read, and a warning says so.

Where uv would stop with an error this module records a warning naming the
file and reads everything else.  Parsed manifests are cached by blob id and
whole results by tree id.
"""
from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import replace
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidName, canonicalize_name
from packaging.version import InvalidVersion, Version

from miner.ecosystems import manifests as mf
from miner.model.globs import glob_match, is_glob
from miner.model.packages import Dependency, Package, Workspace
from miner.model.repopaths import ancestors, join, parent, under
from miner.sources.trees import Found, TreeView
from miner.store.cache import Cache

MANIFEST = "pyproject.toml"
# Bump a version when the cached value's shape or meaning changes.
MANIFEST_KIND = "python-pyproject-v1"
WORKSPACES_KIND = "python-workspaces-v1"
# How many directories one member pattern may reach before the check for pyproject-less matches is skipped.
MAX_GLOB_DIRECTORIES = 10_000


class Python:
    """pyproject.toml projects and uv workspaces."""

    name = "python"
    language = "Python"
    manifests = frozenset({MANIFEST})

    def workspaces(self, tree: TreeView, found: Found, cache: Cache) -> list[Workspace]:
        """Every uv workspace and standalone project in `tree`, ordered by root."""
        return mf.cached_workspaces(tree, cache, WORKSPACES_KIND, lambda: _Reader(tree, found, cache).workspaces())


PYTHON = Python()


class _Reader:
    """One tree's pyproject files and the workspaces uv would make of them."""

    def __init__(self, tree: TreeView, found: Found, cache: Cache):
        self.tree = tree
        self.dirs = [parent(path) for path in found.paths(MANIFEST)]
        self.links = found.links(MANIFEST)
        self.facts = {d: mf.cached_facts(tree, _manifest(d), cache, MANIFEST_KIND, _parse_manifest) for d in self.dirs}
        self.problems: list[tuple[str, str]] = []

    def workspaces(self) -> list[Workspace]:
        self.problems += [(path, f"{MANIFEST} is a symbolic link; not followed") for path in self.links]
        self.problems += [(_manifest(d), f["error"]) for d, f in self.facts.items() if "error" in f]
        built: dict[str, Workspace] = {}
        members: set[str] = set()
        for root in self.dirs:
            facts = self.facts[root]
            if _usable(facts) and facts["workspace"] is not None and facts["managed"]:
                if facts["project"] is None:  # a virtual root's own dependency groups are still read by uv
                    self.problems += [(_manifest(root), problem) for problem in facts["problems"]]
                workspace = self._workspace(root, self._members(root))
                built[root] = workspace
                members.update(package.path for package in workspace.packages)
        for directory in self.dirs:
            if directory not in built and directory not in members and self._standalone(directory):
                built[directory] = self._workspace(directory, [directory])
        return mf.with_problems(built, self.problems, PYTHON.name)

    # Membership ---------------------------------------------------------------

    def _members(self, root: str) -> list[str]:
        """Member directories in uv's order: the root project, then each `members` glob's matches."""
        spec = self.facts[root]["workspace"]
        found = [root] if self.facts[root]["project"] else []
        seen = set(found)
        for pattern in spec["members"]:
            full = _rooted(root, pattern)
            if full is None:
                self.problems.append((_manifest(root), f"member {pattern!r} leaves the repository"))
                continue
            matched = sorted((d for d in self.dirs if glob_match(full, d)), key=_components)
            if not matched:
                self.problems.append((_manifest(root), f"member {pattern!r} matches no directory with a {MANIFEST}"))
            for directory in self._bare_matches(full):
                if not _excluded(root, spec, directory):
                    self.problems.append((_manifest(root), f"member {pattern!r} matches {directory!r}, which has no "
                                                           f"{MANIFEST} (uv refuses the workspace)"))
            for directory in matched:
                if directory not in seen:
                    seen.add(directory)
                    if self._admits(root, spec, directory):
                        found.append(directory)
        return found

    def _bare_matches(self, pattern: str) -> list[str]:
        """Directories a `**`-free member pattern matches that hold no pyproject.toml (hidden ones aside, as
        uv skips them), walked one component at a time and given up past MAX_GLOB_DIRECTORIES."""
        if "**" in pattern:
            return []
        found = [""]
        for part in pattern.split("/"):
            found = [join(d, name) or "" for d in found for name in self.tree.subdirs(d) or ()
                     if (glob_match(part, name) if is_glob(part) else name == part)]
            if len(found) > MAX_GLOB_DIRECTORIES:
                return []
        return [d for d in found if d not in self.facts and _manifest(d) not in self.links
                and not posixpath.basename(d).startswith(".")]

    def _admits(self, root: str, spec: dict, directory: str) -> bool:
        """Whether a glob match becomes a member; problems for those uv would refuse."""
        if _excluded(root, spec, directory):
            return False
        facts = self.facts[directory]
        if not _usable(facts) or not facts["managed"]:
            return False
        if facts["project"] is None:
            self.problems.append((_manifest(directory), f"member of the workspace at {root or '.'!r} has no [project] table"))
            return False
        if facts["workspace"] is not None:
            self.problems.append((_manifest(directory), f"member of the workspace at {root or '.'!r} is itself a workspace root"))
            return False
        return True

    def _standalone(self, directory: str) -> bool:
        """uv's `find_workspace` from `directory`: the nearest pyproject.toml above decides."""
        facts = self.facts[directory]
        if not _usable(facts) or facts["project"] is None or not facts["managed"]:
            return False
        above = next((d for d in ancestors(directory) if d in self.facts), None)
        if above is None:
            return True
        outer = self.facts[above]
        if not _usable(outer):
            return False
        spec = outer["workspace"]
        return spec is None or not _included(above, spec, directory) or _excluded(above, spec, directory)

    # Packages and edges -------------------------------------------------------

    def _workspace(self, root: str, dirs: list[str]) -> Workspace:
        packages = [self._package(d) for d in dirs]
        packages, problems = mf.duplicate_names(packages)
        self.problems += problems
        by_name = {package.name: package for package in packages}
        packages = [replace(p, dependencies=_ordered(self._edges(root, p, by_name))) for p in packages]
        return Workspace(root, tuple(sorted(packages, key=lambda p: p.path)), ecosystem=PYTHON.name)

    def _package(self, directory: str) -> Package:
        project = self.facts[directory]["project"]
        return Package(project["name"], directory, _manifest(directory), project["version"],
                       project["description"], ecosystem=PYTHON.name)

    def _edges(self, root: str, package: Package, members: dict[str, Package]) -> set[Dependency]:
        """The internal edges of one member, lowered as uv lowers its requirements."""
        facts = self.facts[package.path]
        shared = self.facts[root]["sources"] if root != package.path else {}
        manifest = package.manifest
        self.problems += [(manifest, problem) for problem in facts["problems"]]
        edges = set()
        for kind, label, name, marker in facts["requirements"]:
            if name == package.name:
                continue  # an extra that turns on another extra of the same project
            own = name in facts["sources"]
            declared = (facts["sources"] if own else shared).get(name)
            sources = [source for source in declared or () if _applies(source, kind, label)]
            target = members.get(name)
            if target is None:
                if any(source["workspace"] for source in sources):
                    self.problems.append((manifest, f"{name!r} has a `workspace = true` source but is not a workspace member"))
            elif self._is_internal(manifest, name, package.path if own else root, declared, sources, target):
                edges.add(Dependency(name, kind, _target(kind, label, marker), kind == "optional"))
        return edges

    def _is_internal(self, manifest: str, name: str, base: str, declared: list[dict] | None, sources: list[dict],
                     target: Package) -> bool:
        """Whether a requirement naming a member is an edge to it; problems where uv refuses the requirement."""
        if declared is None:
            self.problems.append((manifest, f"member {name!r} is required without a `workspace = true` source"))
            return False
        if not sources or any(source["workspace"] for source in sources):
            return True  # with no source applying here, uv resolves the plain requirement to the member
        if target.path in [join(base, source["path"]) for source in sources if source["path"] is not None]:
            self.problems.append((manifest, f"member {name!r} is given a `path` source; uv requires `workspace = true`"))
            return True
        self.problems.append((manifest, f"member {name!r} has a source that is not `workspace = true`"))
        return False


def _ordered(edges: set[Dependency]) -> tuple[Dependency, ...]:
    return tuple(sorted(edges, key=lambda d: (d.name, d.kind, d.target or "")))


def _applies(source: dict, kind: str, label: str | None) -> bool:
    """uv's filter: a source limited to an extra or a group applies only to requirements from there."""
    if source["extra"] is not None and not (kind == "optional" and source["extra"] == label):
        return False
    return source["group"] is None or (kind == "dev" and source["group"] == label)


def _target(kind: str, label: str | None, marker: str | None) -> str | None:
    """The condition an edge holds under: `extra == "cli"`, `group == "dev"`, a marker, or both joined by `and`."""
    condition = {"optional": "extra", "dev": "group"}.get(kind)
    if condition is None:
        return marker
    head = f'{condition} == "{label}"'
    return f"{head} and ({marker})" if marker else head


# Globs, uv's way -----------------------------------------------------------------


def _normal_pattern(pattern: str) -> str:
    """uv's `normalize_path`: `.` components dropped, `..` resolved lexically (a leading `..` kept)."""
    parts: list[str] = []
    for part in pattern.split("/"):
        if part in ("", "."):
            continue
        if part == ".." and parts and parts[-1] != "..":
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def _rooted(root: str, pattern: str) -> str | None:
    """A member pattern joined to its root as uv joins them: the root escaped, the pattern normalised; Rust's
    glob has no `{a,b}`, so braces become literal; None when the pattern climbs out of the repository."""
    escaped = re.sub(r"([*?\[])", r"[\1]", root)
    full = join(escaped, _normal_pattern(pattern))
    return None if full is None else full.replace("{", "[{]").replace("}", "[}]")


def _components(path: str) -> list[str]:
    """Sort key of the glob crate's walk: directory by directory, names in byte order."""
    return path.split("/")


def _excluded(root: str, spec: dict, directory: str) -> bool:
    """uv's `WorkspaceExclusions::matches`: a pattern left unchanged by normalisation is matched against the
    path relative to the root, any other against the whole path."""
    relative = _relative(directory, root)
    for pattern in spec["exclude"]:
        normal = _normal_pattern(pattern)
        if normal == pattern:
            if relative is not None and _pattern_regex(pattern).fullmatch(relative):
                return True
        elif (full := _rooted(root, pattern)) is not None and _pattern_regex(full).fullmatch(directory):
            return True
    return False


def _included(root: str, spec: dict, directory: str) -> bool:
    """uv's `is_included_in_workspace`: a `members` pattern matched as one `glob::Pattern` (its `*` crosses `/`)."""
    return any((full := _rooted(root, p)) is not None and _pattern_regex(full).fullmatch(directory)
               for p in spec["members"])


def _relative(directory: str, root: str) -> str | None:
    if not under(directory, root):
        return None
    return directory[len(root):].lstrip("/") if root else directory


@functools.lru_cache(maxsize=1024)
def _pattern_regex(pattern: str) -> re.Pattern:
    """`glob::Pattern::matches_path` with default options: `*` and `?` cross `/`, a `**` component spans
    zero or more directories, `[...]` and `[!...]` classes, everything else literal."""
    out, index = [], 0
    while index < len(pattern):
        if pattern.startswith("**", index):
            starts = index == 0 or pattern[index - 1] == "/"
            if pattern.startswith("**/", index) and starts:
                out.append("(?:.*/)?")
                index += 3
                continue
            out.append(".*")
            index += 2
            continue
        char = pattern[index]
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif char == "[" and (end := pattern.find("]", index + 2)) != -1:
            body = pattern[index + 1:end]
            negate = body.startswith("!")
            out.append("[" + ("^" if negate else "") + re.escape(body[1:] if negate else body).replace(r"\-", "-") + "]")
            index = end
        else:
            out.append(re.escape(char))
        index += 1
    return re.compile("".join(out), re.DOTALL)


def _glob_error(pattern: str) -> str | None:
    """Why the glob crate refuses `pattern` (uv then refuses the whole pyproject.toml), or None."""
    for match in re.finditer(r"\*\*+", pattern):
        start, end = match.span()
        if end - start > 2 or (start and pattern[start - 1] != "/") or (end < len(pattern) and pattern[end] != "/"):
            return f"{pattern!r}: recursive wildcards must form a single path component"
    index = pattern.find("[")
    while index != -1:
        end = pattern.find("]", index + 2)
        if end == -1:
            return f"{pattern!r}: invalid range pattern"
        index = pattern.find("[", end + 1)
    return None


def _manifest(directory: str) -> str:
    return posixpath.join(directory, MANIFEST) if directory else MANIFEST


def _usable(facts: dict) -> bool:
    return "error" not in facts


# Parsing ---------------------------------------------------------------------------


def _parse_manifest(data: bytes) -> dict:
    return _parse(mf.parse_toml(data, MANIFEST))


def _parse(document: dict) -> dict:
    """The facts of one pyproject.toml this module uses (cached by blob id), or {"error": why}."""
    tool_uv = _table(_table(document.get("tool")).get("uv"))
    problems: list[str] = []
    try:
        project = _project(document.get("project"))
        workspace = _workspace_spec(tool_uv.get("workspace"))
        sources = _sources(tool_uv.get("sources"))
        groups = _groups(document.get("dependency-groups"), tool_uv.get("dev-dependencies"), problems)
    except ValueError as error:
        return {"error": str(error)}
    raw = _table(document.get("project"))
    dynamic = sorted({"dependencies", "optional-dependencies"} & set(_strings(raw.get("dynamic"))))
    if dynamic:
        problems.append(f"[project] {' and '.join(dynamic)} are dynamic: the build backend computes them, and "
                        "nothing is run here, so their edges are not read")
    requirements = _requirements("normal", None, _list(raw.get("dependencies")), "[project.dependencies]", problems)
    for extra, items in _table(raw.get("optional-dependencies")).items():
        requirements += _requirements("optional", canonicalize_name(extra), _list(items),
                                      f"[project.optional-dependencies] {extra}", problems)
    for group, items in groups.items():
        requirements += _requirements("dev", group, items, f"dependency group {group}", problems)
    return {
        "project": project, "workspace": workspace, "sources": sources,
        "managed": tool_uv.get("managed") is not False,
        "requirements": requirements, "problems": problems,
    }


def _project(value: Any) -> dict | None:
    """Name, version and description of `[project]`; ValueError where uv refuses the table."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError("[project] is not a table")
    name = value.get("name")
    if not isinstance(name, str):
        raise ValueError("[project] has no name")
    try:
        name = canonicalize_name(name, validate=True)
    except InvalidName:
        raise ValueError(f"[project] name {name!r} is not a valid package name") from None
    version = value.get("version")
    if version is not None:
        try:
            version = str(Version(version)) if isinstance(version, str) else None
        except InvalidVersion:
            raise ValueError(f"[project] version {version!r} is not a PEP 440 version") from None
    description = value.get("description")
    return {"name": name, "version": version or "",
            "description": description if isinstance(description, str) else None}


def _workspace_spec(value: Any) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError("[tool.uv.workspace] is not a table")
    spec = {"members": _strings(value.get("members")), "exclude": _strings(value.get("exclude"))}
    for pattern in spec["members"] + spec["exclude"]:
        if (why := _glob_error(pattern)) is not None:
            raise ValueError(f"[tool.uv.workspace] {why}")
    return spec


def _sources(value: Any) -> dict[str, list[dict]]:
    """`[tool.uv.sources]` by normalised name, each a list (uv allows one table or an array of them)."""
    found = {}
    for name, entry in _table(value).items():
        entries = entry if isinstance(entry, list) else [entry]
        found[canonicalize_name(name)] = [_source(_table(item)) for item in entries]
    return found


def _source(entry: dict) -> dict:
    path, extra, group = entry.get("path"), entry.get("extra"), entry.get("group")
    return {
        "workspace": entry.get("workspace") is True,
        "path": path if isinstance(path, str) else None,
        "extra": canonicalize_name(extra) if isinstance(extra, str) else None,
        "group": canonicalize_name(group) if isinstance(group, str) else None,
    }


def _groups(value: Any, uv_dev: Any, problems: list[str]) -> dict[str, list]:
    """PEP 735 dependency groups with `include-group` expanded; `tool.uv.dev-dependencies` joins `dev`."""
    declared: dict[str, list] = {}
    for name, items in _table(value).items():
        key = canonicalize_name(name)
        if key in declared:
            raise ValueError(f"[dependency-groups] has two groups named {key!r}")
        declared[key] = _list(items)
    expanded = {name: _expand(name, declared, [], problems) for name in declared}
    if uv_dev is not None:
        expanded["dev"] = expanded.get("dev", []) + _list(uv_dev)
    return expanded


def _expand(name: str, declared: dict[str, list], stack: list[str], problems: list[str]) -> list:
    """The requirement strings of group `name`, included groups replaced by their contents."""
    if name in stack:
        problems.append(f"dependency group {stack[0]!r} includes itself through {' -> '.join(stack + [name])}")
        return []
    found = []
    for item in declared[name]:
        include = item.get("include-group") if isinstance(item, dict) else None
        if isinstance(include, str):
            included = canonicalize_name(include)
            if included not in declared:
                problems.append(f"dependency group {name!r} includes unknown group {include!r}")
            else:
                found += _expand(included, declared, stack + [name], problems)
        else:
            found.append(item)
    return found


def _requirements(kind: str, label: str | None, items: list, where: str, problems: list[str]) -> list[list]:
    """[kind, label, normalised name, marker or None] for each PEP 508 string; problems for the others."""
    found = []
    for item in items:
        if not isinstance(item, str):
            problems.append(f"{where}: {item!r} is not a requirement string")
            continue
        try:
            requirement = Requirement(item)
        except InvalidRequirement as error:
            problems.append(f"{where}: invalid requirement {item!r}: {str(error).splitlines()[0]}")
            continue
        marker = str(requirement.marker) if requirement.marker is not None else None
        found.append([kind, label, canonicalize_name(requirement.name), marker])
    return found


def _table(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []
