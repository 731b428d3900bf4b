"""A file version parsed from the previous version of its path gives what a fresh parse gives."""
from __future__ import annotations

import pytest

from miner.sources.imports import _edits, parse, parse_from

RUST = (b"use std::fs;\n#[derive(serde::Serialize)]\nstruct S;\n"
        b"fn main() {\n    codex_core::run();\n    tokio::select! { _ = a::b() => {} }\n}\nmod config;\n")
PYTHON = b"import os\nfrom . import x\n\nclass A:\n    def f(self):\n        import json\n        return json\n"
TYPESCRIPT = b"import { a } from './a.js';\nexport * from '@scope/pkg/sub';\nconst fs = require('fs');\n"
GO = b'package main\n\nimport (\n\t"fmt"\n\tf "flag"\n)\n\nfunc main() { fmt.Println(f.Args()) }\n'


def _edited(text: bytes) -> list[bytes]:
    """Versions of `text`: changed in the middle, at both ends, without a last newline, emptied, with
    CRLF line ends, broken, and the same text."""
    lines = text.splitlines(keepends=True)
    middle = len(lines) // 2
    return [
        b"".join(lines[:middle] + [b"// x\n", lines[middle].replace(b"a", b"b")] + lines[middle + 1:]),
        b"// first\n" + text + b"// last\n",
        text.rstrip(b"\n"),
        b"".join(lines[1:-1]),
        text.replace(b"\n", b"\r\n"),
        b"".join(lines[:middle] + [b"fn ( {\n"] + lines[middle:]),
        b"",
        text,
    ]


@pytest.mark.parametrize("grammar_name, text", [("rust", RUST), ("python", PYTHON), ("typescript", TYPESCRIPT),
                                                 ("go", GO)], ids=["rust", "python", "typescript", "go"])
def test_each_version_parsed_from_another_equals_its_fresh_parse(grammar_name, text):
    versions = [text] + _edited(text)
    for old in versions:
        _, previous = parse_from(grammar_name, old, None)
        for new in versions:
            assert parse(grammar_name, new, previous) == parse(grammar_name, new), (old, new)


def test_the_previous_tree_is_left_as_it_was():
    _, previous = parse_from("rust", RUST, None)
    before = str(previous.tree.root_node)
    parse("rust", b"// x\n" + RUST, previous)
    assert str(previous.tree.root_node) == before


def _point(data: bytes, offset: int) -> tuple[int, int]:
    return data.count(b"\n", 0, offset), offset - data.rfind(b"\n", 0, offset) - 1


@pytest.mark.parametrize("new", _edited(RUST)[:-1])
def test_edits_turn_the_old_text_into_the_new_at_the_points_the_bytes_are_at(new):
    edits = _edits(RUST, new)
    assert edits
    rebuilt, kept = b"", 0
    for start, old_end, new_end, start_point, old_end_point, new_end_point in edits:
        assert (start_point, old_end_point) == (_point(RUST, start), _point(RUST, old_end))
        inserted = new[len(rebuilt) + start - kept:][:new_end - start]
        assert new_end_point[0] - start_point[0] == inserted.count(b"\n")
        rebuilt += RUST[kept:start] + inserted
        kept = old_end
    assert rebuilt + RUST[kept:] == new


def test_text_libgit2_reads_as_binary_gives_no_edits_and_is_parsed_afresh():
    new = RUST + b"// \0\n"
    assert _edits(RUST, new) is None
    _, previous = parse_from("rust", RUST, None)
    assert parse("rust", new, previous) == parse("rust", new)


RUST_IMPL = (b"use std::fs;\n\nstruct S;\n\nimpl S {\n    fn a(&self) {\n        alpha::run();\n    }\n\n"
             b"    fn b(&self) {\n        let x = 1;\n        beta::run(x);\n    }\n\n    fn c(&self) {\n"
             b"        gamma::run();\n    }\n}\n\nfn main() {\n    delta::go();\n    epsilon::go();\n}\n")
PYTHON_CLASS = (b"import os\n\n\nclass A:\n    def f(self):\n        import json\n        return json\n\n"
                b"    def g(self):\n        from . import x\n        return x\n\n    def h(self):\n"
                b"        import re\n        return re\n")
TYPESCRIPT_CLASS = (b"import { a } from './a.js';\n\nexport class C {\n  m() {\n    return import('./m.js');\n  }\n\n"
                    b"  n() {\n    const x = 1;\n    return require('./n.js');\n  }\n}\n\nfunction f() {\n"
                    b"  return import('./f.js');\n}\n")


@pytest.mark.parametrize("grammar_name, text, edits", [
    ("rust", RUST_IMPL, [(b"let x = 1;", b"let x = 2;\n        let y = 3;"), (b"beta::run(x)", b"zeta::run(x)"),
                         (b"    fn c", b"    fn added() {}\n\n    fn c"), (b"epsilon::go();\n", b""),
                         (b"impl S {", b"impl S { // header\n")]),
    ("python", PYTHON_CLASS, [(b"return x", b"return x + 1\n        pass"), (b"from . import x", b"from .. import x"),
                              (b"    def h", b"    def added(self):\n        pass\n\n    def h"),
                              (b"class A:", b"class A(object):\n    import sys\n")]),
    ("typescript", TYPESCRIPT_CLASS, [(b"const x = 1;", b"const x = 2;\n    const y = 3;"),
                                      (b"'./n.js'", b"'./o.js'"), (b"  n() {", b"  extra() {}\n  n() {")]),
], ids=["rust", "python", "typescript"])
def test_an_edit_inside_a_class_or_function_moves_the_rest_and_equals_a_fresh_parse(grammar_name, text, edits):
    """Each edit falls inside one member of a split node (`SPLIT`): the other members' imports move with the
    lines before them; every version, from each earlier one, parses as it does fresh."""
    versions = [text]
    for old, new in edits:
        assert old in versions[-1]
        versions.append(versions[-1].replace(old, new, 1))
    for number, version in enumerate(versions):
        fresh = parse(grammar_name, version)
        previous = None
        for earlier in versions[:number + 1]:
            found, previous = parse_from(grammar_name, earlier, previous)
        assert found == fresh
        for earlier in versions[:number]:
            assert parse(grammar_name, version, parse_from(grammar_name, earlier, None)[1]) == fresh
