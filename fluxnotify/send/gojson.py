"""JSON bytes as Go's ``encoding/json`` writes them, so bodies match the controller's byte for byte.

Reference 3d: compact output; ``<``, ``>`` and ``&`` escaped as ``\\u003c``, ``\\u003e`` and
``\\u0026``; U+2028 and U+2029 escaped; other non-ASCII written as raw UTF-8. Go (since 1.22)
writes ``\\b`` and ``\\f`` as Python does, and both use lower-case hex for other control
characters. Go writes struct fields in declaration order (our dicts keep insertion order)
and map keys sorted: callers build Go maps with :func:`go_map`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

_TABLE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)
# Go replaces invalid UTF-8 with U+FFFD; lone surrogates (from undecodable argv bytes)
# are Python's equivalent.
_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps(value: Any) -> bytes:
    """Encode ``value`` exactly as Go's ``json.Marshal`` would."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # The escaped characters can only occur inside JSON strings: translating the whole
    # document is safe.
    return _SURROGATE.sub("\ufffd", text.translate(_TABLE)).encode("utf-8")


def go_map(mapping: Mapping[str, str]) -> dict[str, str]:
    """A ``map[string]string`` as Go encodes it: keys in byte order."""
    return {key: mapping[key] for key in sorted(mapping, key=lambda k: k.encode("utf-8"))}
