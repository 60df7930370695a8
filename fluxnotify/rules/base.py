"""What a rule module provides, and what it is given.

A rule is a module, listed in ``fluxnotify/rules/__init__.py`` under its kind,
with these names (mypy checks each module against its kind's protocol):

- ``ID``: stable, kebab-case; ``SEVERITY``: its default; ``SUMMARY``: one line;
- ``ENABLED_BY_DEFAULT``: False for a rule that runs only when the
  configuration (or, see below, the project) turns it on;
- a document rule also says what it needs from the engine:
  ``NEEDS_SCHEMA_ISSUES`` (the engine validates the object against its schema
  only when an enabled rule needs the result),
  ``ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED`` (turned on when the repository
  runs the controllers with ``--no-cross-namespace-refs=true``) and ``KINDS``
  (the kinds ``check`` can report on, None for any: the engine calls it only
  for those, as most of a repository is objects no notification rule reads);
- and its check: ``check(doc, ctx)`` for each object, ``check_file(source)``
  for each file, or ``check_suppressions(unused)`` for the suppression
  comments of a file that silenced nothing.

Rules yield ``Problem``s; the engine, not the rule, applies configuration,
severity and suppressions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

from fluxnotify.model import Context, Document, Problem, Severity, SourceFile

if TYPE_CHECKING:
    from fluxnotify.directives import Unused


class Rule(Protocol):
    ID: str
    SEVERITY: Severity
    SUMMARY: str
    ENABLED_BY_DEFAULT: bool


class DocumentRule(Rule, Protocol):
    NEEDS_SCHEMA_ISSUES: bool
    ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED: bool
    KINDS: frozenset[str] | None

    def check(self, doc: Document, ctx: Context) -> Iterator[Problem]: ...


class FileRule(Rule, Protocol):
    def check_file(self, source: SourceFile) -> Iterator[Problem]: ...


class SuppressionRule(Rule, Protocol):
    def check_suppressions(self, unused: Iterable[Unused]) -> Iterator[Problem]: ...
