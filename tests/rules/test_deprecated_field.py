"""deprecated-field: Alert summary, Provider proxy (Flux 2.7+) and interval (v1beta3)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from validate_support import at, cli, lint, of_rule, validate

from fluxnotify.model import Severity

ALERT = """
apiVersion: notification.toolkit.fluxcd.io/{version}
kind: Alert
metadata:
  name: a
spec:
  providerRef:
    name: p
  eventSeverity: error
  summary: Production
  eventSources:
    - kind: Bucket
      name: b
"""

PROVIDER = """
apiVersion: notification.toolkit.fluxcd.io/{version}
kind: Provider
metadata:
  name: p
spec:
  type: generic
  proxy: http://proxy.internal:3128
  interval: 10m
"""


def test_alert_summary_in_v1beta3(tmp_path: Path) -> None:
    text = ALERT.format(version="v1beta3")
    findings = of_rule(lint(tmp_path, text), "deprecated-field")
    assert [(f.severity, f.line, f.column) for f in findings] == [
        (Severity.WARNING, *at(text, "summary: Production"))
    ]
    assert "eventMetadata.summary" in (findings[0].hint or "")


def test_alert_summary_in_v1beta2_is_not_deprecated_there(tmp_path: Path) -> None:
    text = ALERT.format(version="v1beta2")
    assert of_rule(lint(tmp_path, text, flux_version="2.1"), "deprecated-field") == []


@pytest.mark.parametrize(
    ("flux", "expected"), [("2.6", ["interval"]), ("2.7", ["proxy", "interval"])]
)
def test_provider_proxy_from_flux_2_7_and_interval(
    flux: str, expected: list[str], tmp_path: Path
) -> None:
    text = PROVIDER.format(version="v1beta3")
    findings = of_rule(lint(tmp_path, text, flux_version=flux), "deprecated-field")
    assert [(f.line, f.column) for f in findings] == [at(text, f"{field}:") for field in expected]
    hints = " ".join(f.hint or "" for f in findings)
    if "proxy" in expected:
        assert "proxySecretRef" in hints


def test_provider_interval_in_v1beta2_is_fine(tmp_path: Path) -> None:
    text = PROVIDER.format(version="v1beta2").replace("  proxy: http://proxy.internal:3128\n", "")
    assert of_rule(lint(tmp_path, text, flux_version="2.1"), "deprecated-field") == []


@pytest.mark.parametrize("flux", ["2.2", "2.9"])
@pytest.mark.parametrize("template", [ALERT, PROVIDER], ids=["summary", "interval"])
def test_the_migrate_command_in_the_hint_fixes_summary_and_interval(
    template: str, flux: str, tmp_path: Path
) -> None:
    text = template.format(version="v1beta3").replace("  proxy: http://proxy.internal:3128\n", "")
    findings = of_rule(lint(tmp_path, text, flux_version=flux), "deprecated-field")
    assert len(findings) == 1
    command = re.search(r"`fluxnotify (migrate [^`]*)`", findings[0].hint or "")
    assert command is not None, findings[0].hint
    assert cli(*command.group(1).split(), "--write", "manifest.yaml", cwd=tmp_path).code == 0
    after = validate(tmp_path, tmp_path / "manifest.yaml", flux_version=flux).findings
    assert of_rule(after, "deprecated-field") == []
