"""Regenerating a hand-written report: only the marked bodies change, byte for byte against a golden file."""
from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.reports import REPORT, SECTIONS, render
from miner.outputs.regenerate import find_blocks, regenerate, regenerate_file

GOLDEN = Path(__file__).parent.parent / "golden" / "report-regenerated.md"


def golden() -> str:
    return GOLDEN.read_bytes().decode("utf-8")


def test_regenerated_report_matches_the_golden_file_byte_for_byte():
    assert regenerate(REPORT, render, known=SECTIONS) == golden()


def test_text_outside_the_markers_is_untouched():
    new = golden()
    for before, after in zip(_outside(REPORT), _outside(new)):
        assert before == after
    assert "Date: 2026-03-23 Trigger: 10 alphas for v0.117.0 in 4 days  \n" in new
    assert "| Core | cli | written by hand, stays |" in new
    assert not new.endswith("\n")


def test_human_columns_are_carried_over_by_row_key():
    new = golden()
    assert "| Core | cli, tui, tui_app_server | Terminal interface, being migrated on top of app-server |" in new
    assert "| Hooks | v0.99 (Feb 2026) | 6 | Extensibility model |" in new
    assert "| Unclassified | v8-poc | Matched by no layer rule |" in new
    assert "| Plugins | v0.110 (Mar 2026) | 7 |  |" in new


def test_a_row_miner_does_not_write_is_kept_after_the_row_it_followed_and_marked():
    rows = [line for line in golden().split("\n") if line.startswith("| ")][:5]
    assert rows[2:] == ["| Server | app-server, app-server-client | Client-server architecture — the central architectural bet |",
                        "| SDK | (external sdk/ dir) | Python SDK for the app-server API <!-- kept --> |",
                        "| Unclassified | v8-poc | Matched by no layer rule |"]


def test_regenerating_twice_changes_nothing():
    once = regenerate(REPORT, render)
    assert regenerate(once, render) == once


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
@pytest.mark.parametrize("final", ["", "\n"])
def test_line_endings_and_final_newline_are_kept(tmp_path, ending, final):
    path = tmp_path / "report.md"
    path.write_bytes((REPORT + final).replace("\n", ending).encode())
    regenerate_file(path, render)
    assert path.read_bytes() == (golden() + final).replace("\n", ending).encode()
    assert regenerate_file(path, render).changed is False


def test_render_sees_name_repo_and_old_body():
    calls = []
    regenerate(REPORT, lambda name, repo, old: calls.append((name, repo, old)) or "x")
    assert [(n, r) for n, r, _ in calls] == [(s, "codex") for s in SECTIONS]
    assert calls[2][2] == "old chart\n"


def test_a_marker_without_repo_renders_with_an_empty_repo():
    text = "<!-- mine:agents -->\nold\n<!-- /mine:agents -->\n"
    assert regenerate(text, lambda name, repo, old: f"{name}:{repo!r}") == "<!-- mine:agents -->\nagents:''\n<!-- /mine:agents -->\n"


def test_markers_written_by_report_section_are_found():
    from miner.outputs.report import section
    text = "intro\n" + section("cadence", "codex", "body") + "outro\n"
    (block,) = find_blocks(text)
    assert (block.name, block.repo, block.line, text[block.start:block.end]) == ("cadence", "codex", 2, "body\n")


def test_an_inline_mention_of_the_marker_syntax_is_not_a_marker():
    text = "Wrap tables in `<!-- mine:architecture repo=codex -->` markers.\n"
    assert find_blocks(text) == []
    assert regenerate(text, render) == text


def _outside(text: str) -> list[str]:
    """The text between sections, from the end of one closing marker to the next opening marker."""
    pieces, rest = [], text
    while "<!-- mine:" in rest:
        head, _, rest = rest.partition("<!-- mine:")
        pieces.append(head)
        rest = rest.partition("-->")[2].partition("<!-- /mine:")[2].partition("-->")[2]
    return pieces + [rest]


def test_markers_shown_in_a_code_block_are_examples_not_markers():
    text = ("Use them like this:\n\n```markdown\n<!-- mine:architecture repo=codex -->\n<!-- /mine:nope -->\n```\n\n"
            "<!-- mine:cadence repo=codex -->\nold\n<!-- /mine:cadence -->\n")
    (block,) = find_blocks(text)
    assert (block.name, block.line) == ("cadence", 8)
    assert regenerate(text, render).startswith(text[:text.index("<!-- mine:cadence")])
