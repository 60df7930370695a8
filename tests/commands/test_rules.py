"""`fluxnotify rules`: the list says which rules are off until configured."""

from __future__ import annotations

from pathlib import Path

from validate_support import cli, console

from fluxnotify.rules import RULES


def test_the_list_marks_rules_that_are_off_by_default(tmp_path: Path) -> None:
    result = cli("rules", cwd=tmp_path)
    assert result.code == 0
    lines = dict(zip(RULES, result.stdout.splitlines(), strict=True))
    off = {rid for rid, line in lines.items() if line.endswith("  (off by default)")}
    assert off == {rid for rid in RULES if not RULES[rid].ENABLED_BY_DEFAULT}
    assert off == {"cross-namespace-source"}
    assert lines["cross-namespace-source"].split()[1] == "error"


def test_the_console_script_prints_the_same_list(tmp_path: Path) -> None:
    assert console("rules", cwd=tmp_path).stdout == cli("rules", cwd=tmp_path).stdout
