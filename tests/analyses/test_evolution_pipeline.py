"""Notes, capabilities and inflections as `mine analyze` computes them on the agent and the notes fixtures."""
import pandas as pd
import pygit2
import pytest

from fixtures.notes import paragraph_notes_repo
from miner._sample.builder import RepoBuilder
from miner._sample.repos import CHANGES
from miner.pipeline import analyze
from miner.sources.changelogs import first_written
from tests.conftest import git


@pytest.fixture(scope="module")
def tables(agent_repo, tmp_path_factory):
    return analyze(str(agent_repo), db=tmp_path_factory.mktemp("db") / "s.sqlite").tables


def test_changelog_serves_stable_releases_and_subjects_the_prereleases(tables):
    notes = tables["notes"].set_index("version")
    assert notes.loc["0.5.0", "source"] == "changelog" and "app-server" in notes.loc["0.5.0", "text"]
    assert notes.loc["0.5.0-alpha.1", "source"] == "commits"
    assert notes.loc["0.3.0", "tagged"] == False  # noqa: E712  (a changelog version without a tag is kept)


def test_commit_subject_notes_are_the_range_without_bots(agent_repo, tmp_path):
    notes = analyze(str(agent_repo), db=tmp_path / "s.sqlite", notes_order=("commits",)).tables["notes"]
    row = notes.set_index("release").loc["rust-v0.2.0"]
    authored = git(agent_repo, "log", "--no-merges", "--reverse", "--format=%an|%s", "rust-v0.1.0..rust-v0.2.0")
    expected = [subject for name, subject in (line.split("|", 1) for line in authored.splitlines())
                if not name.endswith("[bot]")]
    assert all(subject in row["text"] for subject in expected)
    assert "Bump serde" not in row["text"] and "Bump serde" in authored


def test_first_appearance_is_the_first_changelog_version_naming_it(tables):
    first = dict(zip(tables["capabilities"]["capability"], tables["capabilities"]["first_release"]))
    assert first["MCP"] == "rust-v0.2.0" and "MCP" in CHANGES["0.2.0"]
    assert first["App-server"] == "rust-v0.5.0"
    assert first["Plugins"] == "rust-v0.8.0"


def test_inflections_pair_new_crates_with_first_mentions_but_not_the_first_release(tables):
    inflections = tables["inflections"].set_index("release")
    assert "codex-app-server" in inflections.loc["rust-v0.5.0", "packages_added"]
    assert "App-server" in inflections.loc["rust-v0.5.0", "capabilities"]
    assert "#44" in inflections.loc["rust-v0.5.0", "prs"]
    assert "rust-v0.0.2504291921" not in inflections.index


def test_latest_arc_spans_the_last_stable_releases(tables):
    arc = tables["latest_arc"]
    assert arc[arc["kind"] == "release"]["name"].tolist() == ["rust-v0.6.0", "rust-v0.6.1", "rust-v0.7.0", "rust-v0.8.0"]
    assert "codex-git-utils" in arc[arc["kind"] == "package"]["name"].tolist()


def test_a_release_tagged_out_of_version_order_claims_no_first_appearance(tmp_path):
    from miner._sample.builder import RepoBuilder

    builder = RepoBuilder(tmp_path / "late.git", bare=True)
    builder.tag("v0.1.0", builder.commit("Start", {"a": "1"}, when="2025-01-01T00:00:00+00:00"))
    builder.tag("v0.2.0", builder.commit("Add an MCP server (#7)", {"a": "2"}, when="2025-02-01T00:00:00+00:00"))
    builder.tag("v0.0.5", builder.commit("Tidy the MCP server (#9)", {"a": "3"}, when="2025-06-01T00:00:00+00:00"))
    tables = analyze(str(tmp_path / "late.git"), db=tmp_path / "s.sqlite").tables
    assert tables["releases"].set_index("tag").loc["v0.0.5", "out_of_order"]
    first = dict(zip(tables["capabilities"]["capability"], tables["capabilities"]["first_release"]))
    assert first["MCP"] == "v0.2.0"


def test_an_untagged_changelog_version_is_dated_by_the_commit_that_wrote_its_heading(agent_repo, tables):
    written = git(agent_repo, "log", "--reverse", "-S## 0.3.0", "--format=%cI", "HEAD", "--", "CHANGELOG.md")
    row = tables["notes"].set_index("version").loc["0.3.0"]
    assert row["date"] == pd.Timestamp(written.splitlines()[0])


def test_heading_first_written_by_a_merge_is_dated_by_the_merge(tmp_path):
    """The oracle is the definition: the first revision of the file on HEAD, in git's order, that holds the heading."""
    builder = RepoBuilder(tmp_path / "repo.git", bare=True)
    base = builder.commit("start", {"CHANGELOG.md": "# Changelog\n\n## 1.0.0\n- first\n"}, when="2025-01-01T10:00:00+00:00")
    side = builder.commit("side", {"CHANGELOG.md": "# Changelog\n\n## 1.0.1\n- fix\n\n## 1.0.0\n- first\n"},
                          when="2025-01-02T10:00:00+00:00", parents=[base], branch="side")
    main = builder.commit("main", {"CHANGELOG.md": "# Changelog\n\n## 1.1.0\n- feature\n\n## 1.0.0\n- first\n"},
                          when="2025-01-03T10:00:00+00:00", parents=[base])
    builder.commit("merge, changelog resolved by hand",
                   {"CHANGELOG.md": "# Changelog\n\n## 1.1.1\n- both\n\n## 1.1.0\n- feature\n\n## 1.0.1\n- fix\n"
                                    "\n## 1.0.0\n- first\n"},
                   when="2025-01-04T10:00:00+00:00", parents=[main, side])
    repo = tmp_path / "repo.git"
    expected = {}
    for line in git(repo, "log", "--reverse", "--format=%H %cI", "HEAD", "--", "CHANGELOG.md").splitlines():
        sha, date = line.split()
        for version in ("1.0.0", "1.0.1", "1.1.0", "1.1.1"):
            if f"## {version}\n" in git(repo, "show", f"{sha}:CHANGELOG.md"):
                expected.setdefault(version, date)
    assert first_written(pygit2.Repository(str(repo)), "CHANGELOG.md") == expected
    assert expected["1.1.1"] == "2025-01-04T10:00:00+00:00"


@pytest.fixture(scope="module")
def evolved(evolution_path, tmp_path_factory):
    return analyze(str(evolution_path), db=tmp_path_factory.mktemp("db") / "s.sqlite").tables


def test_capabilities_are_in_release_order_not_tag_text_order(evolved):
    assert evolved["capabilities"]["first_release"].tolist()[:4] == ["v0.9.0", "v0.43.0", "0.50.0", "v0.105.0"]
    assert evolved["capabilities"]["capability"].tolist()[:4] == ["Sandbox", "Hooks", "Skills", "MCP"]


def test_inflections_are_in_release_order(evolved):
    inflections = evolved["inflections"]
    assert inflections["release"].tolist() == ["v0.43.0", "v0.105.0"]
    assert inflections["packages_added"].tolist() == ["hooks", "mcp"]


def test_first_appeared_says_tag_untagged_version_or_whole_history(evolved):
    rows = evolved["capabilities"].set_index("capability")
    assert rows.loc["Hooks", ["first_kind", "whole_history"]].tolist() == ["tag", False]
    assert rows.loc["Skills", ["first_kind", "whole_history"]].tolist() == ["untagged", False]
    assert rows.loc["Sandbox", ["first_kind", "whole_history", "source"]].tolist() == ["tag", True, "commits"]
    notes = evolved["notes"].set_index("version")
    assert notes.loc["0.9.0", "whole_history"] and not notes.loc["0.43.0", "whole_history"]


def test_whole_history_is_the_release_git_gives_all_earlier_commits(evolved, evolution_path):
    """The oracle: `git rev-list --count TAG` equals the release's commit count only for the first release."""
    releases = evolved["releases"].set_index("tag")
    whole = {tag: int(git(evolution_path, "rev-list", "--count", tag).strip()) == releases.loc[tag, "commits"]
             for tag in releases.index}
    notes = evolved["notes"][evolved["notes"]["tagged"]].set_index("release")
    assert whole == {tag: bool(notes.loc[tag, "whole_history"]) for tag in releases.index}


def test_the_evidence_of_a_release_commit_is_its_sentence(tmp_path):
    paragraph_notes_repo(tmp_path / "repo.git")
    mentions = analyze(str(tmp_path / "repo.git"), db=tmp_path / "s.sqlite").tables["mentions"]
    evidence = dict(zip(mentions["capability"], mentions["evidence"]))
    assert evidence["Sandbox"] == "This release brings a sandbox for shell commands on Linux and macOS."
    assert evidence["Hooks"] == evidence["MCP"] == ("Hooks now run before every tool call, and MCP servers reconnect "
                                                    "after a dropped connection.")
    assert evidence["Skills"] == "- Skills load from SKILL.md files. They can also ship scripts."


def test_no_release_holding_the_whole_history_is_an_inflection_and_shared_names_are_told_apart():
    """gemini-cli: the lowest version tagged is a prerelease, so the whole-history v0.1.6 is not the first
    row of the notes; its packages include the root and `packages/cli`, both `@google/gemini-cli`."""
    from miner.analyses.evolution import inflections

    notes = pd.DataFrame({"release": ["v0.0.3-preview.4", "v0.1.6", "v0.2.0"], "tagged": [True, True, True],
                          "whole_history": [True, True, False], "date": ["2025-06-01", "2025-06-27", "2025-07-01"],
                          "prs": ["", "#1", "#9"], "range_prs": ["", "", ""]})
    capabilities = pd.DataFrame({"capability": ["MCP", "Hooks"], "first_release": ["v0.1.6", "v0.2.0"]})
    changes = pd.DataFrame({"release": ["v0.1.6", "v0.1.6", "v0.2.0", "v0.2.0", "v0.2.0"],
                            "change": ["added"] * 5,
                            "package": ["@g/cli", "@g/cli", "@g/cli", "@g/cli", "@g/hooks"],
                            "path": ["", "packages/cli", "", "packages/cli2", "packages/hooks"]})
    found = inflections(capabilities, changes, notes)
    assert found["release"].tolist() == ["v0.2.0"]
    assert found["packages_added"].tolist() == ["@g/cli (packages/cli2), @g/cli (root), @g/hooks"]


def test_a_line_named_after_a_package_reads_the_changelog_in_its_folder(tmp_path):
    from miner.sources.changelogs import line_changelogs

    assert line_changelogs("tokio-")[0] == "tokio/CHANGELOG.md"
    assert line_changelogs("v") == () and line_changelogs("rust-v") == () and line_changelogs("../x-") == ()
    builder = RepoBuilder(tmp_path / "r.git", bare=True)
    builder.commit("root", {"CHANGELOG.md": "# 0.1.0\n\nOld days.\n", "tokio/lib.rs": "\n"},
                   when="2025-01-01T00:00:00+00:00")
    builder.tag("tokio-0.1.0", builder.repo.head.target)
    builder.commit("1.0", {"tokio/CHANGELOG.md": "# 1.0.0 (January 2, 2025)\n\n### Added\n\n- task hooks (#1)\n"},
                   when="2025-01-02T00:00:00+00:00")
    builder.tag("tokio-1.0.0", builder.repo.head.target)
    notes = analyze(str(builder.repo.path), db=tmp_path / "s.sqlite").tables["notes"].set_index("release")
    assert notes.loc["tokio-1.0.0", "source"] == "changelog" and "task hooks" in notes.loc["tokio-1.0.0", "text"]
    assert notes.loc["tokio-0.1.0", "source"] == "changelog"
