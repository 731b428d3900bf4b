"""Architectural layers: crates sorted by rules a user can read and change.

Which crate belongs to which layer is an analyst's judgement, so it lives in a
TOML rules file (`miner/data/layers.toml` by default, `--layers FILE` to use
another), not in code.  Rules are globs on the crate's directory relative to
its workspace root and on its package name; the first matching rule wins, and
a crate no rule matches is `Unclassified`, so new crates show up at once.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from importlib import resources
from pathlib import Path

from miner.errors import MinerError

UNCLASSIFIED = "Unclassified"


@dataclass(frozen=True)
class Layer:
    """One layer: its name, a one-line purpose, and the globs that select its crates."""

    name: str
    purpose: str
    paths: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    def matches(self, path: str, name: str) -> bool:
        return any(fnmatchcase(path, g) for g in self.paths) or any(fnmatchcase(name, g) for g in self.names)


def load_layers(path: str | Path | None = None) -> list[Layer]:
    """The layer rules from `path`, or the defaults shipped with miner."""
    source = Path(path) if path else resources.files("miner").joinpath("data/layers.toml")
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
        return [_layer(entry) for entry in data.get("layer", [])]
    except OSError as error:
        raise MinerError(f"{source}: cannot read layer rules: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as error:
        raise MinerError(f"{source}: invalid layer rules: {error}") from None


def classify(path: str, name: str, layers: list[Layer]) -> str:
    """The layer of the crate at `path` (relative to its workspace root) named `name`."""
    return next((layer.name for layer in layers if layer.matches(path, name)), UNCLASSIFIED)


def purposes(layers: list[Layer]) -> dict[str, str]:
    """Layer name -> purpose, in rule order, with the Unclassified bucket last."""
    return {layer.name: layer.purpose for layer in layers} | {UNCLASSIFIED: "Matched by no layer rule"}


def _layer(entry: dict) -> Layer:
    return Layer(str(entry["name"]), str(entry.get("purpose", "")),
                 tuple(map(str, entry.get("paths", []))), tuple(map(str, entry.get("names", []))))
