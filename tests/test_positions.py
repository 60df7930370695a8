"""Positions: line and column of a path in a document, from the text composed again."""

from __future__ import annotations

from pathlib import Path

from fluxnotify.positions import compose, lf_breaks_only, locate

TEXT = """\
apiVersion: v1
kind: Secret
metadata:
  name: s
  labels:
    a: &x one
    b: &x two
stringData:
  address: https://example.com
"""


def test_text_libyaml_refuses_is_composed_by_the_fallback(tmp_path: Path) -> None:
    # a redefined anchor is YAML 1.2 but not libyaml: positions still come out
    nodes = compose(TEXT, tmp_path / "unused.yaml")
    assert locate(nodes, 0, ("stringData", "address")) == (9, 12)
    assert locate(nodes, 0, ("stringData", "address"), key=True) == (9, 3)


def test_a_file_without_its_text_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("---\n" + TEXT.replace("&x two", "two"))
    nodes = compose(None, path)
    assert locate(nodes, 0, ("metadata", "labels", "b")) == (8, 8)


def test_what_cannot_be_located_falls_back(tmp_path: Path) -> None:
    assert compose(None, tmp_path / "gone.yaml") == []
    assert locate([], 3, ("spec",)) == (1, 1)
    nodes = compose("- a\n- b\n", tmp_path / "unused.yaml")
    assert locate(nodes, 0, (1,)) == (2, 3)
    assert locate(nodes, 0, (7,)) == (1, 1)
    assert compose("key: [unclosed\n", tmp_path / "unused.yaml") == []


def test_only_lf_and_cr_break_lines(tmp_path: Path) -> None:
    """NEL, U+2028 and U+2029 in comments do not shift the lines after them (YAML 1.2),
    whether the text is at hand or read again from the file."""
    text = (
        "# one\u2028two\x85three\u2029four\n"
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s  # \u2028\nstringData:\n  a: b\n"
    )
    path = tmp_path / "secret.yaml"
    path.write_text(text, encoding="utf-8")
    for nodes in (compose(lf_breaks_only(text), path), compose(None, path)):
        assert locate(nodes, 0, ("stringData", "a")) == (7, 6)
