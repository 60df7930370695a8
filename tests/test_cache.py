"""The cache of files outside the targets: reused when unchanged, never stale, never required."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from fluxnotify.cache import FileCache, cache_file
from fluxnotify.engine import Options, validate

ALERT = """apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: on-call
  namespace: flux-system
spec:
  eventSeverity: error
  providerRef:
    name: slack
  eventSources:
    - kind: Kustomization
      name: '*'
"""
PROVIDER = """apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: {name}
  namespace: flux-system
spec:
  type: generic
  address: https://example.com/hook
"""


def project(tmp_path: Path) -> Path:
    (tmp_path / "alert.yaml").write_text(ALERT)
    (tmp_path / "provider.yaml").write_text(PROVIDER.format(name="slack"))
    return tmp_path / "alert.yaml"


@pytest.fixture(autouse=True)
def own_cache_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("FLUXNOTIFY_CACHE_DIR", str(folder))
    return folder


def rules(tmp_path: Path, target: Path, cache: bool = True) -> list[str]:
    report = validate(Options(paths=(str(target),), root=tmp_path, cache=cache))
    return [f.rule for f in report.findings]


def test_unchanged_files_are_read_from_the_cache(tmp_path: Path) -> None:
    alert = project(tmp_path)
    assert rules(tmp_path, alert) == []
    stored = json.loads(cache_file(tmp_path).read_text())["files"]
    assert list(stored) == [str(tmp_path / "provider.yaml")]  # targets are not cached
    # Change what the cache holds without touching the file's stamp: the cache is used.
    key = str(tmp_path / "provider.yaml")
    stored[key][5][0][1]["metadata"]["name"] = "renamed"
    data = json.loads(cache_file(tmp_path).read_text())
    data["files"] = stored
    cache_file(tmp_path).write_text(json.dumps(data))
    assert rules(tmp_path, alert) == ["provider-ref"]
    assert rules(tmp_path, alert, cache=False) == []


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    alert = project(tmp_path)
    assert rules(tmp_path, alert) == []
    provider = tmp_path / "provider.yaml"
    provider.write_text(PROVIDER.format(name="other-name"))
    os.utime(provider, ns=(1, 1))  # a different stamp, whatever the clock's resolution
    assert rules(tmp_path, alert) == ["provider-ref"]


def test_nothing_is_written_into_the_project(tmp_path: Path, own_cache_dir: Path) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    rules(tmp_path, project(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*before, "alert.yaml", "provider.yaml"]
    )
    assert [p.parent for p in own_cache_dir.iterdir()] == [own_cache_dir]


def test_each_root_has_its_own_cache(tmp_path: Path) -> None:
    assert cache_file(tmp_path / "a") != cache_file(tmp_path / "b")


def test_no_cache_writes_nothing(tmp_path: Path, own_cache_dir: Path) -> None:
    rules(tmp_path, project(tmp_path), cache=False)
    assert list(own_cache_dir.iterdir()) == []


def test_a_broken_cache_file_is_ignored(tmp_path: Path) -> None:
    alert = project(tmp_path)
    cache_file(tmp_path).parent.mkdir(parents=True, exist_ok=True)
    cache_file(tmp_path).write_text("{not json")
    assert rules(tmp_path, alert) == []
    assert FileCache(tmp_path).entries  # rewritten, readable again


def test_an_unwritable_cache_folder_goes_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("FLUXNOTIFY_CACHE_DIR", str(blocker / "cache"))
    alert = project(tmp_path)
    assert rules(tmp_path, alert) == []
    assert rules(tmp_path, alert) == []


def test_the_user_cache_folder_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLUXNOTIFY_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_file(Path("/x")).parent == tmp_path / "fluxnotify"


def test_a_cache_file_of_another_root_is_not_used(tmp_path: Path) -> None:
    alert = project(tmp_path)
    assert rules(tmp_path, alert) == []
    data = json.loads(cache_file(tmp_path).read_text())
    data["root"] = "/somewhere/else"
    cache_file(tmp_path).write_text(json.dumps(data))
    assert FileCache(tmp_path).entries == {}
