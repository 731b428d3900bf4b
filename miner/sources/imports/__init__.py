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
"""
from __future__ import annotations

import functools
from typing import Any, Callable

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


def parse(grammar_name: str, data: bytes) -> FileImports:
    """The imports of source text `data` parsed with grammar `grammar_name`."""
    if b"\0" in data[:_BINARY_PROBE]:
        return FileImports((), len(data), binary=True)
    try:
        data.decode("utf-8")
        not_utf8 = False
    except UnicodeDecodeError:
        not_utf8 = True
    loaded = grammar(grammar_name)
    tree = loaded.parser.parse(data)
    imports, modules = _EXTRACTORS[grammar_name].extract(_query(grammar_name), tree.root_node)
    ordered = tuple(sorted(set(imports), key=lambda i: (i.line, i.target, i.kind, i.names)))
    return FileImports(ordered, len(data), tuple(sorted(set(modules))), tree.root_node.has_error, False, not_utf8)


@functools.cache
def _query(grammar_name: str) -> Any:
    """The compiled import query of a grammar (compiling takes milliseconds; do it once)."""
    from tree_sitter import Query

    loaded = grammar(grammar_name)
    return Query(loaded.language, _EXTRACTORS[grammar_name].query(grammar_name))
