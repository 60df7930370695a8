#!/usr/bin/env python3
"""Generate a synthetic but realistic Flux GitOps repository for benchmarks.

    python bench/generate_repo.py OUT_DIR --apps 2000 --clusters 8 [--seed 1]

The layout follows real repositories (see ../shared/corpus): per cluster a
``clusters/<cluster>/`` entry point with ``flux-system/`` (gotk-components.yaml,
gotk-sync.yaml, kustomization.yaml) and Flux Kustomizations for ``apps``,
``infrastructure`` and ``notifications``; per app ``apps/<cluster>/<app>/ks.yaml``
(a Flux Kustomization) plus ``app/`` with a HelmRelease, a Deployment, a
Service, a ConfigMap and a kustomization.yaml; Providers, Alerts and
SOPS-encrypted Secrets under ``notifications/<cluster>/<namespace>/``;
HelmRepository and GitRepository sources under ``infrastructure/<cluster>/``.

The output is deterministic for a given (apps, clusters, seed) and contains no
mistake a linter should report: every Alert's Provider exists in the Alert's
namespace (within the same cluster), every Provider's Secret exists there with
the key the Provider type reads, severities are ``info`` or ``error`` and every
notification object is ``notification.toolkit.fluxcd.io/v1beta3``. Some objects
leave ``metadata.namespace`` to the kustomization.yaml that includes them, and
names repeat across clusters, as in real repositories.

At 2,000 apps and 8 clusters it writes 12,216 YAML files, 13,153 documents
and 8.9 MB in 2 to 4 seconds (the reference repository of
../shared/reference/performance.md has 12,226 files, 13,259 documents, 7.8 MB).
See docs/benchmark.md.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLUX_VERSION = "v2.9.4"
MARKER = ".bench-repo.json"
"""Written at the root of a generated repository: parameters and statistics."""

CLUSTER_NAMES = (
    "prod-eu-west",
    "prod-us-east",
    "prod-ap-south",
    "staging-eu",
    "staging-us",
    "dev",
    "edge-fra",
    "edge-nyc",
    "ci",
    "sandbox",
    "dr-eu",
    "dr-us",
)
NAMESPACES = (
    "media",
    "monitoring",
    "databases",
    "networking",
    "security",
    "storage",
    "home-automation",
    "ci-tools",
    "payments",
    "search",
    "analytics",
    "auth",
    "messaging",
    "ml-serving",
    "observability",
    "web",
    "batch",
    "data-platform",
    "backend",
    "frontend",
    "tools",
    "games",
    "iot",
    "billing",
    "identity",
    "reporting",
    "notifications",
    "edge",
    "cache",
    "queues",
    "docs",
    "registry",
    "backup",
    "mail",
    "chat",
    "gateway",
    "scheduler",
    "ingest",
    "catalog",
    "orders",
)
APP_WORDS = (
    "atlas",
    "beacon",
    "cobalt",
    "delta",
    "ember",
    "falcon",
    "garnet",
    "harbor",
    "indigo",
    "juniper",
    "kestrel",
    "lumen",
    "meridian",
    "nebula",
    "onyx",
    "pioneer",
    "quartz",
    "raven",
    "summit",
    "tundra",
    "umbra",
    "vertex",
    "willow",
    "xenon",
    "yonder",
    "zephyr",
)
APP_ROLES = (
    "api",
    "web",
    "worker",
    "gateway",
    "sync",
    "exporter",
    "scheduler",
    "ingest",
    "search",
    "cache",
    "proxy",
    "console",
    "auth",
    "mailer",
    "indexer",
    "reporter",
)
HELM_REPOS = (
    ("bjw-s", "https://bjw-s-labs.github.io/helm-charts", ("app-template",)),
    ("bitnami", "https://charts.bitnami.com/bitnami", ("redis", "postgresql", "nginx", "kafka")),
    ("grafana", "https://grafana.github.io/helm-charts", ("grafana", "loki", "tempo", "alloy")),
    (
        "prometheus-community",
        "https://prometheus-community.github.io/helm-charts",
        ("prometheus-blackbox-exporter", "prometheus-pushgateway"),
    ),
    ("ingress-nginx", "https://kubernetes.github.io/ingress-nginx", ("ingress-nginx",)),
    ("jetstack", "https://charts.jetstack.io", ("cert-manager",)),
    ("stakater", "https://stakater.github.io/stakater-charts", ("reloader",)),
    ("podinfo", "https://stefanprodan.github.io/podinfo", ("podinfo",)),
    ("external-secrets", "https://charts.external-secrets.io", ("external-secrets",)),
    ("cnpg", "https://cloudnative-pg.github.io/charts", ("cloudnative-pg",)),
    ("vector", "https://helm.vector.dev", ("vector",)),
    ("authentik", "https://charts.goauthentik.io", ("authentik",)),
)
IMAGES = (
    "ghcr.io/acme-corp/{app}",
    "registry.example.com/platform/{app}",
    "docker.io/acmecorp/{app}",
    "ghcr.io/home-operations/{app}",
    "quay.io/acme/{app}",
)
SCHEMA_URL = "https://kubernetes-schemas.example.com/{group}/{kind}_{version}.json"


# --------------------------------------------------------------------------
# Output bookkeeping


@dataclass
class Stats:
    """What was written; also the content of the marker file."""

    apps: int
    clusters: int
    seed: int
    generator: str
    files: int = 0
    documents: int = 0
    bytes: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    notification_files: int = 0
    alert_files: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "apps": self.apps,
            "clusters": self.clusters,
            "seed": self.seed,
            "generator": self.generator,
            "files": self.files,
            "documents": self.documents,
            "bytes": self.bytes,
            "kinds": dict(sorted(self.kinds.items())),
            "notification_files": self.notification_files,
            "alert_files": self.alert_files,
            "seconds": round(self.seconds, 3),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Stats:
        return cls(
            apps=int(data["apps"]),
            clusters=int(data["clusters"]),
            seed=int(data["seed"]),
            generator=str(data["generator"]),
            files=int(data["files"]),
            documents=int(data["documents"]),
            bytes=int(data["bytes"]),
            kinds=Counter({str(k): int(v) for k, v in data["kinds"].items()}),
            notification_files=int(data["notification_files"]),
            alert_files=[str(p) for p in data["alert_files"]],
            seconds=float(data["seconds"]),
        )

    def summary(self) -> str:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.kinds.items()))
        return (
            f"{self.files} files, {self.documents} documents, {self.bytes} bytes "
            f"({self.bytes / 1e6:.1f} MB), {self.notification_files} notification files; "
            f"{kinds}"
        )


NOTIFICATION_KINDS = frozenset({"Alert", "Provider", "Secret"})


class Writer:
    """Writes files of YAML documents and counts them."""

    def __init__(self, root: Path, stats: Stats) -> None:
        self.root = root
        self.stats = stats
        self._dirs: set[Path] = set()

    def write(self, rel: str, docs: Sequence[tuple[str, str]], *, leading: bool = True) -> None:
        """Write documents (kind, text) to ``rel``, separated by ``---``.

        ``leading`` puts a ``---`` before the first document too (most real
        files have one). Text must end with a newline.
        """
        parts = []
        for i, (_, text) in enumerate(docs):
            if i or leading:
                parts.append("---\n")
            parts.append(text)
        data = "".join(parts).encode()
        path = self.root / rel
        parent = path.parent
        if parent not in self._dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)
        path.write_bytes(data)
        st = self.stats
        st.files += 1
        st.documents += len(docs)
        st.bytes += len(data)
        kinds = [kind for kind, _ in docs]
        st.kinds.update(kinds)
        if NOTIFICATION_KINDS.intersection(kinds):
            st.notification_files += 1


# --------------------------------------------------------------------------
# Small helpers


def schema_comment(group: str, kind: str, version: str) -> str:
    url = SCHEMA_URL.format(group=group, kind=kind.lower(), version=version)
    return f"# yaml-language-server: $schema={url}\n"


def b64(rng: random.Random, n: int) -> str:
    return base64.b64encode(rng.randbytes(n)).decode()


def enc(rng: random.Random, n: int) -> str:
    """A SOPS-encrypted scalar as sops writes it."""
    return f"ENC[AES256_GCM,data:{b64(rng, n)},iv:{b64(rng, 32)},tag:{b64(rng, 16)},type:str]"


def semver(rng: random.Random) -> str:
    return f"{rng.randint(0, 4)}.{rng.randint(0, 30)}.{rng.randint(0, 12)}"


def indent(text: str, n: int) -> str:
    pad = " " * n
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


# --------------------------------------------------------------------------
# The model: clusters, namespaces, apps, notification objects


@dataclass
class App:
    name: str
    namespace: str
    target_namespace: bool
    repo: str
    chart: str
    port: int
    substitute: bool
    has_configmap: bool
    service_in_deployment: bool
    depends_on: str | None
    schema: bool  # files start with a yaml-language-server $schema comment


@dataclass
class Cluster:
    name: str
    namespaces: list[str]
    apps: list[App]


def plan_clusters(rng: random.Random, apps: int, clusters: int) -> list[Cluster]:
    out = []
    for ci in range(clusters):
        name = CLUSTER_NAMES[ci] if ci < len(CLUSTER_NAMES) else f"cluster-{ci:02d}"
        n_apps = apps // clusters + (1 if ci < apps % clusters else 0)
        n_ns = max(2, min(len(NAMESPACES), n_apps // 10))
        namespaces = list(NAMESPACES[:n_ns])
        used: set[str] = set()
        cluster_apps: list[App] = []
        for ai in range(n_apps):
            base = f"{rng.choice(APP_WORDS)}-{rng.choice(APP_ROLES)}"
            app_name = base
            k = 2
            while app_name in used:
                app_name = f"{base}-{k}"
                k += 1
            used.add(app_name)
            repo, _, charts = rng.choice(HELM_REPOS[:4] + HELM_REPOS[7:])
            ns = namespaces[ai % n_ns] if ai < n_ns else rng.choice(namespaces)
            # Dependencies point at an earlier app of the same cluster.
            depends = (
                cluster_apps[rng.randrange(len(cluster_apps))].name
                if (cluster_apps and rng.random() < 0.2)
                else None
            )
            cluster_apps.append(
                App(
                    name=app_name,
                    namespace=ns,
                    target_namespace=rng.random() < 0.3,
                    repo=repo,
                    chart=rng.choice(charts),
                    port=rng.choice((80, 3000, 5000, 8000, 8080, 8443, 9000, 9090)),
                    substitute=rng.random() < 0.25,
                    has_configmap=rng.random() < 0.8,
                    service_in_deployment=rng.random() < 0.15,
                    depends_on=depends,
                    schema=rng.random() < 0.5,
                )
            )
        out.append(Cluster(name=name, namespaces=namespaces, apps=cluster_apps))
    return out


# --------------------------------------------------------------------------
# flux-system and cluster entry points


def gotk_components(rng: random.Random) -> list[tuple[str, str]]:
    """A trimmed-down gotk-components.yaml: same header, labels and kinds."""
    labels = (
        "  labels:\n"
        "    app.kubernetes.io/instance: flux-system\n"
        "    app.kubernetes.io/part-of: flux\n"
        f"    app.kubernetes.io/version: {FLUX_VERSION}\n"
    )
    docs: list[tuple[str, str]] = [
        (
            "Namespace",
            "# This manifest was generated by flux. DO NOT EDIT.\n"
            f"# Flux Version: {FLUX_VERSION}\n"
            "# Components: source-controller,kustomize-controller,helm-controller,"
            "notification-controller\n"
            "apiVersion: v1\nkind: Namespace\nmetadata:\n"
            + labels
            + "    pod-security.kubernetes.io/warn: restricted\n"
            "    pod-security.kubernetes.io/warn-version: latest\n"
            "  name: flux-system\n",
        )
    ]
    for name, port in (("allow-egress", None), ("allow-scraping", 8080)):
        ingress = (
            "  ingress:\n  - from:\n    - namespaceSelector: {}\n"
            f"    ports:\n    - port: {port}\n      protocol: TCP\n"
            if port
            else "  egress:\n  - {}\n  ingress:\n  - from:\n    - podSelector: {}\n"
        )
        docs.append(
            (
                "NetworkPolicy",
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
                + labels
                + f"  name: {name}\n  namespace: flux-system\nspec:\n"
                + ingress
                + "  podSelector: {}\n  policyTypes:\n  - Ingress\n",
            )
        )
    for plural, kind, versions in (
        ("alerts", "Alert", ("v1beta3",)),
        ("providers", "Provider", ("v1beta3",)),
        ("receivers", "Receiver", ("v1",)),
    ):
        vers = "".join(
            f"  - name: {v}\n    schema:\n      openAPIV3Schema:\n"
            f"        description: {kind} is the Schema for the {plural} API\n"
            "        properties:\n"
            "          apiVersion:\n            type: string\n"
            "          kind:\n            type: string\n"
            "          metadata:\n            type: object\n"
            "          spec:\n"
            f"            description: {kind}Spec defines the desired state.\n"
            "            type: object\n            x-kubernetes-preserve-unknown-fields: true\n"
            "        type: object\n"
            "    served: true\n    storage: true\n"
            for v in versions
        )
        docs.append(
            (
                "CustomResourceDefinition",
                "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
                "metadata:\n  annotations:\n    controller-gen.kubebuilder.io/version: v0.19.0\n"
                + labels
                + "    app.kubernetes.io/component: notification-controller\n"
                f"  name: {plural}.notification.toolkit.fluxcd.io\nspec:\n"
                "  group: notification.toolkit.fluxcd.io\n  names:\n"
                f"    kind: {kind}\n    listKind: {kind}List\n    plural: {plural}\n"
                f"    singular: {kind.lower()}\n  scope: Namespaced\n  versions:\n" + vers,
            )
        )
    for controller in (
        "source-controller",
        "kustomize-controller",
        "helm-controller",
        "notification-controller",
    ):
        docs.append(
            (
                "ServiceAccount",
                "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n"
                + labels
                + f"    app.kubernetes.io/component: {controller}\n"
                f"  name: {controller}\n  namespace: flux-system\n",
            )
        )
    docs.append(
        (
            "Deployment",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
            + labels
            + "    app.kubernetes.io/component: notification-controller\n"
            "    control-plane: controller\n"
            "  name: notification-controller\n  namespace: flux-system\nspec:\n"
            "  replicas: 1\n  selector:\n    matchLabels:\n"
            "      app: notification-controller\n  template:\n    metadata:\n"
            '      annotations:\n        prometheus.io/port: "8080"\n'
            '        prometheus.io/scrape: "true"\n'
            "      labels:\n        app: notification-controller\n    spec:\n"
            "      containers:\n      - args:\n        - --watch-all-namespaces=true\n"
            "        - --log-level=info\n        - --log-encoding=json\n"
            "        - --enable-leader-election\n"
            "        env:\n        - name: RUNTIME_NAMESPACE\n          valueFrom:\n"
            "            fieldRef:\n              fieldPath: metadata.namespace\n"
            "        image: ghcr.io/fluxcd/notification-controller:v1.9.3\n"
            "        imagePullPolicy: IfNotPresent\n"
            "        livenessProbe:\n          httpGet:\n            path: /healthz\n"
            "            port: healthz\n        name: manager\n        ports:\n"
            "        - containerPort: 9090\n          name: http\n"
            "        - containerPort: 9292\n          name: http-webhook\n"
            "        - containerPort: 8080\n          name: http-prom\n"
            "        resources:\n          limits:\n            cpu: 1000m\n"
            "            memory: 1Gi\n          requests:\n            cpu: 100m\n"
            "            memory: 64Mi\n"
            "        securityContext:\n          allowPrivilegeEscalation: false\n"
            "          capabilities:\n            drop:\n            - ALL\n"
            "          readOnlyRootFilesystem: true\n          runAsNonRoot: true\n"
            "          seccompProfile:\n            type: RuntimeDefault\n"
            "      nodeSelector:\n        kubernetes.io/os: linux\n"
            "      serviceAccountName: notification-controller\n"
            "      terminationGracePeriodSeconds: 10\n",
        )
    )
    return docs


def write_cluster_entry(w: Writer, rng: random.Random, c: Cluster) -> None:
    base = f"clusters/{c.name}"
    w.write(f"{base}/flux-system/gotk-components.yaml", gotk_components(rng))
    w.write(
        f"{base}/flux-system/gotk-sync.yaml",
        [
            (
                "GitRepository",
                "# This manifest was generated by flux. DO NOT EDIT.\n"
                "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\n"
                "metadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n"
                "  interval: 1m0s\n  ref:\n    branch: main\n"
                "  secretRef:\n    name: flux-system\n"
                "  url: ssh://git@github.com/acme-corp/fleet-infra\n",
            ),
            (
                "Kustomization",
                "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
                "metadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n"
                f"  interval: 10m0s\n  path: ./clusters/{c.name}\n  prune: true\n"
                "  sourceRef:\n    kind: GitRepository\n    name: flux-system\n",
            ),
        ],
    )
    w.write(
        f"{base}/flux-system/kustomization.yaml",
        [
            (
                "kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                "resources:\n  - gotk-components.yaml\n  - gotk-sync.yaml\n"
                "patches:\n  - patch: |\n"
                "      - op: add\n        path: /spec/template/spec/containers/0/args/-\n"
                "        value: --concurrent=20\n"
                "    target:\n      kind: Deployment\n"
                "      name: (kustomize-controller|helm-controller)\n",
            )
        ],
        leading=False,
    )
    ks_head = (
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n"
        "  name: {name}\n  namespace: flux-system\nspec:\n"
    )
    source = "  sourceRef:\n    kind: GitRepository\n    name: flux-system\n"
    w.write(
        f"{base}/infrastructure.yaml",
        [
            (
                "Kustomization",
                ks_head.format(name="infrastructure")
                + f"  interval: 1h\n  retryInterval: 1m\n  timeout: 5m\n"
                f"  path: ./infrastructure/{c.name}\n  prune: true\n  wait: true\n" + source,
            )
        ],
    )
    w.write(
        f"{base}/apps.yaml",
        [
            (
                "Kustomization",
                ks_head.format(name="apps") + "  dependsOn:\n    - name: infrastructure\n"
                f"  interval: 30m\n  path: ./apps/{c.name}\n  prune: true\n"
                + source
                + f"  postBuild:\n    substitute:\n      CLUSTER_NAME: {c.name}\n"
                "    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-settings\n",
            )
        ],
    )
    w.write(
        f"{base}/notifications.yaml",
        [
            (
                "Kustomization",
                ks_head.format(name="notifications") + "  dependsOn:\n    - name: infrastructure\n"
                f"  interval: 30m\n  path: ./notifications/{c.name}\n  prune: true\n"
                + source
                + "  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n"
                f"  postBuild:\n    substitute:\n      CLUSTER_NAME: {c.name}\n",
            )
        ],
    )


def write_infrastructure(w: Writer, rng: random.Random, c: Cluster) -> None:
    base = f"infrastructure/{c.name}"
    w.write(
        f"{base}/kustomization.yaml",
        [
            (
                "kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                "resources:\n  - namespaces.yaml\n  - sources\n  - controllers\n",
            )
        ],
    )
    w.write(
        f"{base}/namespaces.yaml",
        [
            (
                "Namespace",
                f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n"
                "  labels:\n    kustomize.toolkit.fluxcd.io/prune: disabled\n"
                f"    team: {ns.split('-')[0]}\n",
            )
            for ns in c.namespaces
        ],
    )
    w.write(
        f"{base}/sources/kustomization.yaml",
        [
            (
                "kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                "namespace: flux-system\n"
                "resources:\n  - helmrepositories.yaml\n  - gitrepositories.yaml\n",
            )
        ],
        leading=False,
    )
    w.write(
        f"{base}/sources/helmrepositories.yaml",
        [
            (
                "HelmRepository",
                schema_comment("source.toolkit.fluxcd.io", "HelmRepository", "v1")
                + "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\n"
                f"metadata:\n  name: {name}\n  namespace: flux-system\nspec:\n"
                f"  interval: {rng.choice(('1h', '2h', '12h', '24h'))}\n  url: {url}\n",
            )
            for name, url, _ in HELM_REPOS
        ],
    )
    w.write(
        f"{base}/sources/gitrepositories.yaml",
        [
            (
                "GitRepository",
                "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\n"
                f"metadata:\n  name: {name}\n  namespace: flux-system\nspec:\n"
                f"  interval: 30m\n  ref:\n    {ref}\n  url: {url}\n"
                + ("  secretRef:\n    name: github-deploy-key\n" if "ssh" in url else ""),
            )
            for name, url, ref in (
                ("platform-policies", "ssh://git@github.com/acme-corp/policies", "branch: main"),
                ("dashboards", "https://github.com/acme-corp/dashboards", "tag: v1.12.0"),
            )
        ],
    )
    w.write(
        f"{base}/controllers/kustomization.yaml",
        [
            (
                "kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                "resources:\n  - ingress-nginx\n  - cert-manager\n",
            )
        ],
        leading=False,
    )
    for name, repo, values in (
        (
            "ingress-nginx",
            "ingress-nginx",
            "    controller:\n      replicaCount: 2\n      ingressClassResource:\n"
            "        default: true\n      metrics:\n        enabled: true\n"
            "        serviceMonitor:\n          enabled: true\n"
            "      service:\n        externalTrafficPolicy: Local\n",
        ),
        (
            "cert-manager",
            "jetstack",
            "    crds:\n      enabled: true\n    replicaCount: 2\n"
            "    prometheus:\n      enabled: true\n      servicemonitor:\n        enabled: true\n",
        ),
    ):
        w.write(
            f"{base}/controllers/{name}/helmrelease.yaml",
            [
                (
                    "HelmRelease",
                    "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
                    f"metadata:\n  name: {name}\n  namespace: flux-system\nspec:\n"
                    f"  interval: 30m\n  releaseName: {name}\n  targetNamespace: {name}\n"
                    "  install:\n    createNamespace: true\n    crds: CreateReplace\n"
                    "  upgrade:\n    crds: CreateReplace\n"
                    f"  chart:\n    spec:\n      chart: {name}\n      version: {semver(rng)}\n"
                    f"      sourceRef:\n        kind: HelmRepository\n        name: {repo}\n"
                    "  values:\n" + values,
                )
            ],
        )
        w.write(
            f"{base}/controllers/{name}/kustomization.yaml",
            [
                (
                    "kustomization.yaml",
                    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                    "resources:\n  - helmrelease.yaml\n",
                )
            ],
            leading=False,
        )


# --------------------------------------------------------------------------
# Apps


def flux_kustomization(rng: random.Random, c: Cluster, a: App) -> str:
    anchor = rng.random() < 0.4
    lines = [
        schema_comment("kustomize.toolkit.fluxcd.io", "Kustomization", "v1") if a.schema else "",
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n",
        f"  name: &app {a.name}\n" if anchor else f"  name: {a.name}\n",
        "  namespace: flux-system\nspec:\n",
    ]
    if anchor:
        lines.append("  commonMetadata:\n    labels:\n      app.kubernetes.io/name: *app\n")
    if a.target_namespace:
        lines.append(f"  targetNamespace: {a.namespace}\n")
    if a.depends_on:
        lines.append(f"  dependsOn:\n    - name: {a.depends_on}\n")
    lines.append(
        f"  path: ./apps/{c.name}/{a.name}/app\n  prune: true\n"
        "  sourceRef:\n    kind: GitRepository\n    name: flux-system\n"
        f"  interval: {rng.choice(('10m', '30m', '1h'))}\n"
        f"  retryInterval: {rng.choice(('1m', '2m', '30s'))}\n"
        f"  timeout: {rng.choice(('3m', '5m', '10m'))}\n"
        f"  wait: {rng.choice(('true', 'false'))}\n"
    )
    if a.substitute:
        lines.append(
            "  postBuild:\n    substitute:\n"
            f'      APP: {a.name}\n      APP_PORT: "{a.port}"\n'
            "    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-settings\n"
            "      - kind: Secret\n        name: cluster-secrets\n"
        )
    if rng.random() < 0.15:
        lines.append(
            "  healthChecks:\n    - apiVersion: apps/v1\n      kind: Deployment\n"
            f"      name: {a.name}\n      namespace: {a.namespace}\n"
        )
    return "".join(lines)


def host(a: App, c: Cluster) -> str:
    return f"{a.name}.${{SECRET_DOMAIN}}" if a.substitute else f"{a.name}.{c.name}.example.com"


def helm_values(rng: random.Random, c: Cluster, a: App) -> str:
    """Values of 20 to about 40 lines, assembled from blocks seen in real releases."""
    image = rng.choice(IMAGES).format(app=a.name)
    blocks = [
        f"replicaCount: {rng.randint(1, 4)}\n"
        f"image:\n  repository: {image}\n  tag: {semver(rng)}\n  pullPolicy: IfNotPresent\n",
        f"service:\n  type: ClusterIP\n  port: {a.port}\n",
        "resources:\n  requests:\n"
        f"    cpu: {rng.choice(('10m', '50m', '100m', '250m'))}\n"
        f"    memory: {rng.choice(('64Mi', '128Mi', '256Mi', '512Mi'))}\n"
        f"  limits:\n    memory: {rng.choice(('256Mi', '512Mi', '1Gi', '2Gi'))}\n",
    ]
    optional = [
        "ingress:\n  enabled: true\n  className: nginx\n  annotations:\n"
        "    cert-manager.io/cluster-issuer: letsencrypt-prod\n"
        f"  hosts:\n    - host: {host(a, c)}\n      paths:\n        - path: /\n"
        "          pathType: Prefix\n"
        f"  tls:\n    - secretName: {a.name}-tls\n      hosts:\n        - {host(a, c)}\n",
        "env:\n"
        + "".join(
            f"  - name: {k}\n    value: {v}\n"
            for k, v in rng.sample(
                (
                    ("TZ", "Europe/Berlin"),
                    ("LOG_LEVEL", "info"),
                    ("LOG_FORMAT", "json"),
                    ("HTTP_PORT", f'"{a.port}"'),
                    ("CACHE_TTL", '"300"'),
                    ("FEATURE_FLAGS", "search,export"),
                    ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://alloy.observability:4317"),
                ),
                rng.randint(2, 5),
            )
        ),
        'podAnnotations:\n  reloader.stakater.com/auto: "true"\n'
        "podSecurityContext:\n  runAsUser: 65534\n  runAsGroup: 65534\n  fsGroup: 65534\n"
        "  fsGroupChangePolicy: OnRootMismatch\n",
        "persistence:\n  enabled: true\n"
        f"  storageClass: {rng.choice(('ceph-block', 'openebs-hostpath', 'longhorn'))}\n"
        f"  size: {rng.choice(('1Gi', '5Gi', '10Gi', '50Gi'))}\n  accessModes:\n"
        "    - ReadWriteOnce\n",
        "metrics:\n  enabled: true\n  serviceMonitor:\n    enabled: true\n"
        f"    interval: {rng.choice(('30s', '1m'))}\n    scrapeTimeout: 10s\n",
        "affinity:\n  podAntiAffinity:\n    preferredDuringSchedulingIgnoredDuringExecution:\n"
        "      - weight: 100\n        podAffinityTerm:\n          labelSelector:\n"
        f"            matchLabels:\n              app.kubernetes.io/name: {a.name}\n"
        "          topologyKey: kubernetes.io/hostname\n",
        "serviceAccount:\n  create: true\n  annotations: {}\n",
        "probes:\n  liveness:\n    enabled: true\n    path: /healthz\n"
        "  readiness:\n    enabled: true\n    path: /readyz\n",
        "nodeSelector:\n  kubernetes.io/arch: amd64\n"
        "tolerations:\n  - key: dedicated\n    operator: Equal\n"
        f"    value: {a.namespace}\n    effect: NoSchedule\n",
    ]
    rng.shuffle(optional)
    target = rng.randint(20, 24)
    lines = sum(b.count("\n") for b in blocks)
    for block in optional:
        if lines >= target:
            break
        blocks.append(block)
        lines += block.count("\n")
    return indent("".join(blocks), 4)


def helmrelease(rng: random.Random, c: Cluster, a: App) -> str:
    strategy = rng.random() < 0.3
    return (
        (schema_comment("helm.toolkit.fluxcd.io", "HelmRelease", "v2") if a.schema else "")
        + "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n"
        f"  name: {a.name}\nspec:\n  interval: {rng.choice(('15m', '30m', '1h'))}\n"
        f"  chart:\n    spec:\n      chart: {a.chart}\n      version: {semver(rng)}\n"
        "      sourceRef:\n        kind: HelmRepository\n"
        f"        name: {a.repo}\n        namespace: flux-system\n"
        "  install:\n    remediation:\n      retries: 3\n"
        "  upgrade:\n    cleanupOnFail: true\n    remediation:\n"
        + ("      strategy: rollback\n" if strategy else "")
        + "      retries: 3\n"
        + ("  driftDetection:\n    mode: enabled\n" if rng.random() < 0.3 else "")
        + "  values:\n"
        + helm_values(rng, c, a)
    )


def deployment(rng: random.Random, a: App) -> str:
    """A Deployment of 60 to 80 lines."""
    image = rng.choice(IMAGES).format(app=a.name)
    env = "".join(
        f'            - name: {k}\n              value: "{v}"\n'
        for k, v in rng.sample(
            (
                ("TZ", "UTC"),
                ("LOG_LEVEL", "info"),
                ("PORT", str(a.port)),
                ("WORKERS", str(rng.randint(1, 8))),
                ("METRICS_ENABLED", "true"),
                ("CACHE_SIZE", f"{rng.randint(16, 512)}Mi"),
                ("REGION", "eu-west-1"),
            ),
            rng.randint(2, 3),
        )
    )
    mounts = rng.random() < 0.25
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
        f"  name: {a.name}\n  labels:\n    app.kubernetes.io/name: {a.name}\n"
        f"    app.kubernetes.io/part-of: {a.namespace}\n"
        + ('  annotations:\n    reloader.stakater.com/auto: "true"\n' if a.has_configmap else "")
        + f"spec:\n  replicas: {rng.randint(1, 3)}\n  revisionHistoryLimit: 3\n"
        + (
            "  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n"
            "      maxSurge: 1\n      maxUnavailable: 0\n"
            if rng.random() < 0.25
            else ""
        )
        + f"  selector:\n    matchLabels:\n      app.kubernetes.io/name: {a.name}\n"
        "  template:\n    metadata:\n      labels:\n"
        f"        app.kubernetes.io/name: {a.name}\n"
        '      annotations:\n        prometheus.io/scrape: "true"\n'
        f'        prometheus.io/port: "{a.port}"\n'
        "    spec:\n"
        "      enableServiceLinks: false\n"
        + (f"      serviceAccountName: {a.name}\n" if rng.random() < 0.5 else "")
        + "      securityContext:\n        runAsNonRoot: true\n        runAsUser: 1000\n"
        "        seccompProfile:\n          type: RuntimeDefault\n"
        "      containers:\n        - name: app\n"
        f"          image: {image}:{semver(rng)}\n"
        "          imagePullPolicy: IfNotPresent\n"
        f"          ports:\n            - name: http\n              containerPort: {a.port}\n"
        "          env:\n"
        + env
        + (
            f"          envFrom:\n            - configMapRef:\n                name: {a.name}\n"
            if a.has_configmap
            else ""
        )
        + (
            "          volumeMounts:\n            - name: tmp\n              mountPath: /tmp\n"
            if mounts
            else ""
        )
        + "          livenessProbe:\n            httpGet:\n              path: /healthz\n"
        "              port: http\n"
        "          readinessProbe:\n            httpGet:\n              path: /readyz\n"
        "              port: http\n"
        "          resources:\n            requests:\n"
        f"              cpu: {rng.choice(('10m', '50m', '100m', '200m'))}\n"
        f"              memory: {rng.choice(('64Mi', '128Mi', '256Mi'))}\n"
        f"            limits:\n              memory: {rng.choice(('256Mi', '512Mi', '1Gi'))}\n"
        "          securityContext:\n            allowPrivilegeEscalation: false\n"
        "            readOnlyRootFilesystem: true\n"
        "            capabilities:\n              drop:\n                - ALL\n"
        + (
            "      volumes:\n        - name: tmp\n          emptyDir:\n            medium: Memory\n"
            if mounts
            else ""
        )
    )


def service(a: App) -> str:
    return (
        "apiVersion: v1\nkind: Service\nmetadata:\n"
        f"  name: {a.name}\n  labels:\n    app.kubernetes.io/name: {a.name}\nspec:\n"
        "  type: ClusterIP\n"
        f"  selector:\n    app.kubernetes.io/name: {a.name}\n"
        f"  ports:\n    - name: http\n      port: {a.port}\n      targetPort: http\n"
        "      protocol: TCP\n"
    )


def configmap(rng: random.Random, c: Cluster, a: App) -> str:
    keys = rng.sample(
        (
            ("LOG_LEVEL", "info"),
            ("CLUSTER", "${CLUSTER_NAME}"),
            ("BASE_URL", f"https://{host(a, c)}"),
            ("DB_HOST", "postgres-rw.databases.svc.cluster.local"),
            ("DB_PORT", "5432"),
            ("REDIS_URL", "redis://redis-master.cache.svc.cluster.local:6379/0"),
            ("FEATURE_EXPORT", "enabled"),
            ("MAX_UPLOAD_MB", "64"),
        ),
        rng.randint(3, 6),
    )
    data = "".join(f'  {k}: "{v}"\n' for k, v in keys)
    if rng.random() < 0.3:
        data += (
            "  config.yaml: |\n    server:\n"
            f"      port: {a.port}\n      shutdownTimeout: 30s\n"
            "    logging:\n      level: info\n      format: json\n"
        )
    return (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
        f"  name: {a.name}\n  labels:\n    app.kubernetes.io/name: {a.name}\ndata:\n" + data
    )


def write_apps(w: Writer, rng: random.Random, c: Cluster) -> None:
    base = f"apps/{c.name}"
    w.write(
        f"{base}/kustomization.yaml",
        [
            (
                "kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                "resources:\n" + "".join(f"  - ./{a.name}/ks.yaml\n" for a in c.apps),
            )
        ],
    )
    for a in c.apps:
        d = f"{base}/{a.name}"
        w.write(f"{d}/ks.yaml", [("Kustomization", flux_kustomization(rng, c, a))])
        w.write(f"{d}/app/helmrelease.yaml", [("HelmRelease", helmrelease(rng, c, a))])
        resources = ["helmrelease.yaml", "deployment.yaml"]
        if a.service_in_deployment:
            w.write(
                f"{d}/app/deployment.yaml",
                [("Deployment", deployment(rng, a)), ("Service", service(a))],
            )
        else:
            w.write(f"{d}/app/deployment.yaml", [("Deployment", deployment(rng, a))])
            w.write(f"{d}/app/service.yaml", [("Service", service(a))], leading=False)
            resources.append("service.yaml")
        if a.has_configmap:
            w.write(f"{d}/app/configmap.yaml", [("ConfigMap", configmap(rng, c, a))])
            resources.append("configmap.yaml")
        ns = "" if a.target_namespace and rng.random() < 0.5 else f"namespace: {a.namespace}\n"
        w.write(
            f"{d}/app/kustomization.yaml",
            [
                (
                    "kustomization.yaml",
                    "# yaml-language-server: $schema=https://json.schemastore.org/kustomization\n"
                    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                    + ns
                    + "resources:\n"
                    + "".join(f"  - ./{r}\n" for r in resources),
                )
            ],
        )


# --------------------------------------------------------------------------
# Notifications: Providers, Alerts, SOPS Secrets


@dataclass
class Provider:
    name: str
    namespace: str
    type: str
    secret_key: str | None  # key of the Secret the Provider reads; None: no Secret
    explicit_ns: bool


def sops_block(rng: random.Random) -> str:
    age = "".join(f"                {b64(rng, 48)}\n" for _ in range(5))
    recipient = "age1" + "".join(rng.choice("qpzry9x8gf2tvdw0s3jn54khce6mua7l") for _ in range(58))
    stamp = (
        f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"
    )
    old_style = rng.random() < 0.5
    empties = "    kms: []\n    gcp_kms: []\n    azure_kv: []\n    hc_vault: []\n"
    return (
        "sops:\n" + (empties if old_style else "") + "    age:\n"
        f"        - recipient: {recipient}\n"
        "          enc: |\n"
        "            -----BEGIN AGE ENCRYPTED FILE-----\n"
        + age.replace("                ", "            ")
        + "            -----END AGE ENCRYPTED FILE-----\n"
        f'    lastmodified: "{stamp}"\n'
        f"    mac: {enc(rng, 64)}\n"
        + ("    pgp: []\n" if old_style else "")
        + "    encrypted_regex: ^(data|stringData)$\n"
        f"    version: {'3.8.1' if old_style else '3.9.4'}\n"
    )


def secret(rng: random.Random, p: Provider) -> str:
    assert p.secret_key is not None
    keys = [p.secret_key]
    if p.type == "generic" and rng.random() < 0.3:
        keys.append("headers")
    # sops keeps the field names and encrypts the values; most repositories
    # use stringData, some data (whose values then are not base64).
    field_name = "data" if rng.random() < 0.15 else "stringData"
    body = "".join(f"    {k}: {enc(rng, rng.randint(60, 110))}\n" for k in keys)
    return (
        "apiVersion: v1\nkind: Secret\nmetadata:\n"
        f"    name: {p.name}-secret\n    namespace: {p.namespace}\n"
        f"type: Opaque\n{field_name}:\n" + body + sops_block(rng)
    )


def provider(rng: random.Random, p: Provider, c: Cluster) -> str:
    lines = [
        schema_comment("notification.toolkit.fluxcd.io", "Provider", "v1beta3"),
        "apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\nmetadata:\n",
        f"  name: {p.name}\n",
        f"  namespace: {p.namespace}\n" if p.explicit_ns else "",
        f"spec:\n  type: {p.type}\n",
    ]
    if p.type == "slack":
        lines.append(f"  channel: {rng.choice(('flux', 'alerts', 'deploys'))}-{p.namespace}\n")
        if p.secret_key == "token":
            lines.append("  address: https://slack.com/api/chat.postMessage\n")
        if rng.random() < 0.5:
            lines.append(f"  username: flux-{c.name}\n")
    elif p.type == "discord":
        lines.append(f"  username: flux-{c.name}\n")
    elif p.type == "generic" and p.secret_key is None:
        lines.append(f"  address: http://event-relay.{p.namespace}.svc.cluster.local:8080/flux\n")
    if rng.random() < 0.2:
        lines.append(f"  timeout: {rng.choice(('10s', '30s', '1m'))}\n")
    if p.secret_key is not None:
        lines.append(f"  secretRef:\n    name: {p.name}-secret\n")
    return "".join(lines)


def alert(
    rng: random.Random,
    name: str,
    p: Provider,
    severity: str,
    sources: Sequence[tuple[str, str]],
    c: Cluster,
) -> str:
    lines = [
        schema_comment("notification.toolkit.fluxcd.io", "Alert", "v1beta3"),
        "apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Alert\nmetadata:\n",
        f"  name: {name}\n",
        f"  namespace: {p.namespace}\n" if p.explicit_ns else "",
        f"spec:\n  providerRef:\n    name: {p.name}\n  eventSeverity: {severity}\n",
        "  eventSources:\n",
    ]
    lines.extend(f'    - kind: {kind}\n      name: "{src}"\n' for kind, src in sources)
    r = rng.random()
    if r < 0.35:
        lines.append(
            "  eventMetadata:\n"
            f"    cluster: ${{CLUSTER_NAME}}\n    env: {c.name.split('-')[0]}\n"
            + (f"    summary: {p.namespace} on {c.name}\n" if rng.random() < 0.5 else "")
        )
    if rng.random() < 0.4:
        lines.append(
            "  exclusionList:\n"
            '    - "error.*lookup github\\\\.com"\n'
            "    - dial.*tcp.*timeout\n    - waiting.*socket\n"
        )
    elif rng.random() < 0.1:
        lines.append('  inclusionList:\n    - ".*succeeded.*"\n')
    if rng.random() < 0.3:
        lines.append("  suspend: false\n")
    return "".join(lines)


def alert_sources(
    rng: random.Random, ns: str, cluster_apps: Sequence[App], ns_apps: Sequence[App]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Candidate Alerts of one Provider: (name suffix, eventSources), in order.

    The event sets are disjoint, so that no event reaches the same Provider
    twice through two Alerts (a wildcard and a name of the same kind would).
    """
    if ns == "flux-system":
        if rng.random() < 0.7:
            first = ("kustomizations", [("Kustomization", "*")])
        else:
            named = rng.sample(list(cluster_apps), min(3, len(cluster_apps)))
            first = ("critical-apps", [("Kustomization", a.name) for a in named])
        return [
            first,
            ("sources", [("GitRepository", "*"), ("HelmRepository", "*")]),
            ("helmreleases", [("HelmRelease", "*")]),
        ]
    if len(ns_apps) < 2 or rng.random() < 0.15:
        return [("helmreleases", [("HelmRelease", "*")])]
    apps = rng.sample(list(ns_apps), min(len(ns_apps), rng.randint(3, 5)))
    out = [("critical", [("HelmRelease", a.name) for a in apps[2:]])] if apps[2:] else []
    out += [(a.name, [("HelmRelease", a.name)]) for a in apps[:2]]
    return out


PROVIDER_TYPES = ("slack", "slack", "slack", "slack", "msteams", "msteams", "discord", "generic")


def write_notifications(w: Writer, rng: random.Random, c: Cluster, ratio: float) -> None:
    base = f"notifications/{c.name}"
    notif_namespaces = ["flux-system", *c.namespaces]
    n_providers = max(1, round(len(c.apps) * ratio))
    by_ns: dict[str, list[Provider]] = {}
    for k in range(n_providers):
        ns = notif_namespaces[k % len(notif_namespaces)]
        ptype = rng.choice(PROVIDER_TYPES)
        key: str | None = "address"
        if ptype == "slack" and rng.random() < 0.4:
            key = "token"
        elif ptype == "generic" and rng.random() < 0.6:
            key = None
        stem = {"slack": "slack", "msteams": "teams", "discord": "discord", "generic": "webhook"}
        used = {p.name for p in by_ns.get(ns, [])}
        pname = f"{stem[ptype]}-{rng.choice(('ops', 'platform', 'oncall', 'dev', ns))}"
        while pname in used:
            pname += "-2"
        by_ns.setdefault(ns, []).append(
            Provider(pname, ns, ptype, key, explicit_ns=ns == "flux-system" or rng.random() < 0.75)
        )

    apps_by_ns: dict[str, list[App]] = {}
    for a in c.apps:
        apps_by_ns.setdefault(a.namespace, []).append(a)

    dirs = []
    for ns in notif_namespaces:
        providers = by_ns.get(ns)
        if not providers:
            continue
        dirs.append(ns)
        resources: list[str] = []
        for p in providers:
            if p.secret_key is not None:
                fname = f"secret-{p.name}.sops.yaml"
                w.write(f"{base}/{ns}/{fname}", [("Secret", secret(rng, p))], leading=False)
                resources.append(fname)
            choices = alert_sources(rng, ns, c.apps, apps_by_ns.get(ns, []))
            n_alerts = min(len(choices), rng.choices((1, 2, 3), (10, 55, 35))[0])
            alerts = [
                (
                    "Alert",
                    alert(
                        rng,
                        f"{p.name}-{suffix}",
                        p,
                        rng.choice(("info", "error", "error")),
                        sources,
                        c,
                    ),
                )
                for suffix, sources in choices[:n_alerts]
            ]
            prov = ("Provider", provider(rng, p, c))
            if rng.random() < 0.15:
                fname = f"{p.name}.yaml"
                w.write(f"{base}/{ns}/{fname}", [prov, *alerts])
                resources.append(fname)
            else:
                w.write(f"{base}/{ns}/provider-{p.name}.yaml", [prov])
                w.write(f"{base}/{ns}/alerts-{p.name}.yaml", alerts)
                w.stats.alert_files.append(f"{base}/{ns}/alerts-{p.name}.yaml")
                resources += [f"provider-{p.name}.yaml", f"alerts-{p.name}.yaml"]
        w.write(
            f"{base}/{ns}/kustomization.yaml",
            [
                (
                    "kustomization.yaml",
                    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                    f"namespace: {ns}\nresources:\n"
                    + "".join(f"  - ./{r}\n" for r in sorted(resources)),
                )
            ],
            leading=False,
        )
    w.write(
        f"{base}/kustomization.yaml",
        [
            (
                "kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                "resources:\n" + "".join(f"  - ./{d}\n" for d in dirs),
            )
        ],
        leading=False,
    )


# --------------------------------------------------------------------------
# Entry points


def generator_digest() -> str:
    """Identifies this generator's code: a cached repository is reused only if equal."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def generate(out_dir: Path, apps: int = 2000, clusters: int = 8, seed: int = 1) -> Stats:
    """Write the repository to ``out_dir`` (replaced if it holds a generated one)."""
    if apps < 1 or clusters < 1:
        raise ValueError("--apps and --clusters must be at least 1")
    clusters = min(clusters, apps)
    out_dir = out_dir.resolve()
    if out_dir.exists() and any(out_dir.iterdir()):
        if not (out_dir / MARKER).is_file():
            raise FileExistsError(f"{out_dir} exists and is not a generated repository")
        shutil.rmtree(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{out_dir.name}.tmp-", dir=out_dir.parent))
    started = time.perf_counter()
    stats = Stats(apps=apps, clusters=clusters, seed=seed, generator=generator_digest())
    w = Writer(tmp, stats)
    rng = random.Random(seed)
    # About 200 Providers per 2,000 apps, as in the reference repository.
    ratio = 0.1
    for c in plan_clusters(rng, apps, clusters):
        write_cluster_entry(w, rng, c)
        write_infrastructure(w, rng, c)
        write_apps(w, rng, c)
        write_notifications(w, rng, c, ratio)
    (tmp / ".sops.yaml").write_text(
        "creation_rules:\n  - path_regex: .*\\.sops\\.ya?ml\n"
        "    encrypted_regex: ^(data|stringData)$\n"
        "    age: age1examplerecipientqpzry9x8gf2tvdw0s3jn54khce6mua7lqpzry9x8gf\n"
    )
    stats.files += 1
    stats.bytes += (tmp / ".sops.yaml").stat().st_size
    stats.documents += 1
    stats.kinds["(not a Kubernetes object)"] += 1
    stats.seconds = time.perf_counter() - started
    (tmp / MARKER).write_text(json.dumps(stats.to_json(), indent=1) + "\n")
    try:
        os.replace(tmp, out_dir)
    except OSError:
        # Another process generated the same repository meanwhile: keep theirs.
        other = load_stats(out_dir)
        shutil.rmtree(tmp)
        if other is None or other.to_json() | {"seconds": 0} != stats.to_json() | {"seconds": 0}:
            raise
    return stats


MANY_NAMESPACES = 10
MANY_PER_FILE = 500


def generate_many(out_dir: Path, alerts: int) -> Stats:
    """A repository of ``alerts`` Alerts and as many Providers in one cluster: the case of the
    rules that compare objects with each other (duplicate-alerts, duplicate-object).

    ``clusters/prod/flux-system/gotk-sync.yaml`` applies ``clusters/prod``, whose Flux
    Kustomization ``notifications`` builds ``notifications/``: files of 500 Providers
    (type generic, each its own in-cluster address) and files of 500 Alerts, spread over
    ten namespaces, each Alert on its own Provider with ``Kustomization/*`` or a
    HelmRelease by name as sources. Every Alert is compared with every other Alert of its
    namespace, and none duplicates another: validate reports nothing.
    """
    if alerts < 1:
        raise ValueError("--alerts must be at least 1")
    out_dir = out_dir.resolve()
    if out_dir.exists() and any(out_dir.iterdir()):
        if not (out_dir / MARKER).is_file():
            raise FileExistsError(f"{out_dir} exists and is not a generated repository")
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    stats = Stats(apps=0, clusters=1, seed=alerts, generator=generator_digest() + ":many")
    w = Writer(out_dir, stats)
    w.write(
        "clusters/prod/flux-system/gotk-sync.yaml",
        [("Kustomization", _many_flux_kustomization("flux-system", "./clusters/prod"))],
    )
    w.write(
        "clusters/prod/notifications.yaml",
        [("Kustomization", _many_flux_kustomization("notifications", "./notifications"))],
    )
    group = "notification.toolkit.fluxcd.io/v1beta3"
    for start in range(0, alerts, MANY_PER_FILE):
        numbers = range(start, min(start + MANY_PER_FILE, alerts))
        providers = []
        alert_docs = []
        for i in numbers:
            ns = NAMESPACES[i % MANY_NAMESPACES]
            providers.append(
                (
                    "Provider",
                    f"apiVersion: {group}\nkind: Provider\nmetadata:\n  name: relay-{i:05d}\n"
                    f"  namespace: {ns}\nspec:\n  type: generic\n"
                    f"  address: http://relay-{i:05d}.{ns}.svc.cluster.local:8080/flux\n",
                )
            )
            source = (
                "    - kind: Kustomization\n      name: '*'\n"
                if i % 2
                else f"    - kind: HelmRelease\n      name: app-{i:05d}\n"
            )
            severity = "info" if i % 3 else "error"
            alert_docs.append(
                (
                    "Alert",
                    f"apiVersion: {group}\nkind: Alert\nmetadata:\n  name: relay-{i:05d}\n"
                    f"  namespace: {ns}\nspec:\n  providerRef:\n    name: relay-{i:05d}\n"
                    f"  eventSeverity: {severity}\n  eventSources:\n{source}",
                )
            )
        number = start // MANY_PER_FILE
        w.write(f"notifications/providers-{number:03d}.yaml", providers)
        w.write(f"notifications/alerts-{number:03d}.yaml", alert_docs)
        stats.alert_files.append(f"notifications/alerts-{number:03d}.yaml")
    stats.seconds = time.perf_counter() - started
    (out_dir / MARKER).write_text(json.dumps(stats.to_json(), indent=1) + "\n")
    return stats


def _many_flux_kustomization(name: str, path: str) -> str:
    return (
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n"
        f"  name: {name}\n  namespace: flux-system\nspec:\n  interval: 10m\n"
        f"  path: {path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n"
        "    name: flux-system\n"
    )


def load_stats(out_dir: Path) -> Stats | None:
    """The statistics of a repository generated at ``out_dir``, if any."""
    try:
        return Stats.from_json(json.loads((out_dir / MARKER).read_text()))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("out_dir", type=Path, help="directory to create (replaced if generated)")
    parser.add_argument("--apps", type=int, default=2000)
    parser.add_argument("--clusters", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        stats = generate(args.out_dir, args.apps, args.clusters, args.seed)
    except (ValueError, FileExistsError) as exc:
        print(f"generate_repo: {exc}", file=sys.stderr)
        return 2
    print(f"{args.out_dir}: {stats.summary()} [{stats.seconds:.1f} s]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
