"""The shared vocabulary: severities, object references and findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True, order=True)
class ObjectRef:
    """Identity of a Kubernetes object as written (namespace may be empty)."""

    api_version: str
    kind: str
    namespace: str | None
    name: str | None

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind}/{where}{self.name or '?'}"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at a 1-based line and column of a file, as given on the command line."""

    path: str
    line: int
    column: int
    rule: str
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    hint: str | None = field(default=None, compare=False)
    object: ObjectRef | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Problem:
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
