"""The files a repository is expected to have: the licence pyproject declares, and this
repository's own pre-commit configuration, run by the real pre-commit."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from validate_support import REPO, REPORT_ALERT, clean_env, write

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")


def test_the_licence_is_the_apache_2_text_pyproject_declares() -> None:
    licence = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert 'license = "Apache-2.0"' in (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert "Apache License\n" in licence
    assert "Version 2.0, January 2004" in licence
    # all nine sections of the terms, and the appendix
    for number, title in enumerate(
        (
            "Definitions",
            "Grant of Copyright License",
            "Grant of Patent License",
            "Redistribution",
            "Submission of Contributions",
            "Trademarks",
            "Disclaimer of Warranty",
            "Limitation of Liability",
            "Accepting Warranty or Additional Liability",
        ),
        start=1,
    ):
        assert f"{number}. {title}." in licence, title
    assert "END OF TERMS AND CONDITIONS" in licence
    assert "APPENDIX: How to apply the Apache License to your work." in licence


def _git(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300, check=False
    )


def test_the_configuration_names_ruff_ruff_format_and_fluxnotify() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [repo] = config["repos"]
    assert repo["repo"] == "local"
    hooks = {hook["id"]: hook for hook in repo["hooks"]}
    assert sorted(hooks) == ["fluxnotify-validate", "ruff", "ruff-format"]
    # the same hook as the one this repository publishes, pointed at the examples
    [published] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    ours = hooks["fluxnotify-validate"]
    assert ours["entry"].split()[:2] == [".venv/bin/" + published["entry"].split()[0], "validate"]
    assert ours["files"] == "^examples/"


@pytest.fixture
def checkout(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A git repository with this repository's pre-commit configuration, examples and venv."""
    if not PRE_COMMIT.is_file():
        pytest.skip("pre-commit is not installed next to this Python")
    env = clean_env(
        PRE_COMMIT_HOME=str(tmp_path / "cache"),
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.invalid",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.invalid",
        GIT_CONFIG_GLOBAL=str(tmp_path / "gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
    )
    repo = tmp_path / "fluxnotify"
    repo.mkdir()
    assert _git("init", "-q", "-b", "main", cwd=repo, env=env).returncode == 0
    shutil.copy(REPO / ".pre-commit-config.yaml", repo)
    shutil.copy(REPO / "pyproject.toml", repo)  # ruff's settings
    shutil.copytree(REPO / "examples", repo / "examples")
    (repo / ".venv").symlink_to(Path(sys.executable).parents[1])
    write(repo, "fluxnotify/hello.py", '"""Hello."""\n\nGREETING = "hello"\n')
    _git("add", ".", cwd=repo, env=env)
    installed = subprocess.run(
        [str(PRE_COMMIT), "install"], cwd=repo, capture_output=True, text=True, env=env, check=False
    )
    assert installed.returncode == 0, installed.stderr
    commit = _git("commit", "-q", "-m", "start", cwd=repo, env=env)
    assert commit.returncode == 0, commit.stdout + commit.stderr
    return repo, env


def test_the_hooks_pass_on_clean_files_and_stop_bad_ones(
    checkout: tuple[Path, dict[str, str]],
) -> None:
    repo, env = checkout
    # a broken example: fluxnotify's hook stops the commit and says why
    write(repo, "examples/broken/alert.yaml", REPORT_ALERT)
    _git("add", ".", cwd=repo, env=env)
    bad = _git("commit", "-m", "add an example", cwd=repo, env=env)
    assert bad.returncode != 0
    output = bad.stdout + bad.stderr
    assert "fluxnotify validate examples/" in output
    assert "[schema]" in output
    shutil.rmtree(repo / "examples" / "broken")

    # unformatted Python with an unused import: ruff and ruff-format stop it
    write(repo, "fluxnotify/hello.py", '"""Hello."""\nimport os\nGREETING   =  "hello"\n')
    _git("add", "-A", cwd=repo, env=env)
    bad = _git("commit", "-m", "edit", cwd=repo, env=env)
    assert bad.returncode != 0
    output = bad.stdout + bad.stderr
    assert "F401" in output  # ruff check: `os` imported but unused
    assert "files were modified by this hook" in output  # ruff format rewrote it

    write(repo, "fluxnotify/hello.py", '"""Hello."""\n\nGREETING = "hello, world"\n')
    _git("add", "-A", cwd=repo, env=env)
    good = _git("commit", "-m", "edit", cwd=repo, env=env)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout + good.stderr
