"""``path:line:col: severity [rule] message`` lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

from validate_support import cli

LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info) \[(?P<rule>[a-z-]+)\] (?P<msg>.+)$"
)


def test_one_parsable_line_per_finding(project: Path) -> None:
    parsable = cli("validate", "--format", "parsable", "alerts", cwd=project)
    data = json.loads(cli("validate", "--format", "json", "alerts", cwd=project).stdout)
    lines = parsable.stdout.splitlines()
    assert parsable.code == 1
    matches = [LINE.match(line) for line in lines]
    assert all(matches), lines
    assert [
        (m["path"], int(m["line"]), int(m["col"]), m["sev"], m["rule"]) for m in matches if m
    ] == [(f["path"], f["line"], f["column"], f["severity"], f["rule"]) for f in data["findings"]]
    for m, f in zip(matches, data["findings"], strict=True):
        assert m is not None
        expected = f["message"] + (f" ({f['hint']})" if f["hint"] else "")
        assert m["msg"] == expected


def test_nothing_printed_when_clean(tmp_path: Path) -> None:
    (tmp_path / "values.yaml").write_text("replicas: 2\n")
    result = cli("validate", "-f", "parsable", "values.yaml", cwd=tmp_path)
    assert (result.code, result.stdout) == (0, "")
