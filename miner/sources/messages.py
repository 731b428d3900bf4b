"""Notes written in git itself: an annotated tag's message, the release commit's body, the commit subjects.

Codex puts its notes in the message of the tagged "Release 0.80.0" commit from
about 0.79 on; before that only the commit subjects of a release's range say
what changed.  A message that only names the release says nothing and counts
as no notes.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import pygit2

from miner.errors import MinerWarning
from miner.model.names import decode_lossy
from miner.model.notes import COMMITS, VERSION, Notes, pr_numbers
from miner.model.patterns import compile_pattern


def tag_message(repo: pygit2.Repository, tag: str, warnings: list[MinerWarning] | None = None) -> str | None:
    """The notes in an annotated tag's message, or None for a lightweight tag or a bare title.

    A message that is only "Release 0.44.0", "chore(release): v0.1.9-rc.1" or
    the tag name says nothing; signatures are dropped.
    """
    target = _tag_object(repo, tag)
    if not isinstance(target, pygit2.Tag) or target.raw_message is None:
        return None
    message = _decode(target.raw_message, warnings, repo, tag, "tag message")
    lines = _SIGNATURE.sub("", message).strip().splitlines()
    if not lines:
        return None
    return _after_title(lines) if _is_title(lines[0], tag) else "\n".join(lines).strip()


def release_commit_message(repo: pygit2.Repository, tag: str, warnings: list[MinerWarning] | None = None) -> str | None:
    """The notes in the body of the tagged commit when it is a release commit ("Release 0.80.0").

    A tag on an ordinary commit ("chore: Update CHANGELOG.md") says nothing
    about the release in that commit's body, so only a release title counts.
    """
    target = _tag_object(repo, tag)
    commit = target.peel(pygit2.Commit) if target is not None else None
    if commit is None:
        return None
    message = _decode(commit.raw_message, warnings, repo, tag, "release commit message")
    lines = message.strip().splitlines()
    return _after_title(lines) if lines and _is_title(lines[0], tag) else None


def subject_notes(subjects: Iterable[str]) -> Notes | None:
    """Notes made of the commit subjects in a release's range, with the PRs they cite.

    Release titles ("Release 0.44.0") are left out; merge subjects stay, since
    their branch names and PR numbers are all a merge-only history says.
    """
    kept = [s.strip() for s in subjects if s.strip() and not _is_title(s.strip(), "")]
    if not kept:
        return None
    text = "\n".join(f"- {subject}" for subject in kept)
    return Notes(COMMITS, text, pr_numbers(text))


# Matched by RE2, in time linear in the subject (see miner.model.patterns): under `re` the lazy prefix
# made a 24 KB subject of `v1.2-` repeated take 1.7 s, growing with the square of its length.
_TITLE = compile_pattern(
    r"^(?:chore\(release\):\s*|release[d:]?\s*|version\s*|bump(?:\s+version)?(?:\s+to)?\s*|tag\s*)*"
    rf"(?:[A-Za-z][\w.-]*?-)?[vV]?{VERSION}\.?$",
    ignore_case=True,
)


_TRAILER = re.compile(r"^[A-Za-z][\w-]*: .+$")


_SIGNATURE = re.compile(r"-----BEGIN (?:PGP|SSH) SIGNATURE-----.*?-----END (?:PGP|SSH) SIGNATURE-----\s*", re.DOTALL)


def _tag_object(repo: pygit2.Repository, tag: str) -> pygit2.Object | None:
    """The object a tag reference points at (a Tag for annotated tags), or None."""
    name = tag if tag.startswith("refs/") else f"refs/tags/{tag}"
    reference = repo.references.get(name)
    if reference is None:
        return None
    try:
        return repo[reference.resolve().target]  # through a symbolic tag ref, as git does
    except (KeyError, ValueError, pygit2.GitError):
        return None


def _is_title(line: str, tag: str) -> bool:
    """Whether a first line only names the release: the tag, or "Release 0.44.0" and the like."""
    plain = line.strip().strip("#*` ").strip()
    short_tag = tag.removeprefix("refs/tags/")
    return plain == short_tag or bool(_TITLE.match(plain))


def _after_title(lines: list[str]) -> str | None:
    """The message without its title line and trailing trailers, or None if nothing is left."""
    body = list(lines[1:])
    while body and (not body[-1].strip() or _TRAILER.match(body[-1])):
        body.pop()
    text = "\n".join(body).strip()
    return text or None


def _decode(data: bytes, warnings: list[MinerWarning] | None, repo: pygit2.Repository, tag: str, what: str) -> str:
    """UTF-8 text of a message; undecodable bytes are replaced and reported, never raised."""
    text, lossy = decode_lossy(data)
    if lossy and warnings is not None:
        short_tag = tag.removeprefix("refs/tags/")
        warnings.append(MinerWarning("", f"{what} is not valid UTF-8; undecodable bytes replaced", tag=short_tag))
    return text
