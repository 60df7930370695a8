"""docs/suppressions.md, "Which line": for each row of the table, a comment on the line the
row names silences the finding, and the run then has no finding at all (not even
`unused-suppression`)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import NamedTuple

import pytest
from validate_support import REPO, cli, write

PAGE = REPO / "docs" / "suppressions.md"

SLACK_PROVIDER = """
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: slack
  namespace: flux-system
spec:
  type: slack
  secretRef:
    name: slack-webhook
"""
SECRET = """
apiVersion: v1
kind: Secret
metadata:
  name: slack-webhook
  namespace: flux-system
stringData:
  address: ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]
sops:
  version: 3.10.2
"""
WEBHOOK = "https://hooks.slack.com/services/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"
ENC = "ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]"
KUSTOMIZATION = """
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: {namespace}
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
"""


def alert(
    sources: str = "    - kind: Kustomization\n      name: apps\n",
    *,
    name: str = "on-call",
    severity: str | None = "error",
    extra: str = "",
    provider: str = "slack",
) -> str:
    level = f"  eventSeverity: {severity}\n" if severity else ""
    return (
        "apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Alert\nmetadata:\n"
        f"  name: {name}\n  namespace: flux-system\nspec:\n  providerRef:\n    name: {provider}\n"
        f"{level}{extra}  eventSources:\n{sources}"
    )


GOOD = {
    "provider.yaml": SLACK_PROVIDER,
    "secret.yaml": SECRET,
    "ks.yaml": KUSTOMIZATION.format(namespace="flux-system"),
}


class Row(NamedTuple):
    """One row of the table: ``rule`` and the words of its "points at" cell that this case
    covers; ``files`` with ``target`` the file and ``line`` the text of the line to suppress."""

    rule: str
    points_at: str
    files: dict[str, str]
    target: str
    line: str
    config: str = ""
    #: check only ``target`` (as a pre-commit run on a commit that changes only it)
    only_target: bool = False


ROWS = [
    Row(
        "provider-ref",
        "`providerRef` → `name:`",
        {**GOOD, "alert.yaml": alert(provider="pagerduty")},
        "alert.yaml",
        "name: pagerduty",
    ),
    Row(
        "secret-ref",
        "`secretRef` (`certSecretRef`, `proxySecretRef`) → `name:`",
        {**GOOD, "secret.yaml": SECRET.replace("name: slack-webhook", "name: other")},
        "provider.yaml",
        "name: slack-webhook",
    ),
    Row(
        "secret-keys",
        "`secretRef` (`certSecretRef`, `proxySecretRef`) → `name:`",
        {**GOOD, "secret.yaml": SECRET.replace("sops:", f"  username: {ENC}\nsops:")},
        "provider.yaml",
        "name: slack-webhook",
    ),
    Row(
        "secret-keys",
        "when only the Secret is checked, its key in `data` or `stringData`",
        {**GOOD, "secret.yaml": SECRET.replace("sops:", f"  username: {ENC}\nsops:")},
        "secret.yaml",
        "username: ENC",
        only_target=True,
    ),
    Row(
        "slack-address",
        "`address:`",
        {
            **GOOD,
            "provider.yaml": SLACK_PROVIDER.replace(
                "  secretRef:",
                "  channel: alerts\n  address: https://slack.com/api/chat.postMessage/\n  secretRef:",
            ),
            "secret.yaml": SECRET.replace("  address: ENC", "  token: ENC"),
        },
        "provider.yaml",
        "address: https://slack.com",
    ),
    Row(
        "slack-address",
        "the `secretRef` `name:`",
        {**GOOD, "secret.yaml": SECRET.replace("  address: ENC", "  token: ENC")},
        "provider.yaml",
        "name: slack-webhook",
    ),
    Row(
        "slack-address",
        "the first line under `spec:`",
        {
            "provider.yaml": SLACK_PROVIDER.split("  secretRef:")[0],
            "ks.yaml": KUSTOMIZATION.format(namespace="flux-system"),
        },
        "provider.yaml",
        "type: slack",
    ),
    Row(
        "address-in-spec",
        "`address:`",
        {
            **GOOD,
            "provider.yaml": SLACK_PROVIDER.replace(
                "  secretRef:\n    name: slack-webhook\n",
                f"  address: {WEBHOOK}\n",
            ),
        },
        "provider.yaml",
        "address: https://hooks",
    ),
    Row(
        "plaintext-secret",
        "the key in `data` or `stringData`",
        {
            **GOOD,
            "secret.yaml": SECRET.split("sops:")[0].replace(
                "ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]",
                WEBHOOK,
            ),
        },
        "secret.yaml",
        "address: https://hooks",
    ),
    Row(
        "event-source-ref",
        "the entry's `name:`",
        {**GOOD, "alert.yaml": alert("    - kind: Kustomization\n      name: appz\n")},
        "alert.yaml",
        "name: appz",
    ),
    Row(
        "source-wildcard",
        "the entry's `name:`, `namespace:`",
        {
            **GOOD,
            "alert.yaml": alert(
                "    - kind: Kustomization\n      name: '*'\n      namespace: '*'\n"
            ),
        },
        "alert.yaml",
        "namespace: '*'",
    ),
    Row(
        "cross-namespace-source",
        "the entry's `name:`, `namespace:`",
        {
            **GOOD,
            "ks.yaml": KUSTOMIZATION.format(namespace="apps"),
            "alert.yaml": alert(
                "    - kind: Kustomization\n      name: apps\n      namespace: apps\n"
            ),
        },
        "alert.yaml",
        "namespace: apps",
        config="rules:\n  cross-namespace-source: error\n",
    ),
    Row(
        "event-severity",
        "`spec:`",
        {**GOOD, "alert.yaml": alert(severity=None)},
        "alert.yaml",
        "spec:",
    ),
    Row(
        "regex",
        "the list entry",
        {**GOOD, "alert.yaml": alert(extra="  exclusionList:\n    - '^(?!Dependencies)'\n")},
        "alert.yaml",
        "- '^(?!Dependencies)'",
    ),
    Row(
        "duplicate-alerts",
        "`eventSources:`",
        {
            **GOOD,
            "alerts.yaml": alert() + "---\n" + alert(name="everything", severity="info"),
        },
        "alerts.yaml",
        "eventSources:",
    ),
    Row(
        "duplicate-object",
        "`metadata` → `name:`",
        {**GOOD, "provider.yaml": SLACK_PROVIDER + "---" + SLACK_PROVIDER},
        "provider.yaml",
        "name: slack",
    ),
]


def _table() -> dict[str, str]:
    """rule id -> its "points at" cell, from the page."""
    section = PAGE.read_text(encoding="utf-8").split("## Which line", 1)[1].split("\n\n|", 1)[1]
    rows: dict[str, str] = {}
    for line in ("|" + section).split("\n\n", 1)[0].splitlines()[2:]:
        rules, points_at = (cell.strip() for cell in line.strip("|").split("|"))
        for rule in re.findall(r"`([a-z-]+)`", rules):
            rows[rule] = points_at
    return rows


def test_every_row_of_the_table_has_a_case() -> None:
    table = _table()
    assert table, "no table under ## Which line"
    assert sorted(table) == sorted({row.rule for row in ROWS})
    for row in ROWS:
        for part in row.points_at.split(", "):
            assert part.strip() in table[row.rule], (row.rule, part, table[row.rule])


def _findings(root: Path, targets: list[str]) -> list[dict[str, object]]:
    """What `fluxnotify validate --format json` reports, as a user runs it in ``root``."""
    result = cli("validate", "--format", "json", *targets, cwd=root)
    assert result.stderr == ""
    findings: list[dict[str, object]] = json.loads(result.stdout)["findings"]
    assert result.code == (1 if any(f["severity"] == "error" for f in findings) else 0)
    return findings


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.rule}:{r.points_at}" for r in ROWS])
def test_a_suppression_on_the_stated_line_leaves_no_finding(row: Row, tmp_path: Path) -> None:
    for name, text in row.files.items():
        write(tmp_path, name, text)
    (tmp_path / ".git").mkdir()  # the project root
    if row.config:
        write(tmp_path, ".fluxnotify.yaml", row.config)
    targets = [row.target] if row.only_target else ["."]
    before = _findings(tmp_path, targets)
    assert before, f"no {row.rule} finding to suppress"
    assert {(f["path"], f["rule"]) for f in before} == {(row.target, row.rule)}, before

    target = tmp_path / row.target
    lines = target.read_text(encoding="utf-8").splitlines()
    for finding in before:  # duplicates are reported on each copy
        line = finding["line"]
        assert isinstance(line, int)
        assert lines[line - 1].strip().startswith(row.line), "not on the line the table names"
        lines[line - 1] += f"  # fluxnotify: disable={row.rule}"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _findings(tmp_path, targets) == []
