"""User-facing pages cite what a user can open: never ../shared (a folder of the project's
development set-up), but the Flux docs and the notification-controller source at a tag."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from validate_support import REPO

from fluxnotify.rules import RULES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")


def _shipped() -> list[Path]:
    """Every file the wheel copies from outside the package (pyproject's force-include)."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    included = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    files: list[Path] = []
    for source in included:
        path = REPO / source
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    return files


def _user_facing() -> list[Path]:
    pages = [*REPO.glob("*.md"), *REPO.glob("docs/**/*.md"), *REPO.glob("examples/**/*")]
    return sorted({p for p in [*pages, *_shipped()] if p.is_file()})


def test_the_wheel_ships_the_rule_pages() -> None:
    shipped = {p.relative_to(REPO).as_posix() for p in _shipped()}
    assert {f"docs/rules/{rule_id}.md" for rule_id in RULES} <= shipped


@pytest.mark.parametrize("path", _user_facing(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_page_cites_the_development_reference(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    for banned in ("../shared", "shared/reference", "shared/corpus", "shared/flux-crds"):
        assert banned not in text, f"{path.relative_to(REPO)} mentions {banned}"
    assert not re.search(r"\(reference \d", text), "cites a section of the internal reference"


UPSTREAM = re.compile(
    r"https://(fluxcd\.io/flux/|github\.com/fluxcd/[a-z0-9-]+/(blob|tree)/v\d+\.\d+\.\d+/"
    r"|github\.com/fluxcd/[a-z0-9-]+/(issues|pull)/\d+)"
)


#: about fluxnotify's own comments (cites suppressions.md) and YAML itself (cites yaml.org)
NOT_ABOUT_FLUX = {"unused-suppression", "yaml-syntax"}


@pytest.mark.parametrize("rule_id", sorted(set(RULES) - NOT_ABOUT_FLUX))
def test_each_rule_page_cites_an_upstream_source(rule_id: str) -> None:
    text = (REPO / "docs" / "rules" / f"{rule_id}.md").read_text(encoding="utf-8")
    assert UPSTREAM.search(text.split("## References", 1)[1]), rule_id
