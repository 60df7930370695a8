"""Regenerate what is derived from the Flux CRDs, both stages in order, with one command.

1. scripts/generate_schemas.py: the CRDs -> schemas/ (JSON Schemas and SOURCES.md);
2. scripts/generate_validators.py: schemas/ -> fluxnotify/_validators/v_*.py.

Usage: python scripts/regenerate.py --crds DIR [--check]

DIR holds one folder per notification-controller tag (see schemas/SOURCES.md).
``--check`` writes nothing: it regenerates into a temporary folder and exits 1,
naming the files, when the committed ones differ (a CRD or script changed without
regenerating, or a generated file was edited by hand).
"""

from __future__ import annotations

import argparse
import filecmp
import importlib.util
import sys
import tempfile
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "schemas"
VALIDATORS = REPO / "fluxnotify" / "_validators"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def regenerate(crds: Path, schemas: Path, validators: Path) -> int:
    """Run both stages into ``schemas`` and ``validators``; drop validators of gone schemas."""
    if _script("generate_schemas").main(["--crds", str(crds), "--out", str(schemas)]) != 0:
        return 1
    for stale in validators.glob("v_*.py"):
        stale.unlink()
    result: int = _script("generate_validators").main(
        ["--schemas", str(schemas), "--out", str(validators)]
    )
    return result


def _differences(fresh: Path, committed: Path, pattern: str) -> list[str]:
    """Names of the files matching ``pattern`` that differ, or are in one folder only."""
    names = {p.name for p in fresh.glob(pattern)} | {p.name for p in committed.glob(pattern)}
    return sorted(
        name
        for name in names
        if not (fresh / name).is_file()
        or not (committed / name).is_file()
        or not filecmp.cmp(fresh / name, committed / name, shallow=False)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crds", type=Path, required=True, help="folder of CRDs per tag")
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args(argv)
    if not args.check:
        return regenerate(args.crds, SCHEMAS, VALIDATORS)
    with tempfile.TemporaryDirectory() as tmp:
        schemas, validators = Path(tmp) / "schemas", Path(tmp) / "validators"
        if regenerate(args.crds, schemas, validators) != 0:
            return 1
        stale = _differences(schemas, SCHEMAS, "*") + _differences(validators, VALIDATORS, "v_*.py")
    if stale:
        print("regenerate: out of date: " + ", ".join(stale), file=sys.stderr)
        print("regenerate: run python scripts/regenerate.py --crds DIR", file=sys.stderr)
        return 1
    print("regenerate: schemas/ and fluxnotify/_validators/ are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
