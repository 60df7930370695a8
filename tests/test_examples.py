"""examples/: what a newcomer validates first must be clean and right, for every rule."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from validate_support import REPO, console, validate

EXAMPLES = REPO / "examples"
FOLDERS = sorted(p for p in EXAMPLES.iterdir() if p.is_dir())
NC = "notification.toolkit.fluxcd.io/v1beta3"
ENC = re.compile(
    r"^ENC\[AES256_GCM,data:[A-Za-z0-9+/=]+,iv:[A-Za-z0-9+/=]+,tag:[A-Za-z0-9+/=]+,type:str\]$"
)


def _objects(folder: Path) -> list[dict[str, Any]]:
    found = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            found.extend(d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d)
    return found


def test_the_readme_command_is_clean() -> None:
    """`fluxnotify validate examples/` from the checkout: exit 0, no finding of any rule."""
    result = console("validate", "examples/", cwd=REPO)
    assert result.code == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("0 errors, 0 warnings in ")
    assert "info" not in result.stdout.splitlines()[-1]


def test_no_findings_with_every_rule_on(tmp_path: Path) -> None:
    report = validate(EXAMPLES, EXAMPLES)
    assert [(f.path, f.rule, f.message) for f in report.findings] == []
    assert report.objects >= 11


def test_three_folders_with_a_readme() -> None:
    assert [p.name for p in FOLDERS] == ["routes", "slack-bot", "slack-webhook"]
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for folder in FOLDERS:
        assert f"`{folder.name}/`" in readme


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_kustomization_lists_every_file(folder: Path) -> None:
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text(encoding="utf-8"))
    files = {p.name for p in folder.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(kustomization["resources"]) == sorted(files)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_references_resolve_and_secrets_are_encrypted(folder: Path) -> None:
    objects = _objects(folder)
    by_kind: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
    for obj in objects:
        key = (obj["metadata"].get("namespace", ""), obj["metadata"].get("name", ""))
        by_kind.setdefault(obj["kind"], {})[key] = obj
    alerts, providers, secrets = by_kind["Alert"], by_kind["Provider"], by_kind["Secret"]
    assert alerts
    for (namespace, _), alert in alerts.items():
        assert alert["apiVersion"] == NC
        assert alert["spec"]["eventSeverity"] in ("info", "error")
        assert (namespace, alert["spec"]["providerRef"]["name"]) in providers
    for (namespace, _), provider in providers.items():
        assert provider["apiVersion"] == NC
        assert provider["spec"]["type"] == "slack"
        secret = secrets[(namespace, provider["spec"]["secretRef"]["name"])]
        keys = set(secret.get("stringData", {})) | set(secret.get("data", {}))
        if "token" in keys:  # bot token: the exact API URL and a channel
            assert provider["spec"]["address"] == "https://slack.com/api/chat.postMessage"
            assert provider["spec"]["channel"]
        else:
            assert keys == {"address"}
            assert "address" not in provider["spec"]
    for secret in secrets.values():
        assert isinstance(secret["sops"], dict)
        assert secret["sops"]["mac"].startswith("ENC[AES256_GCM,")
        for value in {**secret.get("stringData", {}), **secret.get("data", {})}.values():
            assert ENC.match(value), value


def test_no_plaintext_credentials_anywhere() -> None:
    for path in EXAMPLES.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"hooks\.slack\.com/services/T\w+/B\w+/\w+", text), path
            assert not re.search(r"xox[bap]-[0-9A-Za-z-]{10,}", text), path


def test_routes_say_errors_reach_both_channels() -> None:
    alerts = _objects(EXAMPLES / "routes")
    severities = sorted(a["spec"]["eventSeverity"] for a in alerts if a["kind"] == "Alert")
    assert severities == ["error", "info"]
    text = (EXAMPLES / "routes" / "alerts.yaml").read_text(encoding="utf-8")
    assert "both channels" in text
    assert "both channels" in (EXAMPLES / "README.md").read_text(encoding="utf-8")
