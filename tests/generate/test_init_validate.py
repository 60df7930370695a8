"""Acceptance: whatever init writes, `fluxnotify validate` passes with no finding at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from init_support import SECRET_PARTS, TOKEN, WEBHOOK, invoke, run_script, type_flags, validate

from fluxnotify.fluxversion import provider_types

CREDENTIALS = {
    "FLUXNOTIFY_ADDRESS": WEBHOOK,
    "FLUXNOTIFY_TOKEN": TOKEN,
    "FLUXNOTIFY_USERNAME": "bot@example.org",
    "FLUXNOTIFY_PASSWORD": TOKEN,
}


@pytest.mark.parametrize(
    ("version", "mode"),
    [("2.9", "sops"), ("2.1", "sops"), ("2.9", "external"), ("2.9", "none"), ("2.0", "none")],
)
def test_every_provider_type_passes_validate(version: str, mode: str, tmp_path: Path) -> None:
    types = provider_types(version)
    for provider_type in types:
        args = ["init", *type_flags(provider_type), "--flux-version", version, "--stdout"]
        result = invoke([*args, "--secret-mode", mode], env=CREDENTIALS)
        assert result.exit_code == 0, (provider_type, result.output, result.exception)
        for part in SECRET_PARTS:
            assert part not in result.stdout
            assert part not in result.stderr
        (tmp_path / f"{provider_type}.yaml").write_text(result.stdout)
    report = validate(["."], tmp_path, version)
    assert report["findings"] == []
    per_type = 2 if mode == "none" else 3
    assert report["summary"]["objects"] == per_type * len(types)


def test_console_script_output_passes_validate(tmp_path: Path) -> None:
    for args in (
        ["--type", "slack"],
        ["--route", "error=#ops", "--route", "info=#dev", "--metadata", "cluster=prod"],
        ["--type", "discord", "--exclude", "^Dependencies do not meet", "--include", ".*"],
    ):
        folder = tmp_path / args[1].replace("=", "-").strip("#")
        result = run_script(["init", "--output-dir", str(folder), *args], tmp_path)
        assert result.returncode == 0, result.stderr
    report = validate(["."], tmp_path, "2.9")
    assert report["findings"] == []
    assert report["summary"]["files"] == 12
