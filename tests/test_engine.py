"""The engine: one call from options to a Report, with configuration and severities applied."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from validate_support import ALERT, BASE_RULES, PROVIDER, validate, write

from fluxnotify.config import Config
from fluxnotify.engine import Options, rule_levels
from fluxnotify.engine import validate as run
from fluxnotify.model import Severity
from fluxnotify.rules import RULES

BAD_ALERT = ALERT.replace("eventSeverity: error", "eventSeverity: warn")


def test_report_counts(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", ALERT + "---\n# comment only\n---\nfoo: bar\n")
    write(tmp_path, "b.yaml", PROVIDER)
    write(tmp_path, "c.yml", "just: values\n")
    report = validate(tmp_path)
    assert report.files == 3
    assert report.objects == 2
    # a.yaml's three documents, b.yaml's one and c.yml's one (counted, not parsed)
    assert report.documents == 5


def test_documents_count_the_same_named_or_walked(tmp_path: Path) -> None:
    """A walk parses only files with a kind some rule reads; the others' documents counted
    nothing, so naming every file (pre-commit run --all-files) gave a larger number."""
    write(tmp_path, "deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n")
    write(tmp_path, "two.yaml", "---\na: 1\n---\n# only a comment\n---\n")
    write(tmp_path, "ended.yaml", "a: 1\n...\n---\nb: 2\n...\n")
    write(tmp_path, "tagged.yml", "site_name: docs\nx: !!python/name:a.b\n")
    write(tmp_path, "comments.yaml", "# nothing\n")
    write(tmp_path, "alert.yaml", ALERT + "---\n" + PROVIDER)
    write(tmp_path, "chart/templates/cm.yaml", "kind: ConfigMap\ndata: {{ .Values.x }}\n")
    walked = validate(tmp_path)
    named = validate(tmp_path, *sorted(tmp_path.rglob("*.y*ml")))
    assert (walked.files, walked.objects) == (named.files, named.objects) == (7, 2)
    assert walked.documents == named.documents == 1 + 3 + 2 + 1 + 0 + 2 + 0


def test_findings_are_sorted_by_path_line_column(tmp_path: Path) -> None:
    write(tmp_path, "b.yaml", BAD_ALERT)
    write(tmp_path, "a.yaml", BAD_ALERT.replace("  eventSeverity: warn\n", "") + "  channel: x\n")
    write(tmp_path, "a.yaml", (tmp_path / "a.yaml").read_text() + "---\n" + BAD_ALERT)
    report = validate(tmp_path)
    keys = [(f.path, f.line, f.column) for f in report.findings]
    assert keys == sorted(keys)
    assert {f.path.rpartition("/")[2] for f in report.findings} == {"a.yaml", "b.yaml"}


def test_findings_only_for_the_named_files(tmp_path: Path) -> None:
    write(tmp_path, "other.yaml", BAD_ALERT)
    target = write(tmp_path, "target.yaml", PROVIDER)
    report = validate(tmp_path, target)
    assert {f.path for f in report.findings} <= {str(target)}
    assert report.files == 1


def test_rule_levels_defaults_config_and_disable() -> None:
    defaults = rule_levels(Config(), ())
    assert set(defaults) == set(RULES)
    assert {r: defaults[r] for r in BASE_RULES} == {r: RULES[r].SEVERITY for r in BASE_RULES}
    config = Config(".fluxnotify.yaml", None, (), {"schema": Severity.WARNING, "api-version": None})
    levels = rule_levels(config, ("unknown-field",))
    assert levels["schema"] is Severity.WARNING
    assert levels["api-version"] is None
    assert levels["unknown-field"] is None
    assert levels["yaml-syntax"] is Severity.ERROR


def test_configured_severity_is_applied(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", BAD_ALERT)
    config = Config(".fluxnotify.yaml", None, (), {"schema": Severity.INFO})
    report = run(Options(paths=(str(path),), root=tmp_path, config=config))
    schema = [f for f in report.findings if f.rule == "schema"]
    assert [f.severity for f in schema] == [Severity.INFO]
    assert report.errors == sum(1 for f in report.findings if f.severity is Severity.ERROR)


V1BETA2_ALERT_AT_2_8 = ALERT.replace("v1beta3", "v1beta2")


@pytest.mark.parametrize(
    ("configured", "expected"),
    [({}, Severity.WARNING), ({"api-version": Severity.ERROR}, Severity.ERROR)],
    ids=["default", "set-to-its-default"],
)
def test_a_configured_level_applies_to_every_finding_of_the_rule(
    tmp_path: Path, configured: dict[str, Severity | None], expected: Severity
) -> None:
    """api-version says deprecated (warning) or removed (error) by itself; a level set in
    the configuration, even its default, applies to all its findings."""
    path = write(tmp_path, "a.yaml", V1BETA2_ALERT_AT_2_8)
    config = Config(".fluxnotify.yaml", None, (), configured)
    report = run(Options(paths=(str(path),), root=tmp_path, flux_version="2.8", config=config))
    assert [f.severity for f in report.findings if f.rule == "api-version"] == [expected]


def test_disabled_rule_gives_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", BAD_ALERT)
    report = validate(tmp_path, path, disable=("schema",))
    assert [f for f in report.findings if f.rule == "schema"] == []


def test_standard_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(BAD_ALERT.lstrip().encode())))
    report = validate(tmp_path, "-")
    schema = [f for f in report.findings if f.rule == "schema"]
    assert [(f.path, f.line) for f in schema] == [("-", 9)]


def test_flux_version_reasons(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", ALERT)
    assert validate(tmp_path, path, flux_version="2.4").flux_versions == {
        "2.4": "from --flux-version"
    }
    config = Config(".fluxnotify.yaml", "2.6", (), {})
    report = run(Options(paths=(str(path),), root=tmp_path, config=config))
    assert report.flux_versions == {"2.6": "from .fluxnotify.yaml"}
    newest = validate(tmp_path, path).flux_versions
    assert list(newest) == ["2.9"]
    assert "newest" in newest["2.9"]


def test_helm_template_note(tmp_path: Path) -> None:
    write(
        tmp_path,
        "chart/templates/alert.yaml",
        "kind: Alert\nmetadata:\n  name: {{ .Values.name }}\n",
    )
    report = validate(tmp_path)
    assert report.findings == []
    assert [
        (display.rpartition("/")[2], "Helm template" in note) for display, note in report.notes
    ] == [("alert.yaml", True)]


def test_config_excludes_apply_to_walks(tmp_path: Path) -> None:
    write(tmp_path, "charts/bad.yaml", BAD_ALERT)
    write(tmp_path, "ok.yaml", PROVIDER)
    config = Config(".fluxnotify.yaml", None, ("charts",), {})
    report = run(Options(paths=(str(tmp_path),), root=tmp_path, config=config))
    assert report.files == 1
    report = run(Options(paths=(str(tmp_path),), root=tmp_path, exclude=("charts",)))
    assert report.files == 1
