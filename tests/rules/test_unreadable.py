"""unreadable: a file or folder of the checked paths that cannot be read is a warning
naming it, and the run goes on (the console-script cases, as an unprivileged user, are in
tests/test_hostile_tree.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from validate_support import ALERT, validate, write

from fluxnotify.model import SourceFile
from fluxnotify.rules import unreadable


def test_the_finding_names_what_could_not_be_read(tmp_path: Path) -> None:
    folder = SourceFile(tmp_path, "clusters/locked/")
    folder.unreadable = "Permission denied"
    (problem,) = unreadable.check_file(folder)
    assert problem.message == (
        "cannot read this folder (permission denied): nothing in it is checked"
    )
    assert problem.position == (1, 1)
    assert problem.hint is not None
    assert "search (x) access" in problem.hint
    file = SourceFile(tmp_path / "secret.yaml", "secret.yaml")
    file.unreadable = "Permission denied"
    (problem,) = unreadable.check_file(file)
    assert problem.message.startswith("cannot read this file (permission denied)")
    assert list(unreadable.check_file(SourceFile(tmp_path / "ok.yaml", "ok.yaml"))) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file (see test_hostile_tree)")
def test_an_unreadable_file_in_a_walked_folder(tmp_path: Path) -> None:
    write(tmp_path, "alerts/a.yaml", ALERT)
    locked = write(tmp_path, "alerts/b.yaml", ALERT)
    locked.chmod(0)
    try:
        report = validate(tmp_path, tmp_path / "alerts")
    finally:
        locked.chmod(0o644)
    assert [(f.rule, f.severity.value) for f in report.findings if f.path.endswith("b.yaml")] == [
        ("unreadable", "warning")
    ]
