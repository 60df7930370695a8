"""Helpers several reference rules share: reading references out of specs."""

from __future__ import annotations

from collections.abc import Iterator
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


def referrers(objects: Index, kind: str, field: str) -> dict[str | None, list[Placed]]:
    """The notification objects of ``kind`` by ``ref_name(spec, field)`` (None: no literal
    name), in project order: made once per index, so a rule that asks "which Providers read
    this Secret?" for each Secret looks up its name instead of walking every Provider."""
    return objects.derived(_referrers, kind, field)


def _referrers(objects: Index, kind: str, field: str) -> dict[str | None, list[Placed]]:
    table: dict[str | None, list[Placed]] = {}
    for placed in objects.of_kind(kind):
        doc = placed.doc
        if is_notification(doc, kind):
            table.setdefault(ref_name(doc.spec, field), []).append(placed)
    return table
