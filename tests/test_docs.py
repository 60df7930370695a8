"""The documentation says what the code does: rule pages, README, hook, configuration examples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from validate_support import REPO, cli, validate, write

from fluxnotify.config import _from_data, load_config
from fluxnotify.rules import RULES

RULE_PAGES = REPO / "docs" / "rules"
#: Pages whose failing and fixed examples are single manifests, checked below.
RUNNABLE_EXAMPLES = ("yaml-syntax", "schema", "unknown-field", "api-version", "deprecated-field")
SECTIONS = ("## What it catches", "## Why it matters", "## Failing example", "## Fixed example")


def test_every_rule_has_a_page_and_every_page_a_rule() -> None:
    pages = {p.stem for p in RULE_PAGES.glob("*.md")} - {"index", "README"}
    assert sorted(set(RULES) - pages) == [], "rules without docs/rules/<id>.md"
    assert sorted(pages - set(RULES)) == [], "pages without a rule"


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_page_names_its_rule(rule_id: str) -> None:
    page = RULE_PAGES / f"{rule_id}.md"
    if not page.is_file():
        pytest.fail(f"docs/rules/{rule_id}.md is missing")
    assert rule_id in page.read_text(encoding="utf-8").split("\n", 1)[0]


@pytest.mark.parametrize("rule_id", RUNNABLE_EXAMPLES)
def test_page_structure(rule_id: str) -> None:
    text = (RULE_PAGES / f"{rule_id}.md").read_text(encoding="utf-8")
    assert text.startswith(f"# {rule_id}\n")
    for section in (*SECTIONS, "## Options", "## Notes", "## References"):
        assert section in text, f"{rule_id}: no {section!r}"
    severity = RULES[rule_id].SEVERITY.value
    assert f"Default severity: **{severity}**" in text.split("##", 1)[0]


def _example(text: str, section: str) -> str:
    body = text.split(f"## {section}", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", body, re.S)
    assert block is not None, section
    return block.group(1)


@pytest.mark.parametrize("rule_id", RUNNABLE_EXAMPLES)
def test_failing_example_fails_and_fixed_example_passes(rule_id: str, tmp_path: Path) -> None:
    text = (RULE_PAGES / f"{rule_id}.md").read_text(encoding="utf-8")
    failing = write(tmp_path, "failing/manifest.yaml", _example(text, "Failing example"))
    fixed = write(tmp_path, "fixed/manifest.yaml", _example(text, "Fixed example"))
    failing_findings = [f for f in validate(tmp_path, failing).findings if f.rule == rule_id]
    assert failing_findings, f"the failing example of {rule_id} gives no {rule_id} finding"
    # the page shows the finding's position and message
    shown = text.split("## Failing example", 1)[1].split("## Fixed example", 1)[0]
    for finding in failing_findings:
        assert f"  {finding.line}:{finding.column}  " in shown
        assert finding.message in shown
    assert [f for f in validate(tmp_path, fixed).findings if f.rule == rule_id] == []


def test_rules_command_prints_each_page(tmp_path: Path) -> None:
    for rule_id in RULES:
        page = RULE_PAGES / f"{rule_id}.md"
        if page.is_file():
            assert cli("rules", rule_id, cwd=tmp_path).stdout == page.read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert block is not None
    assert block.group(1).splitlines() == [
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && "
        ".venv/bin/fluxnotify validate examples/",
        ".venv/bin/python -m pytest",
    ]
    assert readme.index(block.group(0)) < readme.index("## ")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert ".venv/bin/python -m pytest" in ci
    assert ".venv/bin/fluxnotify validate examples/" in ci


def test_readme_names_every_hook_and_links_resolve() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    for hook in hooks:
        assert hook["id"] in readme
    for document in [REPO / "README.md", REPO / "examples" / "README.md", *REPO.glob("docs/*.md")]:
        for link in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", document.read_text(encoding="utf-8")):
            if "://" in link:
                continue
            assert (document.parent / link).exists(), f"{document.name}: broken link {link}"


def test_hook_definition() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks == [
        {
            "id": "fluxnotify-validate",
            "name": "fluxnotify validate",
            "description": hooks[0]["description"],
            "entry": "fluxnotify validate",
            "language": "python",
            "types": ["yaml"],
            "require_serial": True,
        }
    ]


def test_configuration_examples_are_valid(tmp_path: Path) -> None:
    page = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    yaml_block = re.search(r"```yaml\n(.*?)```", page, re.S)
    toml_block = re.search(r"```toml\n(.*?)```", page, re.S)
    assert yaml_block is not None
    assert toml_block is not None
    write(tmp_path, ".fluxnotify.yaml", yaml_block.group(1))
    config = load_config(tmp_path, set(RULES))
    assert config.flux_version == "2.8"
    assert config.rules["event-severity"] is None
    (tmp_path / ".fluxnotify.yaml").unlink()
    write(tmp_path, "pyproject.toml", toml_block.group(1))
    assert load_config(tmp_path, set(RULES)).flux_version == "2.8"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    readme_config = readme.split("## Configuration", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", readme_config, re.S)
    assert block is not None
    _from_data(yaml.safe_load(block.group(1)), "README", set(RULES))


def test_cli_page_lists_every_validate_option(tmp_path: Path) -> None:
    page = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    help_text = cli("validate", "--help", cwd=tmp_path).stdout
    options = set(re.findall(r"(--[a-z][a-z-]+)", help_text)) - {"--help", "--no-strict"}
    assert options
    for option in sorted(options):
        assert f"`{option}" in page, f"docs/cli.md does not document {option}"


def test_the_changelog_lists_what_exists() -> None:
    """Keep a Changelog, with an Unreleased section naming every command, rule and format."""
    from fluxnotify.cli import COMMANDS
    from fluxnotify.reporters import FORMATS

    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n")
    assert "https://keepachangelog.com/" in changelog
    unreleased = changelog.split("\n## [Unreleased]\n", 1)[1].split("\n## [", 1)[0]
    assert "\n### Added\n" in unreleased
    for command in COMMANDS:
        assert f"`fluxnotify {command}`" in unreleased, (
            f"add `fluxnotify {command}` to CHANGELOG.md"
        )
    for rule_id in RULES:
        assert f"`{rule_id}`" in unreleased, f"add rule `{rule_id}` to CHANGELOG.md"
    for name in FORMATS:
        assert f"`{name}`" in unreleased, f"add output format `{name}` to CHANGELOG.md"
    assert re.search(r"^\[Unreleased\]: https://", changelog, re.M)


def test_the_changelog_says_each_thing_once() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    entries = re.findall(r"^- (`fluxnotify [a-z-]+`):", changelog, re.M)
    assert entries
    assert sorted(set(entries)) == sorted(entries), "a command has two CHANGELOG entries"
