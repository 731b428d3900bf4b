"""Release-notes sources and capability first appearances on real repositories.

Usage: .venv/bin/python benchmarks/notes_capabilities.py [REPO_PATH ...] [--lines CAPABILITY]
Reads each repository's changelogs (CHANGELOG.md, docs/changelogs; every
tag's tree), checks the section count of HEAD's CHANGELOG.md against a plain
line count of its version headings, and prints per-capability first version
and count.  Without paths it reads the Claude Code and Gemini CLI mirrors.  A
path that does not exist is skipped with a message.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import time
from pathlib import Path

import pygit2

from miner.analyses.capabilities import evolution, mentions
from miner.catalogs.capabilities import load_catalog
from miner.model.notes import normalise_version
from miner.sources.changelogs import read_changelogs, sections_by_version
from miner.store.cache import MemoryCache

MIRRORS = ["/work/.mirror/anthropics+claude-code/repo", "/work/.mirror/google-gemini+gemini-cli/repo"]
VERSION_HEADING = r"^## \[?v?\d"  # Claude Code's `## 2.1.0`, keep-a-changelog's `## [1.2.0]`
SETEXT_UNDERLINE = r"^=+$"  # ripgrep's `15.0.0 (2025-10-15)` over a line of `=`


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=MIRRORS, help="bare repositories (default: the mirrors)")
    parser.add_argument("--lines", metavar="CAPABILITY", help="print the note line that mentions it, per version")
    args = parser.parse_args()
    catalog = load_catalog()
    for arg in args.paths:
        path = Path(arg)
        if not path.exists():
            print(f"{path}: skipped (no such repository)")
            continue
        report(path, catalog, args.lines)


def report(path: Path, catalog, show: str | None) -> None:
    """Sections, versions, timings and capability evolution of one repository."""
    repo = pygit2.Repository(str(path))
    tags = {ref.removeprefix("refs/tags/"): ref for ref in repo.references if ref.startswith("refs/tags/")}
    trees = [repo.revparse_single("HEAD").tree] + [_tree(repo, ref) for ref in tags.values()]
    started = time.perf_counter()
    sections = read_changelogs(repo, [t for t in trees if t is not None], MemoryCache())
    elapsed = time.perf_counter() - started
    by_version = sections_by_version(sections)
    print(f"\n== {path}: {len(sections)} sections, {len(by_version)} versions, {elapsed:.2f}s")
    if "CHANGELOG.md" in trees[0]:
        at_head = read_changelogs(repo, trees[:1], MemoryCache())
        oracle = _grep_count(path, "CHANGELOG.md", f"{VERSION_HEADING}|{SETEXT_UNDERLINE}")
        print(f"   HEAD:CHANGELOG.md sections {len(at_head)}, headings by grep {oracle}")
    tagged = {normalise_version(tag) for tag in tags} - {None}
    print(f"   versions with a section and a tag: {len(tagged & set(by_version))}; without a tag: {len(set(by_version) - tagged)}")
    releases = [
        (_tag_for(version, tags), version, section.date, "-" not in version, section.body, "changelog")
        for version, section in sorted(by_version.items(), key=lambda item: _key(item[0]))
    ]
    for label, chosen in [("all sections", releases), ("tagged only", [r for r in releases if r[0]])]:
        summary, _ = evolution(catalog, chosen)
        print(f"   -- {label} ({sum(1 for r in chosen if r[3])} stable)")
        print(summary[["capability", "first_release", "first_date", "releases_mentioning"]].to_string(index=False))
    if show:
        for _, version, _, _, body, _ in releases:
            line = mentions(catalog, body).get(show)
            if line:
                print(f"{version}: {line[:160]}")


def _tree(repo: pygit2.Repository, ref: str):
    try:
        return repo[repo.references[ref].target].peel(pygit2.Commit).tree
    except (KeyError, ValueError, pygit2.InvalidSpecError):
        return None


def _tag_for(version: str, tags: dict[str, str]) -> str:
    return next((tag for tag in tags if normalise_version(tag) == version), "")


def _key(version: str) -> tuple:
    core, _, pre = version.partition("-")
    return tuple(int(part) for part in core.split(".")), pre == "", pre


def _grep_count(path: Path, file: str, pattern: str) -> int:
    text = subprocess.run(["git", "-C", str(path), "show", f"HEAD:{file}"], capture_output=True, text=True).stdout
    return sum(1 for line in text.splitlines() if re.match(pattern, line))


if __name__ == "__main__":
    main()
