"""event-source-ref: an eventSource or Receiver resource names an object its cluster does not define."""

from __future__ import annotations

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
)

RULE = "event-source-ref"

HELM_RELEASE = """
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: {name}
  namespace: {namespace}
spec:
  interval: 1h
  chart:
    spec:
      chart: podinfo
      sourceRef:
        kind: HelmRepository
        name: podinfo
"""

RECEIVER = """
apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata:
  name: github
  namespace: flux-system
spec:
  type: github
  events: ["push"]
  secretRef:
    name: token
  resources:
{resources}
"""


def sources(*entries: tuple[str, str] | tuple[str, str, str]) -> str:
    out = []
    for entry in entries:
        out.append(f"    - kind: {entry[0]}\n      name: '{entry[1]}'")
        if len(entry) == 3:
            out.append(f"      namespace: {entry[2]}")
    return "\n".join(out)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


# --- flagged ------------------------------------------------------------------------------


def test_alert_source_name_defined_nowhere(project: Project) -> None:
    project.write(
        "ks.yaml",
        docs(flux_kustomization("apps", "./apps"), flux_kustomization("infra", "./infra")),
    )
    project.write(
        "alert.yaml", alert(sources=sources(("Kustomization", "infra"), ("Kustomization", "app")))
    )
    report = project.validate()
    assert project.of(report, RULE) == [
        hit("alert.yaml", project.line("alert.yaml", "name: 'app'"), "warning")
    ]
    assert project.messages(report, RULE) == [
        "Kustomization `app` is not defined in namespace flux-system anywhere in this repository"
    ]


def test_receiver_resource_in_the_wrong_namespace(project: Project) -> None:
    """toboshii: a Receiver lists objects the repository does not have (there)."""
    project.write("apps/podinfo.yaml", HELM_RELEASE.format(name="podinfo", namespace="default"))
    project.write(
        "receiver.yaml", RECEIVER.format(resources=sources(("HelmRelease", "podinfo", "apps")))
    )
    report = project.validate()
    assert project.of(report, RULE) == [
        hit("receiver.yaml", project.line("receiver.yaml", "name: 'podinfo'"), "warning")
    ]
    assert "namespace apps" in project.messages(report, RULE)[0]


def test_source_only_in_another_cluster(project: Project) -> None:
    for name in ("a", "b"):
        project.cluster(name)
        project.write(f"clusters/{name}/alerts.yaml", flux_kustomization("alerts", "./alerts"))
    project.write(
        "clusters/a/podinfo.yaml", HELM_RELEASE.format(name="podinfo", namespace="flux-system")
    )
    project.write("alerts/alert.yaml", alert(sources=sources(("HelmRelease", "podinfo"))))
    report = project.validate("alerts")
    assert project.of(report, RULE) == [
        hit("alerts/alert.yaml", project.line("alerts/alert.yaml", "name: 'podinfo'"), "warning")
    ]


def test_component_alert_in_a_namespace_without_the_source(project: Project) -> None:
    project.write(
        "components/alerts/kustomization.yaml", kustomization("alert.yaml", kind="Component")
    )
    project.write(
        "components/alerts/alert.yaml",
        alert(namespace=None, sources=sources(("HelmRelease", "app"))),
    )
    for ns in ("a", "b"):
        project.write(
            f"apps/{ns}/kustomization.yaml",
            kustomization("hr.yaml", namespace=ns, components=("../../components/alerts",)),
        )
        project.write(
            f"apps/{ns}/hr.yaml",
            HELM_RELEASE.format(name="app" if ns == "a" else "other", namespace="x"),
        )
    report = project.validate("components")
    line = project.line("components/alerts/alert.yaml", "name: 'app'")
    assert project.of(report, RULE) == [hit("components/alerts/alert.yaml", line, "warning")]
    assert project.messages(report, RULE)[0].startswith(
        "HelmRelease `app` is not defined in namespace b "
    )


# --- not flagged --------------------------------------------------------------------------


def test_wildcards_variables_and_bootstrap_objects(project: Project) -> None:
    project.write("ks.yaml", flux_kustomization("apps", "./apps"))
    entries = sources(
        ("Kustomization", "*"),
        ("Kustomization", "flux-system"),
        ("GitRepository", "flux-system"),
        ("Kustomization", "${APP}"),
        ("Kustomization", "apps", "*"),
    )
    project.write("alert.yaml", alert(sources=entries))
    assert project.hits(RULE) == []


def test_kind_the_repository_does_not_define(project: Project) -> None:
    """No ImagePolicy anywhere: the objects come from elsewhere, nothing to compare with."""
    project.write("ks.yaml", flux_kustomization("apps", "./apps"))
    project.write(
        "alert.yaml", alert(sources=sources(("ImagePolicy", "podinfo"), ("FluxInstance", "flux")))
    )
    assert project.hits(RULE) == []


def test_name_made_by_a_post_build_variable(project: Project) -> None:
    """bjw-s-labs, haraldkoch: `name: ${APP}-anubis` in a shared Component."""
    project.write(
        "hr.yaml",
        docs(
            HELM_RELEASE.format(name="${APP}-anubis", namespace="apps"),
            HELM_RELEASE.format(name="podinfo", namespace="${NAMESPACE}"),
        ),
    )
    project.write(
        "alert.yaml",
        alert(
            sources=sources(
                ("HelmRelease", "wiki-anubis", "apps"), ("HelmRelease", "podinfo", "web")
            )
        ),
    )
    assert project.hits(RULE) == []


def test_templated_names_hide_only_the_names_they_can_become(project: Project) -> None:
    """Only objects named exactly so, or with a name a variable fills in, can be the one
    named; a templated name that cannot become it hides nothing."""
    project.write(
        "hr.yaml",
        docs(
            HELM_RELEASE.format(name="${APP}-anubis", namespace="apps"),
            HELM_RELEASE.format(name="wiki-other", namespace="web"),
        ),
    )
    project.write(
        "alert.yaml",
        alert(
            sources=sources(
                ("HelmRelease", "wiki-anubis", "apps"),
                ("HelmRelease", "wiki-other", "apps"),
                ("HelmRelease", "anubis", "apps"),
            )
        ),
    )
    messages = project.messages(project.validate(), RULE)
    assert sorted(messages) == [
        "HelmRelease `anubis` is not defined in namespace apps anywhere in this repository",
        "HelmRelease `wiki-other` is not defined in namespace apps anywhere in this repository",
    ]


def test_objects_a_resource_set_generates(project: Project) -> None:
    resource_set = """
    apiVersion: fluxcd.controlplane.io/v1
    kind: ResourceSet
    metadata:
      name: previews
      namespace: flux-system
    spec:
      resources:
        - apiVersion: helm.toolkit.fluxcd.io/v2
          kind: HelmRelease
          metadata:
            name: preview-<< inputs.id >>
    """
    project.write(
        "hr.yaml", docs(HELM_RELEASE.format(name="podinfo", namespace="flux-system"), resource_set)
    )
    project.write("alert.yaml", alert(sources=sources(("HelmRelease", "preview-42"))))
    assert project.hits(RULE) == []


def test_source_defined_in_the_same_cluster_and_namespace(project: Project) -> None:
    project.cluster("a")
    project.write(
        "clusters/a/alerts.yaml", flux_kustomization("alerts", "./alerts", target_namespace="apps")
    )
    project.write("alerts/alert.yaml", alert(sources=sources(("HelmRelease", "podinfo"))))
    project.write("alerts/hr.yaml", HELM_RELEASE.format(name="podinfo", namespace="flux-system"))
    assert project.hits(RULE) == []


def test_rule_page_examples(tmp_path: Path) -> None:
    """docs/rules/event-source-ref.md: the failing example gives the findings shown, the fixed one none."""
    check_page(RULE, tmp_path)


# --- objects a controller generates (generated.py) ----------------------------------------

HELM_CHART = """
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmChart
metadata:
  name: redis
  namespace: flux-system
spec:
  chart: redis
  sourceRef:
    kind: HelmRepository
    name: bitnami
"""

RELEASE_FROM_SHARED_REPO = """
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: grafana
  namespace: monitoring
spec:
  interval: 30m
  chart:
    spec:
      chart: grafana
      version: 8.x
      sourceRef:
        kind: HelmRepository
        name: grafana-charts
        namespace: flux-system
"""


def test_helm_chart_made_from_a_helm_release(project: Project) -> None:
    """helm-controller names the HelmChart `<release namespace>-<release name>` and puts it
    in the HelmRepository's namespace: an Alert on it is right; a misspelt one still
    gets the warning, as does the right name in the release's namespace."""
    project.write("charts.yaml", docs(HELM_CHART, RELEASE_FROM_SHARED_REPO))
    project.write(
        "alert.yaml",
        alert(
            sources=sources(
                ("HelmChart", "monitoring-grafana"),
                ("HelmChart", "monitoring-grafna"),
                ("HelmChart", "monitoring-grafana", "monitoring"),
            )
        ),
    )
    report = project.validate()
    assert project.messages(report, RULE) == [
        "HelmChart `monitoring-grafna` is not defined in namespace flux-system anywhere in this"
        " repository",
        "HelmChart `monitoring-grafana` is not defined in namespace monitoring anywhere in this"
        " repository",
    ]


def test_chart_ref_creates_no_helm_chart(project: Project) -> None:
    """With spec.chartRef the release uses an existing HelmChart or OCIRepository."""
    release = RELEASE_FROM_SHARED_REPO.replace(
        """  chart:
    spec:
      chart: grafana
      version: 8.x
      sourceRef:
        kind: HelmRepository
        name: grafana-charts
        namespace: flux-system
""",
        """  chartRef:
    kind: OCIRepository
    name: grafana
    namespace: flux-system
""",
    )
    project.write("charts.yaml", docs(HELM_CHART, release))
    project.write("alert.yaml", alert(sources=sources(("HelmChart", "monitoring-grafana"))))
    assert len(project.hits(RULE)) == 1
