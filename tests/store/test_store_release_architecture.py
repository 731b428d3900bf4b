"""A re-run reads the architecture of the new releases only, and its tables are those of a cold run.

Each release's architecture is kept in the object cache under its tree, its
`--workspace` pin, whether it is the described release and miner's mining
code: after new tags only the new releases' trees are read, a retagged or
deleted tag gives the tables a first run gives, and a release whose reading
warned is read again every time.
"""
import shutil

import pygit2
import pytest

import miner.pipeline
from miner._sample.builder import RepoBuilder
from miner._sample.people import GRACE
from miner.pipeline import RELEASE_ARCHITECTURE, analyze
from miner.store.sqlite import Store
from tests.conftest import git


@pytest.fixture
def repo(agent_repo, tmp_path):
    copy = tmp_path / "agent.git"
    shutil.copytree(agent_repo, copy)
    return copy


@pytest.fixture
def reads(monkeypatch):
    """The tags whose trees `read_architecture` reads, run after run."""
    found: list[str] = []
    real = miner.pipeline.read_architecture

    def counting(git_repo, releases, *args):
        found.extend(release.tag for release in releases)
        return real(git_repo, releases, *args)

    monkeypatch.setattr(miner.pipeline, "read_architecture", counting)
    return found


def _same_tables(update, cold) -> None:
    assert set(update.tables) == set(cold.tables)
    for name, table in update.tables.items():
        assert table.to_csv(index=False) == cold.tables[name].to_csv(index=False), name


def _tags(repo) -> list[str]:
    return git(repo, "tag", "--list", "rust-v[0-9]*").split()


def test_new_tags_read_only_the_new_trees_and_give_the_cold_tables(repo, tmp_path, reads):
    db = tmp_path / "s.sqlite"
    first = analyze(str(repo), db=db)
    read_first = list(reads)
    assert set(read_first) == set(first.tables["releases"]["tag"])
    builder = RepoBuilder(repo, bare=True)
    manifest = git(repo, "show", "rust-v0.8.0:codex-rs/Cargo.toml")
    tip = builder.commit("New crate (#900)", {"codex-rs/Cargo.toml": manifest.replace('members = [', 'members = ["x", '),
                                              "codex-rs/x/Cargo.toml": '[package]\nname = "x"\nversion = "0.9.0"\n',
                                              "codex-rs/x/src/lib.rs": "pub fn x() {}\n"},
                         when="2025-10-10T10:00:00+00:00", author=GRACE)
    builder.tag("rust-v0.9.0", tip, "Release 0.9.0", when="2025-10-10T11:00:00+00:00", tagger=GRACE)
    del reads[:]
    update = analyze(str(repo), db=db)
    # The new release, and the one described before it (its lines were counted; now 0.9.0 is described).
    assert sorted(reads) == ["rust-v0.8.0", "rust-v0.9.0"]
    assert "x" in set(update.tables["packages"]["package"])
    _same_tables(update, analyze(str(repo), db=tmp_path / "cold.sqlite"))


def test_a_retagged_release_is_read_again(repo, tmp_path, reads):
    db = tmp_path / "s.sqlite"
    analyze(str(repo), db=db)
    builder = RepoBuilder(repo, bare=True)
    moved = "rust-v0.5.0"
    base = git(repo, "rev-parse", f"{moved}^{{commit}}").strip()
    manifest = git(repo, "show", f"{moved}:codex-rs/Cargo.toml")
    again = builder.commit("Release 0.5.0 again", {"codex-rs/Cargo.toml": manifest + "\n# retagged\n",
                                                   "codex-rs/extra.rs": "// more bytes\n" * 40},
                           when="2025-06-01T10:00:00+00:00", parents=[pygit2.Oid(hex=base)], branch="")
    git(repo, "tag", "-d", moved)
    builder.tag(moved, again)
    del reads[:]
    update = analyze(str(repo), db=db)
    assert moved in reads
    _same_tables(update, analyze(str(repo), db=tmp_path / "cold.sqlite"))


def test_a_deleted_tag_gives_the_cold_tables(repo, tmp_path, reads):
    db = tmp_path / "s.sqlite"
    analyze(str(repo), db=db)
    tags = _tags(repo)
    git(repo, "tag", "-d", tags[len(tags) // 2])
    del reads[:]
    update = analyze(str(repo), db=db)
    assert tags[len(tags) // 2] not in set(update.tables["releases"]["tag"])
    _same_tables(update, analyze(str(repo), db=tmp_path / "cold.sqlite"))


def test_other_mining_code_reads_every_release_again(repo, tmp_path, reads, monkeypatch):
    db = tmp_path / "s.sqlite"
    analyze(str(repo), db=db)
    first = len(reads)
    monkeypatch.setattr(miner.pipeline, "_mining_code", lambda: "another version")
    builder = RepoBuilder(repo, bare=True)
    builder.commit("Docs (#901)", {"docs/more.md": "more\n"}, when="2025-10-11T10:00:00+00:00", author=GRACE)
    del reads[:]
    analyze(str(repo), db=db)
    assert len(reads) == first


def test_a_release_whose_reading_warned_is_not_kept(crate_repo, tmp_path, reads):
    copy = tmp_path / "crate.git"
    shutil.copytree(crate_repo, copy)
    builder = RepoBuilder(copy, bare=True)
    tip = builder.commit("Broken manifest", {"Cargo.toml": "[package\nname = 'broken'\n"},
                         when="2025-12-01T10:00:00+00:00")
    builder.tag("9.9.9", tip)
    db = tmp_path / "s.sqlite"
    first = analyze(str(copy), db=db)
    assert any(w.tag == "9.9.9" for w in first.warnings)
    kept = Store(db).db.execute("SELECT count(*) FROM object_cache WHERE kind = ?", (RELEASE_ARCHITECTURE,))
    assert kept.fetchone()[0] == len(set(reads)) - 1
    builder.commit("Docs", {"README.md": "more\n"}, when="2025-12-02T10:00:00+00:00")
    del reads[:]
    again = analyze(str(copy), db=db)
    assert reads == ["9.9.9"]
    manifest = [w for w in first.warnings if w.tag == "9.9.9" and w.path]
    assert manifest and [w for w in again.warnings if w.tag == "9.9.9" and w.path] == manifest


@pytest.fixture
def sources_read(monkeypatch):
    """The releases whose sources `read_sources` reads, run after run."""
    found: list[str] = []
    real = miner.pipeline.read_sources

    def counting(git_repo, trees, *args):
        trees = list(trees)
        found.extend(tree.release for tree in trees)
        return real(git_repo, trees, *args)

    monkeypatch.setattr(miner.pipeline, "read_sources", counting)
    return found


def test_new_tags_read_only_the_new_releases_sources(repo, tmp_path, sources_read):
    db = tmp_path / "s.sqlite"
    first = analyze(str(repo), db=db)
    assert len(first.tables["source_counts"]) == len(set(sources_read)) > 1
    builder = RepoBuilder(repo, bare=True)
    tip = builder.commit("Use the core (#902)", {"codex-rs/cli/src/main.rs": "use codex_core::run;\nfn main() { run() }\n"},
                         when="2025-10-12T10:00:00+00:00", author=GRACE)
    builder.tag("rust-v0.9.0", tip, "Release 0.9.0", when="2025-10-12T11:00:00+00:00", tagger=GRACE)
    del sources_read[:]
    update = analyze(str(repo), db=db)
    assert sources_read == ["rust-v0.9.0"]
    _same_tables(update, analyze(str(repo), db=tmp_path / "cold.sqlite"))


def test_a_retagged_release_has_its_sources_read_again(repo, tmp_path, sources_read):
    db = tmp_path / "s.sqlite"
    analyze(str(repo), db=db)
    stable = [tag for tag in _tags(repo) if "-" not in tag.removeprefix("rust-v")]
    moved = stable[len(stable) // 2]
    base = git(repo, "rev-parse", f"{moved}^{{commit}}").strip()
    again = RepoBuilder(repo, bare=True).commit(
        "Release again", {"codex-rs/cli/src/extra.rs": "use std::fmt;\nuse codex_core::run;\n"},
        when="2025-06-02T10:00:00+00:00", parents=[pygit2.Oid(hex=base)], branch="")
    git(repo, "tag", "-f", moved, str(again))
    del sources_read[:]
    update = analyze(str(repo), db=db)
    assert sources_read == [moved]
    _same_tables(update, analyze(str(repo), db=tmp_path / "cold.sqlite"))
