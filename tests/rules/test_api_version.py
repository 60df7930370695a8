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
    text = _object("kustomize.toolkit.fluxcd.io/v1beta2", "Kustomization")
    assert of_rule(lint(tmp_path, text, flux_version="2.9"), "api-version") == []


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
