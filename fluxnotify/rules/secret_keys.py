"""secret-keys: the Secret's keys cannot work for the Provider's type.

notification-controller reads fixed keys (reference 3b): `address` and `token`
for most types, never `url` or `webhook`; `username` without `password` (or the
reverse) makes it drop all auth, the token too (Flux 2.7 and newer); some types
need a `token`. Checked only where the key names are known (plain and SOPS
Secrets, SealedSecrets, ExternalSecrets without dataFrom).
"""

from __future__ import annotations

from collections.abc import Iterator

from fluxnotify import fluxversion, providertypes
from fluxnotify.model import Context, Document, Problem, Severity
from fluxnotify.rules._refs import is_notification, ref_name, referrers

ID = "secret-keys"
SEVERITY = Severity.ERROR
SUMMARY = "the Secret's keys cannot work for the Provider type (url instead of address, ...)"
ENABLED_BY_DEFAULT = True
NEEDS_SCHEMA_ISSUES = False
ENABLED_IF_CROSS_NAMESPACE_REFS_BLOCKED = False
KINDS: frozenset[str] | None = frozenset({"Provider", "Secret"})

#: Keys people write for the endpoint that the controller never reads.
WRONG_ADDRESS_KEYS = ("url", "webhook", "webhook_url", "webhookUrl", "webhookURL", "uri", "endpoint", "hook", "slack_url", "slack_webhook", "discord_webhook")  # fmt: skip
#: Keys the controller reads for some type: worth a word when this type never reads them.
KNOWN_KEYS = frozenset(k for f in providertypes.TYPES.values() for k in f.keys)
GITHUB_APP_KEYS = frozenset({"githubAppID", "githubAppPrivateKey"})
#: One of these names the installation (fluxcd/pkg git/github: the owner is looked up).
GITHUB_APP_INSTALLATION_KEYS = frozenset({"githubAppInstallationID", "githubAppInstallationOwner"})
GITHUB_TYPES = ("github", "githubdispatch", "githubpullrequestcomment")


Found = tuple[str, str, "str | None", "Severity | None"]


def _problems(
    keys: frozenset[str], provider_type: str, spec_address: bool, version: str
) -> list[Found]:
    """(message, hint, the Secret key at fault if one is, severity if not the rule's) for
    each way ``keys`` fail the type."""
    out: list[Found] = []
    facts = providertypes.facts(provider_type)
    has_address = "address" in keys or spec_address
    wrong = [k for k in WRONG_ADDRESS_KEYS if k in keys]
    if wrong and not has_address:
        out.append(
            (
                f"the Secret has `{wrong[0]}`, a key the controller never reads",
                "did you mean `address`? the webhook URL goes under the key `address`",
                wrong[0],
                None,
            )
        )
    elif provider_type == "slack" and not keys & {"address", "token"} and not spec_address:
        out.append(
            (
                "the Secret has neither `address` nor `token`, and `spec.address` is empty",
                "put the webhook URL under the key `address`",
                None,
                None,
            )
        )
    if fluxversion.minor_of(version) >= 7 and ("username" in keys) != ("password" in keys):
        present, absent = (
            ("username", "password") if "username" in keys else ("password", "username")
        )
        hint = f"add `{absent}`, or remove `{present}` (use `spec.username` to set the name)"
        if provider_type == "bitbucketserver" and present == "password":
            # The documented set-up: password in the Secret, spec.username for the name.
            hint = (
                "put `username` in the Secret next to `password`: with the name only in"
                " `spec.username`, the controller drops the password and every status"
                " fails with `invalid credentials`"
            )
        out.append(
            (
                f"the Secret has `{present}` without `{absent}`: the controller then ignores"
                " all credentials in it, `token` included",
                hint,
                present,
                None,
            )
        )
    if facts is not None and provider_type not in GITHUB_TYPES:
        for need in providertypes.required_missing(facts, keys):
            words = " or ".join(
                " and ".join(f"`{k}`" for k in option.split("+")) for option in need.split("|")
            )
            if "|" not in need and "+" not in need:
                words = f"the key {words}"
            out.append(
                (
                    f"a `{provider_type}` Provider needs {words} in its Secret",
                    f"add {words}: {facts.keys[need.split('|')[0].split('+')[0]]}",
                    None,
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
                None,
            )
        )
    required_address = facts is not None and facts.address_required and provider_type != "slack"
    if required_address and not has_address and not wrong:
        out.append(
            (
                f"a `{provider_type}` Provider needs an address: the Secret has no `address`"
                " and `spec.address` is empty",
                "add the key `address`",
                None,
                None,
            )
        )
    if facts is not None:
        unused = [k for k in providertypes.never_read(facts, keys) if k in KNOWN_KEYS]
        half = ("username" in keys) != ("password" in keys)
        for key in unused:
            if half and key in ("username", "password"):
                continue  # the half pair is already said
            out.append(
                (
                    f"the Secret has `{key}`, which a `{provider_type}` Provider never reads",
                    "remove it, or check the Provider type: "
                    + _READ_BY.get(key, "other types read it"),
                    key,
                    Severity.WARNING,
                )
            )
    return out


_READ_BY = {
    "token": "the token is used only by the types that send one (not by webhook types)",
    "headers": "only generic, generic-hmac, otel and googlepubsub send `headers`",
    "address": "this type ignores the address (telegram posts to api.telegram.org)",
    "proxy": "this type has no proxy support; spec.proxySecretRef is not used either",
}


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
    namespaces = (p.namespace for p in ctx.placements)
    for placed in referrers(ctx.objects, "Provider", "secretRef", doc.name, namespaces):
        provider = placed.doc
        provider_type = provider.spec.get("type")
        if (
            not isinstance(provider_type, str)
            or placed.placement not in ctx.placements
            or id(provider.file) in ctx.targets
        ):
            continue
        sources = ctx.objects.secrets(str(doc.name), placed.placement)
        if len(sources) != 1 or sources[0].doc is not doc or sources[0].keys is None:
            continue  # several could be the one applied: the Provider's finding says it
        keys = sources[0].keys  # the index read them from this Secret
        spec_address = bool(provider.spec.get("address"))
        found = _problems(keys, provider_type, spec_address, ctx.flux_version)
        for message, hint, key, severity in found:
            if message in reported:
                continue
            reported.add(message)
            section = next((s for s, v in sections.items() if isinstance(v, dict) and key in v), "")
            yield Problem(
                f"read by Provider `{provider.name}`: {message}",
                (section, str(key)) if key and section else ("metadata", "name"),
                key=True,
                hint=hint,
                severity=severity,
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
        for message, hint, _, severity in common:
            if message not in reported:
                reported.add(message)
                yield Problem(
                    f"secretRef `{name}`: {message}",
                    ("spec", "secretRef", "name"),
                    hint=hint,
                    severity=severity,
                )
