"""The cache never changes a result: over every real repository in ../shared/corpus,
after seeded random edits, a warm run, a cold run and a run without the cache agree
file by file.

Each repository is copied, made a git repository and validated once (the warm-up
that fills the file cache and the report memo). Then files are changed the way a
commit changes them: an Alert's severity flipped, a Provider deleted, a file
renamed, an Alert added, a kustomization's resource dropped, a namespace edited, a
comment appended; staged, as in a commit, then left unstaged. The same runs follow
with the cache of the warm-up, with an empty cache and with none, for the whole tree
and for the changed files alone (the pre-commit case, whose other files come from the
cache's project snapshot).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from validate_support import SHARED, git

from fluxnotify import project as project_module
from fluxnotify.discovery import DEFAULT_EXCLUDES, project_listing
from fluxnotify.engine import Options, validate
from fluxnotify.model import Report

CORPUS = SHARED / "corpus"
REPOSITORIES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []
#: Changing it changes every repository's edits; the runs must agree whatever it is.
SEED = 11
#: Modification times: the copy is an hour old, the edits half an hour (so the report
#: memo may trust them: files stamped in the last two seconds never are).
HOUR = 3600 * 10**9


def _stamp(path: Path, ns: int) -> None:
    os.utime(path, ns=(ns, ns))


class Editor:
    """Seeded edits of a repository's YAML files; records the files that now differ."""

    def __init__(self, repo: Path, seed: int) -> None:
        self.repo = repo
        self.rng = random.Random(seed)
        self.touched: set[Path] = set()
        #: new names of renamed files (not in the cache, whatever their stamp)
        self.renamed: set[Path] = set()
        self.done: list[str] = []

    def files(self) -> list[Path]:
        listed = git(self.repo, "ls-files", "-z", "*.yaml", "*.yml").split("\0")
        paths = [self.repo / rel for rel in sorted(filter(None, listed))]
        return [path for path in paths if path.is_file()]  # not deleted since the last add

    def containing(self, pattern: str) -> list[Path]:
        found = []
        for path in self.files():
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if re.search(pattern, text, re.MULTILINE):
                found.append(path)
        return found

    def write(self, path: Path, text: str, what: str) -> None:
        path.write_text(text, encoding="utf-8")
        self.touched.add(path)
        self.done.append(f"{what} {path.relative_to(self.repo)}")

    def sub(self, pattern: str, replace: Any, what: str, fallback: bool = True) -> None:
        """Apply ``replace`` to the first match in a random file holding ``pattern``."""
        candidates = self.containing(pattern) or (self.files() if fallback else [])
        if not candidates:
            return
        path = self.rng.choice(candidates)
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        if re.search(pattern, text, re.MULTILINE):
            text = re.sub(pattern, replace, text, count=1, flags=re.MULTILINE)
        else:
            text += "\n# edited\n"
        self.write(path, text, what)

    def flip_severity(self) -> None:
        self.sub(
            r"^(\s*eventSeverity:\s*)(info|error)\b",
            lambda m: m.group(1) + ("error" if m.group(2) == "info" else "info"),
            "severity flipped in",
        )

    def rename_namespace(self) -> None:
        self.sub(r"^(\s+namespace:\s*)([\w-]+)\s*$", r"\1\2-edited", "namespace edited in")

    def drop_resource(self) -> None:
        candidates = [
            p for p in self.files() if p.name == "kustomization.yaml" and "resources:" in _read(p)
        ]
        if not candidates:
            return
        path = self.rng.choice(candidates)
        lines = _read(path).splitlines(keepends=True)
        start = next(i for i, line in enumerate(lines) if line.startswith("resources:"))
        entries = []
        for i in range(start + 1, len(lines)):
            if not re.match(r"^\s*- ", lines[i]):
                break  # the end of the list
            entries.append(i)
        if entries:
            del lines[self.rng.choice(entries)]
            self.write(path, "".join(lines), "resource dropped from")

    def append_comment(self) -> None:
        path = self.rng.choice(self.files())
        self.write(path, _read(path) + "\n# a comment: same objects, new stamp\n", "comment in")

    def delete_provider(self) -> None:
        candidates = self.containing(r"^kind:\s*Provider\s*$") or self.files()
        path = self.rng.choice(candidates)
        path.unlink()
        self.touched.discard(path)
        self.done.append(f"deleted {path.relative_to(self.repo)}")

    def rename_file(self) -> None:
        path = self.rng.choice(self.files())
        new = path.with_name(f"renamed-{path.name}")
        path.rename(new)
        if path in self.touched:
            self.touched.discard(path)
            self.touched.add(new)
        self.renamed.add(new)
        self.done.append(f"renamed {path.relative_to(self.repo)}")

    def add_alert(self) -> None:
        providers = sorted(
            {
                m.group(1)
                for p in self.containing(r"^kind:\s*Provider\s*$")
                for m in re.finditer(
                    r"^metadata:\n(?:\s+.*\n)*?\s+name:\s*([\w-]+)", _read(p), re.M
                )
            }
        )
        provider = self.rng.choice([*providers, "no-such-provider"])
        folder = self.rng.choice(self.files()).parent
        path = folder / f"added-alert-{len(self.done)}.yaml"
        text = (
            "apiVersion: notification.toolkit.fluxcd.io/v1beta3\n"
            "kind: Alert\n"
            "metadata:\n"
            f"  name: added-{len(self.done)}\n"
            "  namespace: flux-system\n"
            "spec:\n"
            f"  eventSeverity: {self.rng.choice(['info', 'error', 'warn'])}\n"
            "  providerRef:\n"
            f"    name: {provider}\n"
            "  eventSources:\n"
            "    - kind: Kustomization\n"
            "      name: '*'\n"
        )
        self.write(path, text, "added")

    def rename_provider(self) -> None:
        """A Provider's new name: Alerts that name the old one now point nowhere."""
        self.sub(
            r"^(kind:\s*Provider\s*\n(?:.*\n)*?metadata:\s*\n(?:\s+.*\n)*?\s+name:\s*)([\w-]+)",
            r"\1\2-renamed",
            "Provider renamed in",
            fallback=False,
        )

    def change_contents(self, count: int) -> None:
        """Edits that keep every file where it is (the report memo's key stays the same)."""
        edits = [
            self.flip_severity,
            self.rename_namespace,
            self.drop_resource,
            self.append_comment,
            self.rename_provider,
        ]
        for edit in edits:
            edit()
        for _ in range(count):
            self.rng.choice(edits)()

    def change_and_add(self, count: int) -> None:
        self.change_contents(count)
        self.add_alert()

    def move_files(self, count: int) -> None:
        """Files deleted, renamed and added, among other edits."""
        edits = [self.delete_provider, self.rename_file, self.add_alert]
        for edit in edits:
            edit()
        for _ in range(count):
            self.rng.choice([*edits, self.flip_severity, self.rename_provider])()


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="surrogateescape")


def by_file(report: Report) -> dict[str, list[tuple[object, ...]]]:
    grouped: dict[str, list[tuple[object, ...]]] = defaultdict(list)
    for finding in report.findings:
        grouped[finding.path].append(tuple(finding)[1:])
    return dict(grouped)


def assert_same(expected: Report, actual: Report, what: str) -> None:
    """File by file, so that a difference names its file; then everything else."""
    want, got = by_file(expected), by_file(actual)
    for path in sorted(set(want) | set(got)):
        assert got.get(path) == want.get(path), f"{what}: findings of {path} differ"
    assert actual == expected, f"{what}: the reports differ beyond their findings"


class Reads:
    """How many files each run reads (``project._load_all``, in the parent process)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.counts: list[int] = []
        original = project_module._load_all

        def counting(jobs: list[Any], root: Any) -> Any:
            self.counts.append(len(jobs))
            return original(jobs, root)

        monkeypatch.setattr(project_module, "_load_all", counting)

    def of(self, run: Any) -> tuple[Report, int]:
        before = len(self.counts)
        report = run()
        return report, sum(self.counts[before:])


@pytest.mark.needs_shared
@pytest.mark.parametrize("repository", REPOSITORIES)
def test_warm_cold_and_uncached_runs_agree_after_edits(
    repository: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(CORPUS / repository, repo, symlinks=True)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "copy")
    now = (repo / ".git").stat().st_mtime_ns
    for path in repo.rglob("*"):
        if ".git" not in path.parts and path.is_file() and not path.is_symlink():
            _stamp(path, now - HOUR)
    reads = Reads(monkeypatch)
    warm = tmp_path / "warm-cache"

    def run(paths: list[Path], cache: Path | None) -> Report:
        if cache is not None:
            monkeypatch.setenv("FLUXNOTIFY_CACHE_DIR", str(cache))
        options = Options(paths=tuple(str(p) for p in paths), root=repo, cache=cache is not None)
        return validate(options)

    editor = Editor(repo, SEED ^ zlib.crc32(repository.encode()))
    # The warm-up: the whole tree, and a pre-commit run of one file (which caches the rest).
    some = editor.rng.choice(editor.files())
    run([repo], warm)
    run([some], warm)
    #: files the warm cache does not hold as they are: targets (never cached) and changed files
    not_cached = {some}

    for stage, (edit, stamp, staged) in enumerate(
        [
            (editor.change_contents, now - HOUR // 2, True),
            (editor.move_files, now - HOUR // 4, True),
            # edits not staged: git vouches for none of them (nor for a new file)
            (editor.change_and_add, now - HOUR // 8, False),
        ]
    ):
        edit(2)
        for number, path in enumerate(sorted(editor.touched)):
            _stamp(path, stamp + number)  # an edit's own stamp, not within the racy tick
        if staged:
            git(repo, "add", "-A")  # as in a commit
        changed = sorted(editor.touched)
        editor.touched.clear()
        done = "; ".join(editor.done)

        cold = run([repo], tmp_path / f"cold-cache-{stage}")
        uncached = run([repo], None)
        assert_same(uncached, cold, f"cold run after {done}")
        assert_same(uncached, run([repo], warm), f"warm run after {done}")
        remembered, read = reads.of(lambda: run([repo], warm))
        assert read == 0  # nothing changed since: the memo answers
        assert_same(uncached, remembered, f"remembered run after {done}")

        # The pre-commit case: some of the changed files, and Alerts that may name a changed
        # Provider; the other changed files come from the warm cache, if it is right.
        alerts = [p for p in editor.containing(r"^kind:\s*Alert\s*$") if p not in changed]
        targets = sorted(
            {
                *editor.rng.sample(changed, (len(changed) + 1) // 2),
                *editor.rng.sample(alerts, min(2, len(alerts))),
            }
        ) or [editor.rng.choice(editor.files())]
        cold_targets = run(targets, tmp_path / f"cold-cache-targets-{stage}")
        uncached_targets, read_all = reads.of(lambda: run(targets, None))  # noqa: B023
        warm_targets, read_warm = reads.of(lambda: run(targets, warm))  # noqa: B023
        what = f"run of {[str(p.relative_to(repo)) for p in targets]} after {done}"
        assert_same(uncached_targets, cold_targets, f"cold {what}")
        assert_same(uncached_targets, warm_targets, f"warm {what}")
        # The warm run read the targets and, of the rest, only files it had not cached: never
        # all of the project.
        not_cached.update(changed, editor.renamed, targets)
        assert read_warm <= len(not_cached)
        assert read_all == len(project_listing(repo, DEFAULT_EXCLUDES).paths)
