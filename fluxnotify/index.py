"""The project's objects, by kind and name, with where Flux applies them; and what provides Secrets.

Rules ask the index questions ("is there a Provider named X in namespace N of
this cluster?"); the answers treat unknown clusters and namespaces as
matching, so that a reference is reported broken only when it surely is.
"""

from __future__ import annotations

import base64
import binascii
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple, Protocol, TypeVar

from fluxnotify.generated import (
    GENERATING_KIND,
    GeneratedObject,
    generated_from,
    generated_name,
)
from fluxnotify.graph import Graph
from fluxnotify.model import Document, Placement, SourceFile

_T = TypeVar("_T")


class Placed(NamedTuple):
    doc: Document
    placement: Placement


class SecretSource(NamedTuple):
    """Something that makes a Secret: a Secret, ExternalSecret, SealedSecret or secretGenerator."""

    kind: str
    name: str
    placement: Placement
    #: the key names, or None when they cannot be known (e.g. ExternalSecret dataFrom)
    keys: frozenset[str] | None
    #: decoded values of a plain (unencrypted) Secret; None otherwise
    values: Mapping[str, str] | None
    doc: Document | None
    file: SourceFile


class Waiting(Protocol):
    """Documents not made yet (project.Project, from the snapshot), asked for per kind."""

    def documents_of(self, kinds: frozenset[str]) -> list[Document]: ...


def clusters_match(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


#: the kinds ``_secret_source`` reads a Secret from
_SECRET_KINDS = frozenset({"Secret", "ExternalSecret", "SealedSecret"})


class Index:
    """Tables built on first use, per kind or per name: a run that checks three objects in a
    project of thousands asks about a few kinds and names, and pays only for those."""

    def __init__(
        self, documents: Iterable[Document], graph: Graph, waiting: Waiting | None = None
    ) -> None:
        """``documents``, then those ``waiting`` gives per kind (they come first in the
        project's order)."""
        self.graph = graph
        self._waiting = waiting
        #: the kinds whose waiting documents are in ``_docs`` already
        self._merged: set[str] = set()
        #: what rules work out once per project from the whole index (see ``derived``)
        self._derived: dict[tuple[Callable[..., Any], tuple[Any, ...]], Any] = {}
        self._docs: dict[str, list[Document]] = defaultdict(list)
        #: the documents that may provide a Secret, in project order
        self._secret_docs: list[Document] = []
        for doc in documents:
            kind = doc.kind
            self._docs[kind].append(doc)
            if kind in _SECRET_KINDS:
                self._secret_docs.append(doc)
        self._by_kind: dict[str, list[Placed]] = {}
        self._names: dict[str, dict[str, list[Document]]] = {}
        self._by_kind_name: dict[tuple[str, str], list[Placed]] = {}
        self._by_placement: dict[str, dict[Placement, list[Placed]]] = {}
        #: what provides each Secret asked about, by its name
        self._secrets: dict[str, list[SecretSource]] = {}
        #: the positions in ``_secret_docs`` of the Secrets of each name
        self._secret_positions: dict[str, list[int]] | None = None
        #: (position, source) of what ExternalSecrets and SealedSecrets provide
        self._other_sources: list[tuple[int, SecretSource]] = []
        #: the documents that may make an object of each (kind, name) (generated.py)
        self._generating: dict[tuple[str, str], list[Placed]] | None = None
        #: objects controllers create from the documents, by (kind, name) asked about
        self._generated: dict[tuple[str, str], list[GeneratedObject]] = {}

    def derived(self, build: Callable[..., _T], *args: Any) -> _T:
        """``build(self, *args)``, made once per index: the pairwise rules group every object
        once, not once per object they check."""
        key = (build, args)
        if key not in self._derived:
            self._derived[key] = build(self, *args)
        result: _T = self._derived[key]
        return result

    def placements(self, doc: Document) -> set[Placement]:
        return self.graph.of(doc)

    def _kind(self, kind: str) -> list[Document]:
        if self._waiting is not None and kind not in self._merged:
            self._merged.add(kind)
            waiting = self._waiting.documents_of(frozenset({kind}))
            if waiting:
                self._docs[kind] = [*waiting, *self._docs.get(kind, ())]
        return self._docs.get(kind, [])

    def defines(self, kind: str) -> bool:
        return bool(self._kind(kind))

    def documents(self, kind: str) -> list[Document]:
        """The documents of ``kind``, in project order (without working out placements)."""
        return self._kind(kind)

    def of_kind(self, kind: str) -> list[Placed]:
        """Every object of ``kind`` at each of its placements, in project order."""
        found = self._by_kind.get(kind)
        if found is None:
            of = self.graph.of
            found = self._by_kind[kind] = [
                Placed(doc, placement) for doc in self._kind(kind) for placement in of(doc)
            ]
        return found

    def at(self, kind: str, placement: Placement) -> list[Placed]:
        """Objects of ``kind`` with exactly this placement."""
        by_placement = self._by_placement.get(kind)
        if by_placement is None:
            by_placement = self._by_placement[kind] = defaultdict(list)
            for placed in self.of_kind(kind):
                by_placement[placed.placement].append(placed)
        return by_placement.get(placement, [])

    def named(self, kind: str, name: str) -> list[Placed]:
        """Objects of ``kind`` called ``name`` at each of their placements, in project order."""
        found = self._by_kind_name.get((kind, name))
        if found is None:
            names = self._names.get(kind)
            if names is None:
                names = self._names[kind] = defaultdict(list)
                for doc in self._kind(kind):
                    if doc.name is not None:
                        names[doc.name].append(doc)
            of = self.graph.of
            found = self._by_kind_name[(kind, name)] = [
                Placed(doc, placement) for doc in names.get(name, ()) for placement in of(doc)
            ]
        return found

    def find(self, kind: str, name: str, placement: Placement) -> list[Placed]:
        """Objects of ``kind`` and ``name`` that may be in the same namespace and cluster."""
        return [
            p
            for p in self.named(kind, name)
            if clusters_match(p.placement.cluster, placement.cluster)
            and (p.placement.namespace is None or p.placement.namespace == placement.namespace)
        ]

    def generated(self, kind: str, name: str, placement: Placement) -> list[GeneratedObject]:
        """Objects of ``kind`` and ``name`` a controller creates there (a HelmChart from a
        HelmRelease): not in the repository, but as real as the objects that are."""
        if self._generating is None:
            self._generating = defaultdict(list)
            for placed in self.of_kind(GENERATING_KIND):
                made = generated_name(placed.doc, placed.placement)
                if made is not None:
                    self._generating[made].append(placed)
        found = self._generated.get((kind, name))
        if found is None:
            found = self._generated[(kind, name)] = [
                made
                for placed in self._generating.get((kind, name), ())
                for made in generated_from(placed.doc, placed.placement)
            ]
        return [
            g
            for g in found
            if clusters_match(g.placement.cluster, placement.cluster)
            and (g.placement.namespace is None or g.placement.namespace == placement.namespace)
        ]

    def _secret_sources(self, name: str) -> list[SecretSource]:
        """What provides a Secret called ``name``, in project order, then the secretGenerators.

        A plain or SOPS Secret provides its own name, so only the Secrets of that name are
        read; an ExternalSecret or SealedSecret may name another in its spec, so those are
        all read, once (a repository has few)."""
        found = self._secrets.get(name)
        if found is None:
            if self._secret_positions is None:
                if self._waiting is not None:
                    waiting = self._waiting.documents_of(_SECRET_KINDS)
                    self._secret_docs = [*waiting, *self._secret_docs]
                self._secret_positions = defaultdict(list)
                self._other_sources = []
                of = self.graph.of
                for position, doc in enumerate(self._secret_docs):
                    if doc.kind == "Secret":
                        if doc.name is not None:
                            self._secret_positions[doc.name].append(position)
                        continue
                    for placement in of(doc):
                        source = _secret_source(doc, placement)
                        if source is not None:
                            self._other_sources.append((position, source))
            mine = [
                (position, source)
                for position in self._secret_positions.get(name, ())
                for placement in self.graph.of(self._secret_docs[position])
                if (source := _secret_source(self._secret_docs[position], placement)) is not None
            ]
            others = [(position, s) for position, s in self._other_sources if s.name == name]
            # stable: the sources of one document keep the order of its placements
            ordered = sorted(mine + others, key=lambda item: item[0]) if others else mine
            found = [source for _, source in ordered]
            found.extend(
                SecretSource(
                    "secretGenerator",
                    generated.name,
                    generated.placement,
                    generated.keys,
                    None,
                    None,
                    generated.kustomization,
                )
                for generated in self.graph.generated
                if generated.name == name
            )
            self._secrets[name] = found
        return found

    def secrets_named(self, name: str) -> list[SecretSource]:
        """Everything that provides a Secret called ``name``, in any namespace."""
        return self._secret_sources(name)

    def secrets(self, name: str, placement: Placement) -> list[SecretSource]:
        return [
            s
            for s in self._secret_sources(name)
            if clusters_match(s.placement.cluster, placement.cluster)
            and (s.placement.namespace is None or s.placement.namespace == placement.namespace)
        ]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _secret_source(doc: Document, placement: Placement) -> SecretSource | None:
    kind = doc.kind
    if kind == "Secret" and doc.api_version == "v1" and doc.name:
        keys = set(_dict(doc.data.get("data"))) | set(_dict(doc.data.get("stringData")))
        values = None if doc.sops else plain_values(doc.data)
        return SecretSource(kind, doc.name, placement, frozenset(keys), values, doc, doc.file)
    if kind == "ExternalSecret":
        spec = doc.spec
        target = _dict(spec.get("target"))
        name = target.get("name") or doc.name
        if not isinstance(name, str):
            return None
        es_keys: set[str] | None = {
            item["secretKey"]
            for item in _list(spec.get("data"))
            if isinstance(item, dict) and isinstance(item.get("secretKey"), str)
        }
        template_data = _dict(_dict(target.get("template")).get("data"))
        if template_data:
            es_keys = set(template_data)  # the template replaces the data keys
        if (
            (spec.get("dataFrom") and not template_data)
            or _dict(target.get("template")).get("templateFrom")
            or target.get("creationPolicy") == "Merge"
        ):
            # keys from a store, a template or a Secret made elsewhere: not in the repository
            es_keys = None
        return SecretSource(
            kind,
            name,
            placement,
            None if es_keys is None else frozenset(es_keys),
            None,
            doc,
            doc.file,
        )
    if kind == "SealedSecret":
        template_meta = _dict(_dict(doc.spec.get("template")).get("metadata"))
        name = template_meta.get("name") or doc.name
        if not isinstance(name, str):
            return None
        keys = set(_dict(doc.spec.get("encryptedData"))) | set(
            _dict(_dict(doc.spec.get("template")).get("data"))
        )
        return SecretSource(kind, name, placement, frozenset(keys), None, doc, doc.file)
    return None


def plain_values(data: dict[str, Any]) -> dict[str, str]:
    """A plain Secret's values as text: ``data`` base64-decoded, ``stringData`` as is."""
    values: dict[str, str] = {}
    for key, value in _dict(data.get("data")).items():
        if isinstance(value, str):
            try:
                values[str(key)] = base64.b64decode(value, validate=False).decode(
                    "utf-8", "replace"
                )
            except (binascii.Error, ValueError):
                values[str(key)] = value
    for key, value in _dict(data.get("stringData")).items():
        if isinstance(value, str | int | float | bool):
            values[str(key)] = str(value)
    return values
