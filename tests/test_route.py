"""fluxnotify/route.py: how a Provider is described as a destination, never with a secret."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fluxnotify.index import Placed
from fluxnotify.model import Document, Placement, SourceFile
from fluxnotify.route import destination


def _provider(spec: dict[str, Any], namespace: str = "flux-system") -> Placed:
    data = {
        "apiVersion": "notification.toolkit.fluxcd.io/v1beta3",
        "kind": "Provider",
        "metadata": {"name": "p", "namespace": namespace},
        "spec": spec,
    }
    doc = Document(SourceFile(Path("p.yaml"), "p.yaml"), 0, data, data["apiVersion"], "Provider")
    return Placed(doc, Placement("prod", namespace))


@pytest.mark.parametrize(
    ("spec", "shown", "hidden"),
    [
        (
            {
                "type": "slack",
                "channel": "ops",
                "address": "https://hooks.slack.com/services/T1/B2/S3cr3t",
            },
            "channel ops, https://hooks.slack.com/services/…",
            "S3cr3t",
        ),
        (
            {"type": "generic", "address": "https://user:pa55word@example.com/hook?token=abc123"},
            "https://example.com/…",
            "pa55word",
        ),
        (
            {"type": "azureeventhub", "address": "Endpoint=sb://x/;SharedAccessKey=k3y"},
            "address set",
            "k3y",
        ),
        (
            {"type": "discord", "secretRef": {"name": "discord-url"}},
            "address in Secret discord-url",
            "?",
        ),
    ],
)
def test_destination_words_never_show_a_secret(
    spec: dict[str, Any], shown: str, hidden: str
) -> None:
    target = destination(_provider(spec), "prod")
    assert target.target == shown
    assert hidden not in target.label


def test_the_same_secret_or_address_is_the_same_destination() -> None:
    a = destination(_provider({"type": "slack", "secretRef": {"name": "s"}}), "prod")
    b = destination(_provider({"type": "slack", "secretRef": {"name": "s"}}), "prod")
    other_namespace = destination(
        _provider({"type": "slack", "secretRef": {"name": "s"}}, "apps"), "prod"
    )
    other_channel = destination(
        _provider({"type": "slack", "channel": "x", "secretRef": {"name": "s"}}), "prod"
    )
    assert a.key == b.key
    assert a.key != other_namespace.key  # a Secret of another namespace is another Secret
    assert a.key != other_channel.key
