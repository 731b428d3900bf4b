"""The `mine` command: a re-run of `mine analyze REPO -q` with nothing new is answered here, from its record
(`miner.rerun.answer`), before click and the command line are imported; anything else goes to `miner.cli`."""
from __future__ import annotations

import sys


def main() -> None:
    from miner.rerun import answer
    if not answer(sys.argv[1:]):
        from miner.cli import main as command_line
        command_line()
