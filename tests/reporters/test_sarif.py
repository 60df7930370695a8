"""SARIF 2.1.0 output: valid against the OASIS schema, with every finding at its position."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker
from validate_support import cli

from fluxnotify import __version__
from fluxnotify.rules import RULES


def _run(project: Path) -> dict[str, Any]:
    result = cli("validate", "--format", "sarif", "alerts/", cwd=project)
    assert result.code == 1
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.needs_shared
def test_output_is_valid_sarif(project: Path, shared: Path) -> None:
    schema = json.loads((shared / "reference" / "sarif" / "sarif-schema-2.1.0.json").read_text())
    checker = FormatChecker()
    # without a URI library FormatChecker would pass any string as a `uri`
    assert "uri" in checker.checkers
    assert not checker.conforms("docs/rules/schema.md", "uri")
    validator = Draft4Validator(schema, format_checker=checker)
    errors = [e.message for e in validator.iter_errors(_run(project))]
    assert errors == []


def test_results_carry_rule_level_and_position(project: Path) -> None:
    json_findings = json.loads(cli("validate", "-f", "json", "alerts/", cwd=project).stdout)
    [run] = _run(project)["runs"]
    results = run["results"]
    assert len(results) == len(json_findings["findings"]) > 0
    levels = {"error": "error", "warning": "warning", "info": "note"}
    rules = run["tool"]["driver"]["rules"]
    for result, finding in zip(results, json_findings["findings"], strict=True):
        assert result["ruleId"] == finding["rule"]
        assert rules[result["ruleIndex"]]["id"] == finding["rule"]
        assert result["level"] == levels[finding["severity"]]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == finding["path"]
        assert location["region"] == {
            "startLine": finding["line"],
            "startColumn": finding["column"],
        }
        assert result["message"]["text"].startswith(finding["message"])


def test_every_rule_is_described(project: Path) -> None:
    [run] = _run(project)["runs"]
    described = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert set(described) == set(RULES)
    for rule_id, rule in RULES.items():
        assert described[rule_id]["shortDescription"]["text"] == rule.SUMMARY
        assert described[rule_id]["helpUri"] == (
            f"https://github.com/fluxnotify/fluxnotify/blob/v{__version__}/docs/rules/{rule_id}.md"
        )
