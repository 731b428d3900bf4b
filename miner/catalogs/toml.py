"""Reading the TOML files a user can copy and change: catalogs, rules and configs.

Layers, capabilities, bots and agents, tracked agents and clone lists are data,
not code.  Each is read here so that every such file fails the same way: one
line naming the file and what is wrong, never a traceback.
"""
from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from miner.errors import MinerError


def read_toml(path: str | Path | None, default: str, what: str) -> tuple[str, str, dict[str, Any]]:
    """(origin, text, data) of the TOML at `path`, or of miner's own `data/<default>` when `path` is None.

    `what` names the kind of file in error messages ("layer rules", "agents config").
    """
    source = Path(path) if path else resources.files("miner").joinpath("data", default)
    try:
        text = source.read_text(encoding="utf-8")
        return str(source), text, tomllib.loads(text)
    except OSError as error:
        raise MinerError(f"{source}: cannot read {what}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise MinerError(f"{source}: {what} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise MinerError(f"{source}: not valid TOML ({what}): {error}") from None
    except RecursionError:  # raised inside tomllib, which reads nested arrays and tables by recursion
        raise MinerError(f"{source}: {what} nests arrays or tables deeper than Python's TOML reader follows") from None


def string_list(table: dict, key: str, label: str) -> list[str]:
    """`table[key]` as a list of strings, [] when absent; a ValueError saying `label` must be one otherwise.

    A ValueError, not a MinerError: the caller knows the file and prefixes it.
    """
    values = table.get(key, [])
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise ValueError(f"{label} must be a list of strings")
    return values
