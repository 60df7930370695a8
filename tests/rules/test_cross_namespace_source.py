"""cross-namespace-source: off by default; on by configuration or when the repository runs the
controllers with --no-cross-namespace-refs=true (reference 3c "four limits", 3e step 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from routing_support import Project, alert, check_page, hit, kustomization

from fluxnotify.model import Severity

RULE = "cross-namespace-source"
ON = {RULE: Severity.ERROR}
CROSS = "    - kind: HelmRelease\n      name: podinfo\n      namespace: apps"

FLAG_PATCH = """
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - gotk-components.yaml
  - gotk-sync.yaml
patches:
  - patch: |
      - op: add
        path: /spec/template/spec/containers/0/args/-
        value: --no-cross-namespace-refs={value}
    target:
      kind: Deployment
      name: "(kustomize-controller|helm-controller|notification-controller)"
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
    - kind: GitRepository
      name: podinfo
      namespace: apps
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


# --- flagged ------------------------------------------------------------------------------


def test_on_by_configuration(project: Project) -> None:
    project.write("alert.yaml", alert(sources=CROSS))
    report = project.validate(rules=ON)
    assert project.of(report, RULE) == [
        hit("alert.yaml", project.line("alert.yaml", "namespace: apps"), "error")
    ]
    assert project.messages(report, RULE) == [
        "source in namespace `apps`, not the Alert's (flux-system): blocked when the controller"
        " runs with --no-cross-namespace-refs=true"
    ]


def test_on_when_the_repository_sets_the_flag(project: Project) -> None:
    """Multi-tenancy set-ups patch the flag into the controllers (flux2-multi-tenancy)."""
    project.write("clusters/prod/flux-system/kustomization.yaml", FLAG_PATCH.format(value="true"))
    project.write("alert.yaml", alert(sources=CROSS))
    project.write("receiver.yaml", RECEIVER)
    assert project.hits(RULE, "alert.yaml", "receiver.yaml") == [
        hit("alert.yaml", project.line("alert.yaml", "namespace: apps"), "error"),
        hit("receiver.yaml", project.line("receiver.yaml", "namespace: apps"), "error"),
    ]


def test_against_the_effective_namespace(project: Project) -> None:
    """The Alert says `apps`, but the kustomization puts it in `team`: `apps` is elsewhere."""
    project.write("team/kustomization.yaml", kustomization("alert.yaml", namespace="team"))
    project.write("team/alert.yaml", alert(namespace="apps", sources=CROSS))
    assert project.hits(RULE, rules=ON) == [
        hit("team/alert.yaml", project.line("team/alert.yaml", "namespace: apps", nth=2), "error")
    ]


# --- not flagged --------------------------------------------------------------------------


def test_off_by_default(project: Project) -> None:
    project.write("alert.yaml", alert(sources=CROSS))
    assert project.hits(RULE) == []


def test_flag_set_to_false(project: Project) -> None:
    project.write("clusters/prod/flux-system/kustomization.yaml", FLAG_PATCH.format(value="false"))
    project.write("alert.yaml", alert(sources=CROSS))
    assert project.hits(RULE) == []


@pytest.mark.parametrize("value", ["False", "0", "F", "FALSE"])
def test_flag_set_to_false_in_another_spelling(project: Project, value: str) -> None:
    project.write("clusters/prod/flux-system/kustomization.yaml", FLAG_PATCH.format(value=value))
    project.write("alert.yaml", alert(sources=CROSS))
    assert project.hits(RULE) == []


@pytest.mark.parametrize("value", ["True", "1", "t"])
def test_flag_set_to_true_in_another_spelling(project: Project, value: str) -> None:
    project.write("clusters/prod/flux-system/kustomization.yaml", FLAG_PATCH.format(value=value))
    project.write("alert.yaml", alert(sources=CROSS))
    assert [hit.path for hit in project.hits(RULE)] == ["alert.yaml"]


def test_same_namespace_or_unknown(project: Project) -> None:
    project.write("apps/kustomization.yaml", kustomization("alert.yaml", namespace="apps"))
    project.write("apps/alert.yaml", alert(namespace=None, sources=CROSS))
    project.write("loose.yaml", alert("loose", namespace=None, sources=CROSS))
    assert project.hits(RULE, rules=ON) == []


def test_rule_page_examples(tmp_path: Path) -> None:
    """docs/rules/cross-namespace-source.md, with the rule on as the page says."""
    check_page(RULE, tmp_path, rules=ON)
