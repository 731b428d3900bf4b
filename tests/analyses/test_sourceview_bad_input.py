"""Bad source files are counted per release, never fatal: syntax errors, size, binary, non-UTF-8, missing objects."""
from __future__ import annotations

import pygit2

from fixtures.sources import cargo_workspaces, committed, fixture_sources
from fixtures.workspaces import package
from miner.analyses.sourceview import source_view
from miner.sources.code import Limits, ReleaseTree, read_sources
from miner.store.cache import MemoryCache

FILES = {
    "Cargo.toml": package("bad"),
    "src/lib.rs": "use alpha::x;\nfn broken( {\nuse beta::y;\n",
    "src/big.rs": "use gamma::z;\n" + "// generated\n" * 200,
    "src/blob.rs": b"use delta::w;\0\0\0\xff\xfe",
    "src/latin.rs": b"use epsilon::v;\n// caf\xe9\n",
}
LIMITS = Limits(max_bytes=1000)


def test_each_kind_of_bad_file_is_counted_and_the_readable_imports_are_kept(tmp_path):
    sources = fixture_sources(tmp_path / "r.git", FILES, cargo_workspaces, LIMITS)
    counts = sources.counts
    assert (counts.files, counts.parsed, counts.too_large, counts.binary, counts.errors, counts.not_utf8) == (4, 3, 1, 1, 1, 1)
    assert sorted(use.name for use in source_view(sources).externals) == ["alpha", "beta", "epsilon"]


def test_the_size_limit_is_configurable(tmp_path):
    assert fixture_sources(tmp_path / "r.git", FILES, cargo_workspaces, Limits(max_bytes=10_000)).counts.too_large == 0


def _without(tmp_path, files, path):
    """The fixture read after the object at `path` is deleted from the repository."""
    repo, tree = committed(tmp_path / "r.git", files)
    workspaces = cargo_workspaces(repo, tree, MemoryCache())
    gone = str(tree[path].id)
    (tmp_path / "r.git" / "objects" / gone[:2] / gone[2:]).unlink()
    repo = pygit2.Repository(repo.path)
    (sources,) = read_sources(repo, [ReleaseTree("v1.0.0", repo[tree.id], workspaces)], MemoryCache(), LIMITS, "r")
    return sources


def test_a_blob_missing_from_the_repository_is_counted_and_named(tmp_path):
    sources = _without(tmp_path, FILES, "src/latin.rs")
    assert sources.counts.missing == 1
    assert [str(warning) for warning in sources.warnings] == [
        "r:v1.0.0:src/latin.rs: source file missing from the repository; its imports are not read"]


def test_a_missing_source_directory_is_named_and_the_rest_is_read(tmp_path):
    sources = _without(tmp_path, dict(FILES, **{"src/deep/mod.rs": "use zeta::q;\n"}), "src/deep")
    assert [warning.path for warning in sources.warnings] == ["src/deep"]
    assert sources.counts.files == 4
