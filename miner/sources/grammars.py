"""The tree-sitter grammars the source view parses with, loaded when first used.

Each language is a published grammar wheel (`tree-sitter-rust`,
`tree-sitter-typescript` for TypeScript and TSX, `tree-sitter-javascript`,
`tree-sitter-python`, `tree-sitter-go`) read by the `tree-sitter` bindings;
nothing is downloaded or compiled at run time.  Importing miner imports none of
them: a run that never looks at source code never pays for them, and a machine
without them fails only when the source view is asked for.

A grammar is compiled against one ABI version and the bindings read a range of
them; a grammar outside that range would crash or misparse, so the ABI is
checked when the grammar is first loaded and a mismatch is one line naming the
grammar, its version and ABI, and the range the bindings read.  `Grammar.version`
names the grammar wheel and the bindings: results parsed with a grammar are
cached under it, so upgrading either re-parses rather than reusing what an older
grammar saw.
"""
from __future__ import annotations

import functools
import importlib
import posixpath
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from miner.errors import MinerError

# Grammar name -> (distribution, module, function returning the language pointer).
_WHEELS = {
    "rust": ("tree-sitter-rust", "tree_sitter_rust", "language"),
    "typescript": ("tree-sitter-typescript", "tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree-sitter-typescript", "tree_sitter_typescript", "language_tsx"),
    "javascript": ("tree-sitter-javascript", "tree_sitter_javascript", "language"),
    "python": ("tree-sitter-python", "tree_sitter_python", "language"),
    "go": ("tree-sitter-go", "tree_sitter_go", "language"),
}

# File extension -> grammar.  The JavaScript grammar reads JSX, so `.jsx` needs no grammar of its own;
# TSX does (`<T>x` is a cast in .ts and an element in .tsx).
EXTENSIONS = {
    ".rs": "rust",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx",
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".py": "python", ".pyi": "python",
    ".go": "go",
}


@dataclass(frozen=True)
class Grammar:
    """A loaded grammar: `language` and `parser` are tree-sitter objects, `version` the cache label."""

    name: str
    version: str
    language: Any
    parser: Any


@functools.lru_cache(maxsize=1 << 16)
def grammar_of(path: str) -> str | None:
    """The grammar a file is parsed with, by its extension; None for a file that is not source (remembered
    by name: every release's walk asks again of the same file names)."""
    return EXTENSIONS.get(posixpath.splitext(path)[1])


@functools.cache
def grammar(name: str) -> Grammar:
    """The grammar called `name` (a value of EXTENSIONS), loaded and ABI-checked once per process."""
    distribution, module_name, function = _WHEELS[name]
    try:
        import tree_sitter
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise MinerError(f"the source view needs {distribution} and tree-sitter: {error}") from None
    grammar_version, bindings_version = _version(distribution), _version("tree-sitter")
    shown = f"{distribution} {grammar_version}" + ("" if distribution.endswith(name) else f" ({name})")
    try:
        language = tree_sitter.Language(getattr(module, function)())
        check_abi(shown, language.abi_version, bindings_version,
                  tree_sitter.MIN_COMPATIBLE_LANGUAGE_VERSION, tree_sitter.LANGUAGE_VERSION)
        parser = tree_sitter.Parser(language)
    except (AttributeError, TypeError, ValueError) as error:
        raise MinerError(f"{shown} does not load in tree-sitter {bindings_version}: {error}") from None
    label = f"{distribution}-{grammar_version}+abi{language.abi_version}+tree-sitter-{bindings_version}"
    return Grammar(name, label, language, parser)

def check_abi(grammar_label: str, abi: int, bindings_version: str, lowest: int, highest: int) -> None:
    """A MinerError unless the bindings read ABI `abi` (they read `lowest` to `highest`)."""
    if not lowest <= abi <= highest:
        raise MinerError(
            f"{grammar_label} is built for tree-sitter ABI {abi}, but tree-sitter {bindings_version} "
            f"reads ABI {lowest} to {highest}: install versions that match"
        )


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"
