"""`fluxnotify rules [ID]`: list the rules, or print one rule's page."""

import sys
from typing import Annotated

import typer

from fluxnotify.errors import UsageError


def rules(
    rule_id: Annotated[str | None, typer.Argument(help="A rule id: print its page.")] = None,
) -> int:
    """List the rules with their default severity, or show one rule's documentation.

    A rule that is off unless the configuration turns it on says so: its severity is
    the one it reports at once enabled.
    """
    from fluxnotify.rules import RULES
    from fluxnotify.schemas import resource_dir

    if rule_id is None:
        width = max(len(r) for r in RULES)
        for rid, rule in RULES.items():
            off = "" if rule.ENABLED_BY_DEFAULT else "  (off by default)"
            print(f"{rid:<{width}}  {rule.SEVERITY.value:<7}  {rule.SUMMARY}{off}")
        return 0
    if rule_id not in RULES:
        raise UsageError(f"unknown rule `{rule_id}`", "`fluxnotify rules` lists the rule ids")
    page = resource_dir("docs/rules").joinpath(f"{rule_id}.md").read_text(encoding="utf-8")
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(page))
    else:
        sys.stdout.write(page)
    return 0
