"""Fuzzing every parser of text a repository controls, for a fixed budget: no exception, bounded time.

Each parser gets arbitrary text or bytes (`st.text()`, `st.binary()`), text
shaped like its input (TOML documents of every value type where Cargo expects
paths and tables, Markdown-ish lines, JSON of every shape where an export
expects release objects), and long repetitions of a short unit, the shape that
makes a backtracking regular expression take time quadratic in the input or
worse.  The documented outcome for bad input is a `Warning` or None, never an
exception; the time limit of each test (pytest-timeout) turns a parse slower
than linear into a failure.  The history's record parser is checked harder:
records as git prints them, with any text in every field and split into
chunks anywhere, must come back field for field.

Run longer: `HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_fuzz_parsers.py`.
"""
from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.workspaces import cargo_workspaces
from miner._sample.builder import RepoBuilder
from miner.errors import MinerWarning
from miner.model.commits import Commit
from miner.model.identities import co_authors
from miner.model.mailmap import Mailmap
from miner.model.notes import HostedRelease, normalise_version, pr_numbers
from miner.model.packages import Workspace
from miner.model.versions import TagVersion, parse_tag, parse_version
from miner.sources.changelogs import split_sections
from miner.sources.history import RECORD, _parse_stream
from miner.sources.hosted import parse_hosted_releases
from miner.sources.messages import subject_notes
from miner.store.cache import MemoryCache
from tests.conftest import examples, time_limit


def budget(count: int) -> settings:
    """The settings of a fuzz test: `count` examples under the ci profile; long draws are no health problem."""
    return settings(max_examples=examples(count), suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def repeated(tokens: list[str], known: list[str] = ()):
    """A short unit, repeated a few times or up to 20,000 times, after a short head and before a short tail.

    The unit is made of `tokens`, or is one of the `known` units that make backtracking patterns slow
    (separators alternating with version fragments).  Counts are drawn from a few sizes, as hypothesis
    draws the small end of a range far more often: at 20,000 repeats a parse quadratic in its input
    takes longer than the test's time limit.
    """
    unit = st.lists(st.sampled_from(tokens), min_size=1, max_size=4).map("".join)
    if known:
        unit = st.one_of(st.sampled_from(known), unit)
    head = st.one_of(st.just(""), st.text(max_size=3))
    return st.builds(lambda start, text, count, tail: start + text * count + tail,
                     head, unit, st.sampled_from([2, 50, 2_000, 20_000]), st.text(max_size=3))


# Units under which Python's `re` versions of the tag and title patterns took time quadratic in the text.
SLOW_UNITS = ["1.1-", "1.2.3-a.", "v1.2-", "a-1.1-", "a1.1-1", "-1.1", "release 1.1 "]


# -- versions and tag names ---------------------------------------------------

TAG_TOKENS = ["1", "1.2", ".", "-", "+", "a", "v", "/", "_", " "]


@pytest.mark.timeout(time_limit(30))
@budget(500)
@given(st.one_of(st.text(), repeated(TAG_TOKENS, SLOW_UNITS)))
def test_tag_names_versions_and_release_titles_parse_or_are_none(text):
    parsed = parse_tag(text)
    assert parsed is None or (isinstance(parsed, TagVersion) and parsed.tag == text and text.startswith(parsed.prefix))
    version = parse_version(text)
    assert version is None or isinstance(version.sort_key, tuple)
    assert normalise_version(text) is None or isinstance(normalise_version(text), str)
    notes = subject_notes([text])  # a release title ("Release v1.2.3") is left out, anything else kept
    assert notes is None or notes.text.startswith("- ")


# -- Cargo manifests -----------------------------------------------------------

PATHS = st.sampled_from(["a", "a/b", "c", "*", "a/*", "**", "**/b", "../x", "/abs", "", ".", "a/../c", "[", "a/[b",
                         "c/?", "a//b", "a/./b", "..", "\\", "a\\b"])
KEYS = st.one_of(st.sampled_from(["a", "b", "c", "serde", "workspace", "path", "package"]), st.text(max_size=6))
SCALARS = st.one_of(st.text(max_size=12), PATHS, st.integers(-2, 2 ** 70), st.booleans(),
                    st.floats(allow_nan=False, allow_infinity=False))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
                      max_leaves=8)


def toml(value) -> str:
    """A TOML inline value; strings as JSON writes them, which TOML mostly reads (and else refuses)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(map(toml, value)) + "]"
    return "{ " + ", ".join(f"{json.dumps(key)} = {toml(item)}" for key, item in value.items()) + " }"


DEPENDENCY = st.one_of(st.fixed_dictionaries({"path": PATHS}, optional={"package": KEYS, "optional": VALUES,
                                                                           "workspace": VALUES}),
                       st.fixed_dictionaries({"workspace": st.booleans()}, optional={"optional": VALUES}), VALUES)
TABLES = {
    "package": st.fixed_dictionaries({}, optional={"name": st.one_of(KEYS, VALUES), "version": VALUES,
                                                   "description": VALUES, "workspace": st.one_of(PATHS, VALUES)}),
    "workspace": st.fixed_dictionaries({}, optional={
        "members": st.one_of(st.lists(st.one_of(PATHS, VALUES), max_size=4), VALUES),
        "exclude": st.one_of(st.lists(PATHS, max_size=3), VALUES),
        "package": st.dictionaries(st.sampled_from(["version", "description"]), VALUES, max_size=2),
        "dependencies": st.dictionaries(KEYS, DEPENDENCY, max_size=3)}),
    "dependencies": st.dictionaries(KEYS, DEPENDENCY, max_size=3),
    "dev-dependencies": st.dictionaries(KEYS, DEPENDENCY, max_size=2),
    "build_dependencies": st.dictionaries(KEYS, DEPENDENCY, max_size=2),
    "target": st.dictionaries(st.sampled_from(["cfg(unix)", "cfg(all(a,not(b=\"c\")))", "x86", ""]),
                              st.dictionaries(st.sampled_from(["dependencies", "dev-dependencies"]),
                                              st.dictionaries(KEYS, DEPENDENCY, max_size=2), max_size=2), max_size=2),
}


@st.composite
def manifests(draw) -> bytes:
    """A Cargo.toml: arbitrary bytes or text, a document of drawn tables, or a deep or long pathological one."""
    kind = draw(st.sampled_from(["bytes", "text", "document", "document", "document", "deep"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "text":
        return draw(st.text(max_size=300)).encode("utf-8", "surrogatepass")
    if kind == "deep":
        return draw(st.sampled_from(["a = " + "[" * 3000, "a = " + "{b = " * 3000, "[" + "a." * 3000 + "b]",
                                     "a" + ".a" * 70 + " = 1", "[package]\nname = \"" + "x" * 100_000 + "\""])).encode()
    tables = draw(st.lists(st.sampled_from(sorted(TABLES)), unique=True, max_size=4))
    lines = []
    for name in tables:
        lines.append(f"[{name}]")
        lines += [f"{json.dumps(key)} = {toml(value)}" for key, value in draw(TABLES[name]).items()]
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """A repository to write each drawn tree into (objects only, no commit moves a branch)."""
    return RepoBuilder(tmp_path_factory.mktemp("fuzz") / "manifests.git", bare=True)


@pytest.mark.timeout(time_limit(60))
@budget(500)
@given(st.dictionaries(st.sampled_from(["Cargo.toml", "a/Cargo.toml", "a/b/Cargo.toml", "c/Cargo.toml"]), manifests(),
                       min_size=1, max_size=4),
       st.one_of(st.none(), st.sampled_from(["", "a", "a/b", "c", "x", "../a"])))
def test_manifests_of_any_content_give_workspaces_and_warnings(scratch, files, pin):
    oid = scratch.commit("fuzz", files, when="2025-07-01T10:00:00+00:00", parents=[], branch="")
    for workspace in cargo_workspaces(scratch.repo, scratch.repo[oid].tree, MemoryCache(), pin):
        assert isinstance(workspace, Workspace)
        assert all(isinstance(package.name, str) and isinstance(package.version, str) for package in workspace.packages)
        assert all(isinstance(warning.message, str) and warning.path for warning in workspace.warnings)


# -- changelogs -------------------------------------------------------------------

MARKDOWN = st.text(alphabet=st.sampled_from(list("#=-`~ \t\n\r>*[]()<!/:1.2v0-uUnreleased")), max_size=400)


@pytest.mark.timeout(time_limit(30))
@budget(500)
@given(st.one_of(st.text(), MARKDOWN, repeated(["#", " ", "1.2", "-", "[", "]", "(", ")", "v", ":", "\n", "`", "a", "*"])))
def test_changelogs_of_any_text_split_into_sections(text):
    flat = text.replace("\r\n", "\n").replace("\r", "\n")
    for section in split_sections(text):
        assert section.version is None or isinstance(section.version, str)
        assert section.body in flat
    assert isinstance(pr_numbers(text), tuple)


# -- releases exports -------------------------------------------------------------

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                    max_leaves=10)
FIELDS = st.sampled_from(["tagName", "tag_name", "name", "body", "publishedAt", "published_at", "draft", "isDraft",
                          "prerelease", "isPrerelease"])
RELEASE = st.dictionaries(FIELDS, st.one_of(st.text(max_size=12), JSON), max_size=6)


@st.composite
def exports(draw) -> str:
    kind = draw(st.sampled_from(["text", "json", "releases", "pages", "deep"]))
    if kind == "text":
        return draw(st.text())
    if kind == "json":
        return json.dumps(draw(JSON))
    if kind == "deep":
        return draw(st.sampled_from(["[" * 100_000, "[" * 50_000 + "]" * 50_000, '{"a":' * 20_000 + "1" + "}" * 20_000]))
    pages = [json.dumps(draw(st.lists(RELEASE, max_size=4))) for _ in range(draw(st.integers(1, 3)))]
    return draw(st.sampled_from(["", "\n", " "])).join(pages) if kind == "pages" else pages[0]


@pytest.mark.timeout(time_limit(30))
@budget(500)
@given(exports())
def test_releases_exports_of_any_text_give_releases_and_warnings(text):
    warnings: list[MinerWarning] = []
    for release in parse_hosted_releases(text, "releases.json", warnings):
        assert isinstance(release, HostedRelease)
        assert all(isinstance(value, str) for value in (release.tag, release.name, release.body))
        assert release.published_at is None or isinstance(release.published_at, str)
    assert all(isinstance(warning, MinerWarning) and "\n" not in warning.message for warning in warnings)


# -- commit records, co-authors, mailmaps -------------------------------------------

TEXT = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")  # what git can print
LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\n"), max_size=20)
SHA = st.text(alphabet="0123456789abcdef", min_size=40, max_size=40)
# Any text but NUL, and the names git's own separators make awkward: newlines first and inside, the old
# record separator followed by a commit id.
PATH = st.one_of(st.text(alphabet=TEXT, min_size=1),
                 st.sampled_from(["\nlead", "\n\nlead", "a\nb", "trail\n", "\x1e" + "0" * 40, " ", "-"]))
NOT_A_TRAILER = LINE.filter(lambda line: "co-authored-by" not in line.lower())


@st.composite
def records(draw):
    """(bytes git prints for some commits, the commits, whether paths are listed)."""
    files = draw(st.booleans())
    commits, out = [], b""
    for _ in range(draw(st.integers(1, 4))):
        author_time, commit_time = draw(st.integers(0, 2 ** 64)), draw(st.integers(0, 2 ** 64))
        trailers = draw(st.lists(st.tuples(st.sampled_from(["", " ", "\t"]),
                                           st.sampled_from(["Co-authored-by", "co-authored-by", "CO-AUTHORED-BY"]),
                                           st.sampled_from(["", " "]), LINE), max_size=2))
        lines = [(line, None) for line in draw(st.lists(NOT_A_TRAILER, max_size=3))]
        lines = draw(st.permutations(lines + [(f"{a}{key}{b}:{value}", value.strip()) for a, key, b, value in trailers]))
        body = "\n".join(line for line, _ in lines) + draw(st.sampled_from(["", "\n"]))
        paths = tuple(draw(st.lists(PATH, max_size=3, unique=True))) if files else ()
        commit = Commit(draw(SHA), tuple(draw(st.lists(SHA, max_size=3))), draw(LINE), draw(LINE),
                        author_time if author_time < 2 ** 63 else 0, draw(st.sampled_from(["+0000", "-0130", ""])),
                        commit_time if commit_time < 2 ** 63 else 0, draw(LINE),
                        tuple(value for _, value in lines if value), paths)
        fields = [commit.sha, " ".join(commit.parents), commit.author_name, commit.author_email,
                  f"{author_time} {commit.author_offset}".rstrip(), str(commit_time), commit.subject, body]
        listed = "\x00\n" + "".join(path + "\x00" for path in paths) if paths else ("\x00" if files else "\n")
        out += (RECORD + "\x00".join(fields) + "\x00" + listed).encode()
        commits.append(commit)
    return out, commits


class ChunkedStream(io.BytesIO):
    """A pipe that hands out its bytes in the chunks given, as a pipe may."""

    def __init__(self, data: bytes, cuts: list[int]):
        super().__init__(data)
        self.sizes = iter(cuts)

    def read1(self, size: int = -1) -> bytes:
        return super().read1(next(self.sizes, size))


@pytest.mark.timeout(time_limit(30))
@budget(500)
@given(records(), st.lists(st.integers(1, 64), max_size=30))
def test_commit_records_with_any_text_come_back_field_for_field(stream, cuts):
    data, commits = stream
    assert list(_parse_stream(ChunkedStream(data, cuts))) == commits


@pytest.mark.timeout(time_limit(30))
@budget(500)
@given(st.one_of(st.text(), repeated(["co-authored-by:", " ", "<", ">", "@", "a", "\n", "\t", ":", "(#1)", "#"],
                                     SLOW_UNITS)),
       st.text(max_size=20), st.text(max_size=20))
def test_messages_co_authors_and_mailmaps_of_any_text_parse(text, name, email):
    assert all(isinstance(n, str) and isinstance(e, str) for n, e in co_authors(text))
    notes = subject_notes(text.splitlines())
    assert notes is None or all(isinstance(number, int) for number in notes.prs)
    mapped = Mailmap.parse(text).map(name, email)
    assert all(isinstance(part, str) for part in mapped)
