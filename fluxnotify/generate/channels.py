"""Whether a channel is one its destination accepts, per Provider type: one table.

A channel Flux cannot use is only found when the first alert fails to arrive, so init
checks it with the destination's own rules. A type without an entry gets the checks
every Provider field gets (no blanks around it, no control characters, the CRD's
length limit). Add a type by adding a function to ``_CHECKS`` and an example to
``EXAMPLES``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fluxnotify.errors import UsageError

#: The Provider CRD's limit on spec.channel.
MAX_LENGTH = 2048

#: A Slack conversation ID: C (public), G (private, older), D (direct message).
_SLACK_ID = re.compile(r"[CGD][A-Z0-9]{8,}")
_SLACK_NAME = re.compile(r"[a-z0-9._-]+")


def _slack(channel: str) -> str | None:
    """A channel ID, or a name as Slack makes them: lowercase, no spaces, 80 characters."""
    if _SLACK_ID.fullmatch(channel):
        return None
    name = channel.removeprefix("#")
    if any(c.isspace() for c in name):
        return "Slack channel names have no spaces (Slack turns them into -)"
    if name != name.lower():
        return "Slack channel names are lowercase"
    if len(name) > 80:
        return "Slack channel names are at most 80 characters"
    if not _SLACK_NAME.fullmatch(name):
        return "a Slack channel name holds lowercase letters, digits, -, _ and . only"
    return None


def _telegram(channel: str) -> str | None:
    """A numeric chat ID or a public @username, optionally :THREAD_ID for a forum topic."""
    chat, _, thread = channel.partition(":")
    if thread and not thread.isdigit():
        return "the part after ':' is a topic (thread) ID, a number"
    if re.fullmatch(r"-?\d+", chat) or re.fullmatch(r"@[A-Za-z][A-Za-z0-9_]{3,31}", chat):
        return None
    return "a Telegram chat is a numeric ID (-1001234567890) or a public @username"


def _matrix(channel: str) -> str | None:
    """A room ID, ``!opaque:server``; an alias (#room:server) is not accepted by the API call."""
    if re.fullmatch(r"![^:\s]+:[^\s]+", channel):
        return None
    if channel.startswith("#"):
        return "that is a room alias; Flux needs the room ID (!id:server, in the room's settings)"
    return "a Matrix room ID has the form !id:server"


def _nats(channel: str) -> str | None:
    """A subject to publish on: dot-separated tokens, no wildcards, no blanks."""
    if re.fullmatch(r"[^\s.*>]+(\.[^\s.*>]+)*", channel):
        return None
    return "a NATS subject is dot-separated words without blanks or the wildcards * and >"


def _googlepubsub(channel: str) -> str | None:
    """A topic ID: 3 to 255 characters, starting with a letter, not with ``goog``."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9._~+%-]{2,254}", channel) and not channel.startswith(
        "goog"
    ):
        return None
    return "a Pub/Sub topic ID starts with a letter and has 3 to 255 letters, digits or -._~+%"


_CHECKS: dict[str, Callable[[str], str | None]] = {
    "slack": _slack,
    "telegram": _telegram,
    "matrix": _matrix,
    "nats": _nats,
    "googlepubsub": _googlepubsub,
}

#: A channel each checked type accepts, as a value (tests and examples use it).
SAMPLES = {
    "slack": "flux-alerts",
    "telegram": "-1001234567890",
    "matrix": "!AbCdEfGh:matrix.org",
    "nats": "flux.alerts",
    "googlepubsub": "flux-alerts",
}

#: A channel each checked type accepts, for the hint.
EXAMPLES = {
    "slack": "flux-alerts, or a channel ID such as C0123ABCD",
    "telegram": "-1001234567890 or @my_channel",
    "matrix": "!AbCdEfGh:matrix.org",
    "nats": "flux.alerts",
    "googlepubsub": "flux-alerts",
}


def check_channel(provider_type: str, channel: str, flag: str = "--channel") -> str:
    """``channel`` if ``provider_type`` can post there; else a UsageError saying why."""
    if channel != channel.strip():
        raise UsageError(f"{flag} {channel!r} has blanks around it; remove them")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in channel):
        raise UsageError(f"{flag} holds a control character; remove it")
    if len(channel) > MAX_LENGTH:
        raise UsageError(f"{flag} is longer than {MAX_LENGTH} characters, the Provider limit")
    check = _CHECKS.get(provider_type)
    problem = check(channel) if check else None
    if problem:
        raise UsageError(f"{flag} {channel!r}: {problem}", hint=f"e.g. {EXAMPLES[provider_type]}")
    return channel
