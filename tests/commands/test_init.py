"""`fluxnotify init` as a command: in-process with CliRunner, and as the console script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from fluxnotify.cli import build_app
from fluxnotify.errors import UsageError

FLUXNOTIFY = str(Path(sys.executable).with_name("fluxnotify"))
WEBHOOK = "https://hooks.slack.com/services/T0CMDTEST/B0CMDTEST/s3cr3tCmdWebhookPart"
SECRET_PARTS = ("T0CMDTEST", "B0CMDTEST", "s3cr3tCmdWebhookPart")
CREDENTIAL_VARIABLES = ("FLUXNOTIFY_ADDRESS", "FLUXNOTIFY_TOKEN")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(build_app(), ["init", *args], env=env)


def script(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FLUXNOTIFY, "init", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def all_text(folder: Path) -> str:
    return "".join(p.read_text() for p in folder.rglob("*") if p.is_file())


def test_help_lists_every_flag() -> None:
    result = CliRunner().invoke(build_app(), ["init", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for flag in (
        "--type", "--name", "--namespace", "--channel", "--username", "--event-severity",
        "--event-source", "--exclude", "--include", "--metadata", "--flux-version",
        "--secret-name", "--route", "--secret-mode", "--slack-token-mode", "--output-dir",
        "--stdout", "--force",
    ):  # fmt: skip
        assert flag in result.stdout


def test_default_run_writes_the_set_and_says_what_next(tmp_path: Path) -> None:
    result = invoke()
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "alert.yaml",
        "kustomization.yaml",
        "provider.yaml",
        "secret.yaml",
    ]
    for words in (
        "secret.yaml         written    Secret slack-webhook",
        "kustomization.yaml  created    lists secret.yaml, provider.yaml, alert.yaml",
        "sops --encrypt --in-place secret.yaml",
        "git add . && git commit",
        "fluxnotify validate .",
        "fluxnotify test-send --provider slack --namespace flux-system",
        "No .sops.yaml covers secret.yaml",
    ):
        assert words in result.stdout


def test_stdout_prints_one_stream_and_the_rest_on_stderr(tmp_path: Path) -> None:
    result = invoke("--stdout", "--namespace", "monitoring", "--event-source", "Kustomization/*")
    assert result.exit_code == 0
    docs = list(yaml.safe_load_all(result.stdout))
    assert [d["kind"] for d in docs] == ["Secret", "Provider", "Alert"]
    assert {d["metadata"]["namespace"] for d in docs} == {"monitoring"}
    assert "Save the stream to a file" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_sops_config_that_covers_the_folder(tmp_path: Path) -> None:
    (tmp_path / ".sops.yaml").write_text(
        "creation_rules:\n  - path_regex: clusters/.*\\.yaml$\n    age: age1xyz\n"
    )
    covered = invoke("--output-dir", "clusters/prod")
    assert covered.exit_code == 0
    assert "No .sops.yaml" not in covered.stdout
    assert "sops --encrypt --in-place clusters/prod/secret.yaml" in covered.stdout
    elsewhere = invoke("--output-dir", "apps")
    assert "No .sops.yaml covers apps/secret.yaml" in elsewhere.stdout
    assert "path_regex: apps/.*\\.ya?ml$" in elsewhere.stdout


def test_routes_say_that_errors_reach_both_channels() -> None:
    result = invoke(
        "--stdout", "--route", "error=#devops-alerts", "--route", "info=#gitops-updates"
    )
    assert result.exit_code == 0
    assert (
        "An info Alert also receives errors (Flux has no info-only level), so errors reach"
        " #devops-alerts and #gitops-updates." in result.stderr
    )
    assert "Routing by channel uses a Slack bot token" in result.stderr


def test_secret_mode_none_never_shows_the_address(tmp_path: Path) -> None:
    result = invoke("--secret-mode", "none", env={"FLUXNOTIFY_ADDRESS": WEBHOOK})
    assert result.exit_code == 0, result.output
    assert "FLUXNOTIFY_ADDRESS checked: https://hooks.slack.com/... (not shown in full)" in (
        result.stdout
    )
    assert (
        """printf 'address=%s\\n' "$FLUXNOTIFY_ADDRESS" | kubectl create secret generic"""
        " slack-webhook --namespace flux-system --from-env-file=/dev/stdin" in result.stdout
    )
    assert not (tmp_path / "secret.yaml").exists()
    for part in SECRET_PARTS:
        assert part not in result.output
        assert part not in all_text(tmp_path)


def test_secret_mode_sops_ignores_the_address_in_the_environment(tmp_path: Path) -> None:
    result = invoke(env={"FLUXNOTIFY_ADDRESS": WEBHOOK})
    assert result.exit_code == 0
    assert "FLUXNOTIFY_ADDRESS is set but not used" in result.stdout
    for part in SECRET_PARTS:
        assert part not in result.output
        assert part not in all_text(tmp_path)


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("hooks.slack.com/services/x", "FLUXNOTIFY_ADDRESS is not an absolute URL"),
        (WEBHOOK + "\n", "FLUXNOTIFY_ADDRESS has leading or trailing whitespace"),
        ("https://slack.com/api/chat.postMessage", "use --slack-token-mode"),
    ],
)
def test_secret_mode_none_checks_the_value_without_quoting_it(address: str, words: str) -> None:
    result = invoke("--secret-mode", "none", env={"FLUXNOTIFY_ADDRESS": address})
    assert isinstance(result.exception, UsageError)
    assert words in result.exception.message
    assert address.strip() not in result.exception.message


def test_in_process_errors_are_usage_errors(tmp_path: Path) -> None:
    result = invoke("--stdout", "--output-dir", "x")
    assert isinstance(result.exception, UsageError)
    result = invoke("--event-source", "Deployment/web")
    assert isinstance(result.exception, UsageError)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--type", "slak"], "--type 'slak' is not a Provider type (did you mean slack?)"),
        (["--type", "nats", "--channel", "x", "--flux-version", "2.1"], "needs Flux 2.2 or newer"),
        (["--event-source", "Kustomization/app-*"], "is a glob"),
        (["--exclude", "(?!Health)"], "is not a valid RE2 regex"),
        (["--event-severity", "warning"], "init: invalid value for '--event-severity'"),
        (["--secret-mode", "foo"], "init: invalid value for '--secret-mode'"),
        (["--output-dir", "file.txt"], "init: invalid value for '--output-dir'"),
        (["--metadata", "cluster"], "--metadata 'cluster' is not KEY=VALUE"),
        (["--flux-version", "3"], "--flux-version: unsupported Flux version '3'"),
        (["--flux-version", "2.10"], "--flux-version: unsupported Flux version '2.10'"),
    ],
)
def test_console_script_bad_input_is_one_clear_line(
    args: list[str], words: str, tmp_path: Path
) -> None:
    (tmp_path / "file.txt").write_text("not a folder\n")
    result = script(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    first, *rest = result.stderr.splitlines()
    assert first.startswith("fluxnotify: error: ")
    assert words in first
    assert len(rest) <= 1
    assert all(line.startswith("  hint: ") for line in rest)
    assert list(tmp_path.iterdir()) == [tmp_path / "file.txt"]


def test_console_script_writes_files(tmp_path: Path) -> None:
    result = script("--type", "googlechat", "--output-dir", "out")
    assert result.returncode == 0, result.stderr
    assert "Provider googlechat: posts to googlechat" in result.stdout
    assert yaml.safe_load((tmp_path / "out" / "provider.yaml").read_text())["spec"] == {
        "type": "googlechat",
        "secretRef": {"name": "googlechat-webhook"},
    }


def test_the_command_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, fluxnotify.commands.init;"
        "print(sorted(m for m in ('ruamel.yaml', 'rich', 're2') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
