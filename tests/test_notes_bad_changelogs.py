"""Changelogs that cannot serve: no sections, undecodable bytes, missing blobs."""
from __future__ import annotations

from fixtures.notes import changelog_repo
from miner.cache import MemoryCache
from miner.notes import candidates, choose, read_changelogs, sections_by_version


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
