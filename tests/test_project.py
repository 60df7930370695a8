"""Facts about the whole project: the target Flux version, patches, Flux Operator."""

from __future__ import annotations

from pathlib import Path

import pytest
from validate_support import ALERT, at, cli, of_rule, validate, write

GOTK_COMMENT = "# Flux Version: {version}\n# Components: source-controller\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n"
GOTK_LABEL = (
    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n  labels:\n"
    "    app.kubernetes.io/version: {version}\n"
)
V1BETA2_ALERT = ALERT.replace("v1beta3", "v1beta2")


def _api_version_severities(tmp_path: Path, target: Path) -> list[str]:
    report = validate(tmp_path, target)
    return [f.severity.value for f in of_rule(report.findings, "api-version")]


def test_gotk_comment_covers_its_cluster(tmp_path: Path) -> None:
    write(
        tmp_path,
        "clusters/prod/flux-system/gotk-components.yaml",
        GOTK_COMMENT.format(version="v2.4.1"),
    )
    alert = write(tmp_path, "clusters/prod/apps/alert.yaml", V1BETA2_ALERT)
    report = validate(tmp_path, alert)
    assert report.flux_versions == {"2.4": "from clusters/prod/flux-system/gotk-components.yaml"}
    assert _api_version_severities(tmp_path, alert) == ["warning"]


def test_gotk_label_and_the_deepest_wins(tmp_path: Path) -> None:
    write(
        tmp_path, "clusters/flux-system/gotk-components.yaml", GOTK_LABEL.format(version="v2.9.4")
    )
    write(
        tmp_path,
        "clusters/old/flux-system/gotk-components.yaml",
        GOTK_LABEL.format(version="v2.6.0"),
    )
    new = write(tmp_path, "clusters/new/alert.yaml", V1BETA2_ALERT)
    old = write(tmp_path, "clusters/old/apps/alert.yaml", V1BETA2_ALERT)
    assert validate(tmp_path, new).flux_versions == {
        "2.9": "from clusters/flux-system/gotk-components.yaml"
    }
    assert validate(tmp_path, old).flux_versions == {
        "2.6": "from clusters/old/flux-system/gotk-components.yaml"
    }
    assert _api_version_severities(tmp_path, new) == ["error"]
    assert _api_version_severities(tmp_path, old) == ["warning"]


def test_fluxinstance_distribution_version(tmp_path: Path) -> None:
    write(
        tmp_path,
        "flux/instance.yaml",
        """
        apiVersion: fluxcd.controlplane.io/v1
        kind: FluxInstance
        metadata:
          name: flux
          namespace: flux-system
        spec:
          distribution:
            version: "2.7.x"
            registry: ghcr.io/fluxcd
        """,
    )
    alert = write(tmp_path, "apps/alert.yaml", ALERT.replace("v1beta3", "v1beta1"))
    report = validate(tmp_path, alert)
    assert report.flux_versions == {"2.7": "from FluxInstance in flux/instance.yaml"}
    assert _api_version_severities(tmp_path, alert) == ["error"]


@pytest.mark.parametrize(
    ("url", "tag", "expected"),
    [
        ("https://github.com/fluxcd/flux2", "v2.3.0", "2.3"),
        ("ssh://git@github.com/fluxcd/flux2.git", "v0.31.4", "2.0"),
    ],
)
def test_flux2_release_gitrepository(tmp_path: Path, url: str, tag: str, expected: str) -> None:
    write(
        tmp_path,
        "cluster/flux-system/flux-installation.yaml",
        f"""
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata:
          name: flux-installation
          namespace: flux-system
        spec:
          interval: 10m
          ref:
            tag: "{tag}"
          url: {url}
        """,
    )
    alert = write(tmp_path, "apps/alert.yaml", ALERT)
    [(version, reason)] = validate(tmp_path, alert).flux_versions.items()
    assert version == expected
    assert reason.startswith(
        "from the fluxcd/flux2 GitRepository in cluster/flux-system/flux-installation.yaml"
    )
    assert ("checked as 2.0" in reason) == (expected == "2.0")


def test_a_gitrepository_of_another_repository_names_no_version(tmp_path: Path) -> None:
    write(
        tmp_path,
        "sources.yaml",
        """
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata:
          name: podinfo
          namespace: flux-system
        spec:
          ref:
            tag: "v2.3.0"
          url: https://github.com/stefanprodan/podinfo
        """,
    )
    alert = write(tmp_path, "alert.yaml", ALERT)
    assert list(validate(tmp_path, alert).flux_versions) == ["2.9"]


def test_no_version_source_means_newest(tmp_path: Path) -> None:
    alert = write(tmp_path, "alert.yaml", V1BETA2_ALERT)
    assert validate(tmp_path, alert).flux_versions == {
        "2.9": "the newest; no gotk-components.yaml or FluxInstance found"
    }


def test_flux_version_option_wins_over_detection(tmp_path: Path) -> None:
    write(tmp_path, "flux-system/gotk-components.yaml", GOTK_COMMENT.format(version="v2.4.1"))
    alert = write(tmp_path, "alert.yaml", V1BETA2_ALERT)
    assert validate(tmp_path, alert, flux_version="2.9").flux_versions == {
        "2.9": "from --flux-version"
    }


def test_text_output_says_which_gotk_was_used(tmp_path: Path) -> None:
    write(
        tmp_path,
        "clusters/prod/flux-system/gotk-components.yaml",
        GOTK_COMMENT.format(version="v2.4.1"),
    )
    write(tmp_path, "clusters/prod/alert.yaml", V1BETA2_ALERT)
    write(tmp_path, ".fluxnotify.yaml", "# the project root\n")
    result = cli("validate", "clusters/prod/alert.yaml", cwd=tmp_path)
    assert (
        "Flux 2.4 (from clusters/prod/flux-system/gotk-components.yaml)"
        in result.stdout.splitlines()
    )
    assert "deprecated in Flux 2.4" in result.stdout


PARTIAL_ALERT = """
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: on-call
spec:
  eventSeverity: error
"""


KUSTOMIZATION_HEAD = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"


def test_kustomize_patch_files_skip_required_fields(tmp_path: Path) -> None:
    write(tmp_path, "base/alert.yaml", ALERT)
    write(
        tmp_path,
        "overlay/kustomization.yaml",
        KUSTOMIZATION_HEAD + "resources:\n  - ../base\npatches:\n  - path: alert-patch.yaml\n",
    )
    patch = write(tmp_path, "overlay/alert-patch.yaml", PARTIAL_ALERT)
    assert of_rule(validate(tmp_path, patch).findings, "schema") == []
    # a wrong value in a patch is still wrong
    write(tmp_path, "overlay/alert-patch.yaml", PARTIAL_ALERT.replace("error", "warn"))
    assert [f.message for f in of_rule(validate(tmp_path, patch).findings, "schema")] == [
        "`spec.eventSeverity` is 'warn': allowed values are info, error"
    ]
    # the same file, not listed as a patch, misses its required fields (reported once)
    (tmp_path / "overlay/kustomization.yaml").write_text(
        KUSTOMIZATION_HEAD + "resources: [../base]\n"
    )
    write(tmp_path, "overlay/alert-patch.yaml", PARTIAL_ALERT)
    assert [f.message for f in of_rule(validate(tmp_path, patch).findings, "schema")] == [
        "missing required field `spec.eventSources`, `spec.providerRef`"
    ]


def test_patches_of_a_kustomization_without_kind(tmp_path: Path) -> None:
    write(
        tmp_path, "overlay/kustomization.yaml", "resources: [../base]\npatches:\n  - path: p.yaml\n"
    )
    patch = write(tmp_path, "overlay/p.yaml", PARTIAL_ALERT)
    assert of_rule(validate(tmp_path, patch).findings, "schema") == []


@pytest.mark.parametrize(
    "patcher",
    [
        # a kustomization.yaml patch with a target
        (
            "kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
            "resources: [alert.yaml]\npatches:\n  - target:\n      kind: Alert\n"
            "    patch: |\n      - op: add\n        path: /spec/providerRef\n        value: {name: slack}\n",
        ),
        # a Flux Kustomization's spec.patches
        (
            "flux.yaml",
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n"
            "  name: apps\nspec:\n  interval: 1h\n  prune: true\n  sourceRef:\n"
            "    kind: GitRepository\n    name: flux-system\n  patches:\n"
            "    - patch: |\n        apiVersion: notification.toolkit.fluxcd.io/v1beta3\n"
            "        kind: Alert\n        metadata:\n          name: on-call\n"
            "        spec:\n          providerRef:\n            name: slack\n",
        ),
    ],
)
def test_objects_completed_by_patches_skip_required_fields(
    patcher: tuple[str, str], tmp_path: Path
) -> None:
    alert = write(tmp_path, "alert.yaml", PARTIAL_ALERT + "  eventSources: []\n")
    assert any(
        "missing required field" in f.message
        for f in of_rule(validate(tmp_path, alert).findings, "schema")
    )
    write(tmp_path, *patcher)
    assert of_rule(validate(tmp_path, alert).findings, "schema") == []


OPERATOR_ALERT = """
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: flux-instance
  namespace: flux-system
spec:
  providerRef:
    name: slack
  eventSeverity: error
  eventSources:
    - kind: FluxInstance
      name: flux
    - kind: ResourceSet
      name: "*"
"""
OPERATOR_RECEIVER = """
apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata:
  name: github
  namespace: flux-system
spec:
  type: github
  secretRef:
    name: token
  resources:
    - kind: ResourceSetInputProvider
      name: prs
"""


def _operator_findings(tmp_path: Path) -> list[tuple[str, int, int]]:
    alert = write(tmp_path, "notifications/alert.yaml", OPERATOR_ALERT)
    receiver = write(tmp_path, "notifications/receiver.yaml", OPERATOR_RECEIVER)
    report = validate(tmp_path, alert, receiver)
    return [
        (f.path.rpartition("/")[2], f.line, f.column) for f in of_rule(report.findings, "schema")
    ]


def test_flux_operator_kinds_are_errors_without_flux_operator(tmp_path: Path) -> None:
    assert _operator_findings(tmp_path) == [
        ("alert.yaml", *at(OPERATOR_ALERT, "kind: FluxInstance", "FluxInstance")),
        ("alert.yaml", *at(OPERATOR_ALERT, "kind: ResourceSet", "ResourceSet")),
        ("receiver.yaml", *at(OPERATOR_RECEIVER, "kind: ResourceSetInputProvider", "Resource")),
    ]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "flux/instance.yaml",
            "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n"
            "spec:\n  distribution:\n    version: 2.x\n    registry: ghcr.io/fluxcd\n",
        ),
        (
            "flux/operator.yaml",
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n"
            "  name: flux-operator\nspec:\n  interval: 1h\n  chart:\n    spec:\n"
            "      chart: flux-operator\n      sourceRef:\n        kind: HelmRepository\n"
            "        name: controlplane\n",
        ),
        (
            "flux/oci.yaml",
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n"
            "  name: flux-instance\nspec:\n  interval: 1h\n"
            "  url: oci://ghcr.io/controlplaneio-fluxcd/charts/flux-instance\n",
        ),
    ],
)
def test_flux_operator_kinds_are_accepted_with_flux_operator(
    name: str, text: str, tmp_path: Path
) -> None:
    write(tmp_path, name, text)
    assert _operator_findings(tmp_path) == []


def test_other_kinds_stay_errors_with_flux_operator(tmp_path: Path) -> None:
    write(
        tmp_path,
        "instance.yaml",
        "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n",
    )
    alert = write(
        tmp_path, "alert.yaml", OPERATOR_ALERT.replace("kind: ResourceSet", "kind: Deployment")
    )
    findings = of_rule(validate(tmp_path, alert).findings, "schema")
    assert [(f.line, f.column) for f in findings] == [
        at(
            OPERATOR_ALERT.replace("kind: ResourceSet", "kind: Deployment"),
            "kind: Deployment",
            "Deployment",
        )
    ]


def test_a_link_to_a_file_outside_the_root_is_not_read_unless_named(tmp_path: Path) -> None:
    """Never read outside the project root, except files named on the command line."""
    from fluxnotify.engine import Options, validate

    outside = tmp_path / "outside"
    outside.mkdir()
    broken = outside / "alert.yaml"
    broken.write_text(
        "apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Alert\n"
        "metadata:\n  name: a\n  namespace: flux-system\n"
        "spec:\n  eventSeverity: warn\n  providerRef:\n    name: p\n"
        "  eventSources:\n    - kind: Kustomization\n      name: x\n"
    )
    project = tmp_path / "project"
    project.mkdir()
    (project / "ok.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    (project / "linked.yaml").symlink_to(broken)
    (project / "inside.yaml").symlink_to(project / "ok.yaml")

    walked = validate(Options(paths=(str(project),), root=project, cache=False))
    assert walked.findings == []
    (note,) = [text for path, text in walked.notes if path.endswith("linked.yaml")]
    assert "out of the project root" in note
    assert str(broken) in note
    assert not any(path.endswith("inside.yaml") for path, _ in walked.notes)

    named = validate(Options(paths=(str(project / "linked.yaml"),), root=project, cache=False))
    assert "schema" in [f.rule for f in named.findings]
