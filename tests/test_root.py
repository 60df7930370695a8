"""The project root: the git top level, else the current directory, else the path's folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from fluxnotify.root import find_root, git_top


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


def test_without_git_the_current_directory_when_it_holds_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "apps"
    folder.mkdir()
    (folder / "alert.yaml").write_text("")
    monkeypatch.chdir(tmp_path)
    assert find_root(["apps/alert.yaml"]) == tmp_path.resolve()
    assert find_root(["missing.yaml"]) == tmp_path.resolve()


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
