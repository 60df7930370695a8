"""GitHub Actions workflow commands, chosen automatically under GitHub Actions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from validate_support import cli, console

from fluxnotify.reporters import choose
from fluxnotify.reporters.github import _escape_data, _escape_property

COMMAND = re.compile(
    r"^::(?P<level>error|warning|notice) file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"title=fluxnotify (?P<rule>[a-z-]+)::(?P<msg>.*)$"
)


def test_annotations_match_the_findings(project: Path) -> None:
    result = cli("validate", "--format", "github", "alerts", cwd=project)
    data = json.loads(cli("validate", "--format", "json", "alerts", cwd=project).stdout)
    matches = [COMMAND.match(line) for line in result.stdout.splitlines()]
    assert all(matches), result.stdout
    level = {"error": "error", "warning": "warning", "info": "notice"}
    assert [
        (m["file"], int(m["line"]), int(m["col"]), m["level"], m["rule"]) for m in matches if m
    ] == [
        (f["path"], f["line"], f["column"], level[f["severity"]], f["rule"])
        for f in data["findings"]
    ]
    assert result.code == 1


def test_escaping() -> None:
    assert _escape_data("50% done\nnext\r") == "50%25 done%0Anext%0D"
    assert _escape_property("a:b,c%") == "a%3Ab%2Cc%25"


@pytest.mark.parametrize(
    ("env", "asked", "chosen"),
    [
        ({"GITHUB_ACTIONS": "true"}, None, "github"),
        ({"GITHUB_ACTIONS": "true"}, "text", "text"),
        ({}, None, "text"),
        ({"GITHUB_ACTIONS": "false"}, None, "text"),
    ],
)
def test_choose(
    env: dict[str, str], asked: str | None, chosen: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert choose(asked) == chosen


def test_github_actions_selects_github_in_the_console_script(project: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k != "FLUXNOTIFY_DEBUG"}
    env["GITHUB_ACTIONS"] = "true"
    result = console("validate", "alerts", cwd=project, env=env)
    assert result.code == 1
    assert result.stdout.startswith("::error file=alerts/broken.yaml,line=5,col=3,")
    forced = console("validate", "--format", "text", "alerts", cwd=project, env=env)
    assert forced.stdout.startswith("alerts/broken.yaml\n")
