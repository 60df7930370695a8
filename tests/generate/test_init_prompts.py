"""Prompts, through a real pseudo-terminal, answered as a person would answer them."""

from __future__ import annotations

import io
from pathlib import Path

import pexpect
import yaml
from init_support import FLUXNOTIFY, SECRET_PARTS, TOKEN, clean_env, run_script, tree


def spawn(args: list[str], cwd: Path) -> tuple[pexpect.spawn, io.StringIO]:
    transcript = io.StringIO()
    child = pexpect.spawn(
        FLUXNOTIFY,
        args,
        cwd=str(cwd),
        env=clean_env(TERM="dumb", COLUMNS="200"),
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 200),
    )
    child.logfile_read = transcript
    return child, transcript


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None
    return child.exitstatus


def test_a_person_answers_every_prompt(tmp_path: Path) -> None:
    child, transcript = spawn(["init", "--output-dir", "notifications"], tmp_path)
    child.expect_exact("Provider type")
    child.expect_exact("[slack]: ")
    child.sendline("")  # the default
    child.expect_exact("Name of the Provider and Alert [slack]: ")
    child.sendline("Team Alerts")
    child.expect_exact("is not a valid name")  # explained, then asked again
    child.expect_exact("Name of the Provider and Alert [slack]: ")
    child.sendline("team-alerts")
    child.expect_exact("instead of an incoming webhook? [y/N]: ")
    child.sendline("y")
    child.expect_exact("Slack channel the bot posts to (e.g. #flux-alerts): ")
    child.sendline("#platform")
    child.expect_exact("Send which events?")
    child.expect_exact("[error]: ")
    child.sendline("warn")
    child.expect_exact("answer error or info")
    child.sendline("info")
    assert finish(child) == 0, transcript.getvalue()
    output = transcript.getvalue()
    assert "sops --encrypt --in-place notifications/secret.yaml" in output
    assert "fluxnotify test-send --provider team-alerts" in output
    folder = tmp_path / "notifications"
    provider = yaml.safe_load((folder / "provider.yaml").read_text())
    assert provider["spec"] == {
        "type": "slack",
        "channel": "#platform",
        "address": "https://slack.com/api/chat.postMessage",
        "secretRef": {"name": "team-alerts-token"},
    }
    alert = yaml.safe_load((folder / "alert.yaml").read_text())
    assert alert["spec"]["eventSeverity"] == "info"


def test_flags_leave_nothing_to_ask(tmp_path: Path) -> None:
    args = ["init", "--type", "msteams", "--event-severity", "error", "--name", "teams", "--stdout"]
    child, transcript = spawn(args, tmp_path)
    assert finish(child) == 0
    assert "kind: Provider" in transcript.getvalue()
    assert "?" not in transcript.getvalue().split("apiVersion")[0]


def test_hidden_prompt_never_shows_the_token(tmp_path: Path) -> None:
    args = ["init", "--type", "telegram", "--name", "tg", "--channel", "-100200300"]
    args += ["--secret-mode", "none", "--event-severity", "error", "--output-dir", "out"]
    child, transcript = spawn(args, tmp_path)
    child.expect_exact("The Telegram bot token (hidden): ")
    child.sendline(" ")
    child.expect_exact("Error: The value has leading or trailing whitespace")
    child.expect_exact("The Telegram bot token (hidden): ")
    child.sendline(TOKEN)
    assert finish(child) == 0
    output = transcript.getvalue()
    assert "read -rs FLUXNOTIFY_TOKEN && export FLUXNOTIFY_TOKEN" in output
    assert (
        """printf 'token=%s\\n' "$FLUXNOTIFY_TOKEN" | kubectl create secret generic tg-token"""
        " --namespace flux-system --from-env-file=/dev/stdin" in output
    )
    written = b"".join(tree(tmp_path).values()).decode()
    for part in (TOKEN, *SECRET_PARTS):
        assert part not in output
        assert part not in written


def test_without_a_terminal_a_missing_value_is_a_usage_error(tmp_path: Path) -> None:
    result = run_script(["init", "--type", "telegram", "--stdout"], tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "fluxnotify: error: --channel is missing: telegram needs the Telegram chat ID; pass"
        " --channel VALUE (it is prompted for only when stdin is a terminal)"
    ]


def test_without_a_terminal_secret_mode_none_needs_the_variable(tmp_path: Path) -> None:
    result = run_script(["init", "--secret-mode", "none"], tmp_path)
    assert result.returncode == 2
    assert "FLUXNOTIFY_ADDRESS is not set" in result.stderr
    assert tree(tmp_path) == {}
