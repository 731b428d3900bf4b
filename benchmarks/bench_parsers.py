"""The TOML, JSON and YAML parsers miner could use, timed and compared on the real manifests of repositories.

Usage: python benchmarks/bench_parsers.py [--repeat N] [REPO_PATH ...]
(default: the Rust, Python and JavaScript mirrors under /work/.mirror; a path
that does not exist is skipped with a message).

Every distinct blob named `Cargo.toml`, `pyproject.toml`, `package.json` or
`pnpm-workspace.yaml` at any tag or HEAD is read once; each parser then parses
all the blobs of its format, the best of `--repeat` passes (default 5) timed.
A parser counts as equal only if, on every blob, it gives the same document
as the one miner uses (the same `repr`: values, types and key order) or
refuses the same blobs.
Candidates that are not installed are skipped with a message:
`pip install rtoml tomli orjson` (rtoml and orjson are compiled; tomli's
wheels are compiled with mypyc).
"""
from __future__ import annotations

import argparse
import importlib
import json
import time
import tomllib
from pathlib import Path

import pygit2
import yaml

MIRRORS = Path("/work/.mirror")
REPOS = ["tokio-rs+tokio", "helix-editor+helix", "nushell+nushell", "astral-sh+uv", "aws+amazon-q-developer-cli",
         "BurntSushi+ripgrep", "google-gemini+gemini-cli", "mistralai+mistral-vibe", "charmbracelet+crush",
         "RooCodeInc+Roo-Code"]
FORMATS = {"Cargo.toml": "toml", "pyproject.toml": "toml", "package.json": "json", "pnpm-workspace.yaml": "yaml"}


def _toml(module: str):
    loaded = importlib.import_module(module)
    return lambda text: loaded.loads(text)


def _orjson():
    loaded = importlib.import_module("orjson")
    return lambda text: loaded.loads(text)


def _yaml(loader: str):
    chosen = getattr(yaml, loader)
    return lambda text: yaml.load(text, Loader=chosen)


# The parser miner uses comes first in each format.
PARSERS = {
    "toml": [("tomllib", lambda: tomllib.loads), ("tomli (mypyc)", lambda: _toml("tomli")),
             ("rtoml", lambda: _toml("rtoml"))],
    "json": [("json", lambda: json.loads), ("orjson", _orjson)],
    "yaml": [("yaml CSafeLoader", lambda: _yaml("CSafeLoader")), ("yaml SafeLoader", lambda: _yaml("SafeLoader"))],
}


def manifests(repos: list[Path]) -> dict[str, list[str]]:
    """The text of every distinct manifest blob of each format, over every tag and HEAD of `repos`."""
    found: dict[str, dict[str, str]] = {kind: {} for kind in PARSERS}
    for path in repos:
        repo = pygit2.Repository(str(path))
        tips = {ref for ref in repo.references if ref.startswith("refs/tags/")} | {"HEAD"}
        seen_trees: set = set()
        for name in tips:
            try:
                tree = repo.revparse_single(name).peel(pygit2.Tree)
            except (KeyError, ValueError, pygit2.GitError):
                continue
            stack = [tree]
            while stack:
                current = stack.pop()
                if current.id in seen_trees:
                    continue
                seen_trees.add(current.id)
                for entry in current:
                    if entry.type_str == "tree" and entry.name not in ("node_modules", ".git"):
                        try:
                            stack.append(repo[entry.id])
                        except (KeyError, ValueError):
                            pass
                    elif entry.name in FORMATS and str(entry.id) not in found[FORMATS[entry.name]]:
                        try:
                            text = repo[entry.id].data.decode("utf-8-sig")
                        except (KeyError, ValueError, UnicodeDecodeError):
                            continue
                        found[FORMATS[entry.name]][str(entry.id)] = text
    return {kind: list(texts.values()) for kind, texts in found.items()}


def outcome(parse, text: str):
    try:
        return ("ok", repr(parse(text)))  # repr: types and key order count too (manifest order matters)
    except Exception:  # every parser has its own error type: that it refuses is what is compared
        return ("refused",)


def bench(texts: list[str], parse, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            try:
                parse(text)
            except Exception:
                pass
        best = min(best, time.perf_counter() - start)
    return best


def main(repos: list[Path], repeat: int) -> None:
    present = [path for path in repos if path.exists() or print(f"{path}: skipped (no such repository)")]
    texts = manifests(present)
    for kind, candidates in PARSERS.items():
        blobs = texts[kind]
        megabytes = sum(len(text.encode()) for text in blobs) / 1e6
        print(f"{kind}: {len(blobs)} distinct manifests, {megabytes:.1f} MB")
        reference = None
        for name, make in candidates:
            try:
                parse = make()
            except ImportError:
                print(f"  {name}: not installed")
                continue
            results = [outcome(parse, text) for text in blobs]
            if reference is None:
                reference, base = results, None
            differing = sum(1 for mine, theirs in zip(results, reference) if mine != theirs)
            seconds = bench(blobs, parse, repeat)
            base = base or seconds
            print(f"  {name:18} {seconds * 1000:8.1f} ms  ({base / seconds:4.1f}x)  "
                  f"{'identical' if not differing else f'{differing} of {len(blobs)} differ'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    main(arguments.repos or [MIRRORS / name / "repo" for name in REPOS], arguments.repeat)
