"""The cross-agent table: coding agents side by side, from their stored analyses.

Which agents to track is a TOML config (`miner/data/agents.toml` by default),
and so are the words in the table: an agent is "Client-server" because its
crate graph has a server crate and a client crate, and its extension model
lists the plugin, hook, skill and MCP capabilities its release notes mention.
Nothing in the table is typed by hand, so it changes when the repositories do.
An agent without a public repository, or one never analysed, keeps its row
with "unknown" in it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

import pandas as pd

from miner.sources.clone import parse_source, redact
from miner.catalogs.toml import read_toml, string_list
from miner.errors import MinerError, Warning
from miner.outputs.markdown import markdown_table
from miner.store.sqlite import Store

UNKNOWN = "unknown"
COLUMNS = ["Agent", "Releases tracked", "Architecture", "Extension model",
           "Stable releases per month (median)", "Contributors per release (median)", "Evidence"]
"""Columns of the comparison; the Markdown table leaves out Evidence, which says why each label was given."""

Tables = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Agent:
    """One tracked agent as the config lists it; `line` is the config line of its [[agent]] entry."""

    name: str
    repository: str | None = None
    release_line: str | None = None
    notes: str | None = None
    workspace: str | None = None
    analysed_as: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Evidence:
    """What makes a role or an extension present: crates by layer, name or path, or capability hits."""

    layers: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()

    def found(self, crates: pd.DataFrame, mentioned: set[str]) -> list[str]:
        """What matched, as short phrases (`crate app-server`, `notes: MCP`); empty when absent."""
        hits = [f"crate {path}" for path, name, layer in zip(crates["inside"], crates["crate"], crates["layer"])
                if layer in self.layers or _any(self.names, name) or _any(self.paths, path)]
        return hits + [f"notes: {c}" for c in self.capabilities if c in mentioned]


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


def agent_tables(config: Config, store: Store, strict: bool = False) -> tuple[dict[str, Tables | None], list[Warning]]:
    """Each agent's stored tables (None when it has no repository or was never analysed), and warnings.

    With `strict`, an agent whose repository is in the config but not in the
    store is a MinerError naming the config file and line instead of a warning.
    """
    repos = store.repos()
    found: dict[str, Tables | None] = {}
    warnings: list[Warning] = []
    for agent in config.agents:
        repo_id = _stored_repo(agent, repos) if agent.repository else None
        if agent.repository and repo_id is None:
            shown = redact(agent.repository)
            message = f"{shown} was never analysed into {store.path} (run `mine clone {shown}` and `mine analyze`)"
            if strict:
                raise MinerError(f"{config.path}:{agent.line}: agent '{agent.name}': {message}")
            warnings.append(Warning(agent.name, f"{message}; its row says unknown", path=f"{config.path}:{agent.line}"))
        found[agent.name] = store.load_tables(repo_id) if repo_id is not None else None
        if found[agent.name] is not None:
            warnings += _line_mismatch(agent, found[agent.name])
    return found, warnings


def compare_table(config: Config, tables_by_agent: dict[str, Tables | None]) -> pd.DataFrame:
    """One row per agent of the config, in config order, with the columns of COLUMNS.

    An agent missing from `tables_by_agent` or mapped to None (closed source,
    never analysed) gets "unknown" in every derived column.
    """
    rows = [_row(config, agent, tables_by_agent.get(agent.name)) for agent in config.agents]
    return pd.DataFrame(rows, columns=COLUMNS)


def compare_markdown(table: pd.DataFrame) -> str:
    """The comparison as a Markdown table, medians written like counts (12, 12.5)."""
    shown = table.drop(columns=["Evidence"], errors="ignore")
    return markdown_table(shown.map(_text))


# -- rows ----------------------------------------------------------------------

def _row(config: Config, agent: Agent, tables: Tables | None) -> list:
    if tables is None:
        why = "no public repository" if not agent.repository else "not analysed"
        return [agent.name, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, why]
    crates = _crates(tables, agent.workspace)
    mentioned = _mentioned(tables, config.min_releases)
    known = not crates.empty or mentioned is not None
    mentioned = mentioned or set()
    present = {role: evidence.found(crates, mentioned) for role, evidence in config.roles.items()}
    rule = next((r for r in config.architecture if all(present.get(role) for role in r.requires)), None)
    architecture = rule.label if rule and known else UNKNOWN
    extensions = [(label, evidence.found(crates, mentioned)) for label, evidence in config.extensions]
    shipped = [label for label, hits in extensions if hits]
    model = " + ".join(shipped) if shipped else ("none found" if "capabilities" in tables else UNKNOWN)
    evidence = "; ".join(f"{name}: {', '.join(hits[:3])}" for name, hits in [*present.items(), *extensions] if hits)
    tracked, per_month, contributors = _figures(tables)
    return [agent.name, tracked, architecture, model, per_month, contributors, evidence]


def _figures(tables: Tables) -> tuple:
    """Stable releases tracked, median stable releases per month, median contributors per stable release."""
    releases, cadence = tables.get("releases"), tables.get("cadence")
    stable = releases[releases["stable"]] if releases is not None else pd.DataFrame()
    tracked = len(stable) if releases is not None else UNKNOWN
    per_month = float(cadence["releases"].median()) if cadence is not None and len(cadence) else UNKNOWN
    contributors = float(stable["contributors"].median()) if len(stable) else UNKNOWN
    return tracked, per_month, contributors


def _crates(tables: Tables, workspace: str | None) -> pd.DataFrame:
    """The crates at the described release (latest stable), with their directory inside the workspace."""
    crates = tables.get("crates", pd.DataFrame(columns=["release", "crate", "path", "layer", "workspace"]))
    snapshot = tables.get("snapshot")
    release = snapshot["release"].iloc[0] if snapshot is not None and len(snapshot) else None
    at = crates[crates["release"] == release] if release else crates.iloc[0:0]
    if workspace and (at["workspace"] == workspace).any():
        at = at[at["workspace"] == workspace]
    inside = [p[len(w) + 1:] if w and str(p).startswith(f"{w}/") else str(p)
              for p, w in zip(at["path"], at["workspace"].fillna(""))]
    return at.assign(inside=inside)


def _mentioned(tables: Tables, min_releases: int) -> set[str] | None:
    capabilities = tables.get("capabilities")
    if capabilities is None:
        return None
    return set(capabilities[capabilities["releases_mentioning"] >= min_releases]["capability"])


def _line_mismatch(agent: Agent, tables: Tables) -> list[Warning]:
    releases = tables.get("releases")
    if agent.release_line is None or releases is None or releases.empty:
        return []
    lines = set(releases["line"].fillna(""))
    if agent.release_line in lines:
        return []
    return [Warning(agent.name, f"config says release line '{agent.release_line}', the stored analysis has "
                                f"{', '.join(map(repr, sorted(lines)))}")]


def _stored_repo(agent: Agent, repos: pd.DataFrame) -> int | None:
    """The store id of the agent's repository: by its clone's owner+name directory, else by name."""
    source = parse_source(agent.repository)
    by_path = repos[repos["path"].str.contains(f"/{source.slug}/", regex=False)
                    | repos["path"].str.endswith(f"/{source.slug}")]
    names = {agent.analysed_as} if agent.analysed_as else {source.name, source.slug}
    chosen = by_path if len(by_path) and not agent.analysed_as else repos[repos["name"].isin(names)]
    return int(chosen["id"].iloc[0]) if len(chosen) == 1 else None


# -- config --------------------------------------------------------------------

def _config(origin: str, data: dict, text: str) -> Config:
    starts = [n for n, line in enumerate(text.splitlines(), 1) if re.match(r"\s*\[\[\s*agent\s*\]\]", line)]
    agents = tuple(_agent(entry, line) for entry, line in zip(_list(data, "agent"), starts))
    roles = {name: _evidence(entry) for name, entry in data.get("role", {}).items()}
    rules = tuple(Rule(str(r["label"]), _strings(r, "requires")) for r in _list(data, "architecture"))
    for rule in rules:
        missing = [role for role in rule.requires if role not in roles]
        if missing:
            raise ValueError(f"architecture '{rule.label}' requires undefined role '{missing[0]}' (add [role.{missing[0]}])")
    extensions = tuple((str(e["label"]), _evidence(e)) for e in _list(data, "extension"))
    minimum = int(data.get("evidence", {}).get("min_releases", 1))
    return Config(origin, agents, roles, rules, extensions, minimum)


def _agent(entry: dict, line: int) -> Agent:
    if not isinstance(entry.get("name"), str):
        raise ValueError(f"[[agent]] at line {line} needs a name")
    fields = {key: entry.get(key) for key in ("repository", "notes", "workspace", "analysed_as")}
    for key, value in fields.items():
        if value is not None and not isinstance(value, str):
            raise ValueError(f"agent '{entry['name']}' (line {line}): {key} must be a string")
    return Agent(entry["name"], release_line=entry.get("line"), line=line, **fields)


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


def _text(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
