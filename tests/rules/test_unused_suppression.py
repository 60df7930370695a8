"""Suppressions through the engine: end of line, line above, disable-file, and
unused-suppression (info) for those that silence nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from routing_support import Project, alert, check_page, docs, hit, provider, secret
from validate_support import cli

RULE = "unused-suppression"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project(tmp_path)
    p.write("provider.yaml", docs(provider(), secret(address="a")))
    return p


def _broken(comment_at_name: str = "", above_name: str = "", top: str = "") -> str:
    """An Alert whose providerRef is wrong (provider-ref) with comments placed in it."""
    text = top + alert(provider_ref="missing")
    if above_name:
        text = text.replace("    name: missing", f"    {above_name}\n    name: missing")
    if comment_at_name:
        text = text.replace("    name: missing", f"    name: missing  {comment_at_name}")
    return text


# --- suppressions that work: no finding, nothing reported ---------------------------------


def test_end_of_line(project: Project) -> None:
    project.write("alert.yaml", _broken(comment_at_name="# fluxnotify: disable=provider-ref"))
    report = project.validate("alert.yaml")
    assert [f.rule for f in report.findings] == []


def test_line_above(project: Project) -> None:
    project.write(
        "alert.yaml", _broken(above_name="# fluxnotify: disable=provider-ref,event-severity")
    )
    report = project.validate("alert.yaml")
    # event-severity does not fire (eventSeverity is set), so that half is stale.
    line = project.line("alert.yaml", "fluxnotify:")
    assert project.of(report, RULE) == [hit("alert.yaml", line, "info")]
    assert project.messages(report, RULE) == ["suppression of event-severity silences nothing here"]
    assert project.of(report, "provider-ref") == []


def test_disable_file(project: Project) -> None:
    project.write("alert.yaml", _broken(top="# Made by hand.\n# fluxnotify: disable-file\n"))
    assert project.validate("alert.yaml").findings == []


def test_disable_file_for_some_rules(project: Project) -> None:
    text = "# fluxnotify: disable-file=event-severity\n" + docs(
        alert("a", provider_ref="missing", severity=None), alert("b", severity=None)
    )
    project.write("alert.yaml", text)
    report = project.validate("alert.yaml")
    assert sorted({f.rule for f in report.findings}) == ["provider-ref"]


def test_rule_that_is_off_is_not_stale(project: Project) -> None:
    """cross-namespace-source is off by default: its suppression waits for it to be turned on."""
    project.write(
        "alert.yaml",
        alert().replace(
            "  eventSources:", "  eventSources:  # fluxnotify: disable=cross-namespace-source"
        ),
    )
    assert project.hits(RULE) == []


# --- suppressions that silence nothing: reported, severity info ---------------------------


def test_suppression_on_a_line_without_findings(project: Project) -> None:
    project.write(
        "alert.yaml",
        alert().replace("    name: slack", "    name: slack  # fluxnotify: disable=provider-ref"),
    )
    report = project.validate("alert.yaml")
    line = project.line("alert.yaml", "fluxnotify:")
    assert project.of(report, RULE) == [hit("alert.yaml", line, "info")]
    (finding,) = [f for f in report.findings if f.rule == RULE]
    assert (
        finding.column
        == project.root.joinpath("alert.yaml").read_text().splitlines()[line - 1].index("#") + 1
    )
    assert finding.message == "suppression of provider-ref silences nothing here"


def test_suppression_on_the_wrong_line(project: Project) -> None:
    """Alone on the line above `providerRef:`, not above `name:` where the finding is."""
    text = _broken().replace(
        "  providerRef:", "  # fluxnotify: disable=provider-ref\n  providerRef:"
    )
    project.write("alert.yaml", text)
    report = project.validate("alert.yaml")
    assert project.of(report, "provider-ref") == [
        hit("alert.yaml", project.line("alert.yaml", "name: missing"), "error")
    ]
    assert project.of(report, RULE) == [
        hit("alert.yaml", project.line("alert.yaml", "fluxnotify:"), "info")
    ]


def test_unknown_rule_id(project: Project) -> None:
    project.write("alert.yaml", _broken(comment_at_name="# fluxnotify: disable=provider-reference"))
    report = project.validate("alert.yaml")
    assert project.of(report, RULE) == [
        hit("alert.yaml", project.line("alert.yaml", "fluxnotify:"), "info")
    ]
    assert project.messages(report, RULE) == ["unknown rule `provider-reference` in suppression"]
    assert project.of(report, "provider-ref") != []


def test_disable_file_that_silences_nothing_or_comes_too_late(project: Project) -> None:
    project.write("clean.yaml", "# fluxnotify: disable-file\n" + alert())
    late = "".join(f"# note {i}\n" for i in range(10)) + "# fluxnotify: disable-file\n" + _broken()
    project.write("late.yaml", late)
    report = project.validate("clean.yaml", "late.yaml")
    assert project.of(report, RULE) == [hit("clean.yaml", 1, "info"), hit("late.yaml", 11, "info")]
    assert project.of(report, "provider-ref") == [
        hit("late.yaml", project.line("late.yaml", "name: missing"), "error")
    ]


def test_unreadable_directive(project: Project) -> None:
    project.write(
        "alert.yaml", _broken(comment_at_name="# fluxnotify: disable=provider-ref # made elsewhere")
    )
    report = project.validate("alert.yaml")
    assert project.of(report, RULE) == [
        hit("alert.yaml", project.line("alert.yaml", "fluxnotify:"), "info")
    ]
    assert project.messages(report, RULE)[0].startswith("cannot read this suppression")
    assert project.of(report, "provider-ref") != []


def test_info_does_not_fail_the_run(project: Project) -> None:
    project.write(
        "alert.yaml",
        alert().replace("    name: slack", "    name: slack  # fluxnotify: disable=regex"),
    )
    result = cli("validate", "--root", ".", "--format", "parsable", "alert.yaml", cwd=project.root)
    assert result.code == 0
    assert result.stdout == (
        f"alert.yaml:{project.line('alert.yaml', 'fluxnotify:')}:18: info [{RULE}]"
        " suppression of regex silences nothing here\n"
    )


def test_can_be_turned_off(project: Project) -> None:
    project.write(
        "alert.yaml",
        alert().replace("    name: slack", "    name: slack  # fluxnotify: disable=regex"),
    )
    assert project.hits(RULE, rules={RULE: None}) == []


def test_rule_page_examples(tmp_path: Path) -> None:
    """docs/rules/unused-suppression.md: the failing example gives the findings shown, the fixed one none."""
    check_page(RULE, tmp_path)
