"""The project: every relevant file under the root, and what is true of it as a whole.

Findings are reported for the files named on the command line, but some facts
come from the rest of the repository: the target Flux version (from a
gotk-components.yaml or FluxInstance), which files are kustomize patches
(partial objects), and whether Flux Operator is in use.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from fluxnotify import fluxversion
from fluxnotify.errors import InputError
from fluxnotify.loader import (
    KUSTOMIZATION_FILES,
    Document,
    SourceFile,
    Target,
    load,
    load_target,
    walk,
)

_GOTK_VERSION = re.compile(
    r"^#\s*Flux Version:\s*(\S+)|app\.kubernetes\.io/version:\s*[\"']?(v?\d+\.\d+[^\s\"']*)",
    re.MULTILINE,
)


def find_root(start: Path) -> Path:
    """The git top-level above ``start``, else the current directory."""
    here = (start if start.is_dir() else start.parent).resolve()
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists():
            return candidate
    return Path.cwd().resolve()


@dataclass(frozen=True)
class VersionSource:
    """A place in the repository that says which Flux release runs there."""

    scope: Path
    version: str
    origin: str


@dataclass
class Project:
    root: Path
    files: dict[Path, SourceFile] = field(default_factory=dict)
    targets: list[SourceFile] = field(default_factory=list)
    version_sources: list[VersionSource] = field(default_factory=list)
    patch_files: set[Path] = field(default_factory=set)
    #: kinds that some kustomize or Flux patch with a target completes at build time
    patched_kinds: set[str] = field(default_factory=set)
    uses_flux_operator: bool = False

    @classmethod
    def load(cls, root: Path, targets: Sequence[Target], excludes: Sequence[str]) -> Project:
        project = cls(root=root)
        for target in targets:
            source = load_target(target)
            project.targets.append(source)
            if target.display != "-":
                project.files[target.path.resolve()] = source
        if root.is_dir():
            for other in walk(root, excludes, ""):
                key = other.path.resolve()
                if key in project.files:
                    continue
                try:
                    project.files[key] = load(other.path, str(other.path), full=False)
                except InputError:
                    continue  # unreadable files outside the targets do not stop a run
        project._index(
            list(project.files.items())
            + [(Path("-"), s) for s in project.targets if s.display == "-"]
        )
        return project

    def documents(self) -> Iterable[Document]:
        for source in self.files.values():
            yield from source.documents

    def _index(self, files: Iterable[tuple[Path, SourceFile]]) -> None:
        for path, source in files:
            if path.name == "gotk-components.yaml" and source.text:
                match = _GOTK_VERSION.search(source.text)
                if match:
                    self._add_version(path, match.group(1) or match.group(2), source)
            for doc in source.documents:
                if doc.kind == "FluxInstance" or _installs_flux_operator(doc):
                    self.uses_flux_operator = True
                    distribution = doc.spec.get("distribution")
                    version = (
                        distribution.get("version") if isinstance(distribution, dict) else None
                    )
                    if isinstance(version, str):
                        self.version_sources.append(
                            VersionSource(self.root, version, f"FluxInstance in {self._rel(path)}")
                        )
                if path.name in KUSTOMIZATION_FILES:
                    self.patch_files.update(_patch_paths(path.parent, doc.data))
                    self.patched_kinds.update(_patched_kinds(doc.data.get("patches")))
                elif doc.kind == "Kustomization":
                    self.patched_kinds.update(_patched_kinds(doc.spec.get("patches")))

    def _add_version(self, path: Path, version: str, source: SourceFile) -> None:
        scope = path.parent.parent if path.parent.name == "flux-system" else path.parent
        self.version_sources.append(VersionSource(scope, version, f"{self._rel(path)}"))

    def _rel(self, path: Path) -> str:
        try:
            return str(PurePosixPath(path.relative_to(self.root)))
        except ValueError:
            return str(path)

    def flux_version_for(self, path: Path) -> tuple[str, str]:
        """The target Flux version for a file, and why."""
        parsed = [
            (source, fluxversion.parse_flux_version(source.version))
            for source in self.version_sources
        ]
        known = [(source, v) for source, v in parsed if v is not None]
        if not known:
            return fluxversion.NEWEST, "the newest; no gotk-components.yaml or FluxInstance found"
        resolved = path.resolve()
        covering = [
            (source, v) for source, v in known if _is_within(resolved, source.scope.resolve())
        ]
        if covering:
            source, v = max(covering, key=lambda item: len(item[0].scope.parts))
            return fluxversion.clamp(*v), f"from {source.origin}"
        versions = {fluxversion.clamp(*v) for _, v in known}
        oldest = min(versions, key=fluxversion.minor_of)
        if len(versions) == 1:
            return oldest, f"from {known[0][0].origin}"
        return oldest, "the oldest of the versions this repository names"


def _is_within(path: Path, scope: Path) -> bool:
    return path == scope or scope in path.parents


_PATCH_KIND = re.compile(r"^kind:\s*[\"']?(\w+)", re.MULTILINE)
_FLUX_OPERATOR = re.compile(r"flux-operator|flux-instance|controlplaneio-fluxcd")


def _installs_flux_operator(doc: Document) -> bool:
    """A HelmRelease or source that installs Flux Operator or its FluxInstance chart."""
    if doc.kind not in ("HelmRelease", "OCIRepository", "HelmRepository"):
        return False
    spec = doc.spec
    chart = spec.get("chart")
    chart_spec = chart.get("spec") if isinstance(chart, dict) else None
    names = [spec.get("url"), chart_spec.get("chart") if isinstance(chart_spec, dict) else None]
    return any(isinstance(n, str) and _FLUX_OPERATOR.search(n) for n in names)


def _patched_kinds(patches: Any) -> set[str]:
    """Kinds a list of kustomize patches may complete (by target or by the patch's own kind)."""
    kinds: set[str] = set()
    if not isinstance(patches, list):
        return kinds
    for item in patches:
        if not isinstance(item, dict):
            continue
        target = item.get("target")
        if isinstance(target, dict) and isinstance(target.get("kind"), str):
            kinds.add(target["kind"])
        patch = item.get("patch")
        if isinstance(patch, str):
            kinds.update(_PATCH_KIND.findall(patch))
    return kinds


def _patch_paths(base: Path, data: dict[str, Any]) -> set[Path]:
    """Files a kustomization applies as patches: partial objects, not resources."""
    found: set[Path] = set()
    entries: list[Any] = []
    for key in ("patches", "patchesJson6902"):
        value = data.get(key)
        if isinstance(value, list):
            entries.extend(item.get("path") for item in value if isinstance(item, dict))
    strategic = data.get("patchesStrategicMerge")
    if isinstance(strategic, list):
        entries.extend(strategic)
    for entry in entries:
        if isinstance(entry, str) and "\n" not in entry:
            found.add(Path(os.path.normpath(base / entry)).resolve())
    return found
