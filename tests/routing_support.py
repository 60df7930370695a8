"""Helpers for the tests of the reference rules (issue 3): small projects in a folder.

A project is a folder of manifests (no git: the folder is the root). ``Project``
writes files, runs the engine on some of them with the folder as ``--root``, and
states positions in terms of the input (``line``), so expected lines are not
copied from output.
"""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from validate_support import REPO

from fluxnotify.config import Config
from fluxnotify.engine import Options
from fluxnotify.engine import validate as run_engine
from fluxnotify.model import Finding, Report, Severity

#: A Flux entry point of cluster ``clusters/<name>`` (the folder less ``flux-system``).
GOTK_SYNC = """
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/{cluster}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
"""


def flux_kustomization(name: str, path: str, target_namespace: str | None = None) -> str:
    """A Flux Kustomization in flux-system that builds ``path``."""
    target = f"\n  targetNamespace: {target_namespace}" if target_namespace else ""
    return f"""
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: {name}
  namespace: flux-system
spec:
  interval: 10m
  path: {path}{target}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
"""


def kustomization(
    *resources: str,
    namespace: str | None = None,
    components: tuple[str, ...] = (),
    kind: str = "Kustomization",
    extra: str = "",
) -> str:
    """A kustomization.yaml (or, with ``kind="Component"``, a kustomize Component)."""
    api = "v1alpha1" if kind == "Component" else "v1beta1"
    lines = [f"apiVersion: kustomize.config.k8s.io/{api}", f"kind: {kind}"]
    if namespace:
        lines.append(f"namespace: {namespace}")
    if resources:
        lines.append("resources:")
        lines.extend(f"  - {r}" for r in resources)
    if components:
        lines.append("components:")
        lines.extend(f"  - {c}" for c in components)
    return "\n".join(lines) + "\n" + textwrap.dedent(extra).lstrip("\n")


def provider(
    name: str = "slack",
    namespace: str | None = "flux-system",
    *,
    type_: str = "slack",
    secret: str | None = "slack-url",
    extra: str = "",
) -> str:
    ns = f"\n  namespace: {namespace}" if namespace else ""
    ref = f"\n  secretRef:\n    name: {secret}" if secret else ""
    return f"""
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: {name}{ns}
spec:
  type: {type_}{ref}{extra}
"""


def alert(
    name: str = "on-call",
    namespace: str | None = "flux-system",
    *,
    provider_ref: str = "slack",
    severity: str | None = "error",
    sources: str = "    - kind: Kustomization\n      name: '*'",
) -> str:
    ns = f"\n  namespace: {namespace}" if namespace else ""
    sev = f"\n  eventSeverity: {severity}" if severity else ""
    return f"""
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: {name}{ns}
spec:
  providerRef:
    name: {provider_ref}{sev}
  eventSources:
{sources}
"""


def secret(
    name: str = "slack-url", namespace: str | None = "flux-system", **string_data: str
) -> str:
    """A SOPS-encrypted Secret with these keys (values are ``ENC[...]``)."""
    ns = f"\n  namespace: {namespace}" if namespace else ""
    keys = "".join(
        f"\n  {k}: ENC[AES256_GCM,data:{v or 'x'},iv:aa,tag:bb,type:str]"
        for k, v in string_data.items()
    )
    return f"""
apiVersion: v1
kind: Secret
metadata:
  name: {name}{ns}
stringData:{keys or " {}"}
sops:
  version: 3.9.0
  mac: ENC[AES256_GCM,data:mm,iv:aa,tag:bb,type:str]
"""


def docs(*parts: str) -> str:
    """Several manifests in one file."""
    return "---\n" + "---\n".join(textwrap.dedent(p).strip("\n") + "\n" for p in parts)


@dataclass(frozen=True, order=True)
class Hit:
    """A finding as tests compare it: file relative to the root, line, severity."""

    path: str
    line: int
    severity: str


class Project:
    """A project folder under test: write files, run validate, look findings up."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def remove(self, name: str) -> None:
        (self.root / name).unlink()

    def cluster(self, name: str) -> None:
        """Add the Flux entry point ``clusters/<name>/flux-system/gotk-sync.yaml``."""
        self.write(f"clusters/{name}/flux-system/gotk-sync.yaml", GOTK_SYNC.format(cluster=name))

    def line(self, name: str, needle: str, nth: int = 1) -> int:
        """1-based number of the ``nth`` line of file ``name`` that contains ``needle``."""
        lines = (self.root / name).read_text(encoding="utf-8").splitlines()
        found = [i + 1 for i, text in enumerate(lines) if needle in text]
        assert len(found) >= nth, f"{needle!r} is on {len(found)} lines of {name}"
        return found[nth - 1]

    def validate(
        self,
        *paths: str,
        flux_version: str | None = None,
        disable: tuple[str, ...] = (),
        rules: dict[str, Severity | None] | None = None,
    ) -> Report:
        """Run the engine on ``paths`` (relative to the root; default: all of it)."""
        targets = tuple(str(self.root / p) for p in paths) or (str(self.root),)
        config = Config(rules=rules) if rules is not None else Config()
        return run_engine(
            Options(
                paths=targets,
                root=self.root,
                flux_version=flux_version,
                disable=disable,
                config=config,
            )
        )

    def rel(self, finding: Finding) -> str:
        path = finding.path
        if os.path.isabs(path):
            path = os.path.relpath(path, self.root)
        return path.replace(os.sep, "/")

    def hits(
        self,
        rule: str,
        *paths: str,
        flux_version: str | None = None,
        rules: dict[str, Severity | None] | None = None,
    ) -> list[Hit]:
        """The findings of ``rule`` for ``paths``, as sorted (file, line, severity)."""
        return self.of(self.validate(*paths, flux_version=flux_version, rules=rules), rule)

    def of(self, report: Report, rule: str) -> list[Hit]:
        return sorted(
            Hit(self.rel(f), f.line, f.severity.value) for f in report.findings if f.rule == rule
        )

    def messages(self, report: Report, rule: str) -> list[str]:
        return [f.message for f in report.findings if f.rule == rule]


def hit(path: str, line: int, severity: str) -> Hit:
    return Hit(path, line, severity)


def rules_of(findings: Iterable[Finding]) -> set[str]:
    return {f.rule for f in findings}


def page_examples(rule: str, section: str) -> list[str]:
    """The ```yaml blocks of one section of ``docs/rules/<rule>.md``."""
    text = (REPO / "docs" / "rules" / f"{rule}.md").read_text(encoding="utf-8")
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```yaml\n(.*?)```", body, re.S)


def check_page(
    rule: str,
    root: Path,
    files: tuple[str, ...] = ("manifest.yaml",),
    rules: dict[str, Severity | None] | None = None,
) -> None:
    """The page's failing example gives the findings it shows; its fixed example none.

    The first yaml blocks of each example are written to ``files`` (in order), each
    example in a project of its own.
    """
    text = (REPO / "docs" / "rules" / f"{rule}.md").read_text(encoding="utf-8")
    shown = text.split("## Failing example", 1)[1].split("## Fixed example", 1)[0]
    for section, must_fail in (("Failing example", True), ("Fixed example", False)):
        project = Project(root / section.split()[0].lower())
        blocks = page_examples(rule, section)
        for name, block in zip(files, blocks, strict=False):
            project.write(name, block)
        findings = [f for f in project.validate(rules=rules).findings if f.rule == rule]
        if not must_fail:
            assert findings == [], f"the fixed example of {rule} gives {findings}"
            continue
        assert findings, f"the failing example of {rule} gives no {rule} finding"
        for f in findings:
            message = f.message.replace(f"{project.root}{os.sep}", "")
            line = f"  {f.line}:{f.column}  {f.severity.value:<7}  {message}  [{rule}]"
            assert line in shown, f"docs/rules/{rule}.md does not show: {line}"
