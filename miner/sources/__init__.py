"""Reading the outside world: git objects, history, tags, clones and release notes."""

API_URL = "https://api.github.com"
"""The GitHub REST API that hosted releases are fetched from unless `--api-url` names another (here, not
in `sources.github` or `sources.hosted`, so that the command line names it without importing httpx or
the notes' patterns)."""
