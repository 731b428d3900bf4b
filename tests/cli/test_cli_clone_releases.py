"""`mine clone --releases` against a fake GitHub API on 127.0.0.1, and `mine analyze` reading what it stored.

The first and the token's tests run `mine` as a user does, in a process of its
own; the others call the same `main()` in this process, which is much cheaper.
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

from fixtures.github_api import Reply, rate_limited, refused
from miner.pipeline import analyze
from miner.store.sqlite import Store
from tests.cli.test_cli_analyze import assert_one_line_error

MINE = [sys.executable, "-c", "from miner.cli import main; main()"]
TOKEN = "ghp_NeverShownAnywhere0123456789abcdef"
NOTE = "note: no GH_TOKEN or GITHUB_TOKEN set: GitHub allows 60 unauthenticated requests an hour"
LACKS = "hosted release names tag 'rust-v9.9.9', which the repository lacks"


def process(*args, cwd, token: str | None = None) -> subprocess.CompletedProcess:
    """`mine` as a user runs it, without the machine's own tokens or proxies."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GH_TOKEN", "GITHUB_TOKEN") and not k.lower().endswith("_proxy")}
    if token is not None:
        env["GITHUB_TOKEN"] = token
    return subprocess.run([*MINE, *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env)


def mirror(miner_home):
    return miner_home / "repos" / "openai+codex"


def notes(result) -> dict[str, tuple[str, str]]:
    table = result.tables["notes"].fillna("")
    return {row.release: (row.source, row.text) for row in table.itertuples()}


def analysed(miner_home, **options):
    """The analysis of the clone, in this process, and the progress it reported."""
    said = []
    result = analyze(str(mirror(miner_home)), db=miner_home / "miner.sqlite", progress=said.append, **options)
    return result, said


def test_clone_stores_the_releases_and_analyze_reads_their_notes(upstream, api, tmp_path, miner_home):
    done = process("clone", upstream, "--releases", "--api-url", api.url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"cloned\tcodex\t{mirror(miner_home)}",
                                        "releases\tcodex\t4 releases on 1 page (1 request)"]
    assert done.stderr.count(NOTE) == 1
    assert api.requests[0].path == "/repos/openai/codex/releases?per_page=100"
    result = process("analyze", "codex", "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert LACKS in result.stderr
    found = notes(analysed(miner_home)[0])
    assert found["rust-v0.8.0"] == ("hosted", "## Highlights\n- Lifecycle hooks from the releases page (#4471)")
    assert found["rust-v0.7.0-beta.1"] == ("hosted", "beta notes from the releases page")
    assert found["rust-v0.6.0"][0] != "hosted"
    assert "hosted" in (tmp_path / "out" / "notes.csv").read_text()


def test_a_release_whose_tag_the_repository_lacks_is_a_warning(upstream, api, mine, miner_home):
    assert mine("clone", upstream, "--releases", "--api-url", api.url).returncode == 0
    lacking = [w for w in analysed(miner_home)[0].warnings if "lacks" in w.message]
    assert [(w.message, w.tag, w.path) for w in lacking] == [
        (LACKS, "rust-v9.9.9", f"{api.url}/repos/openai/codex/releases?per_page=100")]  # a draft is no release


def test_an_unchanged_list_costs_one_request_and_is_not_mined_again(upstream, api, mine, miner_home):
    assert mine("clone", upstream, "--releases", "--api-url", api.url).returncode == 0
    analysed(miner_home)
    api.requests.clear()
    again = mine("clone", upstream, "--releases", "--api-url", api.url)
    assert again.returncode == 0, again.stderr
    last = again.stdout.splitlines()[-1]
    assert last.startswith("releases\tcodex\t4 releases, unchanged since 20") and last.endswith("(1 request)")
    (seen,) = api.requests
    assert seen.headers["if-none-match"] == api.etag(1)
    assert "codex: unchanged since the last analysis" in analysed(miner_home)[1]


def test_changed_notes_are_mined_again(upstream, api, mine, miner_home):
    assert mine("clone", upstream, "--releases", "--api-url", api.url).returncode == 0
    analysed(miner_home)
    api.releases[2]["body"] = "## Highlights\n- Sandbox for every platform"
    assert "4 releases on 1 page (1 request)" in mine("clone", upstream, "--releases", "--api-url", api.url).stdout
    result, said = analysed(miner_home)
    assert "codex: unchanged since the last analysis" not in said
    assert notes(result)["rust-v0.8.0"] == ("hosted", "## Highlights\n- Sandbox for every platform")


def test_a_releases_export_wins_over_the_stored_releases(upstream, api, mine, miner_home, tmp_path):
    assert mine("clone", upstream, "--releases", "--api-url", api.url).returncode == 0
    export = tmp_path / "releases.json"
    export.write_text(json.dumps([{"tagName": "rust-v0.8.0", "body": "from the export"}]))
    found = notes(analysed(miner_home, hosted=str(export))[0])
    assert found["rust-v0.8.0"] == ("hosted", "from the export")
    assert found["rust-v0.7.0"][0] != "hosted"


def test_a_notes_order_without_hosted_reads_none(upstream, api, mine, miner_home):
    assert mine("clone", upstream, "--releases", "--api-url", api.url).returncode == 0
    result = analysed(miner_home, notes_order=("changelog", "tag-message", "release-commit", "commits"))[0]
    assert "hosted" not in {source for source, _ in notes(result).values()}
    assert not [w for w in result.warnings if "lacks" in w.message]


def test_as_of_a_date_the_releases_published_later_do_not_count(upstream, api, mine, miner_home):
    api.releases[4]["published_at"] = "2025-09-20T12:00:00Z"  # rust-v0.7.0, tagged on 2025-09-03
    assert mine("clone", upstream, "--releases", "--api-url", api.url).returncode == 0
    assert notes(analysed(miner_home, as_of="2025-09-10")[0])["rust-v0.7.0"][0] != "hosted"
    assert notes(analysed(miner_home, as_of="2025-09-20")[0])["rust-v0.7.0"] == ("hosted", "0.7.0 notes from the "
                                                                                 "releases page")


def test_the_token_is_sent_and_never_shown_or_stored(upstream, api, tmp_path, miner_home):
    def clone():
        return process("clone", upstream, "--releases", "--api-url", api.url, cwd=tmp_path, token=TOKEN)

    outputs = [clone(), process("analyze", "codex", "-v", cwd=tmp_path, token=TOKEN), clone()]
    api.script(refused(401, "Bad credentials"))
    outputs.append(clone())
    assert [done.returncode for done in outputs] == [0, 0, 0, 1]
    assert "the token in GITHUB_TOKEN (401 Bad credentials)" in outputs[-1].stderr
    assert {seen.headers["authorization"] for seen in api.requests} == {f"Bearer {TOKEN}"}
    for done in outputs:
        assert TOKEN not in done.stdout and TOKEN not in done.stderr
        assert NOTE not in done.stderr
    db = sqlite3.connect(miner_home / "miner.sqlite")
    etags = db.execute("SELECT etag, url, next_url, repository FROM hosted_fetch").fetchall()
    db.close()
    assert etags and all(TOKEN not in str(row) for row in etags)
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert {"miner.sqlite", "notes.csv", "config"} <= {path.name for path in written}
    assert [path for path in written if TOKEN.encode() in path.read_bytes()] == []


def test_one_repository_failing_leaves_the_others_fetched(upstream, api, mine, tmp_path):
    other = tmp_path / "upstream" / "openai" / "absent.git"
    subprocess.run(["git", "clone", "--bare", "--quiet", str(upstream), str(other)], check=True)
    done = mine("clone", other, upstream, "--releases", "--api-url", api.url)
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == "releases\tcodex\t4 releases on 1 page (1 request)"
    errors = [line for line in done.stderr.splitlines() if line.startswith("mine: error:")]
    assert errors == [f"mine: error: openai/absent: no such repository on {api.url.removeprefix('http://')}, "
                      "or it is private: set GH_TOKEN or GITHUB_TOKEN"]
    assert done.stderr.count("unauthenticated") == 1  # said once, for all the repositories


def test_a_rate_limit_is_one_line_and_keeps_what_was_stored(upstream, api, mine, miner_home):
    assert mine("clone", upstream, "--releases", "--api-url", api.url).returncode == 0
    api.releases[2]["body"] = "changed meanwhile"
    api.script(rate_limited(403, reset=1_900_000_000))
    assert_one_line_error(mine("clone", upstream, "--releases", "--api-url", api.url), "openai/codex",
                          "rate limit of 60 requests an hour used up", "resets at 2030-03-17 17:46:40 UTC")
    assert notes(analysed(miner_home)[0])["rust-v0.8.0"][1].startswith("## Highlights")


def test_a_secondary_rate_limit_says_how_long_to_wait(upstream, api, mine):
    api.script(Reply(429, {"message": "You have exceeded a secondary rate limit."}, {"Retry-After": "120"}))
    done = mine("clone", upstream, "--releases", "--api-url", api.url)
    assert_one_line_error(done, "openai/codex", "secondary rate limit hit; wait 120 s")
    assert len(api.requests) == 1


def test_a_server_error_is_tried_again(upstream, api, mine):
    api.script(Reply(500, {"message": "Server Error"}))
    done = mine("clone", upstream, "--releases", "--api-url", api.url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "releases\tcodex\t4 releases on 1 page (2 requests)"


def test_a_malformed_answer_is_one_line_and_keeps_what_was_stored(upstream, api, mine, miner_home):
    assert mine("clone", upstream, "--releases", "--api-url", api.url).returncode == 0
    with Store(miner_home / "miner.sqlite") as store:
        before = store.hosted(mirror(miner_home))
    api.script(Reply(200, "<html>Unicorn!</html>"))
    assert_one_line_error(mine("clone", upstream, "--releases", "--api-url", api.url),
                          "openai/codex: page 1 of the releases", "is not JSON")
    with Store(miner_home / "miner.sqlite") as store:
        assert before is not None and store.hosted(mirror(miner_home)) == before


def test_a_source_not_on_github_is_not_asked_without_an_api_url(upstream, mine):
    done = mine("clone", upstream, "--releases")
    assert done.stdout.startswith("cloned\tcodex\t")
    assert_one_line_error(done, str(upstream), "not on github.com", "--api-url")


def test_api_url_without_releases_is_refused(upstream, mine):
    assert_one_line_error(mine("clone", upstream, "--api-url", "http://127.0.0.1:9"), "--releases")
