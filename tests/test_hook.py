"""The pre-commit hook, run by the real pre-commit in a scratch git repository:
a commit with a bad Alert fails and shows the finding; the fixed Alert commits."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from validate_support import CONSOLE_SCRIPT, REPO, clean_env, console, write

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


#: the shared corpus repositories (../shared/corpus), each made a scratch git repository
CORPUS = (
    "GiorgioAresu__homelab-gitops",
    "billimek__k8s-gitops",
    "bjw-s-labs__home-ops",
    "fluxcd-community__helm-charts",
    "fluxcd__flux2-kustomize-helm-example",
    "fluxcd__flux2-multi-tenancy",
    "haraldkoch__kochhaus-home",
    "kashalls__home-cluster",
    "onedr0p__home-ops",
    "rxbn__k8s-gitops",
    "toboshii__home-ops",
    "xunholy__k8s-gitops",
)
#: ``path:line:column: severity [rule] message`` of --format parsable
_PARSABLE = re.compile(r"^(?P<where>.+?:\d+:\d+): (?P<severity>error|warning|info) ")


def _local_hook_config(directory: Path) -> Path:
    """This repository's hook (.pre-commit-hooks.yaml) as a `repo: local` hook that runs the
    console script of this checkout, so that pre-commit builds no environment of its own."""
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    entry = hook["entry"].split()
    assert entry[0] == "fluxnotify"
    local = {
        **hook,
        "entry": " ".join([str(CONSOLE_SCRIPT), *entry[1:]]),
        "language": "unsupported",
        # one line per finding, to compare with `validate .`; the hook's own options are kept
        "args": [*hook.get("args", []), "--format", "parsable"],
    }
    config = directory / "pre-commit-config.yaml"
    config.write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}))
    return config


def _errors(output: str) -> list[str]:
    return sorted(
        line
        for line in output.splitlines()
        if (m := _PARSABLE.match(line)) and m.group("severity") == "error"
    )


@pytest.mark.needs_shared
@pytest.mark.parametrize("name", CORPUS)
def test_pre_commit_on_a_corpus_repository_fails_exactly_where_validate_does(
    shared: Path, tmp_path: Path, name: str
) -> None:
    """pre-commit hands every YAML file over by name (mkdocs.yml with `!!python/name`,
    recyclarr.yml with `!env_var` among them): the hook must give the errors, and only
    the errors, that `fluxnotify validate .` gives on the whole repository."""
    pre_commit = shutil.which("pre-commit") or str(Path(REPO / ".venv/bin/pre-commit"))
    env = clean_env(
        PRE_COMMIT_HOME=str(tmp_path / "cache"),
        GIT_CONFIG_GLOBAL=str(tmp_path / "gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
    )
    repo = tmp_path / name
    shutil.copytree(shared / "corpus" / name, repo, symlinks=True)
    assert _git("init", "-q", cwd=repo, env=env).returncode == 0
    assert _git("add", "-A", cwd=repo, env=env).returncode == 0
    config = _local_hook_config(tmp_path)

    hook = subprocess.run(
        [pre_commit, "run", "--all-files", "--config", str(config)],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    whole = console("validate", "--format", "parsable", ".", cwd=repo, env=env)
    assert whole.code in (0, 1), whole.stderr
    assert "Traceback" not in hook.stdout + hook.stderr
    assert _errors(hook.stdout) == _errors(whole.stdout), hook.stdout
    assert (hook.returncode == 0) == (whole.code == 0), hook.stdout
