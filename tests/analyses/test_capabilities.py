"""The capability catalog: loading, matching with exclusions, the lines it quotes, and evolution over releases."""
from __future__ import annotations

import pytest

from miner.analyses.capabilities import (
    SUMMARY_COLUMNS,
    ReleaseText,
    cached_mentions,
    evolution,
    mentions,
    quotable_lines,
    quoted,
)
from miner.catalogs.capabilities import load_catalog
from miner.errors import MinerError
from tests.conftest import CountingCache

# (capability, a realistic line that mentions it, a realistic line that must not count)
EXAMPLES = [
    ("MCP", "- Fixed remote MCP servers staying failed after a transient 5xx",
     "- Improved compaction of long transcripts (mcpx-style batching removed)"),
    ("Sandbox", "- Linux sandbox now uses landlock and seccomp for unix-socket blocking",
     "- Fixed the spinner flickering in tmux"),
    ("App-server", "- Split codex mcp-server into mcp-server and app-server (#4471)",
     "- Fixed the web app showing a stale server error banner"),
    ("WebSocket", "- App-server gains a WebSocket transport (#9001)",
     "- Fixed sockets leaking in the HTTP proxy"),
    ("Hooks", "- Added `PermissionDenied` hook that fires after auto mode classifier denials",
     "- Refactored React useEffect hooks in the footer component"),
    ("Realtime/audio", "- Realtime conversations now stream audio from the microphone",
     "- Realtime progress updates for long-running tool calls"),
    ("Plugins", "- `/plugin` installed-plugin details now show hook event names",
     "- Removed the JetBrains plugin install suggestion from startup"),
    ("Python SDK", "- Released Python SDK: pip install claude-code-sdk to get started",
     "- Fixed SDK session history loss on resume"),
    ("Extensions", "- `gemini extensions install <url or path>`",
     "- Installing the Chrome extension now opens the browser"),
    ("Slash commands", "- Custom slash commands: prompts kept in .claude/commands/ are now commands",
     "- Fixed Enter running slash commands twice"),
    ("Skills", "- Added `${CLAUDE_SKILL_DIR}` variable for skills to reference their own directory in SKILL.md",
     "- Fixed a crash when the skill level indicator was shown"),
    ("Subagents", "- Fixed WebSearch returning empty results in subagents",
     "- Fixed background agent sessions not resuming"),
    ("Memory", "- Claude automatically saves useful context to auto-memory. Manage with /memory",
     "- Fixed a memory leak where truncated MCP tool outputs kept the full result in memory"),
    ("Marketplace", "- Plugin marketplace add/update now respects `CLAUDE_CODE_PLUGIN_PREFER_HTTPS`",
     "- The extension is now published on the VS Code Marketplace"),
    ("IDE integration", "- [VSCode] Added native plugin management support",
     "- Fixed the identity federation token being refreshed too often"),
    ("Voice", "- Fixed voice dictation auto-submit never firing for languages without spaces",
     "- Fixed VoiceOver reading \"new line\" instead of echoing the typed space"),
    ("Web search", "- Vertex: add support for Web Search on supported models",
     "- Improved search in the resume picker"),
    ("Checkpoints", "- `/undo` is now an alias for `/rewind`",
     "- Fixed SQLite WAL checkpoint stalls in the session store"),
]

# Lines of other projects that named a capability's word for something else (tokio, Roo-Code).
NOT_THE_CAPABILITY = [
    ("Realtime/audio", "signal: add support for realtime signals on illumos (#7029)"),
    ("Checkpoints", "io: add convenience method AsyncSeekExt::rewind. (#4107)"),
    ("Marketplace", "Allow Amazon Bedrock Marketplace ARNs (thanks @mlopezr!)"),
    ("Sandbox", "Fix: Add --no-sandbox flag to browser launch options (#6632)"),
]
# Lines that name the capability although they hold a word one of its exclusions is about.
STILL_THE_CAPABILITY = [
    ("Checkpoints", "Checkpoints: rewind files and conversation to any earlier prompt"),
    ("Checkpoints", "/rewind now can rewind file edits made by Bash"),
    ("Sandbox", "Fix --no-sandbox flag not disabling the sandbox"),
]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_default_catalog_holds_the_report_capabilities_in_order(catalog):
    names = [c.name for c in catalog]
    assert names[:8] == ["MCP", "Sandbox", "App-server", "WebSocket", "Hooks", "Realtime/audio", "Plugins", "Python SDK"]
    assert set(names[8:]) == {"Extensions", "Slash commands", "Skills", "Subagents", "Memory", "Marketplace",
                              "IDE integration", "Voice", "Web search", "Checkpoints"}
    assert {name for name, _, _ in EXAMPLES} == set(names)


@pytest.mark.parametrize(("name", "positive", "negative"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_each_capability_matches_its_positive_line_and_rejects_its_negative(catalog, name, positive, negative):
    assert mentions(catalog, positive).get(name) == positive.strip()
    assert name not in mentions(catalog, negative)


@pytest.mark.parametrize(
    ("name", "line"),
    [("Hooks", "- Added `disableAllHooks` setting"), ("Subagents", "- Fixed `CLAUDE_CODE_SUBAGENT_MODEL` for teammates"),
     ("Plugins", "- Added support for reading `enabledPlugins` from `--add-dir` directories"),
     ("Extensions", "- Add excludedTools to extensions (#90)"),
     ("Extensions", "- [extensions] Add a list command (#91)"),
     ("Extensions", "- feat: themes for extensions (#92)")],
)
def test_identifiers_and_gemini_extensions_count(catalog, name, line):
    assert name in mentions(catalog, line)


def test_gemini_extensions_are_extensions_not_plugins_and_an_editor_extension_is_neither(catalog):
    assert set(mentions(catalog, "- **Gemini CLI extensions** are here")) == {"Extensions"}
    assert set(mentions(catalog, "- Fixed `/ide` hanging while installing the extension")) == {"IDE integration"}
    assert set(mentions(catalog, "- Add a VSCode companion extension (#93)")) == {"IDE integration"}
    assert "Extensions" not in mentions(catalog, "- Rename the agent in distribution/zed/extension.toml")


@pytest.mark.parametrize(
    "line",
    ["- install an extension for TOML syntax highlighting in the devcontainer",
     "- Add a VS Code Extension issue template",
     "- Add LICENCE symlink in distribution/zed for compatibility with zed extension release process"],
)
def test_the_false_positives_reported_in_issue_12_mention_nothing(catalog, line):
    assert mentions(catalog, line) == {}


@pytest.mark.parametrize(
    "line",
    ["- Manually fix hooks and utils linting errors (partial)",
     "- Refactor: Memoize hook callbacks, update dependencies, and fix lint errors (#268)",
     "- feat: create tool scheduler hook (#468)",
     "- Update packages/cli/src/ui/hooks/slashCommandProcessor.ts"],
)
def test_react_hooks_of_gemini_cli_s_first_release_are_not_hooks(catalog, line):
    """gemini-cli's whole-history first release (v0.1.6) named its UI's React hooks; its Hooks came later."""
    assert "Hooks" not in mentions(catalog, line)


@pytest.mark.parametrize(
    ("name", "line"),
    [("Hooks", "- Hooks: a PreToolUse hook can now block a tool call"),
     ("Hooks", "- Added hook scripts in ~/.claude/hooks/ run on SessionStart"),
     ("Extensions", "- Install an extension from a local folder"),
     ("IDE integration", "- Added a VS Code extension setting for the chat font size"),
     ("IDE integration", "- Rename the agent in distribution/zed/extension.toml")],
)
def test_the_same_words_about_the_agent_itself_still_count(catalog, name, line):
    assert name in mentions(catalog, line)


@pytest.mark.parametrize(
    "line",
    ["- New --mcp-debug flag", "- deny rules now accept non-MCP tool globs",
     "- `/mcp` now shows the tool count", "- Added `.mcp.json` support", "- [MCP docs](https://x.io/mcp) added"],
)
def test_mcp_outside_a_url_counts(catalog, line):
    assert "MCP" in mentions(catalog, line)


@pytest.mark.parametrize(
    ("name", "line"),
    [("Memory", "- Reduced startup memory usage by ~7 MB"), ("Memory", "- Fixed a crash (out-of-memory) on huge files"),
     ("Hooks", "- Fixed webhook trigger deliveries being treated as keyboard input"),
     ("Hooks", "- feat: introduce useRewindLogic hook for history navigation"),
     ("Hooks", "- Run pre-commit hooks in CI"), ("Python SDK", "- Fixed Python scripts under the PowerShell tool"),
     ("Voice", "- Fixed plugin output styles drifting back to the default voice"),
     ("Extensions", "- Fixed MCP tools saving files with the wrong file extension"),
     # the shapes of lines judged false in benchmarks/capability_verdicts_before.csv (words changed)
     ("Checkpoints", "- feat(models): Update checkpoint (#412)"),
     ("Hooks", "- Set the proxy header through an SDK hook"),
     ("Hooks", "- fix: add a theme settings hook with tests (#77)"),
     ("Hooks", "- Refactor Login Components and Hooks (#78)"),
     ("Python SDK", "- Bump the Mistral Python SDK to 1.9 for streaming fixes"),
     ("Realtime/audio", "- feat: audio and video input for the file reader (#79)"),
     ("Realtime/audio", "- **Tunes:** list and play your audio tracks from the new extension"),
     ("MCP", "- **Cache:** `gemini extensions install https://github.com/acme/mcp-cache`"),
     ("Web search", "- Refreshed the bundled `claude-api` skill for Managed Agents: web search settings"),
     ("Memory", "- Refreshed the bundled `claude-api` skill: Managed Agents memory stores")],
)
def test_same_words_used_for_something_else_do_not_count(catalog, name, line):
    assert name not in mentions(catalog, line)


@pytest.mark.parametrize(
    "line",
    ["- Move through menus with vim-style keys (j/k) or emacs shortcuts (Ctrl+n/p)",
     "- Fixed garbled glyphs in the VS Code integrated terminal",
     "- Fixed scroll speed in Cursor and VS Code terminals",
     "- chore: address vscode lint warnings in the cli package (#18704)",
     "- Added Sublime Text and Emacs Client as external editors for Ctrl+G",
     "- Added external editor support (Ctrl+G) in the question dialog",
     "- Fixed IME (Input Method Editor) candidate window placement",
     "- Installing the Chrome extension now opens the browser",
     "- Fixed writes to `.vscode/` needing a prompt"],
)
def test_editor_names_without_an_integration_are_not_ide_integration(catalog, line):
    assert "IDE integration" not in mentions(catalog, line)


@pytest.mark.parametrize(
    "line",
    ["- IDE: Added `CLAUDE_CODE_AUTO_CONNECT_IDE=false` to stop connecting to the IDE",
     "- [IDE] Fixed the sidebar not appearing on start",
     "- VSCode Extension: Added a setting for the initial permission mode",
     "- VS Code: Fixed the config file being read from the wrong place",
     "- New native VS Code extension",
     "- Improved IDE extension path handling under WSL",
     "- Fixes for IDE detection under WSL",
     "- Disabled IDE diffs for notebooks",
     "- Fixed `/ide` crashing while auto-installing the extension",
     "- Background sessions keep `--ide` across restarts",
     "- Removed the JetBrains plugin install suggestion from startup",
     "- fix(ide): write the auth token to an env var (#14999)",
     "- fix(zed-integration): handle cancellation errors (#13399)",
     "- We published a spec for building your own IDE plugin",
     "- feat(acp): support tool rendering in ACP compliant IDEs (#26676)"],
)
def test_integration_contexts_are_ide_integration(catalog, line):
    assert "IDE integration" in mentions(catalog, line)


@pytest.mark.parametrize(
    "line",
    ["- Tools returning PDFs, documents, or audio now save the bytes to disk",
     "- fix(audio): improve reading of audio files (#14658)",
     "- fix: check audio/video MIME types against the content (#16907)",
     "- Improved audio MIME normalisation in file reads"],
)
def test_audio_as_file_content_is_not_realtime_audio(catalog, line):
    assert "Realtime/audio" not in mentions(catalog, line)
    assert "Realtime/audio" in mentions(catalog, "- Voice mode audio now recovers after a dropped connection")


def test_wrapped_list_items_are_read_as_one_line(catalog):
    text = "## Highlights\n\n- **Voice:** added a push-to-\n  talk model context\n  protocol bridge\n- Other\n"
    found = mentions(catalog, text)
    assert found["MCP"] == "- **Voice:** added a push-to- talk model context protocol bridge"
    assert mentions(catalog, None) == {}


def test_the_evidence_is_the_sentence_of_a_paragraph_and_the_whole_list_item(catalog):
    message = ("This release brings a sandbox for shell commands on Linux and\nmacOS. Hooks now run before every "
               "tool call, e.g. Bash. See the docs!\n\n- Skills load from SKILL.md files. They can also ship\n"
               "  scripts.\n")
    found = mentions(catalog, message)
    assert found["Sandbox"] == "This release brings a sandbox for shell commands on Linux and macOS."
    assert found["Hooks"] == "Hooks now run before every tool call, e.g. Bash."
    assert found["Skills"] == "- Skills load from SKILL.md files. They can also ship scripts."


def test_quotable_lines_split_paragraphs_at_sentence_ends_only():
    text = ("# Release 2.0\n\nFirst sentence. Second one? Third (J. Doe, v2.1) ends here.\n"
            "Wrapped `code`. \"Quoted\" start.\n| a | b |\n> A quote. Stays whole.\n\n1. Item one. Still one\n")
    assert quotable_lines(text) == [
        "# Release 2.0", "First sentence.", "Second one?", "Third (J. Doe, v2.1) ends here.", "Wrapped `code`.",
        '"Quoted" start.', "| a | b |", "> A quote. Stays whole.", "1. Item one. Still one"]


def test_link_reference_definitions_are_no_evidence():
    """`[vscode]: https://...` is not shown by the rendered notes; inside a paragraph it is its text."""
    catalog = load_catalog()
    text = "Fixes.\n\n[vscode]: https://marketplace.visualstudio.com/items?itemName=x.ide-companion\n  [IDE]: /docs/ide.md\n"
    assert quotable_lines(text) == ["Fixes."]
    assert "IDE integration" not in mentions(catalog, text)
    assert quotable_lines("See the notes\n[IDE]: here") == ["See the notes [IDE]: here"]


def test_a_quote_has_no_bullet_or_emphasis_and_fits_its_width():
    assert quoted("- **Plugin System Released**: `/plugin` install", 90) == "Plugin System Released: /plugin install"
    assert quoted("- " + "x" * 100, 20) == "x" * 17 + "..."
    assert quoted(None, 10) == ""


def test_a_user_catalog_replaces_the_default(tmp_path):
    path = tmp_path / "caps.toml"
    path.write_text("[[capability]]\nname = 'Teleport'\npatterns = ['\\bteleport']\nexclude = ['teleportation']\n")
    (capability,) = load_catalog(path)
    assert capability.name == "Teleport"
    assert mentions([capability], "TELEPORT sessions to the web") == {"Teleport": "TELEPORT sessions to the web"}
    assert mentions([capability], "teleportation physics") == {}


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [("^teleport$", "Fixes:\n\nteleport\n\nother", "teleport"),  # anchored to a line in the middle of notes
     ("\\Ateleport", "Fixes:\n\nteleport", "teleport"),  # anchored to the text: the line alone is read
     ("(?-m:^)teleport", "Fixes:\n\nteleport", "teleport"),  # a flag group turning line anchors off
     ("^teleport\\z", "Fixes:\n\nteleport", "teleport")],
)
def test_patterns_anchored_to_a_line_or_to_the_text_match_each_line_as_alone(tmp_path, pattern, text, expected):
    """The whole-text screen of `mentions` must not hide a line that matches alone (see `Capability.may_match`)."""
    path = tmp_path / "caps.toml"
    path.write_text(f"[[capability]]\nname = 'Teleport'\npatterns = ['{pattern}']\n")
    assert mentions(load_catalog(path), text) == {"Teleport": expected}


@pytest.mark.parametrize(
    ("content", "message"),
    [("[[capability]\nname='x'", "not valid TOML (capabilities catalog)"),
     ("title = 'no capabilities'", "no [[capability]] entries"),
     ("[[capability]]\npatterns = ['x']", "has no name"),
     ("[[capability]]\nname = 'X'\npatterns = []", "has no patterns"),
     ("[[capability]]\nname = 'X'\npatterns = 'x'", "must be a list of strings"),
     ("[[capability]]\nname = 'X'\npatterns = ['(unclosed']", "bad regular expression '(unclosed'"),
     ("[[capability]]\nname = 'X'\npatterns = ['x']\n[[capability]]\nname = 'X'\npatterns = ['y']", "defined twice")],
)
def test_bad_catalogs_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "caps.toml"
    path.write_text(content)
    with pytest.raises(MinerError) as error:
        load_catalog(path)
    assert message in str(error.value) and str(path) in str(error.value)
    assert "\n" not in str(error.value)


def test_missing_catalog_file_is_an_error(tmp_path):
    with pytest.raises(MinerError, match="cannot read capabilities catalog"):
        load_catalog(tmp_path / "absent.toml")


RELEASES = [
    ("rust-v0.43.0", "0.43.0", "2025-10-01", True, "- Fixed a crash (#1)", "commits"),
    ("rust-v0.44.0-alpha.1", "0.44.0-alpha.1", "2025-10-02", False, "- New app-server (#4471)", "commits"),
    ("rust-v0.44.0", "0.44.0", "2025-10-05", True, "- Split mcp-server and app-server (#4471)", "commits"),
    ("", "0.45.0", None, True, "## New Features\n- App-server WebSocket transport\n- MCP OAuth", "changelog"),
    ReleaseText("rust-v0.46.0", "0.46.0", "2025-10-20", True, None, None),
]


def test_evolution_counts_stable_releases_and_finds_first_mentions(catalog):
    summary, matrix = evolution(catalog, RELEASES)
    assert list(summary.columns) == SUMMARY_COLUMNS
    rows = summary.set_index("capability")
    assert rows.loc["App-server"].tolist() == ["rust-v0.44.0", "tag", False, "2025-10-05", 2, "commits",
                                               "- Split mcp-server and app-server (#4471)"]
    assert rows.loc["MCP"].tolist()[:6] == ["rust-v0.44.0", "tag", False, "2025-10-05", 2, "commits"]
    assert rows.loc["WebSocket"].tolist() == ["0.45.0", "untagged", False, None, 1, "changelog",
                                              "- App-server WebSocket transport"]
    assert rows.loc["Hooks"].tolist() == [None, None, False, None, 0, None, None]
    assert list(matrix.index) == ["rust-v0.43.0", "rust-v0.44.0", "0.45.0", "rust-v0.46.0"]
    assert matrix["App-server"].tolist() == [False, True, True, False]
    assert matrix.dtypes.eq(bool).all()


def test_evolution_can_count_prereleases_too(catalog):
    summary, matrix = evolution(catalog, RELEASES, count_all=True)
    rows = summary.set_index("capability")
    assert rows.loc["App-server", "first_release"] == "rust-v0.44.0-alpha.1"
    assert rows.loc["App-server", "releases_mentioning"] == 3
    assert len(matrix) == 5


def test_the_summary_is_in_order_of_first_appearance_then_catalog_order(catalog):
    releases = [("v0.43.0", "0.43.0", "2025-10-01", True, "- Hooks for every tool", "changelog"),
                ("v0.105.0", "0.105.0", "2026-02-01", True, "- MCP servers and a sandbox", "changelog")]
    summary, _ = evolution(catalog, releases)
    names = [c.name for c in catalog]
    assert summary["capability"].tolist()[:3] == ["Hooks", "MCP", "Sandbox"]
    assert summary["capability"].tolist()[3:] == [n for n in names if n not in ("Hooks", "MCP", "Sandbox")]


def test_only_the_first_release_counted_is_whole_history(catalog):
    first = ReleaseText("v1.0.0", "1.0.0", "2025-01-01", True, "- Sandbox for shell commands", "commits", True)
    later = ReleaseText("v1.1.0", "1.1.0", "2025-02-01", True, "- Hooks", "commits", False)
    rows = evolution(catalog, [first, later])[0].set_index("capability")
    assert rows.loc["Sandbox", "whole_history"] and not rows.loc["Hooks", "whole_history"]
    earlier = ReleaseText("", "0.9.0", "2024-12-01", True, "- Fixed a crash", "changelog")
    rows = evolution(catalog, [earlier, first, later])[0].set_index("capability")
    assert rows.loc["Sandbox", "first_release"] == "v1.0.0" and not rows.loc["Sandbox", "whole_history"]


def test_cached_mentions_equal_mentions_and_are_computed_once_per_text_and_catalog(catalog):
    texts = [example[1] for example in EXAMPLES] + [None, "", EXAMPLES[0][1]]
    cache = CountingCache()
    assert cached_mentions(catalog, texts, cache) == [mentions(catalog, text) for text in texts]
    assert cache.puts == len(EXAMPLES) + 1  # None and "" are one text; the repeated line is a hit
    cached_mentions(catalog, texts, cache)
    assert cache.puts == len(EXAMPLES) + 1
    fewer = [c for c in catalog if c.name != "MCP"]
    assert cached_mentions(fewer, texts[:1], cache) == [mentions(fewer, texts[0])]
    assert cache.puts == len(EXAMPLES) + 2


@pytest.mark.parametrize(("name", "line"), NOT_THE_CAPABILITY, ids=[e[0] for e in NOT_THE_CAPABILITY])
def test_a_word_naming_something_else_is_no_mention(catalog, name, line):
    assert name not in mentions(catalog, line)


@pytest.mark.parametrize(("name", "line"), STILL_THE_CAPABILITY, ids=[e[1][:20] for e in STILL_THE_CAPABILITY])
def test_an_exclusion_leaves_the_capability_named_in_its_own_words(catalog, name, line):
    assert name in mentions(catalog, line)
