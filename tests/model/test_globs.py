"""Path globs match as Cargo, npm and pnpm match: `*` within a segment, `**` across, braces, dot files."""
from __future__ import annotations

import fnmatch

import pytest

from miner.model.globs import glob_match, is_glob

CASES = [
    ("core/*", "core/a", True),
    ("core/*", "core/tests/common", False),  # fnmatch says True: its `*` crosses `/`
    ("utils/*", "utils/a/b", False),
    ("**", "a/b/c", True),
    ("packages/**", "packages", True),
    ("packages/**", "packages/a/b", True),
    ("packages/**", "packagesx", False),
    ("a/**/b", "a/b", True),
    ("a/**/b", "a/x/y/b", True),
    ("a/**/b", "ab", False),
    ("a/**/**/b", "a/b", True),
    ("**/*.md", "c.md", True),
    ("**/*.md", "a/b/c.md", True),
    ("**/node_modules/**", "node_modules", True),
    ("**/node_modules/**", "a/node_modules/x/y", True),
    ("**/test/**", "src/test", True),
    ("**/test/**", "src/tests", False),
    ("{apps,packages}/*", "packages/core", True),
    ("{apps,packages}/*", "libs/core", False),
    ("x/{a,b{c,d}}", "x/bd", True),
    ("tools/[ab]*", "tools/beta", True),
    ("tools/[!ab]*", "tools/beta", False),
    ("tools/[^ab]*", "tools/gamma", True),
    ("plugins/p?", "plugins/p1", True),
    ("plugins/p?", "plugins/p22", False),
    ("./pkgs/*", "pkgs/x", True),
    ("pkgs/*/", "pkgs/x", True),
    ("a+b/(c)", "a+b/(c)", True),  # regex characters are literal
    ("{unclosed", "{unclosed", True),
]


@pytest.mark.parametrize("pattern, path, expected", CASES)
def test_glob_match(pattern, path, expected):
    assert glob_match(pattern, path) is expected


def test_fnmatch_differs_where_it_matters():
    assert fnmatch.fnmatchcase("core/tests/common", "core/*")
    assert not glob_match("core/*", "core/tests/common")


@pytest.mark.parametrize("pattern, path, expected", [
    ("*", ".hidden", False), ("**", ".git/config", False), ("packages/*", "packages/.cache", False),
    (".github/*", ".github/workflows", True), ("**/.x", "a/.x", True),
])
def test_dot_segments_need_a_dot_in_the_pattern_when_dot_is_off(pattern, path, expected):
    assert glob_match(pattern, path, dot=False) is expected
    assert glob_match(pattern, path, dot=True) is True


def test_is_glob():
    assert is_glob("crates/*") and is_glob("a/{b,c}") and is_glob("p?") and not is_glob("crates/core")
