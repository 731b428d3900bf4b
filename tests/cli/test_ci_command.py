"""`.ci/run` runs exactly the test command the README gives, oracle installs included."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"Install and run the tests.*?```sh\n(.*?)\n```", readme, re.S)
    assert block is not None
    command = block.group(1).strip()
    assert "'.[test,oracles]'" in command and "--prefix .ci-tools" in command and "pytest -q" in command
    lines = [line for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    assert command in lines
