"""Text from Strava or an export made safe for a terminal, a mail or a Markdown file.

An activity or gear name is the runner's (or anyone's) free text, and a terminal
obeys what it reads: `ESC [2J` clears the screen, `ESC ]0;…BEL` retitles the
window, `ESC c` resets the terminal, and a bidi override makes a line read
differently from what it holds. So every such character is replaced by a visible
mark before the text is printed; stripping only colour codes would leave the
others working. JSON keeps the data: `json_text` escapes the same characters as
`\\uXXXX`, which any JSON reader turns back into the original.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Shown in place of each control character: visible, and never itself a control.
MARK = "\ufffd"

# C0 controls (tab and newline included: a name is one line), DEL, C1 controls
# (U+009B is a one-character CSI on some terminals), and the bidi embeddings,
# overrides and isolates, plus the line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

# What json.dumps(ensure_ascii=False) leaves raw of the above: it escapes only C0.
_JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(value: Any) -> str:
    """`value` as text with every control and bidi-control character replaced by MARK."""
    return _CONTROL.sub(MARK, "" if value is None else str(value))


def json_text(data: Any) -> str:
    """Indented JSON, non-ASCII letters kept readable, every control character escaped."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    # These characters can only occur inside JSON strings, where \uXXXX means the same.
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
