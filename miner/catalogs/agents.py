"""The agents config (`miner/data/agents.toml`): which coding agents to track, and the words of the
cross-agent table.

An agent is "Client-server" because its package graph has a server package and
a client package, and its extension model lists the plugin, hook, skill and
MCP capabilities its release notes mention: the rules that say so are data, so
the table changes when the repositories do.  A rule's `capabilities` are names
of the capability catalog (`miner/data/capabilities.toml`).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

import pandas as pd

from miner.catalogs.layers import Layer, layer_from_table
from miner.catalogs.toml import read_toml, string_list
from miner.errors import MinerError
from miner.model.globs import glob_match
from miner.model.notes import DEFAULT_ORDER


@dataclass(frozen=True)
class Agent:
    """One tracked agent as the config lists it; `line` is the config line of its [[agent]] entry; `layers`
    are its own layer rules, tried before the rules file's when its repository is analysed."""

    name: str
    repository: str | None = None
    release_line: str | None = None
    skip_tags: str | None = None  # a regular expression of tags that are no release of the agent
    workspace: str | None = None
    analysed_as: str | None = None
    line: int = 0
    layers: tuple[Layer, ...] = ()
    notes: str | None = None  # the notes source `mine analyze --config` tries first for this agent


@dataclass(frozen=True)
class Evidence:
    """What makes a role or an extension present: packages by layer, name or path, or capability hits."""

    layers: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()

    def found(self, packages: pd.DataFrame, mentioned: Mapping[str, str]) -> list[str]:
        """What matched, as short phrases (`crate app-server`, `notes: MCP since v0.8.0 ...`); empty when absent.

        `mentioned` maps each capability the notes mention to where they say it first.
        """
        ecosystems = packages["ecosystem"] if "ecosystem" in packages else [""] * len(packages)
        hits = [f"{'crate' if ecosystem == 'cargo' else 'package'} {path}"
                for path, name, layer, ecosystem in zip(packages["inside"], packages["package"], packages["layer"],
                                                        ecosystems)
                if layer in self.layers or _any(self.names, name) or any(glob_match(g, path) for g in self.paths)]
        return hits + [f"notes: {c} {mentioned[c]}" for c in self.capabilities if c in mentioned]


@dataclass(frozen=True)
class Rule:
    """A label given when every required role is present (no roles: always)."""

    label: str
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    """The agents to compare and the rules that name their architecture and extension model."""

    path: str
    agents: tuple[Agent, ...]
    roles: dict[str, Evidence]
    architecture: tuple[Rule, ...]
    extensions: tuple[tuple[str, Evidence], ...]
    min_releases: int = 1


def load_config(path: str | Path | None = None) -> Config:
    """The agents config at `path`, or the default one shipped with miner; MinerError naming the file if invalid."""
    source, text, data = read_toml(path, "agents.toml", "agents config")
    try:
        return _config(source, data, text)
    except (KeyError, TypeError, ValueError) as error:
        raise MinerError(f"{source}: invalid agents config: {error}") from None


def _config(origin: str, data: dict, text: str) -> Config:
    starts = [n for n, line in enumerate(text.splitlines(), 1) if re.match(r"\s*\[\[\s*agent\s*\]\]", line)]
    agents = tuple(_agent(entry, line, origin) for entry, line in zip(_list(data, "agent"), starts))
    roles = {name: _evidence(entry) for name, entry in data.get("role", {}).items()}
    rules = tuple(Rule(str(r["label"]), _strings(r, "requires")) for r in _list(data, "architecture"))
    for rule in rules:
        missing = [role for role in rule.requires if role not in roles]
        if missing:
            raise ValueError(f"architecture '{rule.label}' requires undefined role '{missing[0]}' (add [role.{missing[0]}])")
    extensions = tuple((str(e["label"]), _evidence(e)) for e in _list(data, "extension"))
    minimum = int(data.get("evidence", {}).get("min_releases", 1))
    return Config(origin, agents, roles, rules, extensions, minimum)


_AGENT_KEYS = ("name", "repository", "line", "skip_tags", "notes", "workspace", "analysed_as", "layer")


def _agent(entry: dict, line: int, origin: str) -> Agent:
    """An Agent from its [[agent]] table; a key nothing reads is an error, not silently ignored."""
    if not isinstance(entry.get("name"), str):
        raise ValueError(f"[[agent]] at line {line} needs a name")
    unknown = sorted(set(entry) - set(_AGENT_KEYS))
    if unknown:
        raise ValueError(f"agent '{entry['name']}' (line {line}): unknown key '{unknown[0]}' "
                         f"(an [[agent]] has {', '.join(_AGENT_KEYS)})")
    fields = {key: entry.get(key) for key in ("repository", "skip_tags", "notes", "workspace", "analysed_as")}
    for key, value in fields.items():
        if value is not None and not isinstance(value, str):
            raise ValueError(f"agent '{entry['name']}' (line {line}): {key} must be a string")
    if fields["notes"] is not None and fields["notes"] not in DEFAULT_ORDER:
        raise ValueError(f"agent '{entry['name']}' (line {line}): notes '{fields['notes']}' is no notes source "
                         f"(known: {', '.join(DEFAULT_ORDER)})")
    layers = entry.get("layer", [])
    if not isinstance(layers, list):
        raise ValueError(f"agent '{entry['name']}' (line {line}): layer must be [[agent.layer]] tables")
    rules = tuple(layer_from_table(rule, f"{origin}: agent '{entry['name']}'") for rule in layers)
    return Agent(entry["name"], release_line=entry.get("line"), line=line, layers=rules, **fields)


def _evidence(entry: dict) -> Evidence:
    return Evidence(*(_strings(entry, key) for key in ("layers", "names", "paths", "capabilities")))


def _list(data: dict, key: str) -> list[dict]:
    entries = data.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ValueError(f"'{key}' must be an array of tables ([[{key}]])")
    return entries


def _strings(entry: dict, key: str) -> tuple[str, ...]:
    return tuple(string_list(entry, key, f"'{key}'"))


def _any(globs: tuple[str, ...], text: str) -> bool:
    return any(fnmatchcase(text, g) for g in globs)
