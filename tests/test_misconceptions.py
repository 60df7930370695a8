"""The reference's "Common misconceptions" table (section 3c): each claim, written as a
manifest, gives the right rule at the right line, with a message saying what to write.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from validate_support import at, validate, write

from fluxnotify.model import Finding, Severity
from fluxnotify.rules import RULES

PROVIDER = """
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


def _alert(spec_lines: str, severity: str | None = "error") -> str:
    severity_line = f"  eventSeverity: {severity}\n" if severity is not None else ""
    return (
        "apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Alert\nmetadata:\n"
        "  name: on-call\n  namespace: flux-system\nspec:\n  providerRef:\n    name: slack\n"
        + severity_line
        + spec_lines
        + "  eventSources:\n    - kind: Kustomization\n      name: '*'\n"
    )


@dataclass(frozen=True)
class Case:
    #: words of the claim in the reference table, to match its row
    claim: str
    rule: str
    severity: Severity
    #: file name -> manifest; the finding is expected in ``target``
    files: dict[str, str]
    target: str
    #: where the finding must point, as (line text, token) in the target, or a callable
    where: Callable[[str], set[tuple[int, int]]]
    #: what the message or hint must say (what to write instead)
    says: tuple[str, ...]


def _exactly(line_text: str, token: str | None = None) -> Callable[[str], set[tuple[int, int]]]:
    return lambda text: {at(text, line_text, token)}


CASES = (
    Case(
        "accepts info, warn, and error",
        "schema",
        Severity.ERROR,
        {"alert.yaml": _alert("", severity="warn")},
        "alert.yaml",
        _exactly("eventSeverity: warn", "warn"),
        ("allowed values are info, error", "there is no warn"),
    ),
    Case(
        "multiple severities",
        "schema",
        Severity.ERROR,
        {"alert.yaml": _alert("", severity="[error, warn]")},
        "alert.yaml",
        _exactly("eventSeverity: [error, warn]", "["),
        ("must be a single string, not a list", "`error` sends only errors"),
    ),
    Case(
        "by default it will only send error level events",
        "event-severity",
        Severity.INFO,
        {"alert.yaml": _alert("", severity=None)},
        "alert.yaml",
        # the finding is about the spec as a whole: its key or its first field
        lambda text: {at(text, "spec:"), at(text, "providerRef:")},
        ("default is `info`", "`eventSeverity: error` for errors only"),
    ),
    Case(
        "Alert `spec.channel`",
        "unknown-field",
        Severity.ERROR,
        {"alert.yaml": _alert("  channel: '#alerts'\n")},
        "alert.yaml",
        _exactly("channel: '#alerts'", "channel"),
        ("unknown field `spec.channel`", "belongs on the Provider"),
    ),
    Case(
        "uses key `url`",
        "secret-keys",
        Severity.ERROR,
        {
            "provider.yaml": PROVIDER,
            "secret.yaml": SECRET.replace("  address:", "  url:"),
        },
        "provider.yaml",
        _exactly("name: slack-webhook", "slack-webhook"),
        ("`url`", "did you mean `address`?"),
    ),
    Case(
        "Alert can be in any namespace",
        "unknown-field",
        Severity.ERROR,
        {
            "alert.yaml": _alert("").replace(
                "    name: slack\n", "    name: slack\n    namespace: monitoring\n"
            )
        },
        "alert.yaml",
        _exactly("namespace: monitoring", "namespace"),
        ("unknown field `spec.providerRef.namespace`", "must be in the Alert's namespace"),
    ),
)


@pytest.mark.parametrize("case", CASES, ids=[c.rule + ":" + c.claim for c in CASES])
def test_misconception_is_caught(case: Case, tmp_path: Path) -> None:
    if case.rule not in RULES:
        pytest.skip(f"the `{case.rule}` rule (validate part 2) is not in this checkout yet")
    files = {"provider.yaml": PROVIDER, "secret.yaml": SECRET, **case.files}
    for name, text in files.items():
        write(tmp_path, name, text)
    target = tmp_path / case.target
    report = validate(tmp_path, target)
    found: list[Finding] = [f for f in report.findings if f.rule == case.rule]
    text = files[case.target]
    assert len(found) == 1, [(f.rule, f.line, f.message) for f in report.findings]
    assert (found[0].line, found[0].column) in case.where(text)
    assert found[0].severity is case.severity
    said = found[0].message + " " + (found[0].hint or "")
    for words in case.says:
        assert words in said, said
    # and nothing else is wrong with the manifest: the misconception is the only finding
    others = [f for f in report.findings if f.severity is not Severity.INFO and f is not found[0]]
    assert [(f.rule, f.message) for f in others if f.rule != "slack-address"] == []


@pytest.mark.needs_shared
def test_every_row_of_the_reference_table_has_a_case(shared: Path) -> None:
    reference = (shared / "reference" / "flux-notification-api.md").read_text(encoding="utf-8")
    table = reference.split("### Common misconceptions", 1)[1].split("\n\n", 2)[1]
    claims = [
        row.split("|")[1].strip()
        for row in table.splitlines()
        if row.startswith("| ")
        and not row.startswith("| Claim")
        and not re.match(r"\|[-| ]+\|$", row)
    ]
    assert len(claims) >= 6
    for claim in claims:
        assert any(c.claim in claim for c in CASES), f"no test case for: {claim}"
