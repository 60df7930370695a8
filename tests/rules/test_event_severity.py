"""event-severity: no eventSeverity means `info`, every event, errors included (reference 3c)."""

from __future__ import annotations

from pathlib import Path

import pytest
from routing_support import Project, alert, check_page, docs, hit, kustomization, provider, secret
from validate_support import cli

RULE = "event-severity"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def test_alert_without_event_severity(project: Project) -> None:
    project.write("alert.yaml", alert(severity=None))
    report = project.validate()
    assert project.of(report, RULE) == [
        hit("alert.yaml", project.line("alert.yaml", "spec:"), "info")
    ]
    (finding,) = [f for f in report.findings if f.rule == RULE]
    assert finding.message == (
        "no `eventSeverity`: the default is `info`, which sends every event, errors included"
    )
    assert finding.hint is not None
    assert "eventSeverity: error" in finding.hint


def test_older_api_version_and_second_document(project: Project) -> None:
    old = alert("old", severity=None).replace("v1beta3", "v1beta2")
    project.write("alerts.yaml", docs(alert("explicit"), old))
    hits = project.hits(RULE, flux_version="2.8")
    assert hits == [hit("alerts.yaml", project.line("alerts.yaml", "spec:", nth=2), "info")]


def test_info_never_fails_a_run(project: Project) -> None:
    project.write("notify.yaml", docs(provider(), secret(address="a"), alert(severity=None)))
    result = cli("validate", "--root", ".", "--format", "parsable", "notify.yaml", cwd=project.root)
    assert result.code == 0
    assert f"info [{RULE}]" in result.stdout
    strict = cli(
        "validate",
        "--strict",
        "--root",
        ".",
        "--format",
        "parsable",
        "notify.yaml",
        cwd=project.root,
    )
    assert strict.code == 0


@pytest.mark.parametrize("severity", ["info", "error", "${SEVERITY}"])
def test_explicit_severity(project: Project, severity: str) -> None:
    project.write("alert.yaml", alert(severity=severity))
    assert project.hits(RULE) == []


def test_patch_without_the_field(project: Project) -> None:
    """A kustomize patch is a partial Alert: the base decides the severity."""
    project.write("base/alert.yaml", alert())
    patch = "apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Alert\nmetadata:\n  name: on-call\nspec:\n  eventMetadata:\n    cluster: prod\n"
    project.write("prod/patch.yaml", patch)
    project.write(
        "prod/kustomization.yaml",
        kustomization("../base", extra="patches:\n  - path: patch.yaml\n"),
    )
    assert project.hits(RULE) == []
    assert project.hits(RULE, "prod/patch.yaml") == []


def test_provider_and_receiver_are_not_alerts(project: Project) -> None:
    project.write("provider.yaml", provider())
    assert project.hits(RULE) == []


def test_rule_page_examples(tmp_path: Path) -> None:
    """docs/rules/event-severity.md: the failing example gives the findings shown, the fixed one none."""
    check_page(RULE, tmp_path)
