"""A repository's releases from GitHub's REST API: `GET /repos/{owner}/{repo}/releases`, every page.

The list is read 100 releases a page, following the `Link` header's
`rel="next"`, newest first.  Each page is asked for with the ETag it had when
it was last fetched (`If-None-Match`): GitHub answers 304 when it is
unchanged.  A 304 for the first page ends the fetch there, so an unchanged
list costs one request; the price is that an edit to a release older than
the newest hundred is seen only when the first page next changes (any new
release shifts every page and so refreshes them all).  A later page that
answers 304 is taken from what was stored, and its stored `next` followed.

Only the API's own host is ever contacted: a `Link` or a redirect to any
other origin is refused before it is sent, so the token cannot leak there.
The token (from `GH_TOKEN` or `GITHUB_TOKEN`, in `gh`'s order) travels in the
`Authorization` header alone; no message, warning or returned value holds it.

Every failure is one line naming the repository: a refused token (401), no
access (403), no such repository (404), a rate limit with the time it resets
(never retried: waiting is the user's call), a body that is not the list of
releases.  A 5xx or a dropped connection is tried again a bounded number of
times, waiting longer each time, then reported.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlsplit

import httpx

from miner.errors import MinerError, MinerWarning
from miner.model.names import as_text
from miner.model.notes import HostedPage
from miner.sources import API_URL
from miner.sources.hosted import release_entries

# In `gh`'s order of precedence.
TOKEN_VARIABLES = ("GH_TOKEN", "GITHUB_TOKEN")
UNAUTHENTICATED = ("no GH_TOKEN or GITHUB_TOKEN set: GitHub allows 60 unauthenticated requests an hour "
                   "(5,000 with a token)")
PER_PAGE = 100
# Seconds waited before each new try of a request that met a 5xx or a dropped connection.
RETRY_DELAYS = (1.0, 2.0, 4.0)
# A list longer than this many pages, or one whose `next` comes back to a page already read, is refused
# rather than followed for ever.
MAX_PAGES = 1000
# A page of 100 releases with GitHub's largest bodies (125,000 characters each) is about 13 MB.
MAX_PAGE_BYTES = 64 * 1024 * 1024
TIMEOUT = 30.0


@dataclass(frozen=True)
class Token:
    """A credential and the variable it came from; only the variable's name is ever shown."""

    variable: str
    value: str

    def __repr__(self) -> str:
        return f"Token({self.variable})"


@dataclass(frozen=True)
class Fetched:
    """What one fetch of a repository's releases found.

    `pages` is the whole list as it now stands (pages that answered 304 as
    they were stored); `changed` is False when the first page answered 304
    and `pages` are the stored ones.
    """

    repository: str
    pages: tuple[HostedPage, ...]
    changed: bool
    requests: int
    warnings: tuple[MinerWarning, ...] = ()


def token_from(environ: Mapping[str, str]) -> Token | None:
    """The token in the first of `TOKEN_VARIABLES` that is set and not blank."""
    for variable in TOKEN_VARIABLES:
        value = environ.get(variable, "").strip()
        if value:
            return Token(variable, value)
    return None


def releases_url(repository: str, api_url: str = API_URL) -> str:
    """The first page of the releases of `owner/name`."""
    return f"{api_url.rstrip('/')}/repos/{repository}/releases?per_page={PER_PAGE}"


def fetch_releases(repository: str, known: Sequence[HostedPage] = (), *, api_url: str = API_URL,
                   token: Token | None = None, delays: Sequence[float] | None = None,
                   sleep: Callable[[float], None] = time.sleep, now: Callable[[], datetime] | None = None) -> Fetched:
    """Every page of the releases of `owner/name`, asking each page of `known` (the stored fetch) whether it changed.

    `delays` (default `RETRY_DELAYS`) are the waits before each new try of
    a 5xx or a dropped connection.  Raises a one-line `MinerError`.
    """
    stored = {page.url: page for page in known}
    clock = now or (lambda: datetime.now(timezone.utc))
    session = _Session(repository, _api_origin(api_url), token, RETRY_DELAYS if delays is None else delays, sleep)
    pages: list[HostedPage] = []
    warnings: list[MinerWarning] = []
    url: str | None = releases_url(repository, api_url)
    with session:
        while url is not None:
            _check_next(repository, url, pages)
            previous = stored.get(url)
            answer = session.get(url, previous.etag if previous else None)
            if answer.status == 304 and previous is not None:
                if not pages:
                    return Fetched(repository, tuple(known), False, session.requests)
                page = replace(previous, number=len(pages) + 1)
            else:
                page = _page(repository, len(pages) + 1, url, answer, clock(), warnings)
            pages.append(page)
            url = page.next_url
    return Fetched(repository, tuple(pages), True, session.requests, tuple(warnings))


@dataclass(frozen=True)
class _Answer:
    """A 200 or 304 answer: its status, ETag, body, and the `Link` header's next page."""

    status: int
    etag: str
    body: bytes
    next_url: str | None


class _Session:
    """One `httpx.Client` to the API's origin: the headers every request carries, retries, and the
    one-line errors for every answer that is not a page."""

    def __init__(self, repository: str, origin: str, token: Token | None, delays: Sequence[float],
                 sleep: Callable[[float], None]):
        self.repository, self.origin, self.token, self.delays, self.sleep = repository, origin, token, delays, sleep
        self.requests = 0
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
                   "User-Agent": f"miner/{_version()}"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token.value}"
        self.client = httpx.Client(headers=headers, timeout=TIMEOUT, follow_redirects=True,
                                   event_hooks={"request": [self._same_origin]})

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()

    def get(self, url: str, etag: str | None) -> _Answer:
        """The answer to a GET of `url` when it is a 200 or a 304, else a one-line error."""
        headers = {"If-None-Match": etag} if etag else {}
        tries = len(self.delays) + 1
        for attempt in range(tries):
            if attempt:
                self.sleep(self.delays[attempt - 1])
            self.requests += 1
            try:
                answer, body = self._request(url, headers)
            except httpx.RequestError as error:  # no answer: a dropped connection, a timeout, a garbled body
                failure = f"cannot reach {_host(self.origin)} ({_reason(error)})"
                continue
            if answer.status_code in (200, 304):
                return _Answer(answer.status_code, answer.headers.get("etag", ""), body,
                               answer.links.get("next", {}).get("url") or None)
            if answer.status_code < 500:
                raise MinerError(self._refusal(answer, body))
            failure = f"{_host(self.origin)} answered {answer.status_code} {_phrase(answer.status_code)}"
        raise MinerError(f"{self.repository}: {failure}, {tries} tries; try again later")

    def _request(self, url: str, headers: dict[str, str]) -> tuple[httpx.Response, bytes]:
        """One GET and its body, read up to `MAX_PAGE_BYTES` (more is a one-line error, not a full memory)."""
        with self.client.stream("GET", url, headers=headers) as response:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_PAGE_BYTES:
                    raise MinerError(f"{self.repository}: {_shown(url)}: the answer is over "
                                     f"{MAX_PAGE_BYTES // 2**20} MiB; not a page of releases")
                chunks.append(chunk)
        return response, b"".join(chunks)

    def _same_origin(self, request: httpx.Request) -> None:
        """Refuse, before it is sent, any request (a `Link`, a redirect) to another origin than the API's."""
        if _origin(str(request.url)) != self.origin:
            raise MinerError(f"{self.repository}: {_host(self.origin)} sent miner on to {_shown(str(request.url))}; "
                             f"only {_host(self.origin)} is contacted")

    def _refusal(self, answer: httpx.Response, body: bytes) -> str:
        """The one line that says why the API refused: the token, access, the repository, a rate limit."""
        host, repository, status = _host(self.origin), self.repository, answer.status_code
        said = _message(body)
        if status in (403, 429) and (limit := _rate_limit(status, answer.headers, self.token is None)):
            return f"{repository}: {host}: {limit}"
        if status == 401:
            where = f"the token in {self.token.variable}" if self.token else "the request"
            return (f"{repository}: {host} refused {where} (401 {said or 'Bad credentials'}): "
                    "it is wrong, expired or revoked")
        if status == 403:
            return f"{repository}: {host} refused access to its releases (403 {said or 'Forbidden'})"
        if status == 404:
            hint = ("or it is private: set GH_TOKEN or GITHUB_TOKEN" if self.token is None
                    else f"or the token in {self.token.variable} cannot see it")
            return f"{repository}: no such repository on {host}, {hint}"
        return f"{repository}: {host} answered {status} {said or _phrase(status)}"


def _rate_limit(status: int, headers: httpx.Headers, anonymous: bool) -> str:
    """What a rate-limited answer says about when to try again, "" when it is no rate limit.

    The primary limit says so with `X-RateLimit-Remaining: 0` and the epoch
    second it resets at; a secondary limit with `Retry-After` seconds, or,
    as a 429 without it, by asking for a minute's wait (GitHub's advice).
    """
    if (retry := _number(headers.get("retry-after"))) is not None:
        until = datetime.now(timezone.utc).timestamp() + retry
        return f"secondary rate limit hit; wait {retry} s (until {_clock(until)}) before trying again"
    if headers.get("x-ratelimit-remaining") == "0":
        limit = headers.get("x-ratelimit-limit", "")
        reset = _number(headers.get("x-ratelimit-reset"))
        when = f"; it resets at {_clock(reset)} (in {_minutes(reset)})" if reset else ""
        hint = "; set GH_TOKEN or GITHUB_TOKEN for 5,000 an hour" if anonymous else ""
        return f"rate limit{f' of {limit} requests an hour' if limit.isdigit() else ''} used up{when}{hint}"
    return "rate limit hit; wait at least a minute before trying again" if status == 429 else ""


def _page(repository: str, number: int, url: str, answer: _Answer, fetched: datetime,
          warnings: list[MinerWarning]) -> HostedPage:
    """The releases of one 200 answer: a JSON list of release objects, else a one-line error."""
    where = f"{repository}: page {number} of the releases ({_shown(url)})"
    try:
        document = json.loads(answer.body.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as error:
        raise MinerError(f"{where} is not JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    except RecursionError:
        raise MinerError(f"{where} nests deeper than Python's JSON reader follows") from None
    if not isinstance(document, list):
        raise MinerError(f"{where} is a JSON {type(document).__name__}, not a list of releases")
    releases = release_entries(document, _shown(url), warnings, what=f"releases page {number}")
    return HostedPage(number, url, answer.etag, answer.next_url, fetched.isoformat(timespec="seconds"),
                      tuple(releases))


def _check_next(repository: str, url: str, pages: list[HostedPage]) -> None:
    """Refuse a list that loops back or never ends, rather than request it for ever."""
    if any(page.url == url for page in pages):
        raise MinerError(f"{repository}: the releases list leads back to a page already read ({_shown(url)})")
    if len(pages) >= MAX_PAGES:
        raise MinerError(f"{repository}: the releases list runs past {MAX_PAGES} pages; not followed further")


def _api_origin(api_url: str) -> str:
    """The origin of the API, the only one contacted; an address that is not http(s) is a one-line error."""
    parts = urlsplit(api_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise MinerError(f"--api-url {_shown(api_url)}: not the http(s) address of a GitHub API")
    return _origin(api_url)


def _origin(url: str) -> str:
    """Scheme, host and port of `url`, as the same-origin rule compares them."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # a port that is no number
        port = 0
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def _host(origin: str) -> str:
    scheme, _, rest = origin.partition("://")
    host, _, port = rest.rpartition(":")
    return host if (scheme, port) in (("https", "443"), ("http", "80")) else rest


def _shown(url: str) -> str:
    """`url` without user information (an `--api-url` may carry some), as messages show it."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    return as_text(parts._replace(netloc=netloc).geturl())


def _message(body: bytes) -> str:
    """The `message` of a JSON error body, on one line and short, or ""."""
    try:
        document = json.loads(body.decode("utf-8", errors="replace"))
    except (json.JSONDecodeError, RecursionError):
        return ""
    said = document.get("message") if isinstance(document, dict) else None
    return " ".join(str(said).split())[:200] if said else ""


def _number(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _clock(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _minutes(epoch: float) -> str:
    minutes = max(0, round((epoch - datetime.now(timezone.utc).timestamp()) / 60))
    return f"{minutes} minute{'s' * (minutes != 1)}"


def _phrase(status: int) -> str:
    try:
        return httpx.codes(status).phrase
    except ValueError:
        return ""


def _reason(error: httpx.RequestError) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _version() -> str:
    try:
        return version("miner")
    except PackageNotFoundError:
        return "dev"
