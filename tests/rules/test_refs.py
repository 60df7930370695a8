"""fluxnotify/rules/_refs.py: reading references out of specs, and who references what."""

from __future__ import annotations

import os
from pathlib import Path

from routing_support import Project, alert, docs, provider

from fluxnotify.graph import build_graph
from fluxnotify.index import Index
from fluxnotify.model import SourceFile
from fluxnotify.parsing import load
from fluxnotify.rules._refs import referrers


def _index(root: Path) -> Index:
    files: dict[str, SourceFile] = {}
    for folder, _dirs, names in os.walk(root):
        for name in sorted(names):
            path = Path(folder, name)
            files[str(path)] = load(path, str(path.relative_to(root)), full=True)
    return Index((d for s in files.values() for d in s.documents), build_graph(str(root), files))


def test_referrers_by_the_literal_name_they_reference(tmp_path: Path) -> None:
    project = Project(tmp_path)
    crossplane = provider("cloud").replace(
        "notification.toolkit.fluxcd.io/v1beta3", "pkg.crossplane.io/v1"
    )
    project.write(
        "all.yaml",
        docs(
            provider("a"),
            provider("b", "apps", secret="other"),
            provider("c", secret=None),
            provider("d", secret="${SECRET}"),
            crossplane,
            provider("e"),
            alert("x", provider_ref="a"),
        ),
    )
    index = _index(tmp_path)
    everywhere = ("flux-system", "apps")

    def names(name: str | None, namespaces: tuple[str, ...] = everywhere) -> list[str | None]:
        return [p.doc.name for p in referrers(index, "Provider", "secretRef", name, namespaces)]

    assert names("slack-url") == ["a", "e"]  # in project order; not the crossplane Provider
    assert names("other") == ["b"]
    assert names(None) == ["c", "d"]  # no secretRef, or one a post-build variable fills in
    assert names("other", ("flux-system",)) == []  # b is applied in apps
    assert names("slack-url", ("apps",)) == []
    assert [p.doc.name for p in referrers(index, "Alert", "providerRef", "a", everywhere)] == ["x"]


def test_referrers_keep_project_order_across_namespaces(tmp_path: Path) -> None:
    project = Project(tmp_path)
    project.write(
        "all.yaml",
        docs(*(provider(f"p{n}", ("apps", "web", "ops")[n % 3]) for n in range(9))),
    )
    index = _index(tmp_path)
    found = referrers(index, "Provider", "secretRef", "slack-url", ["ops", "apps", "web"])
    assert [p.doc.name for p in found] == [f"p{n}" for n in range(9)]
    found = referrers(index, "Provider", "secretRef", "slack-url", ["web", "ops"])
    assert [p.doc.name for p in found] == ["p1", "p2", "p4", "p5", "p7", "p8"]
