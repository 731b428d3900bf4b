"""Paths of a tree seen from another directory of it, as posixpath.relpath sees them."""
from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from miner.model.repopaths import relative

PARTS = st.lists(st.sampled_from(["a", "b", "ab", "a.b", "..x", "c d"]), max_size=4).map("/".join)


@given(PARTS, PARTS)
def test_relative_is_relpath_for_paths_of_the_tree(path, start):
    assert relative(path, start) == posixpath.relpath(path or ".", start or ".")


def test_the_root_is_written_empty_or_as_a_dot():
    assert relative(".", "") == relative("", ".") == "."
    assert relative("a/b", ".") == "a/b" and relative(".", "a/b") == "../.."
