"""JUnit XML: valid against tests/reporters/junit.xsd; a suite per file, a case per object,
a failure per error; warnings in the case's output."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from validate_support import REPO, REPORT_ALERT, at, cli, console, write

XSD = Path(__file__).with_name("junit.xsd")


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def _run(project: Path, *paths: str) -> ET.Element:
    result = cli("validate", "--format", "junit", *(paths or ("alerts/",)), cwd=project)
    assert result.stderr == ""
    return ET.fromstring(result.stdout)


def test_output_is_valid_against_the_xsd(project: Path, schema: xmlschema.XMLSchema) -> None:
    result = cli("validate", "--format", "junit", "alerts/", cwd=project)
    assert result.code == 1
    schema.validate(result.stdout)


def test_the_xsd_rejects_what_ci_services_cannot_read(schema: xmlschema.XMLSchema) -> None:
    """The schema is not a rubber stamp: a case without a name, a negative count and a
    failure without its message all fail."""
    good = (
        '<testsuites tests="1" failures="1" errors="0"><testsuite name="a.yaml" tests="1"'
        ' failures="1" errors="0"><testcase classname="a.yaml" name="Alert/x">'
        '<failure message="m" type="schema">m</failure></testcase></testsuite></testsuites>'
    )
    assert schema.is_valid(good)
    for bad in (
        good.replace(' name="Alert/x"', ""),
        good.replace(
            'tests="1" failures="1" errors="0"><testcase',
            'tests="-1" failures="1" errors="0"><testcase',
        ),
        good.replace(' message="m"', ""),
        good.replace("<testcase ", "<case ").replace("</testcase>", "</case>"),
    ):
        assert not schema.is_valid(bad), bad


def test_a_suite_per_file_a_case_per_object_a_failure_per_error(project: Path) -> None:
    root = _run(project)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert sorted(suites) == ["alerts/broken.yaml", "alerts/on-call.yaml"]

    on_call = suites["alerts/on-call.yaml"]
    [case] = on_call.iter("testcase")
    assert (case.get("classname"), case.get("name")) == (
        "alerts/on-call.yaml",
        "Alert/flux-system/on-call",
    )
    failures = case.findall("failure")
    assert [f.get("type") for f in failures] == ["provider-ref", "schema"]
    line, column = at(REPORT_ALERT, "eventSeverity: warn", "warn")
    assert failures[1].get("message", "").startswith(f"{line}:{column} `spec.eventSeverity`")
    assert f"alerts/on-call.yaml:{line}:{column}: error [schema]" in (failures[1].text or "")
    # the warning does not fail the case: it is in its output
    out = case.findtext("system-out") or ""
    line, column = at(REPORT_ALERT, "summary: Production", "summary")
    assert out.startswith(f"alerts/on-call.yaml:{line}:{column}: warning [deprecated-field]")
    assert (on_call.get("tests"), on_call.get("failures")) == ("1", "1")

    broken = suites["alerts/broken.yaml"]
    cases = {c.get("name"): c for c in broken.iter("testcase")}
    assert sorted(cases) == ["(file)", "Secret/b"]
    assert [f.get("type") for f in cases["(file)"].findall("failure")] == ["yaml-syntax"]
    assert cases["Secret/b"].findall("failure") == []
    assert (broken.get("tests"), broken.get("failures")) == ("2", "1")
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "2", "0")


def test_warnings_alone_fail_no_case(tmp_path: Path, schema: xmlschema.XMLSchema) -> None:
    write(tmp_path, "alert.yaml", REPORT_ALERT.replace("warn", "error").replace("slack", "x"))
    write(
        tmp_path,
        "provider.yaml",
        "apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\nmetadata:\n"
        "  name: x\n  namespace: flux-system\nspec:\n  type: generic\n"
        "  address: https://example.com/hook\n",
    )
    result = cli("validate", "--format", "junit", ".", cwd=tmp_path)
    assert result.code == 0
    schema.validate(result.stdout)
    root = ET.fromstring(result.stdout)
    assert root.get("failures") == "0"
    assert "[deprecated-field]" in "".join(root.itertext())


def test_two_objects_of_one_name_are_two_cases(tmp_path: Path) -> None:
    provider = (
        "apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\nmetadata:\n"
        "  name: x\n  namespace: flux-system\nspec:\n  type: generic\n"
        "  address: https://example.com/hook\n"
    )
    write(tmp_path, "providers.yaml", provider + "---\n" + provider)
    [suite] = _run(tmp_path, ".").iter("testsuite")
    cases = [c.get("name") for c in suite.iter("testcase")]
    assert cases == [
        "Provider/flux-system/x (document 1)",
        "Provider/flux-system/x (document 2)",
    ]
    assert all(c.find("failure") is not None for c in suite.iter("testcase"))  # duplicate-object


def test_same_bytes_in_process_and_through_the_console_script(project: Path) -> None:
    first = cli("validate", "-f", "junit", "alerts/", cwd=project).stdout
    assert console("validate", "-f", "junit", "alerts/", cwd=project).stdout == first
    assert cli("validate", "-f", "junit", "alerts/", cwd=project).stdout == first


def test_the_documented_example_is_valid(schema: xmlschema.XMLSchema) -> None:
    page = (REPO / "docs" / "output-formats.md").read_text(encoding="utf-8")
    block = re.search(r"```xml\n(.*?)```", page.split("## junit", 1)[1], re.S)
    assert block is not None
    schema.validate(block.group(1))


def test_a_finding_on_a_document_that_is_no_object_checked_is_the_files(tmp_path: Path) -> None:
    """A ConfigMap is no object checked (no test case of its own), but its duplicate key
    is still a finding: it fails the ``(file)`` case instead of being lost."""
    configmap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\ndata: {}\n"
    write(tmp_path, "mixed.yaml", configmap + "---\n" + REPORT_ALERT.lstrip("\n"))
    [suite] = _run(tmp_path, "mixed.yaml").iter("testsuite")
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert list(cases) == ["(file)", "Alert/flux-system/on-call"]
    failure = cases["(file)"].find("failure")
    assert failure is not None
    assert (failure.get("type"), failure.get("message")) == (
        "yaml-syntax",
        "5:3 duplicate key `name` in the same mapping",
    )


def test_a_finding_on_a_document_without_a_test_case_fails_the_file_case() -> None:
    """No rule reports on a kind that is not checked today; should one ever, its finding
    must fail the ``(file)`` case rather than vanish from the report."""
    from fluxnotify.model import CheckedFile, CheckedObject, Finding, ObjectRef, Report, Severity
    from fluxnotify.reporters.junit import as_element

    deployment = ObjectRef("apps/v1", "Deployment", "apps", "web")
    alert = ObjectRef("notification.toolkit.fluxcd.io/v1beta3", "Alert", "apps", "on-call")
    findings = [
        Finding("a.yaml", 3, 1, "some-rule", Severity.ERROR, "m", None, deployment, 0),
        Finding("a.yaml", 12, 1, "schema", Severity.ERROR, "n", None, alert, 1),
    ]
    checked = (CheckedFile("a.yaml", (CheckedObject(1, alert),)),)
    root = as_element(Report(findings, 1, 2, 1, {}, [], checked=checked))
    failed = {
        case.get("name"): [f.get("type") for f in case.iter("failure")]
        for case in root.iter("testcase")
    }
    assert failed == {"(file)": ["some-rule"], "Alert/apps/on-call": ["schema"]}
    assert (root.get("tests"), root.get("failures")) == ("2", "2")
