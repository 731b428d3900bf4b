"""A warning prints where it was met, and nothing before its message when it was met nowhere in particular."""
from miner.errors import MinerWarning


def test_a_warning_names_repository_tag_and_file_and_no_empty_place():
    assert str(MinerWarning("roo", "package.json does not parse", "v2.1.2", "package.json")) == (
        "roo:v2.1.2:package.json: package.json does not parse")
    assert str(MinerWarning("roo", "no hosted releases")) == "roo: no hosted releases"
    assert str(MinerWarning("", "agents.toml has no [[layer]] rules")) == "agents.toml has no [[layer]] rules"


def test_an_agent_on_a_local_path_is_told_to_analyse_it_not_to_clone_it(tmp_path):
    from miner.pipeline import _is_local

    assert _is_local(str(tmp_path)) and _is_local("./mirror.git") and _is_local("~/src/codex")
    assert not _is_local("openai/codex") and not _is_local("https://github.com/openai/codex")
