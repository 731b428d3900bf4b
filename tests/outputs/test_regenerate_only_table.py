"""`only=table` on the opening marker: the section's tables without the sentences miner writes around them."""
from __future__ import annotations

import pytest

from fixtures.reports import render
from miner.errors import MinerError
from miner.outputs.regenerate import find_blocks, regenerate

TABLE = "| Layer | Crates | Purpose |\n|---|---|---|\n| Core | cli | Terminal |"
SECOND = "| Author | Commits |\n|---|---|\n| Ana | 9 |"


def test_only_the_table_of_the_rendered_body_is_written():
    text = "Our own sentence.\n\n<!-- mine:architecture repo=codex only=table -->\nold\n<!-- /mine:architecture -->\n"
    new = regenerate(text, lambda *_: f"A sentence miner writes.\n\n{TABLE}\n\nGraph facts.")
    assert new == f"Our own sentence.\n\n<!-- mine:architecture repo=codex only=table -->\n{TABLE}\n<!-- /mine:architecture -->\n"


def test_several_tables_are_written_one_blank_line_apart():
    text = "<!-- mine:team only=table repo=codex -->\n<!-- /mine:team -->\n"
    new = regenerate(text, lambda *_: f"Window.\n\n{TABLE}\n\nFocus of the people:\n{SECOND}\n\nAgents wrote 3.")
    assert new == f"<!-- mine:team only=table repo=codex -->\n{TABLE}\n\n{SECOND}\n<!-- /mine:team -->\n"


def test_a_body_without_a_table_is_kept_as_miner_says_it():
    text = "<!-- mine:evolution repo=codex only=table -->\nold\n<!-- /mine:evolution -->\n"
    assert regenerate(text, lambda *_: "Traced through 0 stable releases.\n\n_None._") == \
        "<!-- mine:evolution repo=codex only=table -->\nTraced through 0 stable releases.\n\n_None._\n<!-- /mine:evolution -->\n"


def test_the_analysts_cells_are_kept_inside_a_table_only_section():
    text = ("<!-- mine:architecture repo=codex only=table -->\n| Layer | Crates | Purpose |\n|---|---|---|\n"
            "| Core | cli | Ours |\n| SDK | sdk/ | Python SDK |\n<!-- /mine:architecture -->\n")
    new = regenerate(text, lambda *_: f"Sentence.\n\n{TABLE}")
    assert "| Core | cli | Ours |\n| SDK | sdk/ | Python SDK <!-- kept --> |\n<!-- /mine:architecture -->" in new
    assert "Sentence." not in new
    assert regenerate(new, lambda *_: f"Sentence.\n\n{TABLE}") == new


def test_the_attribute_is_read_from_the_marker():
    (block,) = find_blocks("<!-- mine:architecture repo=codex only=table -->\n<!-- /mine:architecture -->\n")
    assert (block.name, block.repo, block.only) == ("architecture", "codex", "table")


def test_another_value_of_only_is_a_located_error():
    text = "\n<!-- mine:architecture repo=codex only=prose -->\n<!-- /mine:architecture -->\n"
    with pytest.raises(MinerError, match=r"^r.md:2: marker attribute only='prose' not understood \(known: only=table\)$"):
        regenerate(text, render, origin="r.md")
