"""Bad go.mod and go.work input becomes a warning naming the file; every other workspace is read as usual."""
from __future__ import annotations

from fixtures import go_modules as go_fx
from fixtures.manifest_trees import workspaces, write
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


def test_a_go_work_older_than_a_members_go_line_is_named_as_go_refuses_it(tmp_path):
    files = {"go.work": "go 1.21\nuse ./a\nuse ./b\nuse ./c\n", "a/go.mod": "module example.com/a\ngo 1.22.3\n",
             "b/go.mod": "module example.com/b\ngo 1.21.0\n", "c/go.mod": "module example.com/c\ngo 1.21rc1\n",
             "old/go.work": "use ./m\n", "old/m/go.mod": "module example.com/m\ngo 1.20\n"}
    found = workspaces(GO, files, tmp_path / "r.git")
    assert [(w.root, len(w.packages)) for w in found] == [("", 3), ("old", 1)]
    assert sorted(f"{x.path}: {x.message}" for w in found for x in w.warnings) == [
        "go.work: module a listed in go.work requires go >= 1.22.3, but go.work lists go 1.21",
        "go.work: module b listed in go.work requires go >= 1.21.0, but go.work lists go 1.21",
        "go.work: module c listed in go.work requires go >= 1.21rc1, but go.work lists go 1.21",
    ]
    if go_fx.go_binary() is not None:  # and go agrees: it refuses the first workspace, reads the second
        write(files, tmp_path / "work")
        views, refused = go_fx.go_view(tmp_path / "work")
        assert list(refused) == [""] and "requires go >= 1.22.3" in refused[""] and list(views) == ["old"]
