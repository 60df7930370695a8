"""Helpers for the init tests: run the command in-process or as the console script, validate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from fluxnotify.cli import build_app

#: The installed console script, as a user runs it.
FLUXNOTIFY = str(Path(sys.executable).with_name("fluxnotify"))

#: Credentials handed to init in tests; none of them may ever be printed or written.
WEBHOOK = "https://hooks.slack.com/services/T0INITTST/B0INITTST/s3cr3tInitWebhookPart"
TOKEN = "xoxb-333-444-s3cr3tInitT0kenValue"
SECRET_PARTS = ("T0INITTST", "B0INITTST", "s3cr3tInitWebhookPart", "s3cr3tInitT0kenValue")

CREDENTIAL_VARIABLES = (
    "FLUXNOTIFY_ADDRESS",
    "FLUXNOTIFY_TOKEN",
    "FLUXNOTIFY_USERNAME",
    "FLUXNOTIFY_PASSWORD",
)


def invoke(args: Sequence[str], env: dict[str, str] | None = None) -> Result:
    """``fluxnotify ARGS`` in-process; errors stay in ``result.exception``."""
    return CliRunner().invoke(build_app(), list(args), env=env)


def clean_env(**extra: str) -> dict[str, str]:
    """The process environment without credentials, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_VARIABLES}
    env.update(extra)
    return env


def run_script(
    args: Sequence[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The console script in a subprocess with no terminal on stdin."""
    return subprocess.run(
        [FLUXNOTIFY, *args],
        cwd=cwd,
        env=env or clean_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def validate(paths: Sequence[str], root: Path, flux_version: str) -> dict[str, Any]:
    """``fluxnotify validate --format json`` run in ``root`` as the whole project."""
    args = ["validate", "--format", "json", "--flux-version", flux_version, "--root", "."]
    result = run_script([*args, *paths], root)
    assert result.returncode in (0, 1), result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    assert report["version"] == 1
    return report


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def type_flags(provider_type: str) -> list[str]:
    """The flags ``init --type T`` needs without a terminal: a channel where T requires one."""
    from fluxnotify.generate.channels import SAMPLES
    from fluxnotify.generate.providers import TYPES, ChannelUse

    if TYPES[provider_type].channel is ChannelUse.REQUIRED:
        return ["--type", provider_type, "--channel", SAMPLES.get(provider_type, "flux/alerts")]
    return ["--type", provider_type]
