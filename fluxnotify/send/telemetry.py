"""The two SDK types with their own wire formats: Sentry envelopes and OTLP/HTTP traces.

Facts: the controller's ``sentry.go`` (sentry-go v0.46.2) and ``otel.go`` (OpenTelemetry
Go, ``otlptracehttp``) at v1.9.3 (maintainers: ../shared/reference/providers.md section
6). Both SDKs add fields of their own (SDK name, device and runtime contexts, span
timing); these requests carry every field the controller sets, and the SDKs' framing,
so a receiver accepts or refuses them as it would the controller's.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from fluxnotify.fluxversion import NEWEST, minor_of
from fluxnotify.send import gojson
from fluxnotify.send.event import Event
from fluxnotify.send.payloads import Destination, OutboundRequest, PayloadError

SENTRY_SDK = {"name": "sentry.go", "version": "0.46.2"}


def _event_id(event: Event, salt: str) -> str:
    """Deterministic ids, so dry runs repeat byte for byte (the SDK draws random ones)."""
    return hashlib.sha256(f"{salt}:{gojson.dumps(event.to_go()).decode()}".encode()).hexdigest()


def sentry_request(event: Event, dest: Destination, flux_version: str = NEWEST) -> OutboundRequest:
    """``POST <scheme>://<host>/api/<project>/envelope/`` with the DSN's public key."""
    parts = urlsplit(dest.address)
    project = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or not parts.username
        or not project
    ):
        raise PayloadError(
            "invalid Sentry DSN: expected https://PUBLIC_KEY@HOST/PROJECT_ID in the address"
        )
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    base_path = parts.path.rstrip("/").rsplit("/", 1)[0]
    url = urlunsplit((parts.scheme, host, f"{base_path}/api/{project}/envelope/", "", ""))
    summary = f"{event.kind}: {event.namespace}/{event.name}"
    event_id = _event_id(event, "sentry")[:32]
    doc: dict[str, Any]
    if event.severity == "error":
        doc = {}
        if minor_of(flux_version) >= 9:
            doc["contexts"] = {"metadata": gojson.go_map(event.metadata)}
        if dest.channel:
            doc["environment"] = dest.channel
        doc["event_id"] = event_id
        if minor_of(flux_version) < 9 and event.metadata:
            doc["extra"] = gojson.go_map(event.metadata)
        doc |= {
            "level": "error",
            "message": event.message,
            "platform": "go",
            "sdk": SENTRY_SDK,
            "server_name": event.reporting_controller,
            "timestamp": event.timestamp,
            "transaction": summary,
        }
        item_type = "event"
    else:
        trace_id = _event_id(event, "trace")[:32]
        span_id = _event_id(event, "span")[:16]
        tags = gojson.go_map(
            {
                "flux_involved_object_kind": event.kind,
                "flux_involved_object_namespace": event.namespace,
                "flux_involved_object_name": event.name,
                "flux_reporting_controller": event.reporting_controller,
                "flux_reporting_instance": "",
                "flux_reason": event.reason,
                **event.metadata,
            }
        )
        span = {
            "trace_id": trace_id,
            "span_id": span_id,
            "op": "event",
            "tags": tags,
            "start_timestamp": event.timestamp,
            "timestamp": event.timestamp,
        }
        doc = {"contexts": {"trace": {"op": "event", "span_id": span_id, "trace_id": trace_id}}}
        if dest.channel:
            doc["environment"] = dest.channel
        doc |= {
            "event_id": event_id,
            "level": "info",
            "message": event.message,
            "platform": "go",
            "sdk": SENTRY_SDK,
            "tags": tags,
            "timestamp": event.timestamp,
            "transaction": summary,
            "type": "transaction",
            "spans": [span],
            "start_timestamp": event.timestamp,
        }
        item_type = "transaction"
    item = gojson.dumps(doc)
    header = {"event_id": event_id, "sent_at": event.timestamp, "sdk": SENTRY_SDK}
    body = (
        b"\n".join(
            [
                gojson.dumps(header),
                gojson.dumps({"type": item_type, "length": len(item)}),
                item,
            ]
        )
        + b"\n"
    )
    auth = (
        f"Sentry sentry_version=7, sentry_client=sentry.go/{SENTRY_SDK['version']}, "
        f"sentry_key={parts.username}"
    )
    return OutboundRequest(
        url=url,
        headers={"Content-Type": "application/x-sentry-envelope", "X-Sentry-Auth": auth},
        body=body,
        payload=doc,
    )


# --- OTLP/HTTP: protobuf written by hand (opentelemetry-proto trace/v1, common/v1) ----------


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (strings, bytes, messages)."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _fixed64(number: int, value: int) -> bytes:
    return _varint(number << 3 | 1) + struct.pack("<Q", value)


def _enum(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _attribute(key: str, value: str) -> bytes:
    """KeyValue{key=1, value=2: AnyValue{string_value=1}}."""
    return _field(1, key.encode()) + _field(2, _field(1, value.encode()))


def _unix_nanos(timestamp: str) -> int:
    from datetime import datetime

    return int(datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%S%z").timestamp()) * 1_000_000_000


def otel_span(event: Event, service: str, alert_uid: str = "fluxnotify") -> dict[str, Any]:
    """The span the controller exports, as data (what a dry run shows)."""
    revision = event.metadata.get("revision", "unknown")
    if "oci-digest" in event.metadata and "app-version" in event.metadata:
        revision = f"{event.metadata['app-version']}@{event.metadata['oci-digest']}"
    trace_id = hashlib.sha256(f"{alert_uid}:{revision}".encode()).hexdigest()[:32]
    attributes = {
        "object.uid": "",
        "object.kind": event.kind,
        "object.name": event.name,
        "object.namespace": event.namespace,
        **gojson.go_map(event.metadata),
    }
    return {
        "resource": {"service.name": service, "service.namespace": service.split("/", 1)[0]},
        "scope": "flux:notification-controller",
        "traceId": trace_id,
        "spanId": _event_id(event, "otel")[:16],
        "name": f"{event.kind}: {event.namespace}/{event.name}",
        "kind": "SPAN_KIND_INTERNAL",
        "startTimeUnixNano": _unix_nanos(event.timestamp),
        "attributes": attributes,
        "status": {
            "code": "STATUS_CODE_ERROR" if event.severity == "error" else "STATUS_CODE_OK",
            "message": event.message,
        },
    }


def otel_protobuf(span: dict[str, Any]) -> bytes:
    """ExportTraceServiceRequest{resource_spans=1: ResourceSpans{resource=1, scope_spans=2}}."""
    resource = b"".join(_field(1, _attribute(k, v)) for k, v in span["resource"].items())
    start = span["startTimeUnixNano"]
    status_code = 2 if span["status"]["code"] == "STATUS_CODE_ERROR" else 1
    # Span: trace_id=1, span_id=2, name=5, kind=6, start=7, end=8, attributes=9, status=15
    body = (
        _field(1, bytes.fromhex(span["traceId"]))
        + _field(2, bytes.fromhex(span["spanId"]))
        + _field(5, span["name"].encode())
        + _enum(6, 1)
        + _fixed64(7, start)
        + _fixed64(8, start)
        + b"".join(_field(9, _attribute(k, v)) for k, v in span["attributes"].items())
        + _field(15, _field(2, span["status"]["message"].encode()) + _enum(3, status_code))
    )
    scope = _field(1, _field(1, span["scope"].encode()))  # InstrumentationScope{name=1}
    scope_spans = scope + _field(2, body)
    resource_spans = _field(1, resource) + _field(2, scope_spans)
    return _field(1, resource_spans)


def otel_request(
    event: Event, dest: Destination, service: str, flux_version: str = NEWEST
) -> OutboundRequest:
    """POST the address as given; ``Authorization`` only when the Secret has ``headers``."""
    if event.kind == "HelmRepository":
        raise PayloadError("Flux exports no span for HelmRepository events")
    span = otel_span(event, service)
    headers = {"Content-Type": "application/x-protobuf"}
    extra = dict(dest.headers)
    token = dest.token or dest.password
    if extra and "Authorization" not in extra and token:
        if dest.username:
            import base64

            pair = base64.b64encode(f"{dest.username}:{token}".encode()).decode()
            extra["Authorization"] = f"Basic {pair}"
        else:
            extra["Authorization"] = f"Bearer {token}"
    headers |= extra
    return OutboundRequest(
        url=dest.address, headers=headers, body=otel_protobuf(span), payload=span
    )


def build_request(event: Event, dest: Destination, flux_version: str = NEWEST) -> OutboundRequest:
    """The request of a sentry or otel Provider."""
    if dest.type == "sentry":
        if not dest.address:
            raise PayloadError("DSN cannot be empty: put the Sentry DSN in the address")
        return sentry_request(event, dest, flux_version)
    parts = urlsplit(dest.address)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PayloadError("invalid otel address: it must be an absolute http(s) URL")
    return otel_request(event, dest, dest.alert, flux_version)
