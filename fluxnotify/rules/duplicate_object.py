"""duplicate-object: two definitions of the same kind, namespace and name in one cluster.

Two situations, two severities:

- an error when the definitions differ (each reconciliation overwrites the
  other's) or when both are in one kustomize build (kustomize refuses it:
  "may not add resource with an already registered id");
- a warning when identical definitions are applied by different Flux
  Kustomizations: it applies, but both Kustomizations own the object (its
  ownership labels flip, and pruning by either deletes it).

Reported only where the cluster and namespace of both are known (or, with an
unknown cluster, for two documents of one file, which are always applied
together), and only for the kinds the project index always holds
(parsing.RELEVANT_KINDS): other kinds are read only from the files named on the
command line, so comparing them would make the finding depend on which files
were named. For the same reason "identical" is decided on the documents as
written in their files, read again, not on what was loaded (files nobody named
are only scanned for names).

Definitions are grouped by (kind, group, name, placement), for each kind and
name the first time one is checked (from ``Index.named``, so checking one file
in a big project groups only its objects' namesakes): each gets one finding
naming the first other, so N copies cost N, not N².
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import yaml

from fluxnotify.index import Index
from fluxnotify.model import Context, Document, Placement, Problem, Severity, SourceFile
from fluxnotify.parsing import RELEVANT_KINDS
from fluxnotify.schemas import POST_BUILD_VAR

ID = "duplicate-object"
SEVERITY = Severity.ERROR
SUMMARY = (
    "two definitions of the same kind, namespace and name applied to the same cluster"
    " (a warning when identical and applied by different Flux Kustomizations)"
)
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False
KINDS: frozenset[str] | None = RELEVANT_KINDS

_NOT_OBJECTS = ("kustomize.config.k8s.io",)

_HINT_ERROR = "keep one definition; Flux would apply both and one overwrites the other"
_HINT_SAME_BUILD = (
    "keep one definition; kustomize refuses a build that defines an object twice"
    ' ("may not add resource with an already registered id")'
)
_HINT_CO_OWNED = (
    "keep one copy, in the Kustomization that should own it: both Kustomizations own the"
    " object now, and pruning by either deletes it"
)


def _order(doc: Document) -> tuple[str, int]:
    return (str(doc.file.path), doc.index)


def _key(doc: Document, placement: Placement) -> tuple[Any, ...] | None:
    """The group of definitions that clash with ``doc`` at ``placement``; None: not compared."""
    name = doc.name
    if (
        name is None
        or placement.namespace is None
        or doc.kind not in RELEVANT_KINDS
        or doc.group in _NOT_OBJECTS
        or POST_BUILD_VAR.search(name)
    ):
        return None
    # With an unknown cluster only one file is surely applied together.
    scope = None if placement.cluster else id(doc.file)
    return (doc.kind, doc.group, name, placement, scope)


class _Group:
    """The definitions of one object at one placement, in file order."""

    __slots__ = ("_by_build", "_differing", "_forms", "docs", "placement")

    def __init__(self, placement: Placement) -> None:
        self.docs: list[Document] = []
        self.placement = placement
        self._forms: dict[int, str] | None = None
        self._by_build: dict[str, list[Document]] | None = None
        self._differing: list[Document | None] | None = None

    def forms(self, texts: _Texts) -> dict[int, str]:
        """``id()`` of each definition -> its canonical form (namespace left out: the
        placement already says both land in the same one)."""
        if self._forms is None:
            self._forms = {id(doc): texts.form(doc) for doc in self.docs}
        return self._forms

    def first_differing(self, texts: _Texts) -> Document | None:
        """The first definition that differs from the first one (None: all identical)."""
        if self._differing is None:
            forms = self.forms(texts)
            first = forms[id(self.docs[0])]
            self._differing = [next((d for d in self.docs if forms[id(d)] != first), None)]
        return self._differing[0]

    def by_build(self, objects: Index) -> dict[str, list[Document]]:
        if self._by_build is None:
            self._by_build = defaultdict(list)
            for doc in self.docs:
                for build in sorted(objects.graph.builds_of(doc, self.placement)):
                    self._by_build[build].append(doc)
        return self._by_build


class _Texts:
    """Documents read again from their files, once per file."""

    def __init__(self) -> None:
        self._files: dict[int, list[Any] | None] = {}

    def form(self, doc: Document) -> str:
        documents = self._documents(doc.file)
        if documents is None or doc.index >= len(documents):
            return f"unreadable:{id(doc)}"  # never equal to another
        data = documents[doc.index]
        if isinstance(data, dict) and isinstance(data.get("metadata"), dict):
            data = {**data, "metadata": {**data["metadata"]}}
            data["metadata"].pop("namespace", None)
        return json.dumps(data, sort_keys=True, default=str)

    def _documents(self, source: SourceFile) -> list[Any] | None:
        key = id(source)
        if key not in self._files:
            try:
                text = source.text
                if text is None:
                    text = source.path.read_bytes().decode("utf-8-sig")
                self._files[key] = list(yaml.load_all(text, Loader=yaml.CSafeLoader))
            except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
                self._files[key] = None
        return self._files[key]


class _Groups:
    """The groups of the project, made per (kind, name) when first asked about: a run that
    checks one file groups only the objects named like the ones in it."""

    def __init__(self, objects: Index) -> None:
        self.objects = objects
        self.texts = _Texts()
        self.groups: dict[tuple[Any, ...], _Group] = {}
        self._grouped: set[tuple[str, str]] = set()
        #: (kind, name) with a group of two definitions or more
        self._clashing: set[tuple[str, str]] = set()

    def clashes(self, kind: str, name: str) -> bool:
        """Some object of ``kind`` and ``name`` is defined twice at one placement (most
        names, even those repeated in every cluster, are not: nothing more to work out)."""
        self._group(kind, name)
        return (kind, name) in self._clashing

    def group(self, key: tuple[Any, ...]) -> _Group | None:
        self._group(key[0], key[2])
        return self.groups.get(key)

    def _group(self, kind: str, name: str) -> None:
        if (kind, name) not in self._grouped:
            self._grouped.add((kind, name))
            made: list[_Group] = []
            for placed in self.objects.named(kind, name):
                other = _key(placed.doc, placed.placement)
                if other is None:
                    continue
                group = self.groups.get(other)
                if group is None:
                    group = self.groups[other] = _Group(placed.placement)
                    made.append(group)
                if not group.docs or group.docs[-1] is not placed.doc:
                    group.docs.append(placed.doc)
            for group in made:
                if len(group.docs) > 1:
                    group.docs.sort(key=_order)
                    self._clashing.add((kind, name))

    def verdict(self, doc: Document, placement: Placement) -> tuple[Document, str] | None:
        """The other definition to name and why: ``build``, ``differ`` or ``co-owned``."""
        key = _key(doc, placement)
        group = self.group(key) if key is not None else None
        if group is None or len(group.docs) < 2:
            return None
        by_build = group.by_build(self.objects)
        same_build = [
            _first_other(by_build[build], doc)
            for build in sorted(self.objects.graph.builds_of(doc, placement))
        ]
        found = [other for other in same_build if other is not None]
        if found or not self.objects.graph.builds_of(doc, placement):
            # no build known: two documents of one file, applied together
            other = min(found, key=_order) if found else _first_other(group.docs, doc)
            return (other, "build") if other is not None else None
        forms = group.forms(self.texts)
        mine, first = forms[id(doc)], group.docs[0]
        if forms[id(first)] != mine:
            return first, "differ"
        differing = group.first_differing(self.texts)
        if differing is not None:
            return differing, "differ"
        other = _first_other(group.docs, doc)
        return (other, "co-owned") if other is not None else None


def _first_other(docs: list[Document], doc: Document) -> Document | None:
    for other in docs[:2]:
        if other is not doc:
            return other
    return None


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if ctx.patch_file or doc.name is None or doc.kind not in RELEVANT_KINDS:
        return
    groups = ctx.objects.derived(_Groups)
    if not groups.clashes(doc.kind, doc.name):
        return
    for placement in sorted(ctx.placements, key=lambda p: (p.cluster or "", p.namespace or "")):
        verdict = groups.verdict(doc, placement)
        if verdict is None:
            continue
        other, why = verdict
        line, _ = other.locate()
        where = f"{other.file.display}:{line}"
        cluster = f" (cluster {placement.cluster})" if placement.cluster else ""
        what = f"{doc.kind} `{placement.namespace}/{doc.name}`"
        if why == "co-owned":
            yield Problem(
                f"{what} is also applied, identically, by another Flux Kustomization from"
                f" {where}{cluster}",
                ("metadata", "name"),
                hint=_HINT_CO_OWNED,
                severity=Severity.WARNING,
            )
        elif why == "build":
            yield Problem(
                f"{what} is also defined in {where}{cluster}, in the same kustomize build",
                ("metadata", "name"),
                hint=_HINT_SAME_BUILD,
            )
        else:
            yield Problem(
                f"{what} is also defined in {where}{cluster}, differently",
                ("metadata", "name"),
                hint=_HINT_ERROR,
            )
