"""The cache of files outside the targets: reused when unchanged, never stale, never required."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from validate_support import git

from fluxnotify.cache import FileCache, cache_file, read_store, snapshot_file, write_store
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


def _age(folder: Path, seconds: int = 60) -> None:
    """Date every file back: a file written within the last clock tick is never trusted."""
    past = int((Path(folder).stat().st_mtime - seconds) * 1e9)
    for path in folder.rglob("*.yaml"):
        os.utime(path, ns=(past, past))


def committed(tmp_path: Path) -> Path:
    """``project`` in a git repository, committed: what the project snapshot needs."""
    alert = project(tmp_path)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "start")
    return alert


def project(tmp_path: Path) -> Path:
    (tmp_path / "alert.yaml").write_text(ALERT)
    (tmp_path / "provider.yaml").write_text(PROVIDER.format(name="slack"))
    # the provider old enough to be trusted; the alert just written, so that no run is
    # answered by the report memo
    past = int((tmp_path.stat().st_mtime - 60) * 1e9)
    os.utime(tmp_path / "provider.yaml", ns=(past, past))
    return tmp_path / "alert.yaml"


@pytest.fixture(autouse=True)
def own_cache_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("FLUXNOTIFY_CACHE_DIR", str(folder))
    return folder


def stored(root: Path) -> dict[str, Any]:
    data = read_store(cache_file(root))
    assert isinstance(data, dict)
    return data


def rules(tmp_path: Path, target: Path, cache: bool = True) -> list[str]:
    report = validate(Options(paths=(str(target),), root=tmp_path, cache=cache))
    return [f.rule for f in report.findings]


def test_unchanged_files_are_read_from_the_cache(tmp_path: Path) -> None:
    alert = project(tmp_path)
    assert rules(tmp_path, alert) == []
    data = stored(tmp_path)
    assert list(data["files"]) == [str(tmp_path / "provider.yaml")]  # named files are not
    # Change what the cache holds without touching the file's stamp: the cache is used.
    key = str(tmp_path / "provider.yaml")
    stamp, level, blob, (docs, kustomization), scan = data["files"][key]
    ((index, api_version, kind, namespace, _, build),) = docs
    renamed = ((index, api_version, kind, namespace, "renamed", build),)
    data["files"][key] = (stamp, level, blob, (renamed, kustomization), scan)
    write_store(cache_file(tmp_path), data)
    assert rules(tmp_path, alert) == ["provider-ref"]
    assert rules(tmp_path, alert, cache=False) == []


def test_unchanged_files_outside_the_targets_come_from_the_snapshot(tmp_path: Path) -> None:
    """A run of named files takes the others from the project snapshot when git's listing
    says they are unchanged: one store, not one entry per file; a file that changed since
    (edited, deleted, added) is read, or found gone."""
    alert = committed(tmp_path)
    assert rules(tmp_path, alert) == []
    data = read_store(snapshot_file(tmp_path))
    assert isinstance(data, dict)
    listed, loose, _, facts, _, _, _, _, _ = data["snapshot"]
    key = str(tmp_path / "provider.yaml")
    assert "\tprovider.yaml\0" in listed
    assert loose == {}  # git vouches for both files
    # What the snapshot says, not the file (nor the file cache): the Provider renamed.
    ((index, api_version, kind, namespace, _, build),), kustomization = facts[key]
    facts[key] = (((index, api_version, kind, namespace, "renamed", build),), kustomization)
    write_store(snapshot_file(tmp_path), data)
    assert rules(tmp_path, alert) == ["provider-ref"]
    # The Provider edited: git no longer vouches for it, and it is read again.
    provider = tmp_path / "provider.yaml"
    provider.write_text(PROVIDER.format(name="slack") + "# edited\n")
    assert rules(tmp_path, alert) == []
    provider.unlink()
    assert rules(tmp_path, alert) == ["provider-ref"]
    (tmp_path / "other.yaml").write_text(PROVIDER.format(name="slack"))  # untracked
    assert rules(tmp_path, alert) == []


def test_a_run_of_a_changed_named_file_reads_no_entry_of_the_file_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pre-commit case: the named file changed, nothing else did. The rest of the
    project comes from the snapshot (and the data of the files the rules read from its
    data store), never from the file cache's entry per file, nor from the files."""
    alert = committed(tmp_path)
    (tmp_path / "secret.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: flux-system\n"
    )
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "secret")
    assert rules(tmp_path, alert) == []
    alert.write_text(ALERT.replace("name: slack", "name: missing"))

    def unread(self: FileCache) -> dict[str, Any]:
        raise AssertionError("the file cache was read")

    monkeypatch.setattr(FileCache, "entries", property(unread))
    import fluxnotify.parsing

    real_load = fluxnotify.parsing.load
    read: list[str] = []

    def load(path: Any, *args: Any, **kwargs: Any) -> Any:
        read.append(os.path.basename(os.fspath(path)))
        return real_load(path, *args, **kwargs)

    monkeypatch.setattr(fluxnotify.parsing, "load", load)
    monkeypatch.setattr("fluxnotify.project.load", load)
    monkeypatch.setattr("fluxnotify.cache.load", load)
    assert rules(tmp_path, alert) == ["provider-ref"]
    assert read == ["alert.yaml"]
    monkeypatch.undo()
    assert rules(tmp_path, alert, cache=False) == ["provider-ref"]


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
    assert {p.parent for p in own_cache_dir.iterdir()} == {own_cache_dir}


def test_each_root_has_its_own_cache(tmp_path: Path) -> None:
    assert cache_file(tmp_path / "a") != cache_file(tmp_path / "b")


def test_no_cache_writes_nothing(tmp_path: Path, own_cache_dir: Path) -> None:
    rules(tmp_path, project(tmp_path), cache=False)
    assert list(own_cache_dir.iterdir()) == []


def test_a_broken_cache_file_is_ignored(tmp_path: Path) -> None:
    alert = project(tmp_path)
    cache_file(tmp_path).parent.mkdir(parents=True, exist_ok=True)
    cache_file(tmp_path).write_bytes(b"\x00\x01not marshal")
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
    data = stored(tmp_path)
    data["root"] = "/somewhere/else"
    write_store(cache_file(tmp_path), data)
    assert FileCache(tmp_path).entries == {}


# The memo of whole Reports (cache.ReportMemo): an unchanged repository is not read again.

BROKEN_ALERT = ALERT.replace("eventSeverity: error", "eventSeverity: warn")


def _forbid_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    from fluxnotify import engine

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the project was read although nothing changed")

    monkeypatch.setattr(engine.Project, "load", refuse)


def test_an_unchanged_repository_gets_the_same_report_without_reading_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "alert.yaml").write_text(BROKEN_ALERT)
    (tmp_path / "provider.yaml").write_text(PROVIDER.format(name="slack"))
    _age(tmp_path)
    options = Options(paths=(str(tmp_path),), root=tmp_path)
    first = validate(options)
    assert [f.rule for f in first.findings] == ["schema"]
    _forbid_reading(monkeypatch)
    assert validate(options) == first


def test_a_changed_file_is_not_answered_from_the_memo(tmp_path: Path) -> None:
    (tmp_path / "alert.yaml").write_text(BROKEN_ALERT)
    (tmp_path / "provider.yaml").write_text(PROVIDER.format(name="slack"))
    _age(tmp_path, 120)
    options = Options(paths=(str(tmp_path),), root=tmp_path)
    assert [f.rule for f in validate(options).findings] == ["schema"]
    (tmp_path / "alert.yaml").write_text(ALERT)
    _age(tmp_path, 60)  # a new stamp, old enough to be trusted
    assert validate(options).findings == []


def test_a_new_or_deleted_file_is_a_change(tmp_path: Path) -> None:
    (tmp_path / "alert.yaml").write_text(ALERT)
    _age(tmp_path)
    options = Options(paths=(str(tmp_path),), root=tmp_path)
    assert [f.rule for f in validate(options).findings] == ["provider-ref"]
    (tmp_path / "provider.yaml").write_text(PROVIDER.format(name="slack"))
    _age(tmp_path)
    assert validate(options).findings == []
    (tmp_path / "provider.yaml").unlink()
    assert [f.rule for f in validate(options).findings] == ["provider-ref"]


def test_a_file_changed_in_the_same_clock_tick_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git's racily clean rule: an edit that keeps the size and the coarse mtime of a file
    stamped a moment earlier must not be answered from the memo."""
    alert = tmp_path / "alert.yaml"
    alert.write_text(BROKEN_ALERT)
    (tmp_path / "provider.yaml").write_text(PROVIDER.format(name="slack"))
    options = Options(paths=(str(tmp_path),), root=tmp_path)
    assert [f.rule for f in validate(options).findings] == ["schema"]
    stamp = alert.stat().st_mtime_ns
    alert.write_text(BROKEN_ALERT.replace("warn", "erro"))  # same size
    os.utime(alert, ns=(stamp, stamp))
    assert next(f.message for f in validate(options).findings).count("'erro'") == 1


def test_options_are_part_of_the_memo(tmp_path: Path) -> None:
    (tmp_path / "alert.yaml").write_text(BROKEN_ALERT)
    _age(tmp_path)
    everything = Options(paths=(str(tmp_path),), root=tmp_path)
    fewer = Options(paths=(str(tmp_path),), root=tmp_path, disable=("provider-ref",))
    for _ in range(2):
        assert sorted(f.rule for f in validate(everything).findings) == ["provider-ref", "schema"]
        assert [f.rule for f in validate(fewer).findings] == ["schema"]


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "wrong-shape"])
def test_a_damaged_memo_is_ignored(tmp_path: Path, own_cache_dir: Path, damage: str) -> None:
    import marshal
    import zlib

    (tmp_path / "alert.yaml").write_text(BROKEN_ALERT)
    (tmp_path / "provider.yaml").write_text(PROVIDER.format(name="slack"))
    _age(tmp_path)
    options = Options(paths=(str(tmp_path),), root=tmp_path)
    first = validate(options)
    (memo,) = own_cache_dir.glob("memo-*")
    blob = memo.read_bytes()
    if damage == "flip":
        blob = blob[:-3] + bytes([blob[-3] ^ 0xFF]) + blob[-2:]
    elif damage == "truncate":
        blob = blob[: len(blob) // 2]
    elif damage == "garbage":
        blob = b"\x00" * 40
    else:  # a valid checksum over data of another shape
        key, head, body = marshal.loads(blob[4:])
        payload = marshal.dumps(
            (
                key,
                marshal.dumps({**marshal.loads(head), "taken": 1 << 62}),
                marshal.dumps({**marshal.loads(body), "report": (1, 2)}),
            )
        )
        blob = zlib.crc32(payload).to_bytes(4, "big") + payload
    memo.write_bytes(blob)
    assert validate(options) == first


def test_standard_input_is_never_memoised(
    tmp_path: Path, own_cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(BROKEN_ALERT.encode())))
    report = validate(Options(paths=("-",), root=tmp_path))
    assert "schema" in [f.rule for f in report.findings]
    assert not list(own_cache_dir.glob("memo-*"))


_PLAIN = (1, None, False, True, None, [], None, None, None, [])


@pytest.mark.parametrize(
    "entry",
    [
        "not a tuple",
        (1, 2),
        (1, _PLAIN[:9], ((), None), None),
        (1, ("one", *_PLAIN[1:]), ((), None), None),
        (1, (*_PLAIN[:9], [(0, {"kind": "X"}, None)]), ((), None), None),
        (1, (*_PLAIN[:9], [(0, "text", None)]), ((), None), None),
        (1, (*_PLAIN[:4], ("one",), *_PLAIN[5:]), ((), None), None),
        (1, _PLAIN, "no facts", None),
        (1, _PLAIN, ((), None), (1,)),
        (1, "not marshalled", ((), None), None),
        (0, _PLAIN, (((0, 1, "Provider", None, None, None),), None), None),
    ],
    ids=[
        "string",
        "short",
        "plain-short",
        "count-not-int",
        "no-api-version",
        "not-a-map",
        "syntax",
        "facts-not-a-tuple",
        "scan-short",
        "not-bytes",
        "facts-api-version-not-a-string",
    ],
)
def test_an_entry_of_the_wrong_shape_is_discarded(tmp_path: Path, entry: object) -> None:
    """Data of the wrong shape behind a valid checksum (another version's, another tool's)
    is read again, never trusted and never an internal error."""
    import marshal

    alert = project(tmp_path)
    assert rules(tmp_path, alert) == []
    data = stored(tmp_path)
    key = str(tmp_path / "provider.yaml")
    good = data["files"][key]
    if isinstance(entry, tuple) and len(entry) == 4:
        level, plain, facts, scan = entry
        blob = marshal.dumps(plain) if isinstance(plain, tuple) else plain
        if facts == ((), None):  # the objects the cache says the file holds: the real ones
            facts = good[3]
        entry = (good[0], level, blob, facts, scan)
    data["files"][key] = entry
    write_store(cache_file(tmp_path), data)
    assert rules(tmp_path, alert) == []  # the Provider read for references
    walk = Options(paths=(str(tmp_path),), root=tmp_path)
    assert validate(walk) == validate(walk._replace(cache=False))  # and as a target
    assert stored(tmp_path)["files"][key][1:] != entry[1:]


def test_objects_known_from_the_cache_are_read_when_first_used(tmp_path: Path) -> None:
    """A file outside the targets comes from the cache as the objects it holds; an
    object's data is read from the cache only when a rule looks at it."""
    import marshal

    from fluxnotify.engine import open_project

    alert = project(tmp_path)
    assert rules(tmp_path, alert) == []
    options = Options(paths=(str(alert),), root=tmp_path)
    key = str(tmp_path / "provider.yaml")
    (provider,) = open_project(options).files[key].documents
    assert (provider.kind, provider.name, provider.namespace) == (
        "Provider",
        "slack",
        "flux-system",
    )
    assert provider.spec == {"type": "generic", "address": "https://example.com/hook"}
    # What the cache holds is what is read: the data tampered with, not the file.
    data = stored(tmp_path)
    stamp, level, blob, facts, scan = data["files"][key]
    plain = marshal.loads(blob)
    plain[9][0][1]["spec"]["address"] = "https://example.com/other"
    data["files"][key] = (stamp, level, marshal.dumps(plain), facts, scan)
    write_store(cache_file(tmp_path), data)
    (provider,) = open_project(options).files[key].documents
    assert provider.spec["address"] == "https://example.com/other"


def test_a_file_modified_as_the_cache_was_written_is_read_again(tmp_path: Path) -> None:
    """Racily clean: same size, and an mtime no older than the cache file's, as when the
    file changes within the clock tick of the write. Its entry cannot be trusted."""
    alert = project(tmp_path)
    assert rules(tmp_path, alert) == []
    provider = tmp_path / "provider.yaml"
    written = os.stat(cache_file(tmp_path)).st_mtime_ns
    data = stored(tmp_path)
    provider.write_text(PROVIDER.format(name="slock"))  # same size
    # the stamp the cache holds, and at the same time as the cache write
    os.utime(provider, ns=(written, written))
    _, level, plain, facts, scan = data["files"][str(provider)]
    data["files"][str(provider)] = ((provider.stat().st_size, written), level, plain, facts, scan)
    write_store(cache_file(tmp_path), data)
    os.utime(cache_file(tmp_path), ns=(written, written))
    assert rules(tmp_path, alert) == ["provider-ref"]


def test_edited_package_code_is_not_answered_from_the_memo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A development checkout keeps its version while its rules change."""
    from fluxnotify import cache

    (tmp_path / "alert.yaml").write_text(BROKEN_ALERT)
    _age(tmp_path)
    options = Options(paths=(str(tmp_path),), root=tmp_path)
    first = validate(options)
    edited = (*cache._code_stamp(), ("/edited/rule.py", 1, 1))
    monkeypatch.setattr(cache, "_code_stamp", lambda: edited)
    monkeypatch.setattr(cache, "_IDENTITY", None)  # worked out once per process
    _forbid_reading(monkeypatch)
    with pytest.raises(AssertionError, match="the project was read"):
        validate(options)
    monkeypatch.undo()
    assert validate(options) == first


def test_files_of_a_walked_folder_come_from_the_cache(tmp_path: Path) -> None:
    """A whole-tree re-run reads only what changed: the files of the walk come from the
    cache as much as the references do (files named one by one are always read)."""
    from fluxnotify.cache import TARGET

    (tmp_path / "alert.yaml").write_text(BROKEN_ALERT)
    (tmp_path / "provider.yaml").write_text(PROVIDER.format(name="slack"))
    _age(tmp_path)
    walk = Options(paths=(str(tmp_path),), root=tmp_path)
    assert [f.rule for f in validate(walk).findings] == ["schema"]
    data = stored(tmp_path)
    key = str(tmp_path / "alert.yaml")
    import marshal

    stamp, level, blob, facts, scan = data["files"][key]
    assert level == TARGET
    plain = marshal.loads(blob)
    plain[9][0][1]["spec"]["eventSeverity"] = "error"  # what the cache says, not the file
    data["files"][key] = (stamp, level, marshal.dumps(plain), facts, scan)
    write_store(cache_file(tmp_path), data)
    # other options, so that the report memo does not answer
    other = walk._replace(disable=("secret-ref",))
    assert [f.rule for f in validate(other).findings] == []
    assert [f.rule for f in validate(other._replace(cache=False)).findings] == ["schema"]
    named = Options(paths=(key,), root=tmp_path, disable=("secret-ref",))
    assert [f.rule for f in validate(named).findings] == ["schema"]


def test_a_file_read_only_for_references_is_read_again_as_a_target(tmp_path: Path) -> None:
    """What was kept of a file outside the targets (objects maybe only scanned) does not
    stand for the file when a folder walk checks it."""
    from fluxnotify.cache import REFERENCES, TARGET

    alert = project(tmp_path)
    assert rules(tmp_path, alert) == []
    data = stored(tmp_path)
    key = str(tmp_path / "provider.yaml")
    import marshal

    stamp, level, blob, facts, scan = data["files"][key]
    assert level == REFERENCES
    plain = marshal.loads(blob)
    plain[9][0][1]["spec"]["type"] = "no-such-type"
    data["files"][key] = (stamp, level, marshal.dumps(plain), facts, scan)
    write_store(cache_file(tmp_path), data)
    walk = Options(paths=(str(tmp_path),), root=tmp_path)
    assert [f.rule for f in validate(walk).findings] == []  # read from the file
    assert stored(tmp_path)["files"][key][1] == TARGET


def test_the_graph_of_the_last_run_is_reused_while_what_it_reads_is_unchanged(
    tmp_path: Path,
) -> None:
    """Where each object is applied is worked out again only when a file changed in a way
    the graph reads (a kustomization, an object's namespace...), not for every edit."""
    alert = committed(tmp_path)
    assert rules(tmp_path, alert) == []
    data = read_store(snapshot_file(tmp_path))
    assert isinstance(data, dict)
    graph = data["snapshot"][5]
    assert graph[0] == {}  # no Flux Kustomization: every object where it says
    # What the store says, not the files: the Provider applied in another namespace.
    graph[0][(str(tmp_path / "provider.yaml"), 0)] = ([(None, "elsewhere")], [])
    write_store(snapshot_file(tmp_path), data)
    # The alert edited without changing what the graph reads: the stored graph is used.
    alert.write_text(ALERT.replace("eventSeverity: error", "eventSeverity: info"))
    assert rules(tmp_path, alert) == ["provider-ref"]
    # A kustomization added: the graph is built again, from the files.
    (tmp_path / "kustomization.yaml").write_text("resources:\n- provider.yaml\n- alert.yaml\n")
    assert rules(tmp_path, alert) == []


def test_a_change_the_rest_cannot_see_rechecks_only_the_changed_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file with no object before or after its change (a ConfigMap, a values file) is
    read by nothing else: the rest of the last Report still holds, and the project is not
    read again. A change to a file with objects reads it all again."""
    (tmp_path / "alert.yaml").write_text(BROKEN_ALERT)
    (tmp_path / "provider.yaml").write_text(PROVIDER.format(name="slack"))
    config_map = tmp_path / "config.yaml"
    config_map.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    _age(tmp_path)
    options = Options(paths=(str(tmp_path),), root=tmp_path)
    assert [f.rule for f in validate(options).findings] == ["schema"]

    def change(path: Path, text: str) -> None:
        path.write_text(text)
        past = int((tmp_path.stat().st_mtime - 30) * 1e9) + len(text)
        os.utime(path, ns=(past, past))

    # broken: a Secret, but no object read from it
    change(config_map, "apiVersion: v1\nkind: Secret\nmetadata: {name: x\n")
    with monkeypatch.context() as forbidden:
        _forbid_reading(forbidden)
        report = validate(options)
    assert report == validate(options._replace(cache=False))
    assert sorted(f.rule for f in report.findings) == ["schema", "yaml-syntax"]
    change(config_map, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n# fixed\n")
    with monkeypatch.context() as forbidden:
        _forbid_reading(forbidden)
        assert [f.rule for f in validate(options).findings] == ["schema"]
    # An object in the changed file: everything is read again.
    change(config_map, PROVIDER.format(name="other"))
    with monkeypatch.context() as forbidden:
        _forbid_reading(forbidden)
        with pytest.raises(AssertionError, match="the project was read"):
            validate(options)
    assert validate(options) == validate(options._replace(cache=False))


def test_each_set_of_options_keeps_its_last_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pre-commit runs on a few files between two whole-tree runs: the whole tree's last
    Report is still there for the next whole-tree run to start from."""
    (tmp_path / "alert.yaml").write_text(BROKEN_ALERT)
    (tmp_path / "provider.yaml").write_text(PROVIDER.format(name="slack"))
    config_map = tmp_path / "config.yaml"
    config_map.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    _age(tmp_path)
    walk = Options(paths=(str(tmp_path),), root=tmp_path)
    first = validate(walk)
    # a run on one file, after the Alert changed and was put back
    alert = tmp_path / "alert.yaml"
    alert.write_text(ALERT)
    os.utime(alert, ns=(10**18, 10**18))
    validate(Options(paths=(str(alert),), root=tmp_path))
    alert.write_text(BROKEN_ALERT)
    _age(tmp_path)
    config_map.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n# x\n")
    past = int((tmp_path.stat().st_mtime - 30) * 1e9)
    os.utime(config_map, ns=(past, past))
    with monkeypatch.context() as forbidden:
        _forbid_reading(forbidden)
        again = validate(walk)  # only the ConfigMap is read again
    assert again.findings == first.findings


def test_in_git_an_unchanged_repository_is_answered_before_the_listing_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git's index and the files git does not vouch for stand for the whole listing: an
    unchanged repository is answered without going through it. Any change (an edit, a
    staged edit, a new file) is seen."""
    from fluxnotify import engine

    (tmp_path / "alert.yaml").write_text(BROKEN_ALERT)
    (tmp_path / "provider.yaml").write_text(PROVIDER.format(name="slack"))
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "start")
    options = Options(paths=(str(tmp_path),), root=tmp_path)
    first = validate(options)
    assert [f.rule for f in first.findings] == ["schema"]

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the listing was read")

    with monkeypatch.context() as patched:
        patched.setattr(engine, "project_listing", refuse)
        assert validate(options) == first
        alert = tmp_path / "alert.yaml"
        alert.write_text(ALERT)  # fixed, not staged
        with pytest.raises(AssertionError, match="the listing was read"):
            validate(options)
    assert validate(options).findings == []
    git(tmp_path, "add", "alert.yaml")  # the same contents, staged: the index changed
    assert validate(options).findings == []
    (tmp_path / "other.yaml").write_text(BROKEN_ALERT.replace("on-call", "other"))  # untracked
    assert [f.rule for f in validate(options).findings] == ["schema"]
    assert validate(options) == validate(options._replace(cache=False))


def test_the_memos_of_the_most_recent_sets_of_options_are_kept(
    tmp_path: Path, own_cache_dir: Path
) -> None:
    from fluxnotify.cache import MEMOS

    (tmp_path / "alert.yaml").write_text(BROKEN_ALERT)
    _age(tmp_path)
    rules = ["provider-ref", "secret-ref", "schema", "regex", "event-severity"]
    for number in range(MEMOS + 2):
        disable = tuple(rule for i, rule in enumerate(rules) if number >> i & 1)
        validate(Options(paths=(str(tmp_path),), root=tmp_path, disable=disable))
    assert len(list(own_cache_dir.glob("memo-*"))) == MEMOS


def test_what_changed_in_git_listing_is_found_from_where_two_listings_differ() -> None:
    """The snapshot compares git's listings by where they stop being alike (not line by
    line): over random edits (lines changed, added, deleted), the files it finds changed
    are those whose lines differ, and the middle it reads is whole lines."""
    import random

    from fluxnotify.cache import _middle, _path

    rng = random.Random(5)
    for _ in range(2000):
        before = [
            f"H 100644 {rng.getrandbits(160):040x} 0\tdir{i % 7}/f{i}.yaml"
            for i in range(rng.randint(0, 40))
        ]
        after = list(before)
        for _ in range(rng.randint(0, 4)):
            step = rng.random()
            if step < 0.3 and after:
                after[rng.randrange(len(after))] = f"C 100644 {rng.random()} 0\tx.yaml"
            elif step < 0.6:
                after.insert(rng.randint(0, len(after)), f"? new{rng.randint(0, 9)}.yaml")
            elif after:
                del after[rng.randrange(len(after))]
        old, new = ("".join(line + "\0" for line in lines) for lines in (before, after))
        old_middle, new_middle = _middle(old, new)
        every = set(old.split("\0")) ^ set(new.split("\0"))
        found = set(old_middle.split("\0")) ^ set(new_middle.split("\0"))
        assert {_path(line) for line in found} == {_path(line) for line in every}
        assert all(not part or part.endswith("\0") for part in (old_middle, new_middle))


def test_a_change_the_rest_cannot_see_moves_the_snapshot_on(tmp_path: Path) -> None:
    """A whole-tree run that re-checks only a ConfigMap given a comment (the incremental
    re-check) brings the snapshot's listing up to date: the next pre-commit run finds
    nothing changed but its own file, and keeps the snapshot as it is."""
    alert = committed(tmp_path)
    config_map = tmp_path / "config.yaml"
    config_map.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "config")
    whole = Options(paths=(str(tmp_path),), root=tmp_path)
    assert validate(whole).findings == []
    config_map.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n# new\n")
    _age(tmp_path)
    assert validate(whole).findings == []
    data = read_store(snapshot_file(tmp_path))
    assert isinstance(data, dict)
    assert list(data["snapshot"][1]) == ["config.yaml"]  # the stamps of what git does not vouch for
    written = snapshot_file(tmp_path).stat().st_mtime_ns
    alert.write_text(ALERT + "# edited\n")
    assert rules(tmp_path, alert) == []
    assert snapshot_file(tmp_path).stat().st_mtime_ns == written


def test_the_data_of_an_unchanged_file_comes_from_the_snapshot_data_store(
    tmp_path: Path,
) -> None:
    """A rule that reads another file's objects (secret-keys reads the keys of a
    Provider's Secret) reads them from the data store, where the snapshot says, checked
    by CRC: a damaged entry is not used (the file cache or the file answers instead)."""
    import marshal
    import zlib

    from fluxnotify.cache import data_file

    provider = tmp_path / "provider.yaml"
    provider.write_text(
        PROVIDER.format(name="slack")
        .replace("type: generic", "type: slack")
        .replace("  address: https://example.com/hook\n", "  secretRef:\n    name: hook\n")
    )
    secret = tmp_path / "secret.yaml"
    secret.write_text(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: hook\n  namespace: flux-system\n"
        "stringData:\n  address: https://hooks.slack.com/services/T0/B0/XXXX\n"
    )
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "start")
    assert "secret-keys" not in rules(tmp_path, provider)
    provider.write_text(provider.read_text() + "# edited\n")
    data = read_store(snapshot_file(tmp_path))
    assert isinstance(data, dict)
    snapshot = list(data["snapshot"])
    where = snapshot[7]
    key = str(secret)
    offset, length, _ = where[key]
    store = data_file(tmp_path).read_bytes()
    plain = marshal.loads(store[offset : offset + length])
    plain[9][0][1]["stringData"] = {"other": "x"}  # what the store says: no address
    blob = marshal.dumps(plain)
    data_file(tmp_path).write_bytes(store + blob)
    where[key] = (len(store), len(blob), zlib.crc32(blob))
    data["snapshot"] = tuple(snapshot)
    write_store(snapshot_file(tmp_path), data)
    assert "secret-keys" in rules(tmp_path, provider)  # the store's data, not the file's
    # The same entry damaged: its CRC fails, and the file's own data is read.
    where[key] = (len(store), len(blob), zlib.crc32(blob) ^ 1)
    write_store(snapshot_file(tmp_path), data)
    assert "secret-keys" not in rules(tmp_path, provider)


def test_a_link_that_now_leads_out_of_the_project_is_no_longer_part_of_it(
    tmp_path: Path,
) -> None:
    """A symbolic link git tracks, retargeted out of the root: the snapshot no longer
    answers for it (its line changed), and a link out of the project is not read."""
    root = tmp_path / "repo"
    (root / "providers").mkdir(parents=True)
    alert = root / "alert.yaml"
    alert.write_text(ALERT)
    (root / "providers" / "slack.yaml").write_text(PROVIDER.format(name="slack"))
    (root / "provider.yaml").symlink_to("providers/slack.yaml")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "start")
    assert rules(root, alert) == []
    (root / "providers" / "slack.yaml").unlink()
    (root / "provider.yaml").unlink()
    (tmp_path / "outside.yaml").write_text(PROVIDER.format(name="slack"))
    (root / "provider.yaml").symlink_to(tmp_path / "outside.yaml")
    alert.write_text(ALERT + "# edited\n")
    assert rules(root, alert) == ["provider-ref"]
    assert rules(root, alert, cache=False) == ["provider-ref"]


def test_named_files_with_no_object_do_not_read_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit of files that hold no object (a workflow, a values file, one that does
    not parse): only the file rules have anything to say, so the rest of the project is
    not read, even when the snapshot cannot stand for it (a file was added since)."""
    committed(tmp_path)
    (tmp_path / "new.yaml").write_text(PROVIDER.format(name="new"))  # the snapshot is behind
    workflow = tmp_path / "ci.yaml"
    workflow.write_text("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n")
    import fluxnotify.project

    real = fluxnotify.project._load_all
    read: list[str] = []

    def load_all(jobs: list[Any], root: Any) -> Any:
        read.extend(os.path.basename(os.fspath(job[0])) for job in jobs)
        return real(jobs, root)

    monkeypatch.setattr(fluxnotify.project, "_load_all", load_all)
    named = Options(paths=(str(workflow), str(broken)), root=tmp_path)
    report = validate(named)
    assert sorted(read) == ["broken.yaml", "ci.yaml"]
    assert report == validate(named._replace(cache=False))
    assert [f.rule for f in report.findings] == ["yaml-syntax"]
    read.clear()
    both = named._replace(paths=(*named.paths, str(tmp_path / "alert.yaml")))
    assert [f.rule for f in validate(both).findings] == ["yaml-syntax"]
    assert len(read) > 3  # a file with an object: the project is read


def test_a_run_that_reads_many_unchanged_files_reads_the_data_store_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Building the graph again (a file was added) reads every kustomization's data: the
    first few come from the data store one by one, the rest from one read of the store."""
    from fluxnotify import cache as cache_module

    alert = committed(tmp_path)
    for number in range(40):
        write = tmp_path / f"app{number}" / "kustomization.yaml"
        write.parent.mkdir()
        write.write_text(f"namespace: app{number}\nresources:\n- config.yaml\n")
        (write.parent / "config.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{number}\n"
        )
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "apps")
    assert rules(tmp_path, alert) == []  # the snapshot, with every file's data
    (tmp_path / "added.yaml").write_text(PROVIDER.format(name="added"))
    alert.write_text(ALERT + "# edited\n")
    real = cache_module.read_data
    asked: list[int | None] = []

    def read_data(root: Path, snapshot: Any, keys: list[str] | None) -> dict[str, bytes]:
        asked.append(None if keys is None else len(keys))
        return real(root, snapshot, keys)

    monkeypatch.setattr(cache_module, "read_data", read_data)
    assert rules(tmp_path, alert) == []
    assert asked.count(None) == 1  # the whole store, once
    assert asked.count(1) <= cache_module._FEW_READS
