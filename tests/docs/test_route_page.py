"""docs/route.md: the worked example is run as written (its files, its commands through the
console script) and must print exactly what the page shows, with the exit code it shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import typer
from validate_support import REPO, console

from fluxnotify.cli import build_app

PAGE = REPO / "docs" / "route.md"


def _blocks() -> list[tuple[str, str]]:
    """(language, text) of every fenced block of the page."""
    found: list[tuple[str, str]] = []
    lang = ""
    body: list[str] | None = None
    for line in PAGE.read_text(encoding="utf-8").splitlines(keepends=True):
        if body is not None:
            if line.startswith("```"):
                found.append((lang, "".join(body)))
                body = None
            else:
                body.append(line)
        elif line.startswith("```"):
            lang, body = line[3:].strip(), []
    return found


def _sessions(text: str) -> list[tuple[list[str], str, int | None]]:
    """(argv after `fluxnotify`, expected stdout, expected exit code) of a console block."""
    runs: list[tuple[list[str], str, int | None]] = []
    lines = text.splitlines(keepends=True)
    index = 0
    while index < len(lines):
        command = lines[index]
        assert command.startswith("$ fluxnotify "), command
        index += 1
        output: list[str] = []
        while index < len(lines) and not lines[index].startswith("$ "):
            output.append(lines[index])
            index += 1
        code = None
        if index < len(lines) and lines[index].strip() == "$ echo $?":
            code = int(lines[index + 1])
            index += 2
        runs.append((shlex.split(command[2:])[1:], "".join(output), code))
    return runs


def test_the_worked_example_prints_what_the_page_shows(tmp_path: Path) -> None:
    files = 0
    for lang, text in _blocks():
        if lang == "yaml" and text.startswith("# file: "):
            name = text.splitlines()[0].removeprefix("# file: ").strip()
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            files += 1
    assert files == 6
    sessions = [run for lang, text in _blocks() if lang == "console" for run in _sessions(text)]
    assert len(sessions) == 3
    for argv, expected, code in sessions:
        result = console(*argv, cwd=tmp_path)
        assert result.stderr == ""
        assert result.stdout == expected, " ".join(argv)
        assert result.code == (0 if code is None else code)


def test_the_page_lists_every_option() -> None:
    page = PAGE.read_text(encoding="utf-8")
    command = typer.main.get_command(build_app(["route"]))
    route = getattr(command, "commands", {}).get("route", command)
    for parameter in route.params:
        if parameter.name == "help":
            continue
        names = [o for o in parameter.opts if o.startswith("--")] or ["PATHS"]
        assert any(re.search(f"`[^`]*{re.escape(name)}(?![\\w-])", page) for name in names), names
