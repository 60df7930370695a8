"""fluxnotify/migration.py: targeted edits that change only the lines being migrated."""

from __future__ import annotations

import copy
import difflib
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from validate_support import validate

from fluxnotify import migration
from fluxnotify.errors import InputError
from fluxnotify.migration import FileChange, rewrite, target_api_version, write_all

GROUP = "notification.toolkit.fluxcd.io"

#: Comments in every position, block and flow style, quoted apiVersions, block scalars,
#: post-build variables, an eventMetadata that exists already, a document end marker.
BEFORE = """\
# head comment
---
# before apiVersion
apiVersion: notification.toolkit.fluxcd.io/v1beta2 # end of the apiVersion line
# between keys
kind: Alert
metadata:
  name: on-call # end of line
  namespace: ${NAMESPACE:=flux-system}
spec:
  # before summary
  summary: "${CLUSTER_NAME} cluster" # why
  providerRef:
    name: slack
  eventSources:
    - kind: Kustomization
      name: "*"
# after the last key
---
apiVersion: 'notification.toolkit.fluxcd.io/v1beta1'
kind: Provider
metadata:
  name: slack
spec:
    type: slack
    interval: 5m   # not used since v1beta3
    channel: general
    secretRef:
      name: slack-webhook
---
apiVersion: notification.toolkit.fluxcd.io/v1beta2
kind: Alert
metadata: {name: flow}
spec: {summary: prod, providerRef: {name: slack}, eventSources: [{kind: Kustomization, name: "*"}]}
---
{apiVersion: "notification.toolkit.fluxcd.io/v1beta2", kind: Provider, metadata: {name: f}, spec: {type: slack, interval: 1m, channel: x}}
---
apiVersion: notification.toolkit.fluxcd.io/v1beta2
kind: Alert
metadata:
  name: block
spec:
  summary: |
    multi
    line
  eventMetadata:
    env: prod
    cluster: ${CLUSTER}
  providerRef:
    name: slack
---
apiVersion: notification.toolkit.fluxcd.io/v1beta2
kind: Receiver
metadata:
  name: github
spec:
  type: github
  resources:
    - apiVersion: source.toolkit.fluxcd.io/v1beta2
      kind: GitRepository
      name: flux-system
  secretRef:
    name: webhook-token
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: untouched
data:
  apiVersion: notification.toolkit.fluxcd.io/v1beta2
  summary: not an Alert
---
apiVersion: notification.toolkit.fluxcd.io/v1beta2
kind: Alert
metadata:
  name: end
spec:
  providerRef:
    name: slack
  summary: >-
    folded
    text

...
# after the last document
"""

AFTER = """\
# head comment
---
# before apiVersion
apiVersion: notification.toolkit.fluxcd.io/v1beta3 # end of the apiVersion line
# between keys
kind: Alert
metadata:
  name: on-call # end of line
  namespace: ${NAMESPACE:=flux-system}
spec:
  # before summary
  eventMetadata:
    summary: "${CLUSTER_NAME} cluster" # why
  providerRef:
    name: slack
  eventSources:
    - kind: Kustomization
      name: "*"
# after the last key
---
apiVersion: 'notification.toolkit.fluxcd.io/v1beta3'
kind: Provider
metadata:
  name: slack
spec:
    type: slack
    channel: general
    secretRef:
      name: slack-webhook
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata: {name: flow}
spec: {eventMetadata: {summary: prod}, providerRef: {name: slack}, eventSources: [{kind: Kustomization, name: "*"}]}
---
{apiVersion: "notification.toolkit.fluxcd.io/v1beta3", kind: Provider, metadata: {name: f}, spec: {type: slack, channel: x}}
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: block
spec:
  eventMetadata:
    env: prod
    cluster: ${CLUSTER}
    summary: |
      multi
      line
  providerRef:
    name: slack
---
apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata:
  name: github
spec:
  type: github
  resources:
    - apiVersion: source.toolkit.fluxcd.io/v1beta2
      kind: GitRepository
      name: flux-system
  secretRef:
    name: webhook-token
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: untouched
data:
  apiVersion: notification.toolkit.fluxcd.io/v1beta2
  summary: not an Alert
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: end
spec:
  providerRef:
    name: slack
  eventMetadata:
    summary: >-
      folded
      text

...
# after the last document
"""


def _expected_data(doc: Any, flux_minor: int = 9) -> Any:
    """What a document means after migration, worked out on the parsed data."""
    if not isinstance(doc, dict) or not str(doc.get("apiVersion", "")).startswith(GROUP + "/"):
        return doc
    doc = copy.deepcopy(doc)
    kind = doc["kind"]
    newest = "v1" if kind == "Receiver" else ("v1beta3" if flux_minor >= 2 else "v1beta2")
    doc["apiVersion"] = f"{GROUP}/{newest}"
    spec = doc.get("spec") or {}
    if newest == "v1beta3" and kind == "Alert" and "summary" in spec:
        spec["eventMetadata"] = {
            **(spec.get("eventMetadata") or {}),
            "summary": spec.pop("summary"),
        }
    if newest == "v1beta3" and kind == "Provider" and len(spec) > 1:  # never spec: null
        spec.pop("interval", None)
    return doc


def _changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.ndiff(before.splitlines(True), after.splitlines(True))
        if line[:1] in "+-"
    ]


def test_the_fixture_becomes_exactly_the_expected_text() -> None:
    result = rewrite(BEFORE, "2.9")
    assert result.text == AFTER
    assert result.changes == 13
    assert result.notes == []


def test_the_meaning_changes_only_as_migration_says() -> None:
    before = list(yaml.safe_load_all(BEFORE))
    after = list(yaml.safe_load_all(rewrite(BEFORE, "2.9").text))
    assert after == [_expected_data(doc) for doc in before]


def test_every_comment_line_survives_and_only_migrated_lines_differ() -> None:
    after = rewrite(BEFORE, "2.9").text
    comments = [line for line in BEFORE.splitlines() if line.lstrip().startswith("#")]
    assert comments == [line for line in after.splitlines() if line.lstrip().startswith("#")]
    for line in _changed_lines(BEFORE, after):
        content = line[2:].strip()
        assert content.startswith(
            ("apiVersion:", "{apiVersion:", "spec: {", "summary:", "eventMetadata:", "interval:")
        ) or content in ("multi", "line", "folded", "text"), line


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_endings_are_kept(newline: str) -> None:
    before = BEFORE.replace("\n", newline)
    assert rewrite(before, "2.9").text == AFTER.replace("\n", newline)


def test_a_byte_order_mark_and_a_missing_final_newline_are_kept() -> None:
    before = "\ufeff" + BEFORE.rstrip("\n")
    assert rewrite(before, "2.9").text == "\ufeff" + AFTER.rstrip("\n")


def test_a_second_run_changes_nothing() -> None:
    once = rewrite(BEFORE, "2.9").text
    twice = rewrite(once, "2.9")
    assert (twice.text, twice.changes) == (once, 0)


def test_validate_finds_nothing_to_migrate_afterwards(tmp_path: Path) -> None:
    before = tmp_path / "before" / "notifications.yaml"
    after = tmp_path / "after" / "notifications.yaml"
    for path, text in ((before, BEFORE), (after, rewrite(BEFORE, "2.9").text)):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    wanted = ("api-version", "deprecated-field")
    old = [f.rule for f in validate(tmp_path, before, flux_version="2.9").findings]
    assert old.count("api-version") == 7
    new = [f for f in validate(tmp_path, after, flux_version="2.9").findings if f.rule in wanted]
    assert new == []


@pytest.mark.parametrize(
    ("api_version", "kind", "flux", "expected"),
    [
        ("v1beta1", "Alert", "2.9", "v1beta3"),
        ("v1beta2", "Provider", "2.2", "v1beta3"),
        ("v1beta1", "Alert", "2.1", "v1beta2"),
        ("v1beta2", "Alert", "2.0", None),
        ("v1", "Alert", "2.9", "v1beta3"),  # Alert v1 exists in no release
        ("v1beta3", "Receiver", "2.9", "v1"),
        ("v1beta1", "Receiver", "2.0", "v1"),
        ("v1beta3", "Provider", "2.4", None),
        ("v1", "Receiver", "2.9", None),
    ],
)
def test_the_target_api_version_per_release(
    api_version: str, kind: str, flux: str, expected: str | None
) -> None:
    target, why_not = target_api_version(f"{GROUP}/{api_version}", kind, flux)
    assert target == (f"{GROUP}/{expected}" if expected else None)
    assert why_not == ""


def test_before_flux_2_2_alerts_go_to_v1beta2_and_keep_summary_and_interval() -> None:
    result = rewrite(BEFORE, "2.1")
    after = list(yaml.safe_load_all(result.text))
    assert after == [_expected_data(doc, 1) for doc in yaml.safe_load_all(BEFORE)]
    assert '  summary: "${CLUSTER_NAME} cluster" # why\n' in result.text
    assert "    interval: 5m   # not used since v1beta3\n" in result.text


def test_v1beta3_under_an_older_release_is_not_downgraded() -> None:
    text = f"apiVersion: {GROUP}/v1beta3\nkind: Alert\nspec:\n  summary: x\n"
    result = rewrite(text, "2.1")
    assert result.text == text
    assert result.notes == [(1, result.notes[0][1])]
    assert "needs Flux 2.2 or newer" in result.notes[0][1]


def test_an_unknown_version_is_left_with_a_note() -> None:
    text = f"apiVersion: {GROUP}/${{NOTIFICATION_VERSION}}\nkind: Alert\n"
    result = rewrite(text, "2.9")
    assert result.text == text
    assert [line for line, _ in result.notes] == [1]
    assert "unknown version" in result.notes[0][1]


def test_a_sops_document_is_never_rewritten() -> None:
    sops = (
        f"apiVersion: {GROUP}/v1beta2\n"
        "kind: Provider\n"
        "metadata:\n  name: slack\n"
        "spec:\n  type: slack\n  interval: ENC[AES256_GCM,data:xyz,type:str]\n"
        "sops:\n  mac: ENC[AES256_GCM,data:abc,type:str]\n  version: 3.8.1\n"
    )
    text = sops + "---\n" + f"apiVersion: {GROUP}/v1beta2\nkind: Receiver\n"
    result = rewrite(text, "2.9")
    assert result.text == sops + "---\n" + f"apiVersion: {GROUP}/v1\nkind: Receiver\n"
    assert len(result.notes) == 1
    line, message = result.notes[0]
    assert line == 1
    assert "SOPS-encrypted" in message
    assert "apiVersion notification.toolkit.fluxcd.io/v1beta3, spec.interval" in message


def test_proxy_stays_with_a_note_from_flux_2_7() -> None:
    text = (
        f"apiVersion: {GROUP}/v1beta3\nkind: Provider\nspec:\n"
        "  type: slack\n  proxy: http://proxy.internal:3128 # egress\n"
    )
    late = rewrite(text, "2.7")
    assert late.text == text
    assert len(late.notes) == 1
    assert late.notes[0][0] == 5
    assert "proxySecretRef" in late.notes[0][1]
    assert rewrite(text, "2.6").notes == []


def test_conflicting_summaries_are_left_with_a_note_and_equal_ones_merge() -> None:
    text = (
        f"apiVersion: {GROUP}/v1beta3\nkind: Alert\nspec:\n"
        "  summary: {value}\n  eventMetadata:\n    summary: prod\n"
    )
    differ = rewrite(text.format(value="staging"), "2.9")
    assert differ.text == text.format(value="staging")
    assert "differ" in differ.notes[0][1]
    same = rewrite(text.format(value="prod"), "2.9")
    assert (
        same.text
        == f"apiVersion: {GROUP}/v1beta3\nkind: Alert\nspec:\n  eventMetadata:\n    summary: prod\n"
    )


def test_summary_into_a_flow_event_metadata() -> None:
    text = f"apiVersion: {GROUP}/v1beta3\nkind: Alert\nspec:\n  summary: 'a b'\n  eventMetadata: {{env: prod}}\n"
    result = rewrite(text, "2.9")
    assert result.text == (
        f"apiVersion: {GROUP}/v1beta3\nkind: Alert\nspec:\n  eventMetadata: {{env: prod, summary: 'a b'}}\n"
    )


def test_the_only_field_of_a_spec_is_not_deleted() -> None:
    text = f"apiVersion: {GROUP}/v1beta3\nkind: Provider\nspec:\n  interval: 5m\n"
    result = rewrite(text, "2.9")
    assert result.text == text
    assert "only field" in result.notes[0][1]


def test_an_escaped_api_version_is_written_anew_in_the_same_quotes() -> None:
    text = 'apiVersion: "notification.toolkit.fluxcd.io\\/v1beta2"\nkind: Alert\n'
    assert rewrite(text, "2.9").text == f'apiVersion: "{GROUP}/v1beta3"\nkind: Alert\n'


def test_text_that_is_not_yaml_raises_for_the_caller() -> None:
    with pytest.raises(yaml.YAMLError):
        rewrite("apiVersion: [\n", "2.9")


_KEYS = st.sampled_from(["type", "channel", "address", "username", "summary", "interval", "x"])
_VALUES = st.sampled_from(["a", "'b c'", '"d"', "${VAR}", "5m", "http://h:1"])


@given(
    kind=st.sampled_from(["Alert", "Provider", "Receiver"]),
    version=st.sampled_from(["v1beta1", "v1beta2", "v1beta3"]),
    entries=st.lists(st.tuples(_KEYS, _VALUES), min_size=1, max_size=5, unique_by=lambda e: e[0]),
    comment=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
    indent=st.sampled_from([2, 4]),
    flux=st.sampled_from(["2.1", "2.6", "2.9"]),
    metadata_at=st.none() | st.integers(min_value=0, max_value=5),
    final_newline=st.booleans(),
)
def test_any_block_manifest_keeps_its_meaning_and_its_other_lines(
    kind: str,
    version: str,
    entries: list[tuple[str, str]],
    comment: bool,
    newline: str,
    indent: int,
    flux: str,
    metadata_at: int | None,
    final_newline: bool,
) -> None:
    pad = " " * indent
    lines = [
        f"apiVersion: {GROUP}/{version}",
        f"kind: {kind}",
        "metadata:",
        f"{pad}name: n",
        "spec:",
    ]
    for position, (key, value) in enumerate(entries):
        if position == metadata_at:
            lines += [f"{pad}eventMetadata:", f"{pad}{pad}env: prod"]
        if comment:
            lines.append(f"{pad}# about {key}")
        lines.append(f"{pad}{key}: {value}" + (" # eol" if comment else ""))
    if metadata_at is not None and metadata_at >= len(entries):
        lines += [f"{pad}eventMetadata:", f"{pad}{pad}env: prod"]
    text = newline.join(lines) + (newline if final_newline else "")
    result = rewrite(text, flux)
    before = yaml.safe_load(text)
    minor = int(flux.split(".")[1])
    if version == "v1beta3" and kind != "Receiver" and minor < 2:
        assert result.text == text
        return
    assert yaml.safe_load(result.text) == _expected_data(before, minor)
    kept = [line for line in text.split(newline) if "# about" in line]
    assert kept == [line for line in result.text.split(newline) if "# about" in line]
    assert rewrite(result.text, flux).changes == 0
    assert newline == "\r\n" or "\r" not in result.text
    assert result.text.endswith(newline) == final_newline


# -- writing --------------------------------------------------------------------------------


def _change(path: Path, after: bytes) -> FileChange:
    return FileChange(path, path.name, path.read_bytes(), after, 1)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".fluxnotify"))


def test_write_all_replaces_every_file_and_keeps_its_mode(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_bytes(b"a: 1\n")
    second.write_bytes(b"b: 1\r\n")
    os.chmod(second, 0o640)
    write_all([_change(first, b"a: 2\n"), _change(second, b"b: 2\r\n")])
    assert (first.read_bytes(), second.read_bytes()) == (b"a: 2\n", b"b: 2\r\n")
    assert os.stat(second).st_mode & 0o777 == 0o640
    assert _leftovers(tmp_path) == []


def test_write_all_follows_a_symbolic_link(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_bytes(b"a: 1\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    write_all([_change(link, b"a: 2\n")])
    assert link.is_symlink()
    assert real.read_bytes() == b"a: 2\n"


def test_a_file_changed_since_it_was_read_stops_every_write(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_bytes(b"a: 1\n")
    second.write_bytes(b"b: 1\n")
    changes = [_change(first, b"a: 2\n"), _change(second, b"b: 2\n")]
    second.write_bytes(b"b: edited meanwhile\n")
    with pytest.raises(InputError, match=r"b\.yaml changed while migrate ran"):
        write_all(changes)
    assert first.read_bytes() == b"a: 1\n"
    assert second.read_bytes() == b"b: edited meanwhile\n"
    assert _leftovers(tmp_path) == []


def test_a_failed_rename_puts_back_the_files_already_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [tmp_path / f"{name}.yaml" for name in "abc"]
    for path in files:
        path.write_bytes(b"old\n")
    changes = [_change(path, b"new\n") for path in files]
    real_replace = os.replace
    calls: list[str] = []

    def failing_replace(source: str, target: str) -> None:
        calls.append(target)
        if len(calls) == 3:  # the third file: the first two are already replaced
            raise OSError(28, "No space left on device", target)
        real_replace(source, target)

    monkeypatch.setattr(migration.os, "replace", failing_replace)
    with pytest.raises(InputError, match=r"No space left on device; nothing was changed"):
        write_all(changes)
    assert [path.read_bytes() for path in files] == [b"old\n"] * 3
    assert _leftovers(tmp_path) == []


def test_a_file_that_cannot_be_staged_changes_nothing(tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    first.write_bytes(b"a: 1\n")
    gone = tmp_path / "missing" / "b.yaml"
    changes = [_change(first, b"a: 2\n"), FileChange(gone, "missing/b.yaml", b"", b"b: 2\n", 1)]
    with pytest.raises(InputError, match="nothing was changed"):
        write_all(changes)
    assert first.read_bytes() == b"a: 1\n"
    assert _leftovers(tmp_path) == []


@pytest.mark.needs_shared
def test_corpus_files_set_back_to_v1beta2_migrate_to_their_exact_bytes(shared: Path) -> None:
    """Every corpus file with current notification objects, its apiVersions turned back to
    v1beta2 by text, migrates to exactly the file as its authors wrote it."""
    checked = 0
    for path in sorted((shared / "corpus").rglob("*.y*ml")):
        if "templates" in path.parts:
            continue
        text = path.read_bytes().decode("utf-8")
        if f"{GROUP}/v1" not in text or rewrite(text, "2.9").changes:
            continue
        old = re.sub(rf"{re.escape(GROUP)}/v1(beta3)?\b", f"{GROUP}/v1beta2", text)
        if old == text:
            continue
        checked += 1
        assert rewrite(old, "2.9").text == text, path
    assert checked >= 40


def test_anchors_and_aliases_are_left_with_a_note() -> None:
    text = (
        f"apiVersion: &version {GROUP}/v1beta2\nkind: Alert\nspec:\n"
        "  summary: &s prod\n  eventMetadata:\n    env: *s\n"
        "---\n"
        f"apiVersion: {GROUP}/v1beta2\nkind: Provider\nmetadata:\n  name: &n x\n"
        "spec:\n  type: slack\n  channel: *n\n  interval: *n\n"
    )
    result = rewrite(text, "2.9")
    assert result.text == text.replace(
        f"{GROUP}/v1beta2\nkind: Provider", f"{GROUP}/v1beta3\nkind: Provider"
    )
    assert [line for line, _ in result.notes] == [1, 4, 15]
    assert "apiVersion is a YAML anchor or alias" in result.notes[0][1]
    assert "spec.summary is a YAML anchor, alias or collection" in result.notes[1][1]
    assert "spec.interval is a YAML anchor or alias" in result.notes[2][1]


@given(
    kind=st.sampled_from(["Alert", "Provider"]),
    version=st.sampled_from(["v1beta1", "v1beta2"]),
    entries=st.lists(
        st.tuples(_KEYS, st.sampled_from(["a", "'b c'", '"d, e"', "5m"])),
        min_size=1,
        max_size=5,
        unique_by=lambda e: e[0],
    ),
    spacing=st.sampled_from([", ", ","]),
    metadata=st.sampled_from(["", "eventMetadata: {env: prod}", "eventMetadata: {}"]),
)
def test_any_flow_manifest_keeps_its_meaning(
    kind: str, version: str, entries: list[tuple[str, str]], spacing: str, metadata: str
) -> None:
    items = [f"{key}: {value}" for key, value in entries] + ([metadata] if metadata else [])
    text = (
        f"apiVersion: {GROUP}/{version} # keep\nkind: {kind}\n"
        f"spec: {{{spacing.join(items)}}} # and this\n"
    )
    result = rewrite(text, "2.9")
    assert yaml.safe_load(result.text) == _expected_data(yaml.safe_load(text))
    assert result.text.splitlines()[0].endswith(" # keep")
    assert result.text.endswith("} # and this\n")
    assert rewrite(result.text, "2.9").changes == 0


def test_summary_right_after_event_metadata_moves_into_it() -> None:
    text = (
        f"apiVersion: {GROUP}/v1beta2\nkind: Alert\nspec:\n"
        "  eventMetadata:\n    env: prod\n  summary: prod cluster # shown\n  providerRef:\n"
        "    name: slack\n"
    )
    assert rewrite(text, "2.9").text == (
        f"apiVersion: {GROUP}/v1beta3\nkind: Alert\nspec:\n"
        "  eventMetadata:\n    env: prod\n    summary: prod cluster # shown\n  providerRef:\n"
        "    name: slack\n"
    )


def test_a_last_line_without_newline_is_moved_and_cut_cleanly() -> None:
    text = f"apiVersion: {GROUP}/v1beta2\nkind: Alert\nspec:\n  eventMetadata:\n    env: prod\n  summary: x"
    assert rewrite(text, "2.9").text == (
        f"apiVersion: {GROUP}/v1beta3\nkind: Alert\nspec:\n  eventMetadata:\n    env: prod\n    summary: x"
    )
    earlier = f"apiVersion: {GROUP}/v1beta2\nkind: Alert\nspec:\n  summary: x\n  eventMetadata:\n    env: prod"
    assert rewrite(earlier, "2.9").text == (
        f"apiVersion: {GROUP}/v1beta3\nkind: Alert\nspec:\n  eventMetadata:\n    env: prod\n    summary: x"
    )
    last = f"apiVersion: {GROUP}/v1beta2\nkind: Alert\nspec:\n  eventMetadata:\n    env: prod\n  a: 1\n  summary: x"
    assert rewrite(last, "2.9").text == (
        f"apiVersion: {GROUP}/v1beta3\nkind: Alert\nspec:\n  eventMetadata:\n    env: prod\n    summary: x\n  a: 1"
    )
    provider = f"apiVersion: {GROUP}/v1beta2\nkind: Provider\nspec:\n  type: slack\n  interval: 5m"
    assert rewrite(provider, "2.9").text == (
        f"apiVersion: {GROUP}/v1beta3\nkind: Provider\nspec:\n  type: slack"
    )
