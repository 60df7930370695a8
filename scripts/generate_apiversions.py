#!/usr/bin/env python3
"""Generate fluxnotify/apiversions_data.py: which apiVersions each Flux release serves.

For every Flux minor release 2.0 to 2.9 it reads, at the newest patch tag of fluxcd/flux2,
which release of each controller ``manifests/bases/<controller>/kustomization.yaml``
ships, then the CRDs at that controller's tag (``config/crd/bases/*.yaml``): each kind's
served versions, which are deprecated, and the storage version. The inputs are local git
clones (bare or not) of fluxcd/flux2 and of the controllers, one folder each:
``<clones>/fluxcd+<name>/repo`` (as ``git clone --mirror`` would make them).

When a clone lacks the exact controller tag, the newest tag of the same minor release is
read and the data file records both (served versions do not change in a patch release).

Usage: ``python scripts/generate_apiversions.py --clones DIR [--out FILE]``
"""

from __future__ import annotations

import argparse
import pprint
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader  # type: ignore[assignment]

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "fluxnotify" / "apiversions_data.py"
CONTROLLERS = (
    "source-controller",
    "kustomize-controller",
    "helm-controller",
    "image-reflector-controller",
    "image-automation-controller",
    "notification-controller",
    "source-watcher",
)
MINORS = range(10)
_RELEASE_URL = re.compile(r"releases/download/(v\d+\.\d+\.\d+)/")


def git(clone: Path, *args: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={_git_dir(clone)}", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _git_dir(clone: Path) -> Path:
    return clone / ".git" if (clone / ".git").exists() else clone


def _semver(tag: str) -> tuple[int, ...]:
    return tuple(int(p) for p in tag.lstrip("v").split("."))


def tags(clone: Path) -> list[str]:
    found = [t for t in git(clone, "tag").split() if re.fullmatch(r"v\d+\.\d+\.\d+", t)]
    return sorted(found, key=_semver)


def read_tag(clone: Path, wanted: str) -> str:
    """``wanted``, or the newest tag of its minor release that the clone has."""
    available = tags(clone)
    if wanted in available:
        return wanted
    major, minor, _ = _semver(wanted)
    same = [t for t in available if _semver(t)[:2] == (major, minor)]
    if not same:
        raise SystemExit(f"{clone}: no tag of {major}.{minor} (wanted {wanted})")
    return same[-1]


def crds(clone: Path, tag: str) -> list[tuple[str, dict[str, Any]]]:
    names = git(clone, "ls-tree", "--name-only", tag, "config/crd/bases/").split()
    out = []
    for name in names:
        if name.endswith(".yaml"):
            out.append((name, yaml.load(git(clone, "show", f"{tag}:{name}"), Loader=SafeLoader)))
    return out


def collect(clones: Path) -> dict[str, Any]:
    flux2 = clones / "fluxcd+flux2" / "repo"
    flux_tags = tags(flux2)
    releases: dict[str, Any] = {}
    kinds: dict[tuple[str, str], dict[str, tuple[tuple[str, str], ...]]] = {}
    sources: dict[tuple[str, str], str] = {}
    for minor in MINORS:
        of_minor = [t for t in flux_tags if _semver(t)[:2] == (2, minor)]
        if not of_minor:
            raise SystemExit(f"fluxcd/flux2 has no v2.{minor} tag")
        flux_tag = of_minor[-1]
        shipped: dict[str, tuple[str, str]] = {}
        for controller in CONTROLLERS:
            path = f"{flux_tag}:manifests/bases/{controller}/kustomization.yaml"
            try:
                text = git(flux2, "show", path)
            except subprocess.CalledProcessError:
                continue  # not shipped by this release (source-watcher before 2.7)
            match = _RELEASE_URL.search(text)
            if match is None:
                raise SystemExit(f"no release URL in {path}")
            clone = clones / f"fluxcd+{controller}" / "repo"
            tag = read_tag(clone, match.group(1))
            shipped[controller] = (match.group(1), tag)
            for file_name, crd in crds(clone, tag):
                spec = crd["spec"]
                key = (spec["group"], spec["names"]["kind"])
                states = []
                for version in spec["versions"]:
                    if not version.get("served"):
                        continue
                    state = (
                        "storage"
                        if version.get("storage")
                        else "deprecated"
                        if version.get("deprecated")
                        else "served"
                    )
                    states.append((version["name"], state))
                kinds.setdefault(key, {})[f"2.{minor}"] = tuple(sorted(states))
                sources[key] = f"https://github.com/fluxcd/{controller}/blob/{tag}/{file_name}"
        releases[f"2.{minor}"] = (flux_tag, shipped)
    return {"releases": releases, "kinds": kinds, "sources": sources}


def render(data: dict[str, Any]) -> str:
    def literal(value: Any) -> str:
        return pprint.pformat(value, width=96, sort_dicts=True)

    return f'''"""Generated by scripts/generate_apiversions.py from the Flux CRDs (do not edit).

Which apiVersions each Flux release serves, per kind, read from the CRDs of the controllers
that release ships (``config/crd/bases`` of each controller at the tag in RELEASES).
"""

#: Flux minor -> (the fluxcd/flux2 tag read, {{controller: (tag shipped, tag read)}}).
RELEASES: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {literal(data["releases"])}

#: (group, kind) -> Flux minor -> ((version, "storage" | "served" | "deprecated"), ...):
#: the versions served; a version not listed is not served by that release.
KINDS: dict[tuple[str, str], dict[str, tuple[tuple[str, str], ...]]] = {literal(data["kinds"])}

#: (group, kind) -> the CRD read for the newest release, upstream.
SOURCES: dict[tuple[str, str], str] = {literal(data["sources"])}
'''


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clones", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    args.out.write_text(render(collect(args.clones)), encoding="utf-8")
    ruff = Path(sys.executable).with_name("ruff")
    if ruff.exists():  # the repository's format, so that a regenerated file has no diff
        subprocess.run([str(ruff), "format", "--quiet", str(args.out)], check=True)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
