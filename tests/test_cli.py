"""The command line: exit codes decided in one place, and no traceback for any input.

Each case runs in-process (``fluxnotify.__main__.main``); the hostile inputs also
run through the installed console script in a subprocess.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from validate_support import ALERT, CONSOLE_SCRIPT, REPO, Result, clean_env, cli, console, write

from fluxnotify import __version__
from fluxnotify.cli import COMMANDS, build_app
from fluxnotify.rules import RULES

CLEAN = ALERT  # valid on its own for the part-1 rules
WARNING_ONLY = ALERT.replace("  eventSeverity: error\n", "  eventSeverity: error\n  summary: s\n")
ERROR = ALERT.replace("eventSeverity: error", "eventSeverity: warn")
PART_ONE = ("--disable", "provider-ref") if "provider-ref" in RULES else ()


def _run(tmp_path: Path, text: str, *args: str) -> Result:
    write(tmp_path, "alert.yaml", text)
    return cli("validate", *PART_ONE, *args, "alert.yaml", cwd=tmp_path)


def test_version() -> None:
    assert cli("--version", cwd=REPO).stdout == f"fluxnotify {__version__}\n"
    result = console("--version", cwd=REPO)
    assert (result.code, result.stdout) == (0, f"fluxnotify {__version__}\n")


def test_python_dash_m(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "fluxnotify", "--version"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert (proc.returncode, proc.stdout) == (0, f"fluxnotify {__version__}\n")


def test_only_the_named_command_is_built() -> None:
    """A pre-commit run of ``validate`` neither imports nor builds the other commands."""
    names = [info.name for info in build_app(["validate", "x.yaml"]).registered_commands]
    assert names == ["validate"]
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from fluxnotify.cli import run; run(['rules']);"
            "print(sorted(m for m in sys.modules if m.startswith('fluxnotify.commands.')))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.splitlines()[-1] == "['fluxnotify.commands.rules']"


def test_a_clean_small_run_imports_only_what_it_uses(tmp_path: Path) -> None:
    """Start-up is what a pre-commit hook pays on every commit (docs/benchmark.md, (c2)):
    explaining schema failures, parallel loading, the line scanner, suppressions,
    colour and the round-trip parser are imported only when a run needs them."""
    write(tmp_path, "alert.yaml", CLEAN)
    lazy = (
        "dataclasses",
        "jsonschema",
        "multiprocessing",
        "rich",
        "ruamel.yaml",
        "fluxnotify.directives",
        "fluxnotify.scan",
        "fluxnotify.reporters.json_format",
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from fluxnotify.cli import run;"
            f"code = run(['validate', *{list(PART_ONE)!r}, 'alert.yaml']);"
            f"print(code, sorted(m for m in {lazy!r} if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert proc.stdout.splitlines()[-1] == "0 []"


@pytest.mark.parametrize("args", [[], ["--help"], ["-h"], ["validat", "x.yaml"]])
def test_help_and_typos_see_every_command(args: list[str]) -> None:
    names = [info.name for info in build_app(args).registered_commands]
    assert names == list(COMMANDS)


def test_a_mistyped_command_gets_a_suggestion(tmp_path: Path) -> None:
    result = cli("validat", "x.yaml", cwd=tmp_path)
    assert result.code == 2
    assert "Did you mean 'validate'?" in result.stderr


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = cli("--help", cwd=tmp_path)
    assert result.code == 0
    words = [line.split()[:2] for line in result.stdout.splitlines()]
    listed = [pair[1] for pair in words if len(pair) == 2 and pair[1] in COMMANDS]
    assert listed == list(COMMANDS)


def test_exit_0_when_clean(tmp_path: Path) -> None:
    result = _run(tmp_path, CLEAN)
    assert result.code == 0, result.stdout


def test_exit_1_on_errors(tmp_path: Path) -> None:
    assert _run(tmp_path, ERROR).code == 1


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    assert _run(tmp_path, WARNING_ONLY).code == 0
    assert _run(tmp_path, WARNING_ONLY, "--strict").code == 1


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("validate", "--disable", "no-such-rule", "alert.yaml"), "unknown rule `no-such-rule`"),
        (("validate", "--flux-version", "2.10", "alert.yaml"), "unsupported Flux version"),
        (("validate", "--flux-version", "latest", "alert.yaml"), "unsupported Flux version"),
        (("validate", "missing.yaml"), "no such file or directory: missing.yaml"),
        (("validate", "--format", "xml", "alert.yaml"), "validate: invalid value for '--format'"),
        (("validate", "--no-such-option"), "validate: no such option: --no-such-option"),
        (("validate", "--root", "nowhere", "alert.yaml"), "is not a directory"),
        (("rules", "no-such-rule"), "unknown rule `no-such-rule`"),
        (("no-such-command",), "no such command 'no-such-command'"),
    ],
)
def test_exit_2_on_usage_errors(args: tuple[str, ...], says: str, tmp_path: Path) -> None:
    write(tmp_path, "alert.yaml", CLEAN)
    result = cli(*args, cwd=tmp_path)
    assert result.code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("fluxnotify: error: ")
    assert says in lines[0]
    assert len(lines) <= 2
    assert all(line.startswith("  hint: ") for line in lines[1:])


EMPTY_VERSION = [
    "fluxnotify: error: --flux-version: the Flux version is empty",
    "  hint: use one of 2.0, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6, 2.7, 2.8, 2.9",
]


@pytest.mark.parametrize(
    "command",
    [
        ("validate", "alert.yaml"),
        ("migrate", "alert.yaml"),
        ("init", "--type", "slack", "--channel", "alerts", "--stdout"),
        ("test-send", "--type", "generic", "--address", "https://example.com/h", "--dry-run"),
    ],
    ids=lambda command: command[0],
)
@pytest.mark.parametrize("form", [("--flux-version", ""), ("--flux-version=",)], ids=["sep", "eq"])
def test_an_empty_flux_version_is_a_usage_error(
    command: tuple[str, ...], form: tuple[str, ...], tmp_path: Path
) -> None:
    """``--flux-version "$FLUX"`` with FLUX unset once ran as if no version was given."""
    write(tmp_path, "alert.yaml", CLEAN)
    args = (command[0], *form, *command[1:])
    result = cli(*args, cwd=tmp_path)
    assert (result.code, result.stdout, result.stderr.splitlines()) == (2, "", EMPTY_VERSION)
    script = console(*args, cwd=tmp_path)
    assert (script.code, script.stdout, script.stderr.splitlines()) == (2, "", EMPTY_VERSION)


EMPTY_ROOT = [
    "fluxnotify: error: --root: the folder is empty",
    "  hint: give the project folder (--root . for the current one), or leave --root out"
    " for the git top level",
]


@pytest.mark.parametrize(
    "command",
    [
        ("validate", "alert.yaml"),
        ("route", "--all"),
        ("migrate", "alert.yaml"),
        ("test-send", "--type", "generic", "--address", "https://example.com/h", "--dry-run"),
    ],
    ids=lambda command: command[0],
)
@pytest.mark.parametrize("form", [("--root", ""), ("--root=",)], ids=["sep", "eq"])
def test_an_empty_root_is_a_usage_error(
    command: tuple[str, ...], form: tuple[str, ...], tmp_path: Path
) -> None:
    """``--root "$REPO"`` with REPO unset ran with the current folder as the root."""
    write(tmp_path, "alert.yaml", CLEAN)
    args = (command[0], *form, *command[1:])
    result = cli(*args, cwd=tmp_path)
    assert (result.code, result.stdout, result.stderr.splitlines()) == (2, "", EMPTY_ROOT)
    script = console(*args, cwd=tmp_path)
    assert (script.code, script.stdout, script.stderr.splitlines()) == (2, "", EMPTY_ROOT)
    # the current folder, when meant, is spelled out
    assert cli(command[0], "--root", ".", *command[1:], cwd=tmp_path).code in (0, 1)


@pytest.mark.parametrize("command", ["validate", "migrate"])
@pytest.mark.parametrize("pattern", ["", "/", "//"])
def test_an_exclude_pattern_that_matches_nothing_is_a_usage_error(
    command: str, pattern: str, tmp_path: Path
) -> None:
    """``--exclude "$DIR"`` with DIR unset excluded nothing without a word."""
    write(tmp_path, "alert.yaml", CLEAN)
    result = cli(command, "--exclude", pattern, "alert.yaml", cwd=tmp_path)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        f"fluxnotify: error: --exclude: {pattern!r} matches nothing",
        "  hint: give a file or folder name or a glob (--exclude charts, --exclude '*.tpl.yaml')",
    ]
    script = console(command, f"--exclude={pattern}", "alert.yaml", cwd=tmp_path)
    assert (script.code, script.stdout, script.stderr) == (2, "", result.stderr)
    assert cli(command, "--exclude", "charts", "alert.yaml", cwd=tmp_path).code in (0, 1)


EMPTY_PATH = [
    "fluxnotify: error: a PATH argument is empty",
    "  hint: name a file or folder (. for the current one), or leave the empty one out",
]


@pytest.mark.parametrize(
    "command",
    [
        ("validate",),
        ("route", "--all"),
        ("route", "--kind", "Kustomization", "--name", "a"),
        ("migrate",),
    ],
    ids=lambda command: " ".join(command[:2]),
)
@pytest.mark.parametrize("paths", [("",), ("alert.yaml", "")], ids=["alone", "second"])
def test_an_empty_path_is_a_usage_error(
    command: tuple[str, ...], paths: tuple[str, ...], tmp_path: Path
) -> None:
    """``validate "$FILE"`` with FILE unset checked the current folder with every path shown
    from ``/`` (``/alert.yaml``); next to a named file, that file was checked twice."""
    write(tmp_path, "alert.yaml", CLEAN)
    result = cli(*command, *paths, cwd=tmp_path)
    assert (result.code, result.stdout, result.stderr.splitlines()) == (2, "", EMPTY_PATH)
    script = console(*command, *paths, cwd=tmp_path)
    assert (script.code, script.stdout, script.stderr.splitlines()) == (2, "", EMPTY_PATH)


def test_exit_2_on_bad_config_file(tmp_path: Path) -> None:
    write(tmp_path, ".fluxnotify.yaml", "flux-version: '2.8'\nignore: [x]\n")
    result = _run(tmp_path, CLEAN)
    assert result.code == 2
    assert "'ignore' was unexpected" in result.stderr


def test_directory_without_yaml(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "README.md").write_text("# hi\n")
    result = cli("validate", "docs", cwd=tmp_path)
    assert result.code == 2
    assert result.stderr.splitlines()[0] == "fluxnotify: error: no YAML files in docs"


def test_internal_errors_exit_3_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fluxnotify.engine

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(fluxnotify.engine, "validate", broken)
    monkeypatch.delenv("FLUXNOTIFY_DEBUG", raising=False)
    result = _run(tmp_path, CLEAN)
    assert result.code == 3
    assert "fluxnotify: internal error: RuntimeError: boom" in result.stderr
    assert "Traceback" not in result.stderr


def test_standard_input(tmp_path: Path) -> None:
    proc = subprocess.run(
        [str(CONSOLE_SCRIPT), "validate", "-f", "parsable", "-"],
        input=ERROR.lstrip(),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(),
        check=False,
    )
    assert proc.returncode == 1
    assert "-:9:18: error [schema]" in proc.stdout


def test_rules_lists_every_rule(tmp_path: Path) -> None:
    result = cli("rules", cwd=tmp_path)
    assert result.code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == list(RULES)
    for line, rule in zip(result.stdout.splitlines(), RULES.values(), strict=True):
        assert rule.SEVERITY.value in line.split()[1]


def test_rules_id_prints_the_page(tmp_path: Path) -> None:
    for rule_id in RULES:
        page = REPO / "docs" / "rules" / f"{rule_id}.md"
        if not page.is_file():
            continue  # test_docs.py reports missing pages
        result = cli("rules", rule_id, cwd=tmp_path)
        assert result.code == 0
        assert result.stdout == page.read_text(encoding="utf-8")
    script = console("rules", "schema", cwd=tmp_path)
    assert script.stdout.startswith("# schema\n")


# Inputs that must never produce a traceback: (file name, content maker, expected exit code).
def _alias_bomb() -> bytes:
    lines = ["apiVersion: notification.toolkit.fluxcd.io/v1beta3", "kind: Alert", "metadata:"]
    lines += ["  name: lol", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    return ("\n".join(lines) + "\n").encode()


def _fifty_megabytes() -> bytes:
    row = b"  key-%07d: " + b"x" * 90 + b"\n"
    head = b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: big\nstringData:\n"
    return head + b"".join(row % i for i in range(50 * 1024 * 1024 // len(row) + 1))


HOSTILE: list[tuple[str, Callable[[], bytes], int]] = [
    ("empty", lambda: b"", 0),
    ("binary", lambda: bytes(range(256)) * 8, 1),
    ("latin1", lambda: b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: caf\xe9\n", 1),
    ("utf16", lambda: "apiVersion: v1\nkind: Secret\n".encode("utf-16"), 1),
    ("alias-bomb", _alias_bomb, 1),
    ("deep-flow", lambda: b"apiVersion: v1\nkind: Secret\nx: " + b"[" * 10_000 + b"]" * 10_000, 1),
    (
        "deep-block",
        lambda: (
            b"apiVersion: v1\nkind: Secret\nx:\n"
            + b"".join(b" " * i + b"k:\n" for i in range(1, 10_001))
        ),
        1,
    ),
    # documents that are scalars or lists are not Kubernetes objects: skipped, exit 0
    ("scalars-and-lists", lambda: b"--- 1\n--- text\n--- [1, 2]\n--- ~\n---\n- a\n- b\n", 0),
    ("duplicate-keys", lambda: b"apiVersion: v1\nkind: Secret\nkind: Secret\n", 1),
    ("tabs", lambda: b"apiVersion: v1\nkind: Secret\nmetadata:\n\tname: a\n", 1),
    ("unclosed", lambda: b"kind: Alert\nspec: {a: [1, 2\n", 1),
    ("kind-not-string", lambda: b"apiVersion: 1\nkind: [Alert]\n", 0),
    ("null-bytes", lambda: b"kind: Alert\x00\n", 1),
    ("fifty-megabytes", _fifty_megabytes, 1),
]


@pytest.mark.parametrize(("name", "make", "code"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_input_in_process(
    name: str, make: Callable[[], bytes], code: int, tmp_path: Path
) -> None:
    (tmp_path / f"{name}.yaml").write_bytes(make())
    result = cli("validate", "-f", "parsable", f"{name}.yaml", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    assert result.code == code, (result.stdout, result.stderr)
    if code == 1:
        assert f"{name}.yaml:" in result.stdout
        assert "[yaml-syntax]" in result.stdout


def test_hostile_inputs_through_the_console_script(tmp_path: Path) -> None:
    expected = {}
    for name, make, code in HOSTILE:
        folder = tmp_path / name
        folder.mkdir()
        (folder / f"{name}.yaml").write_bytes(make())
        expected[name] = code
    with ThreadPoolExecutor(max_workers=4) as pool:  # subprocesses: wall time, not CPU
        results = dict(
            zip(
                expected,
                pool.map(lambda n: console("validate", f"{n}/{n}.yaml", cwd=tmp_path), expected),
                strict=True,
            )
        )
    for name, code in expected.items():
        result = results[name]
        assert "Traceback" not in result.stderr, (name, result.stderr)
        assert "internal error" not in result.stderr, (name, result.stderr)
        assert result.code == code, (name, result.stdout, result.stderr)
    missing = console("validate", "nope.yaml", cwd=tmp_path)
    assert (missing.code, "Traceback" in missing.stderr) == (2, False)
    assert missing.stderr == "fluxnotify: error: no such file or directory: nope.yaml\n"
    (tmp_path / "no-yaml").mkdir()
    empty_dir = console("validate", "no-yaml", cwd=tmp_path)
    assert (empty_dir.code, "Traceback" in empty_dir.stderr) == (2, False)


def _options(value: bool) -> list[tuple[str, str]]:
    """(command, option) for every option of every command that takes a value (or not)."""
    import typer.main
    from typer.core import TyperOption

    found = []
    for name in COMMANDS:
        command = typer.main.get_command(build_app([name])).commands[name]
        for param in command.params:
            if isinstance(param, TyperOption) and param.is_flag != value:
                found += [(name, opt) for opt in (*param.opts, *param.secondary_opts)]
    return found


@pytest.mark.parametrize(("command", "option"), _options(value=True))
def test_an_option_without_its_value_points_at_its_commands_help(
    command: str, option: str, tmp_path: Path
) -> None:
    """Click raises these without the command: the hint once said `fluxnotify --help`."""
    result = cli(command, option, cwd=tmp_path)
    assert (result.code, result.stdout, result.stderr.splitlines()) == (
        2,
        "",
        [
            f"fluxnotify: error: {command}: option '{option}' requires an argument",
            f"  hint: `fluxnotify {command} --help` lists the options",
        ],
    )


@pytest.mark.parametrize(
    ("command", "option"), [(c, o) for c, o in _options(value=False) if o.startswith("--")]
)
def test_a_flag_given_a_value_points_at_its_commands_help(
    command: str, option: str, tmp_path: Path
) -> None:
    result = cli(command, f"{option}=yes", cwd=tmp_path)
    assert (result.code, result.stdout, result.stderr.splitlines()) == (
        2,
        "",
        [
            f"fluxnotify: error: {command}: option '{option}' does not take a value",
            f"  hint: `fluxnotify {command} --help` lists the options",
        ],
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("validate", "-f"),
            [
                "fluxnotify: error: validate: option '-f' requires an argument",
                "  hint: `fluxnotify validate --help` lists the options",
            ],
        ),
        (
            ("route", "--all", "--cluster"),
            [
                "fluxnotify: error: route: option '--cluster' requires an argument",
                "  hint: `fluxnotify route --help` lists the options",
            ],
        ),
        (  # an option of the root, before the command, is the root's
            ("--version=1", "validate"),
            [
                "fluxnotify: error: option '--version' does not take a value",
                "  hint: `fluxnotify --help` lists the options",
            ],
        ),
    ],
)
def test_option_usage_hints_through_the_console_script(
    args: tuple[str, ...], expected: list[str], tmp_path: Path
) -> None:
    result = console(*args, cwd=tmp_path)
    assert (result.code, result.stdout, result.stderr.splitlines()) == (2, "", expected)


WEBHOOK_SECRET = "s3cr3tUsageMarker"
MARKER_URL = f"https://hooks.slack.com/services/T0USAGE/B0USAGE/{WEBHOOK_SECRET}"
MARKER_TOKEN = "xoxb-1234-5678-Us4geT0kenMarker"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("test-send", MARKER_URL), "test-send: got unexpected extra argument"),
        (("test-send", "--provider", "--address", MARKER_URL), "unexpected extra argument"),
        (("test-send", f"--addres={MARKER_URL}"), "test-send: no such option: --addres"),
        (("test-send", "--timeout", MARKER_TOKEN, "--dry-run"), ""),
        (("validate", MARKER_TOKEN, MARKER_URL), ""),
        (("init", "--event-severity", MARKER_URL), "init: invalid value for '--event-severity'"),
        (("init", MARKER_TOKEN), "init: got unexpected extra argument"),
        (("rules", MARKER_TOKEN), "unknown rule"),
        ((MARKER_URL,), "no such command 'https://hooks.slack.com/...'"),
    ],
)
def test_usage_errors_never_echo_a_credential(
    args: tuple[str, ...], says: str, tmp_path: Path
) -> None:
    result = console(*args, cwd=tmp_path)
    assert result.code == 2, result.stderr
    first, *rest = result.stderr.splitlines()
    assert first.startswith("fluxnotify: error: ")
    assert says in first
    assert len(rest) <= 1
    for secret in (WEBHOOK_SECRET, "T0USAGE", "B0USAGE", MARKER_TOKEN, "Us4geT0kenMarker"):
        assert secret not in result.stdout + result.stderr


def test_a_bare_url_to_test_send_is_told_to_use_address(tmp_path: Path) -> None:
    result = console("test-send", MARKER_URL, cwd=tmp_path)
    assert result.stderr.splitlines() == [
        "fluxnotify: error: test-send: got unexpected extra argument(s) (https://hooks.slack.com/...)",
        "  hint: give the URL with --address URL (or FLUXNOTIFY_ADDRESS); never as a word alone",
    ]


def test_interrupted_is_130(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import fluxnotify.engine

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(fluxnotify.engine, "validate", interrupted)
    result = _run(tmp_path, CLEAN)
    assert result.code == 130
    assert result.stderr == "fluxnotify: interrupted\n"


def test_internal_error_messages_are_scrubbed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fluxnotify.engine

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"cannot post to {MARKER_URL} with {MARKER_TOKEN}")

    monkeypatch.setattr(fluxnotify.engine, "validate", broken)
    monkeypatch.delenv("FLUXNOTIFY_DEBUG", raising=False)
    result = _run(tmp_path, CLEAN)
    assert result.code == 3
    assert result.stderr.splitlines()[0] == (
        "fluxnotify: internal error: RuntimeError: cannot post to https://hooks.slack.com/... with …"
    )


def test_a_path_the_file_system_refuses_is_exit_2_not_a_bug(tmp_path: Path) -> None:
    too_long = "x" * 300  # one name past the 255 bytes file systems allow
    result = console("init", "--channel", "c", "--output-dir", too_long, cwd=tmp_path)
    assert result.code == 2
    first, hint = result.stderr.splitlines()
    assert first.startswith("fluxnotify: error: File name too long (")
    assert hint == (
        "  hint: check the path: its length, its type (file or folder) and its permissions"
    )
