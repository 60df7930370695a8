"""duplicate-alerts: two Alerts deliver the same event to the same destination.

Every matching Alert sends (reference 3e; flux2#3072, #3406). An `info` and an
`error` Alert on the same sources post every error twice, because `info`
already includes errors. Same destination: the same Provider, or Providers
with the same type, address or Secret, and channel. Where the cluster is
unknown, only Alerts of the same file (always applied together) are compared,
and only by Provider name.

Alerts are grouped by key (placement, filters, source, destination), one
placement at a time when an Alert there is first checked (``Index.at``: a run
naming one file groups only the Alerts beside its own), not compared pair by
pair: each Alert in a group gets one finding naming the first other Alert, so N
copies cost N, not N². Which events two Alerts share is decided by
``_source_keys`` and ``_lookup_keys`` alone.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from fluxnotify.index import Index
from fluxnotify.matching import source_key
from fluxnotify.model import Context, Document, Placement, Problem, Severity
from fluxnotify.rules._refs import is_notification, ref_name, sources

ID = "duplicate-alerts"
SEVERITY = Severity.WARNING
SUMMARY = (
    "two Alerts deliver the same event to the same destination (info + error on the same sources)"
)
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False
KINDS: frozenset[str] | None = frozenset({"Alert"})

#: (kind, namespace, name) of an event source; name may be "*"
Source = tuple[str, str, str]
#: what an Alert's events go to: ("provider", name) or ("same", type, target, channel)
Destination = tuple[Any, ...]
#: a bucket of Alerts that share a placement, filters, a source key and a destination
Key = tuple[Any, ...]

_ANY = "\0any"  # stands for "every name" in a key: what a `*` source on the other side matches


def _destinations(doc: Document, placement: Placement, objects: Index) -> set[Destination]:
    name = ref_name(doc.spec, "providerRef")
    if name is None:
        return set()
    out: set[Destination] = {("provider", name)}
    if placement.cluster is None:
        return out  # Providers of every cluster would match: compare by name only
    found = objects.find("Provider", name, placement)
    if found and all(p.doc.spec.get("suspend") is True for p in found):
        return set()  # a suspended Provider drops every event: nothing is posted twice
    for placed in found:
        spec = placed.doc.spec
        target = spec.get("address") or ("secret", ref_name(spec, "secretRef"))
        out.add(("same", spec.get("type"), str(target), spec.get("channel")))
    return out


def _sources(doc: Document, namespace: str) -> set[Source] | None:
    """(kind, namespace, name) of each source that can match an object, as the controller
    reads it (fluxnotify/matching.py); None when some source cannot be compared."""
    out = set()
    for _, entry, _ in sources(doc):
        if entry.get("matchLabels"):
            return None
        kind, name, ns = entry.get("kind"), entry.get("name"), entry.get("namespace")
        if not isinstance(kind, str) or not isinstance(name, str):
            return None
        if ns is not None and not isinstance(ns, str):
            return None
        key = source_key(kind, name, ns, namespace)
        if key is not None:  # a `*` namespace or a name glob matches no event: nothing to share
            out.add(key)
    return out


def _source_keys(source: Source) -> tuple[Source, ...]:
    """The buckets an Alert with this source is filed under."""
    kind, namespace, _name = source
    return (source, (kind, namespace, _ANY))


def _lookup_keys(source: Source) -> tuple[Source, ...]:
    """The buckets holding every Alert whose sources overlap this one: the same name or
    `*` on either side."""
    kind, namespace, name = source
    if name == "*":
        return ((kind, namespace, _ANY),)
    return (source, (kind, namespace, "*"))


def _filters(doc: Document) -> str:
    spec = doc.spec
    lists = (spec.get("inclusionList") or [], spec.get("exclusionList") or [])
    return json.dumps(lists, sort_keys=True, default=str)


def _order(doc: Document) -> tuple[str, int]:
    return (str(doc.file.path), doc.index)


class _Candidate:
    """What one Alert contributes at one placement (worked out once)."""

    __slots__ = ("doc", "lookups")

    def __init__(self, doc: Document, lookups: list[Key]) -> None:
        self.doc = doc
        self.lookups = lookups


class _Groups:
    """The comparable Alerts of the project, filed by key one placement at a time, when an
    Alert there is first checked (keys hold the placement: no bucket spans two)."""

    def __init__(self, objects: Index) -> None:
        self.objects = objects
        self.buckets: dict[Key, list[Document]] = defaultdict(list)
        #: (id of the Alert, placement) -> its candidate
        self.candidates: dict[tuple[int, Placement], _Candidate] = {}
        self._filed: set[Placement] = set()

    def _file(self, placement: Placement) -> None:
        self._filed.add(placement)
        if placement.namespace is None:
            return
        made: list[list[Document]] = []
        for placed in self.objects.at("Alert", placement):
            doc = placed.doc
            if not _comparable(doc):
                continue
            mine = _sources(doc, placement.namespace)
            destinations = _destinations(doc, placement, self.objects)
            if not mine or not destinations:
                continue
            # With an unknown cluster only one file is surely applied together.
            scope = (placement, _filters(doc), None if placement.cluster else id(doc.file))
            lookups: list[Key] = []
            for source in sorted(mine):
                for destination in sorted(destinations, key=repr):
                    for key in _source_keys(source):
                        bucket = self.buckets[(scope, key, destination)]
                        if not bucket:
                            made.append(bucket)
                        if not bucket or bucket[-1] is not doc:
                            bucket.append(doc)
                    lookups.extend((scope, key, destination) for key in _lookup_keys(source))
            self.candidates[(id(doc), placement)] = _Candidate(doc, lookups)
        for bucket in made:
            bucket.sort(key=_order)

    def first_other(self, doc: Document, placement: Placement) -> Document | None:
        """The first Alert (by file and position) that shares an event and a destination."""
        if placement not in self._filed:
            self._file(placement)
        candidate = self.candidates.get((id(doc), placement))
        if candidate is None:
            return None
        best: Document | None = None
        for key in candidate.lookups:
            for other in self.buckets.get(key, ())[:2]:
                if other is not doc:
                    if best is None or _order(other) < _order(best):
                        best = other
                    break
        return best


def _comparable(doc: Document) -> bool:
    return is_notification(doc, "Alert") and not doc.spec.get("suspend")


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if not _comparable(doc):
        return
    groups = ctx.objects.derived(_Groups)
    for placement in sorted(ctx.placements, key=lambda p: (p.cluster or "", p.namespace or "")):
        other = groups.first_other(doc, placement)
        if other is None:
            continue
        line, _ = other.locate()
        yield Problem(
            f"Alert `{other.name}` ({other.file.display}:{line}) sends the same"
            f" events to the same destination in namespace {placement.namespace}:"
            " each is posted twice",
            ("spec", "eventSources"),
            key=True,
            hint="an `info` Alert already receives errors; keep one Alert per destination,"
            " or point the other at a different Provider or channel",
        )
