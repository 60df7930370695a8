"""Write generated files all at once or not at all, and list them in kustomization.yaml.

Every new content goes to a temporary file beside its target first; only when
all of them are written are they renamed into place, and a failure while renaming
puts back what was already replaced, so an error (a conflict, a full disk, an
unreadable kustomization.yaml) leaves the folder as it was. A file in ``keep``
(a Secret that holds values) is listed but never written.
"""

from __future__ import annotations

import contextlib
import io
import os
import posixpath
import secrets
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent

from fluxnotify.errors import InputError, UsageError
from fluxnotify.generate.render import INDENT, new_yaml

#: The file names kustomize looks for, in its order.
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


@dataclass(frozen=True)
class WriteReport:
    """What happened to each file, for the summary."""

    directory: Path
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    kept: tuple[str, ...]
    kustomization: str
    kustomization_change: str  # "created", "updated" or "unchanged"
    added_resources: tuple[str, ...]


def write_files(
    directory: Path, files: dict[str, str], *, force: bool, keep: frozenset[str] = frozenset()
) -> WriteReport:
    """Write ``files`` (name -> text) into ``directory`` and add them to its kustomization.

    A file that exists with other content is a conflict unless ``force``; one that
    exists with the same content is left untouched, so a second run changes nothing.
    A name in ``keep`` exists and stays as it is, whatever ``force`` says.
    """
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"--output-dir {directory} is a file, not a folder; choose a folder")
    changes: dict[Path, str] = {}
    written: list[str] = []
    unchanged: list[str] = []
    conflicts: list[str] = []
    kept: list[str] = []
    for name, text in files.items():
        old = _read(directory / name)
        if name in keep and old is not None and old != text:
            kept.append(name)
        elif old == text:
            unchanged.append(name)
        elif old is None or force:
            changes[directory / name] = text
            written.append(name)
        else:
            conflicts.append(name)
    kustomization = _find_kustomization(directory)
    old_text = _read(kustomization)
    added = _missing_resources(old_text, kustomization, list(files))
    if conflicts:
        raise UsageError(
            f"{', '.join(str(directory / name) for name in conflicts)} already"
            f" {'exists' if len(conflicts) == 1 else 'exist'} with other content; nothing was"
            " written. Pass --force to overwrite, or choose another --output-dir"
        )
    if added:
        changes[kustomization] = add_resources(old_text, added)
    _replace_all(directory, changes)
    return WriteReport(
        directory=directory,
        written=tuple(written),
        unchanged=tuple(unchanged),
        kept=tuple(kept),
        kustomization=kustomization.name,
        kustomization_change=(
            "unchanged" if not added else "updated" if old_text is not None else "created"
        ),
        added_resources=tuple(added),
    )


def add_resources(text: str | None, resources: list[str]) -> str:
    """``text`` (a kustomization, or ``None`` for a new one) with ``resources`` appended.

    A round trip through ruamel.yaml keeps the comments, the key order, the quoting
    and, as far as it can guess it, the list indentation of the file.
    """
    if text is None:
        document = CommentedMap(
            apiVersion="kustomize.config.k8s.io/v1beta1",
            kind="Kustomization",
            resources=CommentedSeq(resources),
        )
        return _dump(document, new_yaml(), explicit_start=False)
    yaml = new_yaml()
    data, sequence, offset = load_yaml_guess_indent(text, yaml=yaml)
    if sequence is not None and offset is not None:
        yaml.indent(mapping=INDENT, sequence=max(sequence, offset + 2), offset=offset)
    current = data.get("resources")
    below = None
    if current is None:
        current = CommentedSeq()
        below = _insert_resources_key(data, current)
    if current.fa.flow_style():
        current.fa.set_block_style()
    _append_keeping_trailing_comment(current, resources, below)
    return _dump(data, yaml, explicit_start=text.lstrip().startswith("---"))


def _find_kustomization(directory: Path) -> Path:
    for name in KUSTOMIZATION_NAMES:
        if (directory / name).is_file():
            return directory / name
    return directory / KUSTOMIZATION_NAMES[0]


def _missing_resources(text: str | None, path: Path, names: list[str]) -> list[str]:
    """The ``names`` not yet listed in the kustomization (``./x.yaml`` counts as ``x.yaml``)."""
    if text is None:
        return names
    try:
        data = new_yaml().load(text)
    except YAMLError as exc:
        raise InputError(
            f"{path} is not valid YAML ({_first_line(exc)}); fix it, or choose another"
            " --output-dir; nothing was written"
        ) from None
    resources = data.get("resources") if isinstance(data, CommentedMap) else None
    if not isinstance(data, CommentedMap) or not isinstance(resources, (CommentedSeq, type(None))):
        raise InputError(
            f"{path} is not a kustomization with a resources: list; fix it, or choose another"
            " --output-dir; nothing was written"
        )
    listed = {posixpath.normpath(str(item)) for item in resources or ()}
    return [name for name in names if name not in listed]


def _insert_resources_key(data: CommentedMap, resources: CommentedSeq) -> CommentToken | None:
    """Put ``resources:`` where people do: after ``namespace``, ``kind`` or ``apiVersion``.

    Returns the comment lines that were below that key: they introduce the key
    after it, so they must now follow the new list.
    """
    keys = list(data)
    for anchor in ("namespace", "kind", "apiVersion"):
        if anchor in data:
            below = _take_trailing_lines(data.ca.items.get(anchor), 2)
            data.insert(keys.index(anchor) + 1, "resources", resources)
            return below
    data["resources"] = resources
    return None


def _append_keeping_trailing_comment(
    seq: CommentedSeq, items: list[str], below: CommentToken | None
) -> None:
    """Append ``items`` before the comment lines that follow the list's last item.

    ruamel attaches those lines to the last item, so a plain append would put the
    new items below a comment that introduces whatever comes after the list.
    """
    moved = _take_trailing_lines(seq.ca.items.get(len(seq) - 1), 0) if seq else below
    seq.extend(items)
    if moved is not None:
        seq.ca.items[len(seq) - 1] = [moved, None, None, None]


def _take_trailing_lines(tokens: list[Any] | None, slot: int) -> CommentToken | None:
    """Split the whole-line comments off an end-of-line comment token; return them."""
    if not tokens or tokens[slot] is None:
        return None
    token = tokens[slot]
    head, newline, rest = token.value.partition("\n")
    if not rest.strip():
        return None
    token.value = head + newline
    if not head.strip():
        tokens[slot] = None
    return CommentToken(newline + rest, token.start_mark)


def _dump(data: Any, yaml: Any, *, explicit_start: bool) -> str:
    yaml.explicit_start = explicit_start
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {_reason(exc)}; nothing was written") from None


def _replace_all(directory: Path, changes: dict[Path, str]) -> None:
    """Stage every change in a temporary file, then replace the targets, all or none.

    A failure while staging leaves every target untouched; one while replacing puts the
    already replaced targets back from their backups (hard links, else copies) and
    removes the files that did not exist. No temporary file or backup stays behind.
    """
    staged: list[tuple[Path, Path]] = []
    target = directory
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for target, text in changes.items():
            temporary = _sibling(target, "tmp")
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            staged.append((temporary, target))
            with open(descriptor, "wb") as handle:
                handle.write(text.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            if target.exists():
                os.chmod(temporary, target.stat().st_mode & 0o7777)
    except OSError as exc:
        _remove(temporary for temporary, _ in staged)
        raise InputError(f"cannot write {target}: {_reason(exc)}; nothing was written") from None
    done: list[tuple[Path, Path | None]] = []  # (target, its backup; None: it was new)
    backups: list[Path] = []
    try:
        for temporary, target in staged:
            backup = None
            if target.exists():
                backup = _sibling(target, "bak")
                _backup(target, backup)
                backups.append(backup)
            os.replace(temporary, target)
            done.append((target, backup))
    except OSError as exc:
        for replaced, backup in reversed(done):
            if backup is None:
                replaced.unlink(missing_ok=True)
            else:
                os.replace(backup, replaced)
        _remove([*(temporary for temporary, _ in staged), *backups])
        raise InputError(
            f"cannot replace {target}: {_reason(exc)}; every file was put back as it was,"
            " nothing was written"
        ) from None
    _remove(backups)


def _sibling(target: Path, suffix: str) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.{suffix}")


def _backup(target: Path, backup: Path) -> None:
    """``backup`` holds ``target``'s content; a hard link costs nothing and keeps the mode."""
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _reason(exc: Exception) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]
