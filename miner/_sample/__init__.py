"""The offline sample: deterministic repositories shaped like Codex and ripgrep, built with pygit2.

Private: the README's first command builds them (`python -m miner._sample DIR`)
so a fresh machine shows miner's real output without network access, and the
tests build their fixtures with the same builder.  Not part of miner's API.
"""
