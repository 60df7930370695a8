"""Recognising credentials and placeholders in text, without ever printing them.

One recogniser for every rule that judges a value (plaintext-secret,
address-in-spec, secret-keys, slack-address) and for test-send, which will not
send to a placeholder. A value that cannot be a real credential is a
placeholder: a template (``<webhook-url>``, ``${SLACK_URL}``), placeholder words
(``YOUR/SLACK/WEBHOOK``, ``http://username:password@proxy_url:proxy_port``),
runs (``xoxb-1234567890-1234567890-...``, ``XXXX``) or a value without the shape
every real credential of its destination has (``hooks.slack.com/services/mock``).
"""

from __future__ import annotations

import re
from itertools import pairwise
from urllib.parse import parse_qsl, urlsplit

from fluxnotify import providertypes
from fluxnotify.schemas import POST_BUILD_VAR

_WEBHOOK_PATTERNS = (
    (
        "Slack webhook",
        re.compile(r"hooks\.slack(?:-gov)?\.com/(?:services|workflows|triggers)/\S+"),
    ),
    ("Discord webhook", re.compile(r"discord(?:app)?\.com/api/(?:v\d+/)?webhooks/\S+")),
    (
        "Microsoft Teams webhook",
        re.compile(r"\.webhook\.office\.com/\S+|outlook\.office\.com/webhook/\S+"),
    ),
    ("Teams workflow URL", re.compile(r"\.logic\.azure\.com\S*[?&]sig=")),
    ("Google Chat webhook", re.compile(r"chat\.googleapis\.com/v1/spaces/\S*[?&](?:key|token)=")),
)
_SLACK_TOKEN = re.compile(r"\bxox[a-z]-[A-Za-z0-9-]{10,}")
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

#: Words that stand for a value in documentation and templates.
PLACEHOLDER_WORDS = frozenset(
    {
        "your", "my", "example", "changeme", "replace", "replaceme", "todo", "username",
        "password", "token", "secret", "xxx", "placeholder", "redacted", "mock", "dummy",
        "fake", "test",
    }
)  # fmt: skip
#: The words that also name real hosts and paths (a `test` cluster, `my` team, an API
#: `/token` path) count only in the part of a URL that holds the secret.
_STRONG_WORDS = frozenset(
    {"your", "example", "changeme", "replace", "replaceme", "todo", "placeholder", "redacted"}
)
_TEMPLATE = re.compile(r"<[^<>]*>|\{\{.*?\}\}|\.\.\.|…")
_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")

_ALNUM = "[A-Za-z0-9]"
_UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
#: host (regex, full match) -> the path every real credential URL of it has (full match).
_URL_SHAPES = (
    (
        r"hooks\.slack(?:-gov)?\.com",
        rf"/services/T[A-Z0-9]+/B[A-Z0-9]+/{_ALNUM}{{24}}/?"
        rf"|/workflows/T[A-Z0-9]+/A[A-Z0-9]+/\d+/{_ALNUM}{{20,}}/?"
        rf"|/triggers/T[A-Z0-9]+/\d+/{_ALNUM}{{20,}}/?",
    ),
    (
        r"(?:(?:ptb|canary)\.)?discord(?:app)?\.com",
        r"/api/(?:v\d+/)?webhooks/\d{17,20}/[A-Za-z0-9_-]{60,80}(?:/slack|/github)?/?",
    ),
    (
        r"[a-z0-9-]+\.webhook\.office\.com|outlook\.office\.com",
        rf"/webhook(?:b2)?/{_UUID}@{_UUID}/IncomingWebhook/[0-9a-f]{{32}}/{_UUID}(?:/[A-Za-z0-9_-]+)?/?",
    ),
    (
        r"[a-z0-9-]+\.[a-z0-9-]+\.logic\.azure\.com(?::443)?",
        r"/workflows/[0-9a-f]{32}/triggers/[A-Za-z0-9_-]+/paths/invoke/?",
    ),
    (r"chat\.googleapis\.com", r"/v1/spaces/[A-Za-z0-9_-]{6,}/messages/?"),
)
#: query parameters a real URL of that host carries: host regex -> {name: value regex}.
_QUERY_SHAPES = {
    r"[a-z0-9-]+\.[a-z0-9-]+\.logic\.azure\.com(?::443)?": {"sig": r"[A-Za-z0-9_-]{40,}"},
    r"chat\.googleapis\.com": {"key": r"AIza[A-Za-z0-9_-]{35}", "token": r"[A-Za-z0-9_=%-]{20,}"},
}
#: Slack token prefixes and the shape after them (bot, user, then any other kind).
_SLACK_TOKEN_SHAPES = (
    re.compile(rf"xoxb-\d{{8,}}-\d{{8,}}-{_ALNUM}{{24}}"),
    re.compile(r"xoxp-\d{8,}-\d{8,}-\d{8,}-[0-9a-f]{32}"),
    re.compile(r"xoxe\.xox[bp]-\d+-[A-Za-z0-9_-]{60,}"),
    re.compile(r"xox[aeorsc]-[A-Za-z0-9-]{30,}"),
)
_TELEGRAM_TOKEN = re.compile(r"\d{6,12}:[A-Za-z0-9_-]{30,}")


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


def _is_run(token: str) -> bool:
    """``0000``, ``1234567890``, ``abcdef``, ``123123``: typed, not generated."""
    body = token.lower()
    if len(body) >= 6 and body[0].isalpha() and body[1:].isdigit():
        body = body[1:]  # T00000000, B12345678
    if len(body) < 4:
        return False
    if len(set(body)) == 1:
        return True
    pairs = list(pairwise(body))
    if body.isdigit():  # ascending or descending, 9 wraps to 0
        if {(int(b) - int(a)) % 10 for a, b in pairs} in ({1}, {9}):
            return True
    elif body.isalpha() and {ord(b) - ord(a) for a, b in pairs} in ({1}, {-1}):
        return True
    for period in range(2, 5):
        if len(body) >= 2 * period and body == (body[:period] * len(body))[: len(body)]:
            return True
    return False


def _has_word(token: str, words: frozenset[str]) -> bool:
    lowered = token.lower()
    if lowered in words or "xxx" in lowered:
        return True
    uniform = token.islower() or token.isupper() or token.istitle()
    if uniform and any(
        len(w) >= 4 and (lowered.startswith(w) or lowered.endswith(w)) for w in words
    ):
        return True  # YOURWEBHOOK, slacktoken
    pieces = _CAMEL.findall(token)
    # yourWebhookUrl; a generated mixed-case string breaks into pieces of one or two letters
    return (
        len(pieces) > 1
        and all(len(p) >= 2 or p.isdigit() for p in pieces)
        and any(p.lower() in words for p in pieces)
    )


def _fake(text: str, words: frozenset[str] = PLACEHOLDER_WORDS, min_run: int = 4) -> bool:
    """Placeholder words or runs in ``text``, token by token."""
    for token in _SEPARATORS.split(text):
        if not token:
            continue
        if _has_word(token, words) or (len(token) >= min_run and _is_run(token)):
            return True
    return False


def _host_is_fake(host: str, port: str) -> bool:
    """``proxy_url:proxy_port``, ``example.com``, ``your-team.webhook.office.com``."""
    if not host or "_" in host or (port and not port.isdigit()):
        return True
    return any(
        label in ("example", "invalid") or _has_word(label, _STRONG_WORDS - {"example"})
        for label in host.lower().split(".")
    )


def _url_is_placeholder(text: str) -> bool | None:
    """Whether URL ``text`` is a placeholder; None when it is not an http(s) URL."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return True
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    hostport = parts.netloc.rpartition("@")[2]
    host, _, port = hostport.partition(":") if not hostport.startswith("[") else (hostport, "", "")
    if _host_is_fake(host, port):
        return True
    query = parse_qsl(parts.query, keep_blank_values=True)
    secrets = [parts.username or "", parts.password or ""]
    secrets += [v for k, v in query if k.lower() in _SECRET_QUERY_KEYS]
    if any(_fake(s) for s in secrets if s) or any(not s for k, s in query if k == "sig"):
        return True
    if _fake(parts.path, _STRONG_WORDS, min_run=8):
        return True
    host_lower = hostport.lower()
    for host_shape, path_shape in _URL_SHAPES:
        if re.fullmatch(host_shape, host_lower):
            if not re.fullmatch(path_shape, parts.path) or _fake(parts.path.rsplit("/", 1)[-1]):
                return True
            for name, value_shape in _QUERY_SHAPES.get(host_shape, {}).items():
                values = [v for k, v in query if k == name]
                if not values or not all(re.fullmatch(value_shape, v) for v in values):
                    return True
    return False


def is_placeholder(text: str, provider_type: str | None = None, key: str | None = None) -> bool:
    """True when ``text`` cannot be a real credential: fill it in, encrypted.

    ``provider_type`` and ``key`` (the Secret key or field the value is in) add the
    shape that destination's credential has: a Slack ``token`` is an ``xoxb-`` token.
    """
    value = text.strip()
    if key == "headers":  # a YAML map: its names (X-Auth-Token) are no placeholders
        values = [line.partition(":")[2] for line in value.splitlines() if ":" in line]
        return bool(values) and all(is_placeholder(v) for v in values)
    if not value or POST_BUILD_VAR.search(value) or _TEMPLATE.search(value):
        return True
    as_url = _url_is_placeholder(value)
    if as_url is not None:
        return as_url
    slack_token = value.lower().startswith("xox") or (provider_type, key) == ("slack", "token")
    if slack_token and not any(shape.fullmatch(value) for shape in _SLACK_TOKEN_SHAPES):
        return True
    if provider_type == "telegram" and key == "token" and not _TELEGRAM_TOKEN.fullmatch(value):
        return True
    if "://" not in value and "/" in value and credential_kind(value) is None:
        # YOUR/SLACK/WEBHOOK: a path where a URL belongs
        return _fake(value) or (value.isupper() and not any(c.isdigit() for c in value))
    return _fake(value)


def is_credential(provider_type: str | None, key: str, value: str) -> bool:
    """Whether ``value`` under Secret ``key`` is a credential for a ``provider_type`` Provider.

    The type gives the key its meaning (providertypes): googlepubsub's ``headers`` are
    message attributes and its ``address`` the project ID; alertmanager's ``address`` is an
    API URL, a credential only when it carries one (user name and password, token query).
    """
    facts = providertypes.facts(provider_type or "")
    if facts is None:
        return True  # a Receiver's token, or a type Flux does not know: assume the worst
    if key in facts.credentials:
        if key == "address" and facts.address == providertypes.OTHER:
            return "sharedaccesskey" in value.lower()  # an Event Hubs connection string
        return True
    return credential_kind(value) is not None
