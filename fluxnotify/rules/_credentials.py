"""Recognising credentials in text, without ever printing them."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from fluxnotify.schemas import POST_BUILD_VAR

_WEBHOOK_PATTERNS = (
    (
        "Slack webhook",
        re.compile(r"hooks\.slack(?:-gov)?\.com/(?:services|workflows|triggers)/\S+"),
    ),
    ("Discord webhook", re.compile(r"discord(?:app)?\.com/api/webhooks/\S+")),
    (
        "Microsoft Teams webhook",
        re.compile(r"\.webhook\.office\.com/\S+|outlook\.office\.com/webhook/\S+"),
    ),
    ("Teams workflow URL", re.compile(r"\.logic\.azure\.com\S*[?&]sig=")),
    ("Google Chat webhook", re.compile(r"chat\.googleapis\.com/v1/spaces/\S*[?&](?:key|token)=")),
)
_SLACK_TOKEN = re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")
_SECRET_QUERY_KEYS = {
    "token",
    "key",
    "sig",
    "secret",
    "password",
    "apikey",
    "api_key",
    "access_token",
}
_PLACEHOLDER = re.compile(
    r"^\s*$|<[^>]*>|replace[-_ ]?me|change[-_ ]?me|your[-_]|example\.com|placeholder|todo|dummy|\.\.\.|"
    r"(?:^|[/-])x{4,}|^x+$",
    re.IGNORECASE,
)


def credential_kind(text: str) -> str | None:
    """What credential ``text`` holds (a webhook URL, a token, a URL with secrets), or None."""
    for name, pattern in _WEBHOOK_PATTERNS:
        if pattern.search(text):
            return name
    if _SLACK_TOKEN.search(text):
        return "Slack token"
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return None
    if parts.scheme in ("http", "https") and parts.netloc:
        if parts.password:
            return "URL with a user name and password"
        if any(k.lower() in _SECRET_QUERY_KEYS for k, _ in parse_qsl(parts.query)):
            return "URL with a token in its query"
    return None


def is_placeholder(text: str) -> bool:
    """``<webhook-url>``, ``REPLACE_ME``, ``xoxb-xxxx``, ``${SLACK_URL}``: not a real credential."""
    return bool(POST_BUILD_VAR.search(text) or _PLACEHOLDER.search(text))
