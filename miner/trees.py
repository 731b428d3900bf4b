"""Objects of one git tree looked up by path, each directory's tree read once.

`tree["crates/a/Cargo.toml"]` reads every tree on the way, and libgit2 keeps
no tree over 4 KB in its object cache: in a directory of 20,000 crates each
lookup reads and parses that directory again, and reading every crate costs
the square of their number.  `Subtrees` holds each directory's tree once it
has been found, so a lookup costs one step from its parent's.
"""
from __future__ import annotations

import pygit2

_MISSING_OBJECT = (KeyError, ValueError, pygit2.GitError)


class Subtrees:
    """Paths of `tree`, resolved through the directory trees already found."""

    def __init__(self, tree: pygit2.Tree):
        self._trees: dict[str, pygit2.Tree | None] = {"": tree}

    def entry(self, path: str) -> pygit2.Object | None:
        """The object at `path` ("" for the tree itself), None when absent or unreadable."""
        directory, _, name = path.rpartition("/")
        parent = self.directory(directory)
        if parent is None or not name:
            return parent
        try:
            return parent[name]
        except _MISSING_OBJECT:
            return None

    def directory(self, path: str) -> pygit2.Tree | None:
        """The tree at directory `path`, None when it is absent, unreadable or not a directory."""
        missing = []
        while path not in self._trees:
            missing.append(path)
            path = path.rpartition("/")[0]
        tree = self._trees[path]
        for path in reversed(missing):
            try:
                found = tree[path.rpartition("/")[2]] if tree is not None else None
            except _MISSING_OBJECT:
                found = None
            tree = self._trees[path] = found if isinstance(found, pygit2.Tree) else None
        return tree
