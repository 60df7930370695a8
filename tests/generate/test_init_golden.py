"""Golden files: what init writes, byte for byte, for the four set-ups people ask for most.

Regenerate after an intended change with ``FLUXNOTIFY_UPDATE_GOLDEN=1 pytest tests/generate``
and review the diff.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from init_support import invoke, tree, validate

GOLDEN = Path(__file__).with_name("golden")
UPDATE = os.environ.get("FLUXNOTIFY_UPDATE_GOLDEN") == "1"

CASES: dict[str, list[str]] = {
    "slack-webhook": [],
    "slack-bot-token": [
        "--slack-token-mode",
        "--name",
        "slack-bot",
        "--channel",
        "#flux-alerts",
        "--metadata",
        "cluster=prod-eu",
    ],
    "two-route": [
        "--route",
        "error=#devops-alerts",
        "--route",
        "info=#gitops-updates",
        "--metadata",
        "cluster=prod-eu",
        "--exclude",
        "^Dependencies do not meet ready condition",
    ],
    "external-secret": [
        "--type",
        "msteams",
        "--secret-mode",
        "external",
        "--event-severity",
        "info",
        "--event-source",
        "Kustomization/*.prod",
        "--event-source",
        "HelmRelease/*",
    ],
}


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(["init", "--output-dir", case, *CASES[case]])
    assert result.exit_code == 0, result.output
    expected_output = GOLDEN / f"{case}.out.txt"
    if UPDATE:
        shutil.rmtree(GOLDEN / case, ignore_errors=True)
        shutil.copytree(tmp_path / case, GOLDEN / case)
        expected_output.write_text(result.stdout)
    assert tree(tmp_path / case) == tree(GOLDEN / case)
    assert result.stdout == expected_output.read_text()


@pytest.mark.parametrize("case", CASES)
def test_golden_files_pass_validate(case: str) -> None:
    report = validate(["."], GOLDEN / case, "2.9")
    assert report["findings"] == []
    assert report["summary"]["objects"] >= 3
