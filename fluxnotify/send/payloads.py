"""Each notifier's HTTP requests, built as notification-controller v1.9.3 builds them.

Facts: the controller's ``internal/notifier/<type>.go`` at the release tag (maintainers:
../shared/reference/flux-notification-api.md 3d for Slack and the generic webhook,
../shared/reference/providers.md sections 2-7 for the other types and 11 for what changed
from Flux 2.8 to 2.9). Where the controller ranges over a Go map to build a list, the
order is random there; here it is sorted, so dry runs are reproducible.
The commit-status and change-request types are in :mod:`fluxnotify.send.gitstatus`.
"""

from __future__ import annotations

import hashlib
import hmac
import posixpath
import re
from base64 import b64encode
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

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
    password: str = field(default="", repr=False)
    #: replaces a base URL the controller fixes (api.telegram.org, api.github.com, ...),
    #: so a test can send to a local server; the path the controller adds stays.
    api_base: str = ""
    #: the commit status id ("context") for the commit-status types
    commit_status: str = ""
    #: Secret keys present but not otherwise modelled (GitHub App keys, nats creds)
    secret_keys: frozenset[str] = frozenset()
    #: namespace/name of the Alert, which otel names its service after
    alert: str = "flux-system/fluxnotify"


@dataclass(frozen=True)
class OutboundRequest:
    """One request, ready to send: ``body`` holds the exact bytes the controller would send."""

    url: str
    headers: Mapping[str, str]
    body: bytes
    payload: Any
    #: The Slack Web API answers 200 even on failure; only ``{"ok": true}`` counts there.
    api_mode: bool = False
    method: str = "POST"
    #: the URL as it may be shown, when the URL itself holds a credential (Telegram)
    shown_url: str = ""
    #: what this request does, when a type sends more than one
    step: str = ""


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


def _empty_fallback(payload: dict[str, Any], flux_version: str) -> dict[str, Any]:
    """Flux 2.9 added Slack's ``fallback`` without omitempty to the shared attachment struct,
    so Discord and Rocket, which never set it, send ``"fallback": ""`` first."""
    if minor_of(flux_version) >= 9:
        attachment = payload["attachments"][0]
        payload["attachments"][0] = {"fallback": ""} | attachment
    return payload


def discord_payload(event: Event, dest: Destination, flux_version: str = NEWEST) -> dict[str, Any]:
    """Slack's shape posted to Discord's Slack-compatible endpoint; the channel is never
    copied into the payload (``discord.go``), so it is ``""``."""
    payload = _slack_shaped(
        event,
        channel="",
        username=dest.username or event.reporting_controller,
        color="danger" if event.severity == "error" else "good",
        fallback=False,
    )
    return _empty_fallback(payload, flux_version)


def rocket_payload(event: Event, dest: Destination, flux_version: str = NEWEST) -> dict[str, Any]:
    """Slack's shape with Rocket.Chat colours; no username fallback (``rocket.go``)."""
    payload = _slack_shaped(
        event,
        channel=dest.channel,
        username=dest.username,
        color="#FF0000" if event.severity == "error" else "#0076D7",
        fallback=False,
    )
    return _empty_fallback(payload, flux_version)


def msteams_payload(event: Event, dest: Destination, flux_version: str = NEWEST) -> dict[str, Any]:
    """An Adaptive Card, or the legacy MessageCard for ``*.webhook.office.com`` connectors
    (``teams.go`` picks the schema by host). Facts come sorted with ``summary`` first."""
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
    """A card with the message and one key/value widget per metadata entry
    (``google_chat.go``; nil pointers are encoded as ``null``)."""
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


class PayloadError(ValueError):
    """The controller would refuse to build this notifier (its message, without the URL)."""


TELEGRAM_API = "https://api.telegram.org"
_TELEGRAM_ESCAPED = "\\.-_[]()~>`#+=|{}!*"


def split_camelcase(text: str) -> list[str]:
    """``splitCamelcase`` of the controller's ``util.go``: runs of one character class, then
    the last capital of an upper-case run moves to a following lower-case run."""
    runs: list[list[str]] = []
    last = 0
    for char in text:
        cls = 1 if char.islower() else 2 if char.isupper() else 3 if char.isdigit() else 4
        if cls == last:
            runs[-1].append(char)
        else:
            runs.append([char])
        last = cls
    for i in range(len(runs) - 1):
        if runs[i][0].isupper() and runs[i + 1][0].islower():
            runs[i + 1].insert(0, runs[i].pop())
    return ["".join(run) for run in runs if run]


def name_and_description(event: Event) -> tuple[str, str]:
    """``formatNameAndDescription``: ``kind/name`` and the reason as lower-case words."""
    name = f"{event.kind}/{event.name}".lower()
    return name, " ".join(split_camelcase(event.reason)).lower()


def telegram_escape(text: str) -> str:
    """A backslash before each character MarkdownV2 reserves (``telegram.go``)."""
    return "".join(f"\\{c}" if c in _TELEGRAM_ESCAPED else c for c in text)


def telegram_payload(event: Event, dest: Destination, flux_version: str = NEWEST) -> dict[str, Any]:
    """The heading uses ``kind/name/namespace``, unlike the other chat types."""
    emoji = "🚨" if event.severity == "error" else "💫"
    heading = f"{emoji} {event.kind.lower()}/{event.name}/{event.namespace}"
    lines = "".join(
        f"\\- *{telegram_escape(k)}*: {telegram_escape(v)}\n"
        for k, v in gojson.go_map(event.metadata).items()
    )
    text = f"*{telegram_escape(heading)}*\n{telegram_escape(event.message)}\n{lines}"
    chat, sep, thread = dest.channel.partition(":")
    payload: dict[str, Any] = {"chat_id": chat}
    if sep and thread:
        payload["message_thread_id"] = thread
    payload |= {"text": text, "parse_mode": "MarkdownV2"}
    return payload


def matrix_payload(event: Event, dest: Destination, flux_version: str = NEWEST) -> dict[str, Any]:
    emoji = "🚨" if event.severity == "error" else "💫"
    lines = "".join(f"- {k}: {v}\n" for k, v in gojson.go_map(event.metadata).items())
    return {"body": f"{emoji} {event.object_name}\n{event.message}\n{lines}", "msgtype": "m.text"}


def webex_payload(event: Event, dest: Destination, flux_version: str = NEWEST) -> dict[str, Any]:
    emoji = "💣" if event.severity == "error" else "✅"
    text = f"{emoji} **{event.object_name}**\n{event.message}\n"
    text += "".join(f">**{k}**: {v}\n" for k, v in gojson.go_map(event.metadata).items())
    payload: dict[str, Any] = {}
    if dest.channel:
        payload["roomId"] = dest.channel
    payload["markdown"] = text
    return payload


def lark_payload(event: Event, dest: Destination, flux_version: str = NEWEST) -> dict[str, Any]:
    error = event.severity == "error"
    content = f"**{event.message}**\n\n"
    content += "".join(f"{k}: {v}\n" for k, v in gojson.go_map(event.metadata).items())
    title = f"{'🚨' if error else '💫'} {event.object_name}"
    return {
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": True},
            "header": {
                "title": {"tag": "plain_text", "content": title},
                "template": "red" if error else "turquoise",
            },
            "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": content}}],
        },
    }


def markdown_post(event: Event) -> str:
    """``formatMarkdownPost`` (``markdown.go``): Zulip and the change-request comments."""
    emoji = "\u26a0\ufe0f" if event.severity == "error" else "\u2139\ufe0f"
    lines = "".join(
        f"* `{k}`: {v}\n" for k, v in gojson.go_map(event.metadata).items() if k != "change_request"
    )
    return (
        f"## Flux Status\n\n{emoji} {event.kind}/{event.namespace}/{event.name}\n\n"
        f"{event.message}\n\nMetadata:\n{lines}"
    )


def opsgenie_payload(event: Event, dest: Destination, flux_version: str = NEWEST) -> dict[str, Any]:
    """``Kind/name`` as written (no namespace); metadata plus ``severity`` in ``details``."""
    return {
        "message": f"{event.kind}/{event.name}",
        "description": event.message,
        "details": gojson.go_map({**event.metadata, "severity": event.severity}),
    }


def _go_title(word: str) -> str:
    """``cases.Title``: each word's first letter upper case, the rest lower case."""
    return re.sub(r"\w+", lambda m: m.group(0)[:1].upper() + m.group(0)[1:].lower(), word)


def alertmanager_payload(event: Event, dest: Destination, flux_version: str = NEWEST) -> Any:
    """A list of one firing alert; ``summary`` moves from labels to annotations and
    ``endsAt`` is Go's zero time, as omitempty does not apply to a struct."""
    labels = dict(event.metadata)
    annotations = {"message": event.message}
    if "summary" in labels:
        annotations["summary"] = labels.pop("summary")
    labels |= {
        "alertname": f"Flux{event.kind}{_go_title(event.reason)}",
        "severity": event.severity,
        "reason": event.reason,
        "kind": event.kind,
        "name": event.name,
        "namespace": event.namespace,
        "reportingcontroller": event.reporting_controller,
    }
    return [
        {
            "status": "firing",
            "labels": gojson.go_map(labels),
            "annotations": gojson.go_map(annotations),
            "startsAt": event.timestamp,
            "endsAt": "0001-01-01T00:00:00Z",
        }
    ]


def _unix(timestamp: str) -> int:
    return int(datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%S%z").timestamp())


def grafana_payload(event: Event, dest: Destination, flux_version: str = NEWEST) -> dict[str, Any]:
    """An annotation at the event time in Unix seconds; ``:`` in metadata tags becomes ``|``."""
    tags = ["flux", event.reporting_controller]
    tags += [
        f"{k.replace(':', '|')}: {v.replace(':', '|')}"
        for k, v in gojson.go_map(event.metadata).items()
    ]
    tags += [f"kind: {event.kind}", f"name: {event.name}", f"namespace: {event.namespace}"]
    return {"when": _unix(event.timestamp), "text": event.object_name, "tags": tags}


def datadog_payload(event: Event, dest: Destination, flux_version: str = NEWEST) -> dict[str, Any]:
    """The SDK encodes the request as a map, so keys come sorted; tags are lower-cased."""
    tags = [
        f"flux_reporting_controller:{event.reporting_controller}",
        f"flux_reason:{event.reason}",
        f"kube_kind:{event.kind}",
        f"kube_name:{event.name}",
        f"kube_namespace:{event.namespace}",
        *(f"{k}:{v}" for k, v in gojson.go_map(event.metadata).items()),
    ]
    return {
        "alert_type": "error" if event.severity == "error" else "info",
        "date_happened": _unix(event.timestamp),
        "source_type_name": "fluxcd",
        "tags": [tag.lower() for tag in tags],
        "text": event.message,
        "title": f"Events from the {event.kind} {event.name}/{event.namespace}",
    }


def _pagerduty_details(event: Event) -> dict[str, Any]:
    return {"message": event.message, "metadata": gojson.go_map(event.metadata) or None}


def pagerduty_payloads(event: Event, dest: Destination) -> list[tuple[str, dict[str, Any]]]:
    """(path, body) per POST: an error triggers; info resolves, then posts a change event.

    ``dedup_key`` is the object's UID, which a synthetic event does not have (omitempty).
    """
    name, desc = name_and_description(event)
    source = f"Flux {event.reporting_controller}"
    if event.severity == "error":
        payload = {
            "summary": f"{desc}: {name}",
            "source": source,
            "severity": "error",
            "timestamp": event.timestamp,
            "component": event.name,
            "group": event.kind,
            "custom_details": _pagerduty_details(event),
        }
        trigger = {"routing_key": dest.channel, "event_action": "trigger", "payload": payload}
        return [("/v2/enqueue", trigger)]
    resolve = {"routing_key": dest.channel, "event_action": "resolve"}
    change = {
        "routing_key": dest.channel,
        "payload": {
            "summary": f"{desc}: {name}",
            "source": source,
            "timestamp": event.timestamp,
            "custom_details": _pagerduty_details(event),
        },
    }
    return [("/v2/enqueue", resolve), ("/v2/change/enqueue", change)]


_BUILDERS: dict[str, Callable[[Event, Destination, str], Any]] = {
    "slack": slack_payload,
    "discord": discord_payload,
    "msteams": msteams_payload,
    "googlechat": googlechat_payload,
    "rocket": rocket_payload,
    "generic": generic_payload,
    "generic-hmac": generic_payload,
    "lark": lark_payload,
    "webex": webex_payload,
    "telegram": telegram_payload,
    "matrix": matrix_payload,
    "opsgenie": opsgenie_payload,
    "alertmanager": alertmanager_payload,
    "grafana": grafana_payload,
    "datadog": datadog_payload,
}
#: Types whose request this module builds (the git types are in send/gitstatus.py).
SUPPORTED_TYPES: tuple[str, ...] = (*_BUILDERS, "zulip", "pagerduty")


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


def basic_auth(username: str, password: str) -> str:
    return "Basic " + b64encode(f"{username}:{password}".encode()).decode("ascii")


def _host_only(address: str, path: str) -> str:
    """``scheme://host`` of the address plus the controller's fixed path."""
    parts = urlsplit(address)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _check_url(dest: Destination) -> None:
    parts = urlsplit(dest.address)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PayloadError(f"invalid {dest.type} address: it must be an absolute http(s) URL")


def _json(
    url: str, payload: Any, headers: Mapping[str, str] | None = None, **kw: Any
) -> OutboundRequest:
    return OutboundRequest(
        url=url,
        headers={"Content-Type": "application/json", **(headers or {})},
        body=gojson.dumps(payload),
        payload=payload,
        **kw,
    )


def _required(dest: Destination) -> None:
    """The constructor errors the controller raises for a missing input (its own words)."""
    if dest.type == "telegram":
        if not dest.channel:
            raise PayloadError(
                "empty Telegram channel: set the Provider's `channel` to the chat ID"
            )
        if not dest.token:
            raise PayloadError("empty Telegram token: put the bot token in the Secret's `token`")
    elif dest.type == "opsgenie" and not dest.token:
        raise PayloadError("empty Opsgenie apikey/token: put the API key in the Secret's `token`")
    elif dest.type == "datadog" and not dest.token:
        raise PayloadError("token cannot be empty: put the Datadog API key in the Secret's `token`")
    elif dest.type == "generic-hmac" and not dest.token:
        raise PayloadError("HMAC key is empty: generic-hmac needs the Secret's `token`")
    elif dest.type == "zulip":
        stream, _, topic = dest.channel.partition("/")
        if not stream or not topic:
            raise PayloadError(
                "invalid Zulip channel format, expected <channel>/<topic>: set the "
                "Provider's `channel` to STREAM/TOPIC"
            )


def _special(event: Event, dest: Destination, flux_version: str) -> list[OutboundRequest]:
    """The types whose URL, method or body format is not "POST JSON to the address"."""
    if dest.type == "telegram":
        base = (dest.api_base or TELEGRAM_API).rstrip("/")
        payload = telegram_payload(event, dest, flux_version)
        return [
            _json(
                f"{base}/bot{dest.token}/sendMessage",
                payload,
                shown_url=f"{base}/bot…/sendMessage",
            )
        ]
    if dest.type == "matrix":
        txn = hashlib.sha1(gojson.dumps(event.to_go()), usedforsecurity=False).hexdigest()
        url = f"{dest.address}/_matrix/client/r0/rooms/{dest.channel}/send/m.room.message/{txn}"
        auth = {"Authorization": f"Bearer {dest.token}"}
        return [_json(url, matrix_payload(event, dest, flux_version), auth, method="PUT")]
    if dest.type == "zulip":
        stream, _, topic = dest.channel.partition("/")
        form = {"content": markdown_post(event), "to": stream, "topic": topic, "type": "stream"}
        parts = urlsplit(dest.address)
        url = urlunsplit(parts._replace(path="/api/v1/messages", fragment=""))
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if dest.username or dest.password:
            headers["Authorization"] = basic_auth(dest.username, dest.password)
        body = urlencode(form).encode()
        return [OutboundRequest(url=url, headers=headers, body=body, payload=form)]
    if dest.type == "pagerduty":
        if event.reason == "Progressing":
            raise PayloadError("Flux sends nothing to PagerDuty for Progressing events")
        base = dest.api_base or dest.address
        steps = {"/v2/enqueue": "event", "/v2/change/enqueue": "change event"}
        return [
            _json(_host_only(base, path), body, step=steps[path])
            for path, body in pagerduty_payloads(event, dest)
        ]
    # datadog: the SDK keeps scheme and host and posts to its own path.
    headers = {"Accept": "application/json", "DD-API-KEY": dest.token}
    url = _host_only(dest.api_base or dest.address, "/api/v1/events")
    return [_json(url, datadog_payload(event, dest, flux_version), headers)]


def build_requests(
    event: Event, dest: Destination, flux_version: str = NEWEST
) -> list[OutboundRequest]:
    """The requests the controller would send for ``event`` to ``dest``, in order."""
    if dest.type not in SUPPORTED_TYPES:
        raise PayloadError(
            f"test-send builds HTTP requests for {', '.join(SUPPORTED_TYPES)}, not {dest.type!r}"
        )
    _required(dest)
    if dest.type != "telegram":
        _check_url(dest)
    if dest.type in ("telegram", "matrix", "zulip", "pagerduty", "datadog"):
        return _special(event, dest, flux_version)
    payload = _BUILDERS[dest.type](event, dest, flux_version)
    body = gojson.dumps(payload)
    headers = {"Content-Type": "application/json"}
    url = dest.address
    if dest.type == "slack" and dest.token:
        headers["Authorization"] = f"Bearer {dest.token}"
    elif dest.type == "discord":
        url = discord_url(dest.address)
    elif dest.type in ("webex",):
        headers["Authorization"] = f"Bearer {dest.token}"
    elif dest.type == "opsgenie":
        headers["Authorization"] = f"GenieKey {dest.token}"
    elif dest.type == "alertmanager":
        # Only the last request modifier survives: basic auth replaces the Bearer token.
        if dest.username and dest.password:
            headers["Authorization"] = basic_auth(dest.username, dest.password)
        elif dest.token:
            headers["Authorization"] = f"Bearer {dest.token}"
    elif dest.type == "grafana":
        if dest.token:
            headers["Authorization"] = f"Bearer {dest.token}"
        elif dest.username and dest.password:
            headers["Authorization"] = basic_auth(dest.username, dest.password)
    elif dest.type in ("generic", "generic-hmac"):
        # forwarder.go: Gotk-Component first, then the Secret's headers may override.
        headers["Gotk-Component"] = event.reporting_controller
        headers |= {_canonical(key): value for key, value in dest.headers.items()}
        if dest.type == "generic-hmac":
            digest = hmac.new(dest.token.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Signature"] = f"sha256={digest}"
    return [
        OutboundRequest(
            url=url,
            headers=headers,
            body=body,
            payload=payload,
            api_mode=dest.type == "slack" and dest.address == SLACK_API_URL,
        )
    ]


def build_request(event: Event, dest: Destination, flux_version: str = NEWEST) -> OutboundRequest:
    """The first (for most types the only) request of :func:`build_requests`."""
    return build_requests(event, dest, flux_version)[0]
