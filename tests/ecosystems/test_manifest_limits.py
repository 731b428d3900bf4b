"""Manifests are read within bounds: size from the object header, TOML shape checked before tomllib runs."""
from __future__ import annotations

import tracemalloc

import pytest

from miner._sample.builder import RepoBuilder
from miner.ecosystems import manifests as mf
from miner.model import repopaths
from miner.sources.trees import TreeView


def _tree(tmp_path, files):
    builder = RepoBuilder(tmp_path / "r.git", bare=True)
    commit = builder.commit("c", files, when="2025-01-01T00:00:00+00:00")
    return TreeView(builder.repo, builder.repo[commit].tree)


def test_a_twenty_thousand_part_dotted_key_is_refused_before_parsing_and_costs_little_memory():
    text = "a" + ".a" * 20_000 + " = 1\n"  # 40 KB: tomllib would need gigabytes for it
    tracemalloc.start()
    with pytest.raises(mf.BadManifest, match="key of more than 100 parts"):
        mf.parse_toml(text.encode(), "pyproject.toml")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5_000_000


def test_arrays_nested_past_the_limit_are_refused_with_the_file_named():
    with pytest.raises(mf.BadManifest, match=r"^pyproject.toml nests arrays or tables more than 100 deep"):
        mf.parse_toml(b"x = " + b"[" * 5000 + b"]" * 5000, "pyproject.toml")


def test_dots_and_brackets_inside_strings_and_comments_do_not_count():
    text = ('url = "' + "a." * 500 + '"\n# ' + "[." * 500 + "\n"
            "[tool.uv]\nnote = '''\n" + "[{" * 300 + "\n'''\n")
    assert mf.parse_toml(text.encode(), "pyproject.toml")["tool"]["uv"]["note"].startswith("[{")


def test_invalid_toml_and_bad_encoding_are_one_line_reasons():
    with pytest.raises(mf.BadManifest, match=r"^pyproject.toml does not parse: "):
        mf.parse_toml(b"[project\nname = 1", "pyproject.toml")
    with pytest.raises(mf.BadManifest, match=r"^pyproject.toml is not UTF-8"):
        mf.parse_toml(b"name = '\xff'", "pyproject.toml")


def test_a_file_over_the_size_limit_is_refused_from_its_header(tmp_path):
    view = _tree(tmp_path, {"big/go.mod": "x" * 2000, "go.mod": "module a\n"})
    with pytest.raises(mf.BadManifest, match="go.mod is 2000 bytes, over the 1000-byte limit"):
        mf.read_manifest(view, "big/go.mod", limit=1000)
    assert mf.read_manifest(view, "go.mod", limit=1000) == b"module a\n"


def test_paths_that_climb_out_of_the_repository_are_none_never_clamped():
    assert repopaths.join("a/b", "../c") == "a/c"
    assert repopaths.join("a", "..") == ""
    assert repopaths.join("a", "../../x") is None
    assert repopaths.join("", "/etc") is None
    assert repopaths.ancestors("a/b/c") == ["a/b", "a", ""]
