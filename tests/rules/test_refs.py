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
    by_secret = referrers(index, "Provider", "secretRef")
    assert {name: [p.doc.name for p in found] for name, found in by_secret.items()} == {
        "slack-url": ["a", "e"],  # in project order; not the crossplane Provider
        "other": ["b"],
        None: ["c", "d"],  # no secretRef, or one a post-build variable fills in
    }
    assert [p.doc.name for p in referrers(index, "Alert", "providerRef")["a"]] == ["x"]
    # made once per index
    assert referrers(index, "Provider", "secretRef") is by_secret
