"""Tree entries parsed from the tree object's bytes, checked against `git ls-tree`: the modes git writes and
those old histories hold, names that are not UTF-8 or hold a space or "40000 ", ids holding zero bytes."""
from __future__ import annotations

import subprocess
from collections import Counter

import pygit2

from miner.sources.codesize import language_bytes, language_of
from miner.sources.trees import TreeView
from miner.store.cache import MemoryCache


def _blob_with_zero_byte(repo: pygit2.Repository) -> pygit2.Oid:
    """A blob whose id holds a zero byte, the byte that ends an entry's name."""
    for n in range(10_000):
        data = f"export const n = {n};\n".encode()
        if b"\0" in pygit2.hash(data).raw:
            return repo.create_blob(data)
    raise AssertionError("no such blob in 10,000 tries")


def _tree(repo: pygit2.Repository, entries: list[tuple[str, bytes, pygit2.Oid]]) -> pygit2.Oid:
    """A tree object written byte by byte, entries in git's order (a directory sorts as its name and "/")."""
    ordered = sorted(entries, key=lambda e: e[1] + (b"/" if e[0] == "40000" else b""))
    data = b"".join(mode.encode() + b" " + name + b"\0" + oid.raw for mode, name, oid in ordered)
    return repo.odb.write(pygit2.GIT_OBJECT_TREE, data)


def _awkward_tree(tmp_path) -> tuple[pygit2.Repository, pygit2.Oid]:
    repo = pygit2.init_repository(str(tmp_path / "r.git"), bare=True)
    blob = repo.create_blob(b"export const a = 1;\n")
    inner = _tree(repo, [("100644", b"x40000 y.ts", blob), ("100644", b"z.py", blob)])
    root = _tree(repo, [
        ("100644", b"a file.ts", _blob_with_zero_byte(repo)),
        ("100755", "caf\u00e9.ts".encode("latin-1"), repo.create_blob(b"let x = 1;\n")),
        ("100664", b"legacy.js", repo.create_blob(b"var legacy = true;\n")),
        ("100600", b"private.py", repo.create_blob(b"secret = 1\n")),
        ("120755", b"odd-link.ts", repo.create_blob(b"a link to git, whatever its other bits\n")),
        ("040000", b"padded", inner),
        ("120000", b"link.ts", repo.create_blob(b"a file.ts")),
        ("160000", b"module", pygit2.Oid(hex="1" * 40)),
        ("40000", b"sub", inner),
        ("40000", "d\u00e9j\u00e0".encode("latin-1"), inner),
        ("100644", b"40000 tricky.ts", repo.create_blob(b"// a name that starts as an entry starts\n")),
    ])
    return repo, root


def _ls_tree(repo: pygit2.Repository, oid: pygit2.Oid, *options: str) -> list[tuple[str, str, str, str, bytes]]:
    """(mode, type, id, size, name) of each entry as git lists it, names as raw bytes."""
    result = []
    raw = subprocess.run(["git", "--git-dir", repo.path, "ls-tree", "-z", "-l", *options, str(oid)],
                         check=True, capture_output=True).stdout
    for record in filter(None, raw.split(b"\0")):
        meta, _, name = record.partition(b"\t")
        mode, kind, object_id, size = meta.decode().split()
        result.append((mode, kind, object_id, size, name))
    return result


def _canonical(mode: bytes) -> str:
    """The mode as git lists it (git's canon_mode): a file's is 100755 or 100644 by its owner's executable bit."""
    bits = int(mode, 8)
    kind = bits & 0o170000
    if kind == 0o100000:
        return "100755" if bits & 0o100 else "100644"
    return {0o040000: "040000", 0o120000: "120000"}.get(kind, "160000")


def test_entries_are_those_git_ls_tree_lists(tmp_path):
    repo, root = _awkward_tree(tmp_path)
    listing = TreeView(repo, repo[root]).listing(root)
    ours = [(_canonical(mode), raw.hex(), name) for mode, name, raw in listing.entries]
    # git ls-tree reads the raw bytes of a name up to the NUL, as the parser must
    assert ours == [(mode, oid, name) for mode, _, oid, _, name in _ls_tree(repo, root)]
    trees = [(name, str(oid)) for name, oid in listing.trees]
    assert trees == [(name, str(repo[root][name].id)) for name in ("d\udce9j\udce0", "padded", "sub")]


def test_subdirectories_named_in_any_bytes_are_found_again_by_their_name(tmp_path):
    repo, root = _awkward_tree(tmp_path)
    view = TreeView(repo, repo[root])
    for name, oid in view.listing(root).trees:
        assert view.directory(name).id == oid


def test_language_bytes_count_regular_files_as_git_sizes_them(tmp_path):
    repo, root = _awkward_tree(tmp_path)
    expected = Counter()
    for mode, kind, _, size, path in _ls_tree(repo, root, "-r"):
        language = language_of(path.rsplit(b"/", 1)[-1].decode("utf-8", "surrogateescape"))
        if kind == "blob" and mode != "120000" and language:  # links and submodules hold no code
            expected[language] += int(size)
    assert language_bytes(TreeView(repo, repo[root]), MemoryCache()) == dict(expected)


def test_links_are_found_and_flagged_submodules_are_not_files(tmp_path):
    repo, root = _awkward_tree(tmp_path)
    found = TreeView(repo, repo[root]).find({"link.ts", "a file.ts", "module", "x40000 y.ts"}, MemoryCache())
    assert found.files == {"a file.ts": False, "link.ts": True, "sub/x40000 y.ts": False,
                           "d\udce9j\udce0/x40000 y.ts": False, "padded/x40000 y.ts": False}
