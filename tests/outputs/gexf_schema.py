"""A GEXF file checked against GEXF 1.3's own schemas (gexf-1.3/, see its NOTICE.md), and as Gephi reads it.

Two implementations check two forms of the schema: libxml2 (through lxml)
the RELAX NG grammar, the form the format's sources are written in and its
`validate.sh` checks; xmlschema the XML Schema translated from it.  That
translation declares the viz elements (colour, position, size) in GEXF's own
namespace, where the grammar, and Gephi's own exporter, put them in viz's:
the XML Schema checks the file without them.

What no schema says but Gephi's timeline needs is checked beside: each
attribute value names a declared attribute and parses as its type, dates are
dates, and every interval ends after it starts, without overlapping another
interval of the same element or attribute.
"""
from __future__ import annotations

import functools
from collections import defaultdict
from datetime import date
from pathlib import Path

import xmlschema
from lxml import etree

SCHEMAS = Path(__file__).parent / "gexf-1.3"
GEXF = "{http://gexf.net/1.3}"
VIZ = "{http://gexf.net/1.3/viz}"
PARSERS = {"long": int, "integer": int, "double": float, "float": float, "string": str,
           "boolean": {"true": True, "false": False}.__getitem__}


def gexf_errors(path: str | Path) -> list[str]:
    """What the two schemas and the timeline checks find wrong in the file at `path` (empty: valid)."""
    document = etree.parse(str(path))
    grammar = _grammar()
    errors = [] if grammar.validate(document) else [f"gexf.rng: {error}" for error in grammar.error_log]
    errors += timeline_errors(document)
    for element in list(document.iter(f"{VIZ}*")):
        element.getparent().remove(element)
    errors += [f"gexf.xsd: {error.reason} at {error.path}" for error in _schema().iter_errors(document)]
    return errors


def timeline_errors(document: etree._ElementTree) -> list[str]:
    """Attribute values that Gephi would drop or refuse, and intervals that end before they start or overlap."""
    types = {(block.get("class"), attribute.get("id")): attribute.get("type")
             for block in document.iter(f"{GEXF}attributes") for attribute in block}
    errors = []
    for kind in ("node", "edge"):
        for element in document.iter(f"{GEXF}{kind}"):
            name = f"{kind} {element.get('id')}"
            spans = [(spell.get("start"), spell.get("end")) for spell in element.iter(f"{GEXF}spell")]
            errors += _interval_errors(name, spans)
            per_attribute = defaultdict(list)
            for value in element.iter(f"{GEXF}attvalue"):
                key = (kind, value.get("for"))
                if key not in types:
                    errors.append(f"{name}: attribute {key[1]} is not declared")
                    continue
                try:
                    PARSERS[types[key]](value.get("value"))
                except (KeyError, ValueError):
                    errors.append(f"{name}: {value.get('value')!r} is not a {types[key]}")
                if value.get("start") is not None:
                    per_attribute[key[1]].append((value.get("start"), value.get("end")))
            for attribute, values in per_attribute.items():
                errors += _interval_errors(f"{name} attribute {attribute}", values)
    return errors


def _interval_errors(name: str, spans: list[tuple[str, str | None]]) -> list[str]:
    """Intervals, in file order, that are not strictly increasing, or that start again before the last ended."""
    errors, last_end = [], None
    for start, end in spans:
        first, last = date.fromisoformat(start), date.fromisoformat(end) if end else date.max
        if last <= first:
            errors.append(f"{name}: [{start}, {end}] does not end after it starts")
        if last_end is not None and first < last_end:
            errors.append(f"{name}: [{start}, {end}] overlaps the interval before it")
        last_end = last
    return errors


@functools.cache
def _grammar() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMAS / "gexf.rng")))


@functools.cache
def _schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "gexf.xsd"))
