"""Changelogs that cannot serve: no sections, undecodable bytes, missing blobs."""
from __future__ import annotations

import pytest

from fixtures.notes import W1, W2, changelog_repo
from miner._sample.builder import RepoBuilder
from miner.analyses.evolution import choose
from miner.sources.changelogs import read_changelogs, sections_by_version
from miner.sources.notes import candidates
from miner.store.cache import MemoryCache


def test_changelog_without_sections_warns_and_other_sources_still_serve(tmp_path):
    builder = changelog_repo(tmp_path / "r", "See https://example.com/releases for notes.\n", tags=("v1.0.0",))
    warnings = []
    sections = read_changelogs(builder.repo, [builder.repo.revparse_single("HEAD").tree], MemoryCache(), warnings=warnings)
    assert sections == []
    assert [w.message for w in warnings] == ["changelog has no version sections"]
    assert warnings[0].path == "CHANGELOG.md"
    found = candidates("v1.0.0", "1.0.0", sections=sections_by_version(sections), repo=builder.repo,
                       subjects=["feat: add hooks (#7)"])
    assert choose(found).source == "commits"


def test_non_utf8_changelog_is_decoded_with_replacement_and_a_warning(tmp_path):
    data = "## 1.0.0\n\n- caf".encode() + b"\xe9 latin-1\n"
    builder = changelog_repo(tmp_path / "r", data)
    warnings = []
    (section,) = read_changelogs(builder.repo, [builder.repo.revparse_single("HEAD").tree], MemoryCache(), warnings=warnings)
    assert section.body == "- caf\ufffd latin-1"
    assert "not valid UTF-8" in warnings[0].message


def test_a_missing_blob_is_a_warning_not_a_crash(tmp_path):
    builder = changelog_repo(tmp_path / "r", "## 1.0.0\n- a\n")
    tree = builder.repo.revparse_single("HEAD").tree
    blob_id = str(tree["CHANGELOG.md"].id)
    obj = tmp_path / "r" / "objects" / blob_id[:2] / blob_id[2:]
    obj.unlink()
    warnings = []
    assert read_changelogs(builder.repo, [tree], MemoryCache(), warnings=warnings) == []
    assert "missing" in warnings[0].message


def test_warnings_name_the_release_whose_tree_held_the_file(tmp_path):
    """Gemini CLI's shape: latest.md rewritten per release, one revision without a version heading."""
    builder = RepoBuilder(tmp_path / "r", bare=True)
    page = "docs/changelogs/latest.md"
    good = builder.commit("0.1", {page: "# Latest stable release: v0.1.0\n\n- one\n"}, when=W1)
    bad = builder.commit("0.2", {page: "# Latest stable release\n\nSee the releases page.\n"}, when=W2)
    builder.tag("v0.1.0", good)
    builder.tag("v0.2.0", bad)
    trees = [builder.repo[bad].tree, builder.repo[good].tree, builder.repo[bad].tree]
    warnings = []
    sections = read_changelogs(builder.repo, trees, MemoryCache(), warnings=warnings, tags=["HEAD", "v0.1.0", "v0.2.0"])
    assert [s.version for s in sections] == ["0.1.0"]
    assert [(w.tag, w.path, w.message) for w in warnings] == [("HEAD", page, "changelog has no version sections")]
    assert str(warnings[0]) == f"HEAD:{page}: changelog has no version sections"


def test_a_missing_blob_is_reported_under_its_release(tmp_path):
    builder = changelog_repo(tmp_path / "r", "## 1.0.0\n- a\n", tags=("v1.0.0",))
    tree = builder.repo.revparse_single("v1.0.0").tree
    blob_id = str(tree["CHANGELOG.md"].id)
    (tmp_path / "r" / "objects" / blob_id[:2] / blob_id[2:]).unlink()
    warnings = []
    assert read_changelogs(builder.repo, [tree], MemoryCache(), warnings=warnings, tags=["v1.0.0"]) == []
    assert warnings[0].tag == "v1.0.0" and "missing" in warnings[0].message


def test_tags_must_match_the_trees(tmp_path):
    builder = changelog_repo(tmp_path / "r", "## 1.0.0\n- a\n")
    with pytest.raises(ValueError, match="1 trees but 2 tags"):
        read_changelogs(builder.repo, [builder.repo.revparse_single("HEAD").tree], MemoryCache(), tags=["HEAD", "v1"])
