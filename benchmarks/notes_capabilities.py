"""Release-notes sources and capability first appearances on real repositories.

Run: .venv/bin/python benchmarks/notes_capabilities.py [--lines CAPABILITY]
Reads Claude Code's CHANGELOG.md and Gemini CLI's docs/changelogs (every tag's
tree) from the mirrors, checks the section count against a plain line count of
the headings, and prints per-capability first version and count.  Skips a
repository whose mirror is absent.
"""
from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pygit2

from miner.cache import MemoryCache
from miner.capabilities import evolution, load_catalog, mentions
from miner.notes import normalise_version, read_changelogs, sections_by_version

MIRRORS = Path("/work/.mirror")


def main() -> None:
    show = sys.argv[sys.argv.index("--lines") + 1] if "--lines" in sys.argv else None
    catalog = load_catalog()
    for name, heading in [("anthropics+claude-code", r"^## \d"), ("google-gemini+gemini-cli", None)]:
        path = MIRRORS / name / "repo"
        if not path.exists():
            print(f"{name}: mirror absent, skipped")
            continue
        repo = pygit2.Repository(str(path))
        tags = {ref.removeprefix("refs/tags/"): ref for ref in repo.references if ref.startswith("refs/tags/")}
        trees = [repo.revparse_single("HEAD").tree] + [_tree(repo, ref) for ref in tags.values()]
        started = time.perf_counter()
        sections = read_changelogs(repo, [t for t in trees if t is not None], MemoryCache())
        elapsed = time.perf_counter() - started
        by_version = sections_by_version(sections)
        print(f"\n== {name}: {len(sections)} sections, {len(by_version)} versions, {elapsed:.2f}s")
        if heading:
            at_head = read_changelogs(repo, trees[:1], MemoryCache())
            oracle = _grep_count(path, "CHANGELOG.md", heading)
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
