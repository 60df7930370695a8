"""The configuration: ``.fluxnotify.yaml`` at the root, or ``[tool.fluxnotify]`` in pyproject.toml.

It is validated with a small JSON schema, so a typo is a clear error, not a
silently ignored setting.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from fluxnotify import fluxversion
from fluxnotify.errors import ConfigError
from fluxnotify.model import Severity

LEVELS = ("error", "warning", "info", "off")

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "flux-version": {"type": "string"},
        "exclude": {"type": "array", "items": {"type": "string"}},
        "rules": {
            "type": "object",
            "additionalProperties": {"enum": list(LEVELS)},
        },
    },
}


class Config(NamedTuple):
    source: str | None = None
    flux_version: str | None = None
    exclude: tuple[str, ...] = ()
    #: rule id -> severity, or None for off
    rules: Mapping[str, Severity | None] = {}


def load_config(root: Path, known_rules: set[str]) -> Config:
    """Read the root's configuration file, if any."""
    dotfile = root / ".fluxnotify.yaml"
    pyproject = root / "pyproject.toml"
    if dotfile.is_file():
        return _from_data(_read_yaml(dotfile), ".fluxnotify.yaml", known_rules)
    if pyproject.is_file():
        data = _read_toml(pyproject).get("tool", {}).get("fluxnotify")
        if data is not None:
            return _from_data(data, "pyproject.toml [tool.fluxnotify]", known_rules)
    return Config()


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path.name}:{mark.line + 1}:{mark.column + 1}" if mark else path.name
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{where}: not valid YAML: {problem}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path.name}: {exc}") from None


def _read_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path.name}: {exc}") from None


def _from_data(data: Any, source: str, known_rules: set[str]) -> Config:
    from jsonschema import Draft202012Validator

    if isinstance(data, dict):
        if isinstance(data.get("flux-version"), int | float):
            raise ConfigError(
                f"{source}: flux-version: {data['flux-version']!r} is a number",
                'quote it, e.g. flux-version: "2.8" (unquoted, 2.10 would read as 2.1)',
            )
        levels = data.get("rules")
        if isinstance(levels, dict):
            # YAML 1.1 reads an unquoted `off` as false: it means the rule is off.
            data = {**data, "rules": {k: "off" if v is False else v for k, v in levels.items()}}
    errors = sorted(Draft202012Validator(SCHEMA).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        error = errors[0]
        where = ".".join(str(p) for p in error.absolute_path) or "top level"
        raise ConfigError(
            f"{source}: {where}: {error.message}",
            "allowed keys: flux-version, exclude (list of globs),"
            " rules ({rule-id: error|warning|info|off})",
        )
    version = data.get("flux-version")
    if version is not None:
        version = fluxversion.parse_option(version, source)
    rules: dict[str, Severity | None] = {}
    for rule_id, level in (data.get("rules") or {}).items():
        if rule_id not in known_rules:
            raise ConfigError(
                f"{source}: unknown rule `{rule_id}`", "`fluxnotify rules` lists the rule ids"
            )
        rules[rule_id] = None if level == "off" else Severity(level)
    return Config(source, version, tuple(data.get("exclude") or ()), rules)
