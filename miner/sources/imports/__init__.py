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
this step needs the whole file).

Most new file versions are small edits of the previous version of the same
path, so `parse` can be handed that version (`Parsed`): the edits between
the two (libgit2's line diff of the lines between those both begin and end
with) are applied to the old tree, tree-sitter re-parses only around them,
and the query runs only over the nodes that an edit touches or whose
structure tree-sitter says changed (`Tree.changed_ranges`): the top-level
items, or inside an `impl` block, a class or a function body the nodes that
changed (each language's `SPLIT`).  Everywhere else the records are the
previous version's, moved with the edits before them.  The result must not
depend on which version was handed over, since it is cached under the new
blob's id alone: the edits are checked to turn the old bytes into the new
ones, and a tree with errors, old or new, is not reused (error recovery may
depend on the history), so those are parsed afresh.
`benchmarks/check_incremental.py` compares both ways on every file version of
real repositories.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import operator
import sys
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
    """A file version's bytes, syntax tree and `records`: what the next version of its path is parsed from.

    The records are what each capture of the import query says (the
    language module's `records`: capture, start byte, end byte, row, value),
    in the order of their start bytes.
    """

    data: bytes
    tree: Any
    records: tuple[tuple, ...]


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
    tree, moved = reparsed if reparsed is not None else (parser.parse(data), None)
    records = _records(grammar_name, tree.root_node, moved)
    imports, modules = _EXTRACTORS[grammar_name].combine(records)
    ordered = tuple(sorted(set(imports), key=lambda i: (i.line, i.target, i.kind, i.names)))
    found = FileImports(ordered, len(data), tuple(sorted(set(modules))), tree.root_node.has_error, False, not_utf8)
    return found, Parsed(data, tree, tuple(records))


def _reparsed(parser: Any, data: bytes, previous: Parsed) -> tuple[Any, _Moved] | None:
    """`data` parsed from the tree of `previous`, and what of the previous records still holds, moved
    (`_Moved`); None when the old tree cannot be relied on."""
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
    return tree, _Moved(edits, [(span.start_byte, span.end_byte) for span in old.changed_ranges(tree)],
                        previous.records)


class _Moved:
    """The previous version's records, and where the edits move the bytes that did not change.

    A node of the new tree that no edit touches and that no range
    tree-sitter says changed structure meets has the bytes and the subtree
    it had, moved by the edits before it: the records that start inside it
    are those the previous version had there, moved the same way.
    """

    def __init__(self, edits: list[tuple], changed: list[tuple[int, int]], records: tuple[tuple, ...]):
        self.starts: list[int] = []  # where each edit starts in the new text
        self.shifts: list[tuple[int, int]] = [(0, 0)]  # (bytes, rows) moved by the edits before
        spans = list(changed)
        shift = rows = 0
        for start, old_end, new_end, _, old_end_point, new_end_point in edits:
            spans.append((start + shift, new_end + shift))
            self.starts.append(start + shift)
            shift, rows = shift + new_end - old_end, rows + new_end_point[0] - old_end_point[0]
            self.shifts.append((shift, rows))
        self.changed = _Spans(spans)
        self.records = records
        self.record_starts = [record[1] for record in records]

    def records_in(self, start: int, end: int) -> list[tuple]:
        """The previous records starting in new bytes `start` to `end` of a node unchanged, moved there."""
        shift, rows = self.shifts[bisect.bisect_right(self.starts, start)]
        first = bisect.bisect_left(self.record_starts, start - shift)
        last = bisect.bisect_left(self.record_starts, end - shift, first)
        return [(capture, first_byte + shift, last_byte + shift, row + rows, value)
                for capture, first_byte, last_byte, row, value in self.records[first:last]]


class _Spans:
    """The union of some spans of bytes, as disjoint spans in order."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in sorted(spans):
            if self.ends and start <= self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], end)
            else:
                self.starts.append(start)
                self.ends.append(end)



def _records(grammar_name: str, root: Any, moved: _Moved | None) -> list[tuple]:
    """The records of the file, in the order of their start bytes: moved from the previous version where
    nothing changed, read by the import query for the nodes that changed.

    The nodes read are the root's children that a changed span meets, except
    that one whose type is one of the language's `SPLIT` (no query pattern
    names it and no record reads above the nodes inside it: an `impl` block,
    a class, a function body) is taken as its children, each unchanged,
    changed or split in turn.  The stretches between are moved whole, never
    walked; runs of changed nodes are queried at once, over their bytes.
    """
    from tree_sitter import QueryCursor

    if moved is None:
        return sorted(_EXTRACTORS[grammar_name].records(QueryCursor(_query(grammar_name)).captures(root)),
                      key=_START)
    changed = moved.changed
    top = _children_meeting(root, changed)
    blocks = _Spans([(node.start_byte, node.end_byte) for node in top] + list(zip(changed.starts, changed.ends)))
    slots: list[list] = []  # [start, end, whether to query]: runs of unchanged bytes with no change between
    position = index = 0
    walk = _Walk(grammar_name, changed, slots)
    for block_start, block_end in zip(blocks.starts, blocks.ends):
        if position < block_start:
            slots.append([position, block_start, False])
        first = index
        while index < len(top) and top[index].start_byte <= block_end:
            index += 1
        walk(top[first:index])
        position = block_end
    slots.append([position, _END, False])
    found = [[] if query else moved.records_in(start, end) for start, end, query in slots]
    starts = [start for start, _, _ in slots]
    index = 0
    while index < len(slots):
        if not slots[index][2]:
            index += 1
            continue
        last = index
        while last + 1 < len(slots) and slots[last + 1][2]:
            last += 1
        cursor = QueryCursor(_query(grammar_name))
        cursor.set_byte_range(slots[index][0], slots[last][1])
        for record in sorted(_EXTRACTORS[grammar_name].records(cursor.captures(root)), key=_START):
            position = bisect.bisect_right(starts, record[1]) - 1
            if index <= position <= last:
                found[position].append(record)
        index = last + 1
    return [record for records in found for record in records]


def _children_meeting(root: Any, changed: _Spans) -> list[Any]:
    """The root's children that a changed span meets (both ends counted), in order, found by bisection
    over their ends."""
    children = root.children
    ends = [child.end_byte for child in children]
    found: list[Any] = []
    for start, end in zip(changed.starts, changed.ends):
        index = max(bisect.bisect_left(ends, start), len(found) and found[-1][0] + 1)
        while index < len(children) and children[index].start_byte <= end:
            found.append((index, children[index]))
            index += 1
    return [child for _, child in found]


class _Walk:
    """Adds the slots of changed nodes, in order: each node split, queried, or moved when a split leaves
    it unchanged (joined to the slot before when no change lies between)."""

    def __init__(self, grammar_name: str, changed: _Spans, slots: list[list]):
        self.splits, self.slots = _EXTRACTORS[grammar_name].SPLIT, slots
        self.starts, self.ends, self.span = changed.starts, changed.ends, 0

    def __call__(self, nodes: list[Any]) -> None:
        starts, ends, slots, count = self.starts, self.ends, self.slots, len(self.ends)
        stack, span = nodes[::-1], self.span
        while stack:
            node = stack.pop()
            start, end = node.start_byte, node.end_byte
            while span < count and ends[span] < start:  # the nodes come in the order of their starts
                span += 1
            if span == count or starts[span] > end:
                if slots and not slots[-1][2] and (span == 0 or ends[span - 1] < slots[-1][1]):
                    slots[-1][1] = end
                else:
                    slots.append([start, end, False])
            elif node.type in self.splits and node.child_count:
                stack += reversed(node.children)
            else:
                slots.append([start, end, True])
        self.span = span


_START = operator.itemgetter(1)
_END = sys.maxsize  # past the end of any text


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
