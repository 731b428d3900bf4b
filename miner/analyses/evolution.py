"""How a project evolved: the notes chosen per release, capabilities, inflections, the latest arc.

For every release `miner.sources.notes` gathers what each source holds; this
keeps the first source of the preferred order that has any text, and greps the
chosen notes for the capabilities of the catalog (`miner.analyses.capabilities`).
Versions that have a changelog section but no tag count as releases too
(Claude Code publishes many such versions), ordered by version with the tagged
ones.  Combined with the package changes it finds the inflections (a release
where new packages arrive with a capability's first mention, like Codex's
app-server split) and the latest arc (what is new in the last N stable
releases).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from miner.analyses.capabilities import ReleaseText, cached_mentions, evolution
from miner.analyses.timeline import in_order_stable
from miner.catalogs.capabilities import Capability
from miner.model.notes import CHANGELOG, DEFAULT_ORDER, Notes, ReleaseNotes, UntaggedVersion, pr_numbers
from miner.model.packages import name_apart
from miner.model.versions import parse_version
from miner.store.cache import Cache

NOTES_COLUMNS = ["release", "version", "date", "stable", "tagged", "out_of_order", "whole_history", "source", "prs",
                 "range_prs", "text"]


def evolution_tables(found: Sequence[ReleaseNotes], untagged: Sequence[UntaggedVersion],
                     catalog: Sequence[Capability], order: Sequence[str], count_all: bool,
                     cache: Cache) -> dict[str, pd.DataFrame]:
    """Notes, coverage, capability summary and mentions over the releases, oldest version first."""
    rows = [_release_row(notes, choose(notes.found, order)) for notes in found] + [_untagged_row(v) for v in untagged]
    notes = pd.DataFrame(sorted(rows, key=lambda row: parse_version(row["version"]).sort_key), columns=NOTES_COLUMNS)
    # A release tagged out of version order (an old version tagged months late) would claim in
    # version order what its notes only said much later: it is not counted.
    counted = notes[~notes["out_of_order"] & (notes["stable"] | count_all)]
    mentioned = cached_mentions(catalog, counted["text"], cache)
    texts = [ReleaseText(r.release, r.version, r.date, r.stable, r.text, r.source, r.whole_history)
             for r in counted.itertuples()]
    summary, matrix = evolution(catalog, texts, count_all=True, found=mentioned)
    return {"notes": notes, "notes_coverage": _coverage(notes, order), "capabilities": summary,
            "mentions": _mention_rows(counted, mentioned), "capability_matrix": matrix.reset_index()}


def choose(found: Mapping[str, Notes], order: Sequence[str] = DEFAULT_ORDER) -> Notes | None:
    """The notes of the first source in `order` that has any text."""
    return next((found[source] for source in order if source in found and found[source].text.strip()), None)


def coverage(chosen: Iterable[Notes | None], order: Sequence[str] = DEFAULT_ORDER) -> dict[str, int]:
    """How many releases got their notes from each source, and how many got none."""
    counts = dict.fromkeys((*order, "none"), 0)
    for notes in chosen:
        key = notes.source if notes is not None else "none"
        counts[key] = counts.get(key, 0) + 1
    return counts


def inflections(capabilities: pd.DataFrame, changes: pd.DataFrame, notes: pd.DataFrame) -> pd.DataFrame:
    """Releases where new packages arrive together with a capability's first mention, with their PRs,
    in the order of the notes table (version order: 0.43 before 0.105).

    A release whose range holds the whole earlier history is no inflection: every package is new there
    (gemini-cli's v0.1.6, whose notes are the subjects of its first 1,052 commits).  Packages that share a
    name (gemini-cli's root and `packages/cli`) are told apart by their directory.
    """
    firsts: dict[str, list[str]] = {}
    for row in capabilities.dropna(subset=["first_release"]).itertuples():
        firsts.setdefault(row.first_release, []).append(row.capability)
    whole = notes[notes["tagged"] & notes["whole_history"].astype(bool)]["release"].tolist()
    arrivals = changes[(changes["change"] == "added") & ~changes["release"].isin(whole)]
    added = {release: _named_apart(rows) for release, rows in arrivals.groupby("release")}
    prs = {r.release: " ".join(dict.fromkeys(f"{r.prs} {r.range_prs}".split())) for r in notes.itertuples()}
    dates = dict(zip(notes["release"], notes["date"]))
    rows = [{"release": tag, "date": dates.get(tag, ""), "capabilities": ", ".join(firsts[tag]),
             "packages_added": ", ".join(added[tag]), "prs": prs.get(tag, "")}
            for tag in notes["release"] if tag in firsts and tag in added]
    return pd.DataFrame(rows, columns=["release", "date", "capabilities", "packages_added", "prs"])


def _named_apart(rows: pd.DataFrame) -> list[str]:
    """The packages' names, sorted, each with its directory where another of `rows` has the same name."""
    names = Counter(rows["package"])
    return sorted(name_apart(name, path, names) for name, path in zip(rows["package"], rows["path"].fillna("")))


def latest_arc(capabilities: pd.DataFrame, changes: pd.DataFrame, releases: pd.DataFrame, count: int) -> pd.DataFrame:
    """The last `count` stable releases (by version), the packages they add and the capabilities they first mention."""
    stable = releases[in_order_stable(releases)]
    versions = dict(zip(stable["tag"], stable["version"]))
    order = sorted(versions, key=lambda tag: parse_version(versions[tag]).sort_key)
    arc = order[-count:] if count > 0 else []
    packages = changes[changes["release"].isin(arc) & (changes["change"] != "removed")]
    rows = [{"release": tag, "kind": "release", "name": tag, "change": ""} for tag in arc]
    rows += [{"release": r.release, "kind": "package", "name": r.package, "change": r.change} for r in packages.itertuples()]
    rows += [{"release": r.first_release, "kind": "capability", "name": r.capability, "change": "first mention"}
             for r in capabilities.itertuples() if r.first_release in arc]
    rank = {tag: index for index, tag in enumerate(order)}
    kinds = {"release": 0, "package": 1, "capability": 2}
    return pd.DataFrame(sorted(rows, key=lambda row: (rank[row["release"]], kinds[row["kind"]])),
                        columns=["release", "kind", "name", "change"])


def _release_row(notes: ReleaseNotes, chosen: Notes | None) -> dict:
    return {"release": notes.tag, "version": notes.version, "date": notes.date, "stable": notes.stable,
            "tagged": True, "out_of_order": notes.out_of_order, "whole_history": notes.whole_history,
            "source": chosen.source if chosen else "",
            "prs": _prs(chosen.prs) if chosen else "", "range_prs": _prs(notes.range_prs),
            "text": chosen.text if chosen else ""}


def _untagged_row(version: UntaggedVersion) -> dict:
    return {"release": "", "version": version.version, "date": version.date,
            "stable": parse_version(version.version).stable, "tagged": False, "out_of_order": False,
            "whole_history": False,
            "source": CHANGELOG, "prs": _prs(pr_numbers(version.section.body)), "range_prs": "",
            "text": version.section.body}


def _coverage(notes: pd.DataFrame, order) -> pd.DataFrame:
    counts = coverage([None if not s else Notes(s, "", ()) for s in notes[notes["tagged"]]["source"]], order)
    return pd.DataFrame(list(counts.items()), columns=["source", "releases"])


def _mention_rows(counted: pd.DataFrame, found: list[dict[str, str]]) -> pd.DataFrame:
    """Every (release, capability) mention with its evidence line, over the releases the table counts."""
    rows = [{"release": r.release or r.version, "stable": r.stable, "capability": name, "evidence": line}
            for r, mentioned in zip(counted.itertuples(), found) for name, line in mentioned.items()]
    return pd.DataFrame(rows, columns=["release", "stable", "capability", "evidence"])


def _prs(numbers) -> str:
    return " ".join(f"#{n}" for n in numbers)
