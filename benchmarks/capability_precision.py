"""Precision of the capability catalog, from hand verdicts on real repositories.

Usage: .venv/bin/python benchmarks/capability_precision.py [--verdicts FILE] [--capabilities FILE]
                                                           [--db FILE] [--per-capability N] [--pending]

Each repository of REPOSITORIES is analysed as `mine analyze` does (into a
scratch store, or `--db`) and every mention it reports (a counted release, a
capability, the line that mentions it) is listed.  The sample to judge is, per
repository, the first appearance of every capability that has mentions and
more of its mentions up to N per capability (default 20), picked by a hash of
(repository, release, capability) so the sample stays the same from run to
run; at least 40 per repository.

The verdict file (CSV: repository, release, commit, changelog_version,
capability, verdict) holds no text of the repositories: `release` is the tag
(empty for a changelog version without one), `commit` the commit whose subject
or message holds the line (notes made of commit subjects or a release commit),
`changelog_version` the changelog section it is in.  The text is read again from
the fetched repository on every run.  A verdict is `true` when the line is about
the agent's own capability of that name (added, changed, fixed, tested,
documented or configured), `false` when the words name something else (a React
hook, an IDE's plugin, a file's audio, the Mistral API's Python SDK, an MCP
server's repository in a URL) or the line is about the project's housekeeping
(a licence file, an issue template, release automation).  A verdict judges the
line the analysis quotes: after a change to the catalog or to how notes are cut
into lines, judge the sample again (`--pending` lists what has no verdict).

`capability_verdicts.csv` holds the verdicts on this catalog;
`capability_verdicts_before.csv` those on the catalog of main before issue 12
(commit f2f43c4, 10 per capability), whose figures this script reproduces when
run from a checkout of that commit with `--per-capability 10`.

Prints precision per capability and repository, and pooled per capability;
whether each first appearance is judged true; verdicts whose mention is gone
(a false one removed is a fixed false positive, a true one a lost mention) or
now comes from another commit.  `--pending` prints the sampled mentions that
have no verdict yet, with their line, to judge (on the terminal, never into
the file).  A repository that is not fetched is skipped with a message.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from miner.pipeline import analyze

MIRRORS = Path("/work/.mirror")
REPOSITORIES = ["anthropics/claude-code", "google-gemini/gemini-cli", "mistralai/mistral-vibe"]
VERDICTS = Path(__file__).with_name("capability_verdicts.csv")
COLUMNS = ["repository", "release", "commit", "changelog_version", "capability", "verdict"]
MINIMUM = 40


@dataclass(frozen=True)
class Mention:
    """One mention as the analysis reports it, located in the repository without copying its text."""

    repository: str
    release: str
    commit: str
    changelog_version: str
    capability: str
    evidence: str
    first: bool

    @property
    def key(self) -> tuple[str, str, str, str]:
        return self.repository, self.release, self.changelog_version, self.capability


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verdicts", type=Path, default=VERDICTS)
    parser.add_argument("--capabilities", help="capability catalog TOML (default: miner's own)")
    parser.add_argument("--db", help="store to analyse into (default: a temporary one)")
    parser.add_argument("--per-capability", type=int, default=20, metavar="N")
    parser.add_argument("--pending", action="store_true", help="print the sampled mentions still to judge")
    args = parser.parse_args()
    verdicts = read_verdicts(args.verdicts)
    judged: list[tuple[str, bool]] = []
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db or str(Path(scratch) / "precision.sqlite")
        for repository in REPOSITORIES:
            path = MIRRORS / repository.replace("/", "+") / "repo"
            if not path.exists():
                print(f"{repository}: skipped ({path} is not fetched)")
                continue
            found = repository_mentions(repository, path, db, args.capabilities)
            chosen = sample(found, args.per_capability)
            if args.pending:
                print_pending(chosen, verdicts)
            else:
                judged += report(repository, found, chosen, verdicts)
    if not args.pending:
        pooled(judged)


def read_verdicts(path: Path) -> dict[tuple[str, str, str, str], dict[str, str]]:
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    return {(r["repository"], r["release"], r["changelog_version"], r["capability"]): r for r in rows}


def repository_mentions(repository: str, path: Path, db: str, capabilities: str | None) -> list[Mention]:
    """Every mention `mine analyze` reports for the repository, each with its commit or changelog version."""
    name = repository.split("/")[1]
    tables = analyze(str(path), db=db, name=name, capabilities=capabilities).tables
    notes = tables["notes"].fillna("")
    rows = {(r.release or r.version): r for r in notes.itertuples()}
    releases = tables["releases"].set_index("tag")
    firsts = {(r.capability, r.first_release) for r in tables["capabilities"].itertuples() if r.first_release}
    found = []
    for mention in tables["mentions"].itertuples():
        row = rows[mention.release]
        commit = ""
        if row.source == "commits":
            previous = releases.loc[row.release, "previous"]
            commit = commit_of(path, row.release, previous if isinstance(previous, str) else None, mention.evidence)
        elif row.source == "release-commit":
            commit = str(releases.loc[row.release, "commit"])
        version = row.version if row.source == "changelog" else ""
        found.append(Mention(repository, row.release, commit, version, mention.capability, mention.evidence,
                             (mention.capability, mention.release) in firsts))
    return found


def commit_of(path: Path, tag: str, previous: str | None, line: str) -> str:
    """The oldest commit of the release's range whose subject is `line` (notes made of subjects are `- subject`)."""
    span = f"{previous}..{tag}" if previous else tag
    log = subprocess.run(["git", "--git-dir", str(path), "log", "--no-merges", "--reverse", "--format=%H%x1f%s",
                          span], capture_output=True, text=True, check=True).stdout
    subject = line.removeprefix("- ").strip()
    return next((sha for sha, _, text in (entry.partition("\x1f") for entry in log.splitlines())
                 if text.strip() == subject), "")


def sample(found: list[Mention], per_capability: int) -> list[Mention]:
    """Every first appearance, then up to `per_capability` mentions per capability by hash, at least MINIMUM."""
    by_capability = defaultdict(list)
    for mention in sorted(found, key=_rank):
        by_capability[mention.capability].append(mention)
    chosen = [m for m in found if m.first]
    for mentions in by_capability.values():
        chosen += [m for m in mentions if not m.first][:max(per_capability - 1, 0)]
    rest = [m for m in sorted(found, key=_rank) if m not in chosen]
    return chosen + rest[:max(MINIMUM - len(chosen), 0)]


def _rank(mention: Mention) -> str:
    return hashlib.sha256("|".join(mention.key).encode()).hexdigest()


def print_pending(chosen: list[Mention], verdicts: dict) -> None:
    for mention in chosen:
        verdict = verdicts.get(mention.key)
        if verdict is not None and verdict["commit"] == mention.commit:
            continue
        state = "stale" if verdict is not None else "new"
        print(",".join([mention.repository, mention.release, mention.commit, mention.changelog_version,
                        mention.capability, "?"]) + f"  # {state}{' FIRST' if mention.first else ''}: "
              f"{mention.evidence[:300]}")


def report(repository: str, found: list[Mention], chosen: list[Mention], verdicts: dict) -> list[tuple[str, bool]]:
    """Precision per capability of this repository, judged first appearances, and verdicts that went stale;
    returns the (capability, verdict) of every valid verdict."""
    current = {m.key: m for m in found}
    print(f"\n== {repository}: {len(found)} mentions, {len(chosen)} sampled")
    print(f"{'capability':<18}{'mentions':>9}{'judged':>8}{'true':>6}{'precision':>11}  first appearance")
    counts = defaultdict(int)
    for mention in found:
        counts[mention.capability] += 1
    for capability in counts:
        judged = [verdicts[m.key] for m in chosen if m.capability == capability and _valid(verdicts, m)]
        true = sum(v["verdict"] == "true" for v in judged)
        first = next((m for m in found if m.capability == capability and m.first), None)
        first_verdict = verdicts[first.key]["verdict"] if first is not None and _valid(verdicts, first) else "unjudged"
        precision = f"{true / len(judged):.2f}" if judged else "-"
        release = first.release or first.changelog_version if first else ""
        print(f"{capability:<18}{counts[capability]:>9}{len(judged):>8}{true:>6}{precision:>11}  {release} "
              f"{first_verdict}")
    pending = [m for m in chosen if not _valid(verdicts, m)]
    if pending:
        print(f"   {len(pending)} sampled mentions without a valid verdict (run with --pending)")
    gone = [v for key, v in verdicts.items() if key[0] == repository and key not in current]
    for verdict in ("false", "true"):
        left = [v for v in gone if v["verdict"] == verdict]
        if left:
            what = "false positives no longer matched" if verdict == "false" else "TRUE mentions no longer matched"
            print(f"   {len(left)} {what}: " + ", ".join(f"{v['capability']}@{v['release'] or v['changelog_version']}"
                                                    for v in left))
    return [(m.capability, verdicts[m.key]["verdict"] == "true") for m in chosen if _valid(verdicts, m)]


def _valid(verdicts: dict, mention: Mention) -> bool:
    """A verdict counts when it names the mention and the same commit (an unchanged line for subjects)."""
    verdict = verdicts.get(mention.key)
    return verdict is not None and verdict["commit"] == mention.commit


def pooled(judged: list[tuple[str, bool]]) -> None:
    """Precision per capability over the valid verdicts of every repository."""
    by_capability = defaultdict(list)
    for capability, verdict in judged:
        by_capability[capability].append(verdict)
    print("\n== all repositories")
    print(f"{'capability':<18}{'judged':>8}{'true':>6}{'precision':>11}")
    for capability, judged in sorted(by_capability.items()):
        print(f"{capability:<18}{len(judged):>8}{sum(judged):>6}{sum(judged) / len(judged):>11.2f}")


if __name__ == "__main__":
    sys.exit(main())
