"""The catalog of notable external dependencies: what importing a package says about the importer.

`miner/data/notable.toml` by default (a user copies and edits it): one table
per registry (`cargo`, `npm`, `python`, `go`), each mapping a package name,
as code imports it, to a phrase saying what using it signals (`v8 = "embeds
the V8 JavaScript engine"`).  The source view looks the external imports of
every package up in it, which answers questions such as "which packages use
V8?".
"""
from __future__ import annotations

from pathlib import Path

from miner.catalogs.toml import read_toml
from miner.errors import MinerError

REGISTRIES = ("cargo", "npm", "python", "go")


def load_notable(path: str | Path | None = None) -> dict[tuple[str, str], str]:
    """(registry, package name) -> what it signals, from `path` or miner's own catalog."""
    source, _, data = read_toml(path, "notable.toml", "dependency catalog")
    catalog = {}
    for registry, table in data.items():
        if registry not in REGISTRIES:
            raise MinerError(f"{source}: [{registry}] is not a registry (use {', '.join(REGISTRIES)})")
        if not isinstance(table, dict):
            raise MinerError(f"{source}: {registry} must be a table of package = \"what it signals\"")
        for name, signals in table.items():
            if not isinstance(signals, str):
                raise MinerError(f"{source}: [{registry}] {name} must be a string saying what it signals")
            catalog[(registry, name)] = signals
    return catalog
