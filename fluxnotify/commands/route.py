"""`fluxnotify route`: where an event goes, or where every object's events go."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fluxnotify.errors import UsageError
from fluxnotify.root import named_paths, root_option

if TYPE_CHECKING:
    from fluxnotify.project import Project

_EVENT = "Event"


def route(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Files or folders whose objects to route.", show_default="."),
    ] = None,
    *,
    all_objects: Annotated[
        bool,
        typer.Option(
            "--all", help="Route every Flux object's error and info events; list those unheard."
        ),
    ] = False,
    kind: Annotated[
        str | None,
        typer.Option(help="Kind of the object the event is about.", rich_help_panel=_EVENT),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Name of that object.", rich_help_panel=_EVENT)
    ] = None,
    namespace: Annotated[
        str | None,
        typer.Option(
            "--namespace",
            "-n",
            help="Its namespace (default: where the repository applies it).",
            rich_help_panel=_EVENT,
        ),
    ] = None,
    severity: Annotated[str, typer.Option(help="info or error.", rich_help_panel=_EVENT)] = "error",
    message: Annotated[
        str,
        typer.Option(
            help="Event message, for inclusion and exclusion lists.", rich_help_panel=_EVENT
        ),
    ] = "",
    reason: Annotated[str, typer.Option(help="Event reason.", rich_help_panel=_EVENT)] = "",
    metadata: Annotated[
        list[str] | None,
        typer.Option(
            "--metadata",
            "-m",
            metavar="KEY=VALUE",
            help="Event metadata, repeatable; a key without a group gets the object's"
            " (commit_status=update).",
            rich_help_panel=_EVENT,
        ),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            help="Cluster the event comes from (default: where the object is applied);"
            " with --all, the one cluster to show."
        ),
    ] = None,
    root: Annotated[
        Path | None,
        typer.Option(
            help="Project root (default: the git top level).", parser=root_option, metavar="DIR"
        ),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option("--format", "-f", help="text or json; with --all also mermaid or dot."),
    ] = "text",
) -> int:
    """Show which Alerts an event reaches and why the others drop it.

    Exit codes: 0 delivered somewhere (with --all: always), 1 delivered nowhere,
    2 usage error.
    """
    from fluxnotify import routemap
    from fluxnotify.matching import EVENT_KINDS, KIND_GROUPS, SEVERITIES, Event
    from fluxnotify.route import labels_of, load, objects_named, route_all, route_event

    formats = ("text", "json", "mermaid", "dot") if all_objects else ("text", "json")
    if output_format not in formats:
        raise UsageError(
            f"--format {output_format}: use {', '.join(formats)}",
            None if all_objects else "mermaid and dot draw the whole map: add --all",
        )
    if root is not None and not root.is_dir():
        raise UsageError(f"--root {root}: not a folder")
    _check_not_empty(kind=kind, name=name, namespace=namespace, cluster=cluster)
    paths = named_paths(paths)
    if all_objects:
        given = [
            flag
            for flag, value in (
                ("--kind", kind),
                ("--name", name),
                ("--namespace", namespace),
                ("--message", message),
                ("--reason", reason),
                ("--metadata", metadata),
            )
            if value
        ]
        if given:
            raise UsageError(
                f"--all routes every object's events: drop {', '.join(given)}",
                "they describe one event: use them without --all",
            )
        project, documents = load(paths, root)
        _check_cluster(project, cluster)
        routes = route_all(project, documents)
        if cluster is not None:  # that cluster's objects, and its Alerts that deliver none
            routes = routes._replace(
                objects=[o for o in routes.objects if o.cluster == cluster],
                silent=[a for a in routes.silent if a.cluster == cluster],
            )
        render = {
            "text": routemap.all_text,
            "json": routemap.all_json,
            "mermaid": routemap.mermaid,
            "dot": routemap.dot,
        }[output_format]
        typer.echo(render(routes), nl=False)
        return 0
    if kind is None or name is None:
        raise UsageError(
            "give the event's object with --kind and --name, or use --all",
            "e.g. fluxnotify route --kind HelmRelease --name podinfo --namespace apps",
        )
    if kind not in KIND_GROUPS:
        matches = [k for k in EVENT_KINDS if k.lower() == kind.lower()]
        raise UsageError(
            f"--kind {kind}: not a kind that sends events",
            f"did you mean {matches[0]}?" if matches else f"one of {', '.join(EVENT_KINDS)}",
        )
    if severity not in SEVERITIES:
        raise UsageError(
            f"--severity {severity}: Flux events are info or error",
            "Kubernetes Normal events are info, Warning events are error",
        )
    extra = {}
    for item in metadata or ():
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--metadata {item!r}: write KEY=VALUE")
        extra[key if "/" in key else f"{KIND_GROUPS[kind]}/{key}"] = value
    project, _ = load(paths, root)
    _check_cluster(project, cluster)
    defined = objects_named(project, kind, name)
    if namespace is not None:
        defined = [p for p in defined if p.placement.namespace in (namespace, None)]
    else:
        spaces = sorted({p.placement.namespace for p in defined if p.placement.namespace})
        if len(spaces) > 1:
            raise UsageError(
                f"{kind} {name} is applied in several namespaces ({', '.join(spaces)})",
                "choose one with --namespace",
            )
        if not spaces:
            raise UsageError(
                f"no {kind} {name} with a known namespace in the repository: give --namespace",
                "route simulates events of objects the repository need not define",
            )
        namespace = spaces[0]
    if cluster is not None:
        clusters: list[str | None] = [cluster]
    else:
        clusters = sorted({p.placement.cluster for p in defined}, key=lambda c: c or "") or [None]
    labels = labels_of(defined[0].doc) if defined else None
    event = Event(kind, name, namespace, severity, message, reason, extra, labels)
    result = route_event(project, event, clusters, bool(defined))
    if output_format == "json":
        typer.echo(routemap.event_json(result), nl=False)
    else:
        typer.echo(routemap.event_text(result), nl=False)
    return 0 if result.delivered else 1


#: what to do instead of an empty value (``--name "$APP"`` with APP unset)
_IF_EMPTY = {
    "kind": "name the kind of the object, e.g. --kind HelmRelease",
    "name": "name the object, e.g. --name podinfo",
    "namespace": "leave --namespace out to use the one the repository applies the object in",
    "cluster": "leave --cluster out to use every cluster the object is applied in",
}


def _check_not_empty(**given: str | None) -> None:
    """An empty value is a mistake, not a name: Kubernetes names, namespaces and kinds are
    never empty, and routing an event of ``''`` would only say it reaches nobody."""
    for option, value in given.items():
        if value is not None and not value.strip():
            raise UsageError(f"--{option}: the value is empty", _IF_EMPTY[option])


def _check_cluster(project: "Project", cluster: str | None) -> None:
    """``--cluster`` must name a cluster of the repository. One that defines none (no Flux
    Kustomization) has nothing to choose from: a name there would show nothing under
    --all and guess the Alerts' cluster for one event, so it is an error too."""
    if cluster is None:
        return
    known = sorted(project.index.graph.clusters)
    if not known:
        raise UsageError(
            f"--cluster {cluster}: the repository defines no clusters",
            "a cluster is named after the folder of its Flux Kustomization"
            " (clusters/prod/flux-system/gotk-sync.yaml: clusters/prod); with none, drop --cluster",
        )
    if cluster not in known:
        raise UsageError(
            f"--cluster {cluster}: the repository has no such cluster",
            f"its clusters: {', '.join(known)}",
        )
