"""The pre-commit hook, run by the real pre-commit in a scratch git repository:
a commit with a bad Alert fails and shows the finding; the fixed Alert commits."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from validate_support import REPO, clean_env, write

BAD = """
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: on-call
  namespace: flux-system
spec:
  providerRef:
    name: slack
  channel: "#alerts"
  eventSeverity: error
  eventSources:
    - kind: Kustomization
      name: "*"
"""
FIXED = BAD.replace('  channel: "#alerts"\n', "")
PROVIDER = """
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: slack
  namespace: flux-system
spec:
  type: slack
  address: https://slack.com/api/chat.postMessage
  channel: alerts
  secretRef:
    name: slack-bot-token
"""


def _git(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=900, check=False
    )


@pytest.mark.slow
def test_hook_blocks_a_bad_alert_and_passes_the_fix(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit") or str(Path(REPO / ".venv/bin/pre-commit"))
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    env = clean_env(
        PRE_COMMIT_HOME=str(tmp_path / "cache"),
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.invalid",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.invalid",
        GIT_CONFIG_GLOBAL=str(tmp_path / "gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
    )
    repo = tmp_path / "gitops"
    repo.mkdir()
    assert _git("init", "-q", "-b", "main", cwd=repo, env=env).returncode == 0
    config = {"repos": [{"repo": str(REPO), "rev": head, "hooks": [{"id": "fluxnotify-validate"}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    installed = subprocess.run(
        [pre_commit, "install"], cwd=repo, capture_output=True, text=True, env=env, check=False
    )
    assert installed.returncode == 0, installed.stderr

    write(repo, "clusters/prod/provider.yaml", PROVIDER)
    write(repo, "clusters/prod/alert.yaml", BAD)
    _git("add", ".", cwd=repo, env=env)
    bad = _git("commit", "-m", "add an alert", cwd=repo, env=env)
    output = bad.stdout + bad.stderr
    assert bad.returncode != 0, output
    assert "fluxnotify validate" in output
    assert "clusters/prod/alert.yaml" in output
    assert "unknown field `spec.channel`" in output
    assert "[unknown-field]" in output
    assert _git("rev-parse", "HEAD", cwd=repo, env=env).returncode != 0  # nothing committed

    write(repo, "clusters/prod/alert.yaml", FIXED)
    _git("add", ".", cwd=repo, env=env)
    good = _git("commit", "-m", "add an alert", cwd=repo, env=env)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "fluxnotify validate" in good.stdout + good.stderr
