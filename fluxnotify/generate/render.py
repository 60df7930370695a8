"""Render documents as YAML that a person would write and commit.

ruamel.yaml's round-trip dumper keeps the key order of the builders, puts the
comments above the keys they explain, and indents lists under their key.
Strings that a YAML 1.1 reader (Kubernetes, Flux) would take for a bool, a
number or null are quoted, so that ``--metadata enabled=yes`` stays a string.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import SingleQuotedScalarString

from fluxnotify.generate.manifests import Document, KeyPath

INDENT = 2
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVERS = (VersionedResolver(version=(1, 1)), VersionedResolver(version=(1, 2)))


def new_yaml(*, mapping: int = INDENT, sequence: int = 2 * INDENT, offset: int = INDENT) -> YAML:
    """A round-trip YAML instance: lists indented under their key, no line folding."""
    yaml = YAML()
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    yaml.width = 4096
    yaml.preserve_quotes = True
    return yaml


def render(documents: Iterable[Document]) -> str:
    """One YAML stream: documents separated by ``---``, same bytes on every run."""
    yaml = new_yaml()
    parts = []
    for document in documents:
        buffer = io.StringIO()
        yaml.dump(_commented(document.body, (), document.comments, 0), buffer)
        parts.append(buffer.getvalue())
    return "---\n".join(parts)


def _commented(value: Any, path: KeyPath, comments: dict[KeyPath, str], column: int) -> Any:
    """Plain dicts, lists and strings as ruamel nodes, with the comments at their keys."""
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[_scalar(key)] = _commented(item, (*path, key), comments, column + INDENT)
            if (*path, key) in comments:
                node.yaml_set_comment_before_after_key(
                    _scalar(key), before=comments[(*path, key)], indent=column
                )
        if path == () and () in comments:
            node.yaml_set_start_comment(comments[()])
        return node
    if isinstance(value, list):
        # Items sit INDENT further in than their key, their own keys INDENT past the dash.
        return CommentedSeq(
            _commented(item, (*path, index), comments, column + INDENT)
            for index, item in enumerate(value)
        )
    return _scalar(value) if isinstance(value, str) else value


def _scalar(text: str) -> str:
    """``text``, quoted if unquoted it would read back as another type in YAML 1.1 or 1.2."""
    if all(r.resolve(ScalarNode, text, (True, False)) == _STR_TAG for r in _RESOLVERS):
        return text
    quoted: str = SingleQuotedScalarString(text)
    return quoted
