"""Choosing one source per release in a configurable order, and the coverage summary."""
from __future__ import annotations

import subprocess

from fixtures.notes import all_sources_repo
from miner.analyses.evolution import choose, coverage
from miner.model.notes import DEFAULT_ORDER
from miner.sources.changelogs import read_changelogs, sections_by_version
from miner.sources.hosted import parse_hosted_releases
from miner.sources.notes import candidates
from miner.store.cache import MemoryCache

RANGES = {"v1.0.0": "v1.0.0", "v1.1.0": "v1.0.0..v1.1.0", "v1.2.0": "v1.1.0..v1.2.0", "v1.3.0": "v1.2.0..v1.3.0"}


def all_candidates(tmp_path):
    builder, export = all_sources_repo(tmp_path / "r")
    repo = builder.repo
    sections = sections_by_version(read_changelogs(repo, [repo.revparse_single("HEAD").tree], MemoryCache()))
    hosted = {release.tag: release for release in parse_hosted_releases(export)}
    found = {}
    for tag, spec in RANGES.items():
        subjects = subprocess.run(["git", "-C", str(tmp_path / "r"), "log", "--format=%s", spec],
                                  capture_output=True, text=True, check=True).stdout.splitlines()
        found[tag] = candidates(tag, tag.removeprefix("v"), sections=sections, hosted=hosted, repo=repo, subjects=subjects)
    return found


def test_each_release_offers_the_sources_it_has(tmp_path):
    found = all_candidates(tmp_path)
    assert list(found["v1.0.0"]) == ["hosted", "changelog", "tag-message", "release-commit", "commits"]
    assert list(found["v1.1.0"]) == ["changelog", "tag-message", "release-commit", "commits"]
    assert list(found["v1.2.0"]) == ["release-commit", "commits"]
    assert list(found["v1.3.0"]) == ["commits"]
    assert found["v1.0.0"]["hosted"].prs == (1,)
    assert found["v1.3.0"]["commits"].text == "- fix: fourth (#4)"


def test_default_order_prefers_export_then_changelog_then_messages_then_subjects(tmp_path):
    chosen = {tag: choose(found) for tag, found in all_candidates(tmp_path).items()}
    assert chosen["v1.0.0"].text == "from export 1.0 (#1)"
    assert chosen["v1.1.0"].text == "- from changelog 1.1"
    assert chosen["v1.2.0"].text == "from release commit 1.2"
    assert chosen["v1.3.0"].source == "commits"
    assert coverage(chosen.values()) == {"hosted": 1, "changelog": 1, "tag-message": 0, "release-commit": 1,
                                         "commits": 1, "none": 0}


def test_a_configured_order_changes_the_choice(tmp_path):
    order = ("release-commit", "tag-message", "commits")
    chosen = {tag: choose(found, order) for tag, found in all_candidates(tmp_path).items()}
    assert [chosen[tag].source for tag in RANGES] == ["release-commit", "release-commit", "release-commit", "commits"]
    assert coverage(chosen.values(), order) == {"release-commit": 3, "tag-message": 0, "commits": 1, "none": 0}


def test_no_source_means_no_notes():
    assert choose({}) is None
    assert choose(candidates("v9.0.0", "9.0.0")) is None
    assert coverage([None, None]) == dict.fromkeys(DEFAULT_ORDER, 0) | {"none": 2}
