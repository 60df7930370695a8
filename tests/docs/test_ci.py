"""docs/ci.md and action.yml: every fluxnotify command a CI snippet runs, run as the CI would
(bash, the installed console script), on a repository with findings; the reports it writes
are checked for what the CI service reads."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import xmlschema
import yaml
from validate_support import CONSOLE_SCRIPT, REPO, REPORT_ALERT, clean_env, write

PAGE = REPO / "docs" / "ci.md"
ACTION = REPO / "action.yml"
XSD = REPO / "tests" / "reporters" / "junit.xsd"


def _blocks() -> list[tuple[str, str, str]]:
    """(section heading, language, text) of every fenced block of the page."""
    found = []
    heading = lang = ""
    body: list[str] | None = None
    for line in PAGE.read_text(encoding="utf-8").splitlines(keepends=True):
        if body is not None:
            if line.startswith("```"):
                found.append((heading, lang, "".join(body)))
                body = None
            else:
                body.append(line)
        elif line.startswith("```"):
            lang, body = line[3:].strip(), []
        elif line.startswith("#"):
            heading = line.lstrip("# ").strip()
    return found


def _strings(node: Any, keys: tuple[str, ...]) -> list[str]:
    """Every string under one of ``keys`` anywhere in a YAML document, in order."""
    out: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys:
                out.extend(
                    [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]
                )
            else:
                out.extend(_strings(value, keys))
    elif isinstance(node, list):
        for item in node:
            out.extend(_strings(item, keys))
    return out


def _commands(lang: str, text: str) -> list[str]:
    """The shell commands of a snippet, as its CI service would run them."""
    if lang == "yaml":
        return _strings(yaml.safe_load(text), ("run", "script", "command"))
    if lang == "groovy":
        return re.findall(r"sh '([^']*)'", text)
    assert lang == "sh", lang
    return [line for line in text.splitlines() if line.strip()]


def _snippets() -> list[tuple[str, list[str]]]:
    snippets = []
    for heading, lang, text in _blocks():
        if lang not in ("yaml", "sh", "groovy"):
            continue
        commands = [c for c in _commands(lang, text) if "fluxnotify" in c]
        if commands:
            snippets.append((f"{heading} ({lang})", commands))
    return snippets


SNIPPETS = _snippets()


def test_the_page_has_a_snippet_per_service() -> None:
    names = " ".join(name for name, _ in SNIPPETS)
    for service in ("GitHub Actions", "GitLab CI", "JUnit XML"):
        assert service in names
    commands = [c for _, cs in SNIPPETS for c in cs]
    for fmt in ("github", "sarif", "gitlab", "junit"):
        assert any(f"--format {fmt}" in c for c in commands), fmt


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A checkout: the bundled examples, plus an Alert with an error and a warning."""
    repo = tmp_path / "repo"
    shutil.copytree(REPO / "examples", repo / "examples")
    (repo / ".git").mkdir()
    write(repo, "clusters/prod/alert.yaml", REPORT_ALERT)
    return repo


def _bash(command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` as CI does; `pip install fluxnotify` is already done (the venv's)."""
    path = f"{CONSOLE_SCRIPT.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", command],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=clean_env(PATH=path, **env),
        timeout=300,
        check=False,
    )


def _check_report(path: Path) -> None:
    """The report is what its service reads, and it holds the Alert's error."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".sarif":
        sarif = json.loads(text)
        assert sarif["version"] == "2.1.0"
        results = sarif["runs"][0]["results"]
        assert any(r["ruleId"] == "schema" and r["level"] == "error" for r in results)
    elif path.suffix == ".xml":
        xmlschema.XMLSchema(str(XSD)).validate(text)
        failures = [f.get("type") for f in ET.fromstring(text).iter("failure")]
        assert "schema" in failures
    else:
        issues = json.loads(text)
        assert {"check_name": "schema", "path": "clusters/prod/alert.yaml"} in [
            {"check_name": i["check_name"], "path": i["location"]["path"]} for i in issues
        ]


@pytest.mark.parametrize(("name", "commands"), SNIPPETS, ids=[n for n, _ in SNIPPETS])
def test_each_snippet_runs_and_writes_its_report(
    name: str, commands: list[str], repository: Path
) -> None:
    ran = 0
    for command in commands:
        if command.startswith("pip install"):
            continue
        result = _bash(command, repository)
        ran += 1
        assert "Traceback" not in result.stderr
        target = re.search(r"> (\S+)( \|\| true)?$", command)
        if target:
            # the report is written whether or not there are findings
            assert result.returncode == (0 if target.group(2) else 1), result.stderr
            _check_report(repository / target.group(1))
        elif "--format github" in command:
            assert result.returncode == 1
            assert "::error file=clusters/prod/alert.yaml,line=9,col=18" in result.stdout
        else:
            assert result.returncode == 1
            assert "clusters/prod/alert.yaml:9:18: error [schema]" in result.stdout
    assert ran, f"{name}: no fluxnotify command to run"


# --- action.yml -------------------------------------------------------------------------


def _action() -> dict[str, Any]:
    action: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return action


def test_the_action_is_composite_and_its_inputs_are_documented() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    page = PAGE.read_text(encoding="utf-8").split("### The GitHub Action", 1)[1]
    table = dict(re.findall(r"^\| `([a-z-]+)` \| ([^|]+) \|", page, re.M))
    assert set(table) == set(action["inputs"])
    for name, spec in action["inputs"].items():
        assert spec["description"]
        default = spec.get("default", "")
        assert table[name].strip() == (f"`{default}`" if default else "(none)"), name
    uses = [s.get("uses", "") for s in action["runs"]["steps"]]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)


def _expand(value: str, inputs: dict[str, str]) -> str:
    """The two expressions the action's run steps use."""
    value = re.sub(r"\$\{\{ inputs\.([a-z-]+) \}\}", lambda m: inputs[m.group(1)], value)
    return value.replace("${{ github.action_path }}", str(REPO))


def _run_action(repository: Path, tmp_path: Path, **given: str) -> tuple[int, str, str]:
    """Run the action's shell steps (but the install: fluxnotify is installed) as the
    runner does; return the validate step's exit code, its output and GITHUB_OUTPUT."""
    action = _action()
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    inputs.update(given)
    output = tmp_path / "github_output"
    output.write_text("")
    [step] = [s for s in action["runs"]["steps"] if s.get("id") == "validate"]
    assert step["shell"] == "bash"
    env = {k: _expand(str(v), inputs) for k, v in step.get("env", {}).items()}
    result = _bash(
        _expand(step["run"], inputs),
        repository,
        GITHUB_OUTPUT=str(output),
        GITHUB_ACTIONS="true",
        **env,
    )
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, output.read_text()


def test_the_action_annotates_writes_sarif_and_fails_on_errors(
    repository: Path, tmp_path: Path
) -> None:
    code, stdout, output = _run_action(repository, tmp_path)
    assert code == 1
    assert output == "exit-code=1\n"
    assert "::error file=clusters/prod/alert.yaml,line=9,col=18" in stdout
    assert "::warning file=clusters/prod/alert.yaml,line=10,col=3" in stdout
    _check_report(repository / "fluxnotify.sarif")


def test_the_action_passes_paths_and_args(repository: Path, tmp_path: Path) -> None:
    code, stdout, output = _run_action(
        repository, tmp_path, paths="examples/", args="--strict", **{"sarif-file": "out.sarif"}
    )
    assert (code, output, stdout) == (0, "exit-code=0\n", "")
    assert json.loads((repository / "out.sarif").read_text())["runs"][0]["results"] == []
    code, _, output = _run_action(repository, tmp_path, args="--flux-version 1.0")
    assert (code, output) == (2, "exit-code=2\n")
    assert not (repository / "fluxnotify.sarif").exists()  # no empty report to upload


def test_the_install_step_installs_from_the_action_or_pypi() -> None:
    [step] = [s for s in _action()["runs"]["steps"] if s.get("id") == "install"]
    assert step["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert '"fluxnotify==$FLUXNOTIFY_VERSION"' in step["run"]


def test_the_documented_use_of_the_action_passes_real_inputs() -> None:
    [snippet] = [text for heading, _, text in _blocks() if heading == "The GitHub Action"]
    [step] = [s for s in yaml.safe_load(snippet)["jobs"]["validate"]["steps"] if "with" in s]
    assert step["uses"].startswith("fluxnotify/fluxnotify@v")
    assert set(step["with"]) <= set(_action()["inputs"])
