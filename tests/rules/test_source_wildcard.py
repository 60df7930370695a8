"""source-wildcard: `namespace: '*'`, name globs and matchLabels with a name (reference 3c, 3e; #71, #1304)."""

from __future__ import annotations

from pathlib import Path

import pytest
from routing_support import Hit, Project, alert, check_page, hit

RULE = "source-wildcard"

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


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def _alert(project: Project, sources: str) -> list[Hit]:
    project.write("alert.yaml", alert(sources=sources))
    return project.hits(RULE)


# --- flagged ------------------------------------------------------------------------------


def test_namespace_star_matches_nothing(project: Project) -> None:
    hits = _alert(project, "    - kind: HelmRelease\n      name: '*'\n      namespace: '*'")
    assert hits == [hit("alert.yaml", project.line("alert.yaml", "namespace: '*'"), "error")]
    report = project.validate()
    assert project.messages(report, RULE) == [
        "`namespace: '*'` is not a wildcard: it is compared literally and matches nothing"
    ]


def test_name_glob(project: Project) -> None:
    hits = _alert(project, "    - kind: Kustomization\n      name: apps-*")
    assert hits == [hit("alert.yaml", project.line("alert.yaml", "name: apps-*"), "error")]
    assert project.messages(project.validate(), RULE) == [
        "`name: 'apps-*'` is not a glob: only `*` alone matches every name"
    ]


def test_match_labels_with_a_specific_name_is_a_warning(project: Project) -> None:
    sources = "    - kind: HelmRelease\n      name: podinfo\n      matchLabels:\n        team: web"
    hits = _alert(project, sources)
    assert hits == [hit("alert.yaml", project.line("alert.yaml", "matchLabels:"), "warning")]


def test_receiver_resources(project: Project) -> None:
    resources = "    - kind: GitRepository\n      name: 'repo-*'\n      namespace: '*'"
    project.write("receiver.yaml", RECEIVER.format(resources=resources))
    assert project.hits(RULE) == [
        hit("receiver.yaml", project.line("receiver.yaml", "name: 'repo-*'"), "error"),
        hit("receiver.yaml", project.line("receiver.yaml", "namespace: '*'"), "error"),
    ]


# --- not flagged --------------------------------------------------------------------------


def test_star_alone_and_match_labels_with_star(project: Project) -> None:
    sources = (
        "    - kind: Kustomization\n      name: '*'\n"
        "    - kind: HelmRelease\n      name: '*'\n      namespace: apps\n      matchLabels:\n        team: web"
    )
    assert _alert(project, sources) == []


def test_exact_names_and_variables(project: Project) -> None:
    sources = (
        "    - kind: Kustomization\n      name: apps\n      namespace: flux-system\n"
        "    - kind: HelmRelease\n      name: ${APP}\n      namespace: ${NAMESPACE}"
    )
    assert _alert(project, sources) == []


def test_rule_page_examples(tmp_path: Path) -> None:
    """docs/rules/source-wildcard.md: the failing example gives the findings shown, the fixed one none."""
    check_page(RULE, tmp_path)
