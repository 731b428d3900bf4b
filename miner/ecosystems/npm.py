"""npm's (and yarn's) workspace members: the `workspaces` field of the root package.json.

The rules are those of `@npmcli/map-workspaces`, which npm runs to list a
root's workspaces:

- `workspaces` is an array of patterns or an object whose `packages` is one;
  anything else is npm's EWORKSPACESCONFIG error;
- leading `!`s are counted (an odd number negates), then a leading `./` or `/`
  is stripped;
- negations apply in order: a positive pattern that itself matches an earlier
  negation lifts it (`["packages/**", "!packages/b/**", "packages/b/a"]` keeps
  `packages/b/a`), and the negations left are ignore patterns of the glob,
  which drop the folder they match and, written with `/**`, all below it;
- the glob matches folders only, does not enter dot-folders unless the
  pattern names them, and ignores `**/node_modules/**`;
- a matched folder counts only if it holds a package.json, and a package
  without a name is called by its folder's name (`@npmcli/name-from-folder`:
  `@scope/pkg` when the parent folder is a scope);
- two members with one name are npm's EDUPLICATEWORKSPACE error;
- the root links every workspace by a `workspace` edge, which a declared
  dependency of the same name does not replace (arborist's `#loadDepType`),
  so the root's dependency on a member's name is an edge whatever its range;
- npm refuses the `workspace:` protocol (EUNSUPPORTEDPROTOCOL): a root that
  writes it is run with another manager than its files name, and its
  `workspace:` specs are kept as the edges they are meant to be.

yarn reads the same field by rules of its own (berry's `Workspace.ts`, as
`yarn workspaces list` shows them; yarn classic is read by them too):

- the patterns go to globby for folders, so every `!` pattern drops the
  folders it matches and everything below them, wherever it stands, and
  `**/node_modules`, `**/.git` and `**/.yarn` are never entered; dot-folders
  are not matched unless the pattern names them;
- a member without a name has none (yarn lists it as `null`), so no spec
  reaches it;
- `workspaceDependencies` are the `dependencies`, `devDependencies` and
  `optionalDependencies` (peers are not) that name a member and that it
  `accepts`: `workspace:*`/`^`/`~`, `workspace:PATH` (from the project root),
  `workspace:RANGE` or, transparent workspaces being on by default, a plain
  range its version satisfies (node semver, strictly: a prerelease satisfies
  only ranges that name one); `file:`, `link:` and `npm:` specs are other
  packages to yarn, not workspace edges.

Patterns are matched against the folders `TreeView.find` already listed as
holding a package.json, never by walking the tree: a pattern such as `**`
costs one test per manifest, however many folders the repository has.
"""
from __future__ import annotations

import posixpath
import re

import nodesemver

from miner.ecosystems.packagejson import Link, Members, strings, valid_version
from miner.model.globs import glob_match
from miner.model.repopaths import join

NODE_MODULES = "**/node_modules/**"
YARN_NEVER_ENTERED = ("**/node_modules", "**/.git", "**/.yarn")


def patterns(workspaces: object) -> tuple[list[str] | None, str | None]:
    """The patterns of a `workspaces` field, or (None, why) when npm would refuse it."""
    declared = workspaces.get("packages") if isinstance(workspaces, dict) else workspaces
    if isinstance(workspaces, dict) and not isinstance(declared, list):
        declared = []  # npm: an object without a `packages` array declares no workspaces
    found = strings(declared)
    if found is None:
        return None, "workspaces config expects an Array of strings"
    return found, None


def members(root: str, declared: list[str], candidates: list[str]) -> tuple[list[str], list[str]]:
    """The folders among `candidates` (folders holding a package.json) that `declared` makes members.

    Returns (members in path order, problems); a pattern that leaves the
    repository is a problem, not a member.
    """
    positive, negated = _ordered_patterns(declared)
    problems: list[str] = []
    include = _anchored(root, positive, problems)
    ignore = _anchored(root, [NODE_MODULES] + negated, problems)
    found = [
        folder for folder in candidates
        if any(glob_match(pattern, folder, dot=False) for pattern in include)
        and not any(glob_match(pattern, folder, dot=True) for pattern in ignore)  # glob ignores dot-folders too
    ]
    return found, problems


def root_link(key: str, members: Members) -> Link | None:
    """The workspace the root's dependency `key` lands on: the root's own workspace edge, any spec."""
    member = members.by_name.get(key)
    return Link(member, None) if member is not None else None


def yarn_members(root: str, declared: list[str], candidates: list[str]) -> tuple[list[str], list[str]]:
    """The folders yarn berry makes members: globby's, where a negation prunes the folders below it."""
    problems: list[str] = []
    include = _anchored(root, [p for p in declared if not p.startswith("!")], problems)
    prune = _anchored(root, [p.lstrip("!") for p in declared if p.startswith("!")], problems)
    prune += [f"{root}/{p}" if root else p for p in YARN_NEVER_ENTERED]
    found = [
        folder for folder in candidates
        if any(glob_match(pattern, folder, dot=False) for pattern in include)
        and not any(glob_match(pattern, ancestor, dot=False) for pattern in prune for ancestor in _lineage(root, folder))
    ]
    return found, problems


def yarn_link(key: str, spec: str, root: str, members: Members, *, transparent: bool = True) -> Link | None:
    """The member yarn berry's `tryWorkspaceByDescriptor` finds for `key: spec`, if it `accepts` the range."""
    member = members.by_name.get(key)
    if member is None:
        return None
    protocol, colon, rest = spec.partition(":")
    if not colon:
        protocol, rest = "", spec
    if protocol == "workspace":
        if join(root, rest) == member.path or rest in ("*", "^", "~"):
            return Link(member, None)
        return Link(member, None) if _yarn_satisfies(member.version or "0.0.0", rest) else None
    if protocol or not transparent:
        return None
    return Link(member, None) if member.version and _yarn_satisfies(member.version, spec) else None


def folder_name(path: str) -> str:
    """`@npmcli/name-from-folder`: the folder's name, with its parent's when the parent is a `@scope`."""
    base = posixpath.basename(path)
    parent = posixpath.basename(posixpath.dirname(path))
    return f"{parent}/{base}" if parent.startswith("@") else base


def _ordered_patterns(declared: list[str]) -> tuple[list[str], list[str]]:
    """map-workspaces' `appendNegatedPatterns`: (positive patterns, negations still in force)."""
    positive: list[str] = []
    negated: list[str] = []
    for pattern in declared:
        bangs = len(pattern) - len(pattern.lstrip("!"))
        pattern = re.sub(r"^\.?/+", "", pattern[bangs:])
        if bangs % 2:
            negated.append(pattern)
            continue
        negated = [negation for negation in negated if not glob_match(negation, pattern, dot=False)]
        positive.append(pattern)
    for negation in negated:
        positive = [pattern for pattern in positive if not glob_match(negation, pattern, dot=False)]
    return positive, negated


def _anchored(root: str, patterns: list[str], problems: list[str]) -> list[str]:
    """Patterns relative to the repository root; one that climbs out of it is a problem, not a pattern."""
    anchored = []
    for pattern in patterns:
        joined = join(root, pattern.rstrip("/")) if pattern.rstrip("/") else root
        if joined is None:
            problems.append(f"workspace pattern {pattern!r} leaves the repository")
        else:
            anchored.append(joined)
    return anchored


def _lineage(root: str, folder: str) -> list[str]:
    """`folder` and its ancestors below `root`: a pruned ancestor hides everything under it."""
    found = []
    while folder != root and folder:
        found.append(folder)
        folder = posixpath.dirname(folder)
    return found


def _yarn_satisfies(version: str, range_: str) -> bool:
    """node semver's `new Range(range).test(version)`, strict: what berry's `semverUtils.validRange` builds."""
    if not valid_version(version, loose=False):
        return False
    try:
        return nodesemver.satisfies(version, range_, loose=False)
    except (ValueError, TypeError, IndexError):
        return False
