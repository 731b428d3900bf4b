"""bun's workspace members and catalogs: the root package.json's `workspaces`, as bun install reads it.

`workspaces` is an array of patterns or an object with `packages` (the
patterns), `catalog` (the default catalog) and `catalogs` (named ones); bun
also takes `catalog`/`catalogs` at the top level of the root package.json.
The member rules, as bun 1.x applies them (checked against its `bun.lock`):

- a pattern without glob syntax is a folder taken as written, negations do
  not apply to it, and even a folder under `node_modules` or a dot-folder is a
  member that way; bun stops with "Workspace not found" when it has no
  package.json (a warning here);
- glob patterns (`./` stripped, `*`, `**`, `{a,b}`, `[..]`) match folders
  holding a package.json, never inside `node_modules` and not in dot-folders
  unless the pattern names them; every `!` pattern drops the glob matches it
  matches, wherever it stands in the list;
- a member without a name is left out.

Members link each other through `workspace:` specs, paths, and plain ranges
their version satisfies; `catalog:` specs take their range from the catalogs.
"""
from __future__ import annotations

from typing import Any

from miner.ecosystems.packagejson import strings, table
from miner.model.globs import glob_match, is_glob
from miner.model.repopaths import join


def patterns(workspaces: object) -> tuple[list[str] | None, str | None]:
    """The patterns of a `workspaces` field, or (None, why) when bun would refuse it."""
    declared = table(workspaces).get("packages", []) if isinstance(workspaces, dict) else workspaces
    found = strings(declared)
    if found is None:
        return None, '"workspaces" expects an array of strings'
    return found, None


def catalogs(root_facts: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Catalogs by name ("default" for `catalog`), from `workspaces` first, then from the top level."""
    workspaces = table(root_facts.get("workspaces"))
    found = {name: _specs(value) for name, value in table(workspaces.get("catalogs")).items()}
    for name, value in root_facts.get("catalogs", {}).items():
        found.setdefault(name, value)
    default = _specs(workspaces.get("catalog")) or root_facts.get("catalog") or {}
    if default or "catalog" in workspaces:
        found["default"] = default
    return found


def members(root: str, declared: list[str], candidates: list[str]) -> tuple[list[str], list[str]]:
    """The folders among `candidates` (folders holding a package.json) that `declared` makes members."""
    literal, globs, negated, problems = [], [], [], []
    for pattern in declared:
        negate = pattern.startswith("!")
        body = pattern[1:] if negate else pattern
        while body.startswith("./"):
            body = body[2:]
        anchored = join(root, body.rstrip("/")) if body.rstrip("/") else root
        if anchored is None:
            problems.append(f"workspace pattern {pattern!r} leaves the repository")
        elif negate:
            negated.append(anchored)
        elif is_glob(body):
            globs.append(anchored)
        else:
            literal.append(anchored)
    present = set(candidates)
    problems += [f"workspace {folder!r} has no package.json" for folder in literal if folder not in present]
    found = [
        folder for folder in candidates
        if folder in literal or (
            any(glob_match(pattern, folder, dot=False) for pattern in globs)
            and "node_modules" not in folder.split("/")
            and not any(glob_match(pattern, folder, dot=False) for pattern in negated))
    ]
    return found, problems


def _specs(value: Any) -> dict[str, str]:
    return {key: spec for key, spec in table(value).items() if isinstance(spec, str)}
