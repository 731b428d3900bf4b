"""`mine news --since last` against git as the oracle, on a history that grows in steps between two runs
(`fixtures.news`): each run lists exactly what the step added, and a step that adds nothing is one line."""
from __future__ import annotations

import json
import subprocess
from collections import defaultdict
from datetime import datetime

import pytest

from fixtures.news import STEPS, grow
from fixtures.workspaces import cargo_available, cargo_view
from miner.model.versions import parse_tag
from miner.pipeline import analyze


def git(repo, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def tags(repo) -> dict[str, datetime]:
    """Every tag git lists, with its date as `git for-each-ref` gives it."""
    lines = git(repo, "for-each-ref", "--format=%(refname:short)\t%(creatordate:iso-strict)", "refs/tags").split("\n")
    return {name: datetime.fromisoformat(date) for name, date in (line.split("\t") for line in lines if line)}


def release_tags(repo) -> list[str]:
    return [t for t in tags(repo) if (parsed := parse_tag(t)) is not None and parsed.prefix == "v"]


def authors(repo) -> dict[str, list[datetime]]:
    """Each author e-mail with the dates of their commits in the history of any release tag."""
    found = defaultdict(list)
    for line in git(repo, "log", "--no-merges", "--format=%aE\t%aI", *release_tags(repo)).splitlines():
        email, date = line.split("\t")
        found[email].append(datetime.fromisoformat(date))
    return found


def cargo_members(repo, tag, tmp_path) -> dict[str, str]:
    """Path -> package name of the workspace at `tag`, as `cargo metadata` reads the tag's files."""
    work = tmp_path / f"tree-{tag}"
    if work.exists():  # a tag's tree never changes
        return cargo_members_at(work)
    work.mkdir()
    archive = subprocess.run(["git", "-C", str(repo), "archive", tag], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(work)], input=archive, check=True)
    return cargo_members_at(work)


def cargo_members_at(work) -> dict[str, str]:
    members = cargo_view(work)[""]["members"]
    return {path.removesuffix("/Cargo.toml"): name for name, path, *_ in members}


def highest(repo) -> str:
    return max(release_tags(repo), key=lambda t: parse_tag(t).version.sort_key)


def news_json(mine, db) -> dict:
    done = mine("news", "demo", "--db", db, "--format", "json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert len(found) == 1
    return found[0]


def test_each_run_lists_what_the_step_added_and_nothing_else(mine, tmp_path):
    if not cargo_available():
        pytest.skip("cargo, the packages' oracle, is not on PATH or cannot run offline")
    repo, db = tmp_path / "demo.git", tmp_path / "miner.sqlite"
    grow(repo, 1)
    analyze(str(repo), db=db)
    done = mine("news", "demo", "--db", db)
    assert (done.returncode, done.stdout) == (0, "") and "first `mine news` run" in done.stderr
    before_tags, before_authors = tags(repo), authors(repo)
    before_members = cargo_members(repo, highest(repo), tmp_path)
    for step in range(2, STEPS + 1):
        grow(repo, step)
        analyze(str(repo), db=db)
        now_tags, now_authors = tags(repo), authors(repo)
        now_members = cargo_members(repo, highest(repo), tmp_path)
        news = news_json(mine, db)
        added = [t for t in release_tags(repo) if t not in before_tags]
        assert sorted(r["tag"] for r in news["releases"]) == sorted(added)
        new_lines = {parse_tag(t).prefix for t in now_tags if parse_tag(t)} - {
            parse_tag(t).prefix for t in before_tags if parse_tag(t)}
        assert {(line["line"], line["first_tag"]) for line in news["lines"]} == {
            (line, min((t for t in now_tags if parse_tag(t) and parse_tag(t).prefix == line),
                       key=now_tags.__getitem__)) for line in new_lines}
        assert sorted(p["author"].removeprefix("email:") for p in news["newcomers"]) == sorted(
            set(now_authors) - set(before_authors))
        assert _package_changes(news) == _member_changes(before_members, now_members)
        newest = max(now_tags[t] for t in release_tags(repo))
        gone = {email for email, dates in now_authors.items()
                if len(dates) >= 3 and (newest - max(dates)).days > 90}
        was_gone = {email for email, dates in before_authors.items()
                    if len(dates) >= 3 and (max(before_tags[t] for t in before_tags) - max(dates)).days > 90}
        assert {p["author"].removeprefix("email:") for p in news["stopped"]} == gone - was_gone
        if step == 2:  # the one step whose release notes name a capability
            assert "MCP" in git(repo, "for-each-ref", "--format=%(contents)", "refs/tags/v0.3.0")
            assert [(c["capability"], c["release"]) for c in news["capabilities"]] == [("MCP", "v0.3.0")]
            assert [b["words"] for b in news["bursts"]] == ["3 alphas for v0.3.0 in 2 days"]
        else:
            assert news["capabilities"] == [] and news["bursts"] == []
        before_tags, before_authors, before_members = now_tags, now_authors, now_members
    done = mine("news", "demo", "--db", db)
    assert done.returncode == 0 and done.stdout.startswith("nothing new since the last run (")
    assert done.stdout.count("\n") == 1


def _package_changes(news) -> set[tuple]:
    return {(c["change"], c["old_package"] or c["package"], c["package"]) for c in news["packages"]}


def _member_changes(before: dict[str, str], after: dict[str, str]) -> set[tuple]:
    """Added, removed and renamed (same directory, another name) members between two cargo views."""
    changes = {("added", name, name) for path, name in after.items() if path not in before}
    changes |= {("removed", name, name) for path, name in before.items() if path not in after}
    return changes | {("renamed", before[path], name) for path, name in after.items()
                      if path in before and before[path] != name}


def test_since_a_tag_or_a_date_is_what_came_after_it(mine, tmp_path):
    repo, db = tmp_path / "demo.git", tmp_path / "miner.sqlite"
    for step in range(1, STEPS + 1):
        grow(repo, step)
    analyze(str(repo), db=db)
    dated = tags(repo)
    later = sorted(t for t in release_tags(repo) if dated[t] > dated["v0.2.0"])
    for since in ("v0.2.0", "2025-01-13"):
        done = mine("news", "demo", "--db", db, "--since", since, "--format", "json")
        assert done.returncode == 0, done.stderr
        news = json.loads(done.stdout)[0]
        assert sorted(r["tag"] for r in news["releases"]) == later
        assert [p["author"] for p in news["newcomers"]] == ["email:eve@example.com"]
    done = mine("news", "demo", "--db", db, "--since", "v0.4.0")
    assert (done.returncode, done.stdout) == (0, "nothing new since v0.4.0 (2025-06-05)\n")
    done = mine("news", "demo", "--db", db, "--since", "no-such-thing")
    assert done.returncode == 1
    assert done.stderr == "mine: error: --since 'no-such-thing': not 'last', a release tag of demo or a date\n"
