"""Each distinct blob is parsed once, ever: results cached by blob id and grammar version."""
from __future__ import annotations

import concurrent.futures
import json
import multiprocessing
import os

import pytest

from fixtures.sourcecode import RUST
from fixtures.sources import cargo_workspaces
from miner._sample.builder import RepoBuilder
from miner.errors import MinerError
from miner.sources import code
from miner.sources.code import AUTO_MAX_WORKERS, AUTO_MIN_BYTES, Limits, ReleaseTree, auto_workers, read_sources
from miner.sources.grammars import grammar
from miner.sources.imports import cache_kind, parse
from miner.store.cache import MemoryCache
from tests.conftest import CountingCache

WHEN = "2025-01-01T00:00:00+00:00"


class JsonCache(CountingCache):
    """Gives back values after a JSON round trip, as the SQLite store does."""

    def put(self, kind, key, value):
        super().put(kind, key, json.loads(json.dumps(value)))


def _releases(tmp_path):
    builder = RepoBuilder(tmp_path / "r.git", bare=True)
    first = builder.commit("one", RUST, when=WHEN)
    second = builder.commit("two", {"crates/app/src/cli.rs": "pub fn run() { corelib::engine::start(); }\n"}, when=WHEN)
    repo = builder.repo
    return repo, [ReleaseTree(tag, repo[commit].tree, cargo_workspaces(repo, repo[commit].tree, MemoryCache()))
                  for tag, commit in (("v1", first), ("v2", second))]


def test_a_release_parses_only_the_files_that_changed_and_a_rerun_parses_nothing(tmp_path):
    repo, releases = _releases(tmp_path)
    cache = JsonCache()
    first, second = read_sources(repo, releases, cache)
    assert (first.counts.parsed, second.counts.parsed) == (8, 1)
    puts = cache.puts
    again = list(read_sources(repo, releases, cache))
    assert [sources.counts.parsed for sources in again] == [0, 0] and cache.puts == puts
    assert [sources.files for sources in again] == [first.files, second.files]


def test_the_cache_kind_names_the_grammar_and_bindings_versions():
    kind = cache_kind("rust")
    assert grammar("rust").version in kind
    assert kind.startswith("imports-v") and "tree-sitter-rust-" in kind and "+tree-sitter-0." in kind
    assert cache_kind("tsx") != cache_kind("typescript")


def test_parsing_shared_out_over_processes_gives_the_same_files(tmp_path):
    repo, releases = _releases(tmp_path)
    alone = list(read_sources(repo, releases, MemoryCache()))
    shared = list(read_sources(repo, releases, MemoryCache(), Limits(workers=2)))
    assert [sources.files for sources in shared] == [sources.files for sources in alone]
    assert [sources.counts for sources in shared] == [sources.counts for sources in alone]


def test_by_default_processes_parse_only_a_large_enough_parse_and_one_per_core_up_to_a_bound(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)), raising=False)
    assert auto_workers(AUTO_MIN_BYTES - 1) == 1
    assert auto_workers(AUTO_MIN_BYTES) == AUTO_MAX_WORKERS < 16
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3, 5}, raising=False)
    assert auto_workers(10 * AUTO_MIN_BYTES) == 2


def test_a_run_inside_an_executors_worker_parses_alone():
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(auto_workers, 10 * AUTO_MIN_BYTES).result() == 1


def test_by_default_a_large_parse_is_shared_out_with_the_same_files(tmp_path, monkeypatch):
    repo, releases = _releases(tmp_path)
    alone = list(read_sources(repo, releases, MemoryCache(), Limits(workers=1)))
    monkeypatch.setattr(code, "AUTO_MIN_BYTES", 1)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    pools, context = [], multiprocessing.get_context
    monkeypatch.setattr(multiprocessing, "get_context", lambda method=None: pools.append(method) or context(method))
    shared = list(read_sources(repo, releases, MemoryCache()))
    assert pools == ["spawn"]
    assert [sources.files for sources in shared] == [sources.files for sources in alone]
    assert [sources.counts for sources in shared] == [sources.counts for sources in alone]


def _die(piece):
    """A parsing process killed in the middle of its work (the out-of-memory killer, a crash)."""
    os._exit(9)


def test_a_parsing_process_that_dies_is_a_clear_error_not_a_wait_forever(tmp_path, monkeypatch):
    repo, releases = _releases(tmp_path)
    monkeypatch.setattr(code, "_parse_in_worker", _die)  # the workers find it by name in this module
    with pytest.raises(MinerError, match=r"^r: a process parsing source files ended abruptly .*--source-workers 1"):
        list(read_sources(repo, releases, MemoryCache(), Limits(workers=2), repo_name="r"))


def test_a_file_parsed_from_its_previous_version_has_the_imports_of_its_own_parse(tmp_path):
    repo, releases = _releases(tmp_path)
    _, second = read_sources(repo, releases, MemoryCache())
    changed = next(file for file in second.files if file.path == "crates/app/src/cli.rs")
    blob_id = releases[1].tree["crates/app/src/cli.rs"].id
    assert changed.imports == parse("rust", repo[blob_id].data)
    assert [i.target for i in changed.imports.imports] == ["corelib"]
