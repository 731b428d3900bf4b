"""A repository's tags read through pygit2: what each points at, when it was made, and what git ignores.

Each release's date is its tagger date when the tag is annotated, else the
tagged commit's committer date, as `git for-each-ref --format=%(creatordate)`
reports it.  Refs git itself ignores (invalid names, dangling symbolic refs)
and names that are no text are kept as `TagRef`s of kind "ignored", so that
skipped.csv can say why they are left out.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pygit2

from miner.model.names import as_text, is_text
from miner.model.releases import TagRef
from miner.model.window import iso_day


def read_tags(repo: pygit2.Repository) -> list[TagRef]:
    """Every tag with its peeled commit, kind of target and creation date, and every ref under `refs/tags/`
    git ignores (an invalid name, a dangling symbolic ref), so that skipped.csv can say why it is left out."""
    return [_read_tag(repo, name) for name in sorted(repo.references) if name.startswith("refs/tags/")]


def ref_target(repo: pygit2.Repository, ref_name: str) -> str:
    """The id of the object `ref_name` resolves to, through symbolic refs; "" for a ref git ignores."""
    try:
        return str(repo.references[ref_name].resolve().target)
    except (KeyError, ValueError, pygit2.GitError):  # a dangling or looping symbolic ref, an invalid name
        return ""


def _read_tag(repo: pygit2.Repository, ref_name: str) -> TagRef:
    name = as_text(ref_name[len("refs/tags/"):])
    ignored = _ignored(repo, ref_name)
    if ignored:
        return TagRef(name, None, "ignored", False, None, problem=ignored)
    try:
        obj = repo[ref_target(repo, ref_name)]
        annotated = isinstance(obj, pygit2.Tag)
        tagger = obj.tagger if annotated else None
        message = (obj.raw_message or b"").decode("utf-8", "replace") if annotated else ""  # any encoding, as git
        while isinstance(obj, pygit2.Tag):
            obj = repo[obj.target]
    except KeyError:
        return TagRef(name, None, "missing", False, None, problem="points at a missing object")
    except (ValueError, pygit2.GitError) as error:  # a damaged pack, a commit libgit2 cannot parse
        return TagRef(name, None, "unreadable", False, None, problem=f"points at an object that cannot be read ({error})")
    if not isinstance(obj, pygit2.Commit):  # dated by its tagger when annotated, as git's creatordate
        return TagRef(name, None, obj.type_str, annotated, tagger and _when(tagger), message,
                      f"points at a {obj.type_str}, not a commit")
    signature = tagger if tagger is not None else obj.committer
    date = _when(signature)
    if date is None:
        return TagRef(name, None, "commit", annotated, None, message,
                      f"dated {iso_day(signature.time)}, past the years 1 to 9999 that Python's dates hold")
    return TagRef(name, str(obj.id), "commit", annotated, date, message)


def _ignored(repo: pygit2.Repository, ref_name: str) -> str:
    """Why a ref is no tag to analyse whatever it points at, "" if it is one: git ignores it, or its name is no text."""
    if not is_text(ref_name):
        return "its name is not UTF-8 text"
    if not pygit2.reference_is_valid_name(ref_name):
        return "not a valid ref name: git ignores it"
    if not ref_target(repo, ref_name):
        return f"a symbolic ref to {repo.references[ref_name].target!r}, which resolves to nothing: git ignores it"
    return ""


def _when(signature: pygit2.Signature) -> datetime | None:
    """The signature's time in its own offset; None past what a `datetime` holds."""
    try:
        return datetime.fromtimestamp(signature.time, timezone(timedelta(minutes=signature.offset)))
    except (ValueError, OverflowError, OSError):
        return None
