"""yaml-syntax: the file cannot be read as YAML (or is not UTF-8, or repeats a key).

Flux's kustomize build fails on such a file, so nothing in it is applied.
The other files are still checked.
"""

from __future__ import annotations

from collections.abc import Iterator

from fluxnotify.model import Problem, Severity, SourceFile

ID = "yaml-syntax"
SEVERITY = Severity.ERROR
SUMMARY = "the file is not valid YAML, not UTF-8, or repeats a key"
ENABLED_BY_DEFAULT = True


def check_file(source: SourceFile) -> Iterator[Problem]:
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
