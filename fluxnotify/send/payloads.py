"""Each notifier's HTTP request, built as notification-controller builds it.

Facts: ../shared/reference/flux-notification-api.md 3b (inputs per type) and 3d (the Slack
request and payload, the generic webhook). Where the reference is silent (discord, rocket,
msteams, googlechat) the shapes follow the controller's notifier sources as read at the
time of writing; each builder says so, and none claims a per-version difference the
reference does not document.
"""

from __future__ import annotations

import hashlib
import hmac
import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from fluxnotify.fluxversion import NEWEST, minor_of
from fluxnotify.send import gojson
from fluxnotify.send.event import Event

SLACK_API_URL = "https://slack.com/api/chat.postMessage"


@dataclass(frozen=True)
class Destination:
    """What a Provider and its Secret give a notifier (reference 3b)."""

    type: str
    address: str
    token: str = ""
    channel: str = ""
    username: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OutboundRequest:
    """One POST, ready to send: ``body`` holds the exact bytes the controller would send."""

    url: str
    headers: Mapping[str, str]
    body: bytes
    payload: Any
    #: The Slack Web API answers 200 even on failure; only ``{"ok": true}`` counts there.
    api_mode: bool = False


def _slack_attachment(event: Event, color: str, *, fallback: bool) -> dict[str, Any]:
    attachment: dict[str, Any] = {}
    if fallback:
        attachment["fallback"] = f"{event.object_name}: {event.message.split(chr(10), 1)[0]}"
    attachment |= {
        "color": color,
        "author_name": event.object_name,
        "text": event.message,
        "mrkdwn_in": ["text"],
        # Go ranges over the map in random order; sorted keeps dry runs reproducible.
        "fields": [
            {"title": key, "value": value, "short": False}
            for key, value in gojson.go_map(event.metadata).items()
        ],
    }
    return attachment


def _slack_shaped(
    event: Event, *, channel: str, username: str, color: str, fallback: bool
) -> dict[str, Any]:
    # `text` is omitempty and never set, so it is absent (3d "Payload shape").
    return {
        "channel": channel,
        "username": username,
        "icon_url": "",
        "icon_emoji": "",
        "attachments": [_slack_attachment(event, color, fallback=fallback)],
    }


def slack_payload(event: Event, dest: Destination, flux_version: str = NEWEST) -> dict[str, Any]:
    """Reference 3d field for field; ``fallback`` only from Flux 2.9 (NC v1.9.0)."""
    return _slack_shaped(
        event,
        channel=dest.channel,
        username=dest.username or event.reporting_controller,
        color="danger" if event.severity == "error" else "good",
        fallback=minor_of(flux_version) >= 9,
    )


def discord_payload(event: Event, dest: Destination, flux_version: str = NEWEST) -> dict[str, Any]:
    """Slack's shape posted to Discord's Slack-compatible endpoint.

    The reference is silent on the body: in the controller's ``discord.go`` the channel is
    accepted but never copied into the payload (so ``channel`` is ``""``), and ``fallback``
    is a Slack-only addition as far as the reference documents.
    """
    return _slack_shaped(
        event,
        channel="",
        username=dest.username or event.reporting_controller,
        color="danger" if event.severity == "error" else "good",
        fallback=False,
    )


def rocket_payload(event: Event, dest: Destination, flux_version: str = NEWEST) -> dict[str, Any]:
    """Slack's shape with Rocket.Chat colours; no username fallback (``rocket.go``).

    The reference is silent on this body.
    """
    return _slack_shaped(
        event,
        channel=dest.channel,
        username=dest.username,
        color="#FF0000" if event.severity == "error" else "#0076D7",
        fallback=False,
    )


def msteams_payload(event: Event, dest: Destination, flux_version: str = NEWEST) -> dict[str, Any]:
    """An Adaptive Card, or the legacy MessageCard for ``*.webhook.office.com`` connectors.

    The reference is silent on this body; it follows the controller's ``teams.go``, which
    picks the schema by host. Facts come sorted with ``summary`` first, as there.
    """
    host = urlsplit(dest.address).hostname or ""
    facts = gojson.go_map(event.metadata)
    if host.endswith(".webhook.office.com"):
        return {
            "@type": "MessageCard",
            "@context": "http://schema.org/extensions",
            "themeColor": "FF0000" if event.severity == "error" else "0076D7",
            "summary": event.object_name,
            "sections": [
                {
                    "activityTitle": event.message,
                    "activitySubtitle": event.object_name,
                    "facts": [{"name": k, "value": v} for k, v in facts.items()],
                }
            ],
        }
    ordered = sorted(facts.items(), key=lambda item: item[0] != "summary")
    message: dict[str, Any] = {"type": "TextBlock", "text": event.message}
    if event.severity == "error":
        message["color"] = "attention"
    message["wrap"] = True
    fact_set: dict[str, Any] = {"type": "FactSet"}
    if ordered:
        fact_set["facts"] = [{"title": k, "value": v} for k, v in ordered]
    title = {
        "type": "TextBlock",
        "text": event.object_name,
        "size": "large",
        "weight": "bolder",
        "wrap": True,
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [{"type": "Container", "items": [title, message, fact_set]}],
                    "msteams": {"width": "Full"},
                },
            }
        ],
    }


def googlechat_payload(
    event: Event, dest: Destination, flux_version: str = NEWEST
) -> dict[str, Any]:
    """A card with the message and one key/value widget per metadata entry.

    The reference is silent on this body; it follows the controller's ``google_chat.go``
    (nil pointers are encoded as ``null``).
    """
    text = event.message
    if event.severity == "error":
        text = f'<font color="#ff0000">{event.message}</font>'
    sections: list[dict[str, Any]] = [
        {"header": "", "widgets": [{"textParagraph": {"text": text}, "keyValue": None}]}
    ]
    if event.metadata:
        widgets = [
            {
                "textParagraph": None,
                "keyValue": {
                    "topLabel": key,
                    "content": value,
                    "contentMultiline": False,
                    "bottomLabel": None,
                    "icon": None,
                },
            }
            for key, value in gojson.go_map(event.metadata).items()
        ]
        sections.append({"header": "", "widgets": widgets})
    header = {
        "title": event.object_name,
        "subtitle": event.reporting_controller,
        "imageUrl": None,
        "imageStyle": None,
    }
    return {"cards": [{"header": header, "sections": sections}]}


def generic_payload(event: Event, dest: Destination, flux_version: str = NEWEST) -> dict[str, Any]:
    """The processed event itself (reference 3d, "Generic webhook payload")."""
    return event.to_go()


_BUILDERS: dict[str, Callable[[Event, Destination, str], dict[str, Any]]] = {
    "slack": slack_payload,
    "discord": discord_payload,
    "msteams": msteams_payload,
    "googlechat": googlechat_payload,
    "rocket": rocket_payload,
    "generic": generic_payload,
    "generic-hmac": generic_payload,
}
SUPPORTED_TYPES: tuple[str, ...] = tuple(_BUILDERS)


class PayloadError(ValueError):
    """The controller would refuse to build this notifier (its message, without the URL)."""


def discord_url(address: str) -> str:
    """Discord's Slack-compatible endpoint: ``path.Join(path, "slack")`` unless already there."""
    if address.endswith("/slack"):
        return address
    parts = urlsplit(address)
    path = posixpath.normpath(posixpath.join(parts.path or "/", "slack"))
    return urlunsplit(parts._replace(path="/" + path.lstrip("/")))


def _canonical(key: str) -> str:
    """Go's ``http.Header.Set`` key form, so a Secret header replaces ours whatever its case."""
    return "-".join(part[:1].upper() + part[1:].lower() for part in key.split("-"))


def build_request(event: Event, dest: Destination, flux_version: str = NEWEST) -> OutboundRequest:
    """The request the controller would send for ``event`` to ``dest``."""
    if dest.type not in _BUILDERS:
        raise PayloadError(
            f"test-send supports the types {', '.join(SUPPORTED_TYPES)}, not {dest.type!r}"
        )
    parts = urlsplit(dest.address)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PayloadError(f"invalid {dest.type} address: it must be an absolute http(s) URL")
    payload = _BUILDERS[dest.type](event, dest, flux_version)
    body = gojson.dumps(payload)
    headers = {"Content-Type": "application/json"}
    url = dest.address
    if dest.type == "slack" and dest.token:
        headers["Authorization"] = f"Bearer {dest.token}"
    elif dest.type == "discord":
        url = discord_url(dest.address)
    elif dest.type in ("generic", "generic-hmac"):
        # forwarder.go: Gotk-Component first, then the Secret's headers may override.
        headers["Gotk-Component"] = event.reporting_controller
        headers |= {_canonical(key): value for key, value in dest.headers.items()}
        if dest.type == "generic-hmac":
            if not dest.token:
                raise PayloadError("HMAC key is empty: generic-hmac needs the Secret's `token`")
            digest = hmac.new(dest.token.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Signature"] = f"sha256={digest}"
    return OutboundRequest(
        url=url,
        headers=headers,
        body=body,
        payload=payload,
        api_mode=dest.type == "slack" and dest.address == SLACK_API_URL,
    )
