"""Where events go: one event through every Alert of the project, or every object's routes.

The project model is validate's (fluxnotify/project.py): each object's effective
namespace and cluster come from the kustomize and Flux graph, Providers are
found in the Alert's namespace of the same cluster. The matching itself is
fluxnotify/matching.py, the controller's rules in one place. Nothing here prints.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from fluxnotify.config import load_config
from fluxnotify.engine import Options, open_project
from fluxnotify.fluxversion import NOTIFICATION_GROUP
from fluxnotify.index import Index, Placed, clusters_match
from fluxnotify.matching import KIND_GROUPS, Event, Verdict, match_alert, match_provider
from fluxnotify.model import Document, Placement
from fluxnotify.project import Project
from fluxnotify.redact import redact_url
from fluxnotify.root import find_root
from fluxnotify.rules import RULES

#: Version of the ``--format json`` shapes (docs/route.md); bumped on any incompatible change.
JSON_VERSION = 1


class Destination(NamedTuple):
    """A Provider as a place messages arrive, described without any secret."""

    cluster: str | None
    namespace: str
    provider: str
    type: str
    #: channel and address in words: a redacted address, or the Secret that holds it
    target: str
    #: what makes two Providers the same destination
    key: tuple[Any, ...]

    @property
    def label(self) -> str:
        return f"{self.namespace}/{self.provider} ({self.type}{', ' + self.target if self.target else ''})"


class AlertRow(NamedTuple):
    """One Alert (where it is applied) and what it does with the event."""

    cluster: str | None
    namespace: str | None
    name: str
    path: str
    line: int
    verdict: Verdict
    destination: Destination | None
    #: other Alerts (namespace/name) delivering to the same destination
    duplicates: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        return f"{self.namespace or '?'}/{self.name}"


class Hop(NamedTuple):
    """An Alert delivering an object's events to a destination."""

    alert: str  # namespace/name
    destination: Destination
    #: only for some messages (the Alert's inclusion or exclusion regexes decide)
    filtered: bool


class ObjectRoutes(NamedTuple):
    cluster: str | None
    kind: str
    namespace: str | None
    name: str
    path: str
    errors: tuple[Hop, ...]
    infos: tuple[Hop, ...]


class SilentAlert(NamedTuple):
    """An Alert through which no object of the repository reaches a destination."""

    cluster: str | None
    namespace: str | None
    name: str
    path: str


class Routes(NamedTuple):
    objects: list[ObjectRoutes]
    #: the repository runs the controllers with --no-cross-namespace-refs=true
    blocks_cross_namespace_refs: bool
    #: Alerts that deliver no object's events (a source nobody matches, a missing Provider...)
    silent: list[SilentAlert]


# --- the project ---------------------------------------------------------------------------


def is_event_source(doc: Document) -> bool:
    """A Flux object whose controller sends events (Kustomization, HelmRelease, sources...)."""
    return KIND_GROUPS.get(doc.kind) == doc.group and doc.name is not None


def is_alert(doc: Document) -> bool:
    return doc.kind == "Alert" and doc.group == NOTIFICATION_GROUP and doc.name is not None


def labels_of(doc: Document) -> dict[str, str] | None:
    """The object's labels as written; None when the file was only scanned for identity."""
    if not doc.file.parsed:
        return None
    labels = doc.metadata.get("labels")
    if not isinstance(labels, Mapping):
        return {}
    return {str(k): str(v) for k, v in labels.items()}


def _rel(project: Project, doc: Document) -> str:
    return os.path.relpath(doc.file.path, project.root).replace(os.sep, "/")


def _alerts(project: Project) -> list[Placed]:
    found = [placed for placed in project.index.of_kind("Alert") if is_alert(placed.doc)]
    return sorted(found, key=lambda p: _placed_key(project, p))


def _placed_key(project: Project, placed: Placed) -> tuple[str, str, str, str, int]:
    return (
        placed.placement.cluster or "",
        placed.placement.namespace or "",
        placed.doc.name or "",
        _rel(project, placed.doc),
        placed.doc.index,
    )


def destination(provider: Placed, alert_cluster: str | None) -> Destination:
    """The Provider in words: type, channel, and where the address comes from (never its value)."""
    spec = provider.doc.spec
    kind = spec.get("type") if isinstance(spec.get("type"), str) else "?"
    parts = []
    channel = spec.get("channel")
    if isinstance(channel, str) and channel:
        parts.append(f"channel {channel}")
    address = spec.get("address")
    secret = spec.get("secretRef")
    secret_name = secret.get("name") if isinstance(secret, Mapping) else None
    namespace = provider.placement.namespace or provider.doc.namespace or "?"
    if isinstance(address, str) and address:
        url = urlsplit(address)
        # a URL is shown redacted; anything else (a connection string, a project ID) not at all
        shown = redact_url(address) if url.scheme and url.netloc else "address set"
        parts.append(shown)
        where: Any = ("address", address)
    elif isinstance(secret_name, str):
        parts.append(f"address in Secret {secret_name}")
        where = ("secret", namespace, secret_name)
    else:
        where = ("provider", namespace, provider.doc.name)
    cluster = provider.placement.cluster or alert_cluster
    key = (cluster, str(kind), where, channel if isinstance(channel, str) else None)
    return Destination(
        cluster, namespace, provider.doc.name or "?", str(kind), ", ".join(parts), key
    )


def _provider_for(index: Index, alert: Placed) -> Placed | None:
    ref = alert.doc.spec.get("providerRef")
    name = ref.get("name") if isinstance(ref, Mapping) else None
    if not isinstance(name, str) or alert.placement.namespace is None:
        return None
    found = [
        p
        for p in index.find("Provider", name, alert.placement)
        if p.doc.group == NOTIFICATION_GROUP
    ]
    if not found:
        return None
    exact = [p for p in found if p.placement == alert.placement]
    return min(exact or found, key=lambda p: (p.placement.cluster or "", str(p.doc.file.path)))


def _provider_name(alert: Document) -> str | None:
    ref = alert.spec.get("providerRef")
    name = ref.get("name") if isinstance(ref, Mapping) else None
    return name if isinstance(name, str) else None


def judge(project: Project, alert: Placed, event: Event) -> tuple[Verdict, Destination | None]:
    """The controller's verdict for one Alert (where it is applied) and the event."""
    namespace = alert.placement.namespace
    if namespace is None:
        return (
            Verdict(
                False,
                "namespace-unknown",
                "the Alert's namespace is not known from the repository (no metadata.namespace"
                " and no kustomize or Flux namespace applies to it)",
            ),
            None,
        )
    verdict = match_alert(alert.doc.spec, namespace, event)
    if not verdict.delivered:
        return verdict, None
    provider = _provider_for(project.index, alert)
    dispatch = match_provider(
        provider.doc.spec if provider else None,
        _provider_name(alert.doc),
        namespace,
        event,
        project.blocks_cross_namespace_refs,
    )
    if not dispatch.delivered:
        return dispatch, None
    assert provider is not None
    return verdict, destination(provider, alert.placement.cluster)


# --- one event -----------------------------------------------------------------------------


class EventRoute(NamedTuple):
    event: Event
    #: the clusters the event is simulated in (None: unknown, every cluster)
    clusters: tuple[str | None, ...]
    rows: list[AlertRow]
    #: the object is defined in the repository
    defined: bool

    @property
    def delivered(self) -> bool:
        return any(row.verdict.delivered for row in self.rows)


def objects_named(project: Project, kind: str, name: str) -> list[Placed]:
    return [p for p in project.index.named(kind, name) if is_event_source(p.doc)]


def route_event(
    project: Project,
    event: Event,
    clusters: Sequence[str | None],
    defined: bool,
) -> EventRoute:
    rows: list[AlertRow] = []
    for alert in _alerts(project):
        here = alert.placement.cluster
        if not any(clusters_match(here, c) for c in clusters):
            shown = ", ".join(sorted(str(c) for c in clusters))
            verdict = Verdict(
                False,
                "cluster",
                f"the Alert is applied in cluster `{here}`; the event comes from cluster {shown}",
            )
            target = None
        else:
            verdict, target = judge(project, alert, event)
        line, _ = alert.doc.locate()
        rows.append(
            AlertRow(
                here,
                alert.placement.namespace,
                alert.doc.name or "?",
                _rel(project, alert.doc),
                line,
                verdict,
                target,
            )
        )
    return EventRoute(event, tuple(clusters), _mark_duplicates(rows), defined)


def _mark_duplicates(rows: list[AlertRow]) -> list[AlertRow]:
    by_key: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for position, row in enumerate(rows):
        if row.destination is not None:
            by_key[row.destination.key].append(position)
    out = list(rows)
    for positions in by_key.values():
        if len(positions) < 2:
            continue
        for position in positions:
            others = tuple(rows[p].ref for p in positions if p != position)
            out[position] = out[position]._replace(duplicates=others)
    return out


# --- every object --------------------------------------------------------------------------


def route_all(project: Project, sources: Iterable[Document]) -> Routes:
    """Every event source's error and info routes, per cluster and effective namespace.

    The message is unknown, so Alerts with regexes route on condition (``Hop.filtered``).
    """
    alerts = _alerts(project)
    # Alerts by the (kind, namespace) their sources can match: few Alerts per event.
    by_source: dict[tuple[str, str], list[Placed]] = defaultdict(list)
    for alert in alerts:
        namespace = alert.placement.namespace
        if namespace is None:
            continue
        keys = set()
        for entry in alert.doc.spec.get("eventSources") or ():
            if isinstance(entry, Mapping) and isinstance(entry.get("kind"), str):
                ns = entry.get("namespace") or namespace
                keys.add((entry["kind"], str(ns)))
        for key in keys:
            by_source[key].append(alert)
    out: list[ObjectRoutes] = []
    #: (id of an Alert, its placement) that delivered something
    used: set[tuple[int, Placement]] = set()
    for doc in sources:
        if not is_event_source(doc):
            continue
        labels = labels_of(doc)
        for placement in sorted(project.index.placements(doc), key=_placement_key):
            out.append(_object_routes(project, doc, placement, labels, by_source, used))
    out.sort(key=lambda o: (o.cluster or "", o.namespace or "", o.kind, o.name, o.path))
    silent = [
        SilentAlert(
            alert.placement.cluster,
            alert.placement.namespace,
            alert.doc.name or "?",
            _rel(project, alert.doc),
        )
        for alert in alerts
        if (id(alert.doc), alert.placement) not in used
    ]
    return Routes(out, project.blocks_cross_namespace_refs, silent)


def _placement_key(p: Placement) -> tuple[str, str]:
    return (p.cluster or "", p.namespace or "")


def _object_routes(
    project: Project,
    doc: Document,
    placement: Placement,
    labels: dict[str, str] | None,
    by_source: Mapping[tuple[str, str], list[Placed]],
    used: set[tuple[int, Placement]],
) -> ObjectRoutes:
    name = doc.name or "?"
    hops: dict[str, list[Hop]] = {"error": [], "info": []}
    if placement.namespace is not None:
        candidates = by_source.get((doc.kind, placement.namespace), [])
        for severity in ("error", "info"):
            event = Event(doc.kind, name, placement.namespace, severity, None, labels=labels)
            for alert in candidates:
                if not clusters_match(alert.placement.cluster, placement.cluster):
                    continue
                verdict, target = judge(project, alert, event)
                if verdict.delivered and target is not None:
                    ref = f"{alert.placement.namespace}/{alert.doc.name}"
                    hops[severity].append(Hop(ref, target, verdict.filtered))
                    used.add((id(alert.doc), alert.placement))
    return ObjectRoutes(
        placement.cluster,
        doc.kind,
        placement.namespace,
        name,
        _rel(project, doc),
        _sorted_hops(hops["error"]),
        _sorted_hops(hops["info"]),
    )


def _sorted_hops(hops: list[Hop]) -> tuple[Hop, ...]:
    """Hops in a total order: one Alert applied in two clusters differs only in the cluster,
    and a tie would leave them in the set's (hash-seeded) order."""
    return tuple(
        sorted(
            set(hops),
            key=lambda h: (h.alert, h.destination.label, h.destination.cluster or "", h.filtered),
        )
    )


def load(paths: Sequence[str], root: Path | None) -> tuple[Project, list[Document]]:
    """The project around ``paths`` as validate opens it (same root, files, configuration
    excludes), and the objects in the files under ``paths``."""
    paths = tuple(paths) or (".",)
    project_root = root or find_root(paths)
    config = load_config(project_root, set(RULES))
    project = open_project(Options(paths=paths, root=project_root, config=config))
    documents = [doc for source in project.targets for doc in source.documents]
    return project, documents
