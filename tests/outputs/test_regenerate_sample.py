"""The sample report marked up for `mine regenerate`: its pipe tables, as a GFM parser reads them, regenerated
byte for byte against a golden file, with the analyst's rows and figures kept."""
from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from fixtures.reports import SAMPLE, SAMPLE_SECTIONS, render_sample
from miner.outputs.regenerate import regenerate, regenerate_file

GOLDEN = Path(__file__).parent.parent / "golden" / "sample-regenerated.md"
GFM = MarkdownIt("commonmark").enable("table")


def golden() -> str:
    return GOLDEN.read_bytes().decode("utf-8")


def test_the_regenerated_sample_matches_the_golden_file_byte_for_byte():
    assert regenerate(SAMPLE, render_sample, known=SAMPLE_SECTIONS) == golden()


def test_regenerating_the_sample_again_changes_nothing():
    assert regenerate(golden(), render_sample) == golden()


def test_the_analysts_rows_and_figures_survive():
    new = golden()
    assert ("| Infra | otel, secrets, state, terminal-detection | OpenTelemetry, secrets management, persistence |\n"
            "| SDK | (external sdk/ dir) | Python SDK for the app-server API <!-- kept --> |\n"
            "| Unclassified | debug-client | Matched by no layer rule |\n") in new
    assert "| Factory CLI | 89 | Unknown (closed source) | Unknown | unknown | unknown <!-- kept --> |" in new
    assert "| App-server | v0.44 (Oct 2025) | 48 | codex app-server | The inflection point |" in new
    assert new.count("<!-- kept -->") == 2


def test_only_table_leaves_the_analysts_sentence_and_drops_miners():
    new = golden()
    assert "codex-rs is a ~40-crate Rust workspace." in new
    assert "By grepping stored changelogs for first appearances:\n\n<!-- mine:evolution repo=codex only=table -->\n| Capability |" in new
    assert "29-crate" not in new and "Traced through" not in new and "latest arc" not in new
    assert "From 3,100 non-merge commits" in new  # the team section asks for all of its body


def test_the_pipe_tables_are_the_tables_a_gfm_parser_reads():
    tables = gfm_tables(SAMPLE)
    assert [(len(t), len(t[0])) for t in tables] == [(9, 3), (9, 4), (7, 4)]
    assert tables[0][-1] == ["SDK", "(external sdk/ dir)", "Python SDK for the app-server API"]
    assert gfm_tables(golden())[0][8] == ["SDK", "(external sdk/ dir)", "Python SDK for the app-server API <!-- kept -->"]


def test_tables_without_outer_pipes_and_with_padding_regenerate_the_same():
    variant = "\n".join(_loose(line) for line in SAMPLE.split("\n"))
    assert variant != SAMPLE and gfm_tables(variant) == gfm_tables(SAMPLE)
    assert regenerate(variant, render_sample) == golden()


def test_the_kept_mark_is_an_html_comment_on_the_rendered_page():
    html = GFM.render(golden())
    assert "<td>Python SDK for the app-server API <!-- kept --></td>" in html
    assert "&lt;!-- kept" not in html


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_a_byte_order_mark_and_line_endings_are_kept(tmp_path, ending):
    path = tmp_path / "sample.md"
    path.write_bytes(("\ufeff" + SAMPLE).replace("\n", ending).encode("utf-8"))
    regenerate_file(path, render_sample)
    assert path.read_bytes() == ("\ufeff" + golden()).replace("\n", ending).encode("utf-8")
    assert regenerate_file(path, render_sample).changed is False


def gfm_tables(text: str) -> list[list[list[str]]]:
    """Every table as markdown-it's GFM table rule reads it: rows of cell sources, the header first."""
    tables, cells = [], None
    for token in GFM.parse(text):
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            cells = []
            tables[-1].append(cells)
        elif token.type == "inline" and cells is not None:
            cells.append(token.content)
        elif token.type == "tr_close":
            cells = None
    return tables


def _loose(line: str) -> str:
    """A table line without its outer pipes and with wide padding, as people type them."""
    if not line.startswith("|"):
        return line
    return "   |  ".join(cell.strip() for cell in line.strip()[1:-1].split("|"))
