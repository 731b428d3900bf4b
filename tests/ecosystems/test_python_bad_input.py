"""Bad pyproject.toml input becomes a warning naming the file; every other workspace is read as usual."""
from __future__ import annotations

from fixtures import python_projects as fx
from fixtures.manifest_trees import workspaces
from miner.ecosystems import python
from miner.ecosystems.python import PYTHON

GOOD = {"good/pyproject.toml": fx.project("good")}


def _read(files, tmp_path, links=None):
    found = workspaces(PYTHON, {**GOOD, **files}, tmp_path / "r.git", links)
    members = {w.root: sorted(p.name for p in w.packages) for w in found if w.packages}
    assert members.pop("good") == ["good"], "the good project must be read as usual"
    return members, sorted(f"{x.path}: {x.message}" for w in found for x in w.warnings)


def test_unparsable_toml_is_a_warning_naming_the_file(tmp_path):
    members, warnings = _read({"bad/pyproject.toml": "[project\nname = 'x'\n"}, tmp_path)
    assert members == {}
    assert len(warnings) == 1 and warnings[0].startswith("bad/pyproject.toml: pyproject.toml does not parse: ")


def test_a_huge_dotted_key_and_an_oversized_file_are_refused_unparsed(tmp_path):
    files = {"deep/pyproject.toml": "a" + ".a" * 20_000 + " = 1\n",
             "big/pyproject.toml": fx.project("big") + "# " + "x" * (1 << 20) + "\n"}
    members, warnings = _read(files, tmp_path)
    assert members == {}
    assert warnings[0].startswith("big/pyproject.toml: pyproject.toml is 1048") and "over the 1048576-byte limit" in warnings[0]
    assert warnings[1] == "deep/pyproject.toml: pyproject.toml has a key of more than 100 parts; not parsed"


def test_a_member_path_outside_the_repository_and_a_glob_matching_nothing(tmp_path):
    files = {"ws/pyproject.toml": '[tool.uv.workspace]\nmembers = ["../../elsewhere/*", "plugins/*", "lib"]\n',
             "ws/lib/pyproject.toml": fx.project("lib")}
    members, warnings = _read(files, tmp_path)
    assert members == {"ws": ["lib"]}
    assert warnings == ["ws/pyproject.toml: member '../../elsewhere/*' leaves the repository",
                        "ws/pyproject.toml: member 'plugins/*' matches no directory with a pyproject.toml"]


def test_a_glob_matching_a_folder_without_pyproject_is_named_as_uv_refuses_it(tmp_path):
    files = {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
             "packages/py/pyproject.toml": fx.project("py"), "packages/js/package.json": "{}",
             "packages/.venv/bin/python": "x"}
    members, warnings = _read(files, tmp_path)
    assert members == {"": ["py"]}
    assert warnings == ["pyproject.toml: member 'packages/*' matches 'packages/js', which has no pyproject.toml "
                        "(uv refuses the workspace)"]


def test_a_symlinked_manifest_is_named_and_not_followed(tmp_path):
    files = {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["a", "b"]\n', "a/pyproject.toml": fx.project("a"),
             "real/pyproject.toml": fx.project("real")}
    members, warnings = _read(files, tmp_path, links={"b/pyproject.toml": "../real/pyproject.toml"})
    assert members == {"": ["a"], "real": ["real"]}
    assert warnings == ["b/pyproject.toml: pyproject.toml is a symbolic link; not followed",
                        "pyproject.toml: member 'b' matches no directory with a pyproject.toml"]


def test_duplicate_names_nested_roots_and_projectless_members_are_named(tmp_path):
    files = {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["p/*"]\n',
             "p/a/pyproject.toml": fx.project("Same.Name"), "p/b/pyproject.toml": fx.project("same-name"),
             "p/c/pyproject.toml": "[tool.black]\n",
             "p/d/pyproject.toml": fx.project("inner", '[tool.uv.workspace]\nmembers = []\n')}
    members, warnings = _read(files, tmp_path)
    assert members == {"": ["same-name"], "p/d": ["inner"]}
    assert warnings == ["p/b/pyproject.toml: two members named 'same-name' (also p/a/pyproject.toml)",
                        "p/c/pyproject.toml: member of the workspace at '.' has no [project] table",
                        "p/d/pyproject.toml: member of the workspace at '.' is itself a workspace root"]


def test_invalid_names_versions_globs_requirements_and_group_cycles(tmp_path):
    files = {"n/pyproject.toml": '[project]\nname = "-bad-"\n',
             "v/pyproject.toml": '[project]\nname = "v"\nversion = "one"\n',
             "g/pyproject.toml": '[tool.uv.workspace]\nmembers = ["a**"]\n',
             "r/pyproject.toml": fx.project("r", '[dependency-groups]\na = [{include-group = "b"}]\nb = [{include-group = "a"}]\n',
                                            dependencies='["ok", "not a requirement!", 3]')}
    members, warnings = _read(files, tmp_path)
    assert members == {"r": ["r"]}
    assert warnings == [
        "g/pyproject.toml: [tool.uv.workspace] 'a**': recursive wildcards must form a single path component",
        "n/pyproject.toml: [project] name '-bad-' is not a valid package name",
        "r/pyproject.toml: [project.dependencies]: 3 is not a requirement string",
        "r/pyproject.toml: [project.dependencies]: invalid requirement 'not a requirement!': "
        + warnings[3].split("'not a requirement!': ", 1)[1],
        "r/pyproject.toml: dependency group 'a' includes itself through a -> b -> a",
        "r/pyproject.toml: dependency group 'b' includes itself through b -> a -> b",
        "v/pyproject.toml: [project] version 'one' is not a PEP 440 version",
    ]


def test_a_glob_over_thousands_of_folders_is_matched_against_the_manifests_found(tmp_path, monkeypatch):
    monkeypatch.setattr(python, "MAX_GLOB_DIRECTORIES", 3000)
    projects = {f"pkgs/p{i:04}/pyproject.toml": fx.project(f"p{i:04}") for i in range(2000)}
    bare = {f"pkgs/x{i:04}/README.md": "no project\n" for i in range(1500)}
    files = {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["pkgs/*"]\n', **projects, **bare}
    members, warnings = _read(files, tmp_path)
    assert len(members[""]) == 2000
    assert warnings == []  # 3,500 folders: past the limit the pyproject-less ones are not walked for
