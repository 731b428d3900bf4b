"""Fetching a repository's releases from the GitHub REST API, against a fake server on 127.0.0.1."""
from __future__ import annotations

import socket
from datetime import datetime, timezone

import pytest

from fixtures.github_api import FakeGitHub, Reply, rate_limited, refused, release
from miner.errors import MinerError
from miner.model.notes import HostedReleases
from miner.sources.github import Token, fetch_releases, token_from

REPO = "openai/codex"


def releases(count: int) -> list[dict]:
    """`count` releases, newest first, as GitHub lists them."""
    return [release(f"rust-v0.{n}.0", f"notes of 0.{n}.0", number=n) for n in range(count, 0, -1)]


def count(fetched) -> int:
    return len(HostedReleases(REPO, "", fetched.pages).releases)


def fetch(api: FakeGitHub, known=(), **options):
    options.setdefault("delays", (0, 0, 0))
    return fetch_releases(REPO, known, api_url=api.url, **options)


def test_every_page_is_read_by_following_the_link_header(github_api):
    github_api.releases = releases(250)
    fetched = fetch(github_api)
    assert [page.number for page in fetched.pages] == [1, 2, 3]
    assert [r.tag for page in fetched.pages for r in page.releases] == [f"rust-v0.{n}.0" for n in range(250, 0, -1)]
    assert [seen.path for seen in github_api.requests] == [github_api.page_path(n) for n in (1, 2, 3)]
    assert fetched.requests == 3 and fetched.changed
    assert fetched.pages[-1].next_url is None
    assert all(seen.headers["accept"] == "application/vnd.github+json" for seen in github_api.requests)
    assert all("authorization" not in seen.headers for seen in github_api.requests)


def test_the_fields_kept_are_those_of_the_api(github_api):
    github_api.releases = [release("rust-v0.2.0", "## Features\n- MCP", name="0.2.0", prerelease=True,
                                   published_at="2025-10-07T18:00:00Z", created_at="2025-10-07T17:00:00Z"),
                           release("rust-v0.3.0", "wip", draft=True), release("rust-v0.1.0", None)]
    (page,) = fetch(github_api).pages
    first, draft, empty = page.releases
    assert (first.tag, first.name, first.body, first.published_at, first.created_at, first.prerelease, first.draft) \
        == ("rust-v0.2.0", "0.2.0", "## Features\n- MCP", "2025-10-07T18:00:00Z", "2025-10-07T17:00:00Z", True, False)
    assert draft.draft and draft.published_at is None
    assert empty.body == ""
    assert [r.tag for r in HostedReleases(REPO, "", (page,)).releases] == ["rust-v0.2.0", "rust-v0.1.0"]


def test_an_unchanged_list_costs_one_request(github_api):
    github_api.releases = releases(250)
    first = fetch(github_api)
    github_api.requests.clear()
    again = fetch(github_api, first.pages)
    assert not again.changed and again.requests == 1 and again.pages == first.pages
    (seen,) = github_api.requests
    assert seen.headers["if-none-match"] == first.pages[0].etag == github_api.etag(1)


def test_pages_that_answer_304_are_taken_as_stored(github_api):
    github_api.releases = releases(250)
    first = fetch(github_api, now=lambda: datetime(2026, 1, 1, tzinfo=timezone.utc))
    github_api.releases[0]["body"] = "notes of 0.250.0, edited"
    github_api.requests.clear()
    again = fetch(github_api, first.pages, now=lambda: datetime(2026, 1, 2, tzinfo=timezone.utc))
    assert again.changed and again.requests == 3
    assert again.pages[0].releases[0].body == "notes of 0.250.0, edited"
    assert again.pages[0].fetched_at == "2026-01-02T00:00:00+00:00"
    assert again.pages[1:] == first.pages[1:]
    assert [seen.headers.get("if-none-match") for seen in github_api.requests] == [p.etag for p in first.pages]


def test_a_new_release_shifts_every_page_and_all_are_read_again(github_api):
    github_api.releases = releases(150)
    first = fetch(github_api)
    github_api.releases.insert(0, release("rust-v0.151.0", number=151))
    again = fetch(github_api, first.pages)
    assert [len(page.releases) for page in again.pages] == [100, 51]
    assert again.pages[1].releases[0].tag == "rust-v0.51.0"


def test_a_repository_without_releases_is_one_empty_page(github_api):
    fetched = fetch(github_api)
    assert len(fetched.pages) == 1 and fetched.pages[0].releases == () and count(fetched) == 0


@pytest.mark.parametrize("reply", [rate_limited(403), rate_limited(429)], ids=["403", "429"])
def test_the_rate_limit_says_when_it_resets_and_is_not_retried(github_api, reply):
    github_api.script(reply)
    with pytest.raises(MinerError) as error:
        fetch(github_api)
    message = str(error.value)
    assert message.startswith(f"{REPO}: 127.0.0.1:") and "rate limit of 60 requests an hour used up" in message
    assert "resets at 2030-03-17 17:46:40 UTC" in message and "set GH_TOKEN or GITHUB_TOKEN" in message
    assert len(github_api.requests) == 1


def test_with_a_token_the_rate_limit_does_not_ask_for_one(github_api):
    github_api.script(rate_limited(403, limit=5000))
    with pytest.raises(MinerError, match="of 5000 requests an hour used up; it resets at") as error:
        fetch(github_api, token=Token("GITHUB_TOKEN", "ghp_x"))
    assert "set GH_TOKEN" not in str(error.value)


def test_a_secondary_rate_limit_says_how_long_to_wait(github_api):
    github_api.script(Reply(429, {"message": "You have exceeded a secondary rate limit."}, {"Retry-After": "30"}))
    with pytest.raises(MinerError, match=r"secondary rate limit hit; wait 30 s \(until .* UTC\) before trying again"):
        fetch(github_api)
    assert len(github_api.requests) == 1


def test_a_server_error_is_tried_again_after_a_wait(github_api):
    github_api.releases = releases(3)
    github_api.script(Reply(500, {"message": "Server Error"}))
    waits = []
    fetched = fetch(github_api, delays=(1.5, 3.0), sleep=waits.append)
    assert count(fetched) == 3 and fetched.requests == 2 and waits == [1.5]


def test_a_persistent_server_error_is_a_one_line_error_after_bounded_tries(github_api):
    github_api.script(*[Reply(502, "<html>Bad Gateway</html>")] * 10)
    waits = []
    with pytest.raises(MinerError) as error:
        fetch(github_api, delays=(1.0, 2.0, 4.0), sleep=waits.append)
    assert str(error.value) == f"{REPO}: {github_api.url.removeprefix('http://')} answered 502 Bad Gateway, 4 tries; " \
                               "try again later"
    assert waits == [1.0, 2.0, 4.0] and len(github_api.requests) == 4


def test_a_server_error_on_a_later_page_is_retried_there(github_api):
    github_api.releases = releases(120)
    github_api.script(Reply(503, ""), page=2)
    fetched = fetch(github_api)
    assert count(fetched) == 120
    assert [seen.path for seen in github_api.requests] == [github_api.page_path(n) for n in (1, 2, 2)]


def test_an_api_nobody_answers_is_tried_again_then_reported():
    with socket.socket() as sock:  # a port nothing listens on: bound, never listening
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        waits = []
        with pytest.raises(MinerError, match=rf"{REPO}: cannot reach 127\.0\.0\.1:\d+ \(.*\), 3 tries; try again"):
            fetch_releases(REPO, api_url=url, delays=(0.5, 0.5), sleep=waits.append)
    assert waits == [0.5, 0.5]


@pytest.mark.parametrize(("body", "expected"), [
    ("<html>Unicorn!</html>", r"page 1 of the releases \(http://.*/repos/openai/codex/releases\?per_page=100\) "
                              r"is not JSON \(line 1, column 1: Expecting value\)"),
    ({"message": "Moved"}, r"page 1 of the releases \(.*\) is a JSON dict, not a list of releases"),
    ("[" * 100_000, r"page 1 of the releases \(.*\) nests deeper than Python's JSON reader follows"),
])
def test_a_body_that_is_not_a_list_of_releases_is_a_one_line_error(github_api, body, expected):
    github_api.script(Reply(200, body))
    with pytest.raises(MinerError, match=rf"^{REPO}: {expected}$"):
        fetch(github_api)


def test_entries_that_are_no_releases_are_skipped_with_a_warning(github_api):
    github_api.script(Reply(200, [release("rust-v0.2.0"), 42, {"name": "no tag"}]))
    fetched = fetch(github_api)
    assert [r.tag for r in fetched.pages[0].releases] == ["rust-v0.2.0"]
    assert [w.message for w in fetched.warnings] == ["releases page 1 entry 1 is int 42, not a release object; skipped",
                                                     "releases page 1 entry 2 has no tag; skipped"]


def test_a_refused_token_names_its_variable_not_its_value(github_api):
    github_api.script(refused(401, "Bad credentials"))
    with pytest.raises(MinerError) as error:
        fetch(github_api, token=Token("GH_TOKEN", "ghp_secret_value"))
    assert "the token in GH_TOKEN (401 Bad credentials): it is wrong, expired or revoked" in str(error.value)
    assert "ghp_secret_value" not in str(error.value)
    assert github_api.requests[0].headers["authorization"] == "Bearer ghp_secret_value"
    assert "ghp_secret_value" not in repr(Token("GH_TOKEN", "ghp_secret_value"))


def test_no_access_is_a_one_line_error(github_api):
    github_api.script(refused(403, "Resource not accessible by personal access token"))
    with pytest.raises(MinerError, match=r"refused access to its releases \(403 Resource not accessible by personal"):
        fetch(github_api)


@pytest.mark.parametrize(("token", "hint"), [(None, "or it is private: set GH_TOKEN or GITHUB_TOKEN"),
                                             (Token("GITHUB_TOKEN", "t"), "or the token in GITHUB_TOKEN cannot see it")])
def test_an_unknown_repository_is_a_one_line_error(github_api, token, hint):
    with pytest.raises(MinerError, match=rf"^openai/absent: no such repository on 127\.0\.0\.1:\d+, {hint}$"):
        fetch_releases("openai/absent", api_url=github_api.url, token=token)


def test_a_link_to_another_host_is_not_followed():
    with FakeGitHub() as api, FakeGitHub() as elsewhere:
        api.script(Reply(200, [release("rust-v0.2.0")],
                         {"Link": f'<{elsewhere.url}{elsewhere.page_path(2)}>; rel="next"'}))
        with pytest.raises(MinerError, match=r"sent miner on to http://127\.0\.0\.1:\d+/repositories/.*; only "):
            fetch_releases(REPO, api_url=api.url, token=Token("GH_TOKEN", "t"))
        assert elsewhere.requests == []


def test_a_redirect_to_another_host_is_not_followed():
    with FakeGitHub() as api, FakeGitHub() as elsewhere:
        api.script(Reply(301, {"message": "Moved Permanently"}, {"Location": f"{elsewhere.url}{elsewhere.page_path(1)}"}))
        with pytest.raises(MinerError, match="only 127.0.0.1"):
            fetch_releases(REPO, api_url=api.url, token=Token("GH_TOKEN", "t"))
        assert elsewhere.requests == []


def test_a_redirect_within_the_api_is_followed(github_api):
    """A renamed repository answers 301 to its id's address."""
    github_api.releases = releases(2)
    github_api.script(Reply(301, {"message": "Moved Permanently"},
                            {"Location": f"{github_api.url}/repositories/965415649/releases?per_page=100"}))
    assert count(fetch(github_api)) == 2


def test_a_list_that_leads_back_to_a_page_read_is_refused(github_api):
    github_api.script(Reply(200, [release("rust-v0.2.0")],
                            {"Link": f'<{github_api.url}{github_api.page_path(1)}>; rel="next"'}))
    with pytest.raises(MinerError, match="leads back to a page already read"):
        fetch(github_api)
    assert len(github_api.requests) == 1


@pytest.mark.parametrize("url", ["ftp://api.example.com", "api.github.com", "https://api.github.com?x=1"])
def test_an_api_url_that_is_no_http_address_is_refused(url):
    with pytest.raises(MinerError, match="not the http\\(s\\) address of a GitHub API"):
        fetch_releases(REPO, api_url=url)


def test_the_token_comes_from_gh_token_then_github_token():
    assert token_from({"GITHUB_TOKEN": "b", "GH_TOKEN": "a"}) == Token("GH_TOKEN", "a")
    assert token_from({"GITHUB_TOKEN": "b", "GH_TOKEN": " "}) == Token("GITHUB_TOKEN", "b")
    assert token_from({}) is None
