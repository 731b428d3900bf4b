"""Cloning and updating bare mirrors, checked against `git for-each-ref` and `git fsck`."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pygit2
import pytest
from rich.console import Console

from miner._sample.builder import Person, RepoBuilder
from miner.errors import MinerError
from miner.sources.clone import clone_all, clone_or_update, parse_source

BOT = Person("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")


@pytest.fixture
def upstream(tmp_path) -> RepoBuilder:
    """A Codex-shaped repository: annotated release tags on release commits off main,
    lightweight tags, a tag on a commit no branch reaches, a tag on a blob, and a
    GitHub pull-request ref that a mirror of heads and tags must leave out."""
    b = RepoBuilder(tmp_path / "upstream" / "codex.git", bare=True)
    root = b.commit("Initial commit", {"codex-rs/Cargo.toml": "[workspace]\n"}, when="2025-04-16T10:00:00-07:00")
    main = b.commit("Add tui (#12)", {"codex-rs/tui/Cargo.toml": "[package]\n"}, when="2025-07-01T10:00:00+00:00")
    release = b.commit("Release 0.44.0", {"codex-rs/Cargo.toml": "[workspace]\nversion='0.44.0'\n"},
                       when="2025-10-06T10:00:00+00:00", parents=[main], branch="")
    b.tag("rust-v0.44.0", release, "Release 0.44.0", when="2025-10-06T10:00:00+00:00")
    b.tag("rust-v0.44.0-alpha.1", main, "alpha", when="2025-10-01T10:00:00+00:00", tagger=BOT)
    b.tag("alpha-cli", root)
    b.tag("latest", main)
    b.tag("blob-tag", b.blob("not a commit"), "points at a blob", when="2025-10-02T10:00:00+00:00")
    b.commit("WIP on feature", {"x.txt": "x"}, when="2025-10-03T10:00:00+00:00", branch="feature/app-server", parents=[main])
    b.commit("Release branch", {"y.txt": "y"}, when="2025-10-04T10:00:00+00:00", branch="release/0.44", parents=[release])
    pr = b.commit("PR head", {"z.txt": "z"}, when="2025-10-05T10:00:00+00:00", branch="", parents=[main])
    b.repo.references.create("refs/pull/4471/head", pr)
    return b


def test_clone_from_local_path_brings_every_head_and_tag(upstream, tmp_path):
    source = parse_source(upstream.repo.path)
    mirror = clone_or_update(source, tmp_path / "repos")
    assert mirror == tmp_path / "repos" / "upstream+codex"
    assert refs(mirror) == refs(upstream.repo.path)
    assert_complete(mirror)
    assert pygit2.Repository(str(mirror)).is_bare


def test_clone_from_file_url_brings_every_head_and_tag(upstream, tmp_path):
    mirror = clone_or_update(parse_source(f"file://{upstream.repo.path}"), tmp_path / "repos")
    assert refs(mirror) == refs(upstream.repo.path)
    assert git(mirror, "symbolic-ref", "HEAD") == "refs/heads/main"
    assert_complete(mirror)


def test_local_source_missing_an_old_blob_is_mirrored_and_updated(upstream, tmp_path):
    """Real snapshots lack objects (field notes); git's local clone copies what is there."""
    old = upstream.repo.revparse_single("alpha-cli").peel(pygit2.Commit).tree["codex-rs/Cargo.toml"].id
    upstream.commit("Bump workspace", {"codex-rs/Cargo.toml": "[workspace]\nresolver = '2'\n"},
                    when="2025-10-30T10:00:00+00:00")
    loose = Path(upstream.repo.path) / "objects" / str(old)[:2] / str(old)[2:]
    loose.unlink()
    source = parse_source(upstream.repo.path)
    mirror = clone_or_update(source, tmp_path / "repos")
    assert refs(mirror) == refs(upstream.repo.path)
    new = upstream.commit("Add hooks (#9000)", {"codex-rs/hooks/Cargo.toml": "[package]\n"}, when="2025-11-01T10:00:00+00:00")
    clone_or_update(source, tmp_path / "repos")
    assert git(mirror, "rev-parse", "refs/heads/main") == str(new)
    assert refs(mirror) == refs(upstream.repo.path)


def test_relative_dest_is_cloned_and_updated(upstream, tmp_path, monkeypatch):
    """`--dest clones` names a directory under the working directory, as any path does."""
    monkeypatch.chdir(tmp_path)
    source = parse_source(upstream.repo.path)
    mirror = clone_or_update(source, Path("clones"))
    assert mirror == tmp_path / "clones" / "upstream+codex"
    assert refs(mirror) == refs(upstream.repo.path)
    new = upstream.commit("Add hooks (#9000)", {"codex-rs/hooks/Cargo.toml": "[package]\n"}, when="2025-11-01T10:00:00+00:00")
    assert clone_or_update(source, Path("clones")) == mirror
    assert git(mirror, "rev-parse", "refs/heads/main") == str(new)


def test_relative_miner_home_holds_the_default_dest(upstream, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MINER_HOME", "home")
    results = clone_all([parse_source(upstream.repo.path)], quiet=True)
    assert [(r.status, r.message) for r in results] == [("cloned", "")]
    assert results[0].path == tmp_path / "home" / "repos" / "upstream+codex"
    assert refs(results[0].path) == refs(upstream.repo.path)


def test_mine_clone_with_a_relative_dest(upstream, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", "from miner.cli import main; main()", "clone", upstream.repo.path, "--dest", "clones"],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert refs(tmp_path / "clones" / "upstream+codex") == refs(upstream.repo.path)


def test_pull_request_refs_are_not_mirrored(upstream, tmp_path):
    mirror = clone_or_update(parse_source(upstream.repo.path), tmp_path / "repos")
    assert "refs/pull/4471/head" in git(upstream.repo.path, "for-each-ref", "--format=%(refname)")
    assert "refs/pull" not in git(mirror, "for-each-ref", "--format=%(refname)")


def test_update_adds_moves_and_prunes_refs(upstream, tmp_path):
    source = parse_source(upstream.repo.path)
    mirror = clone_or_update(source, tmp_path / "repos")
    main = upstream.repo.references["refs/heads/main"].target
    new = upstream.commit("Release 0.45.0", {"a": "b"}, when="2025-10-20T10:00:00+00:00")
    upstream.tag("rust-v0.45.0", new, "Release 0.45.0", when="2025-10-20T10:00:00+00:00")
    upstream.tag("rust-v0.46.0-alpha.1", new)
    upstream.repo.references.create("refs/tags/latest", new, force=True)
    upstream.repo.references.delete("refs/tags/alpha-cli")
    upstream.repo.references.delete("refs/tags/rust-v0.44.0-alpha.1")
    upstream.repo.references.delete("refs/heads/release/0.44")
    rewritten = upstream.commit("Rewritten feature", {"w": "w"}, when="2025-10-21T10:00:00+00:00",
                                branch="feature/app-server", parents=[main])
    assert clone_or_update(source, tmp_path / "repos") == mirror
    assert refs(mirror) == refs(upstream.repo.path)
    assert git(mirror, "rev-parse", "refs/tags/latest") == str(new)
    assert git(mirror, "rev-parse", "refs/heads/feature/app-server") == str(rewritten)
    assert_complete(mirror)


def test_update_follows_the_remote_default_branch(upstream, tmp_path):
    source = parse_source(upstream.repo.path)
    mirror = clone_or_update(source, tmp_path / "repos")
    upstream.repo.set_head("refs/heads/feature/app-server")
    clone_or_update(source, tmp_path / "repos")
    assert git(mirror, "symbolic-ref", "HEAD") == "refs/heads/feature/app-server"


def test_progress_counts_every_object_of_heads_and_tags(upstream, tmp_path):
    seen = []
    clone_or_update(parse_source(f"file://{upstream.repo.path}"), tmp_path / "repos", seen.append)
    objects = len(git(upstream.repo.path, "rev-list", "--objects", "--branches", "--tags").splitlines())
    last = seen[-1]
    assert last.received_objects == last.total_objects == objects


@pytest.mark.parametrize("where", ["file:///nonexistent/repo.git", "not-a-repository"])
def test_failed_clone_leaves_nothing_behind(tmp_path, where):
    if where == "not-a-repository":
        (tmp_path / "plain" / "dir").mkdir(parents=True)
        where = str(tmp_path / "plain" / "dir")
    dest = tmp_path / "repos"
    with pytest.raises(MinerError) as err:
        clone_or_update(parse_source(where), dest)
    assert where in str(err.value)
    assert list(dest.iterdir()) == []


def test_interrupted_clone_leaves_nothing_behind(upstream, tmp_path):
    def interrupt(_):
        raise KeyboardInterrupt

    dest = tmp_path / "repos"
    with pytest.raises(KeyboardInterrupt):
        clone_or_update(parse_source(f"file://{upstream.repo.path}"), dest, interrupt)
    assert list(dest.iterdir()) == []


def test_credentials_never_reach_the_mirror_config(upstream, tmp_path):
    url = f"file://u:secret@{upstream.repo.path}"
    mirror = clone_or_update(parse_source(url), tmp_path / "repos")
    assert refs(mirror) == refs(upstream.repo.path)
    assert "secret" not in (mirror / "config").read_text()
    assert git(mirror, "config", "remote.origin.url") == f"file://{upstream.repo.path}"


def test_unreachable_url_fails_without_showing_credentials(tmp_path):
    with pytest.raises(MinerError) as err:
        clone_or_update(parse_source("https://u:secret@127.0.0.1:9/x.git"), tmp_path / "repos")
    message = str(err.value)
    assert "secret" not in message
    assert message.startswith("https://127.0.0.1:9/x.git: ")
    assert "\n" not in message
    assert list((tmp_path / "repos").iterdir()) == []


def test_existing_mirror_of_another_repository_is_refused(upstream, tmp_path):
    other = RepoBuilder(tmp_path / "elsewhere" / "upstream" / "codex.git", bare=True)
    other.commit("unrelated", {"a": "a"}, when="2025-07-01T10:00:00+00:00")
    mirror = clone_or_update(parse_source(upstream.repo.path), tmp_path / "repos")
    impostor = parse_source(other.repo.path)
    assert impostor.slug == "upstream+codex"
    with pytest.raises(MinerError, match="remove it or use another --dest"):
        clone_or_update(impostor, tmp_path / "repos")
    assert refs(mirror) == refs(upstream.repo.path)


def test_clone_all_reports_each_outcome_and_goes_on_after_a_failure(upstream, tmp_path):
    out = io.StringIO()
    console = Console(file=out, width=200, force_terminal=False)
    sources = [
        parse_source("https://u:secret@127.0.0.1:9/owner/broken.git"),
        parse_source(upstream.repo.path),
    ]
    first = clone_all(sources, tmp_path / "repos", console=console)
    assert [r.status for r in first] == ["failed", "cloned"]
    assert first[1].path is not None and refs(first[1].path) == refs(upstream.repo.path)
    assert first[0].path is None and "127.0.0.1:9" in first[0].message
    errors = [line for line in out.getvalue().splitlines() if line.startswith("mine: error")]
    assert errors == [f"mine: error: broken: {first[0].message}"]
    assert [line for line in out.getvalue().splitlines() if "broken" in line] == errors  # and no bar: nothing fetched
    assert "secret" not in out.getvalue()
    second = clone_all(sources[1:], tmp_path / "repos", console=console, quiet=True)
    assert [r.status for r in second] == ["updated"]


def refs(repo: str | Path) -> str:
    """The oracle: git's own listing of branches and tags with their targets."""
    return git(repo, "for-each-ref", "--format=%(objectname) %(objecttype) %(refname)", "refs/heads", "refs/tags")


def assert_complete(mirror: Path) -> None:
    """git itself finds every object reachable from every ref."""
    git(mirror, "fsck", "--connectivity-only", "--no-dangling")


def git(repo: str | Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()
