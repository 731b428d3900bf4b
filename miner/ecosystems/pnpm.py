"""pnpm's workspace members and catalogs: `pnpm-workspace.yaml`, read as pnpm 10 reads it.

The rules are those of `@pnpm/workspace.find-packages` and `@pnpm/config`:

- the root's own package is always a member (`includeRoot`);
- without a `packages` key only the root is (pnpm 10 defaults the patterns to
  `["."]`; pnpm 9 refused such a file, and pnpm 8 and older read the whole
  tree, `["."`, `"**"]`, with `**/test/**` and `**/tests/**` ignored too);
- each pattern becomes `PATTERN/package.json` (tinyglobby, with dot-folders
  not matched unless the pattern names them); a pattern starting with one `!`
  is an ignore pattern wherever it stands, so a later pattern never
  re-includes what it drops; `**/node_modules/**` and `**/bower_components/**`
  are always ignored;
- a member need not have a name (pnpm lists it nameless; here it is labelled
  by its folder, and no name-based spec reaches it);
- members link each other through `workspace:` specs and paths; a plain range
  links a member only with `linkWorkspacePackages: true` (or
  `link-workspace-packages=true` in the root `.npmrc`), off by default since
  pnpm 9;
- `catalog:` and `catalog:NAME` specs take their range from the `catalog` /
  `catalogs` maps of the same file (`catalog:default` is `catalog`).

The YAML is read by `packagejson.load_yaml` (safe loading, aliases bounded),
at most `MAX_YAML_BYTES` of it.
pnpm also reads `package.yaml` and `package.json5` manifests; no repository
miner tracks has one, and they are not read.
"""
from __future__ import annotations

import posixpath
from typing import Any

import yaml

from miner.ecosystems.packagejson import load_yaml, read_limited, strings, table
from miner.model.globs import glob_match
from miner.model.repopaths import join, relative
from miner.sources.trees import MissingObject, TreeView
from miner.store.cache import Cache

WORKSPACE_FILE = "pnpm-workspace.yaml"
NPMRC = ".npmrc"
CONFIG_KIND = "pnpm-workspace-v1"
MAX_YAML_BYTES = 1024 * 1024
ALWAYS_IGNORED = ("**/node_modules/**", "**/bower_components/**")


def config(tree: TreeView, root: str, cache: Cache) -> dict[str, Any]:
    """The root's pnpm-workspace.yaml facts (patterns, catalogs, linking), or {"error": why}; cached by blob id."""
    path = _path(root, WORKSPACE_FILE)
    if tree.is_link(path):
        return {"error": f"{WORKSPACE_FILE} is a symbolic link; not followed"}
    blob_id = tree.blob_id(path)
    if blob_id is None:
        return {"error": f"{WORKSPACE_FILE} is not a file"}
    cached = cache.get(CONFIG_KIND, blob_id)
    if cached is None:
        cached = _parse(tree, path)  # MissingObject from a damaged repository is the caller's: nothing cached
        cache.put(CONFIG_KIND, blob_id, cached)
    return cached


def links_ranges(tree: TreeView, root: str, facts: dict[str, Any]) -> bool:
    """Whether plain ranges link members: `linkWorkspacePackages` in the YAML, else the root `.npmrc`."""
    if facts.get("link") is not None:
        return facts["link"]
    if tree.is_link(_path(root, NPMRC)):
        return False
    try:
        data, _ = read_limited(tree, _path(root, NPMRC), MAX_YAML_BYTES)
    except MissingObject:
        return False
    if data is None:
        return False
    for line in data.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "link-workspace-packages":
            return value.strip() in ("true", "deep")
    return False


def members(root: str, declared: list[str], candidates: list[str]) -> tuple[list[str], list[str]]:
    """The folders among `candidates` that pnpm's patterns make members (the root is added by the caller).

    As pnpm does, each pattern is turned into a manifest path
    (`packages/*` -> `packages/*/package.json`), normalised, and matched
    against each candidate's manifest path relative to the root; `..` is
    allowed as long as the pattern stays in the repository.
    """
    include, ignore, problems = [], list(ALWAYS_IGNORED), []
    for pattern in declared:
        if not pattern:
            continue
        if pattern[0] != "!" or pattern[1:2] == "(":
            negated, body = False, pattern
        elif pattern[1:2] != "!" or pattern[2:3] == "(":
            negated, body = True, pattern[1:]
        else:
            continue  # tinyglobby's processPatterns drops a double negation
        if join(root, body) is None:
            problems.append(f"workspace pattern {pattern!r} leaves the repository")
            continue
        (ignore if negated else include).append(posixpath.normpath(_manifest_pattern(body)))
    found = []
    for folder in candidates:
        manifest = _manifest_path(relative(folder, root))
        if any(glob_match(p, manifest, dot=False) for p in include) and not any(
                glob_match(p, manifest, dot=False) for p in ignore):
            found.append(folder)
    return found, problems


def _manifest_pattern(pattern: str) -> str:
    """pnpm's `pattern.replace(/\\/?$/, "/package.{json,yaml,json5}")`, for the one manifest name read here."""
    return (pattern[:-1] if pattern.endswith("/") else pattern) + "/package.json"


def _manifest_path(relative: str) -> str:
    return "package.json" if relative == "." else f"{relative}/package.json"


def _parse(tree: TreeView, path: str) -> dict[str, Any]:
    data, error = read_limited(tree, path, MAX_YAML_BYTES)
    if error is not None:
        return {"error": error}
    try:
        document = load_yaml(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError, ValueError, RecursionError) as error:
        return {"error": f"{WORKSPACE_FILE} does not parse: {str(error).splitlines()[0] if str(error) else error!r}"}
    return _facts(table(document))


def _facts(document: dict) -> dict[str, Any]:
    facts: dict[str, Any] = {"patterns": ["."], "problems": []}
    if "packages" in document and document["packages"] is not None:
        found = strings(document["packages"])
        if found is None:
            facts["problems"].append(f"{WORKSPACE_FILE}: packages is not a list of strings; only the root is read")
        else:
            facts["patterns"] = found
    catalogs = {name: _specs(value) for name, value in table(document.get("catalogs")).items() if isinstance(name, str)}
    if "catalog" in document:
        catalogs["default"] = _specs(document.get("catalog"))
    facts["catalogs"] = catalogs
    link = document.get("linkWorkspacePackages")
    facts["link"] = link in (True, "deep") if link is not None else None
    return facts


def _specs(value: Any) -> dict[str, str]:
    return {key: str(spec) for key, spec in table(value).items() if isinstance(key, str) and isinstance(spec, (str, int, float))}


def _path(root: str, name: str) -> str:
    return f"{root}/{name}" if root else name
