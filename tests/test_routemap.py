"""`fluxnotify route --all`: every object's routes as a table, JSON, Mermaid and DOT.

DOT is parsed with pydot (a real Graphviz grammar); Mermaid is checked line by line
against the flowchart forms it uses (header, subgraph ... end, node, edge).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any

import pydot
import pytest
from routing_support import GOTK_SYNC, flux_kustomization
from validate_support import REPO, SHARED, clean_env, cli, console

from fluxnotify import route, routemap

CORPUS = (
    sorted(p.name for p in (SHARED / "corpus").iterdir() if p.is_dir())
    if (SHARED / "corpus").is_dir()
    else []
)

_HEADER = re.compile(r"^flowchart LR$")
_SUBGRAPH = re.compile(r'^ *subgraph (?P<id>[A-Za-z][A-Za-z0-9_]*)\["[^"]*"\]$')
_END = re.compile(r"^ *end$")
_NODE = re.compile(r'^ *(?P<id>[A-Za-z][A-Za-z0-9_]*)\["[^"]+"\]$')
_EDGE = re.compile(
    r"^ *(?P<a>[A-Za-z][A-Za-z0-9_]*) -->(?:\|[^|\"]+\|)? (?P<b>[A-Za-z][A-Za-z0-9_]*)$"
)


def check_mermaid(text: str) -> tuple[set[str], list[tuple[str, str]]]:
    """Every line is one of the flowchart forms; subgraphs close; edges join declared nodes."""
    lines = text.splitlines()
    assert _HEADER.match(lines[0]), lines[0]
    depth = 0
    nodes: set[str] = set()
    edges: list[tuple[str, str]] = []
    for line in lines[1:]:
        if m := _SUBGRAPH.match(line):
            depth += 1
        elif _END.match(line):
            depth -= 1
            assert depth >= 0, "`end` without subgraph"
        elif m := _NODE.match(line):
            assert m["id"] not in nodes, f"node {m['id']} declared twice"
            assert m["id"] != "end"
            nodes.add(m["id"])
        elif m := _EDGE.match(line):
            edges.append((m["a"], m["b"]))
        else:
            pytest.fail(f"not a Mermaid flowchart line: {line!r}")
    assert depth == 0, "a subgraph is not closed"
    for a, b in edges:
        assert a in nodes, f"edge {a} --> {b} starts at an undeclared node"
        assert b in nodes, f"edge {a} --> {b} ends at an undeclared node"
    return nodes, edges


def dot_nodes(text: str) -> list[Any]:
    """The nodes of a DOT text, in every subgraph, as pydot parses them."""
    with warnings.catch_warnings():
        # pydot 4's grammar still calls pyparsing's camelCase names, deprecated in pyparsing 3.3
        warnings.simplefilter("ignore", DeprecationWarning)
        graphs = pydot.graph_from_dot_data(text)
    assert graphs, "DOT did not parse"
    assert len(graphs) == 1
    found: list[Any] = []
    stack = [graphs[0]]
    while stack:
        graph = stack.pop()
        found.extend(n for n in graph.get_nodes() if n.get_name() not in ("node", "edge", "graph"))
        stack.extend(graph.get_subgraphs())
    return found


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def helm_release(name: str) -> str:
    return f"""
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: {name}
spec:
  interval: 10m
  chart:
    spec:
      chart: {name}
      sourceRef:
        kind: HelmRepository
        name: charts
"""


NOTIFY = """
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: slack
  namespace: flux-system
spec:
  type: slack
  channel: "ops \\"quoted\\""
  secretRef:
    name: slack-url
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: everything
  namespace: flux-system
spec:
  providerRef:
    name: slack
  eventSeverity: info
  eventSources:
    - kind: Kustomization
      name: '*'
    - kind: HelmRelease
      name: '*'
      namespace: '*'
"""


@pytest.fixture
def wildcard_project(tmp_path: Path) -> Path:
    """HelmReleases in `apps` whose only Alert names them with `namespace: '*'`."""
    write(tmp_path, "clusters/prod/flux-system/gotk-sync.yaml", GOTK_SYNC.format(cluster="prod"))
    write(tmp_path, "clusters/prod/apps.yaml", flux_kustomization("apps", "./apps"))
    write(tmp_path, "clusters/prod/notify.yaml", NOTIFY)
    write(
        tmp_path,
        "apps/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "namespace: apps\nresources:\n  - releases.yaml\n",
    )
    write(
        tmp_path,
        "apps/releases.yaml",
        "---\n" + "---\n".join(textwrap.dedent(helm_release(n)).lstrip() for n in ("web", "api")),
    )
    return tmp_path


def test_a_star_namespace_leaves_errors_reaching_nobody(wildcard_project: Path) -> None:
    result = console(
        "route", "--all", "--root", wildcard_project, wildcard_project, cwd=wildcard_project
    )
    assert result.code == 0, result.stderr
    out = result.stdout
    nobody = out[out.index("errors that reach nobody") :]
    assert nobody.splitlines()[0] == "errors that reach nobody: 2 of 4 objects"
    assert "    HelmRelease apps/api  (apps/releases.yaml)" in nobody
    assert "    HelmRelease apps/web  (apps/releases.yaml)" in nobody
    assert "flux-system/apps" not in nobody  # the Kustomizations reach Slack
    row = next(line for line in out.splitlines() if "Kustomization flux-system/apps " in line)
    assert row.split()[-2:] == ["flux-system/slack", "flux-system/slack"]
    # route explains why one of them is not delivered
    why = cli(
        "route",
        "--kind",
        "HelmRelease",
        "--name",
        "web",
        "--root",
        wildcard_project,
        cwd=wildcard_project,
    )
    assert why.code == 1
    assert "`namespace: '*'` is not a wildcard" in why.stdout


def test_json_shape(wildcard_project: Path) -> None:
    result = cli("route", "--all", "-f", "json", "--root", wildcard_project, cwd=wildcard_project)
    data = json.loads(result.stdout)
    assert data["version"] == 1
    assert set(data) == {
        "version",
        "objects",
        "duplicates",
        "silent_alerts",
        "errors_reach_nobody",
    }
    assert data["silent_alerts"] == []  # `everything` still carries the Kustomizations
    apps = next(o for o in data["objects"] if o["name"] == "apps")
    assert apps["cluster"] == "clusters/prod"
    assert apps["error"] == [
        {
            "alert": "flux-system/everything",
            "filtered": False,
            "cluster": "clusters/prod",
            "namespace": "flux-system",
            "provider": "slack",
            "type": "slack",
            "target": 'channel ops "quoted", address in Secret slack-url',
        }
    ]
    assert apps["info"] == apps["error"]
    assert {(o["namespace"], o["name"]) for o in data["errors_reach_nobody"]} == {
        ("apps", "web"),
        ("apps", "api"),
    }


def test_maps_collapse_objects_with_the_same_routes(wildcard_project: Path) -> None:
    mermaid = cli(
        "route", "--all", "-f", "mermaid", "--root", wildcard_project, cwd=wildcard_project
    )
    nodes, edges = check_mermaid(mermaid.stdout)
    # 2 Kustomizations with the same route: one node; 2 HelmReleases reaching nobody: one node;
    # the Alert; the Provider.
    assert len(nodes) == 4
    assert '["2 objects: 2 Kustomization"]' in mermaid.stdout
    assert '["errors reach nobody: 2 objects: 2 HelmRelease"]' in mermaid.stdout
    assert "#quot;quoted#quot;" in mermaid.stdout  # a quote cannot end the label
    assert len(edges) == 2
    assert re.search(r'(?m)^    subgraph c0n\d+\["namespace flux-system"\]$', mermaid.stdout)
    dot = cli("route", "--all", "-f", "dot", "--root", wildcard_project, cwd=wildcard_project)
    labels = sorted(n.get("label") for n in dot_nodes(dot.stdout))
    assert labels == sorted(
        [
            '"2 objects: 2 Kustomization"',
            '"Alert everything"',
            '"errors reach nobody: 2 objects: 2 HelmRelease"',
            '"Provider slack (slack, channel ops \\"quoted\\", address in Secret slack-url)"',
        ]
    )


def test_same_bytes_whatever_the_hash_seed(wildcard_project: Path) -> None:
    outputs = set()
    for seed in ("0", "1", "12345"):
        for fmt in ("text", "dot"):
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "fluxnotify",
                    "route",
                    "--all",
                    "-f",
                    fmt,
                    "--root",
                    str(wildcard_project),
                    str(wildcard_project),
                ],
                capture_output=True,
                env=clean_env(PYTHONHASHSEED=seed),
                check=True,
                cwd=wildcard_project,
            )
            outputs.add((fmt, proc.stdout))
    assert len(outputs) == 2


@pytest.mark.needs_shared
@pytest.mark.parametrize("repo", CORPUS)
def test_every_corpus_repository_routes_and_draws(repo: str) -> None:
    root = SHARED / "corpus" / repo
    table = cli("route", "--all", "--root", root, root, cwd=root)
    assert table.code == 0, table.stderr
    assert table.stderr == ""
    assert table.stdout.startswith("CLUSTER  ")
    assert "errors that reach nobody: " in table.stdout
    # the other formats from the same routes, in-process (the CLI picks one of these)
    project, documents = route.load([str(root)], root)
    routes = route.route_all(project, documents)
    assert routemap.all_text(routes) == table.stdout
    data = json.loads(routemap.all_json(routes))
    nodes, _ = check_mermaid(routemap.mermaid(routes))
    assert len(dot_nodes(routemap.dot(routes))) == len(nodes)
    if any(o["error"] or o["info"] for o in data["objects"]):
        assert any(n.startswith("p") for n in nodes), "routes but no Provider drawn"


@pytest.mark.needs_shared
def test_kashalls_duplicate_pairs() -> None:
    root = SHARED / "corpus" / "kashalls__home-cluster"
    result = console("route", "--all", "--root", root, root, cwd=root)
    assert result.code == 0, result.stderr
    section = result.stdout[result.stdout.index("duplicates (") :].split("\n\n")[0].splitlines()
    assert section[1:] == [
        "  [kubernetes] Alerts entertainment/alert-manager and entertainment/alertmanager"
        " -> entertainment/alert-manager: errors of 13 object(s), info of 0",
        "  [kubernetes] Alerts minecraft/alert-manager and minecraft/alertmanager"
        " -> minecraft/alert-manager: errors of 4 object(s), info of 0",
    ]
    data = json.loads(cli("route", "--all", "-f", "json", "--root", root, root, cwd=root).stdout)
    assert [d["alerts"] for d in data["duplicates"]] == [
        ["entertainment/alert-manager", "entertainment/alertmanager"],
        ["minecraft/alert-manager", "minecraft/alertmanager"],
    ]
    # one event of one of those HelmReleases, through route: both rows marked
    release = next(
        o["name"] for o in data["objects"] if o["namespace"] == "minecraft" and o["error"]
    )
    one = cli(
        "route",
        "--kind",
        "HelmRelease",
        "--name",
        release,
        "--namespace",
        "minecraft",
        "-f",
        "json",
        "--root",
        root,
        root,
        cwd=root,
    )
    rows = [r for r in json.loads(one.stdout)["alerts"] if r["duplicates"]]
    assert sorted(r["name"] for r in rows) == ["alert-manager", "alertmanager"]


def test_the_bench_map_stays_under_500_nodes(tmp_path: Path) -> None:
    repo = tmp_path / "bench"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "generate_repo.py"),
            str(repo),
            "--apps",
            "2000",
            "--clusters",
            "8",
        ],
        check=True,
        capture_output=True,
    )
    project, documents = route.load([str(repo)], repo)
    routes = route.route_all(project, documents)
    nodes = dot_nodes(routemap.dot(routes))
    assert 50 < len(nodes) < 500
    # the Mermaid map stays within Mermaid's default limits (50,000 characters, 500 edges),
    # so GitHub and GitLab still render it
    mermaid = routemap.mermaid(routes)
    assert len(mermaid) < 50_000
    mermaid_nodes, edges = check_mermaid(mermaid)
    assert len(mermaid_nodes) == len(nodes)
    assert len(edges) < 500
    # the objects are all there, as counts
    counted = 0
    for node in nodes:
        label = node.get("label").strip('"')
        if label.startswith(
            ("HelmRelease ", "Kustomization ", "GitRepository ", "HelmRepository ")
        ):
            counted += 1
        elif m := re.search(r"(\d+) objects:", label):
            counted += int(m[1])
    # every Flux object the generator wrote is counted in some node
    kinds = json.loads((repo / ".bench-repo.json").read_text(encoding="utf-8"))["kinds"]
    flux = ("HelmRelease", "Kustomization", "GitRepository", "HelmRepository")
    assert counted == sum(kinds[kind] for kind in flux)
