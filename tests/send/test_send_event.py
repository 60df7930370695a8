"""The synthetic event and the controller's metadata steps (reference 3e, steps 2, 4, 6)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from fluxnotify.send.event import DEFAULT_MESSAGE, KINDS, make_event, process_metadata


def test_defaults_say_it_is_a_test_from_fluxnotify() -> None:
    event = make_event()
    assert "fluxnotify" in event.message
    assert "test" in event.message.lower()
    assert event.message == DEFAULT_MESSAGE
    assert event.object_name == "kustomization/fluxnotify-test.flux-system"
    assert event.reporting_controller == "kustomize-controller"
    assert event.severity == "info"


def test_timestamp_is_rfc3339_seconds_in_utc() -> None:
    when = datetime(2026, 8, 1, 12, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert make_event(now=when).timestamp == "2026-08-01T10:00:00Z"


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_alert_source_kind_has_a_group_and_controller(kind: str) -> None:
    event = make_event(kind=kind)
    assert event.group.endswith(".fluxcd.io")
    assert event.reporting_controller


def test_plain_metadata_keys_become_controller_metadata() -> None:
    event = make_event(kind="HelmRelease", metadata={"revision": "1.2.3"})
    assert event.metadata == {"helm.toolkit.fluxcd.io/revision": "1.2.3"}
    assert process_metadata(event).event.metadata == {"revision": "1.2.3"}


def test_cleaning_keeps_only_known_prefixes_and_drops_internal_keys() -> None:
    """3e step 2 (checksum, digest dropped; other groups dropped) and step 4 (token)."""
    event = make_event(
        metadata={
            "kustomize.toolkit.fluxcd.io/revision": "main@sha1:1",
            "kustomize.toolkit.fluxcd.io/checksum": "c",
            "kustomize.toolkit.fluxcd.io/digest": "d",
            "kustomize.toolkit.fluxcd.io/token": "t",
            "helm.toolkit.fluxcd.io/revision": "other group",
            "event.toolkit.fluxcd.io/team": "platform",
            "unprefixed/odd": "x",
        }
    )
    merged = process_metadata(event)
    assert merged.event.metadata == {"team": "platform", "revision": "main@sha1:1"}
    assert merged.conflicts == ()


def test_rfc_0008_precedence() -> None:
    """3e step 6: annotations < Alert eventMetadata < Alert summary < controller metadata.

    Mirrors notification-controller's TestCombineEventMetadata "precedence order" case.
    """
    event = make_event(
        metadata={
            "kustomize.toolkit.fluxcd.io/objectMetadataOverridenByController": "controller1",
            "kustomize.toolkit.fluxcd.io/alertMetadataOverridenByController": "controller2",
            "kustomize.toolkit.fluxcd.io/controllerMetadata": "controller3",
            "event.toolkit.fluxcd.io/objectMetadata": "object1",
            "event.toolkit.fluxcd.io/objectMetadataOverridenByAlert": "object2",
            "event.toolkit.fluxcd.io/objectMetadataOverridenByController": "object3",
        }
    )
    merged = process_metadata(
        event,
        alert_metadata={
            "objectMetadataOverridenByAlert": "alert1",
            "alertMetadata": "alert2",
            "alertMetadataOverridenByController": "alert3",
        },
    )
    assert merged.event.metadata == {
        "objectMetadata": "object1",
        "objectMetadataOverridenByAlert": "alert1",
        "objectMetadataOverridenByController": "controller1",
        "alertMetadata": "alert2",
        "alertMetadataOverridenByController": "controller2",
        "controllerMetadata": "controller3",
    }
    assert len(merged.conflicts) == 3


def test_summary_beats_event_metadata_and_loses_to_the_controller() -> None:
    merged = process_metadata(
        make_event(), alert_metadata={"summary": "from eventMetadata"}, alert_summary="s"
    )
    assert merged.event.metadata == {"summary": "s"}
    assert merged.conflicts == (
        "metadata key 'summary': Alert object .spec.summary overrides "
        "Alert object .spec.eventMetadata",
    )
    controller = process_metadata(make_event(metadata={"summary": "c"}), alert_summary="s")
    assert controller.event.metadata == {"summary": "c"}


def test_bad_kind_and_severity() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        make_event(kind="Deployment")
    with pytest.raises(ValueError, match="info or error"):
        make_event(severity="warning")
