"""The one placeholder recogniser (fluxnotify/rules/_credentials.py): what cannot be a real
credential, and what has a real one's shape.

Every "real" value below is a fake made for this file with the shape a destination's
credentials have (random characters, the right prefixes and lengths); none was ever valid.
"""

from __future__ import annotations

import pytest

from fluxnotify.rules._credentials import credential_kind, is_placeholder

SLACK_HOOK = "https://hooks.slack.com/services/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"
SLACK_WORKFLOW = (
    "https://hooks.slack.com/triggers/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"
)
SLACK_BOT = "xoxb-482910375612-739105826473-AcxW0gG1ouEu1h7pGGE5BFcy"
SLACK_USER = "xoxp-482910375612-739105826473-5123098476251-a2955a75474aaaced22b2da5c9fb39c0"
DISCORD = (
    "https://discord.com/api/webhooks/1183746590271839465/"
    "yZMFIb_dNiqr2KNIp5vj0uVHSoOiJnmj3LRai--jb_XA05OmagaLSCZEDDhzbdw5zUqS"
)
TEAMS = (
    "https://contoso.webhook.office.com/webhookb2/6405beac-465f-419e-a751-5e30a9fae55a"
    "@6a684071-0237-4be2-b937-69cca6f99e06/IncomingWebhook/b40ebcb5df9eaf42dd01c6c0d3f91604"
    "/8bf4b889-07a2-4824-b227-45112946c522/V2hp-vfGhpEOr_h4iot1Chz03"
)
TEAMS_WORKFLOW = (
    "https://prod-27.westeurope.logic.azure.com:443/workflows/b40ebcb5df9eaf42dd01c6c0d3f91604"
    "/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun"
    "&sv=1.0&sig=TEEqhCmRjVydV93CX0r1uwzkzpuJ8RA5xRwTIUYnd6R"
)
GOOGLE_CHAT = (
    "https://chat.googleapis.com/v1/spaces/AAAAq3Zk8sE/messages"
    "?key=AIzauShOuJwDynVaZe_14IGfVGv6Z8uVzulo-_Z&token=hp-vfGhpEOr_h4iot1Chz03_NDB8itP52aLKf_Q5To4"
)
TELEGRAM = "6839201745:AAFkHBLa5iNK2QU24aTEEqhCmRjVydV93CX"

REAL = [
    (SLACK_HOOK, "Slack webhook"),
    (SLACK_WORKFLOW, "Slack webhook"),
    (SLACK_BOT, "Slack token"),
    (SLACK_USER, "Slack token"),
    (DISCORD, "Discord webhook"),
    (TEAMS, "Microsoft Teams webhook"),
    (TEAMS_WORKFLOW, "Teams workflow URL"),
    (GOOGLE_CHAT, "Google Chat webhook"),
    ("https://flux:Vq7rT2wLp9xZ@alertmanager.monitoring.svc:9093/api/v2/alerts", "URL with a user name and password"),
    ("https://hooks.acme-ops.net/flux?token=FkHBLa5iNK2QU24a", "URL with a token in its query"),
    # a host or path word that also names real things is no placeholder there
    ("https://test.acme-ops.net/my/hook?token=FkHBLa5iNK2QU24a", "URL with a token in its query"),
]  # fmt: skip


@pytest.mark.parametrize(("value", "kind"), REAL)
def test_real_shaped_credentials_are_not_placeholders(value: str, kind: str) -> None:
    assert credential_kind(value) == kind
    assert not is_placeholder(value)


@pytest.mark.parametrize(
    "value",
    [
        # the forms documentation and templates use (issue 15)
        "YOUR/SLACK/WEBHOOK",
        "xoxb-1234567890-1234567890-...",
        "http://username:password@proxy_url:proxy_port",
        "https://hooks.slack.com/services/mock",
        # words, upper and lower case, and their spellings
        "https://hooks.slack.com/services/YOUR/SLACK/WEBHOOK",
        "your-slack-webhook-url",
        "my_token",
        "MySlackToken",
        "CHANGEME",
        "replace-me",
        "TODO",
        "placeholder",
        "REDACTED",
        "mock-token",
        "dummy",
        "fake-bot-token",
        "test",
        "secret",
        "https://discord.com/api/webhooks/example/token",
        "https://hooks.slack.com/services/T04KX7QRD/B05N3LZ8WQ2/testtesttesttesttesttest",
        # templates
        "<slack-webhook-url>",
        "${SLACK_WEBHOOK}",
        "{{ .Values.slack.address }}",
        "https://hooks.slack.com/services/…",
        # runs
        "xxxxxxxxxxxxxxxx",
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "https://hooks.slack.com/services/T12345678/B12345678/abcdefghijklmnopqrstuvwx",
        "0000000000",
        "9876543210",
        "abcabcabcabc",
        # wrong shapes per destination
        "https://hooks.slack.com/services/T0/B0/secretpart",
        "https://hooks.slack.com/services/T04KX7QRD/B05N3LZ8WQ2/short",
        "xoxb-482910375612-739105826473",
        "https://discord.com/api/webhooks/42/abc",
        "https://contoso.webhook.office.com/webhookb2/0000-1111/IncomingWebhook/x/2222",
        "https://prod-27.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=abc",
        "https://chat.googleapis.com/v1/spaces/AAAAq3Zk8sE/messages?key=KEY&token=TOKEN",
        # hosts that cannot be real
        "https://yourcompany.webhook.office.com/webhookb2/x",
        "https://flux:Vq7rT2wLp9xZ@alertmanager.example.com/api/v2/alerts",
        "",
        "   ",
    ],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize(
    ("provider_type", "key", "value", "placeholder"),
    [
        ("slack", "token", SLACK_BOT, False),
        ("slack", "token", "Kq81zPw0aLm3Vq7rT2wLp9xZ", True),  # not a Slack token at all
        ("telegram", "token", TELEGRAM, False),
        ("telegram", "token", "1234:abc", True),
        ("generic-hmac", "token", "Kq81zPw0aLm3Vq7rT2wLp9xZ", False),
        ("generic", "headers", "X-Api-Token: Kq81zPw0aLm3Vq7rT2wLp9xZ", False),
        ("generic", "headers", "X-Api-Token: <your token>\nX-Secret: changeme", True),
    ],
)
def test_shape_per_destination(provider_type: str, key: str, value: str, placeholder: bool) -> None:
    assert is_placeholder(value, provider_type, key) is placeholder
