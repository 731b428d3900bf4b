"""Bare mirrors of the repositories miner mines: naming, cloning and updating.

A source (URL, local path or GitHub `owner/name`) becomes a `Source` whose
`slug` (`openai+codex`) names its mirror directory under `repos_dir()`, so two
repositories called `cli` from different owners never share a directory, while
`miner.paths.find_clone("codex")` still finds `openai+codex` by its short name.

A mirror is a bare repository whose remote fetches `refs/heads/*` and
`refs/tags/*` with force and prune: what analysis reads, without the thousands
of GitHub `refs/pull/*` that `git clone --mirror` would drag in.  pygit2 sets it
up and checks it; the transfer itself is a `git fetch` subprocess, because
libgit2 (1.9) packs a local source about twenty times slower than git and
cannot fetch again into a mirror holding a tag on a blob or tree, and because
git honours the user's ssh configuration and credential helpers.  A first
clone is fetched into a hidden temporary directory beside its destination and
renamed into place, so a failure never leaves a half-written mirror behind.

Credentials in a URL (`https://user:token@host/...`) are split off when the
source is parsed: the URL stored in the mirror, shown in messages and put on
git's command line never carries them; they reach git only through the environment of
the one subprocess that needs them.  A URL with a query string (`?access_token=…`) is
refused rather than stored, and every text that may hold a source as the user wrote
it, or as git echoes it, is shown through `redact`.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal
from urllib.parse import unquote, urlsplit, urlunsplit

import pygit2
from rich.console import Console
from rich.filesize import decimal
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from miner.catalogs.toml import read_toml
from miner.errors import MinerError
from miner.paths import check_name, repos_dir, safe_name
from miner.sources import gitprocess

REFSPECS = ("+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*")

_SHORTHAND = re.compile(r"^(?P<owner>[A-Za-z0-9][A-Za-z0-9-]*)/(?P<name>[A-Za-z0-9._-]+)$")
# `[user[:password]@]host:path`; a path holding `@` would read `user:secret@host` as host `user`.
_SCP_LIKE = re.compile(r"^(?:(?P<user>[^@/:]+(?::[^@/]*)?)@)?(?P<host>[^/:@]+):(?P<path>[^/@][^@]*)$")
_SECRETS = (
    (re.compile(r"((?:https?|ftps?)://)[^/@\s]+@"), r"\1***@"),  # over http the user alone may be a token
    (re.compile(r"(://[^/@\s:]*):[^/@\s]*@"), r"\1:***@"),  # any URL's password
    (re.compile(r"(?<![^\s'\"(])([^\s:/@'\"]+):[^\s/'\"]*@"), r"\1:***@"),  # scp-like user:password@host
    (re.compile(r"([?&][^=&#\s'\"]+)=[^&#\s'\"]*"), r"\1=***"),  # query values: ?access_token=...
)
_RECEIVING = re.compile(
    r"^Receiving objects:\s+\d+% \((?P<received>\d+)/(?P<total>\d+)\)"
    r"(?:, (?P<size>[\d.]+) (?P<unit>bytes|KiB|MiB|GiB))?"
)
_UNITS = {"bytes": 1, "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3}
_CREDENTIAL_HELPER = (
    '!f() { test "$1" = get || exit 0; '
    'printf "username=%s\\npassword=%s\\n" "$MINER_GIT_USERNAME" "$MINER_GIT_PASSWORD"; }; f'
)


@dataclass(frozen=True)
class Source:
    """A repository to mirror.

    `url` is credential-free and is what the mirror remembers as its remote;
    `credentials` (never shown by repr) are passed to git for one fetch only.
    """

    url: str
    name: str
    slug: str
    credentials: tuple[str, str] | None = field(default=None, repr=False)

    @property
    def display(self) -> str:
        """How messages name the source: its URL without credentials."""
        return self.url


@dataclass(frozen=True)
class Transfer:
    """Fetch progress: objects received of the total, and bytes so far."""

    received_objects: int
    total_objects: int
    received_bytes: int


@dataclass(frozen=True)
class CloneResult:
    """What `clone_all` did with one source."""

    source: Source
    status: Literal["cloned", "updated", "failed"]
    path: Path | None
    message: str = ""


def parse_source(
    source: str, *, name: str | None = None, relative_to: Path | None = None
) -> Source:
    """Read a command-line or config source.

    In order: a URL with a scheme; a directory that exists (relative paths
    resolved against `relative_to`, default the working directory); an
    scp-like `user@host:path`; GitHub shorthand `owner/name`.  An existing
    directory wins over shorthand, so `./openai/codex` can be mirrored too.
    `name` overrides the short name (and so the directory name).
    """
    text = source.strip()
    if not text:
        raise MinerError("an empty source: give a URL, a path or owner/name")
    if "://" in text:
        parsed = _from_url(text)
    elif (local := _local_directory(text, relative_to)) is not None:
        parsed = _from_path(local)
    elif match := _SCP_LIKE.match(text):
        parsed = _from_scp(match)
    elif match := _SHORTHAND.match(text):
        owner, repo = match["owner"], _strip_git(match["name"])
        parsed = Source(f"https://github.com/{owner}/{repo}.git", repo, f"{owner}+{repo}")
    else:
        raise MinerError(f"{redact(text)}: no such directory, and not a URL, [user@]host:path or owner/name")
    return parsed if name is None else _renamed(parsed, name)


def sources_from_config(path: str | Path) -> list[Source]:
    """The repositories a TOML config lists, in order, without repeats.

    Accepts `repos = ["owner/name", ...]`, `[[repo]] url = ... name = ...`
    and the agents shape `[[agent]] name = ... repository = ...`, so that the
    config `compare` reads also says what to clone.  An agent's `name` is a
    display label ("Codex CLI"), not a directory name, so it is not used here;
    agents without a `repository` (closed source) are skipped.
    """
    path = Path(path)
    _, _, data = read_toml(path, "", "config")
    base = path.resolve().parent
    found: dict[str, Source] = {}
    for text, name in _config_entries(data, path):
        source = parse_source(text, name=name, relative_to=base)
        found.setdefault(source.slug, source)
    return list(found.values())


def hosted_name(source: Source) -> tuple[str, str] | None:
    """The host (`github.com`; "" for a local path) and `owner/name` of the source, or None when its address
    ends in no owner and name that a hosting site could have.

    Read from the address, not the slug: a config's `name` renames the
    mirror, not the repository.  A local mirror laid out as `owner+name/repo`
    is `owner/name`, as its slug is.
    """
    if match := _SCP_LIKE.match(source.url):
        host, path = match["host"], match["path"]
    elif "://" in source.url:
        parts = urlsplit(source.url)
        host, path = (parts.hostname or ""), parts.path
    else:
        host, path = "", source.url
    parts = [p for p in path.strip("/").split("/") if p not in ("", ".git")]
    if parts and parts[-1] == "repo" and len(parts) > 1 and "+" in parts[-2]:
        parts = parts[-2].rpartition("+")[::2]
    if len(parts) < 2:
        return None
    owner, name = parts[-2], _strip_git(parts[-1])
    return (host.casefold(), f"{owner}/{name}") if _SHORTHAND.match(f"{owner}/{name}") else None


def mirror_path(source: Source, dest_dir: Path) -> Path:
    """Where the mirror of `source` lives under `dest_dir`."""
    return Path(dest_dir) / source.slug


def clone_or_update(
    source: Source,
    dest_dir: Path | None = None,
    progress: Callable[[Transfer], None] | None = None,
) -> Path:
    """Mirror `source` under `dest_dir` (default `repos_dir()`) and return the path.

    A new mirror is cloned into a temporary directory and renamed into place;
    an existing one is fetched in place: new refs added, moved ones (tags
    included) forced, deleted ones pruned.  Failures raise a one-line
    `MinerError` naming the source.
    """
    dest_dir = _absolute(dest_dir)
    target = mirror_path(source, dest_dir)
    try:
        if target.exists():
            _fetch(_open_mirror(target, source), source, progress)
        else:
            _clone_atomically(source, target, progress)
    except (pygit2.GitError, OSError, _GitFailed) as err:
        raise MinerError(f"{source.display}: {redact(_reason(err))}") from None
    return target


def clone_all(
    sources: list[Source],
    dest_dir: Path | None = None,
    console: Console | None = None,
    quiet: bool = False,
) -> list[CloneResult]:
    """Clone or update every source, one progress bar each, on stderr.

    One failing source is reported as a one-line error and the others go on;
    `quiet` hides the progress bars but not the errors.
    """
    dest_dir = _absolute(dest_dir)
    console = console or Console(stderr=True)
    results = []
    with _progress_bars(console, quiet) as bars:
        for source in sources:
            result = _clone_one(source, dest_dir, bars)
            if result.status == "failed":
                line = f"mine: [red]error:[/red] {escape(source.name)}: {escape(result.message)}"
                bars.console.print(line, highlight=False, soft_wrap=True)
            results.append(result)
    return results


def _absolute(dest_dir: Path | None) -> Path:
    """`dest_dir` (default `repos_dir()`) as an absolute path.

    git is given the mirror's path; an absolute one means the same to git and
    to a caller whose working directory changes.
    """
    return Path(dest_dir or repos_dir()).absolute()


def _clone_one(source: Source, dest_dir: Path, bars: Progress) -> CloneResult:
    """Mirror one source, driving its own progress bar."""
    task = bars.add_task(escape(source.name), total=None, bytes="")
    existed = mirror_path(source, dest_dir).exists()
    received = total = 0

    def show(transfer: Transfer) -> None:
        nonlocal received, total
        received, total = transfer.received_objects, transfer.total_objects
        bars.update(task, completed=received, total=total or None,
                    bytes=decimal(transfer.received_bytes) if transfer.received_bytes else "")

    try:
        path = clone_or_update(source, dest_dir, show)
    except MinerError as err:
        bars.update(task, visible=False)  # the error line says it: a bar would show what was never fetched
        return CloneResult(source, "failed", None, str(err))
    status = "updated" if existed else "cloned"
    bars.update(task, description=f"{escape(source.name)} {status}", total=received, completed=received)
    return CloneResult(source, status, path)


def _progress_bars(console: Console, quiet: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("objects"),
        TextColumn("{task.fields[bytes]}"),
        console=console,
        disable=quiet,
    )


def _clone_atomically(source: Source, target: Path, progress: Callable[[Transfer], None] | None) -> None:
    """Clone bare into a hidden sibling directory, add the refspecs, rename it to `target`.

    `git clone --bare` takes heads, tags and the remote's HEAD.  From a local
    path it hardlinks the object files instead of repacking them: fast, and it
    copes with snapshots that lack an old blob, which a pack would have to read.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{source.slug}.", suffix=".partial", dir=target.parent))
    try:
        _git_transfer(None, source, ["clone", "--bare", "--progress", source.url, str(partial)], progress)
        repo = pygit2.Repository(str(partial))
        for refspec in REFSPECS:
            repo.remotes.add_fetch("origin", refspec)
        os.rename(partial, target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def _open_mirror(target: Path, source: Source) -> pygit2.Repository:
    """The existing mirror at `target`, refusing one of another repository."""
    try:
        repo = pygit2.Repository(str(target))
    except pygit2.GitError:
        raise MinerError(f"{target} exists and is not a git repository") from None
    remote = next((r for r in repo.remotes if r.name == "origin"), None)
    if remote is None or _identity(remote.url or "") != _identity(source.url):
        tracked = redact(remote.url) if remote is not None else "no origin"
        raise MinerError(
            f"{target} mirrors {tracked}, not {source.display}; remove it or use another --dest"
        )
    if remote.url != source.url:
        repo.remotes.set_url("origin", source.url)
    return repo


def _fetch(repo: pygit2.Repository, source: Source, progress: Callable[[Transfer], None] | None) -> None:
    """Fetch heads and tags with prune, then point HEAD at the remote's default branch.

    `--atomic` makes the ref updates all-or-nothing, so an interrupted update
    leaves the mirror as it was rather than half new.
    """
    head = _remote_head(repo.path, source)
    _git_transfer(repo.path, source, ["fetch", "--prune", "--atomic", "--progress", "origin"], progress)
    if head and head in repo.references:
        repo.set_head(head)


def _remote_head(mirror: str, source: Source) -> str | None:
    """The branch the remote's HEAD names (`refs/heads/main`), if it says."""
    config, env = _transfer_settings(source)
    done = gitprocess.run(["ls-remote", "--symref", "origin", "HEAD"], mirror, transfer=True, config=config, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise _GitFailed(_git_reason(done.stderr.splitlines()))
    match = re.search(r"^ref: (\S+)\tHEAD$", done.stdout, re.MULTILINE)
    return match[1] if match else None


def _git_transfer(mirror: str | None, source: Source, args: list[str],
                  progress: Callable[[Transfer], None] | None) -> None:
    """Run a git transfer command on `mirror` (None for a clone), feeding its `--progress` lines to `progress`."""
    config, env = _transfer_settings(source)
    proc = gitprocess.start(args, mirror, transfer=True, config=config, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    lines: list[str] = []
    try:
        if progress is not None:
            progress(Transfer(0, 0, 0))  # the bar shows at once, even when git reports no progress
        for line in _progress_lines(proc.stderr):
            transfer = _parse_progress(line)
            if transfer is None:
                lines.append(line)
            elif progress is not None:
                progress(transfer)
        if proc.wait() != 0:
            raise _GitFailed(_git_reason(lines))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()


def _transfer_settings(source: Source) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The config and environment one transfer of `source` adds to those every git run gets.

    Credentials travel in the environment of this one child process and are
    handed to git by a credential helper that only reads them; the user's own
    helpers are switched off for it so none of them stores the token.
    Prompts are off: a missing password is an error, not a hung terminal.
    `fetch.unpackLimit=1` keeps every fetch a pack, which is what makes git
    report "Receiving objects" even for small updates.
    """
    env = {"GIT_TERMINAL_PROMPT": "0"}
    config = [("fetch.unpackLimit", "1")]
    if source.credentials is not None:
        env["MINER_GIT_USERNAME"], env["MINER_GIT_PASSWORD"] = source.credentials
        config += [("credential.helper", ""), ("credential.helper", _CREDENTIAL_HELPER)]
    return config, env


def _progress_lines(stream: IO[bytes]) -> Iterator[str]:
    """Lines of git's stderr, where progress updates end in a carriage return."""
    pending = b""
    while chunk := stream.read1(65536):
        pending += chunk
        *complete, pending = re.split(rb"[\r\n]", pending)
        yield from (line.decode(errors="replace").strip() for line in complete if line.strip())
    if pending.strip():
        yield pending.decode(errors="replace").strip()


def _parse_progress(line: str) -> Transfer | None:
    """`Receiving objects:  45% (123/270), 1.20 MiB | 2.00 MiB/s` as a Transfer."""
    match = _RECEIVING.match(line)
    if match is None:
        return None
    size = 0
    if match["size"]:
        size = int(float(match["size"]) * _UNITS[match["unit"]])
    return Transfer(int(match["received"]), int(match["total"]), size)


def _git_reason(lines: list[str]) -> str:
    """git's own explanation: its first `fatal:` line, else its first `error:` line."""
    for prefix in ("fatal: ", "error: "):
        for line in lines:
            if line.startswith(prefix):
                return line.removeprefix(prefix)
    return lines[-1] if lines else "git failed"


class _GitFailed(Exception):
    """A git subprocess failed; the message is git's reason, without the source."""


def _from_url(text: str) -> Source:
    """A URL with a scheme; only ssh keeps its user name, a password is always secret.

    Over http a token is often the user name alone (`https://TOKEN@host/`), so
    there all user information counts as a credential.
    """
    parts = urlsplit(text)
    if not parts.hostname and parts.scheme != "file":
        raise MinerError(f"{redact(text)}: URL has no host")
    if parts.query:
        raise MinerError(f"{redact(text)}: a URL with a query string is not mirrored (a token there would be "
                         f"stored and shown); give credentials as {parts.scheme}://USER:TOKEN@host/path")
    host = parts.netloc.rpartition("@")[2]
    keep_user = parts.scheme in ("ssh", "git+ssh", "ssh+git") and parts.username
    credentials = None
    if parts.password is not None or (parts.username and not keep_user):
        credentials = (unquote(parts.username or ""), unquote(parts.password or ""))
    if keep_user:
        host = f"{parts.username}@{host}"
    url = urlunsplit((parts.scheme, host, parts.path, parts.query, ""))
    owner, name = _owner_and_name(parts.path, parts.hostname or "")
    return Source(url, name, _slug(owner, name), credentials)


def _from_scp(match: re.Match[str]) -> Source:
    """`git@host:owner/name.git`, the ssh shorthand git accepts."""
    user, _, password = (match["user"] or "").partition(":")
    prefix = f"{user}@" if user else ""
    owner, name = _owner_and_name(match["path"], match["host"])
    credentials = (user, password) if password else None
    return Source(f"{prefix}{match['host']}:{match['path']}", name, _slug(owner, name), credentials)


def _from_path(path: Path) -> Source:
    """A local repository, named after its directory (`x/.git` after `x`)."""
    where = path.parent if path.name == ".git" else path
    owner, name = _owner_and_name(str(where), "")
    return Source(str(path), name, _slug(owner, name))


def _local_directory(text: str, relative_to: Path | None) -> Path | None:
    path = Path(os.path.expanduser(text))
    if not path.is_absolute():
        path = (relative_to or Path.cwd()) / path
    return path.resolve() if path.is_dir() else None


def _owner_and_name(path: str, host: str) -> tuple[str, str]:
    """The last two path components, each made a safe folder name; a one-component path is owned by its host.

    A mirror laid out as `owner+name/repo` keeps its slug, so mirroring an
    existing collection of mirrors does not produce `owner+name+repo`.  Both
    parts name the mirror's directory, so neither may be `..` or hold a `/`
    (`miner.paths.safe_name`: `evil+..` becomes `evil-..`).
    """
    parts = [p for p in path.strip("/").split("/") if p]
    if parts and parts[-1] == "repo" and len(parts) > 1 and "+" in parts[-2]:
        owner, _, name = parts[-2].rpartition("+")
    else:
        owner, name = (parts[-2] if len(parts) > 1 else host), _strip_git(parts[-1]) if parts else ""
    if not safe_name(name):
        raise MinerError(f"{redact(host + path)}: cannot tell the repository name")
    return safe_name(owner), safe_name(name)


def _renamed(source: Source, name: str) -> Source:
    check_name(name, "name")
    owner = source.slug.rpartition("+")[0]
    return Source(source.url, name, _slug(owner, name), source.credentials)


def _slug(owner: str, name: str) -> str:
    return f"{owner}+{name}" if owner else name


def _strip_git(name: str) -> str:
    return name[:-4] if name.endswith(".git") else name


def _identity(url: str) -> str:
    """Host and path of a URL, so the https and ssh forms of one repository agree."""
    if match := _SCP_LIKE.match(url):
        host, path = match["host"], match["path"]
    else:
        parts = urlsplit(url)
        host, path = (parts.hostname or ""), parts.path
    return f"{host}/{_strip_git(path.strip('/'))}".casefold()


def redact(text: str) -> str:
    """`text` with every credential a source may carry hidden: URL passwords, http users, the password of
    `user:password@host`, query values.  For text as the user wrote it, or as git echoes it."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def _reason(err: Exception) -> str:
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err) or type(err).__name__


def _config_entries(data: dict, path: Path) -> list[tuple[str, str | None]]:
    """(source text, explicit name) for every repository a config lists."""
    entries: list[tuple[str, str | None]] = []
    repos = data.get("repos", [])
    if not isinstance(repos, list) or not all(isinstance(r, str) for r in repos):
        raise MinerError(f"{path}: 'repos' must be a list of strings")
    entries += [(text, None) for text in repos]
    for index, table in enumerate(_tables(data, "repo", path), 1):
        if not isinstance(table.get("url"), str):
            raise MinerError(f"{path}: [[repo]] #{index} needs a url")
        if not isinstance(table.get("name", ""), str):
            raise MinerError(f"{path}: [[repo]] #{index}: name must be a string")
        entries.append((table["url"], table.get("name")))
    for table in _tables(data, "agent", path):
        if isinstance(table.get("repository"), str):
            entries.append((table["repository"], None))
    return entries


def _tables(data: dict, key: str, path: Path) -> list[dict]:
    tables = data.get(key, [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise MinerError(f"{path}: '{key}' must be an array of tables ([[{key}]])")
    return tables
