"""The source view of one release: which packages' sources import which, beside what they declare.

`source_view(sources)` takes what `miner.sources.code.read_sources` read at
one release (the units, their files and each file's imports) and resolves
every import to a unit of the release, to an external package, or to the
language's own library.  No git, no store: everything it needs is in its
argument, so it can be tested on hand-made values and run anywhere.

Resolution, per language:

- Rust: a path root is a crate name (the `[lib] name`, else the package name
  with `-` made `_`), or the key a dependency is renamed to in the importing
  crate's manifest (`foo = { package = "bar" }` is imported as `foo`).  The
  crate's own name, `crate`, `self`, `super`, the standard crates, the tool
  namespaces of attributes (`clippy::`, `rustfmt::`), names the file binds
  (see `miner.sources.imports.rust`) and modules declared anywhere in the
  crate (a 2015-edition `use config::x` is the crate's own `config`) are
  internal.  A root seen only inside macro
  bodies is not counted as use: it is reported apart (`hidden`), with the
  number of files where that is all there is (`macro_only_files`).
- TypeScript/JavaScript: a relative specifier is resolved against the file's
  directory and belongs to the package whose directory holds the result; a
  bare one to the package of that name (`@scope/name/sub/path` is
  `@scope/name`, whatever subpath its `exports` offers), after the importing
  package's `tsconfig.json` `compilerOptions.paths` (from `baseUrl`, else its
  directory; `extends` is not followed) and its `package.json` `imports`
  (`#internal`) are applied.  `node:x` and Node's built-in modules are the
  platform's.  When two packages share a name (gemini-cli's root and
  `packages/cli`), a bare import goes to the one the importer declares, else
  to the deeper directory.
- Python: a file's module is its path from the project's package base;
  relative imports are resolved against the file's package (`__init__.py`
  is its own package) and `from m import n` is the submodule `m.n` when
  there is one.  A module belongs to the project holding its top-level
  package; one of a project's top-level packages that no file is, nor holds
  (`import vibe.gone`), is unresolved.  Directories without `__init__.py`
  are packages too (namespace portions, which Python imports).
  `sys.stdlib_module_names` are the standard library.
- Go: an import path belongs to the module with the longest matching module
  path; a path whose first element has no dot is the standard library.

Imports of no unit and not of the language's library are external, counted
per external package (Rust: the crate name; npm: the package name; Python:
the top-level import name; Go: the module path as its host spells it, three
elements on the common code hosts and two elsewhere).  Relative imports
that leave the repository or no package holds are `unresolved`.
"""
from __future__ import annotations

import json
import posixpath
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping

from miner.model.imports import FAMILIES, Import, ParseCounts, ReleaseSources, SourceFile, Unit
from miner.model.repopaths import join, relative, under

# The catalog section (registry) external names of each language family are looked up in.
REGISTRIES = {"rust": "cargo", "javascript": "npm", "python": "python", "go": "go"}

# The standard crates, and the tool namespaces of attributes (`#[allow(clippy::x)]`, `#[rustfmt::skip]`).
_RUST_LIBRARY = frozenset({"std", "core", "alloc", "proc_macro", "test",
                           "clippy", "rustfmt", "rustdoc", "rust_analyzer", "diagnostic"})
_NODE_BUILTINS = frozenset(
    "assert async_hooks buffer child_process cluster console constants crypto dgram diagnostics_channel dns "
    "domain events fs http http2 https inspector module net os path perf_hooks process punycode querystring "
    "readline repl stream string_decoder sys timers tls trace_events tty url util v8 vm wasi worker_threads "
    "zlib".split()
)
_PYTHON_LIBRARY = frozenset(sys.stdlib_module_names) | {"__future__"}
_GO_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org", "golang.org", "codeberg.org", "git.sr.ht"})


@dataclass(frozen=True)
class UsedEdge:
    """`source` imports `target` (unit keys, or subpackage names) in `files` files; `example` is one of them."""

    source: str
    target: str
    files: int
    example: str
    """`path:line` of the first importing line, in path order."""
    kinds: tuple[str, ...]
    """The import kinds seen (`use`, `path`, `import`, `type`, `require`, ...)."""


@dataclass(frozen=True)
class DeclaredUse:
    """One dependency of a package, as its manifest declares it and as its sources use it."""

    package: str
    dependency: str
    declared: tuple[str, ...]
    """The kinds it is declared with (`normal`, `dev`, `build`, ...); empty when it is not declared."""
    files: int
    """Files of `package` importing it; where it is declared and never imported, those naming it inside a
    macro body (0 when none does)."""
    example: str | None
    in_macros: bool = False
    """Declared, and named only inside macro bodies (Rust), which tree-sitter reads as tokens: tokio's
    `pub use tokio_macros::main;` inside `cfg_macros! { ... }` is a use the query cannot see as one."""

    @property
    def status(self) -> str:
        """"declared and used", "declared, named only in macros", "declared, never used" or "used, undeclared"."""
        if self.declared and self.in_macros:
            return "declared, named only in macros"
        if self.declared and self.files:
            return "declared and used"
        return "declared, never used" if self.declared else "used, undeclared"


@dataclass(frozen=True)
class ExternalUse:
    """`unit` imports `name`, a package of registry `registry` that is no unit of the release."""

    unit: str
    registry: str
    name: str
    files: int
    example: str


@dataclass(frozen=True)
class SubpackageGraph:
    """The import graph inside one Python package: its top-level subpackages and modules as nodes.

    Nodes are dotted names one level below `package` (`vibe.cli`, `vibe.core`),
    plus `package` itself for what its `__init__.py` holds.
    """

    unit: str
    package: str
    nodes: tuple[str, ...]
    edges: tuple[UsedEdge, ...]


@dataclass(frozen=True)
class SourceView:
    """What the sources of one release say about its packages."""

    release: str
    units: tuple[Unit, ...]
    edges: tuple[UsedEdge, ...]
    """Imports between units (unit keys), the importer's own sources only."""
    declared: tuple[DeclaredUse, ...]
    hidden: tuple[UsedEdge, ...]
    """Rust: units named only inside macro bodies, not counted in `edges`."""
    macro_only_files: int
    """Files whose only sign of some unit is inside a macro body."""
    externals: tuple[ExternalUse, ...]
    unresolved: tuple[ExternalUse, ...]
    """Relative imports no unit holds (registry ""), by unit and specifier."""
    subpackages: tuple[SubpackageGraph, ...]
    counts: ParseCounts

    def users_of(self, name: str, registry: str | None = None) -> tuple[str, ...]:
        """The units importing external package `name` ("which packages use v8?")."""
        return tuple(sorted({use.unit for use in self.externals
                             if (registry is None or use.registry == registry)
                             and _catalog_match(_normal(use.name, use.registry), _normal(name, use.registry),
                                                use.registry)}))


@dataclass(frozen=True)
class NotableUse:
    """An external dependency from the catalog, what it signals, and the units importing it."""

    registry: str
    name: str
    signals: str
    units: tuple[str, ...]
    files: int


def source_view(sources: ReleaseSources) -> SourceView:
    """Resolve every import of one release and tabulate the result."""
    units = {unit.key: unit for unit in sources.units}
    resolvers = {"rust": _Rust(sources), "javascript": _JavaScript(sources), "python": _Python(sources),
                 "go": _Go(sources)}
    tally = _Tally()
    for file in sources.files:
        unit = units[file.unit]
        resolver = resolvers[FAMILIES[unit.package.ecosystem]]
        for imported in file.imports.imports:
            for outcome, target in resolver.resolve(unit, file, imported):
                tally.add(outcome, unit.key, target, file, imported)
    return SourceView(
        release=sources.release,
        units=sources.units,
        edges=tally.edges("unit"),
        declared=_declared(sources.units, tally.edges("unit"), tally.edges("hidden")),
        hidden=tally.edges("hidden"),
        macro_only_files=tally.macro_only(),
        externals=tally.uses("external", units),
        unresolved=tally.uses("unresolved", units),
        subpackages=resolvers["python"].graphs(),
        counts=sources.counts,
    )


def notable_uses(view: SourceView, catalog: Mapping[tuple[str, str], str]) -> tuple[NotableUse, ...]:
    """The catalog's dependencies that some unit imports: `catalog` maps (registry, name) to what it signals."""
    by_name: dict[tuple[str, str], list[ExternalUse]] = defaultdict(list)
    for use in view.externals:
        by_name[(use.registry, _normal(use.name, use.registry))].append(use)
    go_names = sorted(name for registry, name in by_name if registry == "go")
    found = []
    for (registry, name), signals in sorted(catalog.items()):
        wanted = _normal(name, registry)
        matched = [other for other in go_names if _catalog_match(other, wanted, registry)] if registry == "go" \
            else [wanted]
        uses = [use for other in matched for use in by_name.get((registry, other), ())]
        if uses:
            found.append(NotableUse(registry, name, signals, tuple(sorted({use.unit for use in uses})),
                                    sum(use.files for use in uses)))
    return tuple(found)


# Tallying --------------------------------------------------------------------


class _Tally:
    """Per (outcome, source, target): each importing file with its first importing line, and the kinds seen."""

    def __init__(self) -> None:
        self.lines: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
        self.kinds: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        self.seen: dict[str, set[str]] = defaultdict(set)

    def add(self, outcome: str, source: str, target: str, file: SourceFile, imported: Import) -> None:
        if outcome == "unit":
            self.seen[file.path].add(target)
        key = (outcome, source, target)
        lines = self.lines[key]
        lines[file.path] = min(lines.get(file.path, imported.line), imported.line)
        self.kinds[key].add(imported.kind)

    def edges(self, outcome: str) -> tuple[UsedEdge, ...]:
        rows = []
        for key in sorted(k for k in self.lines if k[0] == outcome):
            lines = self._kept(key)
            if lines:
                rows.append(UsedEdge(key[1], key[2], len(lines), _example(lines), tuple(sorted(self.kinds[key]))))
        return tuple(rows)

    def macro_only(self) -> int:
        return len({path for key in self.lines if key[0] == "hidden" for path in self._kept(key)})

    def uses(self, outcome: str, units: dict[str, Unit]) -> tuple[ExternalUse, ...]:
        return tuple(
            ExternalUse(key[1], "" if outcome == "unresolved" else REGISTRIES[FAMILIES[units[key[1]].package.ecosystem]],
                        key[2], len(self.lines[key]), _example(self.lines[key]))
            for key in sorted(self.lines) if key[0] == outcome
        )

    def _kept(self, key: tuple[str, str, str]) -> dict[str, int]:
        """The importing files; for a hidden edge only those that do not also import the target openly."""
        lines = self.lines[key]
        if key[0] != "hidden":
            return lines
        return {path: line for path, line in lines.items() if key[2] not in self.seen[path]}


def _declared(units: tuple[Unit, ...], edges: tuple[UsedEdge, ...],
              hidden: tuple[UsedEdge, ...]) -> tuple[DeclaredUse, ...]:
    """Declared edges beside used ones, for every unit that declares or uses another; a declared edge never
    used openly but named inside macro bodies (`hidden`) says so, with those files."""
    used = {(edge.source, edge.target): edge for edge in edges}
    in_macros = {(edge.source, edge.target): edge for edge in hidden}
    declared: dict[tuple[str, str], set[str]] = defaultdict(set)
    members = _members(units)
    for unit in units:
        for name, kind in _declarations(unit):
            target = _member(members, unit.workspace, name, unit.package.ecosystem)
            if target is not None and target.key != unit.key:
                declared[(unit.key, target.key)].add(kind)
    rows = []
    for pair in sorted(set(used) | set(declared)):
        edge = used.get(pair)
        macro = in_macros.get(pair) if edge is None and pair in declared else None
        edge = edge or macro
        rows.append(DeclaredUse(pair[0], pair[1], tuple(sorted(declared.get(pair, ()))),
                                edge.files if edge else 0, edge.example if edge else None, macro is not None))
    return tuple(rows)


def _declarations(unit: Unit) -> list[tuple[str, str]]:
    """(package name, kind) of what a unit declares: its internal edges, and Cargo's by-version ones."""
    return ([(dependency.name, dependency.kind) for dependency in unit.package.dependencies]
            + [(package, kind) for _, package, kind in unit.declared])


def _members(units: Iterable[Unit]) -> dict[tuple[str, str], list[Unit]]:
    """The units by (package name, ecosystem), for `_member`."""
    found: dict[tuple[str, str], list[Unit]] = defaultdict(list)
    for unit in units:
        found[(unit.package.name, unit.package.ecosystem)].append(unit)
    return found


def _member(members: dict[tuple[str, str], list[Unit]], workspace: str, name: str, ecosystem: str) -> Unit | None:
    """The unit a declared dependency names: the package called `name`, in the same workspace first
    (a path dependency may reach into another workspace, as fuzz crates do)."""
    found = members.get((name, ecosystem), ())
    return min(found, key=lambda unit: (unit.workspace != workspace, unit.key), default=None)


def _example(lines: dict[str, int]) -> str:
    """`path:line` of the first importing file in path order."""
    path = min(lines)
    return f"{path}:{lines[path]}"


# Rust ------------------------------------------------------------------------


class _Rust:
    """Crate names and renamed dependencies of a release's Cargo packages."""

    def __init__(self, sources: ReleaseSources):
        self.units = [unit for unit in sources.units if FAMILIES[unit.package.ecosystem] == "rust"]
        self.by_name: dict[str, list[Unit]] = defaultdict(list)
        for unit in self.units:
            for name in unit.names:
                self.by_name[name].append(unit)
        self.modules: dict[str, set[str]] = defaultdict(set)
        for file in sources.files:
            self.modules[file.unit].update(file.imports.modules)
        self.members = _members(self.units)
        self.renamed = {unit.key: self._renamed(unit) for unit in self.units}
        self.resolved: dict[tuple[str, str, str], list[tuple[str, str]]] = {}

    def resolve(self, unit: Unit, file: SourceFile, imported: Import) -> list[tuple[str, str]]:
        """What a path root names, worked out once per importing crate (and kind: macro, extern, other)."""
        kind = imported.kind if imported.kind in ("macro", "extern") else ""
        key = (unit.key, imported.target, kind)
        found = self.resolved.get(key)
        if found is None:
            found = self.resolved[key] = self._resolve(unit, imported.target, kind)
        return found

    def _resolve(self, unit: Unit, root: str, kind: str) -> list[tuple[str, str]]:
        if root in ("crate", "self", "super") or root in unit.names or root in _RUST_LIBRARY:
            return []
        if kind != "extern" and root in self.modules[unit.key]:
            return []
        target = self.renamed[unit.key].get(root) or self._named(root, unit)
        if target is not None:
            return [] if target.key == unit.key else [("hidden" if kind == "macro" else "unit", target.key)]
        return [] if kind == "macro" else [("external", root)]

    def _named(self, root: str, unit: Unit) -> Unit | None:
        """The crate called `root`, the one in the importer's workspace first."""
        found = self.by_name.get(root, ())
        return min(found, key=lambda other: (other.workspace != unit.workspace, other.key), default=None)

    def _renamed(self, unit: Unit) -> dict[str, Unit]:
        """Crates the unit's manifest renames, by the key code imports them under."""
        keys = [(dependency.alias, dependency.name) for dependency in unit.package.dependencies if dependency.alias]
        keys += [(key, package) for key, package, _ in unit.declared if key != package]
        renamed = {}
        for key, package in keys:
            target = _member(self.members, unit.workspace, package, unit.package.ecosystem)
            if target is not None:
                renamed[key.replace("-", "_")] = target
        return renamed


# TypeScript and JavaScript ---------------------------------------------------


class _JavaScript:
    """Package names, directories, tsconfig paths and package imports of a release's npm packages."""

    def __init__(self, sources: ReleaseSources):
        self.units = [unit for unit in sources.units if FAMILIES[unit.package.ecosystem] == "javascript"]
        self.by_name: dict[str, list[Unit]] = defaultdict(list)
        for unit in self.units:
            self.by_name[unit.package.name].append(unit)
        self.deepest = sorted(self.units, key=lambda unit: -len(unit.package.path))
        self.paths = {unit.key: _tsconfig_paths(unit) for unit in self.units}
        self.imports = {unit.key: _package_imports(unit) for unit in self.units}
        self.resolved: dict[tuple[str, str, str], list[tuple[str, str]]] = {}

    def resolve(self, unit: Unit, file: SourceFile, imported: Import) -> list[tuple[str, str]]:
        """What a specifier names, worked out once per importing package (and directory, for a relative one)."""
        specifier = imported.target
        key = (unit.key, posixpath.dirname(file.path) if specifier.startswith(".") else "", specifier)
        found = self.resolved.get(key)
        if found is None:
            found = self.resolved[key] = self._resolve(unit, key[1], specifier)
        return found

    def _resolve(self, unit: Unit, directory: str, specifier: str) -> list[tuple[str, str]]:
        if specifier.startswith("#"):
            mapped = self.imports[unit.key].get(specifier) or _pattern(self.imports[unit.key], specifier)
            if mapped is None:
                return [("unresolved", specifier)]
            if mapped.startswith("."):
                return self._at(unit, join(unit.package.path, mapped), specifier)
            specifier = mapped
        if specifier.startswith(("./", "../")) or specifier in (".", ".."):
            return self._at(unit, join(directory, specifier), specifier)
        for pattern, base, targets in self.paths[unit.key]:
            matched = _star(pattern, specifier)
            if matched is not None and targets:
                return self._at(unit, join(base, targets[0].replace("*", matched, 1)), specifier)
        if specifier.startswith("/") or ":" in specifier:
            return [] if specifier.startswith(("node:", "bun:")) else [("unresolved", specifier)]
        name = _package_name(specifier)
        if name in _NODE_BUILTINS:
            return []
        target = self._named(name, unit)
        if target is None:
            return [("external", name)]
        return [] if target.key == unit.key else [("unit", target.key)]

    def _at(self, unit: Unit, path: str | None, specifier: str) -> list[tuple[str, str]]:
        """The unit whose directory holds `path`, the deepest one; a path into `node_modules/` is that package's."""
        if path is not None and "node_modules/" in f"/{path}":
            installed = path.rsplit("node_modules/", 1)[1]
            return [("external", _package_name(installed))] if installed else [("unresolved", specifier)]
        target = next((other for other in self.deepest if path is not None and under(path, other.package.path)), None)
        if target is None:
            return [("unresolved", specifier)]
        return [] if target.key == unit.key else [("unit", target.key)]

    def _named(self, name: str, unit: Unit) -> Unit | None:
        found = self.by_name.get(name, [])
        if unit in found:
            return unit
        declared = {dependency.name for dependency in unit.package.dependencies}
        return max(found, key=lambda other: (other.workspace == unit.workspace and name in declared,
                                             len(other.package.path), other.key), default=None)


def _package_name(specifier: str) -> str:
    parts = specifier.split("/")
    return "/".join(parts[:2]) if specifier.startswith("@") and len(parts) > 1 else parts[0]


def _tsconfig_paths(unit: Unit) -> list[tuple[str, str, list[str]]]:
    """(pattern, base directory, targets) of the unit's tsconfig `compilerOptions.paths`, longest prefix first."""
    options = _json(unit.text("tsconfig.json")).get("compilerOptions")
    options = options if isinstance(options, dict) else {}
    paths = options.get("paths") if isinstance(options.get("paths"), dict) else {}
    base_url = options.get("baseUrl") if isinstance(options.get("baseUrl"), str) else "."
    base = join(unit.package.path, base_url)
    if base is None:
        return []
    found = [(pattern, base, [t for t in targets if isinstance(t, str)])
             for pattern, targets in paths.items() if isinstance(targets, list)]
    return sorted(found, key=lambda entry: -len(entry[0].split("*")[0]))


def _package_imports(unit: Unit) -> dict[str, str]:
    """The package.json `imports` map, each entry reduced to its first string target."""
    imports = _json(unit.text("package.json")).get("imports")
    if not isinstance(imports, dict):
        return {}
    return {key: target for key, value in imports.items() if (target := _first_string(value)) is not None}


def _first_string(value: object) -> str | None:
    """The first target of an `imports`/`exports` value: a string, or the first string among its conditions."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return next((found for inner in value.values() if (found := _first_string(inner)) is not None), None)
    if isinstance(value, list):
        return next((found for inner in value if (found := _first_string(inner)) is not None), None)
    return None


def _pattern(mapping: dict[str, str], specifier: str) -> str | None:
    for pattern, target in mapping.items():
        matched = _star(pattern, specifier)
        if matched is not None and "*" in pattern:
            return target.replace("*", matched)
    return None


def _star(pattern: str, specifier: str) -> str | None:
    """What `*` matches when `specifier` fits `pattern` ("" for an exact match), None when it does not fit."""
    if "*" not in pattern:
        return "" if pattern == specifier else None
    prefix, _, suffix = pattern.partition("*")
    if specifier.startswith(prefix) and specifier.endswith(suffix) and len(specifier) >= len(prefix) + len(suffix):
        return specifier[len(prefix):len(specifier) - len(suffix)]
    return None


_JSONC_TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/|,(?=\s*[}\]])', re.S)


def _json(text: str | None) -> dict:
    """A JSON object from package.json or tsconfig.json text (comments and trailing commas allowed); {} if not."""
    if not text:
        return {}
    cleaned = _JSONC_TOKEN.sub(lambda match: match.group(0) if match.group(0).startswith('"') else "", text)
    try:
        data = json.loads(cleaned)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


# Python ----------------------------------------------------------------------


class _Python:
    """Modules of a release's Python projects, and the subpackage graph of each top-level package."""

    def __init__(self, sources: ReleaseSources):
        self.units = {unit.key: unit for unit in sources.units if FAMILIES[unit.package.ecosystem] == "python"}
        self.owner = {name: unit for unit in self.units.values() for name in unit.names}
        self.modules = {}
        for file in sources.files:
            if file.unit in self.units:
                module = _module_of(file.path, self.units[file.unit].base)
                if module is not None:
                    self.modules[file.path] = module
        self.known = {prefix for module, _ in self.modules.values() for prefix in _prefixes(module)}
        self.graph: dict[tuple[str, str], _Tally] = {}

    def resolve(self, unit: Unit, file: SourceFile, imported: Import) -> list[tuple[str, str]]:
        here = self.modules.get(file.path)
        outcomes = []
        for module in self._targets(here, imported):
            if module is None:
                outcomes.append(("unresolved", imported.target))
                continue
            top = module.split(".")[0]
            target = self.owner.get(top)
            if target is not None and module not in self.known:
                outcomes.append(("unresolved", module))
            elif target is not None:
                if here is not None:
                    self._subpackage_edge(unit, file, imported, here[0], module)
                if target.key != unit.key:
                    outcomes.append(("unit", target.key))
            elif top not in _PYTHON_LIBRARY:
                outcomes.append(("external", top))
        return outcomes

    def graphs(self) -> tuple[SubpackageGraph, ...]:
        found = []
        for unit in sorted(self.units.values(), key=lambda unit: unit.key):
            for package in unit.names:
                nodes = sorted({_subpackage(module, package) for module in self.known if module.split(".")[0] == package})
                tally = self.graph.get((unit.key, package))
                found.append(SubpackageGraph(unit.key, package, tuple(nodes), tally.edges("unit") if tally else ()))
        return tuple(found)

    def _targets(self, here: tuple[str, bool] | None, imported: Import) -> list[str | None]:
        """The modules an import names, relative ones resolved against the file's package."""
        target = imported.target
        if target.startswith("."):
            if here is None:
                return [None]
            target = _absolute(target, here)
            if target is None:
                return [None]
        if imported.kind != "from":
            return [target]
        found = []
        for name in imported.names or ("*",):
            child = f"{target}.{name}" if target else name
            found.append(child if name != "*" and child in self.known else target)
        return list(dict.fromkeys(found)) or [target]

    def _subpackage_edge(self, unit: Unit, file: SourceFile, imported: Import, here: str, module: str) -> None:
        package = here.split(".")[0]
        source, target = _subpackage(here, package), _subpackage(module, package)
        if module.split(".")[0] == package and source != target:
            tally = self.graph.setdefault((unit.key, package), _Tally())
            tally.add("unit", source, target, file, imported)


def _module_of(path: str, base: str) -> tuple[str, bool] | None:
    """(dotted module name, whether it is a package's `__init__`) of a file below `base`."""
    inside = relative(path, base)
    if inside.startswith(".."):
        return None
    stem = inside.rsplit(".", 1)[0]
    parts = stem.split("/")
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _absolute(target: str, here: tuple[str, bool]) -> str | None:
    """A relative module (`..x`) made absolute from the module `here` is in; None if it climbs too high."""
    level = len(target) - len(target.lstrip("."))
    rest = target[level:]
    module, is_package = here
    parts = module.split(".") if module else []
    package = parts if is_package else parts[:-1]
    if level - 1 > len(package) or level - 1 == len(package) and not rest:
        return None
    base = package[:len(package) - (level - 1)]
    return ".".join(base + ([rest] if rest else []))


def _prefixes(module: str) -> list[str]:
    """`a.b.c` and the packages holding it, `a.b` and `a`."""
    parts = module.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts) + 1)]


def _subpackage(module: str, package: str) -> str:
    """The node of `module` in `package`'s subpackage graph: the package itself or the child holding it."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else package


# Go --------------------------------------------------------------------------


class _Go:
    """Module paths of a release's Go modules."""

    def __init__(self, sources: ReleaseSources):
        self.units = sorted((unit for unit in sources.units if FAMILIES[unit.package.ecosystem] == "go"),
                            key=lambda unit: -len(unit.package.name))

    def resolve(self, unit: Unit, file: SourceFile, imported: Import) -> list[tuple[str, str]]:
        path = imported.target
        target = next((other for other in self.units
                       if path == other.package.name or path.startswith(other.package.name + "/")), None)
        if target is not None:
            return [] if target.key == unit.key else [("unit", target.key)]
        first = path.split("/")[0]
        if "." not in first:
            return []
        return [("external", _go_module(path))]


def _go_module(path: str) -> str:
    parts = path.split("/")
    return "/".join(parts[:3] if parts[0] in _GO_HOSTS else parts[:2])


# Names -----------------------------------------------------------------------


def _normal(name: str, registry: str) -> str:
    """A package name as imports compare it: Rust and Python crates and modules with `_` for `-`."""
    return name.replace("-", "_").lower() if registry in ("cargo", "python") else name


def _catalog_match(name: str, wanted: str, registry: str) -> bool:
    return name == wanted or registry == "go" and name.startswith(wanted + "/")
