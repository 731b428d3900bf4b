"""Release ranges on tangled histories equal `git rev-list PREV..TAG`."""
import random

from miner._sample.builder import Person, RepoBuilder
from miner.analyses.releases import commit_ranges
from miner.model.releases import Release
from miner.model.versions import parse_version
from tests.conftest import git

PEOPLE = [Person("A", "a@example.com"), Person("B", "b@example.com")]


def tangled_repo(path, seed: int):
    """Random branches, criss-cross and octopus merges, tags on side commits: a stress case for the walk."""
    rng = random.Random(seed)
    builder = RepoBuilder(path, bare=True)
    heads = [builder.commit("root", {"f": "0"}, when="2025-01-01T00:00:00+00:00", author=PEOPLE[0])]
    tagged = []
    for n in range(1, 160):
        when = f"2025-01-01T{n // 60:02d}:{n % 60:02d}:00+00:00"
        if len(heads) > 1 and rng.random() < 0.25:
            parents = rng.sample(heads, min(len(heads), rng.choice([2, 2, 3])))
        else:
            parents = [rng.choice(heads)]
        commit = builder.commit(f"c{n}", {"f": str(n)}, when=when, author=rng.choice(PEOPLE), parents=parents, branch="")
        heads = [h for h in heads if h not in parents or rng.random() < 0.3] + [commit]
        heads = heads[-4:]
        if n % 9 == 0:
            tagged.append(commit)
    return tagged


def test_ranges_equal_git_rev_list_on_tangled_histories(tmp_path):
    for seed in range(4):
        path = tmp_path / f"tangled{seed}.git"
        tagged = tangled_repo(path, seed)
        log = git(path, "log", "--format=%H %P", *map(str, tagged)).splitlines()
        parents = {line.split()[0]: tuple(line.split()[1:]) for line in log}
        releases = tuple(Release(f"v0.{i}.0", "v", parse_version(f"0.{i}.0"), None, str(commit), False,
                                 f"v0.{i - 1}.0" if i else "")
                         for i, commit in enumerate(tagged))
        ranges = commit_ranges(releases, parents)
        for release in releases:
            previous = [f"^{tagged[int(release.previous.split('.')[1])]}"] if release.previous else []
            expected = set(git(path, "rev-list", release.commit, *previous).split())
            assert ranges[release.tag] == expected, (seed, release.tag)
