"""The one place miner starts git: every subprocess is built here, with the repository's say taken away.

miner reads objects through pygit2 and runs git for three things only: the
history walk, many blobs at once (the changelog's revisions, the described
release's lines: `git log`, `git cat-file`, reads) and the mirror transfers (`git clone`, `git fetch`, `git ls-remote`).  A mined repository is
not trusted: its own `.git/config` (and any file it includes) may name
programs for git to run or settings that change what git prints, and whatever
it says, git reads it.  Options on git's command line outrank every config
file, included ones too, so each run pins what matters there.

Settings pinned with `-c` on every command:

- `core.fsmonitor=false`: a hook (or the built-in daemon) run by any command that reads the index.
- `core.hooksPath=/dev/null`: hooks; `git fetch` runs `reference-transaction`, and the
  `git gc --auto` it may start runs `pre-auto-gc`.  No hook is looked up under /dev/null.
- `log.showSignature=false`, `gpg.program`, `gpg.{openpgp,x509,ssh}.program`, `gpg.ssh.defaultKeyCommand`
  (empty: nothing to run): with `log.showSignature` a repository made `git log` run its
  `gpg.program=./evil.sh` on each signed commit, from the working directory.
- `core.editor=:`, `sequence.editor=:` (git's "no editor"): no command here edits, and none may start one.
- `core.useReplaceRefs=false`: git honours replacement objects (`refs/replace/*`), libgit2
  does not, and miner reads one history through both (tags, trees and blobs through pygit2,
  the walk through git).  The original objects win: they are what the refs and tags name,
  what every clone receives (`refs/replace/*` is not fetched by default, and `mine clone`
  fetches heads and tags only) and what libgit2 reads; a replacement is one copy's local
  rewrite of history.  (`--no-replace-objects` is not enough: the repository's
  `core.useReplaceRefs=true`, read after it, turns replacements back on.)

Settings answered otherwise, or left with nothing to do:

- `core.pager`, `pager.*`: `--no-pager` (git's stdout is a pipe anyway).
- Attributes and what they name (`diff.external`, `diff.<driver>.command/textconv/binary/
  xfuncname`, `core.bigFileThreshold`, `-diff`, `core.attributesFile`): no command here diffs
  file content (the walk lists paths, the changelog's log names blobs, `blobs` reads them
  raw), so none reads attributes, where a FIFO in `info/attributes` would hold git forever.
  Driver names are the repository's to choose, so no `-c` could name them all anyway.
- `filter.<driver>.clean/smudge/process`: filters run only between a work tree and the
  index (checkout, add, status); no command here touches either.
- Transport settings (`core.sshCommand`, `core.gitProxy`, `core.askPass`, `credential.helper`,
  `remote.<name>.url/uploadpack`, `protocol.*.allow`, `url.*.insteadOf`): a read never needs a
  remote, yet a repository that marks a remote `promisor` makes git fetch from it (through
  `ext::./evil.sh`, say) as soon as an object is missing.  Reads run with `GIT_ALLOW_PROTOCOL`
  empty, which forbids every transport whatever the config says.  Transfers keep the user's
  own ssh and credential set-up: the repository whose config they read is miner's own mirror,
  and the source's config is read only by `git upload-pack` on the far side, which takes no
  program from it (`uploadpack.packObjectsHook` counts only from the user's own config, and
  recent git never fetches lazily there).  `core.alternateRefsCommand` likewise belongs to
  the repository that has the alternates: the mirror.
- `core.worktree`: the repository may put its work tree anywhere, and git reads a pathspec
  relative to where the working directory sits in it; the one pathspec miner gives is
  `:(top,literal)`.  Nothing else here reads the work tree.
- `alias.*`: git never lets an alias hide one of its own commands.
- `include.path`, `includeIf.*`: they only bring in more of the same; the command line still wins.
- `safe.directory`: left alone.  git, like libgit2 when pygit2 opens the repository, refuses
  one owned by another user unless the user trusts it in their own config; miner does not
  widen that trust.
- `extensions.partialClone`: libgit2 refuses to open such a repository, so miner never runs git on one.

Settings that change what `git log` prints are pinned by `LOG_OPTIONS`, given to every
`git log` here.  `format.pretty`, `log.abbrevCommit`, `log.date`, `log.decorate`,
`notes.displayRef`, `color.*` and `core.quotePath` have nothing to change: each log names
its `--format` (full ids, raw names, Unix or strict ISO times, no decorations, no notes),
prints no patch (colour marks only patches and decorations) and reads no path it prints
but with `-z`.

The environment is the user's and kept, except the variables that say where a repository,
its objects or its work tree are, or how pathspecs read (`GIT_DIR`, `GIT_OBJECT_DIRECTORY`,
`GIT_SHALLOW_FILE`, `GIT_LITERAL_PATHSPECS`… git's own list of variables that describe one
repository, `git rev-parse --local-env-vars`, and a few more): miner names the repository
itself, and a `GIT_DIR` left by a hook that runs `mine` must not redirect the walk.  The
user's configuration variables (`GIT_CONFIG_PARAMETERS`, `GIT_CONFIG_COUNT`) stay: they may
carry the credentials a transfer needs, and the `-c` options here come after them and win.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from miner.errors import MinerError

SETTINGS = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", os.devnull),
    ("log.showSignature", "false"),
    ("gpg.program", ""),
    ("gpg.openpgp.program", ""),
    ("gpg.x509.program", ""),
    ("gpg.ssh.program", ""),
    ("gpg.ssh.defaultKeyCommand", ""),
    ("core.editor", ":"),
    ("sequence.editor", ":"),
    ("core.useReplaceRefs", "false"),
)
# Options of every `git log` miner runs, each answering a setting that would change its output.
LOG_OPTIONS = (
    "--encoding=UTF-8",        # i18n.logOutputEncoding: names and messages re-encoded
    "--root",                  # log.showRoot=false: the root commit's files and lines left out
    "--no-follow",             # log.follow: one path's log followed into its old names (even with --no-renames)
    "--no-renames",            # diff.renames
    "--ignore-submodules=none",  # diff.ignoreSubmodules=all: gitlink changes left out
    "--no-mailmap",            # log.mailmap, mailmap.file: a file of the repository's choosing (a FIFO hangs
                               # git); miner applies .mailmap itself
    f"-O{os.devnull}",         # diff.orderFile: another file of the repository's choosing
    "--no-relative",           # diff.relative: with core.worktree above the working directory, files elsewhere
                               # left out
)
# Variables naming a repository, its parts or how paths read: miner names the repository itself.
LOCATION_VARIABLES = (
    "GIT_DIR", "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_INDEX_FILE", "GIT_GRAFT_FILE", "GIT_SHALLOW_FILE",
    "GIT_REPLACE_REF_BASE", "GIT_NO_REPLACE_OBJECTS", "GIT_PREFIX", "GIT_INTERNAL_SUPER_PREFIX", "GIT_CONFIG",
    "GIT_NAMESPACE", "GIT_QUARANTINE_PATH", "GIT_ATTR_SOURCE", "GIT_NOTES_REF", "GIT_DIFF_OPTS",
    "GIT_EXTERNAL_DIFF", "GIT_LITERAL_PATHSPECS", "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS",
    "GIT_ICASE_PATHSPECS",
)


def command(args: Sequence[str], git_dir: str | Path | None = None,
            config: Sequence[tuple[str, str]] = ()) -> list[str]:
    """The git command line for `args` on `git_dir` (None: no repository yet, as for a clone).

    `config` adds settings of the caller's own, after the fixed ones.
    """
    line = ["git", "--no-pager"]
    for key, value in (*SETTINGS, *config):
        line += ["-c", f"{key}={value}"]
    if git_dir is not None:
        line += ["--git-dir", str(git_dir)]
    return [*line, *args]


def environment(transfer: bool = False, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The user's environment without the location variables; a read may use no transport at all."""
    env = {key: value for key, value in os.environ.items() if key not in LOCATION_VARIABLES}
    env["LC_ALL"] = "C"  # git's messages, shown in miner's, in one language
    if not transfer:
        env["GIT_ALLOW_PROTOCOL"] = ""
    return env | (extra or {})


def start(args: Sequence[str], git_dir: str | Path | None = None, *, transfer: bool = False,
          config: Sequence[tuple[str, str]] = (), env: dict[str, str] | None = None,
          **popen) -> subprocess.Popen:
    """Start git with `args` on `git_dir`; `transfer` allows it to reach a remote.  `popen` as for Popen."""
    try:
        return subprocess.Popen(command(args, git_dir, config), env=environment(transfer, env), **popen)
    except FileNotFoundError:
        raise MinerError("git is not installed or not on PATH") from None


def run(args: Sequence[str], git_dir: str | Path | None = None, *, transfer: bool = False,
        config: Sequence[tuple[str, str]] = (), env: dict[str, str] | None = None,
        **options) -> subprocess.CompletedProcess:
    """Run git to completion, as `start` does; `options` as for subprocess.run."""
    try:
        return subprocess.run(command(args, git_dir, config), env=environment(transfer, env), **options)
    except FileNotFoundError:
        raise MinerError("git is not installed or not on PATH") from None


def blobs(git_dir: str | Path, oids: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
    """(id, content) of each blob of `oids`, in order, streamed by one `git cat-file --batch`.

    None for an object that is missing or no blob.  Faster than pygit2 for many
    revisions of one file (git keeps their delta bases); content is read raw, no
    filter or attribute applies.  The ids are written from a thread, since git
    answers while it reads and a pipe holds only so much.
    """
    wanted = list(oids)
    process = start(["cat-file", "--batch"], git_dir, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL)

    def feed() -> None:
        with contextlib.suppress(OSError), process.stdin:  # git ended early: the reader sees it
            process.stdin.write("".join(f"{oid}\n" for oid in wanted).encode())

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        for oid in wanted:
            header = process.stdout.readline().split()  # "<id> blob <size>", or "<id> missing"
            if len(header) != 3:
                yield oid, None
                continue
            data = process.stdout.read(int(header[2]))
            process.stdout.read(1)  # the newline after each object
            yield oid, data if header[1] == b"blob" else None
    finally:
        process.kill()
        process.wait()
        writer.join()
        process.stdout.close()
