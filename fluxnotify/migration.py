"""Rewriting notification manifests to the API a Flux release serves, keeping every byte else.

Alert and Provider move to v1beta3 (v1beta2 before Flux 2.2), Receiver to v1;
an Alert's ``summary`` moves into ``eventMetadata.summary`` and a Provider's
``interval`` goes (neither means anything in v1beta3). ``flux migrate -f``
does the same through a Kubernetes serializer, which drops comments and sorts
keys. Here each change is a targeted text edit at the positions the YAML
parser reports, so comments, quoting, key order, indentation, document
separators and line endings stay as written: a round-trip serializer (even
ruamel.yaml's) re-emits whole documents and changes bytes nobody asked for.
Measured on tests/test_migration.py's fixture: ruamel.yaml round-trip, with the
best of eight indent and document-start settings, differs from the expected
file on 17 lines (LF) and 154 (CRLF: every line ending); these edits on none.
Facts: ../shared/reference/flux-notification-api.md sections 1, 3a, 3c and 3e.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import yaml

from fluxnotify import fluxversion
from fluxnotify.engine import Options, flux_version_for, open_project
from fluxnotify.errors import InputError, UsageError
from fluxnotify.model import Document, SourceFile
from fluxnotify.parsing import load
from fluxnotify.project import Project
from fluxnotify.redact import CREDENTIAL_FIELDS, url_outline

KINDS = ("Alert", "Provider", "Receiver")
#: The versions that ever existed or that people write by mistake (Alert v1, Receiver v1beta3).
_KNOWN_VERSIONS = ("v1beta1", "v1beta2", "v1beta3", "v1")


class Note(NamedTuple):
    """Something migrate left alone on purpose, at a 1-based line."""

    path: str
    line: int
    message: str


class Rewrite(NamedTuple):
    text: str
    #: edits made (apiVersion, moved or dropped fields)
    changes: int
    notes: list[tuple[int, str]]


class FileChange(NamedTuple):
    path: Path
    display: str
    before: bytes
    after: bytes
    changes: int


class _Edit(NamedTuple):
    start: int
    end: int
    text: str
    #: False for the second half of a move (deleting a field written again elsewhere)
    counts: bool = True


def target_api_version(api_version: str, kind: str, flux_version: str) -> tuple[str | None, str]:
    """The apiVersion to write for ``kind`` under ``flux_version`` (None: leave it), and why not."""
    newest = fluxversion.served(api_version, kind, flux_version).use_instead
    if api_version == newest:
        return None, ""
    version = api_version.rpartition("/")[2]
    if version == "v1beta3" and kind != "Receiver":
        return None, (
            f"{api_version} {kind} needs Flux 2.2 or newer and the target is {flux_version}:"
            " not rewritten (migrate never moves to an older version)"
        )
    if version not in _KNOWN_VERSIONS:
        return None, f"{api_version} {kind}: unknown version, not rewritten"
    return newest, ""


def rewrite(text: str, flux_version: str) -> Rewrite:
    """``text`` (a whole file) with its notification objects migrated for ``flux_version``.

    Raises ``yaml.YAMLError`` when the text is not YAML the parser can position.
    """
    edits: list[_Edit] = []
    notes: list[tuple[int, str]] = []
    # Pure-Python composition: its marks are indices into ``text`` itself (BOM and \\r\\n included).
    for node in yaml.compose_all(text, Loader=yaml.SafeLoader):
        if isinstance(node, yaml.MappingNode):
            _Document(text, node, flux_version, edits, notes).migrate()
    changes = sum(edit.counts for edit in edits)
    # From the end backwards, so earlier indices stay valid; at one index, a deletion goes
    # before an insertion there (a field moved to just where it was cut).
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return Rewrite(text, changes, sorted(notes))


def _entry(mapping: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    for key_node, value_node in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _scalar(mapping: yaml.Node, key: str) -> str | None:
    found = _entry(mapping, key) if isinstance(mapping, yaml.MappingNode) else None
    if found is not None and isinstance(found[1], yaml.ScalarNode):
        return str(found[1].value)
    return None


class _Document:
    """One document's edits; every refusal becomes a note instead of a guess."""

    def __init__(
        self,
        text: str,
        node: yaml.MappingNode,
        flux_version: str,
        edits: list[_Edit],
        notes: list[tuple[int, str]],
    ) -> None:
        self.text = text
        self.node = node
        self.flux_version = flux_version
        self.edits = edits
        self.notes = notes

    def note(self, node: yaml.Node, message: str) -> None:
        self.notes.append((node.start_mark.line + 1, message))

    def migrate(self) -> None:
        api = _entry(self.node, "apiVersion")
        kind = _scalar(self.node, "kind")
        if api is None or not isinstance(api[1], yaml.ScalarNode) or kind not in KINDS:
            return
        api_version = str(api[1].value)
        if api_version.rpartition("/")[0] != fluxversion.NOTIFICATION_GROUP:
            return
        target, why_not = target_api_version(api_version, kind, self.flux_version)
        if why_not:  # the document does not fit the target at all: touch none of it
            self.note(api[1], why_not)
            return
        final = (target or api_version).rpartition("/")[2]
        spec = _entry(self.node, "spec")
        spec_node = spec[1] if spec is not None else None
        wanted: list[str] = []
        if target:
            wanted.append(f"apiVersion {target}")
        if isinstance(spec_node, yaml.MappingNode) and final == "v1beta3":
            if kind == "Alert" and _entry(spec_node, "summary"):
                wanted.append("spec.summary")
            if kind == "Provider" and _entry(spec_node, "interval"):
                wanted.append("spec.interval")
        sops = _entry(self.node, "sops")
        if sops is not None and isinstance(sops[1], yaml.MappingNode):
            if wanted:
                self.note(
                    self.node,
                    f"{kind} is SOPS-encrypted: not rewritten, its MAC would no longer match;"
                    f" decrypt it, run migrate, encrypt it again (needs: {', '.join(wanted)})",
                )
            return
        if target:
            self._api_version(api[0], api[1], api_version, target)
        if isinstance(spec_node, yaml.MappingNode):
            assert spec is not None
            if final == "v1beta3" and kind == "Alert":
                self._summary(spec[0], spec_node)
            if final == "v1beta3" and kind == "Provider":
                self._interval(spec_node)
            if kind == "Provider" and fluxversion.minor_of(self.flux_version) >= 7:
                proxy = _entry(spec_node, "proxy")
                if proxy is not None:
                    self.note(
                        proxy[0],
                        "Provider spec.proxy is deprecated since Flux 2.7 and left in place:"
                        " put the proxy URL in a Secret (key `address`) and reference it with"
                        " spec.proxySecretRef, then delete spec.proxy",
                    )

    # -- apiVersion ---------------------------------------------------------------------------

    def _api_version(self, key: yaml.Node, value: yaml.ScalarNode, old: str, new: str) -> None:
        start, end = value.start_mark.index, value.end_mark.index
        written = self.text[start:end]
        if self._shared(key, value):
            self.note(key, "apiVersion is a YAML anchor or alias: not rewritten")
        elif old in written:
            self.edits.append(_Edit(start, end, written.replace(old, new, 1)))
        else:  # written with escapes or folded over lines: write it anew in the same quotes
            quote = value.style if value.style in ('"', "'") else ""
            self.edits.append(_Edit(start, end, f"{quote}{new}{quote}"))

    def _shared(self, key: yaml.Node, value: yaml.Node) -> bool:
        """The value is an alias (it shares the anchor's node, marks included, which come
        before the key) or carries an anchor: editing it would change other places too."""
        start = value.start_mark.index
        return start < key.end_mark.index or self.text[start : start + 1] in ("&", "*")

    # -- Alert spec.summary -> spec.eventMetadata.summary -------------------------------------

    def _summary(self, spec_key: yaml.Node, spec: yaml.MappingNode) -> None:
        found = _entry(spec, "summary")
        if found is None:
            return
        key, value = found
        if not isinstance(value, yaml.ScalarNode) or self._shared(key, value):
            self.note(key, "spec.summary is a YAML anchor, alias or collection: move it by hand")
            return
        metadata = _entry(spec, "eventMetadata")
        if metadata is not None and not isinstance(metadata[1], yaml.MappingNode):
            self.note(metadata[0], "spec.eventMetadata is not a mapping: move spec.summary by hand")
            return
        if metadata is not None:
            assert isinstance(metadata[1], yaml.MappingNode)
            existing = _entry(metadata[1], "summary")
            if existing is not None:
                if isinstance(existing[1], yaml.ScalarNode) and existing[1].value == value.value:
                    self._delete(spec, key, value)
                else:
                    self.note(
                        key,
                        "spec.summary and spec.eventMetadata.summary differ (Flux sends"
                        " spec.summary and logs a conflict): keep one by hand",
                    )
                return
        if spec.flow_style:
            self._summary_in_flow(spec, key, value, metadata)
        else:
            self._summary_in_block(spec_key, spec, key, value, metadata)

    def _summary_in_flow(
        self,
        spec: yaml.MappingNode,
        key: yaml.Node,
        value: yaml.ScalarNode,
        metadata: tuple[yaml.Node, yaml.Node] | None,
    ) -> None:
        start, end = key.start_mark.index, value.end_mark.index
        written = self.text[start:end]
        if metadata is None:
            self.edits.append(_Edit(start, end, "eventMetadata: {" + written + "}"))
        elif (
            getattr(metadata[1], "flow_style", False)
            and not _has_break(written)
            and self._into_flow_mapping(metadata[1], written)
        ):
            self._delete(spec, key, value, counts=False)
        else:
            self.note(key, "spec.summary: move it into spec.eventMetadata by hand")

    def _summary_in_block(
        self,
        spec_key: yaml.Node,
        spec: yaml.MappingNode,
        key: yaml.Node,
        value: yaml.ScalarNode,
        metadata: tuple[yaml.Node, yaml.Node] | None,
    ) -> None:
        span = self._block_entry(key, value)
        if span is None:
            self.note(key, "spec.summary shares its line with other YAML: move it by hand")
            return
        start, end = span
        column = key.start_mark.column
        written = self.text[start:end]
        if metadata is None:
            step = column - spec_key.start_mark.column
            step = step if step > 0 else 2
            block = " " * column + "eventMetadata:" + _newline(self.text) + _indent(written, step)
            self.edits.append(_Edit(start, end, block))
            return
        meta_node = metadata[1]
        assert isinstance(meta_node, yaml.MappingNode)
        if meta_node.flow_style or not meta_node.value:
            entry = self.text[key.start_mark.index : value.end_mark.index]
            alone = not _has_break(entry) and not self.text[value.end_mark.index : end].strip()
            if meta_node.flow_style and alone and self._into_flow_mapping(meta_node, entry):
                self._cut(start, end)
            else:
                self.note(key, "spec.summary: move it into spec.eventMetadata by hand")
            return
        last_key, last_value = meta_node.value[-1]
        last = self._block_entry(last_key, last_value)
        child_column = meta_node.value[0][0].start_mark.column
        if last is None or child_column <= column:
            self.note(key, "spec.summary: move it into spec.eventMetadata by hand")
            return
        newline = _newline(self.text)
        moved = _indent(written, child_column - column)
        at = last[1]
        if at == start:  # summary comes right after eventMetadata: indenting it moves it in
            self.edits.append(_Edit(start, end, moved))
            return
        if not _ends_line(moved):
            moved += newline
        if not _ends_line(self.text[:at]):  # eventMetadata ends the text, with no final newline
            moved = newline + moved[: -len(newline)] if moved.endswith(newline) else moved
        self._cut(start, end)
        self.edits.append(_Edit(at, at, moved))

    def _into_flow_mapping(self, mapping: yaml.Node, entry: str) -> bool:
        close = mapping.end_mark.index - 1
        if self.text[close : close + 1] != "}":
            return False
        inside = self.text[mapping.start_mark.index + 1 : close]
        prefix = ", " if inside.strip() else ""
        trailing = inside.rstrip()
        if trailing.endswith(","):  # a trailing comma is allowed: add after it
            prefix = " "
        position = mapping.start_mark.index + 1 + len(trailing)
        self.edits.append(_Edit(position, position, prefix + entry))
        return True

    # -- Provider spec.interval ---------------------------------------------------------------

    def _interval(self, spec: yaml.MappingNode) -> None:
        found = _entry(spec, "interval")
        if found is None:
            return
        key, value = found
        if self._shared(key, value):
            self.note(key, "spec.interval is a YAML anchor or alias: delete it by hand")
            return
        if len(spec.value) == 1:
            self.note(key, "spec.interval is the only field of spec: not deleted")
            return
        self._delete(spec, key, value)

    # -- spans --------------------------------------------------------------------------------

    def _delete(
        self, mapping: yaml.MappingNode, key: yaml.Node, value: yaml.Node, counts: bool = True
    ) -> None:
        entry = self._flow_entry if mapping.flow_style else self._block_entry
        span = entry(key, value)
        if span is None:
            self.note(key, f"spec.{key.value} shares its line with other YAML: delete it by hand")
            return
        if mapping.flow_style:
            self.edits.append(_Edit(span[0], span[1], "", counts))
        else:
            self._cut(*span, counts=counts)

    def _cut(self, start: int, end: int, counts: bool = False) -> None:
        """Delete whole lines; when they end the text without a final newline, the line break
        before them goes too, so the text still ends without one."""
        if end == len(self.text) and not _ends_line(self.text[start:end]) and start > 0:
            start -= 2 if self.text[start - 2 : start] == "\r\n" else 1
        self.edits.append(_Edit(start, end, "", counts))

    def _block_entry(self, key: yaml.Node, value: yaml.Node) -> tuple[int, int] | None:
        """From the start of the key's line to after the value's last line (its comment kept
        with it), or None when anything else shares those lines."""
        text = self.text
        if value.start_mark.index < key.end_mark.index:  # an alias: its marks are elsewhere
            return None
        start = _line_start(text, key.start_mark.index)
        if text[start : key.start_mark.index].strip(" "):
            return None
        end = value.end_mark.index
        block_scalar = isinstance(value, yaml.ScalarNode) and value.style in ("|", ">")
        # a block scalar ends at the start of the line after it (or at the end of the text)
        if block_scalar and (end == len(text) or text[end - 1] in "\r\n"):
            return start, end
        rest_end = _line_end(text, end)
        rest = text[end:rest_end].rstrip("\r\n").strip(" \t")
        if rest and not rest.startswith("#"):
            return None
        return start, rest_end

    def _flow_entry(self, key: yaml.Node, value: yaml.Node) -> tuple[int, int] | None:
        """``key: value`` in a flow mapping with the comma that joins it to a neighbour."""
        text = self.text
        start, end = key.start_mark.index, value.end_mark.index
        if end < start:  # an alias: its marks are elsewhere
            return None
        after = re.match(r"[ \t]*,[ \t]*", text[end:])
        if after:
            return start, end + after.end()
        before = re.search(r",[ \t]*$", text[:start])
        if before:
            return before.start(), end
        return start, end


def _has_break(text: str) -> bool:
    return "\n" in text or "\r" in text


def _ends_line(text: str) -> bool:
    return not text or text.endswith(("\n", "\r"))


def _newline(text: str) -> str:
    match = re.search(r"\r\n|\n|\r", text)
    return match.group(0) if match else "\n"


def _line_start(text: str, index: int) -> int:
    return max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1


def _line_end(text: str, index: int) -> int:
    """Index just after the line break that ends the line holding ``index``."""
    match = re.compile(r"\r\n|\n|\r").search(text, index)
    return match.end() if match else len(text)


def _indent(block: str, width: int) -> str:
    """Every non-empty line of ``block`` indented by ``width`` more spaces."""
    pad = " " * width
    return "".join(
        pad + line if line.strip("\r\n") else line
        for line in re.findall(r"[^\r\n]*(?:\r\n|\n|\r|$)", block)
        if line
    )


def _note_unreadable(source: SourceFile, notes: list[Note]) -> None:
    """A file validate reports as broken is skipped; say so if it names the notification API."""
    try:
        data = source.path.read_bytes()
    except OSError:
        return
    if fluxversion.NOTIFICATION_GROUP.encode() in data:
        syntax = source.syntax
        assert syntax is not None
        notes.append(
            Note(source.display, syntax.line, f"not migrated: not valid YAML ({syntax.message})")
        )


# -- files ------------------------------------------------------------------------------------


def rewrite_file(
    path: Path, display: str, flux_version: str
) -> tuple[FileChange | None, list[Note]]:
    """Read one file and rewrite it; a file that cannot be rewritten gets a note."""
    try:
        before = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {display}: {exc.strerror or exc}") from None
    try:
        text = before.decode("utf-8")
        result = rewrite(text, flux_version)
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, [Note(display, 1, f"not rewritten: the YAML could not be read ({reason})")]
    notes = [Note(display, line, message) for line, message in result.notes]
    if result.text == text:
        return None, notes
    return FileChange(path, display, before, result.text.encode("utf-8"), result.changes), notes


def unified_diff(change: FileChange) -> str:
    """A unified diff of one file; line endings are shown as they are in the file.

    A diff ends up in CI logs, so no credential shows, in context lines either: a
    Secret's ``data``/``stringData`` values become ``…``, a ``spec.address`` or
    ``spec.proxy`` URL its scheme and host. Migrate never edits those lines, so the
    diff still says exactly what changes; ``patch`` cannot apply a hunk that hides one.
    """
    before = _masked(change.before.decode("utf-8"))
    after = _masked(change.after.decode("utf-8"))
    out = []
    for line in difflib.unified_diff(before, after, change.display, change.display, lineterm=""):
        if line.startswith(("---", "+++", "@@")):
            out.append(line.rstrip("\r\n") + "\n")
        elif line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(text: str) -> list[str]:
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


#: Where a credential may sit: under these keys of a Secret, or of any object's spec.
_SECRET_MAPS = ("data", "stringData")


def _masked(text: str) -> list[str]:
    """The lines of ``text`` with every credential value replaced by ``…``."""
    try:
        docs = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return _lines(text)
    spans: list[tuple[int, int, str | None]] = []
    for doc in docs:
        if not isinstance(doc, yaml.MappingNode):
            continue
        if _scalar(doc, "kind") == "Secret":
            for key in _SECRET_MAPS:
                found = _entry(doc, key)
                if found is not None and isinstance(found[1], yaml.MappingNode):
                    spans += [_span(value, None) for _, value in found[1].value]
        spec = _entry(doc, "spec")
        if spec is None or not isinstance(spec[1], yaml.MappingNode):
            continue
        for key in sorted(CREDENTIAL_FIELDS):
            found = _entry(spec[1], key)
            if found is None:
                continue
            shown = url_outline(found[1].value) if isinstance(found[1], yaml.ScalarNode) else None
            if shown != found[1].value:  # a URL without path, user or query shows as it is
                spans.append(_span(found[1], shown))
    # From the end backwards, so earlier indices stay valid.
    for start, end, shown in sorted(spans, key=lambda span: span[:2], reverse=True):
        text = text[:start] + (shown or _hidden(text[start:end])) + text[end:]
    return _lines(text)


def _span(node: yaml.Node, shown: str | None) -> tuple[int, int, str | None]:
    return node.start_mark.index, node.end_mark.index, shown


def _hidden(value: str) -> str:
    """``value`` as ``…`` on each of its lines; line breaks and indentation stay."""
    pieces = value.split("\n")
    out = []
    for number, piece in enumerate(pieces):
        body = piece.rstrip("\r")
        indent = body[: len(body) - len(body.lstrip())] if number else ""
        out.append(f"{indent}…{piece[len(body) :]}" if body.strip() else piece)
    return "\n".join(out)


def write_all(changes: Sequence[FileChange]) -> None:
    """Write every change or none: stage new contents and copies of the old ones next to each
    file, check nothing changed since it was read, then rename; on any failure, put back
    what was already renamed and remove every staged file."""
    staged: list[tuple[str, str, str]] = []  # (target, new temp, old temp)
    done: list[tuple[str, str]] = []
    try:
        for change in changes:
            target = os.path.realpath(change.path)
            mode = os.stat(target).st_mode & 0o7777
            new = _stage(target, change.after, mode)
            try:
                old = _stage(target, change.before, mode)
            except BaseException:
                os.unlink(new)
                raise
            staged.append((target, new, old))
        for change, (target, _, _) in zip(changes, staged, strict=True):
            with open(target, "rb") as handle:
                if handle.read() != change.before:
                    raise InputError(
                        f"{change.display} changed while migrate ran: nothing was written",
                        "run migrate again",
                    )
        for target, new, old in staged:
            os.replace(new, target)
            done.append((target, old))
    except BaseException as exc:
        failed: list[str] = []
        for target, old in reversed(done):
            try:
                os.replace(old, target)
            except OSError:
                failed.append(target)
        for _, new, old in staged:
            for temp in (new, old):
                if os.path.exists(temp):
                    os.unlink(temp)
        if failed:
            raise InputError(
                f"writing failed and {', '.join(failed)} could not be restored",
                "their old contents are lost: restore them from version control",
            ) from None
        if isinstance(exc, OSError):
            raise InputError(
                f"cannot write {exc.filename or 'a file'}: {exc.strerror or exc}; nothing was changed"
            ) from None
        raise
    for _, _, old in staged:
        os.unlink(old)


def _stage(target: str, data: bytes, mode: int) -> str:
    folder, name = os.path.split(target)
    handle, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".fluxnotify", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
    except BaseException:
        os.unlink(temp)
        raise
    return temp


class Plan(NamedTuple):
    changes: list[FileChange]
    notes: list[Note]
    #: target Flux release -> why it was chosen (as validate reports it)
    flux_versions: dict[str, str]


def plan(options: Options) -> Plan:
    """What migrate would change in the files ``options`` name, and what it leaves alone.

    The files and each one's target Flux release come from the project model that
    validate uses, so both commands agree on the release.
    """
    if "-" in options.paths:
        raise UsageError("migrate rewrites files: `-` (standard input) is not supported")
    project = open_project(options)
    result = Plan([], [], {})
    seen: set[str] = set()
    for source in project.targets:
        if source.syntax is not None:
            _note_unreadable(source, result.notes)
            continue
        real = os.path.realpath(source.path)
        if real in seen or not any(
            doc.group == fluxversion.NOTIFICATION_GROUP and doc.kind in KINDS
            for doc in source.documents
        ):
            continue
        seen.add(real)
        version, reason = flux_version_for(options, project, source)
        result.flux_versions.setdefault(version, reason)
        change, found = rewrite_file(source.path, source.display, version)
        result.notes.extend(found)
        if change is not None:
            result.changes.append(change)
    if result.changes:
        result.notes.extend(_patch_targets(options, project))
    return result


def _patch_targets(options: Options, project: Project) -> Iterator[Note]:
    """Kustomize patches whose target names an Alert, Provider or Receiver version that migrate
    replaces: once the objects move, such a patch no longer selects them, silently."""
    for source in project.files.values():
        if not source.parsed and any(_patches_kinds(doc) for doc in source.documents):
            # scanned for references only: its patches were kept as kinds, without versions
            source = load(source.path, source.display, full=True)
        for doc in source.documents:
            if doc.kind != "Kustomization":
                continue
            top: tuple[str, ...] = ("spec",) if doc.group == "kustomize.toolkit.fluxcd.io" else ()
            holder = doc.spec if top else doc.data
            for key in ("patches", "patchesJson6902"):
                items = holder.get(key)
                for position, item in enumerate(items if isinstance(items, list) else ()):
                    target = item.get("target") if isinstance(item, dict) else None
                    if not isinstance(target, dict) or target.get("kind") not in KINDS:
                        continue
                    group, version = target.get("group"), target.get("version")
                    if group not in (None, fluxversion.NOTIFICATION_GROUP) or not version:
                        continue
                    kind = target["kind"]
                    flux, _ = flux_version_for(options, project, source)
                    new, _ = target_api_version(
                        f"{fluxversion.NOTIFICATION_GROUP}/{version}", kind, flux
                    )
                    if new is None:
                        continue
                    line, _ = doc.locate((*top, key, position, "target", "version"))
                    yield Note(
                        _shown(source.display),
                        line,
                        f"this patch targets {kind} version {version}; migrated {kind}s are"
                        f" {new.rpartition('/')[2]} and it would no longer apply to them:"
                        " change target.version with them",
                    )


def _patches_kinds(doc: Document) -> bool:
    patches = doc.spec.get("patches") if doc.kind == "Kustomization" else None
    return isinstance(patches, list) and any(
        isinstance(item, dict)
        and isinstance(item.get("target"), dict)
        and item["target"].get("kind") in KINDS
        for item in patches
    )


def _shown(display: str) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    if not os.path.isabs(display):
        return display
    relative = os.path.relpath(display)
    return display if relative.startswith("..") else relative.replace(os.sep, "/")
