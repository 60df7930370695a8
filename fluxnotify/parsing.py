"""Reading a YAML file into the Kubernetes objects in it, as plain data.

Speed decides the design (../shared/reference/performance.md): a GitOps
repository holds thousands of Deployments and ConfigMaps that no rule reads.
A file is parsed only when a cheap text scan finds a top-level ``kind:`` that
matters (or it is a kustomization.yaml, or it was named explicitly); parsing
uses libyaml through PyYAML; positions are left to positions.py, for the
documents that have findings.
"""

from __future__ import annotations

import codecs
import operator
import os
import re
import stat
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from fluxnotify.discovery import DEFAULT_EXCLUDES, KUSTOMIZATION_FILES, Target, walk
from fluxnotify.errors import InputError
from fluxnotify.model import Document, SourceFile, SyntaxProblem
from fluxnotify.positions import lf_breaks_only, ruamel_loader

#: Kinds whose objects, in files nobody asked about, only need their identity (and for a
#: Flux Kustomization its path): they can be scanned instead of parsed (fluxnotify/scan.py).
SCANNABLE_KINDS: frozenset[str] = frozenset(
    {
        "Kustomization",
        "HelmRelease",
        "GitRepository",
        "HelmRepository",
        "HelmChart",
        "OCIRepository",
        "Bucket",
        "ImageRepository",
        "ImagePolicy",
        "ImageUpdateAutomation",
        "ArtifactGenerator",
        "ExternalArtifact",
    }
)

#: Kinds some rule reads; documents of other kinds are not parsed unless a file is named.
RELEVANT_KINDS: frozenset[str] = SCANNABLE_KINDS | {
    "Alert",
    "Provider",
    "Receiver",
    "Component",
    "FluxInstance",
    "ResourceSet",
    "ResourceSetInputProvider",
    "Secret",
    "ExternalSecret",
    "SealedSecret",
}

#: Texts that mark objects whose spec matters beyond identity (how Flux itself is installed).
#: Names that mark Flux Operator's charts and images (project.py reads them from specs).
FLUX_OPERATOR_HINTS = ("flux-operator", "flux-instance", "controlplaneio-fluxcd")
_PARSE_HINTS = (*FLUX_OPERATOR_HINTS, "fluxcd/flux2")

# Patterns that not every run needs stay strings: re compiles one on first use
# and keeps it, so a small run does not pay for compiling them.
_KIND_LINE_REST = (
    r"kind:[ \t]*[\"']?(" + "|".join(sorted(RELEVANT_KINDS)) + r")[\"']?[ \t]*(?:#.*)?\r?$"
)
#: A top-level ``kind:`` line (ended by LF or CRLF) of a kind some rule reads.
_KIND_LINE = "(?m)^" + _KIND_LINE_REST
#: The same after a line break: a pattern that starts with a literal lets the regex engine
#: jump from one "\nkind:" to the next, where ``^`` is tried at every character (4 times
#: slower over a 12,000-file tree).
_KIND_LINE_AFTER_BREAK = "(?m)\n" + _KIND_LINE_REST
#: A kind some rule reads in a flow mapping (``{apiVersion: ..., kind: Alert, ...}``, or
#: JSON): the value of a ``kind`` key, followed by ``,`` or ``}`` (on its line or the next),
#: which a nested block-style ``kind: Secret`` (a patch target, an RBAC rule) is not. It
#: starts with a literal, so the regex engine jumps from one "kind" to the next.
_FLOW_KIND = (
    r"kind[\"']?[ \t]*:[ \t]*[\"']?(?:"
    + "|".join(sorted(RELEVANT_KINDS))
    + r")[\"']?[ \t]*(?:[,}]|\r?\n[ \t]*\})"
)
_HELM_TEMPLATE = (
    r"\{\{-?\s*(?:\.Values|\.Release|\.Chart|include|template|if|range|with|define|toYaml|\$)"
)
#: A Go template action (Helm, Flux Operator, gomplate...): ``{{ .name }}``, ``{{- end }}``.
_GO_ACTION = r"\{\{.*?\}\}"
MAX_FILE_BYTES = 16 * 1024 * 1024
#: Nodes a document may expand to through aliases before it counts as an alias bomb.
MAX_NODES = 200_000


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
#: Memos keep at most this many entries each (a few MB on a huge repository).
_MEMO_SIZE = 1 << 16
#: The implicit tag of each plain scalar seen so far: the resolver's answer depends on the
#: text alone (the loader has no path resolvers), and libyaml asks it for every scalar.
_IMPLICIT_TAGS: dict[str, str] = {}


class _Loader(yaml.CSafeLoader):
    """libyaml parsing with the quirks Kubernetes tooling accepts, and duplicate-key records."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[int, int, str]] = []

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if not implicit[0]:  # quoted, or tagged with a bare `!`
                return _STR
            assert value is not None
            tag = _IMPLICIT_TAGS.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
                if len(_IMPLICIT_TAGS) < _MEMO_SIZE:
                    _IMPLICIT_TAGS[value] = tag
            return tag
        return _MAP if kind is yaml.MappingNode else _SEQ

    # libyaml's composer calls these two around every node, for path resolvers; this
    # loader has none, so they have nothing to do. Built-in functions that take the same
    # arguments and touch nothing cost less than calling PyYAML's Python methods.
    # (parent node, index) -> an unused bool; () -> an unused ()
    descend_resolver = staticmethod(operator.is_)  # type: ignore[assignment]
    ascend_resolver = staticmethod(tuple)  # type: ignore[assignment]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        original = list(node.value)
        mapping = super().construct_mapping(node, deep)
        if len(mapping) < len(original):  # cheap trigger: some key was given twice
            seen: set[str] = set()
            for key_node, _ in original:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _MERGE:
                    if key_node.value in seen:
                        mark = key_node.start_mark
                        self.duplicate_keys.append((mark.line + 1, mark.column + 1, key_node.value))
                    seen.add(key_node.value)
        return mapping


#: Free-form subtrees that no schema constrains and no rule reads: not worth constructing.
_UNREAD = {"HelmRelease": ("spec", "values")}


def _scalar_child(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node  # type: ignore[no-any-return]
    return None


def _node_kind(node: yaml.Node) -> str | None:
    kind = _scalar_child(node, "kind")
    return kind.value if isinstance(kind, yaml.ScalarNode) else None


def _prune(node: yaml.Node, kind: str) -> None:
    """Replace an unread free-form subtree (HelmRelease values) by an empty mapping."""
    path = _UNREAD.get(kind)
    if path is None:
        return
    parent: yaml.Node | None = node
    for step in path[:-1]:
        parent = _scalar_child(parent, step) if parent is not None else None
    if isinstance(parent, yaml.MappingNode):
        for position, (key_node, value_node) in enumerate(parent.value):
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == path[-1]:
                empty = yaml.MappingNode(
                    "tag:yaml.org,2002:map", [], value_node.start_mark, value_node.end_mark
                )
                parent.value[position] = (key_node, empty)


def _construct_plain_string(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    # `=` (YAML 1.1 "value" tag) and timestamps stay strings, as the API server sees them.
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:value", _construct_plain_string)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_plain_string)

#: Tags whose scalars are their text (see _construct_plain_string for timestamps and `=`).
_STRING_TAGS = frozenset({_STR, "tag:yaml.org,2002:value", "tag:yaml.org,2002:timestamp"})
#: Scalar tags whose value depends on the text alone, and PyYAML's constructor of each.
_SCALAR_CONSTRUCTORS = {
    f"tag:yaml.org,2002:{name}": _Loader.yaml_constructors[f"tag:yaml.org,2002:{name}"]
    for name in ("null", "bool", "int", "float")
}
_SCALAR_CONSTRUCTOR = yaml.constructor.SafeConstructor()
#: (tag, text) -> value, for the scalars of _SCALAR_CONSTRUCTORS (immutable values).
_SCALARS: dict[tuple[str, str], Any] = {}


class _NotPlain(Exception):
    """A node that _plain leaves to PyYAML's constructor."""


def _construct(loader: _Loader, node: yaml.Node, aliases: bool) -> Any:
    """The data of a document. PyYAML's constructor is generic (generators, a state per
    node, merge keys, aliases): for the plain YAML nearly every manifest is, building the
    values directly is several times cheaper, with the same result. ``aliases``: the
    text may hold some."""
    try:
        return _plain(node, set() if aliases else None)
    except (_NotPlain, RecursionError):
        # a tag, key or value not handled here, a duplicate key, an alias of a
        # collection, or deep nesting
        return loader.construct_document(node)


def _plain(node: yaml.Node, collections: set[yaml.Node] | None) -> Any:
    """What SafeConstructor builds from ``node`` (with this module's string tags), for
    mappings, sequences and str, int, float, bool and null scalars with their standard
    tags and no duplicate or merge keys; raises _NotPlain for anything else.

    ``collections``: the collection nodes met so far when the text may hold aliases. An
    alias of a scalar builds an equal value again; one of a collection is shared in
    PyYAML's result (and can be an alias bomb): left to PyYAML.
    """
    kind = type(node)
    if collections is not None and kind is not yaml.ScalarNode:
        if node in collections:
            raise _NotPlain
        collections.add(node)
    if kind is yaml.ScalarNode:
        tag = node.tag
        return node.value if tag in _STRING_TAGS else _scalar(tag, node)
    if kind is yaml.MappingNode and node.tag == _MAP:
        data = {}
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode:
                raise _NotPlain
            tag = key_node.tag
            key = key_node.value if tag in _STRING_TAGS else _scalar(tag, key_node)
            data[key] = _plain(value_node, collections)
        if len(data) < len(node.value):
            raise _NotPlain  # a duplicate key: the constructor records where
        return data
    if kind is yaml.SequenceNode and node.tag == _SEQ:
        return [_plain(item, collections) for item in node.value]
    raise _NotPlain


def _scalar(tag: str, node: yaml.Node) -> Any:
    memo = (tag, node.value)
    try:
        return _SCALARS[memo]
    except KeyError:
        pass
    construct = _SCALAR_CONSTRUCTORS.get(tag)
    if construct is None:  # the merge key `<<`, !!binary, a custom tag...
        raise _NotPlain
    try:
        value = construct(_SCALAR_CONSTRUCTOR, node)
    except Exception as exc:  # `!!int x`: PyYAML's constructor fails the same way
        raise _NotPlain from exc
    if len(_SCALARS) < _MEMO_SIZE:
        _SCALARS[memo] = value
    return value


def _syntax_problem(exc: Exception, text: str) -> SyntaxProblem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"{context}: {problem}" if context else str(problem)
    if mark is not None:
        line, column = mark.line + 1, mark.column + 1
    else:
        line, column = _reader_position(exc, text)
    hint = None
    lines = text.splitlines()
    if 0 < line <= len(lines) and "\t" in lines[line - 1][: column + 1]:
        hint = "YAML does not allow tabs for indentation: indent with spaces"
    elif "maximum nesting depth" in message:
        hint = "the document nests deeper than libyaml's limit of 1000 levels"
    return SyntaxProblem(line, column, message, hint)


#: A line break as YAML counts them
_BREAK = re.compile(r"\r\n|\r|\n")


def _reader_position(exc: Exception, text: str) -> tuple[int, int]:
    """1-based line and column, in characters, of a reader error (a control character):
    it has no mark, only an offset into the text, in bytes of its UTF-8 encoding when
    libyaml read it (which gives "?" as the encoding), in characters when a Python
    reader did."""
    position = getattr(exc, "position", None)
    if not isinstance(position, int):
        return (1, 1)
    if getattr(exc, "encoding", None) == "?":
        before = text.encode("utf-8")[:position].decode("utf-8", "ignore")
    else:
        before = text[:position]
    breaks = list(_BREAK.finditer(before))
    start = breaks[-1].end() if breaks else 0
    return (len(breaks) + 1, len(before) - start + 1)


def _not_utf8(data: bytes, exc: UnicodeDecodeError) -> SyntaxProblem:
    """Where the first byte that is not UTF-8 is, as an editor shows it: the line (lines
    end at LF, CR or CRLF, as YAML's do), and the column in characters (the bytes before
    it are valid UTF-8), not counting a byte order mark, which the "utf-8-sig" codec
    leaves out of ``exc.start``."""
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    before = body[: exc.start]
    start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
    line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
    column = len(before[start:].decode("utf-8")) + 1
    return SyntaxProblem(
        line, column, f"not UTF-8 text (byte 0x{body[exc.start]:02x})", "save it as UTF-8"
    )


def _too_big(value: Any, budget: list[int]) -> bool:
    """True when walking ``value`` (aliases expanded) visits more than the budget."""
    budget[0] -= 1
    if budget[0] < 0:
        return True
    if isinstance(value, dict):
        return any(_too_big(v, budget) for v in value.values())
    if isinstance(value, list):
        return any(_too_big(v, budget) for v in value)
    return False


def _dates_to_strings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _dates_to_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_to_strings(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def is_relevant(text: str, name: str) -> bool:
    """Cheap test: might this file (named ``name``) hold an object some rule reads?"""
    return name in KUSTOMIZATION_FILES or _names_relevant_kind(text)


def _names_relevant_kind(text: str) -> bool:
    """A top-level ``kind:`` line of a kind some rule reads, or such a kind in a flow
    mapping (most files have no ``{``: a substring test skips the second pattern)."""
    return (
        re.match(_KIND_LINE, text) is not None  # on the first line
        or re.search(_KIND_LINE_AFTER_BREAK, text) is not None
        or ("{" in text and re.search(_FLOW_KIND, text) is not None)
    )


def _in_templates(location: str) -> bool:
    """In a folder named ``templates`` (Helm's), at any depth."""
    return "templates" in location.replace(os.sep, "/").split("/")


def is_helm_template(text: str, location: str) -> bool:
    """Cheap test: might this file be a Helm template (``{{ ... }}`` markup)?"""
    return "{{" in text and (re.search(_HELM_TEMPLATE, text) is not None or _in_templates(location))


def _template_not_yaml(source: SourceFile) -> bool:
    """A Helm template is not a manifest until rendered; YAML that merely holds ``{{ }}``
    strings (HelmRelease values, ExternalSecret templates) is, and is checked."""
    if _in_templates(source.location) or source.syntax is not None:
        return True
    return any(
        isinstance(value, str) and "{{" in value
        for doc in source.documents
        for value in (doc.api_version, doc.kind, doc.name, doc.namespace)
    )


def _go_template_breaks_yaml(source: SourceFile, text: str) -> int | None:
    """The line of the template action where YAML parsing failed (on it or the line
    before), if that is why; a YAML mistake elsewhere in a templated file stays an error."""
    if source.syntax is None or "{{" not in text:
        return None
    lines = text.splitlines()
    for line in (source.syntax.line, source.syntax.line - 1):
        if 0 < line <= len(lines) and re.search(_GO_ACTION, lines[line - 1]):
            return line
    return None


def load(
    path: str | Path,
    display: str,
    *,
    full: bool,
    data: bytes | None = None,
    scan_ok: bool = False,
) -> SourceFile:
    """Read and parse one file; never raises for bad content (it becomes ``syntax``).

    ``scan_ok``: the file is only read for references, so objects whose identity is
    all that matters may be scanned rather than parsed. ``path`` may stay a string: a
    cold run loads 12,000 files, and a Path of each costs more than reading most.
    """
    source = SourceFile(path=path, display=display)
    location = source.location
    if data is None:
        data = _read_regular(source, full)
        if data is None:
            return source
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        source.syntax = _not_utf8(data, exc)
        return source
    text = lf_breaks_only(text)
    source.text = text
    if not full and not is_relevant(text, os.path.basename(location)):
        if not scan_ok and not ("{{" in text and _in_templates(location)):
            # not parsed, but its documents count as if it were (a Helm chart's template
            # counts none): the summary is the same whether a file is named or walked
            source.document_count = count_documents(text)
        return source
    if len(data) > MAX_FILE_BYTES:
        source.syntax = SyntaxProblem(
            1, 1, f"file too large to check ({len(data) / 1e6:.1f} MB; the limit is 16 MB)"
        )
        return source
    if scan_ok and not full and _scanned(source, text):
        return source
    partial: tuple[int, int] | None = None
    if "{{" in text and not _in_templates(location):
        text, partial = _without_template_documents(text)
        if partial is not None:
            source.text = text  # positions must see the same documents
    source.parsed = True
    _parse(source, text, full)
    template = _go_template_breaks_yaml(source, text)
    if is_helm_template(text, location) and _template_not_yaml(source):
        source.note = "Helm template: skipped, it is not YAML until rendered"
    elif template is not None:
        source.note = (
            f"Go template syntax (`{{{{ }}}}` on line {template}) makes it unparseable as YAML:"
            " skipped, it is not a manifest until rendered"
        )
    if source.note is not None:
        source.parsed = False
        source.syntax = None
        source.documents.clear()
        source.duplicate_keys = []
        source.document_count = 0
    elif partial is not None:
        skipped, total = partial
        source.note = (
            f"Helm template markup in {skipped} of its {total} documents: skipped, not YAML"
            " until rendered; the other documents are checked"
        )
    return source


_DOCUMENT_START = re.compile(r"---(?:[ \t]|\r?\n|$)")
#: A document marker (``---`` or ``...``, alone or before a blank) on the first line
_FIRST_MARKER = re.compile(r"(---|\.\.\.)(?=[ \t\r\n]|\Z)")
#: The same after a line break, one pattern per marker and break: led by a literal, the
#: regex engine jumps from one to the next (a character class first is 3 times slower)
_MARKERS = tuple(
    (marker, brk, re.compile(re.escape(brk + marker) + r"(?=[ \t\r\n]|\Z)"))
    for marker in ("---", "...")
    for brk in ("\n", "\r")
)
#: A line with content: not blank, not a comment, not a directive (``%YAML``)
_CONTENT = re.compile(r"(?:(?m:^)|(?<=\r))(?:[ \t]+[^ \t\r\n#]|[^ \t\r\n#%])")


def count_documents(text: str) -> int:
    """How many documents a YAML parser finds in ``text``, from its lines alone: one per
    ``---``, and one where content starts at the top or after a ``...`` (a bare
    document). Exact for valid YAML: a marker cannot appear inside a scalar."""
    first = _FIRST_MARKER.match(text)
    markers = [(0, first.end(), first.group(1))] if first is not None else []
    for marker, brk, pattern in _MARKERS:
        if marker in text and brk in text:
            markers.extend((m.start() + 1, m.end(), marker) for m in pattern.finditer(text))
    markers.sort()
    count = 0
    bare: int | None = 0  # where a bare document may start
    for start, end, marker in markers:
        if bare is not None and _CONTENT.search(text, bare, start):
            count += 1
        if marker == "---":
            count += 1
            bare = None
        else:
            bare = end
    if bare is not None and _CONTENT.search(text, bare):
        count += 1
    return count


def _without_template_documents(text: str) -> tuple[str, tuple[int, int] | None]:
    """The text with each document that is a Helm template blanked (its lines kept empty,
    so every line number stays), and (blanked, documents); None when no document or
    every document is one: the whole file is then judged as before.

    A single ``{{ .Values.x }}`` document made the whole file "a Helm template: skipped",
    hiding a broken Alert next to it.
    """
    lines = text.splitlines(keepends=True)
    documents: list[list[int]] = [[]]
    for number, line in enumerate(lines):
        if _DOCUMENT_START.match(line):
            documents.append([])
        else:
            documents[-1].append(number)
    total = blanked = 0
    for numbers in documents:
        chunk = "".join(lines[n] for n in numbers)
        if not any(ln.strip() and not ln.lstrip().startswith("#") for ln in chunk.splitlines()):
            continue
        total += 1
        if _is_template_document(chunk):
            blanked += 1
            for n in numbers:
                lines[n] = "\n" if lines[n].endswith("\n") else ""
    if blanked == 0 or blanked == total:
        return text, None
    return "".join(lines), (blanked, total)


def _is_template_document(chunk: str) -> bool:
    """Helm markup that breaks the YAML, or that stands in the object's identity."""
    if "{{" not in chunk or re.search(_HELM_TEMPLATE, chunk) is None:
        return False
    try:
        value = yaml.load(chunk, Loader=_Loader)
    except (yaml.YAMLError, RecursionError, ValueError):
        return True
    if not isinstance(value, dict):
        return False
    metadata = value.get("metadata")
    names = (metadata.get("name"), metadata.get("namespace")) if isinstance(metadata, dict) else ()
    return any(
        isinstance(v, str) and "{{" in v
        for v in (value.get("apiVersion"), value.get("kind"), *names)
    )


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)


def _read_regular(source: SourceFile, full: bool) -> bytes | None:
    """The bytes of a regular file; None, with a note, an unreadable reason or a
    too-large problem on ``source``, for anything else.

    Opened without blocking (a FIFO would wait forever for a writer), then checked with
    ``fstat`` on what was opened, so that nothing can swap the file in between; the size
    limit is checked before reading, so a huge file is never read whole.
    """
    path = source.location
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        if os.path.islink(path):
            source.note = f"a symbolic link to nothing ({os.readlink(path)}): skipped"
        else:
            source.note = "listed, but no longer there: skipped"
        return None
    except OSError as exc:
        try:
            mode = os.stat(path).st_mode
        except OSError:
            mode = stat.S_IFREG
        if stat.S_ISREG(mode) or stat.S_ISDIR(mode):  # a folder: one the walk met unlisted
            source.unreadable = exc.strerror or type(exc).__name__
        else:  # a socket cannot be opened at all
            source.note = f"not a regular file ({_not_regular(mode)}): skipped"
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            source.note = f"not a regular file ({_not_regular(info.st_mode)}): skipped"
            return None
        if info.st_size > MAX_FILE_BYTES:
            with open(fd, "rb", closefd=False) as handle:
                if full or _mentions_relevant_kind(handle, os.path.basename(path)):
                    source.syntax = SyntaxProblem(
                        1,
                        1,
                        f"file too large to check ({info.st_size / 1e6:.1f} MB; the limit is"
                        " 16 MB)",
                    )
            return None
        try:
            return _read_to_end(fd, info.st_size)
        except OSError as exc:  # EISDIR, EIO: unreadable after all
            source.unreadable = exc.strerror or type(exc).__name__
            return None
    finally:
        os.close(fd)


def _read_to_end(fd: int, size: int) -> bytes:
    """Everything left to read from ``fd``, ``size`` bytes expected: plain ``os.read``
    calls cost less than a buffered file object made for one read."""
    data = os.read(fd, size + 1)
    while more := os.read(fd, 1 << 16):  # the file grew since fstat
        data += more
    return data


def _not_regular(mode: int) -> str:
    return next((name for test, name in _NOT_REGULAR if test(mode)), "a special file")


def _mentions_relevant_kind(handle: BinaryIO, name: str) -> bool:
    """Whether a file too large to read whole holds a kind some rule reads, read in
    pieces (each with the end of the line before it)."""
    if name in KUSTOMIZATION_FILES:
        return True
    carry = handle.read(len(codecs.BOM_UTF8))
    if carry == codecs.BOM_UTF8:  # not text before a `kind:` on the first line
        carry = b""
    while piece := handle.read(1 << 20):
        chunk = carry + piece
        cut = chunk.rfind(b"\n") + 1
        if _names_relevant_kind(chunk[:cut].decode("utf-8", "replace")):
            return True
        carry = chunk[cut:][-4096:]
    return bool(carry) and _names_relevant_kind(carry.decode("utf-8", "replace"))


def _scanned(source: SourceFile, text: str) -> bool:
    """Fill ``source`` from the line scanner when every relevant object in it is scannable."""
    if _kustomization(source) or any(h in text for h in _PARSE_HINTS):
        return False
    if not set(re.findall(_KIND_LINE, text)) <= SCANNABLE_KINDS:
        return False
    from fluxnotify.scan import scan  # only for files outside the targets

    documents = scan(text)
    if documents is None:
        return False
    source.document_count = len(documents)
    for index, value in enumerate(documents):
        if value is None:
            continue
        api_version, kind = value.get("apiVersion"), value.get("kind")
        if isinstance(api_version, str) and isinstance(kind, str) and kind in SCANNABLE_KINDS:
            source.documents.append(Document(source, index, value, api_version, kind))
    return True


def _kustomization(source: SourceFile) -> bool:
    return os.path.basename(source.location) in KUSTOMIZATION_FILES


def _parse(source: SourceFile, text: str, full: bool) -> None:
    loader = _Loader(text)
    kustomization = _kustomization(source)
    keep_all = full or kustomization
    check_size = "&" in text and "*" in text  # aliases possible
    try:
        loaded: list[Any] = []
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                break
            kind = _node_kind(node)
            if not keep_all and kind not in RELEVANT_KINDS:
                loaded.append(None)  # not read by any rule: parsed for syntax, not constructed
                continue
            if kind is not None:
                _prune(node, kind)
            loaded.append(_construct(loader, node, check_size))
        source.duplicate_keys = loader.duplicate_keys
    except yaml.composer.ComposerError as exc:
        if "duplicate anchor" not in str(exc):
            _unparsable(source, exc, text)
            return
        loaded = _load_with_ruamel(source, text)
    except yaml.YAMLError as exc:
        _unparsable(source, exc, text)
        return
    finally:
        loader.dispose()
    source.document_count = len(loaded) if source.syntax is None else count_documents(text)
    for index, value in enumerate(loaded):
        if not isinstance(value, dict):
            continue
        if kustomization:
            # kustomize's own defaults: apiVersion and kind may be left out
            value.setdefault("apiVersion", "kustomize.config.k8s.io/v1beta1")
            value.setdefault("kind", "Kustomization")
        api_version, kind = value.get("apiVersion"), value.get("kind")
        if not isinstance(api_version, str) or not isinstance(kind, str):
            continue
        if check_size and _too_big(value, [MAX_NODES]):
            line, column = source.locate(index, ())
            source.syntax = SyntaxProblem(
                line,
                column,
                f"document expands to more than {MAX_NODES:,} nodes through aliases",
                "a YAML alias bomb? Kubernetes refuses such documents",
            )
            source.documents.clear()
            return
        source.documents.append(Document(source, index, value, api_version, kind))


def _unparsable(source: SourceFile, exc: Exception, text: str) -> None:
    """The problem, and the documents counted from the lines, as for a file not parsed
    (a folder walk's file that holds no kind some rule reads): the same either way."""
    source.syntax = _syntax_problem(exc, text)
    source.document_count = count_documents(text)


def _load_with_ruamel(source: SourceFile, text: str) -> list[Any]:
    """YAML 1.2 allows an anchor to be redefined; libyaml does not. Rare, so pure Python is fine."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return [_dates_to_strings(d) for d in ruamel_loader().load_all(text)]
        except Exception as exc:
            source.syntax = _syntax_problem(exc, text)
            return []


def load_target(target: Target) -> SourceFile:
    if target.display == "-" and str(target.path) == "-":
        return load(Path("-"), "-", full=True, data=sys.stdin.buffer.read())
    return load(Path(target.path), target.display, full=target.explicit)


def iter_objects(root: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every Kubernetes object of the relevant kinds under ``root``, as plain data."""
    for target in walk(root, DEFAULT_EXCLUDES, ""):
        try:
            source = load(Path(target.path), target.display, full=False)
        except InputError:
            continue
        for document in source.documents:
            yield Path(target.path), document.data
