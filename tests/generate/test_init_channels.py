"""Channels are checked with the destination's own rules before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from init_support import run_script
from test_init_prompts import finish, spawn

from fluxnotify.errors import UsageError
from fluxnotify.generate.channels import check_channel

GOOD = [
    ("slack", "flux-alerts"),
    ("slack", "#flux-alerts"),
    ("slack", "C0123ABCD"),
    ("slack", "G01234567AB"),
    ("slack", "a" * 80),
    ("telegram", "-1001234567890"),
    ("telegram", "@flux_alerts"),
    ("telegram", "-1001234567890:42"),
    ("matrix", "!AbCdEf:matrix.org"),
    ("nats", "flux.alerts"),
    ("googlepubsub", "flux-alerts"),
    ("msteams", "Any Channel Name"),
]
BAD = [
    ("slack", "bad channel", "Slack channel names have no spaces"),
    ("slack", "#UPPER", "Slack channel names are lowercase"),
    ("slack", "a" * 81, "at most 80 characters"),
    ("slack", "al/erts", "lowercase letters, digits, -, _ and . only"),
    ("telegram", "abc", "a Telegram chat is a numeric ID"),
    ("telegram", "-100123:topic", "a topic (thread) ID, a number"),
    ("matrix", "#room:matrix.org", "that is a room alias"),
    ("matrix", "room", "a Matrix room ID has the form !id:server"),
    ("nats", "flux.*", "without blanks or the wildcards"),
    ("googlepubsub", "goog-x", "a Pub/Sub topic ID"),
    ("msteams", " padded", "has blanks around it"),
    ("msteams", "tab\there", "holds a control character"),
    ("msteams", "x" * 2049, "longer than 2048 characters"),
]


@pytest.mark.parametrize(("provider_type", "channel"), GOOD)
def test_channels_the_destination_accepts(provider_type: str, channel: str) -> None:
    assert check_channel(provider_type, channel) == channel


@pytest.mark.parametrize(("provider_type", "channel", "says"), BAD)
def test_channels_the_destination_refuses(provider_type: str, channel: str, says: str) -> None:
    with pytest.raises(UsageError, match=r"^--channel") as caught:
        check_channel(provider_type, channel)
    assert says in caught.value.message


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--channel", "bad channel"], "--channel 'bad channel': Slack channel names have no"),
        (["--channel", "#UPPER"], "--channel '#UPPER': Slack channel names are lowercase"),
        (["--type", "telegram", "--channel", "abc"], "--channel 'abc': a Telegram chat is"),
        (["--type", "matrix", "--channel", "#r:m.org"], "--channel '#r:m.org': that is a room"),
        (["--slack-token-mode", "--route", "error=Ops"], "--route 'Ops': Slack channel names"),
    ],
)
def test_console_script_refuses_a_bad_channel(tmp_path: Path, args: list[str], says: str) -> None:
    result = run_script(["init", *args], cwd=tmp_path)
    assert result.returncode == 2
    first, hint = result.stderr.splitlines()
    assert first == f"fluxnotify: error: {says}" or first.startswith(f"fluxnotify: error: {says}")
    assert hint.startswith("  hint: e.g. ")
    assert list(tmp_path.iterdir()) == []


def test_a_bad_answer_is_asked_once_more(tmp_path: Path) -> None:
    args = ["init", "--type", "telegram", "--name", "tg", "--event-severity", "error"]
    child, transcript = spawn([*args, "--stdout", "--secret-mode", "external"], tmp_path)
    child.expect_exact("chat ID")
    child.expect_exact(": ")
    child.sendline("not-a-chat")
    child.expect_exact("Error: the channel 'not-a-chat': a Telegram chat is a numeric ID")
    child.sendline("-1001234567890")
    assert finish(child) == 0
    assert "channel: '-1001234567890'" in transcript.getvalue()


def test_a_second_bad_answer_is_the_one_line_error(tmp_path: Path) -> None:
    args = ["init", "--type", "telegram", "--name", "tg", "--channel", "abc"]
    child, transcript = spawn([*args, "--event-severity", "error", "--stdout"], tmp_path)
    child.expect_exact("Error: --channel 'abc': a Telegram chat is a numeric ID")
    child.sendline("still wrong")
    assert finish(child) == 2
    assert "fluxnotify: error: the channel 'still wrong': a Telegram chat" in (
        transcript.getvalue()
    )
