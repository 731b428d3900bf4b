"""Rows miner does not write are the analyst's: kept in place and marked, until miner writes them itself."""
from __future__ import annotations

from miner.outputs.regenerate import regenerate


def body(*rows: str, header: str = "| Layer | Crates | Purpose |") -> str:
    rule = "|" + "---|" * header.count(" | ") + "---|"
    return "\n".join([header, rule, *rows])


def section(text: str, name: str = "architecture") -> str:
    return f"<!-- mine:{name} repo=codex -->\n{text}\n<!-- /mine:{name} -->\n"


def regenerated(old: str, new: str, name: str = "architecture") -> str:
    """The body `regenerate` leaves when the section held `old` and miner renders `new`."""
    text = regenerate(section(old, name), lambda *_: new)
    return text.split("\n", 1)[1].rsplit("\n<!-- /mine:", 1)[0]


def test_a_hand_added_row_follows_the_row_it_followed_and_is_marked():
    old = body("| Core | cli | Ours |", "| SDK | (external sdk/ dir) | Python SDK |", "| Server | app-server | Theirs |")
    new = body("| Core | cli, tui | Terminal |", "| Server | app-server | Server |", "| Infra | otel | Utilities |")
    assert regenerated(old, new) == body("| Core | cli, tui | Ours |", "| SDK | (external sdk/ dir) | Python SDK <!-- kept --> |",
                                         "| Server | app-server | Theirs |", "| Infra | otel | Utilities |")


def test_kept_rows_follow_their_row_wherever_miner_puts_it_and_a_first_row_stays_on_top():
    old = body("| K0 | x | first |", "| A | a |  |", "| K1 | x | after A |", "| B | b |  |",
               "| K2 | x | after B |", "| K3 | x | after K2 |")
    new = body("| B | b | B's |", "| A | a | A's |", "| C | c | C's |")
    assert [line.split(" | ")[0][2:] for line in regenerated(old, new).split("\n")[2:]] == \
        ["K0", "B", "K2", "K3", "A", "K1", "C"]


def test_regenerating_again_keeps_the_kept_rows_where_they_are():
    old = body("| Core | cli | Ours |", "| SDK | (external sdk/ dir) | Python SDK |")
    new = body("| Core | cli, tui | Terminal |", "| Server | app-server | Server |")
    once = regenerate(section(old), lambda *_: new)
    assert regenerate(once, lambda *_: new) == once
    assert once.count("<!-- kept -->") == 1


def test_a_kept_row_miner_later_writes_loses_its_mark_and_takes_miners_cells_but_the_analysts_purpose():
    old = body("| Core | cli | Ours |", "| SDK | (external sdk/ dir) | Python SDK for the app-server API <!-- kept --> |")
    new = body("| Core | cli | Terminal |", "| SDK | sdk/python, sdk/typescript | SDK layer |")
    assert regenerated(old, new) == body("| Core | cli | Ours |",
                                         "| SDK | sdk/python, sdk/typescript | Python SDK for the app-server API |")


def test_a_kept_row_is_laid_out_in_the_new_tables_columns():
    header = "| Agent | Releases tracked | Architecture | Extension model |"
    old = body("| Codex CLI | 99 | Client-server | Plugins |", "| Cursor CLI | 40 | CLI | Rules files |", header=header)
    wider = "| Agent | Releases tracked | Extension model | Contributors per release (median) |"
    new = body("| Codex CLI | 100 | Plugins + hooks | 22 |", header=wider)
    assert regenerated(old, new, "agents") == body("| Codex CLI | 100 | Plugins + hooks | 22 |",
                                                   "| Cursor CLI | 40 | Rules files | <!-- kept --> |", header=wider)


def test_what_miner_cannot_know_keeps_the_analysts_figures_and_marks_the_row_until_miner_knows():
    header = "| Agent | Releases tracked | Architecture |"
    old = body("| Factory CLI | 89 | Unknown (closed source) |", header=header)
    blind = body("| Factory CLI | unknown | unknown |", header=header)
    once = regenerated(old, blind, "agents")
    assert once == body("| Factory CLI | 89 | Unknown (closed source) <!-- kept --> |", header=header)
    assert regenerated(once, blind, "agents") == once
    known = body("| Factory CLI | 12 | CLI |", header=header)
    assert regenerated(once, known, "agents") == known


def test_an_unknown_the_analyst_left_unknown_is_no_analysts_cell():
    header = "| Agent | Releases tracked |"
    blind = body("| Factory CLI | unknown |", header=header)
    assert regenerated(blind, blind, "agents") == blind


def test_a_second_row_with_a_key_miner_writes_once_is_kept():
    old = body("| Core | cli | Ours |", "| Core | cli-extra | Our second core row |")
    new = body("| Core | cli, tui | Terminal |")
    assert regenerated(old, new) == body("| Core | cli, tui | Ours |", "| Core | cli-extra | Our second core row <!-- kept --> |")


def test_rows_that_fall_out_of_a_selection_leave_unless_marked():
    header = "| Author | Commits | Focus |"
    old = body("| Ana | 90 | Core |", "| Cy | 12 | Server |", "| Our intern | 3 | Docs <!-- kept --> |",
               "| Dee | 2 | Infra |", header=header)
    new = body("| Ana | 95 | Core |", "| Eve | 14 | Server |", header=header)
    assert regenerated(old, new, "team") == body("| Ana | 95 | Core |", "| Our intern | 3 | Docs <!-- kept --> |",
                                                 "| Eve | 14 | Server |", header=header)
    releases = body("| rust-v0.2.0 | 12 |", "| rust-v0.2.0-alpha.1 | 3 |", header="| tag | commits |")
    assert regenerated(releases, body("| rust-v0.2.0 | 12 |", header="| tag | commits |"), "releases") == \
        body("| rust-v0.2.0 | 12 |", header="| tag | commits |")


def test_a_mark_written_in_any_cell_is_recognised_and_moved_to_the_last():
    header = "| Author | Commits | Focus |"
    old = body("| Our intern <!--kept--> | 3 | Docs |", header=header)
    assert regenerated(old, body("| Ana | 95 | Core |", header=header), "team") == \
        body("| Our intern | 3 | Docs <!-- kept --> |", "| Ana | 95 | Core |", header=header)


def test_escaped_pipes_in_a_kept_row_stay_escaped():
    old = body("| SDK | sdk/python \\| sdk/ts | Python \\| TypeScript |")
    assert regenerated(old, body("| Core | cli | Terminal |")) == body(
        "| SDK | sdk/python \\| sdk/ts | Python \\| TypeScript <!-- kept --> |", "| Core | cli | Terminal |")


def test_tables_are_paired_by_their_first_column_so_a_kept_row_stays_in_its_own_table():
    old = body("| Core | cli | Ours |") + "\n\n" + body("| SDK-only | x |", header="| Capability | Releases |")
    new = body("| Core | cli | Terminal |") + "\n\n" + body("| MCP | 52 |", header="| Capability | Releases |")
    assert regenerated(old, new) == body("| Core | cli | Ours |") + "\n\n" + body(
        "| SDK-only | x <!-- kept --> |", "| MCP | 52 |", header="| Capability | Releases |")


def test_a_renamed_column_keeps_the_kept_rows_cells_in_its_place():
    old = body("| Core | cli | Ours |", "| SDK | (external sdk/ dir) | Python SDK |")
    new = body("| Core | cli, @openai/codex | Terminal |", header="| Layer | Packages | Purpose |")
    assert regenerated(old, new) == body("| Core | cli, @openai/codex | Ours |",
                                         "| SDK | (external sdk/ dir) | Python SDK <!-- kept --> |",
                                         header="| Layer | Packages | Purpose |")
