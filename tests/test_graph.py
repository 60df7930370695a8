"""fluxnotify/graph.py: where Flux applies each object (cluster, effective namespace)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from routing_support import GOTK_SYNC, Project, alert, flux_kustomization, kustomization, provider

from fluxnotify.graph import Graph, build_graph
from fluxnotify.model import Document, Placement, SourceFile
from fluxnotify.parsing import load


class Built:
    """The graph of a project folder, with documents looked up by file and name."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, SourceFile] = {}
        for folder, _dirs, names in os.walk(root):
            for name in names:
                if name.endswith((".yaml", ".yml")):
                    path = Path(folder, name)
                    self.files[str(path)] = load(path, str(path.relative_to(root)), full=True)
        self.graph: Graph = build_graph(str(root), self.files)

    def doc(self, rel: str, name: str | None = None) -> Document:
        source = self.files[str(self.root / rel)]
        found = [d for d in source.documents if name is None or d.name == name]
        assert len(found) == 1, f"{len(found)} documents named {name} in {rel}"
        return found[0]

    def where(self, rel: str, name: str | None = None) -> set[tuple[str | None, str | None]]:
        return {(p.cluster, p.namespace) for p in self.graph.of(self.doc(rel, name))}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


# --- effective namespaces -----------------------------------------------------------------


def test_nothing_includes_it_own_namespace_unknown_cluster(project: Project) -> None:
    project.write("alert.yaml", alert(namespace="apps"))
    project.write("loose.yaml", alert("loose", namespace=None))
    built = Built(project.root)
    assert built.where("alert.yaml") == {(None, "apps")}
    assert built.where("loose.yaml") == {(None, None)}
    assert built.graph.clusters == set()


def test_kustomization_namespace_overrides_metadata(project: Project) -> None:
    project.write("team/kustomization.yaml", kustomization("alert.yaml", "sub", namespace="team"))
    project.write("team/alert.yaml", alert(namespace="apps"))
    project.write("team/sub/kustomization.yaml", kustomization("provider.yaml", namespace="inner"))
    project.write("team/sub/provider.yaml", provider(namespace="flux-system"))
    built = Built(project.root)
    assert built.where("team/alert.yaml") == {(None, "team")}
    # The outermost kustomization's namespace wins over the inner one's.
    assert built.where("team/sub/provider.yaml") == {(None, "team")}


def test_component_in_several_namespaces(project: Project) -> None:
    project.write(
        "components/alerts/kustomization.yaml", kustomization("alert.yaml", kind="Component")
    )
    project.write("components/alerts/alert.yaml", alert(namespace=None))
    project.write("apps/kustomization.yaml", kustomization("a", "b", "c"))
    project.write(
        "apps/a/kustomization.yaml",
        kustomization(namespace="a", components=("../../components/alerts",)),
    )
    project.write(
        "apps/b/kustomization.yaml",
        kustomization(namespace="b", components=("../../components/alerts",)),
    )
    project.write("apps/c/kustomization.yaml", kustomization("../../components/alerts/alert.yaml"))
    built = Built(project.root)
    # c has no namespace of its own: the Alert keeps what it says (nothing: unknown).
    assert built.where("components/alerts/alert.yaml") == {(None, "a"), (None, "b"), (None, None)}


def test_target_namespace_and_path_of_a_flux_kustomization(project: Project) -> None:
    """targetNamespace beats the kustomization's namespace; a folder without a
    kustomization.yaml is taken whole, recursively, down to folders that have one."""
    project.cluster("prod")
    project.write(
        "clusters/prod/teams.yaml", flux_kustomization("teams", "./teams", target_namespace="team")
    )
    project.write("teams/alert.yaml", alert(namespace="apps"))
    project.write("teams/deep/er/provider.yaml", provider(namespace=None))
    project.write("teams/sub/kustomization.yaml", kustomization("included.yaml", namespace="sub"))
    project.write("teams/sub/included.yaml", alert("included", namespace=None))
    project.write("teams/sub/left-out.yaml", alert("left-out", namespace="x"))
    built = Built(project.root)
    assert built.where("teams/alert.yaml") == {("clusters/prod", "team")}
    assert built.where("teams/deep/er/provider.yaml") == {("clusters/prod", "team")}
    assert built.where("teams/sub/included.yaml") == {("clusters/prod", "team")}
    # Not in the sub-folder's kustomization.yaml, so Flux never applies it.
    assert built.where("teams/sub/left-out.yaml") == {(None, "x")}


def test_flux_kustomization_without_target_namespace(project: Project) -> None:
    project.cluster("prod")
    project.write("clusters/prod/apps.yaml", flux_kustomization("apps", "./apps"))
    project.write("apps/kustomization.yaml", kustomization("alert.yaml", namespace="apps"))
    project.write("apps/alert.yaml", alert(namespace="x"))
    project.write("clusters/prod/alert.yaml", alert("local", namespace="monitoring"))
    built = Built(project.root)
    assert built.where("apps/alert.yaml") == {("clusters/prod", "apps")}
    assert built.where("clusters/prod/alert.yaml") == {("clusters/prod", "monitoring")}
    assert built.where("clusters/prod/apps.yaml") == {("clusters/prod", "flux-system")}


def test_path_relative_to_a_source_that_is_a_subfolder(project: Project) -> None:
    """`spec.path: ./apps/web` when the GitRepository's root is `kubernetes/`: the one folder
    of the repository that ends with that path."""
    project.write(
        "kubernetes/clusters/prod/flux-system/gotk-sync.yaml",
        flux_kustomization("flux-system", "./clusters/prod"),
    )
    project.write(
        "kubernetes/clusters/prod/web.yaml",
        flux_kustomization("web", "./apps/web", target_namespace="web"),
    )
    project.write("kubernetes/apps/web/alert.yaml", alert(namespace=None))
    built = Built(project.root)
    assert built.where("kubernetes/apps/web/alert.yaml") == {("kubernetes/clusters/prod", "web")}


def test_variables_and_remote_resources_are_not_followed(project: Project) -> None:
    project.cluster("prod")
    project.write(
        "clusters/prod/apps.yaml",
        flux_kustomization("apps", "./apps/${CLUSTER}", target_namespace="x"),
    )
    project.write("apps/prod/alert.yaml", alert(namespace="apps"))
    project.write(
        "remote/kustomization.yaml",
        kustomization(
            "https://github.com/org/repo//deploy?ref=v1",
            "github.com/org/repo/deploy",
            "alert.yaml",
            namespace="remote",
        ),
    )
    project.write("remote/alert.yaml", alert(namespace=None))
    built = Built(project.root)
    assert built.where("apps/prod/alert.yaml") == {(None, "apps")}
    assert built.where("remote/alert.yaml") == {(None, "remote")}


# --- clusters -----------------------------------------------------------------------------


def test_clusters_are_named_after_their_entry_points(project: Project) -> None:
    for name in ("a", "b"):
        project.cluster(name)
        project.write(
            f"clusters/{name}/notify.yaml",
            flux_kustomization("notify", "./notify", target_namespace="monitoring"),
        )
    project.write(
        "kubernetes/main/flux/cluster/ks.yaml",
        flux_kustomization("cluster", "./kubernetes/main/apps"),
    )
    project.write("kubernetes/main/apps/alert.yaml", alert("main", namespace="flux-system"))
    project.write("notify/alert.yaml", alert(namespace=None))
    built = Built(project.root)
    assert built.graph.clusters == {"clusters/a", "clusters/b", "kubernetes/main"}
    assert built.where("notify/alert.yaml") == {
        ("clusters/a", "monitoring"),
        ("clusters/b", "monitoring"),
    }
    assert built.where("kubernetes/main/apps/alert.yaml") == {("kubernetes/main", "flux-system")}


def test_same_names_in_three_clusters_stay_apart(project: Project) -> None:
    """haraldkoch: kubernetes/main, network and registry with the same object names."""
    for name in ("main", "network", "registry"):
        project.write(
            f"kubernetes/{name}/flux-system/gotk-sync.yaml",
            flux_kustomization("flux-system", f"./kubernetes/{name}"),
        )
        project.write(f"kubernetes/{name}/apps/alert.yaml", alert(namespace="flux-system"))
    built = Built(project.root)
    for name in ("main", "network", "registry"):
        assert built.where(f"kubernetes/{name}/apps/alert.yaml") == {
            (f"kubernetes/{name}", "flux-system")
        }


def test_unknown_placement_is_never_empty(project: Project) -> None:
    project.write("alert.yaml", alert(namespace="apps"))
    built = Built(project.root)
    assert built.graph.of(built.doc("alert.yaml")) == {Placement(None, "apps")}


def test_kustomization_included_by_a_cluster_is_not_an_entry_point(project: Project) -> None:
    for name in ("a", "b"):
        project.write(f"clusters/{name}/flux-system/gotk-sync.yaml", GOTK_SYNC.format(cluster=name))
        project.write(
            f"clusters/{name}/kustomization.yaml",
            kustomization("flux-system/gotk-sync.yaml", f"../../shared/ks-{name}.yaml"),
        )
        project.write(f"shared/ks-{name}.yaml", flux_kustomization("team", f"./teams/{name}"))
        project.write(f"teams/{name}/provider.yaml", provider())
    built = Built(project.root)
    assert built.where("teams/a/provider.yaml") == {("clusters/a", "flux-system")}
    assert built.graph.clusters == {"clusters/a", "clusters/b"}


# --- secretGenerator ----------------------------------------------------------------------


def test_secret_generators(project: Project) -> None:
    project.cluster("prod")
    project.write("clusters/prod/notify.yaml", flux_kustomization("notify", "./notify"))
    generators = """
    secretGenerator:
      - name: literal
        literals:
          - address=https://example.invalid
          - token=t
      - name: from-files
        files:
          - token.txt
          - address=webhook.txt
      - name: from-env
        envs:
          - slack.env
    """
    project.write(
        "notify/kustomization.yaml", kustomization(namespace="monitoring", extra=generators)
    )
    own = "secretGenerator:\n  - name: elsewhere\n    namespace: other\n    literals:\n      - token=t\n"
    project.write("unreached/kustomization.yaml", kustomization(extra=own))
    built = Built(project.root)
    found = {g.name: (g.keys, g.placement) for g in built.graph.generated}
    here = Placement("clusters/prod", "monitoring")
    assert found == {
        "literal": (frozenset({"address", "token"}), here),
        "from-files": (frozenset({"token.txt", "address"}), here),
        "from-env": (None, here),
        "elsewhere": (frozenset({"token"}), Placement(None, "other")),
    }
