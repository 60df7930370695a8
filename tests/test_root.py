"""The project root: the git top level, else the nearest folder with a configuration file,
else the named folder (or a named file's folder); --root widens it."""

from __future__ import annotations

from pathlib import Path

import pytest
from validate_support import ALERT, PROVIDER, console

from fluxnotify.root import choose_root, find_root, git_top


def test_the_git_top_level_above_the_first_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    folder = tmp_path / "clusters" / "prod"
    folder.mkdir(parents=True)
    (folder / "alert.yaml").write_text("")
    monkeypatch.chdir(folder)
    assert find_root(["alert.yaml"]) == tmp_path.resolve()
    assert find_root([str(folder)]) == tmp_path.resolve()
    assert find_root(["-"]) == tmp_path.resolve()


def test_without_git_or_configuration_the_named_folder_not_the_current_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cd /tmp && fluxnotify validate some/dir` must not read all of /tmp."""
    folder = tmp_path / "apps"
    folder.mkdir()
    (folder / "alert.yaml").write_text("")
    monkeypatch.chdir(tmp_path)
    assert choose_root(["apps/alert.yaml"]) == (
        folder.resolve(),
        "the named file's folder; not in git, no .fluxnotify.yaml above it; --root widens it",
    )
    assert choose_root(["apps"]).path == folder.resolve()
    assert choose_root(["apps"]).reason.startswith("the named folder;")
    assert choose_root(["missing.yaml"]).path == tmp_path.resolve()
    assert choose_root(["-"]).reason.startswith("the current folder;")


def test_without_git_the_nearest_folder_with_a_configuration_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = tmp_path / "fleet" / "clusters" / "prod"
    deep.mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    # a pyproject.toml without the table does not make a project root
    (tmp_path / "fleet" / "clusters" / "pyproject.toml").write_text("[tool.ruff]\n")
    (tmp_path / "fleet" / "pyproject.toml").write_text("[tool.fluxnotify]\nexclude = []\n")
    assert choose_root([str(deep)]) == (
        (tmp_path / "fleet").resolve(),
        "the nearest folder with pyproject.toml [tool.fluxnotify]; not in git",
    )
    (tmp_path / "fleet" / "clusters" / ".fluxnotify.yaml").write_text("rules: {}\n")
    assert choose_root([str(deep)]) == (
        (tmp_path / "fleet" / "clusters").resolve(),
        "the nearest folder with .fluxnotify.yaml; not in git",
    )
    # git wins; --root wins over everything
    (tmp_path / "fleet" / ".git").mkdir()
    assert choose_root([str(deep)]) == ((tmp_path / "fleet").resolve(), "the git top level")
    assert choose_root([str(deep)], tmp_path) == (tmp_path, "from --root")


def test_validate_reads_only_the_named_folder_and_says_which_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken manifest next to the named folder is never read; the footer says why."""
    (tmp_path / "some" / "dir").mkdir(parents=True)
    (tmp_path / "some" / "dir" / "alert.yaml").write_text(ALERT + "---" + PROVIDER)
    (tmp_path / "other.yaml").write_text("kind: Alert\nspec: [\n", encoding="utf-8")
    result = console("validate", "--format", "text", "some/dir", cwd=tmp_path)
    assert result.code == 0, result.stdout
    assert "other.yaml" not in result.stdout
    assert (
        "Project root some/dir (the named folder; not in git, no .fluxnotify.yaml above it;"
        " --root widens it)"
    ) in result.stdout.splitlines()
    assert "in 1 file" in result.stdout
    widened = console("validate", "--root", ".", "--format", "json", "some/dir", cwd=tmp_path)
    assert widened.code == 0  # other.yaml is read for references, never reported


def test_without_git_a_path_outside_the_current_directory_is_its_own_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    (there / "alert.yaml").write_text("")
    monkeypatch.chdir(here)
    assert find_root([str(there / "alert.yaml")]) == there.resolve()
    assert find_root([str(there)]) == there.resolve()


def test_git_top_accepts_a_folder_that_does_not_exist_yet(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    assert git_top(tmp_path / "not" / "yet") == tmp_path.resolve()
    inner = tmp_path / "vendor" / "chart"
    (inner / ".git").mkdir(parents=True)
    assert git_top(inner / "templates") == inner.resolve()  # the nearest repository wins
