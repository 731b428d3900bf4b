"""Lines and bytes of each package's language and bytes per language, checked against git's own view of the tree."""
from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

from miner._sample.builder import RepoBuilder
from miner.sources.codesize import LANGUAGE_BYTES_KIND, language_bytes, language_of, package_bytes, package_lines
from miner.sources.trees import TreeView
from miner.store.cache import MemoryCache

WHEN = "2025-07-01T10:00:00+00:00"
FILES = {
    "Cargo.toml": "[workspace]\n",
    "src/main.rs": "fn main() {\n\n    run();\n}\n   \n",
    "crates/core/src/lib.rs": "pub fn run() {}\n\n// comment\n",
    "crates/core/src/deep/mod.rs": "mod a;\r\nmod b;\r\n\r\n",
    "crates/core/plugin/src/lib.rs": "pub fn plugin() {}\n",
    "crates/core/README.md": "# core\n\nlong prose " * 20,
    "scripts/build.sh": "#!/bin/sh\necho hi\n",
    "web/app.tsx": "export const App = () => null;\n",
    "web/util.js": "module.exports = {};\n",
    "Dockerfile": "FROM rust\n",
    "data.json": "{}\n",
}


def build(tmp_path, files=FILES):
    builder = RepoBuilder(tmp_path / "repo.git", bare=True)
    oid = builder.commit("one", files, when=WHEN)
    return builder, oid


def exported(tmp_path, oid) -> Path:
    """The commit's files on disk, written by `git archive`: the oracle for line counts."""
    target = tmp_path / "export"
    target.mkdir()
    archive = subprocess.run(["git", "-C", str(tmp_path / "repo.git"), "archive", str(oid)], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def nonblank_rust_lines(directory: Path, excluded: list[Path]) -> int:
    return sum(
        sum(1 for line in path.read_bytes().splitlines() if line.strip())
        for path in directory.rglob("*.rs")
        if not any(path.is_relative_to(skip) for skip in excluded)
    )


def test_rust_lines_match_the_exported_tree(tmp_path):
    builder, oid = build(tmp_path)
    disk = exported(tmp_path, oid)
    tree = builder.repo[oid].tree
    crates = ["", "crates/core", "crates/core/plugin"]
    counted = dict(zip(crates, package_lines(TreeView(builder.repo, tree), [(c, "Rust") for c in crates], MemoryCache())))
    assert counted == {
        "": nonblank_rust_lines(disk, [disk / "crates/core"]),
        "crates/core": nonblank_rust_lines(disk / "crates/core", [disk / "crates/core/plugin"]),
        "crates/core/plugin": nonblank_rust_lines(disk / "crates/core/plugin", []),
    }
    assert counted == {"": 3, "crates/core": 4, "crates/core/plugin": 1}


def test_lines_of_a_missing_directory_are_zero(tmp_path):
    builder, oid = build(tmp_path)
    assert package_lines(TreeView(builder.repo, builder.repo[oid].tree), [("nowhere", "Rust")], MemoryCache()) == [0]


def test_package_bytes_are_the_header_sizes_of_its_language_without_nested_packages(tmp_path):
    builder, oid = build(tmp_path)
    view = TreeView(builder.repo, builder.repo[oid].tree)
    sizes = package_bytes(view, [("", "Rust"), ("crates/core", "Rust"), ("web", "TypeScript")], MemoryCache())
    assert sizes == [len(FILES["src/main.rs"]),
                     len(FILES["crates/core/src/lib.rs"]) + len(FILES["crates/core/src/deep/mod.rs"])
                     + len(FILES["crates/core/plugin/src/lib.rs"]),
                     len(FILES["web/app.tsx"])]


NESTED = {
    "a/lib.rs": "pub fn a() {}\n",
    "a/c/lib.rs": "pub fn c() {}\n" * 3,
    "a/c/d/lib.rs": "pub fn d() {}\n" * 5,
    "a-b/lib.rs": "pub fn b() {}\n" * 7,
    "a/same/x.rs": "fn same() {}\n",
    "a/c/same/x.rs": "fn same() {}\n",  # one subtree at two paths: one tree id, counted at each
    "a/notes.rs": "// a file where a package is said to be\n",
}


def test_package_bytes_leave_out_the_nested_packages_as_git_ls_tree_says(tmp_path):
    """"a-b" sorts between "a" and "a/c", packages nest two deep, and one package path is a file: each
    package's bytes are its language's files under it, less those under the packages inside it."""
    builder, oid = build(tmp_path, NESTED)
    listing = subprocess.run(["git", "-C", str(tmp_path / "repo.git"), "ls-tree", "-r", "-l", str(oid)],
                             capture_output=True, text=True, check=True).stdout
    sizes = [(path, int(meta.split()[3])) for meta, path in (line.split("\t") for line in listing.splitlines())]
    packages = ["", "a", "a-b", "a/c", "a/c/d", "a/notes.rs", "nowhere"]

    def under(path, directory):
        return directory == "" or path.startswith(directory + "/")

    expected = [sum(size for path, size in sizes if under(path, package) and not any(
        other != package and under(other, package) and under(path, other) for other in packages))
        for package in packages]
    view = TreeView(builder.repo, builder.repo[oid].tree)
    assert package_bytes(view, [(package, "Rust") for package in packages], MemoryCache()) == expected
    assert expected[:5] == [0, len(NESTED["a/lib.rs"]) + len(NESTED["a/same/x.rs"]) + len(NESTED["a/notes.rs"]),
                            len(NESTED["a-b/lib.rs"]), len(NESTED["a/c/lib.rs"]) + len(NESTED["a/c/same/x.rs"]),
                            len(NESTED["a/c/d/lib.rs"])]


def test_language_bytes_match_git_ls_tree(tmp_path):
    builder, oid = build(tmp_path)
    listing = subprocess.run(
        ["git", "-C", str(tmp_path / "repo.git"), "ls-tree", "-r", "-l", str(oid)],
        capture_output=True, text=True, check=True,
    ).stdout
    expected = Counter()
    for line in listing.splitlines():
        meta, path = line.split("\t")
        language = language_of(Path(path).name)
        if language:
            expected[language] += int(meta.split()[3])
    found = language_bytes(TreeView(builder.repo, builder.repo[oid].tree), MemoryCache())
    assert found == dict(expected)
    assert list(found) == ["Rust", "TypeScript", "JavaScript", "Shell", "Dockerfile"]  # largest first


def test_unchanged_directories_cost_nothing(tmp_path):
    builder, first = build(tmp_path)
    second = builder.commit("two", {"web/app.tsx": "export const App = () => 1;\n"}, when=WHEN)
    cache = CountingCache()
    language_bytes(TreeView(builder.repo, builder.repo[first].tree), cache)
    cache.puts.clear()
    after = language_bytes(TreeView(builder.repo, builder.repo[second].tree), cache)
    assert cache.puts[LANGUAGE_BYTES_KIND] == 2  # the root and web/, nothing else
    assert after["TypeScript"] == len("export const App = () => 1;\n")


class CountingCache(MemoryCache):
    def __init__(self):
        super().__init__()
        self.puts = Counter()

    def put(self, kind, key, value):
        self.puts[kind] += 1
        super().put(kind, key, value)
