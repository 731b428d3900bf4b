"""Table cells render as the text they hold, by markdown-it's CommonMark and GFM table parser."""
from __future__ import annotations

import string

import pandas as pd
import pytest
from markdown_it import MarkdownIt

from miner.outputs.markdown import markdown_table, markdown_text, plain_text

NAMES = ["Abhi <abhipatel12>", "dependabot[bot]", "a|b", "C:\\Users\\x\\|y", "__init__.py", "codex_core",
         "<script>alert(1)</script>", "AT&T &amp; co", "`mcp` command", "~~gone~~", "*glob* crates/**",
         "[link](http://x)", "<https://example.com>", "<0.1%", "\\", "a_b_", "_private", "x._y_"]
# Every ASCII punctuation character where it could open or close markup.
SHAPES = [f"{c}a{c}" for c in string.punctuation] + [f"{c}{c}a{c}{c} b" for c in string.punctuation] \
    + [f"w{c}a{c}w" for c in string.punctuation]


def rendered_cells(markdown: str) -> list[tuple[list[str], str]]:
    """Each body cell's inline token kinds and the text they hold."""
    tokens = MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(markdown)
    inside, cells = False, []
    for token in tokens:
        inside = {"tbody_open": True, "tbody_close": False}.get(token.type, inside)
        if inside and token.type == "inline":
            cells.append(([child.type for child in token.children], "".join(c.content for c in token.children)))
    return cells


@pytest.mark.parametrize("value", NAMES + SHAPES)
def test_a_cell_renders_as_its_text(value):
    (kinds, text), = rendered_cells(markdown_table(pd.DataFrame({"Who": [value]})))
    assert set(kinds) <= {"text"} and text == value


def test_a_name_beside_a_login_is_not_taken_for_a_tag():
    html = MarkdownIt("commonmark").enable("table").render(markdown_table(pd.DataFrame({"Who": ["Abhi <abhipatel12>"]})))
    assert "<td>Abhi &lt;abhipatel12&gt;</td>" in html


def test_snake_case_names_stay_readable():
    assert markdown_text("codex_core") == "codex_core"
    assert markdown_text("Abhi <abhipatel12>") == "Abhi \\<abhipatel12\\>"


@pytest.mark.parametrize("value", NAMES + SHAPES)
def test_plain_text_undoes_the_escapes(value):
    assert plain_text(markdown_text(value)) == value
