"""A line scanner for the identity of objects in files nobody asked about.

When one file is validated (the pre-commit case), the rest of the repository
is read only to resolve references: of a HelmRelease or a GitRepository only
the kind, name and namespace matter, of a Flux Kustomization also its path,
target namespace and patched kinds. Parsing them costs most of a run
(../shared/reference/performance.md), so block-style documents are scanned
line by line instead. Anything the scanner is not sure of (flow style,
anchors, tags, escapes, odd indentation) makes it give up, and the file is
parsed as YAML after all.
"""

from __future__ import annotations

import re
from typing import Any

_DOC_SEPARATOR = re.compile(r"^(?:---|\.\.\.)(?:[ \t]+(?:#.*)?)?$")
_KEY = re.compile(r"^( *)([A-Za-z_][\w.-]*):(?:[ \t]+(.*))?$")
PATCH_KIND = re.compile(r"\bkind:\s*[\"']?(\w+)")

#: The second-level fields kept, by top-level field.
_WANTED = {"metadata": ("name", "namespace"), "spec": ("path", "targetNamespace")}


class _Unsure(Exception):
    """The scanner cannot be sure what the YAML means."""


def _scalar(text: str | None) -> str | None:
    """A plain or simply quoted scalar, without its comment."""
    if text is None:
        return None
    text = text.strip()
    if not text or text.startswith("#"):
        return None
    if text[0] in "&*!{[|>%@`":
        raise _Unsure
    if text[0] in "'\"":
        quote = text[0]
        end = text.find(quote, 1)
        if end < 0 or "\\" in text[:end] or text[end + 1 : end + 2] == quote:
            raise _Unsure
        rest = text[end + 1 :].strip()
        if rest and not rest.startswith("#"):
            raise _Unsure
        return text[1:end]
    value = re.split(r"\s#", text, maxsplit=1)[0].rstrip()
    if ": " in value or value.endswith(":"):
        raise _Unsure
    return value


def _document(lines: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    block: str | None = None
    child_indent: int | None = None
    in_patches = False
    patch_kinds: list[str] = []
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if line[0] == "\t":
            raise _Unsure
        match = _KEY.match(line)
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0:
            if match is None:
                raise _Unsure  # a top-level list, flow style, a multi-line key...
            key, value = match.group(2), _scalar(match.group(3))
            block, child_indent, in_patches = (key if value is None else None), None, False
            if key in data:
                raise _Unsure  # duplicate keys: leave it to the parser
            if value is not None:
                data[key] = value
            elif key in _WANTED:
                data[key] = {}
            continue
        if block not in _WANTED:
            continue
        if child_indent is None:
            child_indent = indent
        if indent < child_indent:
            raise _Unsure
        if indent == child_indent:
            if match is None:
                raise _Unsure
            key, raw = match.group(2), match.group(3)
            in_patches = block == "spec" and key == "patches"
            if key in _WANTED[block]:
                value = _scalar(raw)
                if value is None:
                    raise _Unsure
                data[block][key] = value
        elif in_patches:
            patch_kinds.extend(PATCH_KIND.findall(line))
    if patch_kinds:
        data["spec"]["patches"] = [{"target": {"kind": kind}} for kind in patch_kinds]
    return data


def scan(text: str) -> list[dict[str, Any] | None] | None:
    """Each document's identity fields (None for an empty one), or None if unsure.

    Documents are split as YAML does: ``---`` starts one (an empty one counts),
    ``...`` ends one, and leading content without ``---`` is the first.
    """
    documents: list[list[str]] = []
    current: list[str] = []
    explicit = False
    for line in text.splitlines():
        if line.startswith(("---", "...")) and not _DOC_SEPARATOR.match(line):
            return None  # content on the separator line
        if _DOC_SEPARATOR.match(line):
            if explicit or any(_content(x) for x in current):
                documents.append(current)
            current, explicit = [], line.startswith("---")
            continue
        current.append(line)
    if explicit or any(_content(x) for x in current):
        documents.append(current)
    try:
        return [
            _document(lines) if any(_content(x) for x in lines) else None for lines in documents
        ]
    except _Unsure:
        return None


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")
