"""Reading sources: URLs, paths, GitHub shorthand, configs, and keeping credentials out of sight."""
from __future__ import annotations

import pygit2
import pytest

from miner.errors import MinerError
from miner.sources import gitprocess
from miner.sources.clone import _transfer_settings, hosted_name, parse_source, sources_from_config


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("MINER_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    "text, url, name, slug",
    [
        ("https://github.com/openai/codex", "https://github.com/openai/codex", "codex", "openai+codex"),
        ("https://github.com/openai/codex.git", "https://github.com/openai/codex.git", "codex", "openai+codex"),
        ("openai/codex", "https://github.com/openai/codex.git", "codex", "openai+codex"),
        ("google-gemini/gemini-cli.git", "https://github.com/google-gemini/gemini-cli.git", "gemini-cli",
         "google-gemini+gemini-cli"),
        ("git@github.com:openai/codex.git", "git@github.com:openai/codex.git", "codex", "openai+codex"),
        ("ssh://git@example.com:2222/tools/cli.git", "ssh://git@example.com:2222/tools/cli.git", "cli", "tools+cli"),
        ("https://example.com/solo.git", "https://example.com/solo.git", "solo", "example.com+solo"),
        ("https://gitlab.com/group/sub/proj", "https://gitlab.com/group/sub/proj", "proj", "sub+proj"),
        ("file:///srv/git/anthropics/claude-code.git", "file:///srv/git/anthropics/claude-code.git",
         "claude-code", "anthropics+claude-code"),
    ],
)
def test_remote_sources(text, url, name, slug):
    source = parse_source(text)
    assert (source.url, source.name, source.slug, source.display) == (url, name, slug, url)
    assert source.credentials is None


def test_local_paths_absolute_relative_bare_and_not(tmp_path):
    pygit2.init_repository(str(tmp_path / "work" / "openai" / "codex.git"), bare=True)
    pygit2.init_repository(str(tmp_path / "work" / "anthropics" / "claude-code"))
    bare = parse_source(str(tmp_path / "work" / "openai" / "codex.git"))
    assert (bare.url, bare.name, bare.slug) == (str(tmp_path / "work/openai/codex.git"), "codex", "openai+codex")
    relative = parse_source("work/anthropics/claude-code")
    assert (relative.url, relative.slug) == (str(tmp_path / "work/anthropics/claude-code"), "anthropics+claude-code")
    assert parse_source("work/anthropics/claude-code/.git").slug == "anthropics+claude-code"


def test_an_existing_directory_wins_over_github_shorthand(tmp_path):
    (tmp_path / "openai" / "codex").mkdir(parents=True)
    assert parse_source("openai/codex").url == str(tmp_path / "openai" / "codex")


def test_mirror_collection_layout_keeps_its_slug(tmp_path):
    pygit2.init_repository(str(tmp_path / "mirrors" / "BurntSushi+ripgrep" / "repo"), bare=True)
    source = parse_source(str(tmp_path / "mirrors" / "BurntSushi+ripgrep" / "repo"))
    assert (source.name, source.slug) == ("ripgrep", "BurntSushi+ripgrep")


def test_explicit_name_renames_the_directory():
    source = parse_source("https://github.com/openai/codex", name="codex-cli")
    assert (source.name, source.slug) == ("codex-cli", "openai+codex-cli")
    with pytest.raises(MinerError, match="a repository name is one folder name"):
        parse_source("openai/codex", name="../escape")


@pytest.mark.parametrize("text", ["./missing/dir", "/no/such/path", "just words", "https:///nohost"])
def test_unusable_sources_are_one_line_errors(text):
    with pytest.raises(MinerError) as err:
        parse_source(text)
    assert text in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    "text, clean, credentials",
    [
        ("https://u:secret@example.com/o/r.git", "https://example.com/o/r.git", ("u", "secret")),
        ("https://secret@github.com/o/r", "https://github.com/o/r", ("secret", "")),
        ("https://x-access-token:se%40cret@github.com/o/r", "https://github.com/o/r", ("x-access-token", "se@cret")),
        ("ssh://git:secret@example.com/o/r.git", "ssh://git@example.com/o/r.git", ("git", "secret")),
        ("git:secret@example.com:o/r.git", "git@example.com:o/r.git", ("git", "secret")),
        ("file://u:secret@/srv/o/r.git", "file:///srv/o/r.git", ("u", "secret")),
    ],
)
def test_credentials_are_split_off_and_never_shown(text, clean, credentials):
    source = parse_source(text)
    assert source.url == clean == source.display
    assert source.credentials == credentials
    for shown in (source.url, source.display, repr(source), str(source)):
        assert "secret" not in shown and "se%40cret" not in shown


def test_unparseable_source_with_credentials_is_redacted():
    with pytest.raises(MinerError) as err:
        parse_source("https://u:secret@/")
    assert "secret" not in str(err.value)


def test_git_receives_the_credentials_only_through_its_environment(tmp_path):
    source = parse_source("https://alice:s3cr%20t@example.com/o/r.git")
    config, env = _transfer_settings(source)
    pygit2.init_repository(str(tmp_path / "mirror"), bare=True)
    assert not any("s3cr" in part or "alice" in part for part in gitprocess.command([], tmp_path, config))
    done = gitprocess.run(["credential", "fill"], tmp_path / "mirror", transfer=True, config=config, env=env,
                          input="protocol=https\nhost=example.com\npath=o/r.git\n\n",
                          capture_output=True, text=True, check=True)
    assert "username=alice\n" in done.stdout
    assert "password=s3cr t\n" in done.stdout


def test_config_lists_repos_repo_tables_and_agents(tmp_path):
    local = tmp_path / "cfg" / "mirrors" / "local" / "tool.git"
    pygit2.init_repository(str(local), bare=True)
    config = tmp_path / "cfg" / "miner.toml"
    config.write_text(
        'repos = ["openai/codex", "https://github.com/anthropics/claude-code"]\n'
        "\n[[repo]]\n"
        'url = "https://github.com/google-gemini/gemini-cli.git"\n'
        'name = "gemini"\n'
        "\n[[repo]]\n"
        'url = "mirrors/local/tool.git"\n'
        "\n[[agent]]\n"
        'name = "Codex CLI"\n'
        'repository = "https://github.com/openai/codex.git"\n'
        "\n[[agent]]\n"
        'name = "Factory CLI"\n'
        "\n[[agent]]\n"
        'name = "Vibe"\n'
        'repository = "mistralai/mistral-vibe"\n'
    )
    sources = sources_from_config(config)
    assert [s.slug for s in sources] == [
        "openai+codex", "anthropics+claude-code", "google-gemini+gemini", "local+tool", "mistralai+mistral-vibe",
    ]
    assert sources[3].url == str(local)


def test_bad_toml_names_file_and_line(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('repos = ["openai/codex"]\n\n[[repo]\nurl = "x"\n')
    with pytest.raises(MinerError) as err:
        sources_from_config(config)
    assert str(config) in str(err.value) and "line 3" in str(err.value)


@pytest.mark.parametrize(
    "text, complaint",
    [
        ('[[repo]]\nname = "codex"\n', "[[repo]] #1 needs a url"),
        ('[[repo]]\nurl = "openai/codex"\nname = 7\n', "[[repo]] #1: name must be a string"),
        ('repos = "openai/codex"\n', "'repos' must be a list of strings"),
        ('repo = "openai/codex"\n', "'repo' must be an array of tables ([[repo]])"),
    ],
)
def test_config_of_the_wrong_shape_says_what_is_wrong(tmp_path, text, complaint):
    config = tmp_path / "shape.toml"
    config.write_text(text)
    with pytest.raises(MinerError) as err:
        sources_from_config(config)
    assert str(err.value) == f"{config}: {complaint}"


def test_missing_config_is_a_one_line_error(tmp_path):
    with pytest.raises(MinerError, match="cannot read config"):
        sources_from_config(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("openai/codex", ("github.com", "openai/codex")),
        ("https://GitHub.com/openai/codex.git", ("github.com", "openai/codex")),
        ("https://user:ghp_token@github.com/openai/codex", ("github.com", "openai/codex")),
        ("git@github.com:anthropics/claude-code.git", ("github.com", "anthropics/claude-code")),
        ("ssh://git@ghe.example.com:2222/tools/cli.git", ("ghe.example.com", "tools/cli")),
        ("https://example.com/solo.git", None),
        ("https://example.com/we%3Fird/x", None),
    ],
)
def test_the_owner_and_name_on_the_hosting_site_come_from_the_address(text, expected):
    assert hosted_name(parse_source(text)) == expected


def test_a_renamed_source_keeps_its_name_on_the_hosting_site(tmp_path):
    config = tmp_path / "repos.toml"
    config.write_text('[[repo]]\nurl = "https://github.com/openai/codex"\nname = "codex-cli"\n')
    (source,) = sources_from_config(config)
    assert source.slug == "openai+codex-cli" and hosted_name(source) == ("github.com", "openai/codex")


def test_a_local_mirror_is_named_by_its_folders(tmp_path):
    (tmp_path / "mirrors" / "openai+codex" / "repo").mkdir(parents=True)
    (tmp_path / "openai" / "codex.git").mkdir(parents=True)
    assert hosted_name(parse_source(str(tmp_path / "mirrors" / "openai+codex" / "repo"))) == ("", "openai/codex")
    assert hosted_name(parse_source(str(tmp_path / "openai" / "codex.git"))) == ("", "openai/codex")
