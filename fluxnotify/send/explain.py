"""Putting a :class:`~fluxnotify.send.http.Delivery` into words: one line, or one JSON object.

Slack's answers and their meaning come from reference section 8; the common user problems
they point at from section 5. Every text that came from outside passes the scrubber.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fluxnotify.redact import Scrubber
from fluxnotify.send.http import Delivery
from fluxnotify.send.typeadvice import advice, error_text

_NEW_WEBHOOK = (
    "create a new incoming webhook for the channel and put its URL in the Secret's `address`"
)
_CLIENT_CERT_FIX = (
    "put the certificate and its key in the Secret of the Provider's `certSecretRef` as "
    "`tls.crt` and `tls.key` (here: --cert-file and --key-file)"
)
_REINSTALL = "reinstall the Slack app, then put the new bot token in the Secret's `token`"

#: Slack error code -> (meaning, fix). Webhook codes and Web API codes (reference 8).
SLACK_ERRORS: dict[str, tuple[str, str]] = {
    "invalid_payload": (
        "Slack could not read the body as JSON for this content type",
        "check for a proxy that rewrites requests; the body is what Flux sends",
    ),
    "user_not_found": (
        "the user named in the request does not exist",
        "check the Provider's `username`",
    ),
    "no_text": (
        "the message has nothing to show",
        "check the proxy in between: Flux always sends one attachment",
    ),
    "missing_text_or_fallback_or_attachments": (
        "the message has nothing to show",
        "check the proxy in between: Flux always sends one attachment",
    ),
    **dict.fromkeys(
        ("invalid_attachments", "invalid_blocks", "invalid_blocks_format"),
        ("Slack rejected the rich content", "check for a proxy that rewrites requests"),
    ),
    "action_prohibited": (
        "the workspace forbids this post (an admin restriction on the app or the channel)",
        "ask a Slack admin to allow the app to post in the channel",
    ),
    "invalid_token": (
        "the token inside the webhook URL is bad",
        _NEW_WEBHOOK,
    ),
    "no_service": (
        "the webhook was revoked, or its URL is mistyped",
        _NEW_WEBHOOK + " (copy it whole: the last part is the secret)",
    ),
    "no_team": (
        "the workspace in the webhook URL does not exist: the URL is mistyped or the "
        "workspace was deleted",
        _NEW_WEBHOOK,
    ),
    "channel_not_found": (
        "the channel does not exist, or the bot cannot see it",
        "check the Provider's `channel` (a channel ID such as C0123 is safest); "
        "for a private channel, invite the bot",
    ),
    "channel_is_archived": (
        "the channel was archived",
        "unarchive it in Slack, or create a webhook for another channel",
    ),
    "is_archived": (
        "the channel was archived",
        "unarchive it in Slack, or set the Provider's `channel` to another one",
    ),
    "rollup_error": ("a failure on Slack's side", "try again later"),
    "not_authed": (
        "no token was sent",
        "put the bot token (xoxb-...) in the Secret's `token` key",
    ),
    "invalid_auth": ("the token is not valid", _REINSTALL),
    "account_inactive": ("the token belongs to a deactivated user or app", _REINSTALL),
    "token_revoked": ("the token was revoked", _REINSTALL),
    "missing_scope": (
        "the bot token lacks a scope",
        "give the app the chat:write scope (and chat:write.customize to set a username), "
        "then reinstall it",
    ),
    "not_in_channel": (
        "the bot is not a member of the channel",
        "invite the bot: type /invite @<bot name> in the channel",
    ),
    "msg_too_long": ("the message text is too long", "shorten the event message"),
    "ratelimited": (
        "Slack is rate limiting this token",
        "send less often; Flux re-sends a recurring error at most every 5 minutes",
    ),
}

#: Slack codes that mean something else from an incoming webhook (HTTP 4xx, no token)
#: than from chat.postMessage (``ok: false``, a bot token): a webhook is bound to its
#: channel, so the bot-token fixes (invite the bot, set the channel) do not apply.
WEBHOOK_ERRORS: dict[str, tuple[str, str]] = {
    "channel_not_found": (
        "the channel the webhook posts to was deleted or archived",
        _NEW_WEBHOOK,
    ),
}

#: What a delivery shows, and what it does not: said after every "delivered".
PROVES = "the address, its credentials and the message work from this machine"
DOES_NOT_PROVE = (
    "that the cluster reaches it: its DNS, egress policies and proxy are its own. To check,"
    " send the same from inside the cluster (put the full address back where … stands):"
)

#: HTTP status -> (meaning, fix) when the answer carries no known Slack code.
_STATUS: dict[int, tuple[str, str]] = {
    400: ("the receiver rejected the request", "check the address and the Provider type"),
    401: ("the receiver wants credentials", "check the token or the credentials in the URL"),
    403: ("the receiver refused the request", "check the token and the receiver's permissions"),
    404: (
        "nothing answers at this URL: the webhook was deleted, or the URL is mistyped",
        "copy the webhook URL again into the Secret's `address`",
    ),
    405: ("the URL does not accept POST", "check the address: it should be the webhook URL"),
    410: ("the webhook or its channel is gone", "create a new webhook"),
    413: ("the message is too large for the receiver", "shorten the event message"),
    429: (
        "rate limited: Slack allows about one message per second per webhook",
        "wait and try again; Flux retries a rate-limited send within its timeout",
    ),
}

_FAILURE_WORDS: dict[str, tuple[str, str]] = {
    "dns": (
        "the host name does not resolve: it is mistyped, or DNS is blocked from here",
        "check the host in the address; from the cluster, check DNS and egress policies",
    ),
    "refused": (
        "nothing listens on that port, or a firewall rejects the connection",
        "check the port in the address and any firewall or egress policy in between",
    ),
    "timeout": (
        "a network, egress or proxy problem; Flux reports it as 'context deadline exceeded'",
        "check egress and proxy settings; raise the Provider's `timeout` if the receiver is slow",
    ),
    "tls-verify": (
        "the server's certificate is not trusted",
        "for a private CA, put it in a Secret as `ca.crt` and set the Provider's "
        "`certSecretRef` (here: --ca-file)",
    ),
    "tls-client-cert": (
        "the server wants a client certificate (mutual TLS), and none was sent",
        _CLIENT_CERT_FIX,
    ),
    "tls-client-cert-rejected": (
        "the server refused the client certificate: it is not signed by a CA the server "
        "trusts, or it is expired or revoked",
        "get a client certificate the server accepts; " + _CLIENT_CERT_FIX,
    ),
    "tls": (
        "the TLS handshake failed",
        "check that the address uses https only where the server speaks TLS",
    ),
    "proxy": (
        "the proxy refused or could not make the connection",
        "check the proxy address and credentials (the Provider's proxySecretRef)",
    ),
    "connection": (
        "the connection broke before an answer came",
        "try again; if it persists, check the network path to the receiver",
    ),
    "unreadable": (
        "Slack's Web API answered something that is not JSON; Flux reports "
        "'unable to unmarshal response body'",
        "check for a proxy in between",
    ),
}


@dataclass(frozen=True)
class Report:
    """What the user sees; ``to_json``/``to_text`` render the same content."""

    delivered: bool
    destination: str
    provider_type: str
    problem: str
    status: int | None = None
    error: str | None = None
    meaning: str | None = None
    fix: str | None = None
    attempts: int = 1
    elapsed: float = 0.0
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> str:
        doc: dict[str, Any] = {
            "delivered": self.delivered,
            "destination": self.destination,
            "type": self.provider_type,
            "status": self.status,
            "error": self.error,
            "problem": self.problem,
            "meaning": self.meaning,
            "fix": self.fix,
            "attempts": self.attempts,
            "elapsed_seconds": round(self.elapsed, 3),
            "warnings": list(self.warnings),
        }
        return json.dumps(doc, ensure_ascii=False)

    def to_text(self, cluster_check: str = "") -> str:
        """The report; after a delivery, what it proves and the in-cluster check."""
        if self.delivered:
            lines = [f"delivered: {self.problem}", f"  proves: {PROVES}"]
            if cluster_check:
                lines += [f"  does not prove: {DOES_NOT_PROVE}", f"  {cluster_check}"]
            return "\n".join(lines)
        lines = [f"not delivered: {self.problem}"]
        if self.meaning:
            lines.append(f"  meaning: {self.meaning}")
        if self.fix:
            lines.append(f"  fix: {self.fix}")
        return "\n".join(lines)


def cluster_check(
    method: str, shown_url: str, headers: dict[str, str], body: bytes, namespace: str
) -> str:
    """A ``kubectl run`` that sends the same request from a pod, secrets left out.

    ``shown_url`` and ``headers`` are already redacted: the user puts the secret back.
    """
    import shlex

    parts = ["curl", "-sS", "-X", method]
    for key, value in headers.items():
        parts += ["-H", f"{key}: {value}"]
    if body:
        parts += ["--data-binary", body.decode("utf-8", errors="replace")]
    parts.append(shown_url)
    pod = (
        f"kubectl run fluxnotify-check --namespace {shlex.quote(namespace)} --rm -i"
        " --restart=Never --image=curlimages/curl --"
    )
    return f"{pod} {shlex.join(parts)}"


def _timing(delivery: Delivery, timeout: float) -> str:
    text = f"{delivery.elapsed:.2f}s"
    if delivery.attempts > 1:
        text = f"{delivery.attempts} attempts, {text}"
    if delivery.stopped_early is not None:
        text += (
            f"; gave up: the next retry, in {delivery.stopped_early:g}s, "
            f"would pass the {timeout:g}s timeout"
        )
    return text


def explain(
    delivery: Delivery,
    *,
    destination: str,
    provider_type: str,
    timeout: float,
    scrub: Scrubber,
    channel: str = "",
    warnings: tuple[str, ...] = (),
) -> Report:
    """The report for ``delivery`` to ``destination`` (already redacted)."""
    host = delivery.host
    timing = _timing(delivery, timeout)
    status = delivery.status
    code = scrub(delivery.error_code) or None
    meaning = fix = None
    failure = delivery.failure
    if failure is None:
        problem = f"{provider_type} message to {destination} (HTTP {status}, {timing})"
    elif failure in ("status", "slack-api", "slack-api-inexact"):
        if not code and failure == "status":
            # Telegram's `description`, Matrix's `errcode`, Datadog's `errors`...
            code = scrub(error_text(delivery.body)) or None
        answer = f"HTTP {status}" + (f" {code}" if code else "")
        if failure != "status":
            answer = f"HTTP {status} with ok: false, error {code or '(none)'}"
        if failure == "slack-api-inexact":
            answer += (
                "; nothing was posted, yet Flux would count it as sent because the address"
                " is not exactly https://slack.com/api/chat.postMessage"
            )
        problem = f"{destination} answered {answer} ({timing})"
        if status == 429 and delivery.retry_after is not None:
            problem += f"; it asked to wait {delivery.retry_after:g}s"
        webhook = WEBHOOK_ERRORS.get(code or "") if failure == "status" else None
        meaning, fix = (
            advice(provider_type, status, delivery.body)
            or webhook
            or SLACK_ERRORS.get(code or "")
            or _STATUS.get(status or 0)
            or (None, None)
        )
        if meaning is None and status is not None and status >= 500:
            meaning, fix = "a failure on the receiver's side", "try again later"
        if code == "channel_not_found" and not channel and failure != "status":
            fix = "set the Provider's `channel`: chat.postMessage needs one"
    elif failure == "redirect":
        problem = (
            f"{destination} answered HTTP {status}, a redirect to {delivery.detail} that Go's"
            f" client does not follow ({timing})"
        )
        meaning = "the address is not the final URL of the receiver"
        fix = "put the final URL in the Provider's address or the Secret's `address` key"
    elif failure == "redirect-loop":
        problem = f"{destination} redirected more than 10 times ({timing})"
        meaning = "Flux's client stops after 10 redirects: a loop, or a chain that never ends"
        fix = "put the receiver's final URL in the Provider's address or the Secret's `address`"
    elif failure == "redirect-get":
        problem = (
            f"{destination} answered HTTP {status} only after a redirect turned the POST into a"
            f" GET without the message; Flux would count it as sent, yet nothing was posted"
            f" ({timing})"
        )
        meaning = "301, 302 and 303 redirects make Go's client drop the body and send a GET"
        fix = "put the final URL in the Provider's address or the Secret's `address` key"
    else:
        meaning, fix = _FAILURE_WORDS[failure]
        problem = {
            "dns": f"cannot resolve the host {host}",
            "refused": f"{host} refused the connection",
            "timeout": f"no answer from {host} within the {timeout:g}s timeout",
            "tls-verify": f"TLS: {host} presented a certificate that is not trusted "
            f"({scrub(delivery.detail)})",
            "tls": f"TLS handshake with {host} failed ({scrub(delivery.detail)})",
            "tls-client-cert": f"TLS: {host} ended the handshake, and no client "
            f"certificate was sent ({scrub(delivery.detail)})",
            "tls-client-cert-rejected": f"TLS: {host} refused the client certificate "
            f"({scrub(delivery.detail)})",
            "proxy": f"the proxy could not connect to {host}",
            "connection": f"the connection to {host} failed ({scrub(delivery.detail)})",
            "unreadable": f"{destination} answered HTTP {status} with a body that is not JSON",
        }[failure] + f" ({timing})"
        if delivery.detail == "SSLV3_ALERT_HANDSHAKE_FAILURE" and failure == "tls-client-cert":
            # A TLS 1.2 server says this for a missing certificate, but also for no shared cipher.
            meaning = f"most likely {meaning}; else no TLS version or cipher in common"
    if delivery.hops:
        problem += f"; redirects followed as Flux does: {'; '.join(delivery.hops)}"
    return Report(
        delivered=delivery.delivered,
        destination=destination,
        provider_type=provider_type,
        problem=problem,
        status=status,
        error=code,
        meaning=meaning,
        fix=fix,
        attempts=delivery.attempts,
        elapsed=delivery.elapsed,
        warnings=tuple(scrub(w) for w in warnings),
    )
