"""JSON from clients, refused when nested deeper than any request of the site needs.

Python's json recurses once per level: a 40 KB body of "[[[[..." raises RecursionError (a 500)
and anything just under the recursion limit still reaches code that recurses over it. The depth
is measured on the text first, without building anything.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_JSON_DEPTH = 32

# A complete string literal (escapes included): brackets inside strings are not nesting.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


class JSONTooDeep(ValueError):
    """A ValueError, like every other reason json refuses a text."""


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    depth = 0
    for bracket in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def json_loads_bounded(raw: str | bytes, limit: int = MAX_JSON_DEPTH) -> Any:
    """json.loads that raises JSONTooDeep (a ValueError) past `limit` levels of nesting."""
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    if json_too_deep(text, limit):
        raise JSONTooDeep(f"JSON nested deeper than {limit} levels.")
    return json.loads(text)
