"""The generated validators (fluxnotify/_validators) match the schemas and agree with jsonschema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from fluxnotify import schemas

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = sorted((ROOT / "schemas").glob("*.json"))


def test_regenerating_gives_the_committed_validators(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_validators.py"), "--out", str(tmp_path)],
        check=True,
    )
    committed = {
        p.name: p.read_text() for p in (ROOT / "fluxnotify" / "_validators").glob("v_*.py")
    }
    generated = {p.name: p.read_text() for p in tmp_path.glob("v_*.py")}
    assert sorted(generated) == sorted(committed)
    for name, text in generated.items():
        assert text == committed[name], f"{name} is stale: run scripts/generate_validators.py"


def _objects(schema: dict[str, Any]) -> list[Any]:
    """Objects around one schema: a minimal one, and variations that break it in different ways."""
    api_version = schema["properties"]["apiVersion"]["const"]
    kind = schema["properties"]["kind"]["const"]
    base: dict[str, Any] = {"apiVersion": api_version, "kind": kind, "metadata": {"name": "a"}}
    return [
        base,
        {**base, "metadata": {"name": "Not_A_Name"}},
        {**base, "metadata": {"name": "a", "unknown": 1}},
        {**base, "spec": {"no-such-field": True}},
        {**base, "spec": []},
        {**base, "spec": {"type": "slack", "eventSeverity": "warn"}},
        {**base, "data": {"k": "not base64!"}},
        {**base, "stringData": {"k": 1}},
        {"apiVersion": api_version, "kind": kind},
        [],
    ]


@pytest.mark.parametrize("schema_path", SCHEMAS, ids=lambda p: p.stem)
def test_fast_check_agrees_with_jsonschema(schema_path: Path) -> None:
    schema = json.loads(schema_path.read_text())
    reference = Draft202012Validator(schema)
    api_version = schema["properties"]["apiVersion"]["const"]
    kind = schema["properties"]["kind"]["const"]
    for obj in _objects(schema):
        expected = reference.is_valid(obj)
        assert schemas.passes_fast(obj, api_version, kind) is expected, obj


def test_an_unknown_kind_has_no_fast_check() -> None:
    assert schemas.passes_fast({"kind": "Nope"}, "example.com/v1", "Nope") is False


@pytest.mark.needs_shared
def test_fast_check_agrees_with_jsonschema_on_the_corpus(shared: Path) -> None:
    from fluxnotify.discovery import DEFAULT_EXCLUDES, walk
    from fluxnotify.parsing import load

    checked = 0
    references: dict[str, Draft202012Validator] = {}
    for target in walk(shared / "corpus", DEFAULT_EXCLUDES, ""):
        for doc in load(target.path, target.display, full=True).documents:
            schema = schemas.load_schema(doc.api_version, doc.kind)
            if schema is None:
                continue
            data = {k: v for k, v in doc.data.items() if k != "sops"}
            name = schemas.schema_name(doc.api_version, doc.kind)
            reference = references.setdefault(name, Draft202012Validator(schema))
            expected = reference.is_valid(data)
            assert schemas.passes_fast(data, doc.api_version, doc.kind) is expected, target.display
            checked += 1
    assert checked > 1000
