"""A small project with known findings, rendered by each reporter."""

from __future__ import annotations

from pathlib import Path

import pytest
from validate_support import REPORT_ALERT, REPORT_BROKEN, write


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """``alerts/on-call.yaml`` (a schema error at 9:18, a deprecated field at 10:3) and
    ``alerts/broken.yaml`` (a duplicate key at 5:3); its ``.fluxnotify.yaml`` makes the
    folder the project root (it is not in git)."""
    write(tmp_path, ".fluxnotify.yaml", "# the project root\n")
    write(tmp_path, "alerts/on-call.yaml", REPORT_ALERT)
    write(tmp_path, "alerts/broken.yaml", REPORT_BROKEN)
    return tmp_path
