"""The store: a second run re-mines nothing, new commits are walked alone, interrupted runs change nothing."""
import shutil
import time

import pytest

import miner.pipeline
from miner._sample.builder import RepoBuilder
from miner._sample.people import GRACE
from miner.errors import MinerError
from miner.pipeline import Options, analyze, fingerprint, load, resolve
from miner.sources.repository import open_repository
from miner.store.sqlite import Store
from tests.conftest import git


@pytest.fixture
def repo(agent_repo, tmp_path):
    copy = tmp_path / "agent.git"
    shutil.copytree(agent_repo, copy)
    return copy


def test_second_run_walks_nothing_and_gives_the_same_tables(repo, tmp_path):
    db = tmp_path / "s.sqlite"
    first = analyze(str(repo), db=db)
    second = analyze(str(repo), db=db)
    assert first.walked == int(git(repo, "rev-list", "--count", "--tags", "main")) - _unreachable_tagged(repo)
    assert second.walked == 0
    assert set(first.tables) == set(second.tables)
    for name, table in first.tables.items():
        assert table.to_csv(index=False) == second.tables[name].to_csv(index=False), name


def test_new_commits_and_tags_are_walked_alone(repo, tmp_path):
    db = tmp_path / "s.sqlite"
    analyze(str(repo), db=db)
    builder = RepoBuilder(repo, bare=True)
    tip = builder.commit("New work (#900)", {"docs/new.md": "new\n"}, when="2025-10-10T10:00:00+00:00", author=GRACE)
    tip = builder.commit("More work (#901)", {"docs/new.md": "newer\n"}, when="2025-10-11T10:00:00+00:00", author=GRACE)
    builder.tag("rust-v0.9.0", tip)
    result = analyze(str(repo), db=db)
    assert result.walked == 2
    row = result.tables["releases"].set_index("tag").loc["rust-v0.9.0"]
    assert row["commits"] == int(git(repo, "rev-list", "--no-merges", "--count", "rust-v0.8.0..rust-v0.9.0"))


def test_run_interrupted_during_the_walk_leaves_the_store_as_it_was(repo, tmp_path, monkeypatch):
    db = tmp_path / "s.sqlite"
    real_walk = miner.pipeline.walk

    def dying_walk(*args, **kwargs):
        for number, commit in enumerate(real_walk(*args, **kwargs)):
            if number == 10:
                raise KeyboardInterrupt
            yield commit

    monkeypatch.setattr(miner.pipeline, "walk", dying_walk)
    with pytest.raises(KeyboardInterrupt):
        analyze(str(repo), db=db)
    store = Store(db)
    assert store.db.execute("SELECT count(*) FROM commits").fetchone()[0] == 0
    assert store.db.execute("SELECT count(*) FROM walked_tip").fetchone()[0] == 0


def test_run_interrupted_while_saving_keeps_the_previous_tables(repo, tmp_path, monkeypatch):
    db = tmp_path / "s.sqlite"
    before = analyze(str(repo), db=db).tables
    calls = []

    def dying_to_json(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    import pandas as pd
    original = pd.DataFrame.to_json
    monkeypatch.setattr(pd.DataFrame, "to_json", dying_to_json)
    with pytest.raises(KeyboardInterrupt):
        analyze(str(repo), db=db, tags=r"^rust-v0\.8\.0$")
    monkeypatch.undo()
    saved, _ = Store(db).load("agent")
    assert saved["releases"]["tag"].tolist() == before["releases"]["tag"].tolist()


def _unreachable_tagged(repo) -> int:
    """Commits reachable only from tags outside the analysed line (their tips are not walked)."""
    analysed = [t for t in git(repo, "tag", "--list", "rust-v[0-9]*").split()]
    walked = set(git(repo, "rev-list", *analysed, "main").split())
    every = set(git(repo, "rev-list", "--tags", "main").split())
    return len(every - walked)


def test_another_name_is_another_analysis_and_the_first_stays(repo, tmp_path):
    db = tmp_path / "s.sqlite"
    first = analyze(str(repo), db=db)
    other = analyze(str(repo), db=db, name="codex-public", line="rust-v")
    store = Store(db)
    assert store.analyses()["name"].tolist() == ["agent", "codex-public"] and other.walked == 0
    assert load("agent", db).tables["releases"].equals(first.tables["releases"])
    with pytest.raises(MinerError, match="analysed under several names"):
        store.find(str(repo))


def test_a_path_finds_its_one_analysis(repo, tmp_path):
    db = tmp_path / "s.sqlite"
    analyze(str(repo), db=db)
    assert Store(db).find(str(repo)) == "agent"


def test_the_line_asked_for_and_the_same_line_chosen_are_one_input(repo, tmp_path):
    db = tmp_path / "s.sqlite"
    first = analyze(str(repo), db=db)
    again = analyze(str(repo), db=db, line=first.line)
    assert again.inputs == first.inputs and again.walked == 0 and again.commits == []


def test_a_relative_window_is_another_input_each_day(repo, monkeypatch):
    git = open_repository(str(repo)).git

    def stamps():
        return tuple(fingerprint(git, resolve(options), "rust-v") for options in (relative, fixed))

    relative, fixed = Options(since="30 days ago"), Options(since="2025-01-01", until="2025-12-31")
    today = stamps()
    assert stamps() == today
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 86400)
    tomorrow = stamps()
    assert tomorrow[0] != today[0] and tomorrow[1] == today[1]
