"""A re-run of `mine analyze REPO` with nothing new, answered from a record without importing the pipeline.

An unchanged run writes nothing and prints what the previous run printed, but
reaching that answer through the pipeline imports pandas, networkx, pygit2
and matplotlib, which costs several `git log`s.  So each successful
single-repository run records, in its report folder, the lines an unchanged
run prints, under a key of everything its outputs depend on, read with the
standard library only:

- the command: every option as given, the repository path, the working
  directory (relative paths), the store's path, `MINER_HOME`, `TZ`, the
  `GIT_*` variables, and today's date here and in UTC (the report marks the
  month in progress, `--since "3 weeks ago"` names another day tomorrow);
- the bytes of every file an option names (agents config, catalogs, layer
  rules, `--releases-json`) and of every file of miner itself (code and
  catalogs), with the installed distributions' names and versions;
- the repository's refs as git stores them: `HEAD`, `packed-refs` (with
  its peeled targets), every loose ref and reftable, the repository's and the
  user's git config, the shallow and graft boundaries.  A ref's target is an
  object id, and an object never changes, so `.mailmap` at HEAD and the
  tags' targets are in the key too;
- the store: which file it is (device and inode: a store replaced or
  deleted is another store) and its rows the answer reads (the analysis, the
  hosted releases fetched), taken after the run saved them;
- the outputs: publish's stamp (`miner.outputs.STAMP`) with the size and
  time of every file it lists, and no journal or scratch entry of a
  publish that did not finish.

The record is written last, atomically, once the outputs are published; a
run that stops before that leaves a record whose store rows or stamp no
longer match.  When anything differs, or cannot be read, the whole path runs
and re-mines what changed: a miss costs a second, a wrong hit a wrong answer.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from miner.errors import MinerError
from miner.outputs import JOURNAL, SCRATCH_PREFIX, SCRATCH_SUFFIX, STAMP
from miner.paths import check_name, default_db, find_clone, output_folder, safe_name

RECORD = ".mine-rerun.json"
# The options of `mine analyze` that take no value: every other word starting with `--` takes one.
_FLAGS = frozenset({"-q", "--quiet", "-v", "--verbose", "--tagged-only", "--all-releases", "--no-join-names",
                    "--no-source", "--source-prereleases"})
# The files of a git directory, besides its refs, that the history or the refs' meaning depend on.
_GIT_FILES = ("HEAD", "packed-refs", "config", "shallow", "info/grafts", "objects/info/alternates")
# Where git keeps references: loose ref files, and the tables of the reftable format.
_REF_FOLDERS = ("refs", "reftable")


def answer(argv: list[str]) -> bool:
    """Whether `mine ARGV` is `mine analyze REPO -q` again with nothing new, answered before click and the
    command line are even imported (they are a third of such a run); False sends it to `miner.cli`.

    Only REPO, `--db`, `--out` and `--name` are picked out of the words, to
    find the record; the key is of the words themselves, as the run that
    recorded them was given them.  So a word picked out wrongly finds no
    record or another key, never a wrong answer.
    """
    found = _command_line(argv)
    if found is None or "_MINE_COMPLETE" in os.environ:  # shell completion: click's answer
        return False
    spec, db, out, name = found
    rerun = Rerun.of(spec, None, db, out, name, argv)
    return rerun is not None and rerun.recorded() is not None


def _command_line(argv: list[str]) -> tuple[str, str | None, str | None, str | None] | None:
    """REPO, `--db`, `--out` and `--name` of `analyze REPO ... -q`, or None for any other command line."""
    if not argv or argv[0] != "analyze" or not {"-q", "--quiet"} & set(argv):
        return None
    named, positional, words = {}, [], iter(argv[1:])
    for word in words:
        if word in _FLAGS:
            continue
        if word == "--" or not word.startswith("--") and word.startswith("-"):
            return None
        if word.startswith("--"):
            option, equals, value = word.partition("=")
            value = value if equals else next(words, None)
            if value is None:
                return None
            named[option] = value
        else:
            positional.append(word)
    if len(positional) != 1:
        return None
    return positional[0], named.get("--db"), named.get("--out"), named.get("--name")


@dataclass(frozen=True)
class Rerun:
    """One `mine analyze REPO` command: the keys of its inputs taken before it runs, with its options as
    click parsed them and as the words given, and the report folders its record may be in (`--out`, else
    `reports/<name>` for each name its directory can give)."""

    inputs: str | None
    words: str | None
    db: Path
    folders: tuple[Path, ...]

    @classmethod
    def of(cls, spec: str, params: dict | None, db: str | None, out: str | None, name: str | None,
           argv: list[str] | None = None) -> Rerun | None:
        """None when REPO names no git directory, or a file of the key cannot be read: the whole path says
        what is wrong, if anything is."""
        git_dir = _git_dir(spec)
        if git_dir is None:
            return None
        store = Path(os.path.abspath(db)) if db else default_db().absolute()
        try:
            common = _inputs_digest(spec, git_dir, store)
        except OSError:
            return None
        return cls(_with(common, "params", params, store), _with(common, "argv", argv, store), store,
                   _folders(git_dir, out, name))

    def recorded(self) -> list[list[str]] | None:
        """The lines the record holds, when everything they depend on is as it was; else None."""
        for folder in self.folders:
            try:
                record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
                kind, key = ("inputs", self.inputs) if self.inputs else ("words", self.words)
                if (key and record[kind] == key and record["folder"] == str(folder.resolve())
                        and record["store"] == _store_key(self.db, record["name"], record["path"])
                        and _outputs_current(folder, Path(record["graphs"]), record["stamp"])):
                    return record["lines"]
            except (OSError, ValueError, KeyError, TypeError, sqlite3.Error):
                continue
        return None

    def forget(self) -> None:
        """Remove the records this command may have left: the run about to start replaces what they say."""
        for folder in self.folders:
            try:
                (folder / RECORD).unlink(missing_ok=True)
            except OSError:
                pass

    def record(self, name: str, path: str, fingerprint: str, published, graphs: Path, lines: list[list[str]]) -> None:
        """Record, under the inputs' key, what an unchanged run prints now that the analysis `name` of the git
        directory `path`, with `fingerprint`, is `published` (`miner.outputs.publish.Published`) with its
        graphs in `graphs`.  Nothing is recorded when another run has meanwhile saved other tables under
        that name or published other files in that folder: the record would describe that run's outputs."""
        folder = published.folder
        try:
            stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))["key"]
            store = _store_key(self.db, name, path)
        except (OSError, ValueError, KeyError, TypeError, sqlite3.Error):
            return
        if not published.key or stamp != published.key or store is None or store["analysis"][0] != fingerprint:
            return
        record = {"inputs": self.inputs, "words": self.words, "name": name, "path": path, "folder": str(folder.resolve()),
                  "graphs": str(graphs.resolve()), "store": store, "stamp": published.key, "lines": lines}
        scratch = folder / f"{RECORD}{SCRATCH_SUFFIX}"  # a scratch entry: one left by a killed run is a miss
        try:
            scratch.write_text(json.dumps(record, indent=1), encoding="utf-8")
            os.replace(scratch, folder / RECORD)
        except OSError:  # no record, no harm: the next run takes the whole path
            scratch.unlink(missing_ok=True)


def _git_dir(spec: str) -> Path | None:
    """The git directory at `spec` (a bare repository, a work tree's `.git` folder, or the clone of that
    name), as `miner.sources.repository` opens it; None for anything else, a linked work tree included."""
    if not spec.strip():
        return None
    path = Path(spec).expanduser()
    try:
        path = path if path.exists() else find_clone(spec)
    except MinerError:  # an ambiguous name
        return None
    for candidate in (path, path / ".git") if path else ():
        if ((candidate / "HEAD").is_file() and (candidate / "objects").is_dir()
                and not (candidate / "commondir").exists()):
            return candidate.resolve()
    return None


def _folders(git_dir: Path, out: str | None, name: str | None) -> tuple[Path, ...]:
    """`--out`, else the default report folder of every name the analysis can have: `--name`, or what
    `miner.sources.repository` derives from the git directory or the folder above it."""
    if out:
        return (Path(out),)
    if name:
        try:
            return (output_folder("reports", check_name(name, "--name")),)
        except MinerError:
            return ()
    names = []
    for directory in (git_dir.parent.name, git_dir.name):
        directory = directory.removesuffix(".git")
        derived = safe_name(directory.rpartition("+")[2]) or safe_name(directory)
        if derived and derived not in names:
            names.append(derived)
    return tuple(output_folder("reports", derived) for derived in names)


def _inputs_digest(spec: str, git_dir: Path, db: Path):
    """The digest of the command's setting, the files its options name, miner's own files and the
    repository's refs; the options themselves are added by `_with`."""
    now = time.time()
    setting = {"spec": spec, "git_dir": str(git_dir), "cwd": os.getcwd(), "db": str(db),
               "env": {k: v for k, v in os.environ.items() if k in ("MINER_HOME", "TZ") or k.startswith("GIT_")},
               "days": [date.today().isoformat(), time.strftime("%Y-%m-%d", time.gmtime(now))],
               "python": [sys.version, sys.executable]}
    digest = hashlib.sha256(json.dumps(setting, sort_keys=True, default=str).encode())
    _add_tree(digest, Path(__file__).parent)
    digest.update(json.dumps(_distributions()).encode())
    for name in _GIT_FILES:
        _add_file(digest, git_dir / name)
    for folder in _REF_FOLDERS:
        _add_tree(digest, git_dir / folder)
    for config in _user_git_configs():
        _add_file(digest, config)
    return digest


def _with(common, kind: str, options: dict | list | None, store: Path) -> str | None:
    """The key of `common` with the options (click's values, or the words of the command line) and the
    bytes of every file they may name but the store, whose key is apart; None without options."""
    if options is None:
        return None
    digest = common.copy()
    digest.update(json.dumps({kind: options}, sort_keys=True, default=str).encode())
    for value in options if isinstance(options, list) else _values(options):
        if value and os.path.isfile(value) and os.path.abspath(value) != str(store):
            _add_file(digest, Path(value))
    return digest.hexdigest()


def _values(params: dict) -> list[str]:
    """Every text an option holds, one by one (`--changelog` is repeatable)."""
    found = []
    for value in params.values():
        for one in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(one, str):
                found.append(one)
    return found


def _add_file(digest, path: str | Path) -> None:
    """The path and bytes of a file, or that there is none: a file removed is a change too."""
    digest.update(f"\0{path}\0".encode("utf-8", "surrogateescape"))
    try:
        with open(path, "rb") as file:
            digest.update(file.read())
    except FileNotFoundError:
        digest.update(b"\0absent")
    except IsADirectoryError:
        digest.update(b"\0folder")


def _add_tree(digest, root: Path) -> None:
    """Every file under `root` but compiled caches, in a fixed order, with its path and bytes (read whole:
    on Linux that costs no more than a stat, and a ref rewritten within one tick of the clock still counts)."""
    files, folders = [], [str(root)]
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    folders.append(entry.path)
            else:
                files.append(entry.path)
    for file in sorted(files):
        _add_file(digest, file)
    digest.update(f"\0end of {root}".encode("utf-8", "surrogateescape"))


def _distributions() -> list[str]:
    """The installed distributions with their versions (their metadata folders' names): pandas, pygit2 or
    matplotlib upgraded may write other outputs."""
    found = []
    for entry in sys.path:
        try:
            found += sorted(name for name in os.listdir(entry or ".") if name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return found


def _user_git_configs() -> list[Path]:
    """The git config files beyond the repository's that `git log` reads (a global mailmap, say)."""
    home = Path.home()
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    return [Path("/etc/gitconfig"), home / ".gitconfig", xdg / "git" / "config"]


def _store_key(db: Path, name: str, path: str) -> dict | None:
    """Which file the store is and its rows an unchanged run reads for `name` at `path` (the analysis's
    fingerprint first); None without either."""
    try:
        status = db.stat()
    except FileNotFoundError:
        return None
    # Read-write but querying only, never creating: a connection opened read-only cannot remove, on closing,
    # the -wal and -shm files of a store in WAL mode, and would leave them beside the user's files.
    with closing(sqlite3.connect(f"{db.resolve().as_uri()}?mode=rw", uri=True)) as connection:
        connection.execute("PRAGMA query_only = ON")
        version = connection.execute("PRAGMA user_version").fetchone()
        analysis = connection.execute("SELECT a.fingerprint, a.id, a.meta, s.path FROM analysis a "
                                      "JOIN source s ON s.id = a.source_id WHERE a.name = ?", (name,)).fetchone()
        hosted = connection.execute("SELECT f.* FROM hosted_fetch f JOIN source s ON s.id = f.source_id "
                                    "WHERE s.path = ? ORDER BY f.page", (path,)).fetchall()
        releases = connection.execute("SELECT r.* FROM hosted_release r JOIN source s ON s.id = r.source_id "
                                      "WHERE s.path = ? ORDER BY r.page, r.position", (path,)).fetchall()
    if not analysis:
        return None
    rows = hashlib.sha256(json.dumps([hosted, releases], default=str).encode()).hexdigest()
    return json.loads(json.dumps({"file": [status.st_dev, status.st_ino], "version": version,
                                  "analysis": analysis, "hosted": rows}))  # lists, as the record holds them


def _outputs_current(folder: Path, graphs: Path, stamp_key: str) -> bool:
    """Whether `folder`'s stamp is the one recorded and every file it lists has the size and time it was
    published with, with no publish left half-done in either folder."""
    stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    if stamp["key"] != stamp_key or (folder / JOURNAL).exists():
        return False
    for where in {folder.resolve(), graphs.resolve()}:
        if where.is_dir() and any(entry.startswith(SCRATCH_PREFIX) and entry.endswith(SCRATCH_SUFFIX)
                                  for entry in os.listdir(where)):
            return False
    for file, signature in stamp["files"].items():
        status = os.stat(file)
        if [status.st_size, status.st_mtime_ns] != signature:
            return False
    return True
