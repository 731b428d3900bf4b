"""The contributor-specialization map: who works on which crates and layers, and who owns each crate.

Every non-merge commit is credited to its author and to each distinct
`Co-authored-by:` co-author, after `miner.analyses.identities` has joined their
spellings.  Its changed paths are placed in the crate that held them at the
commit's release (the longest crate directory that prefixes the path, among
the crates of that release), and through the crate in its layer.  Paths in no
crate land in named buckets, so nothing is silently dropped:

    (ci)         .github/, ci/ and CI configuration files
    (docs)       docs/ or doc/ directories and Markdown, reStructuredText, AsciiDoc files
    (workspace)  a Cargo workspace directory outside its crates (Cargo.lock, the root manifest)
    (root)       any other file at the top of the repository
    (other)      any other directory, named by its top directory (`sdk/`), or its top two
                 when the top one holds packages (`packages/core/`), so non-Rust trees still map

A root package (ripgrep's `Cargo.toml` is both package and workspace) holds
what no deeper crate holds, except CI and documentation paths, which stay in
their buckets: a root package does not make its `.github/` Rust code.

Bots and coding agents keep their rows (flagged by `kind`) but stay out of the
people figures (authors, ownership, shares); `agent_work` counts how many
commits they authored or co-wrote.  Counts are commits, not lines: a commit
counts once for each crate and once for each layer it touches.  Bad input
(merges, octopus merges, empty e-mails, undecodable names, commits without
file lists, huge commits, shallow or grafted boundaries) is tallied in
`attribution_issues`, never raised.

Memory: the walk is consumed as a stream; what is kept grows with authors x
crates x releases, plus the sha -> release map the ranges need.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import pandas as pd

from miner.analyses.identities import IdentityResolver
from miner.catalogs.bots import Catalog
from miner.model.commits import Commit
from miner.model.identities import AGENT, BOT, PERSON, Identity, co_author_pairs
from miner.model.mailmap import Mailmap
from miner.model.releases import Release
from miner.model.window import Window, iso_day

CI, DOCS, WORKSPACE, ROOT, OTHER = "(ci)", "(docs)", "(workspace)", "(root)", "(other)"
BUCKETS = (CI, DOCS, WORKSPACE, ROOT, OTHER)
HUGE_COMMIT = 1000
ALL_LAYERS = "(all)"

CONTRIBUTOR_COLUMNS = ["author", "name", "kind", "package", "layer", "commits", "co_authored", "files"]
AUTHOR_LAYER_COLUMNS = ["author", "name", "kind", "layer", "commits", "co_authored", "files", "share"]
SPECIALIZATION_COLUMNS = ["author", "name", "kind", "commits", "top_layer", "top_share", "entropy", "layers", "packages"]
OWNERSHIP_COLUMNS = ["package", "layer", "people_commits", "authors", "main_developer", "main_developer_name",
                     "ownership", "fragmentation", "bot_commits", "agent_commits"]
RELEASE_CONTRIBUTOR_COLUMNS = ["release", "author", "name", "kind", "package", "layer", "commits", "co_authored", "files"]
RELEASE_LAYER_COLUMNS = ["release", "layer", "author", "name", "commits", "share"]
AGENT_COLUMNS = ["release", "layer", "commits", "by_people", "by_bots", "by_agents", "with_agent"]
ISSUE_COLUMNS = ["issue", "commits", "example"]
WINDOW_COLUMNS = ["since", "until", "commits", "first", "last"]

_CI_DIRS = {".github", ".circleci", ".buildkite", ".gitlab", "ci", ".ci", ".azure-pipelines"}
_CI_FILES = {".travis.yml", ".gitlab-ci.yml", "appveyor.yml", ".appveyor.yml", "azure-pipelines.yml",
             ".cirrus.yml", "Jenkinsfile", "codecov.yml", ".codecov.yml"}
_DOC_DIRS = {"docs", "doc"}
_DOC_SUFFIXES = (".md", ".rst", ".adoc", ".mdx")
_CONTAINERS = {"packages", "crates", "apps", "libs", "extensions", "plugins", "tools"}


class Place(NamedTuple):
    """Where a changed path belongs: a package (or bucket) and its layer.

    A named tuple: it is hashed for every changed path, and a tuple hashes in C.
    """

    package: str
    layer: str


def resolver_for(mailmap: Mailmap, commits: Iterable[Commit], catalog: Catalog | None = None,
                 join_names: bool = True) -> IdentityResolver:
    """An identity resolver that knows every author and co-author of `commits`.

    `catalog` lists bots and agents (default: miner's own); `join_names=False`
    keeps one name under several e-mails as several people.
    """
    seen: Counter = Counter()
    for commit in commits:
        _count_signature(seen, commit.author_name, commit.author_email, commit.coauthors)
    return IdentityResolver(mailmap, seen, catalog=catalog, join_names=join_names)


def _count_signature(seen: Counter, name: str, email: str, coauthors: tuple[str, ...]) -> None:
    """Count a commit's author and co-authors: counted, not listed, memory grows with identities, not commits."""
    seen[(name, email)] += 1
    if coauthors:
        seen.update(co_author_pairs(coauthors))


def releases_of_commits(releases: Sequence[Release], parents: Mapping[str, tuple[str, ...]],
                        ranges: Mapping[str, set[str]]) -> dict[str, str]:
    """sha -> the release tag whose package layout the commit is attributed in.

    A commit belongs to the earliest release, by date, whose `previous..tag`
    range holds it (so an alpha ships a commit before its stable release does).
    Commits in no range (work after the last release, on HEAD) belong to the
    latest release by date that was not tagged out of version order: its
    layout is the nearest known one.  `ranges` are those `commit_ranges` gives.
    """
    release_of: dict[str, str] = {}
    for release in releases:
        for sha in ranges[release.tag]:
            release_of.setdefault(sha, release.tag)
    in_order = [release.tag for release in releases if not release.out_of_order]
    latest = in_order[-1] if in_order else (releases[-1].tag if releases else "")
    for sha in parents.keys() - release_of.keys():
        release_of[sha] = latest
    return release_of


def contributor_tables(
    commits: Iterable[Commit],
    release_of: dict[str, str],
    places: PackageMap,
    resolver: IdentityResolver,
    *,
    window: Window = Window(),
    boundaries: frozenset[str] | set[str] = frozenset(),
    huge: int = HUGE_COMMIT,
    previous: dict[str, str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Attribute a stream of commits and return the contributor tables.

    `window` selects commits by committer date, both ends inclusive, as
    `git log --since/--until` does.  `boundaries` are shallow or grafted commits (`history_boundaries`):
    their file lists are the whole tree, not their work, so they are not
    attributed.  `previous` (`previous_releases`) names the release before
    each, whose layout places paths the release's own crates no longer hold.
    Tables: contributors, author_layers, specialization, crate_ownership,
    release_contributors, release_layers, release_specialization,
    release_ownership, agent_work, attribution_issues, attribution_window.
    """
    tally = _Tally(places, release_of, resolver, window.since, window.until,
                   set(boundaries), huge, previous or {})
    for commit in commits:
        tally.add(commit)
    return tally.tables()


def previous_releases(releases: Iterable[Release]) -> dict[str, str]:
    """Release -> the release before it (its `previous`), for `contributor_tables`."""
    return {release.tag: release.previous for release in releases if release.previous}


def display_names(specialization: pd.DataFrame) -> dict[str, str]:
    """Author key -> name for the report and the plots; a name two people share gets the key's e-mail or
    login too (gemini-cli has two Abhis)."""
    shared = specialization["name"].value_counts()
    return {key: name if shared[name] == 1 else f"{name} <{key.split(':', 1)[-1]}>"
            for key, name in zip(specialization["author"], specialization["name"])}


def package_ownership(contributors: Iterable[list]) -> pd.DataFrame:
    """Per crate, in code-maat's words: main developer, ownership share, fragmentation, authors.

    From the rows of a `contributors` table (CONTRIBUTOR_COLUMNS).  Shares are
    over people's credited commits: ownership is the main developer's share,
    fragmentation 1 - sum of squared shares (0: one author; towards 1: many
    equal ones).
    """
    return pd.DataFrame(_ownership_rows(contributors), columns=OWNERSHIP_COLUMNS)


def _ownership_rows(contributors: Iterable[list]) -> list[list]:
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for author, name, kind, crate, layer, commits, *_ in contributors:
        groups[(crate, layer)].append((author, name, kind, int(commits)))
    rows = []
    for (crate, layer), group in groups.items():
        total = squares = people = bots = agents = 0
        main = None  # (commits, author, name) of the busiest person, ties to the first key
        for author, name, kind, commits in group:
            if kind == PERSON:
                total, squares, people = total + commits, squares + commits * commits, people + 1
                if main is None or (commits, main[1]) > (main[0], author):
                    main = (commits, author, name)
            elif kind == BOT:
                bots += commits
            elif kind == AGENT:
                agents += commits
        rows.append([crate, layer, total, people, main[1] if total else "", main[2] if total else "",
                     round(main[0] / total, 4) if total else 0.0,
                     round(1 - squares / (total * total), 4) if total else 0.0, bots, agents])
    rows.sort(key=lambda row: (-row[2], row[0], row[1]))
    return rows


class PackageMap:
    """Path -> Place at a release, from each release's packages; memoised per (release, directory).

    A package is named by its name, or by its name and directory where two
    packages of one release share a name (gemini-cli's root and `packages/cli`
    are both `@google/gemini-cli`), so that their work is not merged.
    """

    def __init__(self, rows: Iterable[tuple[str, str, str, str, str]]):
        """`rows` are (release, label, path, layer, workspace root) of every package at every release."""
        self._crates: dict[str, dict[str, Place]] = defaultdict(dict)
        self._workspaces: dict[str, set[str]] = defaultdict(set)
        for release, label, path, layer, workspace in rows:
            self._crates[release].setdefault(path or "", Place(label, layer))
            if workspace:
                self._workspaces[release].add(workspace)
        # Releases with the same package layout share their look-ups: most releases change no package.
        layouts: dict[tuple, str] = {}
        self._layout = {release: layouts.setdefault(self._layout_key(release), release)
                        for release in set(self._crates) | set(self._workspaces)}
        self._memo: dict[tuple[str, str, str], Place] = {}
        self._by_path: dict[tuple[str, str], dict[str, Place]] = {}

    def place(self, release: str, path: str) -> Place:
        """The crate holding `path` at `release`, else its bucket."""
        (found,) = self.count(release, (path,))
        return found

    def count(self, release: str, paths: Iterable[str], before: str | None = None) -> dict[Place, int]:
        """How many of `paths` each place holds at `release`: one look-up per path the layouts have not seen.

        `before` is the release whose layout held when the commit's range
        began: a path no member crate holds at `release` goes to the member
        crate that held it then, so work done before a crate moved (ripgrep's
        `globset/` to `crates/globset/` within 12.0.0), or on a crate the
        release removed, stays with that crate instead of the root.
        """
        layout = self._layout.get(release, "")  # a release with no crates has the empty layout
        earlier = self._layout.get(before, "") if before else layout
        known = self._by_path.setdefault((layout, earlier), {})
        counts: dict[Place, int] = {}
        for path in paths:
            found = known.get(path)
            if found is None:
                found = known[path] = self._place_between(layout, earlier, path)
            counts[found] = counts.get(found, 0) + 1
        return counts

    def _place_between(self, layout: str, earlier: str, path: str) -> Place:
        directory = path.rpartition("/")[0]
        if earlier != layout and self._member(layout, directory) is None:
            moved = self._member(earlier, directory)
            if moved is not None:
                return moved
        return self._place(layout, path)

    def _member(self, layout: str, directory: str) -> Place | None:
        """The deepest crate other than a root package whose directory holds `directory`."""
        crates = self._crates.get(layout, {})
        parts = directory.split("/") if directory else []
        for depth in range(len(parts), 0, -1):
            found = crates.get("/".join(parts[:depth]))
            if found is not None:
                return found
        return None

    def _place(self, layout: str, path: str) -> Place:
        directory, _, name = path.rpartition("/")
        bucket = _CI_FILES_KEY if name in _CI_FILES else (_DOC_KEY if name.lower().endswith(_DOC_SUFFIXES) else "")
        key = (layout, directory, bucket)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._lookup(layout, directory, bucket)
        return found

    def _in_workspace(self, release: str, parts: list[str]) -> bool:
        """Whether the directory of `parts` is a workspace root or under one other than the root ("" holds only itself).

        Its ancestors are looked up among the roots: a test of every root per
        directory would cost their product with thousands of standalone crates.
        """
        roots = self._workspaces.get(release, set())
        if not parts:
            return "" in roots
        return any("/".join(parts[:depth]) in roots for depth in range(1, len(parts) + 1))

    def _layout_key(self, release: str) -> tuple:
        return (tuple(sorted(self._crates.get(release, {}).items())), tuple(sorted(self._workspaces.get(release, ()))))

    def _lookup(self, release: str, directory: str, file_bucket: str) -> Place:
        member = self._member(release, directory)
        if member is not None:
            return member
        crates = self._crates.get(release, {})
        parts = directory.split("/") if directory else []
        bucket = _bucket(parts, file_bucket)
        if bucket is not None:
            return bucket
        if "" in crates:
            return crates[""]
        if self._in_workspace(release, parts):
            return Place(WORKSPACE, WORKSPACE)
        if not parts:
            return Place(ROOT, ROOT)
        top = parts[:2] if parts[0] in _CONTAINERS and len(parts) > 1 else parts[:1]
        return Place("/".join(top) + "/", OTHER)


_CI_FILES_KEY, _DOC_KEY = "ci", "doc"
_KIND_COLUMN = {PERSON: 1, BOT: 2, AGENT: 3}


def _bucket(parts: list[str], file_bucket: str) -> Place | None:
    """The CI or docs bucket of a path outside every non-root crate, if it is one."""
    if file_bucket == _CI_FILES_KEY or (parts and parts[0] in _CI_DIRS):
        return Place(CI, CI)
    if file_bucket == _DOC_KEY or any(part in _DOC_DIRS for part in parts):
        return Place(DOCS, DOCS)
    return None


class _Tally:
    """Counters filled commit by commit; `tables()` turns them into DataFrames."""

    def __init__(self, places: PackageMap, release_of: dict[str, str], resolver: IdentityResolver,
                 since: int | None, until: int | None, boundaries: set[str], huge: int, previous: dict[str, str]):
        self.places, self.release_of, self.resolver, self.previous = places, release_of, resolver, previous
        self.since, self.until, self.boundaries, self.huge = since, until, boundaries, huge
        self.who: dict[str, Identity] = {}
        self.packages: dict[tuple, list[int]] = {}
        self.layers: dict[tuple, list[int]] = {}
        self.totals: Counter = Counter()
        self.kinds: dict[tuple, list[int]] = {}
        self.issues: Counter = Counter()
        self.examples: dict[str, str] = {}
        # First and last committer time of the attributed commits, and their count.
        self.first, self.last, self.attributed = math.inf, -math.inf, 0

    def add(self, commit: Commit) -> None:
        when = commit.commit_time
        if (self.since is not None and when < self.since) or (self.until is not None and when > self.until):
            return
        if commit.is_merge:
            self._issue("merge (not attributed)", commit)
            if len(commit.parents) > 2:
                self._issue("octopus merge (not attributed)", commit)
            return
        release = self.release_of.get(commit.sha)
        if release is None:
            self._issue("in no release range (not attributed)", commit)
            return
        touched = self._touched(commit, release)
        if not touched:
            return
        self.first, self.last, self.attributed = min(self.first, when), max(self.last, when), self.attributed + 1
        per_layer: dict[str, int] = {}
        for place, files in touched.items():
            per_layer[place.layer] = per_layer.get(place.layer, 0) + files
        author = self.resolver.resolve(commit.author_name, commit.author_email)
        credited = [author]
        if commit.coauthors:
            credited = _distinct(credited + [self.resolver.resolve(n, e) for n, e in co_author_pairs(commit.coauthors)])
        for who in credited:
            self._credit(release, who, who is not author, touched, per_layer)
        self._count_kinds(release, author, credited, per_layer)

    def _touched(self, commit: Commit, release: str) -> dict[Place, int]:
        """Files changed per place, after noting what is odd about the commit."""
        if not commit.author_email.strip():
            self._issue("empty author e-mail", commit)
        # The walk decodes with replacement characters; one joined string is searched in one call.
        if "\ufffd" in "\x00".join((commit.author_name, commit.author_email, *commit.coauthors)):
            self._issue("author or co-author not valid UTF-8", commit)
        if "\ufffd" in "\x00".join(commit.files):
            self._issue("path not valid UTF-8", commit)
        if commit.sha in self.boundaries:
            self._issue("shallow or grafted boundary (files not attributed)", commit)
            return {}
        if not commit.files:
            self._issue("no changed files (empty commit or unreadable tree)", commit)
            return {}
        if len(commit.files) >= self.huge:
            self._issue(f"huge commit ({self.huge}+ files)", commit)
        return self.places.count(release, commit.files, self.previous.get(release))

    def _credit(self, release: str, who: Identity, co: bool, touched: dict[Place, int],
                per_layer: dict[str, int]) -> None:
        key = who.key
        self.who[key] = who
        self.totals[(release, key)] += 1
        crates, layers = self.packages, self.layers
        for (crate, layer), files in touched.items():
            _bump(crates, (release, key, crate, layer), co, files)
        for layer, files in per_layer.items():
            _bump(layers, (release, key, layer), co, files)

    def _count_kinds(self, release: str, author: Identity, credited: list[Identity], per_layer) -> None:
        with_agent = author.kind == AGENT if len(credited) == 1 else any(who.kind == AGENT for who in credited)
        column = _KIND_COLUMN[author.kind]
        for layer in (*per_layer, ALL_LAYERS):
            counts = self.kinds.get((release, layer))
            if counts is None:
                counts = self.kinds[(release, layer)] = [0, 0, 0, 0, 0]
            counts[0] += 1
            counts[column] += 1
            counts[4] += with_agent

    def _issue(self, issue: str, commit: Commit) -> None:
        """Count an odd commit; the example is the smallest id, whatever order the commits came in."""
        self.issues[issue] += 1
        if commit.sha < self.examples.get(issue, "g"):
            self.examples[issue] = commit.sha

    def tables(self) -> dict[str, pd.DataFrame]:
        """The counters as tables, summed and sorted in plain Python: pandas per group costs more than the walk."""
        contributors = self._contributors()
        specialization, release_specialization = self._specializations()
        return {
            "contributors": pd.DataFrame(contributors, columns=CONTRIBUTOR_COLUMNS),
            "author_layers": self._author_layers(),
            "specialization": specialization,
            "package_ownership": package_ownership(contributors),
            "release_contributors": self._release_contributors(),
            "release_layers": self._release_layers(),
            "release_specialization": release_specialization,
            "release_ownership": self._release_ownership(),
            "agent_work": pd.DataFrame([[r, layer, *counts] for (r, layer), counts in sorted(self.kinds.items())],
                                       columns=AGENT_COLUMNS),
            "attribution_issues": pd.DataFrame(
                [[issue, count, self.examples[issue]] for issue, count in sorted(self.issues.items())],
                columns=ISSUE_COLUMNS),
            "attribution_window": self._window(),
        }

    def _window(self) -> pd.DataFrame:
        """The window asked for (`since`, `until`, empty when open) and what the attributed commits span."""
        first, last, commits = self.first, self.last, self.attributed

        def day(seconds) -> str:
            return "" if seconds in (None, math.inf, -math.inf) else iso_day(seconds)

        return pd.DataFrame([[day(self.since), day(self.until), commits, day(first), day(last)]],
                            columns=WINDOW_COLUMNS)

    def _release_contributors(self) -> pd.DataFrame:
        rows = sorted(([release, key, self.who[key].name, self.who[key].kind, crate, layer, *counts]
                       for (release, key, crate, layer), counts in self.packages.items()),
                      key=lambda row: (row[0], row[1], row[4]))
        return pd.DataFrame(rows, columns=RELEASE_CONTRIBUTOR_COLUMNS)

    def _contributors(self) -> list[list]:
        summed = _sum_over_releases(((key, crate, layer), counts)
                                    for (_, key, crate, layer), counts in self.packages.items())
        rows = sorted(([key, self.who[key].name, self.who[key].kind, crate, layer, *counts]
                       for (key, crate, layer), counts in summed.items()),
                      key=lambda row: (-row[5], row[0], row[3], row[4]))
        return rows

    def _author_layers(self) -> pd.DataFrame:
        totals = self._author_totals()
        summed = _sum_over_releases(((key, layer), counts) for (_, key, layer), counts in self.layers.items())
        rows = sorted(([key, self.who[key].name, self.who[key].kind, layer, *counts, round(counts[0] / totals[key], 4)]
                       for (key, layer), counts in summed.items()),
                      key=lambda row: (-row[4], row[0], row[3]))
        return pd.DataFrame(rows, columns=AUTHOR_LAYER_COLUMNS)

    def _release_layers(self) -> pd.DataFrame:
        """People per (release, layer), busiest first, with their share of the layer's commits by people."""
        people = [(release, layer, key, counts[0]) for (release, key, layer), counts in self.layers.items()
                  if self.who[key].kind == PERSON]
        totals: Counter = Counter()
        for release, layer, _, commits in people:
            totals[(release, layer)] += commits
        rows = sorted(([release, layer, key, self.who[key].name, commits, round(commits / totals[(release, layer)], 4)]
                       for release, layer, key, commits in people),
                      key=lambda row: (row[0], row[1], -row[4], row[2]))
        return pd.DataFrame(rows, columns=RELEASE_LAYER_COLUMNS)

    def _author_totals(self) -> Counter:
        totals: Counter = Counter()
        for (_, key), count in self.totals.items():
            totals[key] += count
        return totals

    def _specializations(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Specialization over the window and per release, from one pass over the counters.

        Summed in plain Python: a groupby per author costs more than the walk.
        Entropies are normalised by the layers people touched in the whole
        window, so that a release's figures compare with the window's.
        """
        window_layers: dict[str, Counter] = defaultdict(Counter)
        release_layers: dict[tuple, dict] = defaultdict(dict)
        for (release, key, layer), (commits, _, _) in self.layers.items():
            window_layers[key][layer] += commits
            release_layers[(release, key)][layer] = commits
        window_crates: dict[str, set] = defaultdict(set)
        release_crates: dict[tuple, set] = defaultdict(set)
        for release, key, crate, _ in self.packages:
            window_crates[key].add(crate)
            release_crates[(release, key)].add(crate)
        width = len({layer for key, counts in window_layers.items() if self.who[key].kind == PERSON
                     for layer in counts})
        window_totals = self._author_totals()
        window = [self._specialization_row(key, window_totals[key], counts, window_crates[key], width)
                  for key, counts in window_layers.items()]
        window.sort(key=lambda row: (-row[3], row[1].casefold(), row[0]))
        per_release = [[release, *self._specialization_row(key, self.totals[(release, key)], counts,
                                                            release_crates[(release, key)], width)]
                       for (release, key), counts in release_layers.items()]
        per_release.sort(key=lambda row: (row[0], -row[4], row[2].casefold(), row[1]))
        return (pd.DataFrame(window, columns=SPECIALIZATION_COLUMNS),
                pd.DataFrame(per_release, columns=["release", *SPECIALIZATION_COLUMNS]))

    def _specialization_row(self, key: str, total: int, layers: dict[str, int], crates: set, width: int) -> list:
        who = self.who[key]
        if len(layers) == 1:  # most rows of a release: one layer, no spread
            [(top_layer, top)] = layers.items()
            return [key, who.name, who.kind, total, top_layer, round(top / total, 4), 0.0, 1, len(crates)]
        top_layer, top = min(layers.items(), key=lambda item: (-item[1], item[0]))
        return [key, who.name, who.kind, total, top_layer, round(top / total, 4), _entropy(list(layers.values()), width),
                len(layers), len(crates)]

    def _release_ownership(self) -> pd.DataFrame:
        """`crate_ownership` of each release's range."""
        by_release: dict[str, list] = defaultdict(list)
        for (release, key, crate, layer), counts in self.packages.items():
            who = self.who[key]
            by_release[release].append([key, who.name, who.kind, crate, layer, counts[0]])
        rows = [[release, *row] for release in sorted(by_release) for row in _ownership_rows(by_release[release])]
        return pd.DataFrame(rows, columns=["release", *OWNERSHIP_COLUMNS])


def _sum_over_releases(items) -> dict[tuple, list[int]]:
    """(key, [commits, co_authored, files]) pairs summed per key."""
    summed: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for key, counts in items:
        total = summed[key]
        for index, value in enumerate(counts):
            total[index] += value
    return summed


def _entropy(counts: list[int], width: int) -> float:
    """Shannon entropy of the counts, divided by log(width): 0 = one layer only, 1 = evenly spread."""
    total = float(sum(counts))
    if width <= 1 or total == 0:
        return 0.0
    value = -sum((c / total) * math.log(c / total) for c in counts if c)
    return round(value / math.log(width), 4) + 0.0  # + 0.0 turns -0.0 into 0.0


def _distinct(identities: list[Identity]) -> list[Identity]:
    seen: dict[str, Identity] = {}
    for who in identities:
        seen.setdefault(who.key, who)
    return list(seen.values())


def _bump(counters: dict[tuple, list[int]], key: tuple, co: bool, files: int) -> None:
    """Add one commit (co-authored or not) and its files to the [commits, co_authored, files] of `key`."""
    counts = counters.get(key)
    if counts is None:
        counters[key] = [1, int(co), files]
    else:
        counts[0] += 1
        counts[1] += co
        counts[2] += files


