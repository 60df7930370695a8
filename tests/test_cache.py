"""The cache of files outside the targets: reused when unchanged, never stale, never required."""

from __future__ import annotations

import json
import os
from pathlib import Path

from fluxnotify.cache import CACHE_DIR, FileCache
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


def rules(tmp_path: Path, target: Path, cache: bool = True) -> list[str]:
    report = validate(Options(paths=(str(target),), root=tmp_path, cache=cache))
    return [f.rule for f in report.findings]


def test_unchanged_files_are_read_from_the_cache(tmp_path: Path) -> None:
    alert = project(tmp_path)
    assert rules(tmp_path, alert) == []
    stored = json.loads((tmp_path / CACHE_DIR / "files-1.json").read_text())["files"]
    assert list(stored) == [str(tmp_path / "provider.yaml")]  # targets are not cached
    # Change what the cache holds without touching the file's stamp: the cache is used.
    key = str(tmp_path / "provider.yaml")
    stored[key][5][0][1]["metadata"]["name"] = "renamed"
    cache_file = tmp_path / CACHE_DIR / "files-1.json"
    data = json.loads(cache_file.read_text())
    data["files"] = stored
    cache_file.write_text(json.dumps(data))
    assert rules(tmp_path, alert) == ["provider-ref"]
    assert rules(tmp_path, alert, cache=False) == []


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    alert = project(tmp_path)
    assert rules(tmp_path, alert) == []
    provider = tmp_path / "provider.yaml"
    provider.write_text(PROVIDER.format(name="other-name"))
    os.utime(provider, ns=(1, 1))  # a different stamp, whatever the clock's resolution
    assert rules(tmp_path, alert) == ["provider-ref"]


def test_the_cache_folder_ignores_itself_in_git(tmp_path: Path) -> None:
    rules(tmp_path, project(tmp_path))
    assert (tmp_path / CACHE_DIR / ".gitignore").read_text().splitlines()[-1] == "*"


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    rules(tmp_path, project(tmp_path), cache=False)
    assert not (tmp_path / CACHE_DIR).exists()


def test_a_broken_cache_file_is_ignored(tmp_path: Path) -> None:
    alert = project(tmp_path)
    (tmp_path / CACHE_DIR).mkdir()
    (tmp_path / CACHE_DIR / "files-1.json").write_text("{not json")
    assert rules(tmp_path, alert) == []
    assert FileCache(tmp_path).entries  # rewritten, readable again


def test_a_read_only_root_goes_without(tmp_path: Path) -> None:
    alert = project(tmp_path)
    tmp_path.chmod(0o555)
    try:
        assert rules(tmp_path, alert) == []
        assert not (tmp_path / CACHE_DIR).exists() or os.geteuid() == 0
    finally:
        tmp_path.chmod(0o755)
