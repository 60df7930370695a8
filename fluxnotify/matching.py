"""How notification-controller decides which Alerts an event reaches: the one implementation.

``route``, ``test-send --alert`` and the rules that reason about sources
(``source-wildcard``) all ask this module, so they cannot disagree. The order of
the checks is the controller's (``filterAlertsForEvent``, ``eventMatchesAlertSource``
and ``getNotificationParams`` in internal/server/event_handlers.go of
notification-controller v1.9.3): the Alert's ``suspend``; then each
``eventSources`` entry (kind and namespace, severity, name, ``matchLabels``);
then ``inclusionList`` and ``exclusionList`` (Go RE2); then, per matching Alert,
``--no-cross-namespace-refs``, the Provider (missing, suspended) and the
commit-status and change-request rules. Each failure is reported as the first
check that failed, in words, with a stable id for scripts and tests.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, NamedTuple

from fluxnotify import providertypes

#: Provider types that set commit statuses (isCommitStatusProvider) and that comment on a
#: pull or merge request (isChangeRequestProvider): the per-type table's transports.
COMMIT_STATUS_TYPES = frozenset(providertypes.COMMIT_STATUS_TYPES)
CHANGE_REQUEST_TYPES = frozenset(providertypes.CHANGE_REQUEST_TYPES)
#: Provider types that forward commit-status updates as they are (isGenericProvider).
GENERIC_TYPES = frozenset({"generic", "generic-hmac"})
#: Metadata keys the controller looks for, under the events API group.
COMMIT_KEY = "event.toolkit.fluxcd.io/commit"
CHANGE_REQUEST_KEY = "event.toolkit.fluxcd.io/change_request"

#: The API group of each kind that emits events (an event's metadata keys are prefixed by it).
KIND_GROUPS = {
    "Kustomization": "kustomize.toolkit.fluxcd.io",
    "HelmRelease": "helm.toolkit.fluxcd.io",
    "GitRepository": "source.toolkit.fluxcd.io",
    "HelmRepository": "source.toolkit.fluxcd.io",
    "HelmChart": "source.toolkit.fluxcd.io",
    "OCIRepository": "source.toolkit.fluxcd.io",
    "Bucket": "source.toolkit.fluxcd.io",
    "ExternalArtifact": "source.toolkit.fluxcd.io",
    "ArtifactGenerator": "source.extensions.fluxcd.io",
    "ImageRepository": "image.toolkit.fluxcd.io",
    "ImagePolicy": "image.toolkit.fluxcd.io",
    "ImageUpdateAutomation": "image.toolkit.fluxcd.io",
}
#: The kinds an Alert's eventSources may name, in the CRD's order.
EVENT_KINDS = tuple(KIND_GROUPS)

SEVERITIES = ("info", "error")


class Event(NamedTuple):
    """An event as the controller receives it, plus what the repository says of its object.

    ``message`` None: the message is not known (``route --all``); the regex lists are
    then not applied but reported as a condition (``Verdict.filtered``).
    ``labels`` None: the object is not defined in the repository, its labels are unknown.
    """

    kind: str
    name: str
    namespace: str
    severity: str = "info"
    message: str | None = ""
    reason: str = ""
    metadata: Mapping[str, str] = {}
    labels: Mapping[str, str] | None = None

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.namespace}/{self.name}"

    def is_commit_status_update(self) -> bool:
        group = KIND_GROUPS.get(self.kind, "")
        return self.metadata.get(f"{group}/commit_status") == "update"


class Verdict(NamedTuple):
    """Whether an event passes; if not, the first failing ``check`` and why, in words."""

    delivered: bool
    #: stable id of the first failing check ("" when delivered)
    check: str = ""
    reason: str = ""
    #: delivered only for some messages: the Alert has inclusion or exclusion regexes
    #: and the message was not given
    filtered: bool = False


PASS = Verdict(True)

#: Check ids, in the order the controller applies them.
CHECKS = (
    "suspended",
    "no-sources",
    "kind",
    "namespace",
    "severity",
    "name",
    "labels",
    "inclusion",
    "exclusion",
    "cross-namespace",
    "provider-missing",
    "provider-suspended",
    "commit-status",
    "change-request",
)


# --- words shared with the rules ----------------------------------------------------------


def namespace_wildcard_problem(namespace: str) -> str | None:
    """Why an eventSources ``namespace`` that looks like a wildcard is not one."""
    if "*" not in namespace:
        return None
    return f"`namespace: '{namespace}'` is not a wildcard: it is compared literally and matches nothing"


def name_glob_problem(name: str) -> str | None:
    """Why an eventSources ``name`` with a ``*`` other than ``*`` alone is not a glob."""
    if "*" not in name or name == "*":
        return None
    return f"`name: '{name}'` is not a glob: only `*` alone matches every name"


def source_key(
    kind: str, name: str, namespace: str | None, alert_namespace: str
) -> tuple[str, str, str] | None:
    """The (kind, namespace, name) of the objects an eventSources entry can match, as the
    controller reads it: an empty namespace is the Alert's. None when it matches no object
    at all (a `*` namespace, a name glob); the name `*` stands for every name."""
    namespace = namespace or alert_namespace
    if namespace_wildcard_problem(namespace) or name_glob_problem(name):
        return None
    return (kind, namespace, name)


# --- the checks ------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _labels_text(labels: Mapping[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "none"


def _source_verdict(
    index: int, entry: Mapping[str, Any], alert_namespace: str, severity: str, event: Event
) -> tuple[int, Verdict]:
    """How far one eventSources entry gets (checks passed) and its verdict."""
    where = f"eventSources[{index}]"
    kind = _text(entry.get("kind"))
    if kind != event.kind:
        return 0, Verdict(
            False, "kind", f"no eventSources entry is for kind {event.kind} ({where} is {kind})"
        )
    namespace = _text(entry.get("namespace")) or alert_namespace
    if namespace != event.namespace:
        words = namespace_wildcard_problem(namespace)
        if words is not None:
            words = f"{where} {words}"
        else:
            own = "" if entry.get("namespace") else " (the Alert's own, as it sets none)"
            words = (
                f"{where} watches namespace `{namespace}`{own};"
                f" the event comes from namespace `{event.namespace}`"
            )
        return 1, Verdict(False, "namespace", words)
    if event.severity != severity and severity != "info":
        return 2, Verdict(
            False,
            "severity",
            f"the Alert's eventSeverity is `{severity}`: {event.severity} events are not sent"
            " (only `info` forwards every event)",
        )
    name = _text(entry.get("name"))
    if name != "*" and name != event.name:
        words = name_glob_problem(name or "")
        if words is not None:
            words = f"{where} {words}"
        else:
            words = f"{where} names `{name}`; the event is from `{event.name}`"
        return 3, Verdict(False, "name", words)
    selector = entry.get("matchLabels")
    if selector is None:
        return 5, PASS
    if not isinstance(selector, Mapping):
        return 4, Verdict(False, "labels", f"{where} matchLabels is not a map of labels")
    if event.labels is None:
        return 4, Verdict(
            False,
            "labels",
            f"{where} selects by matchLabels ({_labels_text(selector)}), and {event.ref}"
            " is not defined in the repository, so its labels are unknown",
        )
    missing = {k: v for k, v in selector.items() if event.labels.get(str(k)) != str(v)}
    if missing:
        return 4, Verdict(
            False,
            "labels",
            f"{where} matchLabels {_labels_text(selector)} do not all match the labels of"
            f" {event.ref} ({_labels_text(event.labels)})",
        )
    return 5, PASS


@functools.cache
def _compiled(pattern: str) -> Any:
    """The RE2 program for ``pattern``, or None when Go's regexp would not compile it."""
    import re2

    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except re2.error:
        return None


def _regex_verdict(spec: Mapping[str, Any], message: str) -> Verdict:
    inclusion = [p for p in spec.get("inclusionList") or () if isinstance(p, str)]
    if inclusion and not any(
        (program := _compiled(p)) is not None and program.search(message) for p in inclusion
    ):
        broken = [p for p in inclusion if _compiled(p) is None]
        extra = (
            f" ({', '.join(f'`{p}`' for p in broken)} does not compile in RE2 and never matches)"
            if broken
            else ""
        )
        return Verdict(False, "inclusion", f"no inclusionList regex matches the message{extra}")
    for index, pattern in enumerate(spec.get("exclusionList") or ()):
        if not isinstance(pattern, str):
            continue
        program = _compiled(pattern)
        if program is not None and program.search(message):
            return Verdict(
                False,
                "exclusion",
                f"exclusionList[{index}] `{pattern}` matches the message: the event is dropped",
            )
    return PASS


def match_alert(spec: Mapping[str, Any], namespace: str, event: Event) -> Verdict:
    """The Alert-level filters (``filterAlertsForEvent``) for an Alert in ``namespace``."""
    if spec.get("suspend") is True:
        return Verdict(False, "suspended", "the Alert is suspended (spec.suspend: true)")
    entries = [e for e in spec.get("eventSources") or () if isinstance(e, Mapping)]
    if not entries:
        return Verdict(False, "no-sources", "the Alert has no eventSources")
    severity = _text(spec.get("eventSeverity")) or "info"
    best: tuple[int, Verdict] | None = None
    for index, entry in enumerate(entries):
        reached, verdict = _source_verdict(index, entry, namespace, severity, event)
        if verdict.delivered:
            best = (reached, verdict)
            break
        if best is None or reached > best[0]:
            best = (reached, verdict)
    assert best is not None
    if not best[1].delivered:
        return best[1]
    if event.message is None:
        filtered = bool(spec.get("inclusionList") or spec.get("exclusionList"))
        return Verdict(True, filtered=filtered)
    return _regex_verdict(spec, event.message)


def match_provider(
    provider: Mapping[str, Any] | None,
    provider_name: str | None,
    alert_namespace: str,
    event: Event,
    blocks_cross_namespace_refs: bool = False,
) -> Verdict:
    """The dispatch checks (``getNotificationParams``) for an Alert that matched.

    ``provider`` is the Provider object's spec, None when no Provider of that name
    is defined in the Alert's namespace.
    """
    if blocks_cross_namespace_refs and event.namespace != alert_namespace:
        return Verdict(
            False,
            "cross-namespace",
            "the controller runs with --no-cross-namespace-refs=true: an Alert in"
            f" `{alert_namespace}` gets no events from namespace `{event.namespace}`",
        )
    if provider is None:
        return Verdict(
            False,
            "provider-missing",
            f"Provider `{provider_name or '?'}` is not defined in namespace `{alert_namespace}`"
            " (providerRef resolves in the Alert's namespace): dispatch fails"
            ' with "failed to read provider"',
        )
    if provider.get("suspend") is True:
        return Verdict(
            False,
            "provider-suspended",
            f"Provider `{provider_name}` is suspended: the event is dropped silently",
        )
    kind = _text(provider.get("type")) or ""
    if event.is_commit_status_update() and kind not in COMMIT_STATUS_TYPES | GENERIC_TYPES:
        return Verdict(
            False,
            "commit-status",
            f"commit-status updates go only to git and generic Providers, not to `{kind}`",
        )
    if (
        kind in COMMIT_STATUS_TYPES
        and not event.metadata.get(COMMIT_KEY)
        and not event.is_commit_status_update()
        and event.severity != "error"
    ):
        return Verdict(
            False,
            "commit-status",
            f"a `{kind}` Provider sets commit statuses: it gets info events only when they"
            f" carry `{COMMIT_KEY}` or are commit-status updates",
        )
    if kind in CHANGE_REQUEST_TYPES and not event.metadata.get(CHANGE_REQUEST_KEY):
        return Verdict(
            False,
            "change-request",
            f"a `{kind}` Provider comments on a change request: it gets only events that"
            f" carry `{CHANGE_REQUEST_KEY}`",
        )
    return PASS
