"""Exports of the hosting site's releases: gh and REST shapes, bad input."""
from __future__ import annotations

import json

import pytest

from fixtures.notes import all_sources_repo, gh_export, rest_export
from miner.analyses.evolution import choose
from miner.errors import MinerError
from miner.model.notes import HostedRelease
from miner.sources.hosted import load_hosted_releases, parse_hosted_releases, unknown_tags
from miner.sources.notes import candidates

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


@pytest.mark.parametrize(
    ("text", "line"),
    [("{", 1), ('[{"tagName": "v1.0.0", "body": "x"', 1), ('\n\n[{"tagName": "v1.0.0"},\n {"tagName": }]', 4),
     ('[{"tagName": "v1.0.0"}]\n[{"tagName"', 2)],
)
def test_malformed_json_gives_no_releases_and_a_warning_with_the_line(tmp_path, text, line):
    path = tmp_path / "releases.json"
    path.write_text(text)
    warnings = []
    assert load_hosted_releases(path, warnings) == []
    (warning,) = warnings
    assert warning.path == str(path) and str(path) in str(warning)
    assert "not valid JSON" in warning.message and f"(line {line}," in warning.message
    assert "\n" not in str(warning)


def test_a_malformed_export_leaves_the_other_sources_serving(tmp_path):
    builder, _ = all_sources_repo(tmp_path / "r")
    warnings = []
    hosted = {r.tag: r for r in parse_hosted_releases("{", "rel.json", warnings)}
    found = candidates("v1.0.0", "1.0.0", hosted=hosted, repo=builder.repo)
    assert "hosted" not in found and choose(found).source == "tag-message"
    assert len(warnings) == 1


def test_missing_file_is_a_one_line_error(tmp_path):
    with pytest.raises(MinerError, match="cannot read releases export"):
        load_hosted_releases(tmp_path / "absent.json")


@pytest.mark.parametrize(
    ("text", "messages"),
    [('[1, 2]', ["releases export entry 0 is int 1, not a release object; skipped",
                 "releases export entry 1 is int 2, not a release object; skipped"]),
     ('""', ['releases export entry 0 is str "", not a release object; skipped']),
     ('[{"tagName": "v1.0.0"}, "v1.1.0", null]', ['releases export entry 1 is str "v1.1.0", not a release object; skipped',
                                                  "releases export entry 2 is NoneType null, not a release object; skipped"]),
     ("", ["releases export holds no releases"]), ("[]", ["releases export holds no releases"])],
)
def test_entries_that_are_not_objects_are_skipped_with_a_warning(text, messages):
    warnings = []
    releases = parse_hosted_releases(text, "rel.json", warnings)
    assert [r.tag for r in releases] == (["v1.0.0"] if "v1.0.0" in text else [])
    assert [w.message for w in warnings] == messages
    assert all(w.path == "rel.json" for w in warnings)


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
