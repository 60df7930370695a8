"""Where a path inside a YAML document starts: its 1-based line and column.

Loading keeps only plain data (fast, through libyaml); positions are worked
out afterwards, and only for files that have findings, by composing the text
again into nodes that carry their marks.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

#: What YAML 1.1 readers (libyaml, PyYAML) count as line breaks besides LF and CR
_NOT_BREAKS = {0x85: " ", 0x2028: " ", 0x2029: " "}


def lf_breaks_only(text: str) -> str:
    """``text`` with NEL, U+2028 and U+2029 read as spaces.

    YAML 1.2, and so Flux, breaks lines only at LF, CR and CRLF; libyaml also breaks
    at these three, so one of them in a comment shifted every line number after it.
    """
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        return text.translate(_NOT_BREAKS)
    return text


def compose(text: str | None, path: Path) -> list[Any]:
    """The node tree of each document; ``text`` None reads ``path`` (a cached file) again."""
    if text is None:
        try:
            text = lf_breaks_only(path.read_bytes().decode("utf-8-sig"))
        except (OSError, UnicodeDecodeError):
            text = ""
    try:
        return list(yaml.compose_all(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return list(ruamel_loader().compose_all(text))
            except Exception:
                return []


def locate(
    nodes: Sequence[Any], index: int, path: Sequence[str | int], key: bool = False
) -> tuple[int, int]:
    """1-based line and column of ``path`` in document ``index`` (else its nearest parent)."""
    if index >= len(nodes) or nodes[index] is None:
        return (1, 1)
    node = nodes[index]
    mark = node.start_mark
    for step in path:
        child = _child(node, step)
        if child is None:
            break
        key_node, node = child
        mark = key_node.start_mark if key and step == path[-1] else node.start_mark
    return (mark.line + 1, mark.column + 1)


def _child(node: Any, step: str | int) -> tuple[Any, Any] | None:
    """The (key node, value node) for one path step, or None."""
    node_id = getattr(node, "id", None)
    if node_id == "mapping":
        for key_node, value_node in reversed(node.value):  # the last duplicate wins, as loaded
            if getattr(key_node, "id", None) == "scalar" and key_node.value == str(step):
                return key_node, value_node
        return None
    if node_id == "sequence" and isinstance(step, int) and 0 <= step < len(node.value):
        item = node.value[step]
        return item, item
    return None


def ruamel_loader() -> Any:
    """A YAML 1.2 reader for what libyaml refuses (a redefined anchor); rare, so pure Python.

    `=` (the YAML 1.1 "value" tag) reads as a plain string, as with libyaml.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import SafeConstructor

    class Constructor(SafeConstructor):
        pass

    Constructor.add_constructor("tag:yaml.org,2002:value", SafeConstructor.construct_yaml_str)
    loader = YAML(typ="safe", pure=True)
    loader.allow_duplicate_keys = True
    loader.Constructor = Constructor
    return loader
