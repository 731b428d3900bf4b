"""Changelog files: found in trees, split into version sections, cached by blob id."""
from __future__ import annotations

import pytest

from fixtures.notes import CLAUDE_CHANGELOG, HEADING_STYLES, W1, W2, changelog_repo, claude_repo
from miner._sample.builder import RepoBuilder
from miner.model.notes import normalise_version
from miner.sources.changelogs import (
    SECTIONS_KIND,
    find_changelogs,
    read_changelogs,
    sections_by_version,
    split_sections,
)
from miner.sources.notes import candidates
from miner.store.cache import MemoryCache
from tests.conftest import CountingCache


def head_tree(builder: RepoBuilder):
    return builder.repo.revparse_single("HEAD").tree


@pytest.mark.parametrize("style", sorted(HEADING_STYLES))
def test_each_heading_style_is_split_into_versions_and_dates(tmp_path, style):
    text, expected = HEADING_STYLES[style]
    builder = changelog_repo(tmp_path / "r", text)
    warnings = []
    sections = read_changelogs(builder.repo, [head_tree(builder)], MemoryCache(), warnings=warnings)
    assert [(s.version, s.date) for s in sections] == expected
    assert all(s.path == "CHANGELOG.md" for s in sections)
    assert warnings == []


def test_bodies_run_to_the_next_heading_of_the_same_level():
    text, _ = HEADING_STYLES["keep-a-changelog"]
    unreleased, current, previous = split_sections(text)
    assert unreleased.unreleased and unreleased.heading == "[Unreleased]"
    assert "### Added\n- Hooks\n\n### Fixed\n- A crash" == current.body
    assert previous.body == "- Docs"


def test_fenced_code_does_not_start_sections_and_subheadings_stay_inside():
    text, _ = HEADING_STYLES["gemini-latest"]
    (section,) = split_sections(text)
    assert "# not a heading" in section.body
    assert "## What's Changed" in section.body and "#28116" in section.body


HIDDEN_HEADINGS = (
    "# Changelog\n\n## 2.0.0\n\n````md\n```\n## 9.9.9\n```\n````\n\n~~~\n## 8.8.8\n```\n~~~\n\n"
    "<!--\n## 7.7.7\n-->\n\n<details>\n## 6.6.6\n</details>\n\n    ## 5.5.5 (indented code)\n\n"
    "> ## 4.4.4 (quoted)\n\n- ## 3.3.3 (in a list item)\n\n## 1.0.0\n\n- First\n"
)


def test_headings_inside_fences_comments_html_quotes_and_lists_are_no_versions():
    """Seen as Markdown renders them: the line patterns took 9.9.9 and, fenced ever after, lost 1.0.0."""
    newest, first = split_sections(HIDDEN_HEADINGS)
    assert (newest.version, first.version) == ("2.0.0", "1.0.0")
    assert all(f"## {n}.{n}.{n}" in newest.body for n in range(3, 10)) and first.body == "- First"


def test_a_setext_heading_needs_no_blank_line_before_it_and_may_span_lines():
    text = "Intro text\n\n- item\n\nRelease\n1.2.3 (2025-07-10)\n---\nNotes\n"
    (section,) = split_sections(text)
    assert (section.version, section.date, section.heading, section.body) == (
        "1.2.3", "2025-07-10", "Release 1.2.3 (2025-07-10)", "Notes")


def test_line_numbers_follow_markdown_line_ends():
    """\\r\\n and lone \\r end lines; \\u2028 and \\x1e, which str.splitlines splits at, do not."""
    text = "## 1.0.0\r\n- a\u2028b\x1ec\r\n## 0.9.0\r- d\n"
    newer, older = split_sections(text)
    assert newer.body == "- a\u2028b\x1ec" and older.body == "- d"


def test_claude_style_changelog_keeps_versions_without_tags(tmp_path):
    builder = claude_repo(tmp_path / "r")
    sections = sections_by_version(read_changelogs(builder.repo, [head_tree(builder)], MemoryCache()))
    tags = {name.removeprefix("refs/tags/") for name in builder.repo.references if name.startswith("refs/tags/")}
    assert sorted(sections) == ["2.1.237", "2.1.238", "2.1.239", "2.1.240"]
    assert "v2.1.240" not in tags  # kept although untagged
    assert sections["2.1.239"].body.startswith("- Fixed MCP elicitation")
    assert CLAUDE_CHANGELOG.count("\n## ") == len(sections)


@pytest.mark.parametrize(
    ("tag", "version"),
    [("v1.2.3", "1.2.3"), ("rust-v0.44.0", "0.44.0"), ("rust-v0.117.0-alpha.3", "0.117.0-alpha.3"),
     ("14.1.0", "14.1.0"), ("grep-cli-0.1.5", "0.1.5"), ("v0.9.0-nightly.20251002.aa8b2abe", "0.9.0-nightly.20251002.aa8b2abe"),
     ("latest", None), ("alpha-cli", None)],
)
def test_versions_are_normalised_whatever_the_tag_prefix(tag, version):
    assert normalise_version(tag) == version


def test_gemini_changelog_pages_are_found_and_the_longest_section_wins(tmp_path):
    builder = RepoBuilder(tmp_path / "r", bare=True)
    index = "# Notes\n\n## Announcements: v0.55.1 - 2026-08-11\n\n- short\n"
    latest = "# Latest stable release: v0.55.1\n\nReleased: August 11, 2026\n\n## Highlights\n\n- a much longer body\n"
    builder.commit("docs", {"docs/changelogs/index.md": index, "docs/changelogs/latest.md": latest,
                            "docs/changelogs/img.png": "x", "docs/other.md": "## 9.9.9\n"}, when=W1)
    tree = head_tree(builder)
    assert find_changelogs(tree) == ["docs/changelogs/index.md", "docs/changelogs/latest.md"]
    chosen = sections_by_version(read_changelogs(builder.repo, [tree], MemoryCache()))
    assert chosen["0.55.1"].path == "docs/changelogs/latest.md"
    assert chosen["0.55.1"].date == "2026-08-11"


def test_configured_paths_and_root_names(tmp_path):
    builder = RepoBuilder(tmp_path / "r", bare=True)
    builder.commit("docs", {"HISTORY.md": "## 1.0.0\n- a\n", "CHANGES.md": "## 0.9.0\n- b\n",
                            "pkg/NEWS.md": "## 0.8.0\n- c\n", "changelog.d/1.md": "## 0.7.0\n- d\n"}, when=W1)
    tree = head_tree(builder)
    assert find_changelogs(tree) == ["CHANGES.md", "HISTORY.md"]
    assert find_changelogs(tree, ["pkg/NEWS.md", "changelog.d/*.md", "missing/*.md"]) == [
        "CHANGES.md", "HISTORY.md", "pkg/NEWS.md", "changelog.d/1.md"]


def test_a_file_rewritten_per_release_is_read_from_every_tree(tmp_path):
    builder = RepoBuilder(tmp_path / "r", bare=True)
    first = builder.commit("0.1", {"docs/changelogs/latest.md": "# Latest stable release: v0.1.0\n\n- one\n"}, when=W1)
    second = builder.commit("0.2", {"docs/changelogs/latest.md": "# Latest stable release: v0.2.0\n\n- two\n"}, when=W2)
    trees = [builder.repo[first].tree, builder.repo[second].tree, builder.repo[second].tree]
    sections = read_changelogs(builder.repo, trees, MemoryCache())
    assert [s.version for s in sections] == ["0.1.0", "0.2.0"]


def test_sections_are_cached_by_blob_id(tmp_path):
    builder = claude_repo(tmp_path / "r")
    cache = CountingCache()
    first = read_changelogs(builder.repo, [head_tree(builder)], cache)
    second = read_changelogs(builder.repo, [head_tree(builder)], cache)
    blob_id = str(head_tree(builder)["CHANGELOG.md"].id)
    assert first == second and cache.puts == 1
    assert cache.get(SECTIONS_KIND, blob_id)["sections"][0][0] == "2.1.240"


@pytest.mark.parametrize("heading", ["## 0.44.0", "## rust-v0.44.0", "## [v0.44.0] - 2025-10-05"])
@pytest.mark.parametrize("version", ["0.44.0", "rust-v0.44.0"])
def test_a_section_serves_its_release_whatever_the_tag_prefix(heading, version):
    sections = sections_by_version(split_sections(f"{heading}\n\n- App-server split (#4471)\n"))
    found = candidates("rust-v0.44.0", version, sections=sections)
    assert found["changelog"].text == "- App-server split (#4471)"
    assert found["changelog"].prs == (4471,)
