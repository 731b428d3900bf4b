"""Property: any .mailmap maps any author as `git check-mailmap` maps it.

Mailmaps are drawn from a few names and e-mails written in changing case and
spacing, in every line shape git reads (proper name only, proper e-mail only,
both, with the old name or not), with comments, blank lines, text after the
last `>`, and lines git skips (no e-mail, an empty proper e-mail); later lines
override earlier ones.  Authors to map come from the same names and e-mails in
other cases.  The oracle is git itself, told of the file by `mailmap.file`.

Run longer: `HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_props_mailmap.py`.
"""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miner.model.mailmap import Mailmap
from tests.conftest import examples, time_limit

NAMES = ("Ada Lovelace", "ada", "Grace Hopper", "G. Hopper")
EMAILS = ("ada@example.com", "ada@old.example", "grace@example.com", "gh@users.noreply.github.com")


def cased(draw, text: str) -> str:
    return draw(st.sampled_from([text, text.upper(), text.lower(), text.title()]))


def name(draw) -> str:
    return cased(draw, draw(st.sampled_from(NAMES)))


def email(draw) -> str:
    return cased(draw, draw(st.sampled_from(EMAILS)))


@st.composite
def mailmaps(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        gap = draw(st.sampled_from([" ", "  ", "\t"]))
        shape = draw(st.sampled_from(["name", "email", "both", "named", "comment", "blank", "no-email", "empty"]))
        line = {
            "name": lambda: f"{name(draw)}{gap}<{email(draw)}>",
            "email": lambda: f"<{email(draw)}>{gap}<{email(draw)}>",
            "both": lambda: f"{name(draw)} <{email(draw)}>{gap}<{email(draw)}>",
            "named": lambda: f"{name(draw)} <{email(draw)}>{gap}{name(draw)}{gap}<{email(draw)}>",
            "comment": lambda: f"# {name(draw)} <{email(draw)}>",
            "blank": lambda: draw(st.sampled_from(["", "   "])),
            "no-email": lambda: name(draw),
            "empty": lambda: f"{name(draw)} <>{gap}<{email(draw)}>",
        }[shape]()
        lines.append(line + draw(st.sampled_from(["", "", " # a note", "  "])))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


@st.composite
def authors(draw) -> list[tuple[str, str]]:
    return [(name(draw), email(draw)) for _ in range(draw(st.integers(1, 6)))]


@pytest.mark.timeout(time_limit(60))
@settings(max_examples=examples(300))
@given(mailmaps(), authors())
def test_authors_map_as_git_check_mailmap_maps_them(text, people):
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "mailmap"
        path.write_text(text)
        subprocess.run(["git", "init", "-q", scratch + "/repo"], check=True)
        contacts = [f"{who} <{address}>" for who, address in people]
        shown = subprocess.run(["git", "-C", scratch + "/repo", "-c", f"mailmap.file={path}", "check-mailmap", *contacts],
                               check=True, capture_output=True, text=True).stdout.splitlines()
    expected = [(line.rpartition(" <")[0], line.rpartition(" <")[2].removesuffix(">")) for line in shown]
    mailmap = Mailmap.parse(text)
    assert [mailmap.map(who, address) for who, address in people] == expected
