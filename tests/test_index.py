"""fluxnotify/index.py: the project's objects by kind and name, and what provides each Secret."""

from __future__ import annotations

import base64
import os
from collections import defaultdict
from pathlib import Path

import pytest
from routing_support import Project, flux_kustomization, kustomization, provider, secret

from fluxnotify.generated import generated_from
from fluxnotify.graph import build_graph
from fluxnotify.index import (
    Index,
    Placed,
    SecretSource,
    _secret_source,
    clusters_match,
    plain_values,
)
from fluxnotify.model import Placement, SourceFile
from fluxnotify.parsing import load

EXTERNAL_SECRET = """
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: {name}
  namespace: flux-system
spec:
  secretStoreRef:
    kind: ClusterSecretStore
    name: vault
{body}
"""


def index_of(root: Path) -> Index:
    files: dict[str, SourceFile] = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            if name.endswith((".yaml", ".yml")):
                path = Path(folder, name)
                files[str(path)] = load(path, str(path.relative_to(root)), full=True)
    graph = build_graph(str(root), files)
    return Index((d for s in files.values() for d in s.documents), graph)


def only(sources: list[SecretSource]) -> SecretSource:
    assert len(sources) == 1, sources
    return sources[0]


FLUX = Placement(None, "flux-system")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


# --- what provides a Secret, and its keys -------------------------------------------------


def test_plain_secret_keys_and_decoded_values(project: Project) -> None:
    encoded = base64.b64encode(b"https://hooks.example.invalid/x").decode()
    project.write(
        "secret.yaml",
        f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: flux-system\ndata:\n  address: {encoded}\nstringData:\n  token: t\n",
    )
    found = only(index_of(project.root).secrets("s", FLUX))
    assert (found.kind, found.keys) == ("Secret", frozenset({"address", "token"}))
    assert found.values == {"address": "https://hooks.example.invalid/x", "token": "t"}


def test_sops_secret_has_keys_but_no_values(project: Project) -> None:
    project.write("secret.sops.yaml", secret("s", address="a", token="t"))
    found = only(index_of(project.root).secrets("s", FLUX))
    assert (found.keys, found.values) == (frozenset({"address", "token"}), None)


@pytest.mark.parametrize(
    ("name", "body", "provides", "keys"),
    [
        # billimek: the ExternalSecret's own name differs from the Secret it makes.
        (
            "discord",
            "  target:\n    name: discord-webhook\n  data:\n    - secretKey: address\n      remoteRef:\n        key: discord",
            "discord-webhook",
            {"address"},
        ),
        (
            "slack",
            "  data:\n    - secretKey: token\n      remoteRef:\n        key: s\n    - secretKey: address\n      remoteRef:\n        key: s",
            "slack",
            {"token", "address"},
        ),
        ("slack", "  dataFrom:\n    - extract:\n        key: slack", "slack", None),
        (
            "slack",
            "  target:\n    template:\n      data:\n        address: '{{ .url }}'\n  data:\n    - secretKey: url\n      remoteRef:\n        key: s",
            "slack",
            {"address"},
        ),
        (
            "slack",
            "  target:\n    template:\n      data:\n        token: '{{ .t }}'\n  dataFrom:\n    - extract:\n        key: slack",
            "slack",
            {"token"},
        ),
    ],
)
def test_external_secret(
    project: Project, name: str, body: str, provides: str, keys: set[str] | None
) -> None:
    project.write("es.yaml", EXTERNAL_SECRET.format(name=name, body=body))
    index = index_of(project.root)
    found = only(index.secrets(provides, FLUX))
    assert found.kind == "ExternalSecret"
    assert found.keys == (None if keys is None else frozenset(keys))
    assert found.values is None
    if provides != name:
        assert index.secrets(name, FLUX) == []


def test_external_secret_template_from_makes_keys_unknown(project: Project) -> None:
    body = (
        "  target:\n    template:\n      templateFrom:\n        - configMap:\n"
        "            name: slack-template\n            items:\n              - key: address\n"
        "  data:\n    - secretKey: url\n      remoteRef:\n        key: s"
    )
    project.write("es.yaml", EXTERNAL_SECRET.format(name="slack", body=body))
    assert only(index_of(project.root).secrets("slack", FLUX)).keys is None


def test_external_secret_merged_into_another_secret_has_unknown_keys(project: Project) -> None:
    body = (
        "  target:\n    name: slack-url\n    creationPolicy: Merge\n"
        "  data:\n    - secretKey: token\n      remoteRef:\n        key: s"
    )
    project.write("es.yaml", EXTERNAL_SECRET.format(name="slack", body=body))
    assert only(index_of(project.root).secrets("slack-url", FLUX)).keys is None


def test_sealed_secret(project: Project) -> None:
    sealed = """
    apiVersion: bitnami.com/v1alpha1
    kind: SealedSecret
    metadata:
      name: {name}
      namespace: flux-system
    spec:
      encryptedData:
        token: AgBy3i4OJSWK+PiTySYZZA==
      template:
        {template}
    """
    project.write(
        "a.yaml",
        sealed.format(
            name="sealed-a",
            template="metadata:\n          name: slack-url\n        data:\n          channel: alerts",
        ),
    )
    project.write("b.yaml", sealed.format(name="webhook", template="type: Opaque"))
    index = index_of(project.root)
    assert only(index.secrets("slack-url", FLUX)).keys == frozenset({"token", "channel"})
    assert only(index.secrets("webhook", FLUX)).kind == "SealedSecret"
    assert index.secrets("sealed-a", FLUX) == []


def test_secret_generator(project: Project) -> None:
    gen = "secretGenerator:\n  - name: slack-url\n    literals:\n      - address=https://example.invalid\n"
    project.write(
        "notify/kustomization.yaml",
        kustomization("provider.yaml", namespace="monitoring", extra=gen),
    )
    project.write("notify/provider.yaml", provider(namespace=None))
    index = index_of(project.root)
    found = only(index.secrets("slack-url", Placement(None, "monitoring")))
    assert (found.kind, found.keys, found.doc) == ("secretGenerator", frozenset({"address"}), None)
    assert found.file.display == "notify/kustomization.yaml"
    assert index.secrets("slack-url", FLUX) == []


def test_other_kinds_provide_nothing(project: Project) -> None:
    config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: slack-url\n  namespace: flux-system\ndata:\n  address: x\n"
    project.write("cm.yaml", config_map)
    assert index_of(project.root).secrets("slack-url", FLUX) == []


# --- lookups: unknown clusters and namespaces match -----------------------------------------


def test_clusters_match() -> None:
    assert clusters_match(None, "a")
    assert clusters_match("a", None)
    assert clusters_match("a", "a")
    assert not clusters_match("a", "b")


def test_find_within_cluster_and_namespace(project: Project) -> None:
    for name in ("a", "b"):
        project.cluster(name)
    project.write("clusters/a/notify.yaml", flux_kustomization("notify", "./notify-a"))
    project.write("notify-a/provider.yaml", provider())
    project.write("loose/provider.yaml", provider("anywhere", namespace=None))
    index = index_of(project.root)
    assert len(index.find("Provider", "slack", Placement("clusters/a", "flux-system"))) == 1
    assert index.find("Provider", "slack", Placement("clusters/b", "flux-system")) == []
    assert index.find("Provider", "slack", Placement("clusters/a", "apps")) == []
    assert len(index.find("Provider", "slack", Placement(None, "flux-system"))) == 1
    # Unknown cluster and namespace: found from anywhere.
    assert len(index.find("Provider", "anywhere", Placement("clusters/b", "apps"))) == 1
    assert index.defines("Provider")
    assert not index.defines("Receiver")
    assert {p.doc.name for p in index.of_kind("Provider")} == {"slack", "anywhere"}


def test_plain_values_tolerates_bad_input() -> None:
    data = {"data": {"a": "not base64!", "b": 3}, "stringData": {"n": 5, "m": None}}
    values = plain_values(data)
    assert values["n"] == "5"
    assert "b" not in values
    assert "m" not in values
    assert "a" in values


# --- tables built on first use agree with the plain definitions ----------------------------


@pytest.mark.needs_shared
@pytest.mark.parametrize("repository", ["kashalls__home-cluster", "haraldkoch__kochhaus-home"])
def test_lazy_tables_match_a_walk_over_every_object(repository: str, shared: Path) -> None:
    """The index builds each table per kind or name when first asked; whichever question
    comes first, the answers are those of one walk over every object in project order."""
    root = shared / "corpus" / repository
    files: dict[str, SourceFile] = {}
    for folder, _dirs, names in os.walk(root):
        for name in sorted(names):
            if name.endswith((".yaml", ".yml")):
                path = Path(folder, name)
                files[str(path)] = load(path, str(path.relative_to(root)), full=True)
    graph = build_graph(str(root), files)
    docs = [d for s in files.values() for d in s.documents]
    placed = [Placed(d, p) for d in docs for p in graph.of(d)]
    by_kind: dict[str, list[Placed]] = defaultdict(list)
    by_name: dict[tuple[str, str], list[Placed]] = defaultdict(list)
    for p in placed:
        by_kind[p.doc.kind].append(p)
        if p.doc.name is not None:
            by_name[(p.doc.kind, p.doc.name)].append(p)
    assert len(by_kind) > 10
    assert len(by_name) > 100
    for named_first in (True, False):
        index = Index(docs, graph)
        named = {key: index.named(*key) for key in by_name} if named_first else {}
        for kind, expected in by_kind.items():
            assert index.of_kind(kind) == expected
            assert index.documents(kind) == [d for d in docs if d.kind == kind]
            for placement in {p.placement for p in expected}:
                assert index.at(kind, placement) == [
                    p for p in expected if p.placement == placement
                ]
        named = named or {key: index.named(*key) for key in by_name}
        assert named == by_name
    index = Index(docs, graph)
    sources = [s for p in placed if (s := _secret_source(p.doc, p.placement)) is not None]
    sources += [
        SecretSource("secretGenerator", g.name, g.placement, g.keys, None, None, g.kustomization)
        for g in graph.generated
    ]
    assert sources
    for name in {s.name for s in sources}:
        assert index.secrets_named(name) == [s for s in sources if s.name == name]
    made = [g for p in placed for g in generated_from(p.doc, p.placement)]
    assert made
    for g in made:
        assert index.generated(g.kind, g.name, g.placement) == [
            m
            for m in made
            if (m.kind, m.name) == (g.kind, g.name)
            and clusters_match(m.placement.cluster, g.placement.cluster)
            and m.placement.namespace in (None, g.placement.namespace)
        ]


def test_secret_sources_in_project_order_whatever_their_kind(project: Project) -> None:
    """Several things may provide one Secret; rules name the first, so the order is the
    files' order, not grouped by kind."""
    sealed = (
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: slack-url\n"
        "  namespace: flux-system\nspec:\n  encryptedData:\n    token: AgBy3i4O\n"
    )
    body = "  data:\n    - secretKey: address\n      remoteRef:\n        key: s"
    external = EXTERNAL_SECRET.format(name="slack-url", body=body)
    project.write(
        "all.yaml", "---\n".join([sealed, secret(token="t"), external, secret(address="a")])
    )
    found = index_of(project.root).secrets("slack-url", FLUX)
    assert [(s.kind, s.keys) for s in found] == [
        ("SealedSecret", frozenset({"token"})),
        ("Secret", frozenset({"token"})),
        ("ExternalSecret", frozenset({"address"})),
        ("Secret", frozenset({"address"})),
    ]
