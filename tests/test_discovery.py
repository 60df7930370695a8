"""Discovery: the files that command-line paths name, sorted, without excluded ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from validate_support import git, write

from fluxnotify.discovery import DEFAULT_EXCLUDES, discover, walk
from fluxnotify.errors import InputError


def test_discover_walks_sorted_with_display_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("b/two.yml", "a/one.yaml", "a/Kustomization", "a/notes.txt", "top.yaml"):
        write(tmp_path, name, "x: 1\n")
    monkeypatch.chdir(tmp_path)
    assert [t.display for t in discover(["."], DEFAULT_EXCLUDES)] == [
        "top.yaml",
        "a/Kustomization",
        "a/one.yaml",
        "b/two.yml",
    ]
    assert [t.display for t in discover(["a/", "top.yaml"], DEFAULT_EXCLUDES)] == [
        "a/Kustomization",
        "a/one.yaml",
        "top.yaml",
    ]
    named = discover(["top.yaml"], DEFAULT_EXCLUDES)
    assert [(t.display, t.explicit) for t in named] == [("top.yaml", True)]
    assert not discover(["a"], DEFAULT_EXCLUDES)[0].explicit


def test_default_and_custom_excludes(tmp_path: Path) -> None:
    for name in (
        "keep.yaml",
        ".git/config.yaml",
        "node_modules/pkg/x.yaml",
        "charts/c/values.yaml",
        "apps/a/values.yaml",
        "apps/a/app.tmpl.yaml",
        "apps/a/kustomization.yaml",
    ):
        write(tmp_path, name, "x: 1\n")
    found = [t.display for t in walk(tmp_path, DEFAULT_EXCLUDES, "")]
    assert ".git/config.yaml" not in found
    assert "node_modules/pkg/x.yaml" not in found
    assert "charts/c/values.yaml" in found
    excludes = (*DEFAULT_EXCLUDES, "charts", "*.tmpl.yaml", "apps/*/values.yaml")
    assert [t.display for t in walk(tmp_path, excludes, "")] == [
        "keep.yaml",
        "apps/a/kustomization.yaml",
    ]


def test_missing_path_and_empty_directory_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or directory"):
        discover([str(tmp_path / "nope.yaml")], DEFAULT_EXCLUDES)
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "README.md").write_text("hi")
    with pytest.raises(InputError, match="no YAML files"):
        discover([str(tmp_path / "empty")], DEFAULT_EXCLUDES)


def test_the_git_listing_vouches_only_for_unchanged_regular_files(tmp_path: Path) -> None:
    """git's object id stands for a file's contents only while git finds the file as staged:
    a changed file, an untracked one and a symbolic link (whose object is its target's
    name) are stamped by ``stat`` instead."""
    from fluxnotify.discovery import project_listing

    git(tmp_path, "init", "-q")
    for name in ("same.yaml", "changed.yaml", "gone.yaml"):
        (tmp_path / name).write_text(f"name: {name}\n")
    (tmp_path / "link.yaml").symlink_to("same.yaml")
    (tmp_path / "ignored.yaml").write_text("x: 1\n")
    (tmp_path / ".gitignore").write_text("ignored.yaml\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "start")
    (tmp_path / "changed.yaml").write_text("name: changed, and longer\n")
    (tmp_path / "gone.yaml").unlink()
    (tmp_path / "new.yaml").write_text("name: new\n")

    listing = project_listing(tmp_path, DEFAULT_EXCLUDES)
    names = [Path(p).name for p in listing.paths]
    assert names == ["changed.yaml", "gone.yaml", "link.yaml", "new.yaml", "same.yaml"]
    assert {Path(p).name for p in listing.blobs} == {"same.yaml"}
    assert {Path(p).name for p in listing.links} == {"link.yaml"}
    # the quick scan of git's output names the same files as not vouched for
    from fluxnotify.discovery import changed_files, git_listing

    listed = git_listing(tmp_path)
    assert listed is not None
    assert changed_files(listed) == ["changed.yaml", "gone.yaml", "new.yaml"]
    # the quick scan (lines not tagged "H") reads what the full pattern reads
    from fluxnotify.discovery import _CHANGED

    assert changed_files(listed) == sorted(set(_CHANGED.findall(listed)))
    (blob,) = listing.blobs.values()
    assert len(blob) == 40
    assert int(blob, 16) >= 0


def test_the_listing_in_two_parts_is_what_one_git_ls_files_prints(tmp_path: Path) -> None:
    """The untracked and the tracked files are listed by two git processes at once; put
    together, they must be exactly one ``git ls-files`` with every option: staged,
    changed, deleted, untracked, ignored, a link and a file at three conflict stages."""
    import subprocess

    from fluxnotify.discovery import git_listing

    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "sub").mkdir()
    for name in ("same.yaml", "changed.yaml", "gone.yaml", "sub/Kustomization", "both.yaml"):
        (tmp_path / name).write_text(f"name: {name}\n")
    (tmp_path / "link.yml").symlink_to("same.yaml")
    (tmp_path / ".gitignore").write_text("ignored.yaml\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "start")
    git(tmp_path, "checkout", "-qb", "other")
    (tmp_path / "both.yaml").write_text("name: other\n")
    git(tmp_path, "commit", "-qam", "other")
    git(tmp_path, "checkout", "-q", "main")
    (tmp_path / "both.yaml").write_text("name: main\n")
    git(tmp_path, "commit", "-qam", "main")
    subprocess.run(["git", "merge", "-q", "other"], cwd=tmp_path, capture_output=True)
    (tmp_path / "changed.yaml").write_text("name: changed, and longer\n")
    (tmp_path / "gone.yaml").unlink()
    (tmp_path / "new.yaml").write_text("name: new\n")
    (tmp_path / "sub" / "new.yml").write_text("name: new\n")
    (tmp_path / "ignored.yaml").write_text("x: 1\n")
    (tmp_path / "notes.txt").write_text("not YAML\n")

    options = ["-z", "-t", "-s", "-c", "-m", "-o", "--exclude-standard"]
    whole = subprocess.run(
        ["git", "ls-files", *options, "--", "*.yaml", "*.yml", "**/Kustomization"],
        cwd=tmp_path,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert " 3\tboth.yaml" in whole  # the conflict is there
    assert "? new.yaml" in whole
    assert "C " in whole
    assert git_listing(tmp_path) == whole
    from fluxnotify.discovery import changed_files

    expected = ["both.yaml", "changed.yaml", "gone.yaml", "new.yaml", "sub/new.yml"]
    assert changed_files(whole) == expected
