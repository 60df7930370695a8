"""Helpers several reference rules share: reading references out of specs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from fluxnotify import fluxversion
from fluxnotify.model import Document
from fluxnotify.schemas import POST_BUILD_VAR

if TYPE_CHECKING:
    from fluxnotify.index import Index, Placed


def is_notification(doc: Document, *kinds: str) -> bool:
    return doc.group == fluxversion.NOTIFICATION_GROUP and doc.kind in kinds


def ref_name(spec: dict[str, Any], field: str) -> str | None:
    """``spec.<field>.name`` when it is a literal name (not a post-build variable)."""
    ref = spec.get(field)
    name = ref.get("name") if isinstance(ref, dict) else None
    if not isinstance(name, str) or not name or POST_BUILD_VAR.search(name):
        return None
    return name


def sources(doc: Document) -> Iterator[tuple[int, dict[str, Any], str]]:
    """(index, entry, list field) for an Alert's eventSources or a Receiver's resources."""
    field = "eventSources" if doc.kind == "Alert" else "resources"
    entries = doc.spec.get(field)
    if not isinstance(entries, list):
        return
    for index, entry in enumerate(entries):
        if isinstance(entry, dict):
            yield index, entry, field


def referrers(
    objects: Index, kind: str, field: str, name: str | None, namespaces: Iterable[str | None]
) -> list[Placed]:
    """The notification objects of ``kind`` applied in one of ``namespaces`` whose
    ``spec.<field>.name`` is ``name`` (None: no literal name), in project order.

    Made per kind, field and namespace when first asked, and kept: a rule that asks "which
    Providers read this Secret?" for every Secret looks its name up, and a run that checks
    one Secret reads the Providers of its namespace only."""
    found = [
        item
        for namespace in set(namespaces)
        for item in objects.derived(_referrers, kind, field, namespace).get(name, ())
    ]
    if len(found) > 1:
        found.sort(key=lambda item: item[0])
    return [placed for _, placed in found]


def _by_namespace(objects: Index, kind: str) -> dict[str | None, list[tuple[int, Placed]]]:
    """The objects of ``kind`` by the namespace they are applied in, with their position."""
    table: dict[str | None, list[tuple[int, Placed]]] = {}
    for position, placed in enumerate(objects.of_kind(kind)):
        table.setdefault(placed.placement.namespace, []).append((position, placed))
    return table


def _referrers(
    objects: Index, kind: str, field: str, namespace: str | None
) -> dict[str | None, list[tuple[int, Placed]]]:
    table: dict[str | None, list[tuple[int, Placed]]] = {}
    for position, placed in objects.derived(_by_namespace, kind).get(namespace, ()):
        if is_notification(placed.doc, kind):
            table.setdefault(ref_name(placed.doc.spec, field), []).append((position, placed))
    return table
