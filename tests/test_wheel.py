"""The wheel carries the schemas and the rule pages: build it, install it into a fresh
virtual environment, and validate a manifest from outside the source tree."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from validate_support import REPO, clean_env, write

BAD_ALERT = """
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: on-call
spec:
  providerRef:
    name: slack
  eventSeverity: warn
  eventSources:
    - kind: Kustomization
      name: "*"
"""


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = _run(sys.executable, "-m", "build", "--wheel", "--outdir", out, REPO, cwd=out)
    assert built.returncode == 0, built.stdout + built.stderr
    (path,) = out.glob("fluxnotify-*.whl")
    return path


@pytest.mark.slow
def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    schemas = {p.name for p in (REPO / "schemas").glob("*.json")}
    assert schemas
    assert {f"fluxnotify/schemas/{name}" for name in schemas} <= names
    pages = {p.name for p in (REPO / "docs" / "rules").glob("*.md")}
    assert {f"fluxnotify/docs/rules/{name}" for name in pages} <= names
    assert "fluxnotify/docs/test-send.md" in names  # test-send's advice table
    assert not any(name.startswith(("tests/", "examples/", "bench/")) for name in names)


@pytest.mark.slow
def test_installed_wheel_validates_outside_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    installed = _run(bin_dir / "python", "-m", "pip", "install", "-q", wheel, cwd=tmp_path)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    work = tmp_path / "elsewhere"
    write(work, "alert.yaml", BAD_ALERT)
    where = _run(
        bin_dir / "python", "-c", "import fluxnotify; print(fluxnotify.__file__)", cwd=work
    )
    assert str(env_dir) in where.stdout, where.stdout + where.stderr

    result = _run(bin_dir / "fluxnotify", "validate", "-f", "parsable", "alert.yaml", cwd=work)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "alert.yaml:8:18: error [schema] `spec.eventSeverity` is 'warn'" in result.stdout

    page = _run(bin_dir / "fluxnotify", "rules", "schema", cwd=work)
    assert page.returncode == 0, page.stderr
    assert page.stdout == (REPO / "docs" / "rules" / "schema.md").read_text(encoding="utf-8")
