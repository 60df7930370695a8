"""The entry point: ``--version`` before any import, and git's listing started ahead."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from validate_support import git

from fluxnotify import __main__ as entry
from fluxnotify import discovery

ALERT = """apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: a
  namespace: flux-system
spec:
  providerRef:
    name: missing
  eventSources:
    - kind: Kustomization
      name: '*'
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FLUXNOTIFY_CACHE_DIR", str(tmp_path / "cache"))
    project = tmp_path / "repo"
    (project / "alerts").mkdir(parents=True)
    (project / "alerts" / "alert.yaml").write_text(ALERT)
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-qm", "start")
    monkeypatch.chdir(project / "alerts")
    return project


@pytest.mark.parametrize(
    ("args", "root"),
    [
        (["alert.yaml"], "repo"),
        (["--format", "json", "--strict", "alert.yaml"], "repo"),
        (["-f", "json", "--", "alert.yaml"], "repo"),
        (["--root", "..", "alert.yaml"], ".."),
        (["--root=..", "alert.yaml"], ".."),
        (["--help"], None),
    ],
)
def test_validate_has_git_list_the_root_it_will_use(
    repo: Path, args: list[str], root: str | None
) -> None:
    """The arguments read as validate reads them: the root that git lists ahead is the
    one the command uses (the git top level, or --root)."""
    started = entry._list_ahead(args)
    try:
        if root is None:
            assert started is None
        else:
            expected = repo if root == "repo" else Path(root)
            assert started is not None
            assert os.path.samefile(started, expected)
            assert os.path.abspath(started) in discovery._STARTED
    finally:
        if started is not None:
            discovery.forget_listing(started)


def test_a_listing_started_ahead_is_taken_or_forgotten(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run takes the listing started for it; one it did not take (a usage error, a
    wrong guess) is not left for a later run in the same process."""
    assert entry.main(["validate", "-f", "json", "alert.yaml"]) == 1
    assert '"provider-ref"' in capsys.readouterr().out
    assert discovery._STARTED == {}
    assert entry.main(["validate", "--flux-version", "", "alert.yaml"]) == 2
    assert discovery._STARTED == {}
