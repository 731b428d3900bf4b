"""`mine regenerate` on reports that start with a byte-order mark."""
from __future__ import annotations

from miner.outputs.regenerate import regenerate_file


def test_a_fence_opening_the_file_after_a_byte_order_mark_still_hides_marker_examples(tmp_path):
    """Found by hypothesis (the regenerate property): after a BOM the first line's fence was not seen, so the
    marker example inside it was taken for a marker ("closing marker without an opening marker")."""
    path = tmp_path / "report.md"
    example = "\ufeff```\n<!-- /mine:cadence -->\n```\n"
    path.write_bytes((example + "<!-- mine:cadence repo=codex -->\nold\n<!-- /mine:cadence -->\n").encode())
    assert regenerate_file(path, lambda name, repo, old: "new").changed
    assert path.read_bytes().decode() == example + "<!-- mine:cadence repo=codex -->\nnew\n<!-- /mine:cadence -->\n"
