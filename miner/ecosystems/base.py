"""What a package ecosystem provides to the architecture stage.

Modelled on pre-commit's languages: each ecosystem is one module exposing an
object with this shape, listed once in `miner.ecosystems.ECOSYSTEMS`; adding an
ecosystem is adding a module and a line.  An ecosystem reads one release's
tree and says which workspaces an authority (Cargo, npm, pnpm, bun, yarn, uv,
Go) would see there, with each member's internal dependencies, using that
authority's own rules and never running anything from the repository.

The tree is walked once per release for every ecosystem at once
(`TreeView.find` with the union of their `manifests`), and each ecosystem gets
that listing: the cost of discovery does not grow with the number of
ecosystems.  Parsed manifests are cached by blob id through `cache`, so a
release that shares a manifest with an earlier one does not parse it again.
Problems (a manifest that does not parse, a glob matching nothing, a member
outside the repository, a symbolic link where a manifest should be, two
members with one name) are `MinerWarning`s on the workspace they concern, with the
file's path; the other workspaces and ecosystems are read as usual.
"""
from __future__ import annotations

from typing import Protocol

from miner.model.packages import Workspace
from miner.sources.trees import Found, TreeView
from miner.store.cache import Cache


class Ecosystem(Protocol):
    """One package ecosystem: its name, its packages' language and how to read its workspaces."""

    name: str
    """"cargo", "npm", ...: the `ecosystem` column of every table."""

    language: str
    """The language its packages are written in, named as GitHub names it ("Rust", "TypeScript")."""

    manifests: frozenset[str]
    """File names this ecosystem reads (`Cargo.toml`; `package.json`, `pnpm-workspace.yaml`, ...)."""

    def workspaces(self, tree: TreeView, found: Found, cache: Cache) -> list[Workspace]:
        """Every workspace of this ecosystem in `tree`, ordered by root; `found` lists the `manifests` files."""
        ...
