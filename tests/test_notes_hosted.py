"""Exports of the hosting site's releases: gh and REST shapes, bad input."""
from __future__ import annotations

import json

import pytest

from fixtures.notes import all_sources_repo, gh_export, rest_export
from miner.errors import MinerError
from miner.notes import HostedRelease, load_hosted_releases, parse_hosted_releases, unknown_tags

ENTRIES = [
    {"tag": "rust-v0.80.0", "name": "0.80.0", "body": "## New Features\n- MCP (#9001)", "date": "2026-01-10T18:00:00Z"},
    {"tag": "rust-v0.81.0-alpha.1", "body": "", "prerelease": True, "date": "2026-01-11T18:00:00Z"},
]
EXPECTED = [
    HostedRelease("rust-v0.80.0", "0.80.0", "## New Features\n- MCP (#9001)", "2026-01-10T18:00:00Z", False),
    HostedRelease("rust-v0.81.0-alpha.1", "rust-v0.81.0-alpha.1", "", "2026-01-11T18:00:00Z", True),
]


def test_gh_json_list(tmp_path):
    path = tmp_path / "releases.json"
    path.write_text(gh_export(ENTRIES))
    assert load_hosted_releases(path) == EXPECTED


def test_gh_view_single_object():
    (entry,) = json.loads(gh_export(ENTRIES[:1]))
    assert parse_hosted_releases(json.dumps(entry)) == EXPECTED[:1]


def test_rest_api_shape_leaves_drafts_out():
    text = rest_export([*ENTRIES, {"tag": "v9.9.9", "draft": True, "body": "draft"}])
    assert parse_hosted_releases(text) == EXPECTED


def test_concatenated_pages_from_gh_api_paginate():
    text = rest_export(ENTRIES[:1]) + "\n" + rest_export(ENTRIES[1:])
    assert parse_hosted_releases(text) == EXPECTED


def test_malformed_json_is_a_one_line_error(tmp_path):
    path = tmp_path / "releases.json"
    path.write_text('[{"tagName": "v1.0.0", "body": "x"')
    with pytest.raises(MinerError) as error:
        load_hosted_releases(path)
    assert str(path) in str(error.value) and "not valid JSON" in str(error.value)
    assert "\n" not in str(error.value)


def test_missing_file_is_a_one_line_error(tmp_path):
    with pytest.raises(MinerError, match="cannot read releases export"):
        load_hosted_releases(tmp_path / "absent.json")


def test_non_object_entries_are_an_error():
    with pytest.raises(MinerError, match="expected release objects"):
        parse_hosted_releases('["v1.0.0", "v1.1.0"]')


def test_entries_without_a_tag_are_skipped_with_a_warning():
    warnings = []
    text = json.dumps([{"name": "no tag", "body": "x"}, {"tagName": "v1.0.0", "body": "y"}, {"tag_name": "", "body": "z"}])
    releases = parse_hosted_releases(text, "rel.json", warnings)
    assert [r.tag for r in releases] == ["v1.0.0"]
    assert [w.message for w in warnings] == ["releases export entry 0 has no tag; skipped",
                                             "releases export entry 2 has no tag; skipped"]
    assert warnings[0].path == "rel.json"


def test_tags_the_repository_lacks_are_reported(tmp_path):
    builder, _ = all_sources_repo(tmp_path / "r")
    repo_tags = [name.removeprefix("refs/tags/") for name in builder.repo.references if name.startswith("refs/tags/")]
    hosted = parse_hosted_releases(gh_export([{"tag": "v1.0.0"}, {"tag": "v2.0.0"}, {"tag": "rust-v1.1.0"}]))
    reported = unknown_tags(hosted, repo_tags, "rel.json")
    assert [w.tag for w in reported] == ["v2.0.0", "rust-v1.1.0"]
    assert "lacks" in reported[0].message
