"""The release timeline as tables: releases, monthly cadence, prerelease bursts.

Each function returns a DataFrame whose columns are those of the CSV file it
becomes (`releases.csv`, `cadence.csv`, `bursts.csv`, `lines.csv`,
`skipped.csv`).  Dates are ISO 8601 strings with the offset the tag or commit
was made in, so a reader sees the author's local time and nothing is lost
between time zones.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict

import pandas as pd

from miner.analyses.identities import IdentityResolver
from miner.analyses.releases import Timeline
from miner.model.commits import Commit
from miner.model.identities import co_author_pairs
from miner.model.versions import parse_version

PRERELEASE = re.compile(r"[-+].*$")  # what a prerelease's version adds to the release it leads to
RELEASE_COLUMNS = [
    "tag", "line", "version", "channel", "stable", "date", "commit", "previous", "commits",
    "contributors", "people", "bot_commits", "agent_commits", "annotated", "first", "out_of_order", "date_stamp",
    "new_commits", "new_bot_commits", "new_agent_commits", "people_with_coauthors",
]


def releases_table(chosen: Timeline, ranges: dict[str, set[str]], commits: dict[str, Commit],
                   resolver: IdentityResolver, incomplete: set[str] = frozenset()) -> pd.DataFrame:
    """One row per release, by date: version facts and its range's commits and contributors.

    `contributors` counts what `git log --no-merges --format=%aE PREV..TAG`
    shows through `.mailmap`, e-mails compared without case, bots left out;
    `people` counts the fully joined identities (same name, GitHub no-reply
    login) without bots and coding agents, which is nearer the truth on real
    histories where one person commits from several addresses.  Releases in
    `incomplete` (their range reaches unreadable history) get empty counts:
    a lower bound would read as a fact.

    `new_commits` (and of them `new_bot_commits`, `new_agent_commits`)
    counts the range's non-merge commits that no stable release dated before
    it holds: ranges overlap where a release was tagged out of version order
    (Claude Code's `v2.0.76`, tagged after `v2.1.0`, holds two commits that
    `v2.1.1` holds too), so the stable releases' commits are the sum of
    `new_commits`, not of `commits`.

    `people_with_coauthors` counts the people among the authors and the
    `Co-authored-by:` co-authors: Mistral Vibe squashes each release into one
    commit by one author, with the team in its trailers.
    """
    rows = []
    counted: set[str] = set()  # the commits of the stable releases so far
    for release in chosen.releases:
        authored = [commits[sha] for sha in ranges[release.tag] if not commits[sha].is_merge]
        identities = [resolver.resolve(c.author_name, c.author_email) for c in authored]
        kinds = [(identity.key, identity.kind) for identity in identities]
        new = [kind for commit, (_, kind) in zip(authored, kinds) if commit.sha not in counted]
        if release.stable:
            counted.update(commit.sha for commit in authored)
        mapped = {_mailmapped(resolver, c) for c, identity in zip(authored, identities) if identity.kind != "bot"}
        people = {key for key, kind in kinds if kind == "person"}
        credited = people | {identity.key for c in authored for identity in
                             (resolver.resolve(name, email) for name, email in co_author_pairs(c.coauthors))
                             if identity.kind == "person"}
        stamp = release.version.date_stamp
        rows.append({
            "tag": release.tag,
            "line": release.line,
            "version": str(release.version),
            "channel": release.version.channel,
            "stable": release.stable,
            "date": release.date.isoformat(),
            "commit": release.commit,
            "previous": release.previous,
            "commits": len(authored),
            "contributors": len(mapped),
            "people": len(people),
            "bot_commits": sum(kind == "bot" for _, kind in kinds),
            "agent_commits": sum(kind == "agent" for _, kind in kinds),
            "annotated": release.annotated,
            "first": not release.previous,
            "out_of_order": release.out_of_order,
            "date_stamp": stamp.isoformat() if stamp else "",
            "new_commits": len(new),
            "new_bot_commits": new.count("bot"),
            "new_agent_commits": new.count("agent"),
            "people_with_coauthors": len(credited),
        })
    table = pd.DataFrame(rows, columns=RELEASE_COLUMNS)
    counts = ["commits", "contributors", "people", "bot_commits", "agent_commits", "new_commits", "new_bot_commits",
              "new_agent_commits", "people_with_coauthors"]
    table[counts] = table[counts].astype("Int64")
    table.loc[table["tag"].isin(incomplete), counts] = pd.NA
    return table


CONTRIBUTORS_DEFINITION = ("distinct authors of a stable release's non-merge commits, as `git log` shows them "
                           "through .mailmap, bots left out")


def contributors_per_release(releases: pd.DataFrame) -> tuple[float | None, str]:
    """The median contributors per stable release, the one figure the report and the comparison give, and
    what stands in for it when bots made the releases.

    None when there is nothing to count (no stable release with a readable
    range).  A median of 0 where bots wrote most of the commits is no team of
    nobody: the text says the bots did it (Claude Code's releases hold one
    bot commit each).
    """
    stable = releases[releases["stable"]].dropna(subset=["contributors"])
    if stable.empty:
        return None, ""
    median = float(stable["contributors"].median())
    bots, commits = stable_commits(stable, "new_bot_commits"), stable_commits(stable, "new_commits")
    if median == 0 and bots * 2 > commits:
        alone = int((stable["contributors"] == 0).sum())
        return median, (f"bots made most releases: {alone} of {len(stable)} stable releases hold no commit by a "
                        f"person, and bots wrote {bots} of the {commits} non-merge commits in all {len(stable)}")
    return median, ""


def in_order_stable(releases: pd.DataFrame) -> pd.Series:
    """Which rows of a releases table are stable releases tagged in version order: the line the figures of a
    release's past follow (a backport or a tag made late is no step of it)."""
    return releases["stable"] & ~releases["out_of_order"]


def people_with_coauthors(releases: pd.DataFrame) -> pd.Series:
    """The stable releases' people counted with their `Co-authored-by:` co-authors, where counted: none for an
    analysis stored before the column existed, or for a release whose range could not be read."""
    if "people_with_coauthors" not in releases:
        return pd.Series(dtype=float)
    return releases.loc[releases["stable"], "people_with_coauthors"].dropna()


def stable_commits(releases: pd.DataFrame, column: str = "new_commits") -> int:
    """The stable releases' commits, each once (`column`: `new_commits`, `new_bot_commits` or
    `new_agent_commits`; an analysis stored before those columns existed sums the ranges' own counts)."""
    stable = releases[releases["stable"]]
    if column not in stable:
        column = column.removeprefix("new_")
    return int(stable[column].sum())


def _mailmapped(resolver: IdentityResolver, commit: Commit) -> str:
    """The author as git's `%aE` shows it through `.mailmap`, case folded; the name when there is no e-mail."""
    name, email = resolver.mailmap.map(commit.author_name.strip(), commit.author_email.strip())
    return email.lower() or f"name:{name}"


def cadence_table(releases: pd.DataFrame) -> pd.DataFrame:
    """Stable releases and prereleases per calendar month, months without releases included."""
    if releases.empty:
        return pd.DataFrame(columns=["month", "releases", "prereleases"])
    months = releases["date"].str.slice(0, 7)
    stable = months[releases["stable"]].value_counts()
    pre = months[~releases["stable"]].value_counts()
    every = pd.period_range(months.min(), months.max(), freq="M").strftime("%Y-%m")
    return pd.DataFrame({
        "month": list(every),
        "releases": [int(stable.get(m, 0)) for m in every],
        "prereleases": [int(pre.get(m, 0)) for m in every],
    })


def bursts_table(releases: pd.DataFrame) -> pd.DataFrame:
    """For each stable release, the prereleases that led to it: how many, over how many days.

    Those are the prereleases of its line and version made before it; they
    are grouped by (line, version) and sorted once, so each stable release
    costs a bisection, not a pass over every release.
    """
    moments = pd.to_datetime(releases["date"], utc=True, format="ISO8601").tolist()
    tags, dates, lines, versions, stable = (releases[c].tolist() for c in ("tag", "date", "line", "version", "stable"))
    leading: dict[tuple[str, str], list[tuple]] = defaultdict(list)  # (line, version) -> [(moment, position)]
    for position, is_stable in enumerate(stable):
        if not is_stable:
            leading[(lines[position], PRERELEASE.sub("", versions[position]))].append((moments[position], position))
    for prereleases in leading.values():
        prereleases.sort()
    rows = []
    for position in (p for p, is_stable in enumerate(stable) if is_stable):
        prereleases = leading.get((lines[position], versions[position]), [])
        count = bisect_left(prereleases, (moments[position], -1))  # those made strictly before
        first = prereleases[0][1] if count else None
        days = (moments[position] - moments[first]).total_seconds() / 86400 if first is not None else 0.0
        rows.append({"tag": tags[position], "date": dates[position], "prereleases": count,
                     "first_prerelease": tags[first] if first is not None else "", "days": round(days, 1)})
    return pd.DataFrame(rows, columns=["tag", "date", "prereleases", "first_prerelease", "days"])


def latest_stable(releases: pd.DataFrame) -> str | None:
    """The tag of the highest stable version (not the latest date: tags can be made late)."""
    return highest(releases[releases["stable"].astype(bool)])


def highest(releases: pd.DataFrame) -> str | None:
    """The tag of the highest version among `releases`, None when there is none."""
    if releases.empty:
        return None
    keys = [parse_version(v).sort_key for v in releases["version"]]
    return str(releases["tag"].iloc[max(range(len(keys)), key=keys.__getitem__)])


def lines_table(chosen: Timeline) -> pd.DataFrame:
    """Every release line found among the tags: how many version tags it has, and its first tag and date."""
    rows = []
    for line, count in chosen.lines.items():
        tag, date = chosen.firsts.get(line, ("", None))
        rows.append({"line": line, "tags": count, "analysed": line == chosen.line, "first_tag": tag,
                     "first_date": date.isoformat() if date is not None else ""})
    return (pd.DataFrame(rows, columns=["line", "tags", "analysed", "first_tag", "first_date"])
            .sort_values("tags", ascending=False, kind="stable"))


def skipped_table(chosen: Timeline) -> pd.DataFrame:
    """Tags that are not releases of the analysed line, and why."""
    return pd.DataFrame([vars(s) for s in chosen.skipped], columns=["tag", "reason"])
