"""`mine analyze REPO` again with nothing new answers from its record (miner.rerun) without the pipeline,
and any change to what the outputs depend on runs the whole pipeline, whose outputs are a cold run's."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import miner
from miner import rerun
from miner.outputs import STAMP

MINE = [sys.executable, "-c", "from miner.cli import main; main()"]
# The same command with the pipeline, pandas and pygit2 made unimportable: it succeeds only on the fast path.
FAST_ONLY = [sys.executable, "-c", "import sys; sys.modules.update(dict.fromkeys(['miner.pipeline', 'pandas', "
             "'pygit2', 'miner.outputs.publish'])); from miner.cli import main; main()"]
COMMAND = ["analyze", "repo.git", "--db", "s.sqlite", "--out", "out", "--graphs", "graphs",
           "--capabilities", "capabilities.toml"]
GIT_ENV = {"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.invalid", "GIT_COMMITTER_NAME": "Ada",
           "GIT_COMMITTER_EMAIL": "ada@example.invalid", "GIT_AUTHOR_DATE": "2025-09-01T10:00:00+00:00",
           "GIT_COMMITTER_DATE": "2025-09-01T10:00:00+00:00"}


def mine(where: Path, *args, fast_only: bool = False, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*(FAST_ONLY if fast_only else MINE), *COMMAND, *map(str, args)], cwd=where,
                          capture_output=True, text=True, env={**os.environ, **(env or {})})


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(repo), *args], check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout.strip()


def outputs(where: Path) -> dict[str, bytes]:
    """Every file a run published under `where`, by path, but the stamp and the record (they name folders)."""
    return {str(path.relative_to(where)): path.read_bytes() for folder in ("out", "graphs")
            for path in sorted((where / folder).rglob("*")) if path.is_file() and path.name not in (STAMP, rerun.RECORD)}


@pytest.fixture
def work(crate_repo, tmp_path, monkeypatch):
    """A folder with a copy of the ripgrep-shaped repository analysed once, as a user's first run leaves it."""
    monkeypatch.setenv("MINER_HOME", str(tmp_path / "home"))
    where = tmp_path / "work"
    shutil.copytree(crate_repo, where / "repo.git")
    shutil.copy(Path(miner.__file__).parent / "data" / "capabilities.toml", where / "capabilities.toml")
    return where


def cold(work: Path, *args, env: dict | None = None) -> dict[str, bytes]:
    """The outputs of a first run on the repository as it is now, in a folder of its own."""
    fresh = work.parent / "cold"
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir()
    (fresh / "repo.git").symlink_to(work / "repo.git")
    for name in ("capabilities.toml",):
        shutil.copy(work / name, fresh / name)
    done = mine(fresh, *args, env=env)
    assert done.returncode == 0, done.stderr
    return outputs(fresh)


def test_a_second_run_answers_from_the_record_as_the_whole_path_would(work):
    assert mine(work).returncode == 0
    written = {path: path.stat().st_mtime_ns for path in (work / "out").iterdir()}
    fast = mine(work, fast_only=True)
    assert fast.returncode == 0, fast.stderr
    assert "unchanged since the last analysis" in fast.stderr
    assert {path: path.stat().st_mtime_ns for path in (work / "out").iterdir()} == written
    (work / "out" / rerun.RECORD).unlink()
    whole = mine(work)  # the pipeline's own answer for a run with nothing new
    assert whole.returncode == 0
    assert fast.stderr == whole.stderr
    del written[work / "out" / rerun.RECORD]
    assert {path: path.stat().st_mtime_ns for path in (work / "out").iterdir() if path.name != rerun.RECORD} == written
    assert mine(work, fast_only=True).returncode == 0  # the whole path recorded its answer again


def test_an_answer_from_the_record_imports_neither_the_pipeline_nor_pandas_pygit2_or_rich(work):
    assert mine(work, "-q").returncode == 0
    script = ("import sys\nfrom miner.cli import main\ntry:\n    main()\nexcept SystemExit as end:\n"
              "    assert not end.code, end.code\nprint(' '.join(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", script, *COMMAND, "-q"], cwd=work, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    imported = set(done.stdout.split())
    assert "miner.rerun" in imported
    assert not imported & {"miner.pipeline", "miner.outputs.publish", "pandas", "numpy", "pygit2", "rich",
                            "networkx", "matplotlib"}


def _new_tag(work: Path) -> list[str]:
    git(work / "repo.git", "tag", "-a", "0.4.0", "-m", "Release 0.4.0", "main")
    return []


def _moved_tag(work: Path) -> list[str]:
    git(work / "repo.git", "tag", "-f", "0.3.0", "main~1")
    return []


def _moved_packed_tag(work: Path) -> list[str]:
    git(work / "repo.git", "pack-refs", "--all")
    assert mine(work).returncode == 0  # the refs as packed, recorded
    git(work / "repo.git", "update-ref", "refs/tags/0.3.0", git(work / "repo.git", "rev-parse", "main~1"))
    git(work / "repo.git", "pack-refs", "--all")
    return []


def _new_commit(work: Path) -> list[str]:
    repo = work / "repo.git"
    commit = git(repo, "commit-tree", "main^{tree}", "-p", "main", "-m", "Work after 0.3")
    git(repo, "update-ref", "refs/heads/main", commit)
    return []


def _head_on_another_branch(work: Path) -> list[str]:
    repo = work / "repo.git"
    git(repo, "branch", "older", "main~1")
    git(repo, "symbolic-ref", "HEAD", "refs/heads/older")
    return []


def _changed_option(work: Path) -> list[str]:
    return ["--arc", "2"]


def _changed_catalog(work: Path) -> list[str]:
    with open(work / "capabilities.toml", "a", encoding="utf-8") as catalog:
        catalog.write("\n# a comment changes nothing the tables say, but the file is another input\n")
    return []


def _deleted_output(work: Path) -> list[str]:
    (work / "out" / "report.md").unlink()
    return []


def _edited_output(work: Path) -> list[str]:
    path = work / "out" / "releases.csv"
    path.write_text(path.read_text().replace("0.3.0", "9.9.9"))
    return []


def _deleted_graph(work: Path) -> list[str]:
    next(path for path in (work / "graphs").iterdir() if path.suffix == ".gexf").unlink()
    return []


def _other_store_path(work: Path) -> list[str]:
    shutil.copy(work / "s.sqlite", work / "other.sqlite")
    return ["--db", "other.sqlite"]


def _deleted_store(work: Path) -> list[str]:
    for path in work.glob("s.sqlite*"):
        path.unlink()
    return []


def _replaced_store(work: Path) -> list[str]:
    shutil.copy(work / "s.sqlite", work / "copy.sqlite")
    os.replace(work / "copy.sqlite", work / "s.sqlite")
    return []


def _unfinished_publish(work: Path) -> list[str]:
    (work / "out" / ".mine-x1y2.partial").mkdir()  # what a publish killed while writing leaves
    return []


CASES = {"new tag": _new_tag, "moved tag": _moved_tag, "moved packed tag": _moved_packed_tag,
         "new commit on HEAD": _new_commit, "HEAD on another branch": _head_on_another_branch,
         "changed option": _changed_option, "changed catalog file": _changed_catalog,
         "deleted output file": _deleted_output, "edited output file": _edited_output,
         "deleted graph file": _deleted_graph, "other store path": _other_store_path,
         "deleted store": _deleted_store, "replaced store": _replaced_store,
         "unfinished publish": _unfinished_publish}


@pytest.mark.parametrize("change", CASES.values(), ids=CASES.keys())
def test_any_change_runs_the_whole_path_and_gives_the_outputs_of_a_cold_run(work, change):
    assert mine(work).returncode == 0
    assert mine(work, fast_only=True).returncode == 0
    args = change(work)
    missed = mine(work, *args, fast_only=True)
    assert missed.returncode != 0, "answered from the record although an input changed"
    done = mine(work, *args)
    assert done.returncode == 0, done.stderr
    assert outputs(work) == cold(work, *args)
    assert mine(work, *args, fast_only=True).returncode == 0  # recorded again


def test_changed_miner_code_runs_the_whole_path(work, tmp_path):
    """A copy of miner first on the path stands for an upgrade: one changed byte of a module is a miss."""
    copy = tmp_path / "code"
    shutil.copytree(Path(miner.__file__).parent, copy / "miner", ignore=shutil.ignore_patterns("__pycache__"))
    env = {"PYTHONPATH": str(copy)}
    assert mine(work, env=env).returncode == 0
    assert mine(work, fast_only=True, env=env).returncode == 0
    with open(copy / "miner" / "analyses" / "__init__.py", "a", encoding="utf-8") as module:
        module.write("# upgraded\n")
    assert mine(work, fast_only=True, env=env).returncode != 0
    done = mine(work, env=env)
    assert done.returncode == 0, done.stderr
    assert outputs(work) == cold(work, env=env)


def test_a_run_that_fails_after_saving_leaves_no_record_to_answer_from(work):
    assert mine(work).returncode == 0
    _new_tag(work)
    (work / "out" / "report.md").unlink()
    (work / "out" / "report.md").mkdir()  # publish refuses to write over a folder, after the store was saved
    assert mine(work).returncode != 0
    (work / "out" / "report.md").rmdir()
    git(work / "repo.git", "tag", "-d", "0.4.0")  # the refs as recorded, the store no longer
    assert mine(work, fast_only=True).returncode != 0
    assert mine(work).returncode == 0
    assert outputs(work) == cold(work)


def test_tomorrow_is_another_key(work, monkeypatch):
    """The report marks the month in progress and `--since "3 weeks ago"` moves with the day."""
    def key() -> str:
        return rerun.Rerun.of(str(work / "repo.git"), {}, str(work / "s.sqlite"), None, None).inputs

    today = key()
    assert key() == today
    monkeypatch.setattr(rerun.time, "time", lambda: 86400 * 365 * 80)
    monkeypatch.setattr(rerun, "date", type("Later", (), {"today": staticmethod(lambda: date(2049, 12, 18))}))
    assert key() != today


def test_a_clone_named_by_its_short_name_answers_from_the_record_too(crate_repo, tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("MINER_HOME", str(home))
    shutil.copytree(crate_repo, home / "repos" / "BurntSushi+crate" / "repo")
    command = ["analyze", "crate", "--db", "s.sqlite", "-q"]
    assert subprocess.run([*MINE, *command], cwd=tmp_path).returncode == 0
    assert (tmp_path / "reports" / "repo" / rerun.RECORD).is_file()  # a bare `owner+name/repo` is named `repo`
    assert subprocess.run([*FAST_ONLY, *command], cwd=tmp_path).returncode == 0
    shutil.rmtree(home / "repos" / "BurntSushi+crate")  # another clone of that name is another repository
    shutil.copytree(crate_repo, home / "repos" / "Other+crate" / "repo")
    assert subprocess.run([*FAST_ONLY, *command], cwd=tmp_path, capture_output=True).returncode != 0


def test_no_record_when_another_run_published_or_saved_in_between(work, monkeypatch):
    """A run records its own stamp and fingerprint: never those another run left meanwhile."""
    from miner.outputs.publish import Published
    assert mine(work).returncode == 0
    recorded = json.loads((work / "out" / rerun.RECORD).read_text())
    (work / "out" / rerun.RECORD).unlink()
    monkeypatch.chdir(work)
    command = rerun.Rerun.of("repo.git", {}, "s.sqlite", "out", None)
    fingerprint = recorded["store"]["analysis"][0]
    for key, saved in ((recorded["stamp"], "another run's fingerprint"), ("another run's stamp", fingerprint)):
        command.record(recorded["name"], recorded["path"], saved, Published(work / "out", False, key),
                       work / "graphs", [])
        assert not (work / "out" / rerun.RECORD).exists()
    command.record(recorded["name"], recorded["path"], fingerprint, Published(work / "out", False, recorded["stamp"]),
                   work / "graphs", [])
    assert (work / "out" / rerun.RECORD).exists()


def test_the_mine_command_answers_a_quiet_rerun_before_click_is_imported(work):
    launch = [sys.executable, "-c", "import sys; sys.modules.update(dict.fromkeys(['click', 'miner.cli', 'pandas', "
              "'pygit2'])); from miner.launch import main; main()"]
    assert mine(work, "-q").returncode == 0  # records its words too
    again = subprocess.run([*launch, *COMMAND, "-q"], cwd=work, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""
    other_words = [word.replace("--db", "--db=s.sqlite") for word in COMMAND if word != "s.sqlite"]
    assert other_words != COMMAND  # the same options in other words: click's to read, so no answer here
    assert subprocess.run([*launch, *other_words, "-q"], cwd=work, capture_output=True).returncode != 0
    assert subprocess.run([*launch, *COMMAND], cwd=work, capture_output=True).returncode != 0  # not -q
