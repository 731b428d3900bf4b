"""What every ecosystem does with a manifest before its own rules apply: read it safely, place it, report it.

A manifest comes from a repository nobody vetted, so reading one is bounded:
its size is checked from the object header before the blob is read, and TOML
is checked for absurd nesting before the parser sees it (tomllib's parser
spends memory quadratic in the number of parts of a dotted key: a 40 KB file
holding one 20,000-part key costs gigabytes).  The parser is tomli, the
project tomllib was taken from, in its compiled (mypyc) build: the same
documents and errors, key order included, on every manifest of the real
repositories measured, and 3 to 6 times faster (benchmarks/bench_parsers.py).  A refusal is a `BadManifest` with a
one-line reason, which the ecosystem turns into a warning naming the file.

Paths are repository-relative with `/` separators, "" for the root; a path
that climbs out of the repository is None, never clamped to the root.
"""
from __future__ import annotations

import posixpath
import re
from typing import Any, Callable

import tomli

from miner.errors import MinerWarning
from miner.model.packages import Package, Workspace
from miner.model.repopaths import parent, under
from miner.sources.trees import MissingObject, TreeView
from miner.store.cache import Cache

MAX_MANIFEST_BYTES = 1 << 20
# Parts of a key (dots outside strings on one line) and nesting of arrays and inline tables that a
# hand-written manifest never comes near; tomllib's cost stays small below them.
MAX_KEY_PARTS = 100
MAX_NESTING = 100

# The tokens that matter for the shape check: strings and comments (skipped whole), brackets, dots, newlines.
_TOML_TOKENS = re.compile(
    r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}.\n]',
    re.DOTALL,
)


class BadManifest(Exception):
    """A manifest that cannot be used; the message says why in one line."""


def read_manifest(tree: TreeView, path: str, limit: int = MAX_MANIFEST_BYTES) -> bytes:
    """The bytes of the manifest at `path`, refusing one over `limit` bytes before reading it."""
    try:
        size = tree.size(path)
        if size is None:
            raise BadManifest(f"{posixpath.basename(path)} is not a file")
        if size > limit:
            raise BadManifest(f"{posixpath.basename(path)} is {size} bytes, over the {limit}-byte limit")
        return tree.read(path) or b""
    except MissingObject:
        raise BadManifest(f"{posixpath.basename(path)} is missing from the repository") from None


def cached_workspaces(tree: TreeView, cache: Cache, kind: str, build: Callable[[], list[Workspace]]) -> list[Workspace]:
    """The workspaces `build` finds in `tree`, cached under `kind` by the tree's id: a release whose tree
    another release already had costs one look-up."""
    key = str(tree.tree.id)
    cached = cache.get(kind, key)
    if cached is None:
        built = build()
        cache.put(kind, key, [workspace.to_json() for workspace in built])
        return built
    return [Workspace.from_json(data) for data in cached]


def cached_facts(tree: TreeView, path: str, cache: Cache, kind: str, parse: Callable[[bytes], dict]) -> dict:
    """`parse` of the manifest at `path`, cached under `kind` by blob id; {"error": why} when it cannot be read
    or `parse` raises BadManifest (a refusal is a fact about the blob too, and cached as one)."""
    blob = tree.blob_id(path)
    facts = cache.get(kind, blob) if blob else None
    if facts is None:
        try:
            facts = parse(read_manifest(tree, path))
        except BadManifest as error:
            facts = {"error": str(error)}
        if blob:
            cache.put(kind, blob, facts)
    return facts


def parse_toml(data: bytes, name: str) -> dict[str, Any]:
    """The TOML document in `data`; BadManifest if it is not UTF-8, too deeply nested or invalid."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadManifest(f"{name} is not UTF-8: {error}") from None
    _check_toml_shape(text, name)
    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        raise BadManifest(f"{name} does not parse: {error}") from None


def _check_toml_shape(text: str, name: str) -> None:
    """Refuse keys of more than MAX_KEY_PARTS parts and nesting deeper than MAX_NESTING, in one pass (the
    parts of a line's keys are counted by its dots outside strings, so the count errs only on the high side)."""
    depth = dots = 0
    for match in _TOML_TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_NESTING:
                raise BadManifest(f"{name} nests arrays or tables more than {MAX_NESTING} deep; not parsed")
        elif token in ("]", "}"):
            depth = max(depth - 1, 0)
        elif token == ".":
            dots += 1
            if dots + 1 > MAX_KEY_PARTS:
                raise BadManifest(f"{name} has a key of more than {MAX_KEY_PARTS} parts; not parsed")
        elif token == "\n":
            dots = 0


def with_problems(built: dict[str, Workspace], problems: list[tuple[str, str]], ecosystem: str) -> list[Workspace]:
    """Workspaces ordered by root, each problem (path, message) attached to the innermost one holding its
    path, or to a package-less workspace at the file's directory when none does."""
    for path, message in problems:
        holders = [root for root in built if under(path, root)]
        root = max(holders, key=len) if holders else parent(path)
        workspace = built.get(root, Workspace(root, (), ecosystem=ecosystem))
        warnings = workspace.warnings + (MinerWarning("", message, "", path),)
        built[root] = Workspace(workspace.root, workspace.packages, warnings, ecosystem)
    return [built[root] for root in sorted(built)]


def duplicate_names(packages: list[Package]) -> tuple[list[Package], list[tuple[str, str]]]:
    """The packages with the first of each name kept, and a problem for every later one of the same name."""
    kept: dict[str, Package] = {}
    problems = []
    for package in packages:
        if package.name in kept:
            problems.append((package.manifest, f"two members named {package.name!r} (also {kept[package.name].manifest})"))
        else:
            kept[package.name] = package
    return list(kept.values()), problems
