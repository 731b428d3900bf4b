"""A fork's upstream tags: releases whose ranges hold work HEAD's history does not are named in a warning."""
from __future__ import annotations

from fixtures.late_tags import day, work
from miner._sample.builder import RepoBuilder
from miner.pipeline import OFF_HEAD_COMMITS, analyze


def _fork(path):
    """Roo-Code's shape: its own v3.0.1 and v3.1.1 on main, and the upstream's v3.1.0, 120 commits the fork
    never merged, on a branch of its own."""
    builder = RepoBuilder(path, bare=True)
    work(builder, 3, 0, "base")
    fork_point = builder.repo.head.target
    builder.tag("v3.0.1", fork_point, "3.0.1", when=day(1))
    upstream = fork_point
    for n in range(OFF_HEAD_COMMITS + 20):
        upstream = builder.commit(f"upstream {n}", {"src/up.ts": f"// {n}\n"}, when=day(2), parents=[upstream],
                                  branch="upstream")
    builder.tag("v3.1.0", upstream, "3.1.0", when=day(3))
    release = builder.commit("release 3.1.1", {"CHANGELOG.md": "3.1.1\n"}, when=day(4))
    builder.tag("v3.1.1", release, "3.1.1", when=day(4))
    return path


def test_a_release_of_work_head_never_merged_is_named(tmp_path):
    analysis = analyze(str(_fork(tmp_path / "r.git")), db=tmp_path / "s.sqlite", source=False)
    found = [w for w in analysis.warnings if "HEAD's history does not" in w.message]
    assert [w.tag for w in found] == ["v3.1.0"]
    assert found[0].message.startswith(f"1 stable release (v3.1.0) holds {OFF_HEAD_COMMITS + 20} commits HEAD's "
                                       f"history does not (more than {OFF_HEAD_COMMITS})")
    assert found[0].message.endswith("its counts include that work (--skip-tags can leave it out)")
