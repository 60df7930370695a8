"""slack-address: a Slack Provider whose address cannot work.

The Slack notifier needs a URL (Secret key `address` or `spec.address`). With
the chat.postMessage API URL it needs a bot `token` and a `spec.channel`; and
only the exact URL `https://slack.com/api/chat.postMessage` makes the
controller read Slack's `ok` field, so any other spelling turns Slack's
errors into silent successes (reference 3b and 3d).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from fluxnotify.model import Context, Document, Problem, Severity
from fluxnotify.rules._credentials import is_placeholder
from fluxnotify.rules._refs import is_notification, ref_name

ID = "slack-address"
SEVERITY = Severity.ERROR
SUMMARY = "a Slack Provider with no usable address, or an API URL without token or channel"
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False
KINDS: frozenset[str] | None = frozenset({"Provider"})

API_URL = "https://slack.com/api/chat.postMessage"


def _is_api(address: str) -> bool:
    parts = urlsplit(address.strip())
    return parts.netloc.lower() == "slack.com" and parts.path.rstrip("/").endswith(
        "/chat.postMessage"
    )


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if not is_notification(doc, "Provider") or doc.spec.get("type") != "slack":
        return
    spec = doc.spec
    spec_address = spec.get("address") if isinstance(spec.get("address"), str) else None
    secret_name = ref_name(spec, "secretRef")
    # What the Secret(s) may hold: None = cannot tell.
    secret_keys: frozenset[str] | None = frozenset()
    secret_address: str | None = None
    if secret_name is not None:
        found = [s for p in ctx.placements for s in ctx.objects.secrets(secret_name, p)]
        if not found or any(s.keys is None for s in found) or spec.get("secretRef") is None:
            secret_keys = None
        else:
            secret_keys = frozenset().union(*(s.keys or frozenset() for s in found))
            values = [s.values.get("address") for s in found if s.values is not None]
            secret_address = next((v for v in values if v), None)
    elif "secretRef" in spec:
        secret_keys = None  # a post-build variable or malformed: schema says so
    address = secret_address or (
        spec_address if secret_keys is None or "address" not in secret_keys else None
    )
    if secret_keys is not None and "address" not in secret_keys and not spec_address:
        yield Problem(
            "this Slack Provider has no address: neither `spec.address` nor an `address` key"
            " in its Secret",
            ("spec",) if secret_name is None else ("spec", "secretRef", "name"),
            hint="put the incoming-webhook URL in the Secret under `address`, or use the bot-token"
            f" setup: spec.address {API_URL}, spec.channel and the Secret key `token`",
        )
        return
    if address is None or is_placeholder(address, "slack", "address"):
        return  # plaintext-secret or address-in-spec says to fill it in
    at = ("spec", "address") if address == spec_address else ("spec", "secretRef", "name")
    parts = urlsplit(address.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        yield Problem(
            "the Slack address is not an absolute http(s) URL",
            at,
            hint="the controller fails with `invalid Slack hook URL`; use the full webhook URL",
        )
        return
    if not _is_api(address):
        return
    if address != API_URL:
        yield Problem(
            f"the Slack API URL is not exactly {API_URL}: the controller then treats Slack's"
            " `ok: false` answers as success",
            at,
            hint=f"write exactly {API_URL}",
            severity=Severity.WARNING,
        )
    if secret_keys is not None and "token" not in secret_keys:
        yield Problem(
            "chat.postMessage needs a bot token, but the Secret has no `token` key"
            if secret_name
            else "chat.postMessage needs a bot token, but the Provider has no secretRef",
            ("spec", "secretRef", "name") if secret_name else ("spec", "address"),
            hint="add the bot token (xoxb-...) to the Secret under `token`",
        )
    if not spec.get("channel"):
        yield Problem(
            "chat.postMessage needs `spec.channel`: Slack answers `channel_not_found` without it",
            ("spec",),
            hint="add `channel: <channel name or ID>` to the Provider and invite the bot there",
        )
