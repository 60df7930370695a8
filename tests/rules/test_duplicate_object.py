"""duplicate-object: two definitions of one kind, namespace and name applied to the same cluster."""

from __future__ import annotations

import os
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
    # one Flux Kustomization builds both files: kustomize refuses the build
    assert message.endswith("notify/b.yaml:1 (cluster clusters/prod), in the same kustomize build")


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


def _two_kustomizations(project: Project) -> None:
    """`notify` builds ./notify; `extra` builds ./extra: two builds of one cluster."""
    project.write("clusters/prod/extra.yaml", flux_kustomization("extra", "./extra"))


def test_identical_copies_in_two_flux_kustomizations_are_a_warning(project: Project) -> None:
    """It applies, but both Kustomizations own the object (pruning by either deletes it)."""
    _two_kustomizations(project)
    project.write("notify/provider.yaml", provider())
    # the same object, written with another layout, a comment and the namespace left to
    # the Kustomization: still identical
    project.write(
        "extra/provider.yaml",
        "# copied\napiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\n"
        "metadata: {name: slack, namespace: flux-system}\n"
        "spec: {secretRef: {name: slack-url}, type: slack}\n",
    )
    report = project.validate("notify", "extra")
    assert project.of(report, RULE) == [
        hit("extra/provider.yaml", 4, "warning"),
        hit("notify/provider.yaml", _name_line(project, "notify/provider.yaml"), "warning"),
    ]
    extra = next(f for f in report.findings if f.rule == RULE and "extra" in f.path)
    assert extra.message == (
        "Provider `flux-system/slack` is also applied, identically, by another Flux"
        f" Kustomization from {project.root / 'notify/provider.yaml'}:1 (cluster clusters/prod)"
    )
    assert "keep one copy" in str(extra.hint)
    # the same verdict when only one of the files is named (the other is then only scanned)
    assert project.hits(RULE, "extra/provider.yaml") == [hit("extra/provider.yaml", 4, "warning")]


def test_differing_copies_in_two_flux_kustomizations_are_an_error(project: Project) -> None:
    _two_kustomizations(project)
    project.write("notify/provider.yaml", provider())
    project.write("extra/provider.yaml", provider(type_="discord"))
    report = project.validate("notify", "extra")
    assert [h.severity for h in project.of(report, RULE)] == ["error", "error"]
    assert all(
        m.endswith("(cluster clusters/prod), differently") for m in project.messages(report, RULE)
    )
    assert project.hits(RULE, "extra/provider.yaml") == [
        hit("extra/provider.yaml", _name_line(project, "extra/provider.yaml"), "error")
    ]


def test_one_differing_copy_makes_every_copy_an_error(project: Project) -> None:
    """Two identical copies and a third that differs: whichever applies last wins."""
    for name in ("a", "b", "c"):
        project.write(f"clusters/prod/{name}.yaml", flux_kustomization(name, f"./{name}"))
    project.write("a/provider.yaml", provider())
    project.write("b/provider.yaml", provider())
    project.write("c/provider.yaml", provider(type_="discord"))
    report = project.validate("a", "b", "c")
    assert [h.severity for h in project.of(report, RULE)] == ["error"] * 3
    messages = {f.path.split(os.sep)[-2]: f.message for f in report.findings if f.rule == RULE}
    # a and b name the first that differs from them (c); c names the first (a)
    assert f"{project.root / 'c/provider.yaml'}:1" in messages["a"]
    assert f"{project.root / 'c/provider.yaml'}:1" in messages["b"]
    assert f"{project.root / 'a/provider.yaml'}:1" in messages["c"]


def test_many_copies_give_one_finding_each_naming_the_first(project: Project) -> None:
    """N copies are N findings, not N * (N - 1): each names the first (the first, the second)."""
    count = 300
    project.write("notify/providers.yaml", docs(*[provider()] * count))
    report = project.validate("notify")
    messages = project.messages(report, RULE)
    assert len(messages) == count
    path = project.root / "notify/providers.yaml"
    first, second = (
        f"{path}:{project.line('notify/providers.yaml', 'kind: Provider', nth=n) - 1} "
        for n in (1, 2)
    )
    assert sum(first in m for m in messages) == count - 1
    assert sum(second in m for m in messages) == 1


def test_each_file_named_alone_gets_the_findings_of_the_whole_run(tmp_path: Path) -> None:
    """Definitions are grouped per kind and name when first checked: a pre-commit run naming
    one file must still find its namesakes in files nobody named, across files, folders
    and Flux Kustomizations, and not mistake another kind, group, namespace or cluster
    (or a namesake of one of them) for a copy."""
    project = Project(tmp_path)
    for cluster in ("prod", "staging"):
        project.cluster(cluster)
        for name in ("a", "b"):
            project.write(
                f"clusters/{cluster}/{name}.yaml", flux_kustomization(name, f"./{cluster}/{name}")
            )
    files = {
        # prod: the same Provider three times, one copy differs; a namesake Alert and Secret
        "prod/a/provider.yaml": provider(),
        "prod/a/alert.yaml": alert("slack"),
        "prod/b/provider.yaml": provider(),
        "prod/b/more.yaml": docs(provider(type_="discord"), secret("slack")),
        # prod: namesakes in another namespace and of another API group
        "prod/b/other.yaml": docs(
            provider(namespace="apps"),
            provider().replace("notification.toolkit.fluxcd.io", "pkg.crossplane.io"),
        ),
        # staging: identical copies applied by two Flux Kustomizations; a lone Secret
        "staging/a/provider.yaml": provider(),
        "staging/b/provider.yaml": provider(),
        "staging/b/secret.yaml": secret("slack"),
        # no cluster: two copies in one file, and one alone in another file
        "loose/twice.yaml": docs(alert("slack"), alert("slack", severity="info")),
        "loose/once.yaml": alert("slack"),
    }
    for name, text in files.items():
        project.write(name, text)
    whole = project.of(project.validate(), RULE)
    assert {h.path for h in whole} == {
        "prod/a/provider.yaml",
        "prod/b/provider.yaml",
        "prod/b/more.yaml",
        "staging/a/provider.yaml",
        "staging/b/provider.yaml",
        "loose/twice.yaml",
    }
    assert {h.severity for h in whole if h.path.startswith("staging")} == {"warning"}
    for name in files:
        alone = project.of(project.validate(name), RULE)
        assert alone == [h for h in whole if h.path == name], name


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
    assert project.messages(report, RULE)[0].endswith(
        f"notify.yaml:{second}, in the same kustomize build"
    )


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
