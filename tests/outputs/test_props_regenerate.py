"""Property: `mine regenerate` on any report is idempotent and leaves every byte outside its markers alone.

Reports are drawn as prose and marked sections: an optional byte-order mark,
LF, CRLF or mixed line endings, a last line with or without its newline,
trailing spaces, typographic text, a lone carriage return inside a line,
hand-made tables, fenced code holding marker-shaped lines (examples, not
markers), markers indented or padded with spaces; section bodies with blank
padding, prose and tables whose `Purpose` column an analyst filled in.  The
renderer returns drawn bodies per (section, repo): prose, tables with an empty
`Purpose` column, or nothing.  The report goes through `regenerate_file` twice.

Checked: the second run changes nothing; the text between sections, and each
marker line, is byte for byte what was drawn; a new body uses its opening
marker's line ending throughout; it holds what the renderer said, with the old
`Purpose` cells of rows it still has, and the old rows it does not write kept.

Run longer: `HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_props_regenerate.py`.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miner.outputs.regenerate import KEPT, regenerate_file
from tests.conftest import examples, time_limit

NAMES = ("architecture", "evolution", "cadence")
REPOS = ("codex", "claude-code")
PROSE = ("# Codex CLI: Platform, Not Tool", "Date: 2026-03-23  ", "“Codex is doing a Rust rewrite.” — that’s it.",
         "", "   ", "\t", "carriage\rreturn inside a line", "| Layer | Crates | Purpose |", "|---|---|---|",
         "| Core | cli | written by hand, stays |", "<!-- a comment, not a marker -->", "← all daily reports")
KEYS = ("Core", "Server", "SDK", "Unclassified")
WORDS = ("Terminal interface", "the central bet", "Python SDK", "Matched by no layer rule")


def endings(draw) -> str:
    return draw(st.sampled_from(["\n", "\r\n"]))


@st.composite
def reports(draw):
    """(pieces, render bodies): pieces are ("text", s) or ("section", opening, old body, closing)."""
    style = draw(st.sampled_from(["lf", "crlf", "mixed"]))

    def newline() -> str:
        return {"lf": "\n", "crlf": "\r\n"}.get(style) or endings(draw)

    pieces = []
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.booleans()):
            pieces.append(("text", _prose(draw, newline)))
        else:
            name, repo = draw(st.sampled_from(NAMES)), draw(st.sampled_from(REPOS))
            opening = (draw(st.sampled_from(["", " ", "\t"])) + "<!--" + draw(st.sampled_from([" ", "  "]))
                       + f"mine:{name} repo={repo}" + draw(st.sampled_from([" ", "   "])) + "-->"
                       + draw(st.sampled_from(["", " "])) + newline())
            closing = draw(st.sampled_from(["", "  "])) + f"<!-- /mine:{name} -->" + newline()
            pieces.append(("section", opening, _old_body(draw, newline), closing))
    bom = "\ufeff" if draw(st.booleans()) else ""
    if pieces and not draw(st.booleans()):  # the last line without its newline
        last = pieces[-1]
        pieces[-1] = ("text", last[1].rstrip("\r\n")) if last[0] == "text" else (*last[:3], last[3].rstrip("\r\n"))
    bodies = {(name, repo): _rendered(draw) for name in NAMES for repo in REPOS}
    return bom, pieces, bodies


def _prose(draw, newline) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.integers(0, 4)) == 4:  # an example of the syntax in a code fence: no marker
            fence = draw(st.sampled_from(["```", "~~~~", "```markdown"]))
            lines += [fence, draw(st.sampled_from(["<!-- mine:cadence repo=codex -->", "<!-- /mine:cadence -->",
                                                   "<!-- mine:broken"])), fence.rstrip("markdown")]
        else:
            lines.append(draw(st.sampled_from(PROSE)))
    return "".join(line + newline() for line in lines)


def _old_body(draw, newline) -> str:
    lines = [""] * draw(st.integers(0, 2))
    if draw(st.booleans()):
        lines += ["| Layer | Crates | Purpose |", "|---|---|---|"]
        for key in draw(st.lists(st.sampled_from(KEYS), max_size=3, unique=True)):
            lines.append(f"| {key} | old crates | {draw(st.sampled_from(WORDS + ('',)))} |")
    lines += [draw(st.sampled_from(PROSE[:3])) for _ in range(draw(st.integers(0, 2)))]
    lines += [""] * draw(st.integers(0, 2))
    return "".join(line + newline() for line in lines)


def _rendered(draw) -> str:
    kind = draw(st.sampled_from(["prose", "table", "nothing"]))
    if kind == "nothing":
        return ""
    if kind == "prose":
        return "\n".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))) + draw(st.sampled_from(["", "\n", "\n\n"]))
    rows = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=4, unique=True))
    return "\n".join(["| Layer | Crates | Purpose |", "|---|---|---|"] + [f"| {key} | new crates |  |" for key in rows])


def _text(bom: str, pieces: list) -> str:
    return bom + "".join("".join(piece[1:]) for piece in pieces)


def _purposes(body: str) -> dict[str, str]:
    """Layer -> Purpose of the rows of a body's table (without the mark of a kept row)."""
    cells = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in body.splitlines()]
    return {row[0]: row[2].removesuffix(KEPT).strip() for row in cells if len(row) == 3 and row[0] in KEYS}


@pytest.mark.timeout(time_limit(60))
@settings(max_examples=examples(500))
@given(reports())
def test_regenerating_twice_changes_nothing_the_second_time_and_nothing_outside_the_markers(report):
    bom, pieces, bodies = report
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "report.md"
        path.write_bytes(_text(bom, pieces).encode())
        render = lambda name, repo, old: bodies[(name, repo)]  # noqa: E731
        regenerate_file(path, render)
        once = path.read_bytes()
        again = regenerate_file(path, render)
        assert not again.changed and path.read_bytes() == once
    result = once.decode()
    assert result.startswith(bom)
    position = len(bom)
    for piece in pieces:
        if piece[0] == "text":
            assert result[position:position + len(piece[1])] == piece[1]
            position += len(piece[1])
            continue
        _, opening, old, closing = piece
        assert result[position:position + len(opening)] == opening
        position += len(opening)
        end = result.index(closing, position)
        body, position = result[position:end], end + len(closing)
        newline = "\r\n" if opening.endswith("\r\n") else "\n"
        assert not set(body.replace(newline, "")) & {"\r", "\n"}, "a body in another line ending than its marker"
        _check_body(body.replace(newline, "\n"), old.replace("\r\n", "\n"), bodies[_section(opening)])
    assert position == len(result)


def _section(opening: str) -> tuple[str, str]:
    name, repo = opening.split("mine:", 1)[1].split()[:2]
    return name, repo.removeprefix("repo=")


def _check_body(body: str, old: str, rendered: str) -> None:
    """The new body says what the renderer said, with the old Purpose of each row, and the analyst's rows
    the renderer does not write kept (none of the drawn sections is a selection)."""
    if "| Layer |" not in rendered:
        assert body.strip() == rendered.strip()
        return
    old_purposes, new_purposes = _purposes(old), _purposes(body)
    assert set(new_purposes) == set(_purposes(rendered)) | set(old_purposes)
    for key, purpose in new_purposes.items():
        assert purpose == old_purposes.get(key, ""), key

