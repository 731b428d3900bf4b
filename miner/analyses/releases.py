"""Release lines, previous releases and commit ranges, from the tags as values.

Tags are sorted into release lines by the text before the version (`rust-v`,
`v`, `grep-cli-`).  The main line is the current one with the most version
tags unless the user names one.  A release's range is what `git log PREV..TAG`
lists, where PREV is the previous stable release of its line in version order:
release commits sit off the main branch and dates can disagree with versions,
so neither ancestry nor dates alone pick the right predecessor.
"""
from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta

from miner.model.patterns import compile_pattern
from miner.model.releases import Release, Skipped, TagRef, Timeline
from miner.model.versions import COMMIT_ID, parse_tag

# A line whose newest tag is this much older than the repository's newest version tag is no longer current.
CURRENT = timedelta(days=365)


def select_releases(tags: list[TagRef], line: str | None = None, pattern: str | None = None,
                    skip: str | None = None) -> Timeline:
    """Select one release line from the tags and order its releases.

    `line` names the prefix to keep; `pattern` a regular expression (RE2
    syntax, see `miner.model.patterns`) tag names must match; with neither, the current line with the most version tags is
    chosen (`_current_line`).  Tags `skip` (a regular expression too) finds are left out first: RE2 has no
    lookaround, so "every v tag but the pipeline's tests" is no `pattern` (gemini-cli's v0.0.77, v0.0.88888),
    nor "but the fork's upstream tags" (Roo-Code carries Cline's v3.0.0 to v3.5.1).
    """
    skipped, versioned = _classify(tags)
    if skip is not None:
        left_out = compile_pattern(skip)
        skipped += [Skipped(tv.tag, f"matches --skip-tags {skip!r}") for tv, _ in versioned if left_out.search(tv.tag)]
        versioned = [(tv, ref) for tv, ref in versioned if not left_out.search(tv.tag)]
    lines = Counter(tv.prefix for tv, _ in versioned)
    if pattern is not None:
        matcher = compile_pattern(pattern)  # RE2: a user's pattern never backtracks over a tag name
        name, chosen = pattern, {tv for tv, _ in versioned if matcher.search(tv.tag)}
    else:
        name = line if line is not None else _current_line(versioned, lines)
        chosen = {tv for tv, _ in versioned if tv.prefix == name}
    kept = [(tv, ref) for tv, ref in versioned if tv in chosen]
    skipped += [Skipped(tv.tag, f"release line '{tv.prefix}' is not the analysed line") for tv, _ in versioned if tv not in chosen]
    releases = _order(kept)
    return Timeline(name, tuple(releases), tuple(sorted(skipped, key=lambda s: s.tag)), dict(lines),
                    _first_tags(versioned))


def commit_ranges(releases: tuple[Release, ...], parents: dict[str, tuple[str, ...]],
                  incomplete: set[str] | None = None) -> dict[str, set[str]]:
    """Commits reachable from each release and not from its previous release (`git log PREV..TAG`).

    Each range is painted the way git does it, walking down from both ends in
    decreasing generation number and stopping once only commits reachable from
    PREV remain: the cost is the range and its border, not the whole history,
    which matters with 600 releases over 7,000 commits.  Commits absent from
    `parents` (missing from a damaged repository) end the walk on that path,
    like a shallow boundary; the tags whose walk met such a boundary before it
    was done are added to `incomplete`, since git could not say either.
    """
    generation = generations(parents)
    by_tag = {r.tag: r for r in releases}
    ranges = {}
    for release in releases:
        stop = by_tag[release.previous].commit if release.previous else None
        ranges[release.tag], cut = _range(release.commit, stop, parents, generation)
        if cut and incomplete is not None:
            incomplete.add(release.tag)
    return ranges


def generations(parents: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Each commit's generation: 1 + its parents' highest (1 for a root), so a child always ranks above its parents."""
    generation: dict[str, int] = {}
    for start in parents:
        if start in generation:
            continue
        stack = [start]
        while stack:
            sha = stack[-1]
            highest, waiting = 0, False
            for parent in parents[sha]:
                known = generation.get(parent)
                if known is None:
                    if parent in parents:
                        stack.append(parent)
                        waiting = True
                elif known > highest:
                    highest = known
            if not waiting:
                generation[sha] = highest + 1
                stack.pop()
    return generation


def _range(tip: str, stop: str | None, parents: dict[str, tuple[str, ...]],
           generation: dict[str, int], limit: int | None = None) -> tuple[set[str], bool]:
    """`git rev-list stop..tip` over the in-memory graph: paint down until only the excluded side is left.

    The flag says whether the walk met a parent missing from the graph while it still mattered.  With
    `limit`, the walk stops once it has found more than `limit` commits (a range that large is no answer).
    """
    if tip not in parents:
        return set(), True
    excluded: set[str] = set()
    queued = {tip}
    heap = [(-generation[tip], tip)]
    if stop in parents:
        excluded.add(stop)
        queued.add(stop)
        heapq.heappush(heap, (-generation[stop], stop))
    live = 0 if tip in excluded else 1
    found: set[str] = set()
    cut = False
    while live and heap and (limit is None or len(found) <= limit):
        _, sha = heapq.heappop(heap)
        hidden = sha in excluded
        if not hidden:
            live -= 1
            found.add(sha)
        for parent in parents[sha]:
            if parent not in parents:
                cut = True
                continue
            if hidden and parent not in excluded:
                live -= parent in queued
                excluded.add(parent)
            if parent not in queued:
                queued.add(parent)
                live += parent not in excluded
                heapq.heappush(heap, (-generation[parent], parent))
    return found, cut


def _classify(tags: list[TagRef]):
    skipped, versioned = [], []
    for ref in tags:
        parsed = parse_tag(ref.name)
        if ref.kind == "ignored" or (parsed is not None and ref.commit is None):
            skipped.append(Skipped(ref.name, ref.problem))
        elif parsed is None:
            built = COMMIT_ID.search(ref.name)
            skipped.append(Skipped(ref.name, "a build tag (its name embeds a commit id)" if built else "no version in the tag name"))
        else:
            versioned.append((parsed, ref))
    return skipped, versioned


def _first_tags(versioned) -> dict[str, tuple[str, datetime | None]]:
    """Each line's earliest tag by date (by name among tags of one moment, undated ones last) and its date."""
    firsts: dict[str, tuple] = {}
    for tv, ref in versioned:
        key = (ref.date is None, ref.date.timestamp() if ref.date is not None else 0.0, tv.tag)
        if tv.prefix not in firsts or key < firsts[tv.prefix][0]:
            firsts[tv.prefix] = (key, (tv.tag, ref.date))
    return {line: first for line, (_, first) in firsts.items()}


def _current_line(versioned, lines: Counter) -> str:
    """The line with the most version tags among those still tagged within a year of the newest tag.

    A project that changed its scheme (helix: v0.6.0 in 2022, then 22.03 to
    25.07) is analysed on the scheme it uses now, not on the longer old one.
    """
    if not lines:
        return ""
    newest: dict[str, datetime] = {}
    for tv, ref in versioned:
        if ref.date is not None:
            newest[tv.prefix] = max(newest.get(tv.prefix, ref.date), ref.date)
    latest = max(newest.values(), default=None)
    current = [prefix for prefix in lines if latest is None or latest - newest.get(prefix, latest) <= CURRENT]
    stable = Counter(tv.prefix for tv, _ in versioned if tv.version.stable)
    return max(current, key=lambda prefix: (lines[prefix], stable[prefix], prefix == "v", prefix == ""))


def _order(kept) -> list[Release]:
    """Releases by date, each linked to the previous stable release in version order that was tagged in
    order: a stable release tagged out of version order is no in-order release's previous.  Its own previous
    is for now the same (the nearest lower in-order version); `settle_previous` refines it once the history
    is known, and may make it an earlier backport of its own branch."""
    by_version = sorted(kept, key=lambda item: item[0].version.sort_key)
    late = _out_of_order([(tv.tag, ref.date) for tv, ref in by_version if tv.version.stable])
    in_order = [tv for tv, _ in by_version if tv.version.stable and tv.tag not in late]
    stable_keys = [tv.version.sort_key for tv in in_order]
    releases = []
    for tv, ref in kept:
        index = bisect_left(stable_keys, tv.version.sort_key)
        previous = in_order[index - 1].tag if index > 0 else ""
        releases.append(Release(tv.tag, tv.prefix, tv.version, ref.date, ref.commit, ref.annotated, previous, tv.tag in late))
    return sorted(releases, key=lambda r: (r.date, r.version.sort_key))


def settle_previous(timeline: Timeline, parents: dict[str, tuple[str, ...]]) -> Timeline:
    """The timeline with each release tagged out of version order given the previous release that leaves it
    the smallest range: among the stable releases of its line dated before it that it descends from, or,
    where it descends from none, among those tagged in order.

    Codex's `rust-v0.0.2508241142`, tagged two months after `rust-v0.2.0`,
    then follows `rust-v0.23.0` (57 commits) rather than the date-stamped
    release before it in version order (499 commits since June); a backport
    keeps its predecessor on its branch, the first (`1.38.2` tagged after
    `1.40.0` follows `1.38.1`) and every later one (tokio's `1.47.5` follows
    `1.47.4`, 6 commits, not `1.52.2`, which it does not descend from, though
    only 5 of its commits are missing there); of equal ranges the nearest
    lower version wins.  Each candidate's range is counted only as far as the
    smallest one so far, so the cost stays near the size of the ranges chosen,
    plus one walk down to the oldest candidate for the ancestry.
    """
    late = [r for r in timeline.releases if r.stable and r.out_of_order and r.commit in parents]
    if not late:
        return timeline
    generation = generations(parents)
    settled = {release.tag: _nearest(release, timeline.releases, parents, generation) for release in late}
    releases = tuple(replace(r, previous=settled.get(r.tag) or r.previous) for r in timeline.releases)
    return replace(timeline, releases=releases)


def _nearest(release: Release, releases: tuple[Release, ...], parents: dict[str, tuple[str, ...]],
             generation: dict[str, int]) -> str:
    """The tag of the stable release dated before `release` whose range to it is smallest, among those it
    descends from (else among those tagged in order)."""
    dated = [r for r in releases if r.stable and r.date < release.date and r.commit in parents]
    reached = _reached(release.commit, dated, parents, generation)
    before = [r for r in dated if r.commit in reached] or [r for r in dated if not r.out_of_order]
    key = release.version.sort_key
    lower = sorted((r for r in before if r.version.sort_key < key), key=lambda r: r.version.sort_key, reverse=True)
    higher = sorted((r for r in before if r.version.sort_key >= key), key=lambda r: r.version.sort_key)
    best, best_size = "", None
    for candidate in lower + higher:
        found, _ = _range(release.commit, candidate.commit, parents, generation, limit=best_size)
        if best_size is None or len(found) < best_size:
            best, best_size = candidate.tag, len(found)
    return best


def _reached(tip: str, candidates: list[Release], parents: dict[str, tuple[str, ...]],
             generation: dict[str, int]) -> set[str]:
    """The commits of `candidates` that `tip` descends from (or is): a walk down from `tip` to the oldest
    candidate's generation, below which none of them lies."""
    wanted = {r.commit for r in candidates}
    if not wanted:
        return set()
    return ancestry(tip, parents, generation, min(generation[sha] for sha in wanted)) & wanted


def ancestry(tip: str, parents: dict[str, tuple[str, ...]], generation: dict[str, int] | None = None,
             floor: int = 0) -> set[str]:
    """`tip` and the commits of `parents` it descends from (`git rev-list tip`), iteratively; with
    `generation`, only those at generation `floor` or above."""
    seen: set[str] = set()
    stack = [tip]
    while stack:
        sha = stack.pop()
        if sha in seen or sha not in parents or (generation is not None and generation[sha] < floor):
            continue
        seen.add(sha)
        stack += parents[sha]
    return seen


def _out_of_order(stable: list[tuple[str, datetime]]) -> set[str]:
    """Stable tags (given in version order) tagged out of it: each tagged after a higher version was, and
    the stray tags.

    A backport to an older line or a tag made late is tagged when a higher
    version already exists, so the main line is the releases that were the
    highest version of their day: tokio's 1.47.2 and 1.47.3, tagged after
    1.48.0, are out of order, and 1.48.0 is not.  A stray high tag (a mistaken
    v9.0.0 early on, a fork's upstream tags) would make every later release
    look late, so a tag that alone makes more than `STRAY_SHADOWS` releases
    look late (no other higher version was tagged before them) is the one out
    of order: it is set aside and the rest judged again.
    """
    strays: set[str] = set()
    while True:
        late, sole = _after_higher([(tag, date) for tag, date in stable if tag not in strays])
        found = {tag for tag, shadowed in sole.items() if shadowed > STRAY_SHADOWS}
        if not found:
            return late | strays
        strays |= found


STRAY_SHADOWS = 3  # tokio's 1.48.0 alone precedes two backports, its 1.47.2 and 1.47.3


def _after_higher(stable: list[tuple[str, datetime]]) -> tuple[set[str], Counter]:
    """The tags dated after a higher version's (ties are in order), and for each higher version the number
    of those it alone was tagged before: from the highest version down, each tag against the two earliest
    dates above it."""
    late: set[str] = set()
    sole: Counter = Counter()
    first: tuple[datetime, str] | None = None  # the earliest (date, tag) above, and the next earliest date
    second: datetime | None = None
    for tag, date in reversed(stable):
        if first is not None and date > first[0]:
            late.add(tag)
            if second is None or date <= second:
                sole[first[1]] += 1
        if first is None or date < first[0]:
            first, second = (date, tag), first[0] if first is not None else None
        elif second is None or date < second:
            second = date
    return late, sole
