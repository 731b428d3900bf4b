"""The cross-agent table: coding agents side by side, from their analyses.

Which agents to track, and the words of the table, come from the agents
config (`miner.catalogs.agents`): nothing in the table is typed by hand, so it
changes when the repositories do.  An agent without a public repository, or
one never analysed, keeps its row with "unknown" in it.
"""
from __future__ import annotations

import math
import re
from typing import Protocol

import pandas as pd

from miner.analyses.capabilities import quoted
from miner.analyses.timeline import contributors_per_release, people_with_coauthors
from miner.catalogs.agents import Agent, Config
from miner.errors import MinerWarning

UNKNOWN = "unknown"
COLUMNS = ["Agent", "Releases tracked", "Architecture", "Extension model",
           "Stable releases per month (median)", "Contributors per release (median)",
           "People with co-authors per release (median)", "Evidence"]
"""Columns of the comparison; the Markdown table leaves out Evidence, which says why each label was given."""

Tables = dict[str, pd.DataFrame]


class Described(Protocol):
    """An analysis as the table reads it: its tables, and the release its architecture describes."""

    tables: Tables
    snapshot: str | None


def compare_table(config: Config, analyses: dict[str, Described | None]) -> pd.DataFrame:
    """One row per agent of the config, in config order, with the columns of COLUMNS.

    An agent missing from `analyses` or mapped to None (closed source,
    never analysed) gets "unknown" in every derived column.
    """
    rows = [_row(config, agent, analyses.get(agent.name)) for agent in config.agents]
    return pd.DataFrame(rows, columns=COLUMNS)


def typed_table(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison for programs (`mine compare --format json|csv`): snake_case column names, "unknown"
    as missing (null in JSON, empty in CSV), counts and medians as numbers (199, not "199.0"), and what
    bots made, which the report's contributors cell says in words, in a column of its own."""
    typed = table.rename(columns=_snake_case).astype(object).where(table.ne(UNKNOWN).to_numpy(), None)
    figure = "contributors_per_release_median"
    words = [value if isinstance(value, str) else None for value in typed[figure]]
    typed[figure] = [None if isinstance(value, str) else value for value in typed[figure]]
    typed.insert(typed.columns.get_loc(figure) + 1, "contributors_note", words)
    for column in ("releases_tracked", "stable_releases_per_month_median", figure,
                   "people_with_co_authors_per_release_median"):
        # an object column: pandas would make whole numbers beside a missing one floats again
        typed[column] = pd.Series([_number(value) for value in typed[column]], index=typed.index, dtype=object)
    return typed


def _snake_case(column: str) -> str:
    return "_".join(re.findall(r"[a-z0-9]+", column.lower()))


def _number(value):
    """An int for a whole number (a median of 3.0 is 3), a float otherwise, None for a missing one."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value) if float(value).is_integer() else float(value)


# -- rows ----------------------------------------------------------------------

def _row(config: Config, agent: Agent, analysis: Described | None) -> list:
    if analysis is None:
        why = "no public repository" if not agent.repository else "not analysed"
        return [agent.name, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, why]
    tables = analysis.tables
    packages = _packages(tables, analysis.snapshot, agent.workspace)
    mentioned = _mentioned(tables, config.min_releases)
    known = not packages.empty or mentioned is not None
    mentioned = mentioned or {}
    present = {role: evidence.found(packages, mentioned) for role, evidence in config.roles.items()}
    rule = next((r for r in config.architecture if all(present.get(role) for role in r.requires)), None)
    architecture = rule.label if rule and known else UNKNOWN
    extensions = [(label, evidence.found(packages, mentioned)) for label, evidence in config.extensions]
    shipped = [label for label, hits in extensions if hits]
    model = " + ".join(shipped) if shipped else ("none found" if "capabilities" in tables else UNKNOWN)
    evidence = "; ".join(f"{name}: {', '.join(hits[:3])}" for name, hits in [*present.items(), *extensions] if hits)
    tracked, per_month, contributors, people = _figures(tables)
    return [agent.name, tracked, architecture, model, per_month, contributors, people, evidence]


def _figures(tables: Tables) -> tuple:
    """Stable releases tracked, median stable releases per month, median contributors per stable release
    (the report's figure, or what bots made in its place), and median people per stable release with their
    `Co-authored-by:` co-authors (Mistral Vibe squashes each release into one commit: 1 contributor, 5 people;
    unknown for an analysis stored before the figure existed)."""
    releases, cadence = tables.get("releases"), tables.get("cadence")
    if releases is None:
        return UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN
    tracked = int(releases["stable"].sum())
    per_month = float(cadence["releases"].median()) if cadence is not None and len(cadence) else UNKNOWN
    median, bots = contributors_per_release(releases)
    credited = people_with_coauthors(releases)
    people = float(credited.median()) if len(credited) else UNKNOWN
    return tracked, per_month, bots or (UNKNOWN if median is None else median), people


def _packages(tables: Tables, release: str | None, workspace: str | None) -> pd.DataFrame:
    """The packages at the described release (latest stable), with their directory inside the workspace."""
    packages = tables.get("packages", pd.DataFrame(columns=["release", "package", "path", "layer", "workspace"]))
    at = packages[packages["release"] == release] if release else packages.iloc[0:0]
    if workspace and (at["workspace"] == workspace).any():
        at = at[at["workspace"] == workspace]
    inside = [p[len(w) + 1:] if w and str(p).startswith(f"{w}/") else str(p)
              for p, w in zip(at["path"], at["workspace"].fillna(""))]
    return at.assign(inside=inside)


def _mentioned(tables: Tables, min_releases: int) -> dict[str, str] | None:
    """Each capability mentioned in at least `min_releases` releases, with its citation: the first release,
    the line that says it there and the count (`since v0.8.0 ("Add MCP server"), 51 releases`)."""
    capabilities = tables.get("capabilities")
    if capabilities is None:
        return None
    shipped = capabilities[capabilities["releases_mentioning"] >= min_releases]
    return {r.capability: f'since {r.first_release} ("{quoted(r.evidence, 60)}"), {_releases(r.releases_mentioning)}'
            for r in shipped.itertuples()}


def _releases(count: int) -> str:
    return f"{int(count)} release{'s' * (int(count) != 1)}"


def unknown_capabilities(config: Config, agent: Agent, tables: Tables) -> list[MinerWarning]:
    """A warning for every capability a rule of the config names that the analysis's catalog lacks: such a
    rule can never count (a misspelt name, or a catalog without the entry)."""
    capabilities = tables.get("capabilities")
    if capabilities is None:
        return []
    known = set(capabilities["capability"])
    rules = [*((f"role '{name}'", e) for name, e in config.roles.items()),
             *((f"extension '{label}'", e) for label, e in config.extensions)]
    return [MinerWarning(agent.name, f"{config.path}: {rule} names capability '{name}', which the capability "
                                     "catalog of its analysis does not have: it never counts")
            for rule, evidence in rules for name in evidence.capabilities if name not in known]


def line_mismatch(agent: Agent, tables: Tables) -> list[MinerWarning]:
    releases = tables.get("releases")
    if agent.release_line is None or releases is None or releases.empty:
        return []
    lines = set(releases["line"].fillna(""))
    if agent.release_line in lines:
        return []
    return [MinerWarning(agent.name, f"config says release line '{agent.release_line}', the stored analysis has "
                                f"{', '.join(map(repr, sorted(lines)))}")]
