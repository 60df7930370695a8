"""What a rule module provides, and what it is given.

A rule is a module with ``ID`` (stable, kebab-case), ``SEVERITY`` (its
default), ``SUMMARY`` (one line) and either ``check(doc, ctx)`` for each
object or ``check_file(source)`` for each file. Rules yield ``Problem``s; the
engine, not the rule, applies configuration, severity and suppressions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple, Protocol

from fluxnotify.graph import Placement
from fluxnotify.index import Index
from fluxnotify.loader import Document, SourceFile
from fluxnotify.model import Problem, Severity
from fluxnotify.schemas import SchemaIssue


class Context(NamedTuple):
    """Facts about one document that the engine works out once for all rules."""

    flux_version: str
    uses_flux_operator: bool
    #: a patch, or an object that a patch completes at build time: fields may be missing
    partial: bool
    schema_issues: tuple[SchemaIssue, ...] | None
    #: where Flux applies the document (cluster and effective namespace; None = unknown)
    placements: frozenset[Placement]
    #: the whole project's objects, for references
    objects: Index
    #: the repository runs the controllers with --no-cross-namespace-refs=true
    blocks_cross_namespace_refs: bool = False
    #: the file is used as a kustomize patch, not as a resource
    patch_file: bool = False
    #: the files findings are reported for (``id()`` of their SourceFile)
    targets: frozenset[int] = frozenset()

    def namespaces(self) -> set[str]:
        """The effective namespaces that are known for sure."""
        return {p.namespace for p in self.placements if p.namespace is not None}


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
