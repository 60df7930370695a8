"""regex: inclusionList / exclusionList entries that Go's RE2 rejects (reference 3c, 3e step 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from routing_support import Project, alert, check_page, hit

RULE = "regex"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def _alert_with(field: str, *patterns: str) -> str:
    items = "".join(f"\n    - '{p}'" for p in patterns)
    return alert() + f"  {field}:{items}\n"


@pytest.mark.parametrize(
    ("field", "pattern", "python_accepts"),
    [
        ("exclusionList", "^(?!.*podinfo).*$", True),  # lookahead
        ("exclusionList", "(?<=prefix)suffix", True),  # lookbehind
        ("inclusionList", "(health) check \\1", True),  # backreference
        ("inclusionList", "a++b", False),  # possessive quantifier (Python accepts it from 3.11)
    ],
)
def test_rejected_by_re2(project: Project, field: str, pattern: str, python_accepts: bool) -> None:
    project.write("alert.yaml", _alert_with(field, "^ok$", pattern))
    report = project.validate()
    assert project.of(report, RULE) == [
        hit("alert.yaml", project.line("alert.yaml", pattern), "error")
    ]
    (message,) = project.messages(report, RULE)
    assert message.startswith(f"{field}[1] is not a valid Go (RE2) regular expression: ")
    if python_accepts:
        re.compile(pattern)  # the reason to use a real RE2 engine


def test_several_entries_each_reported(project: Project) -> None:
    text = alert() + "  inclusionList:\n    - '(?=x)'\n  exclusionList:\n    - ok\n    - '(a)\\1'\n"
    project.write("alert.yaml", text)
    assert project.hits(RULE) == [
        hit("alert.yaml", project.line("alert.yaml", "(?=x)"), "error"),
        hit("alert.yaml", project.line("alert.yaml", "(a)"), "error"),
    ]


@pytest.mark.parametrize(
    "pattern",
    [
        "^Dependencies do not meet ready condition.*",  # the documented example (#283)
        "(?i)health check failed",
        "(?P<kind>HelmRelease|Kustomization)/.*",
        "\\p{Greek}+",  # RE2 accepts it, Python's re does not
        "[[:alpha:]]+",
        "${EXCLUDE}",
    ],
)
def test_valid_re2(project: Project, pattern: str) -> None:
    project.write("alert.yaml", _alert_with("exclusionList", pattern))
    assert project.hits(RULE) == []


def test_not_an_alert(project: Project) -> None:
    receiver = (
        alert().replace("kind: Alert", "kind: Provider") + "  exclusionList:\n    - '(?!x)'\n"
    )
    project.write("provider.yaml", receiver)
    assert project.hits(RULE) == []


def test_rule_page_examples(tmp_path: Path) -> None:
    """docs/rules/regex.md: the failing example gives the findings shown, the fixed one none."""
    check_page(RULE, tmp_path)
