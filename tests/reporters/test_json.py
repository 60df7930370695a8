"""The JSON document: the documented contract (docs/output-formats.md), version 1."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from validate_support import REPO, at, cli, console
from validate_support import REPORT_ALERT as ALERT
from validate_support import REPORT_BROKEN as BROKEN

FINDING_KEYS = {"rule", "severity", "path", "line", "column", "object", "message", "hint"}


def _documented() -> dict[str, Any]:
    page = (REPO / "docs" / "output-formats.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", page, re.S)
    assert block is not None
    documented: dict[str, Any] = json.loads(block.group(1))
    return documented


def _run(project: Path) -> dict[str, Any]:
    result = cli("validate", "--format", "json", "alerts/", cwd=project)
    assert result.code == 1
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_keys_match_the_documented_contract(project: Path) -> None:
    data = _run(project)
    documented = _documented()
    assert set(data) == set(documented) == {"version", "findings", "summary"}
    assert data["version"] == documented["version"] == 1
    assert set(data["summary"]) == set(documented["summary"])
    assert set(documented["findings"][0]) == FINDING_KEYS
    assert set(documented["findings"][0]["object"]) == {"apiVersion", "kind", "namespace", "name"}
    for finding in data["findings"]:
        assert set(finding) == FINDING_KEYS
        if finding["object"] is not None:
            assert set(finding["object"]) == set(documented["findings"][0]["object"])


def test_positions_paths_order_and_summary(project: Path) -> None:
    data = _run(project)
    ours = [
        f for f in data["findings"] if f["rule"] in ("schema", "deprecated-field", "yaml-syntax")
    ]
    assert [(f["path"], f["line"], f["column"], f["rule"], f["severity"]) for f in ours] == [
        ("alerts/broken.yaml", *at(BROKEN, "name: b"), "yaml-syntax", "error"),
        ("alerts/on-call.yaml", *at(ALERT, "eventSeverity: warn", "warn"), "schema", "error"),
        ("alerts/on-call.yaml", *at(ALERT, "summary:"), "deprecated-field", "warning"),
    ]
    keys = [(f["path"], f["line"], f["column"]) for f in data["findings"]]
    assert keys == sorted(keys)
    assert ours[0]["object"] is None
    assert ours[1]["object"] == {
        "apiVersion": "notification.toolkit.fluxcd.io/v1beta3",
        "kind": "Alert",
        "namespace": "flux-system",
        "name": "on-call",
    }
    assert ours[1]["hint"] is not None
    summary = data["summary"]
    assert summary["files"] == 2
    assert summary["objects"] == 2
    assert summary["errors"] == sum(f["severity"] == "error" for f in data["findings"])
    assert summary["warnings"] == sum(f["severity"] == "warning" for f in data["findings"])


def test_paths_as_given(project: Path) -> None:
    by_file = cli("validate", "-f", "json", "./alerts/on-call.yaml", cwd=project)
    assert {f["path"] for f in json.loads(by_file.stdout)["findings"]} == {"./alerts/on-call.yaml"}
    absolute = str(project / "alerts")
    by_dir = cli("validate", "-f", "json", absolute, cwd=project)
    assert {f["path"] for f in json.loads(by_dir.stdout)["findings"]} == {
        absolute + "/broken.yaml",
        absolute + "/on-call.yaml",
    }


def test_clean_run_is_valid_json_with_no_findings(tmp_path: Path) -> None:
    (tmp_path / "values.yaml").write_text("replicas: 2\n")
    result = console("validate", "-f", "json", "values.yaml", cwd=tmp_path)
    assert result.code == 0
    data = json.loads(result.stdout)
    assert data["findings"] == []
    assert data["summary"]["errors"] == 0
