"""One repository that fails is one line and the others are saved; Ctrl-C leaves every repository not yet
saved as the store had it; what a worker is sent pickles."""
from __future__ import annotations

import pickle
import shutil
from contextlib import closing
from dataclasses import replace

import pytest

from miner._sample.builder import RepoBuilder
from miner.executors import Failure, Processes, Serial, mine_job
from miner.pipeline import Analysis, Options, prepare, resolve
from miner.runs import Done, Target, analyze_many
from miner.sources.repository import open_repository
from miner.store.sqlite import Store
from tests.runs.conftest import stored


def untagged(path) -> Target:
    builder = RepoBuilder(path, bare=True)
    builder.tag("latest", builder.commit("one", {"a": "1"}, when="2025-01-01T00:00:00+00:00"))
    return Target(str(path), path.name)


@pytest.mark.parametrize("executor", [Serial, lambda: Processes(2)], ids=["serial", "processes"])
def test_a_failing_repository_is_one_line_and_the_others_are_saved(three, tmp_path, executor):
    targets = [three[0], untagged(tmp_path / "plain.git"), Target(str(tmp_path / "nowhere"), "nowhere"), three[1]]
    events = []
    with closing(executor()) as pool:
        outcomes = list(analyze_many(targets, pool, db=tmp_path / "s.sqlite", progress=events.append))
    failures = [o for o in outcomes if isinstance(o, Failure)]
    assert sorted(f.message for f in failures) == [f"{tmp_path}/nowhere: no such path",
                                                   "plain: no version tags (1 tags, none parse as a version)"]
    assert sorted(o.analysis.repo for o in outcomes if isinstance(o, Done)) == ["agent", "crate"]
    assert sorted((e.status, e.name) for e in events if e.status != "mined") == [
        ("failed", "nowhere"), ("failed", "plain.git"), ("saved", "agent"), ("saved", "crate"),
        ("started", "agent"), ("started", "crate")]
    assert [name for name, *_ in stored(tmp_path / "s.sqlite")["analyses"]] == ["agent", "crate"]


@pytest.mark.parametrize("executor", [Serial, lambda: Processes(2)], ids=["serial", "processes"])
def test_ctrl_c_leaves_the_repositories_not_yet_saved_as_they_were(three, tmp_path, executor):
    db = tmp_path / "s.sqlite"
    crate = tmp_path / "crate.git"
    shutil.copytree(three[1].spec, crate)
    with closing(Serial()) as pool:
        list(analyze_many([Target(str(crate), "crate")], pool, db=db))
    before = stored(db)
    builder = RepoBuilder(crate, bare=True)  # a new release: the next run mines the crate again
    builder.tag("9.9.9", builder.commit("later", {"b": "2"}, when="2026-01-01T00:00:00+00:00"))

    saved = []

    def interrupt_after_the_first_save(event):
        if event.status == "saved":
            saved.append(event.name)
            raise KeyboardInterrupt

    targets = [three[0], Target(str(crate), "crate"), three[2]]
    with pytest.raises(KeyboardInterrupt), closing(executor()) as pool:
        list(analyze_many(targets, pool, db=db, progress=interrupt_after_the_first_save))
    assert len(saved) == 1
    paths = {name: str(open_repository(t.spec).git_dir) for name, t in zip(["agent", "crate", "evolution"], targets)}
    after = stored(db)
    for name in set(paths) - set(saved):  # as before the run: crate's old analysis, the others absent
        for part, key in (("analyses", name), ("tables", name), ("commits", paths[name]), ("tips", paths[name])):
            assert [row for row in after[part] if row[0] == key] == [row for row in before[part] if row[0] == key]
    assert [row[0] for row in after["analyses"]] == sorted({"crate", *saved})


def test_a_job_pickles_and_its_patterns_match_as_before(agent_repo, tmp_path):
    """RE2 patterns pickle as their text and options and compile again on the other side."""
    with Store(tmp_path / "s.sqlite") as store:
        job = prepare(store, str(agent_repo), open_repository(str(agent_repo)), resolve(Options(tags=r"^rust-v\d")))
        job = replace(job, prior=store.prior(job.path).detached())
        copy = pickle.loads(pickle.dumps(job))
    patterns = [p for capability in job.inputs.capabilities for p in capability.patterns]
    copied = [p for capability in copy.inputs.capabilities for p in capability.patterns]
    lines = ["Add MCP server support", "mcp_tools now stream", "Supports plugins and hooks", "nothing here"]
    assert [[bool(p.search(line)) for line in lines] for p in copied] == \
           [[bool(p.search(line)) for line in lines] for p in patterns]
    assert [p.options.case_sensitive for p in copied] == [p.options.case_sensitive for p in patterns]
    assert copy.inputs.digest == job.inputs.digest and copy.stamp == job.stamp
    assert copy.run().tables["releases"].equals(job.run().tables["releases"])


def test_a_worker_whose_mirror_moved_since_the_client_read_it_fails_that_repository(crate_repo, tmp_path):
    crate = tmp_path / "crate.git"
    shutil.copytree(crate_repo, crate)
    with Store(tmp_path / "s.sqlite") as store:
        job = prepare(store, str(crate), open_repository(str(crate)), resolve(Options()))
    assert isinstance(mine_job(job, verify=True), Analysis)
    builder = RepoBuilder(crate, bare=True)  # the worker's mirror fetched a release the client has not seen
    builder.tag("9.9.9", builder.commit("later", {"b": "2"}, when="2026-01-01T00:00:00+00:00"))
    failed = mine_job(job, verify=True)
    assert isinstance(failed, Failure) and failed.message.startswith(
        f"crate: the repository at {job.path} on ") and "is not the one the client read" in failed.message
