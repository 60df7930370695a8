"""What earlier runs read and found, kept so that a re-run reads only what changed.

Three stores per project root, in the user's cache folder (``$FLUXNOTIFY_CACHE_DIR``,
else ``$XDG_CACHE_HOME/fluxnotify``, else ``~/.cache/fluxnotify``), as pre-commit
keeps its own: nothing is written into the repository.

- The file cache: what was read from each file (its objects, and what the rules
  need of its text), keyed by a stamp of its contents. Validating one changed file
  still needs the whole project (its Provider, its Secret, the kustomizations that
  set its namespace), and between two commits almost none of those files change.
- The project snapshot (in git): git's listing, the stamps of the files git did not
  vouch for, what the graph and the project read of the files that hold objects, the
  graph made of them, and a data store of their objects' data, as the last run that
  read them all left them. A run of a few named files takes every unchanged file from
  it in one read, rather than an entry per file.
- The report memo: the Report of an earlier run with exactly these inputs.

A stamp is git's object id for a file git found unchanged since it was staged
(discovery.Listing), else its size and modification time. All stores are
``marshal``-led plain data behind a CRC: they can hold no code, and a damaged or
foreign file is ignored, never trusted. Files named on the command line are always
read afresh. An entry whose file was modified less than two seconds before the store
was written is read again: a file changed within the same clock tick as its stamp was
taken would otherwise keep its stale entry (git's "racily clean" rule).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import time
import zlib  # lighter than hashlib, and this is no security boundary
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from fluxnotify import __version__, graph
from fluxnotify.model import (
    CachedDocument,
    CheckedFile,
    CheckedObject,
    Document,
    Finding,
    ObjectRef,
    Report,
    Severity,
    SourceFile,
    SyntaxProblem,
)
from fluxnotify.parsing import load

FORMAT = 2

#: git's object id of the contents, or (size, modification time in ns); None: no such file
Stamp = str | tuple[int, int] | None
#: A SourceFile as plain data (``to_plain``): what the cache keeps and workers send back.
Plain = tuple[Any, ...]
#: Levels of a file cache entry: read only for references (objects may have been scanned,
#: not parsed), or read as a target of a folder walk (parsed, schema-screened).
REFERENCES, TARGET = 0, 1


def cache_dir() -> Path:
    explicit = os.environ.get("FLUXNOTIFY_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "fluxnotify"


def cache_file(root: Path) -> Path:
    """The file cache of one project root (which the file also records: a checksum may
    collide)."""
    absolute = os.path.abspath(root)
    digest = zlib.crc32(absolute.encode("utf-8", "surrogateescape"))
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in os.path.basename(absolute))
    return cache_dir() / f"files-{FORMAT}-{name[:40]}-{digest:08x}.bin"


def take_stamps(paths: Iterable[str], blobs: Mapping[str, str]) -> dict[str, Stamp]:
    """Each path's stamp: git's object id where git vouches for the contents, else a
    ``stat``."""
    stamps: dict[str, Stamp] = {}
    for path in paths:
        blob = blobs.get(path)
        if blob is not None:
            stamps[path] = blob
            continue
        try:
            stat = os.stat(path)
        except OSError:
            stamps[path] = None
            continue
        stamps[path] = (stat.st_size, stat.st_mtime_ns)
    return stamps


def to_plain(source: SourceFile) -> Plain:
    """Everything a run keeps of a loaded file, as marshal-able plain data."""
    return (
        source.document_count,
        source.flux_version,
        source.blocks_cross_namespace_refs,
        source.parsed,
        None if source.syntax is None else tuple(source.syntax),
        [tuple(item) for item in source.duplicate_keys],
        source.note,
        source.unreadable,
        source.text,
        [(doc.index, doc.data, doc.schema_ok) for doc in source.documents],
    )


def from_plain(path: str | Path, display: str, plain: Plain) -> SourceFile:
    """The SourceFile ``to_plain`` made ``plain`` of (TypeError, ValueError and friends
    for data of another shape)."""
    count, version, blocks, parsed, syntax, duplicates, note, unreadable, text, docs = plain
    if not isinstance(count, int) or not isinstance(docs, list):
        raise TypeError("not a cached file")
    source = SourceFile(path=path, display=display, document_count=count)
    source.flux_version = version
    source.blocks_cross_namespace_refs = blocks
    source.parsed = parsed
    source.syntax = None if syntax is None else SyntaxProblem(*syntax)
    source.duplicate_keys = [(line, column, key) for line, column, key in duplicates]
    source.note = note
    source.unreadable = unreadable
    source.text = text
    for index, data, schema_ok in docs:
        api_version, kind = data["apiVersion"], data["kind"]
        if not isinstance(api_version, str) or not isinstance(kind, str):
            raise TypeError("apiVersion and kind must be strings")
        doc = Document(source, index, data, api_version, kind)
        doc.schema_ok = schema_ok
        source.documents.append(doc)
    return source


class Cached(NamedTuple):
    source: SourceFile
    #: what the graph reads of the file (graph.facts)
    facts: graph.Facts
    #: what the file says about the whole repository (project.scan_facts)
    scan: Any


class _Stored:
    """A file's plain data as the cache holds it (marshalled), read on first use."""

    def __init__(self, blob: bytes, path: str) -> None:
        self.blob = blob
        self.path = path
        self.plain: Plain | None = None

    def read(self) -> Plain:
        if self.plain is None:
            self.plain = marshal.loads(self.blob)
        return self.plain

    def documents(self) -> dict[int, dict[str, Any]]:
        """The data of each of the file's objects, by index: from the cache, or, if what
        the cache holds is not of the shape it writes, from the file (unchanged, as its
        stamp says)."""
        try:
            found = {index: data for index, data, _ in self.read()[9]}
            if all(isinstance(i, int) and isinstance(d, dict) for i, d in found.items()):
                return found
        except (TypeError, ValueError, EOFError, IndexError):
            pass
        source = load(Path(self.path), self.path, full=False)
        return {doc.index: doc.data for doc in source.documents}


def _referenced(path: str | Path, display: str, stored: _Stored, facts: graph.Facts) -> SourceFile:
    """The file as the rest of the project sees it: its objects, known by the identity the
    graph facts hold, their data read when first used (a project snapshot makes 7,000 of
    these for a run of one file: kept to the least work)."""
    source = SourceFile(path=path, display=display)
    read = stored.documents
    append = source.documents.append
    for index, api_version, kind, namespace, name, _build in facts[0]:
        if type(api_version) is not str or type(kind) is not str:
            raise TypeError("apiVersion and kind must be strings")
        append(CachedDocument(source, index, api_version, kind, name, namespace, read))
    return source


class FileCache:
    """What was read from each file of one project root, by absolute path."""

    def __init__(
        self, root: Path, stamps: Mapping[str, Stamp] | None = None, taken: int | None = None
    ) -> None:
        self.root = os.path.abspath(root)
        #: stamps already taken in this run (the memo's), by absolute path
        self.known = stamps or {}
        #: a moment before any stamp of this run was taken (ns): the racily-clean rule
        #: reads a (size, mtime) stamp from then
        self.taken = time.time_ns() if taken is None else taken
        self.file = cache_file(root)
        self._entries: dict[str, Any] | None = None
        self.fresh: dict[str, Any] = {}
        #: stamps taken before a missed file was read: what ``put`` records
        self.missed: dict[str, Stamp] = {}
        self.changed = False
        #: when the cache file was written (ns): entries of files modified since are stale
        self.written = 0
        self._snapshot: Snapshot | None = None
        self._snapshot_read = False
        #: git's listing now, the stamps of the files it does not vouch for, and the
        #: excludes: what a snapshot kept by this run holds (None: outside git)
        self.now: tuple[str, dict[str, Stamp], tuple[str, ...]] | None = None
        #: what changed since the snapshot (None: no snapshot for these excludes)
        self.changes: Changes | None = None
        self.base = os.path.join(self.root, "")
        #: the snapshot's data store, once read whole; the files read one by one so far
        self._all_data: dict[str, bytes] | None = None
        self._reads = 0

    @property
    def entries(self) -> dict[str, Any]:
        """absolute path -> (stamp, level, plain, graph facts, scan facts); read on first
        use: a run that takes every other file from the snapshot never reads them."""
        if self._entries is None:
            self._entries = {}
            data, self.written = _read_marshalled(self.file)
            if (
                isinstance(data, dict)
                and data.get("identity") == _identity()
                and data.get("root") == self.root
                and isinstance(data.get("files"), dict)
            ):
                self._entries = data["files"]
        return self._entries

    @property
    def snapshot(self) -> Snapshot | None:
        """The project as the last run that read it all left it (None: no usable one)."""
        if not self._snapshot_read:
            self._snapshot_read = True
            self._snapshot = load_snapshot(Path(self.root))
        return self._snapshot

    def observe(
        self, listed: str, loose: Mapping[str, Stamp], excludes: tuple[str, ...]
    ) -> Changes | None:
        """Note git's listing now and the stamps of the files it does not vouch for
        (relative paths): what changed since the snapshot kept for these excludes."""
        self.now = (listed, dict(loose), excludes)
        snapshot = self.snapshot
        if snapshot is not None and snapshot.excludes == excludes:
            self.changes = snapshot.changed(listed, loose)
        return self.changes

    def stamp(self, key: str) -> Stamp:
        """The file's stamp in this run: as already taken, else git's object id in the
        listing, else a ``stat``."""
        if key in self.known:
            return self.known[key]
        if self.changes is not None and key.startswith(self.base):
            blob = self.changes.blob(key[len(self.base) :])
            if blob is not None:
                return blob
        return take_stamps([key], {})[key]

    def referenced(
        self, key: str, path: str | Path, display: str, facts: graph.Facts
    ) -> SourceFile:
        """A file the snapshot holds, as the rest of the project sees it: its objects'
        data is looked up (in the snapshot's data store, else the file cache) only when a
        rule reads it."""
        return _referenced(path, display, _Deferred(self, key), facts)

    def snapshot_data(self, key: str) -> bytes | None:
        """A file's plain data (marshalled) as the snapshot's data store holds it: read
        where the snapshot says for the first few files a run asks about (a run of one
        file reads one or two), then the whole store at once (building the graph again
        reads thousands)."""
        snapshot = self.snapshot
        if snapshot is None:
            return None
        if self._all_data is None:
            self._reads += 1
            if self._reads <= _FEW_READS:
                return read_data(Path(self.root), snapshot, [key]).get(key)
        return self.all_snapshot_data().get(key)

    def all_snapshot_data(self) -> dict[str, bytes]:
        """Every file's plain data the snapshot's data store holds (one read, once)."""
        if self._all_data is None:
            snapshot = self.snapshot
            self._all_data = {} if snapshot is None else read_data(Path(self.root), snapshot, None)
        return self._all_data

    def blob(self, key: str) -> bytes | None:
        """The plain data (marshalled) this run read from a file or found for it in the
        file cache, if any."""
        entry = self.fresh.get(key)
        return entry[2] if entry is not None and isinstance(entry[2], bytes) else None

    def stored(self, key: str, stamp: Stamp) -> bytes | None:
        """The file's plain data as stored (marshalled), if stored at ``stamp``."""
        entry = self.entries.get(key)
        if entry is None or not _trusted(stamp, self.written):
            return None
        try:
            old, _, blob, _, _ = entry
        except (TypeError, ValueError):
            return None
        return blob if old == stamp and isinstance(blob, bytes) else None

    def get(self, key: str, path: str | Path, display: str, level: int) -> Cached | None:
        """What was read from ``path`` before, at ``level`` or above, if it has not
        changed since."""
        stamp = self.stamp(key)
        entry = self.entries.get(key)
        if entry is not None and stamp is not None and _trusted(stamp, self.written):
            try:
                old, old_level, blob, facts, scan = entry
                if (
                    old == stamp
                    and old_level >= level
                    and isinstance(blob, bytes)
                    and isinstance(facts, tuple)
                    and (scan is None or (isinstance(scan, tuple) and len(scan) == 5))
                ):
                    stored = _Stored(blob, key)
                    if level == TARGET:
                        source = from_plain(path, display, stored.read())
                    else:
                        source = _referenced(path, display, stored, facts)
                    self.fresh[key] = entry
                    return Cached(source, facts, scan)
            except (TypeError, ValueError, KeyError, IndexError, AttributeError):
                pass  # another shape: read the file again
        self.changed = True
        if stamp is not None:
            self.missed[key] = stamp
        return None

    def put(self, key: str, source: SourceFile, level: int, facts: graph.Facts, scan: Any) -> None:
        """Keep what was read, under the stamp taken before reading (a file changed while
        it was read is then read again next time, never cached stale)."""
        stamp = self.missed.pop(key, None)
        if stamp is None:
            return
        try:
            blob = marshal.dumps(to_plain(source))
        except ValueError:  # a value marshal cannot hold: read the file again next time
            return
        self.fresh[key] = (stamp, level, blob, facts, scan)
        self.changed = True

    def save(self, keep: set[str] | None) -> None:
        """Write the entries of the files in ``keep`` (the project's files: entries of
        deleted files go; None: every entry stays), when a file was read that the cache
        did not hold. Without a writable cache folder, the run goes without a cache."""
        if not self.changed:
            return
        entries = self.entries
        for key in entries if keep is None else keep:
            if key not in self.fresh and key in entries:
                self.fresh[key] = entries[key]
        data = {"identity": _identity(), "root": self.root, "files": self.fresh}
        with contextlib.suppress(ValueError):
            _write_marshalled(self.file, data, ".files-")


class _Deferred(_Stored):
    """A file's plain data in the snapshot's data store or the file cache, looked up when
    first read (a file the snapshot vouches for; if neither holds it, the file itself is
    read: it has not changed)."""

    def __init__(self, cache: FileCache, key: str) -> None:  # (no _Stored.__init__: no blob)
        self.blob = b""
        self.path = key
        self.plain = None
        self.cache = cache

    def read(self) -> Plain:
        if self.plain is None:
            blob = self.cache.snapshot_data(self.path)
            if blob is None:
                blob = self.cache.stored(self.path, self.cache.stamp(self.path))
            if blob is None:
                raise ValueError("not in the file cache")
            self.plain = marshal.loads(blob)
        return self.plain


#: Files whose data a run reads one by one from the snapshot's data store, before it
#: reads the store whole.
_FEW_READS = 16

#: graph.facts of a file with no object: most files (a snapshot leaves them out)
NO_FACTS: graph.Facts = ((), None)


class Snapshot(NamedTuple):
    """The project as the last run that read it all left it. A file is as it was then
    when its line in git's listing is the same and, if git did not vouch for its contents
    (changed or untracked), its own stamp is the same: most files, found without a
    ``stat`` or a line of the listing parsed."""

    #: git's listing of the project then (discovery.git_listing)
    listed: str
    #: the stamps of the files git did not vouch for then (discovery.changed_files), by
    #: path relative to the root (None: racily clean when kept, read again)
    loose: dict[str, Stamp]
    #: the exclude patterns that decided which of the listed files are the project's
    excludes: tuple[str, ...]
    #: graph.facts of the files that have some (not NO_FACTS), by absolute path, in the
    #: project's order
    facts: dict[str, graph.Facts]
    #: project.scan_facts of the files that have some (not None)
    scans: dict[str, Any]
    #: graph.to_plain of the graph built from them
    graph: tuple[Any, ...]
    #: names the data store written with it (each file's plain data, read when a rule
    #: reads a file's objects): a store of another snapshot is not read
    token: str = ""
    #: where each file's data is in that store: (offset, length, CRC), by absolute path
    where: dict[str, tuple[int, int, int]] = {}  # noqa: RUF012 (a NamedTuple's default)
    #: the files with objects of each kind, in the order of ``facts`` (the Index asks
    #: per kind: a run of one file makes only the files of the kinds it asks about)
    kinds: dict[str, list[str]] = {}  # noqa: RUF012

    def changed(self, listed: str, loose: Mapping[str, Stamp]) -> Changes:
        """What may differ from the snapshot, from git's listing now and the stamps of the
        files git does not vouch for now (``loose``, relative paths)."""
        before, after = _middle(self.listed, listed)
        then = {_path(line) for line in before.split("\0")} - {""}
        now = {_path(line) for line in after.split("\0")} - {""}
        lines = set(before.split("\0")).symmetric_difference(after.split("\0"))
        paths = {_path(line) for line in lines} - {""}
        # A file with lines only on one side was added or deleted, unless another line of
        # it (its "H" line beside a "C" one) is in what both listings share.
        asymmetric = then.symmetric_difference(now) & paths
        then_text, now_text = "\0" + self.listed, "\0" + listed
        same = len(asymmetric) <= _FEW and all(
            is_listed(then_text, path) == is_listed(now_text, path) for path in asymmetric
        )
        for path, stamp in loose.items():
            if stamp is None or self.loose.get(path) != stamp:
                paths.add(path)
        return Changes(frozenset(paths), same, then_text, now_text, loose)


#: Files added or deleted looked up one by one; more, and the project is listed anew.
_FEW = 64


def _path(line: str) -> str:
    """The path of a line of git's listing ("? path", or "<tag> <mode> <id> <stage>\tpath")."""
    if line[:2] == "? ":
        return line[2:]
    return line[line.find("\t") + 1 :] if "\t" in line else ""


def _middle(old: str, new: str) -> tuple[str, str]:
    """The lines of two listings between the lines they begin and end with alike: where
    they differ, found by comparing long runs of text (most of 12,000 lines are the same
    from one run to the next)."""
    if old == new:
        return "", ""
    shortest = min(len(old), len(new))
    start = _common(old, new, shortest, lambda text, i, j: text[i:j])
    end = _common(
        old, new, shortest - start, lambda text, i, j: text[len(text) - j : len(text) - i]
    )
    start = old.rfind("\0", 0, start) + 1  # back to the start of a line
    # on to the end of a line, at a NUL both share
    cut = old.find("\0", len(old) - end) if end else -1
    rest = len(old) - cut - 1 if cut >= 0 else 0
    return old[start : len(old) - rest], new[start : len(new) - rest]


def _common(old: str, new: str, limit: int, part: Callable[[str, int, int], str]) -> int:
    """How many characters ``part`` of both texts has alike (at most ``limit``): by blocks,
    then halving within the first block that differs."""
    block = 1 << 16
    done = 0
    while done < limit and part(old, done, min(done + block, limit)) == part(
        new, done, min(done + block, limit)
    ):
        done += block
    if done >= limit:
        return limit
    low, high = done, min(done + block, limit)  # alike up to low; not up to high
    while high - low > 1:
        mid = (low + high) // 2
        if part(old, done, mid) == part(new, done, mid):
            low = mid
        else:
            high = mid
    return low


class Changes(NamedTuple):
    """The files (relative to the root, with ``/``) that may have changed since the
    snapshot, and whether the same files are listed (none added or deleted)."""

    paths: frozenset[str]
    same_files: bool
    #: the snapshot's listing and git's listing now, each after a NUL
    then: str
    now: str
    #: the files git does not vouch for now, with their stamps
    loose: Mapping[str, Stamp]

    def was_listed(self, path: str) -> bool:
        return is_listed(self.then, path)

    def is_listed(self, path: str) -> bool:
        return is_listed(self.now, path)

    def blob(self, path: str) -> str | None:
        """git's object id of the file now, if git vouches for its contents (a regular
        file, unchanged since it was staged): its stamp, as discovery.Listing says."""
        if path in self.loose:
            return None
        end = self.now.find(f"\t{path}\0")
        if end < 0:
            return None
        line = self.now[self.now.rfind("\0", 0, end) + 1 : end]
        if line[:2] != "H " or line[-2:] != " 0" or line[2:8] == "120000":
            return None
        return line[9:-2]  # "H <mode> <object> <stage>"


def is_listed(listed: str, path: str) -> bool:
    """Whether a git listing that starts with a NUL has a line for ``path``."""
    return f"\t{path}\0" in listed or f"\0? {path}\0" in listed


def snapshot_file(root: Path) -> Path:
    return _beside(root, "project-")


def load_snapshot(root: Path) -> Snapshot | None:
    data = read_store(snapshot_file(root))
    if (
        not isinstance(data, dict)
        or data.get("identity") != _identity()
        or data.get("root") != os.path.abspath(root)
    ):
        return None
    try:
        snapshot = Snapshot(*data["snapshot"])
    except (TypeError, KeyError):
        return None
    if (
        isinstance(snapshot.listed, str)
        and isinstance(snapshot.loose, dict)
        and isinstance(snapshot.excludes, tuple)
        and isinstance(snapshot.facts, dict)
        and isinstance(snapshot.scans, dict)
        and isinstance(snapshot.graph, tuple)
        and isinstance(snapshot.token, str)
        and isinstance(snapshot.where, dict)
        and isinstance(snapshot.kinds, dict)
    ):
        return snapshot
    return None


def save_snapshot(
    root: Path, snapshot: Snapshot, taken: int, data: dict[str, bytes] | None
) -> None:
    """Keep ``snapshot``, and ``data``: the plain data (marshalled) of its files that have
    facts (None: the data store written with ``snapshot.token`` still holds). A (size,
    mtime) stamp within RACY_NS of ``taken`` (a moment before the stamps were taken) is
    kept as None: its file may have changed again within the clock tick it was taken in.

    The data store is the files' data one after the other, after a line that names the
    snapshot; the snapshot says where each is, with its CRC: a run reads the few it needs."""
    loose = {
        path: stamp if _trusted(stamp, taken) else None for path, stamp in snapshot.loose.items()
    }
    token, where = snapshot.token, snapshot.where
    with contextlib.suppress(ValueError):
        if data is not None:
            token = os.urandom(8).hex()
            parts = [_data_head(token)]
            offset = len(parts[0])
            where = {}
            for key, blob in data.items():
                where[key] = (offset, len(blob), zlib.crc32(blob))
                parts.append(blob)
                offset += len(blob)
            _write_atomically(data_file(root), ".data-", b"".join(parts))
        kept = snapshot._replace(loose=loose, token=token, where=where)
        write_store(
            snapshot_file(root),
            {"identity": _identity(), "root": os.path.abspath(root), "snapshot": tuple(kept)},
        )


def _data_head(token: str) -> bytes:
    return f"fluxnotify data {token}\n".encode()


def refresh_snapshot(
    root: Path,
    listed: str,
    loose: dict[str, Stamp],
    excludes: tuple[str, ...],
    quiet: set[str],
    taken: int,
) -> None:
    """Bring the snapshot up to date after a run that read again only files that hold
    nothing the project reads (``quiet``: paths relative to the root; a comment added to
    a ConfigMap): its facts, graph and data still hold, only git's listing and the stamps
    move on. Else the next run that loads the project keeps a new one."""
    snapshot = load_snapshot(root)
    if snapshot is None or snapshot.excludes != excludes:
        return
    changes = snapshot.changed(listed, loose)
    if not changes.paths or not changes.same_files or not changes.paths <= quiet:
        return
    base = os.path.join(os.path.abspath(root), "")
    if any(base + path in snapshot.facts or base + path in snapshot.scans for path in quiet):
        return
    save_snapshot(root, snapshot._replace(listed=listed, loose=loose), taken, None)


def data_file(root: Path) -> Path:
    return _beside(root, "project-data-")


def _beside(root: Path, kind: str) -> Path:
    """A store of the project root beside its file cache, named by ``kind``."""
    files = cache_file(root)
    return files.with_name(files.name.replace("files-", kind, 1))


def read_data(root: Path, snapshot: Snapshot, keys: list[str] | None) -> dict[str, bytes]:
    """The files' data as the snapshot's data store holds it (``keys`` None: every file's),
    read where the snapshot says; none when the store is of another snapshot, and no
    file's whose CRC fails."""
    head = _data_head(snapshot.token)
    where = snapshot.where
    found: dict[str, bytes] = {}
    everything: bytes | None = None
    try:
        with open(data_file(root), "rb") as handle:
            if handle.read(len(head)) != head:
                return found
            if keys is None:
                everything = handle.read()
                keys = list(where)
            for key in keys:
                if key not in where:
                    continue
                offset, length, crc = where[key]
                if everything is None:
                    handle.seek(offset)
                    blob = handle.read(length)
                else:
                    blob = everything[offset - len(head) : offset - len(head) + length]
                if len(blob) == length and zlib.crc32(blob) == crc:
                    found[key] = blob
    except (OSError, TypeError, ValueError):
        pass
    return found


def _trusted(stamp: Stamp, written: int) -> bool:
    """git vouches for an object id; a (size, mtime) stamp only if it is not racy."""
    return stamp is not None and not _racy(stamp, written)


def _racy(stamp: Stamp, taken: int) -> bool:
    """git's racily-clean rule, the one place it is applied: a (size, mtime) stamp of a
    file modified within RACY_NS of ``taken`` (when the stamps were taken, or a store
    written) may hide a change made in the same clock tick. git vouches for object ids."""
    return isinstance(stamp, tuple) and stamp[1] >= taken - RACY_NS


_IDENTITY: tuple[object, ...] | None = None


def _identity() -> tuple[object, ...]:
    """The tool's version and its own files as they are: a development checkout keeps its
    version while its rules change, and must not be answered with what the old code made."""
    global _IDENTITY
    if _IDENTITY is None:
        _IDENTITY = (FORMAT, __version__, _code_stamp())
    return _IDENTITY


#: A file whose modification time is this close to the moment the stamps were taken may
#: have changed again within the same clock tick (git's "racily clean" case; 2 s covers the
#: coarsest file systems): a memo that depends on it is not trusted.
RACY_NS = 2_000_000_000
#: Memos kept per project root (a whole-tree run, the pre-commit runs of a few files, ...).
MEMOS = 8


class Earlier(NamedTuple):
    """The last run with the same options, over files some of which changed since."""

    report: Report
    #: the stamps its files had
    stamps: dict[str, Stamp]
    #: the files that held something the rest of the project reads (an object, a Flux
    #: release, the cross-namespace flag), by absolute path
    stateful: frozenset[str]
    #: when its stamps were taken (ns)
    taken: int
    #: the number of documents in each file checked (those with none left out)
    counts: dict[str, int]
    #: the project turned on --no-cross-namespace-refs (some rules follow it)
    blocks: bool

    def changed(self, stamps: Mapping[str, Stamp]) -> set[str] | None:
        """The paths whose stamps differ or cannot be trusted (racily clean); None when
        the runs did not see the same files."""
        if stamps.keys() != self.stamps.keys():
            return None
        return {
            path
            for path, stamp in stamps.items()
            if stamp != self.stamps[path] or stamp is None or _racy(stamp, self.taken)
        }


#: git's index stamp, and each file git does not vouch for (changed, untracked, named on
#: the command line) with its own stamp: what a whole listing would say, in brief
Quick = tuple[tuple[int, int, int], tuple[tuple[str, Stamp], ...]]


class ReportMemo:
    """The Report of an earlier run whose inputs were exactly these: the same options, the
    same tool, the same files with the same stamps.

    Re-running validate on an unchanged repository (CI on a re-run, pre-commit on files
    already checked) then costs the listing. In git, a ``quick`` stamp (git's index, and
    the files git does not find as staged, with their own stamps) answers before the
    listing's 12,000 lines are even read. When some files changed, ``earlier`` is the last
    Report of the same options, for engine.py to take the findings of the unchanged files
    from when what changed cannot affect them.

    Each set of options (the whole tree in CI, the files of a commit in pre-commit, ...)
    keeps its last run in a file of its own, the MEMOS most recent per project root: a
    run reads only its own.
    """

    def __init__(self, root: Path, options: tuple[object, ...]) -> None:
        #: ``repr`` of what, besides the files, decides the result
        self.options = repr((_identity(), os.getcwd(), *options))
        memos = _beside(root, "memo-")
        self.prefix = memos.stem + "-"
        digest = zlib.crc32(self.options.encode("utf-8", "surrogateescape"))
        self.file = memos.with_name(f"{self.prefix}{digest:08x}.bin")
        self.taken = time.time_ns()
        self.earlier: Earlier | None = None
        #: this options' last run as stored: head and body, each marshalled
        self._stored: tuple[bytes, bytes] | None = None
        self._head: dict[str, Any] | None = None
        blob, _ = _read_checked(self.file)
        with contextlib.suppress(EOFError, ValueError, TypeError):
            stored = marshal.loads(blob) if blob is not None else None
            # the options are in the file too: two sets of options may share a checksum
            if (
                isinstance(stored, tuple)
                and len(stored) == 3
                and stored[0] == self.options
                and all(isinstance(b, bytes) for b in stored[1:])
            ):
                self._stored = stored[1], stored[2]
                head = marshal.loads(stored[1])
                if isinstance(head, dict) and isinstance(head.get("taken"), int):
                    self._head = head

    def load_quick(self, quick: Quick) -> Report | None:
        """The remembered Report, if git's index and the files it does not vouch for are
        as they were (``quick``: engine._quick)."""
        head = self._head
        if head is None or head.get("quick") != quick:
            return None
        if any(_racy(stamp, head["taken"]) for _, stamp in quick[1]):
            return None  # a file may have changed in the tick its stamp was taken
        remembered = self._remembered()
        return None if remembered is None else remembered[1]

    def load(self, stamps: Mapping[str, Stamp]) -> Report | None:
        """The remembered Report, if every file has the stamp it had; else None, with
        ``earlier`` set when these options ran before."""
        head = self._head
        if head is None:
            return None
        remembered = self._remembered()
        if remembered is None:
            return None
        body, report = remembered
        try:
            if body["stamps"] != sorted(stamps.items()):
                self.earlier = Earlier(
                    report,
                    dict(body["stamps"]),
                    frozenset(body["stateful"]),
                    head["taken"],
                    dict(body["counts"]),
                    bool(body["blocks"]),
                )
                return None
        except (EOFError, ValueError, TypeError, KeyError, IndexError):
            return None  # the wrong shape: an older or damaged memo
        if any(_racy(stamp, head["taken"]) for stamp in stamps.values()):
            return None  # a file may have changed in the tick its stamp was taken
        return report

    def save(
        self,
        report: Report,
        stamps: Mapping[str, Stamp],
        quick: Quick | None,
        stateful: Iterable[str],
        counts: dict[str, int],
        blocks: bool,
    ) -> None:
        """Remember ``report``; the rest: see Earlier."""
        with contextlib.suppress(ValueError):
            head = marshal.dumps({"quick": quick, "taken": self.taken})
            body = marshal.dumps(
                {
                    "stamps": sorted(stamps.items()),
                    "report": _report_to(report),
                    "stateful": sorted(stateful),
                    "counts": counts,
                    "blocks": blocks,
                }
            )
            _write_marshalled(self.file, (self.options, head, body), ".memo-")
        self._forget_oldest()

    def _forget_oldest(self) -> None:
        """Keep the MEMOS most recently written memos of this root."""
        with contextlib.suppress(OSError):
            found = []
            with os.scandir(self.file.parent) as entries:
                for entry in entries:
                    if entry.name.startswith(self.prefix) and entry.name.endswith(".bin"):
                        found.append((entry.stat().st_mtime_ns, entry.name))
            for _, name in sorted(found)[:-MEMOS]:
                with contextlib.suppress(OSError):
                    os.unlink(self.file.parent / name)

    def _remembered(self) -> tuple[Any, Report] | None:
        """This options' last run beyond its head (stamps, counts, ...) and its Report;
        None when there is none, or it is of another shape."""
        if self._stored is None:
            return None
        try:
            body = marshal.loads(self._stored[1])
            report = _report_from(body["report"])
        except (EOFError, ValueError, TypeError, KeyError, IndexError):
            return None
        return None if report is None else (body, report)


def _code_stamp() -> tuple[tuple[str, int, int], ...]:
    """The package's own files as they are."""
    package = os.path.dirname(os.path.abspath(__file__))
    stamps = []
    for folder, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".py", ".json", ".md")):
                stat = os.stat(os.path.join(folder, name))
                stamps.append((os.path.join(folder, name), stat.st_size, stat.st_mtime_ns))
    return tuple(stamps)


def read_store(file: Path) -> object:
    """The data of a store file, or None when it is missing, damaged or not ours."""
    return _read_marshalled(file)[0]


def write_store(file: Path, data: dict[str, Any]) -> None:
    """Write a store file as ``read_store`` reads it (ValueError: data marshal cannot hold)."""
    _write_marshalled(file, data, ".store-")


def _read_checked(file: Path) -> tuple[bytes | None, int]:
    """The payload of a store file if its checksum holds, and when it was written (ns)."""
    try:
        with open(file, "rb") as handle:
            written = os.fstat(handle.fileno()).st_mtime_ns
            blob = handle.read()
    except OSError:
        return None, 0
    if len(blob) < 4 or zlib.crc32(blob[4:]) != int.from_bytes(blob[:4], "big"):
        return None, 0
    return blob[4:], written


def _read_marshalled(file: Path) -> tuple[object, int]:
    """The data, and when the file was last written (ns)."""
    payload, written = _read_checked(file)
    if payload is None:
        return None, 0
    try:
        return marshal.loads(payload), written
    except (EOFError, ValueError, TypeError):
        return None, 0


def _write_marshalled(file: Path, data: Any, prefix: str) -> None:
    payload = marshal.dumps(data)
    _write_atomically(file, prefix, zlib.crc32(payload).to_bytes(4, "big") + payload)


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
