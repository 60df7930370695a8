"""A cache of what was read from the files outside the targets, for the pre-commit case.

Validating one changed file still needs the whole project (its Provider, its
Secret, the kustomizations that set its namespace). Between two commits almost
none of those files change, so what was read from each is kept, keyed by its
size and modification time, in the user's cache folder (``$FLUXNOTIFY_CACHE_DIR``,
else ``$XDG_CACHE_HOME/fluxnotify``, else ``~/.cache/fluxnotify``), one file per
project root, as pre-commit keeps its own: nothing is written into the
repository. Targets are always read afresh. JSON, not pickle: a cache file must
never be able to run code.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from fluxnotify import __version__
from fluxnotify.model import Document, SourceFile

FORMAT = 1


def cache_dir() -> Path:
    explicit = os.environ.get("FLUXNOTIFY_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "fluxnotify"


def cache_file(root: Path) -> Path:
    """The cache of one project root (which the file also records: a checksum may collide)."""
    import zlib  # lighter to import than hashlib, and this is no security boundary

    absolute = os.path.abspath(root)
    digest = zlib.crc32(absolute.encode("utf-8", "surrogateescape"))
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in os.path.basename(absolute))
    return cache_dir() / f"files-{FORMAT}-{name[:40]}-{digest:08x}.json"


class FileCache:
    def __init__(self, root: Path) -> None:
        self.root = os.path.abspath(root)
        self.file = cache_file(root)
        self.entries: dict[str, list[Any]] = {}
        self.fresh: dict[str, list[Any]] = {}
        #: stamps taken before a missed file was read: what ``put`` records
        self.missed: dict[str, tuple[int, int]] = {}
        self.changed = False
        try:
            text = self.file.read_text(encoding="utf-8")
        except (OSError, ValueError):
            return
        import json  # only with a cache to read: it costs start-up time

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

    def get(self, key: str, path: Path) -> SourceFile | None:
        """What was read from ``path`` before, if it has not changed since."""
        entry = self.entries.get(key)
        stamp = self._stamp(key)
        if entry is None or stamp is None or entry[:2] != list(stamp):
            self.changed = True
            if stamp is not None:
                self.missed[key] = stamp
            return None
        self.fresh[key] = entry
        _, _, count, version, blocks, documents = entry
        source = SourceFile(path=path, display=str(path), document_count=count)
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
        import json
        import tempfile  # only when writing: they cost start-up time

        folder = self.file.parent
        with contextlib.suppress(OSError, TypeError, ValueError):
            folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".files-", suffix=".tmp")
            try:
                text = json.dumps(
                    {"version": __version__, "root": self.root, "files": self.fresh}, default=str
                )
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    out.write(text)
                os.replace(temporary, self.file)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
