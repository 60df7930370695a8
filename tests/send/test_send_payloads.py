"""Payloads key for key against reference 3d ("Payload shape" and its example).

The example: an error event from Kustomization apps/webapp, an Alert with
``eventMetadata: {env: prod}``, a Provider with ``channel: flux-alerts`` and no username,
NC v1.9.x (Flux 2.9). Slack ``fields`` come from a Go map, so their order is unspecified
(3d): comparisons sort them.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from fluxnotify.send.event import Event, make_event, process_metadata
from fluxnotify.send.payloads import (
    SLACK_API_URL,
    Destination,
    PayloadError,
    build_request,
    discord_url,
)

WEBHOOK = "https://hooks.slack.com/services/T000/B000/XXXX"
MESSAGE = "Health check failed after 2m0s\nDeployment/apps/webapp status: 'InProgress'"

#: Reference 3d, the example payload (NC v1.9.x), copied verbatim.
REFERENCE_EXAMPLE: dict[str, Any] = {
    "channel": "flux-alerts",
    "username": "kustomize-controller",
    "icon_url": "",
    "icon_emoji": "",
    "attachments": [
        {
            "fallback": "kustomization/webapp.apps: Health check failed after 2m0s",
            "color": "danger",
            "author_name": "kustomization/webapp.apps",
            "text": "Health check failed after 2m0s\nDeployment/apps/webapp status: 'InProgress'",
            "mrkdwn_in": ["text"],
            "fields": [
                {"title": "revision", "value": "main@sha1:4f2c9e1d", "short": False},
                {"title": "env", "value": "prod", "short": False},
            ],
        }
    ],
}


def reference_event(severity: str = "error", metadata: bool = True) -> Event:
    event = make_event(
        kind="Kustomization",
        name="webapp",
        namespace="apps",
        severity=severity,
        message=MESSAGE,
        reason="HealthCheckFailed",
        metadata={"kustomize.toolkit.fluxcd.io/revision": "main@sha1:4f2c9e1d"} if metadata else {},
        now=datetime(2026, 8, 1, 10, 0, tzinfo=timezone.utc),
    )
    alert_metadata = {"env": "prod"} if metadata else None
    return process_metadata(event, alert_metadata=alert_metadata).event


def sorted_fields(payload: dict[str, Any]) -> dict[str, Any]:
    payload = copy.deepcopy(payload)
    for attachment in payload["attachments"]:
        attachment["fields"].sort(key=lambda f: f["title"])
    return payload


def slack(event: Event, flux: str = "2.9", **dest: str) -> dict[str, Any]:
    request = build_request(event, Destination("slack", WEBHOOK, **dest), flux)
    payload: dict[str, Any] = json.loads(request.body)
    assert payload == request.payload
    return payload


def expected(**changes: Any) -> dict[str, Any]:
    result = sorted_fields(REFERENCE_EXAMPLE)
    attachment_changes = changes.pop("attachment", {})
    result |= changes
    result["attachments"][0] |= attachment_changes
    for key in [k for k, v in result["attachments"][0].items() if v is None]:
        del result["attachments"][0][key]
    return result


def test_reference_example_flux_2_9() -> None:
    payload = slack(reference_event(), channel="flux-alerts")
    assert sorted_fields(payload) == sorted_fields(REFERENCE_EXAMPLE)
    # Key order as Go writes the structs (3d "Field order as sent").
    assert list(payload) == ["channel", "username", "icon_url", "icon_emoji", "attachments"]
    assert list(payload["attachments"][0]) == [
        "fallback", "color", "author_name", "text", "mrkdwn_in", "fields",
    ]  # fmt: skip


@pytest.mark.needs_shared
def test_reference_example_is_the_one_in_the_reference(shared: Path) -> None:
    text = (shared / "reference" / "flux-notification-api.md").read_text(encoding="utf-8")
    section = text.split("## 3d.", 1)[1].split("## 3e.", 1)[0]
    block = re.search(r"NC v1\.9\.x:\s*```json\n(.*?)```", section, re.DOTALL)
    assert block is not None
    assert json.loads(block.group(1)) == REFERENCE_EXAMPLE


def test_flux_2_8_drops_fallback_only() -> None:
    """3d: "For NC <= v1.8.x (Flux <= 2.8), drop `fallback`; everything else is the same"."""
    for flux in ("2.0", "2.8"):
        payload = slack(reference_event(), flux, channel="flux-alerts")
        assert sorted_fields(payload) == expected(attachment={"fallback": None})


def test_info_is_good() -> None:
    payload = slack(reference_event("info"), channel="flux-alerts")
    assert sorted_fields(payload) == expected(attachment={"color": "good"})


def test_without_channel_the_key_is_an_empty_string() -> None:
    payload = slack(reference_event())
    assert sorted_fields(payload) == expected(channel="")


def test_username_replaces_the_reporting_controller() -> None:
    payload = slack(reference_event(), channel="flux-alerts", username="flux-bot")
    assert sorted_fields(payload) == expected(username="flux-bot")


def test_without_metadata_fields_is_an_empty_list() -> None:
    payload = slack(reference_event(metadata=False), channel="flux-alerts")
    assert payload == expected(attachment={"fields": []})
    assert (
        b'"fields":[]'
        in build_request(reference_event(metadata=False), Destination("slack", WEBHOOK)).body
    )


def test_token_goes_in_a_header_never_in_the_body() -> None:
    """3d "HTTP request": Bearer header on any Slack URL, nothing in the body."""
    request = build_request(reference_event(), Destination("slack", WEBHOOK, token="xoxb-1"))
    assert request.headers == {
        "Content-Type": "application/json",
        "Authorization": "Bearer xoxb-1",
    }
    assert b"xoxb-1" not in request.body
    assert not request.api_mode
    assert (
        "Authorization"
        not in build_request(reference_event(), Destination("slack", WEBHOOK)).headers
    )


def test_api_mode_only_for_the_exact_url() -> None:
    event = reference_event()
    assert build_request(event, Destination("slack", SLACK_API_URL, token="x")).api_mode
    for near in (SLACK_API_URL + "/", SLACK_API_URL.replace("https", "http"), SLACK_API_URL + "?a"):
        assert not build_request(event, Destination("slack", near)).api_mode


def test_body_bytes_are_go_json() -> None:
    event = make_event(message="a <b> & c\u2028é", now=datetime(2026, 1, 1, tzinfo=timezone.utc))
    body = build_request(event, Destination("slack", WEBHOOK)).body
    assert b"a \\u003cb\\u003e \\u0026 c\\u2028\xc3\xa9" in body
    assert json.loads(body)["attachments"][0]["text"] == "a <b> & c\u2028é"
    assert b'": ' not in body
    assert b'", "' not in body


def test_discord_posts_slack_shape_without_channel_to_slash_slack() -> None:
    event = reference_event()
    request = build_request(
        event,
        Destination("discord", "https://discord.com/api/webhooks/1/abc", channel="ops"),
    )
    assert request.url == "https://discord.com/api/webhooks/1/abc/slack"
    # Flux 2.9 sends Slack's new `fallback` key empty: the struct is shared, no omitempty.
    assert sorted_fields(request.payload) == expected(channel="", attachment={"fallback": ""})
    assert next(iter(request.payload["attachments"][0])) == "fallback"
    older = build_request(
        event, Destination("discord", "https://discord.com/api/webhooks/1/abc"), "2.8"
    )
    assert sorted_fields(older.payload) == expected(channel="", attachment={"fallback": None})
    assert discord_url("https://discord.com/api/webhooks/1/abc/slack").endswith("abc/slack")
    assert discord_url("https://discord.com/api/webhooks/1/abc/") == (
        "https://discord.com/api/webhooks/1/abc/slack"
    )


def test_rocket_colours_and_no_username_fallback() -> None:
    payload = build_request(
        reference_event(), Destination("rocket", "https://chat.example/hooks/x", channel="ops")
    ).payload
    assert payload["username"] == ""
    assert payload["channel"] == "ops"
    assert payload["attachments"][0]["color"] == "#FF0000"
    assert payload["attachments"][0]["fallback"] == ""
    older = build_request(
        reference_event(), Destination("rocket", "https://chat.example/hooks/x"), "2.8"
    ).payload
    assert "fallback" not in older["attachments"][0]


def test_msteams_adaptive_card_and_legacy_connector() -> None:
    event = process_metadata(
        make_event(severity="error", metadata={"revision": "r1"}), alert_summary="prod cluster"
    ).event
    card = build_request(event, Destination("msteams", "https://x.logic.azure.com/wf")).payload
    content = card["attachments"][0]["content"]
    assert content["type"] == "AdaptiveCard"
    items = content["body"][0]["items"]
    assert items[1] == {
        "type": "TextBlock",
        "text": event.message,
        "color": "attention",
        "wrap": True,
    }
    assert [f["title"] for f in items[2]["facts"]] == ["summary", "revision"]
    legacy = build_request(
        event, Destination("msteams", "https://acme.webhook.office.com/webhookb2/x")
    ).payload
    assert legacy["@type"] == "MessageCard"
    assert legacy["themeColor"] == "FF0000"


def test_googlechat_card() -> None:
    event = make_event(severity="error", message="boom")
    payload = build_request(
        event, Destination("googlechat", "https://chat.googleapis.com/v1/x")
    ).payload
    card = payload["cards"][0]
    assert card["header"]["title"] == "kustomization/fluxnotify-test.flux-system"
    assert card["sections"] == [
        {
            "header": "",
            "widgets": [
                {"textParagraph": {"text": '<font color="#ff0000">boom</font>'}, "keyValue": None}
            ],
        }
    ]


def test_generic_posts_the_processed_event_with_headers() -> None:
    """3d "Generic webhook payload": event JSON, Gotk-Component, then the Secret's headers."""
    event = reference_event()
    request = build_request(
        event,
        Destination(
            "generic",
            "https://hooks.example/flux",
            headers={"x-api-key": "k", "content-type": "application/cloudevents+json"},
        ),
    )
    assert request.headers == {
        "Content-Type": "application/cloudevents+json",
        "Gotk-Component": "kustomize-controller",
        "X-Api-Key": "k",
    }
    assert request.body == (
        b'{"involvedObject":{"kind":"Kustomization","namespace":"apps","name":"webapp",'
        b'"apiVersion":"kustomize.toolkit.fluxcd.io/v1"},"severity":"error",'
        b'"timestamp":"2026-08-01T10:00:00Z","message":"Health check failed after 2m0s\\n'
        b'Deployment/apps/webapp status: \'InProgress\'","reason":"HealthCheckFailed",'
        b'"metadata":{"env":"prod","revision":"main@sha1:4f2c9e1d"},'
        b'"reportingController":"kustomize-controller"}'
    )


def test_generic_hmac_signs_the_exact_body() -> None:
    request = build_request(
        reference_event(), Destination("generic-hmac", "https://hooks.example/flux", token="key")
    )
    digest = hmac.new(b"key", request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Signature"] == f"sha256={digest}"
    with pytest.raises(PayloadError, match="HMAC key is empty"):
        build_request(reference_event(), Destination("generic-hmac", "https://hooks.example/f"))


@pytest.mark.parametrize("address", ["hooks.slack.com/services/x", "ftp://host/x", "https://"])
def test_address_must_be_an_absolute_http_url(address: str) -> None:
    with pytest.raises(PayloadError, match="absolute http"):
        build_request(reference_event(), Destination("slack", address))


def test_types_without_an_http_request_here() -> None:
    # The Git types are built by send/gitstatus.py, the non-HTTP ones publish no request.
    for provider_type in ("github", "nats"):
        with pytest.raises(PayloadError, match="builds HTTP requests for"):
            build_request(reference_event(), Destination(provider_type, WEBHOOK))
