"""The shared vocabulary: severities, object references, loaded files and
documents, findings, reports and what rules are given.

Rules and reporters import this module, not the parser or the engine.

Records in the modules every validate run imports are ``NamedTuple``s when
immutable and plain classes when mutable, not dataclasses: a dataclass compiles its methods when
its module is imported, about five times what a NamedTuple costs, and every
run of the pre-commit hook pays for that start-up.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from fluxnotify import positions

if TYPE_CHECKING:
    from fluxnotify.index import Index


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

    Reports list findings by ``sort_key``, a total order: two findings at one
    position (the same Alert duplicated in two namespaces) keep their order
    whatever the hash seed or the order the rules ran in.
    """

    path: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    hint: str | None = None
    object: ObjectRef | None = None
    #: 0-based index of the object's document in its file (None for file-level findings):
    #: tells apart two objects of one name in one file (the JUnit report's test cases)
    document: int | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str, str, tuple[str, ...], str, str]:
        ref = self.object
        obj = (
            () if ref is None else (ref.api_version, ref.kind, ref.namespace or "", ref.name or "")
        )
        return (
            self.path,
            self.line,
            self.column,
            self.rule,
            self.message,
            obj,
            self.severity.value,
            self.hint or "",
        )


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


class SyntaxProblem(NamedTuple):
    """Why a file could not be read as YAML, at a 1-based position."""

    line: int
    column: int
    message: str
    hint: str | None = None


class Document:
    """One Kubernetes object (a mapping with apiVersion and kind) in a file.

    Its data is not changed once the Document exists (kustomize's defaults are filled in
    before), so the fields rules read over and over are worked out once, here.
    """

    def __init__(
        self, file: SourceFile, index: int, data: dict[str, Any], api_version: str, kind: str
    ) -> None:
        self.file = file
        self.index = index
        self.data = data
        self.api_version = api_version
        self.kind = kind
        #: the generated schema check passed (None: not run yet)
        self.schema_ok: bool | None = None
        self.group = api_version.rpartition("/")[0] or "core"
        metadata = data.get("metadata")
        self.metadata: dict[str, Any] = metadata if isinstance(metadata, dict) else {}
        name = self.metadata.get("name")
        self.name: str | None = name if isinstance(name, str) else None
        namespace = self.metadata.get("namespace")
        self.namespace: str | None = namespace if isinstance(namespace, str) else None
        spec = data.get("spec")
        self.spec: dict[str, Any] = spec if isinstance(spec, dict) else {}
        #: SOPS-encrypted: key names are real, values are ``ENC[...]``
        self.sops = isinstance(data.get("sops"), dict)

    @property
    def checked_data(self) -> dict[str, Any]:
        """What the schema checks see: a SOPS document without its ``sops`` block."""
        if self.sops:
            return {k: v for k, v in self.data.items() if k != "sops"}
        return self.data

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.api_version, self.kind, self.namespace, self.name)

    def locate(self, path: Sequence[str | int] = (), key: bool = False) -> tuple[int, int]:
        return self.file.locate(self.index, path, key)


class CachedDocument(Document):
    """A document of a file from the cache, who it is known, its data read when first
    used: a run that checks one file in a large project looks at few of its objects.

    The fields worked out from the data are worked out when asked for; they have setters
    only because a Document's are plain attributes (nothing sets them)."""

    def __init__(
        self,
        file: SourceFile,
        index: int,
        api_version: str,
        kind: str,
        name: str | None,
        namespace: str | None,
        read: Callable[[], dict[int, dict[str, Any]]],
    ) -> None:
        self.file = file
        self.index = index
        self.api_version = api_version
        self.kind = kind
        self.schema_ok = None
        self.group = api_version.rpartition("/")[0] or "core"
        self.name = name
        self.namespace = namespace
        #: the data of every document of the file, by index (read once per file)
        self._read = read
        self._data: dict[str, Any] | None = None

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            self._data = self._read().get(self.index, {})
        return self._data

    @data.setter
    def data(self, value: dict[str, Any]) -> None:
        self._data = value

    @property
    def metadata(self) -> dict[str, Any]:
        metadata = self.data.get("metadata")
        return metadata if isinstance(metadata, dict) else {}

    @metadata.setter
    def metadata(self, value: dict[str, Any]) -> None:
        raise AttributeError("read from the data")

    @property
    def spec(self) -> dict[str, Any]:
        spec = self.data.get("spec")
        return spec if isinstance(spec, dict) else {}

    @spec.setter
    def spec(self, value: dict[str, Any]) -> None:
        raise AttributeError("read from the data")

    @property
    def sops(self) -> bool:
        return isinstance(self.data.get("sops"), dict)

    @sops.setter
    def sops(self, value: bool) -> None:
        raise AttributeError("read from the data")


class SourceFile:
    """A YAML file (or standard input) and what was loaded from it."""

    def __init__(self, path: Path | str, display: str, document_count: int = 0) -> None:
        #: a string until first asked for: a warm run makes 12,000 of these from the cache
        #: and looks at the path of few
        self._path = path
        self.display = display
        self.text: str | None = None
        self.documents: list[Document] = []
        self.syntax: SyntaxProblem | None = None
        self.duplicate_keys: list[tuple[int, int, str]] = []
        self.note: str | None = None
        #: why the file (or, for a folder walked, the folder) could not be read: rule unreadable
        self.unreadable: str | None = None
        self.parsed = False
        self.document_count = document_count
        #: the Flux release a gotk-components.yaml names in its header
        self.flux_version: str | None = None
        #: the text turns on --no-cross-namespace-refs for the controllers
        self.blocks_cross_namespace_refs = False
        self._nodes: list[Any] | None = None

    @property
    def path(self) -> Path:
        path = self._path
        if isinstance(path, str):
            path = self._path = Path(path)
        return path

    @property
    def location(self) -> str:
        """The path as a string, without making a Path of it."""
        return os.fspath(self._path)

    def locate(self, index: int, path: Sequence[str | int], key: bool = False) -> tuple[int, int]:
        """1-based line and column of ``path`` in document ``index`` (else its nearest parent)."""
        if self._nodes is None:
            self._nodes = positions.compose(self.text, self.path)
        return positions.locate(self._nodes, index, path, key)


class Placement(NamedTuple):
    """One way an object is applied: to a cluster (None: unknown) and namespace (None: unknown)."""

    cluster: str | None
    namespace: str | None


class SchemaIssue(NamedTuple):
    """One schema violation: ``unknown`` ones belong to the unknown-field rule."""

    unknown: bool
    path: tuple[str | int, ...]
    message: str
    hint: str | None = None
    key: bool = False
    validator: str = ""
    value: Any = None


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
    #: flux_version is the newest because nothing named one (no flag, configuration,
    #: gotk-components.yaml or FluxInstance): the release actually run is unknown
    flux_version_guessed: bool = False

    def namespaces(self) -> set[str]:
        """The effective namespaces that are known for sure."""
        return {p.namespace for p in self.placements if p.namespace is not None}


class CheckedObject(NamedTuple):
    """An object that was checked: its document's 0-based index in its file, and its identity."""

    document: int
    ref: ObjectRef


class CheckedFile(NamedTuple):
    """A file that was checked (as given on the command line) and the objects in it."""

    path: str
    objects: tuple[CheckedObject, ...]


class Report(NamedTuple):
    """What a validate run found, for the reporters."""

    findings: list[Finding]
    files: int
    documents: int
    objects: int
    #: target Flux version -> why it was chosen
    flux_versions: dict[str, str]
    notes: list[tuple[str, str]]
    #: every file checked, in order, with its objects (JUnit reports a test per object)
    checked: tuple[CheckedFile, ...] = ()
    #: the project root: reports that need repository-relative paths (GitLab) start there
    root: Path | None = None
    #: why that folder is the root (the git top level, a configuration file, ...)
    root_reason: str = ""

    def of_severity(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def errors(self) -> int:
        return self.of_severity(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.of_severity(Severity.WARNING)
