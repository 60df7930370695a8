"""The shared vocabulary: severities, object references and findings.

Records in the modules every validate run imports are ``NamedTuple``s when
immutable and plain classes when mutable, not dataclasses: a dataclass compiles its methods when
its module is imported, about five times what a NamedTuple costs, and every
run of the pre-commit hook pays for that start-up.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


class ObjectRef(NamedTuple):
    """Identity of a Kubernetes object as written (namespace may be empty)."""

    api_version: str
    kind: str
    namespace: str | None
    name: str | None

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind}/{where}{self.name or '?'}"


class Finding(NamedTuple):
    """One problem at a 1-based line and column of a file, as given on the command line.

    Reports list findings by ``sort_key``: path, line, column and rule.
    """

    path: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    hint: str | None = None
    object: ObjectRef | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule)


class Problem(NamedTuple):
    """What a rule yields: the engine adds the file, position, rule id and severity.

    ``path`` is the JSON path inside the document (keys and list indices);
    ``key`` asks for the position of the key itself rather than its value.
    ``severity`` is only set by rules whose cases differ in severity
    (``api-version``); configuration overrides it. ``position`` is for
    file-level problems that have no document path (``yaml-syntax``).
    """

    message: str
    path: tuple[str | int, ...] = ()
    key: bool = False
    hint: str | None = None
    severity: Severity | None = None
    position: tuple[int, int] | None = None
