"""Helpers for the validate tests: write manifests, run the engine, the CLI and the console script.

Every run gets an explicit project root (a temporary folder), so that no test
reads the checkout it runs in.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from fluxnotify.engine import Options
from fluxnotify.engine import validate as run_engine
from fluxnotify.model import Finding, Report

REPO = Path(__file__).resolve().parents[1]
#: ../shared, as tests/conftest.py finds it
SHARED = Path(os.environ.get("FLUXNOTIFY_SHARED", REPO.parent / "shared"))
#: The console script installed next to the interpreter running the tests.
CONSOLE_SCRIPT = Path(sys.executable).with_name("fluxnotify")
#: The rules of validate part 1, whose findings these tests pin down exactly.
BASE_RULES = ("yaml-syntax", "schema", "unknown-field", "api-version", "deprecated-field")


def write(directory: Path, name: str, text: str) -> Path:
    """Write ``text`` (dedented) to ``directory/name``, creating folders."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def at(text: str, line_text: str, token: str | None = None) -> tuple[int, int]:
    """1-based (line, column) of ``token`` on the only line of ``text`` containing ``line_text``.

    Without ``token`` the column is that of ``line_text`` itself. This states where a
    finding must point in terms of the input, so positions are not copied from output.
    """
    lines = textwrap.dedent(text).lstrip("\n").splitlines()
    matches = [i for i, line in enumerate(lines) if line_text in line]
    if len(matches) > 1:  # prefer the line that is exactly the text
        matches = [i for i in matches if lines[i].strip() == line_text.strip()]
    assert len(matches) == 1, f"{line_text!r} is on {len(matches)} lines of the manifest"
    line = lines[matches[0]]
    column = line.index(token if token is not None else line_text, line.index(line_text))
    return matches[0] + 1, column + 1


def validate(
    root: Path,
    *paths: str | Path,
    flux_version: str | None = None,
    disable: tuple[str, ...] = (),
) -> Report:
    """Run the engine on ``paths`` (default: the whole root) with ``root`` as the project."""
    targets = tuple(str(p) for p in paths) or (str(root),)
    return run_engine(Options(paths=targets, root=root, flux_version=flux_version, disable=disable))


def lint(
    tmp_path: Path, text: str, *, flux_version: str | None = None, name: str = "manifest.yaml"
) -> list[Finding]:
    """Findings of the part-1 rules for one manifest written to ``tmp_path``."""
    path = write(tmp_path, name, text)
    report = validate(tmp_path, path, flux_version=flux_version)
    return [f for f in report.findings if f.rule in BASE_RULES]


def of_rule(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def positions(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return [(f.rule, f.line, f.column) for f in findings]


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def cli(*args: str | Path, cwd: Path) -> Result:
    """Run ``fluxnotify ARGS`` in-process (``fluxnotify.__main__.main``) from ``cwd``."""
    from fluxnotify.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(a) for a in args])
    finally:
        os.chdir(old)
    return Result(code, out.getvalue(), err.getvalue())


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GITHUB_ACTIONS", "FLUXNOTIFY_DEBUG") and not k.startswith("PYTEST_")
    }
    env.update(extra)
    return env


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` with a committer set and no user or system configuration;
    its standard output."""
    env = clean_env(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    return subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def console(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> Result:
    """Run the installed ``fluxnotify`` console script in a subprocess."""
    proc = subprocess.run(
        [str(CONSOLE_SCRIPT), *(str(a) for a in args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env if env is not None else clean_env(),
        timeout=300,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


ALERT = """
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: on-call
  namespace: flux-system
spec:
  providerRef:
    name: slack
  eventSeverity: error
  eventSources:
    - kind: Kustomization
      name: "*"
"""

PROVIDER = """
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: slack
  namespace: flux-system
spec:
  type: slack
  secretRef:
    name: slack-webhook
"""


#: The reporters' project: a schema error and a deprecated field in one file.
REPORT_ALERT = """
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: on-call
  namespace: flux-system
spec:
  providerRef:
    name: slack
  eventSeverity: warn
  summary: Production
  eventSources:
    - kind: Kustomization
      name: "*"
"""
#: ... and a duplicate key in another.
REPORT_BROKEN = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n  name: b\n"
