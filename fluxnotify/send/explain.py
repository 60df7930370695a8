"""Putting a :class:`~fluxnotify.send.http.Delivery` into words: one line, or one JSON object.

Slack's answers and their meaning come from reference section 8; the common user problems
they point at from section 5. Every text that came from outside passes the scrubber.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from fluxnotify.redact import Scrubber
from fluxnotify.send.http import Delivery
from fluxnotify.send.typeadvice import advice, error_text

#: What a delivery shows, and what it does not: said after every "delivered".
PROVES = "the address, its credentials and the message work from this machine"
DOES_NOT_PROVE = (
    "that the cluster reaches it: its DNS, egress policies and proxy are its own. To check,"
    " send the same from inside the cluster (put the full address back where … stands):"
)

#: The page whose table "What each failure means" holds every meaning and fix test-send
#: prints: one source for the report and the documentation (a test walks it row by row).
ADVICE_PAGE = "test-send.md"
_SECTION = "## What each failure means"


@dataclass(frozen=True)
class Advice:
    """The advice table, by kind of answer; each value is (meaning, what to do)."""

    webhook: dict[str, tuple[str, str]]  # Slack code from a webhook (HTTP 4xx, no token)
    bot: dict[str, tuple[str, str]]  # Web API ``ok: false`` code, with a bot token
    bot_no_channel: dict[str, tuple[str, str]]  # the same, when no channel was set
    status: dict[str, tuple[str, str]]  # "404", "5xx": an HTTP status without a known code
    failure: dict[str, tuple[str, str]]  # dns, refused, timeout, tls-..., redirect-...


def parse_advice(page: str) -> Advice:
    """The rows of the page's advice table; a row it cannot place is an error in the page."""
    advice = Advice({}, {}, {}, {}, {})
    section = page[page.index(_SECTION) :].split("\n## ", 1)[0]
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        answer, sent_with, meaning, fix = cells
        key = answer.strip("`")
        words = (meaning, fix)
        if match := re.fullmatch(r"HTTP \d+ (\w+)", key):
            advice.webhook[match[1]] = words
        elif match := re.fullmatch(r"ok: false, error (\w+)", key):
            table = advice.bot_no_channel if "no channel" in sent_with else advice.bot
            table[match[1]] = words
        elif match := re.fullmatch(r"HTTP (\w+)", key):
            advice.status[match[1]] = words
        elif re.fullmatch(r"[a-z-]+", key):
            advice.failure[key] = words
        else:
            raise ValueError(f"{ADVICE_PAGE}: cannot place the row {answer}")
    return advice


@functools.cache
def advice_table() -> Advice:
    """The table, read once, from the page shipped with the package (or the checkout)."""
    from fluxnotify.schemas import resource_dir

    page = resource_dir("docs").joinpath(ADVICE_PAGE).read_text(encoding="utf-8")
    return parse_advice(page)


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
        table = advice_table()
        if failure == "status":  # a webhook: no token, bound to one channel
            by_code = table.webhook.get(code or "")
        else:  # chat.postMessage with a bot token
            no_channel = None if channel else table.bot_no_channel.get(code or "")
            by_code = no_channel or table.bot.get(code or "")
        five_xx = table.status["5xx"] if status is not None and status >= 500 else None
        meaning, fix = (
            advice(provider_type, status, delivery.body)
            or by_code
            or table.status.get(str(status))
            or five_xx
            or (None, None)
        )
    elif failure == "redirect":
        problem = (
            f"{destination} answered HTTP {status}, a redirect to {delivery.detail} that Go's"
            f" client does not follow ({timing})"
        )
        meaning, fix = advice_table().failure[failure]
    elif failure == "redirect-loop":
        problem = f"{destination} redirected more than 10 times ({timing})"
        meaning, fix = advice_table().failure[failure]
    elif failure == "redirect-get":
        problem = (
            f"{destination} answered HTTP {status} only after a redirect turned the POST into a"
            f" GET without the message; Flux would count it as sent, yet nothing was posted"
            f" ({timing})"
        )
        meaning, fix = advice_table().failure[failure]
    else:
        meaning, fix = advice_table().failure[failure]
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
