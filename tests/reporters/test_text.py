"""Human output: grouped by file, hints, the Flux version and why, a summary line."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from validate_support import REPORT_ALERT as ALERT
from validate_support import REPORT_BROKEN as BROKEN
from validate_support import Result, at, cli, console, validate, write

from fluxnotify.model import Report
from fluxnotify.reporters import text


def test_grouped_by_file_with_version_and_summary(project: Path) -> None:
    result = cli("validate", "alerts/", cwd=project)
    lines = result.stdout.splitlines()
    assert result.code == 1
    broken = lines.index("alerts/broken.yaml")
    alert = lines.index("alerts/on-call.yaml")
    assert broken < alert
    line, column = at(BROKEN, "name: b")
    assert lines[broken + 1].startswith(f"  {line}:{column}  error    duplicate key `name`")
    assert lines[broken + 1].endswith("[yaml-syntax]")
    severity = at(ALERT, "eventSeverity: warn", "warn")
    schema = [t for t in lines[alert:] if t.startswith(f"  {severity[0]}:{severity[1]}  error")]
    assert len(schema) == 1
    assert schema[0].endswith("[schema]")
    assert lines[lines.index(schema[0]) + 1].startswith("      hint: Flux has two levels")
    assert "Flux 2.9 (the newest; no gotk-components.yaml or FluxInstance found)" in lines
    errors = sum(1 for t in lines if "  error  " in t)
    warnings = sum(1 for t in lines if "  warning  " in t)
    assert lines[-1].startswith(f"{errors} error{'s' * (errors != 1)}, {warnings} warning")
    assert lines[-1].endswith("in 2 files (2 objects checked)")


def test_a_named_file_without_objects_gets_a_note(tmp_path: Path) -> None:
    write(tmp_path, "values.yaml", "replicas: 2\n")
    result = cli("validate", "values.yaml", cwd=tmp_path)
    assert result.code == 0
    assert result.stdout == (
        "note: values.yaml: no Kubernetes object (apiVersion and kind) in it\n"
        "Project root . (the named file's folder; not in git, no .fluxnotify.yaml above it;"
        " --root widens it)\n"
        "0 errors, 0 warnings in 1 file (0 objects checked)\n"
    )


def test_a_walked_folder_of_other_yaml_is_quiet(tmp_path: Path) -> None:
    write(tmp_path, ".github/workflows/ci.yaml", "on: push\njobs: {}\n")
    write(tmp_path, "values.yaml", "replicas: 2\n")
    result = cli("validate", ".", cwd=tmp_path)
    assert result.code == 0
    assert result.stdout == (
        "Project root . (the named folder; not in git, no .fluxnotify.yaml above it;"
        " --root widens it)\n"
        "0 errors, 0 warnings in 2 files (0 objects checked)\n"
    )


def test_go_template_note_for_a_named_file(tmp_path: Path) -> None:
    """A Flux Operator or gomplate template (no Helm words) named on the command line:
    a note saying it was skipped and why, not a yaml-syntax error; the same through the
    installed console script."""
    write(
        tmp_path,
        "teams/provider.yaml",
        "apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\nmetadata:\n"
        "  name: {{ .team }}-chat\n  namespace: {{ .team }}\nspec:\n  type: msteams\n",
    )
    note = (
        "note: teams/provider.yaml: Go template syntax (`{{ }}` on line 4) makes it"
        " unparseable as YAML: skipped, it is not a manifest until rendered\n"
    )
    for run in (cli, console):
        result = run("validate", "--root", ".", "teams/provider.yaml", cwd=tmp_path)
        assert (result.code, result.stderr) == (0, "")
        assert note in result.stdout
        assert "yaml-syntax" not in result.stdout


def test_helm_template_note(tmp_path: Path) -> None:
    write(tmp_path, "chart/templates/a.yaml", "kind: Alert\nname: {{ .Values.x }}\n")
    result = cli("validate", ".", cwd=tmp_path)
    assert "note: chart/templates/a.yaml: Helm template: skipped" in result.stdout
    assert result.code == 0


def _terminal(report: Report) -> str:
    """What a colour terminal receives (ANSI codes included)."""
    out = io.StringIO()
    console = Console(
        file=out, force_terminal=True, color_system="standard", highlight=False, soft_wrap=True
    )
    text.render_terminal(report, console)
    return out.getvalue()


def test_the_terminal_shows_the_plain_text_with_styles(project: Path) -> None:
    report = validate(project, project / "alerts")
    coloured = _terminal(report)
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == text.render(report)
    path = str(project / "alerts" / "on-call.yaml")
    assert f"\x1b[1m{path}\x1b[0m\n" in coloured
    assert "  \x1b[1;31merror\x1b[0m    `spec.eventSeverity`" in coloured
    assert "  \x1b[33mwarning\x1b[0m  `spec.summary` is deprecated" in coloured
    assert re.search(
        r"\x1b\[2m      hint: move it to `spec.eventMetadata.summary`[^\n]*\x1b\[0m\n", coloured
    )
    assert f"\x1b[1m{text.summary(report)}\x1b[0m" in coloured


def test_styles_come_from_what_a_line_is_not_from_its_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose path starts like a Flux version line, or a message that says `error`,
    is styled by what it is (reading the output back could not tell)."""
    write(tmp_path, "Flux 2.9/note: alert.yaml", ALERT.replace("summary: Production", "x: error"))
    monkeypatch.chdir(tmp_path)
    report = validate(tmp_path, "Flux 2.9")
    coloured = _terminal(report)
    path = "Flux 2.9/note: alert.yaml"
    assert f"\x1b[1m{path}\x1b[0m\n" in coloured
    assert "`spec.x`" in coloured
    assert coloured.count("\x1b[1;31merror\x1b[0m") == report.errors


MIXED = """
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: flux-system
data:
  level: debug
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: flux-system
spec: {}
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: slack
  namespace: flux-system
spec:
  type: slack
  channel: alerts
  secretRef:
    name: slack-url
---
apiVersion: v1
kind: Secret
metadata:
  name: slack-url
  namespace: flux-system
type: Opaque
data:
  address: aHR0cHM6Ly9leGFtcGxlLmNvbS9ob29r
"""


@pytest.mark.parametrize("run", [cli, console], ids=["in-process", "console-script"])
def test_objects_checked_are_the_same_named_or_walked(
    tmp_path: Path, run: Callable[..., Result]
) -> None:
    """Named files once counted every document (the ConfigMap, the Deployment), a walked
    folder only the kinds rules read: 5 objects one way, 2 the other. The JSON summary
    and the JUnit test cases count what the footer counts."""
    import json
    import xml.etree.ElementTree as ET

    write(tmp_path, ".fluxnotify.yaml", "# the project root\n")
    write(tmp_path, "apps/mixed.yaml", MIXED)
    write(tmp_path, "apps/settings.yaml", MIXED.split("---")[0])  # a ConfigMap alone
    seen = []
    for paths in (("apps/mixed.yaml", "apps/settings.yaml"), ("apps",)):
        footer = run("validate", "-f", "text", *paths, cwd=tmp_path).stdout.splitlines()[-1]
        summary = json.loads(run("validate", "-f", "json", *paths, cwd=tmp_path).stdout)
        junit = ET.fromstring(run("validate", "-f", "junit", *paths, cwd=tmp_path).stdout)
        cases = [(c.get("classname"), c.get("name")) for c in junit.iter("testcase")]
        seen.append((footer, summary["summary"]["objects"], cases))
    assert seen[0] == seen[1]
    assert seen[0] == (
        "0 errors, 1 warning in 2 files (2 objects checked)",  # the Secret is not encrypted
        2,
        [
            ("apps/mixed.yaml", "Provider/flux-system/slack"),
            ("apps/mixed.yaml", "Secret/flux-system/slack-url"),
            ("apps/settings.yaml", "(file)"),
        ],
    )
