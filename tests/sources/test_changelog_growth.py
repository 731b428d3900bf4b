"""A changelog that grows at the top is parsed only where it is new, with the headings a whole parse finds."""
from __future__ import annotations

import pytest

from miner.sources import changelogs
from miner.sources.changelogs import _parsed_headings

OLD = "".join(f"## {n}.0.0\n\n- fix {n}\n- ```\n  code\n  ```\n\n### Added\n\nText {n}.\n\n" for n in range(30, 0, -1))
TOPS = {
    "new sections": "# Changelog\n\n## 31.0.0\n\n- a\n\n",
    "an unclosed fence": "# Changelog\n\n```\n## 31.0.0\n",
    "an HTML block with no blank line after it": "# Changelog\n\n<div>\nsomething\n",
    "a list item the heading does not continue": "- item\n  continued\n",
    "a quote": "> quoted\n",
    "a paragraph": "Some words\n",
    "an HTML comment left open": "<!-- draft\n",
}


@pytest.fixture
def parsed(monkeypatch):
    """Changelog texts parsed through a fresh memo of earlier texts, and how many lines the parser was given."""
    monkeypatch.setattr(changelogs, "_EARLIER", changelogs._Earlier())
    given = []

    def counted(text):
        given.append(text.count("\n") + 1)
        return _parsed_headings(text)

    monkeypatch.setattr(changelogs, "_parsed_headings", counted)
    return given


@pytest.mark.parametrize("top", TOPS.values(), ids=TOPS.keys())
def test_a_grown_changelog_has_the_headings_of_a_whole_parse(parsed, top):
    changelogs._headings(OLD)
    assert changelogs._headings(top + OLD) == _parsed_headings(top + OLD)


def test_only_the_new_lines_are_parsed_when_they_close_every_block(parsed):
    changelogs._headings(OLD)
    changelogs._headings(TOPS["new sections"] + OLD)
    assert parsed[-1] == TOPS["new sections"].count("\n") + 1


def test_a_heading_that_heads_a_table_is_not_taken_for_a_boundary(parsed):
    old = "# a | b\n--- | ---\n1 | 2\n\n## 1.0.0\n\n- one\n"
    changelogs._headings(old)
    grown = "## 2.0.0\n\n" + old
    assert changelogs._headings(grown) == _parsed_headings(grown)
