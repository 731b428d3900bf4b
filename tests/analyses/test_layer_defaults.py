"""The default layer rules give the packages of the public agents a layer, in every ecosystem.

Workspaces shaped like each agent's latest release (field notes, sample
report): at most a fifth of their packages may be Unclassified
(benchmarks/layer_coverage.py measures the real repositories).
"""
from __future__ import annotations

import pytest

from miner._sample.builder import RepoBuilder
from miner.analyses.architecture import layer_path
from miner.catalogs.agents import load_config
from miner.catalogs.layers import UNCLASSIFIED, classify, load_layers
from miner.errors import MinerError
from miner.model.packages import Package, Workspace
from miner.pipeline import agent_of, analyze

LAYERS = load_layers()


def workspace(ecosystem: str, root: str, members: dict[str, str]) -> Workspace:
    """Members as {directory in the repository: name}."""
    packages = tuple(Package(name, path, f"{path}/manifest".lstrip("/"), "1.0.0", None, ecosystem=ecosystem)
                     for path, name in members.items())
    return Workspace(root, packages, ecosystem=ecosystem)


CODEX = [
    workspace("cargo", "codex-rs", {f"codex-rs/{d}": f"codex-{d.replace('/', '-')}" for d in [
        "cli", "tui", "tui_app_server", "core", "exec", "arg0", "common", "app-server", "app-server-protocol",
        "app-server-client", "exec-server", "linux-sandbox", "windows-sandbox-rs", "process-hardening",
        "network-proxy", "execpolicy", "mcp-server", "mcp-types", "rmcp-client", "responses-api-proxy", "protocol",
        "skills", "code-mode", "v8-poc", "plugins", "hooks", "apply-patch", "file-search", "lmstudio", "ollama",
        "chatgpt", "login", "otel", "secrets", "state", "terminal-detection", "utils/git", "utils/pty", "feedback"]}),
    workspace("pnpm", "", {"": "codex-monorepo", "codex-cli": "@openai/codex",
                           "codex-rs/responses-api-proxy/npm": "@openai/codex-responses-api-proxy",
                           "sdk/typescript": "@openai/codex-sdk", "shell-tool-mcp": "@openai/codex-shell-tool-mcp"}),
    workspace("python", "sdk/python", {"sdk/python": "codex-app-server-sdk"}),
    workspace("python", "sdk/python-runtime", {"sdk/python-runtime": "codex-python-runtime"}),
]
GEMINI = [workspace("npm", "", {"": "@google/gemini-cli", "packages/cli": "@google/gemini-cli",
                                "packages/core": "@google/gemini-cli-core",
                                "packages/a2a-server": "@google/gemini-cli-a2a-server",
                                "packages/sdk": "@google/gemini-cli-sdk", "packages/devtools": "@google/gemini-cli-devtools",
                                "packages/test-utils": "@google/gemini-cli-test-utils",
                                "packages/vscode-ide-companion": "gemini-cli-vscode-ide-companion"})]
OPENCODE = [workspace("bun", "", {"": "opencode", "packages/opencode": "opencode", "packages/app": "@opencode-ai/app",
                                  "packages/console/app": "@opencode-ai/console-app",
                                  "packages/console/core": "@opencode-ai/console-core",
                                  "packages/desktop": "@opencode-ai/desktop", "packages/function": "@opencode-ai/function",
                                  "packages/plugin": "@opencode-ai/plugin", "packages/script": "@opencode-ai/script",
                                  "packages/sdk/js": "@opencode-ai/sdk", "packages/slack": "@opencode-ai/slack",
                                  "packages/ui": "@opencode-ai/ui", "packages/util": "@opencode-ai/util",
                                  "packages/web": "@opencode-ai/web", "packages/enterprise": "@opencode-ai/enterprise",
                                  "sdks/vscode": "opencode", "github": "github"}),
            workspace("go", "packages/tui", {"packages/tui": "github.com/sst/opencode"})]
VIBE = [workspace("python", "", {"": "mistral-vibe"})]
AMAZON_Q = [workspace("cargo", "", {f"crates/{d}": d for d in [
    "agent", "chat-cli", "chat-cli-ui", "amzn-codewhisperer-client", "amzn-consolas-client",
    "amzn-qdeveloper-streaming-client", "amzn-toolkit-telemetry-client", "aws-toolkit-telemetry-definitions",
    "semantic-search-client"]})]


def layers_of(workspaces: list[Workspace], layers=LAYERS) -> dict[str, str]:
    return {package.path or ".": classify(layer_path(package, w), package.name, list(layers))
            for w in workspaces for package in w.packages}


@pytest.mark.parametrize("shape", [CODEX, GEMINI, OPENCODE, VIBE, AMAZON_Q], ids=["codex", "gemini-cli", "opencode",
                                                                               "mistral-vibe", "amazon-q"])
def test_at_most_a_fifth_of_an_agents_packages_are_unclassified(shape):
    found = layers_of(shape)
    unclassified = [path for path, layer in found.items() if layer == UNCLASSIFIED]
    assert len(unclassified) <= 0.2 * len(found), unclassified


def test_codex_keeps_the_layers_of_its_report_and_its_sdks_are_sdk():
    found = layers_of(CODEX)
    assert {found[f"codex-rs/{d}"] for d in ("cli", "tui", "core")} == {"Core"}
    assert found["codex-rs/app-server-client"] == "Server" and found["codex-rs/otel"] == "Infra"
    # Standalone Python projects are matched by their directory in the repository, not as a root ".".
    assert found["sdk/python"] == found["sdk/python-runtime"] == found["sdk/typescript"] == "SDK"
    assert found["shell-tool-mcp"] == found["codex-rs/responses-api-proxy/npm"] == "Protocol"


def test_gemini_cli_packages_get_the_layers_of_what_they_are():
    assert layers_of(GEMINI) == {".": "Core", "packages/cli": "Core", "packages/core": "Core",
                                 "packages/a2a-server": "Server", "packages/sdk": "SDK", "packages/devtools": "Tooling",
                                 "packages/test-utils": "Infra", "packages/vscode-ide-companion": "Front ends"}


def test_a_single_project_at_the_root_is_the_core():
    assert layers_of(VIBE) == {".": "Core"}


def test_opencode_front_ends_plugin_and_go_module():
    found = layers_of(OPENCODE)
    assert found["packages/opencode"] == found["packages/tui"] == "Core"
    assert found["packages/plugin"] == "Extensions" and found["packages/sdk/js"] == "SDK"
    assert {found[p] for p in ("packages/web", "packages/desktop", "sdks/vscode", "packages/slack")} == {"Front ends"}


def test_an_agents_own_layer_rules_come_first(tmp_path):
    config = tmp_path / "agents.toml"
    config.write_text('[[agent]]\nname = "Vibe"\nrepository = "mistralai/mistral-vibe"\n\n'
                      '[[agent.layer]]\nname = "Agent"\npurpose = "The whole agent"\nnames = ["mistral-vibe"]\n',
                      encoding="utf-8")
    agent = agent_of(load_config(config), "mistral-vibe", "/mirrors/mistralai+mistral-vibe/repo")
    assert agent is not None and [layer.name for layer in agent.layers] == ["Agent"]
    assert agent_of(load_config(config), "other", "/mirrors/other/repo") is None
    assert layers_of(VIBE, agent.layers + tuple(LAYERS)) == {".": "Agent"}


def test_a_bad_agent_layer_is_a_one_line_error_naming_the_config_and_agent(tmp_path):
    config = tmp_path / "agents.toml"
    config.write_text('[[agent]]\nname = "Vibe"\n\n[[agent.layer]]\nname = "Agent"\npaths = "vibe"\n', encoding="utf-8")
    with pytest.raises(MinerError) as error:
        load_config(config)
    assert str(config) in str(error.value) and "agent 'Vibe'" in str(error.value) and "\n" not in str(error.value)


def test_mine_analyze_takes_the_layer_rules_of_the_agent_it_analyses(tmp_path):
    builder = RepoBuilder(tmp_path / "mistral-vibe", bare=True)
    files = {"pyproject.toml": '[project]\nname = "mistral-vibe"\nversion = "1.0.0"\n', "vibe/__init__.py": "x = 1\n"}
    builder.tag("v1.0.0", builder.commit("first", files, when="2025-07-01T10:00:00+00:00"))
    config = tmp_path / "agents.toml"
    config.write_text('[[agent]]\nname = "Vibe"\nrepository = "mistralai/mistral-vibe"\n\n'
                      '[[agent.layer]]\nname = "Agent"\nnames = ["mistral-vibe"]\n', encoding="utf-8")
    default = analyze(str(tmp_path / "mistral-vibe"), db=tmp_path / "s.sqlite").tables["packages"]
    own = analyze(str(tmp_path / "mistral-vibe"), db=tmp_path / "s.sqlite", config=str(config)).tables["packages"]
    assert list(default["layer"]) == ["Core"] and list(own["layer"]) == ["Agent"]
