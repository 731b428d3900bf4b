"""`mine update`, the daily job: every repository of an agents config fetched and analysed, then the news;
one failing is reported and the others go on.  And the news section `mine regenerate` refreshes."""
from __future__ import annotations

import pytest

from fixtures.news import grow
from miner._sample.builder import DEFAULT_PERSON, RepoBuilder
from tests.cli.test_cli_clone_releases import NOTE

pytestmark = pytest.mark.usefixtures("miner_home")


def config(tmp_path, *agents: tuple[str, str], line: str = "v") -> str:
    path = tmp_path / "agents.toml"
    path.write_text("".join(f'[[agent]]\nname = "{name}"\nrepository = "{where}"\nline = "{line}"\n\n'
                            for name, where in agents))
    return str(path)


@pytest.fixture
def demo(tmp_path):
    """The growing history of `fixtures.news` at an `acme/demo.git` path, at its first step."""
    path = tmp_path / "upstream" / "acme" / "demo.git"
    grow(path, 1)
    return path


@pytest.fixture
def untagged(tmp_path):
    """A repository without a single version tag: its analysis fails."""
    path = tmp_path / "upstream" / "acme" / "untagged.git"
    RepoBuilder(path, bare=True).commit("only", {"a.txt": "a"}, when="2025-01-01T00:00:00+00:00",
                                        author=DEFAULT_PERSON)
    return path


def test_update_fetches_analyses_and_prints_the_news_while_a_failure_is_reported(mine, tmp_path, demo, untagged):
    agents = config(tmp_path, ("Demo", demo), ("Gone", "file:///nonexistent/acme/gone.git"), ("Bare", untagged))
    first = mine("update", "--config", agents, "--no-releases")
    assert first.returncode == 1, first.stderr
    assert "Demo: analyze analysed: 2 releases on line 'v'" in first.stderr
    assert "mine: error: gone: file:///nonexistent/acme/gone.git: " in first.stderr
    assert "mine: error: Bare: untagged: no release tags for line 'v'" in first.stderr
    assert first.stdout == "" and "demo: first `mine news` run" in first.stderr
    grow(demo, 2)
    second = mine("update", "--config", agents, "--no-releases")
    assert second.returncode == 1
    assert second.stdout.startswith("<!-- mine:news repo=demo -->\n**demo**: new since the last run (")
    assert "- Releases: v0.3.0 (1)\n" in second.stdout
    assert "- Trigger: 3 alphas for v0.3.0 in 2 days (v0.3.0-alpha.1 to v0.3.0-alpha.3)\n" in second.stdout
    third = mine("update", "--config", agents, "--no-releases")
    assert "Demo: analyze unchanged" in third.stderr
    assert third.stdout.startswith("nothing new since the last run (") and third.stdout.count("\n") == 1


def test_update_without_a_token_fetches_the_releases_and_says_it_is_rate_limited(mine, tmp_path, upstream, api):
    done = mine("update", "--config", config(tmp_path, ("Codex", upstream), line="rust-v"), "--api-url", api.url)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count(NOTE) == 1
    assert "Codex: releases fetched: 4 releases on 1 page (1 request)" in done.stderr
    assert "Codex: analyze analysed:" in done.stderr


def test_regenerate_refreshes_a_news_section_from_the_last_run(mine, tmp_path, demo):
    agents = config(tmp_path, ("Demo", demo))
    mine("update", "--config", agents, "--no-releases")
    grow(demo, 2)
    printed = mine("update", "--config", agents, "--no-releases").stdout
    report = tmp_path / "report.md"
    report.write_text("# Daily\n\nMy words.\n\n<!-- mine:news repo=demo -->\nold news\n<!-- /mine:news -->\n")
    done = mine("regenerate", report)
    assert done.returncode == 0, done.stderr
    assert report.read_text() == "# Daily\n\nMy words.\n\n" + printed
    assert mine("regenerate", report, "--check").returncode == 0


def test_a_news_section_of_a_repository_never_looked_at_is_one_line(mine, tmp_path, demo):
    mine("update", "--config", config(tmp_path, ("Demo", demo)), "--no-releases", "-q")
    report = tmp_path / "report.md"
    report.write_text("<!-- mine:news repo=other -->\n<!-- /mine:news -->\n")
    done = mine("regenerate", report)
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "other" in done.stderr


def test_news_without_a_store_is_one_line_and_makes_none(mine, tmp_path):
    done = mine("news", "demo", "--db", tmp_path / "absent.sqlite")
    assert done.returncode == 1
    assert done.stderr == f"mine: error: {tmp_path / 'absent.sqlite'}: no miner store there (`mine analyze` creates it)\n"
    assert not (tmp_path / "absent.sqlite").exists()


def test_news_of_a_config_is_the_news_of_each_agent_analysed(mine, tmp_path, demo):
    agents = config(tmp_path, ("Demo", demo), ("Other", tmp_path / "upstream" / "acme" / "other.git"))
    (tmp_path / "upstream" / "acme" / "other.git").mkdir()
    mine("update", "--config", agents, "--no-releases", "-q")
    done = mine("news", "--config", agents, "--since", "v0.1.0")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("<!-- mine:news repo=demo -->\n**demo**: new since v0.1.0 (2025-01-06)\n")
    assert "- Releases: v0.2.0 (1)\n" in done.stdout
    assert "never analysed" in done.stderr and "Other" in done.stderr
    future = mine("news", "--config", agents, "--since", "2099-01-01")
    assert future.returncode == 1 and "--since '2099-01-01': a date after today" in future.stderr
