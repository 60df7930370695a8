"""The engine: load, run the rules, apply configuration and severity, return a Report.

Nothing here prints or exits; ``commands/validate.py`` renders the Report and
``cli.py`` decides the exit code.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from fluxnotify import fluxversion, schemas
from fluxnotify.cache import FileCache, ReportMemo, Stamp, take_stamps
from fluxnotify.config import Config
from fluxnotify.discovery import DEFAULT_EXCLUDES, Listing, Target, discover, project_listing
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
from fluxnotify.project import Project
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
    config: Config, disable: Sequence[str], auto_enable: Sequence[str] = ()
) -> dict[str, Severity | None]:
    """Each rule's level; None means off. Defaults come from the rule, then the
    project (``auto_enable``), then the configuration file, then ``--disable``."""
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


def select(options: Options) -> Selection:
    """The root, the project's files and the targets that the options name."""
    root = options.root or find_root(options.paths)
    excludes = (*DEFAULT_EXCLUDES, *options.config.exclude, *options.exclude)
    listing = project_listing(root, excludes) if root.is_dir() else Listing([], {})
    return Selection(root, listing, discover(options.paths, excludes, root, listing.paths))


def open_project(
    options: Options,
    selection: Selection | None = None,
    stamps: Mapping[str, Stamp] | None = None,
) -> Project:
    """The project the options name: its root, its files, the targets among them.

    validate, route and migrate see the same files and the same Flux versions through it.
    """
    root, listing, targets = selection or select(options)
    cache = FileCache(root, stamps) if options.cache and root.is_dir() else None
    return Project.load(root, targets, listing, cache)


def _memo(options: Options, selection: Selection) -> ReportMemo | None:
    """The memo of earlier Reports for these inputs (none for standard input or without a cache)."""
    root, listing, targets = selection
    if not options.cache or not root.is_dir() or any(t.display == "-" for t in targets):
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
        [(t.display, t.explicit) for t in targets],
    )
    paths = {*listing.paths, *(os.fspath(t.path) for t in targets)}  # targets are listed too
    return ReportMemo(root, decided_by, take_stamps(paths, listing.blobs))


def flux_version_for(options: Options, project: Project, source: SourceFile) -> tuple[str, str]:
    """The target Flux release for a file, and why: the option, the configuration, else the
    repository (fluxversion.TargetVersions)."""
    if options.flux_version:
        return options.flux_version, "from --flux-version"
    if options.config.flux_version:
        return options.config.flux_version, f"from {options.config.source}"
    return project.flux_versions.for_file(source.path)


def validate(options: Options) -> Report:
    """Check the targets; an unchanged repository gets the Report of the last identical run."""
    selection = select(options)
    memo = _memo(options, selection)
    remembered = memo.load() if memo is not None else None
    if remembered is not None:
        return remembered
    stamps = dict(memo.stamps) if memo is not None else None  # each file stamped once per run
    report = _validate(options, open_project(options, selection, stamps))
    if memo is not None:
        memo.save(report)
    return report


def _validate(options: Options, project: Project) -> Report:
    # The loaded project is tens of thousands of long-lived dicts and lists; the collector's
    # full passes walked all of them again and again while the rules ran (a third of this
    # function's time on a 12,000-file tree). Nothing loaded becomes garbage here.
    gc.freeze()
    try:
        return _check(options, project)
    finally:
        gc.unfreeze()


def _check(options: Options, project: Project) -> Report:
    auto = [
        rule.ID
        for rule in DOCUMENT_RULES
        if rule.ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED and project.blocks_cross_namespace_refs
    ]
    levels = rule_levels(options.config, options.disable, auto)
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
                tuple(CheckedObject(doc.index, doc.ref) for doc in source.documents),
            )
        )
        if source.note:
            notes.append((source.display, source.note))
        elif source.parsed and not source.documents and not yaml_syntax.is_manifest(source):
            # No manifest (a workflow, values, an empty file, a mkdocs.yml with custom tags):
            # not an error, as pre-commit hands over every YAML file, but said, so a typo'd
            # kind is not silent.
            notes.append((source.display, "no Kubernetes object (apiVersion and kind) in it"))
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
                objects += 1
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
