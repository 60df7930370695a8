"""The "Next:" commands init prints run as printed, in a shell, and succeed.

sops and git are left out (no key, no repository to commit to); kubectl has no cluster
here, so a stand-in on PATH records what it was given: the values must arrive on
standard input, never on its command line. test-send goes to a local server that
answers as Slack does, with the address from FLUXNOTIFY_ADDRESS as a user would give it
before the Secret is filled in.
"""

from __future__ import annotations

import base64
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from init_support import FLUXNOTIFY, clean_env
from pytest_httpserver import HTTPServer

HOOK_PATH = "/services/T0NEXTSTP/B0NEXTSTP/s3cr3tNextStepsPart"
SKIPPED = ("sops ", "git ", "Save the stream", "Edit secret.yaml")

KUBECTL_STANDIN = """#!/bin/sh
printf '%s\\n' "$@" > "$KUBECTL_ARGS"
cat > "$KUBECTL_STDIN"
"""


def next_steps(output: str) -> list[str]:
    lines = output.splitlines()
    return [line.strip() for line in lines[lines.index("Next:") + 1 :] if line.strip()]


def run_step(step: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", step],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def shell_env(tmp_path: Path, httpserver: HTTPServer) -> dict[str, str]:
    httpserver.expect_request(HOOK_PATH, method="POST").respond_with_data("ok")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    kubectl = bin_dir / "kubectl"
    kubectl.write_text(KUBECTL_STANDIN)
    kubectl.chmod(0o755)
    return clean_env(
        PATH=f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        FLUXNOTIFY_ADDRESS=httpserver.url_for(HOOK_PATH),
        NO_PROXY="127.0.0.1,localhost",
        KUBECTL_ARGS=str(tmp_path / "kubectl.args"),
        KUBECTL_STDIN=str(tmp_path / "kubectl.stdin"),
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--channel", "flux-alerts", "--output-dir", "notifications"],
        ["--channel", "flux-alerts", "--output-dir", "notifications", "--flux-version", "2.1"],
        ["--type", "generic", "--flux-version", "v2.4.2", "--output-dir", "out"],
        ["--channel", "C0123ABCD", "--secret-mode", "external", "--output-dir", "notifications"],
        ["--channel", "ops", "--secret-mode", "none", "--output-dir", "n", "--flux-version", "2.2"],
        ["--channel", "flux-alerts", "--stdout"],
        ["--stdout", "--flux-version", "2.0", "--type", "msteams"],
    ],
    ids=["sops", "sops-2.1", "generic-2.4", "external", "none-2.2", "stdout", "stdout-2.0"],
)
def test_every_next_command_runs_as_printed(
    tmp_path: Path, httpserver: HTTPServer, shell_env: dict[str, str], args: list[str]
) -> None:
    work = tmp_path / "repo"
    work.mkdir()
    init = subprocess.run(
        [FLUXNOTIFY, "init", "--event-severity", "info", *args],
        cwd=work,
        env=shell_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    summary = init.stderr if "--stdout" in args else init.stdout
    if "--stdout" in args:
        (work / "notifications.yaml").write_text(init.stdout)
    steps = next_steps(summary)
    ran = []
    for step in steps:
        if step.startswith(SKIPPED):
            continue
        result = run_step(step, work, shell_env)
        assert result.returncode == 0, f"{step}\n{result.stdout}\n{result.stderr}"
        assert HOOK_PATH.rsplit("/", 1)[1] not in result.stdout + result.stderr
        ran.append(shlex.split(step.split("|")[-1])[0])
    assert "fluxnotify" in ran
    version = args[args.index("--flux-version") + 1] if "--flux-version" in args else None
    for step in steps:
        if step.startswith("fluxnotify "):
            assert (f"--flux-version {version}" in step) is (version is not None), step
    sent = [entry[0] for entry in httpserver.log]
    assert len(sent) == sum(step.startswith("fluxnotify test-send") for step in steps) >= 1
    if "none" in args:
        kubectl_args = Path(shell_env["KUBECTL_ARGS"]).read_text()
        assert "--from-env-file=/dev/stdin" in kubectl_args
        assert "s3cr3tNextStepsPart" not in kubectl_args
        assert Path(shell_env["KUBECTL_STDIN"]).read_text() == (
            f"address={shell_env['FLUXNOTIFY_ADDRESS']}\n"
        )


def test_the_printed_kubectl_command_makes_the_secret_with_real_kubectl(
    tmp_path: Path, shell_env: dict[str, str]
) -> None:
    """The same line, run by kubectl itself without a cluster (--dry-run=client)."""
    kubectl = "/usr/bin/kubectl"
    if not Path(kubectl).is_file():
        pytest.skip("kubectl is not installed")
    init = subprocess.run(
        [FLUXNOTIFY, "init", "--secret-mode", "none", "--channel", "c", "--output-dir", "o"],
        cwd=tmp_path,
        env=shell_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    step = next(s for s in next_steps(init.stdout) if "kubectl create secret" in s)
    step = step.replace("| kubectl", f"| {kubectl}") + " --dry-run=client -o jsonpath='{.data}'"
    result = run_step(step, tmp_path, {**shell_env, "KUBECONFIG": "/dev/null"})
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert base64.b64decode(data["address"]).decode() == shell_env["FLUXNOTIFY_ADDRESS"]
