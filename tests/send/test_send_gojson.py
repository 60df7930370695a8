"""Go's encoding/json bytes (reference 3d "Body")."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from fluxnotify.send.gojson import dumps, go_map


def test_html_and_line_separators_are_escaped_like_go() -> None:
    assert dumps({"t": "<a href='x'>&</a>\u2028\u2029"}) == (
        b'{"t":"\\u003ca href=\'x\'\\u003e\\u0026\\u003c/a\\u003e\\u2028\\u2029"}'
    )


def test_other_non_ascii_is_raw_utf8_and_controls_are_escaped() -> None:
    assert dumps(["é✓", "\n\t\x01\b\f"]) == '["é✓","\\n\\t\\u0001\\b\\f"]'.encode()


def test_compact_and_in_struct_order() -> None:
    assert dumps({"b": 1, "a": [True, None]}) == b'{"b":1,"a":[true,null]}'


def test_lone_surrogates_become_replacement_characters() -> None:
    assert dumps("a\udcff") == '"a\ufffd"'.encode()


def test_go_maps_sort_keys_by_bytes() -> None:
    assert list(go_map({"b": "", "B": "", "é": "", "a": ""})) == ["B", "a", "b", "é"]


@settings(max_examples=60)
@given(
    st.recursive(
        st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=8,
    )
)
def test_round_trips_and_never_emits_raw_html_characters(value: object) -> None:
    body = dumps(value)
    assert not {b"<", b">", b"&"} & {bytes([c]) for c in body}
    assert "\u2028" not in body.decode()
    if not _has_surrogate(value):
        assert json.loads(body) == value


def _has_surrogate(value: object) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= c <= "\udfff" for c in value)
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    return False
