"""The synthetic Flux event, and the controller's metadata steps applied to it (reference 3e).

Facts: ../shared/reference/flux-notification-api.md, "The Flux Event object" (3d) and
3e steps 2, 4 and 6 ("Merge metadata", RFC-0008 order).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from fluxnotify.send.gojson import go_map

EVENT_GROUP = "event.toolkit.fluxcd.io"

#: Kinds an Alert can watch (reference 3c) -> (apiVersion, the controller that reports them).
KINDS: dict[str, tuple[str, str]] = {
    "Kustomization": ("kustomize.toolkit.fluxcd.io/v1", "kustomize-controller"),
    "HelmRelease": ("helm.toolkit.fluxcd.io/v2", "helm-controller"),
    "GitRepository": ("source.toolkit.fluxcd.io/v1", "source-controller"),
    "OCIRepository": ("source.toolkit.fluxcd.io/v1", "source-controller"),
    "Bucket": ("source.toolkit.fluxcd.io/v1", "source-controller"),
    "HelmChart": ("source.toolkit.fluxcd.io/v1", "source-controller"),
    "HelmRepository": ("source.toolkit.fluxcd.io/v1", "source-controller"),
    "ImageRepository": ("image.toolkit.fluxcd.io/v1beta2", "image-reflector-controller"),
    "ImagePolicy": ("image.toolkit.fluxcd.io/v1beta2", "image-reflector-controller"),
    "ImageUpdateAutomation": ("image.toolkit.fluxcd.io/v1beta2", "image-automation-controller"),
    "ArtifactGenerator": ("source.extensions.fluxcd.io/v1beta1", "source-watcher"),
    "ExternalArtifact": ("source.toolkit.fluxcd.io/v1", "source-watcher"),
}

DEFAULT_KIND = "Kustomization"
DEFAULT_NAME = "fluxnotify-test"
DEFAULT_NAMESPACE = "flux-system"
DEFAULT_REASON = "FluxnotifyTest"
DEFAULT_MESSAGE = (
    "Test notification sent by fluxnotify test-send, not by Flux: "
    "the address and the message work from where it ran; the network path of the "
    "cluster is not tested by it."
)
SEVERITIES = ("info", "error")


@dataclass(frozen=True)
class Event:
    """A Flux event (``fluxcd/pkg apis/event/v1beta1``); metadata as the controller holds it."""

    kind: str
    name: str
    namespace: str
    api_version: str
    severity: str
    timestamp: str
    message: str
    reason: str
    reporting_controller: str
    metadata: Mapping[str, str] = field(default_factory=dict)

    @property
    def group(self) -> str:
        return self.api_version.split("/", 1)[0] if "/" in self.api_version else ""

    @property
    def object_name(self) -> str:
        """``kind/name.namespace`` with a lower-case kind, as every chat notifier writes it."""
        return f"{self.kind.lower()}/{self.name}.{self.namespace}"

    def to_go(self) -> dict[str, Any]:
        """The event as Go encodes it: struct field order, omitempty fields left out."""
        doc: dict[str, Any] = {
            "involvedObject": {
                "kind": self.kind,
                "namespace": self.namespace,
                "name": self.name,
                "apiVersion": self.api_version,
            },
            "severity": self.severity,
            "timestamp": self.timestamp,
            "message": self.message,
            "reason": self.reason,
        }
        if self.metadata:
            doc["metadata"] = go_map(self.metadata)
        doc["reportingController"] = self.reporting_controller
        return doc


def make_event(
    *,
    kind: str = DEFAULT_KIND,
    name: str = DEFAULT_NAME,
    namespace: str = DEFAULT_NAMESPACE,
    severity: str = "info",
    message: str = DEFAULT_MESSAGE,
    reason: str = DEFAULT_REASON,
    metadata: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> Event:
    """The event a Flux controller would post for ``kind/namespace/name``.

    ``metadata`` keys without a ``/`` are treated as the controller's own metadata and get
    the object's group prefix (``revision`` -> ``kustomize.toolkit.fluxcd.io/revision``);
    keys with a prefix are kept as given, so the cleaning step can drop them as Flux would.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; one of: {', '.join(KINDS)}")
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be info or error, not {severity!r}")
    api_version, controller = KINDS[kind]
    group = api_version.split("/", 1)[0]
    raw = {
        (key if "/" in key else f"{group}/{key}"): value for key, value in (metadata or {}).items()
    }
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return Event(
        kind=kind,
        name=name,
        namespace=namespace,
        api_version=api_version,
        severity=severity,
        timestamp=stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        message=message,
        reason=reason,
        reporting_controller=controller,
        metadata=raw,
    )


@dataclass(frozen=True)
class Merged:
    """The event after the controller's metadata steps, and the conflicts it would log."""

    event: Event
    conflicts: tuple[str, ...]


def process_metadata(
    event: Event,
    *,
    alert_metadata: Mapping[str, str] | None = None,
    alert_summary: str | None = None,
) -> Merged:
    """Clean, strip and merge ``event.metadata`` as notification-controller does (3e).

    Step 2 keeps only ``event.toolkit.fluxcd.io/`` and ``<group>/`` keys and drops
    ``<group>/checksum`` and ``<group>/digest``; step 4 drops ``<group>/token``; step 6
    merges, lowest precedence first: event-group keys, Alert ``eventMetadata``, Alert
    ``summary``, object-group keys. A key set by two sources is a conflict (the controller
    records a ``MetadataAppendFailed`` Warning); the higher-precedence value wins.
    """
    event_prefix = f"{EVENT_GROUP}/"
    group_prefix = f"{event.group}/"
    dropped = {f"{group_prefix}{key}" for key in ("checksum", "digest", "token")}
    from_annotations: dict[str, str] = {}
    from_controller: dict[str, str] = {}
    for key, value in event.metadata.items():
        if key in dropped:
            continue
        if key.startswith(event_prefix):
            from_annotations[key[len(event_prefix) :]] = value
        elif key.startswith(group_prefix):
            from_controller[key[len(group_prefix) :]] = value
    layers: list[tuple[str, Mapping[str, str]]] = [
        ("involved object annotations", from_annotations),
        ("Alert object .spec.eventMetadata", dict(alert_metadata or {})),
        ("Alert object .spec.summary", {"summary": alert_summary} if alert_summary else {}),
        ("involved object controller metadata", from_controller),
    ]
    merged: dict[str, str] = {}
    origin: dict[str, str] = {}
    conflicts: list[str] = []
    for source, layer in layers:
        for key, value in layer.items():
            if key in origin:
                conflicts.append(f"metadata key {key!r}: {source} overrides {origin[key]}")
            merged[key] = value
            origin[key] = source
    return Merged(
        event=replace(event, metadata=merged),
        conflicts=tuple(conflicts),
    )
