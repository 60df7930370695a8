"""The configuration file: found at the root, validated, and applied."""

from __future__ import annotations

from pathlib import Path

import pytest
from validate_support import ALERT, cli, write

from fluxnotify.config import Config, load_config
from fluxnotify.errors import ConfigError
from fluxnotify.model import Severity
from fluxnotify.rules import RULES

KNOWN = set(RULES)


def test_no_file_means_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path, KNOWN) == Config()


def test_dotfile(tmp_path: Path) -> None:
    write(
        tmp_path,
        ".fluxnotify.yaml",
        """
        flux-version: v2.4.1
        exclude: [charts, "*.tmpl.yaml"]
        rules:
          schema: warning
          deprecated-field: error
          api-version: info
          unknown-field: off
        """,
    )
    config = load_config(tmp_path, KNOWN)
    assert config.source == ".fluxnotify.yaml"
    assert config.flux_version == "2.4"
    assert config.exclude == ("charts", "*.tmpl.yaml")
    assert config.rules == {
        "schema": Severity.WARNING,
        "deprecated-field": Severity.ERROR,
        "api-version": Severity.INFO,
        "unknown-field": None,
    }


def test_pyproject_table(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        """
        [project]
        name = "x"

        [tool.fluxnotify]
        flux-version = "2.8"

        [tool.fluxnotify.rules]
        deprecated-field = "off"
        """,
    )
    config = load_config(tmp_path, KNOWN)
    assert config.source == "pyproject.toml [tool.fluxnotify]"
    assert config.flux_version == "2.8"
    assert config.rules == {"deprecated-field": None}


def test_pyproject_without_the_table_is_ignored(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n')
    assert load_config(tmp_path, KNOWN) == Config()


def test_dotfile_wins_over_pyproject(tmp_path: Path) -> None:
    write(tmp_path, ".fluxnotify.yaml", 'flux-version: "2.3"\n')
    write(tmp_path, "pyproject.toml", '[tool.fluxnotify]\nflux-version = "2.8"\n')
    assert load_config(tmp_path, KNOWN).flux_version == "2.3"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("rule: {}\n", "'rule' was unexpected"),
        ("rules:\n  no-such-rule: error\n", "unknown rule `no-such-rule`"),
        ("rules:\n  schema: loud\n", "'loud' is not one of"),
        ('flux-version: "3.1"\n', "unsupported Flux version '3.1'"),
        ("flux-version: 2.8\n", "is a number"),
        ("exclude: charts\n", "not of type 'array'"),
        ("- a\n- b\n", "not of type 'object'"),
        ("rules: [\n", "not valid YAML"),
    ],
)
def test_bad_configuration_is_one_clear_error(text: str, says: str, tmp_path: Path) -> None:
    write(tmp_path, ".fluxnotify.yaml", text)
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path, KNOWN)
    assert says in raised.value.message
    assert raised.value.message.startswith(".fluxnotify.yaml")
    assert raised.value.exit_code == 2


def test_bad_toml_is_a_config_error(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.fluxnotify\n")
    with pytest.raises(ConfigError, match=r"cannot read pyproject\.toml"):
        load_config(tmp_path, KNOWN)


def test_cli_applies_the_configuration(tmp_path: Path) -> None:
    write(
        tmp_path,
        "alert.yaml",
        ALERT.replace("  eventSeverity: error\n", "  eventSeverity: error\n  summary: s\n"),
    )
    plain = cli("validate", "--format", "parsable", "alert.yaml", cwd=tmp_path)
    assert "warning [deprecated-field]" in plain.stdout
    write(tmp_path, ".fluxnotify.yaml", 'flux-version: "2.7"\nrules:\n  deprecated-field: error\n')
    configured = cli("validate", "alert.yaml", cwd=tmp_path)
    assert "error    `spec.summary` is deprecated" in configured.stdout
    assert "Flux 2.7 (from .fluxnotify.yaml)" in configured.stdout
    assert configured.code == 1


def test_cli_bad_configuration_exits_2(tmp_path: Path) -> None:
    write(tmp_path, "alert.yaml", ALERT)
    write(tmp_path, ".fluxnotify.yaml", "rules:\n  nope: off\n")
    result = cli("validate", "alert.yaml", cwd=tmp_path)
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("fluxnotify: error: .fluxnotify.yaml: unknown rule `nope`")
