"""Options and the files they name, at their limits: a one-line error or a warning, never an internal error."""
from __future__ import annotations

import json

import pytest

from miner.model.notes import HostedRelease
from miner.pipeline import analyze
from miner.sources.hosted import parse_hosted_releases
from tests.cli.test_cli_analyze import assert_one_line_error, mine


@pytest.mark.parametrize("since", ["99999999999999", "-99999999999999", "99999999999999999999 years ago",
                                   "9999-12-31T23:59:59-05:00"])
def test_a_window_outside_the_years_of_dates_is_a_one_line_error(agent_repo, tmp_path, since):
    result = mine("analyze", agent_repo, "--since", since, "--db", tmp_path / "s.sqlite", "--out", tmp_path / "o")
    assert_one_line_error(result, f"--since {since!r}: outside the years 1 to 9999")


def test_the_last_second_of_year_9999_is_a_window(agent_repo, tmp_path):
    result = analyze(str(agent_repo), db=tmp_path / "s.sqlite", until="253402300799")
    assert result.tables["attribution_window"]["until"].tolist() == ["9999-12-31"]


def test_a_releases_export_nested_deeper_than_json_reads_is_a_warning():
    warnings = []
    assert parse_hosted_releases("[" * 100_000 + "]" * 100_000, "deep.json", warnings) == []
    assert [(w.path, w.message) for w in warnings] == [
        ("deep.json", "releases export nests arrays or objects deeper than Python's JSON reader follows; "
                      "hosted release notes not used")]


def test_fields_that_are_not_text_are_left_out_with_a_warning():
    text = json.dumps([{"tagName": "v1.0.0", "name": ["x"], "body": 5, "publishedAt": "2025-01-01T00:00:00Z"},
                       {"tagName": "v1.1.0", "body": {"text": "y"}}])
    warnings = []
    assert parse_hosted_releases(text, "r.json", warnings) == [
        HostedRelease("v1.0.0", "", "", "2025-01-01T00:00:00Z", False), HostedRelease("v1.1.0", "", "", None, False)]
    assert [(w.tag, w.message) for w in warnings] == [
        ("v1.0.0", "releases export entry 0: name is list, body is int, not text; left out"),
        ("v1.1.0", "releases export entry 1: body is dict, not text; left out")]


def test_a_non_text_body_does_not_stop_the_analysis(agent_repo, tmp_path):
    export = tmp_path / "releases.json"
    export.write_text(json.dumps([{"tagName": "rust-v0.1.0", "body": 5}]))
    result = analyze(str(agent_repo), db=tmp_path / "s.sqlite", hosted=str(export))
    assert any(w.message == "releases export entry 0: body is int, not text; left out" for w in result.warnings)


def test_a_catalog_nested_deeper_than_tomllib_reads_is_a_one_line_error(agent_repo, tmp_path):
    layers = tmp_path / "layers.toml"
    layers.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    result = mine("analyze", agent_repo, "--layers", layers, "--db", tmp_path / "s.sqlite", "--out", tmp_path / "o")
    assert_one_line_error(result, "layers.toml: layer rules nests arrays or tables deeper than")


def test_lone_surrogates_in_an_export_become_replacement_characters(agent_repo, tmp_path):
    export = tmp_path / "releases.json"
    export.write_text('[{"tagName": "rust-v0.1.0", "body": "notes \\ud800 here", "name": "n\\udcff"}]')
    assert parse_hosted_releases(export.read_text()) == [
        HostedRelease("rust-v0.1.0", "n\ufffd", "notes \ufffd here", None, False)]
    result = analyze(str(agent_repo), db=tmp_path / "s.sqlite", hosted=str(export))  # saved: the store takes it
    notes = result.tables["notes"].set_index("release")
    assert notes.loc["rust-v0.1.0", "text"] == "notes \ufffd here"
