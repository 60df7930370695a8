"""The suppression comment grammar (fluxnotify/directives.py), without the engine."""

from __future__ import annotations

import pytest

from fluxnotify import directives
from fluxnotify.model import Finding, Severity

KNOWN = ("provider-ref", "secret-ref", "regex", "cross-namespace-source")
ENABLED = ("provider-ref", "secret-ref", "regex")


def finding(line: int, rule: str = "provider-ref") -> Finding:
    return Finding("f.yaml", line, 5, rule, Severity.ERROR, "m")


def test_end_of_line_targets_its_own_line() -> None:
    (d,) = directives.parse("a: 1\nname: x  # fluxnotify: disable=provider-ref\n")
    assert (d.line, d.column, d.target, d.rules) == (2, 10, 2, ("provider-ref",))


def test_alone_on_a_line_targets_the_next_line() -> None:
    (d,) = directives.parse(
        "spec:\n    # fluxnotify: disable=provider-ref, secret-ref\n    name: x\n"
    )
    assert (d.line, d.column, d.target, d.rules) == (2, 5, 3, ("provider-ref", "secret-ref"))


def test_disable_file_and_disable_without_rules() -> None:
    text = "# fluxnotify: disable-file=regex\n#fluxnotify:disable\nx: 1\n"
    first, second = directives.parse(text)
    assert (first.target, first.rules, first.problem) == (None, ("regex",), None)
    assert (second.target, second.rules, second.problem) == (3, (), None)


def test_no_directive() -> None:
    assert directives.parse("a: 1 # a comment\nfluxnotify: disable\n") == []


def test_disable_file_below_line_ten_is_reported_not_ignored() -> None:
    text = "".join(f"# line {i}\n" for i in range(1, 11)) + "# fluxnotify: disable-file\n"
    (d,) = directives.parse(text)
    assert d.line == 11
    assert d.problem is not None
    assert "first 10 lines" in d.problem
    kept, unused = directives.apply(text, [finding(12)], KNOWN, ENABLED)
    assert kept == [finding(12)]
    assert [(u.line, u.column) for u in unused] == [(11, 1)]


@pytest.mark.parametrize(
    "comment",
    [
        "# fluxnotify: disable=provider-ref # made by terraform",
        "# fluxnotify: disable=provider-ref -- made by terraform",
        "# fluxnotify: disable=Provider-Ref",
        "# fluxnotify: disable=",
        "# fluxnotify: enable=provider-ref",
        "# fluxnotify: disable provider-ref",
    ],
)
def test_unreadable_directive_is_reported(comment: str) -> None:
    text = f"name: x  {comment}\n"
    (d,) = directives.parse(text)
    assert d.problem is not None
    assert d.problem.startswith("cannot read this suppression")
    kept, unused = directives.apply(text, [finding(1)], KNOWN, ENABLED)
    assert kept == [finding(1)]  # it silenced nothing
    assert [(u.line, u.column) for u in unused] == [(1, 10)]
    assert unused[0].message == d.problem


def test_apply_silences_and_records_use() -> None:
    text = "a: 1  # fluxnotify: disable=provider-ref\n# fluxnotify: disable=secret-ref\nb: 2\n"
    found = [finding(1), finding(3, "secret-ref"), finding(3, "provider-ref"), finding(1, "regex")]
    kept, unused = directives.apply(text, found, KNOWN, ENABLED)
    assert kept == [finding(3, "provider-ref"), finding(1, "regex")]
    assert unused == []


def test_apply_reports_what_silences_nothing() -> None:
    text = (
        "a: 1  # fluxnotify: disable=provider-ref,secret-ref\n"
        "b: 2  # fluxnotify: disable=no-such-rule\n"
        "c: 3  # fluxnotify: disable\n"
        "d: 4  # fluxnotify: disable=cross-namespace-source\n"
    )
    kept, unused = directives.apply(text, [finding(1)], KNOWN, ENABLED)
    assert kept == []
    assert [(u.line, u.message) for u in unused] == [
        (1, "suppression of secret-ref silences nothing here"),
        (2, "unknown rule `no-such-rule` in suppression"),
        (3, "suppression of (all rules) silences nothing here"),
        # line 4: the rule is off, so the suppression is not stale
    ]


def test_disable_file_covers_every_line() -> None:
    text = "# fluxnotify: disable-file\na: 1\n"
    kept, unused = directives.apply(text, [finding(40), finding(2, "regex")], KNOWN, ENABLED)
    assert (kept, unused) == ([], [])
