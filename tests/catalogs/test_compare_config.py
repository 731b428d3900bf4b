"""The agents config: the shipped default, bad configs, and finding each agent's analysis in the store."""
from __future__ import annotations

from importlib import resources

import pytest

from miner.analyses.compare import compare_table
from miner.catalogs.agents import load_config
from miner.errors import MinerError
from miner.pipeline import analyze, load_agents
from miner.sources.clone import sources_from_config

DEFAULT = resources.files("miner").joinpath("data/agents.toml")


def test_the_default_config_tracks_the_agents_of_the_sample_report():
    config = load_config()
    assert [(a.name, a.repository, a.release_line) for a in config.agents] == [
        ("Codex CLI", "openai/codex", "rust-v"),
        ("Claude Code", "anthropics/claude-code", "v"),
        ("OpenCode", "anomalyco/opencode", "v"),
        ("Gemini CLI", "google-gemini/gemini-cli", "v"),
        ("Vibe", "mistralai/mistral-vibe", "v"),
        ("Factory CLI", None, None),
    ]
    # Codex's packages of every ecosystem count (its SDKs are pnpm and Python packages): no workspace pinned.
    assert all(agent.workspace is None for agent in config.agents)
    assert [a.notes for a in config.agents] == ["hosted", "changelog", "hosted", "changelog", "changelog", None]
    lines = DEFAULT.read_text(encoding="utf-8").splitlines()
    assert all(lines[a.line - 1] == "[[agent]]" and lines[a.line] == f'name = "{a.name}"' for a in config.agents)


def test_gemini_clis_pipeline_test_tags_are_left_out_and_its_releases_kept():
    from miner.model.patterns import compile_pattern
    from miner.runs import agent_options

    gemini = next(a for a in load_config().agents if a.name == "Gemini CLI")
    skip = compile_pattern(agent_options(gemini)["skip_tags"])
    tags = ["v0.0.77", "v0.0.88", "v0.0.88888", "v0.0.888888", "v0.0.3-preview.4", "v0.1.6", "v0.5.0", "v0.10.0"]
    assert [tag for tag in tags if skip.search(tag)] == tags[:5]


def test_mine_clone_reads_the_same_config():
    assert [s.slug for s in sources_from_config(str(DEFAULT))] == [
        "openai+codex", "anthropics+claude-code", "anomalyco+opencode", "google-gemini+gemini-cli", "mistralai+mistral-vibe"]


@pytest.mark.parametrize("text, message", [
    ("[[agent]]\nrepository = 'a/b'\n", "needs a name"),
    ("[[architecture]]\nlabel = 'X'\nrequires = ['server']\n", "undefined role 'server'"),
    ("[[agent]]\nname = 'A'\nworkspace = 3\n", "workspace must be a string"),
    ("[[agent]]\nname = 'A'\nskip_tags = ['x']\n", "skip_tags must be a string"),
    ("[[agent]]\nname = 'A'\nnote = 'changelog'\n", r"agent 'A' \(line 1\): unknown key 'note'"),
    ("[[agent]]\nname = 'A'\nnotes = 'readme'\n", r"agent 'A' \(line 1\): notes 'readme' is no notes source"),
    ("[role.server]\nnames = 'app-server'\n", "'names' must be a list of strings"),
    ("agent = 1\n", "'agent' must be an array of tables"),
    ("[[agent]\n", r"not valid TOML \(agents config\)"),
])
def test_a_bad_config_is_a_one_line_error_naming_the_file(tmp_path, text, message):
    path = tmp_path / "agents.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MinerError, match=f"^{path}: .*{message}"):
        load_config(path)


def test_a_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(MinerError, match="cannot read agents config"):
        load_config(tmp_path / "nope.toml")


CONFIG = """\
[[agent]]
name = "Fixture agent"
repository = "{path}"
analysed_as = "agent"
line = "rust-v"

[[agent]]
name = "Never cloned"
repository = "example/never-cloned"

[[agent]]
name = "Closed"

[role.server]
layers = ["Server"]

[[architecture]]
label = "Has a server"
requires = ["server"]

[[architecture]]
label = "CLI"
"""


@pytest.fixture
def analysed(agent_repo, tmp_path):
    analyze(str(agent_repo), db=tmp_path / "db.sqlite", line="rust-v")
    config = tmp_path / "agents.toml"
    config.write_text(CONFIG.format(path=agent_repo), encoding="utf-8")
    return load_config(config), tmp_path / "db.sqlite"


def test_an_agent_never_analysed_is_a_warning_and_a_row_of_unknowns(analysed):
    config, db = analysed
    found, warnings = load_agents(config, db)
    assert [w.message.split(" has no ")[1][:14] for w in warnings if not w.repo] == ["[[extension]] "]
    warnings = [w for w in warnings if w.repo]  # the config names no extension: said once, of the file
    assert found["Fixture agent"] is not None and found["Never cloned"] is None and found["Closed"] is None
    assert [(w.repo, w.path) for w in warnings] == [("Never cloned", f"{config.path}:7")]
    assert "example/never-cloned was never analysed" in warnings[0].message
    table = compare_table(config, found).set_index("Agent")
    assert table.loc["Fixture agent", "Architecture"] == "Has a server"
    assert table.loc["Never cloned", "Architecture"] == "unknown"


def test_strict_mode_makes_it_an_error_naming_config_file_and_line(analysed):
    config, db = analysed
    with pytest.raises(MinerError, match=rf"^{config.path}:7: agent 'Never cloned': example/never-cloned was never analysed"):
        load_agents(config, db, strict=True)


def test_a_release_line_other_than_the_stored_one_is_a_warning(analysed, tmp_path, agent_repo):
    config, db = analysed
    other = tmp_path / "other.toml"
    other.write_text(CONFIG.format(path=agent_repo).replace('line = "rust-v"', 'line = "v"'), encoding="utf-8")
    _, warnings = load_agents(load_config(other), db)
    assert any(w.repo == "Fixture agent" and "release line 'v'" in w.message for w in warnings)


def test_a_clone_is_found_by_its_owner_and_name_directory(tmp_path, agent_repo):
    import shutil
    mirror = tmp_path / "mirrors" / "example+agent" / "repo"
    shutil.copytree(agent_repo, mirror)
    analyze(str(mirror), db=tmp_path / "db2.sqlite", line="rust-v")
    config = tmp_path / "a.toml"
    config.write_text('[[agent]]\nname = "A"\nrepository = "https://github.com/example/agent.git"\n', encoding="utf-8")
    found, warnings = load_agents(load_config(config), tmp_path / "db2.sqlite")
    assert found["A"] is not None and all("rules: every" in w.message for w in warnings)


def test_loading_the_agents_warns_of_a_rule_that_can_never_count(analysed, tmp_path, agent_repo):
    config, db = analysed
    other = tmp_path / "telepathy.toml"
    other.write_text(CONFIG.format(path=agent_repo) + '\n[[extension]]\nlabel = "mind"\ncapabilities = ["Telepathy"]\n',
                     encoding="utf-8")
    _, warnings = load_agents(load_config(other), db)
    assert any(w.repo == "Fixture agent" and "names capability 'Telepathy'" in w.message for w in warnings)
    assert not any("names capability" in w.message for w in load_agents(config, db)[1])
