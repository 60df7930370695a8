"""The project: every relevant file under the root, and what is true of it as a whole.

Findings are reported for the files named on the command line, but some facts
come from the rest of the repository: the target Flux version (from a
gotk-components.yaml or FluxInstance), which files are kustomize patches
(partial objects), and whether Flux Operator is in use.

A project is loaded one of two ways (``Project.load``):

- from the listing: every listed file, each from the project snapshot if it has
  not changed since (cache.Snapshot), else from the file cache, else read;
- from the snapshot alone (a run of named files, nothing added or deleted since):
  the snapshot's files that have not changed wait, as their graph facts, until the
  Index asks about a kind they hold (``documents_of``); only then are they made into
  SourceFiles. Anything that goes through every file first makes them all
  (``_every_waiting``), and building the graph again lists the project
  (``_every_file``).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from fluxnotify import fluxversion, schemas
from fluxnotify.cache import (
    NO_FACTS,
    REFERENCES,
    TARGET,
    Changes,
    FileCache,
    Snapshot,
    from_plain,
    save_snapshot,
    to_plain,
)
from fluxnotify.cache import is_listed as _is_listed
from fluxnotify.discovery import (
    KUSTOMIZATION_FILES,
    Excludes,
    Kept,
    Listing,
    Target,
    listed_prefix,
    target_key,
)
from fluxnotify.errors import InputError
from fluxnotify.graph import Facts, Graph, build_graph
from fluxnotify.graph import facts as graph_facts
from fluxnotify.graph import from_plain as graph_from_plain
from fluxnotify.graph import to_plain as graph_to_plain
from fluxnotify.index import Index
from fluxnotify.model import Document, SourceFile
from fluxnotify.parsing import FLUX_OPERATOR_HINTS, load, load_target


class Project:
    def __init__(self, root: Path) -> None:
        self.root = root
        #: every file under the root and every target, by absolute path
        self.files: dict[str, SourceFile] = {}
        self.targets: list[SourceFile] = []
        #: the target Flux release of each file (fluxversion.py)
        self.flux_versions = fluxversion.TargetVersions()
        self.patch_files: set[str] = set()
        #: kinds that some kustomize or Flux patch with a target completes at build time
        self.patched_kinds: set[str] = set()
        self.uses_flux_operator = False
        #: the repository patches --no-cross-namespace-refs=true into the controllers
        self.blocks_cross_namespace_refs = False
        #: ``id()`` of the target SourceFiles, for rules that report on one end of a reference
        self.target_ids: frozenset[int] = frozenset()
        #: what the graph reads of each file (graph.facts), by the same keys as ``files``
        self.facts: dict[str, Facts] = {}
        #: what each file says about the whole repository (scan_facts), by the same keys
        self.scans: dict[str, ScanFacts] = {}
        #: unchanged files that hold nothing the project reads, known from the snapshot
        #: and not made into SourceFiles: (absolute path, listed path)
        self.quiet: list[tuple[str, str]] = []
        #: the files taken from the snapshot (their stamps unchanged)
        self.settled: set[str] = set()
        #: the files named on the command line, by absolute path
        self.named: set[str] = set()
        #: where earlier runs are kept (None: no cache)
        self.cache: FileCache | None = None
        #: what changed since the snapshot the project was loaded from (None: no snapshot)
        self.changes: Changes | None = None
        #: the root as an absolute path ending with a separator
        self.base = os.path.join(os.path.abspath(root), "")
        #: makes the whole listing, when the project was the snapshot's (Project.load)
        self._listed: Callable[[], Listing] | None = None
        #: files the snapshot answered for, not made into SourceFiles until a rule asks
        #: about a kind they hold: absolute path -> graph facts, in order
        self._waiting: dict[str, Facts] = {}
        #: those made so far (all of them, once ``_every_waiting`` ran), the snapshot's
        #: files of each kind, the order of ``_waiting``, and what starts a listed path
        self._ready: dict[str, SourceFile] = {}
        self._all_made = False
        self._kinds: dict[str, list[str]] = {}
        self._positions: dict[str, int] | None = None
        self._start = ""
        #: the graph taken from the snapshot (files made later are made known to it)
        self._built: Graph | None = None
        self._index: Index | None = None

    @classmethod
    def load(
        cls,
        root: Path,
        targets: Sequence[Target],
        listing: Listing | None,
        cache: FileCache | None = None,
        changes: Changes | None = None,
        listed: Callable[[], Listing] | None = None,
    ) -> Project:
        """Load the targets, then the rest of the project (``listing``: project_listing()),
        from ``cache`` where the files have not changed.

        With ``changes`` (what changed since the cache's snapshot, cache.Snapshot.changed),
        a file outside them is taken from the snapshot. Without ``listing``, the project is
        the snapshot's files and those changed: a run of a few named files reads neither
        the listing nor an entry per file; ``listed`` makes the listing if the graph must
        be built again (it sees every file)."""
        project = cls(root)
        project.cache = cache
        real_root = os.path.realpath(root)
        prefix = listed_prefix(root)
        links = listing or Listing([], {})
        jobs: list[Job] = []
        #: per job: whether it is a target, and its cache level (None: not cached, a file
        #: named on the command line)
        keys: list[tuple[bool, int | None]] = []
        #: the targets read from files, in order: from the cache, or the job that reads it
        #: (those that are not files come first, as they are met)
        read: list[SourceFile | int] = []
        for target in targets:
            if target.unreadable is not None:
                source = SourceFile(path=target.path, display=target.display)
                source.unreadable = target.unreadable
                project.targets.append(source)
                continue
            if target.display == "-":
                source = load_target(target)
                _read_facts(source)
                project.targets.append(source)
                continue
            path = os.fspath(target.path)
            away = None if target.explicit else _leaves(path, real_root, links)
            if away is not None:
                source = SourceFile(path=target.path, display=target.display)
                source.note = (
                    f"a symbolic link out of the project root (to {away}): skipped;"
                    " name it on the command line to check it"
                )
                project.targets.append(source)
                continue
            absolute = target_key(target, prefix)
            if not target.explicit and cache is not None:
                cached = cache.get(absolute, target.path, target.display, TARGET)
                if cached is not None:
                    read.append(cached.source)
                    project.files[absolute] = cached.source
                    project.facts[absolute] = cached.facts
                    project.scans[absolute] = cached.scan
                    continue
            read.append(len(jobs))
            jobs.append((target.path, target.display, target.explicit, absolute))
            keys.append((True, None if target.explicit else TARGET))
        wanted = {job[3] for job in jobs} | set(project.files)
        project.named = {job[3] for job in jobs if job[2]}
        snapshot = cache.snapshot if cache is not None and changes is not None else None
        project.changes = changes if snapshot is not None else None
        if listing is None:
            if cache is None or snapshot is None or changes is None:
                raise ValueError("a project without a listing is the cache's snapshot")
            project._listed = listed
            rest = project._from_snapshot(snapshot, changes, wanted)
        else:
            rest = listing.paths
        base = project.base
        for path in rest:
            absolute = os.path.abspath(path) if prefix is None else prefix + path
            if absolute not in wanted:
                wanted.add(absolute)
                if _leaves(path, real_root, links) is not None:
                    if changes is not None and absolute[len(base) :] in changes.paths:
                        # a changed link that now leads out: the project lost a file
                        changes = project.changes = changes._replace(same_files=False)
                    continue  # a link out of the project: not part of it
                if (
                    snapshot is not None
                    and changes is not None
                    and absolute.startswith(base)
                    and absolute[len(base) :] not in changes.paths
                ):
                    project._settle(snapshot, absolute, path)
                    continue
                cached = cache.get(absolute, path, path, REFERENCES) if cache is not None else None
                if cached is not None:
                    project.files[absolute] = cached.source
                    project.facts[absolute] = cached.facts
                    project.scans[absolute] = cached.scan
                    continue
                jobs.append((path, path, None, absolute))
                keys.append((False, REFERENCES))  # unreadable is not an error here
        results = _load_all(jobs, root)
        for job, (is_target, level), result in zip(jobs, keys, results, strict=True):
            if isinstance(result, InputError):
                if is_target:
                    raise result
                continue
            absolute = job[3]
            source, project.facts[absolute], project.scans[absolute] = result
            if cache is not None and level is not None:
                cache.put(absolute, source, level, *result[1:])
            project.files[absolute] = source
        for item in read:
            loaded = results[item] if isinstance(item, int) else item
            assert not isinstance(loaded, InputError)  # raised above
            project.targets.append(loaded if isinstance(loaded, SourceFile) else loaded[0])
        if cache is not None:  # (from the snapshot: the other files' entries all stay)
            cache.save(project.keys if listing is not None else None)
        for source in project.targets:
            if source.display == "-":
                key = os.path.abspath("-")
                project.files[key] = source
                project.facts[key] = graph_facts(key, source)
                project.scans[key] = scan_facts(root, key, source)
        project.target_ids = frozenset(id(source) for source in project.targets)
        project._scan()
        return project

    def _from_snapshot(self, snapshot: Snapshot, changes: Changes, wanted: set[str]) -> list[str]:
        """Take every file of the snapshot that has not changed (and is no target); the
        changed ones that are listed now, to be read."""
        base = self.base
        # the paths as project_listing spells them: the root as given, then the file
        folder = os.fspath(self.root)
        start = "" if folder == "." else os.path.join(folder, "")
        self._start = start
        self._kinds = snapshot.kinds
        changed = {base + path for path in changes.paths}
        skip = wanted | changed
        waiting = self._waiting = {a: f for a, f in snapshot.facts.items() if a not in skip}
        for absolute, scan in snapshot.scans.items():
            if absolute not in changed and (absolute in waiting or absolute not in wanted):
                waiting.setdefault(absolute, NO_FACTS)
                self.scans[absolute] = scan
        self.settled.update(waiting)
        wanted.update(waiting)
        kept = Kept(Excludes(snapshot.excludes))
        return sorted(
            start + path for path in changes.paths if kept(path) and changes.is_listed(path)
        )

    @property
    def keys(self) -> set[str]:
        """Every file of the project, by absolute path (with the quiet ones)."""
        return {*self.files, *(absolute for absolute, _ in self.quiet)}

    @property
    def index(self) -> Index:
        """Where every object is applied, and what provides each Secret (built on first use)."""
        if self._index is None:
            graph = self._graph()
            eager = (doc for source in self.files.values() for doc in source.documents)
            waiting = self if self._waiting and not self._all_made else None
            self._index = Index(eager, graph, waiting)
        return self._index

    def documents_of(self, kinds: frozenset[str]) -> list[Document]:
        """The documents of ``kinds`` in the files the snapshot answered for (see
        ``_waiting``), in the snapshot's order: the Index asks per kind, and a run of one
        file asks about a few kinds."""
        waiting = self._waiting
        if len(kinds) == 1:
            (kind,) = kinds
            paths = [a for a in self._kinds.get(kind, ()) if a in waiting]
        else:
            found = {a for kind in kinds for a in self._kinds.get(kind, ()) if a in waiting}
            paths = sorted(found, key=self._order)
        return [doc for a in paths for doc in self._file(a).documents if doc.kind in kinds]

    def _order(self, absolute: str) -> int:
        if self._positions is None:
            self._positions = {a: n for n, a in enumerate(self._waiting)}
        return self._positions[absolute]

    def _file(self, absolute: str) -> SourceFile:
        """A file the snapshot answered for, made a SourceFile (once)."""
        source = self._ready.get(absolute)
        if source is None:
            assert self.cache is not None
            path = self._start + absolute[len(self.base) :]
            facts = self._waiting[absolute]
            source = self._ready[absolute] = self.cache.referenced(absolute, path, path, facts)
            if self._built is not None:
                self._built.known(source, absolute)
        return source

    def _every_waiting(self) -> None:
        """Make every file the snapshot answered for a SourceFile, in the project's order
        (before a use that goes through all the files)."""
        if self._waiting and not self._all_made:
            self._all_made = True
            made = {absolute: self._file(absolute) for absolute in self._waiting}
            for absolute, facts in self._waiting.items():
                self.facts[absolute] = facts
                self.scans.setdefault(absolute, None)
            self.files = {**made, **self.files}

    def _settle(self, snapshot: Snapshot, absolute: str, path: str) -> None:
        """Take a file outside the targets from the snapshot (unchanged since)."""
        assert self.cache is not None
        self.settled.add(absolute)
        facts = snapshot.facts.get(absolute)
        scan = snapshot.scans.get(absolute)
        if facts is None and scan is None:
            self.quiet.append((absolute, path))
            return
        facts = NO_FACTS if facts is None else facts
        self.files[absolute] = self.cache.referenced(absolute, path, path, facts)
        self.facts[absolute] = facts
        self.scans[absolute] = scan

    def _graph(self) -> Graph:
        """The graph of the last run when no file changed in a way it reads, else built;
        the snapshot is kept for the next run when it no longer says what is true."""
        cache = self.cache
        root = os.path.abspath(self.root)
        if cache is None:
            return build_graph(root, self.files)
        snapshot = cache.snapshot
        graph = None
        if snapshot is not None and self._same_graph():
            with contextlib.suppress(TypeError, ValueError, KeyError, IndexError):
                made = {**self.files}
                for _, _, path, _, _ in snapshot.graph[1]:  # the secretGenerators' files
                    made[path] = self.files.get(path) or self._file(path)
                made.update(self._ready)
                graph = graph_from_plain(snapshot.graph, made)
        reused = graph is not None
        if graph is None:
            self._every_file()
            graph = build_graph(root, self.files)
        else:
            self._built = graph  # the files made later are made known to it
        self._keep(cache, graph, reused)
        return graph

    def _same_graph(self) -> bool:
        """Whether the snapshot's graph is this project's: the same files, and the same
        graph facts in each (those taken from the snapshot have them by definition)."""
        changes, cache = self.changes, self.cache
        if changes is None or cache is None or cache.snapshot is None or not changes.same_files:
            return False
        if not self._named_listed(changes.then, cache.snapshot.excludes):
            return False  # a named file outside the snapshot's project
        known = cache.snapshot.facts
        return all(
            known.get(absolute, NO_FACTS) == facts
            for absolute, facts in self.facts.items()
            if absolute not in self.settled
        )

    def _named_listed(self, listed: str, excludes: tuple[str, ...]) -> bool:
        """Whether every file named on the command line is one of the project's, by a git
        listing (after a NUL, as cache.Changes keeps them) and the excludes."""
        base = self.base
        kept = Kept(Excludes(excludes))
        return all(
            absolute.startswith(base)
            and kept(absolute[len(base) :])
            and _is_listed(listed, absolute[len(base) :])
            for absolute in self.named
        )

    def _every_file(self) -> None:
        """Make SourceFiles of the files the snapshot answered for without one (the graph
        is to be built, and it sees every file's folder)."""
        self._every_waiting()
        if self._listed is not None:  # the project was the snapshot's: list it all
            listing = self._listed()
            self._listed = None
            prefix = listed_prefix(self.root)
            real_root = os.path.realpath(self.root)
            for path in listing.paths:
                absolute = os.path.abspath(path) if prefix is None else prefix + path
                if absolute not in self.files and _leaves(path, real_root, listing) is None:
                    self.quiet.append((absolute, path))
        for absolute, path in self.quiet:
            if absolute not in self.files:
                self.files[absolute] = SourceFile(path=path, display=path)
                self.facts[absolute] = NO_FACTS
                self.scans[absolute] = None
        self.quiet = []

    def _keep(self, cache: FileCache, graph: Graph, reused: bool) -> None:
        """Keep the snapshot of this run, unless the one there still says what is true:
        the graph was not built again, and nothing changed but files named on the command
        line (read afresh by any run that names them, and as changed by any other)."""
        if cache.now is None or any(source.display == "-" for source in self.targets):
            return  # outside git, or standard input: no file of the project
        base = self.base
        changes = self.changes
        if reused and changes is not None:
            named = {absolute[len(base) :] for absolute in self.named}
            if changes.paths <= named:
                return
        self._every_waiting()
        listed, loose, excludes = cache.now
        if any(not absolute.startswith(base) for absolute in self.files) or not (
            self._named_listed("\0" + listed, excludes)
        ):
            return  # files that are not the project's are part of this graph: keep none
        facts = {absolute: found for absolute, found in self.facts.items() if found != NO_FACTS}
        scans = {absolute: scan for absolute, scan in self.scans.items() if scan is not None}
        snapshot = cache.snapshot
        plain = snapshot.graph if reused and snapshot else graph_to_plain(graph, self.files)
        data: dict[str, bytes] = {}
        kept_data = cache.all_snapshot_data() if self.settled else {}
        for absolute in (*facts, *(a for a in scans if a not in facts)):
            blob = kept_data.get(absolute) if absolute in self.settled else None
            if blob is None:
                blob = cache.blob(absolute)
            if blob is None:
                with contextlib.suppress(ValueError):
                    blob = marshal.dumps(to_plain(self.files[absolute]))
            if blob is not None:
                data[absolute] = blob
        kinds: dict[str, list[str]] = {}
        for absolute, (docs, _) in facts.items():
            for kind in dict.fromkeys(doc[2] for doc in docs):
                kinds.setdefault(kind, []).append(absolute)
        kept_now = Snapshot(listed, loose, excludes, facts, scans, plain, kinds=kinds)
        save_snapshot(Path(cache.root), kept_now, cache.taken, data)

    def _scan(self) -> None:
        """Gather what each file says about the whole repository (``scan_facts``)."""
        version_sources: list[fluxversion.VersionSource] = []
        for found in self.scans.values():
            if found is None:
                continue
            blocks, operator, patch_files, patched_kinds, versions = found
            self.blocks_cross_namespace_refs |= blocks
            self.uses_flux_operator |= operator
            self.patch_files.update(patch_files)
            self.patched_kinds.update(patched_kinds)
            version_sources.extend(fluxversion.VersionSource(*v) for v in versions)
        self.flux_versions = fluxversion.TargetVersions(version_sources)


#: What one file says about the whole repository: (the cross-namespace flag, Flux
#: Operator, files used as patches, kinds patched, Flux release sources); None for most.
ScanFacts = tuple[bool, bool, list[str], list[str], list[tuple[str, str, str]]] | None


def scan_facts(root: Path, path: str, source: SourceFile) -> ScanFacts:
    """What ``Project._scan`` gathers from the file at absolute ``path``: worked out once
    when the file is read, and kept with it in the cache."""
    operator = False
    patch_files: set[str] = set()
    patched_kinds: set[str] = set()
    kustomization = os.path.basename(path) in KUSTOMIZATION_FILES
    for doc in source.documents:
        if doc.kind == "FluxInstance" or _installs_flux_operator(doc):
            operator = True
        if kustomization:
            patch_files.update(_patch_paths(os.path.dirname(path), doc.data))
            patched_kinds.update(_patched_kinds(doc.data.get("patches")))
        elif doc.kind == "Kustomization":
            patched_kinds.update(_patched_kinds(doc.spec.get("patches")))
    versions = [
        (v.scope, v.version, v.origin) for v in fluxversion.version_sources(root, path, source)
    ]
    blocks = source.blocks_cross_namespace_refs
    if not (blocks or operator or patch_files or patched_kinds or versions):
        return None
    return (blocks, operator, sorted(patch_files), sorted(patched_kinds), versions)


#: The flag on (alone, or with a value Go's strconv.ParseBool reads as true).
_NO_CROSS_NS = r"--no-cross-namespace-refs(?:=(?:1|t|T|true|TRUE|True))?(?![=\w-])"


def _read_facts(source: SourceFile) -> None:
    """Note what a file's text says about the whole repository (the Flux release a
    gotk-components.yaml names, the cross-namespace flag) before its text is let go;
    the cache keeps both with the file."""
    text = source.text
    if text is None:
        return
    if os.path.basename(source.location) == "gotk-components.yaml":
        source.flux_version = fluxversion.gotk_components_version(text)
    if "no-cross-namespace-refs" in text and re.search(_NO_CROSS_NS, text):
        source.blocks_cross_namespace_refs = True


#: Files from which loading is spread over the machine's cores (forking costs ~10 ms).
PARALLEL_AFTER = 1500


def _leaves(path: str, real_root: str, listing: Listing) -> str | None:
    """Where a symbolic link at ``path`` leads when that is outside the project root (only
    files named on the command line are read from outside it). git's listing says which
    files are links; only the others are asked."""
    if path in listing.blobs or (path not in listing.links and not os.path.islink(path)):
        return None
    real = os.path.realpath(path)
    inside = real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)
    return None if inside else real


#: A file to read: its path (a string until read), display name, ``full`` (True: named on
#: the command line, False: of a folder walk, None: outside the targets) and absolute key.
Job = tuple[str | Path, str, bool | None, str]
#: A file read, with what the project gathers from it (graph.facts, scan_facts).
Loaded = tuple[SourceFile, Facts, "ScanFacts"]


def load_file(path: Path, display: str, full: bool | None) -> SourceFile | InputError:
    """One file read as ``Project.load`` reads it: ``full`` True for a file named on the
    command line, False for one of a folder walk, None for one outside the targets."""
    return _load_job(path, display, full)


def _load_job(path: str | Path, display: str, full: bool | None) -> SourceFile | InputError:
    """``full`` None: a file outside the targets, read for references only."""
    try:
        source = load(path, display, full=bool(full), scan_ok=full is None)
    except InputError as exc:
        return exc
    _read_facts(source)
    if full is not None:
        for doc in source.documents:  # the schema screen is per object: do it here, in parallel
            doc.schema_ok = schemas.screens_clean(
                doc.checked_data, doc.api_version, doc.kind, doc.sops
            )
    if source.text is not None and "fluxnotify:" not in source.text and source.note is None:
        source.text = None  # no suppressions to read; positions re-read the file if needed
    return source


def _loaded(job: Job, root: Path) -> Loaded | InputError:
    path, display, full, key = job
    source = _load_job(path, display, full)
    if isinstance(source, InputError):
        return source
    return source, graph_facts(key, source), scan_facts(root, key, source)


def _load_all(jobs: list[Job], root: Path) -> list[Loaded | InputError]:
    """Load files, in several processes on a large repository: parsing is CPU-bound."""
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < PARALLEL_AFTER or workers < 2:
        return [_loaded(job, root) for job in jobs]
    import multiprocessing  # only here: it costs start-up time

    if "fork" not in multiprocessing.get_all_start_methods():
        return [_loaded(job, root) for job in jobs]
    # Ctrl-C while the pool starts its threads found no cleanup in place yet: at exit the
    # pool restarted the workers that shutdown had joined, and the parent waited on them
    # for ever. SIGINT is held until the pool is built (its workers inherit the mask, so
    # Ctrl-C in a terminal reaches the parent alone, which ends them).
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pool = multiprocessing.get_context("fork").Pool(
            workers, initializer=_end_with_parent, initargs=(os.getpid(),)
        )
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
    with pool:
        sent = pool.map(
            partial(_load_sent, root=root),
            jobs,
            chunksize=max(1, len(jobs) // (workers * 8)),
        )
    return [_received(job, item) for job, item in zip(jobs, sent, strict=True)]


def _load_sent(job: Job, root: Path) -> bytes | Loaded | InputError:
    """``_loaded`` in a worker: the file as marshalled plain data, which the parent reads
    back several times faster than pickled objects."""
    result = _loaded(job, root)
    if isinstance(result, InputError):
        return result
    source, facts, scan = result
    try:
        return marshal.dumps((to_plain(source), facts, scan))
    except ValueError:  # a value marshal cannot hold (rare): pickled as it is
        return result


def _received(job: Job, item: bytes | Loaded | InputError) -> Loaded | InputError:
    if not isinstance(item, bytes):
        return item
    plain, facts, scan = marshal.loads(item)
    return from_plain(job[0], job[1], plain), facts, scan


def _end_with_parent(parent: int) -> None:
    """Pool initializer: the worker ends when the parent does, however the parent ends.

    SIGTERM or SIGINT let the parent's pool terminate its workers, SIGKILL does not:
    on Linux the kernel sends the worker SIGKILL when its parent dies
    (``prctl(PR_SET_PDEATHSIG)``); elsewhere a thread watches for the worker being
    handed to another parent.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before prctl took effect
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    import threading

    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


_PR_SET_PDEATHSIG = 1


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


def _installs_flux_operator(doc: Document) -> bool:
    """A HelmRelease or source that installs Flux Operator or its FluxInstance chart."""
    if doc.kind not in ("HelmRelease", "OCIRepository", "HelmRepository"):
        return False
    spec = doc.spec
    chart = spec.get("chart")
    chart_spec = chart.get("spec") if isinstance(chart, dict) else None
    names = [spec.get("url"), chart_spec.get("chart") if isinstance(chart_spec, dict) else None]
    return any(isinstance(n, str) and any(h in n for h in FLUX_OPERATOR_HINTS) for n in names)


def _patched_kinds(patches: Any) -> set[str]:
    """Kinds a list of kustomize patches may complete: its targets, and every kind an inline
    patch names (nested patches, such as a Kustomization's HelmRelease defaults, count too)."""
    from fluxnotify.scan import PATCH_KIND  # the scanner reads patches in unparsed files

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
            kinds.update(PATCH_KIND.findall(patch))
    return kinds


def _patch_paths(base: str, data: dict[str, Any]) -> set[str]:
    """Files a kustomization applies as patches: partial objects, not resources."""
    found: set[str] = set()
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
            found.add(os.path.normpath(os.path.join(base, entry)))
    return found
