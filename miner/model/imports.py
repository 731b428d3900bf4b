"""Imports read from source files: what a file names, on which line, in which form.

The parsers in `miner.sources.imports` make these values and the source view
analysis (`miner.analyses.sourceview`) reads them; they are plain data, cached
as JSON by blob id.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from miner.errors import MinerWarning
from miner.model.packages import Package

# Ecosystem -> the language family its packages' sources are read as.
FAMILIES = {"cargo": "rust", "npm": "javascript", "pnpm": "javascript", "yarn": "javascript",
            "bun": "javascript", "python": "python", "go": "go"}


@dataclass(frozen=True)
class Import:
    """One import as written in the file.

    `target` is what is imported: Rust the root of the path (`codex_core`,
    `crate`, `super`), TypeScript/JavaScript the specifier (`./x`,
    `@scope/pkg/sub`), Python the module with its leading dots (`a.b`, `..x`),
    Go the import path.  `kind` says which form it came from (see each
    language module); `names` are the names a Python `from m import a, b`
    imports, which may be submodules of `m`.
    """

    target: str
    line: int
    kind: str
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileImports:
    """What one file version imports, and how well it could be read.

    `modules` (Rust) are the modules the file declares (`mod x;`, `mod x {}`,
    also inside macros): a path in another file of the crate may start with
    one without naming a crate (a child module reaching its parent's through
    `use super::*`).  `errors` is whether the syntax tree holds error nodes
    (the imports outside them are still found); `binary` whether the file was
    not parsed because it is binary; `not_utf8` whether its text is not UTF-8.
    """

    imports: tuple[Import, ...]
    size: int
    modules: tuple[str, ...] = ()
    errors: bool = False
    binary: bool = False
    not_utf8: bool = False

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict for the object cache."""
        return {
            "imports": [[i.target, i.line, i.kind, list(i.names)] for i in self.imports],
            "size": self.size, "modules": list(self.modules),
            "errors": self.errors, "binary": self.binary, "not_utf8": self.not_utf8,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileImports:
        """The inverse of `to_json`."""
        imports = tuple(Import(target, line, kind, tuple(names)) for target, line, kind, names in data["imports"])
        return cls(imports, data["size"], tuple(data["modules"]), data["errors"], data["binary"], data["not_utf8"])


@dataclass(frozen=True)
class SourceFile:
    """A source file of one unit at one release: where it is and what it imports."""

    path: str
    unit: str
    """The key of the unit (package) whose sources hold it (`miner.model.packages.package_key`)."""
    grammar: str
    imports: FileImports


@dataclass(frozen=True)
class Unit:
    """A package as the source view sees it: the names code imports it by and where its sources are.

    `key` is the package's identity (`miner.model.packages.package_key`) and
    `workspace` the root of the workspace holding it.
    `names` are Rust's crate name as code writes it (the `[lib] name`, else the
    package name with `-` made `_`), the npm package name, the top-level
    Python packages and modules the project holds, the Go module path.
    `base` is the directory paths are resolved from: the package directory,
    or for Python the directory its top-level packages sit in (the project's
    directory or its `src/`).  `dirs` are the directories (or single files,
    such as `build.rs`) whose sources were read.  `texts` holds the manifest
    texts resolution needs, by file name (`package.json`, `tsconfig.json`).
    """

    key: str
    package: Package
    workspace: str
    names: tuple[str, ...]
    base: str
    dirs: tuple[str, ...]
    texts: tuple[tuple[str, str], ...] = ()
    declared: tuple[tuple[str, str, str], ...] = ()
    """Cargo: every dependency the manifest declares, registry ones too, as (key, package name, kind).

    `package.dependencies` holds the edges Cargo resolves to a workspace
    member by path; a crate may also depend on a member by version (tokio's
    crates do, and `[patch.crates-io]` points the version at the member),
    and code imports a dependency by its key (`foo = { package = "bar" }` is
    imported as `foo`)."""

    def text(self, name: str) -> str | None:
        """The text of manifest `name`, None when the unit has none."""
        return next((text for file, text in self.texts if file == name), None)


@dataclass(frozen=True)
class ParseCounts:
    """How one release's source files were read.

    `files` and `bytes` cover every source file of the units; `parsed` and
    `parsed_bytes` those parsed in this run (the rest came from the cache);
    `too_large` were skipped for their size, `binary` for holding a NUL byte,
    `missing` because their blob is not in the repository; `errors` parsed
    with syntax errors (their other imports are kept) and `not_utf8` hold
    text that is not UTF-8.
    """

    files: int = 0
    bytes: int = 0
    parsed: int = 0
    parsed_bytes: int = 0
    too_large: int = 0
    binary: int = 0
    missing: int = 0
    errors: int = 0
    not_utf8: int = 0


@dataclass(frozen=True)
class ReleaseSources:
    """Everything the source view reads at one release: the units, their files, how reading went."""

    release: str
    units: tuple[Unit, ...]
    files: tuple[SourceFile, ...]
    counts: ParseCounts
    warnings: tuple[MinerWarning, ...] = ()
    """What could not be read (a missing subtree or blob, an unreadable manifest), by path."""
