"""The hosting site's releases, read from an export the user made (`gh release list/view --json`, the REST
API's list) or from the pages `sources.github` fetched."""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from miner.errors import MinerError, MinerWarning
from miner.model.names import as_text
from miner.model.notes import HostedRelease


def load_hosted_releases(path: str | Path, warnings: list[MinerWarning] | None = None) -> list[HostedRelease]:
    """Releases from a stored export (`gh release list/view --json ...` or the REST API).

    A file that cannot be read is a `MinerError`: the user named a file that
    is not there.  One that reads but is not an export (bad JSON, no release
    objects) gives no releases and a warning, since the changelog, messages
    and subjects can still serve; see `parse_hosted_releases`.
    """
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise MinerError(f"{path}: cannot read releases export: {error.strerror}") from None
    return parse_hosted_releases(text, str(path), warnings)


def parse_hosted_releases(text: str, origin: str = "", warnings: list[MinerWarning] | None = None) -> list[HostedRelease]:
    """Releases from the text of an export; see `load_hosted_releases`.

    Accepts a list, a single object, and the concatenated pages that
    `gh api --paginate` writes.  Draft releases are not releases and are left
    out.  Text that is not JSON gives no releases and a warning with the
    error's line; an empty export and entries that are not objects (or have
    no tag) are warned about, and the entries are skipped.
    """
    sink = warnings if warnings is not None else []
    try:
        entries = _json_entries(text)
    except json.JSONDecodeError as error:
        sink.append(MinerWarning("", f"releases export is not valid JSON (line {error.lineno}, column {error.colno}: "
                                f"{error.msg}); hosted release notes not used", path=origin))
        return []
    except RecursionError:  # raised inside the json module, which reads nesting by recursion
        sink.append(MinerWarning("", "releases export nests arrays or objects deeper than Python's JSON reader "
                                "follows; hosted release notes not used", path=origin))
        return []
    if not entries:
        sink.append(MinerWarning("", "releases export holds no releases", path=origin))
    return [release for release in release_entries(entries, origin, sink) if not release.draft]


def release_entries(entries: list, origin: str, warnings: list[MinerWarning],
                    what: str = "releases export") -> list[HostedRelease]:
    """The releases among decoded entries of either shape (`gh` or REST), drafts included and flagged.

    An entry that is not an object or names no tag is skipped, and a field
    that should be text but is not (a number, an object) is left out, each
    with a warning naming `what` holds it and the entry's position.
    """
    releases = []
    for position, entry in enumerate(entries):
        if not isinstance(entry, dict):
            warnings.append(MinerWarning("", f"{what} entry {position} is {type(entry).__name__} "
                                         f"{json.dumps(entry)[:40]}, not a release object; skipped", path=origin))
            continue
        release = _hosted_release(entry)
        if release is None:
            warnings.append(MinerWarning("", f"{what} entry {position} has no tag; skipped", path=origin))
            continue
        wrong = [key for key in _TEXT_FIELDS if entry.get(key) is not None and not isinstance(entry[key], str)]
        if wrong:
            kinds = ", ".join(f"{key} is {type(entry[key]).__name__}" for key in wrong)
            warnings.append(MinerWarning("", f"{what} entry {position}: {kinds}, not text; left out",
                                         tag=release.tag, path=origin))
        releases.append(release)
    return releases


def unknown_tags(hosted: Iterable[HostedRelease], tag_names: Iterable[str], origin: str = "") -> list[MinerWarning]:
    """A warning for each hosted release whose tag the repository lacks.

    Such an entry is usually an export of another repository or a release
    whose tag was deleted; its notes cannot be attached to any release.
    `origin` names where the releases came from: the export, or the address
    they were fetched from.
    """
    known = set(tag_names)
    return [
        MinerWarning("", f"hosted release names tag {release.tag!r}, which the repository lacks", tag=release.tag, path=origin)
        for release in hosted
        if release.tag not in known
    ]


def _json_entries(text: str) -> list:
    """The entries of an export: one document or several concatenated pages (JSONDecodeError if not JSON).

    The text is not stripped, so an error's line number is the file's.
    """
    decoder = json.JSONDecoder()
    entries: list = []
    position = _skip_space(text, 0)
    while position < len(text):
        document, position = decoder.raw_decode(text, position)
        entries.extend(document if isinstance(document, list) else [document])
        position = _skip_space(text, position)
    return entries


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


# The fields of an export entry that must be text; one that is not (a number, an object) is left out.
_TEXT_FIELDS = ("name", "body", "publishedAt", "published_at", "createdAt", "created_at")


def _hosted_release(entry: dict) -> HostedRelease | None:
    """A release from either export shape, or None when it names no tag."""
    tag = entry.get("tagName") or entry.get("tag_name")
    if not isinstance(tag, str) or not tag.strip():
        return None
    text = {key: as_text(value) for key, value in entry.items() if key in _TEXT_FIELDS and isinstance(value, str)}
    return HostedRelease(
        tag=as_text(tag),
        name=text.get("name") or "",
        body=text.get("body") or "",
        published_at=text.get("publishedAt") or text.get("published_at") or None,
        prerelease=bool(entry.get("isPrerelease", entry.get("prerelease", False))),
        created_at=text.get("createdAt") or text.get("created_at") or None,
        draft=bool(entry.get("isDraft", entry.get("draft", False))),
    )
