"""scripts/regenerate.py: one command runs both generation stages (CRDs -> schemas ->
validators), and --check tells whether the committed files are what they produce."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from validate_support import REPO

SCRIPT = REPO / "scripts" / "regenerate.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("regenerate", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.needs_shared
def test_both_stages_reproduce_the_committed_files(shared: Path, tmp_path: Path) -> None:
    regenerate = _load()
    schemas, validators = tmp_path / "schemas", tmp_path / "validators"
    assert regenerate.regenerate(shared / "flux-crds", schemas, validators) == 0
    assert regenerate._differences(schemas, regenerate.SCHEMAS, "*") == []
    assert regenerate._differences(validators, regenerate.VALIDATORS, "v_*.py") == []
    assert len(list(validators.glob("v_*.py"))) == len(list(schemas.glob("*.json"))) > 10

    # a hand edit, a stale validator and a missing schema are each named
    shutil.copytree(REPO / "schemas", tmp_path / "committed")
    edited = tmp_path / "committed" / "core_v1_Secret.json"
    edited.write_text(edited.read_text() + " ")
    (tmp_path / "committed" / "notification.toolkit.fluxcd.io_v1_Receiver.json").unlink()
    differences = regenerate._differences(schemas, tmp_path / "committed", "*")
    assert differences == [
        "core_v1_Secret.json",
        "notification.toolkit.fluxcd.io_v1_Receiver.json",
    ]


@pytest.mark.needs_shared
def test_check_through_the_command_line(shared: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--crds", str(shared / "flux-crds"), "--check"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
