"""Objects Flux creates without a manifest in the repository, and from what.

An Alert or Receiver may name them: their events are real. One table, read by the
project index (so every reference rule finds them) and by event-source-ref.

- helm-controller, for each HelmRelease with ``spec.chart``: a HelmChart named
  ``<release namespace>-<release name>`` in the namespace of
  ``spec.chart.spec.sourceRef`` (else the release's), whatever the source kind
  (HelmRepository, GitRepository, Bucket). ``spec.chartRef`` names an existing
  HelmChart or OCIRepository instead, and nothing is created. Source:
  ``HelmRelease.GetHelmChartName`` and ``HelmChartTemplate.GetNamespace`` in
  https://github.com/fluxcd/helm-controller/blob/v1.6.3/api/v2/helmrelease_types.go
- ``flux bootstrap``: the GitRepository and the Kustomization ``flux-system`` in
  ``flux-system``, which the repository holds only as gotk-sync.yaml (if at all);
  Flux Operator's FluxInstance makes its sync source and Kustomization under the
  same name. Both are matched by name alone, as the namespace is configurable:
  https://fluxcd.io/flux/installation/bootstrap/ and
  https://fluxcd.io/operator/fluxinstance/#sync-configuration
- image-reflector and image-automation controllers create no Flux objects (an
  ImageUpdateAutomation commits to Git; nothing new appears in the cluster).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from fluxnotify.model import Document, Placement


class GeneratedObject(NamedTuple):
    kind: str
    name: str
    placement: Placement
    #: the controller and the object it is made from, for messages
    made_by: str


#: (controller, kind made, from what): the table, as the docs page and tests show it.
TABLE = (
    ("helm-controller", "HelmChart", "a HelmRelease with spec.chart"),
    ("flux bootstrap", "GitRepository", "bootstrap (flux-system)"),
    ("flux bootstrap", "Kustomization", "bootstrap (flux-system)"),
    ("Flux Operator", "GitRepository", "a FluxInstance's spec.sync"),
    ("Flux Operator", "OCIRepository", "a FluxInstance's spec.sync"),
    ("Flux Operator", "Bucket", "a FluxInstance's spec.sync"),
    ("Flux Operator", "Kustomization", "a FluxInstance's spec.sync"),
)

#: Names bootstrap and a FluxInstance give the objects they make (any namespace).
BOOTSTRAP_NAMES = frozenset({"flux-system", "flux"})
BOOTSTRAP_KINDS = frozenset(
    kind for controller, kind, _ in TABLE if controller != "helm-controller"
)

_HELM_GROUP = "helm.toolkit.fluxcd.io"
#: the only kind ``generated_from`` makes anything from
GENERATING_KIND = "HelmRelease"


def made_at_bootstrap(kind: str, name: str) -> bool:
    """An object bootstrap or a FluxInstance creates (the repository may lack it)."""
    return kind in BOOTSTRAP_KINDS and name in BOOTSTRAP_NAMES


def generated_name(doc: Document, placement: Placement) -> tuple[str, str] | None:
    """The kind and name of what ``generated_from`` may make from ``doc`` at ``placement``,
    from who the document is alone (its spec says whether it does, and in which namespace):
    a lookup by name reads the spec of the few documents that could make that name."""
    if (
        doc.kind != GENERATING_KIND
        or doc.group != _HELM_GROUP
        or not doc.name
        or placement.namespace is None
    ):
        return None
    return "HelmChart", f"{placement.namespace}-{doc.name}"


def generated_from(doc: Document, placement: Placement) -> Iterator[GeneratedObject]:
    """What a controller makes from ``doc`` applied at ``placement``."""
    made = generated_name(doc, placement)
    if made is None:
        return
    chart = doc.spec.get("chart")
    template = chart.get("spec") if isinstance(chart, dict) else None
    source = template.get("sourceRef") if isinstance(template, dict) else None
    if not isinstance(source, dict):
        return
    namespace = source.get("namespace")
    where = namespace if isinstance(namespace, str) and namespace else placement.namespace
    kind, name = made
    yield GeneratedObject(
        kind,
        name,
        Placement(placement.cluster, where),
        f"helm-controller, from HelmRelease {placement.namespace}/{doc.name}",
    )
