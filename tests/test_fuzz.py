"""Property tests: whatever the input, validate exits 0, 1 or 2 and never prints a traceback.

The CLI turns a bug into "internal error" and exit 3; that must never happen.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from validate_support import cli, console

#: A few dozen examples keep the default suite fast; set FLUXNOTIFY_FUZZ_EXAMPLES=2000 to
#: hunt for bugs with random (not derandomized) examples.
EXAMPLES = int(os.environ.get("FLUXNOTIFY_FUZZ_EXAMPLES", "0")) or None
SETTINGS = settings(max_examples=EXAMPLES or 60, derandomize=EXAMPLES is None)

KINDS = ["Alert", "Provider", "Receiver", "Secret", "Kustomization", "HelmRelease", "Other"]
API_VERSIONS = [
    "notification.toolkit.fluxcd.io/v1beta1",
    "notification.toolkit.fluxcd.io/v1beta2",
    "notification.toolkit.fluxcd.io/v1beta3",
    "notification.toolkit.fluxcd.io/v1",
    "kustomize.toolkit.fluxcd.io/v1",
    "helm.toolkit.fluxcd.io/v2",
    "v1",
]
FIELDS = [
    "spec", "metadata", "name", "namespace", "type", "eventSeverity", "eventSources", "kind",
    "providerRef", "secretRef", "address", "channel", "data", "stringData", "sops", "summary",
    "timeout", "patches", "resources", "chart", "values", "${VAR}", "ENC[AES256_GCM,data:x]",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(FIELDS + KINDS + API_VERSIONS + ["info", "error", "warn", "*", "1h", "="]),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), children, max_size=5
        ),
    ),
    max_leaves=30,
)
objects = st.fixed_dictionaries(
    {"apiVersion": st.sampled_from(API_VERSIONS), "kind": st.sampled_from(KINDS)},
    optional={"metadata": values, "spec": values, "data": values, "sops": values},
)
documents = st.lists(st.one_of(objects, values), min_size=0, max_size=4)


def _dump(docs: list[Any]) -> str:
    return yaml.safe_dump_all(docs, allow_unicode=True, sort_keys=False)


def _check(result_code: int, stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert "internal error" not in stderr, stderr
    assert result_code in (0, 1, 2), stderr


def _run_in_process(name: str, content: bytes, *options: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / name).write_bytes(content)
        result = cli("validate", *options, name, cwd=Path(folder))
        _check(result.code, result.stderr)


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes(content: bytes) -> None:
    _run_in_process("random.yaml", content)


@SETTINGS
@given(documents)
def test_random_yaml_documents(docs: list[Any]) -> None:
    _run_in_process("manifest.yaml", _dump(docs).encode(), "--format", "json")


@SETTINGS
@given(objects, st.sampled_from([f"2.{minor}" for minor in range(10)]))
def test_random_objects_at_every_flux_version(obj: dict[str, Any], flux: str) -> None:
    _run_in_process("object.yaml", _dump([obj]).encode(), "--flux-version", flux)


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("ab:- \n\t[]{}&*!|>'\"#%@`,?=$~")), max_size=200))
def test_random_yaml_punctuation(text: str) -> None:
    _run_in_process("punctuation.yaml", ("kind: Alert\n" + text).encode())


@settings(max_examples=6)
@given(st.one_of(documents.map(lambda d: _dump(d).encode()), st.binary(max_size=500)))
def test_through_the_console_script(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "input.yaml").write_bytes(content)
        result = console("validate", "input.yaml", cwd=Path(folder))
        _check(result.code, result.stderr)
