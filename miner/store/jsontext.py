"""JSON text of the cache entries, made and read with orjson, several times faster than `json`.

A cold `mine analyze` puts one entry per changed directory, manifest and
blob it reads (gemini-cli's 609 releases: 35,000), and an update reads them
back: `json`'s encoder, set up again for every small value, was a tenth of
the architecture pass; orjson's is a fortieth.  Two values orjson cannot
keep are handled apart: an integer beyond 64 bits, which it will not write,
is written by `json` behind a leading space (JSON allows it) so that it is
read back by `json` too, since orjson would read it as a float; NaN and the
infinities, which JSON has no words for, orjson writes as null, as a browser
writes them.  An entry reads back the same whichever run made it.
"""
from __future__ import annotations

import json
from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS  # integer keys become text, as json makes them
_BY_JSON = " "
_BY_JSON_STARTS = (_BY_JSON, _BY_JSON.encode())  # as text, and as the bytes a deflated entry inflates to


def dumps(value: Any) -> str:
    """`value` as compact JSON text."""
    try:
        return orjson.dumps(value, option=_OPTIONS).decode()
    except TypeError:  # an integer beyond 64 bits, or a type neither encodes (then json says which)
        return _BY_JSON + json.dumps(value, separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    """The value of text `dumps` wrote, or `json.dumps` (the store's entries of earlier versions)."""
    if text[:1] in _BY_JSON_STARTS:
        return json.loads(text)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN or Infinity, which json.dumps wrote
        return json.loads(text)
