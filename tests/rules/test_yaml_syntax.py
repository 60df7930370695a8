"""yaml-syntax: files Flux cannot read, at the position of the problem; other files still checked."""

from __future__ import annotations

from pathlib import Path

from validate_support import at, lint, of_rule, validate, write

from fluxnotify.parsing import MAX_NODES


def test_bad_indentation_points_at_the_line(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Secret
    metadata:
      name: a
     labels: {}
    """
    findings = of_rule(lint(tmp_path, text), "yaml-syntax")
    assert [f.line for f in findings] == [at(text, "labels: {}")[0]]
    assert findings[0].object is None


def test_tab_indentation_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "tabs.yaml"
    path.write_text("apiVersion: v1\nkind: Secret\nmetadata:\n\tname: a\n", encoding="utf-8")
    findings = validate(tmp_path, path).findings
    assert [(f.rule, f.line, f.column) for f in findings] == [("yaml-syntax", 4, 1)]
    assert findings[0].hint is not None
    assert "tabs" in findings[0].hint


def test_duplicate_key_points_at_the_second_key(tmp_path: Path) -> None:
    text = """
    apiVersion: notification.toolkit.fluxcd.io/v1beta3
    kind: Provider
    metadata:
      name: slack
    spec:
      type: slack
      address: https://slack.com/api/chat.postMessage
      type: discord
    """
    findings = of_rule(lint(tmp_path, text), "yaml-syntax")
    assert [(f.line, f.column) for f in findings] == [at(text, "type: discord", "type")]
    assert "duplicate key `type`" in findings[0].message


def test_non_utf8_byte_position(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: caf\xe9\n")
    findings = validate(tmp_path, path).findings
    assert [(f.rule, f.line, f.column) for f in findings] == [("yaml-syntax", 4, 12)]
    assert "UTF-8" in findings[0].message


def test_utf8_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfapiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n")
    assert validate(tmp_path, path).findings == []


def test_a_syntax_error_after_a_utf8_bom_is_reported(tmp_path: Path) -> None:
    """The manifest test read the file again without leaving out the byte order mark, so
    its first line's `kind:` was not at the start of a line: the error went unreported."""
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfkind: Secret\nmetadata: {name: a: b}\n")
    named = validate(tmp_path, path).findings
    walked = validate(tmp_path).findings
    for findings in (named, walked):
        assert [(f.rule, f.line, f.column) for f in findings] == [("yaml-syntax", 2, 19)]


def test_a_flow_style_manifest_that_does_not_parse_is_an_error(tmp_path: Path) -> None:
    """Its apiVersion and kind are not on lines of their own: it passed as a tool's
    settings file, with no finding."""
    flow = write(tmp_path, "flow.yaml", "{apiVersion: v1, kind: Secret, metadata: {name: a}\n")
    json = write(tmp_path, "json.yaml", '{\n  "kind": "Secret",\n  "data": {"a": [}\n}\n')
    settings = write(tmp_path, "settings.yaml", "{site_name: docs, x: !!python/name:a.b }\n")
    findings = validate(tmp_path, flow, json, settings).findings
    assert [(f.rule, Path(f.path).name, f.line) for f in findings] == [
        ("yaml-syntax", "flow.yaml", 2),
        ("yaml-syntax", "json.yaml", 3),
    ]


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = [
        "apiVersion: notification.toolkit.fluxcd.io/v1beta3",
        "kind: Alert",
        "metadata:",
        "  name: lol",
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
    ]
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    findings = validate(tmp_path, path).findings
    assert [f.rule for f in findings] == ["yaml-syntax"]
    assert f"{MAX_NODES:,}" in findings[0].message


def test_deep_nesting_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("apiVersion: v1\nkind: Secret\nx: " + "[" * 10_000 + "]" * 10_000 + "\n")
    findings = validate(tmp_path, path).findings
    assert [(f.rule, f.line) for f in findings] == [("yaml-syntax", 3)]
    assert findings[0].hint is not None
    assert "nest" in findings[0].hint


def test_other_files_are_still_checked(tmp_path: Path) -> None:
    write(tmp_path, "a-broken.yaml", "kind: Alert\nspec: [\n")
    write(
        tmp_path,
        "b-alert.yaml",
        """
        apiVersion: notification.toolkit.fluxcd.io/v1beta3
        kind: Alert
        metadata:
          name: a
        spec:
          providerRef:
            name: p
          eventSeverity: warn
          eventSources:
            - kind: Bucket
              name: b
        """,
    )
    report = validate(tmp_path)
    rules = {(f.path.rpartition("/")[2], f.rule) for f in report.findings}
    assert ("a-broken.yaml", "yaml-syntax") in rules
    assert ("b-alert.yaml", "schema") in rules


def test_yaml_flux_accepts_is_accepted(tmp_path: Path) -> None:
    text = """
    apiVersion: notification.toolkit.fluxcd.io/v1beta3
    kind: Alert
    metadata:
      name: a
      annotations:
        first: &x one
        second: &x two
        third: *x
        matchType: =
        since: 2024-01-01
    spec:
      providerRef:
        name: p
      eventSeverity: error
      eventSources:
        - kind: Bucket
          name: b
    """
    assert lint(tmp_path, text) == []


def test_comment_only_and_empty_files_are_not_findings(tmp_path: Path) -> None:
    write(tmp_path, "empty.yaml", "")
    write(tmp_path, "comments.yaml", "# nothing here\n---\n# or here\n")
    report = validate(tmp_path, tmp_path / "empty.yaml", tmp_path / "comments.yaml")
    assert report.findings == []
    assert report.objects == 0


def test_files_that_are_not_manifests_are_not_errors_whatever_they_hold(tmp_path: Path) -> None:
    """pre-commit names every YAML file: a tool's settings with custom tags or a repeated
    key get a note, as in a folder walk, not a finding."""
    mkdocs = write(
        tmp_path,
        "mkdocs.yml",
        """
        site_name: docs
        markdown_extensions:
          - pymdownx.emoji:
              emoji_index: !!python/name:material.extensions.emoji.twemoji
        """,
    )
    recyclarr = write(tmp_path, "recyclarr.yml", "sonarr:\n  main:\n    api_key: !env_var KEY\n")
    repeated = write(tmp_path, "settings.yaml", "retries: 1\nretries: 2\n")
    # a list item at column 0 is not a top-level key of a manifest
    listed = write(tmp_path, "list.yaml", "- apiVersion: v1\n  kind: !ref x\n")
    report = validate(tmp_path, mkdocs, recyclarr, repeated, listed)
    assert report.findings == []
    assert (
        sorted(note for _, note in report.notes)
        == ["no Kubernetes object (apiVersion and kind) in it"] * 4
    )


def test_a_custom_tag_in_a_manifest_stays_an_error(tmp_path: Path) -> None:
    text = """
    ---
    apiVersion: v1
    kind: Secret
    metadata:
      name: a
    stringData:
      token: !vault secret/token
    """
    path = write(tmp_path, "secret.yaml", text)
    findings = validate(tmp_path, path).findings
    assert [(f.rule, f.line) for f in findings] == [("yaml-syntax", at(text, "token:")[0])]
    assert "!vault" in findings[0].message
