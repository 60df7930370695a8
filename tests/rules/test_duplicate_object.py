"""duplicate-object: two definitions of one kind, namespace and name applied to the same cluster."""

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
    page_examples,
    provider,
    secret,
)

RULE = "duplicate-object"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """One cluster, `prod`, that applies the folder `notify/`."""
    p = Project(tmp_path)
    p.cluster("prod")
    p.write("clusters/prod/notify.yaml", flux_kustomization("notify", "./notify"))
    return p


def _name_line(project: Project, path: str, name: str = "slack") -> int:
    return project.line(path, f"name: {name}")


# --- flagged ------------------------------------------------------------------------------


def test_provider_defined_in_two_files(project: Project) -> None:
    project.write("notify/a.yaml", provider())
    project.write("notify/b.yaml", provider(type_="discord"))
    report = project.validate("notify")
    assert project.of(report, RULE) == [
        hit("notify/a.yaml", _name_line(project, "notify/a.yaml"), "error"),
        hit("notify/b.yaml", _name_line(project, "notify/b.yaml"), "error"),
    ]
    message = next(m for m in project.messages(report, RULE) if "b.yaml" in m)
    assert message.startswith("Provider `flux-system/slack` is also defined in ")
    assert message.endswith("notify/b.yaml:1 (cluster clusters/prod)")


def test_namespaces_made_equal_by_kustomize(project: Project) -> None:
    """The files say a and b; the kustomization puts both in `monitoring`."""
    project.write(
        "notify/kustomization.yaml", kustomization("a.yaml", "b.yaml", namespace="monitoring")
    )
    project.write("notify/a.yaml", alert(namespace="a"))
    project.write("notify/b.yaml", alert(namespace="b"))
    assert project.hits(RULE, "notify") == [
        hit("notify/a.yaml", _name_line(project, "notify/a.yaml", "on-call"), "error"),
        hit("notify/b.yaml", _name_line(project, "notify/b.yaml", "on-call"), "error"),
    ]


def test_secret_twice_one_of_them_encrypted(project: Project) -> None:
    plain = secret().replace("sops:", "x-sops:")  # no longer a SOPS document
    project.write("notify/secrets.yaml", docs(secret(address="a"), plain))
    assert project.hits(RULE, "notify") == [
        hit(
            "notify/secrets.yaml", _name_line(project, "notify/secrets.yaml", "slack-url"), "error"
        ),
        hit(
            "notify/secrets.yaml",
            project.line("notify/secrets.yaml", "name: slack-url", nth=2),
            "error",
        ),
    ]


# --- not flagged --------------------------------------------------------------------------


def test_same_names_in_three_clusters(project: Project) -> None:
    """haraldkoch: kubernetes/main, network and registry each define the same objects."""
    for name in ("main", "network", "registry"):
        project.write(
            f"kubernetes/{name}/flux-system/gotk-sync.yaml",
            flux_kustomization("flux-system", f"./kubernetes/{name}"),
        )
        project.write(
            f"kubernetes/{name}/notify/notify.yaml", docs(provider(), secret(address="a"), alert())
        )
    assert project.hits(RULE, "kubernetes") == []


def test_different_namespace_kind_or_group(project: Project) -> None:
    project.write("notify/a.yaml", docs(provider(), alert("slack")))
    project.write("notify/b.yaml", provider(namespace="apps"))
    project.write("notify/ks.yaml", flux_kustomization("notify-extra", "./extra"))
    project.write(
        "notify/kustomization-like.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nmetadata:\n  name: notify-extra\n  namespace: flux-system\n",
    )
    assert project.hits(RULE, "notify") == []


def test_one_file_included_twice_and_patches(project: Project) -> None:
    """A Component used twice in one namespace is one object; a patch is not a definition."""
    project.write(
        "components/notify/kustomization.yaml", kustomization("provider.yaml", kind="Component")
    )
    project.write("components/notify/provider.yaml", provider(namespace=None))
    project.write("notify/kustomization.yaml", kustomization("one", "two", "three"))
    for sub in ("one", "two"):
        project.write(
            f"notify/{sub}/kustomization.yaml",
            kustomization(namespace="apps", components=("../../components/notify",)),
        )
    project.write(
        "notify/three/kustomization.yaml",
        kustomization(
            "../../components/notify/provider.yaml",
            namespace="web",
            extra="patches:\n  - path: patch.yaml\n",
        ),
    )
    project.write(
        "notify/three/patch.yaml",
        "apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\nmetadata:\n  name: slack\nspec:\n  channel: web\n",
    )
    assert project.hits(RULE, "notify", "components") == []


def test_same_answer_however_the_files_are_named(project: Project) -> None:
    """A ConfigMap is read only from files named on the command line: comparing it would
    give an error when a pre-commit hook names both files and none for `validate .`."""
    config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: apps\n"
    project.write("notify/a/cm.yaml", config_map)
    project.write("notify/b/cm.yaml", config_map)
    assert project.hits(RULE, "notify/a/cm.yaml", "notify/b/cm.yaml") == []
    assert project.hits(RULE, "notify") == []


def test_twice_in_one_file_without_a_cluster(tmp_path: Path) -> None:
    project = Project(tmp_path)
    project.write("notify.yaml", docs(provider(), provider(type_="discord")))
    report = project.validate()
    assert project.of(report, RULE) == [
        hit("notify.yaml", project.line("notify.yaml", "kind: Provider") + 2, "error"),
        hit("notify.yaml", project.line("notify.yaml", "kind: Provider", nth=2) + 2, "error"),
    ]
    second = project.line("notify.yaml", "kind: Provider", nth=2) - 1
    assert project.messages(report, RULE)[0].endswith(f"notify.yaml:{second}")


def test_unknown_cluster_or_variable_names(project: Project) -> None:
    project.write("loose/a.yaml", provider())
    project.write("loose/b.yaml", provider())
    project.write("notify/vars.yaml", docs(provider("${NAME}"), provider("${NAME}")))
    assert project.hits(RULE, "loose", "notify") == []


def test_rule_page_examples(tmp_path: Path) -> None:
    """docs/rules/duplicate-object.md: two files in clusters/prod/notifications/; the fix
    renames the copy."""
    slack, copy = page_examples(RULE, "Failing example")
    (renamed,) = page_examples(RULE, "Fixed example")
    for example in ("failing", "fixed"):
        Project(tmp_path / example).cluster("prod")
        Project(tmp_path / example).write("clusters/prod/notifications/slack.yaml", slack)
    Project(tmp_path / "failing").write("clusters/prod/notifications/slack-errors.yaml", copy)
    Project(tmp_path / "fixed").write("clusters/prod/notifications/slack-errors.yaml", renamed)
    check_page(RULE, tmp_path, files=())
