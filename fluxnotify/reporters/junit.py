"""JUnit XML, the test report Jenkins, Azure DevOps, GitLab, Buildkite and CircleCI show.

One ``<testsuite>`` per checked file and one ``<testcase>`` per object in it, so a CI
lists each Provider, Alert and Secret as a test. Each error finding is a ``<failure>``
of its object's test case. Warnings and info findings do not fail a test case (JUnit
has no lower level): they are lines of its ``<system-out>``, shown with the test.
Findings about the file rather than one checked object (YAML syntax, suppression
comments, a duplicate key in a ConfigMap) belong to a test case named ``(file)``.
Checked against tests/reporters/junit.xsd.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter

from fluxnotify.model import CheckedFile, Finding, Report, Severity

FILE_CASE = "(file)"


def _line(f: Finding) -> str:
    hint = f"\n    hint: {f.hint}" if f.hint else ""
    return f"{f.path}:{f.line}:{f.column}: {f.severity.value} [{f.rule}] {f.message}{hint}"


def _cases(checked: CheckedFile, findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """(test case name, its findings) for each object of the file, and for the file itself."""
    names = Counter(str(obj.ref) for obj in checked.objects)
    objects = {obj.document for obj in checked.objects}
    by_document: dict[int | None, list[Finding]] = {}
    for f in findings:  # a finding on a document that is no checked object is the file's
        by_document.setdefault(f.document if f.document in objects else None, []).append(f)
    cases = []
    if None in by_document or not checked.objects:
        cases.append((FILE_CASE, by_document.get(None, [])))
    for obj in checked.objects:
        name = str(obj.ref)
        if names[name] > 1:  # two objects of one name: say which document
            name += f" (document {obj.document + 1})"
        cases.append((name, by_document.get(obj.document, [])))
    return cases


def as_element(report: Report) -> ET.Element:
    per_file: dict[str, list[Finding]] = {}
    for f in report.findings:
        per_file.setdefault(f.path, []).append(f)
    notes = dict(report.notes)
    root = ET.Element("testsuites", name="fluxnotify validate")
    total = failed = 0
    for checked in report.checked:
        suite = ET.SubElement(root, "testsuite", name=checked.path)
        suite_failed = 0
        cases = _cases(checked, per_file.get(checked.path, []))
        for name, findings in cases:
            case = ET.SubElement(suite, "testcase", classname=checked.path, name=name)
            errors = [f for f in findings if f.severity is Severity.ERROR]
            for f in errors:
                failure = ET.SubElement(
                    case, "failure", message=f"{f.line}:{f.column} {f.message}", type=f.rule
                )
                failure.text = _line(f)
            others = [f for f in findings if f.severity is not Severity.ERROR]
            if others:
                ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in others)
            suite_failed += bool(errors)
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(suite_failed))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        if checked.path in notes:
            ET.SubElement(suite, "system-out").text = f"note: {notes[checked.path]}"
        total += len(cases)
        failed += suite_failed
    root.set("tests", str(total))
    root.set("failures", str(failed))
    root.set("errors", "0")
    return root


def render(report: Report) -> str:
    root = as_element(report)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
