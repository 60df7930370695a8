"""yaml-syntax: the file cannot be read as YAML (or is not UTF-8, or repeats a key).

Flux's kustomize build fails on such a file, so nothing in it is applied.
The other files are still checked.

Only Kubernetes manifests are held to it: pre-commit hands over every YAML
file, and a mkdocs.yml with ``!!python/name`` or a recyclarr.yml with
``!env_var`` is valid for the tool that reads it. A file named on the command
line thus gets what the same file gets in a folder walk.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from fluxnotify.discovery import KUSTOMIZATION_FILES
from fluxnotify.model import Problem, Severity, SourceFile

ID = "yaml-syntax"
SEVERITY = Severity.ERROR
SUMMARY = "the file is not valid YAML, not UTF-8, or repeats a key"
ENABLED_BY_DEFAULT = True


#: a top-level ``apiVersion:`` or ``kind:`` key, in any document: unindented, or the first
#: key of a flow mapping or JSON object that starts a line (``{apiVersion: v1, ...``)
_TOP_LEVEL_KEY = re.compile(
    r"(?m)^(?:(?:apiVersion|kind)[ \t]*:"
    r"|(?:---[ \t]+)?\{\s*(?P<q>[\"']?)(?:apiVersion|kind)(?P=q)[ \t]*:)"
)


def is_manifest(source: SourceFile) -> bool:
    """Whether the file is a Kubernetes manifest: an object was read from it, or its text
    has a top-level ``apiVersion`` or ``kind`` key (read as text, since it may not parse;
    one of the two is enough, as a manifest broken there is still one). A
    kustomization.yaml may leave both out; a file that is not UTF-8 cannot be told."""
    if source.documents or source.path.name in KUSTOMIZATION_FILES:
        return True
    if source.text is not None:
        return _TOP_LEVEL_KEY.search(source.text) is not None
    # the text was let go after loading (project.py): read the file again, piece by piece,
    # as it may be over the size limit
    try:
        with open(source.path, "rb") as handle:
            carry = handle.read(len(codecs.BOM_UTF8))
            if carry == codecs.BOM_UTF8:  # not text before a `kind:` on the first line
                carry = b""
            while piece := handle.read(1 << 20):
                chunk = carry + piece
                cut = chunk.rfind(b"\n") + 1
                if _TOP_LEVEL_KEY.search(chunk[:cut].decode("utf-8")):
                    return True
                carry = chunk[cut:][-4096:]
            return _TOP_LEVEL_KEY.search(carry.decode("utf-8")) is not None
    except (OSError, UnicodeDecodeError):
        return True


def check_file(source: SourceFile) -> Iterator[Problem]:
    if (source.syntax is not None or source.duplicate_keys) and not is_manifest(source):
        return
    if source.syntax is not None:
        yield Problem(
            source.syntax.message,
            hint=source.syntax.hint,
            position=(source.syntax.line, source.syntax.column),
        )
    for line, column, key in source.duplicate_keys:
        yield Problem(
            f"duplicate key `{key}` in the same mapping",
            hint="kustomize refuses duplicate keys; keep one",
            position=(line, column),
        )
