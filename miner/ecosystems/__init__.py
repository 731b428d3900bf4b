"""Package ecosystems, one module each behind the protocol of `miner.ecosystems.base`.

`ECOSYSTEMS` is the registry the architecture stage iterates, in the order
their workspaces are listed; `workspaces_at` reads all of them at one tree with
a single walk of the tree.
"""
from __future__ import annotations

from miner.ecosystems.base import Ecosystem
from miner.ecosystems.cargo import CARGO
from miner.ecosystems.go import GO
from miner.ecosystems.javascript import BUN, NPM, PNPM, YARN
from miner.ecosystems.python import PYTHON
from miner.model.packages import Workspace
from miner.sources.trees import TreeView
from miner.store.cache import Cache

ECOSYSTEMS: tuple[Ecosystem, ...] = (
    CARGO,
    NPM,
    YARN,
    PNPM,
    BUN,
    PYTHON,
    GO,
)


def workspaces_at(tree: TreeView, cache: Cache, ecosystems: tuple[Ecosystem, ...] | None = None) -> list[Workspace]:
    """The workspaces of every ecosystem (or of `ecosystems`) in `tree`, one tree walk for all."""
    chosen = ECOSYSTEMS if ecosystems is None else ecosystems
    found = tree.find(frozenset().union(*(e.manifests for e in chosen)), cache) if chosen else None
    return [workspace for ecosystem in chosen for workspace in ecosystem.workspaces(tree, found, cache)]
