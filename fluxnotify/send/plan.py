"""From what the user asked to the request to send: the library behind ``test-send``.

Precedence, everywhere: command-line flags, then the environment (``FLUXNOTIFY_ADDRESS``,
``FLUXNOTIFY_TOKEN``), then the Provider and its Secret; a warning says when a value
replaces one the Provider had. Nothing here prints or exits.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fluxnotify.errors import ConfigError, UsageError
from fluxnotify.fluxversion import NEWEST, clamp, parse_flux_version
from fluxnotify.matching import Event, match_alert
from fluxnotify.redact import Scrubber, pem_secrets, redact_url
from fluxnotify.rules._credentials import is_placeholder
from fluxnotify.send import event as events
from fluxnotify.send.explain import Report, explain
from fluxnotify.send.http import Seam, Settings, deliver
from fluxnotify.send.payloads import (
    SLACK_API_URL,
    SUPPORTED_TYPES,
    Destination,
    OutboundRequest,
    PayloadError,
    build_request,
)
from fluxnotify.send.resolve import (
    DEFAULT_TIMEOUT,
    AlertConfig,
    Objects,
    ProviderConfig,
    parse_duration,
    resolve_alert,
    resolve_provider,
)

PLACEHOLDER_HINT = "fill in the real address in the Secret (encrypted), or pass --address URL"
_SHOWN_HEADERS = frozenset({"Content-Type", "Gotk-Component", "X-Signature"})


@dataclass(frozen=True)
class Inputs:
    """What the user gave, unparsed: flags and the environment variables the command read."""

    address: str | None = None
    env_address: str | None = None
    provider: str | None = None
    namespace: str | None = None
    alert: str | None = None
    provider_type: str | None = None
    channel: str | None = None
    username: str | None = None
    token: str | None = None  # from --token-env VAR
    token_label: str = ""
    env_token: str | None = None  # FLUXNOTIFY_TOKEN
    timeout: str | None = None
    proxy: str | None = None
    ca_pem: str | None = None
    cert_pem: str | None = None  # --cert-file, always with --key-file
    key_pem: str | None = field(default=None, repr=False)
    kind: str = events.DEFAULT_KIND
    name: str = events.DEFAULT_NAME
    object_namespace: str = events.DEFAULT_NAMESPACE
    severity: str = "info"
    message: str | None = None
    reason: str = events.DEFAULT_REASON
    metadata: Sequence[str] = ()
    flux_version: str | None = None


@dataclass(frozen=True)
class Plan:
    """A request ready to send, with everything needed to explain it safely."""

    request: OutboundRequest
    settings: Settings
    provider_type: str
    channel: str
    scrub: Scrubber
    warnings: tuple[str, ...] = ()
    trail: tuple[str, ...] = field(default_factory=tuple)
    #: the Provider's address cannot be a real one (``<url>``, ``YOUR/SLACK/WEBHOOK``): not sent
    placeholder: str | None = None

    @property
    def destination(self) -> str:
        return redact_url(self.request.url)


def flux_version(text: str | None) -> str:
    if text is None:
        return NEWEST
    parsed = parse_flux_version(text)
    if parsed is None:
        raise UsageError(f"--flux-version {text!r} is not a Flux version such as 2.9 or v2.8.1")
    return clamp(*parsed)


def parse_metadata(items: Sequence[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--metadata {item!r} is not KEY=VALUE")
        result[key.strip()] = value
    return result


def parse_timeout(text: str) -> float:
    """``--timeout``: seconds (``20``, ``2.5``) or a Provider duration (``1m30s``)."""
    try:
        seconds = float(text)
    except ValueError:
        try:
            seconds = parse_duration(text)
        except ValueError as exc:
            raise UsageError(f"--timeout: {exc}") from None
    if seconds <= 0:
        raise UsageError("--timeout must be more than zero")
    return seconds


def _pick(flag: str | None, label: str, provider_value: str, warnings: list[str]) -> str:
    if flag is None:
        return provider_value
    if provider_value and flag != provider_value:
        warnings.append(f"{label} replaces the Provider's value")
    return flag


def _alert_warnings(alert: AlertConfig, provider: str | None, inputs: Inputs) -> list[str]:
    """What would make Flux send this event differently through ``alert``: the Alert's own
    filters, checked by the controller's matching (the code behind ``fluxnotify route``)."""
    warnings = []
    if provider and provider != alert.provider:
        warnings.append(f"Alert {alert.ref} uses Provider {alert.provider!r}, not {provider!r}")
    message = events.DEFAULT_MESSAGE if inputs.message is None else inputs.message
    event = Event(
        inputs.kind, inputs.name, inputs.object_namespace, inputs.severity, message, inputs.reason
    )
    verdict = match_alert(alert.spec, alert.namespace or inputs.object_namespace, event)
    if not verdict.delivered:
        warnings.append(
            f"Alert {alert.ref} would not send this event: {verdict.reason}"
            " (fluxnotify route explains every Alert)"
        )
    return warnings


def _token(inputs: Inputs, config: ProviderConfig | None, warnings: list[str]) -> tuple[str, str]:
    """The token and where it came from: ``--token-env``, ``FLUXNOTIFY_TOKEN``, the Secret."""
    token = config.token if config else ""
    if inputs.token is not None:
        return _pick(inputs.token, inputs.token_label, token, warnings), inputs.token_label
    if inputs.env_token:
        return _pick(inputs.env_token, "FLUXNOTIFY_TOKEN", token, warnings), "FLUXNOTIFY_TOKEN"
    return token, "the Provider's Secret"


def _client_cert(
    inputs: Inputs, config: ProviderConfig | None, warnings: list[str]
) -> tuple[str | None, str | None, str]:
    """The client certificate, its key and where they came from: the flags, else certSecretRef."""
    if inputs.cert_pem is not None:
        if config and config.cert_pem and config.cert_pem != inputs.cert_pem:
            warnings.append("--cert-file/--key-file replace the Provider's client certificate")
        return inputs.cert_pem, inputs.key_pem, "--cert-file/--key-file"
    if config and config.cert_pem:
        source = f"`tls.crt`/`tls.key` of the certSecretRef Secret of Provider {config.ref}"
        return config.cert_pem, config.key_pem, source
    return None, None, ""


def make_plan(inputs: Inputs, load_objects: Callable[[], Objects]) -> Plan:
    """Resolve, validate and build; raises UsageError/ConfigError with a message to show."""
    version = flux_version(inputs.flux_version)
    if inputs.severity not in events.SEVERITIES:
        raise UsageError(f"--severity must be info or error, not {inputs.severity!r}")
    if inputs.kind not in events.KINDS:
        raise UsageError(f"--kind {inputs.kind!r} is not one of: {', '.join(events.KINDS)}")
    if inputs.provider_type is not None and inputs.provider_type not in SUPPORTED_TYPES:
        raise UsageError(
            f"--type {inputs.provider_type!r} is not one of: {', '.join(SUPPORTED_TYPES)}"
        )
    metadata = parse_metadata(inputs.metadata)
    timeout = parse_timeout(inputs.timeout) if inputs.timeout is not None else None

    warnings: list[str] = []
    trail: list[str] = []
    address, address_label = inputs.address, "--address"
    if address is None and inputs.env_address:
        address, address_label = inputs.env_address, "FLUXNOTIFY_ADDRESS"

    objects: list[tuple[Path, Mapping[str, Any]]] = []
    alert = None
    provider_name, namespace = inputs.provider, inputs.namespace
    if inputs.alert or provider_name:
        objects = list(load_objects())
    if inputs.alert:
        alert = resolve_alert(objects, inputs.alert, namespace)
        trail.append(f"Alert {alert.ref}")
        warnings.extend(_alert_warnings(alert, provider_name, inputs))
        if provider_name is None and address is None:
            provider_name, namespace = alert.provider, alert.namespace

    config: ProviderConfig | None = None
    if provider_name:
        config = resolve_provider(
            objects,
            provider_name,
            namespace,
            flux_version=version,
            address_override=address,
            override_label=address_label,
            secret_optional=bool(address or inputs.token or inputs.env_token),
        )
        trail.extend(config.trail)
        warnings.extend(config.warnings)
        if inputs.provider_type and inputs.provider_type != config.type:
            raise UsageError(
                f"--type {inputs.provider_type} contradicts Provider {config.ref} "
                f"(type {config.type or 'unset'})"
            )
        if config.type not in SUPPORTED_TYPES:
            raise ConfigError(
                f"Provider {config.ref} has type {config.type!r}; test-send supports "
                f"{', '.join(SUPPORTED_TYPES)}"
            )
    elif address is None:
        raise UsageError(
            "no destination: give --address URL, set FLUXNOTIFY_ADDRESS, "
            "or name a Provider with --provider NAME"
        )

    ptype = config.type if config else (inputs.provider_type or "slack")
    placeholder = None
    if config and address is None and is_placeholder(config.address, ptype, "address"):
        placeholder = f"the address of Provider {config.ref} is a placeholder, not a real URL"
        warnings.append(f"{placeholder}: test-send will not send to it")
    if address is not None:
        trail.append(f"address from {address_label}")
    token, token_source = _token(inputs, config, warnings)
    if token:
        trail.append(f"token from {token_source}")
    if token and ptype not in ("slack", "generic-hmac"):
        warnings.append(f"Flux sends no token for {ptype} Providers; it is ignored")

    channel = _pick(inputs.channel, "--channel", config.channel if config else "", warnings)
    username = _pick(inputs.username, "--username", config.username if config else "", warnings)
    dest = Destination(
        type=ptype,
        address=config.address if config else str(address),
        token=token,
        channel=channel,
        username=username,
        headers=config.headers if config else {},
    )
    event = events.make_event(
        kind=inputs.kind,
        name=inputs.name,
        namespace=inputs.object_namespace,
        severity=inputs.severity,
        message=events.DEFAULT_MESSAGE if inputs.message is None else inputs.message,
        reason=inputs.reason,
        metadata=metadata,
    )
    merged = events.process_metadata(
        event,
        alert_metadata=alert.event_metadata if alert else None,
        alert_summary=alert.summary if alert else None,
    )
    warnings.extend(merged.conflicts)
    try:
        request = build_request(merged.event, dest, version)
    except PayloadError as exc:
        if placeholder:
            raise ConfigError(placeholder, hint=PLACEHOLDER_HINT) from None
        raise (ConfigError if config else UsageError)(str(exc)) from None

    parts = urlsplit(dest.address)
    if ptype == "slack" and not request.api_mode and "chat.postMessage" in parts.path:
        warnings.append(
            f"the address is not exactly {SLACK_API_URL}: Flux treats Slack's "
            "`ok: false` answers to it as success"
        )
    if request.api_mode and not token:
        warnings.append("chat.postMessage needs a bot token (the Secret's `token` key)")

    cert_pem, key_pem, cert_source = _client_cert(inputs, config, warnings)
    if cert_pem:
        trail.append(f"client certificate from {cert_source}")
    settings = Settings(
        timeout=timeout or (config.timeout if config else DEFAULT_TIMEOUT),
        proxy=inputs.proxy or (config.proxy if config else None),
        ca_pem=inputs.ca_pem or (config.ca_pem if config else None),
        cert_pem=cert_pem,
        key_pem=key_pem,
        cert_source=cert_source,
    )
    secrets = [
        token,
        *(config.secrets if config else ()),
        inputs.proxy or "",
        *pem_secrets(inputs.key_pem),
    ]
    # request.url differs from the address for discord (the /slack endpoint).
    scrub = Scrubber.for_urls({request.url, dest.address}, secrets)
    return Plan(
        request=request,
        settings=settings,
        provider_type=ptype,
        channel=channel,
        scrub=scrub,
        warnings=tuple(scrub(w) for w in warnings),
        trail=tuple(scrub(t) for t in trail),
        placeholder=placeholder,
    )


def shown_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Request headers safe to print: credentials replaced by ``<redacted>``."""
    shown: dict[str, str] = {}
    for key, value in headers.items():
        if key in _SHOWN_HEADERS:
            shown[key] = value
        elif key == "Authorization":
            shown[key] = value.split(" ", 1)[0] + " <redacted>"
        else:
            shown[key] = "<redacted>"
    return shown


def dry_run(plan: Plan, output_format: str) -> str:
    """The request line, headers and exact body; nothing is sent."""
    headers = shown_headers(plan.request.headers)
    if output_format == "json":
        doc = {
            "dry_run": True,
            "method": "POST",
            "url": plan.destination,
            "headers": headers,
            "payload": plan.request.payload,
            "warnings": list(plan.warnings),
        }
        return plan.scrub(json.dumps(doc, ensure_ascii=False))
    lines = [f"POST {plan.destination}", *(f"{k}: {v}" for k, v in headers.items()), ""]
    lines.append(plan.request.body.decode("utf-8"))
    return plan.scrub("\n".join(lines))


def run(plan: Plan, seam: Seam | None = None) -> tuple[Report, tuple[str, ...]]:
    """Send, and return the report plus the lines ``--verbose`` shows."""
    delivery = deliver(plan.request, plan.settings, seam)
    report = explain(
        delivery,
        destination=plan.destination,
        provider_type=plan.provider_type,
        timeout=plan.settings.timeout,
        scrub=plan.scrub,
        channel=plan.channel,
        warnings=plan.warnings,
    )
    verbose = [*delivery.trail]
    if delivery.body and not delivery.delivered:
        body = " ".join(delivery.body.split())[:300]
        verbose.append(f"response body: {body}")
    return report, tuple(plan.scrub(line) for line in verbose)
