"""Pure builders: a checked :class:`InitSpec` in, Provider, Alert and Secret objects out.

Each object is a plain dict in the key order people write by hand, plus the
comments a reader needs next to the keys they explain (rendered by ``render``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fluxnotify.errors import UsageError
from fluxnotify.fluxversion import NOTIFICATION_GROUP, Served, served
from fluxnotify.generate.choices import SecretMode, Severity
from fluxnotify.generate.spec import InitSpec, Route, check_name

#: What a person must fill in where no value can be guessed (ExternalSecret fields).
PLACEHOLDER = "REPLACE_ME"
EXTERNAL_SECRET_API = "external-secrets.io/v1"

#: A key path inside a document; ``()`` is the top of the document.
KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """One Kubernetes object and the comments to put above some of its keys."""

    body: dict[str, Any]
    comments: dict[KeyPath, str] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return str(self.body["kind"])

    @property
    def name(self) -> str:
        return str(self.body["metadata"]["name"])


@dataclass(frozen=True)
class ManifestFile:
    filename: str
    documents: tuple[Document, ...]
    purpose: str


@dataclass(frozen=True)
class Bundle:
    """Everything ``init`` generates, in the order the files go into ``resources:``."""

    spec: InitSpec
    files: tuple[ManifestFile, ...]
    provider_names: tuple[str, ...]

    @property
    def documents(self) -> tuple[Document, ...]:
        return tuple(doc for f in self.files for doc in f.documents)


def notification_api_version(kind: str, flux_version: str) -> str:
    """The newest Alert or Provider apiVersion that ``flux_version`` serves without warning."""
    for version in ("v1beta3", "v1beta2"):
        api_version = f"{NOTIFICATION_GROUP}/{version}"
        if served(api_version, kind, flux_version).status is Served.SERVED:
            return api_version
    raise AssertionError(f"no served {kind} version for Flux {flux_version}")


def build(spec: InitSpec) -> Bundle:
    """The Secret (unless ``--secret-mode none``), Providers and Alerts for ``spec``."""
    files: list[ManifestFile] = []
    if spec.secret_mode is SecretMode.SOPS:
        files.append(_sops_secret_file(spec))
    elif spec.secret_mode is SecretMode.EXTERNAL:
        files.append(_external_secret_file(spec))
    if not spec.routed:
        route = spec.routes[0]
        provider = _provider(spec, spec.name, route.channel)
        alert = _alert(spec, spec.name, route)
        files.append(
            ManifestFile(
                "provider.yaml", (provider,), f"Provider {spec.name}: {_where(spec, route)}"
            )
        )
        files.append(
            ManifestFile("alert.yaml", (alert,), f"Alert {spec.name}: {_what(spec, route)}")
        )
        return Bundle(spec, tuple(files), (spec.name,))
    names = _route_names(spec)
    for route, name in zip(spec.routes, names, strict=True):
        files.append(
            ManifestFile(
                f"{name}.yaml",
                (_provider(spec, name, route.channel), _alert(spec, name, route)),
                f"Provider and Alert {name}: {_what(spec, route)}, {_where(spec, route)}",
            )
        )
    return Bundle(spec, tuple(files), names)


def _metadata(spec: InitSpec, name: str) -> dict[str, Any]:
    return {"name": name, "namespace": spec.namespace}


def _provider(spec: InitSpec, name: str, channel: str) -> Document:
    info = spec.info
    body: dict[str, Any] = {"type": spec.provider_type}
    comments: dict[KeyPath, str] = {}
    if channel:
        body["channel"] = channel
        if spec.slack_token:
            comments["spec", "channel"] = (
                "Invite the bot to this channel, or Slack refuses the post."
            )
    if spec.username:
        body["username"] = spec.username
        if spec.slack_token:
            comments["spec", "username"] = (
                "A bot token needs the chat:write.customize scope for this."
            )
    if info.spec_address:
        body["address"] = info.spec_address
    body["secretRef"] = {"name": spec.secret_name}
    if spec.secret_mode is SecretMode.NONE:
        # The Secret is created out of band; say so, and tell validate not to look for it.
        comments["spec", "secretRef", "name"] = (
            "Created with kubectl, as fluxnotify init printed.\nfluxnotify: disable=secret-ref"
        )
    document = {
        "apiVersion": notification_api_version("Provider", spec.flux_version),
        "kind": "Provider",
        "metadata": _metadata(spec, name),
        "spec": body,
    }
    return Document(document, comments)


def _alert(spec: InitSpec, name: str, route: Route) -> Document:
    sources = []
    for source in spec.event_sources:
        item = {"kind": source.kind, "name": source.name}
        if source.namespace:
            item["namespace"] = source.namespace
        sources.append(item)
    body: dict[str, Any] = {
        "providerRef": {"name": name},
        "eventSeverity": route.severity.value,
        "eventSources": sources,
    }
    comments: dict[KeyPath, str] = {("spec", "eventSeverity"): _severity_comment(spec, route)}
    if any(source.namespace is None for source in spec.event_sources):
        comments["spec", "eventSources"] = (
            f"A source without a namespace is looked up in {spec.namespace}, the Alert's own."
        )
    if spec.metadata:
        body["eventMetadata"] = dict(spec.metadata)
        comments["spec", "eventMetadata"] = "Shown in every message."
    regex_note = "RE2 regexes (Go syntax) matched against the event message."
    if spec.inclusions:
        body["inclusionList"] = list(spec.inclusions)
        comments["spec", "inclusionList"] = f"{regex_note} Only matching events are sent."
    if spec.exclusions:
        body["exclusionList"] = list(spec.exclusions)
        comments["spec", "exclusionList"] = f"{regex_note} Matching events are dropped."
    document = {
        "apiVersion": notification_api_version("Alert", spec.flux_version),
        "kind": "Alert",
        "metadata": _metadata(spec, name),
        "spec": body,
    }
    return Document(document, comments)


def _severity_comment(spec: InitSpec, route: Route) -> str:
    """Say what the level means, since ``info`` is read as "info only" so often."""
    if route.severity is Severity.ERROR:
        return "error sends failures only; info would send every event, errors included."
    text = "info also receives errors: Flux has no info-only level."
    error_channels = [r.channel for r in spec.routes if r.severity is Severity.ERROR]
    if error_channels:
        text += f"\nSo errors reach {route.channel} as well as {', '.join(error_channels)}."
    return text


def _sops_secret_file(spec: InitSpec) -> ManifestFile:
    keys = spec.info.keys
    body = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": _metadata(spec, spec.secret_name),
        # Empty until encrypted: nothing that looks like a credential is ever in plain text.
        "stringData": dict.fromkeys(keys, ""),
    }
    comments: dict[KeyPath, str] = {
        (): "Encrypt this file with sops, then fill in the values: never commit them in plain text.",
    }
    for key, what in keys.items():
        comments["stringData", key] = _sentence(what)
    purpose = (
        f"Secret {spec.secret_name}: {_keys(keys)}, empty; encrypt it with sops, then fill it in"
    )
    return ManifestFile("secret.yaml", (Document(body, comments),), purpose)


def _external_secret_file(spec: InitSpec) -> ManifestFile:
    keys = spec.info.keys
    data = [{"secretKey": key, "remoteRef": {"key": PLACEHOLDER}} for key in keys]
    body = {
        "apiVersion": EXTERNAL_SECRET_API,
        "kind": "ExternalSecret",
        "metadata": _metadata(spec, spec.secret_name),
        "spec": {
            "refreshInterval": "1h",
            "secretStoreRef": {"kind": "ClusterSecretStore", "name": PLACEHOLDER},
            "target": {"name": spec.secret_name},
            "data": data,
        },
    }
    comments: dict[KeyPath, str] = {
        ("spec", "secretStoreRef"): (
            f"The store that holds the value: a ClusterSecretStore, or a SecretStore in"
            f" {spec.namespace}."
        ),
        ("spec", "target"): "The Secret that the Provider's secretRef names.",
    }
    for index, what in enumerate(keys.values()):
        comments["spec", "data", index, "remoteRef", "key"] = f"Where the store keeps {what}."
    purpose = (
        f"ExternalSecret {spec.secret_name}: makes Secret {spec.secret_name} ({_keys(keys)})"
        " from your secret store"
    )
    return ManifestFile("secret.yaml", (Document(body, comments),), purpose)


def _route_names(spec: InitSpec) -> tuple[str, ...]:
    """``NAME-CHANNEL`` for each route, e.g. ``slack-devops-alerts`` for ``#devops-alerts``."""
    names: list[str] = []
    for route in spec.routes:
        slug = re.sub(r"[^a-z0-9]+", "-", route.channel.lower()).strip("-")
        name = f"{spec.name}-{slug}" if slug else ""
        if not name or len(name) > 63:
            raise UsageError(
                f"--route {route.channel!r} gives no usable object name ({name or 'empty'});"
                " use a shorter --name or channel"
            )
        check_name(name, f"--route {route.channel!r} gives the name")
        if name in names:
            raise UsageError(
                f"--route {route.channel!r} gives the name {name}, as another route does;"
                " route each channel once"
            )
        names.append(name)
    return tuple(names)


def _where(spec: InitSpec, route: Route) -> str:
    mode = " (bot token)" if spec.slack_token else ""
    return f"posts to {spec.provider_type}{mode}" + (f" {route.channel}" if route.channel else "")


def _what(spec: InitSpec, route: Route) -> str:
    sources = ", ".join(str(s) for s in spec.event_sources)
    return f"{route.severity.value} events from {sources}"


def _keys(keys: dict[str, str]) -> str:
    return ", ".join(f"key {key}" for key in keys)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."
