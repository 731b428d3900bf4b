"""Architecture and extension model come from rules over crates and capability hits, never by hand."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from miner.analyses.compare import COLUMNS, UNKNOWN, compare_table, unknown_capabilities
from miner.catalogs.agents import load_config
from miner.catalogs.capabilities import load_catalog
from miner.outputs.report import compare_markdown

CONFIG = load_config()
CODEX, CLAUDE, FACTORY = "Codex CLI", "Claude Code", "Factory CLI"


def tables(crates=(), capabilities=None, stable=(True, True, False), contributors=(20, 25, 3),
           months=(("2025-07", 6), ("2025-08", 15), ("2025-09", 11))):
    """A hand-made analysis: crates as (directory in codex-rs, package, layer), capabilities as {name: releases}."""
    result = {
        "releases": pd.DataFrame({"tag": [f"rust-v0.{i}.0" for i in range(len(stable))], "line": "rust-v",
                                  "stable": list(stable), "contributors": list(contributors),
                                  "people_with_coauthors": [n + 4 for n in contributors],
                                  "commits": [2 * n for n in contributors], "bot_commits": 0}),
        "cadence": pd.DataFrame({"month": [m for m, _ in months], "releases": [n for _, n in months], "prereleases": 0}),
        "packages": pd.DataFrame([{"release": "rust-v0.1.0", "ecosystem": "cargo", "package": name,
                                   "path": f"codex-rs/{path}", "layer": layer, "workspace": "codex-rs"}
                                  for path, name, layer in crates],
                                 columns=["release", "ecosystem", "package", "path", "layer", "workspace"]),
    }
    if capabilities is not None:
        result["capabilities"] = pd.DataFrame({"capability": list(capabilities),
                                               "first_release": [f"rust-v0.{n}.0" for n in capabilities.values()],
                                               "releases_mentioning": list(capabilities.values()),
                                               "evidence": [f"- {name} arrives" for name in capabilities]})
    return Described(result, "rust-v0.1.0")


@dataclass
class Described:
    """What the comparison reads of an analysis: its tables and the release its architecture describes."""

    tables: dict
    snapshot: str | None


def row(agent_tables, agent=CODEX):
    table = compare_table(CONFIG, {agent: agent_tables})
    return table.set_index("Agent").loc[agent]


SERVER = ("app-server", "codex-app-server", "Server")
CLIENT = ("app-server-client", "codex-app-server-client", "Server")
CLI = ("cli", "codex-cli", "Core")


def test_a_server_crate_and_a_client_crate_make_client_server():
    assert row(tables([CLI, SERVER, CLIENT], {}))["Architecture"] == "Client-server (app-server)"


def test_a_server_crate_with_an_sdk_in_the_notes_is_client_server_too():
    assert row(tables([CLI, SERVER], {"Python SDK": 3}))["Architecture"] == "Client-server (app-server)"


def test_a_server_without_a_client_is_a_cli_with_a_server_mode():
    assert row(tables([CLI, SERVER], {"Python SDK": 0}))["Architecture"] == "CLI with a server mode"


def test_an_mcp_server_crate_is_not_an_app_server():
    mcp = ("mcp-server", "codex-mcp-server", "Protocol")
    assert row(tables([CLI, mcp], {"MCP": 9}))["Architecture"] == "CLI"


def test_crates_of_another_release_do_not_count():
    old = tables([CLI, SERVER, CLIENT], {})
    old.snapshot = "rust-v0.2.0"
    assert row(old)["Architecture"] == "CLI"


def test_capability_hits_make_up_the_extension_model_in_config_order():
    hits = {"Skills": 4, "Hooks": 5, "Plugins": 7, "Marketplace": 2, "MCP": 0, "Sandbox": 51}
    assert row(tables([CLI], hits))["Extension model"] == "Plugins + marketplace + hooks + skills"


def test_a_skills_crate_counts_as_skills_without_any_notes():
    skills = ("skills", "codex-skills", "Extensions")
    assert row(tables([CLI, skills], {}))["Extension model"] == "skills"


def test_no_hits_is_none_found_but_no_capability_table_is_unknown():
    assert row(tables([CLI], {"MCP": 0}))["Extension model"] == "none found"
    assert row(tables([CLI]))["Extension model"] == UNKNOWN


def test_counts_are_stable_releases_and_medians():
    found = row(tables([CLI], {}))
    assert found["Releases tracked"] == 2
    assert found["Stable releases per month (median)"] == 11
    assert found["Contributors per release (median)"] == 22.5
    assert found["People with co-authors per release (median)"] == 26.5


def test_people_with_co_authors_are_unknown_in_an_analysis_stored_before_they_were_counted():
    analysis = tables([CLI], {})
    analysis.tables["releases"] = analysis.tables["releases"].drop(columns="people_with_coauthors")
    assert row(analysis)["People with co-authors per release (median)"] == UNKNOWN


def test_evidence_says_why_each_label_was_given():
    evidence = row(tables([CLI, SERVER, CLIENT], {"MCP": 3}))["Evidence"]
    assert "server: crate app-server" in evidence and "client: crate app-server-client" in evidence
    assert 'MCP servers: notes: MCP since rust-v0.3.0 ("MCP arrives"), 3 releases' in evidence


def test_every_capability_the_default_config_names_is_in_the_default_catalog():
    named = {c for evidence in [*CONFIG.roles.values(), *(e for _, e in CONFIG.extensions)]
             for c in evidence.capabilities}
    assert named <= {capability.name for capability in load_catalog()}
    assert {"Slash commands", "Extensions", "Voice", "Realtime/audio"} <= named


@pytest.mark.parametrize(("hits", "model"), [
    ({"MCP": 9, "Hooks": 3, "Slash commands": 4}, "hooks + MCP servers + custom slash commands"),
    ({"Extensions": 33}, "Extensions"),
    ({"Voice": 4}, "Voice/multimodal interaction"),
    ({"Realtime/audio": 9}, "Voice/multimodal interaction"),
])
def test_the_extension_models_of_the_sample_can_be_said(hits, model):
    assert row(tables([CLI], hits))["Extension model"] == model


def test_a_rule_naming_a_capability_the_catalog_lacks_is_a_warning(tmp_path):
    path = tmp_path / "agents.toml"
    path.write_text('[[agent]]\nname = "A"\n\n[[extension]]\nlabel = "x"\ncapabilities = ["MCP", "Telepathy"]\n',
                    encoding="utf-8")
    config = load_config(path)
    (warning,) = unknown_capabilities(config, config.agents[0], tables([CLI], {"MCP": 1}).tables)
    assert warning.repo == "A" and "extension 'x' names capability 'Telepathy'" in warning.message
    assert unknown_capabilities(config, config.agents[0], tables([CLI]).tables) == []


@pytest.mark.parametrize("given", [None, "missing"])
def test_an_agent_without_tables_keeps_its_row_with_unknown(given):
    analysed = {} if given == "missing" else {CODEX: None, FACTORY: None}
    table = compare_table(CONFIG, analysed)
    assert list(table.columns) == COLUMNS
    assert list(table["Agent"]) == [a.name for a in CONFIG.agents]
    factory = table.set_index("Agent").loc[FACTORY]
    assert set(factory.drop("Evidence")) == {UNKNOWN}
    assert factory["Evidence"] == "no public repository"
    assert table.set_index("Agent").loc[CODEX, "Evidence"] == "not analysed"


def test_the_markdown_table_has_the_sample_columns_and_no_evidence():
    text = compare_markdown(compare_table(CONFIG, {CODEX: tables([CLI, SERVER, CLIENT], {"Hooks": 5})}))
    lines = text.splitlines()
    assert lines[0] == ("| Agent | Releases tracked | Architecture | Extension model | "
                        "Stable releases per month (median) | Contributors per release (median) | "
                        "People with co-authors per release (median) |")
    assert lines[2] == "| Codex CLI | 2 | Client-server (app-server) | hooks | 11 | 22.5 | 26.5 |"
    assert lines[-1] == "| Factory CLI | unknown | unknown | unknown | unknown | unknown | unknown |"


def test_path_evidence_matches_as_paths():
    """`skills/*` names a package one level below skills/, not a test crate two levels down."""
    deep = ("skills/tests/common", "codex-skills-test-support", "Infra")
    assert row(tables([CLI, deep], {}))["Extension model"] != "skills"
    assert row(tables([CLI, ("skills/builtin", "codex-skills-builtin", "Extensions")], {}))["Extension model"] == "skills"


def shaped(packages, capabilities=None):
    """An analysis whose packages table holds (ecosystem, workspace root, directory, name, layer) rows."""
    analysis = tables([], capabilities)
    analysis.tables["packages"] = pd.DataFrame(
        [{"release": "rust-v0.1.0", "ecosystem": e, "package": name, "path": path, "layer": layer, "workspace": root}
         for e, root, path, name, layer in packages],
        columns=["release", "ecosystem", "package", "path", "layer", "workspace"])
    return analysis


GEMINI_PACKAGES = [("npm", "", "", "@google/gemini-cli", "Core"), ("npm", "", "packages/cli", "@google/gemini-cli", "Core"),
                   ("npm", "", "packages/core", "@google/gemini-cli-core", "Core"),
                   ("npm", "", "packages/a2a-server", "@google/gemini-cli-a2a-server", "Server"),
                   ("npm", "", "packages/sdk", "@google/gemini-cli-sdk", "SDK")]
CODEX_PACKAGES = [("cargo", "codex-rs", "codex-rs/cli", "codex-cli", "Core"),
                  ("cargo", "codex-rs", "codex-rs/app-server", "codex-app-server", "Server"),
                  ("pnpm", "", "", "codex-monorepo", "Core"), ("pnpm", "", "sdk/typescript", "@openai/codex-sdk", "SDK"),
                  ("python", "sdk/python", "sdk/python", "codex-app-server-sdk", "SDK")]


def test_gemini_clis_a2a_server_is_a_server_mode_not_an_app_server():
    found = row(shaped(GEMINI_PACKAGES, {"Extensions": 33}), "Gemini CLI")
    assert found["Architecture"] == "CLI with a server mode"
    assert found["Extension model"] == "Extensions"
    assert "server_mode: package packages/a2a-server" in found["Evidence"]


def test_codex_sdks_of_other_ecosystems_make_the_client_of_its_app_server():
    """Codex's client is its TypeScript SDK (pnpm) and Python SDK (a standalone project), beside the crates."""
    found = row(shaped(CODEX_PACKAGES, {}))
    assert found["Architecture"] == "Client-server (app-server)"
    assert "client: package sdk/typescript, package sdk/python" in found["Evidence"]
    without_sdks = row(shaped(CODEX_PACKAGES[:3], {}))
    assert without_sdks["Architecture"] == "CLI with a server mode"


def test_a_plugin_package_anywhere_counts_as_plugins():
    opencode = [("bun", "", "packages/opencode", "opencode", "Core"),
                ("bun", "", "packages/plugin", "@opencode-ai/plugin", "Extensions")]
    found = row(shaped(opencode, {"MCP": 3}), "OpenCode")
    assert found["Architecture"] == "CLI" and found["Extension model"] == "Plugins + MCP servers"


def test_an_agents_workspace_pins_the_packages_the_rules_read(tmp_path):
    path = tmp_path / "agents.toml"
    path.write_text(open(CONFIG.path, encoding="utf-8").read().replace(
        'line = "rust-v"\n', 'line = "rust-v"\nworkspace = "codex-rs"\n', 1), encoding="utf-8")
    pinned = compare_table(load_config(path), {CODEX: shaped(CODEX_PACKAGES, {})}).set_index("Agent").loc[CODEX]
    assert pinned["Architecture"] == "CLI with a server mode"
