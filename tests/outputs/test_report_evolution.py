"""The report's evolution section: the capability table in release order, what "First appeared" names."""
from __future__ import annotations

import pytest

from miner.outputs.report import capability_table, evolution
from miner.pipeline import analyze


@pytest.fixture(scope="module")
def tables(evolution_path, tmp_path_factory):
    return analyze(str(evolution_path), db=tmp_path_factory.mktemp("db") / "s.sqlite").tables


def test_first_appeared_marks_an_untagged_version_and_a_whole_history_release(tables):
    table = capability_table(tables["capabilities"])
    assert table["Capability"].tolist() == ["Sandbox", "Hooks", "Skills", "MCP"]
    assert table["First appeared"].tolist() == ["v0.9.0 (Jul 2025, whole history)", "v0.43.0 (Jul 2025)",
                                                "0.50.0 (Jul 2025, untagged)", "v0.105.0 (Jul 2025)"]
    assert table["Evidence"].tolist()[0] == "Run shell commands in a sandbox (#1)"


def test_the_section_says_what_the_marks_mean_and_lists_inflections_in_release_order(tables):
    text = evolution(tables)
    assert ('First appeared: "untagged" is a changelog version that no tag names; "whole history" is the first '
            "release counted, whose range holds all the history before it: the capability may be older than that "
            "release.") in text
    assert text.index("`v0.43.0`") < text.index("`v0.105.0`")


def test_no_marks_no_note(tables):
    plain = tables["capabilities"].assign(first_kind="tag", whole_history=False)
    assert "First appeared:" not in evolution({**tables, "capabilities": plain})
