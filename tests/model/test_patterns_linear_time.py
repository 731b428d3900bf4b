"""User-written regular expressions never backtrack: RE2 matches them in time linear in the text.

`(a+)+$` against 32 letters and a `!` takes Python's `re` about 2**32 steps
(minutes); each test here would run past its time limit with `re`.
"""
from __future__ import annotations

import pytest

from miner._sample.builder import RepoBuilder
from miner.analyses.capabilities import mentions
from miner.catalogs.bots import Catalog
from miner.catalogs.capabilities import load_catalog
from miner.errors import MinerError
from miner.pipeline import analyze

SUBJECT = "a" * 32 + "!"


def catalog_file(tmp_path, patterns: str):
    path = tmp_path / "capabilities.toml"
    path.write_text(f"[[capability]]\nname = 'Crafted'\npatterns = {patterns}\n", encoding="utf-8")
    return path


@pytest.mark.timeout(10)
def test_a_catastrophic_capability_pattern_on_a_crafted_line(tmp_path):
    catalog = load_catalog(catalog_file(tmp_path, "['(a+)+$', 'crafted']"))
    assert mentions(catalog, f"- {SUBJECT}\n- Crafted notes\n") == {"Crafted": "- Crafted notes"}


@pytest.mark.timeout(10)
def test_a_catastrophic_name_pattern_on_a_crafted_author_name():
    catalog = Catalog({"bots": {"crafted": {"name_patterns": ["^(a+)+$"]}}})
    assert catalog.match(SUBJECT, "x@example.com", "") is None
    assert catalog.match("a" * 32, "x@example.com", "").id == "crafted"


@pytest.mark.timeout(20)
def test_a_catastrophic_tags_pattern_on_a_crafted_tag_name(tmp_path):
    builder = RepoBuilder(tmp_path / "r.git", bare=True)
    head = builder.commit("start", {"a.txt": "1\n"}, when="2025-07-01T10:00:00+00:00")
    for tag in ("v1.0.0", "v1.1.0", f"{SUBJECT}-1.0.0"):
        builder.tag(tag, head)
    releases = analyze(str(tmp_path / "r.git"), db=tmp_path / "store.sqlite", tags="^(a+)+$|^v").tables["releases"]
    assert list(releases["tag"]) == ["v1.0.0", "v1.1.0"]


def test_a_pattern_that_needs_backtracking_is_a_one_line_error_naming_it(tmp_path):
    with pytest.raises(MinerError, match=r"capability 'Crafted': bad regular expression '\(\?<=v\)1'.*no lookarounds"):
        load_catalog(catalog_file(tmp_path, "['(?<=v)1']"))
    with pytest.raises(ValueError, match=r"\[bots.crafted\] bad regular expression '\(a\)\\\\1'"):
        Catalog({"bots": {"crafted": {"name_patterns": [r"(a)\1"]}}})
