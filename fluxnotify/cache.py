"""A cache of what was read from the files outside the targets, for the pre-commit case.

Validating one changed file still needs the whole project (its Provider, its
Secret, the kustomizations that set its namespace). Between two commits almost
none of those files change, so what was read from each is kept, keyed by its
size and modification time, in the user's cache folder (``$FLUXNOTIFY_CACHE_DIR``,
else ``$XDG_CACHE_HOME/fluxnotify``, else ``~/.cache/fluxnotify``), one file per
project root, as pre-commit keeps its own: nothing is written into the
repository. Targets are always read afresh. JSON, not pickle: a cache file must
never be able to run code.

A cache file of another version, or of the wrong shape (edited, truncated, written
by something else), is discarded entry by entry, never trusted. An entry whose
file was modified no earlier than the cache file was written is read again: a
file changed within the same clock tick as the write would otherwise keep its
stale entry (git's "racily clean" rule).
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import zlib  # lighter than hashlib, and this is no security boundary
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from fluxnotify import __version__
from fluxnotify.model import (
    CheckedFile,
    CheckedObject,
    Document,
    Finding,
    ObjectRef,
    Report,
    Severity,
    SourceFile,
)

FORMAT = 1


def cache_dir() -> Path:
    explicit = os.environ.get("FLUXNOTIFY_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "fluxnotify"


def cache_file(root: Path) -> Path:
    """The cache of one project root (which the file also records: a checksum may collide)."""
    absolute = os.path.abspath(root)
    digest = zlib.crc32(absolute.encode("utf-8", "surrogateescape"))
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in os.path.basename(absolute))
    return cache_dir() / f"files-{FORMAT}-{name[:40]}-{digest:08x}.json"


class FileCache:
    def __init__(
        self, root: Path, stamps: Mapping[str, tuple[int, int] | None] | None = None
    ) -> None:
        self.root = os.path.abspath(root)
        #: (size, mtime) of files already stat-ed in this run (ReportMemo's), by absolute path
        self.known = stamps or {}
        self.file = cache_file(root)
        self.entries: dict[str, list[Any]] = {}
        self.fresh: dict[str, list[Any]] = {}
        #: stamps taken before a missed file was read: what ``put`` records
        self.missed: dict[str, tuple[int, int]] = {}
        self.changed = False
        #: when the cache file was written (ns): entries of files modified since are stale
        self.written = 0
        try:
            with open(self.file, encoding="utf-8") as handle:
                self.written = os.fstat(handle.fileno()).st_mtime_ns
                text = handle.read()
        except (OSError, ValueError):
            return
        try:
            data = json.loads(text)
        except ValueError:
            return
        if isinstance(data, dict) and [data.get("version"), data.get("root")] == [
            __version__,
            self.root,
        ]:
            entries = data.get("files")
            self.entries = entries if isinstance(entries, dict) else {}

    @staticmethod
    def _stamp(path: str) -> tuple[int, int] | None:
        try:
            stat = os.stat(path)
        except OSError:
            return None
        return stat.st_size, stat.st_mtime_ns

    def get(self, key: str, path: str) -> SourceFile | None:
        """What was read from ``path`` before, if it has not changed since."""
        entry = self.entries.get(key)
        known = self.known
        stamp = known[key] if key in known else self._stamp(key)
        if (
            entry is None
            or stamp is None
            or not _well_formed(entry)
            or entry[:2] != list(stamp)
            or stamp[1] >= self.written
        ):
            self.changed = True
            if stamp is not None:
                self.missed[key] = stamp
            return None
        self.fresh[key] = entry
        _, _, count, version, blocks, documents = entry
        source = SourceFile(path=path, display=path, document_count=count)
        source.flux_version = version
        source.blocks_cross_namespace_refs = blocks
        source.documents = [
            Document(source, index, data, data["apiVersion"], data["kind"])
            for index, data in documents
        ]
        return source

    def put(self, key: str, source: SourceFile) -> None:
        """Keep what was read, under the stamp taken before reading (a file changed while
        it was read is then read again next time, never cached stale)."""
        stamp = self.missed.pop(key, None)
        if stamp is None:
            return
        self.fresh[key] = [
            *stamp,
            source.document_count,
            source.flux_version,
            source.blocks_cross_namespace_refs,
            [[doc.index, doc.data] for doc in source.documents],
        ]
        self.changed = True

    def save(self, keep: set[str]) -> None:
        """Write the entries of the files in ``keep`` (the project's files: entries of deleted
        files go, those of this run's targets stay). Without a writable cache folder, the
        run goes without a cache."""
        for key in keep:
            if key not in self.fresh and key in self.entries:
                self.fresh[key] = self.entries[key]
        if not self.changed and len(self.fresh) == len(self.entries):
            return
        try:
            text = json.dumps(
                {"version": __version__, "root": self.root, "files": self.fresh}, default=str
            )
        except (TypeError, ValueError):
            return
        _write_atomically(self.file, ".files-", text.encode("utf-8"))


#: A file whose modification time is this close to the moment the stamps were taken may
#: have changed again within the same clock tick (git's "racily clean" case; 2 s covers the
#: coarsest file systems): a memo that depends on it is not trusted.
RACY_NS = 2_000_000_000
#: Memos kept per project root (a whole-tree run, the pre-commit runs of a few files, ...).
MEMOS = 8


class ReportMemo:
    """The Report of an earlier run whose inputs were exactly these: the same options, the
    same tool version, the same files with the same sizes and modification times.

    Re-running validate on an unchanged repository (CI on a re-run, pre-commit on files
    already checked) then costs the listing and one ``stat`` per file. The memo is
    ``marshal``-led plain data behind a CRC, in the cache folder beside the file cache:
    it can hold no code and a damaged file is ignored.
    """

    def __init__(self, root: Path, options: tuple[object, ...], paths: Iterable[str]) -> None:
        import time

        files = cache_file(root)
        self.file = files.with_name(files.stem.replace("files-", "memo-", 1) + ".bin")
        #: ``repr`` of what, besides the files, decides the result
        self.options = repr((__version__, _code_stamp(), os.getcwd(), *options))
        self.taken = time.time_ns()
        stamps = []
        newest = 0
        #: the same stamps by path, for the file cache of a run the memo cannot answer
        self.stamped: dict[str, tuple[int, int] | None] = {}
        for path in set(paths):  # the targets are listed files too
            try:
                stat = os.stat(path)
            except OSError:
                stamps.append((path, -1, -1))
                self.stamped[path] = None
                continue
            stamps.append((path, stat.st_size, stat.st_mtime_ns))
            self.stamped[path] = (stat.st_size, stat.st_mtime_ns)
            newest = max(newest, stat.st_mtime_ns)
        stamps.sort()
        self.stamps = tuple(stamps)
        self.newest = newest
        self.entries: dict[str, Any] = {}

    def load(self) -> Report | None:
        """The remembered Report, if every input is as it was when it was made."""
        data = _read_marshalled(self.file)
        if not isinstance(data, dict) or data.get("stamps") != self.stamps:
            return None
        taken = data.get("taken")
        entries = data.get("entries")
        if not isinstance(taken, int) or not isinstance(entries, dict):
            return None
        self.entries = entries
        if self.newest >= taken - RACY_NS:
            return None  # a file may have changed in the tick its stamp was taken
        try:
            return _report_from(entries.get(self.options))
        except (TypeError, ValueError, KeyError, IndexError):
            return None  # the wrong shape: an older or damaged memo

    def save(self, report: Report) -> None:
        entries = {k: v for k, v in self.entries.items() if k != self.options}
        entries[self.options] = _report_to(report)
        while len(entries) > MEMOS:
            del entries[next(iter(entries))]
        _write_marshalled(
            self.file, {"stamps": self.stamps, "taken": self.taken, "entries": entries}
        )


def _code_stamp() -> tuple[tuple[str, int, int], ...]:
    """The package's own files as they are: an edited rule (in a development checkout, where
    the version does not change) must not be answered with a Report the old code made."""
    package = os.path.dirname(os.path.abspath(__file__))
    stamps = []
    for folder, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".py", ".json", ".md")):
                stat = os.stat(os.path.join(folder, name))
                stamps.append((os.path.join(folder, name), stat.st_size, stat.st_mtime_ns))
    return tuple(stamps)


def _read_marshalled(file: Path) -> object:
    try:
        blob = file.read_bytes()
    except OSError:
        return None
    if len(blob) < 4 or zlib.crc32(blob[4:]) != int.from_bytes(blob[:4], "big"):
        return None
    try:
        return marshal.loads(blob[4:])
    except (EOFError, ValueError, TypeError):
        return None


def _write_marshalled(file: Path, data: dict[str, Any]) -> None:
    try:
        payload = marshal.dumps(data)
    except ValueError:
        return
    _write_atomically(file, ".memo-", zlib.crc32(payload).to_bytes(4, "big") + payload)


def _write_atomically(file: Path, prefix: str, payload: bytes) -> None:
    """Write through a temporary file and a rename; without a writable cache folder, the
    run goes without a cache."""
    import tempfile  # only when writing: it costs start-up time (15M instructions)

    with contextlib.suppress(OSError, ValueError):
        file.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=file.parent, prefix=prefix, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(payload)
            os.replace(temporary, file)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _ref_to(ref: ObjectRef | None) -> tuple[str, str, str | None, str | None] | None:
    return None if ref is None else tuple(ref)  # type: ignore[return-value]


def _ref_from(data: Any) -> ObjectRef | None:
    return None if data is None else ObjectRef(*data)


def _report_to(report: Report) -> tuple[Any, ...]:
    return (
        [
            (
                *(f.path, f.line, f.column, f.rule, f.severity.value, f.message, f.hint),
                *(_ref_to(f.object), f.document),
            )
            for f in report.findings
        ],
        report.files,
        report.documents,
        report.objects,
        dict(report.flux_versions),
        [tuple(note) for note in report.notes],
        [(c.path, [(o.document, _ref_to(o.ref)) for o in c.objects]) for c in report.checked],
        None if report.root is None else os.fspath(report.root),
        report.root_reason,
    )


def _report_from(data: Any) -> Report | None:
    if data is None:
        return None
    findings, files, documents, objects, versions, notes, checked, root, reason = data
    return Report(
        [
            Finding(
                path, line, column, rule, Severity(severity), message, hint, _ref_from(ref), doc
            )
            for path, line, column, rule, severity, message, hint, ref, doc in findings
        ],
        files,
        documents,
        objects,
        dict(versions),
        [(str(path), str(note)) for path, note in notes],
        checked=tuple(
            CheckedFile(path, tuple(CheckedObject(doc, ObjectRef(*ref)) for doc, ref in objs))
            for path, objs in checked
        ),
        root=None if root is None else Path(root),
        root_reason=reason,
    )


def _well_formed(entry: Any) -> bool:
    """[size, mtime, document count, Flux version, cross-namespace flag, [[index, object]]]
    with every object holding a string apiVersion and kind."""
    if not isinstance(entry, list) or len(entry) != 6:
        return False
    size, mtime, count, version, blocks, documents = entry
    return (
        all(isinstance(v, int) and not isinstance(v, bool) for v in (size, mtime, count))
        and (version is None or isinstance(version, str))
        and isinstance(blocks, bool)
        and isinstance(documents, list)
        and all(
            isinstance(item, list)
            and len(item) == 2
            and isinstance(item[0], int)
            and isinstance(item[1], dict)
            and isinstance(item[1].get("apiVersion"), str)
            and isinstance(item[1].get("kind"), str)
            for item in documents
        )
    )
