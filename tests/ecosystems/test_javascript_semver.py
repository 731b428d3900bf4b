"""miner's range tests agree with node's own `semver` (npm's copy) on a thousand generated pairs.

npm links a member when `semver.satisfies(version, range, loose=true)` holds
(`*` and "" always do, `dep-valid.js`); yarn berry when
`new Range(range).test(version)` does, strictly.  miner uses the node-semver
port plus its own check that node would parse the version at all.
"""
from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from miner.ecosystems.npm import _yarn_satisfies
from miner.ecosystems.packagejson import satisfies

ORACLE = """
const semver = require(process.argv[1])
const pairs = JSON.parse(require('fs').readFileSync(0, 'utf8'))
const dep = (v, r) => (r.trim() === '' || r.trim() === '*') ? true : semver.satisfies(v, r, true)
const yarn = (v, r) => new semver.Range(r).test(v)  // berry's Workspace.accepts: validRange(r).test(version)
const test = process.argv[2] === 'yarn' ? yarn : dep
console.log(JSON.stringify(pairs.map(([v, r]) => { try { return test(v, r) } catch (e) { return false } })))
"""
ODD_VERSIONS = ["v1.2.3", "=1.2.3", "1.2", "1", "01.2.3", " 1.2.3", "1.2.3-01", "1.2.3+meta", "1.2.3.4",
                "999999999999999999.0.0", "latest", "", "0.9.0-nightly.20251002.aa8b2abe", "0.9.0-preview.1"]
ODD_RANGES = ["1.2.3 || garbage", "not-a-range", "~>1.2", "^ 1.2.3", "> =1.2", "||", "x", "1.2.3 - 1.2.4-beta",
              "^0.9.0-nightly", ">=0.9.0-preview.0 <0.9.0", "workspace:*", "file:../core", "git+https://x/y"]


def _semver_module() -> str | None:
    local = Path(__file__).resolve().parents[2] / ".ci-tools" / "node_modules" / "semver"
    if local.exists():
        return str(local)
    npm = shutil.which("npm")
    if npm is None:
        return None
    root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, check=False, timeout=60).stdout.strip()
    bundled = Path(root) / "npm" / "node_modules" / "semver"
    return str(bundled) if bundled.exists() else None


def _pairs() -> list[tuple[str, str]]:
    rng = random.Random(13)

    def partial():
        parts = [str(rng.randint(0, 3)) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.3:
            parts[-1] = rng.choice(["x", "*"])
        text = ".".join(parts)
        return text + rng.choice(["-alpha", "-beta.1", "-rc.1", "-0"]) if len(parts) == 3 and rng.random() < 0.2 else text

    def comparator():
        return rng.choice(["", "^", "~", ">", ">=", "<", "<=", "=", "~>", "v", ">= "]) + partial()

    def range_():
        roll = rng.random()
        if roll < 0.2:
            return f"{partial()} - {partial()}"
        if roll < 0.4:
            return " || ".join(comparator() for _ in range(rng.randint(2, 3)))
        return " ".join(comparator() for _ in range(rng.randint(1, 2)))

    def version():
        text = f"{rng.randint(0, 3)}.{rng.randint(0, 3)}.{rng.randint(0, 3)}"
        return text + rng.choice(["", "", "", "-alpha", "-alpha.1", "-rc.1", "-0", "+build.5"])

    generated = [(version(), range_()) for _ in range(1000)]
    return generated + [(v, r) for v in ODD_VERSIONS for r in ODD_RANGES + ["*", "", "^1.2", ">=0.0.0-0"]]


@pytest.mark.parametrize(("oracle", "ours"), [("npm", satisfies), ("yarn", _yarn_satisfies)])
def test_range_tests_agree_with_nodes_semver(oracle, ours):
    module, node = _semver_module(), shutil.which("node")
    if module is None or node is None:
        pytest.skip("node or its semver module is not installed")
    pairs = _pairs()
    result = subprocess.run([node, "-e", ORACLE, module, oracle], input=json.dumps(pairs), capture_output=True,
                            text=True, check=True, timeout=120)
    expected = json.loads(result.stdout)
    disagreements = [(v, r, want) for (v, r), want in zip(pairs, expected) if ours(v, r) != want]
    assert disagreements == []
