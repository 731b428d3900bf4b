"""Publishing is one switch: a run killed at any point of it leaves the report folder and the graphs folder
holding one analysis (the old one, or, once the next run has finished the switch, the new one), and no
scratch entry survives the next run, which deletes nothing else."""
import multiprocessing
import os
import shutil
import signal

import pytest

from miner._sample.builder import RepoBuilder
from miner._sample.people import GRACE
from miner.outputs.publish import JOURNAL, STAMP, publish
from miner.pipeline import analyze

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the killed publish runs in a forked child")


@pytest.fixture(scope="module")
def runs(agent_repo, tmp_path_factory):
    """Two analyses whose files all differ (B has one release more), each published whole as a reference."""
    folder = tmp_path_factory.mktemp("runs")
    newer = folder / "newer.git"
    shutil.copytree(agent_repo, newer)
    builder = RepoBuilder(newer, bare=True)
    grown = {"codex-rs/core/src/lib.rs": "//! codex-core\npub fn run() {}\npub fn more() {}\n"}
    builder.tag("rust-v0.9.0", builder.commit("Grow the core (#900)", grown, when="2025-10-10T10:00:00+00:00",
                                              author=GRACE))
    found = {}
    for name, repo in (("A", agent_repo), ("B", newer)):
        result = analyze(str(repo), db=folder / f"{name}.sqlite")
        publish(result, folder / name / "out", folder / name / "graphs")
        found[name] = result
    return folder, found


def contents(folder):
    """Every file published in `out` and `graphs` (miner's own bookkeeping left out), by place and name, with its bytes."""
    return {(part, path.name): path.read_bytes() for part in ("out", "graphs")
            for path in sorted((folder / part).iterdir()) if path.is_file() and not path.name.startswith(".mine-")}


def leftovers(folder):
    return [path for part in ("out", "graphs") for path in (folder / part).iterdir()
            if path.name.startswith(".mine-") and path.name != STAMP]


def publish_killed(at, log, result, folder):
    """Publish `result` into `folder` in a child that SIGKILLs itself at its `at`-th os.replace or os.unlink
    (never, if `at` is 0), after noting each call and its paths in `log`; returns the child's exit code."""
    def child():
        calls = 0

        def hooked(real):
            def call(*args, **kwargs):
                nonlocal calls
                calls += 1
                with open(log, "a") as noted:
                    noted.write(" ".join([real.__name__, *map(str, args)]) + "\n")
                if calls == at:
                    os.kill(os.getpid(), signal.SIGKILL)
                return real(*args, **kwargs)
            return call

        os.replace, os.unlink = hooked(real_replace), hooked(real_unlink)
        publish(result, folder / "out", folder / "graphs")

    real_replace, real_unlink = os.replace, os.unlink
    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    process.join()
    return process.exitcode


def kill_points(runs, tmp_path):
    """The calls of an uninterrupted publish over run A's files at which a kill means something different."""
    folder, found = runs
    shutil.copytree(folder / "A", tmp_path / "dry")
    log = tmp_path / "calls.log"
    assert publish_killed(0, log, found["B"], tmp_path / "dry") == 0
    calls = log.read_text().splitlines()
    moves = [number for number, call in enumerate(calls, 1) if call.startswith("replace") and ".partial/" in call]
    into_graphs = [number for number in moves if calls[number - 1].split()[-1].startswith(str(tmp_path / "dry" / "graphs"))]
    points = {"journal written": calls.index(next(c for c in calls if c.endswith(JOURNAL))) + 1,
              "first move": moves[0], "last report file": into_graphs[0] - 1, "first graph file": into_graphs[0],
              "stamp": next(n for n in moves if calls[n - 1].endswith(STAMP)),
              "journal deleted": next(n for n, c in enumerate(calls, 1) if c.startswith("unlink") and JOURNAL in c)}
    assert points["journal written"] < points["first move"] < points["first graph file"] < points["stamp"]
    return points


def test_a_kill_at_any_point_of_the_switch_leaves_one_analysis_and_the_next_run_cleans_up(runs, tmp_path):
    folder, found = runs
    old, new = contents(folder / "A"), contents(folder / "B")
    assert old[("out", "report.md")] != new[("out", "report.md")]
    assert old[("graphs", "packages.gexf")] != new[("graphs", "packages.gexf")]
    for point, at in kill_points(runs, tmp_path).items():
        place = tmp_path / point.replace(" ", "-")
        shutil.copytree(folder / "A", place)
        assert publish_killed(at, tmp_path / "killed.log", found["B"], place) == -signal.SIGKILL, point
        switched = (place / "out" / JOURNAL).exists()
        assert switched == (point != "journal written"), point
        if not switched:
            assert contents(place) == old, point
        again = publish(found["B"], place / "out", place / "graphs")
        assert again.written == (not switched), point  # a switch made is finished, not written again
        assert contents(place) == new, point
        assert leftovers(place) == [], point


def test_scratch_entries_of_a_killed_run_go_and_nothing_else_does(runs, tmp_path, monkeypatch):
    folder, found = runs
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".mine-x1y2.partial").mkdir()
    (tmp_path / ".mine-x1y2.partial" / "report.md").write_text("half written")
    (tmp_path / f"{JOURNAL}.partial").write_text("[")
    mine = {"notes.txt": "mine", ".mine-notes": "mine too", "report.md.bak": "old"}
    for name, text in mine.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "drafts").mkdir()
    result = found["A"]
    assert publish(result, ".", tmp_path / "g").written
    assert not (tmp_path / ".mine-x1y2.partial").exists() and not (tmp_path / f"{JOURNAL}.partial").exists()
    assert {name: (tmp_path / name).read_text() for name in mine} == mine and (tmp_path / "drafts").is_dir()
    assert (tmp_path / "report.md").read_bytes() == (folder / "A" / "out" / "report.md").read_bytes()
    assert not [path for path in tmp_path.iterdir() if path.name.endswith(".partial")]
