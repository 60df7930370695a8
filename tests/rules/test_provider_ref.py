"""provider-ref: an Alert's providerRef names no Provider in the Alert's namespace.

The namespace is the effective one (kustomize `namespace:`, Components, a Flux
Kustomization's targetNamespace), and references resolve within one cluster.
Also the pre-commit case: one file checked, references resolved project-wide.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from routing_support import (
    Project,
    alert,
    check_page,
    docs,
    flux_kustomization,
    hit,
    kustomization,
    provider,
    secret,
)
from validate_support import cli, console

RULE = "provider-ref"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


# --- flagged ------------------------------------------------------------------------------


def test_provider_in_another_namespace_is_not_found(project: Project) -> None:
    project.write("provider.yaml", docs(provider("slack", "flux-system"), secret()))
    project.write("alert.yaml", alert("apps", "apps", provider_ref="slack"))
    report = project.validate()
    assert project.of(report, RULE) == [
        hit("alert.yaml", project.line("alert.yaml", "name: slack"), "error")
    ]
    (message,) = project.messages(report, RULE)
    assert "no Provider of that name in namespace apps" in message
    assert "there is one in flux-system" in message
    assert "cannot cross namespaces" in message


def test_misspelt_provider_name(project: Project) -> None:
    project.write("notify.yaml", docs(provider("slack"), secret(), alert(provider_ref="slak")))
    report = project.validate()
    assert project.of(report, RULE) == [
        hit("notify.yaml", project.line("notify.yaml", "name: slak"), "error")
    ]
    (message,) = project.messages(report, RULE)
    assert message == "providerRef `slak`: no Provider of that name in namespace flux-system"


def test_component_pulled_into_a_namespace_without_the_provider(project: Project) -> None:
    """The Alert's Component is used in two namespaces; only one of them has the Provider."""
    project.write(
        "components/alerts/kustomization.yaml", kustomization("alert.yaml", kind="Component")
    )
    project.write("components/alerts/alert.yaml", alert("on-call", None))
    project.write(
        "apps/a/kustomization.yaml",
        kustomization(
            "provider.yaml",
            "secret.yaml",
            namespace="team-a",
            components=("../../components/alerts",),
        ),
    )
    project.write("apps/a/provider.yaml", provider("slack", None))
    project.write("apps/a/secret.yaml", secret(namespace=None))
    project.write(
        "apps/b/kustomization.yaml",
        kustomization(namespace="team-b", components=("../../components/alerts",)),
    )
    report = project.validate("components")
    line = project.line("components/alerts/alert.yaml", "name: slack")
    assert project.of(report, RULE) == [hit("components/alerts/alert.yaml", line, "error")]
    (message,) = project.messages(report, RULE)
    assert "in namespace team-b;" in message
    assert "there is one in team-a" in message


def test_reference_resolves_within_its_cluster(project: Project) -> None:
    """Two clusters build the same alerts folder; only cluster a has the Provider."""
    for name in ("a", "b"):
        project.cluster(name)
        project.write(f"clusters/{name}/alerts.yaml", flux_kustomization("alerts", "./alerts"))
    project.cluster("a")
    project.write("clusters/a/providers.yaml", flux_kustomization("providers", "./providers"))
    project.write("alerts/alert.yaml", alert())
    project.write("providers/provider.yaml", docs(provider(), secret()))
    report = project.validate("alerts")
    assert project.of(report, RULE) == [
        hit("alerts/alert.yaml", project.line("alerts/alert.yaml", "name: slack"), "error")
    ]


# --- not flagged --------------------------------------------------------------------------


def test_component_without_namespaces_resolves_in_every_namespace(project: Project) -> None:
    """onedr0p, bjw-s-labs: Provider and Alert without metadata.namespace in a Component
    that kustomizations with `namespace:` pull in."""
    project.write(
        "components/alerts/kustomization.yaml",
        kustomization("provider.yaml", "alert.yaml", kind="Component"),
    )
    project.write(
        "components/alerts/provider.yaml",
        provider(
            "slack",
            None,
            secret=None,
            extra="\n  address: http://alertmanager.o11y:9093/api/v2/alerts",
        ),
    )
    project.write("components/alerts/alert.yaml", alert("on-call", None))
    for ns in ("default", "network", "media"):
        project.write(
            f"apps/{ns}/kustomization.yaml",
            kustomization(namespace=ns, components=("../../components/alerts",)),
        )
    assert project.hits(RULE) == []


def test_provider_namespace_rewritten_by_the_kustomization(project: Project) -> None:
    """xunholy: the Provider says flux-system, the Alert says nothing; `namespace:` of the
    including kustomization rewrites both."""
    project.write(
        "components/alerts/kustomization.yaml",
        kustomization("provider.yaml", "alert.yaml", kind="Component"),
    )
    project.write(
        "components/alerts/provider.yaml",
        provider(
            "github",
            "flux-system",
            type_="github",
            secret="github-token",
            extra="\n  address: https://github.com/org/repo",
        ),
    )
    project.write("components/alerts/alert.yaml", alert("github", None, provider_ref="github"))
    project.write(
        "apps/media/kustomization.yaml",
        kustomization(namespace="media", components=("../../components/alerts",)),
    )
    assert project.hits(RULE) == []


def test_target_namespace_of_a_flux_kustomization(project: Project) -> None:
    """A Flux Kustomization's targetNamespace puts both in `team`, whatever the files say."""
    project.cluster("prod")
    project.write(
        "clusters/prod/team.yaml",
        flux_kustomization("team", "./teams/team", target_namespace="team"),
    )
    project.write("teams/team/provider.yaml", provider("slack", "somewhere-else"))
    project.write("teams/team/alert.yaml", alert("on-call", None))
    assert project.hits(RULE) == []


def test_unknown_namespace_or_variable_name_stays_silent(project: Project) -> None:
    """An Alert nobody includes and without metadata.namespace could land anywhere; a
    post-build variable is substituted by Flux."""
    project.write("provider.yaml", provider("slack", "flux-system"))
    project.write("loose-alert.yaml", alert("loose", None, provider_ref="nowhere"))
    project.write("var-alert.yaml", alert("var", "apps", provider_ref="${PROVIDER}"))
    assert project.hits(RULE) == []


def test_provider_without_namespace_matches_any_namespace(project: Project) -> None:
    project.write("provider.yaml", provider("slack", None))
    project.write("alert.yaml", alert("apps", "apps"))
    assert project.hits(RULE) == []


# --- one changed file (the pre-commit case) -----------------------------------------------


def test_one_file_is_checked_against_the_whole_project(project: Project) -> None:
    project.write("notifications/provider.yaml", docs(provider(), secret()))
    project.write("notifications/alert.yaml", alert())
    project.write("other/broken.yaml", alert("broken", provider_ref="missing"))

    # The Provider lives in another file of the root: resolved, nothing to report.
    report = project.validate("notifications/alert.yaml")
    assert report.files == 1
    assert project.of(report, RULE) == []

    # The broken file exists, but was not asked about.
    assert {project.rel(f) for f in report.findings} <= {"notifications/alert.yaml"}

    # Without the Provider the same single file gets the finding, and only that file.
    project.remove("notifications/provider.yaml")
    report = project.validate("notifications/alert.yaml")
    line = project.line("notifications/alert.yaml", "name: slack")
    assert project.of(report, RULE) == [hit("notifications/alert.yaml", line, "error")]
    assert {project.rel(f) for f in report.findings} == {"notifications/alert.yaml"}

    # Checking everything reports both broken Alerts.
    assert [h.path for h in project.hits(RULE)] == ["notifications/alert.yaml", "other/broken.yaml"]


def test_cli_json_one_file(project: Project) -> None:
    project.write("provider.yaml", provider())
    project.write("alert.yaml", alert(provider_ref="slak"))
    result = cli("validate", "--root", ".", "--format", "json", "alert.yaml", cwd=project.root)
    assert result.code == 1, result.stderr
    found = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == RULE]
    assert [(f["path"], f["line"], f["severity"]) for f in found] == [
        ("alert.yaml", project.line("alert.yaml", "name: slak"), "error")
    ]
    assert found[0]["object"] == {
        "apiVersion": "notification.toolkit.fluxcd.io/v1beta3",
        "kind": "Alert",
        "namespace": "flux-system",
        "name": "on-call",
    }
    # With the name fixed the run passes (only the Provider's missing Secret is left: a warning).
    project.write("alert.yaml", alert())
    result = cli("validate", "--root", ".", "--format", "json", "alert.yaml", cwd=project.root)
    assert result.code == 0, result.stdout
    assert json.loads(result.stdout)["findings"] == []


def test_console_script_json(project: Project) -> None:
    project.write("provider.yaml", docs(provider(), secret()))
    project.write("alert.yaml", alert("apps", "apps"))
    result = console(
        "validate", "--root", str(project.root), "--format", "json", "alert.yaml", cwd=project.root
    )
    assert result.code == 1, result.stderr
    found = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == RULE]
    assert [(f["path"], f["line"], f["column"], f["severity"]) for f in found] == [
        ("alert.yaml", project.line("alert.yaml", "name: slack"), 11, "error")
    ]


def test_rule_page_examples(tmp_path: Path) -> None:
    """docs/rules/provider-ref.md: the failing example gives the findings shown, the fixed one none."""
    check_page(RULE, tmp_path)
