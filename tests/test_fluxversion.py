"""Flux releases: the --flux-version option, and which release a repository targets."""

from __future__ import annotations

from pathlib import Path

import pytest

from fluxnotify.errors import ConfigError
from fluxnotify.fluxversion import NEWEST, TargetVersions, VersionSource, parse_option


@pytest.mark.parametrize(
    ("text", "expected"), [("2.4", "2.4"), ("v2.9.4", "2.9"), ("2.0.0", "2.0")]
)
def test_flux_version_option(text: str, expected: str) -> None:
    assert parse_option(text) == expected


@pytest.mark.parametrize("text", ["1.9", "2.10", "3.0", "latest"])
def test_flux_version_option_rejects(text: str) -> None:
    with pytest.raises(ConfigError, match="unsupported Flux version"):
        parse_option(text)


@pytest.mark.parametrize("text", ["", " ", "''"])
def test_an_empty_flux_version_is_an_error_that_says_so(text: str) -> None:
    """``--flux-version "$FLUX"`` with FLUX unset: not the default, a mistake to report."""
    with pytest.raises(ConfigError) as caught:
        parse_option(text)
    assert caught.value.message == "--flux-version: the Flux version is empty"
    assert caught.value.hint == "use one of 2.0, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6, 2.7, 2.8, 2.9"


def test_without_version_sources_the_newest_release() -> None:
    version, reason = TargetVersions().for_file(Path("clusters/prod/alert.yaml"))
    assert version == NEWEST
    assert "no gotk-components.yaml or FluxInstance" in reason


def test_the_deepest_covering_source_wins_else_the_oldest_named(tmp_path: Path) -> None:
    clusters = tmp_path / "clusters"
    versions = TargetVersions(
        [
            VersionSource(str(clusters), "v2.9.4", "clusters/gotk-components.yaml"),
            VersionSource(str(clusters / "old"), "2.6", "clusters/old/gotk-components.yaml"),
            VersionSource(str(tmp_path / "future"), "v3.1.0", "future/gotk-components.yaml"),
            VersionSource(str(tmp_path / "broken"), "main", "broken/gotk-components.yaml"),
        ]
    )
    assert versions.for_file(clusters / "old" / "a.yaml") == (
        "2.6",
        "from clusters/old/gotk-components.yaml",
    )
    assert versions.for_file(clusters / "new" / "a.yaml") == (
        "2.9",
        "from clusters/gotk-components.yaml",
    )
    assert versions.for_file(tmp_path / "future" / "a.yaml") == (
        "2.9",
        "from future/gotk-components.yaml, which names v3.1.0: checked as 2.9,"
        " the nearest supported",
    )
    # outside every scope: the oldest release the repository names ("main" names none)
    assert versions.for_file(tmp_path / "apps" / "a.yaml") == (
        "2.6",
        "the oldest of the versions this repository names",
    )
