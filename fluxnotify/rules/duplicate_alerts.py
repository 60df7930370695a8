"""duplicate-alerts: two Alerts deliver the same event to the same destination.

Every matching Alert sends (reference 3e; flux2#3072, #3406). An `info` and an
`error` Alert on the same sources post every error twice, because `info`
already includes errors. Same destination: the same Provider, or Providers
with the same type, address or Secret, and channel. Where the cluster is
unknown, only Alerts of the same file (always applied together) are compared,
and only by Provider name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fluxnotify.index import Placed
from fluxnotify.model import Context, Document, Placement, Problem, Severity
from fluxnotify.rules._refs import is_notification, ref_name, sources

ID = "duplicate-alerts"
SEVERITY = Severity.WARNING
SUMMARY = (
    "two Alerts deliver the same event to the same destination (info + error on the same sources)"
)
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False


def _destinations(doc: Document, placement: Placement, ctx: Context) -> set[tuple[Any, ...]]:
    name = ref_name(doc.spec, "providerRef")
    if name is None:
        return set()
    out: set[tuple[Any, ...]] = {("provider", name)}
    if placement.cluster is None:
        return out  # Providers of every cluster would match: compare by name only
    for placed in ctx.objects.find("Provider", name, placement):
        spec = placed.doc.spec
        target = spec.get("address") or ("secret", ref_name(spec, "secretRef"))
        out.add(("same", spec.get("type"), str(target), spec.get("channel")))
    return out


def _sources(doc: Document, namespace: str) -> set[tuple[str, str, str]] | None:
    """(kind, namespace, name) of each source; None when some source cannot be compared."""
    out = set()
    for _, entry, _ in sources(doc):
        if entry.get("matchLabels"):
            return None
        kind, name, ns = entry.get("kind"), entry.get("name"), entry.get("namespace", namespace)
        if not all(isinstance(v, str) for v in (kind, name, ns)):
            return None
        out.add((str(kind), str(ns), str(name)))
    return out


def _overlap(a: set[tuple[str, str, str]], b: set[tuple[str, str, str]]) -> bool:
    return any(
        ka == kb and na == nb and (xa == xb or "*" in (xa, xb))
        for ka, na, xa in a
        for kb, nb, xb in b
    )


def _filters(doc: Document) -> tuple[Any, Any, bool]:
    spec = doc.spec
    return (
        spec.get("inclusionList") or [],
        spec.get("exclusionList") or [],
        bool(spec.get("suspend")),
    )


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if not is_notification(doc, "Alert") or doc.spec.get("suspend"):
        return
    reported: set[int] = set()
    for placement in ctx.placements:
        if placement.namespace is None:
            continue
        mine = _sources(doc, placement.namespace)
        destinations = _destinations(doc, placement, ctx)
        if not mine or not destinations:
            continue
        for other in ctx.objects.at("Alert", placement):
            if not _same_place(other, doc, placement) or id(other.doc) in reported:
                continue
            if placement.cluster is None and other.doc.file is not doc.file:
                continue  # unknown cluster: only the same file is surely applied together
            theirs = _sources(other.doc, placement.namespace)
            if (
                theirs
                and _filters(other.doc) == _filters(doc)
                and _overlap(mine, theirs)
                and destinations & _destinations(other.doc, placement, ctx)
            ):
                reported.add(id(other.doc))
                line, _ = other.doc.locate()
                yield Problem(
                    f"Alert `{other.doc.name}` ({other.doc.file.display}:{line}) sends the same"
                    f" events to the same destination in namespace {placement.namespace}:"
                    " each is posted twice",
                    ("spec", "eventSources"),
                    key=True,
                    hint="an `info` Alert already receives errors; keep one Alert per destination,"
                    " or point the other at a different Provider or channel",
                )


def _same_place(other: Placed, doc: Document, placement: Placement) -> bool:
    return (
        other.doc is not doc
        and other.placement == placement
        and is_notification(other.doc, "Alert")
        and not other.doc.spec.get("suspend")
    )
