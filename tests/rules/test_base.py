"""fluxnotify/rules/base.py: what a rule module declares, checked against what its check does.

``KINDS`` lets the engine skip a rule for the kinds it never reports on. A kind left out
by mistake would silently drop findings, so every rule page's examples are validated
twice, as declared and with every rule run on every object, and the findings must match.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from routing_support import page_examples

from fluxnotify.config import Config
from fluxnotify.engine import Options, validate
from fluxnotify.model import Finding
from fluxnotify.rules import DOCUMENT_RULES, RULES

#: every rule on, so that the ones off by default run too
ALL_ON = Config(rules={rule_id: rule.SEVERITY for rule_id, rule in RULES.items()})


def _layouts(rule: str, root: Path) -> list[Path]:
    """Each example of the page as written (a file per yaml block), with each object in a
    file of its own (so a Secret is checked while the Provider reading it is not), and all
    in one file (objects of one file are applied together, wherever they go)."""
    projects = []
    for section in ("Failing example", "Fixed example"):
        blocks = page_examples(rule, section)
        layouts = {
            "blocks": blocks,
            "objects": [part for block in blocks for part in block.split("\n---\n")],
            "together": ["\n---\n".join(blocks)],
        }
        for layout, parts in layouts.items():
            project = root / f"{section.split()[0].lower()}-{layout}"
            project.mkdir()
            for number, text in enumerate(parts):
                (project / f"f{number}.yaml").write_text(text, encoding="utf-8")
            projects.append(project)
    return projects


def _runs(project: Path) -> list[list[Finding]]:
    """The findings of the whole project, then of each file checked alone."""
    runs = [(str(project),)] + [(str(path),) for path in sorted(project.glob("*.yaml"))]
    return [
        validate(Options(paths=paths, root=project, config=ALL_ON, cache=False)).findings
        for paths in runs
    ]


@pytest.mark.parametrize("rule", [rule.ID for rule in DOCUMENT_RULES])
def test_kinds_lose_no_finding(rule: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    projects = _layouts(rule, tmp_path)
    declared = [_runs(project) for project in projects]
    for module in DOCUMENT_RULES:
        monkeypatch.setattr(module, "KINDS", None)
    everywhere = [_runs(project) for project in projects]
    # the comparison means something only if the page's examples make the rule report
    assert any(f.rule == rule for runs in everywhere for found in runs for f in found)
    missed = [
        (f.rule, f.object.kind if f.object else None, f.path)
        for runs_all, runs_declared in zip(everywhere, declared, strict=True)
        for found_all, found_declared in zip(runs_all, runs_declared, strict=True)
        for f in found_all
        if f not in found_declared
    ]
    assert missed == []
    assert declared == everywhere
