"""Where Flux applies each object: its cluster and its effective namespace(s).

The namespace an object lands in is decided at build time: the ``namespace:``
of a kustomization.yaml or Component that includes it (the outermost one
wins), else the ``spec.targetNamespace`` of the Flux Kustomization whose
``spec.path`` builds it, else its own ``metadata.namespace``. One file included
from several places has several placements.

Clusters: a Flux Kustomization that no other Kustomization's path covers is an
entry point; the folder it lives in (less a trailing ``flux-system``, ``flux``
or ``cluster``) names its cluster. Objects that no entry point reaches have an
unknown cluster and match every cluster. The guiding rule is to report a
broken reference only when sure, so unknowns always resolve.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from fluxnotify.discovery import KUSTOMIZATION_FILES
from fluxnotify.model import Document, Placement, SourceFile

FLUX_KUSTOMIZE_GROUP = "kustomize.toolkit.fluxcd.io"
_CLUSTER_SUFFIXES = ("flux-system", "flux", "cluster", "clusters", "bootstrap", "config")


class Generated(NamedTuple):
    """A Secret a kustomize ``secretGenerator`` makes."""

    name: str
    keys: frozenset[str] | None
    kustomization: SourceFile
    placement: Placement


class Graph:
    def __init__(self) -> None:
        #: ``id()`` of a Document -> where it is applied
        self.placements: dict[int, set[Placement]] = {}
        self.generated: list[Generated] = []
        self.clusters: set[str] = set()
        #: (``id()`` of a Document, placement) -> the kustomize builds that produce it there:
        #: a Flux Kustomization's ``spec.path`` (by its file and index), an entry point (by
        #: its file), or a kustomization.yaml no entry point reaches (by its folder)
        self.builds: dict[tuple[int, Placement], set[str]] = {}
        #: a stored graph's placements and builds (from_plain), by (file path, document
        #: index), made into sets when a rule first asks about the document: a run that
        #: checks one file asks about a few of thousands
        self._pending: dict[tuple[str, int], tuple[Any, list[Any]]] = {}
        #: the files' paths, by ``id()`` of their SourceFile (for ``_pending``)
        self._paths: dict[int, str] = {}

    def of(self, doc: Document) -> set[Placement]:
        """Where ``doc`` is applied; never empty (unknown placements at worst)."""
        found = self.placements.get(id(doc))
        if found is None and self._pending:
            found = self._take(doc)
        if found:
            return found
        return {Placement(None, doc.namespace)}

    def builds_of(self, doc: Document, placement: Placement) -> set[str]:
        """The builds that produce ``doc`` at ``placement`` (empty: none known)."""
        if self._pending and id(doc) not in self.placements:
            self._take(doc)
        return self.builds.get((id(doc), placement), set())

    def known(self, source: SourceFile, path: str) -> None:
        """Make a file made after the graph was taken from the snapshot known to it."""
        self._paths[id(source)] = path

    def _take(self, doc: Document) -> set[Placement] | None:
        """Make the stored placements and builds of ``doc`` into this graph's."""
        entry = self._pending.pop((self._paths.get(id(doc.file), ""), doc.index), None)
        if entry is None:
            return None
        found, builds = entry
        key = id(doc)
        try:
            placements = {Placement(cluster, namespace) for cluster, namespace in found}
            made = {(key, Placement(c, ns)): set(by) for c, ns, by in builds}
        except (TypeError, ValueError):
            return None  # not of the shape to_plain writes: unknown, as for any object
        self.placements[key] = placements
        self.builds.update(made)
        return placements

    def _take_all(self, files: dict[str, SourceFile]) -> None:
        if self._pending:
            for source in files.values():
                for doc in source.documents:
                    self._take(doc)


def _is_flux_kustomization(doc: Document) -> bool:
    return doc.kind == "Kustomization" and doc.group == FLUX_KUSTOMIZE_GROUP


def _cluster_name(root: str, path: str) -> str:
    folder = os.path.dirname(os.path.relpath(path, root))
    parts = [p for p in folder.split(os.sep) if p and p != "."]
    while parts and parts[-1] in _CLUSTER_SUFFIXES:
        parts.pop()
    return "/".join(parts) or "."


class _Builder:
    def __init__(self, root: str, files: dict[str, SourceFile]) -> None:
        self.root = root
        self.files = files
        self.graph = Graph()
        self.seen: set[tuple[str, str | None, str | None, str]] = set()
        self.kustomizations: dict[str, tuple[str, Document]] = {}
        self.candidates: set[str] = set()
        #: candidate entry point -> the candidates whose walk reaches it
        self.reached_by: dict[str, set[str]] = defaultdict(set)
        self.by_dir: dict[str, list[str]] = defaultdict(list)
        self.folders: set[str] = set()
        for path, source in files.items():
            folder = os.path.dirname(path)
            self.by_dir[folder].append(path)
            if os.path.basename(path) in KUSTOMIZATION_FILES and source.documents:
                self.kustomizations[folder] = (path, source.documents[0])
            while folder.startswith(root) and folder not in self.folders:
                self.folders.add(folder)
                folder = os.path.dirname(folder)
        self._suffixes: dict[str, list[str]] | None = None

    def flux_kustomizations(self) -> Iterator[tuple[str, Document]]:
        for path, source in self.files.items():
            for doc in source.documents:
                if _is_flux_kustomization(doc):
                    yield path, doc

    def target_dir(self, doc: Document) -> str | None:
        """The folder ``spec.path`` names, relative to the repository root, or else to the
        one folder of the repository it is a suffix of (a source whose root is a subfolder)."""
        path = doc.spec.get("path")
        if not isinstance(path, str) or "${" in path:
            return None
        relative = os.path.normpath(path.lstrip("/"))
        direct = os.path.join(self.root, relative) if relative != "." else self.root
        if direct in self.folders or relative == ".":
            return direct
        matches = self.suffixes().get(relative, ())
        return matches[0] if len(matches) == 1 else None

    def suffixes(self) -> dict[str, list[str]]:
        """ "a/b" -> the folders of the repository that end with a/b (built when first needed)."""
        if self._suffixes is None:
            self._suffixes = defaultdict(list)
            for folder in self.folders:
                parts = os.path.relpath(folder, self.root).split(os.sep)
                for start in range(1, len(parts)):
                    self._suffixes[os.sep.join(parts[start:])].append(folder)
        return self._suffixes

    def build(self) -> Graph:
        entries = list(self.flux_kustomizations())
        builders: dict[str, set[str]] = defaultdict(set)
        for path, doc in entries:
            target = self.target_dir(doc)
            if target is not None:
                builders[target].add(path)
        # Candidates: no other Kustomization's spec.path builds their folder. Each is walked
        # under its own name; one that another candidate's walk reaches (a kustomization.yaml
        # `resources:` entry, say) is part of that candidate's cluster, not an entry point.
        self.candidates = {p for p, _ in entries if not self._built_by_other(p, builders)}
        for path in sorted(self.candidates):
            self.visit_file(path, path, None, f"entry:{path}")
        self._name_clusters()
        # What no entry point reaches still has kustomize namespaces: walk from
        # every kustomization that nothing includes, with an unknown cluster.
        included = self.included_paths()
        reached = {key[0] for key in self.seen}
        for directory, (path, _doc) in sorted(self.kustomizations.items()):
            if path in included or directory in included or directory in reached:
                continue
            self.visit_dir(directory, None, None, f"kustomize:{directory}")
        return self.graph

    def _entry_of(self, candidate: str) -> str:
        """The entry point whose walk reaches ``candidate`` (itself when none does)."""
        seen = {candidate}
        current = candidate
        while True:
            reachers = sorted(self.reached_by[current] - seen)
            if not reachers:
                return current
            current = reachers[0]
            seen.add(current)

    def _name_clusters(self) -> None:
        names = {c: _cluster_name(self.root, self._entry_of(c)) for c in self.candidates}
        self.graph.clusters = set(names.values())

        def rename(p: Placement) -> Placement:
            return Placement(names[p.cluster], p.namespace) if p.cluster in names else p

        for key, placements in self.graph.placements.items():
            self.graph.placements[key] = {rename(p) for p in placements}
        builds: dict[tuple[int, Placement], set[str]] = {}
        for (key, placement), made_by in self.graph.builds.items():
            builds.setdefault((key, rename(placement)), set()).update(made_by)
        self.graph.builds = builds
        self.graph.generated = [
            Generated(g.name, g.keys, g.kustomization, rename(g.placement))
            for g in self.graph.generated
        ]

    def _built_by_other(self, path: str, builders: dict[str, set[str]]) -> bool:
        """Whether a Flux Kustomization other than the one in ``path`` builds a folder above it."""
        folder = os.path.dirname(path)
        while True:
            if builders.get(folder, set()) - {path}:
                return True
            parent = os.path.dirname(folder)
            if parent == folder or not folder.startswith(self.root):
                return False
            folder = parent

    def included_paths(self) -> set[str]:
        out: set[str] = set()
        for directory, (_path, doc) in self.kustomizations.items():
            for entry in _entries(doc.data):
                out.add(os.path.normpath(os.path.join(directory, entry)))
        return out

    def visit_flux(self, path: str, doc: Document, cluster: str | None) -> None:
        """Walk what the Flux Kustomization ``doc`` (in the file at absolute ``path``) builds."""
        directory = self.target_dir(doc)
        if directory is None:
            return
        override = doc.spec.get("targetNamespace")
        build = f"flux:{path}#{doc.index}"
        self.visit_dir(directory, cluster, override if isinstance(override, str) else None, build)

    def visit_dir(
        self, directory: str, cluster: str | None, override: str | None, build: str
    ) -> None:
        key = (directory, cluster, override, build)
        if key in self.seen:
            return
        self.seen.add(key)
        kustomization = self.kustomizations.get(directory)
        if kustomization is not None:
            self.visit_kustomization(directory, kustomization[1], cluster, override, build)
            return
        # Flux generates a kustomization of every manifest below a folder without one.
        for current, dirs, _files in os.walk(directory):
            if current != directory and current in self.kustomizations:
                self.visit_dir(current, cluster, override, build)
                dirs[:] = []
                continue
            for path in self.by_dir.get(current, ()):
                self.visit_file(path, cluster, override, build)

    def visit_kustomization(
        self, directory: str, doc: Document, cluster: str | None, override: str | None, build: str
    ) -> None:
        own = doc.data.get("namespace")
        namespace = override or (own if isinstance(own, str) else None)
        for entry in _entries(doc.data):
            target = os.path.normpath(os.path.join(directory, entry))
            if target in self.files:
                self.visit_file(target, cluster, namespace, build)
            elif os.path.isdir(target):
                self.visit_dir(target, cluster, namespace, build)
        for generator in _list(doc.data.get("secretGenerator")):
            if isinstance(generator, dict) and isinstance(generator.get("name"), str):
                placement = Placement(cluster, generator.get("namespace") or namespace)
                self.graph.generated.append(
                    Generated(
                        generator["name"],
                        _generator_keys(generator),
                        self.files[self.kustomizations[directory][0]],
                        placement,
                    )
                )

    def visit_file(self, path: str, cluster: str | None, override: str | None, build: str) -> None:
        key = (path, cluster, override, build)
        if key in self.seen:
            return
        self.seen.add(key)
        source = self.files.get(path)
        if source is None:
            return
        if path in self.candidates and cluster is not None and cluster != path:
            self.reached_by[path].add(cluster)
        for doc in source.documents:
            namespace = override or doc.namespace
            placement = Placement(cluster, namespace)
            self.graph.placements.setdefault(id(doc), set()).add(placement)
            self.graph.builds.setdefault((id(doc), placement), set()).add(build)
            if _is_flux_kustomization(doc):
                self.visit_flux(path, doc, cluster)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _entries(data: dict[str, Any]) -> Iterable[str]:
    """Local resources, bases and components of a kustomization (URLs are outside the repo)."""
    for key in ("resources", "bases", "components"):
        for entry in _list(data.get(key)):
            if (
                isinstance(entry, str)
                and "://" not in entry
                and not entry.startswith("github.com/")
            ):
                yield entry


def _generator_keys(generator: dict[str, Any]) -> frozenset[str] | None:
    keys: set[str] = set()
    if _list(generator.get("envs")) or generator.get("env"):
        return None  # keys live in a file we do not read
    for literal in _list(generator.get("literals")):
        if isinstance(literal, str) and "=" in literal:
            keys.add(literal.split("=", 1)[0])
    for item in _list(generator.get("files")):
        if isinstance(item, str):
            keys.add(item.split("=", 1)[0] if "=" in item else os.path.basename(item))
    return frozenset(keys)


def build_graph(root: str, files: dict[str, SourceFile]) -> Graph:
    return _Builder(root, files).build()


#: What the graph reads of a file (``facts``): when no file's facts changed, the graph of
#: an earlier run is this run's (cache.py keeps it).
Facts = tuple[Any, ...]


def facts(path: str, source: SourceFile) -> Facts:
    """Everything ``build_graph`` reads of the file at ``path``, as plain data; with each
    object's name, so that the cache can tell who the objects are without reading them."""
    docs = []
    for doc in source.documents:
        build = None
        if _is_flux_kustomization(doc):
            spec = doc.spec
            build = (spec.get("path"), spec.get("targetNamespace"))
        docs.append((doc.index, doc.api_version, doc.kind, doc.namespace, doc.name, build))
    kustomization = None
    if os.path.basename(path) in KUSTOMIZATION_FILES and source.documents:
        data = source.documents[0].data
        kustomization = tuple(data.get(key) for key in _KUSTOMIZATION_KEYS)
    return (tuple(docs), kustomization)


_KUSTOMIZATION_KEYS = ("namespace", "resources", "bases", "components", "secretGenerator")


def to_plain(graph: Graph, files: dict[str, SourceFile]) -> tuple[Any, ...]:
    """The graph as plain data: each document's placements and builds by (file path,
    document index), as ``Graph._pending`` takes them; the secretGenerators; the clusters."""
    graph._take_all(files)
    where = {
        id(doc): (path, doc.index) for path, source in files.items() for doc in source.documents
    }
    paths = {id(source): path for path, source in files.items()}
    pending: dict[tuple[str, int], tuple[list[Any], list[Any]]] = {}
    for key, found in graph.placements.items():
        pending[where[key]] = ([tuple(p) for p in sorted(found, key=_order)], [])
    for (key, placement), made in graph.builds.items():
        pending[where[key]][1].append((*placement, sorted(made)))
    generated = [
        (
            g.name,
            None if g.keys is None else sorted(g.keys),
            paths[id(g.kustomization)],
            *g.placement,
        )
        for g in graph.generated
    ]
    return (pending, generated, sorted(graph.clusters))


def from_plain(plain: tuple[Any, ...], files: dict[str, SourceFile]) -> Graph:
    """The Graph ``to_plain`` made ``plain`` of, for this run's documents (KeyError and
    friends when it does not fit them). Each document's placements are made when first
    asked for."""
    pending, generated, clusters = plain
    if not isinstance(pending, dict):
        raise TypeError("not a stored graph")
    graph = Graph()
    graph._pending = dict(pending)  # (taken from as documents are asked about)
    graph._paths = {id(source): path for path, source in files.items()}
    graph.generated = [
        Generated(name, None if keys is None else frozenset(keys), files[path], Placement(c, ns))
        for name, keys, path, c, ns in generated
    ]
    graph.clusters = set(clusters)
    return graph


def _order(placement: Placement) -> tuple[str, str]:
    return (placement.cluster or "", placement.namespace or "")
