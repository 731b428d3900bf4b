"""Bad go.mod and go.work input becomes a warning naming the file; every other workspace is read as usual."""
from __future__ import annotations

from fixtures.manifest_trees import workspaces
from miner.ecosystems.go import GO

GOOD = {"good/go.mod": "module example.com/good\n\ngo 1.22\n"}


def _read(files, tmp_path, links=None):
    found = workspaces(GO, {**GOOD, **files}, tmp_path / "r.git", links)
    members = {w.root: sorted(p.name for p in w.packages) for w in found if w.packages}
    assert members.pop("good") == ["example.com/good"], "the good module must be read as usual"
    return members, sorted(f"{x.path}: {x.message}" for w in found for x in w.warnings)


def test_an_unparsable_go_mod_is_a_warning_with_its_line(tmp_path):
    members, warnings = _read({"bad/go.mod": "module example.com/bad\nrequire (\n\texample.com/x v1.0.0\n"}, tmp_path)
    assert members == {}
    assert warnings == ["bad/go.mod: go.mod:2: syntax error (unterminated block)"]


def test_an_unparsable_go_work_claims_its_directory_and_is_named(tmp_path):
    files = {"ws/go.work": "go 1.22\nuse ./a extra\n", "ws/a/go.mod": "module example.com/a\n"}
    members, warnings = _read(files, tmp_path)
    assert members == {}
    assert warnings == ["ws/go.work: go.work:2: usage: use local/dir"]


def test_uses_outside_the_repository_without_a_module_or_twice_are_named(tmp_path):
    files = {"go.work": "go 1.22\nuse (\n\t../../outside\n\t./docs\n\t./a\n\t./a/\n\t./nameless\n)\n",
             "a/go.mod": "module example.com/a\n", "docs/README.md": "no module\n",
             "nameless/go.mod": "go 1.22\n"}
    found = workspaces(GO, files, tmp_path / "r.git")
    assert [(w.root, [p.name for p in w.packages]) for w in found] == [("", ["example.com/a"])]
    assert sorted(f"{x.path}: {x.message}" for x in found[0].warnings) == [
        "go.work: use '../../outside' leaves the repository",
        "go.work: use './a/' appears more than once",
        "go.work: use './docs': no go.mod in that directory",
        "nameless/go.mod: go.mod has no module directive",
    ]


def test_a_symlinked_go_mod_is_named_and_not_followed(tmp_path):
    files = {"go.work": "go 1.22\nuse ./a\nuse ./b\n", "a/go.mod": "module example.com/a\n",
             "real/go.mod": "module example.com/real\n"}
    found = workspaces(GO, {**files}, tmp_path / "r.git", links={"b/go.mod": "../real/go.mod"})
    assert [(w.root, [p.name for p in w.packages]) for w in found] == [("", ["example.com/a"])]
    assert [f"{x.path}: {x.message}" for x in found[0].warnings] == ["b/go.mod: go.mod is a symbolic link; not followed"]


def test_duplicate_module_paths_and_a_member_replaced_at_all_versions_are_named(tmp_path):
    files = {"go.work": "go 1.22\nuse ./a\nuse ./b\nreplace example.com/a => ./a\n",
             "a/go.mod": "module example.com/a\n", "b/go.mod": "module example.com/a\n"}
    found = workspaces(GO, files, tmp_path / "r.git")
    assert [(w.root, [p.path for p in w.packages]) for w in found] == [("", ["a"])]
    assert sorted(f"{x.path}: {x.message}" for x in found[0].warnings) == [
        "b/go.mod: two members named 'example.com/a' (also a/go.mod)",
        "go.work: workspace module example.com/a is replaced at all versions in the go.work file",
    ]


def test_an_oversized_go_mod_is_refused_unread(tmp_path):
    members, warnings = _read({"big/go.mod": "module example.com/big\n" + "// x\n" * 300_000}, tmp_path)
    assert members == {}
    assert warnings == ["big/go.mod: go.mod is 1500023 bytes, over the 1048576-byte limit"]
