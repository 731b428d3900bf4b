"""Bad source files are counted per release, never fatal: syntax errors, size, binary, non-UTF-8, missing blobs."""
from __future__ import annotations

import pygit2

from fixtures.sources import cargo_workspaces, committed
from fixtures.workspaces import package
from miner.analyses.sourceview import source_view
from miner.cache import MemoryCache
from miner.sources.code import Limits, ReleaseTree, read_sources

FILES = {
    "Cargo.toml": package("bad"),
    "src/lib.rs": "use alpha::x;\nfn broken( {\nuse beta::y;\n",
    "src/big.rs": "use gamma::z;\n" + "// generated\n" * 200,
    "src/blob.rs": b"use delta::w;\0\0\0\xff\xfe",
    "src/latin.rs": b"use epsilon::v;\n// caf\xe9\n",
}


def _read(tmp_path, files=FILES, limits=Limits(max_bytes=1000)):
    repo, tree = committed(tmp_path / "r.git", files)
    (sources,) = read_sources(repo, [ReleaseTree("v1.0.0", tree, cargo_workspaces(repo, tree, MemoryCache()))],
                              MemoryCache(), limits, repo_name="r")
    return sources


def test_each_kind_of_bad_file_is_counted_and_the_readable_imports_are_kept(tmp_path):
    sources = _read(tmp_path)
    counts = sources.counts
    assert (counts.files, counts.parsed, counts.too_large, counts.binary, counts.errors, counts.not_utf8) == (4, 3, 1, 1, 1, 1)
    assert sorted(use.name for use in source_view(sources).externals) == ["alpha", "beta", "epsilon"]


def test_the_size_limit_is_configurable(tmp_path):
    assert _read(tmp_path, limits=Limits(max_bytes=10_000)).counts.too_large == 0


def test_a_blob_missing_from_the_repository_is_counted_and_named(tmp_path):
    repo, tree = committed(tmp_path / "r.git", FILES)
    blob = tree["src/latin.rs"].id
    (tmp_path / "r.git" / "objects" / str(blob)[:2] / str(blob)[2:]).unlink()
    repo = pygit2.Repository(repo.path)
    (sources,) = read_sources(repo, [ReleaseTree("v1.0.0", repo[tree.id], cargo_workspaces(repo, tree, MemoryCache()))],
                              MemoryCache(), Limits(max_bytes=1000), repo_name="r")
    assert sources.counts.missing == 1
    assert [str(warning) for warning in sources.warnings] == [
        "r:v1.0.0:src/latin.rs: source file missing from the repository; its imports are not read"]


def test_a_missing_source_directory_is_named_and_the_rest_is_read(tmp_path):
    files = dict(FILES, **{"src/deep/mod.rs": "use zeta::q;\n"})
    repo, tree = committed(tmp_path / "r.git", files)
    deep = tree["src/deep"].id
    (tmp_path / "r.git" / "objects" / str(deep)[:2] / str(deep)[2:]).unlink()
    repo = pygit2.Repository(repo.path)
    (sources,) = read_sources(repo, [ReleaseTree("v1.0.0", repo[tree.id], cargo_workspaces(repo, tree, MemoryCache()))],
                              MemoryCache(), Limits(max_bytes=1000), repo_name="r")
    assert [warning.path for warning in sources.warnings] == ["src/deep"]
    assert sources.counts.files == 4
