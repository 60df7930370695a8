"""GitLab Code Quality: the fields GitLab reads, repository-relative paths, and a fingerprint
per finding that is stable across runs and checkouts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from validate_support import REPORT_ALERT, at, cli, console

KEYS = {"description", "check_name", "fingerprint", "severity", "location"}


def _run(project: Path, *paths: str, cwd: Path | None = None) -> list[dict[str, Any]]:
    result = cli("validate", "--format", "gitlab", *(paths or ("alerts/",)), cwd=cwd or project)
    assert result.code == 1
    assert result.stderr == ""
    issues: list[dict[str, Any]] = json.loads(result.stdout)
    return issues


def test_each_finding_is_an_issue_with_the_fields_gitlab_reads(project: Path) -> None:
    issues = _run(project)
    findings = json.loads(cli("validate", "-f", "json", "alerts/", cwd=project).stdout)["findings"]
    assert len(issues) == len(findings) > 0
    severities = {"error": "major", "warning": "minor", "info": "info"}
    for issue, finding in zip(issues, findings, strict=True):
        assert set(issue) == KEYS
        assert issue["check_name"] == finding["rule"]
        assert issue["description"].startswith(finding["message"])
        assert issue["severity"] == severities[finding["severity"]]
        assert issue["location"] == {"path": finding["path"], "lines": {"begin": finding["line"]}}
    schema = next(i for i in issues if i["check_name"] == "schema")
    assert schema["location"]["lines"]["begin"] == at(REPORT_ALERT, "eventSeverity: warn")[0]


def test_fingerprints_are_unique_and_stable_across_runs(project: Path) -> None:
    first = _run(project)
    prints = [i["fingerprint"] for i in first]
    assert len(set(prints)) == len(prints)
    assert all(len(p) == 64 and int(p, 16) >= 0 for p in prints)
    assert [i["fingerprint"] for i in _run(project)] == prints
    script = console("validate", "-f", "gitlab", "alerts/", cwd=project)
    assert [i["fingerprint"] for i in json.loads(script.stdout)] == prints


def test_paths_and_fingerprints_do_not_depend_on_where_the_checkout_is(
    project: Path, tmp_path_factory: Any
) -> None:
    (project / ".git").mkdir()
    elsewhere = tmp_path_factory.mktemp("other") / "checkout"
    shutil.copytree(project, elsewhere)
    here = _run(project)
    # another folder, run with an absolute path from outside the checkout
    there = _run(elsewhere, str(elsewhere / "alerts"), cwd=elsewhere.parent)
    assert [i["location"] for i in there] == [i["location"] for i in here]
    assert [i["fingerprint"] for i in there] == [i["fingerprint"] for i in here]
    assert all(not i["location"]["path"].startswith("/") for i in there)


def test_a_fingerprint_survives_lines_added_above(project: Path) -> None:
    before = {
        i["check_name"]: i for i in _run(project) if i["location"]["path"].endswith("call.yaml")
    }
    path = project / "alerts" / "on-call.yaml"
    path.write_text("# Alerts of the on-call team.\n" + path.read_text(encoding="utf-8"))
    after = {
        i["check_name"]: i for i in _run(project) if i["location"]["path"].endswith("call.yaml")
    }
    assert after["schema"]["location"]["lines"]["begin"] == (
        before["schema"]["location"]["lines"]["begin"] + 1
    )
    assert {k: v["fingerprint"] for k, v in after.items()} == {
        k: v["fingerprint"] for k, v in before.items()
    }
