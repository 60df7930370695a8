"""api-version: which apiVersions each Flux release serves (reference section 1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from validate_support import at, cli, lint, of_rule, validate, write

from fluxnotify.config import Config
from fluxnotify.engine import Options
from fluxnotify.engine import validate as run
from fluxnotify.model import Finding, Severity

NC = "notification.toolkit.fluxcd.io"


def _object(api_version: str, kind: str) -> str:
    return f"apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: x\n"


# (apiVersion, kind, Flux release, expected severity or None)
MATRIX = [
    (f"{NC}/v1beta2", "Alert", "2.1", None),
    (f"{NC}/v1beta2", "Alert", "2.2", Severity.WARNING),
    (f"{NC}/v1beta2", "Alert", "2.8", Severity.WARNING),
    (f"{NC}/v1beta2", "Alert", "2.9", Severity.ERROR),
    (f"{NC}/v1beta2", "Provider", "2.8", Severity.WARNING),
    (f"{NC}/v1beta2", "Provider", "2.9", Severity.ERROR),
    (f"{NC}/v1beta1", "Alert", "2.0", None),
    (f"{NC}/v1beta1", "Alert", "2.6", Severity.WARNING),
    (f"{NC}/v1beta1", "Alert", "2.7", Severity.ERROR),
    (f"{NC}/v1beta1", "Provider", "2.7", Severity.ERROR),
    (f"{NC}/v1beta1", "Provider", "2.9", Severity.ERROR),
    (f"{NC}/v1", "Alert", "2.0", Severity.ERROR),
    (f"{NC}/v1", "Alert", "2.9", Severity.ERROR),
    (f"{NC}/v1", "Provider", "2.5", Severity.ERROR),
    (f"{NC}/v1beta3", "Alert", "2.1", Severity.ERROR),
    (f"{NC}/v1beta3", "Alert", "2.2", None),
    (f"{NC}/v1beta3", "Provider", "2.9", None),
    (f"{NC}/v1", "Receiver", "2.0", None),
    (f"{NC}/v1", "Receiver", "2.9", None),
    (f"{NC}/v1beta1", "Receiver", "2.0", Severity.WARNING),
    (f"{NC}/v1beta1", "Receiver", "2.7", Severity.ERROR),
    (f"{NC}/v1beta2", "Receiver", "2.8", Severity.WARNING),
    (f"{NC}/v1beta2", "Receiver", "2.9", Severity.ERROR),
    (f"{NC}/v1beta3", "Receiver", "2.9", Severity.ERROR),
]


@pytest.mark.parametrize(("api_version", "kind", "flux", "expected"), MATRIX)
def test_served_matrix(
    api_version: str, kind: str, flux: str, expected: Severity | None, tmp_path: Path
) -> None:
    text = _object(api_version, kind)
    findings = of_rule(lint(tmp_path, text, flux_version=flux), "api-version")
    if expected is None:
        assert findings == []
        return
    assert [(f.severity, f.line, f.column) for f in findings] == [
        (expected, *at(text, "apiVersion:", NC))
    ]
    # the newest version the target serves: v1beta3 arrived in Flux 2.2
    newest = "v1beta3" if flux >= "2.2" else "v1beta2"
    use = f"{NC}/v1" if kind == "Receiver" else f"{NC}/{newest}"
    assert findings[0].hint is not None
    assert f"`apiVersion: {use}`" in findings[0].hint


@pytest.mark.parametrize(
    ("api_version", "kind", "flux"), [(a, k, f) for a, k, f, expected in MATRIX if expected]
)
def test_the_migrate_command_in_the_hint_fixes_the_finding(
    api_version: str, kind: str, flux: str, tmp_path: Path
) -> None:
    text = _object(api_version, kind)
    findings = of_rule(lint(tmp_path, text, flux_version=flux), "api-version")
    command = re.search(r"`fluxnotify (migrate [^`]*)`", findings[0].hint or "")
    if api_version.endswith("/v1beta3") and kind != "Receiver":
        assert command is None  # too new for the target: migrate never downgrades
        return
    assert command is not None, findings[0].hint
    assert cli(*command.group(1).split(), "--write", "manifest.yaml", cwd=tmp_path).code == 0
    assert of_rule(lint_file(tmp_path, flux), "api-version") == []


def lint_file(tmp_path: Path, flux: str) -> list[Finding]:
    return validate(tmp_path, tmp_path / "manifest.yaml", flux_version=flux).findings


def test_messages_say_removed_deprecated_or_never(tmp_path: Path) -> None:
    removed = of_rule(
        lint(tmp_path, _object(f"{NC}/v1beta1", "Alert"), flux_version="2.7"), "api-version"
    )
    assert "removed" in removed[0].message
    assert "`fluxnotify migrate --flux-version 2.7`" in (removed[0].hint or "")
    deprecated = of_rule(
        lint(tmp_path, _object(f"{NC}/v1beta2", "Alert"), flux_version="2.8"), "api-version"
    )
    assert "deprecated in Flux 2.8" in deprecated[0].message
    never = of_rule(lint(tmp_path, _object(f"{NC}/v1", "Provider")), "api-version")
    assert "exists in no Flux release" in never[0].message


def test_other_groups_are_not_checked(tmp_path: Path) -> None:
    """kustomize's own Kustomization (kustomization.yaml) and non-Flux kinds are not Flux's."""
    write(
        tmp_path, "kustomization.yaml", _object("kustomize.config.k8s.io/v1beta1", "Kustomization")
    )
    write(tmp_path, "deploy.yaml", _object("apps/v1beta1", "Deployment"))
    assert (
        of_rule(run(Options(paths=(str(tmp_path),), root=tmp_path)).findings, "api-version") == []
    )


def _levels(tmp_path: Path, level: Severity | None) -> list[Severity]:
    write(tmp_path, "a.yaml", _object(f"{NC}/v1beta1", "Alert"))
    write(tmp_path, "b.yaml", _object(f"{NC}/v1beta2", "Alert"))
    rules = {} if level is False else {"api-version": level}
    report = run(
        Options(
            paths=(str(tmp_path),),
            root=tmp_path,
            flux_version="2.8",
            config=Config(".fluxnotify.yaml", None, (), rules),
        )
    )
    return [f.severity for f in report.findings if f.rule == "api-version"]


def test_configured_level_applies_to_both_cases(tmp_path: Path) -> None:
    """Unconfigured, removed is an error and deprecated a warning (test_engine.py); a
    configured level, even the default `error`, applies to both (docs/configuration.md)."""
    assert _levels(tmp_path, Severity.ERROR) == [Severity.ERROR, Severity.ERROR]
    assert _levels(tmp_path, Severity.WARNING) == [Severity.WARNING, Severity.WARNING]
    assert _levels(tmp_path, None) == []


def test_disable_turns_it_off(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", _object(f"{NC}/v1", "Alert"))
    report = validate(tmp_path, path, disable=("api-version",))
    assert of_rule(report.findings, "api-version") == []


# Every Flux kind (issue 15): facts from the CRDs each release ships (apiversions_data.py).
KS, HR, SRC, IMG = (
    "kustomize.toolkit.fluxcd.io",
    "helm.toolkit.fluxcd.io",
    "source.toolkit.fluxcd.io",
    "image.toolkit.fluxcd.io",
)
FLUX_KINDS_MATRIX = [
    (f"{KS}/v1beta2", "Kustomization", "2.7", Severity.WARNING, "deprecated in Flux 2.7"),
    (f"{KS}/v1beta2", "Kustomization", "2.9", Severity.ERROR, "removed"),
    (f"{KS}/v1beta1", "Kustomization", "2.7", Severity.ERROR, "removed"),
    (f"{KS}/v1", "Kustomization", "2.0", None, ""),
    (f"{HR}/v2beta1", "HelmRelease", "2.1", None, ""),
    (f"{HR}/v2beta1", "HelmRelease", "2.3", Severity.WARNING, "deprecated"),
    (f"{HR}/v2beta1", "HelmRelease", "2.7", Severity.ERROR, "removed"),
    (f"{HR}/v2beta2", "HelmRelease", "2.8", Severity.ERROR, "removed"),
    (f"{HR}/v2", "HelmRelease", "2.2", Severity.ERROR, "needs Flux 2.3 or newer"),
    (f"{HR}/v3", "HelmRelease", "2.9", Severity.ERROR, "exists in no Flux release"),
    (f"{SRC}/v1", "HelmRepository", "2.2", Severity.ERROR, "needs Flux 2.3 or newer"),
    (f"{SRC}/v1beta2", "HelmRepository", "2.9", Severity.ERROR, "removed"),
    (f"{SRC}/v1beta2", "OCIRepository", "2.5", None, ""),
    (f"{SRC}/v1", "OCIRepository", "2.5", Severity.ERROR, "needs Flux 2.6 or newer"),
    (f"{SRC}/v1", "Bucket", "2.4", None, ""),
    (f"{IMG}/v1beta2", "ImagePolicy", "2.7", Severity.WARNING, "deprecated"),
    (f"{IMG}/v1beta2", "ImageUpdateAutomation", "2.9", Severity.ERROR, "removed"),
    (f"{IMG}/v1", "ImageRepository", "2.6", Severity.ERROR, "needs Flux 2.7 or newer"),
    ("source.extensions.fluxcd.io/v1beta1", "ArtifactGenerator", "2.6", Severity.ERROR, "needs Flux 2.7"),
]  # fmt: skip


@pytest.mark.parametrize(("api_version", "kind", "flux", "expected", "words"), FLUX_KINDS_MATRIX)
def test_every_flux_kind(
    api_version: str,
    kind: str,
    flux: str,
    expected: Severity | None,
    words: str,
    tmp_path: Path,
) -> None:
    findings = of_rule(lint(tmp_path, _object(api_version, kind), flux_version=flux), "api-version")
    assert [f.severity for f in findings] == ([expected] if expected else [])
    if expected:
        assert words in findings[0].message
        assert "fluxnotify migrate" not in (findings[0].hint or "")  # it edits notification kinds


def test_a_guessed_release_makes_removed_kinds_a_warning(tmp_path: Path) -> None:
    """Nothing names the release run: 2.9 is a guess, so a HelmRelease v2beta1 is a warning
    saying how to name the release; a notification kind stays an error; a named release
    (here a gotk-components.yaml of 2.9) makes both errors."""
    write(tmp_path, "apps/release.yaml", _object(f"{HR}/v2beta1", "HelmRelease"))
    write(tmp_path, "apps/alert.yaml", _object(f"{NC}/v1beta2", "Alert"))
    findings = of_rule(run(Options(paths=(str(tmp_path),), root=tmp_path)).findings, "api-version")
    assert [(f.object.kind if f.object else "", f.severity) for f in findings] == [
        ("Alert", Severity.ERROR),
        ("HelmRelease", Severity.WARNING),
    ]
    assert "set `flux-version` in .fluxnotify.yaml" in (findings[1].hint or "")
    write(
        tmp_path,
        "clusters/prod/flux-system/gotk-components.yaml",
        "# Flux Version: v2.9.4\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n",
    )
    write(tmp_path, "clusters/prod/release.yaml", _object(f"{HR}/v2beta1", "HelmRelease"))
    findings = of_rule(
        run(Options(paths=(str(tmp_path / "clusters"),), root=tmp_path)).findings, "api-version"
    )
    assert [f.severity for f in findings] == [Severity.ERROR]
