"""What every JavaScript package manager reads the same way: `package.json`, its specs, its owner.

npm, yarn, pnpm and bun agree on the manifest (a JSON `package.json` with
`name`, `version` and four dependency tables) and differ in which folders are
workspace members and which specs link a member instead of fetching from the
registry.  This module holds the agreed part:

- `manifest` parses one `package.json` from its blob, size-limited, cached by
  blob id, into the few facts the managers use, or {"error": why};
- `owner` says which manager owns a directory: the one `packageManager`
  names, else the files beside its manifest (pnpm-workspace.yaml: pnpm;
  bun.lock, bun.lockb or bunfig.toml: bun; yarn.lock or .yarnrc.yml: yarn;
  pnpm-lock.yaml: pnpm; else npm), as a developer's checkout would decide it;
- `link` decides whether one declared dependency is an edge to a member:
  `workspace:` specs, `file:`/`link:` paths that name a member's folder, and,
  where the manager links by version, a range the member's version satisfies
  (npm's `dep-valid`: `*` and the empty range always, otherwise
  `semver.satisfies(version, range, loose)`; the node-semver port agrees with
  node's `semver` on every valid version, so only the version check is ours);
- `language` tells a TypeScript package from a JavaScript one from the tree
  listing alone.

Nothing from the repository is executed, and no manager's rule is guessed at:
each is cited where it is applied.
"""
from __future__ import annotations

import codecs
import json
import posixpath
import re
from dataclasses import dataclass
from typing import Any

import nodesemver
import orjson
import pygit2
import yaml

from miner.model.repopaths import join
from miner.sources.trees import TreeView
from miner.store.cache import Cache

MANIFEST = "package.json"
MANIFEST_KIND = "packagejson-v2"
MAX_MANIFEST_BYTES = 4 * 1024 * 1024  # the largest real ones are tens of KiB
# (table, kind): the four tables npm, yarn, pnpm and bun all read.
TABLES = (
    ("dependencies", "normal"),
    ("devDependencies", "dev"),
    ("peerDependencies", "peer"),
    ("optionalDependencies", "optional"),
)
# Which manager owns a directory, by the files beside its package.json; the first match wins.  A
# pnpm-lock.yaml comes last: a repository that moved to bun or yarn often keeps its old one.
OWNERS = (
    ("pnpm", ("pnpm-workspace.yaml",)),
    ("bun", ("bun.lock", "bun.lockb", "bunfig.toml")),
    ("yarn", ("yarn.lock", ".yarnrc.yml")),
    ("pnpm", ("pnpm-lock.yaml",)),
)
MANAGERS = ("npm", "pnpm", "yarn", "bun")
TSCONFIG = "tsconfig.json"
FILES = frozenset({MANIFEST, TSCONFIG, *(name for _, names in OWNERS for name in names)})
MAX_YAML_NODES = 100_000
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TYPESCRIPT = (".ts", ".tsx", ".mts", ".cts")
_DECLARATIONS = (".d.ts", ".d.mts", ".d.cts")
# node-semver's LOOSE version pattern (`new SemVer(v, true)` accepts exactly these) and its limits.
_LOOSE_VERSION = re.compile(
    r"^[v=\s]*([0-9]+)\.([0-9]+)\.([0-9]+)"
    r"(?:-?((?:[0-9]+|\d*[a-zA-Z-][a-zA-Z0-9-]*)(?:\.(?:[0-9]+|\d*[a-zA-Z-][a-zA-Z0-9-]*))*))?"
    r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)
_STRICT_VERSION = re.compile(
    r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][a-zA-Z0-9-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][a-zA-Z0-9-]*))*))?"
    r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)
_MAX_SAFE_INTEGER = 2**53 - 1
_MAX_VERSION_LENGTH = 256


@dataclass(frozen=True)
class Member:
    """A workspace member as edges see it: its folder, the name it is linked by, its version."""

    path: str
    name: str
    version: str


@dataclass(frozen=True)
class Link:
    """A declared dependency that resolves to a member: `alias` is the key when it differs from the name."""

    member: Member
    alias: str | None


class Members:
    """The members of one workspace, found by folder and by the name they are linked under."""

    def __init__(self, by_path: dict[str, Member], by_name: dict[str, Member]):
        self.by_path, self.by_name = by_path, by_name


def manifest(tree: TreeView, path: str, cache: Cache) -> dict[str, Any]:
    """The facts of the `package.json` at `path`, or {"error": why}; cached by blob id.

    Raises MissingObject when the blob is absent from a damaged repository:
    nothing is cached then, since a repaired clone has it.
    """
    if tree.is_link(path):
        return {"error": "package.json is a symbolic link; not followed"}
    blob_id = tree.blob_id(path)
    if blob_id is None:
        return {"error": "package.json is not a file"}
    cached = cache.get(MANIFEST_KIND, blob_id)
    if cached is None:
        cached = _parse(tree, path)
        cache.put(MANIFEST_KIND, blob_id, cached)
    return cached


def owner(directory: str, files: set[str] | dict[str, bool], facts: dict[str, Any] | None = None) -> str:
    """The manager that owns `directory`: the one its package.json's `packageManager` names (what corepack
    enforces), else the one its lock and configuration files name, else npm."""
    declared = (facts or {}).get("manager")
    if declared in MANAGERS:
        return declared
    for manager, names in OWNERS:
        if any(_join_path(directory, name) in files for name in names):
            return manager
    return "npm"


def link(key: str, spec: str, directory: str, members: Members, *, ranges: bool) -> Link | None:
    """The member the dependency `key: spec` declared in `directory` resolves to, if any.

    `ranges` says whether the manager links a member for a plain range its
    version satisfies (npm, yarn and bun do; pnpm only with
    `link-workspace-packages`).  An `npm:name@range` alias is looked for at
    `node_modules/<key>`, so it links only a member called `key`, when that
    member's version satisfies `range` (npm's `dep-valid` checks the alias's
    range, not its name); pnpm's own alias form is `workspace:name@range`.
    """
    if spec.startswith("workspace:"):
        return _workspace_link(key, spec.removeprefix("workspace:"), directory, members)
    if spec.startswith(("file:", "link:")):
        return _path_link(key, spec[5:], directory, members)
    if spec.startswith(("./", "../")):
        return _path_link(key, spec, directory, members)  # npm-package-arg reads these as directories
    if spec.startswith("npm:"):
        at = spec.rfind("@")
        spec = spec[at + 1:] if at > len("npm:") else "*"
    if not ranges:
        return None
    member = members.by_name.get(key)
    if member is None or member.path == directory or not satisfies(member.version, spec):
        return None
    return Link(member, None)


def catalog_range(key: str, spec: str, catalogs: dict[str, dict[str, str]]) -> tuple[str | None, str | None]:
    """The range a `catalog:` or `catalog:NAME` spec stands for, as (range, None), or (None, why not).

    pnpm and bun agree: an empty name and `default` mean the default catalog.
    """
    name = spec.removeprefix("catalog:").strip() or "default"
    catalog = catalogs.get(name)
    if catalog is None:
        return None, f"{key!r} asks for catalog {name!r}, which is not defined"
    if key not in catalog:
        return None, f"{key!r} is not in catalog {name!r}"
    return catalog[key], None


def satisfies(version: str, spec: str) -> bool:
    """npm's test of a member's version against a range: `*` and "" always match, even a prerelease."""
    if spec.strip() in ("", "*"):
        return True
    if not valid_version(version):
        return False
    try:
        return nodesemver.satisfies(version, spec, loose=True)
    except (ValueError, TypeError, IndexError):
        return False  # not a range at all: a dist-tag (`latest`), a URL, a git spec


def valid_version(version: str, loose: bool = True) -> bool:
    """Whether node's semver would parse `version` (the port also takes `1.2`, which node refuses)."""
    if not isinstance(version, str) or len(version) > _MAX_VERSION_LENGTH:
        return False
    found = (_LOOSE_VERSION if loose else _STRICT_VERSION).match(version.strip())
    return found is not None and all(int(part) <= _MAX_SAFE_INTEGER for part in found.groups()[:3])


def language(tree: TreeView, directory: str, files: set[str] | dict[str, bool]) -> str:
    """TypeScript when the package has a tsconfig.json or .ts sources at its top or in `src/`, else JavaScript.

    Two directory listings, no blob read: enough to tell a TypeScript package
    (its sources or its compiler settings sit there) from a JavaScript one
    that only ships `.d.ts` typings.
    """
    if _join_path(directory, TSCONFIG) in files:
        return "TypeScript"
    for folder in (directory, _join_path(directory, "src")):
        found = tree.entry(folder)
        if isinstance(found, pygit2.Tree) and any(_is_typescript(entry.name) for entry in found
                                                  if entry.type_str == "blob"):
            return "TypeScript"
    return "JavaScript"


def load_yaml(text: str) -> Any:
    """PyYAML's safe loader (the C one when present), once aliases are known not to expand past MAX_YAML_NODES.

    A "billion laughs" file (anchors of anchors) costs a walk of its node
    graph, each distinct node once, never the memory of its expansion.
    """
    node = yaml.compose(text, Loader=_LOADER)
    if node is None:
        return None
    if _expanded_size(node) > MAX_YAML_NODES:
        raise ValueError(f"aliases expand it past {MAX_YAML_NODES} nodes")
    return yaml.load(text, Loader=_LOADER)


def _expanded_size(root: yaml.Node) -> int:
    """The number of nodes once every alias is expanded, computed once per distinct node (bounded work)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if not ready:
            sizes_missing = [child for child in children if id(child) not in sizes]
            if sizes_missing:
                stack.append((node, True))
                stack += [(child, False) for child in sizes_missing]
                continue
        sizes[id(node)] = min(1 + sum(sizes.get(id(child), 1) for child in children), MAX_YAML_NODES + 1)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def read_limited(tree: TreeView, path: str, limit: int) -> tuple[bytes | None, str | None]:
    """(the bytes of the file at `path`, None), or (None, why not) when it is over `limit` bytes (known from
    the object header, before any decompression) or no file; MissingObject if its blob is absent."""
    name = posixpath.basename(path)
    size = tree.size(path)
    if size is not None and size > limit:
        return None, f"{name} is {size} bytes, over the {limit}-byte limit"
    data = tree.read(path)
    return (data, None) if data is not None else (None, f"{name} is not a file")


def manifest_path(directory: str) -> str:
    return _join_path(directory, MANIFEST)


def table(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def strings(value: Any) -> list[str] | None:
    """A list of strings, or None when `value` is not a list of strings only."""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    return None


# Edges -----------------------------------------------------------------------


def _workspace_link(key: str, rest: str, directory: str, members: Members) -> Link | None:
    """`workspace:*`, `workspace:^`, `workspace:1.2.3`, `workspace:../path`, pnpm's `workspace:name@range`."""
    if rest.startswith(("./", "../", "/")) or rest in (".", ".."):
        return _path_link(key, rest, directory, members)
    name, range_ = key, rest
    at = rest.rfind("@")
    if at > 0:
        name, range_ = rest[:at], rest[at + 1:]
    member = members.by_name.get(name)
    if member is None:
        return None
    if range_ not in ("", "*", "^", "~") and not satisfies(member.version, range_):
        return None
    return Link(member, key if key != member.name else None)


def _path_link(key: str, path: str, directory: str, members: Members) -> Link | None:
    target = join(directory, path.removeprefix("//"))
    member = members.by_path.get(target) if target is not None else None
    if member is None or member.path == directory:
        return None
    return Link(member, key if key != member.name else None)


# Parsing ---------------------------------------------------------------------


def _parse(tree: TreeView, path: str) -> dict[str, Any]:
    data, error = read_limited(tree, path, MAX_MANIFEST_BYTES)
    if error is not None:
        return {"error": error}
    try:  # orjson, as JSON.parse reads (a number beyond 64 bits is a double); what it refuses, json says why
        document = orjson.loads(data.removeprefix(codecs.BOM_UTF8))
    except orjson.JSONDecodeError:
        try:
            document = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            return {"error": f"package.json does not parse: {_first_line(error)}"}
    if not isinstance(document, dict):
        return {"error": "package.json is not a JSON object"}
    return _facts(document)


def _facts(document: dict) -> dict[str, Any]:
    """The fields the managers read; `workspaces` is kept as written, each manager checks its shape.

    The dependencies are kept as their tables are, by kind (TABLES' order, then the manifest's), with the
    names of the optional peers apart: every distinct blob of a release line is parsed once, and gemini-cli's
    3,953 declare 126,000 dependencies, which as one record each cost more than the parse."""
    manager = _text(document.get("packageManager"))
    return {
        "name": _text(document.get("name")),
        "version": _text(document.get("version")),
        "description": _text(document.get("description")),
        "workspaces": document.get("workspaces"),
        "manager": manager.split("@")[0] if manager else None,
        "catalog": _specs(document.get("catalog")),
        "catalogs": {name: _specs(value) for name, value in table(document.get("catalogs")).items()},
        "dependencies": {kind: _specs(document.get(field)) for field, kind in TABLES},
        "optional_peers": [key for key, meta in table(document.get("peerDependenciesMeta")).items()
                           if table(meta).get("optional") is True],
    }


def _specs(value: Any) -> dict[str, str]:
    return {key: spec for key, spec in table(value).items() if isinstance(spec, str)}


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _is_typescript(name: str) -> bool:
    return name.endswith(_TYPESCRIPT) and not name.endswith(_DECLARATIONS)


def _join_path(directory: str, name: str) -> str:
    return f"{directory}/{name}" if directory else name
