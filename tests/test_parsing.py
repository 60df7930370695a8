"""Parsing: the documents of a file, their positions, and the YAML that Flux accepts."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from validate_support import at, write

from fluxnotify import parsing
from fluxnotify.parsing import MAX_FILE_BYTES, is_relevant, load
from fluxnotify.positions import lf_breaks_only

MULTI = """
# a comment before the first document
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: slack
spec:
  type: slack
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: on-call
spec:
  providerRef:
    name: slack
  eventSources:
    - kind: Kustomization
      name: apps
    - kind: HelmRelease
      name: "*"
"""


def _load(tmp_path: Path, text: str, name: str = "m.yaml", *, full: bool = True):  # type: ignore[no-untyped-def]
    path = write(tmp_path, name, text)
    return load(path, name, full=full)


def test_documents_and_their_identity(tmp_path: Path) -> None:
    source = _load(tmp_path, MULTI)
    assert source.syntax is None
    assert source.document_count == 2
    assert [(d.index, d.kind, d.name) for d in source.documents] == [
        (0, "Provider", "slack"),
        (1, "Alert", "on-call"),
    ]
    alert = source.documents[1]
    assert alert.group == "notification.toolkit.fluxcd.io"
    assert alert.namespace is None
    assert str(alert.ref) == "Alert/on-call"


def test_positions_of_keys_values_and_items(tmp_path: Path) -> None:
    source = _load(tmp_path, MULTI)
    provider, alert = source.documents
    assert provider.locate(("spec", "type")) == at(MULTI, "type: slack", "slack")
    assert provider.locate(("spec", "type"), key=True) == at(MULTI, "type: slack")
    assert alert.locate(("spec", "eventSources", 1, "name")) == at(MULTI, 'name: "*"', '"*"')
    assert alert.locate(("spec", "eventSources", 1)) == at(MULTI, "- kind: HelmRelease", "kind")
    # a missing step falls back to the nearest parent that exists
    assert alert.locate(("spec", "eventSources", 5, "name")) == alert.locate(
        ("spec", "eventSources")
    )
    assert alert.locate(("spec", "nothing"), key=True) == alert.locate(("spec",))
    # the document itself: its first key, the line above `kind: Alert`
    assert alert.locate(()) == (at(MULTI, "kind: Alert")[0] - 1, 1)


def test_document_position_counts_every_document(tmp_path: Path) -> None:
    text = "---\n# only a comment\n---\nfoo: bar\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n"
    source = _load(tmp_path, text)
    assert [d.index for d in source.documents] == [2]
    assert source.documents[0].locate(("metadata", "name")) == (9, 9)


def test_non_objects_are_skipped_quietly(tmp_path: Path) -> None:
    text = "--- 1\n--- hello\n--- [1, 2]\n--- null\n---\nfoo: bar\n---\nkind: OnlyKind\n"
    source = _load(tmp_path, text)
    assert source.syntax is None
    assert source.documents == []
    assert source.document_count == 6


def test_duplicate_anchor_equals_value_and_dates_load(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Secret
    metadata:
      name: s
      labels:
        a: &x one
        b: &x two
        c: *x
        d: =
        e: 2024-01-02
    """
    source = _load(tmp_path, text)
    assert source.syntax is None
    labels = source.documents[0].metadata["labels"]
    assert labels == {"a": "one", "b": "two", "c": "two", "d": "=", "e": "2024-01-02"}


def test_sops_documents_are_recognised(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nsops:\n  version: 3.10.2\n"
    assert _load(tmp_path, text).documents[0].sops
    plain = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n"
    assert not _load(tmp_path, plain, "p.yaml").documents[0].sops


def test_duplicate_keys_are_recorded(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n  name: b\n"
    source = _load(tmp_path, text)
    assert source.duplicate_keys == [(5, 3, "name")]
    # merge keys are not duplicates
    merged = "base: &b {x: 1}\napiVersion: v1\nkind: Secret\nmetadata:\n  <<: *b\n  <<: *b\n"
    assert _load(tmp_path, merged, "merge.yaml").duplicate_keys == []


@pytest.mark.parametrize(
    ("name", "text", "relevant"),
    [
        ("a.yaml", "apiVersion: apps/v1\nkind: Deployment\n", False),
        ("a.yaml", "apiVersion: v1\nkind: Secret\n", True),
        ("a.yaml", "apiVersion: x/v1\nkind: 'Alert'  # comment\n", True),
        ("a.yaml", "spec:\n  kind: Alert\n", False),
        ("a.yaml", "apiVersion: x/v1\r\nkind: Alert\r\nmetadata:\r\n", True),
        ("a.yaml", "apiVersion: x/v1\r\nkind: Alert # c\r\n", True),
        ("a.yaml", "apiVersion: apps/v1\r\nkind: Deployment\r\n", False),
        ("kustomization.yaml", "resources: [a.yaml]\n", True),
    ],
)
def test_relevance_scan(name: str, text: str, relevant: bool) -> None:
    assert is_relevant(text, name) is relevant
    assert is_relevant(text.partition("\n")[2], name) is relevant  # the kind on line 1


@pytest.mark.parametrize(
    ("text", "relevant"),
    [
        ("{apiVersion: x/v1, kind: Alert, metadata: {name: a}}\n", True),
        ("---\n{apiVersion: x/v1, metadata: {name: a}, kind: 'Provider'}\n", True),
        ('{\n  "apiVersion": "v1",\n  "kind": "Secret",\n  "data": {}\n}\n', True),
        ('{\r\n  "apiVersion": "x/v1",\r\n  "kind" : "Alert"\r\n}\r\n', True),
        ("{apiVersion: apps/v1, kind: Deployment, metadata: {name: a}}\n", False),
        # a nested kind in block style, in a file with braces: not an object of that kind
        ("kind: Role\nrules: {}\nsubjects:\n  - kind: Secret\n    name: a\n", False),
    ],
)
def test_relevance_scan_of_flow_style(text: str, relevant: bool) -> None:
    assert is_relevant(text, "a.yaml") is relevant


@pytest.mark.needs_shared
def test_relevance_agrees_with_the_kind_line_pattern_on_the_corpus(shared: Path) -> None:
    """is_relevant looks for the kind line in two steps (first line, then after a line
    break), and for a flow-style kind only in a file with a brace, for speed: the same
    answer as the two patterns."""
    files = 0
    for path in sorted((shared / "corpus").rglob("*.y*ml")):
        text = path.read_bytes().decode("utf-8", "replace")
        for variant in (text, text.replace("\n", "\r\n")):
            expected = any(
                re.search(pattern, variant) for pattern in (parsing._KIND_LINE, parsing._FLOW_KIND)
            )
            assert is_relevant(variant, "x.yaml") is expected, path
        files += 1
    assert files > 4000


def test_a_walked_file_saved_with_crlf_is_checked(tmp_path: Path) -> None:
    """Windows line ends: the relevance test missed the kind line, so a walked folder
    skipped the Alert in it silently, and the reference scan lost it."""
    text = "apiVersion: notification.toolkit.fluxcd.io/v1beta3\r\nkind: Alert\r\n"
    text += "metadata:\r\n  name: a\r\n"
    walked = _load(tmp_path, text, full=False)
    assert [(d.kind, d.name) for d in walked.documents] == [("Alert", "a")]
    path = write(tmp_path, "other.yaml", text)
    scanned = load(path, "other.yaml", full=False, scan_ok=True)
    assert [(d.kind, d.name) for d in scanned.documents] == [("Alert", "a")]


def test_a_walked_flow_style_alert_is_checked(tmp_path: Path) -> None:
    """A flow-style object has no `kind:` line: a walked folder skipped the Alert, and a
    Provider written so was missing to the files that name it."""
    text = "{apiVersion: notification.toolkit.fluxcd.io/v1beta3, kind: Alert,\n"
    text += " metadata: {name: a}, spec: {providerRef: {name: p}}}\n"
    walked = _load(tmp_path, text, full=False)
    assert [(d.kind, d.name) for d in walked.documents] == [("Alert", "a")]
    path = write(tmp_path, "other.yaml", text)
    scanned = load(path, "other.yaml", full=False, scan_ok=True)
    assert [(d.kind, d.name) for d in scanned.documents] == [("Alert", "a")]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "a: 1\n",
        "  a: 1\n",
        "---\n",
        "--- # a comment\n...\n",
        "---\n...\n---\n",
        "a: 1\n---\n",
        "a: 1\n...\n",
        "%YAML 1.1\n---\na: 1\n",
        "--- a\n--- b\n---\tc\n",
        "a: |\n  ---\n  ...\nb: '---'\n",
        "a: 1\n----: x\n...x: 1\n",
        "---\n# c\n---\na: 1\n---\n",
        "# c\r\na: 1\r\n---\r\nb: 2\r\n",
        "# c\ra: 1\r---\rb: 2\r",
    ],
)
def test_documents_are_counted_from_the_lines_as_the_parser_counts_them(text: str) -> None:
    assert parsing.count_documents(text) == len(list(yaml.compose_all(text, yaml.CSafeLoader)))


@pytest.mark.needs_shared
def test_a_walk_counts_the_documents_a_named_file_has_on_the_corpus(shared: Path) -> None:
    """Named, a file is parsed; walked, one without a kind some rule reads is counted
    from its lines: the same number, for files that parse and files that do not."""
    files = 0
    for path in sorted((shared / "corpus").rglob("*.y*ml")):
        named = load(path, path.name, full=True)
        walked = load(path, path.name, full=False)
        assert walked.document_count == named.document_count, path
        files += not walked.parsed
    assert files > 1000


def test_irrelevant_files_are_parsed_only_when_named(tmp_path: Path) -> None:
    text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n"
    assert not _load(tmp_path, text, full=False).parsed
    named = _load(tmp_path, text, full=True)
    assert named.parsed
    assert [d.kind for d in named.documents] == ["Deployment"]


def test_helm_templates_are_skipped_with_a_note(tmp_path: Path) -> None:
    template = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ include "x" . }}\n'
    in_chart = _load(tmp_path, template, "chart/templates/secret.yaml")
    assert in_chart.note is not None
    assert "Helm template" in in_chart.note
    assert in_chart.syntax is None
    assert in_chart.documents == []
    unparsable = (
        "apiVersion: v1\nkind: Secret\n{{- if .Values.enabled }}\nmetadata: {}\n{{- end }}\n"
    )
    outside = _load(tmp_path, unparsable, "secret.yaml")
    assert outside.note is not None
    assert outside.syntax is None


def test_other_go_templates_are_skipped_with_a_note(tmp_path: Path) -> None:
    """A gomplate or Flux Operator template (no Helm words) that is not YAML until rendered:
    a note naming the line, not a yaml-syntax error; a YAML mistake away from any
    template action in such a file stays an error."""
    provider = (
        "apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\nmetadata:\n"
        "  name: {{ .team }}-slack\n  namespace: {{ .team }}\nspec:\n  type: slack\n"
    )
    source = _load(tmp_path, provider, "teams/provider.yaml")
    assert source.note == (
        "Go template syntax (`{{ }}` on line 4) makes it unparseable as YAML: skipped, it is"
        " not a manifest until rendered"
    )
    assert (source.syntax, source.documents, source.parsed) == (None, [], False)
    broken = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: team\ndata:\n"
        '  greeting: "hello {{ .team }}"\n  bad: [unclosed\n  other: 1\n'
    )
    source = _load(tmp_path, broken, "teams/config.yaml")
    assert source.note is None
    assert source.syntax is not None


def test_yaml_with_template_strings_is_checked(tmp_path: Path) -> None:
    text = """
    apiVersion: helm.toolkit.fluxcd.io/v2
    kind: HelmRelease
    metadata:
      name: gatus
    spec:
      interval: 1h
      values:
        host: "{{ .Release.Name }}.example.com"
        url: http://svc.{{ .Release.Namespace }}.svc:9090
    """
    source = _load(tmp_path, text, "helmrelease.yaml")
    assert source.note is None
    assert [d.kind for d in source.documents] == ["HelmRelease"]


def test_non_utf8_is_a_syntax_problem_at_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"kind: Alert\nmetadata:\n  name: \xff\n")
    source = load(path, "x.yaml", full=True)
    assert source.syntax is not None
    assert (source.syntax.line, source.syntax.column) == (3, 9)


@pytest.mark.parametrize(
    ("data", "position", "byte"),
    [
        # a byte order mark is not a column an editor shows
        (b"\xef\xbb\xbfkind: Alert\nmetadata: {name: a\xff}\n", (2, 19), 0xFF),
        (b"\xef\xbb\xbfkind: \xe9\n", (1, 7), 0xE9),
        (b"\xef\xbb\xbfkind: Alert\n\xff\n", (2, 1), 0xFF),
        # characters before it on its line, not bytes: "\u00e9\u00e9" is 4 bytes
        (b"kind: Alert\nmetadata: {name: \xc3\xa9\xc3\xa9\xff}\n", (2, 20), 0xFF),
        (b"\xef\xbb\xbfkind: Alert\n  name: \xe2\x82\xac\xe2\x82\n", (2, 10), 0xE2),
        # lines end at LF, CR or CRLF
        (b"kind: Alert\r\nmetadata:\r  name: \xe9\r\n", (3, 9), 0xE9),
    ],
)
def test_non_utf8_position_is_the_column_an_editor_shows(
    tmp_path: Path, data: bytes, position: tuple[int, int], byte: int
) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(data)
    source = load(path, "x.yaml", full=True)
    assert source.syntax is not None
    assert (source.syntax.line, source.syntax.column) == position
    assert source.syntax.message == f"not UTF-8 text (byte 0x{byte:02x})"


@pytest.mark.parametrize(
    "data",
    [
        b"kind: Secret\nmetadata:\n  name: \xc3\xa9\xe2\x82\xac\x01\n",
        b"\xef\xbb\xbfkind: Secret\r\nmetadata:\r\n  name: \xc3\xa9\xe2\x82\xac\x01\r\n",
        b"kind: Secret\n"
        + b"# \xe2\x82\xac\n" * 40_000
        + b"metadata:\n  name: \xc3\xa9\xe2\x82\xac\x01\n",
        # an anchor defined twice: read again by ruamel.yaml, whose offset counts characters
        b"kind: Secret\na: &x 1\nb: &x 2\n"
        + b"# \xe2\x82\xac\n" * 40_000
        + b"metadata:\n  name: \xc3\xa9\xe2\x82\xac\x01\n",
    ],
)
def test_a_control_character_is_reported_where_it_is(tmp_path: Path, data: bytes) -> None:
    """libyaml's reader gives no mark, only a byte offset: it was reported at 1:1."""
    path = tmp_path / "x.yaml"
    path.write_bytes(data)
    source = load(path, "x.yaml", full=True)
    assert source.syntax is not None
    assert "#x0001" in source.syntax.message
    line = data.count(b"\n")
    assert (source.syntax.line, source.syntax.column) == (line, len("  name: \u00e9\u20ac") + 1)


def test_too_large_only_when_it_matters(tmp_path: Path) -> None:
    filler = "# " + "x" * 1000 + "\n"
    count = MAX_FILE_BYTES // len(filler) + 2
    big = tmp_path / "big.yaml"
    big.write_text("apiVersion: apps/v1\nkind: Deployment\n" + filler * count, encoding="utf-8")
    assert load(big, "big.yaml", full=False).syntax is None  # found by a walk, not relevant
    named = load(big, "big.yaml", full=True)
    assert named.syntax is not None
    assert "too large" in named.syntax.message
    # a byte order mark before a kind some rule reads, on the first line
    big.write_bytes(b"\xef\xbb\xbfkind: Alert\n" + filler.encode() * count)
    walked = load(big, "big.yaml", full=False)
    assert walked.syntax is not None
    assert "too large" in walked.syntax.message


def test_a_listed_file_that_is_gone_or_a_dangling_link_is_a_note(tmp_path: Path) -> None:
    """git lists a deleted file until the deletion is staged: a note, not the end of the run."""
    gone = load(tmp_path / "missing.yaml", "missing.yaml", full=True)
    assert (gone.note, gone.syntax, gone.unreadable) == (
        "listed, but no longer there: skipped",
        None,
        None,
    )
    (tmp_path / "link.yaml").symlink_to("nowhere.yaml")
    link = load(tmp_path / "link.yaml", "link.yaml", full=True)
    assert link.note == "a symbolic link to nothing (nowhere.yaml): skipped"


class _Reference(parsing._Loader):
    """The loader as it was before the resolver memo and the direct construction:
    PyYAML's own resolver and SafeConstructor (with the duplicate-key records and the
    string timestamps and `=` of parsing._Loader)."""

    resolve = yaml.resolver.BaseResolver.resolve  # type: ignore[assignment]


def _typed(value: Any, open_: set[int]) -> Any:
    """``value`` with the type of every part spelled out (1 == 1.0 == True, nan != nan)."""
    if id(value) in open_:
        return ("recursive",)
    if isinstance(value, dict | list):
        open_.add(id(value))
        if isinstance(value, dict):
            typed = ("dict", [(_typed(k, open_), _typed(v, open_)) for k, v in value.items()])
        else:
            typed = ("list", [_typed(v, open_) for v in value])
        open_.discard(id(value))
        return typed
    return (type(value).__name__, repr(value))


def _constructed(text: str, reference: bool) -> Any:
    """Every document of ``text`` as built by the reference or by parsing._construct, with
    the duplicate-key records, or the error raised."""
    loader = (_Reference if reference else parsing._Loader)(text)
    documents = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if reference:
                documents.append(loader.construct_document(node))
            else:
                documents.append(parsing._construct(loader, node, "&" in text and "*" in text))
    except Exception as exc:  # the same failure, raised the same way
        return ("error", type(exc).__name__, str(exc))
    finally:
        loader.dispose()
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(10_000)  # the deep-nesting case
    try:
        return repr([_typed(d, set()) for d in documents]), loader.duplicate_keys
    finally:
        sys.setrecursionlimit(limit)


EDGE_CASES = {
    "yaml 1.1 ints": "a: 0x1f\nb: 0o17\nc: 017\nd: 0b101\ne: 1_000\nf: 1:30\ng: -1:30:00\n"
    "h: +12\ni: 0\nj: -0\nk: 08\nl: 1_2:3\n",
    "floats": "a: 1.5\nb: 1e3\nc: 1.0e+3\nd: .inf\ne: -.Inf\nf: .NaN\ng: 1:30.5\nh: 6.8523015e+5\n"
    "i: 1_000.5\nj: .5\nk: -.5\nl: 1.\n",
    "bools and nulls": "a: yes\nb: No\nc: ON\nd: off\ne: y\nf: n\ng: True\nh: FALSE\ni: ~\n"
    "j: null\nk: Null\nl:\nm: NULL\nn: nul\n",
    "timestamps and value": "a: 2001-12-14t21:59:43.10-05:00\nb: 2002-12-14\nc: =\n=: d\n"
    "e: 2001-12-14 21:59:43.10 -5\n",
    "quoted and explicit": "a: '12'\nb: \"yes\"\nc: !!str 12\nd: !!int \"12\"\ne: !!float '1'\n"
    "f: ! 12\ng: !!null ''\nh: !!bool 'on'\ni: !!timestamp 2002-12-14\nj: !!map {k: v}\n"
    "l: !!seq [1]\n",
    "binary, set, omap, pairs": "a: !!binary aGVsbG8=\nb: !!set {x, y}\n"
    "c: !!omap [{x: 1}, {y: 2}]\nd: !!pairs [{x: 1}, {x: 2}]\n",
    "bad explicit scalars": "a: !!int x\n",
    "bad bool": "a: !!bool maybe\n",
    "custom tag": "a: !Ref x\n",
    "tag on a collection": "a: !!str [1]\n",
    "merge keys": "base: &b {x: 1, y: 2}\nother: &o {z: 3}\n"
    "one:\n  <<: *b\n  x: 9\nmany:\n  <<: [*b, *o]\ninline:\n  <<: {q: 1}\n",
    "scalar aliases": "metadata:\n  name: &app web\n  labels:\n    app: *app\n    other: *app\n",
    "collection aliases": "a: &l [1, 2]\nb: *l\nc: &m {k: v}\nd: [*m, *m]\n",
    "recursive alias": "a: &r [1, *r]\n",
    "duplicate keys": "a: 1\nb: {x: 1, x: 2}\na: 2\nc: [{y: 1, y: 1}]\n1: a\n1.0: b\n"
    "true: c\nyes: d\n.nan: e\n.nan: f\n",
    "duplicates beside merges": "base: &b {x: 1}\nm:\n  <<: *b\n  <<: *b\n  x: 2\n  x: 3\n",
    "crlf": "apiVersion: v1\r\nkind: Secret\r\nmetadata:\r\n  name: s\r\nstringData:\r\n"
    "  k: |\r\n    line one\r\n    line two\r\n",
    "non-string keys": "1: a\ntrue: b\n~: c\n1.5: d\n0x10: e\n2002-12-14: f\n",
    "collection keys": "? [a, b]\n: c\n",
    "mapping keys": "? {a: 1}\n: b\n",
    "documents": "---\n---\n42\n---\n- a\n- 1\n---\n'just text'\n...\n",
    "flow style": "{a: [1, {b: 2.5}], c: 'x', d: \"y\\n\"}\n",
    "deep nesting": "a: " + "[" * 900 + "]" * 900 + "\n",
    "quoted merge key": "'<<': {x: 1}\n\"<<\": 2\n",
    "block scalars": "a: |\n  text\n  more\nb: >-\n  folded\n  text\nc: |+\n  kept\n\n",
}


@pytest.mark.parametrize("text", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_construction_matches_pyyaml_on_edge_cases(text: str) -> None:
    assert _constructed(text, reference=False) == _constructed(text, reference=True)


def test_plain_yaml_is_built_without_pyyaml_constructor() -> None:
    """The direct construction covers manifests' YAML 1.1 scalars, and leaves what it does
    not handle (merge keys, tags, duplicate keys, shared collections) to PyYAML."""
    for name in ("yaml 1.1 ints", "floats", "bools and nulls", "timestamps and value"):
        loader = parsing._Loader(EDGE_CASES[name] + "z: [1, {x: 0x1f}]\n")
        assert parsing._plain(loader.get_single_node(), None)["z"] == [1, {"x": 31}]
    for name in (
        "merge keys",
        "binary, set, omap, pairs",
        "duplicate keys",
        "collection aliases",
        "custom tag",
    ):
        loader = parsing._Loader(EDGE_CASES[name])
        with pytest.raises(parsing._NotPlain):
            parsing._plain(loader.get_single_node(), set())
    loader = parsing._Loader(EDGE_CASES["scalar aliases"])
    assert parsing._plain(loader.get_single_node(), set())["metadata"]["labels"]["app"] == "web"


@pytest.mark.needs_shared
def test_construction_matches_pyyaml_on_the_corpus(shared: Path) -> None:
    """Every YAML file of the corpus builds the same documents, types included, and the
    same duplicate-key records (or fails the same way) as with PyYAML's constructor."""
    files = 0
    for path in sorted((shared / "corpus").rglob("*")):
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        try:
            text = lf_breaks_only(path.read_bytes().decode("utf-8-sig"))
        except UnicodeDecodeError:
            continue
        files += 1
        assert _constructed(text, reference=False) == _constructed(text, reference=True), path
    assert files > 4000


def test_the_loader_has_no_path_resolvers() -> None:
    """The resolver memo and the built-in descend/ascend hooks hold only without them."""
    assert not parsing._Loader.yaml_path_resolvers
    assert yaml.load("a: [1, yes, ~]\n", Loader=parsing._Loader) == {"a": [1, True, None]}
