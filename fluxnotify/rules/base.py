"""What a rule module provides, and what it is given.

A rule is a module with ``ID`` (stable, kebab-case), ``SEVERITY`` (its
default), ``SUMMARY`` (one line) and either ``check(doc, ctx)`` for each
object or ``check_file(source)`` for each file. Rules yield ``Problem``s; the
engine, not the rule, applies configuration, severity and suppressions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from fluxnotify.model import Context, Document, Problem, Severity, SourceFile


class DocumentRule(Protocol):
    ID: str
    SEVERITY: Severity
    SUMMARY: str

    def check(self, doc: Document, ctx: Context) -> Iterator[Problem]: ...


class FileRule(Protocol):
    ID: str
    SEVERITY: Severity
    SUMMARY: str

    def check_file(self, source: SourceFile) -> Iterator[Problem]: ...
