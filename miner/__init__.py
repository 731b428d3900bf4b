"""miner: mine the git history of software projects into publishable facts.

The Python API, imported on first use so that `import miner` (and `mine --help`) stays cheap:

    from miner import analyze, load, publish
    result = analyze("path/to/repo", db="miner.sqlite", line="rust-v")
    result.tables["releases"]                 # pandas DataFrames, named and shaped like the CSV files
    publish(result, out="reports/x")          # the files `mine analyze` writes
"""
from __future__ import annotations

from importlib import import_module

_API = {"analyze": "miner.pipeline", "load": "miner.pipeline", "mine": "miner.pipeline", "save": "miner.pipeline",
        "resolve": "miner.pipeline", "Options": "miner.pipeline", "Inputs": "miner.pipeline",
        "Analysis": "miner.pipeline", "publish": "miner.outputs.publish"}
__all__ = sorted(_API)


def __getattr__(name: str):
    """The API names, each from its module when first asked for (PEP 562)."""
    if name not in _API:
        raise AttributeError(f"module 'miner' has no attribute {name!r}")
    return getattr(import_module(_API[name]), name)
