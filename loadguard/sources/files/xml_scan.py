"""What gpx_scan and tcx_scan share: reading the plain files' track points straight off
the text, and handing everything around them to ElementTree.

A scanner takes the bodies of the elements that hold the points (GPX `<trkseg>`, TCX
`<Track>`), reads each body with strict patterns, and swaps it for an empty marker
element. What is left, the skeleton (the header, metadata, names, laps), is a few
hundred bytes that ElementTree parses as the streaming readers would: so it is as
well-formed, namespaced and read as before, and only the bodies are the scanner's own.

A body is taken only in the plain form the patterns spell out (elements without
attributes unless expected, text without '&', ']' or '\\r', whitespace between
elements, ASCII names): anything else refuses the file, and the streaming reader
reads it. A whole file is refused when it holds anything that could hide markup from
a text search (a comment, CDATA section, document type, a processing instruction
after the XML declaration), is not UTF-8, or declares another encoding.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

from loadguard.sources.files.track import Refused

# Pieces of the body patterns, possessive (Python 3.11's '*+': what follows each never
# starts with what it takes, so giving any back could not help, and the patterns never
# backtrack over whitespace, text or names; tests/test_scanners.py times bodies built
# to make them try). XML's own whitespace (not Unicode's):
WS = "[ \t\n\r]*+"
# Text the patterns take as is: no markup, reference or CDATA end, no carriage return
# (which XML turns into a line feed), no character XML forbids.
TEXT = "[^<&\\]\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*+"
NAME = "[A-Za-z_][A-Za-z0-9_.-]*+"
# A plain decimal number (or none): float() decides whether it is one.
NUMBER = "[-+.0-9eE]*+"
# What follows the points' pattern: a character no point starts with (whitespace between
# points is skipped) takes the rest of the body, so a body findall reads ends there.
REST = "|([^ \t\n\r][\\s\\S]*)"
_ENCODING = re.compile(r"""<\?xml[^>]*?encoding[ \t\r\n]*=[ \t\r\n]*["']([^"']*)["']""")


def decoded(data: bytes) -> str:
    """The file's text, if it is plain enough to scan; Refused otherwise."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused("not UTF-8") from None
    if "<!" in text:
        raise Refused("a comment, CDATA section or declaration")
    if text.find("<?", 1) >= 0 or (text.startswith("<?") and "<" in text[1:text.find("?>")]):
        raise Refused("a processing instruction")
    encoding = _ENCODING.match(text)
    if encoding is not None and encoding.group(1).lower() not in ("utf-8", "utf8"):
        raise Refused("not declared UTF-8")
    return text


def read_bodies(text: str, tag: str, element_tag: str, body) -> tuple[ET.Element, dict[int, object]]:
    """(the skeleton's root, what `body` read from each `<tag>` element's body, by the
    id of that element in the skeleton).

    `body(text, start, end, scope)` reads the body between `<tag>` and the first
    `</tag>` after it, with the namespace prefixes bound there ({prefix: uri}), and
    raises Refused for anything it does not take. The hollowed elements must be
    exactly the skeleton's `element_tag` ({ns}name) elements, in order: each holds
    one empty marker element, named by a word the file does not hold (no text, entity
    or other element could pass for it, as names are never escaped)."""
    opening, closing = f"<{tag}>", f"</{tag}>"
    key = "scan_"
    while key in text:
        key += "_"
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    while (start := text.find(opening, pos)) >= 0:
        start += len(opening)
        end = text.find(closing, start)
        if end < 0:
            raise Refused(f"a {tag} element without its end")
        parts += (text[pos:start], f"<{key}{len(spans)}/>")
        spans.append((start, end))
        pos = end
    parts.append(text[pos:])
    root, found = _skeleton("".join(parts).encode(), element_tag)
    if len(found) != len(spans):
        raise Refused(f"a {tag} element the scanner did not read")
    values = {}
    for i, ((element, scope), (start, end)) in enumerate(zip(found, spans)):
        if element.text or len(element) != 1 or element[0].tag.rpartition("}")[2] != f"{key}{i}":
            raise Refused(f"a {tag} element the scanner did not read")
        values[id(element)] = body(text, start, end, scope)
    return root, values


def _skeleton(skeleton: bytes, tag: str):
    """(root element, [(each `tag` element, its namespace scope {prefix: uri})])."""
    bindings: dict[str, list[str]] = {}
    declared: list[str] = []
    found = []
    root = None
    try:
        for event, item in ET.iterparse(io.BytesIO(skeleton), events=("start-ns", "end-ns", "end")):
            if event == "end":
                if item.tag == tag:
                    found.append((item, {p: uris[-1] for p, uris in bindings.items() if uris}))
                root = item
            elif event == "start-ns":
                bindings.setdefault(item[0], []).append(item[1])
                declared.append(item[0])
            else:
                bindings[declared.pop()].pop()
    except ET.ParseError as exc:
        raise Refused(f"XML: {exc}") from None
    if root is None:
        raise Refused("empty")
    return root, found


def prefixes(scope: dict[str, str], uri: str | None = None) -> str:
    """A pattern of the scope's prefixes (those bound to `uri`, if given) followed by ':';
    one that never matches when there are none."""
    names = sorted(re.escape(p) for p, bound in scope.items()
                   if p and re.fullmatch(NAME, p) and (uri is None or bound == uri))
    return f"(?:{'|'.join(names)}):" if names else "(?!)"
