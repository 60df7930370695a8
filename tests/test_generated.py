"""The table of objects Flux controllers create (fluxnotify/generated.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fluxnotify.generated import TABLE, generated_from, made_at_bootstrap
from fluxnotify.model import Document, Placement
from fluxnotify.parsing import load


def _docs(tmp_path: Path, text: str) -> list[Document]:
    path = tmp_path / "release.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path, "release.yaml", full=True).documents


RELEASE = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: loki
  namespace: observability
spec:
  interval: 1h
  targetNamespace: logging
  chart:
    spec:
      chart: loki
      sourceRef:
        kind: {kind}
        name: charts{namespace}
"""


@pytest.mark.parametrize("kind", ["HelmRepository", "GitRepository", "Bucket"])
@pytest.mark.parametrize(
    ("namespace_line", "chart_namespace"),
    [("", "observability"), ("\n        namespace: flux-system", "flux-system")],
)
def test_helm_release_makes_a_helm_chart(
    tmp_path: Path, kind: str, namespace_line: str, chart_namespace: str
) -> None:
    """Named after the release's own namespace (not targetNamespace), placed with the source."""
    (doc,) = _docs(tmp_path, RELEASE.format(kind=kind, namespace=namespace_line))
    (made,) = generated_from(doc, Placement("prod", "observability"))
    assert (made.kind, made.name, made.placement) == (
        "HelmChart",
        "observability-loki",
        Placement("prod", chart_namespace),
    )
    assert made.made_by == "helm-controller, from HelmRelease observability/loki"


def test_the_effective_namespace_names_it(tmp_path: Path) -> None:
    """A kustomize `namespace:` that moves the release moves its HelmChart's name too."""
    (doc,) = _docs(tmp_path, RELEASE.format(kind="HelmRepository", namespace=""))
    (made,) = generated_from(doc, Placement(None, "team-a"))
    assert (made.name, made.placement.namespace) == ("team-a-loki", "team-a")
    assert list(generated_from(doc, Placement(None, None))) == []  # namespace unknown


def test_nothing_from_other_objects(tmp_path: Path) -> None:
    text = RELEASE.replace("helm.toolkit.fluxcd.io/v2", "example.com/v1")
    (doc,) = _docs(tmp_path, text.format(kind="HelmRepository", namespace=""))
    assert list(generated_from(doc, Placement(None, "observability"))) == []


def test_bootstrap_objects() -> None:
    assert made_at_bootstrap("GitRepository", "flux-system")
    assert made_at_bootstrap("Kustomization", "flux-system")
    assert made_at_bootstrap("OCIRepository", "flux")
    assert not made_at_bootstrap("HelmRelease", "flux-system")
    assert not made_at_bootstrap("Kustomization", "apps")
    assert {controller for controller, _, _ in TABLE} == {
        "helm-controller",
        "flux bootstrap",
        "Flux Operator",
    }


@pytest.mark.needs_shared
def test_generated_name_says_what_generated_from_makes(shared: Path) -> None:
    """The index looks generated objects up by the name alone says, reading the spec of
    those documents only: whatever a document makes must carry that name, and a document
    without one makes nothing."""
    from fluxnotify.generated import generated_name

    made = 0
    for path in sorted((shared / "corpus").rglob("*.yaml")):
        if "HelmRelease" not in path.read_text(encoding="utf-8", errors="replace"):
            continue  # nothing else makes anything
        for doc in load(path, path.name, full=True).documents:
            for placement in (
                Placement("c", "apps"),
                Placement(None, "apps"),
                Placement("c", None),
            ):
                name = generated_name(doc, placement)
                found = [(g.kind, g.name) for g in generated_from(doc, placement)]
                if name is None:
                    assert found == [], path
                else:
                    assert found in ([], [name]), path
                made += len(found)
    assert made > 50
