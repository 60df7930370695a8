"""What each Flux release serves: API versions, Provider types, event source kinds.

Facts from ../shared/reference/flux-notification-api.md sections 1, 3a, 3c and 7.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import NamedTuple

NOTIFICATION_GROUP = "notification.toolkit.fluxcd.io"

#: Supported target releases, oldest first.
FLUX_VERSIONS: tuple[str, ...] = tuple(f"2.{minor}" for minor in range(10))
NEWEST = FLUX_VERSIONS[-1]

#: Flux minor release -> notification-controller minor release (reference section 1).
_NC_MINOR = {f"2.{minor}": (1, minor) for minor in range(10)}

_VERSION = r"^v?(\d+)\.(\d+|x|\*)(?:\.[0-9x*]+)?(?:[-+].*)?$"


def parse_flux_version(text: str) -> tuple[int, int] | None:
    """``v2.9.4``, ``2.4``, ``2.x`` -> (major, minor); ``2.x`` means the newest minor."""
    match = re.match(_VERSION, text.strip().strip("'\""))
    if not match:
        return None
    major = int(match.group(1))
    minor_text = match.group(2)
    minor = int(NEWEST.split(".")[1]) if minor_text in ("x", "*") else int(minor_text)
    return major, minor


def clamp(major: int, minor: int) -> str:
    """Map any release onto the supported 2.0 to 2.9 range."""
    if major < 2:
        return FLUX_VERSIONS[0]
    if major > 2 or minor > int(NEWEST.split(".")[1]):
        return NEWEST
    return f"2.{minor}"


def minor_of(version: str) -> int:
    return int(version.split(".")[1])


class Served(Enum):
    SERVED = "served"
    DEPRECATED = "deprecated"
    REMOVED = "removed"
    NEVER = "never"


class ServedStatus(NamedTuple):
    status: Served
    use_instead: str


def served(api_version: str, kind: str, flux_version: str) -> ServedStatus:
    """Whether ``flux_version`` serves ``api_version`` for a notification kind."""
    minor = minor_of(flux_version)
    version = api_version.rsplit("/", 1)[-1]
    if kind in ("Alert", "Provider"):
        newest = f"{NOTIFICATION_GROUP}/v1beta3" if minor >= 2 else f"{NOTIFICATION_GROUP}/v1beta2"
        if version == "v1beta3":
            ok = minor >= 2
            return ServedStatus(Served.SERVED if ok else Served.NEVER, newest)
        if version == "v1beta2":
            if minor >= 9:
                return ServedStatus(Served.REMOVED, newest)
            return ServedStatus(Served.DEPRECATED if minor >= 2 else Served.SERVED, newest)
        if version == "v1beta1":
            if minor >= 7:
                return ServedStatus(Served.REMOVED, newest)
            return ServedStatus(Served.DEPRECATED if minor >= 2 else Served.SERVED, newest)
        return ServedStatus(Served.NEVER, newest)
    if kind == "Receiver":
        newest = f"{NOTIFICATION_GROUP}/v1"
        if version == "v1":
            return ServedStatus(Served.SERVED, newest)
        if version == "v1beta2":
            return ServedStatus(Served.REMOVED if minor >= 9 else Served.DEPRECATED, newest)
        if version == "v1beta1":
            return ServedStatus(Served.REMOVED if minor >= 7 else Served.DEPRECATED, newest)
        return ServedStatus(Served.NEVER, newest)
    return ServedStatus(Served.SERVED, api_version)


# Provider types by the notification-controller minor release that added them
# (reference 3a: "When each type was added"); everything before 1.0 counts as 1.0.
_PROVIDER_TYPES_ADDED: dict[str, int] = {
    **dict.fromkeys(
        [
            "slack", "discord", "msteams", "rocket", "generic", "github", "gitlab",
            "bitbucket", "azuredevops", "googlechat", "webex", "sentry", "azureeventhub",
            "telegram", "lark", "matrix", "opsgenie", "alertmanager", "grafana",
            "githubdispatch", "generic-hmac", "gitea", "googlepubsub", "pagerduty",
        ],
        0,
    ),
    "datadog": 1,
    "bitbucketserver": 2,
    "nats": 2,
    "zulip": 7,
    "otel": 7,
    "githubpullrequestcomment": 8,
    "gitlabmergerequestcomment": 8,
    "giteapullrequestcomment": 8,
}  # fmt: skip


def provider_types(flux_version: str) -> tuple[str, ...]:
    """The Provider ``spec.type`` values that ``flux_version`` accepts (v1beta3)."""
    minor = minor_of(flux_version)
    return tuple(t for t, added in _PROVIDER_TYPES_ADDED.items() if added <= minor)


def provider_type_since(provider_type: str) -> str | None:
    added = _PROVIDER_TYPES_ADDED.get(provider_type)
    return None if added is None else f"2.{added}"


#: Alert eventSources kinds added after Flux 2.0 (reference 3c).
_SOURCE_KINDS_ADDED = {"ArtifactGenerator": 8, "ExternalArtifact": 8}

#: Kinds that Flux Operator adds to the Alert and Receiver APIs where it runs.
FLUX_OPERATOR_KINDS = ("FluxInstance", "ResourceSet", "ResourceSetInputProvider")


def source_kind_since(kind: str) -> str | None:
    added = _SOURCE_KINDS_ADDED.get(kind)
    return None if added is None else f"2.{added}"
