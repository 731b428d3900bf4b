"""Python imports: every statement form, relative imports kept with their dots, imports anywhere in the file."""
from __future__ import annotations

from miner.sources.imports import parse


def test_every_import_form():
    source = (
        "import os, sys as system\n"
        "import a.b.c\n"
        "from . import sibling\n"
        "from ..pkg.mod import x, y as z\n"
        "from typing import (List,\n    Dict)\n"
        "from .x import *\n"
        "from __future__ import annotations\n"
        "def f():\n    import lazy_mod\n"
        "try:\n    import ujson as json\nexcept ImportError:\n    import json\n"
        "if TYPE_CHECKING:\n    from pkg.types import T\n"
    )
    found = [(i.target, i.line, i.kind, i.names) for i in parse("python", source.encode()).imports]
    assert found == [
        ("os", 1, "import", ()), ("sys", 1, "import", ()), ("a.b.c", 2, "import", ()),
        (".", 3, "from", ("sibling",)), ("..pkg.mod", 4, "from", ("x", "y")), ("typing", 5, "from", ("List", "Dict")),
        (".x", 7, "from", ("*",)), ("lazy_mod", 10, "import", ()), ("ujson", 12, "import", ()),
        ("json", 14, "import", ()), ("pkg.types", 16, "from", ("T",)),
    ]
