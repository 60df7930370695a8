"""The engine: load, run the rules, apply configuration and severity, return a Report.

Nothing here prints or exits; ``commands/validate.py`` renders the Report and
``cli.py`` decides the exit code.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from fluxnotify import fluxversion, schemas
from fluxnotify.cache import (
    Earlier,
    FileCache,
    Quick,
    ReportMemo,
    Stamp,
    refresh_snapshot,
    take_stamps,
)
from fluxnotify.config import Config
from fluxnotify.discovery import (
    DEFAULT_EXCLUDES,
    Listing,
    Target,
    changed_files,
    discover,
    git_listing,
    index_stamp,
    listed_prefix,
    project_listing,
    target_key,
)
from fluxnotify.errors import InputError
from fluxnotify.model import (
    CheckedFile,
    CheckedObject,
    Context,
    Document,
    Finding,
    Problem,
    Report,
    SchemaIssue,
    Severity,
    SourceFile,
)
from fluxnotify.parsing import RELEVANT_KINDS
from fluxnotify.project import Project, ScanFacts, load_file, scan_facts
from fluxnotify.root import choose_root, find_root
from fluxnotify.rules import DOCUMENT_RULES, FILE_RULES, RULES, SUPPRESSION_RULES, yaml_syntax

if TYPE_CHECKING:
    from fluxnotify.rules.base import DocumentRule, Rule


class Options(NamedTuple):
    paths: tuple[str, ...]
    root: Path | None = None
    flux_version: str | None = None
    exclude: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    config: Config = Config()
    #: keep what was read from files outside the targets (fluxnotify/cache.py)
    cache: bool = True
    #: why ``root`` is the root (fluxnotify/root.py), for the text output's footer
    root_reason: str = "from --root"


def rule_levels(
    config: Config, disable: Sequence[str], blocks_cross_namespace_refs: bool = False
) -> dict[str, Severity | None]:
    """Each rule's level; None means off. Defaults come from the rule, then the
    project (the rules a repository that runs the controllers with
    --no-cross-namespace-refs=true turns on), then the configuration file, then
    ``--disable``."""
    auto_enable = {
        rule.ID
        for rule in DOCUMENT_RULES
        if blocks_cross_namespace_refs and rule.ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED
    }
    levels: dict[str, Severity | None] = {
        rule_id: rule.SEVERITY if rule.ENABLED_BY_DEFAULT or rule_id in auto_enable else None
        for rule_id, rule in RULES.items()
    }
    levels.update(config.rules)
    for rule_id in disable:
        levels[rule_id] = None
    return levels


class Selection(NamedTuple):
    """The files a run reads: the project's, and the targets among them or beside them."""

    root: Path
    listing: Listing
    targets: list[Target]
    #: git's listing of the root, and the stamps of the files it does not vouch for
    #: (relative paths): what tells the project snapshot's unchanged files
    listed: tuple[str, dict[str, Stamp]] | None = None


def _excludes(options: Options) -> tuple[str, ...]:
    return (*DEFAULT_EXCLUDES, *options.config.exclude, *options.exclude)


def select(
    options: Options, listed: str | None = None, loose: dict[str, Stamp] | None = None
) -> Selection:
    """The root, the project's files and the targets that the options name (``listed``:
    git's listing of the root, when already asked for; ``loose``: the stamps of the
    files it does not vouch for, when already taken)."""
    root = options.root or find_root(options.paths)
    excludes = _excludes(options)
    if listed is None and root.is_dir():
        listed = git_listing(root)
    listing = project_listing(root, excludes, listed) if root.is_dir() else Listing([], {})
    if listed is not None and loose is None:
        loose = _loose(root, listed)
    targets = discover(options.paths, excludes, root, listing.paths)
    return Selection(root, listing, targets, None if listed is None else (listed, loose or {}))


def _loose(root: Path, listed: str) -> dict[str, Stamp]:
    """The stamps of the files git does not vouch for, by path relative to the root."""
    base = os.path.abspath(root)
    changed = changed_files(listed)
    stamps = take_stamps([os.path.join(base, rel) for rel in changed], {})
    return dict(zip(changed, stamps.values(), strict=True))


def open_project(
    options: Options,
    selection: Selection | None = None,
    stamps: Mapping[str, Stamp] | None = None,
    taken: int | None = None,
) -> Project:
    """The project the options name: its root, its files, the targets among them
    (``stamps``: the files' stamps, taken after the moment ``taken``).

    validate, route and migrate see the same files and the same Flux versions through it.
    """
    root, listing, targets, listed = selection or select(options)
    cache = FileCache(root, stamps, taken) if options.cache and root.is_dir() else None
    changes = None
    if cache is not None and listed is not None:
        changes = cache.observe(*listed, _excludes(options))
    return Project.load(root, targets, listing, cache, changes)


def _memo(options: Options, root: Path) -> ReportMemo | None:
    """The memo of earlier Reports for these options (none for standard input or without a
    cache). The files are not part of the key: their stamps are checked against it."""
    if not options.cache or not root.is_dir() or "-" in options.paths:
        return None
    config = options.config
    decided_by = (
        options.paths,
        os.fspath(root),
        options.root_reason if options.root else None,
        options.flux_version,
        options.exclude,
        options.disable,
        (config.source, config.flux_version, config.exclude, sorted(config.rules.items())),
    )
    return ReportMemo(root, decided_by)


def flux_version_for(options: Options, project: Project, source: SourceFile) -> tuple[str, str]:
    """The target Flux release for a file, and why: the option, the configuration, else the
    repository (fluxversion.TargetVersions)."""
    if options.flux_version:
        return options.flux_version, "from --flux-version"
    if options.config.flux_version:
        return options.config.flux_version, f"from {options.config.source}"
    return project.flux_versions.for_file(source.location)


@contextmanager
def bulk() -> Iterator[None]:
    """A run builds hundreds of thousands of objects that all live until it ends: the
    cyclic garbage collector would walk them again and again for nothing (a quarter of a
    warm whole-tree run, a tenth of a cold one, measured on the bench repository).
    Reference counting still frees everything that is let go. At the end the run's
    objects go straight to the oldest generation (freeze, then unfreeze), so that turning
    the collector back on does not walk them all at once."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


def validate(options: Options) -> Report:
    """Check the targets; an unchanged repository gets the Report of the last identical run."""
    with bulk():
        return _run(options)


def _run(options: Options) -> Report:
    root = options.root or find_root(options.paths)
    memo = _memo(options, root)
    listed = git_listing(root) if root.is_dir() else None
    quick = loose = None
    if memo is not None and listed is not None:
        quick, loose = _quick(options, root, listed)
    if memo is not None and quick is not None:
        remembered = memo.load_quick(quick)
        if remembered is not None:
            return remembered
    files_only = _files(options.paths)
    if memo is not None and listed is not None and loose is not None and files_only:
        named = _named(options, root, memo, listed, loose, quick)
        if named is not None:
            return named
    if memo is not None and listed is not None and files_only:
        alone = _alone(options, root)  # (in git: a project large enough to be worth it)
        if alone is not None:
            memo.save(alone, {}, quick, set(), {}, False)
            return alone
    selection = select(options, listed, loose)
    if memo is None:
        return _validate(options, open_project(options, selection))
    paths = {*selection.listing.paths, *(os.fspath(t.path) for t in selection.targets)}
    stamps = take_stamps(paths, selection.listing.blobs)  # each file stamped once per run
    remembered = memo.load(stamps)
    if remembered is not None:
        return remembered
    if memo.earlier is not None:
        incremental = _incremental(options, selection, memo.earlier, stamps, memo.taken)
        if incremental is not None:
            report, counts = incremental
            earlier = memo.earlier
            memo.save(report, stamps, quick, earlier.stateful, counts, earlier.blocks)
            return report
    project = open_project(options, selection, stamps, memo.taken)
    return _remember(options, project, memo, stamps, quick)


def _remember(
    options: Options,
    project: Project,
    memo: ReportMemo,
    stamps: Mapping[str, Stamp],
    quick: Quick | None,
) -> Report:
    """Validate, and remember the Report for a run with the same inputs (without
    ``stamps``, the memo can only answer a run with the same ``quick`` stamp: which files
    hold state is then not kept either)."""
    report = _validate(options, project)
    stateful = (
        {path for path, source in project.files.items() if _stateful(source, project.scans[path])}
        if stamps
        else set()
    )
    counts = {s.display: s.document_count for s in project.targets if s.document_count}
    memo.save(report, stamps, quick, stateful, counts, project.blocks_cross_namespace_refs)
    return report


def _named(
    options: Options,
    root: Path,
    memo: ReportMemo,
    listed: str,
    loose: dict[str, Stamp],
    quick: Quick | None,
) -> Report | None:
    """A run of files named on the command line (the pre-commit case) when the project
    snapshot holds the rest of the project: neither git's listing nor the files' stamps
    are gone through, only what changed since. None when it cannot (no snapshot, files
    added or deleted since)."""
    excludes = _excludes(options)
    cache = FileCache(root, None, memo.taken)
    changes = cache.observe(listed, loose, excludes)
    if changes is None or not changes.same_files:
        return None
    targets = discover(options.paths, excludes, root)
    project = Project.load(
        root,
        targets,
        None,
        cache,
        changes,
        lambda: project_listing(root, excludes, listed),
    )
    # The memo keeps no stamps of this run (it has none): a later run with these options
    # compares its quick stamp only.
    return _remember(options, project, memo, {}, quick)


def _alone(options: Options, root: Path) -> Report | None:
    """The Report of named files none of which holds an object or says anything about the
    repository (a workflow, a values file, a file that does not parse): only the file
    rules have anything to say, and the rest of the project is not read. None otherwise."""
    targets = discover(options.paths, _excludes(options), root)
    project = Project.load(root, targets, Listing([], {}))  # the named files alone
    if any(source.documents for source in project.targets) or any(
        scan is not None for scan in project.scans.values()
    ):
        return None
    return _validate(options, project)


def _files(paths: Sequence[str]) -> bool:
    """Whether every path on the command line is a file (not a folder, not stdin)."""
    return bool(paths) and all(path != "-" and os.path.isfile(path) for path in paths)


def _quick(
    options: Options, root: Path, listed: str
) -> tuple[Quick | None, dict[str, Stamp] | None]:
    """What pins down this run's inputs in brief (cache.Quick): git's index stamp, and
    the files git does not vouch for with their own stamps; and those stamps, by path
    relative to the root. None when a path on the command line lies outside what git
    lists (standard input, a folder outside the root)."""
    index = index_stamp(root)
    if index is None:
        return None, None
    base = os.path.abspath(root)
    named = []
    for path in options.paths:
        absolute = os.path.abspath(path)
        if path == "-" or not (absolute == base or absolute.startswith(base + os.sep)):
            return None, None
        if not os.path.isdir(absolute):
            named.append(absolute)  # git may ignore a file named on the command line
    loose = _loose(root, listed)
    stamps = {os.path.join(base, rel): stamp for rel, stamp in loose.items()}
    stamps.update(take_stamps(named, {}))
    return (index, tuple(sorted(stamps.items()))), loose


def _stateful(source: SourceFile, scan: ScanFacts) -> bool:
    """Whether the rest of the project reads anything of the file: its objects, or what
    it says about the repository (``scan``: project.scan_facts, which the cache keeps
    rather than the flag and release on the files it answers for references)."""
    return bool(source.documents) or scan is not None


def _incremental(
    options: Options,
    selection: Selection,
    earlier: Earlier,
    stamps: Mapping[str, Stamp],
    taken: int,
) -> tuple[Report, dict[str, int]] | None:
    """The earlier run's Report with the files changed since checked again, when none of
    them held or holds anything the rest of the project reads (a comment added to a
    ConfigMap): the other files' findings cannot have changed. None otherwise.

    Such files have no object, so only the file rules (syntax, duplicate keys,
    suppressions...) have anything to say about them, and the project is not read."""
    changed = earlier.changed(stamps)
    if changed is None:
        return None
    wanted = {os.path.abspath(path) for path in changed}
    if wanted & earlier.stateful:
        return None
    prefix = listed_prefix(selection.root)
    by_key: dict[str, Target] = {}
    for target in selection.targets:
        if target.unreadable is None and target.display != "-":
            key = target_key(target, prefix)
            if key in wanted:
                by_key[key] = target
    fresh: dict[str, SourceFile] = {}
    for key in sorted(wanted):
        if os.path.islink(key):
            return None  # a link may now lead out of the project: read it all again
        named = by_key.get(key)
        if named is None:
            result = load_file(Path(key), key, None)
        else:
            result = load_file(Path(named.path), named.display, named.explicit)
        if isinstance(result, InputError):
            return None
        if _stateful(result, scan_facts(selection.root, key, result)):
            return None
        if named is not None:
            fresh[named.display] = result
    if selection.listed is not None and options.cache:
        base = os.path.join(os.path.abspath(selection.root), "")
        refresh_snapshot(
            selection.root,
            *selection.listed,
            _excludes(options),
            {key[len(base) :] for key in wanted if key.startswith(base)},
            taken,
        )
    levels = rule_levels(options.config, options.disable, earlier.blocks)
    explicit = frozenset(options.config.rules)
    report = earlier.report
    findings = [f for f in report.findings if f.path not in fresh]
    for source in fresh.values():
        findings.extend(
            _suppress(source, list(_file_findings(source, levels, explicit)), levels, explicit)
        )
    findings.sort(key=lambda finding: finding.sort_key)
    old_notes: dict[str, list[tuple[str, str]]] = {}
    for display, note in report.notes:
        old_notes.setdefault(display, []).append((display, note))
    notes = []
    for item in report.checked:
        again = fresh.get(item.path)
        notes.extend(old_notes.get(item.path, []) if again is None else _notes(again))
    counts = dict(earlier.counts)
    for display, source in fresh.items():
        counts.pop(display, None)
        if source.document_count:
            counts[display] = source.document_count
    documents = report.documents + sum(counts.values()) - sum(earlier.counts.values())
    return (
        report._replace(
            findings=findings,
            documents=documents,
            notes=notes,
            checked=tuple(
                CheckedFile(c.path, ()) if c.path in fresh else c for c in report.checked
            ),
        ),
        counts,
    )


def _validate(options: Options, project: Project) -> Report:
    """Run the enabled rules on the targets (inside ``bulk``: no cyclic collection)."""
    levels = rule_levels(options.config, options.disable, project.blocks_cross_namespace_refs)
    #: validate objects against their schemas only when an enabled rule reads the result
    schema_issues = any(levels.get(rule.ID) for rule in DOCUMENT_RULES if rule.NEEDS_SCHEMA_ISSUES)
    #: rules whose level the configuration sets: that level then applies to all their findings
    explicit = frozenset(options.config.rules)

    enabled = tuple(rule for rule in DOCUMENT_RULES if levels.get(rule.ID) is not None)
    #: kind -> the enabled rules that report on it, in DOCUMENT_RULES order
    by_kind: dict[str, tuple[DocumentRule, ...]] = {}

    findings: list[Finding] = []
    versions: dict[str, str] = {}
    notes: list[tuple[str, str]] = []
    documents = objects = 0
    checked: list[CheckedFile] = []
    for source in project.targets:
        checked.append(
            CheckedFile(
                source.display,
                # The objects of the kinds the rules read: the same whether the file is
                # named (every document parsed) or walked (only those kinds parsed).
                tuple(
                    CheckedObject(doc.index, doc.ref)
                    for doc in source.documents
                    if doc.kind in RELEVANT_KINDS
                ),
            )
        )
        objects += len(checked[-1].objects)
        notes.extend(_notes(source))
        documents += source.document_count
        found = list(_file_findings(source, levels, explicit))
        if source.documents:
            version, reason = flux_version_for(options, project, source)
            versions.setdefault(version, reason)
            patch_file = (
                bool(project.patch_files)
                and source.display != "-"
                and os.path.abspath(source.path) in project.patch_files
            )
            for doc in source.documents:
                ctx = _context(
                    doc, version, patch_file, project, schema_issues, reason == fluxversion.GUESSED
                )
                rules = by_kind.get(doc.kind)
                if rules is None:
                    rules = by_kind[doc.kind] = tuple(
                        rule for rule in enabled if rule.KINDS is None or doc.kind in rule.KINDS
                    )
                found.extend(_doc_findings(doc, ctx, levels, explicit, rules))
        findings.extend(_suppress(source, found, levels, explicit))
    findings.sort(key=lambda finding: finding.sort_key)
    return Report(
        findings,
        len(project.targets),
        documents,
        objects,
        versions,
        notes,
        checked=tuple(checked),
        root=project.root,
        root_reason=options.root_reason if options.root else choose_root(options.paths).reason,
    )


def _notes(source: SourceFile) -> list[tuple[str, str]]:
    if source.note:
        return [(source.display, source.note)]
    if source.parsed and not source.documents and not yaml_syntax.is_manifest(source):
        # No manifest (a workflow, values, an empty file, a mkdocs.yml with custom tags):
        # not an error, as pre-commit hands over every YAML file, but said, so a typo'd
        # kind is not silent.
        return [(source.display, "no Kubernetes object (apiVersion and kind) in it")]
    return []


def _context(
    doc: Document,
    version: str,
    patch_file: bool,
    project: Project,
    schema_issues: bool,
    version_guessed: bool = False,
) -> Context:
    issues: tuple[SchemaIssue, ...] | None = None
    if doc.schema_ok:
        issues = ()  # screened while loading
    elif schema_issues:
        found = schemas.validate(
            doc.checked_data,
            doc.api_version,
            doc.kind,
            secret_values=doc.kind == "Secret" or doc.sops,
        )
        issues = tuple(found) if found is not None else None
    index = project.index
    return Context(
        flux_version=version,
        uses_flux_operator=project.uses_flux_operator,
        partial=patch_file or doc.kind in project.patched_kinds,
        schema_issues=issues,
        placements=frozenset(index.placements(doc)),
        objects=index,
        blocks_cross_namespace_refs=project.blocks_cross_namespace_refs,
        patch_file=patch_file,
        targets=project.target_ids,
        flux_version_guessed=version_guessed,
    )


def _suppress(
    source: SourceFile,
    found: list[Finding],
    levels: Mapping[str, Severity | None],
    explicit: frozenset[str],
) -> list[Finding]:
    """Apply the file's suppression comments; report the ones that silence nothing."""
    if not source.text or "fluxnotify:" not in source.text:
        return found
    from fluxnotify import directives  # only for files that hold suppression comments

    enabled = [rule_id for rule_id, level in levels.items() if level is not None]
    kept, unused = directives.apply(source.text, found, list(RULES), enabled)
    for rule in SUPPRESSION_RULES:
        for problem in rule.check_suppressions(unused):
            finding = _finding(rule, problem, source, None, levels, explicit)
            if finding is not None:
                kept.append(finding)
    return kept


def _file_findings(
    source: SourceFile, levels: Mapping[str, Severity | None], explicit: frozenset[str]
) -> Iterator[Finding]:
    for rule in FILE_RULES:
        for problem in rule.check_file(source):
            finding = _finding(rule, problem, source, None, levels, explicit)
            if finding is not None:
                yield finding


def _doc_findings(
    doc: Document,
    ctx: Context,
    levels: Mapping[str, Severity | None],
    explicit: frozenset[str],
    rules: Sequence[DocumentRule],
) -> Iterator[Finding]:
    """The findings of ``rules`` (the enabled ones that report on ``doc``'s kind)."""
    for rule in rules:
        for problem in rule.check(doc, ctx):
            finding = _finding(rule, problem, doc.file, doc, levels, explicit)
            if finding is not None:
                yield finding


def _finding(
    rule: Rule,
    problem: Problem,
    source: SourceFile,
    doc: Document | None,
    levels: Mapping[str, Severity | None],
    explicit: frozenset[str],
) -> Finding | None:
    configured = levels.get(rule.ID)
    if configured is None:
        return None
    # A problem's own severity (deprecated rather than removed, say) applies unless the
    # configuration sets the rule's level.
    severity = problem.severity if problem.severity and rule.ID not in explicit else configured
    if problem.position is not None:
        line, column = problem.position
    elif doc is not None:
        line, column = doc.locate(problem.path, problem.key)
    else:
        line, column = 1, 1
    return Finding(
        path=source.display,
        line=line,
        column=column,
        rule=rule.ID,
        severity=severity,
        message=problem.message,
        hint=problem.hint,
        object=doc.ref if doc is not None else None,
        document=doc.index if doc is not None else None,
    )
