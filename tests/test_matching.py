"""The controller's event matching: every check that can stop an event, and its words.

Expectations follow notification-controller v1.9.3 (internal/server/event_handlers.go,
../shared/reference/flux-notification-api.md section 3e).
"""

from __future__ import annotations

from typing import Any

import pytest

from fluxnotify.matching import CHECKS, Event, match_alert, match_provider

EVENT = Event("Kustomization", "apps", "flux-system", "error", "Health check failed for apps")


def alert(**spec: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "providerRef": {"name": "slack"},
        "eventSeverity": "info",
        "eventSources": [{"kind": "Kustomization", "name": "*"}],
    }
    base.update(spec)
    return base


def test_an_info_alert_on_all_kustomizations_gets_the_error() -> None:
    verdict = match_alert(alert(), "flux-system", EVENT)
    assert verdict.delivered
    assert verdict.check == ""
    assert not verdict.filtered


ALERT_FAILURES = [
    ("suspended", alert(suspend=True), EVENT, "the Alert is suspended"),
    ("no-sources", alert(eventSources=[]), EVENT, "the Alert has no eventSources"),
    (
        "kind",
        alert(eventSources=[{"kind": "HelmRelease", "name": "*"}]),
        EVENT,
        "no eventSources entry is for kind Kustomization (eventSources[0] is HelmRelease)",
    ),
    (
        "namespace",
        alert(),
        EVENT._replace(namespace="apps"),
        "eventSources[0] watches namespace `flux-system` (the Alert's own, as it sets none);"
        " the event comes from namespace `apps`",
    ),
    (
        "namespace",
        alert(eventSources=[{"kind": "Kustomization", "name": "*", "namespace": "*"}]),
        EVENT,
        "eventSources[0] `namespace: '*'` is not a wildcard: it is compared literally and"
        " matches nothing",
    ),
    (
        "severity",
        alert(eventSeverity="error"),
        EVENT._replace(severity="info"),
        "the Alert's eventSeverity is `error`: info events are not sent",
    ),
    (
        "name",
        alert(eventSources=[{"kind": "Kustomization", "name": "app-*"}]),
        EVENT,
        "eventSources[0] `name: 'app-*'` is not a glob: only `*` alone matches every name",
    ),
    (
        "name",
        alert(eventSources=[{"kind": "Kustomization", "name": "infra"}]),
        EVENT,
        "eventSources[0] names `infra`; the event is from `apps`",
    ),
    (
        "labels",
        alert(eventSources=[{"kind": "Kustomization", "name": "*", "matchLabels": {"t": "a"}}]),
        EVENT._replace(labels={"t": "b"}),
        "eventSources[0] matchLabels t=a do not all match the labels of"
        " Kustomization/flux-system/apps (t=b)",
    ),
    (
        "labels",
        alert(eventSources=[{"kind": "Kustomization", "name": "*", "matchLabels": {"t": "a"}}]),
        EVENT,
        "is not defined in the repository, so its labels are unknown",
    ),
    (
        "inclusion",
        alert(inclusionList=["^Reconciliation finished"]),
        EVENT,
        "no inclusionList regex matches the message",
    ),
    (
        "inclusion",
        alert(inclusionList=["(?=Health)"]),
        EVENT,
        "`(?=Health)` does not compile in RE2 and never matches",
    ),
    (
        "exclusion",
        alert(exclusionList=["^never", "Health check"]),
        EVENT,
        "exclusionList[1] `Health check` matches the message: the event is dropped",
    ),
]


@pytest.mark.parametrize(
    ("check", "spec", "event", "words"), ALERT_FAILURES, ids=[f[0] for f in ALERT_FAILURES]
)
def test_each_alert_check_stops_the_event_with_its_reason(
    check: str, spec: dict[str, Any], event: Event, words: str
) -> None:
    verdict = match_alert(spec, "flux-system", event)
    assert not verdict.delivered
    assert verdict.check == check
    assert words in verdict.reason


def test_matchlabels_with_the_object_labels_matches() -> None:
    spec = alert(eventSources=[{"kind": "Kustomization", "name": "*", "matchLabels": {"t": "a"}}])
    assert match_alert(spec, "flux-system", EVENT._replace(labels={"t": "a", "x": "y"})).delivered


def test_the_source_that_gets_furthest_explains_the_miss() -> None:
    spec = alert(
        eventSources=[
            {"kind": "HelmRelease", "name": "*"},
            {"kind": "Kustomization", "name": "infra"},
        ]
    )
    verdict = match_alert(spec, "flux-system", EVENT)
    assert verdict.check == "name"
    assert "eventSources[1]" in verdict.reason


def test_exclusion_beats_inclusion_and_any_source_may_match() -> None:
    spec = alert(
        eventSources=[
            {"kind": "HelmRelease", "name": "*"},
            {"kind": "Kustomization", "name": "apps"},
        ],
        inclusionList=["Health"],
        exclusionList=["failed"],
    )
    assert match_alert(spec, "flux-system", EVENT).check == "exclusion"
    assert match_alert(spec, "flux-system", EVENT._replace(message="Health ok")).delivered


def test_regexes_are_re2_and_unanchored() -> None:
    # Python's re would accept the lookahead; RE2 (Go) rejects it, so it never excludes.
    assert match_alert(alert(exclusionList=["(?!x)Health"]), "flux-system", EVENT).delivered
    # Go's Match finds the pattern anywhere in the message, not only at its start.
    assert match_alert(alert(exclusionList=["check fail"]), "flux-system", EVENT).check == (
        "exclusion"
    )


def test_an_unknown_message_is_delivered_on_condition() -> None:
    verdict = match_alert(alert(exclusionList=["x"]), "flux-system", EVENT._replace(message=None))
    assert verdict.delivered
    assert verdict.filtered


PROVIDER_FAILURES = [
    ("provider-missing", None, EVENT, "Provider `slack` is not defined in namespace `flux-system`"),
    (
        "provider-suspended",
        {"type": "slack", "suspend": True},
        EVENT,
        "Provider `slack` is suspended",
    ),
    (
        "commit-status",
        {"type": "slack"},
        EVENT._replace(metadata={"kustomize.toolkit.fluxcd.io/commit_status": "update"}),
        "commit-status updates go only to git and generic Providers, not to `slack`",
    ),
    (
        "commit-status",
        {"type": "github"},
        EVENT._replace(severity="info"),
        "a `github` Provider sets commit statuses: it gets info events only when they carry"
        " `event.toolkit.fluxcd.io/commit`",
    ),
    (
        "change-request",
        {"type": "githubpullrequestcomment"},
        EVENT,
        "it gets only events that carry `event.toolkit.fluxcd.io/change_request`",
    ),
]


@pytest.mark.parametrize(
    ("check", "provider", "event", "words"),
    PROVIDER_FAILURES,
    ids=[f[0] for f in PROVIDER_FAILURES],
)
def test_each_provider_check_stops_the_event_with_its_reason(
    check: str, provider: dict[str, Any] | None, event: Event, words: str
) -> None:
    verdict = match_provider(provider, "slack", "flux-system", event)
    assert not verdict.delivered
    assert verdict.check == check
    assert words in verdict.reason


def test_cross_namespace_refs_blocked() -> None:
    event = EVENT._replace(namespace="apps")
    verdict = match_provider({"type": "slack"}, "slack", "flux-system", event, True)
    assert verdict.check == "cross-namespace"
    assert "--no-cross-namespace-refs=true" in verdict.reason
    assert match_provider({"type": "slack"}, "slack", "flux-system", event).delivered


def test_git_and_generic_providers_take_what_others_refuse() -> None:
    update = EVENT._replace(
        severity="info", metadata={"kustomize.toolkit.fluxcd.io/commit_status": "update"}
    )
    assert match_provider({"type": "github"}, "gh", "flux-system", update).delivered
    assert match_provider({"type": "generic"}, "g", "flux-system", update).delivered
    commit = EVENT._replace(severity="info", metadata={"event.toolkit.fluxcd.io/commit": "abc"})
    assert match_provider({"type": "gitlab"}, "gl", "flux-system", commit).delivered
    assert match_provider({"type": "github"}, "gh", "flux-system", EVENT).delivered  # error


def test_every_check_is_exercised() -> None:
    seen = {f[0] for f in ALERT_FAILURES} | {f[0] for f in PROVIDER_FAILURES} | {"cross-namespace"}
    assert seen == set(CHECKS)
