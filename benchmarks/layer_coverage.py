"""The share of packages no layer rule matches, per repository, at its latest stable release.

    python benchmarks/layer_coverage.py [REPO_PATH ...] [--layers FILE] [--config FILE] [--list]

Reads the release line `mine analyze` would choose (or the agent's `line`
from the agents config), takes its highest stable version, reads the
workspaces of every ecosystem at that tag and sorts the packages into layers
with the rules `mine analyze` would use for that repository (the default
rules, or `--layers FILE`, with the agent's own rules from the agents config
first).  Prints, per repository, the packages, how many are Unclassified and
their share; `--list` names the unclassified ones.  The goal for the five
public agents is at most 20%.  Paths that do not exist are skipped with a
message.  Without arguments: the agents' repositories under /work/.mirror.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pygit2

from miner.analyses.architecture import layer_path
from miner.analyses.releases import select_releases
from miner.catalogs.agents import load_config
from miner.catalogs.layers import UNCLASSIFIED, classify, load_layers
from miner.ecosystems import workspaces_at
from miner.pipeline import agent_of
from miner.sources.tags import read_tags
from miner.sources.trees import TreeView
from miner.store.cache import MemoryCache

MIRROR = Path("/work/.mirror")
DEFAULT = ["google-gemini+gemini-cli", "anthropics+claude-code", "mistralai+mistral-vibe",
           "aws+amazon-q-developer-cli", "AryaLabsHQ+opencoder", "RooCodeInc+Roo-Code", "openai+codex"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("repos", nargs="*")
    parser.add_argument("--layers")
    parser.add_argument("--config")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    config = load_config(args.config)
    for spec in args.repos or [str(MIRROR / name / "repo") for name in DEFAULT]:
        path = Path(spec)
        if not path.exists():
            print(f"{spec}: not found, skipped")
            continue
        name = path.parent.name.split("+")[-1] if path.name == "repo" else path.stem
        agent = agent_of(config, name, str(path.resolve()))
        layers = [*(agent.layers if agent else ()), *load_layers(args.layers)]
        coverage(path, name, layers, agent.release_line if agent else None, args.list)
    return 0


def coverage(path: Path, name: str, layers, line: str | None, listed: bool) -> None:
    repo = pygit2.Repository(str(path))
    timeline = select_releases(read_tags(repo), line=line)
    stable = [r for r in timeline.releases if r.stable]
    if not stable:
        print(f"{name}: no stable release")
        return
    release = max(stable, key=lambda r: r.version.sort_key)
    view = TreeView(repo, repo[release.commit].tree)
    rows = [(workspace.ecosystem, package.path or ".", classify(layer_path(package, workspace), package.name,
                                                                 layers))
            for workspace in workspaces_at(view, MemoryCache()) for package in workspace.packages]
    unclassified = [row for row in rows if row[2] == UNCLASSIFIED]
    share = len(unclassified) / len(rows) if rows else 0.0
    ecosystems = ", ".join(sorted({row[0] for row in rows})) or "none"
    print(f"{name} {release.tag}: {len(rows)} packages ({ecosystems}), {len(unclassified)} unclassified ({share:.0%})")
    if listed:
        for ecosystem, directory, _ in unclassified:
            print(f"    {ecosystem} {directory}")


if __name__ == "__main__":
    sys.exit(main())
