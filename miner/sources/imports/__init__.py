"""What each source file imports, read with tree-sitter, parsed once per blob ever.

`parse(grammar, data)` gives the imports of one file version, with the line
each comes from, as small frozen values; `cached_imports(grammar, blob_id,
cache)` gives them back from the cache (`miner.sources.code` puts them there,
under `cache_kind(grammar)`).  The result depends on the blob's bytes and the grammar alone (never on
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

Each language module reads a file in two steps: `records` turns the import
query's captures into plain tuples (what each capture says, with its bytes
and row), and `combine` turns all of a file's records into its imports (in
Rust a path root counts only when nothing in the file binds that name, so
this step needs the whole file).  The records are kept per top-level item
(the syntax tree root's children).

Most new file versions are small edits of the previous version of the same
path, so `parse` can be handed that version (`Parsed`): the edits between
the two (libgit2's line diff) are applied to the old tree, tree-sitter
re-parses only around them, the query runs only over the top-level items
that an edit touches or whose structure tree-sitter says changed
(`Tree.changed_ranges`), and every other item's records are the previous
version's, moved with the item.  The result must not depend on which version
was handed over, since it is cached under the new blob's id alone: the edits
are checked to turn the old bytes into the new ones, and a tree with errors,
old or new, is not reused (error recovery may depend on the history), so those
are parsed afresh.  `benchmarks/check_incremental.py` compares both ways on
every file version of real repositories.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import operator
from dataclasses import dataclass
from typing import Any

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


def cached_imports(grammar_name: str, blob_id: str, cache: Cache) -> FileImports | None:
    """The imports of blob `blob_id` if `cache` holds them, else None (nothing is read or parsed)."""
    cached = cache.get(cache_kind(grammar_name), blob_id)
    return None if cached is None else FileImports.from_json(cached)


@dataclass(frozen=True)
class Parsed:
    """A file version's bytes, syntax tree and `items`: what the next version of its path is parsed from.

    `items` are the root's children (top-level items) as (start byte, end
    byte, node type, records), each record what one capture inside says
    (the language module's `records`), its bytes and row counted from the
    item's start so that it holds wherever the item moves to.
    """

    data: bytes
    tree: Any
    items: tuple[tuple[int, int, str, tuple[tuple, ...]], ...]


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
    reparsed = _reparsed(parser, data, previous) if previous is not None else None
    tree, kept = reparsed if reparsed is not None else (parser.parse(data), {})
    items = _items(grammar_name, tree.root_node, kept)
    records = [(capture, start + item_start, end + item_start, row + item_row, value)
               for item_start, item_row, (_, _, _, found) in items for capture, start, end, row, value in found]
    imports, modules = _EXTRACTORS[grammar_name].combine(records)
    ordered = tuple(sorted(set(imports), key=lambda i: (i.line, i.target, i.kind, i.names)))
    found = FileImports(ordered, len(data), tuple(sorted(set(modules))), tree.root_node.has_error, False, not_utf8)
    return found, Parsed(data, tree, tuple(item for _, _, item in items))


def _reparsed(parser: Any, data: bytes, previous: Parsed) -> tuple[Any, dict[tuple, tuple]] | None:
    """`data` parsed from the tree of `previous`, and the records of the previous items the edits and
    the re-parse left as they were, by (start byte, end byte, type) in `data`; None when the old tree
    cannot be relied on.

    An item is left as it was when no edit touches it (so its bytes are the
    same) and no range tree-sitter says changed structure meets it.
    """
    if previous.tree.root_node.has_error:
        return None
    edits = _edits(previous.data, data)
    if edits is None:
        return None
    old = previous.tree.copy()
    for edit in reversed(edits):  # from the end: each edit's offsets still hold when it is applied
        old.edit(*edit)
    tree = parser.parse(data, old)
    if tree.root_node.has_error:
        return None
    changed, shift = [], 0
    for start, old_end, new_end, *_ in edits:
        changed.append((start + shift, new_end + shift))
        shift += new_end - old_end
    changed += [(span.start_byte, span.end_byte) for span in old.changed_ranges(tree)]
    starts, ends = _merged(changed)
    kept, index, shift = {}, 0, 0
    for start, end, kind, found in previous.items:
        while index < len(edits) and edits[index][1] < start:
            shift += edits[index][2] - edits[index][1]
            index += 1
        if index < len(edits) and edits[index][0] <= end:
            continue
        position = bisect.bisect_left(ends, start + shift)
        if position == len(ends) or starts[position] > end + shift:
            kept[(start + shift, end + shift, kind)] = found
    return tree, kept


def _merged(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """The starts and the ends of the union of `spans`, as disjoint spans in order."""
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(spans):
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _items(grammar_name: str, root: Any, kept: dict[tuple, tuple]) -> list[tuple[int, int, tuple]]:
    """(start byte, start row, item) of each top-level item: its records from `kept`, else from the import
    query run over each stretch of items not kept."""
    from tree_sitter import QueryCursor

    children = root.children
    keys = [(child.start_byte, child.end_byte, child.type) for child in children]
    found: list[list[tuple] | tuple | None] = [kept.get(key) for key in keys]
    starts = [start for start, _, _ in keys]
    index = 0
    while index < len(children):
        if found[index] is not None:
            index += 1
            continue
        last = index
        while last + 1 < len(children) and found[last + 1] is None:
            last += 1
        for position in range(index, last + 1):
            found[position] = []
        cursor = QueryCursor(_query(grammar_name))
        if index > 0 or last < len(children) - 1:
            cursor.set_byte_range(keys[index][0], keys[last][1])
        for record in _EXTRACTORS[grammar_name].records(cursor.captures(root)):
            position = bisect.bisect_right(starts, record[1]) - 1
            if index <= position <= last:
                found[position].append(record)
        index = last + 1
    items = []
    for child, (start, end, kind), records in zip(children, keys, found):
        row = child.start_point[0]
        if isinstance(records, list):
            records = tuple((capture, first - start, last - start, line - row, value)
                            for capture, first, last, line, value in records)
        items.append((start, row, (start, end, kind, records)))
    return items


def _edits(old: bytes, new: bytes) -> list[tuple] | None:
    """The edits turning `old` into `new` as tree-sitter's `Tree.edit` arguments, from the first to the
    last; None when libgit2's line diff does not account for every byte (it reads a file with a NUL
    byte as binary).

    The lines the two texts share at their start and at their end are left out
    of the diff (found by comparing bytes, not lines): most versions change a
    few lines of a long file, and libgit2 hashes every line it is given.
    """
    start, end = _common_lines(old, new)
    old_middle, new_middle = old[start:len(old) - end], new[start:len(new) - end]
    rows = old.count(b"\n", 0, start)
    old_lines, new_lines = _Lines(old_middle), _Lines(new_middle)
    edits, pieces, kept = [], [], 0
    for hunk in pygit2.Patch.create_from(old_middle, new_middle, context_lines=0).hunks:
        old_first = hunk.old_start - (1 if hunk.old_lines else 0)  # a pure insertion follows line old_start
        new_first = hunk.new_start - (1 if hunk.new_lines else 0)
        (first, (row, column)), (old_end, (end_row, end_column)) = (
            old_lines[old_first], old_lines[old_first + hunk.old_lines])
        inserted = new_middle[new_lines[new_first][0]:new_lines[new_first + hunk.new_lines][0]]
        breaks = inserted.count(b"\n")
        new_end_point = (rows + row + breaks,
                         len(inserted) - inserted.rfind(b"\n") - 1 if breaks else column + len(inserted))
        edits.append((start + first, start + old_end, start + first + len(inserted), (rows + row, column),
                      (rows + end_row, end_column), new_end_point))
        pieces += [old_middle[kept:first], inserted]
        kept = old_end
    pieces.append(old_middle[kept:])
    return edits if b"".join(pieces) == new_middle else None


def _common_lines(old: bytes, new: bytes) -> tuple[int, int]:
    """The bytes of the whole lines `old` and `new` begin with, and of those they end with after these."""
    size = min(len(old), len(new))
    same = _same_length(lambda length: old[:length] == new[:length], size)
    if same == len(old) == len(new):
        return same, 0
    start = old.rfind(b"\n", 0, same) + 1
    size -= start
    same = _same_length(lambda length: old[len(old) - length:] == new[len(new) - length:], size)
    line = old.find(b"\n", len(old) - same)  # the shared end begins after a line's end
    return start, 0 if line < 0 else len(old) - line - 1


def _same_length(same: Any, size: int) -> int:
    """The greatest length up to `size` for which `same(length)` holds, `same` holding for every length
    below one for which it holds (a bisection: each comparison is of bytes in C)."""
    if same(size):
        return size
    low, high = 0, size  # same(low), not same(high)
    while high - low > 1:
        middle = (low + high) // 2
        if same(middle):
            low = middle
        else:
            high = middle
    return low


class _Lines:
    """Where each line of a text starts, as (byte offset, tree-sitter point), by line index from 0;
    an index past the last line gives the end of the text."""

    def __init__(self, data: bytes):
        self.size = len(data)
        lengths = itertools.accumulate(map(len, data.split(b"\n")))  # the text before each newline, without them
        self.starts = [0, *map(operator.add, lengths, itertools.count(1))][:-1]

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
