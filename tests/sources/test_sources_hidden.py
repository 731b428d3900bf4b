"""Sources that name nothing, and credentials in every form a source may carry: never acted on, never shown."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from miner._sample.builder import RepoBuilder
from miner.errors import MinerError
from miner.sources.clone import parse_source, redact
from miner.store.sqlite import Store

MINE = [sys.executable, "-c", "from miner.cli import main; main()"]


def mine(*args, cwd=None):
    return subprocess.run([*MINE, *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def repo(tmp_path) -> Path:
    """A repository with a release, to mirror and analyse."""
    builder = RepoBuilder(tmp_path / "upstream" / "proj.git", bare=True)
    builder.tag("v1.0.0", builder.commit("Start", {"README.md": "x\n"}, when="2025-01-01T10:00:00+00:00"))
    return tmp_path / "upstream" / "proj.git"


def assert_one_line_error(done, *words):
    assert done.returncode == 1
    assert done.stderr.startswith("mine: error: ") and done.stderr.count("\n") == 1, done.stderr
    for word in words:
        assert word in done.stderr


@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_repository_is_an_error_not_the_working_directory(empty, tmp_path):
    """As a path, "" is the working directory; here that is a repository `mine analyze` would happily mine."""
    work = tmp_path / "work"
    builder = RepoBuilder(work)
    builder.tag("v1.0.0", builder.commit("Start", {"README.md": "x\n"}, when="2025-01-01T10:00:00+00:00"))
    assert_one_line_error(mine("analyze", empty, "--db", tmp_path / "s.sqlite", cwd=work), "empty repository name")
    assert not (work / "reports").exists() and not (tmp_path / "s.sqlite").exists()


@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_source_is_an_error_not_the_working_directory(empty, repo, miner_home):
    assert_one_line_error(mine("clone", empty, cwd=repo), "empty source")
    assert not (miner_home / "repos").exists()


def test_an_empty_source_among_others_fails_alone(repo, miner_home):
    done = mine("clone", "", repo, "-q")
    assert done.returncode == 1 and "empty source" in done.stderr
    assert (miner_home / "repos" / "upstream+proj").is_dir()


SECRET = "s3cr3tT0ken"
# Text the user may give, or git may echo, with a credential in it; each must lose the credential.
CREDENTIALS = [
    f"https://{SECRET}@github.com/o/r",
    f"https://user:{SECRET}@github.com/o/r.git",
    f"ssh://git:{SECRET}@example.com/o/r.git",
    f"ftp://u:{SECRET}@example.com/o/r",
    f"user:{SECRET}@host",
    f"user:{SECRET}@host:",
    f"user:{SECRET}@host:owner/name.git",
    f"user:p@{SECRET}@host:owner/name.git",
    f"https://example.com/o/r.git?access_token={SECRET}",
    f"https://example.com/o/r.git?x=1&private_token={SECRET}",
    f"fatal: unable to access 'https://{SECRET}@github.com/o/r/': The requested URL returned error: 403",
    f"fatal: unable to access 'https://github.com/o/r?access_token={SECRET}/': 403",
]


@pytest.mark.parametrize("text", CREDENTIALS)
def test_redact_hides_every_credential_form(text):
    assert SECRET not in redact(text)
    assert "***" in redact(text)


@pytest.mark.parametrize("text", ["git@github.com:openai/codex.git", "https://github.com/openai/codex",
                                  "ssh://git@example.com:2222/tools/cli.git", "/srv/git/a+b/repo",
                                  "openai/codex", "error: 'origin' does not appear to be a git repository"])
def test_redact_leaves_text_without_credentials_alone(text):
    assert redact(text) == text


@pytest.mark.parametrize("text", [t for t in CREDENTIALS if not t.startswith("fatal")])
def test_no_source_shows_or_stores_a_credential(text):
    try:
        source = parse_source(text)
    except MinerError as error:
        assert SECRET not in str(error) and "\n" not in str(error)
        return
    for shown in (source.url, source.display, source.name, source.slug, repr(source)):
        assert SECRET not in shown


def test_user_secret_at_host_is_not_read_as_a_host_called_user():
    """git would read `user:SECRET@host` as host `user`, path `SECRET@host`: the name would carry the secret."""
    with pytest.raises(MinerError, match=r"^user:\*\*\*@host: no such directory"):
        parse_source(f"user:{SECRET}@host")


@pytest.mark.parametrize("form", ["file://user:{secret}@{repo}", "file://{repo}?access_token={secret}",
                                  "user:{secret}@host", "https://user:{secret}@/{repo}"])
def test_mine_clone_neither_prints_nor_stores_a_credential(form, repo, miner_home, tmp_path):
    done = mine("clone", form.format(secret=SECRET, repo=repo), cwd=tmp_path)
    assert SECRET not in done.stdout + done.stderr
    for path in miner_home.rglob("*"):
        assert SECRET not in path.name
        if path.is_file() and path.name == "config":
            assert SECRET not in path.read_text()


def test_a_mirror_cloned_with_credentials_remembers_the_url_without_them(repo, miner_home):
    done = mine("clone", f"file://user:{SECRET}@{repo}", "-q")
    assert done.returncode == 0, done.stderr
    mirror = Path(done.stdout.strip().split("\t")[2])
    assert f"url = file://{repo}\n" in (mirror / "config").read_text()


def test_analyze_given_a_url_by_mistake_does_not_print_its_credentials(tmp_path):
    done = mine("analyze", f"https://user:{SECRET}@example.com/o/r", "--db", tmp_path / "s.sqlite")
    assert_one_line_error(done, "no such path", "https://***@example.com/o/r")
    assert SECRET not in done.stderr


def test_compare_does_not_print_the_credentials_of_a_configured_repository(tmp_path):
    config = tmp_path / "agents.toml"
    config.write_text(f'[[agent]]\nname = "X"\nrepository = "https://user:{SECRET}@example.com/o/x"\n')
    Store(tmp_path / "s.sqlite").close()  # an empty store: the agent was never analysed
    done = mine("compare", "--config", config, "--db", tmp_path / "s.sqlite")
    assert done.returncode == 0, done.stderr
    assert "was never analysed" in done.stderr and "https://***@example.com/o/x" in done.stderr
    assert SECRET not in done.stdout + done.stderr
