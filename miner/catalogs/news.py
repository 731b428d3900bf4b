"""The thresholds of `mine news` (`miner/data/news.toml`): when a burst, a departure or a shift is news."""
from __future__ import annotations

from pathlib import Path

from miner.analyses.news import Thresholds
from miner.catalogs.toml import read_toml
from miner.errors import MinerError

# (table, key) in the file -> (Thresholds field, type, smallest value allowed)
_KEYS = {("prereleases", "burst"): ("burst", int, 1),
         ("people", "stopped_after_days"): ("stopped_after_days", int, 0),
         ("people", "stopped_min_commits"): ("stopped_min_commits", int, 1),
         ("languages", "min_points"): ("language_points", float, 0)}


def load_thresholds(path: str | Path | None = None) -> Thresholds:
    """The thresholds at `path`, or miner's own; a one-line MinerError naming the file and key if invalid."""
    source, _, data = read_toml(path, "news.toml", "news thresholds")
    values = {}
    for table, entries in data.items():
        if not isinstance(entries, dict):
            raise MinerError(f"{source}: '{table}' must be a table ([{table}])")
        for key, value in entries.items():
            if (table, key) not in _KEYS:
                known = ", ".join(f"{t}.{k}" for t, k in _KEYS)
                raise MinerError(f"{source}: unknown threshold '{table}.{key}' (known: {known})")
            name, kind, least = _KEYS[(table, key)]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and
                                                                                  not isinstance(value, int)):
                raise MinerError(f"{source}: {table}.{key} must be {'a whole number' if kind is int else 'a number'}")
            if value < least:
                raise MinerError(f"{source}: {table}.{key} must be at least {least}")
            values[name] = kind(value)
    return Thresholds(**values)
