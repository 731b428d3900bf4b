"""What each source file imports, read with tree-sitter, parsed once per blob ever.

`file_imports(grammar, blob_id, read, cache)` is the one entry point: the
imports of one file version, with the line each comes from, as small frozen
values.  The result depends on the blob's bytes and the grammar alone (never on
the file's path: relative imports are kept as written and resolved by the
analysis), so it is cached under the blob id, in a cache kind that names the
grammar and bindings versions: a second run, or a release sharing the file
with an earlier one, parses nothing, and an upgraded grammar parses again.

One module per language says what an import is there (`rust`, `javascript`
for TypeScript, TSX and JavaScript, `python`, `go`).  Bad input is data, never
an exception: a file with syntax errors yields the imports tree-sitter still
recognised and says it had errors; a binary file with a source extension (a
NUL byte in its first 8000 bytes, git's own test) is not parsed; non-UTF-8
source is parsed as bytes and flagged.

Most new file versions are small edits of the previous version of the same
path, so `parse` can be handed that version (`Parsed`, its bytes and tree):
the edits between the two (libgit2's line diff) are applied to the old tree
and tree-sitter re-parses only around them.  The result must not depend on
which version was handed over, since it is cached under the new blob's id
alone: the edits are checked to turn the old bytes into the new ones, and a
tree with errors, old or new, is not reused (error recovery may depend on
the history), so those are parsed afresh.  `benchmarks/check_incremental.py`
compares both ways on every file version of real repositories.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Callable

import pygit2

from miner.model.imports import FileImports
from miner.sources.grammars import grammar
from miner.sources.imports import go, javascript, python, rust
from miner.store.cache import Cache

# Bump when what is extracted, or the cached value's shape, changes.
EXTRACTION_VERSION = "1"
_EXTRACTORS = {
    "rust": rust, "typescript": javascript, "tsx": javascript, "javascript": javascript,
    "python": python, "go": go,
}
_BINARY_PROBE = 8000


def cache_kind(grammar_name: str) -> str:
    """The cache kind of files parsed with a grammar: it names the grammar (TypeScript and TSX share a
    wheel, not a parse) and the grammar and bindings versions."""
    return f"imports-v{EXTRACTION_VERSION}:{grammar_name}:{grammar(grammar_name).version}"


def file_imports(grammar_name: str, blob_id: str, read: Callable[[], bytes], cache: Cache) -> tuple[FileImports, bool]:
    """The imports of the blob `blob_id`, and whether it was parsed now (False: read from `cache`).

    `read` gives the blob's bytes and is called only when the cache does not
    hold the answer.
    """
    cached = cached_imports(grammar_name, blob_id, cache)
    if cached is not None:
        return cached, False
    found = parse(grammar_name, read())
    cache.put(cache_kind(grammar_name), blob_id, found.to_json())
    return found, True


def cached_imports(grammar_name: str, blob_id: str, cache: Cache) -> FileImports | None:
    """The imports of blob `blob_id` if `cache` holds them, else None (nothing is read or parsed)."""
    cached = cache.get(cache_kind(grammar_name), blob_id)
    return None if cached is None else FileImports.from_json(cached)


@dataclass(frozen=True)
class Parsed:
    """A file version's bytes and syntax tree: what the next version of its path can be parsed from."""

    data: bytes
    tree: Any


def parse(grammar_name: str, data: bytes, previous: Parsed | None = None) -> FileImports:
    """The imports of source text `data` parsed with grammar `grammar_name` (from `previous` if given)."""
    return parse_from(grammar_name, data, previous)[0]


def parse_from(grammar_name: str, data: bytes, previous: Parsed | None) -> tuple[FileImports, Parsed | None]:
    """The imports of `data`, the same whoever `previous` is, and what its path's next version can be
    parsed from (None for a binary file).  `previous` is left as it was."""
    if b"\0" in data[:_BINARY_PROBE]:
        return FileImports((), len(data), binary=True), None
    try:
        data.decode("utf-8")
        not_utf8 = False
    except UnicodeDecodeError:
        not_utf8 = True
    parser = grammar(grammar_name).parser
    tree = _reparsed(parser, data, previous) if previous is not None else None
    if tree is None:
        tree = parser.parse(data)
    imports, modules = _EXTRACTORS[grammar_name].extract(_query(grammar_name), tree.root_node)
    ordered = tuple(sorted(set(imports), key=lambda i: (i.line, i.target, i.kind, i.names)))
    found = FileImports(ordered, len(data), tuple(sorted(set(modules))), tree.root_node.has_error, False, not_utf8)
    return found, Parsed(data, tree)


def _reparsed(parser: Any, data: bytes, previous: Parsed) -> Any:
    """`data` parsed from the tree of `previous`, None when that tree cannot be relied on."""
    if previous.tree.root_node.has_error:
        return None
    edits = _edits(previous.data, data)
    if edits is None:
        return None
    tree = previous.tree.copy()
    for edit in reversed(edits):  # from the end: each edit's offsets still hold when it is applied
        tree.edit(*edit)
    tree = parser.parse(data, tree)
    return None if tree.root_node.has_error else tree


def _edits(old: bytes, new: bytes) -> list[tuple] | None:
    """The edits turning `old` into `new` as tree-sitter's `Tree.edit` arguments, from the first to the
    last; None when libgit2's line diff does not account for every byte (it reads a file with a NUL
    byte as binary)."""
    old_lines, new_lines = _Lines(old), _Lines(new)
    edits, pieces, kept = [], [], 0
    for hunk in pygit2.Patch.create_from(old, new, context_lines=0).hunks:
        old_first = hunk.old_start - (1 if hunk.old_lines else 0)  # a pure insertion follows line old_start
        new_first = hunk.new_start - (1 if hunk.new_lines else 0)
        (start, start_point), (old_end, old_end_point) = old_lines[old_first], old_lines[old_first + hunk.old_lines]
        inserted = new[new_lines[new_first][0]:new_lines[new_first + hunk.new_lines][0]]
        breaks = inserted.count(b"\n")
        new_end_point = (start_point[0] + breaks,
                         len(inserted) - inserted.rfind(b"\n") - 1 if breaks else start_point[1] + len(inserted))
        edits.append((start, old_end, start + len(inserted), start_point, old_end_point, new_end_point))
        pieces += [old[kept:start], inserted]
        kept = old_end
    pieces.append(old[kept:])
    return edits if b"".join(pieces) == new else None


class _Lines:
    """Where each line of a text starts, as (byte offset, tree-sitter point), by line index from 0;
    an index past the last line gives the end of the text."""

    def __init__(self, data: bytes):
        self.size = len(data)
        self.starts = [0] + [match.end() for match in re.finditer(b"\n", data)]

    def __getitem__(self, index: int) -> tuple[int, tuple[int, int]]:
        if index < len(self.starts):
            return self.starts[index], (index, 0)
        return self.size, (len(self.starts) - 1, self.size - self.starts[-1])


@functools.cache
def _query(grammar_name: str) -> Any:
    """The compiled import query of a grammar (compiling takes milliseconds; do it once)."""
    from tree_sitter import Query

    loaded = grammar(grammar_name)
    return Query(loaded.language, _EXTRACTORS[grammar_name].query(grammar_name))
