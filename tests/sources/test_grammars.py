"""tree-sitter grammars: loaded lazily, checked against the bindings' ABI range, chosen by extension."""
from __future__ import annotations

import subprocess
import sys

import pytest

from miner.errors import MinerError
from miner.sources import grammars
from miner.sources.grammars import EXTENSIONS, check_abi, grammar, grammar_of


def test_importing_miner_and_the_source_view_does_not_import_tree_sitter():
    code = ("import sys, miner, miner.pipeline, miner.sources.code, miner.analyses.sourceview; "
            "print(sorted(m for m in sys.modules if m.startswith('tree_sitter')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "[]"


def test_a_grammar_outside_the_bindings_abi_range_is_a_one_line_error_naming_both():
    with pytest.raises(MinerError) as raised:
        check_abi("tree-sitter-rust 0.30.0", 16, "0.26.1", 13, 15)
    message = str(raised.value)
    assert "\n" not in message
    assert "tree-sitter-rust 0.30.0" in message and "ABI 16" in message and "tree-sitter 0.26.1" in message
    assert "13 to 15" in message


@pytest.mark.parametrize("name", sorted(set(EXTENSIONS.values())))
def test_every_installed_grammar_loads_within_the_range(name):
    loaded = grammar(name)
    assert loaded.parser.parse(b"").root_node is not None
    assert "+abi" in loaded.version and "+tree-sitter-" in loaded.version


def test_a_missing_grammar_wheel_is_a_one_line_error(monkeypatch):
    def absent(name):
        raise ImportError(f"No module named {name!r}")

    grammar.cache_clear()
    monkeypatch.setattr(grammars.importlib, "import_module", absent)
    try:
        with pytest.raises(MinerError, match="the source view needs tree-sitter-go"):
            grammar("go")
    finally:
        grammar.cache_clear()


@pytest.mark.parametrize("path, expected", [
    ("src/lib.rs", "rust"), ("a.ts", "typescript"), ("a.mts", "typescript"), ("a.cts", "typescript"),
    ("a.d.ts", "typescript"), ("a.tsx", "tsx"), ("a.js", "javascript"), ("a.jsx", "javascript"),
    ("a.mjs", "javascript"), ("a.cjs", "javascript"), ("a.py", "python"), ("a.pyi", "python"), ("a.go", "go"),
    ("README.md", None), ("Makefile", None), ("a.rs.orig", None),
])
def test_the_grammar_is_chosen_by_extension(path, expected):
    assert grammar_of(path) == expected
