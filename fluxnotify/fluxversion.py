"""Flux releases: which one a repository targets, and what each serves (API versions,
Provider types, event source kinds).

Facts from ../shared/reference/flux-notification-api.md sections 1, 3a, 3c and 7.
The target release of a file comes from what the repository says: a
gotk-components.yaml, a GitRepository of fluxcd/flux2 at a tag, or a
FluxInstance; else the newest supported release.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from fluxnotify import apiversions_data
from fluxnotify.errors import ConfigError

if TYPE_CHECKING:
    from fluxnotify.model import Document, SourceFile

NOTIFICATION_GROUP = "notification.toolkit.fluxcd.io"

#: Supported target releases, oldest first.
FLUX_VERSIONS: tuple[str, ...] = tuple(f"2.{minor}" for minor in range(10))
NEWEST = FLUX_VERSIONS[-1]
#: Why the target is the newest release: nothing in the repository names one.
GUESSED = "the newest; no gotk-components.yaml or FluxInstance found"

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


def parse_option(text: str, where: str = "--flux-version") -> str:
    """``2.4``, ``v2.4.1`` -> ``2.4``; anything outside 2.0 to 2.9 is a configuration error,
    an empty value too (a shell variable that was never set: ``--flux-version "$FLUX"``)."""
    hint = f"use one of {', '.join(FLUX_VERSIONS)}"
    if not text.strip().strip("'\""):  # blank, or quotes around nothing
        raise ConfigError(f"{where}: the Flux version is empty", hint)
    parsed = parse_flux_version(text)
    if parsed is None or f"{parsed[0]}.{parsed[1]}" not in FLUX_VERSIONS:
        raise ConfigError(f"{where}: unsupported Flux version {text!r}", hint)
    return f"{parsed[0]}.{parsed[1]}"


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


def flux_kind(group: str, kind: str) -> bool:
    """Whether ``group``/``kind`` is one of the Flux kinds whose served versions are known."""
    return (group, kind) in apiversions_data.KINDS


def served(api_version: str, kind: str, flux_version: str) -> ServedStatus:
    """Whether ``flux_version`` serves ``api_version`` for a Flux kind (source, kustomize,
    helm, image, notification); any other kind counts as served.

    From the CRDs each release ships (apiversions_data, scripts/generate_apiversions.py).
    ``use_instead`` is the storage version of that release, else of the first that has the kind.
    """
    group, _, version = api_version.rpartition("/")
    if not group and kind in ("Alert", "Provider", "Receiver"):
        group = NOTIFICATION_GROUP
    releases = apiversions_data.KINDS.get((group, kind))
    if releases is None:
        return ServedStatus(Served.SERVED, api_version)
    minor = minor_of(flux_version)
    here = dict(releases.get(flux_version, ()))
    storage = next((v for v, state in releases.get(flux_version, ()) if state == "storage"), None)
    if storage is None:  # the release has no such kind yet: name the first version there is
        first = min(releases, key=minor_of)
        storage = next(v for v, state in releases[first] if state == "storage")
    newest = f"{group}/{storage}"
    if version in here:
        return ServedStatus(
            Served.DEPRECATED if here[version] == "deprecated" else Served.SERVED, newest
        )
    if any(
        minor_of(release) < minor and version in dict(states)
        for release, states in releases.items()
    ):
        return ServedStatus(Served.REMOVED, newest)
    return ServedStatus(Served.NEVER, newest)


def served_since(api_version: str, kind: str) -> str | None:
    """The first release that serves ``api_version`` for ``kind``, if any does."""
    group, _, version = api_version.rpartition("/")
    releases = apiversions_data.KINDS.get((group, kind), {})
    found = [release for release, states in releases.items() if version in dict(states)]
    return min(found, key=minor_of) if found else None


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


_GOTK_VERSION = (
    r"(?m)^#\s*Flux Version:\s*(\S+)|app\.kubernetes\.io/version:\s*[\"']?(v?\d+\.\d+[^\s\"']*)"
)
_FLUX2_REPOSITORY = r"^(?:https://|ssh://git@)github\.com[/:]fluxcd/flux2(?:\.git)?/?$"


def gotk_components_version(text: str) -> str | None:
    """The release a gotk-components.yaml names in its header comment or version labels."""
    match = re.search(_GOTK_VERSION, text)
    return (match.group(1) or match.group(2)) if match else None


class VersionSource(NamedTuple):
    """A place in the repository that says which Flux release runs there."""

    #: the absolute folder it speaks for
    scope: str
    version: str
    origin: str


def version_sources(root: Path, path: str, source: SourceFile) -> Iterator[VersionSource]:
    """What one file (at absolute ``path``) says about the Flux release: a
    gotk-components.yaml and a flux2 GitRepository speak for their folder (for the
    cluster folder above a flux-system one), a FluxInstance for the whole repository."""
    # Almost no file says anything: work out its folder and relative path only for those
    # that do (relpath on every one of 12,000 files cost a second on the bench).
    found: list[tuple[bool, str, str]] = []  # (whole repository?, version, origin format)
    if source.flux_version:
        found.append((False, source.flux_version, "{}"))
    for doc in source.documents:
        tag = _flux2_release(doc)
        if tag is not None:
            found.append((False, tag, "the fluxcd/flux2 GitRepository in {}"))
        if doc.kind == "FluxInstance":
            distribution = doc.spec.get("distribution")
            version = distribution.get("version") if isinstance(distribution, dict) else None
            if isinstance(version, str):
                found.append((True, version, "FluxInstance in {}"))
    if not found:
        return
    rel = os.path.relpath(path, root).replace(os.sep, "/")
    folder = os.path.dirname(path)
    scope = os.path.dirname(folder) if os.path.basename(folder) == "flux-system" else folder
    for whole, version, origin in found:
        yield VersionSource(os.path.abspath(root) if whole else scope, version, origin.format(rel))


def _flux2_release(doc: Document) -> str | None:
    """The release tag of a GitRepository that installs Flux from the flux2 repository."""
    if doc.kind != "GitRepository" or not isinstance(doc.spec.get("url"), str):
        return None
    ref = doc.spec.get("ref")
    tag = ref.get("tag") if isinstance(ref, dict) else None
    if re.match(_FLUX2_REPOSITORY, doc.spec["url"]) and isinstance(tag, str):
        return tag
    return None


class TargetVersions:
    """The target release of each folder: that of the deepest version source covering it;
    else the oldest the repository names; else the newest supported."""

    def __init__(self, sources: Iterable[VersionSource] = ()) -> None:
        self._known = [(s, v) for s in sources if (v := parse_flux_version(s.version)) is not None]
        self._by_folder: dict[str, tuple[str, str]] = {}

    def for_file(self, path: Path | str) -> tuple[str, str]:
        """The target Flux version for a file, and why (the same for a whole folder)."""
        folder = os.path.dirname(os.path.abspath(path))
        found = self._by_folder.get(folder)
        if found is None:
            found = self._by_folder[folder] = self._in(folder)
        return found

    def _in(self, folder: str) -> tuple[str, str]:
        known = self._known
        if not known:
            return NEWEST, GUESSED
        covering = [(source, v) for source, v in known if _is_within(folder, source.scope)]
        if covering:
            source, v = max(covering, key=lambda item: len(item[0].scope))
            return clamp(*v), _because(source, v)
        versions = {clamp(*v) for _, v in known}
        oldest = min(versions, key=minor_of)
        if len(versions) == 1:
            return oldest, _because(*known[0])
        return oldest, "the oldest of the versions this repository names"


def _because(source: VersionSource, version: tuple[int, int]) -> str:
    reason = f"from {source.origin}"
    clamped = clamp(*version)
    if f"{version[0]}.{version[1]}" != clamped:
        reason += f", which names {source.version}: checked as {clamped}, the nearest supported"
    return reason


def _is_within(path: str, scope: str) -> bool:
    return path == scope or path.startswith(scope.rstrip(os.sep) + os.sep)
