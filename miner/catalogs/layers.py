"""Architectural layers: crates sorted by rules a user can read and change.

Which package belongs to which layer is an analyst's judgement, so it lives in a
TOML rules file (`miner/data/layers.toml` by default, `--layers FILE` to use
another), not in code.  Rules are globs on the crate's directory relative to
its workspace root and on its package name; the first matching rule wins, and
a crate no rule matches is `Unclassified`, so new crates show up at once.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from miner.catalogs.toml import read_toml
from miner.errors import MinerError
from miner.model.globs import glob_match

UNCLASSIFIED = "Unclassified"


@dataclass(frozen=True)
class Layer:
    """One layer: its name, a one-line purpose, and the globs that select its crates."""

    name: str
    purpose: str
    paths: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    def matches(self, path: str, name: str) -> bool:
        """Whether the package at `path` (relative to its workspace root) named `name` is in this layer.

        Paths match as paths (`utils/*` is one level below `utils/`, `utils/**` every level): a
        nested test crate (`core/tests/common`) is not `core/*`.  Names match as names, where `*`
        takes any text (`*-sandbox`, `@google/*`).
        """
        return any(glob_match(g, path) for g in self.paths) or any(fnmatchcase(name, g) for g in self.names)


def load_layers(path: str | Path | None = None) -> list[Layer]:
    """The layer rules from `path`, or the defaults shipped with miner.

    Every problem (unreadable file, TOML syntax, no `[[layer]]` entries, a
    field of the wrong type) is a one-line `MinerError` naming the file, the
    layer and, when it can be found, the line of that layer's table: a string
    where a list of globs belongs would otherwise match letter by letter.
    """
    source, text, data = read_toml(path, "layers.toml", "layer rules")
    entries = data.get("layer")
    if entries is None or entries == []:
        raise MinerError(f"{source}: no [[layer]] entries")
    if not isinstance(entries, list):
        raise MinerError(f"{source}: layer must be [[layer]] tables, not {_kind(entries)}")
    starts = _table_lines(text)
    lines = starts if len(starts) == len(entries) else [None] * len(entries)
    return [layer_from_table(entry, f"{source}:{line}" if line else str(source)) for entry, line in zip(entries, lines)]


def classify(path: str, name: str, layers: list[Layer]) -> str:
    """The layer of the crate at `path` (relative to its workspace root) named `name`."""
    return next((layer.name for layer in layers if layer.matches(path, name)), UNCLASSIFIED)


def layers_to_meta(layers: Iterable[Layer]) -> list[list]:
    """The rules as JSON-ready lists, for an analysis to keep the rules it was made with."""
    return [[layer.name, layer.purpose, list(layer.paths), list(layer.names)] for layer in layers]


def layers_from_meta(rows: Iterable[list]) -> tuple[Layer, ...]:
    """The inverse of `layers_to_meta`."""
    return tuple(Layer(name, purpose, tuple(paths), tuple(names)) for name, purpose, paths, names in rows)


def purposes(layers: Iterable[Layer]) -> dict[str, str]:
    """Layer name -> purpose, in rule order, with the Unclassified bucket last."""
    return {layer.name: layer.purpose for layer in layers} | {UNCLASSIFIED: "Matched by no layer rule"}


_LAYER_TABLE = re.compile(r"^\s*\[\[\s*layer\s*\]\]")
_FIELDS = {"name", "purpose", "paths", "names"}


def layer_from_table(entry: object, where: str) -> Layer:
    """A Layer from one TOML table (of a rules file, or an agent's `[[agent.layer]]`), or a MinerError naming
    `where` and saying what is wrong with it."""
    if not isinstance(entry, dict):
        raise MinerError(f"{where}: a layer must be a table with a name, not {_kind(entry)}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise MinerError(f"{where}: a layer has no name")
    unknown = sorted(set(entry) - _FIELDS)
    if unknown:
        raise MinerError(f"{where}: layer {name!r}: unknown field {unknown[0]!r} (expected {', '.join(sorted(_FIELDS))})")
    purpose = entry.get("purpose", "")
    if not isinstance(purpose, str):
        raise MinerError(f"{where}: layer {name!r}: purpose must be a string, not {_kind(purpose)}")
    paths, names = _globs(entry, "paths", name, where), _globs(entry, "names", name, where)
    if not paths and not names:
        raise MinerError(f"{where}: layer {name!r} has neither paths nor names, so no package can match it")
    return Layer(name, purpose, paths, names)


def _globs(entry: dict, field: str, name: str, where: str) -> tuple[str, ...]:
    values = entry.get(field, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise MinerError(f"{where}: layer {name!r}: {field} must be a list of strings, not {_kind(values)}")
    return tuple(values)


def _table_lines(text: str) -> list[int]:
    """The 1-based line of each `[[layer]]` header, in file order."""
    return [number for number, line in enumerate(text.splitlines(), 1) if _LAYER_TABLE.match(line)]


def _kind(value: object) -> str:
    return f"{type(value).__name__} {value!r}" if isinstance(value, (str, int, float, bool)) else type(value).__name__
