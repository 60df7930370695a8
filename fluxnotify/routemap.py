"""Printing routes: a table, JSON, and the routing map as Mermaid or Graphviz DOT.

The map runs from objects (grouped by cluster and namespace) through Alerts to
Providers. Large repositories stay readable because nodes collapse: objects
with exactly the same error and info destinations become one node with a
count, the objects that reach nobody one node per cluster, and Alerts with
the same Provider fed by the same object nodes one node.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from fluxnotify.route import (
    JSON_VERSION,
    AlertRow,
    Destination,
    EventRoute,
    Hop,
    ObjectRoutes,
    Routes,
)

# --- one event -----------------------------------------------------------------------------


def _cluster(value: str | None) -> str:
    return value if value is not None else "?"


def event_text(route: EventRoute) -> str:
    event = route.event
    clusters = ", ".join(_cluster(c) for c in route.clusters)
    lines = [
        f"{event.severity} event from {event.kind} {event.namespace}/{event.name}"
        f" (cluster {clusters}){'' if route.defined else ', an object the repository does not define'}"
    ]
    if event.message:
        lines.append(f"message: {event.message}")
    if not route.rows:
        lines.append("no Alert in the project: the event is discarded")
        return "\n".join(lines) + "\n"
    many = len({row.cluster for row in route.rows}) > 1
    width = max(len(_row_name(row, many)) for row in route.rows)
    for row in route.rows:
        name = _row_name(row, many).ljust(width)
        if row.verdict.delivered and row.destination is not None:
            extra = ""
            if row.verdict.filtered:
                extra = "  (for some messages: inclusion/exclusion regexes)"
            if row.duplicates:
                extra += f"  DUPLICATE: also sent by {', '.join(row.duplicates)}"
            lines.append(f"delivered      {name}  -> {row.destination.label}{extra}")
        else:
            lines.append(f"not delivered  {name}  {row.verdict.check}: {row.verdict.reason}")
    delivered = [row for row in route.rows if row.verdict.delivered]
    if delivered:
        targets = {row.destination.key for row in delivered if row.destination is not None}
        lines.append(
            f"delivered to {len(targets)} destination(s) through {len(delivered)} Alert(s)"
        )
    else:
        lines.append("delivered nowhere")
    return "\n".join(lines) + "\n"


def _row_name(row: AlertRow, many_clusters: bool) -> str:
    prefix = f"[{_cluster(row.cluster)}] " if many_clusters else ""
    return f"{prefix}Alert {row.ref}"


def _destination_json(target: Destination) -> dict[str, Any]:
    return {
        "cluster": target.cluster,
        "namespace": target.namespace,
        "provider": target.provider,
        "type": target.type,
        "target": target.target,
    }


def event_json(route: EventRoute) -> str:
    event = route.event
    data = {
        "version": JSON_VERSION,
        "event": {
            "kind": event.kind,
            "namespace": event.namespace,
            "name": event.name,
            "severity": event.severity,
            "message": event.message,
            "reason": event.reason,
            "metadata": dict(sorted(event.metadata.items())),
            "clusters": list(route.clusters),
            "defined": route.defined,
        },
        "delivered": route.delivered,
        "alerts": [
            {
                "cluster": row.cluster,
                "namespace": row.namespace,
                "name": row.name,
                "path": row.path,
                "line": row.line,
                "delivered": row.verdict.delivered,
                "check": row.verdict.check or None,
                "reason": row.verdict.reason or None,
                "filtered": row.verdict.filtered,
                "destination": _destination_json(row.destination) if row.destination else None,
                "duplicates": list(row.duplicates),
            }
            for row in route.rows
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --- every object --------------------------------------------------------------------------


def _short(target: Destination) -> str:
    return f"{target.namespace}/{target.provider}"


def _hops_text(hops: Sequence[Hop]) -> str:
    """Each destination once: ``xN`` when N Alerts send there, ``(some)`` when only
    Alerts with regexes do."""
    if not hops:
        return "nobody"
    by_key: dict[tuple[Any, ...], list[Hop]] = defaultdict(list)
    for hop in hops:
        by_key[hop.destination.key].append(hop)
    shown = []
    for group in by_key.values():
        text = _short(group[0].destination)
        alerts = {h.alert for h in group}
        if len(alerts) > 1:
            text += f" x{len(alerts)}"
        if all(h.filtered for h in group):
            text += " (some)"
        shown.append(text)
    return ", ".join(sorted(shown))


def unrouted(routes: Routes) -> list[ObjectRoutes]:
    """Objects whose errors reach nobody (their namespace known)."""
    return [o for o in routes.objects if not o.errors and o.namespace is not None]


class Duplicate(NamedTuple):
    """Two Alerts that send the same events of some objects to one destination."""

    cluster: str | None
    alerts: tuple[str, str]
    destination: Destination
    #: objects whose errors are posted twice, and those whose info events are
    errors: int
    infos: int


def duplicates(routes: Routes) -> list[Duplicate]:
    """Each pair of Alerts posting the same event to the same destination, with counts."""
    counts: dict[tuple[Any, ...], list[int]] = {}
    targets: dict[tuple[Any, ...], tuple[str | None, tuple[str, str], Destination]] = {}
    for o in routes.objects:
        for position, hops in enumerate((o.errors, o.infos)):
            by_key: dict[tuple[Any, ...], list[Hop]] = defaultdict(list)
            for hop in hops:
                by_key[hop.destination.key].append(hop)
            for group in by_key.values():
                alerts = sorted({h.alert for h in group})
                for pair in itertools.combinations(alerts, 2):
                    key = (_cluster(o.cluster), pair, repr(group[0].destination.key))
                    counts.setdefault(key, [0, 0])[position] += 1
                    targets[key] = (o.cluster, pair, group[0].destination)
    return [Duplicate(*targets[key], counts[key][0], counts[key][1]) for key in sorted(counts)]


def all_text(routes: Routes) -> str:
    header = ("CLUSTER", "OBJECT", "ERRORS TO", "INFO TO")
    rows = [
        (
            _cluster(o.cluster),
            f"{o.kind} {o.namespace or '?'}/{o.name}",
            _hops_text(o.errors) if o.namespace is not None else "? (namespace unknown)",
            _hops_text(o.infos) if o.namespace is not None else "?",
        )
        for o in routes.objects
    ]
    lines = _table(header, rows)
    lines.append(
        "xN: N Alerts send it there (duplicates); (some): only messages their regexes let by"
    )
    targets = {
        (_cluster(h.destination.cluster), h.destination.label)
        for o in routes.objects
        for h in (*o.errors, *o.infos)
    }
    if targets:
        lines.append("")
        lines.append("destinations:")
        lines.extend(f"  [{cluster}] {label}" for cluster, label in sorted(targets))
    found = duplicates(routes)
    if found:
        lines.append("")
        lines.append("duplicates (two Alerts post the same event to the same destination):")
        lines.extend(
            f"  [{_cluster(d.cluster)}] Alerts {d.alerts[0]} and {d.alerts[1]} -> "
            f"{_short(d.destination)}: errors of {d.errors} object(s), info of {d.infos}"
            for d in found
        )
    nobody = unrouted(routes)
    lines.append("")
    lines.append(f"errors that reach nobody: {len(nobody)} of {len(routes.objects)} objects")
    by_cluster: dict[str, list[ObjectRoutes]] = defaultdict(list)
    for o in nobody:
        by_cluster[_cluster(o.cluster)].append(o)
    for cluster, objects in sorted(by_cluster.items()):
        lines.append(f"  cluster {cluster}:")
        lines.extend(f"    {o.kind} {o.namespace}/{o.name}  ({o.path})" for o in objects)
    if routes.silent:
        lines.append("")
        lines.append(
            f"Alerts that deliver no object's events: {len(routes.silent)}"
            " (`fluxnotify route --kind ... --name ...` says why for one event)"
        )
        lines.extend(
            f"  [{_cluster(a.cluster)}] {a.namespace or '?'}/{a.name}  ({a.path})"
            for a in routes.silent
        )
    unknown = [o for o in routes.objects if o.namespace is None]
    if unknown:
        lines.append(
            f"namespace unknown (not routed): {len(unknown)} objects with no metadata.namespace"
            " and no kustomize or Flux namespace"
        )
    return "\n".join(lines) + "\n"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header) - 1)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join([*(c.ljust(w) for c, w in zip(cells, widths, strict=False)), cells[-1]])

    return [line(header), *(line(r) for r in rows)]


def _hops_json(hops: Iterable[Hop]) -> list[dict[str, Any]]:
    return [
        {"alert": h.alert, "filtered": h.filtered, **_destination_json(h.destination)} for h in hops
    ]


def all_json(routes: Routes) -> str:
    data = {
        "version": JSON_VERSION,
        "objects": [
            {
                "cluster": o.cluster,
                "kind": o.kind,
                "namespace": o.namespace,
                "name": o.name,
                "path": o.path,
                "error": _hops_json(o.errors),
                "info": _hops_json(o.infos),
            }
            for o in routes.objects
        ],
        "duplicates": [
            {
                "cluster": d.cluster,
                "alerts": list(d.alerts),
                "destination": _destination_json(d.destination),
                "errors": d.errors,
                "infos": d.infos,
            }
            for d in duplicates(routes)
        ],
        "silent_alerts": [
            {"cluster": a.cluster, "namespace": a.namespace, "name": a.name, "path": a.path}
            for a in routes.silent
        ],
        "errors_reach_nobody": [
            {"cluster": o.cluster, "kind": o.kind, "namespace": o.namespace, "name": o.name}
            for o in unrouted(routes)
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --- the map -------------------------------------------------------------------------------


class Node(NamedTuple):
    id: str
    label: str
    #: object, nobody, alert or provider
    role: str
    cluster: str | None
    namespace: str | None


class Edge(NamedTuple):
    source: str
    target: str
    label: str


class Map(NamedTuple):
    nodes: list[Node]
    edges: list[Edge]


def _count_label(objects: Sequence[ObjectRoutes]) -> str:
    if len(objects) == 1:
        return f"{objects[0].kind} {objects[0].name}"
    kinds: dict[str, int] = defaultdict(int)
    for o in objects:
        kinds[o.kind] += 1
    return f"{len(objects)} objects: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))


#: Past this many nodes the map leaves Alerts to edge labels (``compact_map``).
FULL_MAP_NODES = 300


def build_map(routes: Routes) -> Map:
    """The routing map: objects, Alerts and Providers, or, when that would be too big
    to read, objects and Providers with the Alerts named on the edges."""
    full = full_map(routes)
    return full if len(full.nodes) <= FULL_MAP_NODES else compact_map(routes)


def _nobody_nodes(routes: Routes) -> list[Node]:
    """One node per cluster for the objects whose events reach nobody."""
    nobody: dict[str, list[ObjectRoutes]] = defaultdict(list)
    for o in routes.objects:
        if o.namespace is not None and not o.errors and not o.infos:
            nobody[_cluster(o.cluster)].append(o)
    return [
        Node(
            f"x{number}",
            f"errors reach nobody: {_count_label(objects)}",
            "nobody",
            objects[0].cluster,
            None,
        )
        for number, (_, objects) in enumerate(sorted(nobody.items()))
    ]


def _provider_node(node_id: str, target: Destination) -> Node:
    extra = f", {target.target}" if target.target else ""
    label = f"Provider {target.provider} ({target.type}{extra})"
    return Node(node_id, label, "provider", target.cluster, target.namespace)


def _alerts_label(alerts: set[str]) -> str:
    names = sorted(a.split("/", 1)[1] for a in alerts)
    return f"Alert {names[0]}" if len(names) == 1 else f"{len(names)} Alerts"


def compact_map(routes: Routes) -> Map:
    """Objects with the same destinations (whatever the severities) as one node, straight
    to the Providers; each edge says which events of how many objects, through which Alerts."""
    groups: dict[tuple[Any, ...], list[ObjectRoutes]] = defaultdict(list)
    for o in routes.objects:
        if o.namespace is None or (not o.errors and not o.infos):
            continue
        keys = frozenset(h.destination.key for h in (*o.errors, *o.infos))
        groups[(_cluster(o.cluster), o.namespace, _sig(keys))].append(o)
    nodes: list[Node] = []
    edges: set[Edge] = set()
    providers: dict[tuple[str, str], str] = {}
    for number, (_, members) in enumerate(sorted(groups.items(), key=lambda kv: kv[0])):
        node_id = f"o{number}"
        nodes.append(
            Node(node_id, _count_label(members), "object", members[0].cluster, members[0].namespace)
        )
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        alerts: dict[str, set[str]] = defaultdict(set)
        targets: dict[str, Destination] = {}
        for o in members:
            for position, hops in enumerate((o.errors, o.infos)):
                for key in {repr(h.destination.key) for h in hops}:
                    counts[key][position] += 1
                for hop in hops:
                    alerts[repr(hop.destination.key)].add(hop.alert)
                    targets[repr(hop.destination.key)] = hop.destination
        for key, (errors, infos) in counts.items():
            provider_key = (_cluster(members[0].cluster), key)
            if provider_key not in providers:
                providers[provider_key] = f"p{len(providers)}"
                nodes.append(_provider_node(providers[provider_key], targets[key]))
            parts = []
            for word, count in (("errors", errors), ("info", infos)):
                if count:
                    parts.append(word if count == len(members) else f"{word} of {count}")
            label = f"{' and '.join(parts)} via {_alerts_label(alerts[key])}"
            edges.add(Edge(node_id, providers[provider_key], label))
    nodes.extend(_nobody_nodes(routes))
    return Map(nodes, sorted(edges))


def full_map(routes: Routes) -> Map:
    """Objects with exactly the same routes as one node, then Alerts, then Providers."""
    # Object groups: same cluster, namespace and exactly the same destinations.
    groups: dict[tuple[Any, ...], list[ObjectRoutes]] = defaultdict(list)
    for o in routes.objects:
        if o.namespace is None or (not o.errors and not o.infos):
            continue
        errors = frozenset(h.destination.key for h in o.errors)
        infos = frozenset(h.destination.key for h in o.infos)
        groups[(_cluster(o.cluster), o.namespace, _sig(errors), _sig(infos))].append(o)
    nodes: list[Node] = []
    edges: set[Edge] = set()
    # alert group key -> node id; the key: cluster, namespace, destination, object groups fed
    alert_feeds: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    alert_target: dict[tuple[str, str], Destination] = {}
    alert_names: dict[tuple[str, str], str] = {}
    for number, (_, members) in enumerate(sorted(groups.items(), key=lambda kv: kv[0])):
        node_id = f"o{number}"
        first = members[0]
        nodes.append(Node(node_id, _count_label(members), "object", first.cluster, first.namespace))
        for o in members:
            for severity, hops in (("error", o.errors), ("info", o.infos)):
                for hop in hops:
                    alert_key = (_cluster(o.cluster), hop.alert + "|" + repr(hop.destination.key))
                    alert_feeds[alert_key][node_id].add(severity)
                    alert_target[alert_key] = hop.destination
                    alert_names[alert_key] = hop.alert
    nodes.extend(_nobody_nodes(routes))
    # Alerts fed by the same object nodes with the same severities, to the same Provider.
    alert_groups: dict[tuple[Any, ...], list[tuple[str, str]]] = defaultdict(list)
    for alert_key, feeds in alert_feeds.items():
        fed = tuple(sorted((node, "+".join(sorted(s))) for node, s in feeds.items()))
        target = alert_target[alert_key]
        namespace = alert_names[alert_key].split("/", 1)[0]
        alert_groups[(alert_key[0], namespace, repr(target.key), fed)].append(alert_key)
    providers: dict[tuple[str, str], str] = {}
    for number, (key, fed_by) in enumerate(sorted(alert_groups.items(), key=lambda kv: kv[0])):
        node_id = f"a{number}"
        label = _alerts_label({alert_names[m] for m in fed_by})
        target = alert_target[fed_by[0]]
        nodes.append(Node(node_id, label, "alert", target.cluster, key[1]))
        for source, severities in key[3]:
            edges.add(Edge(source, node_id, _edge_label(severities)))
        provider_key = (key[0], repr(target.key))
        if provider_key not in providers:
            providers[provider_key] = f"p{len(providers)}"
            nodes.append(_provider_node(providers[provider_key], target))
        edges.add(Edge(node_id, providers[provider_key], ""))
    return Map(nodes, sorted(edges))


def _sig(keys: frozenset[tuple[Any, ...]]) -> tuple[str, ...]:
    return tuple(sorted(repr(k) for k in keys))


def _edge_label(severities: str) -> str:
    return "errors only" if severities == "error" else "errors and info"


def _grouped(graph: Map) -> dict[str, dict[str, list[Node]]]:
    """cluster -> namespace ("" for none) -> nodes, in a stable order."""
    out: dict[str, dict[str, list[Node]]] = defaultdict(lambda: defaultdict(list))
    for node in graph.nodes:
        out[_cluster(node.cluster)][node.namespace or ""].append(node)
    return out


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")


def mermaid(routes: Routes) -> str:
    graph = build_map(routes)
    lines = ["flowchart LR"]
    for c_number, (cluster, namespaces) in enumerate(sorted(_grouped(graph).items())):
        lines.append(f'  subgraph c{c_number}["cluster {_mermaid_text(cluster)}"]')
        for n_number, (namespace, nodes) in enumerate(sorted(namespaces.items())):
            indent = "    "
            if namespace:
                lines.append(
                    f'    subgraph c{c_number}n{n_number}["namespace {_mermaid_text(namespace)}"]'
                )
                indent = "      "
            for node in nodes:
                lines.append(f'{indent}{node.id}["{_mermaid_text(node.label)}"]')
            if namespace:
                lines.append("    end")
        lines.append("  end")
    for edge in graph.edges:
        label = _mermaid_text(edge.label).replace("|", "#124;")
        arrow = f" -->|{label}| " if label else " --> "
        lines.append(f"  {edge.source}{arrow}{edge.target}")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_DOT_SHAPES = {"object": "box", "nobody": "octagon", "alert": "ellipse", "provider": "component"}


def dot(routes: Routes) -> str:
    graph = build_map(routes)
    lines = ["digraph routes {", "  rankdir=LR;", "  node [fontsize=10];"]
    for c_number, (cluster, namespaces) in enumerate(sorted(_grouped(graph).items())):
        lines.append(f"  subgraph cluster_{c_number} {{")
        lines.append(f"    label={_dot_text('cluster ' + cluster)};")
        for n_number, (namespace, nodes) in enumerate(sorted(namespaces.items())):
            indent = "    "
            if namespace:
                lines.append(f"    subgraph cluster_{c_number}_{n_number} {{")
                lines.append(f"      label={_dot_text('namespace ' + namespace)};")
                indent = "      "
            for node in nodes:
                lines.append(
                    f"{indent}{node.id} [label={_dot_text(node.label)},"
                    f" shape={_DOT_SHAPES[node.role]}];"
                )
            if namespace:
                lines.append("    }")
        lines.append("  }")
    for edge in graph.edges:
        label = f" [label={_dot_text(edge.label)}]" if edge.label else ""
        lines.append(f"  {edge.source} -> {edge.target}{label};")
    lines.append("}")
    return "\n".join(lines) + "\n"
