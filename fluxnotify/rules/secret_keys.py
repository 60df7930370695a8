"""secret-keys: the Secret's keys cannot work for the Provider's type.

notification-controller reads fixed keys (reference 3b): `address` and `token`
for most types, never `url` or `webhook`; `username` without `password` (or the
reverse) makes it drop all auth, the token too (Flux 2.7 and newer); some types
need a `token`. Checked only where the key names are known (plain and SOPS
Secrets, SealedSecrets, ExternalSecrets without dataFrom).
"""

from __future__ import annotations

from collections.abc import Iterator

from fluxnotify import fluxversion
from fluxnotify.model import Context, Document, Problem, Severity
from fluxnotify.rules._refs import is_notification, ref_name

ID = "secret-keys"
SEVERITY = Severity.ERROR
SUMMARY = "the Secret's keys cannot work for the Provider type (url instead of address, ...)"
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False

#: Keys people write for the endpoint that the controller never reads.
WRONG_ADDRESS_KEYS = ("url", "webhook", "webhook_url", "webhookUrl", "webhookURL", "uri", "endpoint", "hook", "slack_url", "slack_webhook", "discord_webhook")  # fmt: skip
TOKEN_REQUIRED = ("generic-hmac", "telegram", "opsgenie", "datadog")
#: Types whose URL (address key or spec.address) the controller requires.
ADDRESS_REQUIRED = ("generic", "generic-hmac", "sentry", "nats", "googlepubsub")
GITHUB_APP_KEYS = frozenset({"githubAppID", "githubAppPrivateKey"})
#: One of these names the installation (fluxcd/pkg git/github: the owner is looked up).
GITHUB_APP_INSTALLATION_KEYS = frozenset({"githubAppInstallationID", "githubAppInstallationOwner"})
GITHUB_TYPES = ("github", "githubdispatch", "githubpullrequestcomment")


def _problems(
    keys: frozenset[str], provider_type: str, spec_address: bool, version: str
) -> list[tuple[str, str, str | None]]:
    """(message, hint, the Secret key at fault if one is) for each way ``keys`` fail the type."""
    out: list[tuple[str, str, str | None]] = []
    has_address = "address" in keys or spec_address
    wrong = [k for k in WRONG_ADDRESS_KEYS if k in keys]
    if wrong and not has_address:
        out.append(
            (
                f"the Secret has `{wrong[0]}`, a key the controller never reads",
                "did you mean `address`? the webhook URL goes under the key `address`",
                wrong[0],
            )
        )
    elif provider_type == "slack" and not keys & {"address", "token"} and not spec_address:
        out.append(
            (
                "the Secret has neither `address` nor `token`, and `spec.address` is empty",
                "put the webhook URL under the key `address`",
                None,
            )
        )
    if fluxversion.minor_of(version) >= 7 and ("username" in keys) != ("password" in keys):
        present, absent = (
            ("username", "password") if "username" in keys else ("password", "username")
        )
        out.append(
            (
                f"the Secret has `{present}` without `{absent}`: the controller then ignores"
                " all credentials in it, `token` included",
                f"add `{absent}`, or remove `{present}` (use `spec.username` to set the name)",
                present,
            )
        )
    if provider_type in TOKEN_REQUIRED and "token" not in keys:
        out.append(
            (
                f"a `{provider_type}` Provider needs the key `token` in its Secret",
                "add `token`",
                None,
            )
        )
    github_app = keys >= GITHUB_APP_KEYS and bool(keys & GITHUB_APP_INSTALLATION_KEYS)
    if provider_type in GITHUB_TYPES and "token" not in keys and not github_app:
        out.append(
            (
                f"a `{provider_type}` Provider needs `token`, or the GitHub App keys"
                " githubAppID, githubAppPrivateKey and githubAppInstallationID"
                " (or githubAppInstallationOwner)",
                "add a personal access token under `token`",
                None,
            )
        )
    if provider_type in ADDRESS_REQUIRED and not has_address and not wrong:
        out.append(
            (
                f"a `{provider_type}` Provider needs an address: the Secret has no `address`"
                " and `spec.address` is empty",
                "add the key `address`",
                None,
            )
        )
    return out


def check(doc: Document, ctx: Context) -> Iterator[Problem]:
    if is_notification(doc, "Provider"):
        yield from _check_provider(doc, ctx)
    elif doc.kind == "Secret" and doc.api_version == "v1" and doc.name:
        yield from _check_secret(doc, ctx)


def _check_secret(doc: Document, ctx: Context) -> Iterator[Problem]:
    """The same mistakes, reported on the Secret when its Provider is not being checked
    (a commit that changes only the Secret); otherwise the Provider's finding says it."""
    sections = {s: doc.data.get(s) for s in ("stringData", "data")}
    reported: set[str] = set()
    for placed in ctx.objects.of_kind("Provider"):
        provider = placed.doc
        provider_type = provider.spec.get("type")
        if (
            not is_notification(provider, "Provider")
            or not isinstance(provider_type, str)
            or ref_name(provider.spec, "secretRef") != doc.name
            or placed.placement not in ctx.placements
            or id(provider.file) in ctx.targets
        ):
            continue
        sources = ctx.objects.secrets(str(doc.name), placed.placement)
        if len(sources) != 1 or sources[0].doc is not doc or sources[0].keys is None:
            continue  # several could be the one applied: the Provider's finding says it
        keys = sources[0].keys  # the index read them from this Secret
        spec_address = bool(provider.spec.get("address"))
        for message, hint, key in _problems(keys, provider_type, spec_address, ctx.flux_version):
            if message in reported:
                continue
            reported.add(message)
            section = next((s for s, v in sections.items() if isinstance(v, dict) and key in v), "")
            yield Problem(
                f"read by Provider `{provider.name}`: {message}",
                (section, str(key)) if key and section else ("metadata", "name"),
                key=True,
                hint=hint,
            )


def _check_provider(doc: Document, ctx: Context) -> Iterator[Problem]:
    name = ref_name(doc.spec, "secretRef")
    provider_type = doc.spec.get("type")
    if name is None or not isinstance(provider_type, str):
        return
    spec_address = bool(doc.spec.get("address"))
    reported: set[str] = set()
    for placement in ctx.placements:
        if placement.namespace is None:
            continue
        found = ctx.objects.secrets(name, placement)
        if not found or any(s.keys is None for s in found):
            continue  # missing (secret-ref says so) or keys unknown: nothing sure to say
        # Report what is wrong with every Secret that could be the one applied.
        per_source = [
            _problems(s.keys, provider_type, spec_address, ctx.flux_version)
            for s in found
            if s.keys is not None
        ]
        common = [p for p in per_source[0] if all(p in other for other in per_source[1:])]
        for message, hint, _ in common:
            if message not in reported:
                reported.add(message)
                yield Problem(
                    f"secretRef `{name}`: {message}", ("spec", "secretRef", "name"), hint=hint
                )
