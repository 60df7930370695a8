"""The line scanner agrees with the YAML parser on what it claims to know, and gives up otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from fluxnotify.discovery import DEFAULT_EXCLUDES, walk
from fluxnotify.model import Document
from fluxnotify.parsing import SCANNABLE_KINDS, load
from fluxnotify.project import _patched_kinds
from fluxnotify.scan import scan


@pytest.mark.parametrize(
    "text",
    [
        "---\na: 1\n---\n",
        "---\na: 1\n",
        "a: 1\n---\nb: 2\n",
        "# c\n---\na: 1\n",
        "a: 1\n---\n# only a comment\n",
        "---\n---\na: 1\n",
        "a: 1\n...\n",
        "--- # a comment\na: 1\n",
    ],
)
def test_documents_are_split_as_yaml_splits_them(text: str) -> None:
    parsed = [d is None for d in yaml.safe_load_all(text)]
    scanned = scan(text)
    assert scanned is not None
    assert [d is None for d in scanned] == parsed


def test_identity_fields() -> None:
    text = """apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps   # trailing comment
  namespace: "flux-system"
  labels:
    name: not-this-one
spec:
  path: './apps/prod'
  targetNamespace: prod
  patches:
    - target:
        kind: HelmRelease
      patch: |
        - op: add
"""
    [doc] = scan(text) or [None]
    assert doc == {
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {"name": "apps", "namespace": "flux-system"},
        "spec": {
            "path": "./apps/prod",
            "targetNamespace": "prod",
            "patches": [{"target": {"kind": "HelmRelease"}}],
        },
    }


@pytest.mark.parametrize(
    "text",
    [
        "metadata: {name: x}\n",  # flow style
        "metadata:\n  name: &a x\n",  # anchor
        "metadata:\n  name: !!str x\n",  # tag
        'metadata:\n  name: "a\\"b"\n',  # escape
        "metadata:\n    name: x\n  namespace: y\n",  # odd indentation
        "- a\n- b\n",  # a list document
        "metadata:\n\tname: x\n",  # tab
        "--- {a: 1}\n",  # content on the separator line
        "kind: A\nkind: B\n",  # duplicate key
    ],
)
def test_gives_up_when_unsure(text: str) -> None:
    assert scan(text) is None


def _identity(doc: Document) -> tuple[object, ...]:
    spec = doc.spec if doc.kind == "Kustomization" else {}
    return (
        doc.index,
        doc.api_version,
        doc.kind,
        doc.name,
        doc.namespace,
        spec.get("path"),
        spec.get("targetNamespace"),
        frozenset(_patched_kinds(spec.get("patches"))),
    )


@pytest.mark.needs_shared
def test_scanning_the_corpus_agrees_with_parsing(shared: Path) -> None:
    scanned_files = 0
    for target in walk(shared / "corpus", DEFAULT_EXCLUDES, ""):
        scanned = load(target.path, target.display, full=False, scan_ok=True)
        if scanned.parsed or not scanned.documents:
            continue
        scanned_files += 1
        parsed = load(target.path, target.display, full=False)
        expected = [_identity(d) for d in parsed.documents if d.kind in SCANNABLE_KINDS]
        assert [_identity(d) for d in scanned.documents] == expected, target.display
        assert scanned.document_count == parsed.document_count, target.display
    assert scanned_files > 1000
