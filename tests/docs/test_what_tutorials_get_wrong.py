"""docs/what-tutorials-get-wrong.md: in each section the wrong YAML gets the rule the section
names, and the right YAML gets no finding at all, next to the page's shared set-up."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest
from validate_support import REPO, validate, write

from fluxnotify.rules import RULES

PAGE = REPO / "docs" / "what-tutorials-get-wrong.md"


class Example(NamedTuple):
    title: str
    rule: str
    wrong: str
    right: str


def _sections() -> dict[str, str]:
    text = PAGE.read_text(encoding="utf-8")
    return {part.split("\n", 1)[0]: part for part in text.split("\n## ")[1:]}


def _yaml(section: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", section, re.S)


SHARED_SETUP = _yaml(_sections()["The set-up the examples share"])[0]


def _examples() -> list[Example]:
    examples = []
    for title, section in _sections().items():
        if not re.match(r"\d+\. ", title):
            continue
        caught = re.search(r"^Caught by: \[`([a-z-]+)`\]\(rules/\1\.md\)", section, re.M)
        assert caught, f"{title}: no 'Caught by:' line"
        blocks = _yaml(section)
        assert len(blocks) == 2, f"{title}: {len(blocks)} yaml blocks, not wrong and right"
        examples.append(Example(title, caught.group(1), *blocks))
    return examples


EXAMPLES = _examples()


def _findings(tmp_path: Path, example: str) -> list[tuple[str, str, str]]:
    write(tmp_path, "setup.yaml", SHARED_SETUP)
    target = write(tmp_path, "example.yaml", example)
    (tmp_path / ".git").mkdir(exist_ok=True)
    report = validate(tmp_path)
    assert [f for f in report.findings if f.path != str(target)] == [], "the set-up has findings"
    return [(f.rule, f.severity.value, f.message) for f in report.findings]


def test_the_page_covers_the_common_mistakes() -> None:
    assert len(EXAMPLES) >= 12
    rules = {e.rule for e in EXAMPLES}
    assert rules <= set(RULES)
    for rule in (
        "schema",
        "event-severity",
        "unknown-field",
        "secret-keys",
        "source-wildcard",
        "event-source-ref",
        "slack-address",
        "duplicate-alerts",
        "regex",
    ):
        assert rule in rules, rule


def test_the_shared_setup_alone_is_clean(tmp_path: Path) -> None:
    write(tmp_path, "setup.yaml", SHARED_SETUP)
    report = validate(tmp_path)
    assert report.findings == []
    assert report.objects == 4


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.title.split(".")[0] for e in EXAMPLES])
def test_the_wrong_yaml_gets_the_rule(example: Example, tmp_path: Path) -> None:
    found = _findings(tmp_path, example.wrong)
    assert example.rule in {rule for rule, _, _ in found}, found


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.title.split(".")[0] for e in EXAMPLES])
def test_the_right_yaml_gets_no_finding(example: Example, tmp_path: Path) -> None:
    assert _findings(tmp_path, example.right) == []
