"""Changelogs and notes shaped to make a parser slow: the work follows the text's size, not its square.

Each size here took the line-pattern parser from tens of seconds to minutes;
linear work takes well under two seconds, so the time limit fails a regression.
"""
from __future__ import annotations

import pytest

from fixtures.notes import changelog_repo
from miner.analyses.capabilities import mentions
from miner.catalogs.capabilities import Capability
from miner.model.patterns import compile_pattern
from miner.sources.changelogs import read_changelogs, split_sections
from miner.store.cache import MemoryCache


def sections_of(tmp_path, text: str):
    builder = changelog_repo(tmp_path / "r", text)
    return read_changelogs(builder.repo, [builder.repo.revparse_single("HEAD").tree], MemoryCache())


@pytest.mark.timeout(10)
def test_a_heading_padded_with_spaces(tmp_path):
    (section,) = sections_of(tmp_path, "## 1.0.0" + " " * 64_000 + "x\n\n- Hooks\n")
    assert section.version == "1.0.0" and section.body == "- Hooks"


@pytest.mark.timeout(20)
def test_many_tiny_sections(tmp_path):
    """3 s on an idle machine; the parser that copied the list of headings per heading took 29 s."""
    sections = sections_of(tmp_path, "".join(f"## 1.0.{n}\nfix {n}\n" for n in range(100_000)))
    assert len(sections) == 100_000
    assert (sections[-1].version, sections[-1].body) == ("1.0.99999", "fix 99999")


def test_each_nested_section_ends_at_the_next_heading_of_its_level_or_higher():
    text = "# 2.0.0\n" + "".join(f"## 1.0.{n}\n### Fixed\n- fix {n}\n#### 0.{n}.0\nold\n" for n in range(2_000))
    sections = split_sections(text)
    assert [s.version for s in sections[:3]] == ["2.0.0", "1.0.0", "0.0.0"]
    assert sections[0].body.startswith("## 1.0.0") and sections[0].body.endswith("#### 0.1999.0\nold")
    assert sections[1].body == "### Fixed\n- fix 0\n#### 0.0.0\nold"
    assert sections[2].body == "old"


@pytest.mark.timeout(10)
def test_a_list_item_wrapped_over_many_lines():
    catalog = [Capability("Hooks", (compile_pattern("lifecycle hooks", ignore_case=True),))]
    text = "- Adds\n" + "  wrapped words\n" * 300_000 + "  lifecycle hooks\n"
    (line,) = mentions(catalog, text).values()
    assert line.startswith("- Adds wrapped words") and line.endswith("lifecycle hooks")
    assert len(line) == len("- Adds") + 300_000 * len(" wrapped words") + len(" lifecycle hooks")


@pytest.mark.timeout(10)
def test_a_paragraph_of_many_sentences():
    """A commit message body of 200,000 sentences on one line: each is a line of its own, found in linear time."""
    catalog = [Capability("Hooks", (compile_pattern("lifecycle hooks", ignore_case=True),))]
    text = "Fixed it. " * 200_000 + "Added lifecycle hooks. Done."
    assert mentions(catalog, text) == {"Hooks": "Added lifecycle hooks."}
